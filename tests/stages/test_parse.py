"""The parse stage: one pipeline per process, and the entity fixes after ner."""

from __future__ import annotations

from sitrep.records import Document
from sitrep.stages import parse


def _doc(text: str) -> Document:
    return parse.STAGE(
        Document(id="t", source="t", text=text, language="en", published="2025-01-01")
    )


def _ents(text: str) -> list[tuple[str, str]]:
    return [(e.text, e.label_) for e in _doc(text).parse.ents]


def test_parse_loads_pipeline_once_without_lemmatizer():
    nlp = parse.load_nlp()
    assert parse.load_nlp() is nlp
    assert "lemmatizer" not in nlp.pipe_names
    assert nlp.pipe_names.index("sitrep_actor_ents") == nlp.pipe_names.index("ner") + 1


def test_parse_kursk_is_a_place():
    assert ("Kursk", "GPE") in _ents(
        "North Korean troops were deployed to Kursk in 2025, officials said."
    )


def test_parse_numbers_never_part_of_names():
    ents = _ents("The Korea 2025 summit was held, and South Korea 2025 plans were published.")
    assert all(
        not any(ch.isdigit() for ch in text) for text, label in ents if label in ("GPE", "ORG")
    )


def test_parse_transliterated_leader_is_a_person():
    assert ("Kim Dżong Un", "PERSON") in _ents("Kim Dżong Un inspected a missile factory.")


def test_parse_demonyms_are_norp():
    assert ("North Korean", "NORP") in _ents("North Korean soldiers crossed the border.")


def test_parse_abbreviation_is_an_org():
    assert ("HUR", "ORG") in _ents("Ukraine's military intelligence (HUR) said the attack failed.")


def test_parse_span_offsets_match_text():
    doc = _doc("Kim Jong-un met Putin in Pyongyang on Tuesday.")
    for ent in doc.parse.ents:
        assert doc.text[ent.start_char : ent.end_char] == ent.text


def test_parse_batch_keeps_order():
    docs = [
        Document(id=str(i), source="t", text=t, language="en", published=None)
        for i, t in enumerate(["Kyiv.", "Seoul."])
    ]
    out = parse.STAGE.pipe(docs)
    assert [d.parse.text for d in out] == ["Kyiv.", "Seoul."]
    assert all(parse.NAME in d.stages for d in out)


def test_parse_names_never_cross_a_line_break():
    doc = _doc("Recommendations for Western Partners\n\nPartners should act. Kyiv agreed.")
    assert all("\n" not in e.text for e in doc.parse.ents)


def test_parse_short_abbreviation_in_capitals_headline_is_not_a_name():
    ents = _ents("WHY THIS IS THE WORST WINTER YET\n\nThe IS claimed the attack.")
    assert ("IS", "ORG") in ents and sum(1 for t, _ in ents if t == "IS") == 1
