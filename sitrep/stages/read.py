"""Reading: inputs (paths, folders, stdin) -> RawDocument or Rejection.

``read(inputs, settings, published)`` yields one :class:`RawDocument` per
article found and one :class:`Rejection` per input (or item) it cannot use;
a bad input never stops the batch.

Inputs are file paths, folders (walked recursively in sorted order, hidden
files and folders skipped) or ``"-"`` for standard input. The format is
sniffed from the content first and the file extension second:

=========  ===================================================  ==============
format     recognised by                                        reader
=========  ===================================================  ==============
WARC       ``WARC/1.`` at the start (plain or gzip)             read_feeds
feed       ``<rss``, ``<feed``, ``<rdf:RDF`` near the start     read_feeds
HTML       a doctype or ``<html``/``<body``/block tags          read_html
JSONL      a first line that is a JSON object                   here
text       anything else that decodes                           here
=========  ===================================================  ==============

A gzip file that is not a WARC is decompressed (within the size limit) and
sniffed again, so ``page.html.gz`` reads as HTML; its id hashes the
decompressed bytes, so ``page.html`` and ``page.html.gz`` are one document.

Text is decoded by evidence, never a blind guess: a byte-order mark, then
strict UTF-8, then the charset an HTML page declares, then charset-normalizer;
the encoding used is recorded on the document. Line endings become ``"\\n"``.

Rejections: E001 missing, E002 unreadable, E003 empty, E004 over
``settings.max_file_bytes`` (checked before reading), E010 binary, E011
undecodable, E020 HTML without text, E021 malformed feed, E022 broken WARC
record, E023 bad JSON Lines record, E040 not a file.
"""

from __future__ import annotations

import codecs
import dataclasses
import gzip
import hashlib
import io
import json
import os
import re
import sys
import zlib
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from charset_normalizer import from_bytes

from ..records import RawDocument, Rejection
from ..settings import Settings, load_settings
from .read_feeds import read_feed, read_warc
from .read_html import read_html

__all__ = ["decode_text", "read", "read_bytes", "read_jsonl", "sniff_format"]

STDIN = "-"
STDIN_SOURCE = "<stdin>"

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32"),  # before UTF-16 LE: it starts with the same two bytes
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
#: Tie-breaking prior for charset-normalizer's candidates, added to their
#: "chaos" (0 = clean): single-byte code pages that decode the same bytes
#: equally cleanly are told apart by how common they are in news text, so a
#: French latin-1 page is not read as Baltic cp1257.
_ENCODING_PRIOR: dict[str, float] = {
    "cp1252": 0.0, "latin_1": 0.0, "iso8859_15": 0.005,
    "cp1250": 0.01, "iso8859_2": 0.015, "cp1251": 0.01, "koi8_r": 0.015,
    "cp1253": 0.02, "cp1254": 0.02, "cp1255": 0.02, "cp1256": 0.02,
    "gb18030": 0.02, "big5": 0.02, "shift_jis": 0.02, "euc_jp": 0.02, "euc_kr": 0.02,
    "utf_16": 0.0, "utf_32": 0.0,
}  # fmt: skip
RARE_ENCODING_PENALTY = 0.05
_GZIP_MAGIC = b"\x1f\x8b"
#: bytes that never occur in text (C0 controls except tab, LF, FF, CR, ESC)
_CONTROL = bytes(c for c in range(32) if c not in (9, 10, 12, 13, 27)) + b"\x7f"
#: more than this share of control bytes and the input is binary, not text
BINARY_CONTROL_RATIO = 0.05
_META_CHARSET = re.compile(rb"<meta[^>]{0,300}?charset\s*=\s*[\"']?([\w.:-]{1,40})", re.IGNORECASE)
_FEED_ROOT = re.compile(r"<(?:rss|feed|rdf:RDF)[\s>]", re.IGNORECASE)
_HTML_MARK = re.compile(
    r"<(?:!doctype\s+html|html|head|body|article|p|div|h[1-6]|title|meta)[\s>/]", re.IGNORECASE
)
_NEWLINES = re.compile(r"\r\n?")
_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_EXTENSIONS: dict[str, str] = {
    ".html": "html", ".htm": "html", ".xhtml": "html",
    ".rss": "feed", ".atom": "feed", ".xml": "feed",
    ".warc": "warc", ".jsonl": "jsonl", ".ndjson": "jsonl",
    ".txt": "text", ".text": "text", ".md": "text",
}  # fmt: skip


