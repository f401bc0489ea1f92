"""The watcher's own tables in the ledger database, and their migrations.

::

    watch_sources    one row per watched URL: validators, last success, failures, counts
    watch_items      every feed item / article link seen, per source (what "new" means)
    watch_snapshots  each fused event as alerts last saw it (figures, sources, contradictions)
    watch_alerts     every alert raised, keyed so that it is raised once; delivery time
    watch_migrations named steps applied, in order

The ledger applies its own steps in ``sitrep.ledger.migrations``; these are
the watcher's, applied by :func:`ensure` on the same engine with the ledger's
step runner (idempotent, recorded in ``watch_migrations``). Add steps at the
end of ``STEPS``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from sqlalchemy import (
    Column,
    Connection,
    Engine,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    inspect,
    text,
)

from ..ledger.migrations import run_steps

__all__ = [
    "METADATA",
    "STEPS",
    "alerts",
    "ensure",
    "items",
    "now",
    "snapshots",
    "sources",
]

METADATA = MetaData()

migrations = Table(
    "watch_migrations",
    METADATA,
    Column("name", String(200), primary_key=True),
    Column("applied_at", String(40), nullable=False),
)

sources = Table(
    "watch_sources",
    METADATA,
    Column("id", String(40), primary_key=True),  # Source.id: hash of the URL
    Column("url", Text, nullable=False),
    Column("name", Text, nullable=False),
    Column("etag", Text),
    Column("last_modified", Text),
    Column("last_attempt", String(40)),
    Column("last_success", String(40)),
    Column("last_status", String(40)),  # "200", "304", "error", "disallowed"
    Column("last_error", Text),
    # sha256 of the last body read in full: a server that ignores conditional
    # requests and sends the same feed again costs no parsing (step 0002)
    Column("body_sha256", String(64)),
    Column("failures", Integer, nullable=False, default=0),  # in a row; 0 after a success
    Column("failures_total", Integer, nullable=False, default=0),
    Column("rounds", Integer, nullable=False, default=0),
    Column("not_modified", Integer, nullable=False, default=0),  # 304 answers
    Column("items_seen", Integer, nullable=False, default=0),
    Column("items_ingested", Integer, nullable=False, default=0),
    Column("items_reserved", Integer, nullable=False, default=0),  # rights-reserved pages
    Column("items_skipped", Integer, nullable=False, default=0),  # robots, rejected
)

items = Table(
    "watch_items",
    METADATA,
    Column("source_id", String(40), primary_key=True),
    Column("key", String(500), primary_key=True),  # feed item id(+updated) or article URL
    Column("url", Text),
    Column(
        "status", String(20), nullable=False
    ),  # ingested|reserved|duplicate|disallowed|rejected|gone
    Column("document_id", String(80)),
    Column("reason", Text),
    Column("seen_at", String(40), nullable=False),
    Index("ix_watch_items_seen", "seen_at"),
)

snapshots = Table(
    "watch_snapshots",
    METADATA,
    # a stable name for the real event: the fused id when first seen, kept when
    # the fused id later changes (a new, earlier mention joins the cluster)
    Column("anchor", String(80), primary_key=True),
    Column("event_id", String(80), nullable=False),
    Column("mentions", Text, nullable=False),  # JSON list of "document_id|event_id"
    Column("mention_count", Integer),  # with independent_sources: "has it changed?" (step 0003)
    Column("figures", Text, nullable=False),  # JSON {category: value}
    Column("independent_sources", Integer, nullable=False, default=0),
    Column("contradictions", Text, nullable=False),  # JSON list of contradiction keys
    Column("updated_at", String(40), nullable=False),
    Index("ix_watch_snapshots_event", "event_id"),
)

alerts = Table(
    "watch_alerts",
    METADATA,
    Column("key", String(500), primary_key=True),
    Column("rule", Text, nullable=False),
    Column("kind", String(40), nullable=False),  # new_event|figure_change|new_contradiction
    Column("event_id", String(80)),
    Column("created_at", String(40), nullable=False),
    Column("payload", Text, nullable=False),  # the alert as delivered (JSON)
    Column("delivered_at", String(40)),  # NULL until every sink took it
    Column("sinks_done", Text),  # JSON list of the sinks that took it (no double delivery)
    Column("attempts", Integer, nullable=False, default=0),
    Column("last_error", Text),
    Index("ix_watch_alerts_created", "created_at"),
)

Step = Callable[[Connection], None]


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _tables(conn: Connection) -> None:
    METADATA.create_all(conn, tables=[sources, items, snapshots, alerts])


def _body_hash(conn: Connection) -> None:
    """``watch_sources.body_sha256`` for databases made before it existed."""
    have = {c["name"] for c in inspect(conn).get_columns("watch_sources")}
    if "body_sha256" not in have:
        conn.execute(text("ALTER TABLE watch_sources ADD COLUMN body_sha256 VARCHAR(64)"))


def _mention_count(conn: Connection) -> None:
    """``watch_snapshots.mention_count``; NULL in older rows, which are read in full once."""
    have = {c["name"] for c in inspect(conn).get_columns("watch_snapshots")}
    if "mention_count" not in have:
        conn.execute(text("ALTER TABLE watch_snapshots ADD COLUMN mention_count INTEGER"))


#: (name, step) in the order they apply.
STEPS: tuple[tuple[str, Step], ...] = (
    ("watch_0001_tables", _tables),
    ("watch_0002_source_body_hash", _body_hash),
    ("watch_0003_snapshot_mention_count", _mention_count),
)


def ensure(engine: Engine) -> list[str]:
    """Apply the watcher's steps not yet recorded; return the names applied now."""
    return run_steps(engine, STEPS, migrations, lock="sitrep.watch.migrations")
