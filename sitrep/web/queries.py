"""What the dashboard and the API read: the ledger's public query functions, plus
the few read-only queries the ledger does not offer (totals, counts by type and
country, weekly timeline, map points, claims, one document with its spans).

Every function takes a :class:`~sitrep.ledger.Ledger` and returns plain,
JSON-able dicts; an HTML page and its ``.json`` twin call the same function.
Nothing here writes.
"""

from __future__ import annotations

import json
import threading
import time
import weakref
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta
from functools import lru_cache
from typing import Any

from sqlalchemy import func, literal_column, select, text
from sqlalchemy.exc import OperationalError

from ..ledger import EventFilter, document_list, event, events, schema, search, sources
from ..ledger import queries as ledger_queries
from ..ledger.store import Ledger

__all__ = [
    "EVENT_TYPES",
    "LAYERS",
    "claim_list",
    "document_detail",
    "document_page",
    "event_detail",
    "event_page",
    "figure_series",
    "map_points",
    "overview",
    "search_page",
    "source_page",
    "timeline",
]

LAYERS = ("entities", "places", "times", "figures", "attributions")
CASUALTY_CATEGORIES = ("killed", "injured", "casualties", "missing", "captured")


@lru_cache(maxsize=1)
def _event_types() -> tuple[str, ...]:
    from ..schema import load_schema

    return tuple(load_schema("report")["$defs"]["event"]["properties"]["type"]["enum"])


EVENT_TYPES: tuple[str, ...] = _event_types()


def _count(ledger: Ledger, q: Any) -> int:
    with ledger.engine.connect() as conn:
        return int(conn.execute(q).scalar_one())


#: seconds a total may take before the page goes out without it (datasette does the same)
COUNT_BUDGET_S = 0.03
COUNT_CACHE_TTL_S = 60.0
_lock = threading.Lock()


class _Memo:
    """What one ledger's pages have computed lately: totals, aggregates, counts in progress."""

    def __init__(self) -> None:
        self.totals: dict[tuple[Any, ...], tuple[float, int]] = {}
        self.aggregates: dict[tuple[Any, ...], tuple[float, Any]] = {}
        self.pending: set[tuple[Any, ...]] = set()


_memos: weakref.WeakKeyDictionary[Ledger, _Memo] = weakref.WeakKeyDictionary()


def _memo(ledger: Ledger) -> _Memo:
    with _lock:
        memo = _memos.get(ledger)
        if memo is None:
            memo = _memos[ledger] = _Memo()
        return memo


def forget_totals(ledger: Ledger) -> None:
    """Drop what was computed for ``ledger`` (after an ingest)."""
    with _lock:
        _memos.pop(ledger, None)


def _bounded_count(ledger: Ledger, q: Any, budget_s: float) -> int | None:
    """Run a count query, giving up (None) after ``budget_s`` seconds."""
    with ledger.engine.connect() as conn:
        if ledger.dialect == "sqlite":
            raw: Any = conn.connection.driver_connection
            deadline = time.perf_counter() + budget_s
            raw.set_progress_handler(lambda: int(time.perf_counter() > deadline), 2000)
            try:
                return int(conn.execute(q).scalar_one())
            except OperationalError:
                return None
            finally:
                raw.set_progress_handler(None, 0)
        try:
            with conn.begin():
                conn.execute(text(f"SET LOCAL statement_timeout = {max(1, int(budget_s * 1000))}"))
                return int(conn.execute(q).scalar_one())
        except OperationalError:
            return None


def event_total(ledger: Ledger, f: EventFilter, budget_s: float | None = None) -> int | None:
    """How many events match ``f`` (ignoring its limit and offset), or None when counting
    takes longer than ``budget_s`` (default :data:`COUNT_BUDGET_S`; pass ``inf`` to always count).

    Built on the ledger's own filter query so the count and the page always agree.
    Totals are cached for :data:`COUNT_CACHE_TTL_S` seconds."""
    key = (f.type, f.actor, f.country, f.place, f.since, f.until, f.min_sources, f.has_contradictions, f.text)
    now = time.monotonic()
    memo = _memo(ledger)
    with _lock:
        hit = memo.totals.get(key)
    if hit is not None and now - hit[0] < COUNT_CACHE_TTL_S:
        return hit[1]
    ids = ledger_queries._events_query(ledger, f).order_by(None).subquery()
    q = select(func.count()).select_from(ids)
    budget = COUNT_BUDGET_S if budget_s is None else budget_s
    n = _bounded_count(ledger, q, budget) if budget != float("inf") else _count(ledger, q)
    if n is not None:
        _remember(memo, key, n)
    else:
        _count_later(ledger, memo, q, key)
    return n


