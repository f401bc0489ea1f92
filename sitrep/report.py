"""Turn a processed Document into the contract's ``sitrep.report/1`` object."""

from __future__ import annotations

from typing import Any

from .records import Document, Entity, as_dict

__all__ = ["SCHEMA", "document_dict", "entities_of", "report_dict"]

SCHEMA = "sitrep.report/1"


def document_dict(doc: Document) -> dict[str, Any]:
    return {
        "id": doc.id,
        "source": doc.source,
        "url": doc.url,
        "title": doc.title,
        "section": doc.section,
        "publisher": doc.publisher,
        "byline": doc.byline,
        "published": doc.published,
        "language": doc.language,
        "format": doc.format,
        "rights": doc.rights.as_dict(),
        "text": doc.text,
        "captions": list(doc.captions),
        "removed": [{"kind": r.kind, "text": r.text} for r in doc.removed],
        "stages": list(doc.stages),
    }


def entities_of(doc: Document) -> list[Entity]:
    """One entity per canonical name, with every surface form and mention.

    Actor mentions come from the entities layer; places from the places layer
    (a place mention found by both is reported once, as a place, with its
    coordinates). A place name used as an actor (a capital standing for its
    government, a country acting) is reported once, as the actor.
    """
    by_key: dict[tuple[str, str], dict[str, Any]] = {}
    order: list[tuple[str, str]] = []
    places = [p for p in doc.places if p.resolved]
    actors = [m for m in doc.entities if m.kind != "place"]
    actor_names = {m.name for m in actors}

    def overlaps_any(start: int, end: int, spans: list[Any]) -> bool:
        return any(start < s.end and s.start < end for s in spans)

    def add(key: tuple[str, str], text: str, start: int, end: int, **attrs: Any) -> None:
        slot = by_key.get(key)
        if slot is None:
            slot = {"aliases": [], "mentions": [], **attrs}
            by_key[key] = slot
            order.append(key)
        if text not in slot["aliases"]:
            slot["aliases"].append(text)
        if (start, end) not in slot["mentions"]:
            slot["mentions"].append((start, end))

    for m in doc.entities:
        if m.kind == "place" and overlaps_any(m.start, m.end, places):
            continue
        add((m.name, m.kind), m.text, m.start, m.end, kind=m.kind, country=m.country)
    for p in places:
        # a capital used as an actor ("Seoul reported") or a country already
        # listed as a state is reported once, as the actor
        if overlaps_any(p.start, p.end, actors) or (p.precision == "country" and p.name in actor_names):
            continue
        add(
            (p.name, "place"),
            p.text,
            p.start,
            p.end,
            kind="place",
            country=p.country,
            lat=p.lat,
            lon=p.lon,
            admin1=p.admin1,
            geonames_id=p.geonames_id,
            precision=p.precision,
        )
    out = []
    for key in order:
        slot = by_key[key]
        out.append(
            Entity(
                name=key[0],
                kind=slot["kind"],
                country=slot.get("country"),
                aliases=tuple(slot["aliases"]),
                mentions=tuple(sorted(slot["mentions"])),
                lat=slot.get("lat"),
                lon=slot.get("lon"),
                admin1=slot.get("admin1"),
                geonames_id=slot.get("geonames_id"),
                precision=slot.get("precision"),
            )
        )
    return out


def layers_dict(doc: Document) -> dict[str, Any]:
    return {
        "entities": [as_dict(m) for m in doc.entities],
        "places": [as_dict(p) for p in doc.places],
        "times": [as_dict(t) for t in doc.times],
        "figures": [as_dict(f) for f in doc.figures],
        "attributions": [as_dict(a) for a in doc.attributions],
    }


def report_dict(doc: Document, *, layers: bool = False) -> dict[str, Any]:
    """The ``sitrep.report/1`` object for one processed document."""
    out: dict[str, Any] = {
        "schema": SCHEMA,
        "document": document_dict(doc),
        "entities": [e.as_dict() for e in entities_of(doc)],
        "events": [as_dict(e) for e in doc.events],
        "claims": [as_dict(c) for c in doc.claims],
    }
    if layers:
        out["layers"] = layers_dict(doc)
    return out
