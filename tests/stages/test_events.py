"""Events are built from hand-made layers over a real spaCy parse."""

from __future__ import annotations

import dataclasses

import pytest

from sitrep.records import (
    Attribution,
    Document,
    EntityMention,
    FigureMention,
    PlaceMention,
    TimeMention,
)
from sitrep.stages.events import STAGE, taxonomy

PUBLISHED = "2025-01-20"


class Builder:
    """Build layer records by the text they cover (first occurrence after ``after``)."""

    def __init__(self, text: str) -> None:
        self.text = text

    def at(self, s: str, after: int = 0) -> tuple[int, int]:
        i = self.text.index(s, after)
        return i, i + len(s)

    def ent(self, s: str, name: str, kind: str, country: str | None, label: str = "GPE", after: int = 0) -> EntityMention:
        i, j = self.at(s, after)
        return EntityMention(i, j, s, label, name, kind, country)

    def fig(self, s: str, value: float, qualifier: str, category: str, low=None, high=None, subject=None) -> FigureMention:
        i, j = self.at(s)
        return FigureMention(i, j, s, value, low, high, qualifier, category, subject)

    def place(self, s: str, name: str, country: str, precision: str, lat: float, lon: float, gid: int) -> PlaceMention:
        i, j = self.at(s)
        return PlaceMention(i, j, s, name, country, None, lat, lon, precision, gid)

    def time(self, s: str, start: str, end: str, precision: str) -> TimeMention:
        i, j = self.at(s)
        return TimeMention(i, j, s, start, end, precision)

    def attr(self, statement: str, source: str, kind: str, country: str | None, cue: str, source_text: str, content: str, via=()) -> Attribution:
        i, j = self.at(statement)
        si, sj = self.at(source_text)
        ci, cj = self.at(content)
        return Attribution(i, j, statement, source, cue, tuple(via), ci, cj, kind, country, source_start=si, source_end=sj)


def run(nlp, text: str, **layers) -> Document:
    doc = Document(id="doc1", source="t.txt", text=text, language="en", published=PUBLISHED, publisher="Example News")
    doc = dataclasses.replace(doc, parse=nlp(text), **layers)
    return STAGE(doc)


def test_events_two_sentences_one_casualty_event_with_both_figures(nlp):
    text = (
        "In mid-January, Seoul reported at least 300 North Korean soldiers killed. "
        "Around 2,700 were injured during battles in the Kursk region."
    )
    b = Builder(text)
    doc = run(
        nlp,
        text,
        entities=(b.ent("Seoul", "South Korea", "state", "KR"), b.ent("North Korean", "North Korea", "state", "KP", "NORP")),
        figures=(
            b.fig("at least 300 North Korean soldiers", 300, "at_least", "killed", low=300, subject="North Korean soldiers"),
            b.fig("Around 2,700", 2700, "approx", "injured"),
        ),
        times=(b.time("mid-January", "2025-01-11", "2025-01-20", "range"),),
        places=(b.place("Kursk", "Kursk Oblast", "RU", "admin1", 51.7, 36.2, 538555),),
        attributions=(b.attr("Seoul reported", "South Korea", "government", "KR", "reported", "Seoul", "at least 300 North Korean soldiers killed"),),
    )
    casualties = [e for e in doc.events if e.type == "casualties"]
    assert len(casualties) == 1
    ev = casualties[0]
    assert [f.category for f in ev.figures] == ["killed", "injured"]
    assert ev.location is not None and ev.location.name == "Kursk Oblast"
    assert ev.time is not None and ev.time.start == "2025-01-11"
    assert [s.name for s in ev.sources] == ["South Korea"]
    assert ("North Korea", "victim") in [(a.name, a.role) for a in ev.actors]
    assert "South Korea" not in [a.name for a in ev.actors]
    assert len(ev.evidence) == 2
    for e in ev.evidence:
        assert doc.text[e.start : e.end] == e.text
    # the battles are an attack in Kursk as well
    assert any(e.type == "attack" and e.location and e.location.name == "Kursk Oblast" for e in doc.events)


