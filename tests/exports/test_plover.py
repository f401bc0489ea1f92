"""The PLOVER export: category, mode, actors with ISO alpha-3 countries, location, figures."""

from __future__ import annotations

import json

from sitrep.exports.plover import PLOVER_VERSION, plover_category

from .ledger_events import exported, small_ledger


def test_plover_export_codes_the_strike_as_an_aerial_or_artillery_assault(tmp_path):
    with small_ledger(tmp_path / "ledger.db") as ledger:
        text, result = exported(ledger, "plover")
    records = [json.loads(line) for line in text.splitlines()]
    assert (
        len(records) == result.written == 4 and result.skipped == 1
    )  # type "other" has no category
    sumy = next(r for r in records if r["location"] == "Sumy" and r["fatalities"] is not None)
    assert (sumy["event"], sumy["mode"], sumy["context"]) == ("ASSAULT", "artillery", ["military"])
    assert (sumy["source_actor"], sumy["source_agent"], sumy["source_country"]) == (
        "Russia",
        "GOV",
        "RUS",
    )
    assert (sumy["target_actors"], sumy["target_country"]) == (["civilians"], "UKR")
    assert (sumy["date"], sumy["country"], sumy["lat"], sumy["lon"]) == (
        "2025-02-03",
        "UKR",
        50.9216,
        34.80029,
    )
    assert sumy["fatalities"] == 23 and sumy["injuries"] is None
    assert sumy["eventText"].startswith("A Russian missile strike killed")
    assert sumy["version"]["plover"] == PLOVER_VERSION
    deployment = next(r for r in records if r["event"] == "MOBILIZE")
    assert deployment["status"] == "planned" and deployment["country"] == "RUS"


def test_plover_categories_follow_the_taxonomy_mapping():
    def ev(type, text="", status="occurred"):
        return {"type": type, "summary": text, "evidence": [], "status": status}

    assert plover_category(ev("deployment", "Troops pulled out of the town")) == "RETREAT"
    assert plover_category(ev("deployment", "Troops arrived in the town")) == "MOBILIZE"
    assert plover_category(ev("agreement", "will sign a truce", "planned")) == "AGREE"
    assert plover_category(ev("agreement", "signed a truce")) == "COOPERATE"
    assert [
        plover_category(ev(t)) for t in ("military_aid", "sanction", "threat", "arrest", "other")
    ] == [
        "AID",
        "SANCTION",
        "THREATEN",
        "COERCE",
        None,
    ]
