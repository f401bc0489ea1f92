"""One event per event: merging candidates, then the ``Event`` and ``Claim`` records.

Step 5 of the events stage (see ``sitrep.stages.events``).
"""

from __future__ import annotations

import hashlib
from typing import Any

from ..records import (
    Claim,
    Document,
    Event,
    EventLocation,
    EventSource,
    EventTime,
    Evidence,
    FigureMention,
    PlaceMention,
    TimeMention,
)
from .events_arguments import PLACE_PRECISION_RANK
from .events_triggers import Candidate, Taxonomy

__all__ = ["claims", "merge", "publisher_source", "to_event"]

TIME_PRECISION_RANK = {"day": 0, "week": 1, "month": 2, "range": 3, "season": 4, "year": 5, "unknown": 6}
_STATUS_ORDER = {s: i for i, s in enumerate(["denied", "planned", "possible", "unknown", "ongoing", "occurred"])}
_CERTAINTY_ORDER = {s: i for i, s in enumerate(["denied", "doubtful", "possible", "likely", "reported", "asserted"])}
_COARSE = frozenset({"country", "region"})


def _compatible_place(a: PlaceMention | None, b: PlaceMention | None) -> bool:
    if a is None or b is None:
        return True
    if a.geonames_id is not None and a.geonames_id == b.geonames_id:
        return True
    if a.name == b.name:
        return True
    if a.country and b.country and a.country != b.country:
        return False
    if a.precision in _COARSE or b.precision in _COARSE:
        return True
    if a.precision == "admin1" or b.precision == "admin1":
        return (a.admin1 or a.name) == (b.admin1 or b.name)
    return False


def _compatible_time(a: TimeMention | None, b: TimeMention | None) -> bool:
    if a is None or b is None or not a.value_start or not b.value_start:
        return True
    a_end = a.value_end or a.value_start
    b_end = b.value_end or b.value_start
    return a.value_start <= b_end and b.value_start <= a_end


def _agents(c: Candidate) -> frozenset[str]:
    return frozenset([x.name for x in c.actors if x.role == "agent"])


def _should_merge(a: Candidate, b: Candidate, agents_a: frozenset[str], agents_b: frozenset[str]) -> bool:
    """Is ``b`` (later in the text) the same event as ``a`` (whose agents are given)?

    Neighbouring sentences, a bare back-reference, or the same trigger word with an
    actor or place in common make one event; a different place, time, day or agent
    keeps them apart."""
    if a.type != b.type or (a.status == "denied") != (b.status == "denied"):
        return False
    near_to = a.sent_indices
    near = any([i in near_to or i - 1 in near_to or i + 1 in near_to for i in b.sent_indices])
    # a bare back-reference ("the losses", "the launch") adds nothing new: it is the earlier event
    bare = not b.figures and b.time is None and (b.location is None or b.location.precision in _COARSE)
    if not (near or bare or a.triggers & b.triggers):
        return False
    if not (_compatible_place(a.location, b.location) and _compatible_time(a.time, b.time)):
        return False
    if (
        a.time is not None
        and b.time is not None
        and a.time.precision == "day" == b.time.precision
        and a.time.value_start
        and b.time.value_start
        and a.time.value_start != b.time.value_start
    ):
        return False  # two different days
    if agents_a and agents_b and not agents_a & agents_b:
        return False  # different hands: "the US announced a package ... Germany pledged systems"
    if near or bare:
        return True
    names_a = {x.name for x in a.actors} | ({a.location.name} if a.location else set())
    names_b = {x.name for x in b.actors} | ({b.location.name} if b.location else set())
    return bool(names_a & names_b)


def _same_figure(f: FigureMention, g: FigureMention) -> bool:
    """The same number said twice (a heading and the body), or literally the same span."""
    return (f.start, f.end) == (g.start, g.end) or (
        f.category == g.category and f.qualifier == g.qualifier and (f.value, f.low, f.high) == (g.value, g.low, g.high)
    )


def _merge_into(a: Candidate, b: Candidate) -> None:
    for f in b.figures:
        if not any(_same_figure(f, g) for g in a.figures):
            a.figures.append(f)
    names = {x.name for x in a.actors}
    for actor in b.actors:
        if actor.name not in names:
            a.actors.append(actor)
            names.add(actor.name)
        elif actor.role != "other":
            a.actors = [actor if (x.name == actor.name and x.role == "other") else x for x in a.actors]
    if b.location is not None and (
        a.location is None or PLACE_PRECISION_RANK.get(b.location.precision, 5) < PLACE_PRECISION_RANK.get(a.location.precision, 5)
    ):
        a.location = b.location
    if b.time is not None and (a.time is None or TIME_PRECISION_RANK.get(b.time.precision, 6) < TIME_PRECISION_RANK.get(a.time.precision, 6)):
        a.time = b.time
    names = {s.name for s in a.sources}
    a.sources.extend(s for s in b.sources if s.name not in names)
    a.evidence.extend(e for e in b.evidence if e not in a.evidence)
    a.triggers |= b.triggers
    a.trigger_spans |= b.trigger_spans
    a.sent_indices |= b.sent_indices
    if _STATUS_ORDER[b.status] < _STATUS_ORDER[a.status]:
        a.status = b.status
    if _CERTAINTY_ORDER[b.certainty] < _CERTAINTY_ORDER[a.certainty]:
        a.certainty = b.certainty


