"""Benchmark of the ledger itself: ``events()`` filters on a large ledger, and incremental adds.

``run(args)`` does two things, on SQLite and (when reachable) PostgreSQL:

* **filters**: a ledger of ``args.ledger_events`` (default 100,000) synthetic
  fused events written through ``Ledger.write_fused`` (the web benchmark's
  generator, :func:`bench.web.build_ledger`); ``events()`` is timed with each
  filter (type, actor, country, place, since/until, min sources, has
  contradictions, text), p50/p95 of ``args.ledger_queries`` calls with varied
  values. Target: < 100 ms.
* **incremental adds**: a ledger of ``args.ledger_docs`` (default 5,000)
  synthetic articles stored with ``Ledger.add`` and fused once (each real
  event reported by one to three articles, two events per article, 10% wire
  copies of an earlier article), then ``args.ledger_adds`` (default 1,000)
  more added one at a time, each fused as it arrives (half of them report an
  event already stored): per-document wall and CPU ms.

Wall times are noisy on a shared machine, so CPU ms (this process; on
PostgreSQL the server's share is not in it) are printed beside them with the
load average. ``--ledger-db PATH`` keeps the SQLite filter ledger there and reuses it when it
exists. PostgreSQL runs in a fresh schema, dropped afterwards (``--ledger-pg
URL``; ``none`` skips it).

Standalone: ``python -m bench.ledger [--ledger-events N] [--ledger-docs N] [--ledger-adds N]``.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

TYPES = ("deployment", "casualties", "attack", "weapons_test", "military_aid", "protest", "sanction", "threat")
COUNTRIES = ("UA", "RU", "KP", "PS", "SD", "CD", "MM", "SY", "YE", "ML")
ACTORS = (("Russia", "RU"), ("Ukraine", "UA"), ("North Korea", "KP"), ("Israel", "IL"), ("Hamas", "PS"),
          ("Rapid Support Forces", "SD"), ("M23", "CD"), ("Arakan Army", "MM"), ("Houthis", "YE"),
          ("JNIM", "ML"))
SOURCES = ("Ukrainian military", "Russian defence ministry", "UN OCHA", "local officials",
           "South Korean military", "Sudanese army", "police", "regional governor")
PUBLISHERS = ("Daily Example", "Example Post", "Kyiv Example", "Seoul Example", "Example Wire")
SYLLABLES = ("Kali", "Doro", "Mari", "Pere", "Sosn", "Bila", "Vovc", "Zele", "Nova", "Star",
             "Krasn", "Pisk", "Lyma", "Orik", "Hulia", "Tork")
ENDINGS = ("vka", "ne", "pil", "hrad", "sk", "ivka", "ove", "yne", "ets", "ka")
#: 160 made-up place names, each at its own point (about 1 to 4 degrees apart) in one country
PLACE_NAMES = tuple(a + b for a in SYLLABLES for b in ENDINGS)
VOCAB = tuple(f"{w}{i}" for i in range(6) for w in (
    "troops", "shelling", "convoy", "village", "drone", "bridge", "artillery", "column", "river",
    "border", "brigade", "depot", "airfield", "checkpoint", "refugees", "harbour", "ceasefire",
    "offensive", "trench", "railway", "power", "grid", "hospital", "school", "market", "mayor",
    "governor", "mission", "observers", "talks", "sanctions", "missile", "launch", "strike",
    "casualties", "wounded", "evacuation", "aid", "shipment", "protesters", "police", "arrests",
    "threat", "warning", "deployment", "exercise", "navy", "patrol", "siege", "corridor"))
START = date(2022, 1, 1)
DAYS = 1100


def _places(rng: random.Random) -> list[tuple[str, str, float, float]]:
    return [(name, COUNTRIES[i % len(COUNTRIES)], 20 + (i // 16) * 4.0 + rng.random(),
             20 + (i % 16) * 6.0 + rng.random()) for i, name in enumerate(PLACE_NAMES)]


class Generator:
    """Synthetic article Documents whose events fuse the way real reports do."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.places = _places(self.rng)
        self.serial = 0
        self.texts: list[str] = []

    def _event(self, real: int, k: int, report: int) -> Any:
        from sitrep.records import (
            Event,
            EventActor,
            EventLocation,
            EventSource,
            EventTime,
            Evidence,
            FigureMention,
        )

        rng = random.Random(real)  # the real event: the same in every report of it
        typ = rng.choice(TYPES)
        name, country, lat, lon = rng.choice(self.places)
        day = (START + timedelta(days=rng.randrange(DAYS))).isoformat()
        agent = rng.choice(ACTORS)
        target = rng.choice(ACTORS)
        killed = rng.randint(1, 300) if typ in ("casualties", "attack") else None
        word = rng.choice(PLACE_NAMES)
        r = random.Random(real * 7 + report)  # what varies between reports
        figures = () if killed is None else (FigureMention(
            0, 0, str(killed), float(killed + (r.random() < 0.2) * r.randint(1, 9)), None, None, "exact",
            "killed", "civilians"),)
        evidence = f"{typ.replace('_', ' ')} near {name} and {word} involving {agent[0]}"
        return Event(
            id=f"e{k}", type=typ, summary=f"{typ} in {name}", status="occurred",
            actors=(EventActor(agent[0], agent[1], "state", "agent"),
                    EventActor(target[0], target[1], "state", "target")),
            location=None if r.random() < 0.05 else EventLocation(name, country, None, lat, lon, "city"),
            time=EventTime(day, day, day, "day") if r.random() < 0.8 else None,
            figures=figures,
            sources=(EventSource(r.choice(SOURCES), "government", None, "said", ()),),
            certainty="reported",
            evidence=(Evidence(0, len(evidence), evidence),),
        ), day

    def documents(self, n_real: int, first_real: int = 0) -> Iterator[Any]:
        """Articles reporting real events ``first_real``.. (one to three reports each, two per article)."""
        from sitrep.records import Document

        mentions = []
        for real in range(first_real, first_real + n_real):
            reports = 1 + (self.rng.random() < 0.3) + (self.rng.random() < 0.1)
            mentions += [(real, rep) for rep in range(reports)]
        self.rng.shuffle(mentions)
        for i in range(0, len(mentions), 2):
            evs, days = [], []
            for k, (real, rep) in enumerate(mentions[i : i + 2]):
                ev, day = self._event(real, k, rep)
                evs.append(ev)
                days.append(day)
            published = (date.fromisoformat(max(days)) + timedelta(days=self.rng.randint(0, 2))).isoformat()
            self.serial += 1
            if self.texts and self.rng.random() < 0.1:  # a wire copy of an earlier article
                text = self.rng.choice(self.texts) + " (Reuters)"
            else:
                text = " ".join(self.rng.choice(VOCAB) for _ in range(40))
                self.texts.append(text)
                if len(self.texts) > 2000:
                    self.texts.pop(0)
            yield Document(
                id=hashlib.sha256(f"{self.serial}|{text}".encode()).hexdigest(),
                source=f"bench://{self.serial}", text=text, title=f"Report {self.serial}",
                publisher=self.rng.choice(PUBLISHERS), published=published, language="en",
                events=tuple(evs), stages=("sitrep.clean.v1", "sitrep.events.v1"),
            )