def test_events_source_chain_and_outlets_are_not_actors(nlp):
    text = "According to the Joint Chiefs of Staff, as reported by the Polish Press Agency, North Korea has deployed over 10,000 soldiers to Russia."
    b = Builder(text)
    doc = run(
        nlp,
        text,
        entities=(
            b.ent("Joint Chiefs of Staff", "Joint Chiefs of Staff", "military", "KR", "ORG"),
            b.ent("Polish Press Agency", "Polish Press Agency", "media", "PL", "ORG"),
            b.ent("North Korea", "North Korea", "state", "KP"),
            b.ent("Russia", "Russia", "state", "RU"),
        ),
        figures=(b.fig("over 10,000 soldiers", 10000, "more_than", "troops", low=10000, subject="soldiers"),),
        places=(b.place("Russia", "Russia", "RU", "country", 60.0, 100.0, 2017370),),
        attributions=(
            b.attr("According to the Joint Chiefs of Staff", "Joint Chiefs of Staff", "military", "KR", "according to", "Joint Chiefs of Staff", "North Korea has deployed over 10,000 soldiers to Russia", via=("Polish Press Agency", "Example News")),
        ),
    )
    (ev,) = [e for e in doc.events if e.type == "deployment"]
    assert ev.sources[0].name == "Joint Chiefs of Staff"
    assert ev.sources[0].via == ("Polish Press Agency", "Example News")
    assert ev.certainty == "reported"
    roles = {a.name: a.role for a in ev.actors}
    assert roles.get("North Korea") == "agent"
    assert "Polish Press Agency" not in roles
    assert ev.figures[0].qualifier == "more_than"
    (claim,) = doc.claims
    assert claim.source == "Joint Chiefs of Staff" and ev.id in claim.events


def test_events_possible_launch_doubted_by_no_indications(nlp):
    text = "North Korea could launch an ICBM in the coming weeks. However, no direct indications suggest these actions are imminent."
    b = Builder(text)
    doc = run(nlp, text, entities=(b.ent("North Korea", "North Korea", "state", "KP"),))
    (ev,) = doc.events
    assert ev.type == "weapons_test"
    assert ev.status == "possible"
    assert ev.certainty == "doubtful"
    assert ev.actors[0].name == "North Korea" and ev.actors[0].role == "agent"


def test_events_planned_deployment(nlp):
    text = "Pyongyang is preparing to send another 5,000 troops to the front."
    b = Builder(text)
    doc = run(
        nlp,
        text,
        entities=(b.ent("Pyongyang", "North Korea", "state", "KP"),),
        figures=(b.fig("another 5,000 troops", 5000, "exact", "troops", 5000, 5000, "troops"),),
    )
    (ev,) = doc.events
    assert ev.type == "deployment" and ev.status == "planned"


def test_events_denial_sentence_denies_previous_event(nlp):
    text = "Kyiv said Russian forces shelled Kherson overnight. Moscow denied the reports, calling them fabrications."
    b = Builder(text)
    doc = run(
        nlp,
        text,
        entities=(b.ent("Kyiv", "Ukraine", "state", "UA"), b.ent("Russian", "Russia", "state", "RU", "NORP"), b.ent("Moscow", "Russia", "state", "RU")),
        places=(b.place("Kherson", "Kherson", "UA", "city", 46.6, 32.6, 706448),),
        attributions=(
            b.attr("Kyiv said", "Ukraine", "government", "UA", "said", "Kyiv", "Russian forces shelled Kherson overnight"),
            b.attr("Moscow denied", "Russia", "government", "RU", "denied", "Moscow", "the reports, calling them fabrications"),
        ),
    )
    attacks = [e for e in doc.events if e.type == "attack"]
    assert {e.status for e in attacks} == {"occurred", "denied"}
    denied = next(e for e in attacks if e.status == "denied")
    assert denied.sources[0].name == "Russia" and denied.certainty == "denied"
    asserted = next(e for e in attacks if e.status == "occurred")
    assert asserted.location is not None and asserted.location.name == "Kherson"
    assert ("Russia", "agent") in [(a.name, a.role) for a in asserted.actors]


