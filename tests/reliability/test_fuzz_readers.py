"""Fuzzing every reader: whatever bytes arrive, ``read`` yields documents or coded rejections.

Files are generated into a temporary folder and read through
:func:`sitrep.stages.read.read`, as ``sitrep report`` and ``sitrep ingest`` do.
No exception may escape; every rejection carries a known code on one line.
"""

from __future__ import annotations

import gzip
import io
import json
from pathlib import Path
from xml.sax.saxutils import escape

from hypothesis import given
from hypothesis import strategies as st

from sitrep.settings import load_settings
from sitrep.stages.read import read

from .fuzzing import check_read_item, fuzz

DATA = Path(__file__).resolve().parent.parent / "data" / "read"
SETTINGS = load_settings(max_file_bytes=200_000)
SUFFIXES = ["", ".txt", ".html", ".htm", ".xml", ".rss", ".atom", ".jsonl", ".warc", ".gz", ".md"]

words = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=60
)
prose = st.lists(
    st.sampled_from(
        ["Russia", "said", "at least", "12", "troops", "near", "Kursk", ".", ",", "\n", " ",
         "<", ">", "&", "&amp;", "]]>", "\x00", "\r", "\ufeff", "é", "日本", "—", "1,200"]
    )
    | words,
    max_size=25,
).map(" ".join)  # fmt: skip


def _read_all(folder: Path, name: str, raw: bytes, *, gz: bool = False) -> list[object]:
    path = folder / (name + (".gz" if gz else ""))
    path.write_bytes(gzip.compress(raw, mtime=0) if gz else raw)
    items = list(read([path], settings=SETTINGS, published="2024-05-01"))
    assert items, "a file must give at least one document or rejection"
    for item in items:
        check_read_item(item)
    return items


@fuzz(250)
@given(raw=st.binary(max_size=3000), suffix=st.sampled_from(SUFFIXES), gz=st.booleans())
def test_read_any_bytes_never_raises(tmp_path_factory, raw, suffix, gz):
    _read_all(tmp_path_factory.mktemp("bytes"), "input" + suffix, raw, gz=gz)


@fuzz(150)
@given(
    text=prose,
    encoding=st.sampled_from(
        ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-32", "latin-1", "cp1251", "shift_jis", "gb18030"]
    ),
)  # fmt: skip
def test_read_text_in_any_encoding_never_raises(tmp_path_factory, text, encoding):
    raw = text.encode(encoding, errors="replace")
    items = _read_all(tmp_path_factory.mktemp("enc"), "article.txt", raw)
    plain = not any(ord(c) < 32 and c not in "\t\n\r" or c == "\x7f" for c in text)
    if encoding in ("utf-8", "utf-8-sig", "utf-16", "utf-32") and plain and text.lstrip("\ufeff").strip():
        # real text in a Unicode encoding (with a BOM or as UTF-8) is read, not rejected
        assert any(getattr(i, "text", None) for i in items), items


html_fragment = st.one_of(
    prose.map(lambda t: f"<p>{escape(t)}</p>"),
    prose.map(lambda t: f"<p>{t}"),  # unescaped, unclosed
    prose.map(lambda t: f"<h1>{escape(t)}</h1>"),
    st.sampled_from(
        ["<div>", "</div>", "<script>alert(1)</script>", "<!-- x", "-->", "<br/>", "<table><tr><td>",
         '<meta charset="shift_jis">', '<meta name="tdm-reservation" content="1">', "<![CDATA[", "&#0;",
         "&#x110000;", "<title>", "</title>", '<a href="javascript:alert(1)">x</a>', "<svg onload=x>",
         '<meta property="article:published_time" content="not a date">', "<html>", "<body>"]
    ),
)  # fmt: skip


@fuzz(100)
@given(parts=st.lists(html_fragment, min_size=1, max_size=30), doctype=st.booleans())
def test_read_html_never_raises(tmp_path_factory, parts, doctype):
    page = ("<!DOCTYPE html>" if doctype else "") + "".join(parts)
    _read_all(tmp_path_factory.mktemp("html"), "page.html", page.encode("utf-8"))


def _rss(items: list[tuple[str, str, str, str]]) -> str:
    body = "".join(
        f"<item><title>{t}</title><link>{link}</link><pubDate>{d}</pubDate>"
        f"<description>{desc}</description></item>"
        for t, link, d, desc in items
    )
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>Feed</title>{body}</channel></rss>'


def _atom(items: list[tuple[str, str, str, str]]) -> str:
    body = "".join(
        f'<entry><title>{t}</title><link href="{link}"/><updated>{d}</updated>'
        f'<content type="html">{desc}</content></entry>'
        for t, link, d, desc in items
    )
    return f'<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>F</title>{body}</feed>'


feed_item = st.tuples(
    prose,
    st.sampled_from(["http://example.test/a", "", "javascript:x", "not a url", "http://[::1"]),
    st.sampled_from(["Mon, 06 May 2024 10:00:00 GMT", "2024-05-06T10:00:00Z", "yesterday", "", "99/99/9999"]),
    prose,
)  # fmt: skip


