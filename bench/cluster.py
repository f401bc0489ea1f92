"""Scale-out ingest throughput: documents per second with 1 and 2 Dask workers.

``python -m bench.run --only cluster [--cluster-docs N] [--cluster-rounds R]``
or ``python -m bench.cluster [N]``.

The same generated inputs are ingested by the single-process path, then, in
R rounds, by a LocalCluster of 1 and of 2 worker processes (1 thread each),
each into a fresh ledger: PostgreSQL on 127.0.0.1 when it answers (workers write, as in
production), else SQLite (the client writes). Wall time covers reading,
extraction and storing, not cluster start-up or model loading (the worker
plugin loads the pipeline before the clock starts); fusion, run once at the
end, is timed apart. CPU seconds per document are summed over the worker
processes: unlike wall time they do not depend on what else the machine runs.
Last, the machine's own ceiling is measured: how much faster two processes
parse the same articles than one (on virtual CPUs this is well under 2).
"""

from __future__ import annotations

import argparse
import resource
import secrets
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.corpus import write_corpus

POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/test"
PUBLISHED = "2024-12-20"


def _print(label: str, value: str) -> None:
    print(f"  {label:<48} {value}")


def _cpu_seconds() -> float:
    use = resource.getrusage(resource.RUSAGE_SELF)
    return use.ru_utime + use.ru_stime


def _postgres() -> Any | None:
    """An autocommit psycopg connection to the test server, or None."""
    try:
        import psycopg

        return psycopg.connect(
            "host=127.0.0.1 port=5432 dbname=test user=postgres", connect_timeout=3, autocommit=True
        )
    except Exception:  # noqa: BLE001 - no server: fall back to SQLite
        return None


def _target(pg: Any | None, tmp: Path, name: str) -> tuple[str, str | None]:
    if pg is None:
        return str(tmp / f"{name}.db"), None
    return POSTGRES_URL, f"sitrep_bench_{secrets.token_hex(4)}_{name}"


def _single(inputs: list[str], db: str, schema: str | None) -> tuple[int, float, float]:
    from sitrep.ledger import open_ledger
    from sitrep.ledger.intake import ingest
    from sitrep.pipeline import Pipeline

    pipe = Pipeline()
    pipe.setup()
    cpu = _cpu_seconds()
    t0 = time.perf_counter()
    with open_ledger(db, schema=schema) as ledger:
        result = ingest(ledger, inputs, pipeline=pipe, published=PUBLISHED)
    return result.added, time.perf_counter() - t0, _cpu_seconds() - cpu


def _on_cluster(
    inputs: list[str], db: str, schema: str | None, workers: int
) -> tuple[Any, float, float, float]:
    from sitrep.scale import cluster_ingest, dask_client
    from sitrep.scale.worker import PipelineWarmup
    from sitrep.settings import load_settings

    with dask_client(workers=workers) as client:
        client.register_plugin(PipelineWarmup(load_settings()))  # models loaded before timing
        cpu_before = sum(client.run(_cpu_seconds).values())
        busy: list[float] = []
        result = cluster_ingest(
            inputs, db, schema=schema, client=client, published=PUBLISHED,
            on_partition=lambda p: busy.append(p.seconds),
        )  # fmt: skip
        cpu = sum(client.run(_cpu_seconds).values()) - cpu_before
        rss = max(client.run(_peak_rss_mib).values())
    return result, cpu, rss, sum(busy)


def _peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _parse_seconds(repeats: int) -> float:
    """Seconds one process takes to parse the latency article ``repeats`` times
    (the CPU-bound heart of extraction; run in a fresh process)."""
    from bench.run import latency_article
    from sitrep.stages.parse import load_nlp

    nlp = load_nlp()
    text = latency_article()
    nlp(text)
    t0 = time.perf_counter()
    for _ in range(repeats):
        nlp(text)
    return time.perf_counter() - t0


def machine_ceiling(repeats: int = 20) -> float:
    """How much faster two processes get the same CPU-bound work done than one, on
    this machine now: the most any 2-worker ingest here can gain (2.0 on two idle
    dedicated cores; less where cores are shared or virtual CPUs contend)."""
    import multiprocessing

    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(1) as pool:
        one = pool.map(_parse_seconds, [repeats])[0]
    with ctx.Pool(2) as pool:
        two = pool.map(_parse_seconds, [repeats, repeats])
    return 2 * one / max(two)


