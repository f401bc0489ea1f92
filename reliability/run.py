"""The reliability report: fuzzing, hostile inputs, kill-and-resume, concurrent readers.

    python -m reliability.run            # full (make reliability)
    python -m reliability.run --short    # CI: the same checks, smaller (about 3 minutes)

Prints a readable report on stdout (``--json`` for JSON) and exits 1 when
anything failed: a fuzz case, a document lost or duplicated after a kill, a
reader error, a hostile input that crashed or took too long.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
FUZZ_FILES = ["tests/reliability/test_fuzz_readers.py", "tests/reliability/test_fuzz_layers.py"]
_STATS = re.compile(r"^(tests/\S+::\S+):\s*$")
_PASSING = re.compile(r"- (\d+) passing(?: examples?)?, (\d+) failing(?: examples?)?,? (?:and )?(\d+) invalid")


def run_fuzz(profile: str) -> dict[str, Any]:
    """Every fuzz target through pytest; cases run and failures per target (from Hypothesis' statistics)."""
    env = {**os.environ, "SITREP_FUZZ": profile}
    started = time.monotonic()
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--hypothesis-show-statistics", *FUZZ_FILES],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=3600,
    )  # fmt: skip
    targets: dict[str, dict[str, int]] = {}
    current = None
    for line in proc.stdout.splitlines():
        m = _STATS.match(line.strip())
        if m:
            current = m.group(1).split("::")[1]
            targets.setdefault(current, {"cases": 0, "failures": 0})
            continue
        m = _PASSING.search(line)
        if m and current:
            targets[current]["cases"] += int(m.group(1)) + int(m.group(2))
            targets[current]["failures"] += int(m.group(2))
    summary = proc.stdout.strip().splitlines()[-1] if proc.stdout.strip() else proc.stderr[-300:]
    return {
        "profile": profile,
        "targets": targets,
        "cases": sum(t["cases"] for t in targets.values()),
        "failures": sum(t["failures"] for t in targets.values()) + (proc.returncode != 0),
        "pytest": summary,
        "seconds": round(time.monotonic() - started, 1),
    }


def run_hostile(length: int) -> dict[str, Any]:
    """Hostile texts through every stage (seconds of the slowest stage), and hostile files
    through the pipeline (how each was rejected)."""
    from sitrep.pipeline import Pipeline
    from sitrep.records import Rejection
    from sitrep.settings import load_settings
    from tests.reliability.hostile import STAGE_BOUND_S, hostile_texts, time_layers

    texts: dict[str, Any] = {}
    time_layers("warm", "Warm up the models near Kursk.")
    for name, text in hostile_texts(length).items():
        try:
            timings, _ = time_layers(name, text)
            stage, took = max(timings.items(), key=lambda kv: kv[1])
            texts[name] = {"chars": len(text), "slowest_stage": stage, "seconds": round(took, 2),
                           "ok": took < STAGE_BOUND_S}  # fmt: skip
        except Exception as exc:  # noqa: BLE001 - a crash is what this reports
            texts[name] = {"chars": len(text), "error": f"{type(exc).__name__}: {exc}", "ok": False}
    files = _hostile_files(Path(tempfile.mkdtemp(prefix="sitrep-hostile-")))
    settings = load_settings(max_file_bytes=100_000, max_text_chars=20_000, max_entities=40)
    rejected: dict[str, Any] = {}
    for name, path, want in files:
        try:
            outs = list(Pipeline(settings=settings).run([path]))
            codes = [o.code for o in outs if isinstance(o, Rejection)]
            rejected[name] = {
                "expected": want,
                "codes": codes,
                "reasons": [o.reason for o in outs if isinstance(o, Rejection)][:2],
                "ok": want in codes and all("\n" not in o.message() for o in outs if isinstance(o, Rejection)),
            }
        except Exception as exc:  # noqa: BLE001
            rejected[name] = {"expected": want, "error": f"{type(exc).__name__}: {exc}", "ok": False}
    slow_pipe = Pipeline(settings=load_settings(doc_time_limit_s=0.000001))
    out = list(slow_pipe.run([files[0][1].parent / "fine.txt"]))
    rejected["slow_document"] = {
        "expected": "E032",
        "codes": [o.code for o in out if isinstance(o, Rejection)],
        "reasons": [o.reason for o in out if isinstance(o, Rejection)],
        "ok": any(isinstance(o, Rejection) and o.code == "E032" for o in out),
    }
    return {"texts": texts, "inputs": rejected}


