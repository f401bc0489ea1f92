"""One watch round: fetch every source, follow new items to their article pages, ingest.

For each source, in the order of the sources file:

1. robots.txt is asked first; a disallowed source is skipped (counted);
2. the feed or section page is fetched conditionally (ETag / Last-Modified);
   a ``304`` ends the source's turn at the cost of one request, and so does
   a body identical to the last one read in full (servers that ignore
   conditional requests);
3. new items are the feed entries (id, plus ``updated`` when given, so a
   revised article is read again) or section links not in ``watch_items``;
   at most ``max_items`` per round, oldest state first;
4. each new item's article page is fetched (robots.txt permitting), read with
   its HTTP headers (``X-Robots-Tag: noai`` and TDM reservations travel as
   rights signals, so a reserved page is stored under the ledger's rights
   policy), cleaned, annotated and added, then marked seen;
5. the new validators are saved only when every new item was handled, so
   items left over (stop, ``max_items``, an article page that failed) are
   picked up next round instead of hidden behind a ``304``.

A source that fails (after the fetcher's retries) is logged and counted, and
the round goes on. When ``stop`` is set mid-round the item in hand is
finished and stored, and the round ends; fusion is brought up to date for
whatever was added either way.
"""

from __future__ import annotations

import calendar
import datetime as dt
import hashlib
import logging
import re
import threading
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urldefrag, urlsplit

import feedparser
import lxml.html
from sqlalchemy import insert, select, update

from ..ledger import Ledger
from ..pipeline import Pipeline
from ..records import Document, RawDocument, Rejection
from ..stages.read import decode_text, read_bytes, sniff_format
from ..stages.read_feeds import read_feed
from ..stages.read_html import read_html
from . import state
from .fetch import Fetched, Fetcher, FetchError
from .sources import Source

__all__ = ["Item", "RoundResult", "SourceOutcome", "run_round"]

log = logging.getLogger("sitrep.watch")

_CHARSET = re.compile(r"charset\s*=\s*[\"']?([\w.:-]+)", re.IGNORECASE)
#: an article link's last path segment, without a ``links`` pattern: a slug
#: with a hyphen, or a run of digits (an id)
_ARTICLE_SLUG = re.compile(r"[A-Za-z0-9]+-[A-Za-z0-9-]+|\d{4,}")


@dataclass(frozen=True, slots=True)
class Item:
    """One new thing a source lists: a feed entry or an article link."""

    key: str
    url: str | None
    position: int = 0  # the entry's place in the feed (1-based), for its own text
    published: str | None = None  # the feed's date for it (ISO), where the page gives none


@dataclass(slots=True)
class SourceOutcome:
    name: str
    url: str
    status: str  # fetched|not_modified|error|disallowed|stopped
    new_items: int = 0
    ingested: int = 0
    reserved: int = 0
    skipped: int = 0
    left: int = 0  # new items left for the next round
    error: str | None = None


@dataclass(slots=True)
class RoundResult:
    sources: list[SourceOutcome] = field(default_factory=list)
    added: int = 0  # documents added to the ledger
    types: set[str] = field(default_factory=set)
    stopped: bool = False
    alerts: list[dict[str, Any]] = field(default_factory=list)

    @property
    def failed(self) -> int:
        return sum(1 for s in self.sources if s.status == "error")

    def as_dict(self) -> dict[str, Any]:
        return {
            "added": self.added,
            "failed": self.failed,
            "stopped": self.stopped,
            "alerts": len(self.alerts),
            "sources": [{k: getattr(s, k) for k in s.__dataclass_fields__} for s in self.sources],
        }


# --------------------------------------------------------------------------- listing items


def feed_items(content: bytes) -> list[Item]:
    """Entries of an RSS/Atom feed, keyed by id (and ``updated``, when the feed says)."""
    parsed = feedparser.parse(content, sanitize_html=False, resolve_relative_uris=False)
    out: list[Item] = []
    for n, entry in enumerate(parsed.get("entries") or [], start=1):
        link = entry.get("link") or None
        ident = entry.get("id") or link or entry.get("title") or f"#item{n}"
        # dict.get: feedparser's own get maps a missing "updated" to "published", with a warning
        updated = dict.get(entry, "updated")
        key = f"{ident}@{updated}" if updated and updated != dict.get(entry, "published") else ident
        out.append(Item(key=key[:500], url=link, position=n, published=_entry_day(entry)))
    return out


