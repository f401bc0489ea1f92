"""A small hand-made ledger for the web tests: Documents carrying Events, written for these tests.

Includes one hostile article whose title, publisher, text, URL and event summary
carry script tags, event handlers, a javascript: URL and a bidi override.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from sitrep.records import (
    Claim,
    Document,
    EntityMention,
    Event,
    EventActor,
    EventLocation,
    EventSource,
    EventTime,
    Evidence,
    FigureMention,
    Rights,
)

STAGES = ("sitrep.clean.v1", "sitrep.entities.v1", "sitrep.figures.v1", "sitrep.events.v1")

KURSK = EventLocation("Kursk Oblast", "RU", "Kursk Oblast", 51.7, 36.2, "admin1")
KHERSON = EventLocation("Kherson", "UA", "Kherson Oblast", 46.64, 32.61, "city")
PYONGYANG = EventLocation("Pyongyang", "KP", "Pyongyang", 39.03, 125.75, "city")

# set by any script that runs; the browser tests assert it stays unset
XSS = "<script>window.__xss=1</script><img src=x onerror=\"window.__xss=2\">"
XSS_TITLE = f"Strike report {XSS} \u202eevil\u202c"
XSS_URL = "javascript:window.__xss=3"

CLASH = (
    "Ukrainian officials said on Sunday that 300 soldiers were killed in fighting in the Kursk region. "
    "The figure could not be confirmed independently."
)
CLASH_RU = (
    "Russia's defence ministry said 500 soldiers were killed when an assault in the Kursk region failed. "
    "It gave no figure for its own losses."
)
UPDATE = (
    "Ukrainian officials said on Wednesday that 350 soldiers had now been killed in the Kursk fighting, "
    "raising their earlier count."
)
LAUNCH = (
    "North Korea fired a ballistic missile off its east coast on Tuesday, the South Korean military said. "
    "Japan said it fell outside its economic zone."
)
MARKET = (
    "Shelling hit a market in Kherson on Saturday, regional officials said, killing four people. "
    "Repair crews worked through the night."
)
HOSTILE = (
    f"A drone strike hit a depot near Kherson. {XSS} Officials said 2 people were injured. "
    "Read more at javascript:alert(1) \u202edetacilpmoc\u202c."
)


def _id(*parts: str) -> str:
    return hashlib.sha256("|".join(parts).encode("utf-8")).hexdigest()


def _span(text: str, needle: str) -> tuple[int, int]:
    start = text.index(needle)
    return start, start + len(needle)


def _evidence(text: str, sentence_end: str = ". ") -> tuple[Evidence, ...]:
    end = text.index(sentence_end) + 1 if sentence_end in text else len(text)
    return (Evidence(0, end, text[:end]),)


def _event(eid: str, text: str, *, type: str, summary: str, location: EventLocation, day: str,
           figures: tuple[FigureMention, ...] = (), source: EventSource | None = None,
           agents: tuple[tuple[str, str], ...] = (("Russia", "RU"),)) -> Event:
    return Event(
        id=eid, type=type, summary=summary, status="occurred",
        actors=tuple(EventActor(n, c, "state", "agent") for n, c in agents),
        location=location, time=EventTime(day, day, day, "day"), figures=figures,
        sources=(source,) if source else (), certainty="reported", evidence=_evidence(text),
    )


def _figure(text: str, needle: str, value: float, category: str) -> FigureMention:
    s, e = _span(text, needle)
    return FigureMention(s, e, needle, value, None, None, "exact", category, "soldiers")


def _doc(text: str, *, publisher: str, published: str, title: str, events: tuple[Event, ...],
         url: str | None = None, reserved: bool = False, claims: tuple[Claim, ...] = (),
         entities: tuple[EntityMention, ...] = (), figures: tuple[FigureMention, ...] = ()) -> Document:
    return Document(
        id=_id(publisher, text), source=f"test://{publisher}", text=text, title=title, publisher=publisher,
        published=published, url=url, language="en",
        rights=Rights(tdm_reserved=reserved, notice="No text and data mining." if reserved else None),
        events=events, claims=claims, entities=entities, figures=figures, stages=STAGES,
    )


def documents() -> list[Document]:
    ua = EventSource("Ukrainian officials", "government", "UA", "said")
    ru = EventSource("Russian defence ministry", "military", "RU", "said")
    kr = EventSource("South Korean military", "military", "KR", "said")
    f300 = _figure(CLASH, "300", 300, "killed")
    f500 = _figure(CLASH_RU, "500", 500, "killed")
    ukr = _span(CLASH, "Ukrainian officials")
    return [
        _doc(CLASH, publisher="Kyiv Example", published="2024-12-15", title="Hundreds killed in Kursk fighting",
             url="https://example.org/kursk",
             events=(_event("e1", CLASH, type="casualties", summary="Soldiers killed in Kursk fighting",
                            location=KURSK, day="2024-12-15", figures=(f300,), source=ua,
                            agents=(("North Korea", "KP"),)),),
             entities=(EntityMention(ukr[0], ukr[1], "Ukrainian officials", "NORP", "Ukraine", "government", "UA"),),
             figures=(f300,),
             claims=(Claim("c1", CLASH[: CLASH.index(".") + 1], "Ukrainian officials", "said", events=("e1",),
                           evidence=_evidence(CLASH)),)),
        _doc(UPDATE, publisher="Kyiv Example", published="2024-12-18", title="Kursk toll rises",
             events=(_event("e1", UPDATE, type="casualties", summary="Soldiers killed in Kursk fighting",
                            location=KURSK, day="2024-12-15", figures=(_figure(UPDATE, "350", 350, "killed"),),
                            source=ua, agents=(("North Korea", "KP"),)),)),
        _doc(CLASH_RU, publisher="Moscow Example", published="2024-12-15", title="Assault in Kursk repelled",
             events=(_event("e1", CLASH_RU, type="casualties", summary="Soldiers killed in Kursk fighting",
                            location=KURSK, day="2024-12-15", figures=(f500,), source=ru,
                            agents=(("North Korea", "KP"),)),),
             figures=(f500,)),
        _doc(LAUNCH, publisher="Seoul Example", published="2024-11-05", title="Missile launch",
             events=(_event("e1", LAUNCH, type="weapons_test", summary="North Korea fires a ballistic missile",
                            location=PYONGYANG, day="2024-11-05", source=kr, agents=(("North Korea", "KP"),)),)),
        _doc(MARKET, publisher="Reserved Example", published="2024-12-01", title="Market shelled", reserved=True,
             events=(_event("e1", MARKET, type="attack", summary="Shelling hits Kherson market",
                            location=KHERSON, day="2024-11-30",
                            figures=(_figure(MARKET, "four", 4, "killed"),)),)),
        _doc(HOSTILE, publisher=f"Evil {XSS} Press", published="2024-10-01", title=XSS_TITLE, url=XSS_URL,
             events=(_event("e1", HOSTILE, type="attack", summary=f"Depot hit {XSS}", location=KHERSON,
                            day="2024-10-01", figures=(_figure(HOSTILE, "2", 2, "injured"),)),)),
    ]


def build_ledger(path: Path, **settings: Any) -> Any:
    from sitrep.ledger import open_ledger
    from sitrep.settings import load_settings

    ledger = open_ledger(path, settings=load_settings(**settings))
    ledger.add(documents())
    return ledger
