"""What runs on a Dask worker: one partition in, extracted documents out.

Each worker process keeps one :class:`~sitrep.pipeline.Pipeline` (spaCy and
the gazetteers loaded once, by :class:`PipelineWarmup` when the worker
starts) and one ledger connection pool, in module-level caches; a task never
loads a model.

:func:`run_partition` reads its partition, and for every batch of
``batch_size`` articles:

1. asks the ledger which of their ids are already stored, and skips those
   before cleaning or extraction (a rerun after an interruption does only
   the rest);
2. cleans and extracts the others;
3. writes them in one transaction (``write=True``, PostgreSQL), retrying the
   whole batch when a concurrent writer got in the way (content-hash ids make
   the retry harmless), or returns them for the client to write (SQLite,
   whose ledger transactions read before they write and so cannot run
   concurrently from several processes).

Fusion is never run here: the client runs it once at the end.
"""

from __future__ import annotations

import dataclasses
import hashlib
import logging
import os
import random
import time
from dataclasses import dataclass, field
from typing import Any

from distributed import WorkerPlugin
from sqlalchemy import create_engine
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import IntegrityError, OperationalError

from ..ledger import open_ledger, resolve_url
from ..ledger.store import Ledger
from ..pipeline import Pipeline
from ..records import Document, RawDocument, Rejection
from ..settings import Settings
from .partitions import Partition, read_partition

__all__ = ["Job", "PartitionResult", "PipelineWarmup", "pipeline_for", "run_partition"]

log = logging.getLogger(__name__)

#: how often one batch is retried after a conflict with a concurrent writer
WRITE_ATTEMPTS = 8


@dataclass(frozen=True, slots=True)
class Job:
    """What every partition of one ingest shares."""

    db: str  # SQLAlchemy URL of the ledger
    schema: str | None  # PostgreSQL schema, or None
    settings: Settings
    published: str | None = None
    write: bool = True  # workers write (PostgreSQL); False: the client writes
    batch_size: int = 50


@dataclass(slots=True)
class PartitionResult:
    """What one partition did (counted by the client)."""

    key: str
    documents: int = 0  # articles read and not rejected
    added: int = 0
    skipped: int = 0  # already stored: not extracted again
    rejected: list[Rejection] = field(default_factory=list)
    types: set[str] = field(default_factory=set)  # event types of added documents
    docs: list[Document] = field(default_factory=list)  # write=False: for the client to add
    batches: int = 0  # transactions committed (or batches returned)
    retries: int = 0
    seconds: float = 0.0
    write_seconds: float = 0.0  # of ``seconds``: storing (waiting for the writer lock included)
    worker: str = ""


# --------------------------------------------------------------------------- per-process caches

_PIPELINE: tuple[Settings, Pipeline] | None = None
_LEDGERS: dict[tuple[str, str | None], Ledger] = {}
_READERS: dict[str, Engine | None] = {}


def pipeline_for(settings: Settings) -> Pipeline:
    """This process's pipeline for ``settings``, set up (models loaded) once."""
    global _PIPELINE
    if _PIPELINE is None or _PIPELINE[0] != settings:
        pipe = Pipeline(settings=settings)
        pipe.setup()
        _warm_up(pipe)
        _PIPELINE = (settings, pipe)
    return _PIPELINE[1]


def _warm_up(pipe: Pipeline) -> None:
    """Run one small article through cleaning, extraction and the ledger's
    syndication signature, so what those load lazily on first use (the
    language identifier, datasketch) is loaded before any task is timed."""
    from ..ledger import syndication

    text = (
        "Ukrainian officials said on Monday that at least 12 soldiers were killed near Kharkiv.\n"
        "The defence ministry said troops had been deployed to the region, Reuters reported.\n"
    )
    raw = RawDocument(id="warm-up", source="<warm-up>", text=text, format="text")
    doc = pipe.clean(raw)
    if isinstance(doc, Document):
        pipe.annotate([doc])
    syndication.signature(text)


def _ledger_for(job: Job) -> Ledger:
    key = (job.db, job.schema)
    if key not in _LEDGERS:
        _LEDGERS[key] = open_ledger(job.db, settings=job.settings, schema=job.schema)
    return _LEDGERS[key]


