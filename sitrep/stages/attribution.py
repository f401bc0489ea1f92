"""Attribution: who said what, citing whom, through which outlets.

Stage ``sitrep.attribution.v1`` needs the spaCy parse (and reads the entities
layer when an earlier stage filled it); it adds ``Document.attributions``.

How a sentence is read, over its dependency parse:

* a reporting verb (:mod:`sitrep.stages.cues`): its ``nsubj`` is the source
  (for a passive, the ``by`` agent; for a participle, relative clause or
  conjunct without a subject, the subject of the verb it hangs from) and its
  clausal complement (``ccomp``/``xcomp``), the quotation it introduces, or for
  some verbs its object, is the content. Belief verbs (``believe``, ``want``)
  count only with a clausal complement; ``X sees/views Y as Z`` is a view.
* a trailing reporting clause (``…, Ukraine's State Emergency Service said on
  Monday.``) takes as source the noun phrase between the last comma and the
  verb when the parse hung the verb elsewhere; a bare number (``2,700``) is
  never a source.
* ``according to X``: X is the source and the rest of the sentence the content.
* ``as reported by Y`` / ``quoted by Y`` / ``cited by Y``: Y is an outlet the
  statement went through (``via``); with no other cue in the sentence Y is the
  source. ``Y reported, citing X``: X is the source and Y goes into ``via``.
  ``X told Reuters``: Reuters goes into ``via``. ``via`` is nearest first and
  ends with the publisher when it is known. ``X said …, according to Reuters``:
  a news outlet framing another sourced statement goes into its ``via``;
  ``according to a statement by X`` / ``according to X's report``: X is the source.
* ``in a statement``, ``X's data shows``, ``this information comes from X``,
  ``corroborated by X`` are cues too; content that is only "this information"
  points back to the previous sentence.
* a passive without an agent (``it was reported that``) keeps its cue and is
  given to the publisher with kind ``unattributed``.

Sources resolve to an entity: the entities layer by span overlap, then
anaphora (``he``, ``they``, ``the ministry``, ``the emergency service``) to the
nearest earlier actor whose name holds the description's head noun, or of a
fitting kind, then spaCy's own entities, then the noun phrase itself.
``Ukraine's X`` is X with Ukraine's country; ``the governor of Kursk Oblast`` is
the governor (with the place's country), not the place.

A sentence in quotation marks right after an attributed quotation keeps its
source. Every other sentence left without a source becomes an ``unattributed``
record (source: the publisher, or "unknown publisher"; empty cue) only when it
carries a claim of fact: it holds a figure-like number (not a year or a date),
an event verb (``killed``, ``fired``, ``deployed`` …), or it is the lead (the
first sentence with a verb).

Hedges (``could``, ``may``, ``reportedly``, ``allegedly``, ``it is believed``
…) found in the statement are kept as ``hedge``, the first one found.

``cue`` is the reporting words as written, lower-cased (``said``, ``according
to``, ``corroborated``); ``cue_lemma`` their normalised form (``say``); the
cue span (``cue_start``/``cue_end``) also covers auxiliaries, adverbs and
particles written with it (``has also said``, ``called for``). The source span
is the whole phrase as written, appositions included.

Modules: the cue lexicon is :mod:`~sitrep.stages.cues`, the finders
:mod:`~sitrep.stages.statements` (with :mod:`~sitrep.stages.statements_verbs` and
:mod:`~sitrep.stages.statements_phrases`), source resolution
:mod:`~sitrep.stages.speakers`; this module runs them sentence by sentence. They
all read the parse through :mod:`~sitrep.stages.parse_view`, a plain-Python copy
of the tokens and the tree made once per document (spaCy makes a new object on
every token access, which cost more than the rules themselves).
"""

from __future__ import annotations

import bisect
import dataclasses
import functools
import heapq
import re
from typing import Any

from ..pipeline import Stage
from ..records import Attribution, Document
from . import cues
from .parse_view import ParseView, Stretch, view_of
from .speakers import (
    RELATIVE,
    SpeakerResolver,
    char_span,
    known_actor,
    subtree_range,
    text_of,
    token_range,
    trim,
)
from .statements import QUOTE_CHARS, Finding, find_statements, quote_regions, region_at