def _hostile_files(folder: Path) -> list[tuple[str, Path, str]]:
    import gzip

    def put(name: str, data: bytes) -> Path:
        path = folder / name
        path.write_bytes(data)
        return path

    (folder / "fine.txt").write_text("North Korea fired a ballistic missile on Monday, officials said.")
    crowd = ", ".join(["Russia", "Ukraine", "Iran", "Israel", "Sudan", "China", "Paris", "London"] * 8)
    return [
        ("empty file", put("empty.txt", b"   \n"), "E003"),
        ("over the size limit", put("huge.txt", b"Troops moved. " * 10_000), "E004"),
        ("gzip bomb", put("bomb.txt.gz", gzip.compress(b"A" * 5_000_000)), "E004"),
        ("binary (PNG header)", put("image.html", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4), "E010"),
        ("HTML without text", put("blank.html", b"<html><body><script>alert(1)</script></body></html>"), "E020"),
        ("malformed feed", put("broken.rss", b"<rss><channel><title>Broken &bogus; <<< </rss>"), "E021"),
        ("broken WARC", put("broken.warc", b"WARC/1.0\r\nWARC-Type: response\r\nContent-Length: 999999\r\n\r\nshort"), "E022"),
        ("bad JSON Lines", put("items.jsonl", b'{"text": "fine line"}\n{"text": unquoted}\n[1, 2]\n'), "E023"),
        ("text over the length limit", put("long.txt", b"Troops moved near Kursk. " * 3_000), "E030"),
        ("too many entities", put("crowd.txt", f"Leaders of {crowd} met.".encode()), "E031"),
        ("missing file", folder / "missing.txt", "E001"),
    ]  # fmt: skip


def run_crash(articles: int, trials: int, seed: int) -> dict[str, Any]:
    """Kill ``sitrep ingest`` (SIGKILL) at random points, re-run it, compare with one clean run."""
    from sqlalchemy import create_engine

    from bench.corpus import write_corpus
    from tests.reliability.ledger_checks import inconsistencies, snapshot, unfused_documents
    from tests.reliability.test_crash_safety import ingest

    work = Path(tempfile.mkdtemp(prefix="sitrep-crash-"))
    corpus = work / "corpus"
    write_corpus(corpus, articles, seed=seed)
    started = time.monotonic()
    ingest(corpus, work / "ref.db")
    took = time.monotonic() - started
    ref_engine = create_engine(f"sqlite:///{work / 'ref.db'}")
    want = snapshot(ref_engine)
    ref_engine.dispose()
    rng = random.Random(seed)
    rows = []
    for trial in range(trials):
        db = work / f"trial{trial}.db"
        if trial == 0:
            code = ingest(corpus, db, kill_on="fusing events")  # committed, not yet fused
            where = "after the last commit, before fusion"
        else:
            at = rng.uniform(0.5, took)
            code = ingest(corpus, db, kill_after=at)
            where = f"{at:.1f}s in"
        ingest(corpus, db)
        engine = create_engine(f"sqlite:///{db}")
        got, broken, unfused = snapshot(engine), inconsistencies(engine), unfused_documents(engine)
        engine.dispose()
        ids, ref_ids = got["document_ids"], set(want["document_ids"])
        rows.append({
            "killed": code == -signal.SIGKILL, "where": where,
            "documents": len(ids), "lost": len(ref_ids - set(ids)),
            "duplicated": len(ids) - len(set(ids)), "extra": len(set(ids) - ref_ids),
            "unfused": unfused, "inconsistent": broken,
            "same_as_clean_run": got == want,
        })  # fmt: skip
    return {
        "articles": articles,
        "trials": rows,
        "lost": sum(r["lost"] for r in rows),
        "duplicated": sum(r["duplicated"] for r in rows),
        "ok": all(r["same_as_clean_run"] and not r["inconsistent"] and not r["unfused"] for r in rows),
    }


