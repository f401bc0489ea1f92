"""The ACLED-style export: ACLED's columns, types and precision codes from fused events."""

from __future__ import annotations

import csv
import io

from sitrep.exports.acled import COLUMNS, acled_types

from .ledger_events import exported, small_ledger

ACLED_COLUMNS = [
    "event_id_cnty",
    "event_date",
    "year",
    "time_precision",
    "event_type",
    "sub_event_type",
    "actor1",
    "assoc_actor_1",
    "actor2",
    "country",
    "admin1",
    "location",
    "latitude",
    "longitude",
    "geo_precision",
    "source",
    "source_scale",
    "notes",
    "fatalities",
    "timestamp",
]


def _rows(tmp_path):
    with small_ledger(tmp_path / "ledger.db") as ledger:
        text, result = exported(ledger, "acled")
    return list(csv.DictReader(io.StringIO(text))), result


def test_acled_export_has_acleds_columns_first(tmp_path):
    rows, _ = _rows(tmp_path)
    assert list(rows[0])[: len(ACLED_COLUMNS)] == ACLED_COLUMNS == list(COLUMNS[:-1])


def test_acled_export_codes_the_missile_strike_with_its_current_toll(tmp_path):
    rows, _ = _rows(tmp_path)
    (sumy,) = [r for r in rows if r["location"] == "Sumy" and r["fatalities"] != "0"]
    assert (sumy["event_type"], sumy["sub_event_type"]) == (
        "Explosions/Remote violence",
        "Shelling/artillery/missile attack",
    )
    assert (sumy["event_date"], sumy["year"], sumy["time_precision"]) == ("2025-02-03", "2025", "1")
    assert (sumy["country"], sumy["admin1"], sumy["geo_precision"]) == (
        "Ukraine",
        "Sumy Oblast",
        "1",
    )
    assert (float(sumy["latitude"]), float(sumy["longitude"])) == (50.9216, 34.80029)
    assert (
        sumy["fatalities"] == "23" and sumy["actor1"] == "Russia" and sumy["actor2"] == "civilians"
    )
    assert sumy["event_id_cnty"].startswith("UKR") and sumy["event_id_cnty"][3:].isdigit()
    assert sumy["source"] == "Kyiv Evening Post; Northern Courier"
    assert int(sumy["timestamp"]) == 1738800000  # 2025-02-06, the latest report, 00:00 UTC


def test_acled_export_skips_events_that_did_not_happen(tmp_path):
    rows, result = _rows(tmp_path)
    assert "Belgorod Oblast" not in {r["location"] for r in rows}  # the deployment is only planned
    assert (result.written, result.skipped) == (4, 1)
    protest = next(r for r in rows if r["location"] == "Tbilisi")
    assert (protest["event_type"], protest["sub_event_type"]) == ("Protests", "Peaceful protest")
    assert protest["latitude"] == "" and protest["fatalities"] == "0"


def test_acled_types_follow_the_taxonomy_mapping():
    def ev(type, text, **kw):
        return {"type": type, "summary": text, "evidence": [{"text": text}], **kw}

    assert acled_types(ev("attack", "A drone hit a fuel depot")) == (
        "Explosions/Remote violence",
        "Air/drone strike",
    )
    assert acled_types(ev("attack", "Gunmen clashed with soldiers")) == ("Battles", "Armed clash")
    assert acled_types(ev("attack", "Men stormed a village")) == (
        "Violence against civilians",
        "Attack",
    )
    assert acled_types(ev("protest", "Riots broke out")) == ("Riots", "Violent demonstration")
    assert acled_types(ev("arrest", "Militants kidnapped two aid workers")) == (
        "Violence against civilians",
        "Abduction/forced disappearance",
    )
    assert acled_types(ev("agreement", "A ceasefire was signed")) == (
        "Strategic developments",
        "Agreement",
    )
    assert acled_types(ev("deployment", "Troops withdrew from the town")) == (
        "Strategic developments",
        "Non-violent transfer of territory",
    )
    assert acled_types(ev("weapons_test", "A missile was test-fired")) == (
        "Strategic developments",
        "Other",
    )