__all__ = ["NAME", "STAGE", "attribute"]

NAME = "sitrep.attribution.v1"

_HEDGE = re.compile(r"(?i:\b(?:" + "|".join(sorted(cues.HEDGE_WORDS - {"may"})) + r")\b)|\bmay\b")
_YEAR = re.compile(r"^(?:1[89]|20)\d\d$")
_DEMONSTRATIVE = frozenset({"this", "that", "these", "those", "it", "such"})
_POINTER_FIRST = _DEMONSTRATIVE | {"the"}
_POINTER_LAST = cues.CONTENT_NOUNS | _DEMONSTRATIVE

# --------------------------------------------------------------------------- the stage


#: words one of which every hedge match holds (lower case): the hedge words and the
#: verbs of the hedge phrases ("it is believed", "is said to", "appears to")
_HEDGE_ANCHORS = tuple(
    sorted(cues.HEDGE_WORDS | {"believed", "thought", "understood", "feared", "said to"})
) + ("appear", "seem")
#: characters that match an ASCII letter when case is ignored but do not lower-case to it
_FOLDS_TO_ASCII = ("\u017f", "\u212a", "\u0130", "\u0131")


@functools.lru_cache(maxsize=8)
def _hedge_anchors(text: str) -> tuple[list[int], list[int]] | None:
    """Where the hedge anchors stand in a text (starts, ends, by start), or ``None`` where
    lower-casing does not keep offsets: a span holding no anchor holds no hedge."""
    low = text.lower()
    if len(low) != len(text) or any(c in text for c in _FOLDS_TO_ASCII):
        return None
    found = []
    for word in _HEDGE_ANCHORS:
        at = low.find(word)
        while at >= 0:
            found.append((at, at + len(word)))
            at = low.find(word, at + 1)
    found.sort()
    return [a for a, _ in found], [b for _, b in found]


def _hedge(text: str, start: int, end: int) -> str | None:
    anchors = _hedge_anchors(text)
    if anchors is not None:
        starts, ends = anchors
        k = bisect.bisect_left(starts, start)
        while k < len(starts) and starts[k] < end and ends[k] > end:
            k += 1
        if k == len(starts) or starts[k] >= end:
            return None
    span = text[start:end]
    hits = [m for m in (_HEDGE.search(span), cues.HEDGE_PHRASES.search(span)) if m]
    if not hits:
        return None
    return min(hits, key=lambda m: m.start()).group(0).lower()


def _claims_fact(sent: Any, is_lead: bool) -> bool:
    if is_lead:
        return True
    for tok in sent:
        if (
            tok.like_num
            and tok.ent_type_ not in ("DATE", "TIME", "ORDINAL")
            and not _YEAR.match(tok.text)
        ):
            return True
        if tok.pos_ == "VERB" and cues.event_lemma(tok.text):
            return True
    return False


def _sentences(parse: ParseView) -> list[Stretch]:
    """spaCy's sentences, split again at line breaks (a paragraph never shares a sentence)."""
    breaks = [w.i for w in parse if "\n" in w.text]
    out = []
    for start, end in parse.sent_bounds:
        for i in breaks[bisect.bisect_left(breaks, start) : bisect.bisect_left(breaks, end - 1)]:
            out.append(Stretch(parse, start, i + 1))
            start = i + 1
        out.append(Stretch(parse, start, end))
    return [s for s in out if s.text.strip()]


def _previous_sentence(sent: Any) -> tuple[int, int] | None:
    doc = sent.doc
    i = sent.start - 1
    while i >= 0 and doc[i].is_space:
        i -= 1
    if i < 0:
        return None
    first = i
    while first > 0 and not doc[first].is_sent_start and "\n" not in doc[first - 1].text_with_ws:
        first -= 1
    return trim(text_of(doc), doc[first].idx, doc[i].idx + len(doc[i]))


def _written_before(parse: Any, verb: Any, first: int) -> int:
    """Where a verb's phrase begins: back over its auxiliaries, negation and adverbs."""
    while first > 0:
        prev = parse[first - 1]
        if prev.head.i != verb.i or prev.dep_ not in ("aux", "auxpass", "neg", "advmod"):
            break
        first -= 1
    return first


