"""Events: typed events with actors, place, time, figures, sources and certainty.

Stage ``sitrep.events.v1``. Reads every earlier layer (parse, entities,
figures, times, places, attributions) and adds ``events`` and ``claims``.

How an event is found, sentence by sentence:

1. **Triggers.** Words and phrases from the taxonomy
   (``resources/taxonomy.json``). Ambiguous triggers need their object:
   "launched" is a weapons test only with a missile, rocket or satellite
   nearby (and an attack when it has a target: "launched an offensive",
   "fired at"); "sent"/"arrived" is a deployment only with troops, units or
   warships; "provided"/"delivered" is military aid only with weapons,
   equipment, training or money. "seized"/"captured"/"picked up" with people
   as the object (dobj, or the subject of a passive) is an arrest when police,
   security forces or authorities take them or they are suspects or
   hostages, else a capture in battle (casualties); with a town, weapons or a
   vessel as the object it is no arrest, and neither is "detained a vessel".
   "blew up", "went off", "exploded" is an attack only when its subject or
   object is an explosive or a target (not "the deal blew up"). Words inside
   names and dates never trigger.
2. **Figures make events too.** A troop figure with no deployment trigger
   ("over 10,000 soldiers in Russia") makes a deployment; a killed or injured
   figure makes a casualties event.
3. **Arguments** come from the sentence's dependency tree: an entity that is
   the subject of the trigger is the agent (of a passive verb: the target or
   victim), the object is the target, "to X"/"for X" is the beneficiary, the
   owner of a counted noun ("North Korean soldiers killed") is the victim of
   casualties and the agent of a deployment. The claimant of the sentence
   (its attribution source) is not an actor. The location is a place in the
   sentence introduced by a preposition or not used as an actor, the most
   precise first; the time is the time expression nearest the trigger.
4. **Status and certainty.** Future and plan markers (will, plans to,
   preparing to) give ``planned``; could/may/might give ``possible``;
   likely/expected give certainty ``likely``; a denial cue gives ``denied``;
   "no indications/evidence that ..." makes the events it speaks of
   ``doubtful`` (also the previous sentence's, when it says "these actions");
   a statement attributed to a source is ``reported``, the outlet's own is
   ``asserted``. A denial sentence with no event of its own ("Moscow dismissed
   the reports as fabrications") denies the events of the sentence before it.
5. **One event per event.** Candidates of one type merge when they sit in the
   same or neighbouring sentences, or repeat the same trigger word, and their
   places and times agree; they then share figures, place, time and sources
   and keep every evidence span. Different places or times keep them apart.

Claims are the attributions that support at least one event (or any named
source's statement), each pointing at the events it supports.
"""

from __future__ import annotations

import bisect
import dataclasses
from typing import Any

from ..pipeline import Stage
from ..records import Attribution, Claim, Document, Event, EventSource
from .events_arguments import (
    ACTOR_KINDS,
    DENIAL,
    NO_EVIDENCE,
    Caseless,
    link_actors,
    pick_location,
    pick_time,
    set_status,
    share_agents,
    source_of,
)
from .events_merge import claims, merge, publisher_source, to_event
from .events_parse import ParseTable
from .events_triggers import (
    Candidate,
    Sentence,
    Taxonomy,
    assign_figures,
    new_candidate,
    taxonomy,
    trigger_candidates,
    trigger_words,
)

__all__ = ["NAME", "STAGE", "Taxonomy", "extract_events", "taxonomy"]

NAME = "sitrep.events.v1"

#: what a denial with no event of its own denies: the reports or claims before it
_DENIED_REPORTS = Caseless(
    r"\b(?:reports?|claims?|allegations?|accounts?|accusations?|fabrications?|fake|lies|it|this|that|them)\b"
)
_ANAPHOR = Caseless(r"\b(?:these|those|such|this|that)\s+(?:actions?|moves?|steps?|plans?|reports?|claims?|launch(?:es)?|deployments?|tests?)\b")

def _inside(layer: tuple[Any, ...], sents: list[Sentence], starts: list[int]) -> list[tuple[Any, ...]]:
    """The spans of a layer that lie inside each sentence, in one pass over both."""
    out: list[list[Any]] = [[] for _ in sents]
    for item in layer:
        i = bisect.bisect_right(starts, item.start) - 1
        if i >= 0 and item.end <= sents[i].end_char:
            out[i].append(item)
    return [tuple(x) for x in out]


def _sentences(doc: Document, pt: ParseTable) -> list[Sentence]:
    """The parse's sentences, each with the layers that lie inside or overlap it.

    A span ``[a, b)`` overlaps the sentences ``[s, e)`` with ``a < e and s < b``
    (an empty span strictly inside a sentence overlaps it)."""
    text = doc.text
    sents = []
    for i, (first, end) in enumerate(pt.sentences()):
        s0, s1 = pt.idx[first], pt.end_char(end - 1)
        sents.append(Sentence(i, first, end, s0, s1, text[s0:s1]))
    starts = [s.start_char for s in sents]
    ends = [s.end_char for s in sents]
    for name, layer in (("figures", doc.figures), ("entities", doc.entities), ("places", doc.places), ("times", doc.times)):
        for sent, items in zip(sents, _inside(layer, sents, starts), strict=True):
            setattr(sent, name, items)
    left, right = bisect.bisect_right, bisect.bisect_left
    for a in doc.attributions:
        said = range(left(ends, a.start), right(starts, a.end))
        for j in said:
            sents[j].attributions.append(a)
            sents[j].touching.append(a)
        for j in range(left(ends, a.content_start), right(starts, a.content_end)):
            if j not in said:
                sents[j].touching.append(a)
        if a.source_start is not None and a.source_end is not None:
            for j in range(left(ends, a.source_start), right(starts, a.source_end)):
                sents[j].claimant_spans.append((a.source_start, a.source_end))
    for e in doc.entities:
        if e.kind in ACTOR_KINDS:
            for j in range(left(ends, e.start), right(starts, e.end)):
                sents[j].actor_spans.append((e.start, e.end))
    return sents