def _pct(values: list[float], q: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, int(q * len(s)))]


def _print(label: str, value: str) -> None:
    print(f"  {label:<52} {value}")


def _load() -> str:
    return f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cpus" if hasattr(os, "getloadavg") else "n/a"


def build(ledger: Any, n_docs: int, seed: int = 7) -> tuple[Generator, int, float]:
    """Fill ``ledger`` with about ``n_docs`` synthetic articles, fused once; return the
    generator, the number of real events used and the seconds it took."""
    gen = Generator(seed)
    n_real = int(n_docs * 2 / 1.4)  # two events an article, 1.4 reports a real event
    t0 = time.perf_counter()
    ledger.add(gen.documents(n_real), batch_size=1000, refresh=False)
    ledger.refresh()
    return gen, n_real, time.perf_counter() - t0


def _filters(rng: random.Random) -> dict[str, Callable[[], Any]]:
    from bench.web import ACTORS as W_ACTORS
    from bench.web import PLACES as W_PLACES
    from bench.web import TYPES as W_TYPES
    from bench.web import WORDS as W_WORDS
    from sitrep.ledger import EventFilter

    def window() -> Any:
        d = date(2022, 1, 1) + timedelta(days=rng.randrange(1100 - 90))
        return EventFilter(since=d.isoformat(), until=(d + timedelta(days=90)).isoformat())

    return {
        "(none)": lambda: EventFilter(),
        "type": lambda: EventFilter(type=rng.choice(W_TYPES)),
        "actor (name)": lambda: EventFilter(actor=rng.choice(W_ACTORS)[0]),
        "actor (country code)": lambda: EventFilter(actor=rng.choice(W_ACTORS)[1]),
        "country": lambda: EventFilter(country=rng.choice(W_PLACES)[1]),
        "place": lambda: EventFilter(place=rng.choice(W_PLACES)[0]),
        "since + until (90 days)": window,
        "since 2024-06-01": lambda: EventFilter(since="2024-06-01"),
        "until 2022-03-31": lambda: EventFilter(until="2022-03-31"),
        "min sources 3": lambda: EventFilter(min_sources=3),
        "has contradictions": lambda: EventFilter(has_contradictions=True),
        "text (a village name)": lambda: EventFilter(text=rng.choice(W_WORDS)),
        "type + actor + since": lambda: EventFilter(
            type=rng.choice(W_TYPES), actor=rng.choice(W_ACTORS)[0], since="2023-06-01"),
        "actor + text": lambda: EventFilter(actor=rng.choice(W_ACTORS)[0], text=rng.choice(W_WORDS)),
    }


