"""Polite HTTP for the watcher: conditional requests, per-host pacing, retries, robots.txt.

:class:`Fetcher` wraps one ``httpx.Client``:

* **conditional requests**: ``get(url, etag=..., last_modified=...)`` sends
  ``If-None-Match`` / ``If-Modified-Since``; a ``304`` comes back as
  ``Fetched.not_modified`` with no body;
* **pacing**: at least ``min_interval`` seconds (or the host's robots.txt
  ``Crawl-delay``, if longer) between two requests to one host;
* **timeouts** on every request, and a body size limit (``max_bytes``);
* **retries** of connection errors, timeouts, 429 and 5xx answers, with
  exponential backoff (``backoff * 2**n`` seconds; a ``Retry-After`` of up to
  ``MAX_RETRY_AFTER`` seconds is honoured);
* **robots.txt** (``urllib.robotparser``), fetched once per host per
  ``ROBOTS_TTL``: a 4xx robots.txt allows everything, a 5xx or unreachable
  one disallows the host until it is fetched again (RFC 9309): ``allowed``
  raises :class:`FetchError`, so the source counts as failing, not as empty.

Every wait is cut short when the ``stop`` event is set.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit
from urllib.robotparser import RobotFileParser

import httpx

from .sources import Politeness

__all__ = ["FetchError", "Fetched", "Fetcher"]

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
MAX_RETRY_AFTER = 60.0
ROBOTS_TTL = 3600.0
ROBOTS_MAX_BYTES = 500_000


class FetchError(Exception):
    """A request that failed after its retries (the source is counted as failing).

    ``status`` is the HTTP status of a final 4xx answer, else None.
    """

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True, slots=True)
class Fetched:
    url: str  # after redirects
    status: int
    content: bytes = b""
    headers: tuple[tuple[str, str], ...] = ()
    etag: str | None = None
    last_modified: str | None = None

    @property
    def not_modified(self) -> bool:
        return self.status == 304

    def header(self, name: str) -> str | None:
        low = name.lower()
        return next((v for k, v in self.headers if k.lower() == low), None)


@dataclass(slots=True)
class _Robots:
    parser: RobotFileParser | None  # None: allow everything
    allow_all: bool
    fetched_at: float
    error: str | None = None  # unreachable: the host is treated as failing until it answers


class Fetcher:
    """One HTTP client shared by a watch session."""

    def __init__(
        self,
        politeness: Politeness | None = None,
        *,
        max_bytes: int = 20_000_000,
        stop: threading.Event | None = None,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.politeness = politeness or Politeness()
        self.max_bytes = max_bytes
        self.stop = stop or threading.Event()
        self.client = httpx.Client(
            follow_redirects=True,
            headers={"User-Agent": self.politeness.user_agent},
            timeout=httpx.Timeout(self.politeness.timeout),
            transport=transport,
        )
        self._last: dict[str, float] = {}
        self._robots: dict[str, _Robots] = {}
        # one round may fetch several hosts at once (one thread per host):
        # pacing and robots.txt loading are serialised per host
        self._locks: dict[tuple[str, str], threading.Lock] = {}
        self._guard = threading.Lock()
        self.requests = 0  # requests sent, retries included

    def close(self) -> None:
        self.client.close()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------------ pacing

    def _wait(self, seconds: float) -> None:
        if seconds > 0:
            self.stop.wait(seconds)

    def _lock(self, kind: str, host: str) -> threading.Lock:
        with self._guard:
            return self._locks.setdefault((kind, host), threading.Lock())

    def _pace(self, host: str, polite: Politeness) -> None:
        gap = max(polite.min_interval, self._crawl_delay(host, polite))
        with self._lock("pace", host):
            last = self._last.get(host)
            if last is not None and gap > 0:
                self._wait(last + gap - time.monotonic())
            self._last[host] = time.monotonic()

    def _crawl_delay(self, host: str, polite: Politeness) -> float:
        robots = self._robots.get(host)
        if robots is None or robots.parser is None:
            return 0.0
        delay = robots.parser.crawl_delay(polite.user_agent)
        return float(delay) if delay else 0.0

    # ------------------------------------------------------------------ robots.txt

    def allowed(self, url: str, polite: Politeness | None = None) -> bool:
        """Whether robots.txt lets this user agent fetch ``url``."""
        polite = polite or self.politeness
        parts = urlsplit(url)
        host = parts.netloc.lower()
        with self._lock("robots", host):
            robots = self._robots.get(host)
            if robots is None or time.monotonic() - robots.fetched_at > ROBOTS_TTL:
                robots = self._load_robots(
                    f"{parts.scheme}://{parts.netloc}/robots.txt", host, polite
                )
        if robots.error is not None:
            raise FetchError(robots.error)
        if robots.allow_all:
            return True
        if robots.parser is None:
            return False
        return robots.parser.can_fetch(polite.user_agent, url)

    def _load_robots(self, robots_url: str, host: str, polite: Politeness) -> _Robots:
        try:
            got = self._request(robots_url, {}, polite, max_bytes=ROBOTS_MAX_BYTES)
        except FetchError as exc:
            # unreachable: nothing is fetched from the host; asked again next time
            return _Robots(None, False, 0.0, f"robots.txt unreachable ({exc})")
        if got.status >= 500:
            return _Robots(None, False, 0.0, f"robots.txt unreachable (HTTP {got.status})")
        if got.status >= 400:
            robots = _Robots(None, True, time.monotonic())
        else:
            parser = RobotFileParser(robots_url)
            parser.parse(got.content.decode("utf-8", "replace").splitlines())
            robots = _Robots(parser, False, time.monotonic())
        self._robots[host] = robots
        return robots

    # ------------------------------------------------------------------ requests

    def get(
        self,
        url: str,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
        polite: Politeness | None = None,
    ) -> Fetched:
        """GET ``url`` (conditionally when given validators); raise FetchError after retries."""
        headers: dict[str, str] = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        got = self._request(url, headers, polite or self.politeness, max_bytes=self.max_bytes)
        if got.status >= 400:
            raise FetchError(f"HTTP {got.status} from {url}", got.status)
        return got

    def _request(
        self, url: str, headers: dict[str, str], polite: Politeness, *, max_bytes: int
    ) -> Fetched:
        host = urlsplit(url).netloc.lower()
        problem = ""
        for attempt in range(polite.retries + 1):
            if attempt:
                if self.stop.is_set():
                    break
                self._wait(self._backoff(attempt, polite, problem))
            self._pace(host, polite)
            self.requests += 1
            try:
                got = self._once(url, headers, polite, max_bytes)
            except httpx.TransportError as exc:
                problem = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
                continue
            if got.status in RETRY_STATUSES:
                problem = f"HTTP {got.status}"
                retry_after = got.header("retry-after")
                if retry_after:
                    problem += f"|{retry_after}"
                continue
            return got
        raise FetchError(
            f"{url}: {problem.split('|')[0] or 'stopped'} after {polite.retries} retries"
        )

    @staticmethod
    def _backoff(attempt: int, polite: Politeness, problem: str) -> float:
        wait = polite.backoff * 2 ** (attempt - 1)
        if "|" in problem:
            after = _retry_after(problem.split("|", 1)[1])
            if after is not None:
                wait = max(wait, min(after, MAX_RETRY_AFTER))
        return wait

    def _once(
        self, url: str, headers: dict[str, str], polite: Politeness, max_bytes: int
    ) -> Fetched:
        with self.client.stream(
            "GET", url, headers=headers, timeout=httpx.Timeout(polite.timeout)
        ) as resp:
            body = b""
            if resp.status_code != 304:
                chunks: list[bytes] = []
                size = 0
                for chunk in resp.iter_bytes():
                    size += len(chunk)
                    if size > max_bytes:
                        raise FetchError(f"{url}: body over {max_bytes} bytes; skipped")
                    chunks.append(chunk)
                body = b"".join(chunks)
            return Fetched(
                url=str(resp.url),
                status=resp.status_code,
                content=body,
                headers=tuple((k, v) for k, v in resp.headers.items()),
                etag=resp.headers.get("etag"),
                last_modified=resp.headers.get("last-modified"),
            )


def _retry_after(value: str) -> float | None:
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())
