"""Containers of many articles: RSS/Atom feeds and WARC archives.

Each feed item and each HTML ``response`` record of a WARC becomes one
:class:`RawDocument`; a bad item or record becomes one :class:`Rejection` and
the rest of the container goes on.

* Feeds (feedparser): title, link (as ``url``), published date and author come
  from the item; HTML content goes through the same extraction as a page,
  falling back to the summary. The item's ``id`` is the sha256 of its fields
  serialised as sorted JSON (feedparser does not keep each item's bytes).
  A feed that is malformed and has no items is E021.
* WARC (warcio): records are streamed one by one. A record that cannot be
  parsed is E022; reading resumes at the next record boundary. The record's
  payload (HTTP body, transfer- and content-encoding removed) is what ``id``
  hashes; its HTTP headers are kept and scanned for rights signals.
"""

from __future__ import annotations

import calendar
import dataclasses
import datetime as dt
import io
import json
import re
import zlib
from collections.abc import Callable, Iterator
from typing import IO, Any

import feedparser
from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

from ..records import RawDocument, Rejection
from .read_html import read_html

__all__ = ["read_feed", "read_warc"]

Decode = Callable[[bytes, "str | None"], "tuple[str, str] | None"]

_CHARSET = re.compile(r"charset\s*=\s*[\"']?([\w.:-]+)", re.IGNORECASE)
_WARC_MARK = b"WARC/1."
_GZIP_MARK = b"\x1f\x8b\x08"
_CHUNK = 1 << 16

# --------------------------------------------------------------------------- feeds


def _entry_date(entry: Any) -> str | None:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        # dict.get: feedparser's own get maps a missing updated_parsed to
        # published_parsed with a DeprecationWarning (an error under -W error)
        parsed = dict.get(entry, key)
        if parsed:
            try:
                return dt.datetime.fromtimestamp(calendar.timegm(parsed), dt.UTC).date().isoformat()
            except (OverflowError, ValueError, TypeError):
                continue
    return None


def _entry_html(entry: Any) -> tuple[str | None, str | None]:
    """(HTML content, summary) of a feed item."""
    content = None
    for part in entry.get("content") or ():
        value = part.get("value") or ""
        if value.strip():
            content = value
            break
    summary = entry.get("summary") or None
    return content, summary


def read_feed(
    raw: bytes, *, source: str, published: str | None
) -> Iterator[RawDocument | Rejection]:
    """Each item of an RSS or Atom feed -> RawDocument."""
    parsed = feedparser.parse(raw, sanitize_html=False, resolve_relative_uris=False)
    entries = parsed.get("entries") or []
    if not entries:
        why = parsed.get("bozo_exception")
        reason = f"malformed feed ({why})" if parsed.get("bozo") else "feed with no items"
        yield Rejection(source, "E021", f"{reason}; skipped")
        return
    publisher = (parsed.get("feed") or {}).get("title") or None
    for n, entry in enumerate(entries, start=1):
        serial = json.dumps(entry, sort_keys=True, default=str, ensure_ascii=False).encode("utf-8")
        link = entry.get("link") or None
        item_source = link or f"{source}#item{n}"
        content, summary = _entry_html(entry)
        date = _entry_date(entry)
        doc: RawDocument | Rejection | None = None
        for html in (content, summary):
            if not html:
                continue
            doc = read_html(
                html,
                source=item_source,
                raw=serial,
                fmt="feed",
                url=link,
                published=date,
                fallback_published=published,
                whole_page=False,
            )
            if isinstance(doc, RawDocument):
                break
        if not isinstance(doc, RawDocument):
            title = " ".join(str(entry.get("title") or "").split())  # the reason stays one line
            yield Rejection(
                source,
                "E020",
                f"feed item {n} ({title[:60] or link or 'untitled'}) has no text; skipped",
            )
            continue
        yield dataclasses.replace(
            doc,
            source=item_source,
            format="feed",
            url=link,
            title=entry.get("title") or doc.title,
            publisher=publisher or doc.publisher,
            byline=entry.get("author") or doc.byline,
            published=date or doc.published,
            encoding=parsed.get("encoding"),
        )


# --------------------------------------------------------------------------- WARC


def _is_html(content_type: str, payload: bytes) -> bool:
    if "html" in content_type.lower():
        return True
    head = payload[:1024].lstrip().lower()
    return not content_type and head.startswith((b"<!doctype html", b"<html"))


def _next_boundary(stream: IO[bytes], after: int, gzipped: bool) -> int | None:
    """Offset of the first record boundary strictly after ``after``."""
    mark = _GZIP_MARK if gzipped else _WARC_MARK
    pos = after + 1
    stream.seek(pos)
    tail = b""
    while True:
        chunk = stream.read(_CHUNK)
        if not chunk:
            return None
        window = tail + chunk
        start = 0
        while True:
            i = window.find(mark, start)
            if i < 0:
                break
            at = pos - len(tail) + i
            if gzipped or i == 0 and at == 0 or i > 0 and window[i - 1 : i] == b"\n":
                return at
            start = i + 1
        tail = window[-len(mark) :]
        pos += len(chunk)


