"""Delivering alerts: stdout (JSON Lines), a file (JSON Lines, appended), a webhook (HTTP POST).

The ``[deliver]`` table of the rules file::

    [deliver]
    stdout = true                 # one JSON object per line on standard output
    file = "alerts.jsonl"         # appended, one JSON object per line
    webhook = "https://hooks.example.org/sitrep"   # POST application/json, one alert each
    webhook_retries = 3           # retries on connection errors, 429 and 5xx
    webhook_backoff = 1.0         # seconds before the first retry; doubles each time
    webhook_timeout = 10.0

Each alert is handed to each sink once: the sinks that took it are recorded
with it (``watch_alerts.sinks_done``), so an alert a webhook refused is
retried at the next delivery without printing it twice. An alert is
``delivered_at`` once every sink took it.
"""

from __future__ import annotations

import json
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

import httpx
from sqlalchemy import select, update

from ..errors import UsageError
from ..ledger import Ledger
from . import state

__all__ = ["Delivery", "deliver", "parse_delivery"]

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})


@dataclass(frozen=True, slots=True)
class Delivery:
    stdout: bool = True
    file: Path | None = None
    webhook: str | None = None
    webhook_retries: int = 3
    webhook_backoff: float = 1.0
    webhook_timeout: float = 10.0

    @property
    def sinks(self) -> list[str]:
        out = ["stdout"] if self.stdout else []
        if self.file is not None:
            out.append("file")
        if self.webhook:
            out.append("webhook")
        return out


def parse_delivery(doc: dict[str, Any], base: Path | None = None, where: str = "rules") -> Delivery:
    """The ``[deliver]`` table; a relative ``file`` is taken from ``base`` (the rules file's folder)."""
    raw = doc.get("deliver", {})
    if not isinstance(raw, dict):
        raise UsageError(f"{where}: [deliver] must be a table")
    unknown = set(raw) - {
        "stdout",
        "file",
        "webhook",
        "webhook_retries",
        "webhook_backoff",
        "webhook_timeout",
    }
    if unknown:
        raise UsageError(f"{where}: unknown key(s) in [deliver]: {', '.join(sorted(unknown))}")
    file = raw.get("file")
    path = None
    if file:
        path = Path(str(file)).expanduser()
        if base is not None and not path.is_absolute():
            path = base / path
    hook = raw.get("webhook")
    if hook and not str(hook).startswith(("http://", "https://")):
        raise UsageError(f"{where}: webhook must be an http(s) URL")
    try:
        return Delivery(
            stdout=bool(raw.get("stdout", True)),
            file=path,
            webhook=str(hook) if hook else None,
            webhook_retries=int(raw.get("webhook_retries", 3)),
            webhook_backoff=float(raw.get("webhook_backoff", 1.0)),
            webhook_timeout=float(raw.get("webhook_timeout", 10.0)),
        )
    except (TypeError, ValueError) as exc:
        raise UsageError(f"{where}: [deliver] numbers: {exc}") from exc


def _post(client: httpx.Client, how: Delivery, body: bytes) -> str | None:
    """None when the webhook took it, else why not (after the retries)."""
    problem = ""
    for attempt in range(how.webhook_retries + 1):
        if attempt:
            time.sleep(how.webhook_backoff * 2 ** (attempt - 1))
        try:
            resp = client.post(
                how.webhook or "", content=body, headers={"Content-Type": "application/json"}
            )
        except httpx.TransportError as exc:
            problem = f"{type(exc).__name__}: {exc}"
            continue
        if resp.status_code < 300:
            return None
        problem = f"HTTP {resp.status_code}"
        if resp.status_code not in RETRY_STATUSES:
            break
    return f"webhook {how.webhook}: {problem}"


def deliver(
    ledger: Ledger,
    how: Delivery,
    *,
    out: TextIO | None = None,
    client: httpx.Client | None = None,
) -> tuple[int, list[str]]:
    """Hand every undelivered alert to every sink; return (alerts fully delivered, errors)."""
    state.ensure(ledger.engine)
    t = state.alerts
    stream = out or sys.stdout
    errors: list[str] = []
    done = 0
    with ledger.engine.connect() as conn:
        pending = conn.execute(
            select(t.c.key, t.c.payload, t.c.sinks_done)
            .where(t.c.delivered_at.is_(None))
            .order_by(t.c.created_at, t.c.key)
        ).all()
    if not pending:
        return 0, []
    own = client is None and how.webhook is not None
    http = client or (httpx.Client(timeout=how.webhook_timeout) if how.webhook else None)
    try:
        for row in pending:
            took = set(json.loads(row.sinks_done or "[]"))
            line = json.dumps(json.loads(row.payload), ensure_ascii=False, sort_keys=True)
            error = None
            for sink in how.sinks:
                if sink in took:
                    continue
                if sink == "stdout":
                    stream.write(line + "\n")
                    stream.flush()
                elif sink == "file":
                    assert how.file is not None
                    try:
                        how.file.parent.mkdir(parents=True, exist_ok=True)
                        with how.file.open("a", encoding="utf-8") as fh:
                            fh.write(line + "\n")
                    except OSError as exc:
                        error = f"file {how.file}: {exc}"
                        continue
                else:
                    assert http is not None
                    why = _post(http, how, line.encode("utf-8"))
                    if why:
                        error = why
                        continue
                took.add(sink)
            finished = took >= set(how.sinks)
            values: dict[str, Any] = {
                "sinks_done": json.dumps(sorted(took)),
                "attempts": t.c.attempts + 1,
                "last_error": error,
            }
            if finished:
                values["delivered_at"] = state.now()
                done += 1
            if error:
                errors.append(error)
            with ledger.engine.begin() as conn:
                conn.execute(update(t).where(t.c.key == row.key).values(**values))
    finally:
        if own and http is not None:
            http.close()
    return done, errors
