"""Whole reports over the hand-written articles in ``tests/data/reports``.

Invariants every report must keep (schema, evidence spans, trigger spans,
figure bounds), then a handful of expectations per article that the pipeline
meets today, so a regression shows up here. What the pipeline still gets
wrong is scored by ``eval/tasks/own_reports.py`` (``make eval``), not
asserted here.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

REPORTS = Path(__file__).resolve().parent / "data" / "reports"
CASES = {
    spec["article"]: spec
    for spec in (
        json.loads(p.read_text(encoding="utf-8")) for p in sorted(REPORTS.glob("*.expected.json"))
    )
}
ARTICLES = sorted(CASES)

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def reports() -> dict[str, dict[str, Any]]:
    """One sitrep.report/1 dict per article, each run with the article's own date."""
    from sitrep.pipeline import Pipeline
    from sitrep.records import Document
    from sitrep.report import report_dict

    pipe = Pipeline()
    out = {}
    for name in ARTICLES:
        docs = list(pipe.run([REPORTS / name], published=CASES[name]["published"]))
        assert len(docs) == 1 and isinstance(docs[0], Document), docs
        out[name] = report_dict(docs[0])
    return out


def event(report: dict[str, Any], type_: str, phrase: str) -> dict[str, Any]:
    """The event of this type whose evidence contains ``phrase`` (an event led by that sentence first)."""
    found = [
        e
        for e in report["events"]
        if e["type"] == type_ and any(phrase in ev["text"] for ev in e["evidence"])
    ]
    assert found, f"no {type_} event with evidence containing {phrase!r}"
    return min(found, key=lambda e: (phrase not in e["evidence"][0]["text"], len(e["evidence"])))


def figures(e: dict[str, Any]) -> set[tuple[Any, ...]]:
    return {(f["category"], f["qualifier"], f["low"], f["value"], f["high"]) for f in e["figures"]}


def sources(e: dict[str, Any]) -> set[tuple[str, tuple[str, ...]]]:
    return {(s["name"], tuple(s["via"])) for s in e["sources"]}


def actors(e: dict[str, Any]) -> set[tuple[str, str]]:
    return {(a["name"], a["role"]) for a in e["actors"]}


def when(e: dict[str, Any]) -> tuple[str | None, str | None] | None:
    return None if e["time"] is None else (e["time"]["start"], e["time"]["end"])


def entity(report: dict[str, Any], name: str) -> dict[str, Any]:
    found = [e for e in report["entities"] if e["name"] == name]
    assert found, f"no entity {name!r}"
    return found[0]


# ---------------------------------------------------------------- invariants


def test_reports_every_article_has_an_expectation() -> None:
    assert len(ARTICLES) >= 10
    assert sorted(p.name for p in REPORTS.glob("*.txt")) == ARTICLES


@pytest.mark.parametrize("name", ARTICLES)
def test_reports_validate_against_schema(reports, name: str) -> None:
    from sitrep.schema import validate

    assert validate("report", reports[name]) == []


@pytest.mark.parametrize("name", ARTICLES)
def test_reports_evidence_points_at_text(reports, name: str) -> None:
    report = reports[name]
    text = report["document"]["text"]
    assert report["events"]
    for e in report["events"]:
        assert e["evidence"], e["id"]
        for ev in e["evidence"]:
            assert text[ev["start"] : ev["end"]] == ev["text"], (e["id"], ev)


@pytest.mark.parametrize("name", ARTICLES)
def test_reports_evidence_contains_a_trigger(reports, name: str) -> None:
    for e in reports[name]["events"]:
        spans = e["trigger_spans"]
        for ev in e["evidence"]:
            assert any(ev["start"] <= s and t <= ev["end"] for s, t in spans), (
                e["type"],
                ev["text"],
                spans,
            )