def run_concurrency(articles: int, seed: int) -> dict[str, Any]:
    """Readers (ledger queries, the JSON API) while ``sitrep ingest`` writes a SQLite ledger."""
    from bench.corpus import write_corpus
    from sitrep.ledger import open_ledger
    from tests.reliability.test_concurrency import READER_P95_S, _ingest_cmd, read_during

    work = Path(tempfile.mkdtemp(prefix="sitrep-conc-"))
    write_corpus(work / "first", 5, seed=seed)
    write_corpus(work / "second", articles, seed=seed + 1)
    db = work / "ledger.db"
    subprocess.run(_ingest_cmd(work / "first", str(db)), check=True, timeout=600)
    ledger = open_ledger(db)
    try:
        proc = subprocess.Popen(_ingest_cmd(work / "second", str(db)), stderr=subprocess.DEVNULL)
        seen = read_during(proc, ledger)
        proc.wait(timeout=600)
    finally:
        ledger.close()
    counts = seen.pop("document_counts")
    seen["failures"] = seen["failures"][:5]
    seen["documents_seen_never_decreased"] = counts == sorted(counts)
    seen["ok"] = (
        not seen["failures"] and seen["p95_s"] is not None and seen["p95_s"] < READER_P95_S
        and seen["documents_seen_never_decreased"] and proc.returncode == 0
    )  # fmt: skip
    for k in ("p50_s", "p95_s", "max_s"):
        if seen[k] is not None:
            seen[k] = round(seen[k], 3)
    return seen


def _print(report: dict[str, Any]) -> None:
    f = report["fuzz"]
    print(f"# sitrep reliability ({'short' if report['short'] else 'full'})\n")
    print(f"## Fuzzing ({f['profile']} profile, {f['seconds']}s): {f['cases']} cases, {f['failures']} failures")
    for name, t in sorted(f["targets"].items()):
        print(f"  {name:62s} {t['cases']:6d} cases  {t['failures']} failures")
    print(f"  pytest: {f['pytest']}")
    h = report["hostile"]
    print("\n## Hostile texts through every stage (slowest stage)")
    for name, t in h["texts"].items():
        print(f"  {name:16s} {t['chars']:6d} chars  " + (f"{t['slowest_stage']} {t['seconds']}s" if "seconds" in t else t["error"]) + ("" if t["ok"] else "  FAIL"))
    print("\n## Hostile inputs: how each was rejected")
    for name, r in h["inputs"].items():
        what = ", ".join(r.get("codes", [])) or r.get("error", "not rejected")
        print(f"  {name:28s} {what:10s} {(r.get('reasons') or [''])[0][:90]}" + ("" if r["ok"] else f"  FAIL (expected {r['expected']})"))
    c = report["crash"]
    print(f"\n## Kill and resume ({c['articles']} articles): {len(c['trials'])} trials, {c['lost']} documents lost, {c['duplicated']} duplicated")
    for t in c["trials"]:
        print(f"  killed {t['where']:38s} killed={t['killed']!s:5s} documents={t['documents']} unfused={t['unfused']} consistent={not t['inconsistent']} same_as_clean_run={t['same_as_clean_run']}")
    r = report["concurrency"]
    print(f"\n## Readers during an ingest (SQLite, WAL): {r['reads']} reads, p50 {r['p50_s']}s, p95 {r['p95_s']}s, max {r['max_s']}s, {len(r['failures'])} failures")
    for fail in r["failures"]:
        print(f"  {fail}")
    print(f"\nresult: {'PASS' if report['ok'] else 'FAIL'}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--short", action="store_true", help="the CI size (about 3 minutes)")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    args = parser.parse_args(argv)
    os.chdir(ROOT)
    sys.path.insert(0, str(ROOT))
    short = args.short
    report: dict[str, Any] = {"short": short}
    report["fuzz"] = run_fuzz("smoke" if short else "ci")
    report["hostile"] = run_hostile(10_000 if short else 50_000)
    report["crash"] = run_crash(8 if short else 40, 2 if short else 4, seed=8)
    report["concurrency"] = run_concurrency(8 if short else 40, seed=3)
    report["ok"] = (
        report["fuzz"]["failures"] == 0
        and all(t["ok"] for t in report["hostile"]["texts"].values())
        and all(r["ok"] for r in report["hostile"]["inputs"].values())
        and report["crash"]["ok"]
        and report["concurrency"]["ok"]
    )
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        _print(report)
    return 0 if report["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
