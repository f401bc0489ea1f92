"""JSON Lines: one complete ``sitrep.events/1`` event per line (nothing dropped).

Each line validates as an item of the ``events`` array of ``sitrep schema events``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import IO, Any

from . import ExportFormat, ExportResult

__all__ = ["FORMAT", "write"]


def write(events: Iterable[dict[str, Any]], out: IO[str]) -> ExportResult:
    result = ExportResult("jsonl")
    for e in events:
        out.write(json.dumps(e, ensure_ascii=False, sort_keys=True) + "\n")
        result.written += 1
    return result


FORMAT = ExportFormat("jsonl", ".jsonl", False, "one sitrep.events/1 event per line", write)