def time_queries(ledger: Any, n: int, seed: int = 3) -> dict[str, tuple[float, float]]:
    from sitrep.ledger import events

    rng = random.Random(seed)
    out: dict[str, tuple[float, float]] = {}
    for label, make in _filters(rng).items():
        events(ledger, make())  # warm the page cache and statement cache
        ms, cpu = [], []
        for _ in range(n):
            f = make()
            t0, c0 = time.perf_counter(), time.process_time()
            events(ledger, f)
            ms.append(1000 * (time.perf_counter() - t0))
            cpu.append(1000 * (time.process_time() - c0))
        out[label] = (statistics.median(ms), _pct(ms, 0.95))
        _print(
            f"events() {label} p50 / p95 ms (CPU p50 / p95)",
            f"{out[label][0]:.1f} / {out[label][1]:.1f}  ({statistics.median(cpu):.1f} / {_pct(cpu, 0.95):.1f})",
        )
    return out


def time_adds(ledger: Any, gen: Generator, n_docs: int, first_real: int, n_real: int) -> None:
    """Add ``n_docs`` documents one at a time: about half report events already stored."""
    rng = random.Random(5)
    old = ((rng.randrange(n_real), 3) for _ in range(n_docs))  # a later report of a stored event
    new = gen.documents(2 * n_docs, first_real)  # at least n_docs articles
    wall, cpu = [], []
    for i in range(n_docs):
        if i % 2:
            doc = next(new)
        else:
            real, rep = next(old)
            ev, day = gen._event(real, 0, rep + i)
            from dataclasses import replace

            doc = replace(next(new), events=(ev,))
        t0, c0 = time.perf_counter(), time.process_time()
        ledger.add([doc])
        wall.append(1000 * (time.perf_counter() - t0))
        cpu.append(1000 * (time.process_time() - c0))
    _print(f"add 1 document, fused as it arrives ({n_docs} adds) p50 / p95 ms",
           f"{statistics.median(wall):.1f} / {_pct(wall, 0.95):.1f}")
    _print("  CPU ms per add p50 / p95", f"{statistics.median(cpu):.1f} / {_pct(cpu, 0.95):.1f}")