def _attributions_of(c: Candidate, sent: Sentence) -> list[Attribution]:
    """The attributions whose content holds the trigger, else all that touch its sentence."""
    covering = [a for a in sent.touching if a.content_start <= c.trigger_start and c.trigger_end <= a.content_end]
    return covering or sent.touching


def _claimants_for(
    c: Candidate, attrs: list[Attribution], sent: Sentence, claimant_spans: list[tuple[int, int]]
) -> tuple[list[Attribution], tuple[list[tuple[int, int]], list[tuple[int, int]]]]:
    """"Germany pledged air-defence systems": when the reporting verb is the event's own
    trigger, its "speaker" is the one who acts, not a claimant."""
    acting = [
        a
        for a in attrs
        if a.cue_start is not None and a.cue_end is not None and a.cue_start < c.trigger_end and c.trigger_start < a.cue_end
    ]
    if not acting:
        return attrs, (sent.claimant_spans, claimant_spans)
    own = {(a.source_start, a.source_end) for a in acting}
    return (
        [a for a in attrs if a not in acting],
        ([x for x in sent.claimant_spans if x not in own], [x for x in claimant_spans if x not in own]),
    )


def _refer_back(sent: Sentence, prev_cands: list[Candidate], doc: Document) -> list[Candidate]:
    """A sentence with no event of its own that doubts or denies "these actions" speaks
    of the events of the sentence before it; a denial becomes an event of its own."""
    text = sent.text
    if NO_EVIDENCE.search(text) and _ANAPHOR.search(text):
        for prev in prev_cands:
            prev.certainty = "doubtful" if prev.certainty not in ("denied",) else prev.certainty
            prev.evidence.append((sent.start_char, sent.end_char))
        return []
    m = DENIAL.search(text)
    if m is None or not _DENIED_REPORTS.search(text):
        return []
    out = []
    for prev in prev_cands:
        denial = new_candidate(prev.type, sent.start_char, prev.trigger_end, sent, prev.trigger)  # its own id: the denial sentence
        denial.trigger_spans = {(sent.start_char + m.start(), sent.start_char + m.end())}
        denial.actors = list(prev.actors)
        denial.location, denial.time = prev.location, prev.time
        denial.sources = [source_of(a) for a in sent.attributions] or [publisher_source(doc)]
        denial.status, denial.certainty = "denied", "denied"
        out.append(denial)
    return out


def extract_events(doc: Document) -> tuple[list[Event], list[Claim]]:
    """Events and claims of one parsed, annotated document."""
    tax = taxonomy()
    parse = doc.parse
    if parse is None:
        return [], []
    pt = ParseTable(parse, doc.text)
    claimant_spans = [(a.source_start, a.source_end) for a in doc.attributions if a.source_start is not None and a.source_end is not None]
    # outlets a claim passed through are messengers, not actors
    via = frozenset(v for a in doc.attributions for v in a.via)
    sources: dict[int, EventSource] = {}  # one record per attribution (making records is slow)
    all_cands: list[Candidate] = []
    prev: list[Candidate] = []
    hits = trigger_words(pt, tax)
    for sent in _sentences(doc, pt):
        lo = bisect.bisect_left(hits, sent.start)
        hi = bisect.bisect_left(hits, sent.end, lo)
        cands = trigger_candidates(pt, sent, tax, hits[lo:hi]) if hi > lo else []
        if sent.figures:
            assign_figures(cands, pt, tax, sent)
        for c in cands:
            c_attrs = _attributions_of(c, sent) or sent.attributions
            c_attrs, spans = _claimants_for(c, c_attrs, sent, claimant_spans)
            link_actors(c, pt, sent, via, spans, c_attrs, doc.text)
            pick_location(c, sent, doc.text)
            pick_time(c, sent)
            c.sources = [sources.get(id(a)) or sources.setdefault(id(a), source_of(a)) for a in c_attrs]
            set_status(c, pt, sent, c_attrs)
        share_agents(cands)
        if not cands and prev:
            cands = _refer_back(sent, prev, doc)
        prev = cands
        all_cands.extend(cands)
    events = [to_event(doc, c, tax) for c in merge(all_cands)]
    return events, claims(doc, events)


def _events_stage(doc: Document) -> Document:
    events, found = extract_events(doc)
    return dataclasses.replace(doc, events=tuple(events), claims=tuple(found))


STAGE = Stage(
    name=NAME,
    fn=_events_stage,
    needs=("parse", "entities", "figures", "times", "places", "attributions"),
    adds=("events", "claims"),
)
