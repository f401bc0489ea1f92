"""The export registry, paging, and the `sitrep export` verb."""

from __future__ import annotations

import csv
import io
import json

import pyarrow.parquet as pq
import pytest

import sitrep.exports
from sitrep.cli import main
from sitrep.exports import FORMATS, export_format, iter_events
from sitrep.ledger import EventFilter, events

from .ledger_events import exported, small_ledger


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "ledger.db"
    small_ledger(path).close()
    return str(path)


def test_export_registry_has_one_module_per_format():
    assert set(FORMATS) == {"csv", "jsonl", "geojson", "parquet", "acled", "plover"}
    assert {export_format(n).name for n in FORMATS} == set(FORMATS)
    assert [n for n in FORMATS if export_format(n).binary] == ["parquet"]
    with pytest.raises(KeyError, match="choose from"):
        export_format("xlsx")


def test_export_pages_through_every_event_past_the_events_limit(tmp_path, monkeypatch):
    monkeypatch.setattr(sitrep.exports, "PAGE", 2)
    with small_ledger(tmp_path / "ledger.db") as ledger:
        every = [e["id"] for e in events(ledger)["events"]]
        assert [e["id"] for e in iter_events(ledger, EventFilter(limit=1))] == every
        assert [e["id"] for e in iter_events(ledger, limit=3)] == every[:3]
        text, result = exported(ledger, "jsonl")
    assert result.written == len(text.splitlines()) == 5


def test_export_cli_writes_text_formats_to_stdout_with_filters(db, capsys):
    assert main(["export", "--db", db, "--format", "csv", "--type", "casualties"]) == 0
    out = capsys.readouterr()
    rows = list(csv.DictReader(io.StringIO(out.out)))
    assert [(r["type"], r["location"]) for r in rows] == [("casualties", "Sumy")]
    assert "1 events written as csv" in out.err


def test_export_cli_reports_skipped_events_on_stderr(db, capsys):
    assert main(["export", "--db", db, "-f", "geojson"]) == 0
    out = capsys.readouterr()
    assert len(json.loads(out.out)["features"]) == 4
    assert "1 events skipped (no coordinates)" in out.err


def test_export_cli_writes_parquet_only_to_a_file(db, tmp_path, capsys):
    assert main(["export", "--db", db, "--format", "parquet"]) == 2
    assert "--output" in capsys.readouterr().err
    target = tmp_path / "out.parquet"
    assert (
        main(["export", "--db", db, "--format", "parquet", "--output", str(target), "--quiet"]) == 0
    )
    assert capsys.readouterr().err == ""
    assert pq.read_table(target).num_rows == 5


def test_export_cli_writes_text_to_an_output_file(db, tmp_path):
    target = tmp_path / "events.jsonl"
    assert main(["export", "--db", db, "-f", "plover", "-o", str(target), "-q"]) == 0
    assert len(target.read_text(encoding="utf-8").splitlines()) == 4
    assert main(["export", "--db", db, "-f", "xlsx"]) == 2
