"""The dependency parse as flat per-token arrays, read once per document.

spaCy builds a new ``Token`` object on every ``doc[i]``, ``token.head`` and
``token.children``; the events stage walks the tree thousands of times per
article, so it reads the parse once with ``Doc.to_array`` and works on plain
lists of token indices. Every helper here gives what the spaCy property of the
same name gives (``children`` in order, ``subtree``, ``ancestors``,
``Doc.char_span(..., alignment_mode="expand").root``).
"""

from __future__ import annotations

import bisect
from typing import Any

import numpy
from spacy.attrs import DEP, ENT_TYPE, HEAD, IDX, LENGTH, LOWER, POS, SENT_START

__all__ = ["ParseTable"]

_ATTRS = [LOWER, DEP, POS, ENT_TYPE, IDX, HEAD, LENGTH, SENT_START]


#: string hash -> string, shared across documents (the StringStore lookup is slow from Python)
_STRINGS: dict[int, str] = {}
_STRINGS_MAX = 200_000


def _string(h: int, store: Any) -> str:
    if len(_STRINGS) > _STRINGS_MAX:
        _STRINGS.clear()
    got = _STRINGS[h] = store[h]
    return got


def _names(hashes: Any, store: Any) -> list[list[str]]:
    """The strings of a (tokens x columns) array of string hashes, one list per column.

    Each distinct hash is looked up once (a document has far fewer distinct words and
    labels than tokens); numpy spreads the strings back over the tokens."""
    distinct, where = numpy.unique(hashes, return_inverse=True)
    get = _STRINGS.get
    strings = numpy.array([get(h) or _string(h, store) for h in distinct.tolist()], dtype=object)
    return strings[where.reshape(hashes.shape)].T.tolist()


class ParseTable:
    """Token attributes of one parsed document as lists indexed by token position."""

    __slots__ = (
        "parse", "text", "n", "lower", "dep", "pos", "ent", "idx", "head", "length", "children", "sent_starts", "memo", "_subtree",
        "_near", "_roots",
    )

    def __init__(self, parse: Any, text: str) -> None:
        """``text`` is the parsed text (``parse.text``, which spaCy rebuilds token by token)."""
        self.parse = parse
        self.text = text
        n = self.n = len(parse)
        if n:
            arr = parse.to_array(_ATTRS)
            self.lower, self.dep, self.pos, self.ent = _names(arr[:, :4], parse.vocab.strings)
            self.idx: list[int] = arr[:, 4].tolist()
            self.head: list[int] = (arr[:, 5].astype(numpy.int64) + numpy.arange(n)).tolist()
            self.length: list[int] = arr[:, 6].tolist()
            #: tokens that begin a sentence, as ``Doc.sents`` finds them
            starts = numpy.flatnonzero(arr[1:, 7] == 1) + 1
            self.sent_starts = [0, *starts.tolist()]
        else:
            self.sent_starts = []
            self.lower = self.dep = self.pos = self.ent = []
            self.idx = self.head = self.length = []
        children: list[list[int]] = [[] for _ in range(n)]
        for i, h in enumerate(self.head):
            if h != i:
                children[h].append(i)
        self.children = children
        #: per-document results other modules keep (by a key of their own)
        self.memo: dict[str, Any] = {}
        self._subtree: dict[int, frozenset[str]] = {}
        self._near: dict[int, frozenset[str]] = {}
        self._roots: dict[tuple[int, int], int | None] = {}

    def sentences(self) -> list[tuple[int, int]]:
        """(first token, one past the last) of each sentence, as ``Doc.sents`` gives them."""
        parse = self.parse
        if "sents" in parse.user_hooks or not parse.has_annotation("SENT_START"):
            return [(s.start, s.end) for s in parse.sents]  # raises as spaCy does without boundaries
        bounds = self.sent_starts
        return list(zip(bounds, [*bounds[1:], self.n], strict=True))

    # ------------------------------------------------------------------ tokens

    def token_text(self, i: int) -> str:
        s = self.idx[i]
        return self.text[s : s + self.length[i]]

    def like_num(self, i: int) -> bool:
        return bool(self.parse[i].like_num)

    def is_alpha(self, i: int) -> bool:
        return bool(self.parse[i].is_alpha)

    def end_char(self, i: int) -> int:
        return self.idx[i] + self.length[i]

    def lefts(self, i: int) -> list[int]:
        return [c for c in self.children[i] if c < i]

    def ancestors(self, i: int) -> list[int]:
        out: list[int] = []
        head = self.head
        while head[i] != i and len(out) < self.n:
            i = head[i]
            out.append(i)
        return out

    def is_ancestor(self, a: int, i: int) -> bool:
        """Is ``a`` among the ancestors of ``i``?"""
        return a in self.ancestors(i)

    def subtree_words(self, i: int) -> frozenset[str]:
        """The lower-cased words of ``i`` and everything below it."""
        got = self._subtree.get(i)
        if got is None:
            lower, children = self.lower, self.children
            words = set()
            stack = [i]
            while stack:
                j = stack.pop()
                words.add(lower[j])
                stack.extend(children[j])
            got = self._subtree[i] = frozenset(words)
        return got

    def near_words(self, i: int, sent_start: int, sent_end: int, radius: int = 6) -> frozenset[str]:
        """Words within ``radius`` tokens in the sentence, the subtree, the head and its children."""
        got = self._near.get(i)
        if got is None:
            lower = self.lower
            h = self.head[i]
            words = set(lower[max(sent_start, i - radius) : min(sent_end, i + radius + 1)])
            words |= self.subtree_words(i)
            words.update(lower[c] for c in self.children[h])
            words.add(lower[h])
            got = self._near[i] = frozenset(words)
        return got

    def governing(self, i: int) -> int:
        """The token whose role a conjunct or appositive shares (as ``parse.governing``)."""
        dep, head = self.dep, self.head
        while dep[i] in ("conj", "appos") and head[i] != i:
            i = head[i]
        return i

    # ------------------------------------------------------------------ spans

    def _token_by_char(self, char: int) -> int:
        # every character of a spaCy text is a token's or its one trailing space's
        if 0 <= char < len(self.text):
            return bisect.bisect_right(self.idx, char) - 1
        return -1

    def root(self, start: int, end: int) -> int | None:
        """The root token of the tokens touching ``[start, end)``, as
        ``doc.char_span(start, end, alignment_mode="expand").root``; None for no tokens."""
        key = (start, end)
        if key in self._roots:
            return self._roots[key]
        got = self._roots[key] = self._root(start, end)
        return got

    def _root(self, start_char: int, end_char: int) -> int | None:
        start = self._token_by_char(start_char)
        if start < 0:
            return None
        last = self._token_by_char(end_char - 1)
        if last < 0:
            return None
        if start_char == self.idx[start] + self.length[start]:
            start += 1
        end = last + 1
        if end - start <= 1:
            return start if end > start else None
        # a sentence root in the span; else the token nearest the root of those whose
        # head lies outside the span (the first of equals)
        head = self.head
        outside = []
        for i in range(start, end):
            h = head[i]
            if h == i:
                return i
            if not start <= h < end:
                outside.append(i)
        if len(outside) <= 1:
            return outside[0] if outside else start
        best, root = self.n, -1
        for i in outside:
            steps = self._words_to_root(i)
            if steps < best:
                best, root = steps, i
        return start if root == -1 else root

    def _words_to_root(self, i: int) -> int:
        if not self.children[i]:
            tok = self.parse[i]
            if tok.is_space or tok.is_punct:
                return self.n - 1
        n = 0
        head = self.head
        while head[i] != i:
            i = head[i]
            n += 1
        return n