def _cue_phrase(parse: Any, f: Finding, start: int, end: int) -> tuple[int, int]:
    """The cue's span as written around its words: auxiliaries, negation and adverbs
    before the verb ("has also said"), the verb an infinitive cue completes ("refused to
    say"), a particle or preposition right after it ("called for").
    ``Attribution.cue`` keeps only the reporting words."""
    verb = f.cue[-1]
    if verb.pos_ == "NOUN" and f.content is not None:  # "Russia's claims about the drones"
        nxt = parse[verb.i + 1] if verb.i + 1 < len(parse) else None
        if (
            nxt is not None
            and nxt.head.i == verb.i
            and nxt.dep_ == "prep"
            and nxt.idx + len(nxt) <= f.content[0] <= nxt.idx + len(nxt) + 1
        ):
            return start, nxt.idx + len(nxt)
    if verb.pos_ not in ("VERB", "AUX"):
        return start, end
    first = _written_before(parse, verb, f.cue[0].i)
    # "refused to say", "goes on to say", "has tried to explain": the verb it completes
    gov = verb.head
    if (
        verb.dep_ == "xcomp"
        and gov.pos_ in ("VERB", "AUX")
        and 0 <= first - gov.i - 1 <= 2
        and not (f.source and f.source[0] <= gov.i < f.source[1])
        and all(
            t.head.i == gov.i and t.dep_ in ("prt", "dobj", "advmod", "neg")
            for t in parse[gov.i + 1 : first]
        )
    ):
        first = _written_before(parse, gov, gov.i)
    last = verb.i
    nxt = parse[last + 1] if last + 1 < len(parse) else None
    if (
        nxt is not None
        and nxt.head.i == verb.i
        and (nxt.dep_ == "prt" or (nxt.dep_ == "prep" and f.lemma in cues.RIGHT_CONTENT))
    ):
        last = nxt.i
    if f.content and f.content[0] < parse[last].idx + len(parse[last]) <= f.content[1]:
        last = verb.i  # never reach into the content
    begin = parse[first].idx
    if f.content and f.content[0] <= begin < f.content[1]:
        begin = start
    return min(start, begin), max(end, parse[last].idx + len(parse[last]))


def _source_span(
    parse: Any, f: Finding, cue_start: int, content: tuple[int, int]
) -> tuple[int, int]:
    """The source as written: its whole phrase with appositions and relative clauses
    ("Mike Lee, a Republican strategist,"), unless that would reach the cue or content."""
    assert f.source is not None
    core = char_span(parse, *f.source)
    root = parse.root_of(*f.source)
    if f.exact_source or root.dep_ == "pobj" or root.lower_ in RELATIVE:
        return core
    full = trim(text_of(parse), *char_span(parse, *subtree_range(root)))
    if full[0] <= cue_start < full[1] or (full[0] < content[1] and content[0] < full[1]):
        return core
    return full


def _build(
    doc: Document,
    parse: ParseView,
    f: Finding,
    sent: Any,
    resolver: SpeakerResolver,
    publisher: str,
) -> Attribution:
    text = doc.text
    cue_start, cue_end = char_span(parse, *token_range(f.cue))
    cue = cues.normalise_cue(text[cue_start:cue_end])
    cue_start, cue_end = _cue_phrase(parse, f, cue_start, cue_end)
    content = f.content or (cue_end, cue_end)
    # content that is only "this information" / "the report" points at the previous sentence
    words = text[content[0] : content[1]].split(None, 3)  # four or more: not such content
    if (
        0 < len(words) <= 3
        and words[0].lower() in _POINTER_FIRST
        and words[-1].lower() in _POINTER_LAST
    ):
        content = _previous_sentence(sent) or content
    src_start: int | None = None
    src_end: int | None = None
    if f.source is not None:
        actor = resolver.resolve(*f.source)
        name, kind, country = actor.name, actor.kind, actor.country
        src_start, src_end = _source_span(parse, f, cue_start, content)
    else:
        name, kind, country = publisher, "unattributed", None
    via = [known[0] if (known := known_actor(v)) else v for v in f.via if v]
    via = [v for v in via if v != name]
    if doc.publisher and (not via or via[-1] != doc.publisher) and name != doc.publisher:
        via.append(doc.publisher)
    points = [cue_start, cue_end, *content]
    if src_start is not None and src_end is not None:
        points += [src_start, src_end]
    start, end = min(points), max(points)
    return Attribution(
        start=start,
        end=end,
        text=text[start:end],
        source=name,
        cue=cue,
        via=tuple(dict.fromkeys(via)),
        content_start=content[0],
        content_end=content[1],
        source_kind=kind,
        source_country=country,
        hedge=_hedge(text, start, end),
        source_start=src_start,
        source_end=src_end,
        cue_start=cue_start,
        cue_end=cue_end,
        cue_lemma=f.lemma,
    )


