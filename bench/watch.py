"""Watch benchmark: CPU seconds per round when 200 feeds have not changed.

A local server (its own process, so its CPU is not counted) serves 200 RSS
feeds with ETags and answers ``304 Not Modified`` to conditional requests.
One setup round reads every feed (two items each, read from the feed's own
text, no annotation stages); then each measured round polls all 200 feeds
and must get 200 answers of 304. ``time.process_time`` (this process's CPU,
every thread) is measured per round. Target: under 5 s of CPU per round.

    python -m bench.run --only watch      # or: python -m bench.watch
"""

from __future__ import annotations

import argparse
import hashlib
import multiprocessing as mp
import tempfile
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

FEEDS = 200
ROUNDS = 3
TARGET_CPU_S = 5.0


def _feed(i: int) -> bytes:
    items = "".join(
        f"<item><title>Report {i}-{k}</title><link>http://127.0.0.1/feed{i}/item{k}</link>"
        f"<guid>feed{i}-item{k}</guid><pubDate>Mon, 06 Jan 2025 08:00:00 GMT</pubDate>"
        f"<description>&lt;p&gt;Shelling hit the district {i} overnight, officials said on Monday. "
        f"Item {k} of feed {i}.&lt;/p&gt;</description></item>"
        for k in range(2)
    )
    return (
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>Feed {i}</title>'
        f"<link>http://127.0.0.1/</link><description>d</description>{items}</channel></rss>"
    ).encode()


def _serve(port: Any, ready: Any) -> None:
    bodies = {f"/feed/{i}.xml": _feed(i) for i in range(FEEDS)}
    tags = {p: '"' + hashlib.sha256(b).hexdigest()[:16] + '"' for p, b in bodies.items()}

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: Any) -> None:
            pass

        def do_GET(self) -> None:  # noqa: N802 - http.server's name
            body = bodies.get(self.path)
            if body is None:
                self.send_response(404)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            if self.headers.get("If-None-Match") == tags[self.path]:
                self.send_response(304)
                self.send_header("ETag", tags[self.path])
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            self.send_response(200)
            self.send_header("Content-Type", "application/rss+xml")
            self.send_header("ETag", tags[self.path])
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    port.value = server.server_address[1]
    ready.set()
    server.serve_forever()


def run(args: argparse.Namespace) -> None:
    """Print CPU and wall seconds per round of polling 200 unchanged feeds."""
    from sitrep.ledger import open_ledger
    from sitrep.pipeline import Pipeline
    from sitrep.watch import Fetcher, Politeness, Source, run_round

    rounds = max(1, int(getattr(args, "watch_rounds", ROUNDS)))
    ctx = mp.get_context("fork")
    port, ready = ctx.Value("i", 0), ctx.Event()
    server = ctx.Process(target=_serve, args=(port, ready), daemon=True)
    server.start()
    try:
        if not ready.wait(30):
            raise RuntimeError("the feed server did not start")
        polite = Politeness(min_interval=0.0, timeout=10.0, retries=1, backoff=0.1)
        sources = [
            Source(url=f"http://127.0.0.1:{port.value}/feed/{i}.xml", name=f"feed {i}", kind="feed",
                   follow=False, politeness=polite)
            for i in range(FEEDS)
        ]  # fmt: skip
        with (
            tempfile.TemporaryDirectory() as tmp,
            open_ledger(Path(tmp) / "watch.db") as ledger,
            Fetcher(polite) as fetcher,
        ):
            pipe = Pipeline(stages=[], settings=ledger.settings)
            t0, c0 = time.perf_counter(), time.process_time()
            setup = run_round(ledger, sources, fetcher=fetcher, pipeline=pipe)
            setup_wall, setup_cpu = time.perf_counter() - t0, time.process_time() - c0
            cpu: list[float] = []
            wall: list[float] = []
            not_modified = 0
            for _ in range(rounds):
                t0, c0 = time.perf_counter(), time.process_time()
                result = run_round(ledger, sources, fetcher=fetcher, pipeline=pipe)
                cpu.append(time.process_time() - c0)
                wall.append(time.perf_counter() - t0)
                not_modified += sum(1 for s in result.sources if s.status == "not_modified")
    finally:
        server.kill()
        server.join(5)
    print(f"== watch: {FEEDS} unchanged feeds (local server answering 304), {rounds} rounds")
    _line(
        "setup round (200 x 200 OK, documents added)",
        f"{setup_cpu:.2f} s CPU, {setup_wall:.2f} s wall, {setup.added} added",
    )
    _line("answers 304 / requests in measured rounds", f"{not_modified} / {FEEDS * rounds}")
    _line(
        "CPU seconds per round (median)",
        f"{sorted(cpu)[len(cpu) // 2]:.3f}  (target < {TARGET_CPU_S:.0f})",
    )
    _line("CPU seconds per round (max)", f"{max(cpu):.3f}")
    _line("wall seconds per round (median)", f"{sorted(wall)[len(wall) // 2]:.3f}")
    _line("CPU ms per feed (median round)", f"{1000 * sorted(cpu)[len(cpu) // 2] / FEEDS:.2f}")


def _line(label: str, value: str) -> None:
    print(f"  {label:<48} {value}")


if __name__ == "__main__":
    run(argparse.Namespace())