@pytest.mark.parametrize("name", ARTICLES)
def test_reports_figures_keep_their_bounds(reports, name: str) -> None:
    for e in reports[name]["events"]:
        for f in e["figures"]:
            low, value, high = f["low"], f["value"], f["high"]
            if low is not None and value is not None:
                assert low <= value, f
            if value is not None and high is not None:
                assert value <= high, f
            if low is not None and high is not None:
                assert low <= high, f


@pytest.mark.parametrize("name", ARTICLES)
def test_reports_rights_flag_matches_the_page(reports, name: str) -> None:
    assert reports[name]["document"]["rights"]["tdm_reserved"] is CASES[name]["tdm_reserved"]


# ---------------------------------------------------------------- per article: what the pipeline gets right today


def test_reports_scraped_kursk_page(reports) -> None:
    r = reports["01-scraped-kursk-rotation.txt"]
    doc = r["document"]
    assert (doc["title"], doc["section"], doc["publisher"], doc["published"]) == (
        "Kim Dzong Un sends fresh troops to Kursk, Kyiv says",
        "World",
        "Vistula Herald",
        "2025-03-14",
    )
    assert "Related articles" not in doc["text"] and "Vistula Photo Service" not in doc["text"]
    dep = event(r, "deployment", "between 3,000 and 4,000")
    assert (dep["status"], dep["certainty"]) == ("occurred", "reported")
    assert figures(dep) == {("troops", "range", 3000, None, 4000)}
    assert dep["location"]["name"] == "Kursk Oblast"
    assert when(dep) == ("2025-02-01", "2025-03-14")
    assert sources(dep) == {
        ("Main Directorate of Intelligence of Ukraine", ("Ukrinform", "Vistula Herald"))
    }
    assert ("North Korea", "agent") in actors(dep)
    cas = event(r, "casualties", "Up to 4,000")
    assert figures(cas) == {("casualties", "at_most", None, 4000, 4000)}
    assert when(cas) == ("2024-12-01", "2025-03-14")
    assert event(r, "concealment", "Russian uniforms")["status"] == "occurred"
    assert "Kim Dzong Un" in entity(r, "Kim Jong Un")["aliases"]


def test_reports_wire_belarus_sanctions(reports) -> None:
    r = reports["02-wire-belarus-sanctions.txt"]
    sanction = event(r, "sanction", "imposed sanctions")
    assert (sanction["status"], sanction["certainty"]) == ("occurred", "reported")
    assert when(sanction) == ("2025-04-07", "2025-04-07")
    assert sources(sanction) == {("Kaja Kallas", ("Meridian Wire",))}
    assert {("European Union", "agent"), ("Government of Belarus", "target")} <= actors(sanction)
    threat = event(r, "threat", "threatened to close the border")
    assert sources(threat) == {("BelTA", ("Meridian Wire",))}
    assert ("Alexander Lukashenko", "agent") in actors(threat)
    dep = event(r, "deployment", "deploy around 300")
    assert (dep["status"], dep["certainty"]) == ("planned", "reported")
    assert figures(dep) == {("troops", "approx", None, 300, None)}
    assert dep["location"]["name"] == "Druskininkai"
    assert when(dep) == ("2025-04-14", "2025-04-20")
    assert entity(r, "Kuźnica")["country"] == "PL"


def test_reports_liveblog_kharkiv(reports) -> None:
    r = reports["03-liveblog-kharkiv.txt"]
    assert r["document"]["publisher"] == "Dnipro Evening Post"
    cas = event(r, "casualties", "At least seven people were killed")
    assert {("killed", "at_least", 7, 7, None), ("injured", "range", 24, None, 99)} <= figures(cas)
    assert cas["location"]["name"] == "Kharkiv"
    strike = event(r, "attack", "Russian drones struck")
    assert ("Russia", "agent") in actors(strike)
    front = event(r, "attack", "Fighting continues near Kupiansk")
    assert front["location"]["name"] == "Kupyansk"
    assert sources(front) == {
        ("General Staff of the Armed Forces of Ukraine", ("Dnipro Evening Post",))
    }
    assert ("Armed Forces of the Russian Federation", "agent") in actors(front)


