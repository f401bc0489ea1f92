"""Live monitoring: watch feeds and site sections, ingest what is new, alert, digest.

::

    from sitrep.ledger import open_ledger
    from sitrep.watch import load_sources, watch

    sources, every = load_sources("sources.toml")
    with open_ledger("sitrep.db") as ledger:
        watch(ledger, sources, every, once=True)

See docs/watch.md. Modules: ``sources`` (the sources file), ``fetch`` (polite
HTTP), ``rounds`` (one round), ``alerts`` (rules and evaluation), ``deliver``
(sinks), ``digest`` (situation report), ``session`` (the loop, status),
``state`` (the watcher's tables).
"""

from __future__ import annotations

from .alerts import Rule, evaluate, load_rules, recent_alerts
from .deliver import Delivery, deliver, parse_delivery
from .fetch import Fetcher
from .rounds import RoundResult, run_round
from .session import Alerting, status, watch
from .sources import Politeness, Source, load_sources, parse_duration

__all__ = [
    "Alerting",
    "Delivery",
    "Fetcher",
    "Politeness",
    "RoundResult",
    "Rule",
    "Source",
    "deliver",
    "evaluate",
    "load_rules",
    "load_sources",
    "parse_delivery",
    "parse_duration",
    "recent_alerts",
    "run_round",
    "status",
    "watch",
]
