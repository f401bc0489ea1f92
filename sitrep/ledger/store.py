"""The Ledger: one interface over SQLite (default) and PostgreSQL.

``Ledger.add(documents)`` stores each new document with its layers, events and
claims in one transaction per batch, then brings syndication and fusion up to
date for what the batch touched. Document ids are content hashes, so adding a
document already stored changes nothing. A new document is compared with the
stored documents sharing an LSH bucket, and fusion is recomputed for the
blocks (connected components of compatible mentions) its mentions can join
(see :mod:`sitrep.ledger.refresh`), which gives exactly what fusing everything
again would, so the ledger is the same whatever order documents arrive in.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, TypeVar

from sqlalchemy import (
    Connection,
    Engine,
    and_,
    delete,
    func,
    insert,
    select,
    text,
)

from ..records import Document, Rejection, as_dict
from ..settings import Settings
from . import codec, fusion, schema, syndication
from .codec import dumps, loads

__all__ = ["AddResult", "Ledger"]

T = TypeVar("T")
_CHUNK = 500
_LAYERS = ("entities", "places", "times", "figures", "attributions")


def chunked(items: Sequence[T] | Iterable[T], n: int) -> Iterator[list[T]]:
    batch: list[T] = []
    for it in items:
        batch.append(it)
        if len(batch) >= n:
            yield batch
            batch = []
    if batch:
        yield batch


def _window_columns(w: tuple[Any, Any] | None) -> dict[str, str | None]:
    return {
        "window_start": None if w is None else w[0].isoformat(),
        "window_end": None if w is None else w[1].isoformat(),
    }


def _sources(doc: Document) -> dict[str, dict[str, Any]]:
    """The sources a document names (claimants and event sources), by name key."""
    seen: dict[str, dict[str, Any]] = {}
    for c in doc.claims:
        seen.setdefault(
            fusion.name_key(c.source), {"name": c.source, "kind": c.source_kind, "country": None}
        )
    for e in doc.events:
        for s in e.sources:
            seen.setdefault(
                fusion.name_key(s.name), {"name": s.name, "kind": s.kind, "country": s.country}
            )
    seen.pop("", None)
    return seen


@dataclass(slots=True)
class _DocRows:
    """One document's rows, ready to insert."""

    doc: Document
    document: dict[str, Any]
    bands: list[dict[str, Any]]
    fts: dict[str, Any]
    spans: list[dict[str, Any]]
    events: list[dict[str, Any]]
    claims: list[dict[str, Any]]
    sources: dict[str, dict[str, Any]]


@dataclass(slots=True)
class AddResult:
    """What one ``add`` did."""

    added: int = 0
    skipped: int = 0  # already stored (same content hash)
    events: int = 0  # article-level events stored
    types: set[str] = field(default_factory=set)  # event types the new documents carry
    document_ids: list[str] = field(default_factory=list)  # the documents added
    types_refused: list[str] = field(default_factory=list)


