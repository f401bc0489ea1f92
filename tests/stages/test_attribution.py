"""The attribution stage: who said what, citing whom, through which outlets.

Every article here is written for these tests. Each test parses its text with
the shared spaCy pipeline, adds hand-built entity mentions where the test is
about entities, and runs the attribution stage alone.
"""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sitrep.records import Attribution, Document, EntityMention
from sitrep.stages import attribution, cues, parse


def _doc(
    text: str, publisher: str | None = "Example Times", entities: tuple[EntityMention, ...] = ()
) -> Document:
    doc = Document(
        id="t", source="t", text=text, language="en", published="2024-11-05", publisher=publisher
    )
    return dataclasses.replace(parse.STAGE(doc), entities=entities)


def _run(text: str, **kwargs: object) -> tuple[Attribution, ...]:
    return attribution.STAGE(_doc(text, **kwargs)).attributions  # type: ignore[arg-type]


def _mention(
    text: str, surface: str, name: str, kind: str, country: str | None, label: str = "ORG"
) -> EntityMention:
    start = text.index(surface)
    return EntityMention(start, start + len(surface), surface, label, name, kind, country)


def _sourced(attrs: tuple[Attribution, ...]) -> list[Attribution]:
    return [a for a in attrs if a.source_kind != "unattributed"]


def _content(text: str, a: Attribution) -> str:
    return text[a.content_start : a.content_end]


def test_attribution_said_gives_subject_as_source_and_clause_as_content() -> None:
    text = "The Ukrainian Defence Ministry said 300 Russian soldiers were killed near Bakhmut."
    (a,) = _run(text)
    assert a.cue == "said" and a.cue_lemma == "say"
    assert text[a.cue_start : a.cue_end] == "said"
    assert text[a.source_start : a.source_end] == "The Ukrainian Defence Ministry"
    assert _content(text, a) == "300 Russian soldiers were killed near Bakhmut"
    assert a.via == ("Example Times",)


def test_attribution_cue_span_covers_auxiliaries_but_cue_keeps_the_verb() -> None:
    text = "The Kremlin has also denied that its troops entered the town."
    (a,) = _run(text)
    assert a.cue == "denied" and a.cue_lemma == "deny"
    assert text[a.cue_start : a.cue_end] == "has also denied"


def test_attribution_parenthetical_said_takes_rest_of_sentence() -> None:
    text = "Two drones were shot down over the port overnight, the regional governor said."
    (a,) = _run(text)
    assert a.cue == "said" and a.source_kind == "government"
    assert _content(text, a) == "Two drones were shot down over the port overnight"


def test_attribution_according_to_with_reported_by_chain() -> None:
    text = (
        "According to the Joint Chiefs of Staff, as reported by the Polish Press Agency, "
        "North Korea fired two ballistic missiles into the sea on Monday."
    )
    ents = (
        _mention(text, "Joint Chiefs of Staff", "Joint Chiefs of Staff", "military", "KR"),
        _mention(text, "Polish Press Agency", "Polish Press Agency", "media", "PL"),
        _mention(text, "North Korea", "North Korea", "state", "KP", "GPE"),
    )
    (a,) = _sourced(_run(text, entities=ents))
    assert (a.source, a.source_kind, a.source_country) == (
        "Joint Chiefs of Staff",
        "military",
        "KR",
    )
    assert a.cue == "according to"
    assert a.via == ("Polish Press Agency", "Example Times")
    assert _content(text, a) == "North Korea fired two ballistic missiles into the sea on Monday"


def test_attribution_according_to_frames_a_nested_said() -> None:
    text = "Russian troops said they had taken the village, according to Ukrainian officials."
    (a,) = _sourced(_run(text))
    assert a.cue == "according to" and a.source_kind == "government"
    assert _content(text, a) == "Russian troops said they had taken the village"


