"""The typed records that flow between stages.

Every record is a frozen, slotted dataclass. Annotations are character spans
(``start``, ``end``) into one unchanging cleaned text, ``Document.text``; a
stage never edits the text, it only adds spans.

Flow::

    inputs --read--> RawDocument --clean--> Document --parse/layers--> Document
                                                     --events/attribution--> Document
    Document --report--> Report (the contract's ``sitrep.report/1`` object)

``as_dict()`` on a record gives its contract shape.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "Annotation",
    "Attribution",
    "Claim",
    "Document",
    "EntityMention",
    "Entity",
    "Event",
    "EventActor",
    "EventLocation",
    "EventSource",
    "EventTime",
    "Evidence",
    "FigureMention",
    "PlaceMention",
    "RawDocument",
    "Rejection",
    "Removed",
    "Rights",
    "TimeMention",
    "as_dict",
]


def as_dict(record: Any) -> Any:
    """Turn a record (or a tuple/list/dict of them) into plain JSON-able data."""
    if dataclasses.is_dataclass(record) and not isinstance(record, type):
        to = getattr(record, "as_dict", None)
        if to is not None:
            return to()
        return {f.name: as_dict(getattr(record, f.name)) for f in dataclasses.fields(record)}
    if isinstance(record, (list, tuple)):
        return [as_dict(r) for r in record]
    if isinstance(record, dict):
        return {k: as_dict(v) for k, v in record.items()}
    return record


def _fields(record: Any, skip: tuple[str, ...] = ()) -> dict[str, Any]:
    return {
        f.name: as_dict(getattr(record, f.name))
        for f in dataclasses.fields(record)
        if f.name not in skip
    }


# --------------------------------------------------------------------------- reading


@dataclass(frozen=True, slots=True)
class Rejection:
    """An input the pipeline refused, with a coded, one-line reason.

    ``code`` is one of the codes in :mod:`sitrep.errors` (``E001`` …).
    """

    source: str
    code: str
    reason: str

    def message(self) -> str:
        return f"[{self.code}] {self.source}: {self.reason}"

    def as_dict(self) -> dict[str, Any]:
        return {"source": self.source, "code": self.code, "reason": self.reason}


@dataclass(frozen=True, slots=True)
class RawDocument:
    """One article as read from its input, before cleaning.

    ``text`` is the decoded text: the file itself for plain text, trafilatura's
    main text for HTML (with ``html`` kept for rights and metadata checks), a
    feed item's content, and so on. ``id`` is the sha256 of the raw bytes the
    document came from (for a feed or WARC item, of that item's bytes), so the
    same input always gets the same id.
    """

    id: str
    source: str
    text: str
    format: str  # "text" | "html" | "feed" | "warc" | "jsonl"
    html: str | None = None
    url: str | None = None
    canonical_url: str | None = None
    title: str | None = None
    section: str | None = None
    publisher: str | None = None
    byline: str | None = None
    published: str | None = None  # ISO date
    encoding: str | None = None
    # Rights signals found outside the text: tdm-reservation meta tags, TDMRep
    # or X-Robots-Tag headers, robots "noai" directives. Each a short string
    # such as "meta:tdm-reservation=1" or "header:x-robots-tag=noai".
    rights_signals: tuple[str, ...] = ()
    headers: tuple[tuple[str, str], ...] = ()


# --------------------------------------------------------------------------- cleaning


@dataclass(frozen=True, slots=True)
class Removed:
    """A line the cleaner removed, and why."""

    kind: str  # title_repeat|caption_repeat|credit|editor|nav|related|copyright|legal|other
    text: str


@dataclass(frozen=True, slots=True)
class Rights:
    tdm_reserved: bool = False
    notice: str | None = None
    signals: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        return {"tdm_reserved": self.tdm_reserved, "notice": self.notice, "signals": list(self.signals)}


# --------------------------------------------------------------------------- layers


@dataclass(frozen=True, slots=True)
class Annotation:
    """A bare labelled span; the base shape of every layer."""

    start: int
    end: int
    text: str
    label: str


@dataclass(frozen=True, slots=True)
class EntityMention:
    """An actor, person, organisation or place mention resolved to a canonical entity."""

    start: int
    end: int
    text: str
    label: str  # spaCy-style label: PERSON, ORG, GPE, NORP, LOC, FAC
    name: str  # canonical name ("Kim Jong Un", "North Korea")
    kind: str  # state|military|government|armed_group|person|organization|media|place
    country: str | None = None  # ISO 3166-1 alpha-2
    entity_id: str | None = None  # knowledge-base id, None for unknown names

    def as_dict(self) -> dict[str, Any]:
        return {
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "label": self.label,
            "name": self.name,
            "kind": self.kind,
            "country": self.country,
        }


@dataclass(frozen=True, slots=True)
class PlaceMention:
    start: int
    end: int
    text: str
    name: str
    country: str | None = None
    admin1: str | None = None
    lat: float | None = None
    lon: float | None = None
    precision: str | None = None  # point|city|admin1|country|region
    geonames_id: int | None = None
    resolved: bool = True


@dataclass(frozen=True, slots=True)
class TimeMention:
    start: int
    end: int
    text: str
    value_start: str | None  # ISO date, None when unknown
    value_end: str | None
    precision: str  # day|week|month|season|year|range|unknown
    timex: str | None = None  # TIMEX3-style value ("2024-01", "2024-W03", "PRESENT_REF")


@dataclass(frozen=True, slots=True)
class FigureMention:
    start: int
    end: int
    text: str
    value: float | None
    low: float | None
    high: float | None
    qualifier: str  # exact|approx|at_least|more_than|at_most|less_than|range|unknown
    category: str  # killed|injured|captured|missing|casualties|troops|units|weapons|tests|other
    subject: str | None = None


@dataclass(frozen=True, slots=True)
class Attribution:
    """A reported statement: who (``source``) said (``cue``) what (content span)."""

    start: int
    end: int
    text: str
    source: str  # canonical name, or the publisher for unattributed statements
    cue: str
    via: tuple[str, ...] = ()  # outlets it reached us through, nearest first
    content_start: int = 0
    content_end: int = 0
    source_kind: str = "unattributed"  # government|military|intelligence|media|person|organization|unattributed
    source_country: str | None = None
    hedge: str | None = None
    source_start: int | None = None
    source_end: int | None = None
    cue_start: int | None = None  # the cue's span; None when no cue is written
    cue_end: int | None = None
    cue_lemma: str | None = None  # normalised cue ("say", "according to"); see stages/cues.py

    def as_dict(self) -> dict[str, Any]:
        return {
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "source": self.source,
            "cue": self.cue,
            "via": list(self.via),
            "content_start": self.content_start,
            "content_end": self.content_end,
            "source_kind": self.source_kind,
            "source_country": self.source_country,
            "hedge": self.hedge,
        }


# --------------------------------------------------------------------------- events


@dataclass(frozen=True, slots=True)
class Evidence:
    start: int
    end: int
    text: str


@dataclass(frozen=True, slots=True)
class EventActor:
    name: str
    country: str | None
    kind: str
    role: str  # agent|target|victim|beneficiary|other


@dataclass(frozen=True, slots=True)
class EventLocation:
    name: str
    country: str | None = None
    admin1: str | None = None
    lat: float | None = None
    lon: float | None = None
    precision: str | None = None
    geonames_id: int | None = None


@dataclass(frozen=True, slots=True)
class EventTime:
    text: str | None
    start: str | None
    end: str | None
    precision: str


@dataclass(frozen=True, slots=True)
class EventSource:
    name: str
    kind: str
    country: str | None
    cue: str | None
    via: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Event:
    id: str
    type: str
    summary: str
    status: str  # occurred|ongoing|planned|possible|denied|unknown
    actors: tuple[EventActor, ...] = ()
    location: EventLocation | None = None
    time: EventTime | None = None
    figures: tuple[FigureMention, ...] = ()
    sources: tuple[EventSource, ...] = ()
    certainty: str = "asserted"  # asserted|reported|likely|possible|doubtful|denied
    evidence: tuple[Evidence, ...] = ()
    trigger: str | None = None
    # every trigger word's (start, end) in Document.text, for trigger-level scoring
    trigger_spans: tuple[tuple[int, int], ...] = ()

    def as_dict(self) -> dict[str, Any]:
        d = _fields(self, skip=("figures", "location", "trigger_spans"))
        d["trigger_spans"] = [list(t) for t in self.trigger_spans]
        d["figures"] = [
            {k: v for k, v in as_dict(f).items() if k not in ("start", "end")} for f in self.figures
        ]
        d["location"] = (
            None
            if self.location is None
            else {k: v for k, v in as_dict(self.location).items() if k != "geonames_id" or v is not None}
        )
        return d


@dataclass(frozen=True, slots=True)
class Claim:
    id: str
    text: str
    source: str
    cue: str | None
    via: tuple[str, ...] = ()
    hedge: str | None = None
    events: tuple[str, ...] = ()
    evidence: tuple[Evidence, ...] = ()
    source_kind: str = "unattributed"


@dataclass(frozen=True, slots=True)
class Entity:
    """An entity of the report: one per canonical name, with all its mentions."""

    name: str
    kind: str
    country: str | None
    aliases: tuple[str, ...]
    mentions: tuple[tuple[int, int], ...]
    lat: float | None = None
    lon: float | None = None
    admin1: str | None = None
    geonames_id: int | None = None
    precision: str | None = None

    def as_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {
            "name": self.name,
            "kind": self.kind,
            "country": self.country,
            "aliases": list(self.aliases),
            "mentions": [{"start": s, "end": e} for s, e in self.mentions],
        }
        if self.kind == "place":
            d.update(
                lat=self.lat,
                lon=self.lon,
                admin1=self.admin1,
                geonames_id=self.geonames_id,
                precision=self.precision,
            )
        return d


# --------------------------------------------------------------------------- the document


@dataclass(frozen=True, slots=True)
class Document:
    """A cleaned article and everything the stages found in it.

    Stages return a new ``Document`` (``dataclasses.replace``) with their layer
    filled and their versioned name appended to ``stages``.
    """

    id: str
    source: str
    text: str
    title: str | None = None
    section: str | None = None
    publisher: str | None = None
    byline: str | None = None
    published: str | None = None
    url: str | None = None
    language: str | None = None
    rights: Rights = field(default_factory=Rights)
    captions: tuple[str, ...] = ()
    removed: tuple[Removed, ...] = ()
    format: str = "text"
    # layers
    entities: tuple[EntityMention, ...] = ()
    places: tuple[PlaceMention, ...] = ()
    times: tuple[TimeMention, ...] = ()
    figures: tuple[FigureMention, ...] = ()
    attributions: tuple[Attribution, ...] = ()
    events: tuple[Event, ...] = ()
    claims: tuple[Claim, ...] = ()
    # versioned names of the stages that made this document ("sitrep.clean.v1", …)
    stages: tuple[str, ...] = ()
    # the spaCy Doc for this text, set by the parse stage; never serialised
    parse: Any = field(default=None, compare=False, repr=False)
