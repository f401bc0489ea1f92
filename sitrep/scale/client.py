"""The client side of a scale-out ingest: plan, submit, count, fuse once.

::

    from sitrep.scale import cluster_ingest
    result = cluster_ingest(["articles/"], "postgresql://sitrep@db/sitrep",
                            scheduler="tcp://scheduler:8786")

The client splits the inputs into partitions (:mod:`.partitions`), keeps a
bounded number of them in flight on the Dask cluster (:mod:`.worker` runs
each), prints progress as partitions finish, stores rejections, and when
every partition is done runs syndication and fusion once over everything
stored, so the ledger is the one a single-process ``ingest`` of the same
inputs gives.

An ingest stopped part way (client or workers killed) is finished by running
it again: stored documents are skipped before extraction, a batch is stored
whole or not at all, and fusion covers every stored document whose events
are not yet fused, including those of the interrupted run.
"""

from __future__ import annotations

import contextlib
import logging
import sys
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import dask
from distributed import Client, Future, LocalCluster, as_completed
from sqlalchemy.engine import make_url

from ..ledger import open_ledger, resolve_url
from ..ledger.store import Ledger
from ..records import Rejection
from ..settings import Settings, load_settings
from .partitions import Partition, plan
from .worker import Job, PartitionResult, PipelineWarmup, run_partition

__all__ = ["ClusterResult", "cluster_ingest", "dask_client"]

Progress = Callable[[str], None]

#: partitions kept queued per worker (enough to keep each busy, few to lose on a stop)
IN_FLIGHT_PER_WORKER = 3
PROGRESS_EVERY_S = 1.0
#: file batches wanted per worker at least (smaller batches for small inputs)
PARTITIONS_PER_WORKER = 4
#: Dask settings for the local cluster's workers: no statistical profiler (it
#: samples the task thread's stack every 10 ms: CPU an extraction worker needs).
#: On a cluster you start yourself, set DASK_DISTRIBUTED__WORKER__PROFILE__ENABLED=False.
LOCAL_WORKER_CONFIG = {"distributed.worker.profile.enabled": False}


@dataclass(slots=True)
class ClusterResult:
    """What a scale-out ingest did, with the counts ``IngestResult`` has."""

    documents: int = 0  # articles read and not rejected
    added: int = 0
    skipped: int = 0  # already stored (this run or an earlier one): not extracted again
    rejected: list[Rejection] = field(default_factory=list)
    partitions: int = 0
    failed_partitions: int = 0
    workers: int = 0
    retries: int = 0  # batches written again after a conflict with another writer
    seconds: float = 0.0  # wall time of reading and extraction (fusion not included)
    fuse_seconds: float = 0.0
    fused_types: list[str] = field(default_factory=list)

    @property
    def per_second(self) -> float:
        """Documents done (added or skipped) per second of wall time."""
        return (self.added + self.skipped) / self.seconds if self.seconds else 0.0


@contextlib.contextmanager
def dask_client(scheduler: str | None = None, workers: int | None = None) -> Iterator[Client]:
    """A Dask client on ``scheduler`` (waiting for ``workers`` to join), or on a
    new LocalCluster of ``workers`` processes with one thread each, closed after."""
    if scheduler:
        with Client(scheduler) as client:
            client.wait_for_workers(max(1, workers or 1), timeout=300)
            yield client
        return
    with (
        dask.config.set(LOCAL_WORKER_CONFIG),
        LocalCluster(
            n_workers=max(1, workers or 1),
            threads_per_worker=1,
            processes=True,
            dashboard_address=":0",  # a free port: never collide with another cluster
            worker_dashboard_address=None,
            silence_logs=logging.ERROR,
        ) as cluster,
        Client(cluster) as client,
    ):
        yield client


def _read_stdin(inputs: Sequence[str]) -> bytes | None:
    if "-" not in inputs:
        return None
    return sys.stdin.buffer.read()


def cluster_ingest(
    inputs: Iterable[str | Path],
    db: str | Path | None = None,
    *,
    schema: str | None = None,
    settings: Settings | None = None,
    scheduler: str | None = None,
    workers: int | None = None,
    client: Client | None = None,
    published: str | None = None,
    batch_size: int = 50,
    files_per_partition: int = 16,
    lines_per_partition: int = 200,
    write_on_workers: bool | None = None,
    progress: Progress | None = None,
    on_rejection: Callable[[Rejection], None] | None = None,
    on_partition: Callable[[PartitionResult], None] | None = None,
) -> ClusterResult:
    """Ingest ``inputs`` into the ledger at ``db`` on a Dask cluster.

    The cluster is ``client`` if given, else the scheduler at ``scheduler``,
    else a LocalCluster of ``workers`` processes. Workers write to a PostgreSQL
    ledger themselves; for SQLite they return documents and this process writes
    (``write_on_workers`` overrides). ``on_partition`` sees each finished
    partition (after its documents are stored); an exception there stops the
    ingest, as a killed client would.
    """
    st = settings or load_settings()
    target = str(db if db is not None else st.db)
    url = resolve_url(target)
    if write_on_workers is None:
        write_on_workers = make_url(url).get_backend_name() == "postgresql"
    names = [str(i) for i in inputs]
    stdin = _read_stdin(names)
    job = Job(
        db=url, schema=schema, settings=st, published=published,
        write=write_on_workers, batch_size=max(1, batch_size),
    )  # fmt: skip
    # opening migrates the ledger before any worker connects to it
    with open_ledger(target, settings=st, schema=schema) as ledger:
        result = ClusterResult()
        with contextlib.ExitStack() as stack:
            if client is None:
                client = stack.enter_context(dask_client(scheduler, workers))
            result.workers = len(client.scheduler_info(n_workers=-1)["workers"])
            todo: list[Partition] = []
            for p in _plan(names, st, files_per_partition, lines_per_partition, stdin, result):
                if isinstance(p, Rejection):
                    _reject(ledger, result, [p], on_rejection)
                else:
                    todo.append(p)
            result.partitions = len(todo)
            _run(client, todo, job, ledger, result, progress, on_rejection, on_partition)
        # Once, as a single-process ingest does at its end: syndication over every
        # stored document, then fusion of the blocks the unfused events fall in.
        started = time.perf_counter()
        unfused = ledger.unfused_documents()
        if progress:
            progress(f"syndication, then fusing the events of {len(unfused)} documents")
        result.fused_types = ledger.refresh(documents=unfused)
        result.fuse_seconds = time.perf_counter() - started
    return result