def test_attribution_corroborated_by_agent_is_an_intelligence_source() -> None:
    text = "Russian units were moved to Kursk last week. This information was corroborated by General Kyrylo Budanov."
    ents = (_mention(text, "Kyrylo Budanov", "Kyrylo Budanov", "person", "UA", "PERSON"),)
    (a,) = _run(text, entities=ents)  # the first sentence is its content, not an unattributed claim
    assert (a.source, a.source_kind, a.source_country, a.cue) == (
        "Kyrylo Budanov",
        "intelligence",
        "UA",
        "corroborated",
    )
    # "this information" points back at the sentence before
    assert _content(text, a) == "Russian units were moved to Kursk last week"


def test_attribution_citing_moves_the_reporting_outlet_into_via() -> None:
    text = "Yonhap reported, citing the Joint Chiefs of Staff, that the missile flew 800 km."
    (a,) = _run(text)
    assert a.source == "Joint Chiefs of Staff" and a.cue == "reported"
    assert a.via == ("Yonhap", "Example Times")
    assert _content(text, a) == "that the missile flew 800 km"


def test_attribution_told_a_news_agency_adds_it_to_via() -> None:
    text = '"We will answer every strike," the defence minister told Reuters.'
    (a,) = _run(text)
    assert a.cue == "told" and a.via == ("Reuters", "Example Times")
    assert _content(text, a) == '"We will answer every strike,"'


def test_attribution_ministry_anaphor_resolves_to_the_earlier_ministry() -> None:
    text = (
        "The Ministry of Defence of Ukraine said the bridge was hit twice. "
        "The ministry added that repairs could take weeks."
    )
    ents = (
        _mention(
            text,
            "Ministry of Defence of Ukraine",
            "Ministry of Defence of Ukraine",
            "government",
            "UA",
        ),
    )
    first, second = _sourced(_run(text, entities=ents))
    assert second.source == first.source == "Ministry of Defence of Ukraine"
    assert second.source_country == "UA"
    assert text[second.source_start : second.source_end] == "The ministry"


def test_attribution_pronoun_resolves_to_the_nearest_earlier_person() -> None:
    text = "Olena Marchenko runs the clinic in the village. She said 14 patients arrived after the shelling."
    ents = (_mention(text, "Olena Marchenko", "Olena Marchenko", "person", "UA", "PERSON"),)
    (a,) = _sourced(_run(text, entities=ents))
    assert a.source == "Olena Marchenko" and a.source_kind == "person"


def test_attribution_quote_in_next_sentence_keeps_the_source() -> None:
    text = (
        '"The front is holding," the commander told the Example Times. '
        '"We need more shells." The weather was cold and grey.'
    )
    attrs = _sourced(_run(text))
    assert len(attrs) == 2
    assert attrs[0].source == attrs[1].source
    assert _content(text, attrs[1]) == '"We need more shells."'
    assert attrs[1].cue_start is None  # no cue is written in that sentence


def test_attribution_unattributed_only_for_claims_of_fact() -> None:
    text = (
        "Heavy fighting continued around the town on Tuesday. "
        "The sky was overcast all morning. "
        "At least 12 civilians were wounded. "
        "Artillery struck the railway station."
    )
    attrs = _run(text)
    contents = [_content(text, a) for a in attrs]
    assert "The sky was overcast all morning" not in contents  # no figure, no event, not the lead
    assert "Heavy fighting continued around the town on Tuesday" in contents  # the lead
    assert "At least 12 civilians were wounded" in contents  # a figure
    assert "Artillery struck the railway station" in contents  # an event verb
    assert all(
        a.source == "Example Times" and a.source_kind == "unattributed" and a.cue == ""
        for a in attrs
    )


def test_attribution_unknown_publisher_when_none_is_known() -> None:
    (a,) = _run("Three missiles hit the airfield.", publisher=None)
    assert a.source == "unknown publisher" and a.via == ()


def test_attribution_passive_it_was_reported_keeps_its_cue() -> None:
    text = "It was reported that about 1,500 troops had crossed the border."
    (a,) = _run(text)
    assert a.cue == "it was reported" and a.source_kind == "unattributed"
    assert _content(text, a) == "that about 1,500 troops had crossed the border"