# --------------------------------------------------------------------------- decoding


def is_binary(raw: bytes) -> bool:
    """True for content that is not text in any encoding we read (NULs, control bytes)."""
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, codecs.BOM_UTF32_BE)):
        return False  # UTF-16 and UTF-32 text is full of NULs
    sample = raw[:65536]
    if b"\x00" in sample[:1024]:
        return True  # file signatures (images, archives, documents) carry NULs up front
    controls = len(sample) - len(sample.translate(None, _CONTROL))
    return controls > BINARY_CONTROL_RATIO * len(sample)


def decode_text(raw: bytes, declared: str | None = None) -> tuple[str, str] | None:
    """(text, encoding) of ``raw``, or None when no encoding fits.

    Evidence in order: a BOM, strict UTF-8, a ``declared`` charset (HTTP header
    or HTML meta) that decodes cleanly, then charset-normalizer's best match.
    """
    for bom, name in _BOMS:
        if raw.startswith(bom):
            try:
                return raw.decode(name), name
            except UnicodeDecodeError:
                return None
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    if declared:
        try:
            name = codecs.lookup(declared).name
            if name not in ("utf-8", "ascii"):
                return raw.decode(name), name
        except (LookupError, UnicodeDecodeError):
            pass
    matches = [m for m in from_bytes(raw) if m.encoding]
    if not matches:
        return None
    best = min(
        matches, key=lambda m: m.chaos + _ENCODING_PRIOR.get(m.encoding, RARE_ENCODING_PENALTY)
    )
    return str(best), best.encoding


def _declared_charset(raw: bytes) -> str | None:
    found = _META_CHARSET.search(raw[:4096])
    return found.group(1).decode("ascii", "replace") if found else None


def _decode_page(raw: bytes, declared: str | None) -> tuple[str, str] | None:
    """A WARC payload: the HTTP header's charset, else the page's own meta charset."""
    return decode_text(raw, declared or _declared_charset(raw))


# --------------------------------------------------------------------------- sniffing


def _xml_root(head: str) -> str:
    """``head`` from its first element on: XML declaration, processing
    instructions, comments and doctype skipped."""
    rest = head
    while True:
        rest = rest.lstrip()
        if rest.startswith("<?"):
            close = "?>"
        elif rest.startswith("<!--"):
            close = "-->"
        elif rest[:9].upper() == "<!DOCTYPE" and rest[:14].lower() != "<!doctype html":
            close = ">"
        else:
            return rest
        end = rest.find(close)
        if end < 0:
            return ""
        rest = rest[end + len(close) :]


def sniff_format(raw: bytes, text: str | None, suffix: str) -> str:
    """The input's format from its content, then its extension."""
    if raw.startswith(b"WARC/"):
        return "warc"
    if text is not None:
        head = text.lstrip("\ufeff \t\r\n")[:4096]
        if head.startswith("<"):
            if _FEED_ROOT.match(_xml_root(head)):
                return "feed"
            if _HTML_MARK.search(head):
                return "html"
        if head.startswith("{"):
            first = head.split("\n", 1)[0]
            if suffix in (".jsonl", ".ndjson") or _is_json_object(first):
                return "jsonl"
    return _EXTENSIONS.get(suffix, "text")


def _is_json_object(line: str) -> bool:
    try:
        return isinstance(json.loads(line), dict)
    except ValueError:
        return False


# --------------------------------------------------------------------------- formats


def _iso_date(value: Any) -> str | None:
    """An ISO date (YYYY-MM-DD) from a JSON field, or None."""
    if not isinstance(value, str) or not value.strip():
        return None
    value = value.strip()
    if _ISO_DAY.match(value):
        return value[:10]
    from dateutil import parser as dateparser

    try:
        return dateparser.parse(value, ignoretz=True).date().isoformat()
    except (ValueError, OverflowError):
        return None


