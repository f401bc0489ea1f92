"""Concurrent use: readers during an ingest see consistent data without long waits
(SQLite in WAL mode), and two ingests into one PostgreSQL ledger at once store
each document once."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from bench.corpus import write_corpus
from sitrep.ledger import EventFilter, document_list, events, open_ledger, search

from .ledger_checks import inconsistencies, snapshot

SITREP = str(Path(sys.executable).parent / "sitrep")
#: p95 a reader may wait while an ingest writes (generous: two shared cores)
READER_P95_S = 2.0
MAX_READS = 3000  # bounded, whatever the ingest does


def _ingest_cmd(corpus: Path, db: str) -> list[str]:
    return [SITREP, "ingest", str(corpus), "--db", db, "--quiet"]


def read_during(proc: subprocess.Popen[Any], ledger: Any, *, threads: int = 2) -> dict[str, Any]:
    """Query ``ledger`` from ``threads`` readers until ``proc`` ends; latencies and failures."""
    latencies: list[float] = []
    failures: list[str] = []
    document_counts: list[int] = []
    lock = threading.Lock()
    app_client = None
    try:
        from fastapi.testclient import TestClient

        from sitrep.web.app import create_app

        app_client = TestClient(create_app(ledger, ledger.settings))
    except ImportError:  # pragma: no cover - the web extra is part of dev
        pass

    def one_read(i: int) -> None:
        kind = i % 4
        if kind == 0:
            body = events(ledger, EventFilter(limit=50))
            assert all(e["mentions"] for e in body["events"]), "an event without mentions"
        elif kind == 1:
            found = inconsistencies(ledger.engine)
            assert found == {}, found
        elif kind == 2:
            with lock:
                document_counts.append(ledger.count("documents"))
            document_list(ledger, limit=5)
            search(ledger, "troops", limit=5)
        elif app_client is not None:
            r = app_client.get("/api/events", params={"limit": 20})
            assert r.status_code == 200, r.text

    def reader(offset: int) -> None:
        i = offset
        while proc.poll() is None and len(latencies) < MAX_READS:
            started = time.perf_counter()
            try:
                one_read(i)
            except Exception as exc:  # noqa: BLE001 - every failure is reported
                with lock:
                    failures.append(f"{type(exc).__name__}: {exc}")
            with lock:
                latencies.append(time.perf_counter() - started)
            i += threads

    workers = [threading.Thread(target=reader, args=(n,)) for n in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(timeout=600)
    lat = sorted(latencies)
    return {
        "reads": len(lat),
        "failures": failures,
        "p50_s": statistics.median(lat) if lat else None,
        "p95_s": lat[int(0.95 * (len(lat) - 1))] if lat else None,
        "max_s": lat[-1] if lat else None,
        "document_counts": document_counts,
    }


@pytest.mark.slow
def test_readers_during_sqlite_ingest_see_consistent_data_quickly(tmp_path):
    first, second = tmp_path / "first", tmp_path / "second"
    write_corpus(first, 10, seed=3)
    write_corpus(second, 30, seed=4)
    db = tmp_path / "ledger.db"
    subprocess.run(_ingest_cmd(first, str(db)), check=True, timeout=300)
    ledger = open_ledger(db)
    try:
        proc = subprocess.Popen(_ingest_cmd(second, str(db)), stderr=subprocess.PIPE, text=True)
        try:
            seen = read_during(proc, ledger)
        finally:
            _, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err
        assert seen["failures"] == [], seen["failures"][:5]
        assert seen["reads"] >= 20, seen
        assert seen["p95_s"] < READER_P95_S, seen
        counts = seen["document_counts"]
        assert counts == sorted(counts), "a reader saw documents disappear"
        assert counts[0] >= 10 and snapshot(ledger.engine)["counts"]["documents"] == 40
    finally:
        ledger.close()


@pytest.mark.slow
@pytest.mark.postgres
def test_two_ingests_into_one_postgres_ledger_store_each_document_once(tmp_path, postgres_schema):
    from tests.conftest import POSTGRES_URL

    corpus = tmp_path / "corpus"
    write_corpus(corpus, 16, seed=5)
    schema = postgres_schema()
    open_ledger(POSTGRES_URL, schema=schema).close()  # created and migrated
    url = f"{POSTGRES_URL}?options=-csearch_path%3D{schema}"
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    procs = [
        subprocess.Popen(_ingest_cmd(corpus, url), stderr=subprocess.PIPE, text=True, env=env)
        for _ in range(2)
    ]
    errors = [p.communicate(timeout=400)[1] for p in procs]
    assert [p.returncode for p in procs] == [0, 0], errors
    ledger = open_ledger(POSTGRES_URL, schema=schema)
    try:
        assert inconsistencies(ledger.engine) == {}
        got = snapshot(ledger.engine)
        assert got["counts"]["documents"] == 16
        assert len(set(got["document_ids"])) == 16
    finally:
        ledger.close()
