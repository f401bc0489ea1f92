"""A read-only, plain-Python view of a spaCy parse, built once per document.

spaCy makes a new ``Token`` object on every ``doc[i]``, ``token.head`` and
``token.children``, and looks each string attribute up again on every access.
The attribution stage walks the dependency tree tens of thousands of times
per article, so it reads the parse once through :class:`ParseView` instead:
one :class:`Word` per token holding the attributes the stage uses, with the
tree (head, children) linked as plain Python objects.

A :class:`Word` answers the same attribute names as a spaCy ``Token`` and a
:class:`Stretch` those of a ``Span`` (only the ones the stage reads), with the
same values: ``lefts``/``rights``/``children``/``subtree`` in spaCy's order,
``left_edge``/``right_edge`` the outermost descendants, ``Stretch.root``
spaCy's rule (a sentence root inside the span, else the token nearest the root,
the first of equals), ``ents`` spaCy's reading of the IOB tags.

Words point at their head and their children, so a view is a web of reference
cycles: :meth:`ParseView.release` cuts them when the stage is done, so that the
view is freed at once rather than left to the garbage collector (whose full
collections over a loaded language model cost more than the whole stage). Few
objects are made per word for the same reason: rarely read attributes stay in
the view's columns. The view does not follow later edits of the parse.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

__all__ = ["Entity", "ParseView", "Stretch", "Word", "view_of"]

_NO_WORDS: tuple[Word, ...] = ()


class Word:
    """One token of a :class:`ParseView`, with spaCy ``Token``'s attribute names."""

    __slots__ = (
        "_left_edge",
        "_right_edge",
        "_rights",
        "children",
        "dep_",
        "doc",
        "head",
        "i",
        "idx",
        "lower_",
        "pos_",
        "text",
    )

    doc: ParseView
    head: Word
    children: tuple[Word, ...] | list[Word]  # in text order: spaCy's lefts, then rights
    i: int
    idx: int
    text: str
    lower_: str
    dep_: str
    pos_: str
    _left_edge: Word
    _right_edge: Word
    _rights: list[Word]

    def __len__(self) -> int:
        return len(self.text)

    def __repr__(self) -> str:
        return self.text

    @property
    def tag_(self) -> str:
        return self.doc._tags[self.i]

    @property
    def ent_type_(self) -> str:
        return self.doc._ent_types[self.i]

    @property
    def like_num(self) -> bool:
        return self.doc._flags[self.i] & _LIKE_NUM != 0

    @property
    def is_punct(self) -> bool:
        return self.doc._flags[self.i] & _PUNCT != 0

    @property
    def is_space(self) -> bool:
        return self.doc._flags[self.i] & _SPACE != 0

    @property
    def whitespace_(self) -> str:
        return " " if self.doc._flags[self.i] & _TRAILING_SPACE else ""

    @property
    def text_with_ws(self) -> str:
        return self.text + self.whitespace_

    @property
    def is_sent_start(self) -> bool | None:
        s = self.doc._sent_starts[self.i]
        return None if s == 0 else s > 0

    @property
    def lefts(self) -> list[Word]:
        i = self.i
        return [c for c in self.children if c.i < i]

    @property
    def rights(self) -> list[Word]:
        try:
            return self._rights
        except AttributeError:
            i = self.i
            rights = self._rights = [c for c in self.children if c.i > i]
            return rights

    @property
    def left_edge(self) -> Word:
        """The first of its descendants (itself included), as spaCy's ``l_edge``."""
        try:
            return self._left_edge
        except AttributeError:
            edge = self
            for child in self.children:
                e = child.left_edge
                if e.i < edge.i:
                    edge = e
            self._left_edge = edge
            return edge

    @property
    def right_edge(self) -> Word:
        """The last of its descendants (itself included), as spaCy's ``r_edge``."""
        try:
            return self._right_edge
        except AttributeError:
            edge = self
            for child in self.children:
                e = child.right_edge
                if e.i > edge.i:
                    edge = e
            self._right_edge = edge
            return edge

    @property
    def subtree(self) -> list[Word]:
        """The word and its descendants in spaCy's order (left subtrees, the word, right)."""
        out: list[Word] = []
        _collect(self, out)
        return out

    @property
    def ancestors(self) -> Iterator[Word]:
        word = self
        for _ in range(len(self.doc)):
            if word.head is word:
                return
            word = word.head
            yield word

    def nbor(self, i: int = 1) -> Word:
        j = self.i + i
        if not 0 <= j < len(self.doc):
            raise IndexError(f"no token at {j}")
        return self.doc[j]