@pytest.mark.parametrize(
    ("text", "hedge"),
    [
        ("Officials said the strike reportedly killed four fighters.", "reportedly"),
        ("The ministry said the dam could collapse.", "could"),
        ("It is believed that 40 vehicles were lost.", "it is believed"),
        ("The army said the attack allegedly came from the north.", "allegedly"),
        ("The army said 20 tanks were destroyed in May.", None),
    ],
)
def test_attribution_hedge_word_is_kept(text: str, hedge: str | None) -> None:
    attrs = _run(text)
    assert attrs and attrs[0].hedge == hedge


def test_attribution_statement_data_and_comes_from_cues() -> None:
    text = (
        "In a statement, the group took responsibility for the attack on the base. "
        "The UN's data shows that 12,000 civilians have died. "
        "This information comes from the monitoring mission."
    )
    attrs = _sourced(_run(text))
    assert [a.cue for a in attrs] == ["in a statement", "data shows", "comes from"]
    assert attrs[1].source == "UN" or attrs[1].source.endswith("United Nations")
    assert _content(text, attrs[2]) == "The UN's data shows that 12,000 civilians have died"


@pytest.mark.parametrize(
    "text",
    [
        "In a statement, the group took responsibility for the raid.",
        "The group, in a statement, took responsibility for the raid.",
        "The group took responsibility for the raid in a statement posted online.",
    ],
)
def test_attribution_in_a_statement_wherever_it_stands(text: str) -> None:
    (a,) = _sourced(_run(text))
    assert a.cue == "in a statement" and a.source == "group"
    assert _content(text, a) == "took responsibility for the raid"


def test_attribution_owned_claim_noun_is_a_cue() -> None:
    text = "Kyiv rejected the Wagner group's claim that its fighters had captured the village."
    a = next(a for a in _run(text) if a.cue == "claim")
    assert "Wagner" in a.source and a.cue_lemma == "claim"
    assert _content(text, a) == "that its fighters had captured the village"


def test_attribution_speaker_label_with_colon() -> None:
    text = "Governor Ana Lopez: We will rebuild every school that was destroyed."
    (a,) = _sourced(_run(text))
    assert a.cue == ":" and "Ana Lopez" in a.source
    assert _content(text, a) == "We will rebuild every school that was destroyed"


def test_attribution_belief_of_a_speaker_inside_a_quote_is_not_a_new_source() -> None:
    text = '"I think the offensive has stalled," the analyst said.'
    attrs = _sourced(_run(text))
    assert [a.cue for a in attrs] == ["said"]


def test_attribution_spans_point_into_the_text() -> None:
    text = (
        "Kyiv, Ukraine\n\nRussian forces fired 40 drones overnight, the air force said. "
        '"Most were shot down," spokesman Yurii Ihnat told Ukrinform. '
        '"Two hit a depot." According to local officials, a fire broke out and could spread, '
        "as reported by the Kyiv Independent."
    )
    attrs = _run(text)
    assert len(attrs) >= 3
    for a in attrs:
        assert a.text == text[a.start : a.end]
        assert 0 <= a.start <= a.content_start <= a.content_end <= a.end <= len(text)
        if a.source_start is not None and a.cue_start is not None:
            assert a.start <= a.source_start < a.source_end <= a.end
        if a.cue_start is not None:
            assert a.cue in text[a.cue_start : a.cue_end].lower().replace("\u2019", "'")


def test_cues_verb_lemma_normalises_inflections() -> None:
    assert cues.verb_lemma("said") == ("say", "speech")
    assert cues.verb_lemma("Says") == ("say", "speech")
    assert cues.verb_lemma("reporting") == ("report", "speech")
    assert cues.verb_lemma("denied") == ("deny", "speech")
    assert cues.verb_lemma("believes") == ("believe", "cognition")
    assert cues.verb_lemma("fired") is None