class TruncatedRecord(ValueError):
    """A WARC record shorter than its Content-Length says."""


def _record_doc(
    record: Any, *, archive: Any, source: str, offset: int, decode: Decode, published: str | None
) -> RawDocument | Rejection | None:
    if record.rec_type != "response":
        return None
    if record.http_headers is None:
        inflater = getattr(getattr(archive, "reader", None), "decompressor", None)
        if record.length == 0 and inflater is not None and not getattr(inflater, "eof", True):
            raise TruncatedRecord("truncated gzip member")
        return None  # not an HTTP response
    status = str(record.http_headers.get_statuscode() or "")
    if not status.startswith("2"):
        return None  # redirects and error pages are not articles
    content_type = record.http_headers.get_header("Content-Type") or ""
    payload = record.content_stream().read()
    missing = getattr(record.raw_stream, "limit", 0)
    if missing:
        raise TruncatedRecord(f"truncated: {missing} of {record.length} bytes missing")
    if not _is_html(content_type, payload):
        return None
    uri = record.rec_headers.get_header("WARC-Target-URI") or None
    where = uri or f"{source}@{offset}"
    declared = _CHARSET.search(content_type)
    decoded = decode(payload, declared.group(1) if declared else None)
    if decoded is None:
        return Rejection(
            source, "E011", f"WARC record at offset {offset} ({uri}): undecodable; skipped"
        )
    html, encoding = decoded
    headers = tuple((str(k), str(v)) for k, v in record.http_headers.headers)
    return read_html(
        html,
        source=where,
        raw=payload,
        fmt="warc",
        url=uri,
        encoding=encoding,
        headers=headers,
        fallback_published=published,
    )


def _one_line(exc: BaseException, limit: int = 80) -> str:
    """An exception as a short printable line (WARC errors quote raw bytes)."""
    text = " ".join("".join(c if c.isprintable() else " " for c in str(exc)).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


#: what warcio raises on a damaged record (a truncated header surfaces as
#: AttributeError/TypeError from inside its header parser)
_WARC_ERRORS = (
    ArchiveLoadFailed,
    ValueError,
    EOFError,
    OSError,
    zlib.error,
    IndexError,
    KeyError,
    AttributeError,
    TypeError,
)


def _trailing_bytes(stream: IO[bytes], end: int, source: str) -> Iterator[Rejection]:
    """E022 when the file goes on after the last record warcio could read."""
    size = stream.seek(0, io.SEEK_END)
    if size > end:
        stream.seek(end)
        if stream.read(_CHUNK).strip():
            yield Rejection(
                source, "E022", f"incomplete WARC record at offset {end} (the file ends inside it)"
            )


def read_warc(
    stream: IO[bytes], *, source: str, decode: Decode, published: str | None
) -> Iterator[RawDocument | Rejection]:
    """Each HTML response record of a WARC (plain or gzipped) -> RawDocument.

    A record that fails to parse gives one E022; reading starts again at the
    next record boundary (``WARC/1.`` at a line start, or the next gzip member).
    """
    gzipped = stream.read(3) == _GZIP_MARK
    start: int | None = 0
    reported: int | None = -1
    while start is not None:
        stream.seek(start)
        archive = ArchiveIterator(stream)
        records = iter(archive)
        last_good: int | None = None
        broken: int | None = None
        resume: int | None = None
        where = ""
        problem: BaseException | None = None
        while True:
            try:
                record = next(records)
            except StopIteration:
                yield from _trailing_bytes(stream, archive.offset, source)
                return
            except _WARC_ERRORS as exc:
                problem = exc
                if last_good is None:  # the record where this pass began is broken
                    broken, resume = start, _next_boundary(stream, start, gzipped)
                    where = f"at offset {start}"
                else:  # the one after the last good record; try again from the next boundary
                    broken = _next_boundary(stream, last_good, gzipped)
                    resume = broken
                    where = f"after the record at offset {last_good}"
                break
            offset = archive.offset  # where this record starts (warcio asks the stream)
            try:
                doc = _record_doc(
                    record,
                    archive=archive,
                    source=source,
                    offset=offset,
                    decode=decode,
                    published=published,
                )
            except _WARC_ERRORS as exc:
                problem = exc
                broken, resume = offset, _next_boundary(stream, offset, gzipped)
                where = f"at offset {offset}"
                break
            last_good = offset
            if doc is None:
                continue
            if isinstance(doc, Rejection) and doc.code == "E020":
                doc = Rejection(source, "E020", f"WARC record at offset {offset}: {doc.reason}")
            yield doc
        if broken != reported:
            yield Rejection(
                source, "E022", f"malformed WARC record {where} ({_one_line(problem)}); skipped it"
            )
            reported = broken
        start = resume
