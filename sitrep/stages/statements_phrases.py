"""Statement finders for cues that are not reporting verbs.

``according to X``; ``in a statement`` when the verb itself is no cue; an owned
report noun ("Russia's claim that …"); ``… comes from X``; a speaker label with
a colon ("TAPPER: …"); and the outlet of ``as reported by Y``. Each returns a
:class:`~sitrep.stages.statements_verbs.Finding` or ``None``.
"""

from __future__ import annotations

from typing import Any

from . import cues
from .speakers import (
    char_span,
    noun_phrase,
    subtree_range,
    text_of,
    trim,
)
from .statements_verbs import Finding, region_at, rest_of_sentence

__all__ = ["according", "comes_from", "noun_cue", "relay_agent", "speaker", "statement_phrase"]


def according(tok: Any, sent: Any) -> Finding | None:
    if tok.lower_ != "according":
        return None
    to = [c for c in tok.children if c.lower_ == "to"]
    if not to and tok.i + 1 < sent.end and tok.nbor().lower_ == "to":
        to = [tok.nbor()]
    if not to:
        return None
    pobj = [c for c in to[0].children if c.dep_ == "pobj"]
    if not pobj:
        return None
    doc = tok.doc
    source = noun_phrase(pobj[0])
    phrase = char_span(doc, tok.i, source[1])
    content = rest_of_sentence(sent, phrase)
    if content is None:
        return None
    cue = [tok, to[0]]
    exact = False
    # "according to a statement by the ministry", "according to the army's figures":
    # the document's owner speaks
    noun = pobj[0]
    if noun.lower_ in cues.CONTENT_NOUNS | cues.STATEMENT_NOUNS:
        by = [c for c in noun.rights if c.dep_ == "prep" and c.lower_ in ("by", "from", "of")]
        owner = [p for c in by for p in c.children if p.dep_ == "pobj"]
        poss = [c for c in noun.children if c.dep_ == "poss"]
        if owner and not cues.is_media_name(noun.text):
            cue = list(doc[tok.i : by[0].i + 1])
            source = noun_phrase(owner[0])
        elif poss:
            source = subtree_range(poss[0])
            if doc[source[1] - 1].dep_ == "case":
                source, exact = (source[0], source[1] - 1), True
    return Finding(
        cue=cue, lemma="according to", source=source, content=content, exact_source=exact
    )


