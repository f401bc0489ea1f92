"""Queries: filters, order independence of the stored ledger, provenance, sources, search."""

from __future__ import annotations

import pytest

from sitrep.ledger import EventFilter, document_list, event, events, search, sources

from .articles import (
    KHERSON,
    PYONGYANG,
    STORY,
    SUDZHA,
    article,
    figure,
    source,
)
from .articles import (
    event as article_event,
)

LAUNCH = (
    "North Korea fired a ballistic missile into the sea off its east coast on Tuesday, the "
    "South Korean military said, the latest in a series of launches this year that have raised "
    "tension on the peninsula. Japan said the missile fell outside its exclusive economic zone."
)
KHERSON_STRIKE = (
    "Russian shelling hit a market in the southern city of Kherson on Saturday, regional officials "
    "said, killing several people and wounding others. Ukraine's air force said drones were also "
    "shot down over the region during the night, and repair crews were working on power lines."
)


def corpus():
    """Five articles: one casualty story told three times (one a wire copy), a launch, a strike.

    The Reuters story is the origin of the other two casualty reports (near-copies).
    """
    ua = source("Ukrainian military", "military", "UA")
    ru = source("Russian defence ministry", "government", "RU")
    return [
        article(
            STORY,
            publisher="Reuters",
            published="2024-12-15",
            events=(article_event(location=SUDZHA, sources=(ua,), figures=(figure(300),)),),
        ),
        article(
            "KYIV (Reuters) - " + STORY,
            publisher="Example Post",
            published="2024-12-16",
            events=(article_event(sources=(ua,), figures=(figure(300),)),),
        ),
        article(
            STORY + " Moscow disputed the account.",
            publisher="Moscow Daily",
            published="2024-12-16",
            salt="ru",
            events=(article_event(sources=(ru,), figures=(figure(500),)),),
        ),
        article(
            LAUNCH,
            publisher="Seoul Herald",
            published="2024-11-05",
            events=(
                article_event(
                    type="weapons_test",
                    summary="North Korea fires a ballistic missile",
                    location=PYONGYANG,
                    day="2024-11-05",
                    sources=(source("South Korean military", "military", "KR"),),
                ),
            ),
        ),
        article(
            KHERSON_STRIKE,
            publisher="Kyiv Paper",
            published="2024-12-01",
            reserved=True,
            events=(
                article_event(
                    type="attack",
                    summary="Shelling hits Kherson market",
                    location=KHERSON,
                    agents=(("Russia", "RU"),),
                    day="2024-11-30",
                ),
            ),
        ),
    ]


def fingerprint(ledger):
    return events(ledger, EventFilter(limit=1000))


def test_ledger_is_the_same_whatever_the_ingest_order(open_test_ledger):
    docs = corpus()
    at_once = open_test_ledger()
    at_once.add(docs)
    halves = open_test_ledger()
    halves.add(docs[3:])
    halves.add(docs[:3])
    reversed_halves = open_test_ledger()
    reversed_halves.add(docs[:3])
    reversed_halves.add(docs[3:])
    one_by_one = open_test_ledger()
    for d in reversed(docs):
        one_by_one.add([d])
    one_by_one.add(docs)  # and a second time: nothing changes
    expected = fingerprint(at_once)
    assert len(expected["events"]) == 3
    assert fingerprint(halves) == expected
    assert fingerprint(reversed_halves) == expected
    assert fingerprint(one_by_one) == expected


@pytest.fixture
def filled(open_test_ledger):
    ledger = open_test_ledger()
    ledger.add(corpus())
    return ledger


def ids_of(result):
    return [e["type"] for e in result["events"]]


def test_events_are_newest_first_in_the_contract_shape(filled):
    result = events(filled)
    assert result["schema"] == "sitrep.events/1"
    assert ids_of(result) == ["casualties", "attack", "weapons_test"]
    for e in result["events"]:
        assert {
            "mentions",
            "independent_sources",
            "figure_history",
            "contradictions",
            "actors",
            "location",
            "time",
        } <= set(e)


