"""Finding attributed statements in one sentence, over its dependency parse.

Each finder turns a cue (a reporting verb, ``according to``, ``as reported
by``, ``citing``, ``in a statement``, an owned report noun, a speaker label
with a colon, ``… comes from X``) into a :class:`Finding`: the cue tokens, the
source phrase (token range), the content (char span) and any outlets it went
through. :func:`find_statements` runs them all and keeps one statement per
stretch of text. The rules are listed in :mod:`sitrep.stages.attribution`; the verb
finder is :mod:`~sitrep.stages.statements_verbs`, the others
:mod:`~sitrep.stages.statements_phrases`.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from typing import Any

from . import cues
from .parse_view import ParseView
from .speakers import (
    char_span,
    known_actor,
    noun_phrase,
    phrase_name,
    subtree_range,
    text_of,
    trim,
)
from .statements_phrases import (
    according,
    comes_from,
    noun_cue,
    relay_agent,
    speaker,
    statement_phrase,
)
from .statements_verbs import (
    QUOTE_CHARS,
    Finding,
    quote_regions,
    region_at,
    rest_of_sentence,
    verb_cue,
)

__all__ = ["QUOTE_CHARS", "Finding", "find_statements", "quote_regions", "region_at"]

_COMES = frozenset({"comes", "came", "come", "coming"})
#: words that open a finder whatever their part of speech
_TRIGGERS = frozenset({"citing", "according"}) | _COMES | frozenset(cues.NOUN_CUES)


@dataclass(slots=True)
class _Marks:
    """Where in a document each finder may fire, token indices in order: the rest of
    the words can hold no cue, so a sentence is read at these words only."""

    words: list[Any]
    finders: list[int]  # verbs, relay verbs (with a by-agent), trigger words
    agent_heads: set[int]  # words with a by-agent
    ins: list[int]  # "in" ("in a statement")
    colons: list[int]  # ":" (a speaker label)


def _marks(doc: ParseView) -> _Marks:
    marks = doc.user_data.get("sitrep.cue_marks")
    if marks is None:
        words = list(doc)
        lowers = doc.lowers
        agents = {words[i].head.i for i, dep in enumerate(doc.deps) if dep == "agent"}
        finders = [
            i
            for i, (pos, low) in enumerate(zip(doc.poses, lowers, strict=True))
            if pos in ("VERB", "AUX") or low in _TRIGGERS or i in agents
        ]
        ins = [i for i, low in enumerate(lowers) if low == "in"]
        colons = [i for i, low in enumerate(lowers) if low == ":"]  # ":" is its own lower case
        marks = doc.user_data["sitrep.cue_marks"] = _Marks(words, finders, agents, ins, colons)
    return marks


def _within(marks: list[int], start: int, end: int) -> list[int]:
    return marks[bisect.bisect_left(marks, start) : bisect.bisect_left(marks, end)]


def find_statements(sent: Any, regions: list[tuple[int, int]]) -> list[Finding]:
    doc = sent.doc
    marks = _marks(doc)
    words = marks.words
    found: list[Finding] = []
    relays: list[Any] = []
    citing: list[Any] = []
    for k in _within(marks.finders, sent.start, sent.end):
        tok = words[k]
        agent = relay_agent(tok) if k in marks.agent_heads else None
        if agent is not None:
            relays.append((tok, agent))
            continue
        low = tok.lower_
        if low == "citing":
            objs = [c for c in tok.children if c.dep_ in ("dobj", "pobj")]
            if objs:
                citing.append((tok, objs[0]))
            continue
        # each finder fires only on its own words: the guards save the calls
        hit = according(tok, sent) if low == "according" else None
        if hit is None and low in _COMES:
            hit = comes_from(tok, sent)
        if hit is None and tok.pos_ in ("VERB", "AUX"):
            hit = verb_cue(tok, sent, regions)
        if hit is None and low in cues.NOUN_CUES:
            hit = noun_cue(tok, sent, regions)
        if hit is not None:
            found.append(hit)
    colons = _within(marks.colons, sent.start, sent.end)
    label = speaker(sent, words[colons[0]]) if colons else None
    if label is not None:
        found.append(label)
    ins = _within(marks.ins, sent.start, sent.end)
    cue_heads = {t.i for f in found for t in f.cue} if ins else set()  # cue[-1] is in cue
    for k in ins:
        hit = statement_phrase(words[k], sent, cue_heads)
        if hit is not None:
            found.append(hit)
    if not found:
        for tok, agent in relays:  # "…, as reported by Yonhap": the outlet is the source
            src = subtree_range(agent)
            taken = char_span(doc, min(tok.i, src[0]), src[1])
            if tok.i > 0 and doc[tok.i - 1].lower_ == "as":
                taken = (doc[tok.i - 1].idx, taken[1])
            content = rest_of_sentence(sent, taken)
            if content:
                cue = ([doc[tok.i - 1]] if tok.i > 0 and doc[tok.i - 1].lower_ == "as" else []) + [
                    tok,
                    doc[tok.i + 1],
                ]
                relay = cues.verb_lemma(tok.text)
                found.append(
                    Finding(
                        cue=cue,
                        lemma=relay[0] if relay else tok.lower_,
                        source=src,
                        content=content,
                    )
                )
        relays = []
    found = _outlets_as_via(found)
    found = _drop_nested(found, regions)
    for f in found:
        for tok, agent in relays:
            f.via.append(phrase_name(doc, *noun_phrase(agent)))
            first = tok.i - 1 if tok.i > sent.start and doc[tok.i - 1].lower_ == "as" else tok.i
            f.content = _cut(text_of(doc), f.content, char_span(doc, first, agent.right_edge.i + 1))
        for tok, obj in citing:
            if f.source is not None and not f.source[0] <= tok.i < f.source[1]:
                f.via.insert(0, phrase_name(doc, *f.source))
                f.source = noun_phrase(obj)
                f.content = _cut(
                    text_of(doc), f.content, char_span(doc, tok.i, tok.right_edge.i + 1)
                )
    return found


def _is_outlet(doc: Any, source: tuple[int, int]) -> bool:
    """A news outlet, not one of its documents ("a CNN/ORC poll", "a Times report")."""
    if doc.root_of(*source).lower_ in cues.CONTENT_NOUNS:
        return False
    name = phrase_name(doc, *source)
    known = known_actor(name)
    return known[1] == "media" if known is not None else cues.is_media_name(name)


def _outlets_as_via(found: list[Finding]) -> list[Finding]:
    """ "X said Y, according to Reuters": a news outlet in an according-to frame around
    another sourced statement passed that statement on; it goes into that statement's
    ``via`` and the frame is dropped. A frame whose source is no outlet stays the source
    ("Russian troops said they took the village, according to Ukrainian officials")."""
    frames = [f for f in found if f.lemma == "according to" and f.source is not None]
    if not frames:
        return found
    doc = frames[0].cue[0].doc
    text = text_of(doc)
    drop: list[int] = []
    for frame in frames:
        assert frame.source is not None
        inner = [
            f
            for f in found
            if f is not frame
            and f.source is not None
            and not f.anonymous
            and frame.content is not None
            and frame.content[0] <= f.cue[0].idx < frame.content[1]
        ]
        if not inner or not _is_outlet(doc, frame.source):
            continue
        phrase = char_span(doc, frame.cue[0].i, frame.source[1])
        for f in inner:
            f.via.append(phrase_name(doc, *frame.source))
            f.content = _cut(text, f.content, phrase)
        drop.append(id(frame))
    return [f for f in found if id(f) not in drop]


def _cut(
    text: str, content: tuple[int, int] | None, phrase: tuple[int, int]
) -> tuple[int, int] | None:
    """Take a relay phrase ("as reported by Y", "citing X") off the edge of a content span."""
    if content is None or phrase[1] <= content[0] or phrase[0] >= content[1]:
        return content
    if phrase[0] <= content[0] + 2:
        cut = trim(text, phrase[1], content[1])
    elif phrase[1] >= content[1] - 2:
        cut = trim(text, content[0], phrase[0])
    else:
        return content
    return cut if cut[1] - cut[0] > 1 else content


def _drop_nested(found: list[Finding], regions: list[tuple[int, int]]) -> list[Finding]:
    """One attribution per stretch of text: a cue inside another's content is nested.

    Cues outside quotation marks win, then an according-to frame, then cues with an
    explicit complement, then the one nearest the root of the parse, then text order.
    """

    if len(found) < 2:
        return found

    def rank(f: Finding) -> tuple[bool, bool, bool, int, int]:
        at = f.cue[0].idx
        depth = sum(1 for _ in f.cue[-1].ancestors)
        # "X said Y, according to Z": the according-to frame holds the whole sentence
        return (any(a < at < b for a, b in regions), f.lemma != "according to", f.weak, depth, at)

    kept: list[Finding] = []
    for f in sorted(found, key=rank):
        at = f.cue[0].idx
        clash = [
            g
            for g in kept
            if (g.content and g.content[0] <= at < g.content[1])
            or (f.content and f.content[0] <= g.cue[0].idx < f.content[1])
        ]
        if clash and len(clash) == 1 and _goes_on(clash[0], f):
            g = clash[0]
            assert g.content is not None
            g.content = _before(text_of(f.cue[0].doc), g.content[0], f.cue[0].idx)
            clash = []
        if not clash:
            kept.append(f)
    return sorted(kept, key=lambda f: f.cue[0].i)


_LINKS = re.compile(r"(?:[\s,;:\u2013\u2014-]|\b(?:and|but|while|then|before|after)\b)+$", re.I)


def _before(text: str, start: int, end: int) -> tuple[int, int]:
    """``[start, end)`` without the links ("…, and", "… but") that lead on to what follows."""
    m = _LINKS.search(text, start, end)
    return trim(text, start, m.start() if m else end)


def _goes_on(outer: Finding, inner: Finding) -> bool:
    """ "X said A, adding B" / "X said A and warned B": a second reporting verb of the same
    speaker, coordinated with the first or a participle after it, that the parse hung inside
    the first one's complement. Both are statements; the first ends where the second begins."""
    verb = inner.cue[-1]
    return (
        outer.content is not None
        and inner.content is not None
        and outer.source is not None
        and inner.source == outer.source
        and not inner.anonymous
        and not inner.weak
        and verb.pos_ == "VERB"
        and verb.dep_ in ("conj", "advcl")
        and outer.cue[-1].i < verb.i
        and inner.content[0] > verb.idx
        and outer.content[0] < verb.idx - 1
    )