def _entry_day(entry: Any) -> str | None:
    for key in ("published_parsed", "updated_parsed"):
        parsed = dict.get(entry, key)
        if parsed:
            try:
                return dt.datetime.fromtimestamp(calendar.timegm(parsed), dt.UTC).date().isoformat()
            except (OverflowError, ValueError, TypeError):
                continue
    return None


def section_links(content: bytes, base: str, pattern: str | None) -> list[Item]:
    """Article links on a section page: same host, in page order, each once."""
    decoded = decode_text(content)
    if decoded is None:
        return []
    try:
        tree = lxml.html.document_fromstring(decoded[0])
    except (ValueError, lxml.etree.ParserError):
        return []
    tree.make_links_absolute(base, resolve_base_href=True)
    host = urlsplit(base).netloc.lower()
    here = urldefrag(base)[0].rstrip("/")
    wanted = re.compile(pattern) if pattern else None
    seen: dict[str, Item] = {}
    for el in tree.iter("a"):
        href = el.get("href")
        if not href:
            continue
        url = urldefrag(href.strip())[0]
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or parts.netloc.lower() != host:
            continue
        if url.rstrip("/") == here or url in seen:
            continue
        if wanted is not None:
            if not wanted.search(url):
                continue
        elif not _ARTICLE_SLUG.fullmatch(parts.path.rstrip("/").rsplit("/", 1)[-1].split(".")[0]):
            continue
        seen[url] = Item(key=url[:500], url=url)
    return list(seen.values())


# --------------------------------------------------------------------------- reading


def page_document(got: Fetched, *, published: str | None, settings: Any) -> RawDocument | Rejection:
    """A fetched article page -> RawDocument, its HTTP headers kept for rights signals."""
    content_type = got.header("content-type") or ""
    declared = _CHARSET.search(content_type)
    decoded = decode_text(got.content, declared.group(1) if declared else None)
    if decoded is None:
        return Rejection(got.url, "E011", "undecodable bytes (no text encoding fits); skipped")
    text, encoding = decoded
    if "html" in content_type.lower() or sniff_format(got.content, text, "") == "html":
        return read_html(
            text,
            source=got.url,
            raw=got.content,
            url=got.url,
            encoding=encoding,
            headers=got.headers,
            fallback_published=published,
        )
    first = next(
        iter(read_bytes(got.content, source=got.url, settings=settings, published=published))
    )
    return first


def _annotate(pipeline: Pipeline, raw: RawDocument | Rejection) -> Document | Rejection:
    if isinstance(raw, Rejection):
        return raw
    doc = pipeline.clean(raw)
    if isinstance(doc, Rejection):
        return doc
    [out] = pipeline.annotate([doc])
    return out


# --------------------------------------------------------------------------- state


def _source_rows(ledger: Ledger, sources: Iterable[Source]) -> dict[str, Any]:
    t = state.sources
    wanted = {s.id: s for s in sources}
    with ledger.engine.begin() as conn:
        rows = {r.id: r for r in conn.execute(select(t).where(t.c.id.in_(list(wanted))))}
        missing = [
            {"id": i, "url": s.url, "name": s.name, "failures": 0, "failures_total": 0,
             "rounds": 0, "not_modified": 0, "items_seen": 0, "items_ingested": 0,
             "items_reserved": 0, "items_skipped": 0}
            for i, s in wanted.items() if i not in rows
        ]  # fmt: skip
        if missing:
            conn.execute(insert(t), missing)
            rows.update(
                {
                    r.id: r
                    for r in conn.execute(select(t).where(t.c.id.in_([m["id"] for m in missing])))
                }
            )
    return rows


def _body_hash(got: Fetched) -> str:
    return hashlib.sha256(got.content).hexdigest()


def _seen(ledger: Ledger, source_id: str, keys: list[str]) -> set[str]:
    t = state.items
    found: set[str] = set()
    with ledger.engine.connect() as conn:
        for start in range(0, len(keys), 500):
            found.update(
                conn.execute(
                    select(t.c.key).where(
                        t.c.source_id == source_id, t.c.key.in_(keys[start : start + 500])
                    )
                ).scalars()
            )
    return found


