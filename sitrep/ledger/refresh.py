"""Keeping syndication and fusion up to date after documents arrive.

Fusion is recomputed per **block**: the mentions of one event type whose date
windows chain together by overlapping. A fused event needs its members'
windows to overlap pairwise, so no fused event spans two blocks, and fusing a
block alone gives exactly what fusing the whole type would give there. After
new documents arrive only the blocks their mentions fall in are re-fused (a
type with undated mentions is one block). The ledger therefore stays the same
whatever order documents arrive in, without re-fusing everything each time.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from sqlalchemy import Connection, and_, bindparam, delete, func, insert, select, text, update

from . import codec, fusion, schema, syndication

if TYPE_CHECKING:
    from .store import Ledger

__all__ = ["Span", "refresh", "stored_mentions", "write_fused"]

#: a block's date range (ISO dates), or None for the whole type
Span = tuple[str, str] | None
_CHUNK = 500


def _chunks(items: Sequence[str]) -> Iterable[Sequence[str]]:
    for i in range(0, len(items), _CHUNK):
        yield items[i : i + _CHUNK]


def refresh(
    ledger: Ledger, types: Iterable[str] | None = None, *, documents: Iterable[str] | None = None
) -> list[str]:
    """Recompute syndication origins, then re-fuse.

    With ``documents`` (ids of documents just stored), re-fuse the blocks their
    mentions fall in, and those of every document whose origin changed. With
    ``types``, re-fuse those types whole (and the blocks of changed documents);
    with neither, every type. Returns the event types touched.
    """
    d, de = schema.documents, schema.doc_events
    with ledger.engine.begin() as conn:
        rows = conn.execute(
            select(d.c.id, d.c.published, d.c.wire, d.c.minhash, d.c.origin_id)
        ).all()
        mapping = syndication.origins(
            syndication.SyndicationEntry(r.id, r.published, r.wire, r.minhash) for r in rows
        )
        changed = [{"i": r.id, "o": mapping[r.id]} for r in rows if mapping[r.id] != r.origin_id]
        if changed:
            conn.execute(
                update(d).where(d.c.id == bindparam("i")).values(origin_id=bindparam("o")), changed
            )
        whole: set[str] = (
            set(types)
            if types is not None
            else set()
            if documents is not None
            else set(conn.execute(select(de.c.type).distinct()).scalars())
        )
        seeds: dict[str, list[tuple[str | None, str | None]]] = {}
        docs = sorted(set(documents or ()) | {c["i"] for c in changed})
        for part in _chunks(docs):
            for r in conn.execute(
                select(de.c.type, de.c.window_start, de.c.window_end).where(
                    de.c.document_id.in_(part)
                )
            ):
                if r.type not in whole:
                    seeds.setdefault(r.type, []).append((r.window_start, r.window_end))
        for t in sorted(whole):
            _refuse(conn, t, None)
        for t in sorted(seeds):
            for span in _blocks(conn, t, seeds[t]):
                _refuse(conn, t, span)
    return sorted(whole | set(seeds))


def _blocks(
    conn: Connection, event_type: str, seeds: list[tuple[str | None, str | None]]
) -> list[Span]:
    """The blocks (date ranges) of ``event_type`` that hold the seed windows."""
    de = schema.doc_events
    undated = conn.execute(
        select(de.c.document_id)
        .where(de.c.type == event_type, de.c.window_start.is_(None))
        .limit(1)
    ).first()
    if undated is not None or any(lo is None or hi is None for lo, hi in seeds):
        return [None]
    spans: list[tuple[str, str]] = []
    for lo, hi in sorted((lo, hi) for lo, hi in seeds if lo is not None and hi is not None):
        if spans and lo <= spans[-1][1]:
            continue  # inside the block just found (seeds come in order, blocks are closed)
        while True:  # widen to every window that chains into the range
            row = conn.execute(
                select(func.min(de.c.window_start), func.max(de.c.window_end)).where(
                    de.c.type == event_type, de.c.window_start <= hi, de.c.window_end >= lo
                )
            ).one()
            new_lo, new_hi = min(lo, row[0] or lo), max(hi, row[1] or hi)
            if (new_lo, new_hi) == (lo, hi):
                break
            lo, hi = new_lo, new_hi
        spans.append((lo, hi))
    merged: list[tuple[str, str]] = []
    for lo, hi in sorted(set(spans)):
        if merged and lo <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(hi, merged[-1][1]))
        else:
            merged.append((lo, hi))
    return list(merged)


def stored_mentions(conn: Connection, event_type: str, span: Span = None) -> list[fusion.Mention]:
    """The stored article-level events of ``event_type`` (in ``span``), as fusion mentions."""
    de, d = schema.doc_events, schema.documents
    origin = d.alias("origin")
    q = (
        select(
            de.c.document_id,
            de.c.payload,
            d.c.published,
            d.c.publisher,
            d.c.origin_id,
            d.c.wire,
            origin.c.publisher.label("origin_publisher"),
        )
        .join(d, d.c.id == de.c.document_id)
        .join(origin, origin.c.id == d.c.origin_id, isouter=True)
        .where(de.c.type == event_type)
    )
    if span is not None:
        q = q.where(de.c.window_start <= span[1], de.c.window_end >= span[0])
    return [
        fusion.Mention(
            document_id=r.document_id,
            event=codec.event_from_dict(json.loads(r.payload)),
            published=r.published,
            publisher=r.publisher,
            origin_id=r.origin_id,
            origin_publisher=r.origin_publisher,
            wire=r.wire,
        )
        for r in conn.execute(q)
    ]


def _refuse(conn: Connection, event_type: str, span: Span) -> None:
    """Replace the fused events of one block (``span``; None: the whole type)."""
    ev, em, de = schema.events, schema.event_mentions, schema.doc_events
    if span is None:
        old = select(ev.c.id).where(ev.c.type == event_type)
    else:
        old = (
            select(em.c.event_id)
            .join(
                de, and_(de.c.document_id == em.c.document_id, de.c.event_id == em.c.doc_event_id)
            )
            .where(
                de.c.type == event_type, de.c.window_start <= span[1], de.c.window_end >= span[0]
            )
            .distinct()
        )
    ids = list(conn.execute(old).scalars())
    for part in _chunks(ids):
        if conn.dialect.name == "sqlite":
            conn.execute(
                text(
                    "DELETE FROM events_fts WHERE rowid IN (SELECT rowid FROM events WHERE id IN :ids)"
                ).bindparams(bindparam("ids", expanding=True)),
                {"ids": list(part)},
            )
        for t in (
            schema.event_payloads,
            schema.event_mentions,
            schema.event_actors,
            schema.event_claimants,
        ):
            conn.execute(delete(t).where(t.c.event_id.in_(part)))
        conn.execute(delete(ev).where(ev.c.id.in_(part)))
    fused = fusion.fuse(stored_mentions(conn, event_type, span))
    if fused:
        write_fused(conn, fused)


def write_fused(conn: Connection, fused: Sequence[fusion.FusedEvent]) -> None:
    """Insert fused events and their index rows (mentions, actors, claimants, search)."""
    ev_rows, p_rows, m_rows, a_rows, c_rows, fts_rows = [], [], [], [], [], []
    for f in fused:
        p = f.payload
        loc = p["location"] or {}
        tm = p["time"] or {}
        first_pub = min((m["published"] for m in p["mentions"] if m["published"]), default=None)
        start = tm.get("start") or tm.get("end") or first_pub
        end = tm.get("end") or tm.get("start") or first_pub
        search = " ".join(
            [p["summary"] or "", loc.get("name") or "", loc.get("admin1") or ""]
            + [a["name"] for a in p["actors"]]
            + [e["text"] or "" for e in p["evidence"]]
        )
        ev_rows.append(
            {
                "id": f.id,
                "type": p["type"],
                "status": p["status"],
                "summary": p["summary"],
                "location_name": loc.get("name"),
                "location_key": fusion.name_key(loc.get("name")) or None,
                "location_country": loc.get("country"),
                "location_admin1": loc.get("admin1"),
                "admin1_key": fusion.name_key(loc.get("admin1")) or None,
                "lat": loc.get("lat"),
                "lon": loc.get("lon"),
                "time_start": tm.get("start"),
                "time_end": tm.get("end"),
                "time_precision": tm.get("precision"),
                "date_start": start[:10] if start else None,
                "date_end": end[:10] if end else None,
                "independent_sources": p["independent_sources"],
                "has_contradictions": bool(p["contradictions"]),
                "mention_count": len(p["mentions"]),
                "version": fusion.VERSION,
            }
        )
        p_rows.append(
            {
                "event_id": f.id,
                "payload": json.dumps(p, ensure_ascii=False, sort_keys=True),
                "search_text": search,
            }
        )
        m_rows += [
            {
                "event_id": f.id,
                "document_id": m["document_id"],
                "doc_event_id": m["event_id"],
                "published": m["published"],
                "publisher": m["publisher"],
            }
            for m in p["mentions"]
        ]
        a_rows += [
            {
                "event_id": f.id,
                "name": a["name"],
                "name_key": fusion.name_key(a["name"]),
                "country": a["country"],
                "role": a["role"],
            }
            for a in p["actors"]
        ]
        c_rows += [
            {
                "event_id": f.id,
                "claimant": name,
                "claimant_key": fusion.name_key(name),
                "kind": kind,
                "mentions": n,
            }
            for name, kind, n in f.claimants
        ]
        fts_rows.append({"i": f.id, "b": search})
    for table, rows in (
        (schema.events, ev_rows),
        (schema.event_payloads, p_rows),
        (schema.event_mentions, m_rows),
        (schema.event_actors, a_rows),
        (schema.event_claimants, c_rows),
    ):
        for start in range(0, len(rows), 5000):
            conn.execute(insert(table), rows[start : start + 5000])
    if conn.dialect.name == "sqlite" and fts_rows:
        # the search row shares the event row's rowid, so a filter can probe it per event
        conn.execute(
            text(
                "INSERT INTO events_fts (rowid, event_id, body) "
                "SELECT rowid, id, :b FROM events WHERE id = :i"
            ),
            fts_rows,
        )