def attribute(doc: Document) -> Document:
    """Find the attributions of one parsed document."""
    if doc.parse is None or not doc.text:
        return dataclasses.replace(doc, attributions=())
    parse = view_of(doc.parse, doc.text)
    try:
        out = _attribute(doc, parse)
    finally:
        parse.release()
    return dataclasses.replace(doc, attributions=tuple(out))


def _attribute(doc: Document, parse: ParseView) -> list[Attribution]:
    text = doc.text
    publisher = doc.publisher or "unknown publisher"
    regions = quote_regions(text)
    resolver = SpeakerResolver(doc, parse)
    out: list[Attribution] = []
    last_quoted: Attribution | None = None
    lead_seen = False
    # contents not yet begun (by start), and the furthest end of those begun: sentences
    # come in text order, so a sentence lies inside an earlier content iff it ends by then
    waiting: list[tuple[int, int]] = []
    seen, reach = 0, -1
    for sent in _sentences(parse):
        s_start, s_end = trim(text, sent.start_char, sent.end_char)
        if s_end <= s_start:
            continue
        is_lead = not lead_seen and any(t.pos_ in ("VERB", "AUX") for t in sent)
        lead_seen = lead_seen or is_lead
        for a in out[seen:]:
            heapq.heappush(waiting, (a.content_start, a.content_end))
        seen = len(out)
        while waiting and waiting[0][0] <= s_start:
            reach = max(reach, heapq.heappop(waiting)[1])
        if s_end <= reach:
            continue  # already the content of a quotation that began earlier
        built = [
            _build(doc, parse, f, sent, resolver, publisher) for f in find_statements(sent, regions)
        ]
        if built:
            out.extend(built)
            quoted = [
                a
                for a in built
                if region_at(regions, a.content_start, a.content_end)
                and a.source_kind != "unattributed"
            ]
            last_quoted = quoted[-1] if quoted else None
            continue
        inside = region_at(regions, s_start, s_end) or (
            text[s_start] in QUOTE_CHARS and region_at(regions, s_start, s_start + 1)
        )
        if inside and last_quoted is not None:
            prev = last_quoted
            out.append(
                dataclasses.replace(
                    prev,
                    start=s_start,
                    end=s_end,
                    text=text[s_start:s_end],
                    content_start=s_start,
                    content_end=s_end,
                    hedge=_hedge(text, s_start, s_end),
                    cue_start=None,
                    cue_end=None,
                )
            )
            continue
        last_quoted = None
        if _claims_fact(sent, is_lead):
            out.append(
                Attribution(
                    start=s_start,
                    end=s_end,
                    text=text[s_start:s_end],
                    source=publisher,
                    cue="",
                    via=(),
                    content_start=s_start,
                    content_end=s_end,
                    source_kind="unattributed",
                    hedge=_hedge(text, s_start, s_end),
                    cue_lemma=None,
                )
            )
    # a sentence a later statement points back to ("this information was corroborated by …")
    # is that statement's content, not an unattributed claim
    sourced = [(a.content_start, a.content_end) for a in out if a.cue]
    return [
        a
        for a in out
        if a.cue or not any(s <= a.content_start and a.content_end <= e for s, e in sourced)
    ]


STAGE = Stage(name=NAME, fn=attribute, needs=("parse",), adds=("attributions",))