_WORDS = st.sampled_from(
    [
        "said",
        "according",
        "to",
        "the",
        "ministry",
        "“",
        "”",
        '"',
        "''",
        ":",
        ",",
        ".",
        "\n",
        "he",
        "reported",
        "by",
        "citing",
        "Reuters",
        "12",
        "killed",
        "may",
        "it",
        "was",
        "agency",
        "-",
        "who",
    ]
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_WORDS, max_size=30), st.text(max_size=40))
def test_attribution_random_text_never_raises_and_spans_stay_inside(
    words: list[str], noise: str
) -> None:
    text = " ".join(words) + noise
    if not text.strip():
        return
    for a in _run(text):
        assert 0 <= a.start <= a.end <= len(text)
        assert a.text == text[a.start : a.end]
        assert 0 <= a.content_start <= a.content_end <= len(text)
        for s, e in ((a.source_start, a.source_end), (a.cue_start, a.cue_end)):
            if s is not None:
                assert e is not None and 0 <= s <= e <= len(text)


# --------------------------------------------------------------------------- trailing reporting clauses


def test_attribution_trailing_said_after_a_figure_clause_takes_the_phrase_before_it() -> None:
    # the parse may hang "said" on the casualty clause and give it "1,200" as subject
    text = (
        "About 150 rebel fighters have been captured and some 1,200 wounded in clashes near "
        "Goma in Congo, Rwanda's Defence Forces said in late March, as reported by the Kenya "
        "News Agency."
    )
    (a,) = _sourced(_run(text))
    assert a.cue == "said" and a.source_country == "RW"
    assert text[a.source_start : a.source_end] == "Rwanda's Defence Forces"
    assert a.via == ("Kenya News Agency", "Example Times")
    assert _content(text, a) == (
        "About 150 rebel fighters have been captured and some 1,200 wounded in clashes near "
        "Goma in Congo"
    )


@pytest.mark.parametrize(
    "text",
    [
        "Shelling destroyed 14 houses and injured 6 residents in Nikopol on Friday, "
        "Ukraine's State Emergency Service said.",
        "Shelling destroyed 14 houses and injured 6 residents in Nikopol, "
        "Ukraine's State Emergency Service said on Friday.",
    ],
)
def test_attribution_sentence_final_said_is_not_given_to_the_clause_subject(text: str) -> None:
    (a,) = _run(text)
    assert (a.source, a.source_country, a.cue) == ("State Emergency Service", "UA", "said")
    assert text[a.source_start : a.source_end] == "Ukraine's State Emergency Service"
    assert _content(text, a).startswith("Shelling destroyed 14 houses and injured 6 residents")


def test_attribution_possessive_source_is_the_owned_body_with_the_owner_country() -> None:
    text = "Two people died in the landslide, Moldova's Civil Protection Service said."
    (a,) = _run(text)
    assert (a.source, a.source_country) == ("Civil Protection Service", "MD")


def test_attribution_number_is_never_a_source() -> None:
    text = "Some 40 were rescued and 2,300 said they had lost their homes."
    assert all(a.source != "2,300" for a in _run(text))


def test_attribution_apposition_before_said_keeps_the_named_subject() -> None:
    text = "Olena Kovalenko, the regional governor, said 5 people were hurt in the blast."
    (a,) = _run(text)
    assert a.source == "Olena Kovalenko" and a.cue == "said"


def test_attribution_definite_description_resolves_to_the_earlier_named_body() -> None:
    text = (
        "Three bridges collapsed and 20 people drowned in the floods, Georgia's Emergency "
        "Management Service said. Rescuers reached the cut-off villages by noon, the "
        "emergency service said in a statement. The service later said 4 more bodies were found."
    )
    attrs = _run(text)
    assert [(a.source, a.source_country) for a in attrs] == [
        ("Emergency Management Service", "GE")
    ] * 3


