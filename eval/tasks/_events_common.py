"""Shared helpers for the event-detection scorers: run sitrep on gold texts,
map gold ontologies (KAIROS, ACLED, ...) onto sitrep's event types."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from sitrep.pipeline import Pipeline
from sitrep.records import Document, Rejection

#: the sitrep types the KAIROS/RAMS mapping can score
SCORED = frozenset({"attack", "casualties", "arrest", "deployment", "protest", "threat"})


def kairos_type(gold: str) -> str | None:
    """Map a KAIROS / RAMS event type onto a sitrep type (None: not scored)."""
    t = gold.lower()
    if t.startswith("conflict.attack"):
        return "attack"
    if t.startswith("conflict.demonstrate"):
        return "protest"
    if t.startswith(("life.die", "life.injure")):
        return "casualties"
    if t.startswith("justice.arrestjaildetain"):
        return "arrest"
    if t.startswith(("movement.transportperson", "movement.transportartifact", "movement.transportation")):
        return "deployment"
    if t.startswith("contact.threatencoerce"):
        return "threat"
    return None


_PIPE: Pipeline | None = None
#: documents the pipeline rejected during scoring (a scorer fails when there are any)
FAILURES: list[str] = []


def pipeline() -> Pipeline:
    global _PIPE
    if _PIPE is None:
        _PIPE = Pipeline()
    return _PIPE


def annotate(texts: Iterable[tuple[str, str, str | None]], batch: int = 32) -> dict[str, Document]:
    """Run every annotation stage over (key, text, published) triples."""
    pipe = pipeline()
    out: dict[str, Document] = {}
    pending: list[Document] = []

    def flush() -> None:
        for d in pipe.annotate(pending):
            if isinstance(d, Document):
                out[d.source] = d
            else:
                FAILURES.append(d.message())
        pending.clear()

    for key, text, published in texts:
        doc_id = hashlib.sha256(text.encode()).hexdigest()
        pending.append(Document(id=doc_id, source=key, text=text, language="en", published=published))
        if len(pending) >= batch:
            flush()
    if pending:
        flush()
    if FAILURES:
        raise RuntimeError(f"{len(FAILURES)} gold documents failed extraction, first: {FAILURES[0]}")
    return out


def prf(tp: int, n_pred: int, n_gold: int) -> tuple[float, float, float]:
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


__all__ = ["SCORED", "annotate", "kairos_type", "pipeline", "prf", "Rejection"]
