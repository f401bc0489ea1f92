"""CSV: one flat row per event, with a header (:data:`sitrep.exports.flat.COLUMNS`).

Empty cells are missing values; lists are ``"; "``-joined. Numbers are
written as Python writes them (``23.0``), so any CSV reader parses them.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from typing import IO, Any

from . import ExportFormat, ExportResult
from .flat import COLUMNS, flat_row

__all__ = ["FORMAT", "write"]


def write(events: Iterable[dict[str, Any]], out: IO[str]) -> ExportResult:
    result = ExportResult("csv")
    w = csv.DictWriter(out, fieldnames=list(COLUMNS), lineterminator="\n")
    w.writeheader()
    for e in events:
        w.writerow({k: "" if v is None else v for k, v in flat_row(e).items()})
        result.written += 1
    return result


FORMAT = ExportFormat("csv", ".csv", False, "one flat row per event, with a header", write)
