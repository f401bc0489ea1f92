"""The figures stage: numbers, bounds, categories, subjects and what is not a figure."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sitrep.records import Document, FigureMention
from sitrep.stages.figures import STAGE, extract_figures
from sitrep.stages.numbers import find_amounts, parse_number_words


@pytest.fixture(scope="module")
def figures_of(nlp):
    def run(text: str) -> tuple[FigureMention, ...]:
        doc = Document(id="t", source="t", text=text, language="en", published="2024-11-20")
        out = STAGE(dataclasses.replace(doc, parse=nlp(text)))
        assert out.stages[-1] == "sitrep.figures.v1"
        for f in out.figures:
            assert f.text == text[f.start : f.end]
        return out.figures

    return run


def one(figs: tuple[FigureMention, ...]) -> FigureMention:
    assert len(figs) == 1, figs
    return figs[0]


# --------------------------------------------------------------------------- numbers


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Officials counted 2,700 soldiers.", 2700),
        ("Officials counted 2.700 soldiers.", 2700),
        ("Officials counted 10k soldiers.", 10_000),
        ("Officials counted 1.5 million soldiers.", 1_500_000),
        ("Officials counted ten thousand soldiers.", 10_000),
        ("Officials counted two soldiers.", 2),
        ("Officials counted twenty-five soldiers.", 25),
        ("Officials counted two hundred and fifty soldiers.", 250),
        ("Officials counted 2 to 3 million soldiers.", None),
    ],
)
def test_figures_number_value_read(figures_of, text, value):
    fig = one(figures_of(text))
    assert fig.value == value
    assert fig.subject == "soldiers"


def test_figures_a_dozen_is_approximately_twelve(figures_of):
    fig = one(figures_of("A dozen soldiers crossed the river."))
    assert (fig.value, fig.qualifier) == (12, "approx")


@pytest.mark.parametrize(
    ("phrase", "low", "high"),
    [
        ("Dozens of", 24, 99),
        ("Several hundred", 300, 900),
        ("Hundreds of", 200, 999),
        ("Thousands of", 2000, 9999),
        ("A handful of", 2, 5),
        ("Scores of", 40, 199),
        ("Tens of thousands of", 20_000, 99_999),
    ],
)
def test_figures_vague_amount_is_a_range(figures_of, phrase, low, high):
    fig = one(figures_of(f"{phrase} civilians were wounded in the shelling."))
    assert (fig.value, fig.low, fig.high, fig.qualifier) == (None, low, high, "range")
    assert fig.category == "injured"
    assert fig.subject == "civilians"


# --------------------------------------------------------------------------- qualifiers


@pytest.mark.parametrize(
    ("phrase", "qualifier", "value", "low", "high"),
    [
        ("at least 300", "at_least", 300, 300, None),
        ("more than 10,000", "more_than", 10_000, 10_000, None),
        ("over 10,000", "more_than", 10_000, 10_000, None),
        ("around 2,700", "approx", 2700, None, None),
        ("some 2,700", "approx", 2700, None, None),
        ("an estimated 2,700", "approx", 2700, None, None),
        ("roughly 2,700", "approx", 2700, None, None),
        ("up to 500", "at_most", 500, None, 500),
        ("fewer than 40", "less_than", 40, None, 40),
        ("between 200 and 300", "range", None, 200, 300),
        ("200-300", "range", None, 200, 300),
        ("200 to 300", "range", None, 200, 300),
        ("two or three", "range", None, 2, 3),
        ("300", "exact", 300, 300, 300),
    ],
)
def test_figures_qualifier_sets_bounds(figures_of, phrase, qualifier, value, low, high):
    text = f"The army said {phrase} soldiers were killed near the border."
    fig = one(figures_of(text))
    assert (fig.qualifier, fig.value, fig.low, fig.high) == (qualifier, value, low, high)
    assert fig.text == phrase
    assert fig.category == "killed"


def test_figures_change_from_to_is_two_numbers_not_a_range(figures_of):
    figs = figures_of("The death toll rose from 20 to 45 overnight.")
    assert [f.value for f in figs] == [20, 45]
    assert all(f.qualifier == "exact" for f in figs)


# --------------------------------------------------------------------------- categories


@pytest.mark.parametrize(
    ("text", "category", "subject"),
    [
        ("300 North Korean soldiers killed in Kursk.", "killed", "North Korean soldiers"),
        ("Around 2,700 were injured in the fighting.", "injured", None),
        ("The blast hit the market, killing 12 people.", "killed", "people"),
        ("The death toll rose to 45.", "killed", None),
        ("12 civilians were among the dead.", "killed", "civilians"),
        ("Three fighters lost their lives in the raid.", "killed", "fighters"),
        ("Officials reported 40 deaths after the raid.", "killed", "deaths"),
        ("Five soldiers were hurt when the shell landed.", "injured", "soldiers"),
        ("Ukrainian forces captured 30 soldiers near the village.", "captured", "soldiers"),
        ("Eleven men were taken prisoner at the checkpoint.", "captured", "men"),
        ("The ministry said 200 POWs were exchanged.", "captured", "POWs"),
        ("Seven fishermen are still missing after the attack.", "missing", "fishermen"),
        ("The brigade suffered 500 casualties last month.", "casualties", "casualties"),
        ("Moscow deployed 10,000 troops to the border.", "troops", "troops"),
        ("The force includes 3,000 personnel stationed in the south.", "troops", "personnel"),
        ("Two battalions arrived in the city on Friday.", "units", "battalions"),
        ("The army moved four brigades east.", "units", "brigades"),
        ("Russia fired 40 missiles and 30 drones overnight.", "weapons", "missiles"),
        ("The country received 31 tanks and 12 artillery systems.", "weapons", "tanks"),
        ("North Korea conducted two missile tests this month.", "tests", "missile tests"),
        ("The regime carried out three launches in March.", "tests", "launches"),
        ("The delegation visited 14 schools.", "other", "schools"),
    ],
)
def test_figures_category_and_subject_from_parse(figures_of, text, category, subject):
    fig = figures_of(text)[0]
    assert (fig.category, fig.subject) == (category, subject)


def test_figures_killed_and_wounded_split_by_verb(figures_of):
    figs = figures_of("A roadside bomb killed one soldier and wounded two others on Sunday.")
    assert [(f.value, f.category) for f in figs] == [(1, "killed"), (2, "injured")]


def test_figures_weapons_that_kill_are_not_the_dead(figures_of):
    figs = figures_of("Thirty drones killed four people in the city.")
    assert [(f.value, f.category) for f in figs] == [(30, "weapons"), (4, "killed")]


def test_figures_agents_of_killing_are_not_the_dead(figures_of):
    figs = figures_of("300 soldiers killed 12 civilians in the village.")
    assert [(f.value, f.category) for f in figs] == [(300, "troops"), (12, "killed")]


def test_figures_part_of_a_total_keeps_the_death_category(figures_of):
    figs = figures_of("146 died on Monday, including 55 members of the security forces.")
    assert [(f.value, f.category) for f in figs] == [(146, "killed"), (55, "killed")]


def test_figures_strong_compound_counts_troops(figures_of):
    fig = one(figures_of("An 800-strong contingent landed at the port."))
    assert (fig.value, fig.category, fig.subject) == (800, "troops", "contingent")


def test_figures_lone_one_needs_a_counted_role(figures_of):
    assert figures_of("No one was hurt in the blast.") == ()
    assert figures_of("One of the ministers resigned.") == ()
    fig = one(figures_of("One soldier was killed in the blast."))
    assert (fig.value, fig.category) == (1, "killed")


# --------------------------------------------------------------------------- not figures


@pytest.mark.parametrize(
    "text",
    [
        "The war began in 1950 and resumed in 2024.",
        "The talks start on 12 March at 10:30.",
        "The meeting is on 2024-03-12 and again on 12/03/2024.",
        "A 25-year-old man, aged 40, was arrested.",
        "Kim Song, 40, said the column moved 30 km and then 500 metres.",
        "The aid package is worth $2 billion, with €300m more for the region.",
        "Support fell to 45% from 52 percent.",
        "He finished 2nd in the vote.",
        "Units fired 155mm shells from the hills.",
        "An Su-25 and two F-16 jets flew over; a Hwasong-18 was displayed.",
        "Call +44 20 7946 0958 or 555-123-4567 for details.",
        "See page 12 and Article 5 of the treaty, and Resolution 2231.",
        "The talks lasted three days.",
        "The inflation rate reached 2.5 this year.",
        "The council vote was 3-2 and the match ended 2-1.",
    ],
)
def test_figures_skip_non_counts(figures_of, text):
    figs = figures_of(text)
    counted = [f for f in figs if f.text.lower() != "two"]  # the F-16 sentence counts two jets
    assert counted == [], counted


def test_figures_model_name_sentence_keeps_the_real_count(figures_of):
    fig = one(figures_of("Two F-16 jets crossed the line."))
    assert (fig.value, fig.category) == (2, "weapons")


def test_figures_stage_refuses_document_without_parse():
    doc = Document(id="t", source="t", text="Two died.", language="en", published=None)
    with pytest.raises(ValueError, match="parse"):
        STAGE(doc)


# --------------------------------------------------------------------------- properties


def test_number_words_parse_longest_prefix():
    assert parse_number_words(["two", "hundred", "and", "fifty"]) == (250, 4)
    assert parse_number_words(["one", "two"]) == (1, 1)
    assert parse_number_words(["soldiers"]) is None


_number_text = st.one_of(
    st.integers(min_value=0, max_value=10**9).map(str),
    st.integers(min_value=1000, max_value=10**9).map(lambda n: f"{n:,}"),
    st.integers(min_value=1000, max_value=10**9).map(lambda n: f"{n:,}".replace(",", ".")),
    st.from_regex(r"[0-9]{1,6}([.,][0-9]{1,4})?(k| million| thousand)?", fullmatch=True),
    st.sampled_from(["two", "twenty-five", "a dozen", "hundreds", "several thousand", "a handful"]),
)
_prefix = st.sampled_from(
    ["", "at least ", "more than ", "about ", "up to ", "fewer than ", "between "]
)
_joiner = st.sampled_from(["", " and ", "-", " to ", " or ", ", "])


@settings(
    max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(prefix=_prefix, a=_number_text, joiner=_joiner, b=_number_text)
def test_figures_bounds_ordered_and_spans_inside_text(nlp, prefix, a, joiner, b):
    text = f"Officials said {prefix}{a}{joiner}{b if joiner else ''} soldiers were killed."
    for amount in find_amounts(text):
        assert 0 <= amount.start < amount.end <= len(text)
    for fig in extract_figures(text, nlp(text)):
        assert 0 <= fig.start < fig.end <= len(text)
        assert fig.text == text[fig.start : fig.end]
        if fig.low is not None and fig.high is not None:
            assert fig.low <= fig.high
        if fig.value is not None:
            assert fig.low is None or fig.low <= fig.value
            assert fig.high is None or fig.value <= fig.high


def test_figures_year_is_kept_only_when_it_counts_soldiers(figures_of):
    assert figures_of("A thirteenth victim died in 1977 of injuries from the attack.") == ()
    fig = one(figures_of("The army sent 2000 soldiers to the front."))
    assert (fig.value, fig.category) == (2000, "troops")


def test_figures_citation_marks_are_not_counts(figures_of):
    assert figures_of("Sergeant Lee Park[897] was named by the ministry.") == ()


def test_figures_subject_is_the_compound_head(figures_of):
    fig = one(figures_of("The bomber killed six NATO service members."))
    assert (fig.category, fig.subject) == ("killed", "NATO service members")


def test_figures_lakh_scale_and_rupees(figures_of):
    fig = one(figures_of("Nearly 5 lakh people fled after aid worth Rs 30 lakh was lost."))
    assert (fig.value, fig.qualifier, fig.subject) == (500_000, "approx", "people")


def test_figures_listed_section_numbers_are_references(figures_of):
    assert figures_of("Police filed a case under sections 302 and 307 of the code.") == ()


def test_figures_burnt_alive_is_killed(figures_of):
    fig = one(figures_of("At least 30 persons were burnt alive in the village."))
    assert (fig.category, fig.qualifier, fig.low) == ("killed", "at_least", 30)


def test_figures_pipeline_refuses_figures_without_parse():
    from sitrep.errors import PipelineError
    from sitrep.pipeline import Pipeline
    from sitrep.stages import parse

    with pytest.raises(PipelineError, match="needs parse"):
        Pipeline([STAGE])
    assert Pipeline([parse.STAGE, STAGE]).stage_names == (parse.STAGE.name, "sitrep.figures.v1")


def test_figures_age_after_a_name_is_not_a_count(figures_of):
    assert figures_of("Tamerlan, 26, died after a gunfight with police.") == ()


@pytest.mark.parametrize(
    "text",
    [
        "AT LEAST 300 Soldiers and Dozens of civilians, up to 12 km away.",
        "Über 40 Soldaten – around Twenty-Five were hurt, page 3.",
        "The \u212aelvin sign and the long \u017f: about FIVE hundred, İstanbul 1,200.",
    ],
)
def test_figures_folded_patterns_match_as_ignorecase(text):
    from sitrep.stages import numbers

    low = numbers.folded(text)
    if any(c in text for c in "\u212a\u017fİı"):
        assert low is None  # these fold to ASCII letters: the IGNORECASE patterns are used
        return
    assert low is not None
    slow = [(m.span(), m.lastgroup) for m in numbers.ATOM.finditer(text)]
    assert [(m.span(), m.lastgroup) for m in numbers._ATOM_FOLDED.finditer(low)] == slow
    assert numbers._atoms(text, low) == numbers._atoms(text)  # folded and IGNORECASE paths agree
