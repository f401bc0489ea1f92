"""The places stage on hand-written sentences, against a small gazetteer (UA, RU, US, FR, KR, KP)."""

from __future__ import annotations

from typing import Any

import pytest

from sitrep.gazetteer import Gazetteer, haversine_km
from sitrep.records import Document, EntityMention, PlaceMention
from sitrep.stages.places import STAGE, find_places
from tests.test_gazetteer import small_gazetteer_file


@pytest.fixture(scope="module")
def gaz(tmp_path_factory: pytest.TempPathFactory) -> Gazetteer:
    return Gazetteer(small_gazetteer_file(tmp_path_factory))


def places(nlp: Any, gaz: Gazetteer, text: str, **fields: Any) -> dict[str, PlaceMention]:
    doc = Document(id="t", source="t", text=text, language="en", published="2024-12-20", parse=nlp(text), **fields)
    found = find_places(doc, gaz)
    for p in found:
        assert p.text == text[p.start : p.end]
    return {p.text: p for p in found}


def test_places_kursk_region_is_the_russian_oblast(nlp: Any, gaz: Gazetteer) -> None:
    found = places(nlp, gaz, "Ukrainian troops pushed deeper into the Kursk region of western Russia on Tuesday.")
    kursk = found["Kursk region"]
    assert (kursk.name, kursk.country, kursk.precision) == ("Kursk Oblast", "RU", "admin1")
    assert kursk.resolved and kursk.admin1 == "Kursk Oblast"
    assert found["Russia"].precision == "country"


def test_places_kyiv_is_the_ukrainian_city(nlp: Any, gaz: Gazetteer) -> None:
    kyiv = places(nlp, gaz, "Air-raid sirens sounded across Kyiv before dawn.")["Kyiv"]
    assert (kyiv.country, kyiv.precision) == ("UA", "city")
    assert haversine_km(kyiv.lat or 0, kyiv.lon or 0, 50.45, 30.52) < 20


def test_places_paris_alone_is_france_but_paris_texas_is_not(nlp: Any, gaz: Gazetteer) -> None:
    alone = places(nlp, gaz, "The minister flew to Paris for the talks.")["Paris"]
    assert alone.country == "FR"
    found = places(nlp, gaz, "The rally was held in Paris, Texas, on Saturday. Paris has a small airport.")
    texas = [p for p in found.values() if p.text == "Paris"]
    assert texas and all(p.country == "US" and p.admin1 == "Texas" for p in texas)
    assert found["Texas"].precision == "admin1"


def test_places_ambiguous_name_is_left_unresolved(nlp: Any, gaz: Gazetteer) -> None:
    # three US cities called Springfield of much the same size, far apart, no other clue
    spring = places(nlp, gaz, "Officials in Springfield said the bridge would stay closed.")["Springfield"]
    assert not spring.resolved
    assert spring.lat is None and spring.lon is None and spring.geonames_id is None


def test_places_qualified_ambiguous_name_is_resolved(nlp: Any, gaz: Gazetteer) -> None:
    spring = places(nlp, gaz, "Officials in Springfield, Illinois, said the bridge would stay closed.")["Springfield"]
    assert spring.resolved and spring.admin1 == "Illinois"


def test_places_country_has_country_precision(nlp: Any, gaz: Gazetteer) -> None:
    found = places(nlp, gaz, "North Korea has sent troops to Russia, South Korea said.")
    assert {found[n].precision for n in ("North Korea", "Russia", "South Korea")} == {"country"}
    assert found["South Korea"].country == "KR"


def test_places_capital_as_actor_is_still_a_place(nlp: Any, gaz: Gazetteer) -> None:
    seoul = places(nlp, gaz, "Seoul reported that the launch failed.")["Seoul"]
    assert (seoul.country, seoul.precision) == ("KR", "city")


def test_places_city_the_model_mislabels_is_found_by_context(nlp: Any, gaz: Gazetteer) -> None:
    found = places(nlp, gaz, "Drones struck Kyiv and Kharkiv overnight.")
    assert found["Kharkiv"].country == "UA"


def test_places_uses_entities_layer_spans(nlp: Any, gaz: Gazetteer) -> None:
    text = "Vuhledar was quiet overnight."
    mention = EntityMention(0, 8, "Vuhledar", "GPE", "Vuhledar", "place", "UA")
    found = places(nlp, gaz, text, entities=(mention,))
    assert (found["Vuhledar"].country, found["Vuhledar"].precision) == ("UA", "city")


def test_places_actor_countries_from_entities_decide_between_readings(nlp: Any, gaz: Gazetteer) -> None:
    text = "Officials in Springfield met the delegation."
    actor = EntityMention(0, 9, "Officials", "ORG", "Government of United States", "government", "US")
    # every Springfield is in the US: an actor's country cannot decide, so it stays unresolved
    assert not places(nlp, gaz, text, entities=(actor,))["Springfield"].resolved


def test_places_common_words_are_not_places(nlp: Any, gaz: Gazetteer) -> None:
    assert places(nlp, gaz, "The committee will meet again next week to discuss the budget.") == {}


