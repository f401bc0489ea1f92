"""The attribution stage's plain-Python view of the parse agrees with spaCy's own answers.

The stage reads every token attribute, tree link and span root through
:class:`sitrep.stages.parse_view.ParseView`; a disagreement with spaCy would
silently change who is said to have said what.
"""

from __future__ import annotations

from typing import Any

import pytest

from sitrep.stages.parse import load_nlp
from sitrep.stages.parse_view import ParseView

TEXTS = [
    "Two drones were shot down over the port overnight, the regional governor said.\n"
    "“We will respond,” Ukraine's State Emergency Service said on Monday.",
    "According to the Joint Chiefs of Staff, as reported by the Polish Press Agency, "
    "North Korea fired two ballistic missiles into the sea.  The ministry, which denied it, "
    "said 2,700 people were injured in Kharkiv and Sumy.",
]


def _token_facts(t: Any) -> tuple[object, ...]:
    return (
        t.i,
        t.idx,
        t.text,
        t.lower_,
        t.dep_,
        t.pos_,
        t.tag_,
        t.ent_type_,
        t.like_num,
        t.is_space,
        t.is_punct,
        t.text_with_ws,
        t.is_sent_start,
        t.head.i,
        [c.i for c in t.children],
        [c.i for c in t.lefts],
        [c.i for c in t.rights],
        [c.i for c in t.subtree],
        t.left_edge.i,
        t.right_edge.i,
        [a.i for a in t.ancestors],
    )


@pytest.mark.parametrize("text", TEXTS)
def test_parse_view_tokens_match_spacy(text: str) -> None:
    doc = load_nlp()(text)
    view = ParseView(doc, text)
    assert len(view) == len(doc)
    for tok, word in zip(doc, view, strict=True):
        assert _token_facts(word) == _token_facts(tok)


@pytest.mark.parametrize("text", TEXTS)
def test_parse_view_spans_sentences_and_entities_match_spacy(text: str) -> None:
    doc = load_nlp()(text)
    view = ParseView(doc, text)
    assert [(s.start, s.end) for s in view.sents] == [(s.start, s.end) for s in doc.sents]
    assert [(e.start, e.end, e.label_, e.text) for e in view.ents] == [
        (e.start, e.end, e.label_, e.text) for e in doc.ents
    ]
    for i in range(len(doc)):
        for j in range(i + 1, min(len(doc), i + 6) + 1):
            span = view.span(i, j)
            assert (span.root.i, span.text, span.start_char, span.end_char) == (
                doc[i:j].root.i,
                doc[i:j].text,
                doc[i:j].start_char,
                doc[i:j].end_char,
            )


def test_parse_view_release_empties_the_view() -> None:
    text = "The ministry said the bridge was hit."
    view = ParseView(load_nlp()(text), text)
    view.release()
    assert len(view) == 0
