"""Keeping syndication and fusion up to date after documents arrive.

**Syndication.** Each document's LSH buckets are stored (``doc_bands``). A new
document is compared only with the stored documents sharing a bucket; when it
copies one, their stories (all documents with one ``origin_id``) join and take
the earliest member as origin. That is what :func:`syndication.origins` over
every document gives, without reading every signature.

**Fusion** is recomputed per **block**: a connected component of one type's
compatibility graph (see :func:`fusion.components`); each stored article event
records its block. Clustering never mixes blocks, so fusing some blocks alone
gives exactly what fusing the whole type gives there. New mentions are compared
with the stored mentions of their type whose date windows overlap theirs (or
that have none); the blocks of those they are compatible with, with the new
mentions and the blocks of documents whose syndication origin changed, are
re-fused together and their blocks recomputed. Nothing outside can be
compatible with anything inside, so the ledger is the same whatever order
documents arrive in, and an add costs what its neighbourhood costs, not what
the whole type does.

A document stored with ``refresh=False`` has no block until it is refreshed;
met as a neighbour before that, it counts as a block of its own.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    and_,
    bindparam,
    delete,
    insert,
    or_,
    select,
    text,
    update,
)

from . import codec, fusion, schema, syndication
from .store import writer_lock

if TYPE_CHECKING:
    from .store import Ledger

__all__ = ["block_id", "refresh", "set_blocks", "stored_mentions", "write_fused"]

_CHUNK = 500


def _chunks(items: Sequence[Any]) -> Iterable[Sequence[Any]]:
    for i in range(0, len(items), _CHUNK):
        yield items[i : i + _CHUNK]


def block_id(members: Iterable[fusion.Mention]) -> str:
    """A block's id: a hash of its smallest mention id."""
    return "b-" + hashlib.sha256(min(m.id for m in members).encode("utf-8")).hexdigest()[:20]


def refresh(
    ledger: Ledger, types: Iterable[str] | None = None, *, documents: Iterable[str] | None = None
) -> list[str]:
    """Recompute syndication origins, then re-fuse.

    With only ``documents`` (ids of documents just stored), compare them with
    their LSH neighbours and re-fuse the blocks their mentions and those of
    every document whose origin changed can join. With ``types``, recompute
    syndication over every document and re-fuse those types whole (and the
    blocks of ``documents`` and of changed documents); with neither, every
    type. Returns the event types touched.
    """
    de = schema.doc_events
    with ledger.engine.begin() as conn:
        writer_lock(conn)
        if types is None and documents is not None:
            docs = sorted(set(documents))
            changed = _syndicate_new(conn, docs)
            whole: set[str] = set()
        else:
            docs = sorted(set(documents or ()))
            changed = _syndicate_all(conn)
            whole = (
                set(types)
                if types is not None
                else set(conn.execute(select(de.c.type).distinct()).scalars())
            )
        seeds: dict[str, set[str]] = {}  # type -> documents whose mentions seed re-fusion
        for part in _chunks(sorted(set(docs) | set(changed))):
            for r in conn.execute(
                select(de.c.type, de.c.document_id).where(de.c.document_id.in_(part)).distinct()
            ):
                if r.type not in whole:
                    seeds.setdefault(r.type, set()).add(r.document_id)
        for t in sorted(whole):
            _refuse_type(conn, t)
        for t in sorted(seeds):
            _refuse_neighbourhood(conn, t, sorted(seeds[t]))
    return sorted(whole | set(seeds))


# --------------------------------------------------------------------------- syndication


def _syndicate_all(conn: Connection) -> list[str]:
    """Recompute every origin; return the documents whose origin changed."""
    d = schema.documents
    rows = conn.execute(select(d.c.id, d.c.published, d.c.wire, d.c.minhash, d.c.origin_id)).all()
    mapping = syndication.origins(
        syndication.SyndicationEntry(r.id, r.published, r.wire, r.minhash) for r in rows
    )
    changed = [{"i": r.id, "o": mapping[r.id]} for r in rows if mapping[r.id] != r.origin_id]
    _set_origins(conn, changed)
    return [c["i"] for c in changed]


