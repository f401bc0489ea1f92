"""Splitting inputs into partitions a Dask worker can read on its own.

A :class:`Partition` is a small, picklable description of some input, never
the input itself (except standard input, which only the client can read):

==========  ==================================================================
``files``   a batch of plain files (text, HTML, feeds, small JSON Lines); a
            folder or glob becomes many such batches
``warc``    one WARC file (plain or gzip), streamed record by record
``jsonl``   a line range of a large JSON Lines file, by byte offsets
``bytes``   bytes the client read itself (``-`` for standard input)
==========  ==================================================================

:func:`read_partition` yields exactly what :func:`sitrep.stages.read.read`
yields for the same input in one process: the same ids, sources and
rejections. A JSON Lines file is split only where that holds line for line
(strict UTF-8, no byte-order mark, no carriage returns, no NULs); anything
else stays one ``files`` partition.
"""

from __future__ import annotations

import glob
import gzip
import hashlib
import os
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from ..records import RawDocument, Rejection
from ..settings import Settings
from ..stages.read import is_binary, read, read_bytes, sniff_format

__all__ = ["Partition", "plan", "read_partition"]

_GLOB_CHARS = frozenset("*?[")
_GZIP_MAGIC = b"\x1f\x8b"
_JSONL_SUFFIXES = (".jsonl", ".ndjson")


@dataclass(frozen=True, slots=True)
class Partition:
    """One unit of work for a worker (see the module docstring for the kinds)."""

    kind: str  # "files" | "warc" | "jsonl" | "bytes"
    paths: tuple[str, ...] = ()
    start: int = 0  # jsonl: first byte of the range
    end: int = 0  # jsonl: one past the last byte
    first_line: int = 1  # jsonl: line number of the range's first line
    data: bytes | None = None  # bytes: the content
    source: str = ""  # bytes: the name the content is known by

    @property
    def key(self) -> str:
        """A stable name for this partition (the same inputs give the same keys)."""
        h = hashlib.sha256(
            f"{self.kind}|{'|'.join(self.paths)}|{self.start}|{self.end}|{self.source}".encode()
        )
        if self.data is not None:
            h.update(self.data)
        return h.hexdigest()[:16]

    def describe(self) -> str:
        if self.kind == "jsonl":
            return f"{self.paths[0]} bytes {self.start}-{self.end} (from line {self.first_line})"
        if self.kind == "bytes":
            return self.source
        if len(self.paths) == 1:
            return self.paths[0]
        return f"{self.paths[0]} and {len(self.paths) - 1} more files"


# --------------------------------------------------------------------------- planning


def _expand(item: str) -> list[str] | Rejection:
    """Files and folders a command-line input names (a glob is expanded here,
    for a shell that did not)."""
    if os.path.exists(item) or not _GLOB_CHARS & set(item):
        return [item]
    found = sorted(glob.glob(item, recursive=True))
    if not found:
        return Rejection(item, "E001", "no file matches this pattern; check the path")
    return found


def _walk(folder: Path) -> Iterator[str | Rejection]:
    """Files under ``folder`` in the order :func:`sitrep.stages.read.read` uses."""
    errors: list[OSError] = []
    found: list[Path] = []
    for root, dirs, files in os.walk(folder, onerror=errors.append):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        found.extend(Path(root) / name for name in files if not name.startswith("."))
    for p in sorted(found, key=lambda p: p.relative_to(folder).parts):
        yield str(p)
    for exc in errors:
        yield Rejection(
            str(exc.filename or folder), "E002", f"folder not readable ({exc.strerror}); skipped"
        )


def _is_warc(path: str) -> bool:
    if not path.lower().endswith((".warc", ".gz")):
        return False
    try:
        with open(path, "rb") as stream:
            head = stream.read(8)
            if head.startswith(_GZIP_MAGIC):
                stream.seek(0)
                head = gzip.GzipFile(fileobj=stream).read(8)
    except (OSError, EOFError, zlib.error):
        return False
    return head.startswith(b"WARC/")