def _remember(memo: _Memo, key: tuple[Any, ...], n: int) -> None:
    with _lock:
        if len(memo.totals) > 1024:
            memo.totals.clear()
        memo.totals[key] = (time.monotonic(), n)


_counter: ThreadPoolExecutor | None = None


def _count_later(ledger: Ledger, memo: _Memo, q: Any, key: tuple[Any, ...]) -> None:
    """Finish a count that ran over budget on one background thread, so later pages have it."""
    global _counter
    with _lock:
        if key in memo.pending or len(memo.pending) >= 32:
            return
        memo.pending.add(key)
        if _counter is None:
            _counter = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sitrep-count")

    def work() -> None:
        try:
            _remember(memo, key, _count(ledger, q))
        finally:
            with _lock:
                memo.pending.discard(key)

    _counter.submit(work)


def event_page(ledger: Ledger, f: EventFilter) -> dict[str, Any]:
    """``sitrep.events/1`` for one page of ``f``, with ``total``, ``limit`` and ``offset``.

    ``total`` is null when counting would take too long; ``total_at_least`` is then
    what the page proves (one more than shown when the page is full)."""
    out = events(ledger, f)
    total = event_total(ledger, f)
    shown = f.offset + len(out["events"])
    out.update(total=total, total_at_least=total if total is not None else shown + (1 if len(out["events"]) >= f.limit else 0),
               limit=f.limit, offset=f.offset)
    return out


def figure_series(shown: dict[str, Any]) -> list[dict[str, Any]]:
    """An event's figure history as one series per (category, source), points in date order."""
    ev = shown["event"]
    contested = {c["category"] for c in ev.get("contradictions") or []}
    series: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for h in ev.get("figure_history") or []:
        value = h.get("value")
        if value is None and h.get("low") is not None and h.get("high") is not None:
            value = (h["low"] + h["high"]) / 2
        if value is None:
            continue
        series[(h["category"], h.get("source") or "(unattributed)")].append(
            {"published": h.get("published"), "value": value, "qualifier": h.get("qualifier"),
             "low": h.get("low"), "high": h.get("high"), "document_id": h.get("document_id")}
        )
    return [
        {"category": cat, "source": src, "contested": cat in contested,
         "points": sorted(pts, key=lambda p: (p["published"] or "", p["value"]))}
        for (cat, src), pts in sorted(series.items())
    ]


def event_detail(ledger: Ledger, event_id: str) -> dict[str, Any] | None:
    """One event with provenance (the ledger's ``event``) and its figure series."""
    shown = event(ledger, event_id)
    if shown is None:
        return None
    shown["figure_series"] = figure_series(shown)
    return shown


#: seconds an aggregate (overview, sources, timeline) is reused before it is computed again
AGGREGATE_TTL_S = 30.0
def _cached(ledger: Ledger, key: tuple[Any, ...], compute: Any) -> Any:
    """``compute()``, reused for :data:`AGGREGATE_TTL_S` seconds (dropped by :func:`forget_totals`).
    Each caller gets its own copy."""
    import copy

    now = time.monotonic()
    memo = _memo(ledger)
    with _lock:
        hit = memo.aggregates.get(key)
    if hit is None or now - hit[0] >= AGGREGATE_TTL_S:
        hit = (now, compute())
        with _lock:
            if len(memo.aggregates) > 256:
                memo.aggregates.clear()
            memo.aggregates[key] = hit
    return copy.deepcopy(hit[1])


def overview(ledger: Ledger, *, newest: int = 10, top_sources: int = 10) -> dict[str, Any]:
    """Totals, events by type and by country, the newest events and the most-cited sources."""
    return _cached(ledger, ("overview", newest, top_sources), lambda: _overview(ledger, newest, top_sources))


def _overview(ledger: Ledger, newest: int, top_sources: int) -> dict[str, Any]:
    ev = schema.events
    with ledger.engine.connect() as conn:
        by_type = conn.execute(
            select(ev.c.type, func.count()).group_by(ev.c.type).order_by(func.count().desc(), ev.c.type)
        ).all()
        by_country = conn.execute(
            select(ev.c.location_country, func.count())
            .where(ev.c.location_country.is_not(None))
            .group_by(ev.c.location_country)
            .order_by(func.count().desc(), ev.c.location_country)
            .limit(30)
        ).all()
    return {
        "totals": {
            "events": ledger.count("events"),
            "documents": ledger.count("documents"),
            "sources": ledger.count("sources"),
            "claims": ledger.count("claims"),
        },
        "by_type": [{"type": t, "events": int(n)} for t, n in by_type],
        "by_country": [{"country": c, "events": int(n)} for c, n in by_country],
        "newest": events(ledger, EventFilter(limit=newest))["events"],
        "sources": sources(ledger, limit=top_sources)["sources"],
    }