def test_attribution_definite_description_skips_a_body_of_another_kind() -> None:
    text = (
        "The Kenya News Agency reported the convoy was stopped. Later the ministry said "
        "12 trucks were turned back."
    )
    ents = (_mention(text, "Kenya News Agency", "Kenya News Agency", "media", "KE"),)
    last = _run(text, entities=ents)[-1]
    assert last.source != "Kenya News Agency"


def test_attribution_according_to_an_outlet_around_a_statement_goes_into_via() -> None:
    text = (
        "Floodwater cut off four villages overnight, Georgia's Emergency Management Service "
        "said, according to the Interfax news agency."
    )
    (a,) = _run(text)
    assert (a.source, a.cue) == ("Emergency Management Service", "said")
    assert a.via == ("Interfax", "Example Times")
    assert _content(text, a) == "Floodwater cut off four villages overnight"


def test_attribution_share_of_people_is_a_source_though_a_number() -> None:
    text = "Seven in 10 say the ceasefire will not hold."
    (a,) = _run(text)
    assert text[a.source_start : a.source_end] == "Seven in 10" and a.cue == "say"


def test_attribution_according_to_an_outlet_poll_stays_the_source() -> None:
    text = (
        "Most residents said they felt unsafe, according to a Kyiv Independent poll "
        "published in May."
    )
    (a,) = _sourced(_run(text))
    assert a.cue == "according to"


# --------------------------------------------------------------------------- more cues


def test_attribution_sees_x_as_y_is_a_view_of_its_subject() -> None:
    text = "Warsaw sees the new border fence as a shield against smuggling."
    (a,) = _run(text)
    assert (a.cue, a.cue_lemma) == ("sees", "see")
    assert _content(text, a) == "the new border fence as a shield against smuggling"


def test_attribution_see_without_an_as_phrase_is_no_cue() -> None:
    text = "Villagers saw the convoy as it crossed the river at dawn."
    assert not _sourced(_run(text))


def test_attribution_expressed_takes_its_object_as_content() -> None:
    text = "The Red Cross expressed alarm at the shelling of the hospital."
    (a,) = _run(text)
    assert a.cue == "expressed"
    assert _content(text, a) == "alarm at the shelling of the hospital"


def test_attribution_cue_span_covers_the_verb_an_infinitive_cue_completes() -> None:
    text = "The commander refused to say whether the bridge had been mined."
    (a,) = _run(text)
    assert a.cue == "say" and text[a.cue_start : a.cue_end] == "refused to say"
    assert _content(text, a) == "whether the bridge had been mined"


def test_attribution_according_to_a_statement_by_gives_its_author_as_source() -> None:
    text = "Four border guards were wounded, according to a statement by the Latvian interior ministry."
    (a,) = _sourced(_run(text))
    assert text[a.cue_start : a.cue_end] == "according to a statement by"
    assert text[a.source_start : a.source_end] == "the Latvian interior ministry"
    assert _content(text, a) == "Four border guards were wounded"


def test_attribution_according_to_an_owned_document_gives_its_owner() -> None:
    text = "Nine tanks were lost near the river, according to the brigade's report."
    (a,) = _sourced(_run(text))
    assert a.cue == "according to" and a.source_kind == "military"
    assert text[a.source_start : a.source_end] == "the brigade"


def test_attribution_owned_noun_cue_span_takes_its_preposition() -> None:
    text = "The ministry's explanation of the blackout was dismissed by residents."
    (a,) = [a for a in _run(text) if a.cue == "explanation"]
    assert text[a.cue_start : a.cue_end] == "explanation of"
    assert _content(text, a) == "the blackout"


def test_attribution_preposition_after_a_right_content_verb_belongs_to_the_cue() -> None:
    text = "The mayor called for calm after the blast at the depot."
    (a,) = _run(text)
    assert text[a.cue_start : a.cue_end] == "called for" and a.cue == "called"
    assert _content(text, a) == "calm after the blast at the depot"


