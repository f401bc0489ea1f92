"""Syndication: wire credits, and which documents share an origin."""

from __future__ import annotations

import random

from sitrep.ledger.syndication import (
    SyndicationEntry,
    canonical_outlet,
    origins,
    signature,
    wire_credit,
)
from sitrep.records import Removed

from .articles import STORY, article

OTHER_STORY = (
    "The defence ministry in Seoul said a ballistic missile was fired from an area near the "
    "capital towards the sea off the east coast early on Tuesday, flying about 400 kilometres "
    "before it came down outside the exclusive economic zone, and that the launch was being analysed."
)

REWRITE = (
    "Ukrainian officials said on Sunday that dozens of North Korean troops had been killed "
    "during fighting close to the village of Plekhovo in the Kursk region, the first such "
    "report since the soldiers were deployed to help Russian forces push back the incursion. "
    "Officials gave no exact figure for the wounded and said fighting went on overnight."
)


def entry(
    doc_id: str, text: str, published: str | None = "2024-12-16", wire: str | None = None
) -> SyndicationEntry:
    return SyndicationEntry(doc_id, published, wire, signature(text))


def test_wire_credit_reads_a_parenthesised_agency():
    assert (
        wire_credit(article("SEOUL (Reuters) - " + OTHER_STORY, publisher="Example Post"))
        == "Reuters"
    )
    assert (
        wire_credit(article("KYIV (AP) — " + STORY, publisher="Example Post")) == "Associated Press"
    )


def test_wire_credit_reads_dash_credits_source_lines_and_bylines():
    assert wire_credit(article(STORY + "\n— AP", publisher="Example Post")) == "Associated Press"
    assert wire_credit(article(STORY + "\nPAP", publisher="Example Post")) == "Polish Press Agency"
    assert (
        wire_credit(article(OTHER_STORY + "\nSource: Yonhap", publisher="Example Post")) == "Yonhap"
    )
    assert wire_credit(
        article(STORY, publisher="Example Post", byline="By Jane Doe, Agence France-Presse")
    ) == ("Agence France-Presse")


def test_wire_credit_reads_a_removed_credit_line():
    doc = article(STORY, publisher="Example Post")
    from dataclasses import replace

    doc = replace(doc, removed=(Removed("credit", "Reporting by Reuters staff"),))
    assert wire_credit(doc) == "Reuters"


def test_wire_credit_ignores_lowercase_words_and_names_in_the_story():
    text = "The map showed a gap in the lines. Soldiers said the app was down. " + OTHER_STORY
    assert wire_credit(article(text, publisher="Example Post")) is None


def test_canonical_outlet_maps_abbreviations():
    assert canonical_outlet("AP") == "Associated Press"
    assert canonical_outlet("afp") == "Agence France-Presse"
    assert canonical_outlet("Daily Example") is None


def test_origins_group_copies_and_light_rewrites():
    found = origins(
        [
            entry("a", STORY, "2024-12-16"),
            entry("b", "(Reuters) - " + STORY + " Editing by someone.", "2024-12-16"),
            entry("c", REWRITE, "2024-12-17"),
            entry("d", OTHER_STORY, "2024-12-16"),
        ]
    )
    assert found["a"] == found["b"] == found["c"] == "a"
    assert found["d"] == "d"


def test_origins_pick_the_earliest_published_member():
    found = origins(
        [entry("a", STORY, "2024-12-18"), entry("z", STORY, "2024-12-16"), entry("m", STORY, None)]
    )
    assert set(found.values()) == {"z"}


def test_origins_are_the_same_whatever_the_order():
    entries = [
        entry("a", STORY, "2024-12-17"),
        entry("b", REWRITE, "2024-12-16"),
        entry("c", OTHER_STORY),
        entry("d", OTHER_STORY + " Source: Yonhap", "2024-12-15"),
        entry("e", "Too short to compare."),
    ]
    expected = origins(entries)
    rng = random.Random(3)
    for _ in range(5):
        shuffled = entries[:]
        rng.shuffle(shuffled)
        assert origins(shuffled) == expected
    assert expected["a"] == "b" and expected["c"] == "d" and expected["e"] == "e"


def test_signature_is_none_for_texts_too_short_to_compare():
    assert signature("Short text.") is None
    assert signature(STORY) == signature(STORY)