def _collect(word: Word, out: list[Word]) -> None:
    i = word.i
    kids = word.children
    for child in kids:
        if child.i < i:
            _collect(child, out)
    out.append(word)
    for child in kids:
        if child.i > i:
            _collect(child, out)


class Stretch:
    """Tokens ``[start, end)`` of a :class:`ParseView`, with spaCy ``Span``'s names."""

    __slots__ = ("doc", "end", "end_char", "start", "start_char")

    def __init__(self, doc: ParseView, start: int, end: int) -> None:
        self.doc = doc
        self.start = start
        self.end = end
        if end > start:
            words = doc
            last = words[end - 1]
            self.start_char = words[start].idx
            self.end_char = last.idx + len(last.text)
        else:  # empty: where it would begin, as spaCy has it
            at = doc[start].idx if start < len(doc) else len(doc.text)
            self.start_char = self.end_char = at

    def __len__(self) -> int:
        return self.end - self.start

    def __iter__(self) -> Iterator[Word]:
        return iter(self.doc[self.start : self.end])

    def __getitem__(self, k: int) -> Word:
        n = self.end - self.start
        if k < 0:
            k += n
        if not 0 <= k < n:
            raise IndexError(k)
        return self.doc[self.start + k]

    @property
    def text(self) -> str:
        return self.doc.text[self.start_char : self.end_char]

    @property
    def root(self) -> Word:
        words = self.doc
        for i in range(self.start, self.end):
            if words[i].head is words[i]:
                return words[i]
        best, root = len(words), None
        for i in range(self.start, self.end):
            h = words[i].head.i
            if self.start <= h < self.end:
                continue
            steps = _words_to_root(words[i], len(words))
            if steps < best:
                best, root = steps, words[i]
        return words[self.start] if root is None else root


class Entity(Stretch):
    """A named entity of spaCy's parse: its tokens and its label."""

    __slots__ = ("label_",)

    def __init__(self, doc: ParseView, start: int, end: int, label: str) -> None:
        super().__init__(doc, start, end)
        self.label_ = label


def _words_to_root(word: Word, length: int) -> int:
    """spaCy's ``_count_words_to_root``: steps up to the sentence root; a space or a
    punctuation mark with no dependents comes last."""
    if not word.children and (word.is_space or word.is_punct):
        return length - 1
    n = 0
    while word.head is not word:
        word = word.head
        n += 1
        if n >= length:
            break
    return n


_NAMES: dict[int, str] = {}
_PUNCT, _SPACE, _LIKE_NUM, _TRAILING_SPACE = 1, 2, 4, 8


