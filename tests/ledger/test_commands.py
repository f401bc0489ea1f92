"""The ledger's CLI verbs, run in-process over a hand-filled ledger."""

from __future__ import annotations

import csv
import io
import json

import pytest

from sitrep.cli import main
from sitrep.ledger import open_ledger

from .test_queries import corpus


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "ledger.db"
    with open_ledger(path) as ledger:
        ledger.add(corpus())
    return str(path)


def test_events_prints_contract_json_by_default(db, capsys):
    from sitrep.schema import validate

    assert main(["events", "--db", db]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["schema"] == "sitrep.events/1"
    assert validate("events", out) == []
    assert [e["type"] for e in out["events"]] == ["casualties", "attack", "weapons_test"]


def test_events_filters_and_csv(db, capsys):
    assert main(["events", "--db", f"sqlite:///{db}", "--min-sources", "2", "--csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert [(r["type"], r["sources"], r["contradictions"]) for r in rows] == [
        ("casualties", "2", "1")
    ]


def test_events_table_and_bad_arguments(db, capsys):
    assert main(["events", "--db", db, "--table", "--country", "UA"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split()[:3] == ["start", "type", "status"]
    assert len(lines) == 2 and "Kherson" in lines[1]
    assert main(["events", "--db", db, "--since", "yesterday"]) == 2
    assert main(["events", "--db", db, "--limit", "-1"]) == 2


def test_show_prints_the_provenance_tree(db, capsys):
    main(["events", "--db", db, "--type", "casualties"])
    event_id = json.loads(capsys.readouterr().out)["events"][0]["id"]
    assert main(["show", event_id, "--db", db]) == 0
    tree = capsys.readouterr().out
    assert "CONTRADICTION killed: 300 vs 500" in tree
    assert "Ukrainian military [military]" in tree and "Example Post" in tree
    assert main(["show", event_id, "--db", db, "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["event"]["id"] == event_id
    assert main(["show", "ev-none", "--db", db]) == 2
    assert "no event" in capsys.readouterr().err


def test_sources_and_search_verbs(db, capsys):
    assert main(["sources", "--db", db]) == 0
    names = [s["name"] for s in json.loads(capsys.readouterr().out)["sources"]]
    assert "Ukrainian military" in names
    assert main(["search", "Plekhovo", "--db", db, "--table"]) == 0
    assert capsys.readouterr().out.count("document") == 3


def test_ingest_exits_1_and_prints_each_rejection(tmp_path, capsys):
    bad = tmp_path / "bad.bin"
    bad.write_bytes(b"\x00\x01\x02\x03\x00")
    missing = tmp_path / "missing.txt"
    code = main(["ingest", str(bad), str(missing), "--db", str(tmp_path / "x.db"), "--quiet"])
    err = capsys.readouterr().err.splitlines()
    assert code == 1
    assert sorted(line.split("]")[0] for line in err) == ["[E001", "[E010"]
    with open_ledger(tmp_path / "x.db") as ledger:
        assert ledger.count("rejections") == 2