def test_places_stage_fills_layer_and_records_version(
    nlp: Any, tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SITREP_CACHE", str(small_gazetteer_file(tmp_path_factory).parent))
    text = "Fighting continued near Donetsk."
    out = STAGE(Document(id="t", source="t", text=text, language="en", parse=nlp(text)))
    assert [p.text for p in out.places] == ["Donetsk"]
    assert out.stages[-1] == "sitrep.places.v2"


def test_places_dateline_in_capitals_is_a_place(nlp: Any, gaz: Gazetteer) -> None:
    found = places(nlp, gaz, "COLUMBUS, Ohio (AP) — Firefighters put out a blaze at a warehouse on Monday.")
    assert (found["COLUMBUS"].country, found["COLUMBUS"].admin1) == ("US", "Ohio")


def test_places_ambiguous_towns_settle_in_the_region_they_share(nlp: Any, gaz: Gazetteer) -> None:
    # no name is clear alone (each is a town in several states); together they point to Illinois
    found = places(nlp, gaz, "Storms closed schools in Springfield, Peoria and Decatur on Monday.")
    for town in ("Springfield", "Decatur"):
        assert found[town].resolved and found[town].admin1 == "Illinois", town


def test_places_list_of_states_stays_states_despite_towns_named_after_them(nlp: Any, gaz: Gazetteer) -> None:
    found = places(nlp, gaz, "Cases were reported in Ohio, Indiana, Pennsylvania and California last week.")
    for state in ("Ohio", "Indiana", "Pennsylvania", "California"):
        assert (found[state].precision, found[state].name) == ("admin1", state), state


def test_places_region_that_opens_a_body_name_is_no_place_by_default(nlp: Any, gaz: Gazetteer) -> None:
    assert places(nlp, gaz, "Crews from the Ohio Department of Transportation closed the road.") == {}


def test_places_inner_places_when_asked(nlp: Any, gaz: Gazetteer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sitrep.stages.places.INNER_PLACES", True)
    found = places(nlp, gaz, "Crews from the Ohio Department of Transportation closed the road.")
    assert (found["Ohio"].precision, found["Ohio"].name) == ("admin1", "Ohio")
    assert "Dublin" in places(nlp, gaz, "Dublin City Council approved the plan.")


def test_places_month_disease_and_currency_are_not_places(nlp: Any, gaz: Gazetteer) -> None:
    text = "In August the West Nile virus spread in Texas, and the appeal raised US$42 million."
    assert list(places(nlp, gaz, text)) == ["Texas"]


def test_places_newspaper_title_is_not_a_place(nlp: Any, gaz: Gazetteer) -> None:
    assert places(nlp, gaz, "The New York Times reported the outbreak on Monday.") == {}


def test_places_name_found_once_is_a_place_where_it_recurs(nlp: Any, gaz: Gazetteer) -> None:
    text = "Floods closed roads near Fargo. Fargo raised its goal for sandbags."
    assert [p.text for p in find_places(_doc(nlp, text), gaz)] == ["Fargo", "Fargo"]


def test_places_person_sharing_a_place_name_is_not_a_place(nlp: Any, gaz: Gazetteer) -> None:
    text = "The bridge in Welch was closed, Mr. Welch said."
    assert [p.text for p in find_places(_doc(nlp, text), gaz)] == ["Welch"]
    assert find_places(_doc(nlp, text), gaz)[0].start == text.index("Welch")


def _doc(nlp: Any, text: str) -> Document:
    return Document(id="t", source="t", text=text, language="en", parse=nlp(text))


def test_places_region_known_only_by_its_stem_is_resolved(nlp: Any, gaz: Gazetteer) -> None:
    found = places(nlp, gaz, "Gunmen attacked a police post in Dagestan on Sunday.")
    assert (found["Dagestan"].country, found["Dagestan"].precision) == ("RU", "admin1")


def test_places_qualified_sense_holds_for_earlier_mentions_too(nlp: Any, gaz: Gazetteer) -> None:
    text = "Paris has a small airport. The rally was held in Paris, Texas, on Saturday."
    assert [(p.country, p.admin1) for p in find_places(_doc(nlp, text), gaz) if p.text == "Paris"] == [
        ("US", "Texas"),
        ("US", "Texas"),
    ]


def test_places_direction_of_a_town_is_place_context(nlp: Any, gaz: Gazetteer) -> None:
    found = places(nlp, gaz, "Volunteers filled sandbags in a township north of Moorhead.")
    assert found["Moorhead"].admin1 == "Minnesota"


def test_places_name_does_not_vote_for_its_own_reading(nlp: Any, gaz: Gazetteer) -> None:
    # "Paris" read as France's capital must not make France the scene and outvote Tennessee
    text = (
        "A Paris man was arrested at Paris City Hall on Sunday. "
        "The Paris Police Department said the State of Tennessee would bring charges."
    )
    paris = [p for p in find_places(_doc(nlp, text), gaz) if p.text == "Paris"]
    assert paris and all((p.country, p.admin1) == ("US", "Tennessee") for p in paris)


def test_places_token_spans_of_characters_match_spacy(nlp: Any) -> None:
    from sitrep.stages.places import _Tokens

    text = "Shelling hit  Kharkiv and the Kursk region overnight.\n\nKYIV said so."
    doc = nlp(text)
    table = _Tokens(doc, text)
    for start in range(len(text)):
        for end in range(start + 1, min(len(text), start + 25) + 1):
            span = doc.char_span(start, end, alignment_mode="expand")
            assert table.char_span(start, end) == (None if span is None else (span.start, span.end))
