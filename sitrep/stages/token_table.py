"""One table of token attributes per parse, shared by the entities and places stages.

spaCy builds a new ``Token`` object on every ``doc[i]`` (and ``Doc.ents`` one per word of
the text), about a microsecond each; the stages that only read offsets, words and entity
tags read them here instead, taken from the parse with one ``to_array`` call per group of
columns and kept for as long as the parse lives (a weak reference: the parse is not changed
after the parse stage, and a table dies with its parse).
"""

from __future__ import annotations

import threading
import weakref
from typing import Any

import numpy as np

__all__ = ["TokenTable", "token_table"]

#: entity label hash -> label (the hash of a string is the same in every vocabulary)
_LABELS: dict[int, str] = {}


class TokenTable:
    """Offsets, words and entity tags of a parse's tokens.

    ``idx``/``end``: each token's first and past-last character; ``iob``: spaCy's ENT_IOB
    (3 B, 1 I, 2 O, 0 none); ``word(i)``/``low(i)``: ``doc[i].text``/``doc[i].lower_``,
    cut from the text when first read; ``words``/``lower``: all of them at once.
    """

    __slots__ = ("_doc", "n", "text", "idx", "end", "iob", "_types", "_words", "_lower",
                 "_all_words", "_all_lower", "_ents", "_pos", "_space", "_iob_col", "__weakref__")

    def __init__(self, doc: Any, text: str | None = None) -> None:
        from spacy.attrs import ENT_IOB, ENT_TYPE, IDX, LENGTH

        # a weak reference: the cache's tables must not keep their parses alive
        self._doc = weakref.ref(doc)
        n = self.n = len(doc)
        cols = doc.to_array([IDX, LENGTH, ENT_IOB, ENT_TYPE]).reshape(n, 4).T
        self.idx: list[int] = cols[0].tolist()
        self.end: list[int] = (cols[0] + cols[1]).tolist()
        if text is None or (n and len(text) != self.end[-1] + len(doc[n - 1].whitespace_)):
            text = doc.text
        self.text: str = text
        self.iob: list[int] = cols[2].tolist()
        self._iob_col = cols[2]
        self._types = cols[3]
        self._words: list[str | None] = [None] * n
        self._lower: list[str | None] = [None] * n
        self._all_words: list[str] | None = None
        self._all_lower: list[str] | None = None
        self._ents: list[tuple[int, int, str]] | None = None
        self._pos: Any = None
        self._space: Any = None

    @property
    def doc(self) -> Any:
        """The parse (alive as long as its reader holds it)."""
        return self._doc()

    def word(self, i: int) -> str:
        """``doc[i].text``."""
        w = self._words[i]
        if w is None:
            w = self._words[i] = self.text[self.idx[i] : self.end[i]]
        return w

    def low(self, i: int) -> str:
        """``doc[i].lower_``."""
        w = self._lower[i]
        if w is None:
            w = self._lower[i] = self.word(i).lower()
        return w

    @property
    def words(self) -> list[str]:
        if self._all_words is None:
            text = self.text
            self._all_words = [text[a:b] for a, b in zip(self.idx, self.end, strict=True)]
        return self._all_words

    @property
    def lower(self) -> list[str]:
        if self._all_lower is None:
            self._all_lower = list(map(str.lower, self.words))
        return self._all_lower

    def span_text(self, start: int, end: int) -> str:
        """``doc[start:end].text``."""
        return self.text[self.idx[start] : self.end[end - 1]]

    def ent_type(self, i: int) -> str:
        """``doc[i].ent_type_``."""
        kind = int(self._types[i])
        return _label(self.doc, kind) if kind else ""

    def ents(self) -> list[tuple[int, int, str]]:
        """spaCy's ``Doc.ents`` as (start, end, label): a B with a type opens an entity,
        which runs over the I tags after it."""
        if self._ents is None:
            iob, n = self.iob, self.n
            starts = np.flatnonzero(self._iob_col == 3)
            out: list[tuple[int, int, str]] = []
            labels = _LABELS
            for start, kind in zip(starts.tolist(), self._types[starts].tolist(), strict=True):
                if not kind:
                    continue
                stop = start + 1
                while stop < n and iob[stop] == 1:
                    stop += 1
                out.append((start, stop, labels.get(kind) or _label(self.doc, kind)))
            self._ents = out
        return self._ents

    @property
    def pos(self) -> Any:
        """Coarse part-of-speech ids (numpy)."""
        if self._pos is None:
            self._columns()
        return self._pos

    @property
    def space(self) -> Any:
        """1 where a space follows the token (numpy)."""
        if self._space is None:
            self._columns()
        return self._space

    def _columns(self) -> None:
        from spacy.attrs import POS, SPACY

        cols = self.doc.to_array([POS, SPACY]).reshape(self.n, 2).T
        self._pos, self._space = cols[0], cols[1]


def _label(doc: Any, kind: int) -> str:
    name = _LABELS.get(kind)
    if name is None:
        name = _LABELS[kind] = doc.vocab.strings[kind]
    return name


_TABLES: weakref.WeakKeyDictionary[Any, TokenTable] = weakref.WeakKeyDictionary()
_LOCK = threading.Lock()


def token_table(doc: Any, text: str | None = None) -> TokenTable:
    """The table of a parse (built on first use; ``text``: the text that was parsed, when
    the caller has it, which saves spaCy rebuilding it)."""
    try:
        table = _TABLES.get(doc)
    except TypeError:  # not weakly referable: no sharing
        return TokenTable(doc, text)
    if table is None or table.n != len(doc):
        table = TokenTable(doc, text)
        with _LOCK:
            _TABLES[doc] = table
    return table