def test_attribution_the_ministry_resolves_to_a_defence_ministry_filed_as_military() -> None:
    text = (
        "Moldova's Defence Ministry denied that its jets crossed the border. "
        "The ministry said the flights were training runs."
    )
    ents = (
        _mention(
            text, "Moldova's Defence Ministry", "Ministry of Defence of Moldova", "military", "MD"
        ),
    )
    last = _run(text, entities=ents)[-1]
    assert (last.source, last.source_country) == ("Ministry of Defence of Moldova", "MD")


def test_attribution_office_of_a_place_is_the_source_not_the_place() -> None:
    text = (
        "Two drones hit a substation in Kursk, the governor of Kursk Oblast said. "
        "Power was restored by noon, the governor said."
    )
    ents = (_mention(text, "Kursk Oblast", "Kursk Oblast", "place", "RU", "GPE"),)
    attrs = _run(text, entities=ents)
    assert [(a.source, a.source_kind, a.source_country) for a in attrs] == [
        ("governor of Kursk Oblast", "government", "RU")
    ] * 2


def test_attribution_gerund_after_a_preposition_takes_the_main_subject() -> None:
    text = "The minister erred in saying that the dam was never mined."
    (a,) = _run(text)
    assert a.cue == "saying" and text[a.source_start : a.source_end] == "The minister"
    assert _content(text, a) == "that the dam was never mined"


def test_attribution_first_person_belief_outside_quotes_is_the_writers_view() -> None:
    text = "I think the truce will collapse before the winter."
    (a,) = _run(text)
    assert a.cue == "think" and _content(text, a) == "the truce will collapse before the winter"


def test_attribution_document_in_a_relative_clause_still_shows() -> None:
    text = "The surveys that show the governor ahead in Kherson worried his rivals."
    (a,) = _run(text)
    assert a.cue == "show" and text[a.source_start : a.source_end] == "The surveys"


@pytest.mark.parametrize(
    ("text", "cue", "content"),
    [
        (
            "Kyiv hailed the prisoner exchange as a breakthrough.",
            "hailed",
            "the prisoner exchange as a breakthrough",
        ),
        (
            "The envoys discussed a ceasefire along the river.",
            "discussed",
            "a ceasefire along the river",
        ),
        (
            "The brigade learned that the bridge had been mined.",
            "learned",
            "that the bridge had been mined",
        ),
    ],
)
def test_attribution_newer_reporting_verbs_take_their_content(
    text: str, cue: str, content: str
) -> None:
    (a,) = _run(text)
    assert a.cue == cue and _content(text, a) == content


@pytest.mark.parametrize("verb", ["said", "suspect"])
def test_attribution_aside_between_commas_takes_the_words_around_it(verb: str) -> None:
    text = f"The depot, investigators {verb}, was hit by a glide bomb."
    (a,) = _run(text)
    assert a.cue == verb and text[a.source_start : a.source_end] == "investigators"
    assert _content(text, a) == text.rstrip(".")


def test_attribution_pro_form_content_so_or_the_same_is_kept() -> None:
    text = "In March most villagers wanted the ferry back, and the mayor said so at the meeting."
    attrs = [a for a in _run(text) if a.cue == "said"]
    assert len(attrs) == 1 and _content(text, attrs[0]) == "so"


def test_attribution_inverted_said_after_a_quotation_takes_it_as_content() -> None:
    text = "\u201cWe will hold the bridge,\u201d said Colonel Petrenko, the brigade commander."
    (a,) = _run(text)
    assert a.cue == "said" and "Petrenko" in a.source
    assert "We will hold the bridge" in _content(text, a)


def test_attribution_second_reporting_verb_of_the_same_speaker_is_its_own_statement() -> None:
    text = (
        "The governor denied ordering the curfew and accuses the army of staging the "
        "incidents to justify higher spending."
    )
    attrs = _sourced(_run(text))
    assert [a.cue for a in attrs] == ["denied", "accuses"]
    assert _content(text, attrs[0]) == "ordering the curfew"
    assert "staging the incidents" in _content(text, attrs[1])
    assert attrs[0].source == attrs[1].source