def writer_lock(conn: Connection) -> None:
    """On PostgreSQL, one writing transaction at a time (held until it ends): two
    ingests into one ledger at once otherwise both insert a new document (a
    duplicate-key crash) or re-fuse the same block. SQLite's own lock does this."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(hashtext('sitrep.ledger.write'))"))


class Ledger:
    """A source-attributed ledger of documents and fused events."""

    def __init__(self, engine: Engine, settings: Settings) -> None:
        self.engine = engine
        self.settings = settings

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Ledger:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------------ writing

    def add(
        self, documents: Iterable[Document], *, batch_size: int = 200, refresh: bool = True
    ) -> AddResult:
        """Store new documents (one transaction per batch), then re-fuse what they touched.

        With ``refresh=False`` the caller brings syndication and fusion up to date
        later with ``refresh(documents=result.document_ids)`` (one pass after many batches)."""
        result = AddResult()
        types = result.types
        for batch in chunked(documents, batch_size):
            unique = list({d.id: d for d in batch}.values())
            # rows are built before the transaction: the writer lock is held
            # only while they are written, one statement per table
            prepared = [self._rows(doc) for doc in unique]
            with self.engine.begin() as conn:
                writer_lock(conn)
                have = self._existing(conn, [d.id for d in unique])
                new = [rows for rows in prepared if rows.doc.id not in have]
                result.skipped += len(unique) - len(new)
                self._write(conn, new)
                for rows in new:
                    types.update(e.type for e in rows.doc.events)
                    result.document_ids.append(rows.doc.id)
                    result.added += 1
                    result.events += len(rows.doc.events)
            result.skipped += len(batch) - len(unique)
        if result.added and refresh:
            result.types_refused = self.refresh(documents=result.document_ids)
        return result

    def add_rejections(self, rejections: Iterable[Rejection]) -> int:
        """Record refused inputs (the latest reason per source and code)."""
        n = 0
        now = datetime.now(UTC).isoformat()
        t = schema.rejections
        with self.engine.begin() as conn:
            writer_lock(conn)
            for r in rejections:
                conn.execute(delete(t).where(and_(t.c.source == r.source, t.c.code == r.code)))
                conn.execute(
                    insert(t).values(source=r.source, code=r.code, reason=r.reason, at=now)
                )
                n += 1
        return n

    def replace(self, doc: Document, *, refresh: bool = True) -> set[str]:
        """Store ``doc`` in place of the stored document with its id (used by reprocess);
        return the event types touched (re-fused unless ``refresh=False``)."""
        with self.engine.begin() as conn:
            writer_lock(conn)
            old_types = set(
                conn.execute(
                    select(schema.doc_events.c.type)
                    .where(schema.doc_events.c.document_id == doc.id)
                    .distinct()
                ).scalars()
            )
            self._delete_document(conn, doc.id)
            new_types = self._insert(conn, doc)
        if refresh:
            self.refresh(old_types | new_types)
        return old_types | new_types

    def stored_ids(self, ids: Iterable[str]) -> set[str]:
        """Which of ``ids`` the ledger already holds."""
        with self.engine.connect() as conn:
            return self._existing(conn, list(ids))

    def unfused_documents(self) -> list[str]:
        """Ids of stored documents with article events that no fused event mentions
        yet: those an ingest stored and has not fused, and those an ingest killed
        between committing a batch and fusing left behind."""
        de, em = schema.doc_events, schema.event_mentions
        mentioned = (
            select(em.c.document_id)
            .where(and_(em.c.document_id == de.c.document_id, em.c.doc_event_id == de.c.event_id))
            .exists()
        )
        with self.engine.connect() as conn:
            return sorted(conn.execute(select(de.c.document_id).where(~mentioned).distinct()).scalars())

    def _existing(self, conn: Connection, ids: list[str]) -> set[str]:
        found: set[str] = set()
        for part in chunked(ids, _CHUNK):
            found.update(
                conn.execute(
                    select(schema.documents.c.id).where(schema.documents.c.id.in_(part))
                ).scalars()
            )
        return found

    def _delete_document(self, conn: Connection, doc_id: str) -> None:
        for t in (schema.spans, schema.doc_events, schema.claims, schema.doc_bands):
            conn.execute(delete(t).where(t.c.document_id == doc_id))
        if self.dialect == "sqlite":
            conn.execute(text("DELETE FROM documents_fts WHERE document_id = :i"), {"i": doc_id})
        conn.execute(delete(schema.documents).where(schema.documents.c.id == doc_id))

    def _insert(self, conn: Connection, doc: Document) -> set[str]:
        """Insert one document and its layers; return the event types it carries."""
        self._write(conn, [self._rows(doc)])
        return {e.type for e in doc.events}

    def _write(self, conn: Connection, docs: list[_DocRows]) -> None:
        """Insert prepared documents: one statement per table for all of them."""
        if not docs:
            return
        conn.execute(insert(schema.documents), [d.document for d in docs])
        for table, attr in (
            (schema.doc_bands, "bands"),
            (schema.spans, "spans"),
            (schema.doc_events, "events"),
            (schema.claims, "claims"),
        ):
            rows = [r for d in docs for r in getattr(d, attr)]
            if rows:
                conn.execute(insert(table), rows)
        if self.dialect == "sqlite":
            conn.execute(
                text("INSERT INTO documents_fts (document_id, title, body) VALUES (:i, :t, :b)"),
                [d.fts for d in docs],
            )
        seen: dict[str, dict[str, Any]] = {}
        for d in docs:
            for key, row in d.sources.items():
                seen.setdefault(key, row)
        self._remember_sources(conn, seen)

    def _rows(self, doc: Document) -> _DocRows:
        """The rows that store ``doc`` (built outside any transaction)."""
        st = self.settings
        keep = codec.keeps_text(doc, st)
        quotes = [codec.quote(e.text, doc, st) or "" for ev in doc.events for e in ev.evidence]
        quotes += [codec.quote(e.text, doc, st) or "" for c in doc.claims for e in c.evidence]
        quotes_text = "\n".join(dict.fromkeys(q for q in quotes if q)) or None
        minhash = syndication.signature(doc.text)
        document = {
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
            "tdm_reserved": doc.rights.tdm_reserved,
            "rights_notice": doc.rights.notice,
            "rights_signals": json.dumps(list(doc.rights.signals)),
            "text": doc.text if keep else None,
            "text_stored": keep,
            "quotes": quotes_text,
            "captions": json.dumps(list(doc.captions) if keep else [], ensure_ascii=False),
            "removed": dumps(list(doc.removed) if keep else []),
            "stages": json.dumps(list(doc.stages)),
            "ingested_at": datetime.now(UTC).isoformat(),
            "wire": syndication.wire_credit(doc),
            "minhash": minhash,
            "origin_id": doc.id,
            "syndication_version": syndication.VERSION,
        }
        bands = (
            []
            if minhash is None
            else [{"band": k, "document_id": doc.id} for k in set(syndication.band_keys(minhash))]
        )
        fts = {"i": doc.id, "t": doc.title or "", "b": (doc.text if keep else quotes_text) or ""}
        span_rows = []
        for layer in _LAYERS:
            stage = codec.stage_for(doc, layer)
            for s in getattr(doc, layer):
                payload = as_dict(s)
                if "text" in payload:
                    payload["text"] = codec.quote(payload["text"], doc, st)
                span_rows.append(
                    {
                        "document_id": doc.id,
                        "layer": layer,
                        "start": s.start,
                        "end": s.end,
                        "payload": json.dumps(payload, ensure_ascii=False, sort_keys=True),
                        "stage": stage,
                    }
                )
        ev_stage = codec.stage_for(doc, "events")
        ev_rows = [
            {
                "document_id": doc.id,
                "event_id": e.id,
                "type": e.type,
                "payload": json.dumps(
                    codec.event_payload(e, doc, st), ensure_ascii=False, sort_keys=True
                ),
                "stage": ev_stage,
                **_window_columns(fusion.window(fusion.Mention(doc.id, e, doc.published))),
            }
            for e in {e.id: e for e in doc.events}.values()
        ]
        cl_stage = codec.stage_for(doc, "claims")
        cl_rows = [
            {
                "document_id": doc.id,
                "claim_id": c.id,
                "source": c.source,
                "source_kind": c.source_kind,
                "cue": c.cue,
                "via": json.dumps(list(c.via), ensure_ascii=False),
                "hedge": c.hedge,
                "text": codec.quote(c.text, doc, st),
                "events": json.dumps(list(c.events)),
                "evidence": json.dumps(
                    codec.evidence_list(c.evidence, doc, st), ensure_ascii=False
                ),
                "stage": cl_stage,
            }
            for c in {c.id: c for c in doc.claims}.values()
        ]
        return _DocRows(doc, document, bands, fts, span_rows, ev_rows, cl_rows, _sources(doc))

    def _remember_sources(self, conn: Connection, seen: dict[str, dict[str, Any]]) -> None:
        """Add the sources in ``seen`` (name key -> row) the ledger does not know yet."""
        if not seen:
            return
        have = set(
            conn.execute(
                select(schema.sources.c.key).where(schema.sources.c.key.in_(list(seen)))
            ).scalars()
        )
        rows = [{"key": k, **v} for k, v in seen.items() if k not in have]
        if rows:
            conn.execute(insert(schema.sources), rows)

    # ------------------------------------------------------------------ syndication and fusion

    def refresh(
        self, types: Iterable[str] | None = None, *, documents: Iterable[str] | None = None
    ) -> list[str]:
        """Bring syndication and fusion up to date; see :func:`sitrep.ledger.refresh.refresh`."""
        from .refresh import refresh

        done = refresh(self, types, documents=documents)
        if done:
            self.optimize()
        return done

    def optimize(self) -> None:
        """Refresh the query planner's statistics on the filtered tables so filters pick good indexes."""
        with self.engine.begin() as conn:
            tables = ["events", "event_actors"]
            if self.dialect == "postgresql":  # the text filter's tsvector lives there
                tables.append("event_payloads")
            for t in tables:
                conn.execute(text(f"ANALYZE {t}"))

    def write_fused(self, conn: Connection, fused: Sequence[fusion.FusedEvent]) -> None:
        """Insert fused events and their index rows (mentions, actors, claimants, search)."""
        from .refresh import write_fused

        write_fused(conn, fused)

    # ------------------------------------------------------------------ reading back

    def document(self, doc_id: str) -> Document | None:
        """The stored cleaned document (without layers), or None; text is '' when not stored."""
        with self.engine.connect() as conn:
            row = conn.execute(
                select(schema.documents).where(schema.documents.c.id == doc_id)
            ).first()
        return None if row is None else codec.document_from_row(row)

    def count(self, table: str) -> int:
        t = schema.METADATA.tables[table]
        with self.engine.connect() as conn:
            return int(conn.execute(select(func.count()).select_from(t)).scalar_one())

    def stored_stages(self) -> list[tuple[str, tuple[str, ...], bool]]:
        """(document id, stage names, text stored) for every document."""
        d = schema.documents
        with self.engine.connect() as conn:
            return [
                (r.id, tuple(loads(r.stages, [])), bool(r.text_stored))
                for r in conn.execute(select(d.c.id, d.c.stages, d.c.text_stored).order_by(d.c.id))
            ]