def run(args: argparse.Namespace) -> None:
    """Print documents per second of single-process, 1-worker and 2-worker ingests.

    The 1- and 2-worker ingests run ``--cluster-rounds`` times, alternating
    which goes first, each into a fresh ledger; the speed-up is the median of
    the rounds' ratios (a shared or virtual machine's speed drifts by tens of
    per cent from minute to minute, so one pair of runs proves little)."""
    n = int(getattr(args, "cluster_docs", 160))
    rounds = max(1, int(getattr(args, "cluster_rounds", 5)))
    pg = _postgres()
    schemas: list[str] = []
    try:
        with tempfile.TemporaryDirectory() as tmp_name:
            tmp = Path(tmp_name)
            write_corpus(tmp / "corpus", n, seed=13)
            inputs = [str(tmp / "corpus")]
            backend = "PostgreSQL, workers write" if pg else "SQLite, the client writes"
            print(f"== cluster ingest ({n} generated documents; ledger: {backend}; {rounds} rounds)")
            db, schema = _target(pg, tmp, "single")
            schemas += [schema] if schema else []
            added, took, cpu = _single(inputs, db, schema)
            _print("single process: documents/s (wall)", f"{added / took:.2f}  ({took:.1f} s)")
            _print("single process: CPU s per document", f"{cpu / added:.3f}")
            rates: dict[int, list[float]] = {1: [], 2: []}
            ratios: list[float] = []
            for r in range(rounds):
                order = (1, 2) if r % 2 == 0 else (2, 1)
                got: dict[int, float] = {}
                for workers in order:
                    db, schema = _target(pg, tmp, f"r{r}w{workers}")
                    schemas += [schema] if schema else []
                    result, cpu, rss, busy = _on_cluster(inputs, db, schema, workers)
                    got[workers] = result.per_second
                    rates[workers].append(result.per_second)
                    label = f"round {r + 1}, {workers} worker{'s' if workers > 1 else ''}"
                    _print(
                        f"{label}: documents/s",
                        f"{result.per_second:.2f}  ({result.seconds:.1f} s; worker CPU "
                        f"{cpu / max(1, result.added):.3f} s/doc; busy {busy / result.seconds:.2f} "
                        f"of {workers}; fusion {result.fuse_seconds:.1f} s; {rss:.0f} MiB)",
                    )
                    if result.failed_partitions or result.added != added:
                        _print(f"{label}: NOT ALL STORED", f"{result.added} of {added} added")
                        for rej in result.rejected[:5]:
                            print("   ", rej.message())
                ratios.append(got[2] / got[1] if got[1] else 0.0)
            for workers in (1, 2):
                _print(
                    f"{workers} worker{'s' if workers > 1 else ''}: documents/s, median of rounds",
                    f"{statistics.median(rates[workers]):.2f}",
                )
            _print(
                "speed-up, median 2-worker rate over median 1-worker rate",
                f"{statistics.median(rates[2]) / statistics.median(rates[1]):.2f}x",
            )
            _print(
                "speed-up, 2 workers over 1 (median of rounds)",
                f"{statistics.median(ratios):.2f}x  (rounds: "
                + ", ".join(f"{x:.2f}" for x in ratios)
                + "; aim >= 1.7x on 2 cores)",
            )
            ceiling = machine_ceiling()
            _print(
                "this machine's ceiling: 2 processes over 1",
                f"{ceiling:.2f}x  (the same parse work in 2 processes; 2.00 on idle dedicated cores)",
            )
            load = (
                Path("/proc/loadavg").read_text().split()[:3]
                if Path("/proc/loadavg").exists()
                else []
            )
            _print("load average after (1, 5, 15 min)", " ".join(load))
    finally:
        if pg is not None:
            for s in schemas:
                pg.execute(f'DROP SCHEMA IF EXISTS "{s}" CASCADE')
            pg.close()


if __name__ == "__main__":
    ns = argparse.Namespace(cluster_docs=int(sys.argv[1]) if len(sys.argv) > 1 else 160)
    run(ns)