def _set_origins(conn: Connection, changed: list[dict[str, str]]) -> None:
    d = schema.documents
    if changed:
        conn.execute(
            update(d).where(d.c.id == bindparam("i")).values(origin_id=bindparam("o")), changed
        )


def _syndicate_new(conn: Connection, new_ids: list[str]) -> list[str]:
    """Join the stories of ``new_ids`` with those of the stored copies they share an LSH
    bucket with; return the documents whose origin changed."""
    d, b = schema.documents, schema.doc_bands
    cols = (d.c.id, d.c.published, d.c.wire, d.c.minhash, d.c.origin_id)
    info: dict[str, Any] = {}
    for part in _chunks(new_ids):
        info.update((r.id, r) for r in conn.execute(select(*cols).where(d.c.id.in_(part))))
    neighbours: dict[str, set[str]] = {}
    for doc_id in new_ids:
        r = info.get(doc_id)
        if r is None or r.minhash is None:
            continue
        keys = syndication.band_keys(r.minhash)
        found = conn.execute(select(b.c.document_id).where(b.c.band.in_(keys)).distinct())
        neighbours[doc_id] = set(found.scalars()) - {doc_id}
    unknown = sorted({n for ns in neighbours.values() for n in ns} - set(info))
    for part in _chunks(unknown):
        info.update((r.id, r) for r in conn.execute(select(*cols).where(d.c.id.in_(part))))
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def entry(r: Any) -> syndication.SyndicationEntry:
        return syndication.SyndicationEntry(r.id, r.published, r.wire, r.minhash)

    for doc_id, ns in neighbours.items():
        a = info[doc_id]
        for n in sorted(ns):
            c = info.get(n)
            if c is None or c.minhash is None:
                continue
            ga, gc = find(a.origin_id or a.id), find(c.origin_id or c.id)
            if ga != gc and syndication.copies(
                entry(a), entry(c), syndication.similarity(a.minhash, c.minhash)
            ):
                parent[max(ga, gc)] = min(ga, gc)
    stories: dict[str, list[str]] = {}
    for g in list(parent):
        stories.setdefault(find(g), []).append(g)
    changed: list[dict[str, str]] = []
    for groups in stories.values():
        if len(groups) < 2:
            continue
        members: list[Any] = []
        for part in _chunks(sorted(groups)):
            members += conn.execute(
                select(d.c.id, d.c.published, d.c.origin_id).where(d.c.origin_id.in_(part))
            ).all()
        origin = min(members, key=lambda m: syndication.origin_key(m.published, m.id)).id
        changed += [{"i": m.id, "o": origin} for m in members if m.origin_id != origin]
    _set_origins(conn, changed)
    return [c["i"] for c in changed]


# --------------------------------------------------------------------------- fusion


@dataclass(slots=True)
class _Stored:
    mention: fusion.Mention
    block: str | None
    window_start: str | None
    window_end: str | None


def _load(conn: Connection, event_type: str, where: ColumnElement[bool]) -> list[_Stored]:
    de, d = schema.doc_events, schema.documents
    origin = d.alias("origin")
    q = (
        select(
            de.c.document_id,
            de.c.payload,
            de.c.block,
            de.c.window_start,
            de.c.window_end,
            d.c.published,
            d.c.publisher,
            d.c.origin_id,
            d.c.wire,
            origin.c.publisher.label("origin_publisher"),
        )
        .join(d, d.c.id == de.c.document_id)
        .join(origin, origin.c.id == d.c.origin_id, isouter=True)
        .where(de.c.type == event_type, where)
    )
    return [
        _Stored(
            fusion.Mention(
                document_id=r.document_id,
                event=codec.event_from_dict(json.loads(r.payload)),
                published=r.published,
                publisher=r.publisher,
                origin_id=r.origin_id,
                origin_publisher=r.origin_publisher,
                wire=r.wire,
            ),
            r.block,
            r.window_start,
            r.window_end,
        )
        for r in conn.execute(q)
    ]


def stored_mentions(conn: Connection, event_type: str) -> list[fusion.Mention]:
    """The stored article-level events of ``event_type``, as fusion mentions."""
    from sqlalchemy import true

    return [s.mention for s in _load(conn, event_type, true())]


