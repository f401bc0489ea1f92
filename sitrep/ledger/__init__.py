"""The ledger: storage (SQLite by default, PostgreSQL), syndication, fusion and queries.

::

    from sitrep.ledger import open_ledger, EventFilter, events
    with open_ledger("sitrep.db") as ledger:
        ledger.add(documents)
        print(events(ledger, EventFilter(type="attack", min_sources=2)))

``open_ledger`` takes a SQLAlchemy URL (``sqlite:///x.db``,
``postgresql://user@host/db``) or a plain path to a SQLite file, and applies
any migrations not yet applied.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine
from sqlalchemy import event as sa_event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import ArgumentError, OperationalError
from sqlalchemy.pool import StaticPool

from ..errors import LedgerError
from ..settings import Settings, load_settings
from . import migrations
from .queries import EventFilter, document_list, event, events, search, sources
from .store import AddResult, Ledger

__all__ = [
    "AddResult",
    "EventFilter",
    "Ledger",
    "document_list",
    "event",
    "events",
    "open_ledger",
    "resolve_url",
    "search",
    "sources",
]

_SCHEMA_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,62}$")


def resolve_url(target: str | Path) -> str:
    """A SQLAlchemy URL for ``target``: URLs pass through (PostgreSQL gets psycopg 3),
    plain paths become SQLite files."""
    raw = str(target)
    if "://" not in raw:
        return "sqlite:///" + str(Path(raw).expanduser().resolve())
    try:
        url = make_url(raw)
    except ArgumentError as exc:
        raise LedgerError(f"not a database URL: {raw!r}") from exc
    if url.drivername in ("postgresql", "postgres", "postgresql+psycopg2"):
        url = url.set(drivername="postgresql+psycopg")
    if url.get_backend_name() not in ("sqlite", "postgresql"):
        raise LedgerError(
            f"unsupported database {url.get_backend_name()!r}: use sqlite:// or postgresql://"
        )
    return url.render_as_string(hide_password=False)


def _sqlite_pragmas(engine: Engine, in_memory: bool) -> None:
    @sa_event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        cur = dbapi_conn.cursor()
        if not in_memory:
            cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.execute("PRAGMA busy_timeout=10000")
        cur.close()


def open_ledger(
    target: str | Path | None = None,
    *,
    settings: Settings | None = None,
    schema: str | None = None,
) -> Ledger:
    """Open (creating and migrating as needed) the ledger at ``target``.

    ``target`` defaults to ``settings.db`` (env ``SITREP_DB``). ``schema`` puts a
    PostgreSQL ledger in that schema (created if missing).
    """
    st = settings or load_settings()
    url = resolve_url(target if target is not None else st.db)
    backend = make_url(url).get_backend_name()
    kwargs: dict[str, object] = {}
    if backend == "sqlite":
        in_memory = make_url(url).database in (None, "", ":memory:")
        if in_memory:
            kwargs.update(poolclass=StaticPool, connect_args={"check_same_thread": False})
        engine = create_engine(url, **kwargs)
        _sqlite_pragmas(engine, in_memory)
    else:
        if schema is not None:
            if not _SCHEMA_NAME.match(schema):
                raise LedgerError(f"not a valid schema name: {schema!r}")
            kwargs["connect_args"] = {"options": f"-csearch_path={schema}"}
        engine = create_engine(url, pool_pre_ping=True, **kwargs)
    try:
        if schema is not None and backend == "postgresql":
            from sqlalchemy import text

            with engine.begin() as conn:
                conn.execute(text(f'CREATE SCHEMA IF NOT EXISTS "{schema}"'))
        migrations.apply(engine)
    except OperationalError as exc:
        engine.dispose()
        raise LedgerError(
            f"cannot open ledger at {make_url(url).render_as_string()}: {exc.orig}"
        ) from exc
    return Ledger(engine, st)