def _jsonl_ranges(path: str, settings: Settings, lines: int) -> list[Partition] | None:
    """Line-range partitions of a large JSON Lines file, or None to read it whole."""
    try:
        size = os.path.getsize(path)
        if size > settings.max_file_bytes or size < 2:
            return None
        with open(path, "rb") as stream:
            raw = stream.read()
    except OSError:
        return None
    if raw.startswith((_GZIP_MAGIC, b"\xef\xbb\xbf")) or b"\r" in raw or b"\x00" in raw:
        return None
    if raw.count(b"\n") <= lines or is_binary(raw):
        return None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if not text.strip() or sniff_format(raw, text, Path(path).suffix.lower()) != "jsonl":
        return None
    parts: list[Partition] = []
    start, line, pos = 0, 1, 0
    while True:
        taken = 0
        while taken < lines:
            nl = raw.find(b"\n", pos)
            if nl < 0:
                pos = len(raw)
                break
            pos = nl + 1
            taken += 1
        if pos > start:
            parts.append(Partition("jsonl", (path,), start=start, end=pos, first_line=line))
        if pos >= len(raw):
            return parts
        start, line = pos, line + taken


def plan(
    inputs: Iterable[str | os.PathLike[str]],
    settings: Settings,
    *,
    files_per_partition: int = 16,
    lines_per_partition: int = 200,
    stdin: bytes | None = None,
) -> list[Partition | Rejection]:
    """Partitions covering every article in ``inputs``, plus a Rejection for each
    input that names nothing (an unmatched glob, an unreadable folder).

    ``stdin`` is the content of standard input, for an input of ``-``.
    """
    out: list[Partition | Rejection] = []
    batch: list[str] = []

    def flush() -> None:
        if batch:
            out.append(Partition("files", tuple(batch)))
            batch.clear()

    def add_file(path: str) -> None:
        if _is_warc(path):
            flush()
            out.append(Partition("warc", (path,)))
            return
        ranges = _jsonl_ranges(path, settings, lines_per_partition)
        if ranges:
            flush()
            out.extend(ranges)
            return
        batch.append(path)
        if len(batch) >= files_per_partition:
            flush()

    for item in inputs:
        name = str(item)
        if name == "-":
            flush()
            out.append(Partition("bytes", data=stdin or b"", source="<stdin>"))
            continue
        expanded = _expand(name)
        if isinstance(expanded, Rejection):
            out.append(expanded)
            continue
        for path in expanded:
            if os.path.isdir(path):
                for found in _walk(Path(path)):
                    if isinstance(found, Rejection):
                        out.append(found)
                    else:
                        add_file(found)
            else:
                add_file(path)  # missing or odd files: the reader rejects them as usual
    flush()
    return out


# --------------------------------------------------------------------------- reading


def read_partition(
    part: Partition, settings: Settings, published: str | None = None
) -> Iterator[RawDocument | Rejection]:
    """Every article (and rejection) in ``part``, streamed."""
    if part.kind in ("files", "warc"):
        yield from read(list(part.paths), settings=settings, published=published)
    elif part.kind == "bytes":
        yield from read_bytes(
            part.data or b"", source=part.source, settings=settings, published=published
        )
    elif part.kind == "jsonl":
        yield from _read_jsonl_range(part, published)
    else:
        raise ValueError(f"unknown partition kind {part.kind!r}")


def _read_jsonl_range(part: Partition, published: str | None) -> Iterator[RawDocument | Rejection]:
    # The range's lines are parsed by the reader's own JSON Lines parser; the
    # empty lines in front give every line its number in the whole file, so
    # sources ("file.jsonl:812") and rejections read as in one process.
    from ..stages.read import read_jsonl

    path = part.paths[0]
    try:
        with open(path, "rb") as stream:
            stream.seek(part.start)
            chunk = stream.read(part.end - part.start)
    except OSError as exc:
        yield Rejection(path, "E002", f"not readable ({exc.strerror or exc}); skipped")
        return
    text = "\n" * (part.first_line - 1) + chunk.decode("utf-8")
    yield from read_jsonl(text, source=path, published=published)
