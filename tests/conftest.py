"""Shared fixtures. Tests build a stage's input by hand where they can."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture(scope="session")
def data_dir() -> Path:
    return DATA


@pytest.fixture(scope="session")
def nlp():
    """The shared spaCy pipeline (loaded once per test session)."""
    from sitrep.stages.parse import load_nlp

    return load_nlp()


# --------------------------------------------------------------------------- ledger backends

POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/test"


@pytest.fixture(scope="session")
def postgres_schema():
    """Names fresh PostgreSQL schemas for this test session (all dropped after); skips when no server answers."""
    import itertools
    import secrets

    try:
        import psycopg

        conn = psycopg.connect("host=127.0.0.1 port=5432 dbname=test user=postgres", connect_timeout=3, autocommit=True)
    except Exception as exc:  # noqa: BLE001 - any failure means: no server to test against
        pytest.skip(f"PostgreSQL not reachable on 127.0.0.1:5432 (database test, user postgres): {exc}")
    base = f"sitrep_test_{secrets.token_hex(4)}"
    counter = itertools.count()
    yield lambda: f"{base}_{next(counter)}"
    for (name,) in conn.execute("SELECT nspname FROM pg_namespace WHERE nspname LIKE %s", (base + "%",)).fetchall():
        conn.execute(f'DROP SCHEMA "{name}" CASCADE')
    conn.close()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def open_test_ledger(request, tmp_path):
    """A function opening a new, empty ledger (a SQLite file, or a fresh PostgreSQL schema)."""
    from sitrep.ledger import open_ledger

    opened = []

    def make(**kw):
        if request.param == "sqlite":
            ledger = open_ledger(tmp_path / f"ledger{len(opened)}.db", **kw)
        else:
            ledger = open_ledger(POSTGRES_URL, schema=request.getfixturevalue("postgres_schema")(), **kw)
        opened.append(ledger)
        return ledger

    yield make
    for ledger in opened:
        ledger.close()
