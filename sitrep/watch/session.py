"""The watch loop: rounds every ``every`` seconds, alerts after each, graceful stop.

``watch(ledger, sources, every, ...)`` runs rounds until stopped. SIGINT and
SIGTERM set the ``stop`` event instead of raising: the item in hand is
finished and stored, fusion is brought up to date, the rules are evaluated
and alerts delivered, then the loop returns. A second SIGINT interrupts at
once. ``status(ledger)`` is what ``sitrep watch-status`` prints.
"""

from __future__ import annotations

import logging
import signal
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from types import FrameType
from typing import Any, TextIO

from sqlalchemy import select

from ..ledger import Ledger
from ..pipeline import Pipeline
from . import state
from .alerts import Rule, evaluate
from .deliver import Delivery, deliver
from .fetch import Fetcher
from .rounds import RoundResult, iter_outcomes, run_round
from .sources import Source

__all__ = ["Alerting", "status", "stop_on_signals", "watch"]

log = logging.getLogger("sitrep.watch")


@dataclass(frozen=True, slots=True)
class Alerting:
    """Rules to evaluate after each round, and where their alerts go."""

    rules: Sequence[Rule]
    delivery: Delivery
    out: TextIO | None = None  # stdout sink (default sys.stdout)


@contextmanager
def stop_on_signals(stop: threading.Event) -> Iterator[None]:
    """While inside, SIGINT/SIGTERM set ``stop`` (a second SIGINT raises KeyboardInterrupt)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handle(signum: int, _frame: FrameType | None) -> None:
        if stop.is_set() and signum == signal.SIGINT:
            raise KeyboardInterrupt
        log.warning("%s: finishing the item in hand, then stopping", signal.Signals(signum).name)
        stop.set()

    before = {s: signal.signal(s, handle) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for s, h in before.items():
            signal.signal(s, h)


def check_alerts(ledger: Ledger, alerting: Alerting) -> list[dict[str, Any]]:
    """Evaluate the rules and deliver whatever is pending (new alerts and earlier failures)."""
    raised = evaluate(ledger, alerting.rules)
    _, errors = deliver(ledger, alerting.delivery, out=alerting.out)
    for e in errors:
        log.warning("alert delivery failed (retried next round): %s", e)
    return raised


def watch(
    ledger: Ledger,
    sources: Sequence[Source],
    every: float,
    *,
    alerting: Alerting | None = None,
    once: bool = False,
    fetcher: Fetcher | None = None,
    pipeline: Pipeline | None = None,
    stop: threading.Event | None = None,
    max_rounds: int | None = None,
    workers: int = 4,
    on_round: Callable[[RoundResult], None] | None = None,
) -> list[RoundResult]:
    """Run rounds until stopped (or once); return each round's result."""
    stop = stop or threading.Event()
    own = fetcher is None
    fetcher = fetcher or Fetcher(
        sources[0].politeness if sources else None,
        max_bytes=ledger.settings.max_file_bytes,
        stop=stop,
    )
    fetcher.stop = stop
    pipe = pipeline or Pipeline(settings=ledger.settings)
    results: list[RoundResult] = []
    try:
        with stop_on_signals(stop):
            while True:
                started = time.monotonic()
                result = run_round(
                    ledger, sources, fetcher=fetcher, pipeline=pipe, stop=stop, workers=workers
                )
                if alerting is not None:
                    result.alerts = check_alerts(ledger, alerting)
                results.append(result)
                for line in iter_outcomes(result):
                    log.info("%s", line)
                log.info(
                    "round %d: %d documents added, %d sources failed, %d alerts%s",
                    len(results), result.added, result.failed, len(result.alerts),
                    " (stopped)" if result.stopped else "",
                )  # fmt: skip
                if on_round is not None:
                    on_round(result)
                if once or stop.is_set() or (max_rounds is not None and len(results) >= max_rounds):
                    break
                stop.wait(
                    max(0.0, started + every - time.monotonic())
                )  # rounds start every ``every``
                if stop.is_set():
                    break
    finally:
        if own:
            fetcher.close()
    return results


def status(ledger: Ledger) -> list[dict[str, Any]]:
    """Every watched source: last success, failures, 304s and item counts."""
    state.ensure(ledger.engine)
    t = state.sources
    with ledger.engine.connect() as conn:
        rows = conn.execute(select(t).order_by(t.c.name)).all()
    return [
        {
            "name": r.name,
            "url": r.url,
            "last_success": r.last_success,
            "last_attempt": r.last_attempt,
            "last_status": r.last_status,
            "last_error": r.last_error,
            "failures": r.failures,
            "failures_total": r.failures_total,
            "rounds": r.rounds,
            "not_modified": r.not_modified,
            "items_seen": r.items_seen,
            "items_ingested": r.items_ingested,
            "items_reserved": r.items_reserved,
            "items_skipped": r.items_skipped,
        }
        for r in rows
    ]