def _section(label: str, query_ledger: Any, make_add_ledger: Callable[[], Any],
             args: argparse.Namespace) -> None:
    print(f"== ledger filters on {label} ({query_ledger.count('events'):,} fused events)")
    _print("load average (1 min)", _load())
    time_queries(query_ledger, args.ledger_queries)
    if not args.ledger_adds:
        return
    c0 = time.process_time()
    with make_add_ledger() as ledger:
        gen, n_real, built = build(ledger, args.ledger_docs)
        print(f"== incremental adds on {label} ({ledger.count('documents'):,} documents, "
              f"{ledger.count('doc_events'):,} article events, {ledger.count('events'):,} fused events)")
        _print("build: add + one full refresh s (CPU s)", f"{built:.1f} ({time.process_time() - c0:.1f})")
        time_adds(ledger, gen, args.ledger_adds, n_real + 1, n_real)
    _print("load average (1 min)", _load())


def _pg_url(args: argparse.Namespace) -> str | None:
    if args.ledger_pg == "none":
        return None
    url = args.ledger_pg or "postgresql://postgres@127.0.0.1:5432/test"
    try:
        import psycopg

        psycopg.connect(url.replace("postgresql+psycopg", "postgresql"), connect_timeout=3).close()
    except Exception as exc:  # noqa: BLE001 - any failure means: skip PostgreSQL
        print(f"== ledger on PostgreSQL: skipped ({url} not reachable: {exc})")
        return None
    return url


def run(args: argparse.Namespace) -> None:
    from bench.web import build_ledger
    from sitrep.ledger import open_ledger

    with tempfile.TemporaryDirectory() as tmp:
        if args.ledger_backend == "postgresql":
            return _postgres(args)
        path = Path(args.ledger_db) if args.ledger_db else Path(tmp) / "filters.db"
        t0, reused = time.perf_counter(), path.exists()
        ledger = open_ledger(path) if reused else build_ledger(path, args.ledger_events)
        with ledger:
            print(f"ledger: {'reused' if reused else 'built'} {path} in {time.perf_counter() - t0:.1f} s")
            _section("SQLite", ledger, lambda: open_ledger(Path(tmp) / "adds.db"), args)
    if args.ledger_backend != "sqlite":
        _postgres(args)


def _postgres(args: argparse.Namespace) -> None:
    from bench.web import build_ledger
    from sitrep.ledger import open_ledger

    url = _pg_url(args)
    if url is None:
        return
    schema = f"bench_ledger_{os.getpid()}"
    try:
        n = args.ledger_pg_events or args.ledger_events
        with build_ledger(url, n, schema=schema + "_f") as ledger:  # the web bench's fused events
            _section("PostgreSQL", ledger, lambda: open_ledger(url, schema=schema + "_a"), args)
    finally:
        import psycopg

        with psycopg.connect(url.replace("postgresql+psycopg", "postgresql"), autocommit=True) as conn:
            for s in (schema + "_f", schema + "_a"):
                conn.execute(f'DROP SCHEMA IF EXISTS "{s}" CASCADE')


def add_arguments(ap: argparse.ArgumentParser) -> None:
    ap.add_argument("--ledger-events", type=int, default=100_000, help="fused events in the ledger benchmark")
    ap.add_argument("--ledger-queries", type=int, default=40, help="events() calls per filter")
    ap.add_argument("--ledger-docs", type=int, default=5000, help="documents in the incremental-add ledger")
    ap.add_argument("--ledger-adds", type=int, default=1000, help="documents added one at a time")
    ap.add_argument("--ledger-db", help="keep the SQLite filter ledger at this path (reused when it exists)")
    ap.add_argument("--ledger-backend", choices=("both", "sqlite", "postgresql"), default="both",
                    help="which ledgers to time (PostgreSQL only when reachable)")
    ap.add_argument("--ledger-pg", help="PostgreSQL URL ('none' to skip; default: the local test server)")
    ap.add_argument("--ledger-pg-events", type=int, help="fused events in the PostgreSQL filter ledger (default: --ledger-events)")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="bench.ledger")
    add_arguments(ap)
    run(ap.parse_args(argv))
    return 0


if __name__ == "__main__":
    sys.exit(main())