def _plan(
    names: list[str],
    st: Settings,
    files_per_partition: int,
    lines_per_partition: int,
    stdin: bytes | None,
    result: ClusterResult,
) -> list[Partition | Rejection]:
    """Partitions of ``names``; file batches are made smaller when there would be
    too few to keep every worker busy to the end (the last batches set the pace)."""
    parts = plan(
        names, st, files_per_partition=files_per_partition,
        lines_per_partition=lines_per_partition, stdin=stdin,
    )  # fmt: skip
    batches = [p for p in parts if isinstance(p, Partition) and p.kind == "files"]
    wanted = PARTITIONS_PER_WORKER * max(1, result.workers)
    files = sum(len(p.paths) for p in batches)
    if 0 < len(batches) < wanted and files_per_partition > 1:
        smaller = max(1, -(-files // wanted))  # ceiling division
        if smaller < files_per_partition:
            parts = plan(
                names, st, files_per_partition=smaller,
                lines_per_partition=lines_per_partition, stdin=stdin,
            )  # fmt: skip
    return parts


def _reject(
    ledger: Ledger,
    result: ClusterResult,
    rejections: list[Rejection],
    on_rejection: Callable[[Rejection], None] | None,
) -> None:
    if not rejections:
        return
    ledger.add_rejections(rejections)
    result.rejected.extend(rejections)
    if on_rejection:
        for r in rejections:
            on_rejection(r)


def _run(
    client: Client,
    todo: list[Partition],
    job: Job,
    ledger: Ledger,
    result: ClusterResult,
    progress: Progress | None,
    on_rejection: Callable[[Rejection], None] | None,
    on_partition: Callable[[PartitionResult], None] | None,
) -> None:
    client.register_plugin(PipelineWarmup(job.settings))
    limit = max(2, IN_FLIGHT_PER_WORKER * result.workers)
    run_id = uuid.uuid4().hex[:8]
    queue = iter(todo)
    described: dict[str, Partition] = {}

    def submit() -> Future | None:
        part = next(queue, None)
        if part is None:
            return None
        key = f"sitrep-partition-{run_id}-{part.key}"
        described[key] = part
        return client.submit(run_partition, part, job, key=key, pure=False)

    started = time.perf_counter()
    last_report = 0.0
    running = as_completed([f for f in (submit() for _ in range(limit)) if f is not None])
    done = 0
    try:
        for future in running:
            part = described.pop(future.key)
            try:
                res: PartitionResult = future.result()
            except Exception as exc:  # noqa: BLE001 - a lost partition is a rejection, not a crash
                result.failed_partitions += 1
                _reject(
                    ledger,
                    result,
                    [
                        Rejection(
                            part.describe(),
                            "E050",
                            f"partition failed on the cluster ({type(exc).__name__}: {exc}); "
                            "run the same ingest again to retry it",
                        )
                    ],
                    on_rejection,
                )
            else:
                _count(ledger, job, res, result, on_rejection)
                if on_partition:
                    on_partition(res)
            future.release()
            done += 1
            nxt = submit()
            if nxt is not None:
                running.add(nxt)
            now = time.perf_counter()
            result.seconds = now - started
            if progress and (now - last_report >= PROGRESS_EVERY_S or done == len(todo)):
                last_report = now
                progress(_progress_line(result, done))
    finally:
        for f in list(running.futures):
            f.cancel()
        result.seconds = time.perf_counter() - started


def _count(
    ledger: Ledger,
    job: Job,
    res: PartitionResult,
    result: ClusterResult,
    on_rejection: Callable[[Rejection], None] | None,
) -> None:
    result.documents += res.documents
    result.skipped += res.skipped
    result.retries += res.retries
    if job.write:
        result.added += res.added
    elif res.docs:
        added = ledger.add(res.docs, batch_size=job.batch_size, refresh=False)
        result.added += added.added
        result.skipped += added.skipped
    _reject(ledger, result, res.rejected, on_rejection)


def _progress_line(result: ClusterResult, done: int) -> str:
    finished = result.added + result.skipped
    rate = finished / result.seconds if result.seconds else 0.0
    failures = len(result.rejected)
    return (
        f"{finished} documents done ({rate:.1f}/s on {result.workers} "
        f"worker{'s' if result.workers != 1 else ''}): "
        f"{result.added} added, {result.skipped} already stored, {failures} failures; "
        f"partitions {done}/{result.partitions}"
    )