def casualties(payload: dict[str, Any]) -> float:
    """The largest casualty-like figure an event reports (0 when none)."""
    best = 0.0
    for fig in payload.get("figures") or []:
        if fig.get("category") in CASUALTY_CATEGORIES:
            v = fig.get("value") if fig.get("value") is not None else fig.get("high") or fig.get("low")
            if isinstance(v, (int, float)) and v > best:
                best = float(v)
    return best


def map_points(ledger: Ledger, f: EventFilter) -> dict[str, Any]:
    """Events of ``f`` that have coordinates: id, type, place, date, casualties (newest first).

    Reads the narrow filter columns and only the ``figures`` of each payload, so a
    map of thousands of events stays quick."""
    from .basemap import project

    ev, ep = schema.events, schema.event_payloads
    if ledger.dialect == "sqlite":
        figures: Any = func.json_extract(ep.c.payload, "$.figures")
    else:
        figures = literal_column("(event_payloads.payload::jsonb -> 'figures')::text")
    q = (
        ledger_queries._events_query(ledger, f)
        .with_only_columns(ev.c.id, ev.c.type, ev.c.summary, ev.c.location_name, ev.c.location_country,
                           ev.c.lat, ev.c.lon, ev.c.time_start, ev.c.independent_sources, figures.label("figures"))
        .join_from(ev, ep, ep.c.event_id == ev.c.id)
        .where(ev.c.lat.is_not(None), ev.c.lon.is_not(None))
        .limit(max(0, f.limit))
        .offset(max(0, f.offset))
    )
    with ledger.engine.connect() as conn:
        rows = conn.execute(q).all()
    points = []
    for r in rows:
        x, y = project(r.lat, r.lon)
        points.append({
            "id": r.id, "type": r.type, "summary": r.summary, "place": r.location_name,
            "country": r.location_country, "lat": r.lat, "lon": r.lon, "x": x, "y": y, "date": r.time_start,
            "casualties": casualties({"figures": json.loads(r.figures or "[]")}),
            "independent_sources": r.independent_sources,
        })
    return {"points": points, "limit": f.limit, "offset": f.offset}


def _week(day: str) -> str:
    d = date.fromisoformat(day[:10])
    return (d - timedelta(days=d.weekday())).isoformat()


def timeline(ledger: Ledger, f: EventFilter) -> dict[str, Any]:
    """Events of ``f`` counted by ISO week (Monday) and type, oldest week first."""
    key = ("timeline", f.type, f.actor, f.country, f.place, f.since, f.until, f.min_sources,
           f.has_contradictions, f.text)
    return _cached(ledger, key, lambda: _timeline(ledger, f))


def _timeline(ledger: Ledger, f: EventFilter) -> dict[str, Any]:
    ev = schema.events
    q = (
        ledger_queries._events_query(ledger, f)
        .with_only_columns(ev.c.date_start, ev.c.type, func.count())
        .where(ev.c.date_start.is_not(None))
        .group_by(ev.c.date_start, ev.c.type)
        .order_by(None)
    )
    weeks: dict[str, Counter[str]] = defaultdict(Counter)
    with ledger.engine.connect() as conn:
        for day, typ, n in conn.execute(q):
            try:
                weeks[_week(day)][typ] += int(n)
            except ValueError:
                continue
    return {
        "weeks": [
            {"week": w, "total": sum(c.values()), "by_type": dict(sorted(c.items()))}
            for w, c in sorted(weeks.items())
        ]
    }


def source_page(ledger: Ledger, *, limit: int, offset: int) -> dict[str, Any]:
    return _cached(ledger, ("sources", limit, offset), lambda: _source_page(ledger, limit, offset))


def _source_page(ledger: Ledger, limit: int, offset: int) -> dict[str, Any]:
    out = sources(ledger, limit=limit, offset=offset)
    ec = schema.event_claimants
    out.update(
        total=_count(ledger, select(func.count(func.distinct(ec.c.claimant_key)))), limit=limit, offset=offset
    )
    return out


def document_page(ledger: Ledger, *, limit: int, offset: int) -> dict[str, Any]:
    out = document_list(ledger, limit=limit, offset=offset)
    out.update(total=ledger.count("documents"), limit=limit, offset=offset)
    return out


def search_page(ledger: Ledger, q: str, *, limit: int) -> dict[str, Any]:
    return search(ledger, q, limit=limit)


def _claim_dict(r: Any) -> dict[str, Any]:
    return {
        "document_id": r.document_id, "id": r.claim_id, "text": r.text, "source": r.source,
        "source_kind": r.source_kind, "cue": r.cue, "via": json.loads(r.via or "[]"), "hedge": r.hedge,
        "events": json.loads(r.events or "[]"), "evidence": json.loads(r.evidence or "[]"),
    }


