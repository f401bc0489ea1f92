"""sitrep benchmarks: `make bench` (python -m bench.run [--only NAME ...]).

Every number printed here is measured in this run, on this machine.
"""

from __future__ import annotations

import argparse
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
        write_corpus(Path(tmp), n)
        pipe = Pipeline(stages=[])
        t0 = time.perf_counter()
        count = sum(1 for _ in pipe.run([tmp]))
        took = time.perf_counter() - t0
    print(f"== read + clean ({n} generated documents, one process)")
    _print("documents", str(count))
    _print("seconds", f"{took:.2f}")
    _print("documents per second", f"{count / took:.0f}  (target >= 200)")


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
    """Time for one ~600-word article once the model is loaded."""
    import dataclasses

    from sitrep.pipeline import Pipeline
    from sitrep.stages.parse import load_nlp

    pipe = Pipeline()
    base = texts(6, seed=3)
    article = "\n".join(base[0].splitlines()[:-4]) + "\n" + "\n".join(base[1].splitlines()[4:-4])
    raw = _raws([article])[0]
    doc = pipe.clean(raw)
    nlp = load_nlp()
    list(nlp.pipe([doc.text]))
    totals, ours = [], []
    for _ in range(args.repeats):
        t0 = time.perf_counter()
        d = pipe.clean(raw)
        parsed = nlp(d.text)
        t1 = time.perf_counter()
        d = dataclasses.replace(d, parse=parsed)
        for st in pipe.stages:
            if st.name.split(".")[1] != "parse":
                d = st(d)
        t2 = time.perf_counter()
        totals.append(t2 - t0)
        ours.append((t2 - t1) + 0)
    print(f"== one report ({len(doc.text.split())} words, median of {args.repeats})")
    _print("total ms", f"{1000 * statistics.median(totals):.1f}  (target < 150)")
    _print("sitrep's own stages ms (all but the parse)", f"{1000 * statistics.median(ours):.1f}  (target < 30)")
    _print("events found", str(len(d.events)))


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
    ap.add_argument("--cluster-docs", type=int, default=80, help="documents for the cluster benchmark")
    args = ap.parse_args(argv)
    names = args.only or list(BENCHES)
    for name in names:
        BENCHES[name](args)
        sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
