"""The offline gazetteer: build a small one (a few countries) once, then look names up."""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path

import pytest

from sitrep.gazetteer import (
    GAZETTEER_VERSION,
    Gazetteer,
    build_gazetteer,
    gazetteer_path,
    haversine_km,
    load_gazetteer,
    name_key,
)

#: the countries of the small test gazetteer
SMALL = ("UA", "RU", "US", "FR", "KR", "KP")


def small_gazetteer_file(factory: pytest.TempPathFactory) -> Path:
    """Build the small gazetteer once per session (later calls find the file)."""
    path = factory.getbasetemp() / "gazetteer" / f"gazetteer-{GAZETTEER_VERSION}.sqlite"
    return build_gazetteer(path, countries=SMALL)


@pytest.fixture(scope="session")
def small_gazetteer(tmp_path_factory: pytest.TempPathFactory) -> Gazetteer:
    return Gazetteer(small_gazetteer_file(tmp_path_factory))


def test_name_key_folds_accents_case_and_punctuation() -> None:
    assert name_key("Kharkivs’ka Oblast'") == "kharkivska oblast"
    assert name_key("São Paulo") == "sao paulo"
    assert name_key("the United States") == "united states"
    assert name_key("N.J.") == "n j"


def test_gazetteer_finds_city_with_region_and_country(small_gazetteer: Gazetteer) -> None:
    kyiv = next(p for p in small_gazetteer.find("Kyiv") if p.kind == "city")
    assert kyiv.country == "UA"
    assert kyiv.capital
    assert haversine_km(kyiv.lat, kyiv.lon, 50.45, 30.52) < 20


def test_gazetteer_names_russian_region_in_english(small_gazetteer: Gazetteer) -> None:
    regions = [p for p in small_gazetteer.find("Kursk Oblast") if p.kind == "admin1"]
    assert [r.name for r in regions] == ["Kursk Oblast"]
    assert regions[0].country == "RU"
    assert haversine_km(regions[0].lat, regions[0].lon, 51.7, 36.2) < 150


def test_gazetteer_lists_every_place_of_an_ambiguous_name(small_gazetteer: Gazetteer) -> None:
    paris = [p for p in small_gazetteer.find("Paris") if p.kind == "city"]
    assert {"FR", "US"} <= {p.country for p in paris}
    assert paris[0].country == "FR"  # most populous first


def test_gazetteer_knows_countries_by_short_names(small_gazetteer: Gazetteer) -> None:
    for name in ("United States", "U.S.", "USA", "South Korea"):
        assert any(p.kind == "country" for p in small_gazetteer.find(name)), name
    assert small_gazetteer.country("FR") is not None
    assert small_gazetteer.find("Germany") == ()  # not in the small build


def test_gazetteer_knows_ap_state_abbreviations(small_gazetteer: Gazetteer) -> None:
    assert [p.name for p in small_gazetteer.find("Calif.") if p.kind == "admin1"] == ["California"]


def test_gazetteer_knows_dc_as_the_district_of_columbia(small_gazetteer: Gazetteer) -> None:
    assert [p.name for p in small_gazetteer.find("D.C.") if p.kind == "admin1"] == ["District of Columbia"]


def test_gazetteer_lookup_is_fast(small_gazetteer: Gazetteer) -> None:
    names = [f"place {i}" for i in range(500)]  # uncached keys: each one a real query
    t0 = time.perf_counter()
    for n in names:
        small_gazetteer.find(n)
    assert (time.perf_counter() - t0) / len(names) < 0.001


def test_gazetteer_file_is_indexed_and_read_only(small_gazetteer: Gazetteer) -> None:
    con = sqlite3.connect(small_gazetteer.path)
    plan = " ".join(str(r) for r in con.execute("EXPLAIN QUERY PLAN SELECT place FROM name WHERE key = 'paris'"))
    assert "USING PRIMARY KEY" in plan or "USING INDEX" in plan
    con.close()
    with pytest.raises(sqlite3.OperationalError):
        small_gazetteer._con().execute("DELETE FROM place")


def test_build_keeps_existing_file_and_leaves_no_temp(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    path = small_gazetteer_file(tmp_path_factory)
    before = path.stat().st_mtime_ns
    assert build_gazetteer(path, countries=SMALL) == path
    assert path.stat().st_mtime_ns == before
    assert not [p for p in path.parent.iterdir() if p.suffix == ".tmp"]


def test_load_gazetteer_uses_sitrep_cache(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = small_gazetteer_file(tmp_path_factory)
    monkeypatch.setenv("SITREP_CACHE", str(path.parent))
    assert gazetteer_path() == path
    results: list[Gazetteer] = []
    threads = [threading.Thread(target=lambda: results.append(load_gazetteer())) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert {g.path for g in results} == {path}
    assert results[0].has("Kyiv")