@fuzz(100)
@given(
    items=st.lists(feed_item, max_size=6),
    kind=st.sampled_from(["rss", "atom"]),
    escaped=st.booleans(),
    cut=st.one_of(st.none(), st.integers(min_value=0, max_value=2000)),
)
def test_read_feeds_never_raise(tmp_path_factory, items, kind, escaped, cut):
    if escaped:
        items = [tuple(escape(f) for f in it) for it in items]
    xml = (_rss if kind == "rss" else _atom)(items)
    if cut is not None:
        xml = xml[:cut]  # a truncated download
    _read_all(tmp_path_factory.mktemp("feed"), f"feed.{kind}", xml.encode("utf-8"))


def _warc(records: list[tuple[str, bytes, str]]) -> bytes:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    out = io.BytesIO()
    writer = WARCWriter(out, gzip=False)
    for uri, payload, ctype in records:
        headers = StatusAndHeaders("200 OK", [("Content-Type", ctype)], protocol="HTTP/1.1")
        rec = writer.create_warc_record(
            uri, "response", payload=io.BytesIO(payload), length=len(payload), http_headers=headers
        )
        writer.write_record(rec)
    return out.getvalue()


warc_record = st.tuples(
    st.sampled_from(["http://example.test/a", "http://example.test/b?x=1", "urn:x"]),
    st.one_of(
        prose.map(lambda t: f"<html><body><p>{escape(t)}</p><p>{escape(t)}</p></body></html>".encode()),
        st.binary(max_size=400),
    ),
    st.sampled_from(["text/html; charset=utf-8", "text/html; charset=bogus", "application/pdf", ""]),
)


@fuzz(80)
@given(
    records=st.lists(warc_record, min_size=1, max_size=4),
    damage=st.one_of(
        st.none(),
        st.tuples(st.integers(min_value=0, max_value=3000), st.binary(min_size=1, max_size=8)),
    ),
    truncate=st.one_of(st.none(), st.integers(min_value=1, max_value=3000)),
    gz=st.booleans(),
)
def test_read_warc_never_raises(tmp_path_factory, records, damage, truncate, gz):
    raw = _warc(records)
    if damage is not None:
        at, junk = damage
        at %= len(raw)
        raw = raw[:at] + junk + raw[at + len(junk) :]
    if truncate is not None:
        raw = raw[: truncate % len(raw) + 1]
    _read_all(tmp_path_factory.mktemp("warc"), "crawl.warc", raw, gz=gz)


json_value = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | prose,
    lambda children: st.lists(children, max_size=3) | st.dictionaries(prose, children, max_size=3),
    max_leaves=8,
)
jsonl_line = st.one_of(
    st.fixed_dictionaries(
        {"text": prose},
        optional={"url": json_value, "published": json_value, "title": json_value,
                  "publisher": json_value, "html": json_value},
    ).map(json.dumps),  # fmt: skip
    st.fixed_dictionaries({"html": html_fragment.map(lambda h: f"<html><body>{h}{h}</body></html>")}).map(json.dumps),
    json_value.map(json.dumps),
    st.sampled_from(['{"text": "unterminated', "[" * 5000, '{"text": 1}', "", "   ", '{"text": "\\ud800"}']),
)  # fmt: skip


@fuzz(80)
@given(lines=st.lists(jsonl_line, min_size=1, max_size=8))
def test_read_json_lines_never_raises(tmp_path_factory, lines):
    raw = ('{"text": "A first line that is an object."}\n' + "\n".join(lines)).encode()
    items = _read_all(tmp_path_factory.mktemp("jsonl"), "items.jsonl", raw)
    # one document or rejection for the first line, and one per non-blank line after it
    assert len(items) == 1 + sum(1 for line in lines for part in line.split("\n") if part.strip())


SAMPLES = sorted(p for p in DATA.iterdir() if p.is_file())


@fuzz(120)
@given(
    sample=st.sampled_from(SAMPLES),
    edits=st.lists(
        st.tuples(st.integers(min_value=0), st.sampled_from(["flip", "insert", "delete", "cut"]), st.binary(min_size=1, max_size=4)),
        min_size=1,
        max_size=6,
    ),
)  # fmt: skip
def test_read_mutated_real_inputs_never_raises(tmp_path_factory, sample, edits):
    raw = bytearray(sample.read_bytes())
    for at, how, junk in edits:
        if not raw:
            break
        at %= len(raw)
        if how == "flip":
            raw[at] ^= junk[0] or 0xFF
        elif how == "insert":
            raw[at:at] = junk
        elif how == "delete":
            del raw[at : at + len(junk)]
        else:
            del raw[at:]
    _read_all(tmp_path_factory.mktemp("mutated"), sample.name, bytes(raw))


def test_read_oversized_gzip_is_rejected_with_size_code(tmp_path):
    bomb = tmp_path / "bomb.txt.gz"
    bomb.write_bytes(gzip.compress(b"A" * 5_000_000))  # 5 KB on disk, 5 MB inside
    (item,) = list(read([bomb], settings=SETTINGS))
    assert item.code == "E004" and "\n" not in item.message()


def test_read_feed_item_without_text_is_rejected_on_one_line(tmp_path):
    # a title with a line break made a two-line rejection message
    path = tmp_path / "feed.rss"
    path.write_text(_rss([("Troops\nmoved", "http://example.test/a", "", "")]), encoding="utf-8")
    (item,) = list(read([path], settings=SETTINGS))
    assert item.code == "E020" and "\n" not in item.message()
    assert "(Troops moved)" in item.reason
