"""The clean stage: scraped page text -> article body, captions, metadata, removed lines."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sitrep.records import Document, RawDocument, Rejection
from sitrep.settings import load_settings
from sitrep.stages.clean import NAME, STAGE, byline_of, classify_line, clean, date_of

ARTICLES = Path(__file__).resolve().parent.parent / "data" / "articles"
CASES = sorted(p.name.removesuffix(".txt") for p in ARTICLES.glob("*.txt"))


def raw(text: str, **meta: object) -> RawDocument:
    fmt = str(meta.pop("format", "text"))
    return RawDocument(id="t", source="t", text=text, format=fmt, **meta)  # type: ignore[arg-type]


def cleaned(text: str, **meta: object) -> Document:
    out = clean(raw(text, **meta))
    assert isinstance(out, Document), out
    return out


def test_clean_article_collection_is_large_enough() -> None:
    assert len(CASES) >= 15
    for name in CASES:
        assert (ARTICLES / f"{name}.expected.json").exists(), name


@pytest.mark.parametrize("name", CASES)
def test_clean_article_matches_expected(name: str) -> None:
    expected = json.loads((ARTICLES / f"{name}.expected.json").read_text())
    doc = cleaned((ARTICLES / f"{name}.txt").read_text(), **expected.get("raw", {}))
    for field in ("title", "section", "publisher", "byline", "published", "language", "text"):
        assert getattr(doc, field) == expected[field], field
    assert list(doc.captions) == expected["captions"]
    assert [{"kind": r.kind, "text": r.text} for r in doc.removed] == expected["removed"]
    assert doc.rights.tdm_reserved is expected["tdm_reserved"]


def test_clean_splits_section_glued_to_title() -> None:
    doc = cleaned(
        "NewsSeoul says troops crossed into Kursk\n"
        "Seoul says troops crossed into Kursk\n"
        "South Korea's spy agency said on Friday that more troops had crossed the border.\n"
    )
    assert doc.section == "News"
    assert doc.title == "Seoul says troops crossed into Kursk"
    assert [r.kind for r in doc.removed] == ["title_repeat"]
    assert doc.text == "South Korea's spy agency said on Friday that more troops had crossed the border."


def test_clean_learns_unknown_section_from_repeated_title() -> None:
    doc = cleaned(
        "Baltic BeatEstonia buys more howitzers\n"
        "Estonia buys more howitzers\n"
        "Estonia signed a contract for twelve more self-propelled howitzers on Monday.\n"
    )
    assert (doc.section, doc.title) == ("Baltic Beat", "Estonia buys more howitzers")


def test_clean_keeps_each_caption_once_outside_the_body() -> None:
    caption = "Soldiers unload crates of ammunition at a depot near Rzeszów."
    doc = cleaned(
        f"Aid convoy reaches Ukrainian border\n{caption}\n"
        "The convoy carried artillery shells donated by three countries, officials said.\n"
        f"{caption} Photo: Invented Agency\n"
        "It crossed the border on Tuesday night.\n"
    )
    assert doc.captions == (caption,)
    assert caption not in doc.text
    assert [r.kind for r in doc.removed] == ["caption_repeat"]


def test_clean_keeps_a_repeated_long_paragraph_once_in_the_body() -> None:
    para = " ".join(["The ministry said the brigade had been rotated out of the line after months of fighting."] * 6)
    doc = cleaned(f"Brigade rotated out\n{para}\nIt will rest near Dnipro.\n{para}\n")
    assert doc.text.count(para) == 1
    assert doc.captions == ()
    assert [r.kind for r in doc.removed] == ["other"]


def test_clean_metadata_from_html_wins_over_guesses() -> None:
    doc = cleaned(
        "A guessed headline from the text\n"
        "By Guessed Person\n"
        "The army said on Monday that two brigades had moved to the border.\n"
        "© Guessed Outlet\n",
        title="The real headline",
        byline="Real Person",
        publisher="Real Outlet",
        published="2024-12-01",
    )
    assert (doc.title, doc.byline, doc.publisher, doc.published) == (
        "The real headline",
        "Real Person",
        "Real Outlet",
        "2024-12-01",
    )


def test_clean_leaves_an_already_clean_html_body_untouched() -> None:
    paragraphs = [
        "Sweden will send a new military aid package to Ukraine worth about 1.2 billion dollars.",
        "Air defence",
        "The package includes radar systems and ammunition for air defence, the government said.",
        "Deliveries are due to start in the spring.",
    ]
    doc = cleaned("\n".join(paragraphs), format="html", title="Sweden unveils aid package")
    assert doc.text == "\n\n".join(paragraphs)
    assert doc.removed == ()


def test_clean_rejoins_hard_wrapped_paragraphs() -> None:
    doc = cleaned(
        "Moldova reports airspace violation\n\n"
        "CHISINAU (Invented Wire) - Moldova said a drone crossed its\n"
        "airspace on Sunday night before crashing in a field near the\n"
        "border with Ukraine.\n\nNo one was hurt.\n"
    )
    assert doc.text.split("\n\n")[0].endswith("crashing in a field near the border with Ukraine.")
    assert doc.publisher == "Invented Wire"


def test_clean_rejects_text_over_the_limit() -> None:
    settings = load_settings(max_text_chars=100)
    out = clean(raw("Troops moved to the front line overnight, officials said. " * 5), settings=settings)
    assert isinstance(out, Rejection)
    assert out.code == "E030"


def test_clean_records_its_versioned_name() -> None:
    doc = cleaned("Drone hits depot\nA drone hit a fuel depot overnight, the governor said.")
    assert doc.stages == (NAME,)
    assert NAME == "sitrep.clean.v1"


def test_clean_stage_cleans_a_hand_built_document() -> None:
    doc = Document(
        id="t",
        source="t",
        text="Share this article\nThe navy said two ships left port on Monday.\n© Invented Times",
        language="en",
        published="2024-12-20",
    )
    out = STAGE(doc)
    assert out.text == "The navy said two ships left port on Monday."
    assert out.published == "2024-12-20"
    assert out.publisher == "Invented Times"
    assert out.stages == (NAME,)


@pytest.mark.parametrize(
    ("line", "names"),
    [
        ("By Jane Doe", "Jane Doe"),
        ("Author: Jan Nowak", "Jan Nowak"),
        ("By Jane Doe and Ian Roe | 19 Dec 2024", "Jane Doe and Ian Roe"),
        ("By Jane Doe, Ian Roe", "Jane Doe, Ian Roe"),
        ("By Tom Hartley, Defence Reporter", "Tom Hartley"),
        ("By the end of the year, troops had withdrawn.", None),
        ("By Friday the convoy had reached Kharkiv", None),
    ],
)
def test_clean_byline_names_only_people(line: str, names: str | None) -> None:
    assert byline_of(line) == names


@pytest.mark.parametrize(
    ("line", "iso"),
    [
        ("Published: 19 December 2024, 10:41", "2024-12-19"),
        ("December 17, 2024", "2024-12-17"),
        ("19.12.2024 08:15", "2024-12-19"),
        ("Updated 2024-12-01T10:00", "2024-12-01"),
        ("Published 31.02.2024", None),
        ("Published this morning", None),
    ],
)
def test_clean_date_of_reads_full_dates_only(line: str, iso: str | None) -> None:
    assert date_of(line) == iso


@pytest.mark.parametrize(
    ("line", "kind"),
    [
        ("Images source: © Invented Photo | Contributor#1", "credit"),
        ("(AP Photo/Jane Doe)", "credit"),
        ("ed. ABCD", "editor"),
        ("Home > World > Europe", "nav"),
        ("Related content", "related"),
        ("Read also: Army trucks seen near the border", "related"),
        ("© Invented Outlet · 2024", "copyright"),
        ("All rights reserved.", "copyright"),
        ("The army said on Monday that two brigades had moved to the border.", None),
        ("Related to this, the ministry announced a new draft law.", None),
        ("Reporters were not permitted to enter the base, the spokesman said.", None),
    ],
)
def test_clean_classify_line_kinds(line: str, kind: str | None) -> None:
    assert classify_line(line) == kind


def test_clean_keeps_news_paragraph_about_copyright_rules() -> None:
    text = (
        "Publishers sue chatbot maker\n"
        "Several newspapers said the company had copied their articles without permission.\n"
        "They said reproduction of their content was prohibited by their terms of use.\n"
    )
    doc = cleaned(text)
    assert doc.removed == ()
    assert "prohibited by their terms of use" in doc.text
    assert doc.rights.tdm_reserved is False


def test_clean_is_linear_on_pathological_input() -> None:
    nasty = "\n".join(
        [
            "©" * 50_000,
            "By " + "Aa " * 20_000,
            "Read also" + " x" * 20_000,
            "1.1.1.1." * 10_000,
            "Home > " * 10_000,
            "a" * 100_000,
        ]
    )
    started = time.perf_counter()
    out = clean(raw(nasty))
    assert time.perf_counter() - started < 3.0
    assert isinstance(out, Document)


def test_clean_handles_empty_and_whitespace_text() -> None:
    doc = cleaned(" \n\n \t\n")
    assert doc.text == ""
    assert doc.language is None


def test_clean_keeps_lines_repeated_as_structure() -> None:
    question = "What did you see on the day the shelling started?"
    step = "Volunteers unload the boxes at the church hall"
    text = "\n".join(
        [
            "Three residents of Kherson describe the winter",
            f"{question}\nWe heard the sirens first and then the windows broke.",
            f"{question}\nI was at work and came home to find the roof gone.",
            f"{step}\nThe first convoy arrived on Monday morning.",
            f"{step}\nThe second convoy came two days later.",
            f"{step}\nThe last one was turned back at a checkpoint.",
        ]
    )
    doc = cleaned(text)
    assert doc.text.count(question) == 2
    assert doc.text.count(step) == 3
    assert doc.captions == ()


def test_clean_html_text_keeps_its_repeats() -> None:
    line = "A convoy of aid trucks waits at the border crossing near Rafah."
    doc = cleaned(f"{line}\nThe trucks waited for three days.\n{line}", format="html")
    assert doc.text.count(line) == 2
    assert doc.captions == ()


def test_clean_page_dateline_beats_fallback_date_for_plain_text() -> None:
    text = "Ceasefire talks resume\nPublished: 18 December 2024\nDelegations met in Doha on Wednesday, officials said."
    assert cleaned(text, published="2024-12-20").published == "2024-12-18"
    assert cleaned(text.replace("Published: 18 December 2024\n", ""), published="2024-12-20").published == "2024-12-20"
    assert cleaned(text, format="html", published="2024-12-01").published == "2024-12-01"


def test_clean_rss_author_email_becomes_the_name() -> None:
    doc = cleaned("Navy drills off Gotland continue.", format="feed", byline="desk@invented.example (Karl Tamm)")
    assert doc.byline == "Karl Tamm"


def test_clean_keeps_table_rows_and_drops_menus() -> None:
    rows = ["| Pos | Unit | Losses |", "| 1 | 3rd Brigade | 120 |", "| 2 | 47th Brigade | 85 |"]
    doc = cleaned("\n".join(["Frontline losses by unit", *rows, "News | World | Europe | Opinion"]), format="html")
    assert doc.text == "\n\n".join(["Frontline losses by unit", *rows])
    assert [r.kind for r in doc.removed] == ["nav"]


_FRAGMENTS = [
    "NewsTroops cross the border",
    "Troops cross the border",
    "Share this article",
    "© Invented Times · 2024",
    "By Jane Doe",
    "Published: 19 December 2024",
    "Related content",
    "ed. ABCD",
    "Images source: © Invented Photo | Contributor#1",
    "The army said two brigades had moved closer to the front line overnight.",
    "Officials said the convoy was hit near the village.",
    "Text and data mining of this content is expressly reserved.",
    "",
    "   ",
    "|",
    "TOKYO",
]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(_FRAGMENTS), st.text(max_size=80)), max_size=25))
def test_clean_never_invents_or_loses_lines(lines: list[str]) -> None:
    text = "\n".join(lines)
    doc = clean(raw(text))
    assert isinstance(doc, Document)
    # cleaning drops invisible characters (zero-width spaces, soft hyphens) and collapses spaces
    flat = " ".join(re.sub("[\u200b\u200c\u200d\ufeff\u00ad]", "", text).split())
    for paragraph in doc.text.split("\n\n"):
        assert paragraph in flat or not paragraph
    for caption in doc.captions:
        assert caption in flat
    for r in doc.removed:
        assert r.text in flat
        assert r.kind in {"title_repeat", "caption_repeat", "credit", "editor", "nav", "related", "copyright", "legal", "other"}
    kept = len([p for p in doc.text.split("\n\n") if p]) + len(doc.captions) + len(doc.removed)
    rows = re.split(r"\r\n?|[\n\u2028\u2029\x0b\x0c]", text)
    assert kept <= len([row for row in rows if row.strip()])


def test_clean_finds_the_title_below_a_long_menu() -> None:
    menu = ["Home", "News", "World", "Europe", "Asia", "Opinion", "Sport", "Video", "Podcasts",
            "Newsletter", "Subscribe", "Log in", "Search", "Menu"]
    doc = cleaned("\n".join([*menu, "Drone debris falls on Moldovan village",
                             "Debris from a drone fell on a village in northern Moldova overnight, police said."]))
    assert doc.title == "Drone debris falls on Moldovan village"
    assert doc.text == "Debris from a drone fell on a village in northern Moldova overnight, police said."
    assert len(doc.removed) == len(menu)


def test_clean_headline_line_is_recorded_when_metadata_title_wins() -> None:
    doc = cleaned(
        "WorldSeoul reports troop losses\nSeoul reports troop losses\n"
        "South Korea's military said on Monday that more soldiers had been killed.",
        title="Seoul: North Korean troop losses mount",
    )
    assert doc.title == "Seoul: North Korean troop losses mount"
    assert doc.section == "World"
    assert [r.kind for r in doc.removed] == ["title_repeat", "title_repeat"]
    assert doc.text == "South Korea's military said on Monday that more soldiers had been killed."