def test_events_filter_by_type_country_place_and_actor(filled):
    assert ids_of(events(filled, EventFilter(type="attack"))) == ["attack"]
    assert ids_of(events(filled, EventFilter(country="kp"))) == ["weapons_test"]
    assert ids_of(events(filled, EventFilter(place="Kherson"))) == ["attack"]
    assert ids_of(events(filled, EventFilter(place="Kursk Oblast"))) == ["casualties"]
    assert ids_of(events(filled, EventFilter(actor="Russia"))) == ["attack"]
    assert ids_of(events(filled, EventFilter(actor="KP"))) == ["casualties", "weapons_test"]


def test_events_filter_by_dates(filled):
    assert ids_of(events(filled, EventFilter(since="2024-12-01"))) == ["casualties"]
    assert ids_of(events(filled, EventFilter(until="2024-11-30"))) == ["attack", "weapons_test"]
    assert ids_of(events(filled, EventFilter(since="2024-11-01", until="2024-11-10"))) == [
        "weapons_test"
    ]


def test_events_filter_by_sources_and_contradictions(filled):
    [casualties] = events(filled, EventFilter(min_sources=2))["events"]
    # the Ukrainian military once, though Reuters and its copy both carry it; Moscow once
    assert casualties["independent_sources"] == 2
    assert len(casualties["mentions"]) == 3
    assert casualties["contradictions"][0]["values"] == [300, 500]
    assert ids_of(events(filled, EventFilter(has_contradictions=True))) == ["casualties"]
    assert ids_of(events(filled, EventFilter(has_contradictions=False))) == [
        "attack",
        "weapons_test",
    ]


def test_events_text_search_limit_and_offset(filled):
    assert ids_of(events(filled, EventFilter(text="ballistic missile"))) == ["weapons_test"]
    assert ids_of(events(filled, EventFilter(text="market"))) == ["attack"]
    assert events(filled, EventFilter(text="submarine"))["events"] == []
    assert ids_of(events(filled, EventFilter(limit=1, offset=1))) == ["attack"]


def test_event_provenance_runs_from_claimant_to_outlet_to_article(filled):
    [casualties] = events(filled, EventFilter(type="casualties"))["events"]
    shown = event(filled, casualties["id"])
    assert shown["event"] == casualties
    claimants = {p["claimant"]: p for p in shown["provenance"]}
    assert set(claimants) == {"Ukrainian military", "Russian defence ministry"}
    outlets = {o["publisher"]: o for o in claimants["Ukrainian military"]["outlets"]}
    assert set(outlets) == {"Reuters", "Example Post"}
    [original] = outlets["Reuters"]["articles"]
    [art] = outlets["Example Post"]["articles"]
    assert original["syndicated_from"] is None
    assert art["syndicated_from"] == original["document_id"]
    assert art["wire"] == "Reuters"
    assert art["evidence"][0]["text"] == "Soldiers were killed in the fighting."
    assert event(filled, "ev-missing") is None


def test_sources_count_citations_and_corroboration(filled):
    rows = {s["name"]: s for s in sources(filled)["sources"]}
    assert rows["Ukrainian military"]["events"] == 1
    assert rows["Ukrainian military"]["corroborated"] == 1
    assert rows["South Korean military"]["corroborated"] == 0
    assert rows["South Korean military"]["corroboration_rate"] == 0.0


def test_search_finds_documents_and_events(filled):
    found = search(filled, "Plekhovo")
    assert len(found["documents"]) == 3
    assert [e["type"] for e in found["events"]] == []
    assert [e["type"] for e in search(filled, "fired missile")["events"]] == ["weapons_test"]


def test_document_list_shows_rights_and_origin(filled):
    docs = {d["publisher"]: d for d in document_list(filled)["documents"]}
    assert docs["Kyiv Paper"]["rights"] == {"tdm_reserved": True, "text_stored": False}
    assert docs["Example Post"]["origin_id"] == docs["Reuters"]["id"]
    assert docs["Example Post"]["wire"] == "Reuters"


def test_event_accepts_a_unique_id_prefix_and_sources_carry_countries(filled):
    [launch] = events(filled, EventFilter(type="weapons_test"))["events"]
    assert event(filled, launch["id"][:10])["event"]["id"] == launch["id"]
    assert event(filled, "ev-") is None  # too short to be taken as a prefix
    rows = {s["name"]: s for s in sources(filled)["sources"]}
    assert rows["South Korean military"]["country"] == "KR"
