"""The actor knowledge base: lookup forms, countries, generated bodies."""

from __future__ import annotations

import json
from importlib import resources

import pytest

from sitrep.kb import KINDS, fold, knowledge_base


@pytest.fixture(scope="module")
def kb():
    return knowledge_base()


@pytest.mark.parametrize(
    "surface",
    ["Kim Jong Un", "Kim Dzong Un", "Kim Dżong Un", "Kim Chen In", "Kim Jong-un", "kim jong un's"],
)
def test_lookup_kim_transliterations_resolve_to_one_person(kb, surface):
    entry = kb.lookup(surface)
    assert (
        entry is not None
        and entry.name == "Kim Jong Un"
        and entry.kind == "person"
        and entry.country == "KP"
    )


@pytest.mark.parametrize(
    "surface", ["Zelenski", "Selenskyj", "Zełenski", "Zelenskyy", "Volodymyr Zelensky"]
)
def test_lookup_zelensky_spellings(kb, surface):
    assert kb.lookup(surface).id == "p.zelensky"


def test_lookup_plural_and_possessive_forms(kb):
    assert kb.lookup("North Koreans").country == "KP"
    assert kb.resolve("North Koreans").via == "demonym"
    assert kb.lookup("the Kremlin's").country == "RU"
    assert kb.lookup("Ukrainians").name == "Ukraine"


def test_lookup_unknown_name_is_none(kb):
    assert kb.lookup("Zorblax Quintavian") is None
    assert kb.lookup("") is None


@pytest.mark.parametrize(
    ("abbr", "country"),
    [
        ("JCS", "KR"),
        ("NIS", "KR"),
        ("HUR", "UA"),
        ("GUR", "UA"),
        ("SBU", "UA"),
        ("FSB", "RU"),
        ("GRU", "RU"),
        ("CIA", "US"),
        ("DIA", "US"),
        ("IDF", "IL"),
        ("IRGC", "IR"),
        ("PAP", "PL"),
        ("KCNA", "KP"),
    ],
)
def test_lookup_abbreviations_of_bodies(kb, abbr, country):
    entry = kb.lookup(abbr)
    assert entry is not None and entry.country == country


def test_lookup_capitals_are_metonyms_of_states(kb):
    for capital, code in [
        ("Seoul", "KR"),
        ("Pyongyang", "KP"),
        ("Moscow", "RU"),
        ("Kyiv", "UA"),
        ("Kiev", "UA"),
        ("Washington", "US"),
        ("Beijing", "CN"),
        ("Tehran", "IR"),
    ]:
        hit = kb.resolve(capital)
        assert hit is not None and hit.via == "capital" and hit.entry.country == code, capital


def test_lookup_seats_of_power_are_government_bodies(kb):
    assert kb.lookup("the White House").country == "US"
    assert kb.lookup("the Pentagon").country == "US"
    assert kb.lookup("Kremlin").kind == "government"


def test_lookup_armed_groups_and_media(kb):
    assert kb.lookup("Ansar Allah").id == kb.lookup("Houthis").id
    assert kb.lookup("Hezbollah").kind == "armed_group"
    assert kb.lookup("Polish Press Agency").id == kb.lookup("PAP").id
    assert kb.lookup("Yonhap").kind == "media"


def test_generated_bodies_cover_every_country(kb):
    assert kb.lookup("Ukraine's defence ministry").id == "ua.defence_ministry"
    assert kb.lookup("Chilean Foreign Ministry").country == "CL"
    assert kb.lookup("Kenyan army").kind == "military"


def test_intelligence_bodies_carry_subkind(kb):
    assert kb.lookup("Budanov").subkind == "intelligence"
    assert kb.lookup("SBU").role == "intelligence"


def test_country_by_code_and_country_in_names(kb):
    assert kb.country("kp").name == "North Korea"
    assert kb.country_in("Ivory Coast rebels") == "CI"
    assert kb.country_in("the Zorblax Council") is None


def test_fuzzy_country_takes_close_misspellings_only(kb):
    assert kb.fuzzy_country("Afganistan").country == "AF"
    assert kb.fuzzy_country("Samarra") is None


def test_place_gazetteer_knows_cities_and_regions(kb):
    assert kb.place("Kursk").country == "RU"
    assert kb.place("Gaza Strip").country == "PS"


def test_fold_ignores_case_diacritics_hyphens_dots():
    assert fold("Kim Dżong-Un's") == fold("kim dzong un")
    assert fold("U.S.") == fold("US") == "us"
    assert fold("The Kremlin") == "kremlin"


def test_every_resource_table_is_versioned_with_contract_kinds():
    for name in ("countries.json", "organizations.json", "people.json", "media.json"):
        table = json.loads(resources.files("sitrep.resources").joinpath(name).read_text("utf-8"))
        assert table["version"].startswith(name.split(".")[0])
    assert all(e.kind in KINDS for e in knowledge_base().entries())


def test_every_affiliation_names_a_known_body(kb):
    people = [e for e in kb.entries() if e.kind == "person"]
    assert len(people) > 50
    assert all(kb.by_id(e.affiliation) is not None for e in people if e.affiliation)


def test_named_bodies_cover_forty_countries(kb):
    named = {
        e.country
        for e in kb.entries()
        if e.kind in ("military", "government") and e.aliases and e.country
    }
    assert len(named) >= 40