def _mark(
    ledger: Ledger, source_id: str, item: Item, status: str, doc_id: str | None, reason: str | None
) -> None:
    with ledger.engine.begin() as conn:
        conn.execute(
            insert(state.items).values(
                source_id=source_id, key=item.key, url=item.url, status=status,
                document_id=doc_id, reason=reason, seen_at=state.now(),
            )
        )  # fmt: skip


def _record(
    ledger: Ledger, src: Source, out: SourceOutcome, got: Fetched | None, complete: bool
) -> None:
    t = state.sources
    stamp = state.now()
    values: dict[str, Any] = {
        "name": src.name,
        "last_attempt": stamp,
        "rounds": t.c.rounds + 1,
        "items_seen": t.c.items_seen + out.new_items - out.left,
        "items_ingested": t.c.items_ingested + out.ingested,
        "items_reserved": t.c.items_reserved + out.reserved,
        "items_skipped": t.c.items_skipped + out.skipped,
    }
    if out.status == "error":
        values.update(failures=t.c.failures + 1, failures_total=t.c.failures_total + 1,
                      last_status="error", last_error=out.error)  # fmt: skip
    else:
        values.update(failures=0, last_status=out.status, last_error=None)
        if out.status in ("fetched", "not_modified"):
            values["last_success"] = stamp
        if out.status == "not_modified":
            values["not_modified"] = t.c.not_modified + 1
        if got is not None and complete and not got.not_modified:
            values.update(
                etag=got.etag, last_modified=got.last_modified, body_sha256=_body_hash(got)
            )
    with ledger.engine.begin() as conn:
        conn.execute(update(t).where(t.c.id == src.id).values(**values))


# --------------------------------------------------------------------------- the round


class _Round:
    def __init__(
        self, ledger: Ledger, fetcher: Fetcher, pipeline: Pipeline, stop: threading.Event
    ) -> None:
        self.ledger, self.fetcher, self.pipeline, self.stop = ledger, fetcher, pipeline, stop
        self.result = RoundResult()
        self.ingesting = threading.Lock()  # hosts are fetched in parallel; extraction is not

    def host(self, group: list[Source], rows: dict[str, Any]) -> None:
        """The sources of one host, in order (one thread per host keeps its pacing)."""
        for src in group:
            if self.stop.is_set():
                self.result.stopped = True
                return
            self.source(src, rows[src.id])

    def source(self, src: Source, row: Any) -> None:
        out = SourceOutcome(name=src.name, url=src.url, status="fetched")
        self.result.sources.append(out)
        polite = src.politeness
        got: Fetched | None = None
        complete = False
        try:
            if not self.fetcher.allowed(src.url, polite):
                out.status = "disallowed"
                log.info("%s: robots.txt disallows %s; skipped", src.name, src.url)
                return
            got = self.fetcher.get(
                src.url, etag=row.etag, last_modified=row.last_modified, polite=polite
            )
            if got.not_modified or _body_hash(got) == row.body_sha256:
                out.status = "not_modified"  # a 304, or the very body read in full last time
                return
            complete = self._items(src, got, out)
        except FetchError as exc:
            out.status, out.error = "error", str(exc)
            log.warning(
                "%s: %s (failed %d times in a row; retried next round)",
                src.name,
                exc,
                row.failures + 1,
            )
        except Exception as exc:  # noqa: BLE001 - one broken source must not end the round
            out.status, out.error = "error", f"{type(exc).__name__}: {exc}"
            log.exception("%s: unexpected failure; retried next round", src.name)
        finally:
            _record(self.ledger, src, out, got, complete)

    def _items(self, src: Source, got: Fetched, out: SourceOutcome) -> bool:
        kind = src.kind
        if kind == "auto":
            decoded = decode_text(got.content)
            kind = (
                "feed"
                if decoded and sniff_format(got.content, decoded[0], "") == "feed"
                else "section"
            )
        listed = (
            feed_items(got.content)
            if kind == "feed"
            else section_links(got.content, got.url, src.links)
        )
        seen = _seen(self.ledger, src.id, [i.key for i in listed])
        new = [i for i in listed if i.key not in seen]
        out.new_items = len(new)
        todo = new[: src.politeness.max_items]
        out.left = len(new) - len(todo)
        own_text: dict[int, RawDocument | Rejection] | None = None
        for n, item in enumerate(todo):
            if self.stop.is_set():
                out.left += len(todo) - n
                out.status = "stopped"
                self.result.stopped = True
                break
            if kind == "feed" and (not src.follow or not item.url):
                if own_text is None:
                    own_text = dict(
                        enumerate(read_feed(got.content, source=src.url, published=None), start=1)
                    )
                raw: RawDocument | Rejection | None = own_text.get(item.position)
            else:
                raw = self._page(src, item, out)
            if raw is None:
                continue
            self._ingest(src, item, raw, out)
        return out.left == 0

    def _page(self, src: Source, item: Item, out: SourceOutcome) -> RawDocument | Rejection | None:
        assert item.url is not None
        try:
            if not self.fetcher.allowed(item.url, src.politeness):
                out.skipped += 1
                _mark(
                    self.ledger, src.id, item, "disallowed", None, "robots.txt disallows this page"
                )
                return None
            page = self.fetcher.get(item.url, polite=src.politeness)
        except FetchError as exc:  # the page, or its host's robots.txt
            if exc.status in (404, 410):  # gone for good: not asked for again
                out.skipped += 1
                _mark(self.ledger, src.id, item, "gone", None, str(exc))
                return None
            out.left += 1  # not marked: tried again next round
            log.warning("%s: article %s: %s", src.name, item.url, exc)
            return None
        return page_document(page, published=item.published, settings=self.ledger.settings)

    def _ingest(
        self, src: Source, item: Item, raw: RawDocument | Rejection, out: SourceOutcome
    ) -> None:
        with self.ingesting:
            self._ingest_one(src, item, raw, out)

    def _ingest_one(
        self, src: Source, item: Item, raw: RawDocument | Rejection, out: SourceOutcome
    ) -> None:
        doc = _annotate(self.pipeline, raw)
        if isinstance(doc, Rejection):
            out.skipped += 1
            self.ledger.add_rejections([doc])
            _mark(self.ledger, src.id, item, "rejected", None, doc.message())
            log.info("%s", doc.message())
            return
        added = self.ledger.add([doc], refresh=False)
        self.result.added += added.added
        self.result.types.update(added.types)
        if not added.added:
            status = "duplicate"
        elif doc.rights.tdm_reserved:
            status = "reserved"
            out.reserved += 1
        else:
            status = "ingested"
        if added.added:
            out.ingested += 1
        _mark(self.ledger, src.id, item, status, doc.id, None)


