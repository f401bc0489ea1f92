"""The JSON Lines export: complete sitrep.events/1 events, one per line."""

from __future__ import annotations

import json

from sitrep.ledger import events
from sitrep.schema import validate

from .ledger_events import exported, small_ledger


def test_jsonl_export_is_the_events_output_line_by_line(tmp_path):
    with small_ledger(tmp_path / "ledger.db") as ledger:
        text, result = exported(ledger, "jsonl")
        expected = events(ledger)["events"]
    lines = [json.loads(line) for line in text.splitlines()]
    assert lines == expected and result.written == 5
    assert validate("events", {"schema": "sitrep.events/1", "events": lines}) == []
