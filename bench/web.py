"""Benchmark of the web API: ``/api/events`` latency on a large synthetic ledger.

``run(args)`` builds a ledger of ``args.web_events`` (default 100,000) synthetic
fused events in a temporary folder, written through the ledger's own
``Ledger.write_fused`` (the path fusion uses), then times ``args.web_requests``
(default 200) in-process requests to ``/api/events`` with a mix of the filters
``sitrep events`` offers, and prints p50/p95. Target: p95 under 50 ms.

Standalone: ``python -m bench.web [--web-events N] [--web-requests N]``.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

TYPES = ("deployment", "casualties", "attack", "weapons_test", "military_aid", "protest", "sanction", "threat")
PLACES = (
    ("Kursk Oblast", "RU", "Kursk Oblast", 51.7, 36.2), ("Kherson", "UA", "Kherson Oblast", 46.64, 32.61),
    ("Pyongyang", "KP", "Pyongyang", 39.03, 125.75), ("Gaza City", "PS", "Gaza", 31.5, 34.47),
    ("Khartoum", "SD", "Khartoum", 15.5, 32.56), ("Goma", "CD", "North Kivu", -1.68, 29.22),
    ("Kharkiv", "UA", "Kharkiv Oblast", 49.99, 36.23), ("Sittwe", "MM", "Rakhine", 20.15, 92.9),
)
ACTORS = (("Russia", "RU"), ("Ukraine", "UA"), ("North Korea", "KP"), ("Israel", "IL"), ("Hamas", "PS"),
          ("Rapid Support Forces", "SD"), ("M23", "CD"), ("Arakan Army", "MM"))
SOURCES = ("Ukrainian military", "Russian defence ministry", "Reuters", "Associated Press", "UN OCHA",
           "local officials", "South Korean military", "Sudanese army")
# 160 made-up village names (one token each), three per event, so searching one
# name matches about 2% of events, as searching a place name would
WORDS = tuple(a + b for a in ("Kali", "Doro", "Mari", "Pere", "Sosn", "Bila", "Vovc", "Zele", "Nova", "Star",
                              "Krasn", "Pisk", "Lyma", "Orik", "Hulia", "Tork")
              for b in ("vka", "ne", "pil", "hrad", "sk", "ivka", "ove", "yne", "ets", "ka"))


def _payload(rng: random.Random, i: int) -> tuple[dict[str, Any], tuple[tuple[str, str, int], ...]]:
    typ = rng.choice(TYPES)
    name, country, admin1, lat, lon = rng.choice(PLACES)
    day = (date(2022, 1, 1) + timedelta(days=rng.randrange(1100))).isoformat()
    actor = rng.choice(ACTORS)
    srcs = rng.sample(SOURCES, rng.randint(1, 3))
    killed = [rng.randint(1, 400) for _ in srcs] if typ in ("casualties", "attack") else []
    history = [
        {"category": "killed", "value": v, "low": None, "high": None, "qualifier": "exact", "source": s,
         "published": day, "document_id": f"doc{i}-{k}"}
        for k, (s, v) in enumerate(zip(srcs, killed, strict=False))
    ]
    contradictions = (
        [{"category": "killed", "values": sorted(set(killed)), "sources": sorted(srcs[: len(killed)])}]
        if len(set(killed)) > 1 and rng.random() < 0.3 else []
    )
    words = " ".join(rng.sample(WORDS, 3))
    payload = {
        "id": f"ev-bench{i:08d}", "type": typ, "summary": f"{typ.replace('_', ' ').capitalize()} near {name}: {words}",
        "status": "occurred",
        "actors": [{"name": actor[0], "country": actor[1], "kind": "state", "role": "agent"}],
        "location": {"name": name, "country": country, "admin1": admin1, "lat": lat, "lon": lon, "precision": "city"},
        "time": {"text": day, "start": day, "end": day, "precision": "day"},
        "figures": [{"text": str(v), "value": v, "low": None, "high": None, "qualifier": "exact",
                     "category": "killed", "subject": "people"} for v in killed[:1]],
        "sources": [{"name": s, "kind": "organization", "country": None, "cue": "said", "via": []} for s in srcs],
        "certainty": "reported",
        "evidence": [{"start": 0, "end": 40, "text": f"Officials reported {words} near {name}."}],
        "mentions": [{"document_id": f"doc{i}-{k}", "published": day, "publisher": s, "event_id": "e1"}
                     for k, s in enumerate(srcs)],
        "independent_sources": len(srcs),
        "figure_history": history,
        "contradictions": contradictions,
    }
    return payload, tuple((s, "organization", 1) for s in srcs)


def build_ledger(path: Path | str, n: int, seed: int = 11, schema: str | None = None) -> Any:
    """A ledger at ``path`` (a SQLite file or a URL, in ``schema`` on PostgreSQL) with
    ``n`` synthetic fused events, written through ``Ledger.write_fused``."""
    from sitrep.ledger import open_ledger
    from sitrep.ledger.fusion import FusedEvent

    ledger = open_ledger(path, schema=schema)
    rng = random.Random(seed)
    batch: list[FusedEvent] = []
    for i in range(n):
        payload, claimants = _payload(rng, i)
        batch.append(FusedEvent(payload["id"], (), payload, claimants))
        if len(batch) >= 10_000 or i == n - 1:
            with ledger.engine.begin() as conn:
                ledger.write_fused(conn, batch)
            batch = []
    ledger.optimize()
    return ledger


def _queries(rng: random.Random, n: int) -> list[dict[str, Any]]:
    kinds = [
        lambda: {},
        lambda: {"type": rng.choice(TYPES)},
        lambda: {"country": rng.choice(PLACES)[1]},
        lambda: {"place": rng.choice(PLACES)[0]},
        lambda: {"actor": rng.choice(ACTORS)[0]},
        lambda: {"since": "2024-01-01", "until": "2024-03-31"},
        lambda: {"min_sources": 3},
        lambda: {"has_contradictions": "true"},
        lambda: {"text": rng.choice(WORDS)},
        lambda: {"type": rng.choice(TYPES), "country": rng.choice(PLACES)[1], "since": "2023-06-01"},
        lambda: {"offset": rng.randrange(0, 5000), "limit": 50},
    ]
    return [kinds[i % len(kinds)]() for i in range(n)]


def _pct(values: list[float], q: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, max(0, round(q * (len(s) - 1))))]


def run(args: argparse.Namespace) -> None:
    from fastapi.testclient import TestClient

    from sitrep.web.app import create_app

    n = int(getattr(args, "web_events", 100_000))
    requests = int(getattr(args, "web_requests", 200))
    print(f"web: /api/events on a {n:,}-event ledger ({requests} in-process requests)")
    keep = getattr(args, "web_db", None)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(keep) if keep else Path(tmp) / "bench.db"
        started = time.perf_counter()
        if path.exists():
            from sitrep.ledger import open_ledger

            ledger = open_ledger(path)
            n = ledger.count("events")
            print(f"  {'ledger reused (events)':<48} {n:,}")
        else:
            ledger = build_ledger(path, n)
            print(f"  {'ledger built (s)':<48} {time.perf_counter() - started:.1f}")
        try:
            client = TestClient(create_app(ledger, ledger.settings))
            client.__enter__()  # one event-loop thread for all requests, as a server has
            for _ in range(5):  # warm the connection pool
                client.get("/api/events", params={"limit": 1})
            # cold: every total counted anew (within its budget), as for a filter never asked before;
            # warm: totals reused, as a running server does for 60 s
            for label, cold in (("cold totals", True), ("warm totals", False)):
                _timed(client, ledger, requests, cold, label)
            client.__exit__(None, None, None)
        finally:
            ledger.close()
    if hasattr(os, "getloadavg"):
        print(f"  {'load average (1 min) at the end':<48} {os.getloadavg()[0]:.1f} on {os.cpu_count()} cpus")


def _timed(client: Any, ledger: Any, requests: int, cold: bool, label: str) -> None:
    from sitrep.web.queries import forget_totals

    times: list[float] = []
    cpu: list[float] = []
    by_kind: dict[str, list[float]] = {}
    for params in _queries(random.Random(5), requests):
        if cold:
            forget_totals(ledger)
        t0, c0 = time.perf_counter(), time.process_time()
        r = client.get("/api/events", params=params)
        ms = 1000 * (time.perf_counter() - t0)
        cpu.append(1000 * (time.process_time() - c0))
        if r.status_code != 200:
            raise SystemExit(f"/api/events {params} answered {r.status_code}: {r.text[:200]}")
        times.append(ms)
        by_kind.setdefault(",".join(sorted(params)) or "(none)", []).append(ms)
    print(f"  {label}")
    print(f"  {'  p50 / p95 / max ms':<48} {statistics.median(times):.1f} / {_pct(times, 0.95):.1f} / "
          f"{max(times):.1f}  (target p95 < 50)")
    # CPU time of this process per request: what it costs when the machine is not shared
    print(f"  {'  cpu p50 / p95 ms':<48} {statistics.median(cpu):.1f} / {_pct(cpu, 0.95):.1f}")
    for kind, ts in sorted(by_kind.items()):
        print(f"      {kind:<44} p50 {statistics.median(ts):6.1f}  max {max(ts):6.1f}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="bench.web")
    ap.add_argument("--web-events", type=int, default=100_000)
    ap.add_argument("--web-requests", type=int, default=200)
    ap.add_argument("--web-db", help="keep the ledger at this path (reused when it exists)")
    run(ap.parse_args(argv))
    return 0


if __name__ == "__main__":
    sys.exit(main())
