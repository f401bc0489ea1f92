"""sitrep benchmarks: `make bench` (python -m bench.run [--only NAME ...]).

Every number printed here is measured in this run, on this machine.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from bench.corpus import texts, write_corpus

BENCHES: dict[str, Callable[[argparse.Namespace], None]] = {}


def bench(name: str) -> Callable[[Callable[[argparse.Namespace], None]], Callable[[argparse.Namespace], None]]:
    def wrap(fn: Callable[[argparse.Namespace], None]) -> Callable[[argparse.Namespace], None]:
        BENCHES[name] = fn
        return fn

    return wrap


def _print(label: str, value: str) -> None:
    print(f"  {label:<48} {value}")


@bench("read_clean")
def read_clean(args: argparse.Namespace) -> None:
    """Reading + cleaning throughput over a folder of generated articles."""
    from sitrep.pipeline import Pipeline

    n = args.docs
    with tempfile.TemporaryDirectory() as tmp:
        write_corpus(Path(tmp) / "warm", 5, seed=99)
        write_corpus(Path(tmp) / "docs", n)
        pipe = Pipeline(stages=[])
        t0 = time.perf_counter()
        sum(1 for _ in pipe.run([str(Path(tmp) / "warm")]))  # imports, language model
        startup = time.perf_counter() - t0
        t0, c0 = time.perf_counter(), time.process_time()
        count = sum(1 for _ in pipe.run([str(Path(tmp) / "docs")]))
        took, cpu = time.perf_counter() - t0, time.process_time() - c0
    print(f"== read + clean ({n} generated documents, one process)")
    _print("documents", str(count))
    _print("start-up (imports, language model) s", f"{startup:.2f}")
    _print("seconds", f"{took:.2f}")
    _print("documents per second", f"{count / took:.0f}  (target >= 200)")
    _print("documents per CPU second", f"{count / cpu:.0f}")
    if hasattr(os, "getloadavg"):
        _print("load average (1 min)", f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cpus")


@bench("layers")
def layers(args: argparse.Namespace) -> None:
    """Words per second of the full layer pipeline next to spaCy's own nlp.pipe."""
    from sitrep.pipeline import Pipeline
    from sitrep.stages.parse import load_nlp

    docs_text = texts(args.layer_docs, seed=11)
    pipe = Pipeline(stages=[])
    cleaned = [pipe.clean(r) for r in _raws(docs_text)]
    words = sum(len(d.text.split()) for d in cleaned)
    nlp = load_nlp()
    list(nlp.pipe([d.text for d in cleaned[:4]]))  # warm up
    t0 = time.perf_counter()
    parsed = list(nlp.pipe([d.text for d in cleaned], batch_size=32))
    t_spacy = time.perf_counter() - t0
    import dataclasses

    stages = [s for s in Pipeline().stages if s.name.split(".")[1] != "parse"]
    docs = [dataclasses.replace(d, parse=p) for d, p in zip(cleaned, parsed, strict=True)]
    t0 = time.perf_counter()
    for st in stages:
        docs = st.pipe(docs)
    t_ours = time.perf_counter() - t0
    print(f"== layers ({len(cleaned)} documents, {words} words)")
    _print("spaCy nlp.pipe words/s", f"{words / t_spacy:,.0f}")
    _print("spaCy + sitrep stages words/s", f"{words / (t_spacy + t_ours):,.0f}")
    _print("sitrep stages on top of spaCy", f"{100 * t_ours / t_spacy:.0f}%  (target <= 30%)")
    for st in stages:
        one = [dataclasses.replace(d, parse=p) for d, p in zip(cleaned[:40], parsed[:40], strict=True)]
        t0 = time.perf_counter()
        st.pipe(one)
        _print(f"  {st.name} ms/doc", f"{1000 * (time.perf_counter() - t0) / len(one):.2f}")


def _raws(docs_text: list[str]) -> list:
    import hashlib

    from sitrep.records import RawDocument

    return [
        RawDocument(id=hashlib.sha256(t.encode()).hexdigest(), source=f"gen-{i}", text=t, format="text", published="2024-12-20")
        for i, t in enumerate(docs_text)
    ]


