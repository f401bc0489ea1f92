"""Exports: the ledger's fused events in other tools' formats, one module per format.

::

    from sitrep.exports import export
    from sitrep.ledger import EventFilter, open_ledger

    with open_ledger("sitrep.db") as ledger, open("events.geojson", "w") as out:
        result = export(ledger, "geojson", out, EventFilter(country="UA"))
    print(result.written, "written;", result.skipped, "skipped:", result.skip_reason)

Every format reads the same query as ``sitrep events``
(:func:`sitrep.ledger.events`, the ``sitrep.events/1`` objects) and pages
through all of it, so an export holds every matching event, not the first 100.

==========  =====================================================================
format      what
==========  =====================================================================
csv         one flat row per event (:data:`sitrep.exports.flat.COLUMNS`)
jsonl       one ``sitrep.events/1`` event per line, complete (lossless)
geojson     a FeatureCollection of Points [lon, lat] with flat properties
parquet     flat columns plus actors/sources/figures/mentions as list<struct>
acled       ACLED-style CSV (event_id_cnty, event_date, ... fatalities, timestamp)
plover      PLOVER-style JSON records, one per line
==========  =====================================================================

Formats that cannot hold an event (GeoJSON without coordinates, ACLED and
PLOVER for events not reported as having happened) skip it and count it in
:attr:`ExportResult.skipped`.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from typing import IO, TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..ledger import EventFilter, Ledger

__all__ = ["FORMATS", "ExportFormat", "ExportResult", "export", "export_format", "iter_events"]

PAGE = 1000


@dataclass(slots=True)
class ExportResult:
    """What an export wrote."""

    format: str
    written: int = 0
    skipped: int = 0
    skip_reason: str | None = None  # why the skipped events could not be written


Writer = Callable[[Iterable[dict[str, Any]], IO[Any]], ExportResult]


@dataclass(frozen=True, slots=True)
class ExportFormat:
    """One export format: its writer and how its output is written."""

    name: str
    suffix: str  # file name ending, with the dot
    binary: bool  # True: ``write`` takes a binary stream (and there is no stdout output)
    help: str
    write: Writer


#: format name -> module of this package that defines ``FORMAT``
FORMATS: dict[str, str] = {
    "csv": "csvfile",
    "jsonl": "jsonl",
    "geojson": "geojson",
    "parquet": "parquet",
    "acled": "acled",
    "plover": "plover",
}


def export_format(name: str) -> ExportFormat:
    """The format called ``name``; ``KeyError`` names the known ones."""
    if name not in FORMATS:
        raise KeyError(f"no export format {name!r}; choose from {', '.join(FORMATS)}")
    module = importlib.import_module(f"{__name__}.{FORMATS[name]}")
    fmt: ExportFormat = module.FORMAT
    return fmt


def iter_events(
    ledger: Ledger, flt: EventFilter | None = None, *, limit: int | None = None
) -> Iterator[dict[str, Any]]:
    """Every event matching ``flt`` (its limit ignored; ``limit`` caps the total), in
    ``sitrep events`` order, fetched a page at a time."""
    from ..ledger import EventFilter, events

    base = flt or EventFilter()
    offset, left = base.offset, limit
    while left is None or left > 0:
        size = PAGE if left is None else min(PAGE, left)
        page = events(ledger, replace(base, limit=size, offset=offset))["events"]
        yield from page
        if len(page) < size:
            return
        offset += len(page)
        if left is not None:
            left -= len(page)


def export(
    ledger: Ledger,
    name: str,
    out: IO[Any],
    flt: EventFilter | None = None,
    *,
    limit: int | None = None,
) -> ExportResult:
    """Write the events matching ``flt`` to ``out`` in format ``name``.

    ``out`` is a text stream, or a binary one for a binary format (parquet).
    """
    fmt = export_format(name)
    return fmt.write(iter_events(ledger, flt, limit=limit), out)
