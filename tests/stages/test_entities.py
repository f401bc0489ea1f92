"""The entities stage over hand-written sentences."""

from __future__ import annotations

import pytest

from sitrep.errors import PipelineError
from sitrep.pipeline import Pipeline
from sitrep.records import Document
from sitrep.stages import entities, parse


def _mentions(text: str):
    doc = Document(id="t", source="t", text=text, language="en", published="2025-01-01")
    out = entities.STAGE(parse.STAGE(doc))
    for m in out.entities:
        assert out.text[m.start : m.end] == m.text
    return out.entities


def _by_text(text: str):
    return {m.text: m for m in _mentions(text)}


def test_entities_transliterated_leaders_resolve():
    found = _by_text("Kim Dzong Un met Władimir Putin, while Zełenski stayed in Kyiv.")
    assert found["Kim Dzong Un"].name == "Kim Jong Un" and found["Kim Dzong Un"].country == "KP"
    assert found["Władimir Putin"].name == "Vladimir Putin"
    assert found["Zełenski"].name == "Volodymyr Zelensky" and found["Zełenski"].kind == "person"


def test_entities_demonym_becomes_the_state():
    m = _by_text("North Korean soldiers were seen near the front line.")["North Korean"]
    assert (m.name, m.kind, m.country, m.label) == ("North Korea", "state", "KP", "NORP")


def test_entities_capital_as_subject_is_the_state():
    m = _by_text("Seoul reported that the convoy had crossed the river.")["Seoul"]
    assert (m.name, m.kind, m.country) == ("South Korea", "state", "KR")


def test_entities_capital_as_location_is_a_place():
    m = _by_text("Thousands rallied in Seoul on Saturday.")["Seoul"]
    assert m.kind == "place" and m.country == "KR"


def test_entities_abbreviations_resolve_to_bodies():
    found = _by_text(
        "The NIS told lawmakers that the JCS had detected the launch, and the SBU agreed."
    )
    assert found["NIS"].country == "KR" and found["JCS"].kind == "military"
    assert found["SBU"].name == "Security Service of Ukraine"


def test_entities_kursk_is_a_place_in_russia():
    m = _by_text("Troops were moved to Kursk in 2025 after the incursion.")["Kursk"]
    assert m.kind == "place" and m.country == "RU"


def test_entities_unknown_names_are_kept():
    found = _by_text("Colonel Ardent Vellmore of the Northland Liberation Front spoke on Monday.")
    assert (
        found["Ardent Vellmore"].name == "Ardent Vellmore"
        and found["Ardent Vellmore"].country is None
    )
    assert found["Northland Liberation Front"].kind == "armed_group"


def test_entities_unknown_org_with_demonym_gets_country():
    m = _by_text("The Ukrainian Coastal Rescue Command said two boats sank.")
    org = next(v for k, v in m.items() if "Coastal" in k)
    assert org.country == "UA"


def test_entities_short_name_resolves_to_earlier_full_name():
    found = _mentions(
        "General Kyrylo Budanov said the attack failed. Budanov added that more would follow."
    )
    people = [m for m in found if m.kind == "person"]
    assert people[0].text == "Kyrylo Budanov"  # the title is not part of the name
    assert {m.name for m in people} == {"Kyrylo Budanov"} and len(people) == 2


def test_entities_unknown_short_name_takes_earlier_full_one():
    found = _mentions("Ambassador Lionel Hartwell spoke on Monday. Hartwell later left the hall.")
    people = [m for m in found if m.kind == "person"]
    assert [(m.text, m.name) for m in people] == [
        ("Lionel Hartwell",) * 2,
        ("Hartwell", "Lionel Hartwell"),
    ]


def test_entities_acronym_after_full_name():
    found = _mentions("The Alpha Beta Council (ABC) met on Monday and ABC issued a statement.")
    assert {m.name for m in found if m.text == "ABC"} == {"Alpha Beta Council"}


def test_entities_title_gives_unknown_person_a_country():
    m = _by_text("Kenyan Vice-President Ardent Vellmore visited the camp.")
    person = next(v for v in m.values() if v.kind == "person")
    assert person.country == "KE"


def test_entities_stage_is_versioned():
    doc = Document(id="t", source="t", text="Kyiv said so.", language="en", published=None)
    assert entities.STAGE(parse.STAGE(doc)).stages[-1] == "sitrep.entities.v1"


def test_entities_unnamed_body_belongs_to_the_story_country():
    found = _by_text(
        "South Korea said on Monday that North Korea fired a missile. "
        "South Korea's Joint Chiefs of Staff tracked it, and later the Joint Chiefs of Staff said it fell into the sea."
    )
    assert found["Joint Chiefs of Staff"].country == "KR"


def test_entities_abbreviation_needs_capitals():
    found = _by_text("Let us say the UN did not reply.")
    assert "UN" in found and all(m.name != "United States" for m in found.values())


def test_entities_titles_alone_are_not_names():
    found = _mentions("Deputy Defence Minister Ardent Vellmore told reporters in Warsaw.")
    assert all(m.text != "Defence" for m in found)


def test_entities_capital_addressed_by_a_verb_is_the_state():
    m = _by_text("The foreign minister warned Washington against new sanctions.")["Washington"]
    assert m.kind == "state" and m.country == "US"


def test_entities_spokesman_of_a_body_gets_its_country():
    found = _by_text("Pentagon spokesman Ardent Vellmore declined to comment.")
    person = next(v for v in found.values() if v.kind == "person")
    assert person.country == "US"


def test_entities_seas_have_no_country():
    found = _by_text("A drone boat was seen in the Red Sea on Friday.")
    assert found["Red Sea"].kind == "place" and found["Red Sea"].country is None


def test_entities_korean_family_name_refers_to_the_leader():
    found = _mentions(
        "Kim Jong Un visited a munitions factory on Friday. Kim said output must double."
    )
    kims = [m for m in found if m.text.startswith("Kim")]
    assert [m.name for m in kims] == ["Kim Jong Un", "Kim Jong Un"]


def test_entities_dateline_capital_is_a_place():
    found = _mentions("KYIV, Nov 3 (Wire) - Ukraine said the drones were shot down.")
    assert found[0].text == "KYIV" and found[0].kind == "place" and found[0].country == "UA"


def test_entities_stage_refuses_to_run_without_parse():
    with pytest.raises(PipelineError):
        Pipeline(stages=[entities.STAGE])
    assert Pipeline(stages=[parse.STAGE, entities.STAGE]).stage_names[-1] == entities.NAME


def test_entities_name_after_person_title_is_a_person():
    doc = parse.load_nlp()(
        "Vice-President Ardent Vellmore spoke, and the Alpha Beta Council listened."
    )
    name = next(doc[t.i : t.i + 2] for t in doc if t.text == "Ardent")
    council = next(doc[t.i : t.i + 3] for t in doc if t.text == "Alpha")
    assert entities._after_person_title(name)
    assert not entities._after_person_title(council)