class ParseView(list[Word]):
    """The words of one spaCy ``Doc`` (the list itself: ``view[i]`` is a :class:`Word`;
    :meth:`span` makes a :class:`Stretch`), with its sentences and text."""

    __slots__ = (
        "_ent_types",
        "_ents",
        "_flags",
        "_iob",
        "_roots",
        "_sent_starts",
        "_tags",
        "deps",
        "lowers",
        "parse",
        "poses",
        "sent_bounds",
        "text",
        "user_data",
    )

    def __init__(self, parse: Any, text: str | None = None) -> None:
        from spacy.attrs import (
            DEP,
            ENT_IOB,
            ENT_TYPE,
            HEAD,
            IDX,
            IS_PUNCT,
            IS_SPACE,
            LENGTH,
            LIKE_NUM,
            LOWER,
            POS,
            SENT_START,
            SPACY,
            TAG,
        )

        n = len(parse)
        if n:
            table = parse.to_array(
                [LOWER, DEP, POS, TAG, ENT_TYPE]  # string hashes
                + [IDX, LENGTH, SPACY, HEAD, SENT_START, IS_PUNCT, IS_SPACE, LIKE_NUM, ENT_IOB]
            )
            hashes: list[list[int]] = table[:, :5].T.tolist()
            # HEAD (an offset) and SENT_START (-1, 0, 1) are signed numbers stored unsigned
            small = table[:, 5:].astype("int64")
            flags = (
                small[:, 5] * _PUNCT
                + small[:, 6] * _SPACE
                + small[:, 7] * _LIKE_NUM
                + small[:, 2] * _TRAILING_SPACE
            )
            idxs, lengths, spaces, heads, starts = small[:, :5].T.tolist()
            iob = small[:, 8].tolist()
        else:
            hashes = [[]] * 5
            idxs, lengths, spaces, heads, starts, iob = [], [], [], [], [], []
        end = idxs[-1] + lengths[-1] + spaces[-1] if n else 0
        if text is None or len(text) != end:  # not the parsed text: spaCy rebuilds it
            text = parse.user_data.get("sitrep.text")
            if text is None:
                text = parse.user_data["sitrep.text"] = parse.text
        self.text: str = str(text)
        self.user_data: dict[str, Any] = {"sitrep.text": self.text}
        self.parse = parse
        self._ents: list[Entity] | None = None
        self._roots: dict[tuple[int, int], Word] = {}
        strings = parse.vocab.strings
        names = _NAMES  # a hash is its string's hash in every vocabulary
        named: list[list[str]] = []
        for col in hashes:
            try:
                named.append([names[h] for h in col])
            except KeyError:
                if len(names) > 200_000:
                    names.clear()
                names.update((h, strings[h] if h else "") for h in col if h not in names)
                named.append([names[h] for h in col])
        lowers, deps, poses, self._tags, self._ent_types = named
        # the columns as lists too, for passes over every word
        self.lowers: list[str] = lowers
        self.deps: list[str] = deps
        self.poses: list[str] = poses
        self._flags: list[int] = flags.tolist() if n else []
        self._sent_starts: list[int] = starts
        self._iob: list[int] = iob
        super().__init__()
        words = self
        append = words.append
        for i, (a, length, low, dep, pos) in enumerate(
            zip(idxs, lengths, lowers, deps, poses, strict=True)
        ):
            w = Word()
            w.doc = self
            w.i = i
            w.idx = a
            w.text = text[a : a + length]
            w.lower_ = low
            w.dep_ = dep
            w.pos_ = pos
            w.children = _NO_WORDS
            append(w)
        for w, off in zip(words, heads, strict=True):
            w.head = head = words[w.i + off]
            if head is not w:
                if head.children:
                    head.children.append(w)
                else:
                    head.children = [w]
        # spaCy's Doc.sents: a sentence starts where SENT_START is 1
        bounds, start = [], 0
        for i in range(1, n):
            if starts[i] == 1:
                bounds.append((start, i))
                start = i
        if start != n:
            bounds.append((start, n))
        self.sent_bounds: list[tuple[int, int]] = bounds

    def release(self) -> None:
        """Cut the reference cycles (word to head to child) once the view is done with, so
        it is freed at once, not by the garbage collector; the view is empty afterwards."""
        for w in self:  # the heads are the only links up the tree: the rest is then a tree
            del w.head
        self.clear()
        self.user_data = {}
        self._roots = {}
        self._ents = None
        self._iob = []

    @property
    def words(self) -> ParseView:
        return self

    def root_of(self, start: int, end: int) -> Word:
        """``span(start, end).root``, remembered."""
        key = (start, end)
        root = self._roots.get(key)
        if root is None:
            root = self._roots[key] = Stretch(self, start, end).root
        return root

    def span(self, start: int, end: int) -> Stretch:
        """Words ``[start, end)`` as a span (``view[i:j]`` is a plain list)."""
        return Stretch(self, start, end)

    @property
    def ents(self) -> list[Entity]:
        """spaCy's ``Doc.ents``, read once off the IOB tags as spaCy reads them: a B (3)
        with a type opens an entity, which runs over the I (1) tags after it."""
        if self._ents is None:
            iob, kinds = self._iob, self._ent_types
            ents: list[Entity] = []
            n = len(iob)
            for start in [i for i, tag in enumerate(iob) if tag == 3]:
                if not kinds[start]:
                    continue
                end = start + 1
                while end < n and iob[end] == 1:
                    end += 1
                ents.append(Entity(self, start, end, kinds[start]))
            self._ents = ents
        return self._ents

    @property
    def sents(self) -> Iterator[Stretch]:
        for start, end in self.sent_bounds:
            yield Stretch(self, start, end)


def view_of(parse: Any, text: str | None = None) -> ParseView:
    """The view of a spaCy ``Doc`` (a view is returned as it is); ``text``, when it is
    the text that was parsed, saves spaCy rebuilding it."""
    return parse if isinstance(parse, ParseView) else ParseView(parse, text)