def read_jsonl(
    text: str, *, source: str, published: str | None
) -> Iterator[RawDocument | Rejection]:
    """Each line an object with ``text`` or ``html`` (and optional url, published, publisher, title)."""
    for n, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        raw = line.encode("utf-8")
        try:
            item = json.loads(line)
        except json.JSONDecodeError as exc:
            yield Rejection(source, "E023", f"line {n}: not JSON ({exc.msg}); skipped that line")
            continue
        except RecursionError:
            yield Rejection(source, "E023", f"line {n}: JSON nested too deeply; skipped that line")
            continue
        if not isinstance(item, dict):
            yield Rejection(source, "E023", f"line {n}: not a JSON object; skipped that line")
            continue
        body, html = item.get("text"), item.get("html")
        if not (isinstance(body, str) and body.strip()) and not (
            isinstance(html, str) and html.strip()
        ):
            yield Rejection(
                source, "E023", f"line {n}: no 'text' or 'html' string; skipped that line"
            )
            continue
        url = item.get("url") if isinstance(item.get("url"), str) else None
        title = item.get("title") if isinstance(item.get("title"), str) else None
        publisher = item.get("publisher") if isinstance(item.get("publisher"), str) else None
        date = _iso_date(item.get("published"))
        where = url or f"{source}:{n}"
        if isinstance(body, str) and body.strip():
            yield RawDocument(
                id=hashlib.sha256(raw).hexdigest(),
                source=where,
                text=_NEWLINES.sub("\n", body),
                format="jsonl",
                html=html if isinstance(html, str) else None,
                url=url,
                title=title,
                publisher=publisher,
                published=date or published,
                encoding="utf-8",
            )
            continue
        doc = read_html(
            str(html),
            source=where,
            raw=raw,
            fmt="jsonl",
            url=url,
            published=date,
            fallback_published=published,
            encoding="utf-8",
        )
        if isinstance(doc, Rejection):
            yield Rejection(source, doc.code, f"line {n}: {doc.reason}")
            continue
        yield dataclasses.replace(
            doc,
            source=where,
            format="jsonl",
            url=url,
            title=title or doc.title,
            publisher=publisher or doc.publisher,
            encoding="utf-8",
        )


def _gunzip(raw: bytes, limit: int) -> bytes:
    """Decompress one gzip input, refusing to grow past ``limit`` bytes."""
    inflater = zlib.decompressobj(wbits=31)
    out = inflater.decompress(raw, limit + 1)
    if len(out) > limit:
        raise OverflowError(f"decompresses to over {limit} bytes")
    return out


def read_bytes(
    raw: bytes, *, source: str, settings: Settings, published: str | None = None, suffix: str = ""
) -> Iterator[RawDocument | Rejection]:
    """Every article in one input's bytes (already within the size limit)."""
    if not raw.strip():
        yield Rejection(source, "E003", "empty input; skipped")
        return
    if raw.startswith(_GZIP_MAGIC):
        try:
            head = gzip.GzipFile(fileobj=io.BytesIO(raw)).read(8)
        except (OSError, EOFError, zlib.error):
            head = b""  # a broken stream: _gunzip below says so
        if head.startswith(b"WARC/"):
            yield from _read_warc(io.BytesIO(raw), source=source, published=published)
            return
        try:
            inner = _gunzip(raw, settings.max_file_bytes)
        except OverflowError as exc:
            yield Rejection(source, "E004", f"gzip input {exc}; skipped")
            return
        except (zlib.error, EOFError) as exc:
            yield Rejection(source, "E010", f"broken gzip content ({exc}); skipped")
            return
        inner_suffix = Path(source[:-3]).suffix.lower() if source.endswith(".gz") else ""
        yield from _read_raw(
            inner, source=source, settings=settings, published=published, suffix=inner_suffix
        )
        return
    yield from _read_raw(raw, source=source, settings=settings, published=published, suffix=suffix)


def _read_warc(
    stream: Any, *, source: str, published: str | None
) -> Iterator[RawDocument | Rejection]:
    found = False
    for item in read_warc(stream, source=source, decode=_decode_page, published=published):
        found = True
        yield item
    if not found:
        yield Rejection(source, "E020", "WARC with no HTML response records; skipped")


def _read_raw(
    raw: bytes,
    *,
    source: str,
    settings: Settings,
    published: str | None,
    suffix: str,
) -> Iterator[RawDocument | Rejection]:
    if not raw.strip():
        yield Rejection(source, "E003", "empty input; skipped")
        return
    if raw.startswith(b"WARC/"):
        yield from _read_warc(io.BytesIO(raw), source=source, published=published)
        return
    if is_binary(raw):
        yield Rejection(source, "E010", "not text (binary content); skipped")
        return
    decoded = decode_text(raw, _declared_charset(raw))
    if decoded is None:
        yield Rejection(source, "E011", "undecodable bytes (no text encoding fits); skipped")
        return
    text, encoding = decoded
    # a stray NUL deep inside a text is damage, not a sign of binary content
    text = _NEWLINES.sub("\n", text.removeprefix("\ufeff")).replace("\x00", "")
    if not text.strip():
        yield Rejection(source, "E003", "empty input (whitespace only); skipped")
        return
    fmt = sniff_format(raw, text, suffix)
    if fmt == "feed":
        yield from read_feed(raw, source=source, published=published)
    elif fmt == "jsonl":
        yield from read_jsonl(text, source=source, published=published)
    elif fmt == "html":
        yield read_html(
            text, source=source, raw=raw, encoding=encoding, fallback_published=published
        )
    else:
        yield RawDocument(
            id=hashlib.sha256(raw).hexdigest(),
            source=source,
            text=text,
            format="text",
            published=published,
            encoding=encoding,
        )


