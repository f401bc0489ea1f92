from __future__ import annotations

from sitrep.records import (
    Claim,
    Document,
    EntityMention,
    Event,
    EventActor,
    EventLocation,
    EventSource,
    EventTime,
    Evidence,
    FigureMention,
    PlaceMention,
    Rights,
)
from sitrep.report import report_dict
from sitrep.schema import load_schema, validate

TEXT = "Seoul reported at least 300 North Korean soldiers killed in the Kursk region."


def _document() -> Document:
    _F = "at least 300 North Korean soldiers"
    fig = FigureMention(TEXT.index(_F), TEXT.index(_F) + len(_F), _F, 300, 300, None, "at_least", "killed", "North Korean soldiers")
    event = Event(
        id="e1",
        type="casualties",
        summary="At least 300 North Korean soldiers killed in Kursk Oblast",
        status="occurred",
        actors=(EventActor("North Korea", "KP", "state", "victim"),),
        location=EventLocation("Kursk Oblast", "RU", "Kursk", 51.7, 36.2, "admin1"),
        time=EventTime("mid-January", "2025-01-11", "2025-01-20", "range"),
        figures=(fig,),
        sources=(EventSource("South Korea", "government", "KR", "reported", ("Polish Press Agency",)),),
        certainty="reported",
        evidence=(Evidence(0, len(TEXT), TEXT),),
    )
    return Document(
        id="abc",
        source="a.txt",
        text=TEXT,
        title="North Korean losses",
        language="en",
        published="2025-01-20",
        rights=Rights(True, "No text and data mining."),
        entities=(EntityMention(0, 5, "Seoul", "GPE", "South Korea", "state", "KR"),),
        places=(PlaceMention(TEXT.index("Kursk"), TEXT.index("Kursk") + 5, "Kursk", "Kursk Oblast", "RU", "Kursk", 51.7, 36.2, "admin1", 511180),),
        figures=(fig,),
        events=(event,),
        claims=(Claim("c1", TEXT, "South Korea", "reported", events=("e1",), evidence=(Evidence(0, 10, TEXT[:10]),)),),
    )


def test_report_dict_conforms_to_contract_schema():
    assert validate("report", report_dict(_document(), layers=True)) == []


def test_report_layer_spans_point_at_their_text():
    rep = report_dict(_document(), layers=True)
    text = rep["document"]["text"]
    for layer in ("entities", "places", "figures"):
        for span in rep["layers"][layer]:
            assert text[span["start"] : span["end"]] == span["text"]


def test_report_entities_merge_actor_and_place_views():
    rep = report_dict(_document())
    names = {e["name"]: e for e in rep["entities"]}
    assert names["South Korea"]["aliases"] == ["Seoul"]
    assert names["Kursk Oblast"]["kind"] == "place"
    assert names["Kursk Oblast"]["lat"] == 51.7


def test_schema_rejects_unknown_event_type():
    rep = report_dict(_document())
    rep["events"][0]["type"] = "picnic"
    assert any("picnic" in e for e in validate("report", rep))


def test_events_schema_requires_ledger_fields():
    rep = report_dict(_document())
    errors = validate("events", {"schema": "sitrep.events/1", "events": rep["events"]})
    assert any("independent_sources" in e for e in errors)
    assert load_schema("events")["title"] == "sitrep.events/1"