def statement_phrase(tok: Any, sent: Any, taken: set[int]) -> Finding | None:
    """'In a statement, the ministry accused ...' when the verb itself is no cue."""
    if tok.lower_ != "in" or tok.dep_ != "prep" or tok.head.i in taken:
        return None
    pobj = [c for c in tok.children if c.dep_ == "pobj" and c.lower_ in cues.STATEMENT_NOUNS]
    if not pobj:
        return None
    verb = tok.head
    for _ in range(3):  # "took responsibility for the raid in a statement": up to the verb
        if verb.pos_ in ("VERB", "AUX") or verb.head.i == verb.i:
            break
        verb = verb.head
    subj = [c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass") and c.lower_ != "it"]
    if not subj or cues.verb_lemma(verb.text):
        return None
    doc = tok.doc
    text = text_of(doc)
    source = noun_phrase(subj[0])
    cue = list(doc[tok.i : pobj[0].i + 1])

    def at(i: int) -> int:
        return doc[i].idx if i < sent.end else sent.end_char

    if tok.i > verb.i:  # "the group took responsibility in a statement"
        content = trim(text, at(source[1]), tok.idx)
    else:  # "In a statement, the group took …" / "The group, in a statement, took …"
        content = trim(text, at(max(source[1], pobj[0].right_edge.i + 1)), sent.end_char)
    if content[1] - content[0] < 2:
        return None
    return Finding(
        cue=cue,
        lemma=cues.normalise_cue(" ".join(t.text for t in cue)),
        source=source,
        content=content,
    )


#: prepositions that introduce what an owned report noun is about ("Russia's claims about",
#: "the ministry's reply to")
_NOUN_CONTENT_PREPS = frozenset({"of", "about", "on", "over", "regarding", "to", "for", "against"})


def noun_cue(tok: Any, sent: Any, regions: list[tuple[int, int]]) -> Finding | None:
    """'Russia's claim that it downed 20 drones', 'the ministry's estimate of 300 dead'."""
    lemma = cues.NOUN_CUES.get(tok.lower_)
    if lemma is None or tok.pos_ != "NOUN":
        return None
    owner = [c for c in tok.children if c.dep_ == "poss"]
    owner += [
        p
        for c in tok.children
        if c.dep_ == "prep" and c.lower_ in ("by", "from")
        for p in c.children
        if p.dep_ == "pobj"
    ]
    if not owner:
        return None
    doc = tok.doc
    said = [
        c
        for c in tok.children
        if c.dep_ in ("acl", "ccomp", "appos", "relcl")
        and c.i > tok.i
        and c.lower_ not in ("which", "who")
    ]
    said += [
        p
        for c in tok.children
        if c.dep_ == "prep" and c.lower_ in _NOUN_CONTENT_PREPS
        for p in c.children
        if p.dep_ == "pobj"
    ]
    if said:
        i, j = subtree_range(said[0])
        content = char_span(doc, max(i, sent.start), min(j, sent.end))
        region = region_at(regions, content[0], content[1])
        content = region or content
    else:
        after = [
            r
            for r in regions
            if tok.idx < r[0] < sent.end_char
            and not text_of(doc)[tok.idx + len(tok) : r[0]].strip(" ,:-\u2014")
        ]
        if not after:
            return None
        content = after[0]
    return Finding(cue=[tok], lemma=lemma, source=noun_phrase(owner[0]), content=content)


def comes_from(tok: Any, sent: Any) -> Finding | None:
    """'This information comes from X'."""
    if tok.lower_ not in ("comes", "came", "come", "coming"):
        return None
    subj = [c for c in tok.children if c.dep_ == "nsubj" and c.lower_ in cues.CONTENT_NOUNS]
    frm = [c for c in tok.children if c.dep_ == "prep" and c.lower_ == "from"]
    pobj = [p for f in frm for p in f.children if p.dep_ == "pobj"]
    if not subj or not pobj:
        return None
    doc = tok.doc
    content = char_span(doc, *subtree_range(subj[0]))
    return Finding(
        cue=[tok, frm[0]], lemma="come from", source=noun_phrase(pobj[0]), content=content
    )


_NOT_SPEAKERS = frozenset(
    {
        "update",
        "breaking",
        "watch",
        "read",
        "note",
        "photo",
        "video",
        "live",
        "editor's note",
        "related",
        "source",
        "sources",
        "caption",
        "q",
        "a",
    }
)
_DASHES = frozenset({"-", "\u2013", "\u2014", "--"})


def speaker(sent: Any, colon: Any) -> Finding | None:
    """'TAPPER: …', 'Kelli Ward: Impeach …', 'Headline - Jeffrey Jones: “…”': a name, the
    sentence's first colon, the words."""
    doc = sent.doc
    if colon.i == sent.start:
        return None
    first = colon.i
    while (
        first > sent.start
        and doc[first - 1].text not in _DASHES
        and "\n" not in doc[first - 1].text
    ):
        first -= 1
    if "\n" in doc[first].text_with_ws and first < colon.i:
        first += 1
    speaker = doc.span(first, colon.i)
    if not 1 <= len(speaker) <= 6 or speaker.text.lower() in _NOT_SPEAKERS:
        return None
    if any(t.pos_ in ("VERB", "AUX") or t.is_punct for t in speaker):
        return None
    named = any(t.ent_type_ in ("PERSON", "ORG", "GPE", "NORP") for t in speaker) or (
        any(t.pos_ == "PROPN" for t in speaker) and all(t.text[:1].isupper() for t in speaker)
    )
    if not named and not (speaker.text.isupper() and len(speaker.text) >= 3):
        return None
    text = text_of(doc)
    line_end = text.find("\n", colon.idx)
    line_end = len(text) if line_end < 0 else line_end
    content = trim(text, colon.idx + 1, line_end)
    if content[1] - content[0] < 2:  # the words are the next paragraph
        nxt = len(text) - len(text[line_end:].lstrip())
        end = text.find("\n", nxt)
        content = trim(text, nxt, len(text) if end < 0 else end)
    if content[1] - content[0] < 2:
        return None
    return Finding(cue=[colon], lemma=":", source=(first, colon.i), content=content)


def relay_agent(tok: Any) -> Any | None:
    """The outlet of 'as reported by Y' / 'quoted by Y' / 'cited by Y'."""
    entry = cues.verb_lemma(tok.text)
    if entry is None or entry[0] not in cues.RELAY_VERBS:
        return None
    for child in tok.children:
        if child.dep_ == "agent":
            for pobj in child.children:
                if pobj.dep_ == "pobj":
                    return pobj
    return None
