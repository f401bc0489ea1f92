"""A small hand-built ledger for the export tests (no pipeline run; every text written here).

Four stories: a missile strike on Sumy reported twice with a rising toll, a
protest in Tbilisi with no coordinates, a planned troop deployment, and an
event of type ``other``.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from sitrep.ledger import Ledger, open_ledger
from sitrep.records import (
    Document,
    Event,
    EventActor,
    EventLocation,
    EventSource,
    EventTime,
    Evidence,
    FigureMention,
)

STAGES = ("sitrep.clean.v1", "sitrep.events.v1")
SUMY = EventLocation("Sumy", "UA", "Sumy Oblast", 50.9216, 34.80029, "city", 692194)
TBILISI = EventLocation("Tbilisi", "GE", None, None, None, "city")
BELGOROD = EventLocation("Belgorod Oblast", "RU", "Belgorod Oblast", 50.7, 37.4, "admin1")

RUSSIA = EventActor("Russia", "RU", "state", "agent")
CIVILIANS = EventActor("civilians", "UA", "person", "victim")


def _killed(value: float, qualifier: str = "exact") -> FigureMention:
    low = value if qualifier in ("exact", "at_least") else None
    high = value if qualifier == "exact" else None
    return FigureMention(0, 0, str(int(value)), value, low, high, qualifier, "killed", "civilians")


def _event(id: str, type: str, summary: str, text: str, **kw: object) -> Event:
    return Event(id=id, type=type, summary=summary, evidence=(Evidence(0, len(text), text),), **kw)  # type: ignore[arg-type]


def _doc(text: str, publisher: str, published: str, *events: Event) -> Document:
    return Document(
        id=hashlib.sha256((publisher + text).encode()).hexdigest(),
        source=f"test://{publisher}/{published}",
        text=text,
        title=text.split(".")[0],
        publisher=publisher,
        published=published,
        language="en",
        events=events,
        stages=STAGES,
    )


def documents() -> list[Document]:
    ses = EventSource("State Emergency Service", "government", "UA", "said", ())
    day = EventTime("Monday", "2025-02-03", "2025-02-03", "day")
    first = "A Russian missile strike killed at least 12 civilians in Sumy on Monday, the emergency service said."
    later = "The toll from Monday's Russian missile strike on Sumy rose to 23 civilians, the emergency service said."
    protest = (
        "Thousands of people protested in Tbilisi on Sunday against the government's new media law."
    )
    deploy = "Russia plans to deploy two more brigades to Belgorod Oblast next month, a ministry official said."
    other = (
        "Negotiators from both sides met in Istanbul on Friday and exchanged lists of prisoners."
    )
    return [
        _doc(
            first,
            "Kyiv Evening Post",
            "2025-02-03",
            _event(
                "e1",
                "attack",
                "Russian missile strike on Sumy",
                first,
                status="occurred",
                actors=(RUSSIA,),
                location=SUMY,
                time=day,
                sources=(ses,),
                certainty="reported",
            ),
            _event(
                "e2",
                "casualties",
                "Civilians killed in Sumy",
                first,
                status="occurred",
                actors=(RUSSIA, CIVILIANS),
                location=SUMY,
                time=day,
                sources=(ses,),
                figures=(_killed(12, "at_least"),),
                certainty="reported",
            ),
        ),
        _doc(
            later,
            "Northern Courier",
            "2025-02-06",
            _event(
                "e1",
                "casualties",
                "Civilians killed in Sumy",
                later,
                status="occurred",
                actors=(RUSSIA, CIVILIANS),
                location=SUMY,
                time=day,
                sources=(ses,),
                figures=(_killed(23),),
                certainty="reported",
            ),
        ),
        _doc(
            protest,
            "Danube Times",
            "2025-02-10",
            _event(
                "e1",
                "protest",
                "Protest in Tbilisi",
                protest,
                status="occurred",
                location=TBILISI,
                time=EventTime("Sunday", "2025-02-09", "2025-02-09", "day"),
            ),
        ),
        _doc(
            deploy,
            "Baltic Observer",
            "2025-03-01",
            _event(
                "e1",
                "deployment",
                "Russia plans to deploy brigades",
                deploy,
                status="planned",
                actors=(EventActor("Russia", "RU", "state", "agent"),),
                location=BELGOROD,
                time=EventTime("next month", "2025-04-01", "2025-04-30", "month"),
                certainty="reported",
            ),
        ),
        _doc(
            other,
            "Danube Times",
            "2025-03-08",
            _event(
                "e1",
                "other",
                "Prisoner lists exchanged in Istanbul",
                other,
                status="occurred",
                location=EventLocation("Istanbul", "TR", "Istanbul", 41.01384, 28.94966, "city"),
                time=EventTime("Friday", "2025-03-07", "2025-03-07", "day"),
            ),
        ),
    ]


def small_ledger(path: Path) -> Ledger:
    ledger = open_ledger(path)
    ledger.add(documents())
    return ledger


def exported(ledger: Ledger, name: str, **kw: object) -> tuple[str, object]:
    """Export ``ledger`` as ``name`` to a string; returns (text, ExportResult)."""
    import io

    from sitrep.exports import export

    out = io.StringIO(newline="")
    result = export(ledger, name, out, **kw)  # type: ignore[arg-type]
    return out.getvalue(), result