def test_reports_analysis_pyongyang(reports) -> None:
    r = reports["04-analysis-pyongyang.txt"]
    test = event(r, "weapons_test", "could test-fire")
    assert test["status"] == "possible"
    assert ("Institute for the Study of War", ()) in sources(test)
    delivered = event(r, "military_aid", "already delivered")
    assert (delivered["status"], delivered["certainty"]) == ("occurred", "reported")
    assert when(delivered) == ("2025-04-01", "2025-04-30")
    assert ("Russia", "agent") in actors(delivered)
    more = event(r, "deployment", "may also send more troops")
    assert (more["status"], more["certainty"]) == ("possible", "possible")
    assert when(more) == ("2025-06-03", "2025-12-31")
    assert {("North Korea", "agent"), ("Russia", "beneficiary")} <= actors(more)
    threat = event(r, "threat", "Kim Yo Jong")
    assert (threat["status"], threat["certainty"]) == ("occurred", "asserted")
    assert when(threat) == ("2025-05-26", "2025-06-01")
    assert ("Kim Yo Jong", "agent") in actors(threat)


def test_reports_denial_kherson(reports) -> None:
    r = reports["05-denial-kherson.txt"]
    denied = event(r, "attack", "denied that Russian forces had shelled")
    assert (denied["status"], denied["certainty"]) == ("denied", "denied")
    assert sources(denied) == {("Russian Ministry of Defence", ("Black Sea Courier",))}
    assert denied["location"]["name"] == "Kherson"
    assert ("Armed Forces of the Russian Federation", "agent") in actors(denied)
    arrest = event(r, "arrest", "detained three Ukrainian saboteurs")
    assert (arrest["status"], arrest["certainty"]) == ("occurred", "reported")
    assert arrest["location"]["name"] == "Oleshky"
    assert when(arrest) == ("2025-07-09", "2025-07-09")
    recapture = event(r, "attack", "recaptured the city in November 2022")
    assert (recapture["status"], recapture["certainty"]) == ("occurred", "asserted")
    assert when(recapture) == ("2022-11-01", "2022-11-30")


def test_reports_wire_tbilisi_protests(reports) -> None:
    r = reports["06-wire-tbilisi-protests.txt"]
    protest = event(r, "protest", "Around 20,000 people protested")
    assert protest["location"]["name"] == "Tbilisi"
    assert when(protest) == ("2025-11-30", "2025-11-30")
    batumi = event(r, "protest", "A smaller rally was held in Batumi")
    assert (batumi["status"], batumi["certainty"]) == ("occurred", "reported")
    assert batumi["location"]["name"] == "Batumi"
    assert when(batumi) == ("2025-11-30", "2025-11-30")
    arrest = event(r, "arrest", "detained at least 45 people")
    assert (arrest["status"], arrest["certainty"]) == ("occurred", "reported")
    injured = event(r, "casualties", "12 officers had been injured")
    assert figures(injured) == {("injured", "exact", 12, 12, 12)}


def test_reports_wire_el_fasher_truce(reports) -> None:
    r = reports["07-wire-el-fasher-truce.txt"]
    truce = event(r, "agreement", "agreed on Sunday to a 72-hour ceasefire")
    assert (truce["status"], truce["certainty"]) == ("occurred", "reported")
    assert truce["location"]["name"] == "El Fasher"
    assert when(truce) == ("2025-08-17", "2025-08-17")
    assert sources(truce) == {("United States Department of State", ("Meridian Wire",))}
    assert ("Rapid Support Forces", "agent") in actors(truce)
    dep = event(r, "deployment", "deploy up to 800 peacekeeping troops")
    assert (dep["status"], dep["certainty"]) == ("planned", "reported")
    assert figures(dep) == {("troops", "at_most", None, 800, 800)}
    assert when(dep) == ("2025-08-25", "2025-08-31")
    killed = event(r, "casualties", "killed more than 60 civilians")
    assert figures(killed) == {("killed", "more_than", 60, 60, None)}
    assert when(killed) == ("2025-08-11", "2025-08-17")
    assert sources(killed) == {("Médecins Sans Frontières", ("OCHA", "Meridian Wire"))}


