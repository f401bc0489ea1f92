"""The sources file: which feeds and site sections to watch, and how politely.

A small TOML file (``tomllib``, standard library)::

    [defaults]
    every = "15m"          # time between rounds (s, m, h, d)
    min_interval = 2.0     # seconds between two requests to one host
    timeout = 20.0         # seconds per request
    retries = 3            # retries of a failed request (exponential backoff)
    backoff = 1.0          # first backoff in seconds; doubles each retry
    max_items = 30         # new items read per source per round at most
    user_agent = "sitrep-watch/0.1"

    [[source]]
    name = "Seoul Herald - world"
    url = "https://example.org/world/rss.xml"
    kind = "feed"          # feed | section | auto (sniffed from the content)
    follow = true          # read each feed item's article page (else the item's own text)

    [[source]]
    name = "Kyiv Evening Post - war"
    url = "https://example.net/war/"
    kind = "section"
    links = "/war/20\\d\\d/"   # regex an article link's URL must match (optional)

Every ``[[source]]`` needs ``url``; ``name`` defaults to the URL. Any default
may be set on one source to override it there.
"""

from __future__ import annotations

import hashlib
import re
import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from ..errors import UsageError

__all__ = ["Politeness", "Source", "load_sources", "parse_duration"]

KINDS = ("feed", "section", "auto")
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhd]?)\s*$")
_UNIT = {"": 1.0, "s": 1.0, "m": 60.0, "h": 3600.0, "d": 86400.0}


def parse_duration(value: str | float | int) -> float:
    """Seconds in ``"90s"``, ``"15m"``, ``"24h"``, ``"2d"`` or a bare number of seconds."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        seconds = float(value)
    else:
        found = _DURATION.match(str(value))
        if not found:
            raise UsageError(f"not a duration: {value!r} (use e.g. 90s, 15m, 24h, 2d)")
        seconds = float(found.group(1)) * _UNIT[found.group(2)]
    if seconds < 0:
        raise UsageError(f"a duration cannot be negative: {value!r}")
    return seconds


@dataclass(frozen=True, slots=True)
class Politeness:
    """How a source is fetched."""

    min_interval: float = 2.0
    timeout: float = 20.0
    retries: int = 3
    backoff: float = 1.0
    max_items: int = 30
    user_agent: str = "sitrep-watch/0.1 (+https://github.com/sitrep)"


@dataclass(frozen=True, slots=True)
class Source:
    """One feed or site section to watch."""

    url: str
    name: str
    kind: str = "auto"
    follow: bool = True
    links: str | None = None
    politeness: Politeness = field(default_factory=Politeness)

    @property
    def id(self) -> str:
        """A stable key: a hash of the URL (the name may be edited freely)."""
        return hashlib.sha256(self.url.encode("utf-8")).hexdigest()[:16]

    @property
    def host(self) -> str:
        return urlsplit(self.url).netloc.lower()


_POLITE = {f.name for f in fields(Politeness)}


def _politeness(table: dict[str, Any], base: Politeness, where: str) -> Politeness:
    values: dict[str, Any] = {}
    for key in _POLITE & set(table):
        want = type(getattr(base, key))
        raw = table[key]
        try:
            values[key] = want(raw)
        except (TypeError, ValueError) as exc:
            raise UsageError(f"{where}: {key} must be a {want.__name__}, not {raw!r}") from exc
        if want is not str and values[key] < 0:
            raise UsageError(f"{where}: {key} cannot be negative")
    return replace(base, **values)


def load_sources(path: str | Path) -> tuple[list[Source], float]:
    """(sources, seconds between rounds) from a TOML sources file."""
    p = Path(path)
    try:
        doc = tomllib.loads(p.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise UsageError(f"sources file not found: {p}") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"sources file not readable: {p} ({exc})") from exc
    except tomllib.TOMLDecodeError as exc:
        raise UsageError(f"{p}: not valid TOML ({exc})") from exc
    return parse_sources(doc, where=str(p))


def parse_sources(doc: dict[str, Any], where: str = "sources") -> tuple[list[Source], float]:
    defaults = doc.get("defaults", {})
    if not isinstance(defaults, dict):
        raise UsageError(f"{where}: [defaults] must be a table")
    unknown = set(defaults) - _POLITE - {"every"}
    if unknown:
        raise UsageError(f"{where}: unknown setting(s) in [defaults]: {', '.join(sorted(unknown))}")
    every = parse_duration(defaults.get("every", "15m"))
    base = _politeness(defaults, Politeness(), f"{where} [defaults]")
    raw_sources = doc.get("source", [])
    if not isinstance(raw_sources, list) or not raw_sources:
        raise UsageError(f"{where}: no [[source]] entries")
    out: list[Source] = []
    seen: set[str] = set()
    for n, item in enumerate(raw_sources, start=1):
        here = f"{where} source {n}"
        if not isinstance(item, dict) or not isinstance(item.get("url"), str):
            raise UsageError(f"{here}: needs a url")
        url = item["url"].strip()
        if urlsplit(url).scheme not in ("http", "https") or not urlsplit(url).netloc:
            raise UsageError(f"{here}: url must be http(s)://host/..., not {url!r}")
        if url in seen:
            raise UsageError(f"{here}: {url} is listed twice")
        seen.add(url)
        unknown = set(item) - _POLITE - {"url", "name", "kind", "follow", "links"}
        if unknown:
            raise UsageError(f"{here}: unknown key(s): {', '.join(sorted(unknown))}")
        kind = str(item.get("kind", "auto"))
        if kind not in KINDS:
            raise UsageError(f"{here}: kind must be one of {', '.join(KINDS)}, not {kind!r}")
        links = item.get("links")
        if links is not None:
            try:
                re.compile(str(links))
            except re.error as exc:
                raise UsageError(f"{here}: links is not a valid regex ({exc})") from exc
        out.append(
            Source(
                url=url,
                name=str(item.get("name") or url),
                kind=kind,
                follow=bool(item.get("follow", True)),
                links=None if links is None else str(links),
                politeness=_politeness(item, base, here),
            )
        )
    return out, every
