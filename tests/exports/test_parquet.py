"""The Parquet export: a fixed schema that pyarrow and DuckDB read back."""

from __future__ import annotations

import datetime as dt
import json

import pyarrow.parquet as pq
import pytest

from sitrep.exports import export
from sitrep.exports.parquet import SCHEMA
from sitrep.ledger import EventFilter, events

from .ledger_events import small_ledger


@pytest.fixture
def parquet_file(tmp_path):
    path = tmp_path / "events.parquet"
    with small_ledger(tmp_path / "ledger.db") as ledger, path.open("wb") as out:
        result = export(ledger, "parquet", out)
        expected = events(ledger)["events"]
    assert result.written == 5
    return path, expected


def test_parquet_export_round_trips_events_figures_and_coordinates(parquet_file):
    path, expected = parquet_file
    table = pq.read_table(path)
    assert table.schema.equals(SCHEMA, check_metadata=True)
    rows = table.to_pylist()
    assert [r["id"] for r in rows] == [e["id"] for e in expected]
    sumy = next(r for r in rows if r["type"] == "casualties")
    assert (sumy["latitude"], sumy["longitude"], sumy["killed"]) == (50.9216, 34.80029, 23.0)
    assert sumy["date_start"] == dt.date(2025, 2, 3)
    assert [(h["published"], h["value"]) for h in sumy["figure_history"]] == [
        ("2025-02-03", 12.0),
        ("2025-02-06", 23.0),
    ]
    assert [a["name"] for a in sumy["actor_list"] if a["role"] == "agent"] == ["Russia"]
    assert json.loads(sumy["event_json"]) == next(e for e in expected if e["id"] == sumy["id"])


def test_parquet_export_reads_in_duckdb(parquet_file):
    duckdb = pytest.importorskip("duckdb", reason="duckdb is a dev dependency")
    path, _ = parquet_file
    got = duckdb.sql(
        f"SELECT type, killed, len(figure_history) FROM read_parquet('{path}') WHERE location = 'Sumy' ORDER BY type"
    ).fetchall()
    assert got == [("attack", None, 0), ("casualties", 23.0, 2)]


def test_parquet_export_of_nothing_keeps_the_schema(tmp_path):
    path = tmp_path / "empty.parquet"
    with small_ledger(tmp_path / "ledger.db") as ledger, path.open("wb") as out:
        result = export(ledger, "parquet", out, EventFilter(type="sanction"))
    table = pq.read_table(path)
    assert result.written == table.num_rows == 0
    assert table.schema.equals(SCHEMA)