def test_reports_wire_missile_launch(reports) -> None:
    r = reports["08-wire-missile-launch.txt"]
    launch = event(r, "weapons_test", "fired two short-range ballistic missiles")
    assert (launch["status"], launch["certainty"]) == ("occurred", "reported")
    assert figures(launch) == {("weapons", "exact", 2, 2, 2)}
    assert when(launch) == ("2025-09-09", "2025-09-09")
    assert ("Joint Chiefs of Staff of South Korea", ("Yonhap", "Meridian Wire")) in sources(launch)
    assert ("North Korea", "agent") in actors(launch)
    assert event(r, "weapons_test", "would conduct more tests")["status"] == "planned"


def test_reports_scraped_patriot_pledge(reports) -> None:
    r = reports["09-scraped-patriot-pledge.txt"]
    pledge = event(r, "military_aid", "will deliver four additional Patriot")
    assert (pledge["status"], pledge["certainty"]) == ("planned", "reported")
    assert figures(pledge) == {("weapons", "exact", 4, 4, 4)}
    assert ("Boris Pistorius", ("Eastern Ledger",)) in sources(pledge)
    assert {("Germany", "agent"), ("Ukraine", "beneficiary")} <= actors(pledge)
    delivered = event(r, "military_aid", "Norway and Denmark delivered")
    assert delivered["status"] == "occurred"
    assert when(delivered) == ("2025-09-01", "2025-09-30")
    assert sources(delivered) == {
        ("Ministry of Defence of Ukraine", ("Kyiv Independent", "Eastern Ledger"))
    }
    assert {("Norway", "agent"), ("Denmark", "agent"), ("Ukraine", "beneficiary")} <= actors(
        delivered
    )
    threat = event(r, "threat", "Zakharova threatened")
    assert (threat["status"], threat["certainty"]) == ("occurred", "asserted")
    assert ("Maria Zakharova", "agent") in actors(threat)
    assert "Volodymyr Zelenski" in entity(r, "Volodymyr Zelensky")["aliases"]


def test_reports_wire_gdansk_arrests(reports) -> None:
    r = reports["10-wire-gdansk-arrests.txt"]
    arrest = event(r, "arrest", "were arrested in Gdansk last Thursday")
    assert (arrest["status"], arrest["certainty"]) == ("occurred", "reported")
    assert arrest["location"]["name"] == "Gdańsk"
    assert when(arrest) == ("2025-10-30", "2025-10-30")
    assert ("Internal Security Agency (Poland)", ("Meridian Wire",)) in sources(arrest)
    assert entity(r, "GRU (Russian military intelligence)")["country"] == "RU"


def test_reports_scraped_red_sea_page(reports) -> None:
    r = reports["11-scraped-red-sea-attack.txt"]
    assert (r["document"]["title"], r["document"]["section"]) == (
        "Houthis claim drone attack on cargo ship in Red Sea",
        "Middle East",
    )
    ship = event(r, "attack", "attacked a Liberian-flagged cargo ship")
    assert (ship["status"], ship["certainty"]) == ("occurred", "reported")
    assert when(ship) == ("2026-01-26", "2026-01-26")
    injured = event(r, "casualties", "Two crew members were injured")
    assert figures(injured) == {("injured", "exact", 2, 2, 2)}
    assert {s["via"][0] for s in injured["sources"]} == {"Associated Press"}
    drones = event(r, "attack", "shot down three drones")
    assert figures(drones) == {("weapons", "exact", 3, 3, 3)}
    assert ("United States Central Command", "agent") in actors(drones)
    sanction = event(r, "sanction", "imposed sanctions last week")
    assert when(sanction) == ("2026-01-19", "2026-01-25")
    assert sources(sanction) == {
        ("United States Department of the Treasury", ("Gulf Maritime Review",))
    }
    assert event(r, "threat", "He threatened further attacks")["certainty"] == "asserted"
