"""The shared token table reads the same offsets, words and entities as spaCy's objects."""

from __future__ import annotations

from typing import Any

from sitrep.stages.token_table import TokenTable, token_table

TEXT = (
    "KYIV, Nov 3 (Reuters) - Russian forces shelled Kharkiv  overnight, "
    "the Ukrainian General Staff said.\n\nPresident Volodymyr Zelensky met "
    "NATO officials in Brussels on Tuesday."
)


def test_token_table_words_and_offsets_match_spacy(nlp: Any) -> None:
    doc = nlp(TEXT)
    table = TokenTable(doc, TEXT)
    assert table.words == [t.text for t in doc]
    assert table.lower == [t.lower_ for t in doc]
    assert [table.word(i) for i in range(len(doc))] == [t.text for t in doc]
    assert [table.low(i) for i in range(len(doc))] == [t.lower_ for t in doc]
    assert table.idx == [t.idx for t in doc]
    assert table.end == [t.idx + len(t) for t in doc]
    assert [table.ent_type(i) for i in range(len(doc))] == [t.ent_type_ for t in doc]
    assert table.span_text(3, 7) == doc[3:7].text
    assert list(table.space) == [int(bool(t.whitespace_)) for t in doc]
    assert list(table.pos) == [t.pos for t in doc]


def test_token_table_ents_match_doc_ents(nlp: Any) -> None:
    doc = nlp(TEXT)
    assert token_table(doc).ents() == [(e.start, e.end, e.label_) for e in doc.ents]


def test_token_table_is_built_once_per_parse(nlp: Any) -> None:
    doc, other = nlp(TEXT), nlp(TEXT)
    assert token_table(doc, TEXT) is token_table(doc)
    assert token_table(other) is not token_table(doc)


def test_token_table_takes_the_parse_text_when_given_another(nlp: Any) -> None:
    doc = nlp(TEXT)
    assert TokenTable(doc, TEXT + " extra").text == doc.text


def test_token_table_of_an_empty_parse(nlp: Any) -> None:
    table = TokenTable(nlp(""), "")
    assert (table.n, table.ents(), table.words) == (0, [], [])


def test_token_table_dies_with_its_parse(nlp: Any) -> None:
    import gc

    from sitrep.stages import token_table as module

    doc = nlp(TEXT)
    token_table(doc).ents()
    before = len(module._TABLES)
    del doc
    gc.collect()
    assert len(module._TABLES) == before - 1