# --------------------------------------------------------------------------- inputs


def _walk(folder: Path) -> Iterator[Path | OSError]:
    """Files under ``folder``, recursively, in sorted path order, hidden ones
    skipped; a sub-folder that cannot be listed comes back as its OSError."""
    errors: list[OSError] = []
    found: list[Path] = []
    for root, dirs, files in os.walk(folder, onerror=errors.append):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        found.extend(Path(root) / name for name in files if not name.startswith("."))
    yield from sorted(found, key=lambda p: p.relative_to(folder).parts)
    yield from errors


def _read_file(
    path: Path, settings: Settings, published: str | None
) -> Iterator[RawDocument | Rejection]:
    source = str(path)
    try:
        info = path.stat()
    except FileNotFoundError:
        yield Rejection(source, "E001", "file not found; check the path")
        return
    except OSError as exc:
        yield Rejection(source, "E002", f"not readable ({exc.strerror or exc}); skipped")
        return
    if not path.is_file():
        yield Rejection(source, "E040", "not a regular file; skipped")
        return
    if info.st_size > settings.max_file_bytes:
        yield Rejection(
            source,
            "E004",
            f"{info.st_size} bytes, over the {settings.max_file_bytes}-byte limit (SITREP_MAX_FILE_BYTES); skipped",
        )
        return
    suffix = path.suffix.lower()
    try:
        if suffix in (".warc", ".gz") and _starts_warc(path):
            with path.open("rb") as stream:  # streamed record by record
                yield from _read_warc(stream, source=source, published=published)
            return
        raw = path.read_bytes()
    except OSError as exc:
        yield Rejection(source, "E002", f"not readable ({exc.strerror or exc}); skipped")
        return
    yield from read_bytes(raw, source=source, settings=settings, published=published, suffix=suffix)


def _starts_warc(path: Path) -> bool:
    with path.open("rb") as stream:
        head = stream.read(8)
        if head.startswith(_GZIP_MAGIC):
            stream.seek(0)
            try:
                head = gzip.GzipFile(fileobj=stream).read(8)
            except (OSError, EOFError, zlib.error):
                return False
    return head.startswith(b"WARC/")


def _read_stdin(settings: Settings, published: str | None) -> Iterator[RawDocument | Rejection]:
    try:
        raw = sys.stdin.buffer.read(settings.max_file_bytes + 1)
    except (OSError, AttributeError) as exc:
        yield Rejection(STDIN_SOURCE, "E002", f"standard input not readable ({exc}); skipped")
        return
    if len(raw) > settings.max_file_bytes:
        yield Rejection(
            STDIN_SOURCE, "E004", f"over the {settings.max_file_bytes}-byte limit; skipped"
        )
        return
    yield from read_bytes(raw, source=STDIN_SOURCE, settings=settings, published=published)


def read(
    inputs: Iterable[str | os.PathLike[str]] | str | os.PathLike[str],
    settings: Settings | None = None,
    published: str | None = None,
) -> Iterator[RawDocument | Rejection]:
    """Yield a RawDocument per article in ``inputs`` and a Rejection per unusable input.

    ``published`` (ISO date) fills the publication date only where an input
    gives none.
    """
    settings = settings or load_settings()
    if isinstance(inputs, (str, os.PathLike)):
        inputs = [inputs]
    for item in inputs:
        if str(item) == STDIN:
            yield from _read_stdin(settings, published)
            continue
        path = Path(item)
        if path.is_dir():
            for file in _walk(path):
                if isinstance(file, OSError):
                    where = file.filename or path
                    yield Rejection(
                        str(where), "E002", f"folder not readable ({file.strerror}); skipped"
                    )
                else:
                    yield from _read_file(file, settings, published)
        else:
            yield from _read_file(path, settings, published)