def run_round(
    ledger: Ledger,
    sources: Iterable[Source],
    *,
    fetcher: Fetcher,
    pipeline: Pipeline | None = None,
    stop: threading.Event | None = None,
    workers: int = 4,
) -> RoundResult:
    """Fetch every source once, ingest what is new, then bring fusion up to date.

    Up to ``workers`` hosts are fetched at once (each host's sources in turn,
    so a slow or dead host does not hold up the others); extraction and
    storage take one item at a time.
    """
    state.ensure(ledger.engine)
    sources = list(sources)
    stop = stop or fetcher.stop
    pipe = pipeline or Pipeline(settings=ledger.settings)
    rnd = _Round(ledger, fetcher, pipe, stop)
    rows = _source_rows(ledger, sources)
    by_host: dict[str, list[Source]] = {}
    for src in sources:
        by_host.setdefault(src.host, []).append(src)
    try:
        if workers <= 1 or len(by_host) <= 1:
            for group in by_host.values():
                rnd.host(group, rows)
        else:
            with ThreadPoolExecutor(
                min(workers, len(by_host)), thread_name_prefix="sitrep-watch"
            ) as pool:
                for done in [pool.submit(rnd.host, group, rows) for group in by_host.values()]:
                    done.result()
    finally:
        if rnd.result.types:
            ledger.refresh(rnd.result.types)
    order = {s.url: n for n, s in enumerate(sources)}
    rnd.result.sources.sort(key=lambda o: order[o.url])
    return rnd.result


def iter_outcomes(result: RoundResult) -> Iterator[str]:
    """One readable line per source outcome (for logs)."""
    for s in result.sources:
        extra = f" ({s.error})" if s.error else ""
        yield f"{s.name}: {s.status}, {s.new_items} new, {s.ingested} ingested, {s.reserved} reserved, {s.skipped} skipped, {s.left} left{extra}"
