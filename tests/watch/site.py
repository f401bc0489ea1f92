"""A small news site on 127.0.0.1 for watch tests, and a cheap events stage.

``Site`` serves whatever ``site.pages[path]`` holds, answers conditional
requests with 304 when the ETag matches, can be taken down (503) and brought
back, and logs every request. Every article here is written for these tests.
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from sitrep.pipeline import Stage
from sitrep.records import (
    Document,
    Event,
    EventActor,
    EventLocation,
    EventSource,
    Evidence,
    FigureMention,
)

KURSK = EventLocation("Kursk Oblast", "RU", "Kursk Oblast", 51.7, 36.2, "admin1")
_TROOPS = re.compile(r"(\d[\d,]*) North Korean troops")


@dataclass
class Page:
    body: bytes
    content_type: str = "text/html; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)
    status: int = 200
    validators: bool = True  # False: no ETag, conditional requests ignored

    @property
    def etag(self) -> str:
        return '"' + hashlib.sha256(self.body).hexdigest()[:16] + '"'


@dataclass
class Request:
    path: str
    headers: dict[str, str]
    status: int


class Site:
    """``with Site() as site: site.url("/feed.xml")``."""

    def __init__(self) -> None:
        self.pages: dict[str, Page] = {}
        self.down = False
        self.log: list[Request] = []
        self.on_request: Callable[[str], None] | None = None
        self.received: list[bytes] = []  # bodies POSTed to /hook
        self.hook_failures = 0  # answer this many POSTs with 503 first
        site = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:  # quiet
                pass

            def _send(
                self, status: int, body: bytes = b"", headers: dict[str, str] | None = None
            ) -> None:
                self.send_response(status)
                for k, v in (headers or {}).items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if body:
                    self.wfile.write(body)
                site.log.append(Request(self.path, dict(self.headers.items()), status))

            def do_GET(self) -> None:  # noqa: N802 - http.server's name
                if site.on_request is not None:
                    site.on_request(self.path)
                if site.down:
                    return self._send(503, b"down for maintenance")
                page = site.pages.get(self.path)
                if page is None:
                    return self._send(404, b"not found")
                if page.validators and self.headers.get("If-None-Match") == page.etag:
                    return self._send(304, headers={"ETag": page.etag})
                headers = {"Content-Type": page.content_type, **page.headers}
                if page.validators:
                    headers["ETag"] = page.etag
                return self._send(page.status, page.body, headers)

            def do_POST(self) -> None:  # noqa: N802
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                if site.hook_failures > 0:
                    site.hook_failures -= 1
                    return self._send(503)
                site.received.append(body)
                return self._send(204)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}{path}"

    def requests(self, path: str) -> list[Request]:
        return [r for r in self.log if r.path == path]

    def __enter__(self) -> Site:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(5)


def article_html(title: str, body: str, published: str, *, head: str = "") -> bytes:
    paras = "".join(f"<p>{p}</p>" for p in body.split("\n"))
    return (
        f"<!doctype html><html><head><title>{title}</title>"
        f'<meta property="article:published_time" content="{published}">'
        f'<meta property="og:site_name" content="Kursk Watcher">{head}</head>'
        f"<body><nav><a href='/'>Home</a></nav><article><h1>{title}</h1>{paras}</article>"
        f"<footer>Kursk Watcher</footer></body></html>"
    ).encode()


def rss(items: list[tuple[str, str, str]], site: Site) -> bytes:
    """An RSS 2.0 feed of (path, title, RFC 822 date) items."""
    entries = "".join(
        f"<item><title>{t}</title><link>{site.url(p)}</link><guid>{site.url(p)}</guid>"
        f"<pubDate>{d}</pubDate><description>{t}</description></item>"
        for p, t, d in items
    )
    return (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Kursk Watcher</title>'
        f"<link>{site.url('/')}</link><description>news</description>{entries}</channel></rss>"
    ).encode()


def _claimant(text: str) -> EventSource:
    if "Ukraine's military intelligence" in text:
        return EventSource("Ukrainian military intelligence", "intelligence", "UA", "said")
    return EventSource("National Intelligence Service", "intelligence", "KR", "said")


def _find_troops(doc: Document) -> Document:
    found = _TROOPS.search(doc.text)
    if not found:
        return doc
    value = float(found.group(1).replace(",", ""))
    sentence = doc.text[: doc.text.find(".", found.end()) + 1] or doc.text
    ev = Event(
        id="e1",
        type="deployment",
        summary="North Korean troops deployed to Kursk Oblast",
        status="occurred",
        actors=(EventActor("North Korea", "KP", "state", "agent"),),
        location=KURSK,
        figures=(
            FigureMention(
                found.start(),
                found.end(),
                found.group(0),
                value,
                None,
                None,
                "exact",
                "troops",
                "North Korean troops",
            ),
        ),
        sources=(_claimant(doc.text),),
        certainty="reported",
        evidence=(Evidence(0, len(sentence), sentence),),
    )
    return dataclasses.replace(doc, events=(ev,))


#: stands in for the spaCy stages: a deployment event with its troop figure
TROOPS_STAGE = Stage(name="sitrep.events.v1", fn=_find_troops, adds=("events",))
