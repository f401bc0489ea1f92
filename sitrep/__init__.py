"""sitrep: turn conflict and geopolitical news into a source-attributed,
corroborated ledger of events.

Library first::

    import sitrep
    for item in sitrep.report(["article.txt"], published="2024-12-20"):
        print(item.as_dict() if hasattr(item, "as_dict") else item)
"""

from __future__ import annotations

from .api import report, report_dicts
from .records import Document, Event, RawDocument, Rejection
from .settings import Settings, load_settings

__all__ = [
    "Document",
    "Event",
    "RawDocument",
    "Rejection",
    "Settings",
    "load_settings",
    "report",
    "report_dicts",
]
__version__ = "0.1.0"