@bench("report_latency")
def report_latency(args: argparse.Namespace) -> None:
    """Time for one article of at least 600 words once the model is loaded.

    Every repeat is a different article (no cache sees the same names twice
    unless real news would too); the first article only warms up."""
    import dataclasses

    from sitrep.pipeline import Pipeline
    from sitrep.stages.parse import load_nlp

    pipe = Pipeline()
    nlp = load_nlp()
    stages = [st for st in pipe.stages if st.name.split(".")[1] != "parse"]
    raws = _raws([latency_article(seed) for seed in range(3, 4 + args.repeats)])
    totals, ours, spacy_ms, words = [], [], [], []
    per_stage: dict[str, list[float]] = {st.name: [] for st in stages}
    events = 0
    for n, raw in enumerate(raws):
        t0 = time.perf_counter()
        d = pipe.clean(raw)
        parsed = nlp(d.text)
        t1 = time.perf_counter()
        d = dataclasses.replace(d, parse=parsed)
        took_stage = []
        for st in stages:
            s0 = time.perf_counter()
            d = st(d)
            took_stage.append(time.perf_counter() - s0)
        t2 = time.perf_counter()
        if n == 0:
            continue  # warm-up: first use of the gazetteer, the KB and lazy imports
        for st, took in zip(stages, took_stage, strict=True):
            per_stage[st.name].append(took)
        totals.append(t2 - t0)
        spacy_ms.append(t1 - t0)
        ours.append(t2 - t1)
        words.append(len(d.text.split()))
        events += len(d.events)
    print(
        f"== one report ({args.repeats} different articles of {min(words)}-{max(words)} words; "
        "median and best)"
    )
    _print("total ms", f"{1000 * statistics.median(totals):.1f}  (best {1000 * min(totals):.1f}; target < 150)")
    _print("cleaning + spaCy parse ms", f"{1000 * statistics.median(spacy_ms):.1f}  (best {1000 * min(spacy_ms):.1f})")
    _print(
        "sitrep's own stages ms (all but the parse)",
        f"{1000 * statistics.median(ours):.1f}  (best {1000 * min(ours):.1f}; target < 30)",
    )
    for name, took in per_stage.items():
        _print(f"  {name} ms", f"{1000 * statistics.median(took):.2f}")
    _print("events found per article", f"{events / len(totals):.1f}")


def latency_article(seed: int = 3) -> str:
    """A generated article of over 600 words once cleaned (lines of several generated ones)."""
    base = texts(8, seed=seed)
    lines = base[0].splitlines()[:-4]
    for line in (x for extra in base[1:] for x in extra.splitlines()[4:-4]):
        if len(" ".join(lines).split()) >= 650:
            break
        lines.append(line)
    return "\n".join(lines)


def _rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


@bench("ingest")
def ingest_bench(args: argparse.Namespace) -> None:
    """Ledger ingest throughput over generated articles, and memory as the count grows."""
    from sitrep.ledger import EventFilter, events, open_ledger
    from sitrep.ledger.intake import ingest
    from sitrep.pipeline import Pipeline

    n = args.ingest_docs
    with tempfile.TemporaryDirectory() as tmp:
        write_corpus(Path(tmp) / "in", n, seed=5)
        pipe = Pipeline()
        pipe.setup()
        marks: list[tuple[int, float]] = []

        def progress(line: str) -> None:
            first = line.split()[0]
            if first.isdigit():
                marks.append((int(first), _rss_mb()))

        with open_ledger(str(Path(tmp) / "bench.db")) as ledger:
            t0 = time.perf_counter()
            result = ingest(ledger, [str(Path(tmp) / "in")], pipeline=pipe, progress=progress, batch_size=100)
            took = time.perf_counter() - t0
            q0 = time.perf_counter()
            found = events(ledger, EventFilter(limit=50))
            q_ms = 1000 * (time.perf_counter() - q0)
    print(f"== ledger ingest ({n} generated documents, full pipeline, SQLite, one process)")
    _print("documents added", str(result.added))
    _print("seconds", f"{took:.1f}")
    _print("documents per second", f"{result.added / took:.1f}")
    step = max(1, len(marks) // 4)
    for done, rss in marks[step - 1 :: step]:
        _print(f"  resident memory after {done} documents", f"{rss:.0f} MB")
    _print("fused events in the ledger (first page)", str(len(found["events"])))
    _print("sitrep events (50 newest) ms", f"{q_ms:.1f}")


@bench("web")
def web(args: argparse.Namespace) -> None:
    """/api/events latency on a 100,000-event ledger (bench/web.py)."""
    from bench.web import run

    run(args)


@bench("ledger")
def ledger(args: argparse.Namespace) -> None:
    """events() filters on a 100,000-event ledger; documents added one at a time (bench/ledger.py)."""
    from bench.ledger import run

    run(args)


@bench("cluster")
def cluster(args: argparse.Namespace) -> None:
    """Scale-out ingest: documents per second with 1 and 2 Dask workers (bench/cluster.py)."""
    from bench.cluster import run

    run(args)


@bench("watch")
def watch(args: argparse.Namespace) -> None:
    """CPU seconds per watch round over 200 unchanged feeds (a local server answering 304)."""
    from bench.watch import run

    run(args)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="bench.run")
    ap.add_argument("--only", nargs="*", default=None)
    ap.add_argument("--docs", type=int, default=1000, help="documents for read+clean")
    ap.add_argument("--layer-docs", type=int, default=200, help="documents for the layer benchmark")
    ap.add_argument("--repeats", type=int, default=15)
    ap.add_argument("--cluster-docs", type=int, default=160, help="documents for the cluster benchmark")
    ap.add_argument("--cluster-rounds", type=int, default=5, help="1- and 2-worker runs of the cluster benchmark")
    ap.add_argument("--ingest-docs", type=int, default=2000, help="documents for the ledger ingest benchmark (the issue asks for 10000)")
    ap.add_argument("--web-events", type=int, default=100_000, help="events in the web API benchmark ledger")
    ap.add_argument("--web-requests", type=int, default=200)
    ap.add_argument("--web-db", help="keep the web benchmark ledger at this path (reused when it exists)")
    from bench.ledger import add_arguments as ledger_arguments

    ledger_arguments(ap)
    args = ap.parse_args(argv)
    names = args.only or list(BENCHES)
    for name in names:
        BENCHES[name](args)
        sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
