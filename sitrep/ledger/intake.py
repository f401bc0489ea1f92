"""Intake: run the pipeline over inputs into the ledger, and reprocess stored documents.

``ingest`` stores documents in batches (one transaction each) and re-fuses once
at the end. Rejected inputs are recorded with their code and reason, and the
batch goes on.

``reprocess`` re-runs extraction on stored documents whose recorded stage
versions differ from the current pipeline's. That needs the text: documents
stored without it (rights-reserved, ``store_reserved_text`` off) are listed
as not reprocessable instead.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from ..pipeline import Pipeline
from ..records import Document, Rejection
from .codec import family
from .store import Ledger

__all__ = ["IngestResult", "ReprocessResult", "ingest", "outdated", "reprocess"]

Progress = Callable[[str], None]


@dataclass(slots=True)
class IngestResult:
    documents: int = 0  # documents the pipeline produced
    added: int = 0
    skipped: int = 0  # already in the ledger
    rejected: list[Rejection] = field(default_factory=list)


@dataclass(slots=True)
class ReprocessResult:
    reprocessed: int = 0
    current: int = 0  # already made by the current stages
    not_reprocessable: list[tuple[str, str]] = field(default_factory=list)  # (document id, reason)
    rejected: list[Rejection] = field(default_factory=list)


def ingest(
    ledger: Ledger,
    inputs: Iterable[Any],
    *,
    pipeline: Pipeline | None = None,
    published: str | None = None,
    batch_size: int = 100,
    progress: Progress | None = None,
) -> IngestResult:
    """Read, extract and store every article in ``inputs``."""
    pipe = pipeline or Pipeline(settings=ledger.settings)
    result = IngestResult()
    types: set[str] = set()
    added_ids: list[str] = []
    batch: list[Document] = []

    def flush() -> None:
        added = ledger.add(batch, batch_size=batch_size, refresh=False)
        result.added += added.added
        result.skipped += added.skipped
        types.update(added.types)
        added_ids.extend(added.document_ids)
        batch.clear()
        if progress:
            progress(
                f"{result.documents} documents read, {result.added} new, {len(result.rejected)} rejected"
            )

    for item in pipe.run(inputs, published=published):
        if isinstance(item, Rejection):
            result.rejected.append(item)
            continue
        result.documents += 1
        batch.append(item)
        if len(batch) >= batch_size:
            flush()
    if batch:
        flush()
    if result.rejected:
        ledger.add_rejections(result.rejected)
    # documents a killed earlier run committed but never fused: fuse them now too
    added_set = set(added_ids)
    pending = [d for d in ledger.unfused_documents() if d not in added_set]
    if result.added or pending:
        if progress and (types or pending):
            progress(f"fusing events of {len(types)} types")
        ledger.refresh(documents=[*added_ids, *pending])
    return result


def outdated(stored: tuple[str, ...], current: tuple[str, ...]) -> bool:
    """Whether a document's recorded stages differ from the current annotation stages."""
    families = {family(s) for s in current}
    return tuple(s for s in stored if family(s) in families) != current


def reprocess(
    ledger: Ledger, *, pipeline: Pipeline | None = None, progress: Progress | None = None
) -> ReprocessResult:
    """Re-run extraction where stage versions differ from ``pipeline``'s; re-fuse once at the end."""
    pipe = pipeline or Pipeline(settings=ledger.settings)
    current = pipe.stage_names
    families = {family(s) for s in current}
    langs = set(ledger.settings.extraction_languages)
    result = ReprocessResult()
    todo: list[Document] = []
    for doc_id, stages, text_stored in ledger.stored_stages():
        if not outdated(stages, current):
            result.current += 1
            continue
        if not text_stored:
            result.not_reprocessable.append(
                (doc_id, "rights-reserved: only facts and short quotes are stored, not the text")
            )
            continue
        doc = ledger.document(doc_id)
        if doc is None or doc.language not in langs or not doc.text:
            result.current += 1  # nothing the current stages would run on
            continue
        todo.append(
            dataclasses.replace(
                doc, stages=tuple(s for s in doc.stages if family(s) not in families)
            )
        )
    types: set[str] = set()
    size = max(1, ledger.settings.spacy_batch_size)
    for start in range(0, len(todo), size):
        for out in pipe.annotate(todo[start : start + size]):
            if isinstance(out, Rejection):
                result.rejected.append(out)
                continue
            types |= ledger.replace(out, refresh=False)
            result.reprocessed += 1
        if progress:
            progress(f"{result.reprocessed} of {len(todo)} documents reprocessed")
    if result.reprocessed:
        ledger.refresh(types)
    return result
