"""Records to rows and back: what the ledger keeps of a Document, under the rights policy.

For a document whose notice reserves text-and-data mining the ledger keeps
the extracted facts and short evidence quotes (each at most
``settings.evidence_quote_chars``), not the text, captions or removed lines,
unless ``settings.store_reserved_text`` is set.
"""

from __future__ import annotations

import json
from typing import Any

from ..records import (
    Document,
    Event,
    EventActor,
    EventLocation,
    EventSource,
    EventTime,
    Evidence,
    FigureMention,
    Removed,
    Rights,
    as_dict,
)
from ..settings import Settings

__all__ = [
    "dumps",
    "event_from_dict",
    "keeps_text",
    "loads",
    "quote",
    "stage_for",
]

#: layer -> the family of the stage that makes it (the stage name minus its version)
LAYER_STAGES: dict[str, tuple[str, ...]] = {
    "entities": ("sitrep.entities",),
    "places": ("sitrep.places",),
    "times": ("sitrep.time", "sitrep.times"),
    "figures": ("sitrep.figures",),
    "attributions": ("sitrep.attribution", "sitrep.attributions"),
    "events": ("sitrep.events",),
    "claims": ("sitrep.attribution", "sitrep.claims", "sitrep.events"),
}


def dumps(value: Any) -> str:
    return json.dumps(as_dict(value), ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def loads(value: str | None, default: Any = None) -> Any:
    return default if value is None else json.loads(value)


def family(stage: str) -> str:
    """``sitrep.figures.v2`` -> ``sitrep.figures``."""
    head, sep, tail = stage.rpartition(".v")
    return head if sep and tail.isdigit() else stage


def stage_for(doc: Document, layer: str) -> str | None:
    """The versioned name of the stage that made ``layer`` in ``doc``, if recorded."""
    wanted = LAYER_STAGES.get(layer, ())
    for s in reversed(doc.stages):
        if family(s) in wanted:
            return s
    return None


def keeps_text(doc: Document, settings: Settings) -> bool:
    return not doc.rights.tdm_reserved or settings.store_reserved_text


def quote(text: str | None, doc: Document, settings: Settings) -> str | None:
    """Evidence text as stored: whole when the text is kept, else at most the quote limit."""
    if text is None or keeps_text(doc, settings):
        return text
    limit = max(0, settings.evidence_quote_chars)
    return text if len(text) <= limit else text[: max(0, limit - 1)].rstrip() + "…"


def evidence_list(items: Any, doc: Document, settings: Settings) -> list[dict[str, Any]]:
    return [{"start": e.start, "end": e.end, "text": quote(e.text, doc, settings)} for e in items]


def event_payload(e: Event, doc: Document, settings: Settings) -> dict[str, Any]:
    d = as_dict(e)
    d["evidence"] = evidence_list(e.evidence, doc, settings)
    if e.trigger is not None:
        d["trigger"] = e.trigger
    return d


def event_from_dict(d: dict[str, Any]) -> Event:
    loc = d.get("location")
    t = d.get("time")
    return Event(
        id=d["id"],
        type=d["type"],
        summary=d.get("summary") or "",
        status=d.get("status") or "unknown",
        actors=tuple(
            EventActor(a["name"], a.get("country"), a.get("kind") or "", a.get("role") or "other")
            for a in d.get("actors") or ()
        ),
        location=None
        if not loc
        else EventLocation(
            name=loc["name"],
            country=loc.get("country"),
            admin1=loc.get("admin1"),
            lat=loc.get("lat"),
            lon=loc.get("lon"),
            precision=loc.get("precision"),
            geonames_id=loc.get("geonames_id"),
        ),
        time=None
        if not t
        else EventTime(
            t.get("text"), t.get("start"), t.get("end"), t.get("precision") or "unknown"
        ),
        figures=tuple(
            FigureMention(
                start=f.get("start", 0),
                end=f.get("end", 0),
                text=f.get("text") or "",
                value=f.get("value"),
                low=f.get("low"),
                high=f.get("high"),
                qualifier=f.get("qualifier") or "unknown",
                category=f.get("category") or "other",
                subject=f.get("subject"),
            )
            for f in d.get("figures") or ()
        ),
        sources=tuple(
            EventSource(
                s["name"],
                s.get("kind") or "unattributed",
                s.get("country"),
                s.get("cue"),
                tuple(s.get("via") or ()),
            )
            for s in d.get("sources") or ()
        ),
        certainty=d.get("certainty") or "asserted",
        evidence=tuple(
            Evidence(e["start"], e["end"], e.get("text") or "") for e in d.get("evidence") or ()
        ),
        trigger=d.get("trigger"),
    )


def document_from_row(row: Any) -> Document:
    """Rebuild the cleaned Document (no layers) from a ``documents`` row; its text must be stored."""
    return Document(
        id=row.id,
        source=row.source,
        text=row.text or "",
        title=row.title,
        section=row.section,
        publisher=row.publisher,
        byline=row.byline,
        published=row.published,
        url=row.url,
        language=row.language,
        rights=Rights(
            tdm_reserved=bool(row.tdm_reserved),
            notice=row.rights_notice,
            signals=tuple(loads(row.rights_signals, [])),
        ),
        captions=tuple(loads(row.captions, [])),
        removed=tuple(Removed(r["kind"], r["text"]) for r in loads(row.removed, [])),
        format=row.format or "text",
        stages=tuple(loads(row.stages, [])),
    )
