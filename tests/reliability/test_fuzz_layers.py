"""Fuzzing every layer parser on texts built from news vocabulary and noise.

Documents are built by hand; stages that read the spaCy parse get it from the
session's one pipeline. Whatever the text, no exception escapes, every span
lies inside the text and quotes it, and figures keep ``low <= value <= high``.
"""

from __future__ import annotations

import math

from hypothesis import given
from hypothesis import strategies as st

from sitrep.records import Document, RawDocument, Rejection
from sitrep.stages.clean import clean
from sitrep.stages.numbers import find_amounts, parse_number_words
from sitrep.stages.time import find_times

from .fuzzing import check_document_spans, fuzz

VOCAB = (  # noqa: SIM905 - one readable vocabulary string
    "at least|more than|up to|about|nearly|between|and|to|or|-|–|,|.|;|(|)|\"|'|\n|\n\n|"
    "one|two|twelve|twenty|hundred|thousand|million|dozens|hundreds of|tens of thousands|a handful|"
    "half a|several hundred|12|1,200|3.5|2,000-3,000|1.000|10k|5 bn|4 lakh|99999999999999999999|"
    "killed|injured|wounded|captured|missing|troops|soldiers|civilians|drones|missiles|tanks|"
    "said|told|reported|according to|claimed|denied|warned|added|, officials said|sources say|"
    "Russia|Ukraine|North Korea|Kim Jong Un|Pyongyang|Kursk|Kharkiv|Gaza|Khan Younis|Sudan|"
    "the defence ministry|Reuters|Yonhap|the Joint Chiefs of Staff|ISW|"
    "on Monday|last week|in mid-January|early March|12 November 2024|2024-11-12|11/12/24|"
    "yesterday|this month|late last year|Q3|the 1990s|Christmas|since 2022|for three weeks|"
    "10:30|+7 495 123 4567|$5 million|15%|30 km|aged 19|page 12|F-16|Su-25|Hwasong-18|"
    "deployed|attacked|shelled|fired|launched|arrested|sanctioned|protested|agreed|"
    "may|could|possibly|allegedly|reportedly|not|never|"
    "NEWS|BREAKING:|Photo: AFP|© 2024 Example Media|Related|Share this|By Jane Doe"
).split("|")

noise = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=12)
news_text = st.lists(st.sampled_from(VOCAB) | noise, min_size=1, max_size=40).map(" ".join)
published = st.one_of(st.none(), st.sampled_from(["2024-11-20", "1999-01-01", "2030-02-28"]))


def _check_amount_bounds(a) -> None:
    vals = [v for v in (a.low, a.value, a.high) if v is not None]
    assert all(math.isfinite(v) for v in vals), a
    if a.low is not None and a.high is not None:
        assert a.low <= a.high, a
    if a.value is not None:
        assert a.low is None or a.low <= a.value, a
        assert a.high is None or a.value <= a.high, a


@fuzz(1500)
@given(text=news_text)
def test_find_amounts_spans_inside_text_and_bounds_ordered(text):
    for a in find_amounts(text):
        assert 0 <= a.start < a.end <= len(text), a
        if a.qualifier_start is not None:
            assert 0 <= a.qualifier_start <= a.start, a
        _check_amount_bounds(a)


@fuzz(500)
@given(words=st.lists(st.sampled_from(["one", "two", "twenty", "hundred", "thousand", "million", "billion", "dozen", "and", "x"]), max_size=60))  # fmt: skip
def test_parse_number_words_is_finite(words):
    parsed = parse_number_words(words)
    if parsed is not None:
        value, used = parsed
        assert math.isfinite(value) and 0 < used <= len(words)


@fuzz(1000)
@given(text=news_text, published=published)
def test_find_times_spans_inside_text(text, published):
    for t in find_times(text, published):
        assert 0 <= t.start < t.end <= len(text), t
        assert t.text == text[t.start : t.end], t
        if t.value_start and t.value_end:
            assert t.value_start <= t.value_end, t


@fuzz(150)
@given(
    lines=st.lists(news_text, min_size=1, max_size=12),
    title=st.one_of(st.none(), news_text),
    fmt=st.sampled_from(["text", "html", "feed", "jsonl"]),
)
def test_clean_never_raises_and_keeps_body_from_input(lines, title, fmt):
    raw = RawDocument(id="x", source="x.txt", text="\n".join(lines), format=fmt, title=title)
    out = clean(raw)
    assert isinstance(out, (Document, Rejection))
    if isinstance(out, Document):
        assert "\r" not in out.text
        assert all(r.kind in {"title_repeat", "caption_repeat", "credit", "editor", "nav", "related",
                              "copyright", "legal", "other"} for r in out.removed)  # fmt: skip


@fuzz(250)
@given(text=news_text.filter(lambda t: t.strip()), published=published)
def test_annotation_layers_keep_spans_inside_text(nlp, text, published):
    from sitrep.stages import attribution, entities, events, figures, parse, places
    from sitrep.stages import time as time_stage

    doc = Document(id="f", source="fuzz.txt", text=text, language="en", published=published)
    for st_ in (parse.STAGE, entities.STAGE, figures.STAGE, time_stage.STAGE, places.STAGE,
                attribution.STAGE, events.STAGE):  # fmt: skip
        doc = st_(doc)
        assert doc.text == text  # no stage edits the text
    check_document_spans(doc)
