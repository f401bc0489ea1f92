"""Crash safety: ``sitrep ingest`` killed with SIGKILL at random points, then run
again, leaves the ledger holding every document exactly once, fused, with
consistent tables and search index (the same as one uninterrupted run)."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import create_engine

from bench.corpus import write_corpus

from .ledger_checks import inconsistencies, snapshot, unfused_documents

ARTICLES = 12
SEED = 8
SITREP = [str(Path(sys.executable).parent / "sitrep")]


def ingest(corpus: Path, db: Path, *, kill_after: float | None = None, kill_on: str | None = None) -> int:
    """Run ``sitrep ingest``; SIGKILL it ``kill_after`` seconds in, or when stderr shows ``kill_on``.
    Returns the exit code (negative: killed)."""
    proc = subprocess.Popen(
        [*SITREP, "ingest", str(corpus), "--db", str(db)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONWARNINGS": "ignore"},
    )
    try:
        if kill_on is not None:
            assert proc.stderr is not None
            for line in proc.stderr:
                if kill_on in line:
                    proc.send_signal(signal.SIGKILL)
                    break
        elif kill_after is not None:
            try:
                proc.wait(timeout=kill_after)
            except subprocess.TimeoutExpired:
                proc.send_signal(signal.SIGKILL)
        proc.communicate(timeout=300)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    return proc.returncode


def _engine(db: Path):
    return create_engine(f"sqlite:///{db}")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("corpus")
    write_corpus(folder, ARTICLES, seed=SEED)
    return folder


@pytest.fixture(scope="module")
def reference(corpus, tmp_path_factory):
    """One uninterrupted run, and how long it took."""
    db = tmp_path_factory.mktemp("ref") / "ref.db"
    started = time.monotonic()
    assert ingest(corpus, db) == 0
    took = time.monotonic() - started
    engine = _engine(db)
    try:
        yield snapshot(engine), took
    finally:
        engine.dispose()


def _assert_same_as_reference(db: Path, reference) -> None:
    engine = _engine(db)
    try:
        assert inconsistencies(engine) == {}
        assert unfused_documents(engine) == 0, "documents stored but never fused"
        got = snapshot(engine)
    finally:
        engine.dispose()
    want = reference[0]
    assert len(got["document_ids"]) == len(set(got["document_ids"]))  # each exactly once
    assert got["document_ids"] == want["document_ids"], "documents lost or extra"
    assert got["counts"] == want["counts"]


@pytest.mark.slow
def test_ingest_killed_between_commit_and_fusion_then_rerun_fuses_everything(corpus, reference, tmp_path):
    db = tmp_path / "ledger.db"
    # every document is committed; fusion has not run yet
    code = ingest(corpus, db, kill_on="fusing events")
    assert code == -signal.SIGKILL
    assert ingest(corpus, db) in (0, 1)
    _assert_same_as_reference(db, reference)


@pytest.mark.slow
def test_ingest_killed_at_random_points_then_rerun_loses_nothing(corpus, reference, tmp_path):
    rng = random.Random(SEED)
    took = reference[1]
    for trial in range(2):
        db = tmp_path / f"ledger{trial}.db"
        ingest(corpus, db, kill_after=rng.uniform(0.5, took))  # killed, or (rarely) finished
        assert ingest(corpus, db) in (0, 1)
        _assert_same_as_reference(db, reference)