def merge(cands: list[Candidate]) -> list[Candidate]:
    """Candidates in text order, each merged into the first earlier event it belongs to."""
    out: list[Candidate] = []
    by_type: dict[str, list[list[Any]]] = {}  # only events of one type ever merge: [event, its agents]
    for c in sorted(cands, key=lambda c: (c.sent_index, c.trigger_start)):
        same = by_type.setdefault(c.type, [])
        agents = _agents(c)
        for entry in same:
            if _should_merge(entry[0], c, entry[1], agents):
                _merge_into(entry[0], c)
                entry[1] = _agents(entry[0])
                break
        else:
            out.append(c)
            same.append([c, agents])
    return out


# --------------------------------------------------------------------------- output

_QUALIFIER_WORDS = frozenset(
    {"around", "about", "at", "over", "more", "nearly", "almost", "roughly", "some", "an", "approximately", "up", "fewer", "less", "between", "dozens", "hundreds", "thousands", "several", "a", "the"}
)


def _figure_phrase(f: FigureMention) -> str:
    text = f.text.strip()
    first = text.split(" ", 1)[0]
    if first.istitle() and first.lower() in _QUALIFIER_WORDS:
        text = text[0].lower() + text[1:]
    words = text.lower()
    if f.category in ("killed", "injured", "captured", "missing") and f.category not in words:
        return f"{text} {f.category}"
    return text


def _summary(c: Candidate, tax: Taxonomy) -> str:
    label = tax.labels.get(c.type, c.type)
    agents = [a.name for a in c.actors if a.role == "agent"]
    targets = [a.name for a in c.actors if a.role in ("target", "victim") and a.name not in agents]
    benef = [a.name for a in c.actors if a.role == "beneficiary"]
    parts = [label]
    if agents:
        parts.append("by " + ", ".join(agents[:2]))
    if targets and c.type not in ("casualties",):
        parts.append(("against " if c.type in ("attack", "threat", "sanction") else "of ") + ", ".join(targets[:2]))
    if benef:
        parts.append("to " + ", ".join(benef[:2]))
    line = " ".join(parts)
    if c.figures:
        line += ": " + ", ".join(_figure_phrase(f) for f in c.figures[:3])
    if c.location is not None:
        line += f" in {c.location.name}"
    if c.time is not None:
        line += f" ({c.time.text})"
    if c.status in ("planned", "possible", "denied"):
        line += f" [{c.status}]"
    return line


def publisher_source(doc: Document) -> EventSource:
    return EventSource(doc.publisher or "unknown publisher", "unattributed", None, None, ())


def to_event(doc: Document, c: Candidate, tax: Taxonomy) -> Event:
    loc = None
    if c.location is not None:
        p = c.location
        loc = EventLocation(p.name, p.country, p.admin1, p.lat, p.lon, p.precision, p.geonames_id)
    tm = None
    if c.time is not None:
        tm = EventTime(c.time.text, c.time.value_start, c.time.value_end, c.time.precision)
    sources = list(c.sources) or [publisher_source(doc)]
    if any(s.kind != "unattributed" for s in sources):
        sources = [s for s in sources if s.kind != "unattributed"]
    text = doc.text
    evidence = tuple(Evidence(s, e, text[s:e]) for s, e in sorted(set(c.evidence)))
    digest = hashlib.sha1(f"{doc.id}:{c.type}:{c.trigger_start}".encode()).hexdigest()[:12]
    return Event(
        id=f"ev-{digest}",
        type=c.type,
        summary=_summary(c, tax),
        status=c.status,
        actors=tuple(c.actors),
        location=loc,
        time=tm,
        figures=tuple(sorted(c.figures, key=lambda f: f.start)),
        sources=tuple(sources),
        certainty=c.certainty,
        evidence=evidence,
        trigger=c.trigger,
        trigger_spans=tuple(sorted(c.trigger_spans)),
    )


def claims(doc: Document, events: list[Event]) -> list[Claim]:
    """The attributions that support an event (or any named source's statement)."""
    out: list[Claim] = []
    by_source: dict[str, list[tuple[str, list[tuple[int, int]]]]] = {}
    for ev in events:
        spans = [(e.start, e.end) for e in ev.evidence]
        for name in {s.name for s in ev.sources}:
            by_source.setdefault(name, []).append((ev.id, spans))
    text = doc.text
    for a in doc.attributions:
        lo, hi = min(a.start, a.content_start or a.start), max(a.end, a.content_end or a.end)
        supports = tuple([ev_id for ev_id, spans in by_source.get(a.source, ()) if any([s < hi and lo < e for s, e in spans])])
        if a.source_kind == "unattributed" and not supports:
            continue
        cs, ce = (a.content_start, a.content_end) if a.content_end > a.content_start else (a.start, a.end)
        digest = hashlib.sha1(f"{doc.id}:{a.start}:{a.end}:{a.source}".encode()).hexdigest()[:12]
        out.append(
            Claim(
                id=f"cl-{digest}",
                text=text[cs:ce],
                source=a.source,
                cue=a.cue or None,
                via=tuple(a.via),
                hedge=a.hedge,
                events=supports,
                evidence=(Evidence(a.start, a.end, text[a.start : a.end]),),
                source_kind=a.source_kind,
            )
        )
    return out
