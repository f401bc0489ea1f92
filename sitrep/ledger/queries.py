"""Queries over the ledger: pure functions, a ledger and a typed filter in, plain dicts out.

The CLI and the web API call these same functions. ``events`` returns the
contract's ``sitrep.events/1`` object.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import (
    ColumnElement,
    Integer,
    and_,
    case,
    false,
    func,
    literal_column,
    or_,
    select,
    text,
    true,
)
from sqlalchemy.sql import Select

from ..records import EventSource
from . import codec, fusion, schema

if TYPE_CHECKING:
    from .store import Ledger

__all__ = ["EVENTS_SCHEMA", "EventFilter", "document_list", "event", "events", "search", "sources"]

EVENTS_SCHEMA = "sitrep.events/1"
MAX_LIMIT = 10_000


@dataclass(frozen=True, slots=True)
class EventFilter:
    """What ``events`` selects. Every field narrows; ``None`` means any."""

    type: str | None = None
    actor: str | None = None  # canonical name, or an ISO country code of an actor
    country: str | None = None  # ISO 3166-1 alpha-2 of the event's place
    place: str | None = None  # place name or its admin1 region
    since: str | None = None  # ISO date: events ending on or after
    until: str | None = None  # ISO date: events starting on or before
    min_sources: int = 0  # at least this many independent sources
    has_contradictions: bool | None = None
    text: str | None = None  # full-text search over summary, actors, place, evidence
    limit: int = 100
    offset: int = 0


def _fts_terms(query: str) -> list[str]:
    return re.findall(r"\w+", query)


def _fts_match(query: str) -> str:
    return " ".join(f'"{t}"' for t in _fts_terms(query))


def _event_text_match(ledger: Ledger, query: str) -> ColumnElement[bool]:
    if not _fts_terms(query):
        return false()
    if ledger.dialect == "sqlite":  # events_fts rows share their event's rowid
        sub = text("SELECT rowid FROM events_fts WHERE events_fts MATCH :q").bindparams(
            q=_fts_match(query)
        )
        return literal_column("events.rowid").in_(sub.columns(rowid=Integer).subquery().select())
    # the matching ids as an array probe the primary key: an IN here made PostgreSQL hash-join
    # them against a scan of every event (30k events: 24 -> 11 ms)
    match = text(
        "events.id = ANY(ARRAY(SELECT event_payloads.event_id FROM event_payloads "
        "WHERE event_payloads.search @@ plainto_tsquery('english', :text_query)))"
    ).bindparams(text_query=" ".join(_fts_terms(query)))
    return cast("ColumnElement[bool]", match)


def _events_query(ledger: Ledger, f: EventFilter, *, paged: bool = False) -> Select[Any]:
    """Ids of the events ``f`` selects, newest first. ``paged``: the caller reads one page
    in that order (not a count), so an actor is probed per event in date order, which
    stops once the page is full, rather than collected whole from its index."""
    ev, ea = schema.events, schema.event_actors
    conds: list[ColumnElement[bool]] = []
    if f.type:
        conds.append(ev.c.type == f.type)
    if f.country:
        conds.append(ev.c.location_country == f.country.upper())
    if f.place:
        k = fusion.name_key(f.place)
        conds.append(or_(ev.c.location_key == k, ev.c.admin1_key == k))
    if f.since:
        conds.append(ev.c.date_end >= f.since)
    if f.until:
        conds.append(ev.c.date_start <= f.until)
    if f.min_sources:
        conds.append(ev.c.independent_sources >= f.min_sources)
    if f.has_contradictions is not None:
        conds.append(ev.c.has_contradictions == f.has_contradictions)
    if f.actor:
        k = fusion.name_key(f.actor)
        who = ea.c.name_key == k
        if len(f.actor) == 2 and f.actor.isalpha():
            who = or_(who, ea.c.country == f.actor.upper())
        if paged or f.type or f.country or f.place or f.text:
            # a page in date order, or another index narrows first: probe the actor
            # index per event
            conds.append(select(ea.c.event_id).where(ea.c.event_id == ev.c.id, who).exists())
        else:
            # the actor's events from its name (or country) index, not a probe per event:
            # counting them reads its index entries, not every event (100k: 108 -> 17 ms)
            conds.append(ev.c.id.in_(select(ea.c.event_id).where(who)))
    if f.text:
        conds.append(_event_text_match(ledger, f.text))
    date = ev.c.date_start.desc()
    if ledger.dialect == "postgresql":
        date = date.nulls_last()
    return select(ev.c.id).where(and_(true(), *conds)).order_by(date, ev.c.id.desc())


def events(ledger: Ledger, f: EventFilter | None = None) -> dict[str, Any]:
    """Fused events matching ``f``, newest first, as ``{"schema": "sitrep.events/1", "events": [...]}``."""
    f = f or EventFilter()
    ep = schema.event_payloads
    q = _events_query(ledger, f, paged=True).limit(max(0, min(f.limit, MAX_LIMIT)))
    q = q.offset(max(0, f.offset))
    ids: list[str] = []
    payloads: dict[str, str] = {}
    # ids first, then the page's payloads: two statements, so an ingest that re-fuses
    # in between can retire an id; then read the page again (a consistent one comes
    # back once the writer's transaction is done), and never fail the reader
    for _attempt in range(3):
        with ledger.engine.connect() as conn:
            ids = list(conn.execute(q).scalars().all())
            payloads = {}
            for start in range(0, len(ids), 500):
                part = ids[start : start + 500]
                payloads.update(
                    conn.execute(
                        select(ep.c.event_id, ep.c.payload).where(ep.c.event_id.in_(part))
                    ).all()
                )
        if all(i in payloads for i in ids):
            break
    return {"schema": EVENTS_SCHEMA, "events": [json.loads(payloads[i]) for i in ids if i in payloads]}


def event(ledger: Ledger, event_id: str) -> dict[str, Any] | None:
    """One fused event (by id, or a unique prefix of at least 6 characters) with its provenance:
    claimants -> outlets -> articles with evidence quotes."""
    ep, em, d, de, cl = (
        schema.event_payloads,
        schema.event_mentions,
        schema.documents,
        schema.doc_events,
        schema.claims,
    )
    with ledger.engine.connect() as conn:
        payload = conn.execute(select(ep.c.payload).where(ep.c.event_id == event_id)).scalar()
        if payload is None and len(event_id) >= 6:  # a unique prefix of an id will do
            found = conn.execute(
                select(ep.c.event_id, ep.c.payload)
                .where(ep.c.event_id.startswith(event_id, autoescape=True))
                .limit(2)
            ).all()
            if len(found) == 1:
                event_id, payload = found[0]
        if payload is None:
            return None
        rows = conn.execute(
            select(
                em.c.document_id,
                em.c.doc_event_id,
                d.c.title,
                d.c.url,
                d.c.publisher,
                d.c.published,
                d.c.origin_id,
                d.c.wire,
                d.c.tdm_reserved,
                d.c.text_stored,
                de.c.payload,
            )
            .join(d, d.c.id == em.c.document_id)
            .join(
                de, and_(de.c.document_id == em.c.document_id, de.c.event_id == em.c.doc_event_id)
            )
            .where(em.c.event_id == event_id)
            .order_by(d.c.published, em.c.document_id)
        ).all()
        doc_ids = sorted({r.document_id for r in rows})
        claim_rows = (
            conn.execute(select(cl).where(cl.c.document_id.in_(doc_ids))).all() if doc_ids else []
        )
        origin_ids = sorted({r.origin_id for r in rows if r.origin_id})
        origin_pub = (
            dict(conn.execute(select(d.c.id, d.c.publisher).where(d.c.id.in_(origin_ids))).all())
            if origin_ids
            else {}
        )
    tree: dict[str, dict[str, Any]] = {}
    for r in rows:
        doc_event = codec.event_from_dict(json.loads(r.payload))
        m = fusion.Mention(
            r.document_id,
            doc_event,
            r.published,
            r.publisher,
            r.origin_id,
            origin_pub.get(r.origin_id),
            r.wire,
        )
        claims = [
            {
                "id": c.claim_id,
                "text": c.text,
                "source": c.source,
                "cue": c.cue,
                "via": json.loads(c.via or "[]"),
                "hedge": c.hedge,
                "evidence": json.loads(c.evidence or "[]"),
            }
            for c in claim_rows
            if c.document_id == r.document_id and doc_event.id in json.loads(c.events or "[]")
        ]
        srcs: list[EventSource | None] = list(doc_event.sources) or [None]
        for (name, kind), s in zip(m.claimants(), srcs, strict=False):
            node = tree.setdefault(
                fusion.name_key(name), {"claimant": name, "kind": kind, "outlets": {}}
            )
            outlet = node["outlets"].setdefault(
                r.publisher or "(unknown outlet)", {"publisher": r.publisher, "articles": []}
            )
            outlet["articles"].append(
                {
                    "document_id": r.document_id,
                    "event_id": doc_event.id,
                    "title": r.title,
                    "url": r.url,
                    "published": r.published,
                    "syndicated_from": r.origin_id if r.origin_id != r.document_id else None,
                    "wire": r.wire,
                    "rights_reserved": bool(r.tdm_reserved),
                    "text_stored": bool(r.text_stored),
                    "cue": s.cue if s else None,
                    "via": list(s.via) if s else [],
                    "evidence": [
                        {"start": e.start, "end": e.end, "text": e.text} for e in doc_event.evidence
                    ],
                    "claims": claims,
                }
            )
    provenance = [
        {"claimant": n["claimant"], "kind": n["kind"], "outlets": list(n["outlets"].values())}
        for _, n in sorted(tree.items())
    ]
    return {"schema": EVENTS_SCHEMA, "event": json.loads(payload), "provenance": provenance}


def sources(ledger: Ledger, *, limit: int = 100, offset: int = 0) -> dict[str, Any]:
    """Who is cited how often, and how often what they said is corroborated by another source."""
    ec, ev = schema.event_claimants, schema.events
    corroborated = func.sum(case((ev.c.independent_sources >= 2, 1), else_=0))
    n_events = func.count(func.distinct(ec.c.event_id))
    q = (
        select(
            ec.c.claimant_key,
            func.min(ec.c.claimant).label("name"),
            func.min(ec.c.kind).label("kind"),
            n_events.label("events"),
            func.sum(ec.c.mentions).label("mentions"),
            corroborated.label("corroborated"),
        )
        .join(ev, ev.c.id == ec.c.event_id)
        .group_by(ec.c.claimant_key)
        .order_by(n_events.desc(), ec.c.claimant_key)
        .limit(limit)
        .offset(offset)
    )
    src = schema.sources
    with ledger.engine.connect() as conn:
        rows = conn.execute(q).all()
        keys = [r.claimant_key for r in rows]
        countries = (
            dict(conn.execute(select(src.c.key, src.c.country).where(src.c.key.in_(keys))).all())
            if keys
            else {}
        )
    return {
        "sources": [
            {
                "name": r.name,
                "kind": r.kind,
                "country": countries.get(r.claimant_key),
                "events": int(r.events),
                "mentions": int(r.mentions or 0),
                "corroborated": int(r.corroborated or 0),
                "corroboration_rate": round(int(r.corroborated or 0) / int(r.events), 3)
                if r.events
                else 0.0,
            }
            for r in rows
        ]
    }


def _document_hits(ledger: Ledger, query: str, limit: int) -> list[dict[str, Any]]:
    terms = _fts_terms(query)
    if not terms:
        return []
    d = schema.documents
    with ledger.engine.connect() as conn:
        if ledger.dialect == "sqlite":
            hits = conn.execute(
                text(
                    "SELECT document_id, snippet(documents_fts, 2, '[', ']', '…', 12) AS snip FROM documents_fts "
                    "WHERE documents_fts MATCH :q ORDER BY rank LIMIT :n"
                ),
                {"q": " ".join(f'"{t}"' for t in terms), "n": limit},
            ).all()
            order = [h.document_id for h in hits]
            snippets = {h.document_id: h.snip for h in hits}
        else:
            tsq = func.plainto_tsquery("english", " ".join(terms))
            order = list(
                conn.execute(
                    select(d.c.id)
                    .where(literal_column("documents.search").op("@@")(tsq))
                    .order_by(func.ts_rank(literal_column("documents.search"), tsq).desc(), d.c.id)
                    .limit(limit)
                ).scalars()
            )
            snippets = {}
        meta = (
            {
                r.id: r
                for r in conn.execute(
                    select(d.c.id, d.c.title, d.c.publisher, d.c.published, d.c.url).where(
                        d.c.id.in_(order)
                    )
                )
            }
            if order
            else {}
        )
    return [
        {
            "document_id": i,
            "title": meta[i].title,
            "publisher": meta[i].publisher,
            "published": meta[i].published,
            "url": meta[i].url,
            "snippet": snippets.get(i),
        }
        for i in order
        if i in meta
    ]


def search(ledger: Ledger, query: str, *, limit: int = 20) -> dict[str, Any]:
    """Documents and fused events matching ``query`` (full-text)."""
    found = events(ledger, EventFilter(text=query, limit=limit))["events"]
    return {"query": query, "documents": _document_hits(ledger, query, limit), "events": found}


def document_list(ledger: Ledger, *, limit: int = 100, offset: int = 0) -> dict[str, Any]:
    """Stored documents (metadata, not text), newest first."""
    d, de = schema.documents, schema.doc_events
    n_events = select(func.count()).where(de.c.document_id == d.c.id).scalar_subquery()
    q = (
        select(
            d.c.id,
            d.c.source,
            d.c.url,
            d.c.title,
            d.c.publisher,
            d.c.published,
            d.c.language,
            d.c.tdm_reserved,
            d.c.text_stored,
            d.c.origin_id,
            d.c.wire,
            d.c.stages,
            n_events.label("events"),
        )
        .order_by(d.c.published.desc(), d.c.id)
        .limit(limit)
        .offset(offset)
    )
    with ledger.engine.connect() as conn:
        rows = conn.execute(q).all()
    return {
        "documents": [
            {
                "id": r.id,
                "source": r.source,
                "url": r.url,
                "title": r.title,
                "publisher": r.publisher,
                "published": r.published,
                "language": r.language,
                "rights": {
                    "tdm_reserved": bool(r.tdm_reserved),
                    "text_stored": bool(r.text_stored),
                },
                "origin_id": r.origin_id,
                "wire": r.wire,
                "stages": json.loads(r.stages or "[]"),
                "events": int(r.events),
            }
            for r in rows
        ]
    }
