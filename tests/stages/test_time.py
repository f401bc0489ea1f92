"""The time stage: expressions found, normalised against publication, with precision."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sitrep.records import Document, TimeMention
from sitrep.stages.time import STAGE

PUB = "2024-06-15"  # a Saturday


def times(text: str, published: str | None = PUB) -> tuple[TimeMention, ...]:
    doc = Document(id="t", source="t", text=text, language="en", published=published)
    out = STAGE(doc)
    assert out.stages[-1] == "sitrep.time.v1"
    for t in out.times:
        assert t.text == text[t.start : t.end]
    return out.times


def one(text: str, published: str | None = PUB) -> TimeMention:
    found = times(text, published)
    assert len(found) == 1, found
    return found[0]


def summary(t: TimeMention) -> tuple[str | None, str | None, str, str | None]:
    return (t.value_start, t.value_end, t.precision, t.timex)


@pytest.mark.parametrize(
    "text",
    [
        "Troops crossed the border on 12 January 2024.",
        "Troops crossed the border on January 12, 2024.",
        "Troops crossed the border on 12.01.2024.",
        "Troops crossed the border on 2024-01-12.",
        "Troops crossed the border on Friday, 12 January 2024.",
    ],
)
def test_full_date_written_any_way_is_one_day(text: str) -> None:
    assert summary(one(text)) == ("2024-01-12", "2024-01-12", "day", "2024-01-12")


def test_full_date_span_covers_the_whole_expression() -> None:
    t = one("Troops crossed the border on January 12, 2024, at dawn.")
    assert t.text == "January 12, 2024"


def test_month_and_year_is_the_whole_month() -> None:
    assert summary(one("The siege began in January 2024.")) == ("2024-01-01", "2024-01-31", "month", "2024-01")


def test_bare_month_is_the_most_recent_one_not_after_publication() -> None:
    assert one("The siege began in January.").timex == "2024-01"
    assert one("Shelling in September destroyed the bridge.").timex == "2023-09"


def test_bare_month_in_future_tense_is_the_coming_one() -> None:
    assert one("The army will withdraw in September.").timex == "2024-09"


def test_last_and_next_month_name_skip_the_current_year_rule() -> None:
    assert one("The talks collapsed last October.").timex == "2023-10"
    assert one("The talks resume next March.").timex == "2025-03"


def test_year_is_the_whole_year() -> None:
    assert summary(one("The ceasefire held in 2023.")) == ("2023-01-01", "2023-12-31", "year", "2023")


def test_count_followed_by_a_plural_noun_is_not_a_year() -> None:
    assert times("The army sent 2000 soldiers to the front.") == ()


def test_modal_may_is_not_a_month() -> None:
    assert times("Talks may resume, officials say.") == ()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Fighting peaked in mid-January.", ("2024-01-11", "2024-01-20", "range", "2024-01")),
        ("Fighting peaked in early March.", ("2024-03-01", "2024-03-10", "range", "2024-03")),
        ("Fighting peaked in late 2024.", ("2024-09-01", "2024-12-31", "range", "2024")),
        ("Fighting peaked at the end of 2022.", ("2022-09-01", "2022-12-31", "range", "2022")),
    ],
)
def test_early_mid_late_narrow_the_period(text: str, expected: tuple[str, str, str, str]) -> None:
    assert summary(one(text)) == expected


def test_last_summer_is_the_last_finished_summer() -> None:
    # mid-June 2024: summer 2024 has not ended, so "last summer" is 2023's
    assert summary(one("Last summer the front moved.")) == ("2023-06-01", "2023-08-31", "season", "2023-SU")


def test_this_spring_is_the_spring_of_the_publication_year() -> None:
    assert summary(one("This spring the front moved.")) == ("2024-03-01", "2024-05-31", "season", "2024-SP")


def test_the_fall_of_a_city_is_not_a_season() -> None:
    assert times("After the fall of the city, refugees fled.") == ()


def test_weekday_is_the_one_before_publication() -> None:
    assert summary(one("Rebels attacked the convoy on Monday.")) == ("2024-06-10", "2024-06-10", "day", "2024-06-10")


def test_next_weekday_is_after_publication() -> None:
    assert one("Envoys meet next Monday.").value_start == "2024-06-17"


def test_weekday_in_future_tense_is_after_publication() -> None:
    assert one("Envoys will meet on Tuesday.").value_start == "2024-06-18"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The strike happened yesterday.", ("2024-06-14", "2024-06-14", "day", "2024-06-14")),
        ("The strike happened today.", ("2024-06-15", "2024-06-15", "day", "2024-06-15")),
        ("The strike happened last week.", ("2024-06-03", "2024-06-09", "week", "2024-W23")),
        ("Strikes rose this month.", ("2024-06-01", "2024-06-30", "month", "2024-06")),
        ("Strikes rose last year.", ("2023-01-01", "2023-12-31", "year", "2023")),
        ("Strikes rose earlier this year.", ("2024-01-01", "2024-06-15", "range", "2024")),
        ("Strikes rose three days ago.", ("2024-06-12", "2024-06-12", "day", "2024-06-12")),
    ],
)
def test_relative_expressions_resolve_against_publication(text: str, expected: tuple[str, str, str, str]) -> None:
    assert summary(one(text)) == expected


def test_by_year_is_a_range_up_to_the_end_of_that_year() -> None:
    t = one("The government promised peace by 2025.")
    assert (t.text, t.value_start, t.value_end, t.precision, t.timex) == (
        "2025", PUB, "2025-12-31", "range", "2025"
    )


def test_decade_is_a_ten_year_range() -> None:
    assert summary(one("The militia was founded in the 1990s.")) == ("1990-01-01", "1999-12-31", "range", "199")


@pytest.mark.parametrize("text", ["Exports fell in Q3 2024.", "Exports fell in the third quarter of 2024."])
def test_quarter_is_three_months(text: str) -> None:
    assert summary(one(text)) == ("2024-07-01", "2024-09-30", "range", "2024-Q3")


def test_later_expression_anchors_to_the_previous_time_mention() -> None:
    found = times("The offensive began on 3 March 2022. Four months after, the town fell. Two weeks later, it was retaken.")
    assert [t.text for t in found] == ["3 March 2022", "Four months after", "Two weeks later"]
    assert summary(found[1]) == ("2022-07-01", "2022-07-31", "month", "2022-07")
    # anchored to the previous mention, which is only known to the month: the whole month shifts
    assert summary(found[2]) == ("2022-07-15", "2022-08-14", "range", None)


def test_later_expression_keeps_day_precision_from_a_day_anchor() -> None:
    found = times("The offensive began on 3 March 2022. Two weeks later, the town fell.")
    assert summary(found[1]) == ("2022-03-14", "2022-03-20", "week", "2022-W11")


def test_later_expression_without_anchor_has_no_value() -> None:
    assert summary(one("Two weeks later they returned.")) == (None, None, "unknown", "P2W")


def test_duration_is_not_a_point() -> None:
    t = one("The convoy was held for three days.")
    assert (t.text, t.value_start, t.value_end, t.precision, t.timex) == ("three days", None, None, "unknown", "P3D")


def test_ages_are_not_durations() -> None:
    assert times("A 44-year-old man was detained.") == ()


def test_without_publication_date_a_year_is_never_invented() -> None:
    assert summary(one("The raid came on 5 March.", None)) == (None, None, "day", "XXXX-03-05")
    assert summary(one("The raid came in January.", None)) == (None, None, "month", "XXXX-01")
    assert summary(one("The raid came yesterday.", None)) == (None, None, "day", None)
    assert summary(one("The raid came last week.", None)) == (None, None, "week", None)


def test_without_publication_date_absolute_expressions_keep_their_values() -> None:
    assert one("The raid came on 12 January 2024.", None).value_start == "2024-01-12"
    assert one("The raid came in 2023.", None).timex == "2023"


def test_mentions_come_in_text_order() -> None:
    found = times("In 2021 the war began; on 4 May 2022 it spread; by 2023 it ended.")
    assert [t.text for t in found] == ["2021", "4 May 2022", "2023"]
    assert [t.start for t in found] == sorted(t.start for t in found)


_WORDS = [
    "on", "in", "by", "last", "next", "this", "early", "mid-", "late", "the", "of", "ago", "later", "after",
    "for", "three", "a", "12", "31", "2024", "1990s", "Q3", "January", "May", "Sept.", "summer", "fall",
    "Monday", "yesterday", "week", "months", "year", "days", ",", ".", "-", "/", "12.01.2024", "2024-02-30",
    "5000", "9999", "decades", "ten", "weekend", "Christmas", "6 a.m.", "that", "earlier", "Q4", "half",
]  # fmt: skip


@settings(max_examples=200, deadline=None)
@given(
    words=st.lists(st.sampled_from(_WORDS) | st.text(max_size=6), max_size=30),
    published=st.none() | st.dates().map(date.isoformat),
)
def test_time_stage_never_fails_and_spans_stay_inside(words: list[str], published: str | None) -> None:
    text = " ".join(words)
    for t in times(text, published):
        assert 0 <= t.start < t.end <= len(text)
        assert t.precision in {"day", "week", "month", "season", "year", "range", "unknown"}
        if t.value_start is not None and t.value_end is not None:
            assert t.value_start <= t.value_end


def test_the_weekend_is_the_last_one_or_the_coming_one_by_tense() -> None:
    wednesday = "2024-06-12"
    assert summary(one("Clashes continued over the weekend.", wednesday)) == (
        "2024-06-08", "2024-06-09", "range", "2024-W23-WE"
    )
    assert one("Talks will resume at the weekend.", wednesday).value_start == "2024-06-15"


def test_later_that_year_runs_from_the_anchor_to_the_end_of_its_year() -> None:
    found = times("The town fell on 3 March 2022. Later that year it was retaken.")
    assert summary(found[1]) == ("2022-03-03", "2022-12-31", "range", "2022")


def test_the_next_morning_is_the_day_after_the_anchor() -> None:
    found = times("The town fell on 3 March 2022. The next morning, shelling resumed.")
    assert summary(found[1]) == ("2022-03-04", "2022-03-04", "day", "2022-03-04")


def test_recent_years_is_a_vague_past_not_a_point() -> None:
    t = one("Attacks have grown in recent years.")
    assert (t.text, t.value_start, t.value_end, t.precision, t.timex) == ("recent years", None, PUB, "unknown", "PXY")


def test_clock_time_with_a_weekday_is_that_day() -> None:
    t = one("The blast hit at 6 a.m. Tuesday.", "2024-06-12")
    assert (t.text, t.value_start, t.precision, t.timex) == ("6 a.m. Tuesday", "2024-06-11", "day", "2024-06-11T06:00")


def test_clock_time_alone_takes_the_day_of_the_previous_mention_or_none() -> None:
    found = times("The town fell on 3 March 2022. Shelling stopped at 10 p.m.")
    assert summary(found[1]) == ("2022-03-03", "2022-03-03", "day", "2022-03-03T22:00")
    assert summary(one("Shelling stopped at 10 p.m.")) == (None, None, "unknown", "XXXX-XX-XXT22:00")


def test_long_expression_is_found_whole_in_a_long_text() -> None:
    filler = "The convoy moved slowly through the hills while aid workers waited. " * 20
    text = filler + "Shelling went on for the past more than twenty-four hours, officials said. " + filler
    t = one(text)
    assert (t.text, t.timex) == ("the past more than twenty-four hours", "PT24H")


def test_holidays_resolve_to_their_day() -> None:
    assert one("Fighting paused on Christmas Day.").timex == "2023-12-25"
    assert one("The attack came on Easter Sunday 2019.").timex == "2019-04-21"
    assert one("They met last Thanksgiving.").timex == "2023-11-23"
    assert one("Fighting paused on Christmas Day.", None).timex == "XXXX-12-25"


def test_expressions_past_the_calendar_edge_are_skipped_not_fatal() -> None:
    assert one("Tools like these were made 5000 years ago.").value_start is None
    assert times("It rained last year.", "0001-03-01") == ()


def test_month_with_last_year_is_that_month_of_the_previous_year() -> None:
    assert summary(one("In June last year the town fell.")) == ("2023-06-01", "2023-06-30", "month", "2023-06")


def test_deadline_month_is_the_coming_one() -> None:
    t = one("Flights are to double by August.", "2024-02-12")
    assert (t.text, t.value_end, t.precision, t.timex) == ("August", "2024-08-31", "range", "2024-08")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Casualty report: June 21-27.", ("2024-06-21", "2024-06-27")),
        ("Casualty report: July 25-Aug. 1, 2019.", ("2019-07-25", "2019-08-01")),
        ("Casualty report: 28 Feb - 3 March 2024.", ("2024-02-28", "2024-03-03")),
    ],
)
def test_day_range_runs_from_first_to_last_day(text: str, expected: tuple[str, str]) -> None:
    t = one(text)
    assert (t.value_start, t.value_end, t.precision) == (*expected, "range")


def test_holiday_name_inside_a_place_name_is_not_a_holiday() -> None:
    assert times("Shelling hit Eastern Ghouta.") == ()


def test_since_year_is_a_range_from_that_year_to_publication() -> None:
    t = one("The siege has lasted since 2022.")
    assert (t.text, t.value_start, t.value_end, t.precision, t.timex) == ("2022", "2022-01-01", PUB, "range", "2022")


_SCAN_VOCAB = (  # noqa: SIM905 - one readable vocabulary string
    "the past last next early late mid of at on in for ago later earlier before after since by "
    "a an several couple few two twenty-one 3 3.5 10:30 12 21st 2024 1990s '90s Q1 first quarter half "
    "January Jan. March May Sept Monday Tuesday spring fall summer Christmas New Year's Day Easter "
    "day days week weeks month months year years decade weekend morning night noon midnight pm a.m. "
    "today yesterday tomorrow now recently recent coming same that this , . - \u2013 \n \u017f \u212a \u0130"
).split(" ")


@settings(max_examples=300, deadline=None)
@given(
    words=st.lists(st.sampled_from(_SCAN_VOCAB), max_size=40),
    seps=st.lists(st.sampled_from([" ", "  ", "-", "\n\n", ", ", "", " " * 60]), min_size=40, max_size=40),
)
def test_time_anchored_scan_finds_what_finditer_finds(words, seps):
    """Trying each family only near its anchors finds exactly what ``finditer`` over
    each window finds (every family, no hint check)."""
    from sitrep.stages import time as time_stage

    text = "".join(w + s for w, s in zip(words, seps, strict=False))
    expected = {
        (m.start(), m.end(), i)
        for w0, w1, _, _ in time_stage._windows(text)
        for i, (_, pattern, _) in enumerate(time_stage._FAMILIES)
        for m in pattern.finditer(text, w0, w1)
    }
    assert {(s, e, i) for s, e, i, _ in time_stage._matches(text)} == expected