def test_events_two_launches_on_different_days_stay_apart(nlp):
    text = (
        "North Korea launched a ballistic missile on 5 January. "
        "Officials said the weather was cold. "
        "North Korea launched another ballistic missile on 14 January."
    )
    b = Builder(text)
    nk1 = b.ent("North Korea", "North Korea", "state", "KP")
    nk2 = b.ent("North Korea", "North Korea", "state", "KP", after=nk1.end)
    t1 = b.time("5 January", "2025-01-05", "2025-01-05", "day")
    t2 = b.time("14 January", "2025-01-14", "2025-01-14", "day")
    doc = run(nlp, text, entities=(nk1, nk2), times=(t1, t2))
    tests = [e for e in doc.events if e.type == "weapons_test"]
    assert len(tests) == 2
    assert sorted(e.time.start for e in tests if e.time) == ["2025-01-05", "2025-01-14"]


def test_events_repeated_mention_in_later_paragraph_merges(nlp):
    text = (
        "North Korea test-fired a hypersonic missile on Monday, officials said.\n"
        "Analysts said the weapon flew 1,000 km.\n"
        "The test-fired missile landed in the sea, North Korea later confirmed."
    )
    b = Builder(text)
    nk1 = b.ent("North Korea", "North Korea", "state", "KP")
    nk2 = b.ent("North Korea", "North Korea", "state", "KP", after=nk1.end)
    doc = run(nlp, text, entities=(nk1, nk2))
    tests = [e for e in doc.events if e.type == "weapons_test"]
    assert len(tests) == 1
    assert len(tests[0].evidence) == 2


def test_events_words_that_only_look_like_triggers_do_not_fire(nlp):
    text = "The aid workers test the water supply every March. She sent a letter to her mother."
    doc = run(nlp, text)
    assert doc.events == ()


def test_taxonomy_covers_the_contract_event_types():
    types = set(taxonomy().labels)
    assert {"deployment", "casualties", "attack", "weapons_test", "military_aid", "concealment", "protest", "sanction", "threat", "agreement", "arrest"} <= types


@pytest.mark.parametrize(
    "text,etype",
    [
        ("Iran supplied hundreds of drones to Russia.", "military_aid"),
        ("The soldiers wore disguised uniforms to conceal their identity.", "concealment"),
        ("Thousands of protesters rallied in the capital.", "protest"),
        ("The EU imposed new sanctions on Belarus.", "sanction"),
        ("Police arrested five men in Lagos.", "arrest"),
        ("The two sides signed a ceasefire agreement.", "agreement"),
        ("Hamas threatened to retaliate.", "threat"),
    ],
)
def test_events_each_type_is_recognised(nlp, text, etype):
    doc = run(nlp, text)
    assert etype in {e.type for e in doc.events}


def test_events_unnamed_security_force_is_the_agent(nlp):
    doc = run(nlp, "Police shot dead three rioters in the old city on Friday.")
    (ev,) = [e for e in doc.events if e.type == "casualties"]
    assert ("police", "agent") in [(a.name, a.role) for a in ev.actors]


def test_events_casualties_caused_by_an_attack_share_its_agent(nlp):
    doc = run(nlp, "One person was killed in police firing in the old city on Monday.")
    (cas,) = [e for e in doc.events if e.type == "casualties"]
    assert ("police", "agent") in [(a.name, a.role) for a in cas.actors]


def test_events_nobody_hurt_is_no_casualty_event(nlp):
    doc = run(nlp, "A drone struck a warehouse on the outskirts overnight, but nobody was hurt, the governor said.")
    assert "casualties" not in {e.type for e in doc.events}
    assert "attack" in {e.type for e in doc.events}


def test_events_missile_fired_into_the_sea_is_a_test(nlp):
    text = "North Korea fired a ballistic missile into the East Sea on Tuesday."
    b = Builder(text)
    doc = run(nlp, text, entities=(b.ent("North Korea", "North Korea", "state", "KP"),))
    assert [e.type for e in doc.events] == ["weapons_test"]


def test_events_drones_hit_a_depot_is_an_attack(nlp):
    doc = run(nlp, "The security service said its drones hit an oil depot in the region overnight.")
    assert "attack" in {e.type for e in doc.events}


def test_events_hit_as_figure_of_speech_is_no_attack(nlp):
    doc = run(nlp, "Grain exports hit a record high in March.")
    assert doc.events == ()


