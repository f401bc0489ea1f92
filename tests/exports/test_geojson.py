"""The GeoJSON export: Points at [lon, lat] with flat properties; unlocated events skipped."""

from __future__ import annotations

import json

from sitrep.ledger import events

from .ledger_events import exported, small_ledger


def test_geojson_export_places_events_at_lon_lat(tmp_path):
    with small_ledger(tmp_path / "ledger.db") as ledger:
        text, result = exported(ledger, "geojson")
        by_id = {e["id"]: e for e in events(ledger)["events"]}
    fc = json.loads(text)
    assert fc["type"] == "FeatureCollection"
    assert len(fc["features"]) == result.written == 4
    for f in fc["features"]:
        loc = by_id[f["id"]]["location"]
        assert f["geometry"] == {"type": "Point", "coordinates": [loc["lon"], loc["lat"]]}
        # flat enough for QGIS and kepler.gl: every property a scalar
        assert all(isinstance(v, (str, int, float, type(None))) for v in f["properties"].values())
    sumy = next(f for f in fc["features"] if f["properties"]["type"] == "casualties")
    assert sumy["properties"]["killed"] == 23 and sumy["properties"]["location"] == "Sumy"


def test_geojson_export_skips_and_counts_events_without_coordinates(tmp_path):
    with small_ledger(tmp_path / "ledger.db") as ledger:
        text, result = exported(ledger, "geojson")
    assert (result.skipped, result.skip_reason) == (1, "no coordinates")
    assert "protest" not in {f["properties"]["type"] for f in json.loads(text)["features"]}
