"""The events stage's flat view of the parse gives what spaCy's own properties give."""

from __future__ import annotations

import pytest

from sitrep.stages.events_arguments import Caseless
from sitrep.stages.events_parse import ParseTable

TEXT = (
    "Russian forces shelled the village of Kupiansk overnight, the regional governor said. "
    "At least 12 civilians were killed and 30 injured, according to Ukraine's emergency service.\n\n"
    "Kyiv said it would send more air-defence units to the Kharkiv region next week."
)


@pytest.fixture(scope="module")
def parsed(nlp):
    doc = nlp(TEXT)
    return doc, ParseTable(doc, TEXT)


def test_parse_table_tree_matches_spacy(parsed):
    doc, pt = parsed
    assert pt.lower == [t.lower_ for t in doc]
    assert pt.head == [t.head.i for t in doc]
    for t in doc:
        assert pt.children[t.i] == [c.i for c in t.children]
        assert pt.ancestors(t.i) == [a.i for a in t.ancestors]
        assert pt.subtree_words(t.i) == {w.lower_ for w in t.subtree}
    assert pt.sentences() == [(s.start, s.end) for s in doc.sents]


def test_parse_table_span_roots_match_spacy(parsed):
    doc, pt = parsed
    # every character range over the first two sentences, token-aligned or not
    for start in range(0, 180, 3):
        for end in range(start + 1, min(start + 40, len(TEXT)) + 1, 2):
            span = doc.char_span(start, end, alignment_mode="expand")
            want = span.root.i if span is not None and len(span) else None
            assert pt.root(start, end) == want, (start, end, TEXT[start:end])


@pytest.mark.parametrize(
    "text,found",
    [
        ("Moscow WILL SEND more troops", True),
        ("the Willow river", False),
        ("\u017fhall send", True),  # a long s matches s only case-insensitively
        ("\u0130stanbul will send", True),  # a capital dotted I lower-cases to two characters
        ("nothing to see", False),
    ],
)
def test_caseless_search_matches_like_re_ignorecase(text, found):
    pattern = Caseless(r"\b(?:will|shall)\b")
    m = pattern.search(text)
    assert (m is not None) == found
    if m is not None:
        assert m.group(0).lower() in ("will", "shall", "\u017fhall")
        assert text[m.start() : m.end()].lower() == m.group(0).lower()