def test_events_speaker_is_not_an_actor_and_its_forces_are_the_speaker(nlp):
    text = "Ukraine's State Emergency Service said Russian missiles killed 12 people in Sumy. Moscow denied that its forces struck the city."
    b = Builder(text)
    doc = run(
        nlp,
        text,
        entities=(
            b.ent("Ukraine", "Ukraine", "state", "UA"),
            b.ent("State Emergency Service", "State Emergency Service of Ukraine", "government", "UA", "ORG"),
            b.ent("Russian", "Russia", "state", "RU", "NORP"),
            b.ent("Moscow", "Russia", "state", "RU"),
        ),
        figures=(b.fig("12 people", 12, "exact", "killed", 12, 12, "people"),),
        attributions=(
            b.attr("Ukraine's State Emergency Service said", "State Emergency Service of Ukraine", "government", "UA", "said", "State Emergency Service", "Russian missiles killed 12 people in Sumy"),
            b.attr("Moscow denied", "Russia", "government", "RU", "denied", "Moscow", "that its forces struck the city"),
        ),
    )
    cas = next(e for e in doc.events if e.type == "casualties")
    names = [a.name for a in cas.actors]
    assert "Ukraine" not in names and "State Emergency Service of Ukraine" not in names
    denied = next(e for e in doc.events if e.status == "denied")
    assert ("Russia", "agent") in [(a.name, a.role) for a in denied.actors]


def test_events_reporting_verb_that_is_the_event_makes_its_speaker_the_agent(nlp):
    text = "Germany pledged additional air-defence systems for Ukraine at a meeting in Brussels."
    b = Builder(text)
    g = b.ent("Germany", "Germany", "state", "DE")
    cue = text.index("pledged")
    attr = Attribution(
        0, cue + 7, "Germany pledged", "Germany", "pledged", (), cue + 8, len(text) - 1, "government", "DE",
        source_start=g.start, source_end=g.end, cue_start=cue, cue_end=cue + 7,
    )
    doc = run(nlp, text, entities=(g, b.ent("Ukraine", "Ukraine", "state", "UA")), attributions=(attr,))
    (aid,) = [e for e in doc.events if e.type == "military_aid"]
    assert ("Germany", "agent") in [(a.name, a.role) for a in aid.actors]


@pytest.mark.parametrize(
    "text,etype",
    [
        ("Turkish forces set up a new observation post in Idlib province.", "deployment"),
        ("Government forces recaptured the town of Mokha on Monday.", "attack"),
        ("Rebels captured two soldiers near the border.", "casualties"),
        ("Militants looted shops and torched a school in the village.", "attack"),
    ],
)
def test_events_territory_bases_and_looting(nlp, text, etype):
    assert etype in {e.type for e in run(nlp, text).events}


def test_events_set_up_a_committee_is_no_deployment(nlp):
    assert "deployment" not in {e.type for e in run(nlp, "The ministry set up a committee to review the budget.").events}


def test_events_denial_of_something_else_copies_no_event(nlp):
    text = "Lithuania deployed 300 troops to the border. Minsk has denied organising the crossings."
    doc = run(nlp, text)
    assert [e.status for e in doc.events if e.type == "deployment"] == ["occurred"]


def test_events_fighting_continues_is_ongoing(nlp):
    (ev,) = [e for e in run(nlp, "Fighting continues near Kupiansk, the governor said.").events if e.type == "attack"]
    assert ev.status == "ongoing"


def test_events_suspected_of_planning_is_planned(nlp):
    doc = run(nlp, "Two men were arrested on Friday, suspected of planning arson attacks on rail depots.")
    assert {e.type: e.status for e in doc.events}.get("attack") == "planned"


def test_events_people_detained_figure_joins_the_arrest(nlp):
    text = "Police detained 200 people after the rally."
    b = Builder(text)
    doc = run(nlp, text, figures=(b.fig("200 people", 200, "exact", "other", 200, 200, "people"),))
    (arrest,) = [e for e in doc.events if e.type == "arrest"]
    assert [f.value for f in arrest.figures] == [200]