def claim_list(
    ledger: Ledger, *, source: str | None = None, document_id: str | None = None, limit: int = 100, offset: int = 0
) -> dict[str, Any]:
    """Attributed statements (as each article words them), optionally of one source or document."""
    cl = schema.claims
    conds = []
    if source:
        conds.append(func.lower(cl.c.source) == source.lower())
    if document_id:
        conds.append(cl.c.document_id == document_id)
    q = select(cl).where(*conds).order_by(cl.c.document_id, cl.c.claim_id).limit(limit).offset(offset)
    with ledger.engine.connect() as conn:
        rows = conn.execute(q).all()
        total = int(conn.execute(select(func.count()).select_from(cl).where(*conds)).scalar_one())
    return {"claims": [_claim_dict(r) for r in rows], "total": total, "limit": limit, "offset": offset}


def segments(text: str, spans: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Cut ``text`` at every span boundary: each piece with the layers covering it."""
    cuts = {0, len(text)}
    for s in spans:
        if 0 <= s["start"] < s["end"] <= len(text):
            cuts.update((s["start"], s["end"]))
    points = sorted(cuts)
    out = []
    for a, b in zip(points, points[1:], strict=False):
        layers = sorted({s["layer"] for s in spans if s["start"] <= a and b <= s["end"]})
        labels = [s.get("label") for s in spans if s["start"] <= a and b <= s["end"] and s.get("label")]
        out.append({"start": a, "end": b, "text": text[a:b], "layers": layers, "labels": labels})
    return out


def _span_label(layer: str, p: dict[str, Any]) -> str:
    if layer == "entities":
        return f"{p.get('name') or ''} ({p.get('kind') or p.get('label') or ''})"
    if layer == "places":
        return f"{p.get('name') or ''}, {p.get('country') or '?'}"
    if layer == "times":
        return f"{p.get('value_start') or '?'}..{p.get('value_end') or '?'}"
    if layer == "figures":
        return f"{p.get('category')}: {p.get('value')}"
    return f"{p.get('source') or ''} {p.get('cue') or ''}".strip()


def document_detail(ledger: Ledger, document_id: str) -> dict[str, Any] | None:
    """One stored article: metadata, text (when stored), spans by layer, events and claims.

    For an article whose rights notice reserves text-and-data mining the text is
    not stored; ``text`` is null and ``quotes`` holds the evidence quotes kept."""
    d, sp, de = schema.documents, schema.spans, schema.doc_events
    with ledger.engine.connect() as conn:
        row = conn.execute(select(d).where(d.c.id == document_id)).first()
        if row is None:
            return None
        span_rows = conn.execute(
            select(sp.c.layer, sp.c.start, sp.c.end, sp.c.payload).where(sp.c.document_id == document_id)
            .order_by(sp.c.start, sp.c.end)
        ).all()
        ev_rows = conn.execute(select(de.c.event_id, de.c.payload).where(de.c.document_id == document_id)).all()
        fused = dict(conn.execute(
            select(schema.event_mentions.c.doc_event_id, schema.event_mentions.c.event_id)
            .where(schema.event_mentions.c.document_id == document_id)
        ).all())
    spans = []
    for r in span_rows:
        p = json.loads(r.payload)
        spans.append({"layer": r.layer, "start": r.start, "end": r.end, "text": p.get("text"),
                      "label": f"{r.layer}: {_span_label(r.layer, p)}", "payload": p})
    body = row.text if row.text_stored else None
    doc_events = []
    evidence = []
    for er in ev_rows:
        p = json.loads(er.payload)
        p["fused_event_id"] = fused.get(er.event_id)
        doc_events.append(p)
        for e in p.get("evidence") or []:
            evidence.append({"layer": "evidence", "start": e["start"], "end": e["end"], "text": e.get("text"),
                             "label": f"evidence: {p['type']} event"})
    return {
        "document": {
            "id": row.id, "source": row.source, "url": row.url, "title": row.title, "section": row.section,
            "publisher": row.publisher, "byline": row.byline, "published": row.published,
            "language": row.language, "origin_id": row.origin_id, "wire": row.wire,
            "rights": {"tdm_reserved": bool(row.tdm_reserved), "notice": row.rights_notice,
                       "text_stored": bool(row.text_stored)},
            "text": body,
            "quotes": [q for q in (row.quotes or "").split("\n") if q] if not row.text_stored else [],
        },
        "spans": spans,
        "layers": {layer: sum(1 for s in spans if s["layer"] == layer) for layer in LAYERS},
        "events": doc_events,
        "claims": claim_list(ledger, document_id=document_id, limit=1000)["claims"],
        "segments": segments(body, spans + evidence) if body else [],
    }
