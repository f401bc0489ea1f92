"""The CSV export: one flat row per event, read back with the csv module."""

from __future__ import annotations

import csv
import io

import pytest

from sitrep.exports.flat import COLUMNS
from sitrep.ledger import events

from .ledger_events import exported, small_ledger


@pytest.fixture
def ledger(tmp_path):
    with small_ledger(tmp_path / "ledger.db") as ledger:
        yield ledger


def test_csv_export_round_trips_every_event(ledger):
    text, result = exported(ledger, "csv")
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    expected = events(ledger)["events"]
    assert result.written == len(rows) == len(expected) == 5
    assert [r["id"] for r in rows] == [e["id"] for e in expected]
    assert list(rows[0]) == list(COLUMNS)


def test_csv_export_keeps_coordinates_and_current_fatalities(ledger):
    text, _ = exported(ledger, "csv")
    (sumy,) = [r for r in csv.DictReader(io.StringIO(text)) if r["type"] == "casualties"]
    assert (float(sumy["latitude"]), float(sumy["longitude"])) == (50.9216, 34.80029)
    assert float(sumy["killed"]) == 23  # the latest count, not the first
    assert (sumy["first_published"], sumy["last_published"], sumy["mentions"]) == (
        "2025-02-03",
        "2025-02-06",
        "2",
    )
    (tbilisi,) = [r for r in csv.DictReader(io.StringIO(text)) if r["type"] == "protest"]
    assert tbilisi["latitude"] == tbilisi["longitude"] == ""  # missing, not zero