def test_events_dateline_is_not_the_event_location(nlp):
    text = "SEOUL, Jan 3 (Yonhap) - North Korea launched a ballistic missile from Pyongyang on Friday."
    b = Builder(text)
    doc = run(
        nlp,
        text,
        entities=(b.ent("North Korea", "North Korea", "state", "KP"),),
        places=(
            b.place("SEOUL", "Seoul", "KR", "city", 37.5, 127.0, 1835848),
            b.place("Pyongyang", "Pyongyang", "KP", "city", 39.0, 125.7, 1871859),
        ),
    )
    (ev,) = [e for e in doc.events if e.type == "weapons_test"]
    assert ev.location is not None and ev.location.name == "Pyongyang"


def test_events_denial_copy_has_the_denial_as_its_trigger(nlp):
    text = "Kyiv said Russian forces shelled Kherson overnight. Moscow denied the reports, calling them fabrications."
    doc = run(nlp, text)
    (denied,) = [e for e in doc.events if e.status == "denied"]
    (s, t) = denied.trigger_spans[0]
    assert text[s:t] == "denied"
    assert all(any(ev.start <= a and b <= ev.end for a, b in denied.trigger_spans) for ev in denied.evidence)


@pytest.mark.parametrize(
    "text",
    [
        "The landslide claimed the lives of four miners near the border post.",
        "Several villagers were found mutilated after the night raid.",
        "Many lives were lost when the ferry sank in the storm.",
    ],
)
def test_events_lives_claimed_or_lost_and_mutilation_are_casualties(nlp, text):
    doc = run(nlp, text)
    casualties = [e for e in doc.events if e.type == "casualties"]
    assert casualties, [e.type for e in doc.events]
    phrase = text[casualties[0].trigger_spans[0][0] : casualties[0].trigger_spans[0][1]]
    assert phrase in ("claimed the lives", "mutilated", "lives were lost")


@pytest.mark.parametrize(
    "text,etype",
    [
        ("Police seized three suspects at a checkpoint outside the market.", "arrest"),
        ("The suspect was captured by police after a long chase.", "arrest"),
        ("Security forces picked up two men accused of smuggling grenades.", "arrest"),
        ("Rebels seized four soldiers after the ambush near the river.", "casualties"),
        ("Two fighters were captured by government troops during the battle.", "casualties"),
    ],
)
def test_events_taking_people_is_an_arrest_or_a_capture_by_who_takes_them(nlp, text, etype):
    types = {e.type for e in run(nlp, text).events}
    assert etype in types
    assert ({"arrest", "casualties"} - {etype}).isdisjoint(types)


@pytest.mark.parametrize(
    "text",
    [
        "Coast guards detained a fishing vessel in the bay on Tuesday.",
        "Police seized weapons and cash in the raid on the warehouse.",
        "The weapons were taken into custody by customs officers.",
        "The taxi picked up two passengers at the station.",
    ],
)
def test_events_taking_a_thing_is_no_arrest(nlp, text):
    assert "arrest" not in {e.type for e in run(nlp, text).events}


@pytest.mark.parametrize(
    "text",
    [
        "A car bomb exploded outside the ministry on Sunday.",
        "Insurgents blew up a bridge on the main highway.",
        "An explosive device went off near a police vehicle.",
    ],
)
def test_events_explosives_that_blow_up_are_attacks(nlp, text):
    assert "attack" in {e.type for e in run(nlp, text).events}


@pytest.mark.parametrize(
    "text",
    [
        "The merger deal blew up at the last minute.",
        "The fire alarm went off twice during the meeting.",
        "The minister blew up at reporters on Tuesday.",
        "Demand for bicycles exploded during the summer.",
    ],
)
def test_events_idioms_of_blowing_up_are_no_attacks(nlp, text):
    assert "attack" not in {e.type for e in run(nlp, text).events}


def test_events_it_exploded_after_a_sentence_about_a_bomb_is_an_attack(nlp):
    text = "Witnesses said a bomb had been hidden in a parked lorry. As the patrol drove past, it exploded."
    assert "attack" in {e.type for e in run(nlp, text).events}


def test_events_seizing_hostages_is_an_arrest_not_a_capture(nlp):
    text = "Gunmen seized dozens of hostages at the hotel."
    b = Builder(text)
    doc = run(nlp, text, figures=(b.fig("dozens of hostages", 24, "approx", "captured", subject="hostages"),))
    types = {e.type for e in doc.events}
    assert "arrest" in types and "casualties" not in types