def _ranges(windows: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    """Overlapping date windows merged into disjoint ranges."""
    merged: list[tuple[str, str]] = []
    for lo, hi in sorted(windows):
        if merged and lo <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(hi, merged[-1][1]))
        else:
            merged.append((lo, hi))
    return merged


def _refuse_neighbourhood(conn: Connection, event_type: str, doc_ids: list[str]) -> None:
    """Re-fuse the mentions of ``event_type`` in ``doc_ids`` with every block they can join."""
    de = schema.doc_events
    seeds: list[_Stored] = []
    for part in _chunks(doc_ids):
        seeds += _load(conn, event_type, de.c.document_id.in_(part))
    if not seeds:
        return
    seed_ids = {s.mention.id for s in seeds}
    dated = [(s.window_start, s.window_end) for s in seeds]
    if any(lo is None or hi is None for lo, hi in dated):
        near: ColumnElement[bool] = de.c.type == event_type  # an undated mention meets all
    else:
        near = or_(
            de.c.window_start.is_(None),
            *(
                and_(de.c.window_start <= hi, de.c.window_end >= lo)
                for lo, hi in _ranges(dated)  # type: ignore[arg-type]
            ),
        )
    blocks = {s.block for s in seeds if s.block is not None}  # their old blocks may split
    loose: dict[str, _Stored] = {}  # never-fused neighbours: blocks of their own
    windows = {s.mention.id: fusion.window(s.mention) for s in seeds}
    for cand in _load(conn, event_type, near):
        m = cand.mention
        if m.id in seed_ids or (cand.block is not None and cand.block in blocks):
            continue
        wc = fusion.window(m)
        if any(fusion.compatible(s.mention, m, windows[s.mention.id], wc) for s in seeds):
            if cand.block is None:
                loose[m.id] = cand
            else:
                blocks.add(cand.block)
    members: dict[str, fusion.Mention] = {s.mention.id: s.mention for s in seeds}
    members.update((k, s.mention) for k, s in loose.items())
    for part in _chunks(sorted(blocks)):
        members.update(
            (s.mention.id, s.mention) for s in _load(conn, event_type, de.c.block.in_(part))
        )
    mentions = list(members.values())
    _delete_fused(conn, _fused_ids_of(conn, mentions))
    fused = fusion.fuse(mentions)
    if fused:
        write_fused(conn, fused)
    _set_blocks(conn, fusion.components(mentions))


def _fused_ids_of(conn: Connection, mentions: list[fusion.Mention]) -> list[str]:
    em = schema.event_mentions
    keys = sorted({(m.document_id, m.event.id) for m in mentions})
    ids: set[str] = set()
    for part in _chunks(keys):
        docs = sorted({k[0] for k in part})
        want = set(part)
        for r in conn.execute(
            select(em.c.event_id, em.c.document_id, em.c.doc_event_id).where(
                em.c.document_id.in_(docs)
            )
        ):
            if (r.document_id, r.doc_event_id) in want:
                ids.add(r.event_id)
    return sorted(ids)


def _set_blocks(conn: Connection, comps: list[list[fusion.Mention]]) -> None:
    de = schema.doc_events
    rows = [
        {"d": m.document_id, "e": m.event.id, "b": b}
        for comp in comps
        for b in (block_id(comp),)
        for m in comp
    ]
    if rows:
        conn.execute(
            update(de)
            .where(de.c.document_id == bindparam("d"), de.c.event_id == bindparam("e"))
            .values(block=bindparam("b")),
            rows,
        )


def set_blocks(conn: Connection, event_type: str) -> None:
    """Record the blocks of every stored mention of ``event_type`` (fused events unchanged)."""
    _set_blocks(conn, fusion.components(stored_mentions(conn, event_type)))


def _refuse_type(conn: Connection, event_type: str) -> None:
    """Replace every fused event of ``event_type`` and recompute its blocks."""
    ev = schema.events
    _delete_fused(
        conn, list(conn.execute(select(ev.c.id).where(ev.c.type == event_type)).scalars())
    )
    mentions = stored_mentions(conn, event_type)
    fused = fusion.fuse(mentions)
    if fused:
        write_fused(conn, fused)
    _set_blocks(conn, fusion.components(mentions))


def _delete_fused(conn: Connection, ids: list[str]) -> None:
    ev = schema.events
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
