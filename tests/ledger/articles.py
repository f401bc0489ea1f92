"""Hand-built articles for ledger tests: Documents carrying Event records.

Every text here is written for these tests.
"""

from __future__ import annotations

import hashlib

from sitrep.records import (
    Claim,
    Document,
    Event,
    EventActor,
    EventLocation,
    EventSource,
    EventTime,
    Evidence,
    FigureMention,
    Rights,
)

STAGES = ("sitrep.clean.v1", "sitrep.parse.v1", "sitrep.events.v1")


def doc_id(text: str, salt: str = "") -> str:
    return hashlib.sha256((salt + text).encode("utf-8")).hexdigest()


def source(
    name: str, kind: str = "government", country: str | None = None, via: tuple[str, ...] = ()
) -> EventSource:
    return EventSource(name=name, kind=kind, country=country, cue="said", via=via)


UNATTRIBUTED = EventSource(name="", kind="unattributed", country=None, cue=None)

KURSK = EventLocation("Kursk Oblast", "RU", "Kursk Oblast", 51.7, 36.2, "admin1")
SUDZHA = EventLocation("Sudzha", "RU", "Kursk Oblast", 51.19, 35.27, "city")
KHERSON = EventLocation("Kherson", "UA", "Kherson Oblast", 46.64, 32.61, "city")
PYONGYANG = EventLocation("Pyongyang", "KP", "Pyongyang", 39.03, 125.75, "city")


def figure(
    value: float, category: str = "killed", qualifier: str = "exact", text: str | None = None
) -> FigureMention:
    return FigureMention(
        0, 0, text or str(int(value)), value, None, None, qualifier, category, "soldiers"
    )


def event(
    event_id: str = "e1",
    *,
    type: str = "casualties",
    summary: str = "Soldiers killed in fighting",
    status: str = "occurred",
    agents: tuple[tuple[str, str | None], ...] = (("North Korea", "KP"),),
    location: EventLocation | None = KURSK,
    day: str | None = "2024-12-15",
    precision: str = "day",
    figures: tuple[FigureMention, ...] = (),
    sources: tuple[EventSource, ...] = (),
    certainty: str = "reported",
    evidence: str = "Soldiers were killed in the fighting.",
) -> Event:
    return Event(
        id=event_id,
        type=type,
        summary=summary,
        status=status,
        actors=tuple(EventActor(n, c, "state", "agent") for n, c in agents),
        location=location,
        time=None if day is None else EventTime(day, day, day, precision),
        figures=figures,
        sources=sources,
        certainty=certainty,
        evidence=(Evidence(0, len(evidence), evidence),),
    )


def article(
    text: str,
    *,
    events: tuple[Event, ...] = (),
    publisher: str | None = "Daily Example",
    published: str | None = "2024-12-16",
    title: str | None = "A test article",
    byline: str | None = None,
    reserved: bool = False,
    salt: str = "",
    claims: tuple[Claim, ...] = (),
) -> Document:
    return Document(
        id=doc_id(text, salt + (publisher or "")),
        source=f"test://{publisher}/{doc_id(text, salt)[:8]}",
        text=text,
        title=title,
        publisher=publisher,
        byline=byline,
        published=published,
        language="en",
        rights=Rights(
            tdm_reserved=reserved,
            notice="All rights reserved; no text and data mining." if reserved else None,
        ),
        events=events,
        claims=claims,
        stages=STAGES,
    )


STORY = (
    "Ukrainian officials said on Sunday that dozens of North Korean soldiers were killed "
    "during fighting near the village of Plekhovo in the Kursk region, the first such "
    "report since the troops were deployed to help Russian forces push back the incursion. "
    "The officials gave no exact figure for the wounded and said the fighting continued overnight."
)
