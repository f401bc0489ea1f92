"""Migrations: named, ordered steps, each applied once and recorded in ``migrations``.

A step is a function over an open connection (inside the transaction that
records it). Add new steps at the end of ``STEPS``; never rename or reorder an
applied one. ``apply(engine)`` runs on every :func:`sitrep.ledger.open_ledger`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime

from sqlalchemy import Connection, Engine, Table, inspect, select, text

from ..errors import LedgerError
from . import schema

__all__ = ["STEPS", "applied", "apply", "run_steps"]

Step = Callable[[Connection], None]


def _core_tables(conn: Connection) -> None:
    schema.METADATA.create_all(conn)


def _search(conn: Connection) -> None:
    """Full-text search over document title/text/quotes and fused events."""
    if conn.dialect.name == "sqlite":
        conn.execute(
            text(
                "CREATE VIRTUAL TABLE IF NOT EXISTS documents_fts USING fts5("
                "document_id UNINDEXED, title, body, tokenize='porter unicode61')"
            )
        )
        conn.execute(
            text(
                "CREATE VIRTUAL TABLE IF NOT EXISTS events_fts USING fts5("
                "event_id UNINDEXED, body, tokenize='porter unicode61')"
            )
        )
    elif conn.dialect.name == "postgresql":
        conn.execute(
            text(
                "ALTER TABLE documents ADD COLUMN IF NOT EXISTS search tsvector "
                "GENERATED ALWAYS AS (to_tsvector('english', coalesce(title, '') || ' ' || "
                "coalesce(text, '') || ' ' || coalesce(quotes, ''))) STORED"
            )
        )
        conn.execute(
            text("CREATE INDEX IF NOT EXISTS ix_documents_search ON documents USING GIN (search)")
        )
        conn.execute(
            text(
                "ALTER TABLE event_payloads ADD COLUMN IF NOT EXISTS search tsvector "
                "GENERATED ALWAYS AS (to_tsvector('english', coalesce(search_text, ''))) STORED"
            )
        )
        conn.execute(
            text(
                "CREATE INDEX IF NOT EXISTS ix_event_payloads_search ON event_payloads USING GIN (search)"
            )
        )
    else:  # pragma: no cover - only the two dialects are supported
        raise LedgerError(f"unsupported database dialect {conn.dialect.name!r}")


def _postgres_sort_indexes(conn: Connection) -> None:
    """PostgreSQL sorts undated events last with DESC NULLS LAST; give it indexes in that order
    (SQLite puts NULLs last in DESC order already and uses the plain indexes)."""
    if conn.dialect.name != "postgresql":
        return
    for name, cols in (
        ("ix_events_date_desc", ""),
        ("ix_events_type_date_desc", "type, "),
        ("ix_events_country_date_desc", "location_country, "),
        ("ix_events_place_date_desc", "location_key, "),
        ("ix_events_contradictions_date_desc", "has_contradictions, "),
    ):
        conn.execute(
            text(
                f"CREATE INDEX IF NOT EXISTS {name} ON events ({cols}date_start DESC NULLS LAST, id DESC)"
            )
        )


def _doc_event_windows(conn: Connection) -> None:
    """Date windows on article events, so fusion can re-fuse only the blocks new reports touch."""
    import json

    from . import codec, fusion

    have = {c["name"] for c in inspect(conn).get_columns("doc_events")}
    for col in ("window_start", "window_end"):
        if col not in have:
            conn.execute(text(f"ALTER TABLE doc_events ADD COLUMN {col} VARCHAR(40)"))
    conn.execute(
        text(
            "CREATE INDEX IF NOT EXISTS ix_doc_events_window ON doc_events (type, window_start, window_end)"
        )
    )
    rows = conn.execute(
        text(
            "SELECT de.document_id, de.event_id, de.payload, d.published FROM doc_events de "
            "JOIN documents d ON d.id = de.document_id"
        )
    ).all()
    for r in rows:
        mention = fusion.Mention(
            r.document_id, codec.event_from_dict(json.loads(r.payload)), r.published
        )
        w = fusion.window(mention)
        conn.execute(
            text(
                "UPDATE doc_events SET window_start = :s, window_end = :e WHERE document_id = :d AND event_id = :i"
            ),
            {
                "s": w and w[0].isoformat(),
                "e": w and w[1].isoformat(),
                "d": r.document_id,
                "i": r.event_id,
            },
        )


def _fusion_blocks(conn: Connection) -> None:
    """Fusion blocks on article events and LSH buckets of document signatures, so a new
    report is fused with, and compared against, only what it can join."""
    from sqlalchemy import insert

    from . import refresh, syndication

    have = {c["name"] for c in inspect(conn).get_columns("doc_events")}
    if "block" not in have:
        conn.execute(text("ALTER TABLE doc_events ADD COLUMN block VARCHAR(40)"))
    conn.execute(text("CREATE INDEX IF NOT EXISTS ix_doc_events_block ON doc_events (type, block)"))
    if not inspect(conn).has_table("doc_bands"):
        schema.doc_bands.create(conn)
        d = schema.documents
        rows = conn.execute(select(d.c.id, d.c.minhash).where(d.c.minhash.is_not(None))).all()
        bands = [
            {"band": k, "document_id": r.id}
            for r in rows
            for k in set(syndication.band_keys(r.minhash))
        ]
        for start in range(0, len(bands), 5000):
            conn.execute(insert(schema.doc_bands), bands[start : start + 5000])
    de = schema.doc_events
    for t in list(conn.execute(select(de.c.type).distinct()).scalars()):
        refresh.set_blocks(conn, t)


def _filter_indexes(conn: Connection) -> None:
    """Indexes the actor (by name or country code) and since/until filters count and page with."""
    conn.execute(
        text("CREATE INDEX IF NOT EXISTS ix_events_date_end ON events (date_end, date_start)")
    )
    conn.execute(
        text(
            "CREATE INDEX IF NOT EXISTS ix_event_actors_country ON event_actors (country, event_id)"
        )
    )
    conn.execute(text("CREATE INDEX IF NOT EXISTS ix_events_id_date ON events (id, date_start)"))


#: (name, step) in the order they apply.
STEPS: tuple[tuple[str, Step], ...] = (
    ("0001_core_tables", _core_tables),
    ("0002_full_text_search", _search),
    ("0003_postgres_sort_indexes", _postgres_sort_indexes),
    ("0004_doc_event_windows", _doc_event_windows),
    ("0005_fusion_blocks", _fusion_blocks),
    ("0006_filter_indexes", _filter_indexes),
)


def applied(conn: Connection) -> list[str]:
    if not inspect(conn).has_table("migrations"):
        return []
    rows = conn.execute(select(schema.migrations.c.name).order_by(schema.migrations.c.name))
    return [r[0] for r in rows]


def apply(engine: Engine) -> list[str]:
    """Apply every ledger step not yet recorded; return the names applied now."""
    return run_steps(engine, STEPS, schema.migrations, lock="sitrep.ledger.migrations")


def run_steps(
    engine: Engine, steps: Sequence[tuple[str, Step]], table: Table, *, lock: str
) -> list[str]:
    """Apply each of ``steps`` not yet recorded in ``table`` (a table with ``name``
    and ``applied_at`` columns), each in its own transaction with its record;
    return the names applied now. On PostgreSQL the advisory lock ``lock`` lets
    one migrating process at a time through. Other parts of sitrep that keep
    tables in the ledger database (the watcher) run their own steps with it."""
    done_now: list[str] = []
    with engine.begin() as conn:
        table.create(conn, checkfirst=True)
    for name, step in steps:
        with engine.begin() as conn:
            if conn.dialect.name == "postgresql":
                conn.execute(text("SELECT pg_advisory_xact_lock(hashtext(:k))"), {"k": lock})
            if name in set(conn.execute(select(table.c.name)).scalars()):
                continue
            try:
                step(conn)
            except Exception as exc:
                raise LedgerError(f"migration {name} failed: {exc}") from exc
            conn.execute(table.insert().values(name=name, applied_at=datetime.now(UTC).isoformat()))
            done_now.append(name)
    return done_now
