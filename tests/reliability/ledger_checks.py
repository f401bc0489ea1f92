"""Consistency checks over a stored ledger, shared by the crash and concurrency tests
and by ``make reliability``."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, text

__all__ = ["inconsistencies", "snapshot", "unfused_documents"]

#: (what, SQL counting rows that break it)
_CHECKS: tuple[tuple[str, str], ...] = (
    ("spans without their document",
     "SELECT count(*) FROM spans s WHERE NOT EXISTS (SELECT 1 FROM documents d WHERE d.id = s.document_id)"),
    ("article events without their document",
     "SELECT count(*) FROM doc_events e WHERE NOT EXISTS (SELECT 1 FROM documents d WHERE d.id = e.document_id)"),
    ("claims without their document",
     "SELECT count(*) FROM claims c WHERE NOT EXISTS (SELECT 1 FROM documents d WHERE d.id = c.document_id)"),
    ("mentions of a missing event",
     "SELECT count(*) FROM event_mentions m WHERE NOT EXISTS (SELECT 1 FROM events e WHERE e.id = m.event_id)"),
    ("mentions of a missing document",
     "SELECT count(*) FROM event_mentions m WHERE NOT EXISTS (SELECT 1 FROM documents d WHERE d.id = m.document_id)"),
    ("mentions of a missing article event",
     "SELECT count(*) FROM event_mentions m WHERE NOT EXISTS (SELECT 1 FROM doc_events de "
     "WHERE de.document_id = m.document_id AND de.event_id = m.doc_event_id)"),
    ("events without their payload",
     "SELECT count(*) FROM events e WHERE NOT EXISTS (SELECT 1 FROM event_payloads p WHERE p.event_id = e.id)"),
    ("payloads without their event",
     "SELECT count(*) FROM event_payloads p WHERE NOT EXISTS (SELECT 1 FROM events e WHERE e.id = p.event_id)"),
    ("events without mentions",
     "SELECT count(*) FROM events e WHERE NOT EXISTS (SELECT 1 FROM event_mentions m WHERE m.event_id = e.id)"),
    ("events whose mention_count is wrong",
     "SELECT count(*) FROM events e WHERE e.mention_count != "
     "(SELECT count(*) FROM event_mentions m WHERE m.event_id = e.id)"),
    ("actors of a missing event",
     "SELECT count(*) FROM event_actors a WHERE NOT EXISTS (SELECT 1 FROM events e WHERE e.id = a.event_id)"),
    ("claimants of a missing event",
     "SELECT count(*) FROM event_claimants c WHERE NOT EXISTS (SELECT 1 FROM events e WHERE e.id = c.event_id)"),
    ("article events mentioned twice",
     "SELECT count(*) FROM (SELECT document_id, doc_event_id FROM event_mentions "
     "GROUP BY document_id, doc_event_id HAVING count(*) > 1) t"),
)  # fmt: skip

_SQLITE_CHECKS: tuple[tuple[str, str], ...] = (
    ("documents missing from the search index",
     "SELECT count(*) FROM documents d WHERE NOT EXISTS (SELECT 1 FROM documents_fts f WHERE f.document_id = d.id)"),
    ("search rows of a missing document",
     "SELECT count(*) FROM documents_fts f WHERE NOT EXISTS (SELECT 1 FROM documents d WHERE d.id = f.document_id)"),
    ("documents indexed twice",
     "SELECT count(*) FROM (SELECT document_id FROM documents_fts GROUP BY document_id HAVING count(*) > 1) t"),
    ("events missing from the event search index",
     "SELECT count(*) FROM events e WHERE NOT EXISTS (SELECT 1 FROM events_fts f WHERE f.rowid = e.rowid)"),
    ("event search rows of a missing event",
     "SELECT count(*) FROM events_fts f WHERE NOT EXISTS (SELECT 1 FROM events e WHERE e.rowid = f.rowid)"),
)  # fmt: skip


def inconsistencies(engine: Engine) -> dict[str, int]:
    """What is broken (check -> rows breaking it); empty when the ledger is consistent."""
    checks = _CHECKS + (_SQLITE_CHECKS if engine.dialect.name == "sqlite" else ())
    # one statement, so one snapshot: a reader during an ingest sees a consistent ledger
    sql = "SELECT " + ", ".join(f"({q}) AS c{i}" for i, (_, q) in enumerate(checks))
    with engine.connect() as conn:
        row = conn.execute(text(sql)).one()
    return {what: int(n) for (what, _), n in zip(checks, row, strict=True) if n}


def unfused_documents(engine: Engine) -> int:
    """Documents with article events that no fused event mentions (stored, never fused)."""
    sql = (
        "SELECT count(DISTINCT de.document_id) FROM doc_events de WHERE NOT EXISTS "
        "(SELECT 1 FROM event_mentions m WHERE m.document_id = de.document_id AND m.doc_event_id = de.event_id)"
    )
    with engine.connect() as conn:
        return int(conn.execute(text(sql)).scalar_one())


def snapshot(engine: Engine) -> dict[str, Any]:
    """What two runs over the same inputs must agree on."""
    with engine.connect() as conn:
        ids = [r[0] for r in conn.execute(text("SELECT id FROM documents ORDER BY id"))]
        counts = {
            t: int(conn.execute(text(f"SELECT count(*) FROM {t}")).scalar_one())
            for t in ("documents", "spans", "doc_events", "claims", "events", "event_mentions")
        }
    return {"document_ids": ids, "counts": counts}