def _sqlite_reader(url: str) -> Engine | None:
    """A read-only engine on a SQLite ledger file, or None when this worker cannot
    see the file (it then extracts everything and the client skips stored ids)."""
    if url not in _READERS:
        path = make_url(url).database
        engine: Engine | None = None
        if path and path != ":memory:" and os.path.exists(path):
            engine = create_engine(f"sqlite:///file:{path}?mode=ro&uri=true")
        _READERS[url] = engine
    return _READERS[url]


def _stored_ids(job: Job, ids: list[str]) -> set[str]:
    """Which of ``ids`` the ledger already holds."""
    if not ids:
        return set()
    if job.write:
        ledger: Ledger | None = _ledger_for(job)
    else:
        engine = _sqlite_reader(resolve_url(job.db))
        ledger = None if engine is None else Ledger(engine, job.settings)
    if ledger is None:
        return set()
    try:
        return ledger.stored_ids(ids)
    except OperationalError:
        log.warning("cannot check stored ids in %s; extracting this batch", job.db)
        return set()


class PipelineWarmup(WorkerPlugin):
    """A Dask worker plugin: loads the pipeline when a worker starts, so the
    first task does not pay for it (and a restarted worker loads it again)."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.name = "sitrep-pipeline-" + hashlib.sha256(repr(settings).encode()).hexdigest()[:12]

    def setup(self, worker: Any) -> None:
        pipeline_for(self.settings)

    def teardown(self, worker: Any) -> None:
        for ledger in _LEDGERS.values():
            ledger.close()
        _LEDGERS.clear()


# --------------------------------------------------------------------------- the task


def _write(ledger: Ledger, docs: list[Document], result: PartitionResult) -> None:
    """Add ``docs`` in one transaction, retrying on conflicts with other writers."""
    for attempt in range(WRITE_ATTEMPTS):
        try:
            added = ledger.add(docs, batch_size=max(1, len(docs)), refresh=False)
        except (IntegrityError, OperationalError):
            # another worker stored the same document or source key first, or a
            # deadlock was broken: the transaction rolled back whole; try again
            if attempt == WRITE_ATTEMPTS - 1:
                raise
            result.retries += 1
            time.sleep(0.05 * 2**attempt * (1 + random.random()))
            continue
        result.added += added.added
        result.skipped += added.skipped
        result.types.update(added.types)
        return


def _process(batch: list[RawDocument], job: Job, pipe: Pipeline, result: PartitionResult) -> None:
    first: dict[str, RawDocument] = {}
    for raw in batch:
        first.setdefault(raw.id, raw)
    unique = list(first.values())
    result.skipped += len(batch) - len(unique)
    stored = _stored_ids(job, [r.id for r in unique])
    result.skipped += len(stored)
    cleaned: list[Document] = []
    for raw in unique:
        if raw.id in stored:
            continue
        doc = pipe.clean(raw)
        if isinstance(doc, Rejection):
            result.rejected.append(doc)
            result.documents -= 1
        else:
            cleaned.append(doc)
    done: list[Document] = []
    size = max(1, job.settings.spacy_batch_size)
    for i in range(0, len(cleaned), size):
        for out in pipe.annotate(cleaned[i : i + size]):
            if isinstance(out, Rejection):
                result.rejected.append(out)
                result.documents -= 1
            else:
                done.append(dataclasses.replace(out, parse=None))  # the spaCy Doc stays here
    if done and job.write:
        began = time.perf_counter()
        _write(_ledger_for(job), done, result)
        result.write_seconds += time.perf_counter() - began
    elif done:
        result.docs.extend(done)
    result.batches += 1


def run_partition(part: Partition, job: Job) -> PartitionResult:
    """Read, extract and (with ``job.write``) store one partition; the Dask task."""
    started = time.perf_counter()
    result = PartitionResult(key=part.key, worker=f"{os.uname().nodename}:{os.getpid()}")
    pipe = pipeline_for(job.settings)
    batch: list[RawDocument] = []
    for item in read_partition(part, job.settings, job.published):
        if isinstance(item, Rejection):
            result.rejected.append(item)
            continue
        result.documents += 1
        batch.append(item)
        if len(batch) >= job.batch_size:
            _process(batch, job, pipe, result)
            batch = []
    if batch:
        _process(batch, job, pipe, result)
    result.seconds = time.perf_counter() - started
    return result
