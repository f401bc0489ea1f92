"""sitrep: turn conflict and geopolitical news into a source-attributed,
corroborated ledger of events.

Library first::

    import sitrep
    for item in sitrep.report(["article.txt"], published="2024-12-20"):
        print(item.as_dict() if hasattr(item, "as_dict") else item)
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .api import report, report_dicts
from .records import Document, Event, RawDocument, Rejection
from .settings import Settings, load_settings

if TYPE_CHECKING:
    from .ledger import EventFilter, events, open_ledger

__all__ = [
    "Document",
    "Event",
    "EventFilter",
    "RawDocument",
    "Rejection",
    "Settings",
    "events",
    "load_settings",
    "open_ledger",
    "report",
    "report_dicts",
]
__version__ = "0.1.0"

_LEDGER_API = frozenset({"EventFilter", "events", "open_ledger"})


def __getattr__(name: str) -> Any:
    """The ledger API (``open_ledger``, ``EventFilter``, ``events``), imported on first use:
    it pulls in SQLAlchemy, which ``report()`` alone does not need."""
    if name in _LEDGER_API:
        from . import ledger

        return getattr(ledger, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
