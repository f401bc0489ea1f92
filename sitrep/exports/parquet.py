"""Parquet: the flat columns plus the nested parts as proper list<struct> columns.

The schema is fixed (:data:`SCHEMA`, versioned ``sitrep.parquet/1`` in the
file's metadata), so every export has the same columns and types whatever the
events hold, and an empty export still has them. The first columns are the
CSV export's (:data:`sitrep.exports.flat.COLUMNS`, same names and meaning;
dates as ``date32``); then

* ``actor_list``, ``source_list``, ``figure_list``, ``figure_history``,
  ``mention_list``: the event's lists as ``list<struct>``;
* ``contradiction_list``: JSON text (its values mix numbers and words);
* ``event_json``: the whole ``sitrep.events/1`` event as JSON text.

pandas (``pd.read_parquet``), DuckDB (``SELECT * FROM 'events.parquet'``) and
pyarrow read it as is. Rows are written in batches of :data:`BATCH`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import date
from typing import IO, Any

import pyarrow as pa
import pyarrow.parquet as pq

from . import ExportFormat, ExportResult
from .flat import COLUMNS, flat_row

__all__ = ["FORMAT", "SCHEMA", "SCHEMA_VERSION", "write"]

SCHEMA_VERSION = "sitrep.parquet/1"
BATCH = 1000

_DATES = frozenset({"date_start", "date_end", "first_published", "last_published"})
_INTS = {
    "independent_sources": pa.int32(),
    "mentions": pa.int32(),
    "contradictions": pa.int32(),
    "geonames_id": pa.int64(),
}
_FLOATS = frozenset({"latitude", "longitude", "killed", "injured"})


def _list(item: pa.DataType) -> pa.DataType:
    """A list whose item is named as Parquet names it ("element"), so the schema reads back equal."""
    return pa.list_(pa.field("element", item))


def _flat_type(name: str) -> pa.DataType:
    if name in _DATES:
        return pa.date32()
    if name in _FLOATS:
        return pa.float64()
    return _INTS.get(name, pa.string())


_ACTOR = pa.struct(
    [("name", pa.string()), ("country", pa.string()), ("kind", pa.string()), ("role", pa.string())]
)
_SOURCE = pa.struct(
    [
        ("name", pa.string()),
        ("kind", pa.string()),
        ("country", pa.string()),
        ("cue", pa.string()),
        ("via", _list(pa.string())),
    ]
)
_FIGURE = pa.struct(
    [
        ("text", pa.string()),
        ("value", pa.float64()),
        ("low", pa.float64()),
        ("high", pa.float64()),
        ("qualifier", pa.string()),
        ("category", pa.string()),
        ("subject", pa.string()),
    ]
)
_HISTORY = pa.struct(
    [
        ("category", pa.string()),
        ("value", pa.float64()),
        ("low", pa.float64()),
        ("high", pa.float64()),
        ("qualifier", pa.string()),
        ("source", pa.string()),
        ("published", pa.string()),
        ("document_id", pa.string()),
    ]
)
_MENTION = pa.struct(
    [
        ("document_id", pa.string()),
        ("published", pa.string()),
        ("publisher", pa.string()),
        ("event_id", pa.string()),
    ]
)

#: the fixed schema of every Parquet export
SCHEMA: pa.Schema = pa.schema(
    [pa.field(c, _flat_type(c)) for c in COLUMNS]
    + [
        pa.field("actor_list", _list(_ACTOR)),
        pa.field("source_list", _list(_SOURCE)),
        pa.field("figure_list", _list(_FIGURE)),
        pa.field("figure_history", _list(_HISTORY)),
        pa.field("mention_list", _list(_MENTION)),
        pa.field("contradiction_list", pa.string()),
        pa.field("event_json", pa.string()),
    ],
    metadata={"sitrep.schema": SCHEMA_VERSION, "sitrep.events": "sitrep.events/1"},
)


def _date(value: Any) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def _float(value: Any) -> float | None:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def _pick(items: Any, struct: pa.StructType) -> list[dict[str, Any]]:
    out = []
    for item in items or []:
        row: dict[str, Any] = {}
        for f in struct:
            v = item.get(f.name)
            if pa.types.is_floating(f.type):
                v = _float(v)
            elif pa.types.is_list(f.type):
                v = [str(x) for x in v or []]
            elif v is not None:
                v = str(v)
            row[f.name] = v
        out.append(row)
    return out


def record(event: dict[str, Any]) -> dict[str, Any]:
    """The event as one row of :data:`SCHEMA`."""
    row = flat_row(event)
    for name in _DATES:
        row[name] = _date(row[name])
    row.update(
        actor_list=_pick(event.get("actors"), _ACTOR),
        source_list=_pick(event.get("sources"), _SOURCE),
        figure_list=_pick(event.get("figures"), _FIGURE),
        figure_history=_pick(event.get("figure_history"), _HISTORY),
        mention_list=_pick(event.get("mentions"), _MENTION),
        contradiction_list=json.dumps(event.get("contradictions") or [], ensure_ascii=False),
        event_json=json.dumps(event, ensure_ascii=False, sort_keys=True),
    )
    return row


def write(events: Iterable[dict[str, Any]], out: IO[bytes]) -> ExportResult:
    result = ExportResult("parquet")
    with pq.ParquetWriter(out, SCHEMA) as writer:
        batch: list[dict[str, Any]] = []
        for e in events:
            batch.append(record(e))
            if len(batch) >= BATCH:
                writer.write_table(pa.Table.from_pylist(batch, schema=SCHEMA))
                result.written += len(batch)
                batch = []
        if batch or result.written == 0:
            writer.write_table(pa.Table.from_pylist(batch, schema=SCHEMA))
            result.written += len(batch)
    return result


FORMAT = ExportFormat(
    "parquet", ".parquet", True, "flat columns plus list<struct> columns (needs --output)", write
)
