"""The read stage: every input format, every rejection code, encodings, batches."""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import os
import shutil
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sitrep.records import RawDocument, Rejection
from sitrep.settings import load_settings
from sitrep.stages.read import read, read_bytes

READ = Path(__file__).resolve().parent.parent / "data" / "read"

# Texts written for these tests, each with letters its code page has and the
# others do not, so a wrong guess changes the text.
POLISH = (
    "Wojska przesunęły się w kierunku granicy, poinformowało w środę ministerstwo obrony. "
    "Żołnierze z Łodzi i Gdańska dołączyli do ćwiczeń w pobliżu Przemyśla, "
    "gdzie ściągnięto również ciężki sprzęt."
)
FRENCH = (
    "Les troupes se sont déplacées vers la frontière, a déclaré mercredi le ministère. "
    "À Besançon, les soldats ont reçu l'ordre de rejoindre la garnison près de la forêt, "
    "où l'équipement lourd était déjà arrivé."
)


def one(inputs: object, **kwargs: object) -> RawDocument | Rejection:
    items = list(read(inputs, **kwargs))  # type: ignore[arg-type]
    assert len(items) == 1, items
    return items[0]


def docs(items: list[RawDocument | Rejection]) -> list[RawDocument]:
    return [i for i in items if isinstance(i, RawDocument)]


def codes(items: list[RawDocument | Rejection]) -> list[str]:
    return [i.code for i in items if isinstance(i, Rejection)]


def page(title: str, body: str) -> bytes:
    return (
        f"<html><head><title>{title}</title>"
        "<meta property='og:site_name' content='Border Times'></head>"
        f"<body><article><h1>{title}</h1><p>{body}</p>"
        "<p>Officials said the convoy included dozens of trucks and several armoured vehicles.</p>"
        "</article></body></html>"
    ).encode()


def warc_record(
    n: int, uri: str, headers: list[tuple[str, str]], payload: bytes, status: str = "200 OK"
) -> bytes:
    """One WARC/1.0 response record, written out by hand."""
    http = f"HTTP/1.1 {status}\r\n" + "".join(f"{k}: {v}\r\n" for k, v in headers) + "\r\n"
    block = http.encode() + payload
    head = (
        "WARC/1.0\r\nWARC-Type: response\r\n"
        f"WARC-Record-ID: <urn:uuid:00000000-0000-4000-8000-{n:012d}>\r\n"
        f"WARC-Target-URI: {uri}\r\nWARC-Date: 2024-03-05T10:00:00Z\r\n"
        "Content-Type: application/http; msgtype=response\r\n"
        f"Content-Length: {len(block)}\r\n\r\n"
    )
    return head.encode() + block + b"\r\n\r\n"


def write_warc(path: Path, *, gz: bool, break_second: bool = False) -> list[bytes]:
    """Three HTML responses, an image and a redirect; returns the HTML payloads.

    ``break_second`` garbles the second record's header (for gzip: its
    compressed bytes), leaving the others intact.
    """
    html = "text/html; charset=utf-8"
    specs = [
        ([("Content-Type", html), ("X-Robots-Tag", "noai")], 0),
        ([("Content-Type", html), ("tdm-reservation", "1")], 1),
        ([("Content-Type", html)], 2),
    ]
    payloads = [
        page(f"Story {n}", f"Troops crossed the river near the town on day {n}, officials said.")
        for _, n in specs
    ]
    records = [
        warc_record(n, f"https://border.example/{n}", h, p)
        for (h, n), p in zip(specs, payloads, strict=True)
    ]
    records.append(
        warc_record(
            3, "https://border.example/map.png", [("Content-Type", "image/png")], b"\x89PNG\r\n"
        )
    )
    moved = page("Moved", "This page has moved to a new address on the same site, follow the link.")
    records.append(
        warc_record(
            4, "https://border.example/old", [("Content-Type", "text/html")], moved, "301 Moved"
        )
    )
    if break_second and not gz:
        records[1] = b"WXRC/9.9" + records[1][8:]
    members = [gzip.compress(r, mtime=0) for r in records] if gz else records
    if break_second and gz:
        members[1] = members[1][:10] + b"\x00" * 30 + members[1][40:]
    path.write_bytes(b"".join(members))
    return payloads


# --------------------------------------------------------------------------- plain text


def test_read_text_file_gives_its_text_id_and_encoding(tmp_path: Path) -> None:
    raw = b"Shelling resumed near the dam.\r\nTwo people were hurt.\r\n"
    (tmp_path / "a.txt").write_bytes(raw)
    doc = one([tmp_path / "a.txt"])
    assert isinstance(doc, RawDocument)
    assert doc.format == "text"
    assert doc.text == "Shelling resumed near the dam.\nTwo people were hurt.\n"
    assert doc.id == hashlib.sha256(raw).hexdigest()
    assert doc.encoding == "utf-8"
    assert doc.source == str(tmp_path / "a.txt")


@pytest.mark.parametrize(
    ("text", "encoding"),
    [
        (POLISH, "utf-16"),
        (POLISH, "cp1250"),
        (FRENCH, "latin-1"),
        (POLISH, "utf-8-sig"),
        (FRENCH, "utf-8"),
    ],
)
def test_read_encodings_round_trip(tmp_path: Path, text: str, encoding: str) -> None:
    path = tmp_path / "article.txt"
    path.write_bytes(text.encode(encoding))
    doc = one([path])
    assert isinstance(doc, RawDocument)
    assert doc.text == text
    assert doc.encoding is not None


def test_read_records_the_detected_code_page(tmp_path: Path) -> None:
    (tmp_path / "pl.txt").write_bytes(POLISH.encode("cp1250"))
    doc = one([tmp_path / "pl.txt"])
    assert isinstance(doc, RawDocument) and doc.encoding == "cp1250"


def test_read_published_fills_only_missing_dates() -> None:
    items = list(read([READ / "plain.txt", READ / "article.html"], published="2020-01-01"))
    by_name = {Path(d.source).name: d for d in docs(items)}
    assert by_name["plain.txt"].published == "2020-01-01"
    assert by_name["article.html"].published == "2024-03-05"


# --------------------------------------------------------------------------- rejections


def test_read_missing_file_is_e001(tmp_path: Path) -> None:
    rej = one([tmp_path / "nowhere.txt"])
    assert isinstance(rej, Rejection) and rej.code == "E001"
    assert rej.message().startswith(f"[E001] {tmp_path / 'nowhere.txt'}: ")


def test_read_unreadable_file_is_e002(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "locked.txt"
    path.write_text("Some text.")

    def refuse(self: Path) -> bytes:
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "read_bytes", refuse)
    rej = one([path])
    assert isinstance(rej, Rejection) and rej.code == "E002"
    assert "Permission denied" in rej.reason


@pytest.mark.parametrize("content", [b"", b"  \n\t\r\n ", "\ufeff \n".encode("utf-8-sig")])
def test_read_empty_input_is_e003(tmp_path: Path, content: bytes) -> None:
    (tmp_path / "e.txt").write_bytes(content)
    rej = one([tmp_path / "e.txt"])
    assert isinstance(rej, Rejection) and rej.code == "E003"


def test_read_oversized_file_is_e004_without_reading_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "big.txt"
    path.write_text("word " * 100)

    def must_not_read(self: Path) -> bytes:
        raise AssertionError("read an oversized file")

    monkeypatch.setattr(Path, "read_bytes", must_not_read)
    rej = one([path], settings=load_settings(max_file_bytes=100))
    assert isinstance(rej, Rejection) and rej.code == "E004"
    assert "500 bytes" in rej.reason


@pytest.mark.parametrize(
    "content",
    [
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)),
        bytes([1, 2, 3, 4, 5, 6, 7, 8]) * 20,
    ],
)
def test_read_binary_content_is_e010(tmp_path: Path, content: bytes) -> None:
    (tmp_path / "photo.txt").write_bytes(content)
    rej = one([tmp_path / "photo.txt"])
    assert isinstance(rej, Rejection) and rej.code == "E010"
    assert "binary" in rej.message()


def test_read_undecodable_bytes_are_e011(tmp_path: Path) -> None:
    (tmp_path / "mojibake.txt").write_bytes(bytes(range(0x80, 0x100)) * 3)
    rej = one([tmp_path / "mojibake.txt"])
    assert isinstance(rej, Rejection) and rej.code == "E011"


def test_read_html_without_text_is_e020() -> None:
    rej = one([READ / "no_text.html"])
    assert isinstance(rej, Rejection) and rej.code == "E020"
    assert rej.source.endswith("no_text.html")


def test_read_malformed_feed_is_e021() -> None:
    rej = one([READ / "broken_feed.xml"])
    assert isinstance(rej, Rejection) and rej.code == "E021"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_read_non_file_is_e040(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe")
    rej = one([tmp_path / "pipe"])
    assert isinstance(rej, Rejection) and rej.code == "E040"


def test_read_rejection_messages_are_one_line(tmp_path: Path) -> None:
    write_warc(tmp_path / "a.warc.gz", gz=True, break_second=True)
    (tmp_path / "b.bin").write_bytes(b"\x00\x01\x02" * 10)
    items = list(read([tmp_path, READ / "articles.jsonl", READ / "broken_feed.xml"]))
    rejections = [i for i in items if isinstance(i, Rejection)]
    assert len(rejections) >= 5
    for rej in rejections:
        assert "\n" not in rej.message() and rej.message().startswith(f"[{rej.code}] ")


# --------------------------------------------------------------------------- batches and folders


def test_read_bad_file_does_not_stop_the_batch(tmp_path: Path) -> None:
    (tmp_path / "good1.txt").write_text("Troops withdrew from the ridge.")
    (tmp_path / "bad.txt").write_bytes(b"\x00\xff\x00\xfe" * 50)
    (tmp_path / "good2.txt").write_text("The airport reopened on Sunday.")
    inputs = [
        tmp_path / "good1.txt",
        tmp_path / "missing.txt",
        tmp_path / "bad.txt",
        tmp_path / "good2.txt",
    ]
    items = list(read(inputs))
    assert [d.text for d in docs(items)] == [
        "Troops withdrew from the ridge.",
        "The airport reopened on Sunday.",
    ]
    assert codes(items) == ["E001", "E010"]


def test_read_folder_is_recursive_sorted_and_skips_hidden(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / ".git").mkdir()
    (tmp_path / "b" / "two.txt").write_text("Second report.")
    (tmp_path / "a.txt").write_text("First report.")
    (tmp_path / "c.txt").write_text("Third report.")
    (tmp_path / ".draft.txt").write_text("Hidden draft.")
    (tmp_path / ".git" / "notes.txt").write_text("Hidden folder.")
    items = list(read([tmp_path]))
    assert [d.text for d in docs(items)] == ["First report.", "Second report.", "Third report."]


def test_read_stdin_dash(monkeypatch: pytest.MonkeyPatch) -> None:
    class Stdin:
        buffer = io.BytesIO(POLISH.encode("cp1250"))

    monkeypatch.setattr(sys, "stdin", Stdin())
    doc = one(["-"])
    assert isinstance(doc, RawDocument)
    assert doc.text == POLISH and doc.source == "<stdin>"


# --------------------------------------------------------------------------- HTML


def test_read_html_text_metadata_and_date() -> None:
    raw = (READ / "article.html").read_bytes()
    doc = one([READ / "article.html"])
    assert isinstance(doc, RawDocument)
    assert doc.format == "html"
    assert doc.id == hashlib.sha256(raw).hexdigest()
    assert doc.title == "Convoy reaches border town"
    assert doc.publisher == "The Ridgeline Courier"
    assert doc.byline == "Mara Ellison"
    assert doc.section == "World"
    assert doc.canonical_url == "https://ridgeline.example/world/convoy-reaches-border-town"
    assert doc.published == "2024-03-05"
    assert doc.html is not None and "Copyright 2024" in doc.html
    lines = doc.text.split("\n")
    assert any(line.startswith("A convoy of about 40 military trucks") for line in lines)
    assert any(line.startswith("The defence ministry declined") for line in lines)
    assert "Sport" not in doc.text  # navigation is not the article


def test_read_html_rights_signals() -> None:
    doc = one([READ / "article.html"])
    assert isinstance(doc, RawDocument)
    assert set(doc.rights_signals) >= {
        "meta:tdm-reservation=1",
        "meta:tdm-policy=https://ridgeline.example/tdm-policy.json",
        "meta:robots=noai",
        "meta:robots=noimageai",
    }


def test_read_html_tdm_link_signal(tmp_path: Path) -> None:
    html = (
        "<html><head><link rel='tdm-reservation' href='https://pub.example/tdm.json'></head>"
        "<body><p>Rockets were fired at the northern city overnight, the army said.</p></body></html>"
    )
    (tmp_path / "p.html").write_text(html)
    doc = one([tmp_path / "p.html"])
    assert isinstance(doc, RawDocument)
    assert doc.rights_signals == ("link:tdm-reservation=https://pub.example/tdm.json",)


def test_read_truncated_html_keeps_its_text() -> None:
    doc = one([READ / "truncated.html"])
    assert isinstance(doc, RawDocument)
    assert doc.text.startswith("Residents of the riverside district reported heavy shelling")
    assert doc.text.endswith("clear the rubble from the main road while")


def test_read_html_sniffed_from_content_not_extension(tmp_path: Path) -> None:
    shutil.copy(READ / "article.html", tmp_path / "saved.txt")
    doc = one([tmp_path / "saved.txt"])
    assert (
        isinstance(doc, RawDocument)
        and doc.format == "html"
        and doc.publisher == "The Ridgeline Courier"
    )


def test_read_gzipped_html_page(tmp_path: Path) -> None:
    raw = gzip.compress((READ / "article.html").read_bytes())
    (tmp_path / "page.html.gz").write_bytes(raw)
    doc = one([tmp_path / "page.html.gz"])
    assert isinstance(doc, RawDocument) and doc.format == "html"
    assert doc.title == "Convoy reaches border town"
    plain = one([READ / "article.html"])
    assert isinstance(plain, RawDocument) and doc.id == plain.id


def test_read_html_in_declared_code_page(tmp_path: Path) -> None:
    html = f"<html><head><meta charset='windows-1250'></head><body><p>{POLISH}</p></body></html>"
    (tmp_path / "pl.html").write_bytes(html.encode("cp1250"))
    doc = one([tmp_path / "pl.html"])
    assert isinstance(doc, RawDocument)
    assert doc.text == POLISH and doc.encoding == "cp1250"


# --------------------------------------------------------------------------- feeds


def test_read_rss_items_become_documents() -> None:
    items = list(read([READ / "feed.rss"], published="2020-01-01"))
    bridge, curfew = docs(items)
    assert bridge.format == "feed"
    assert bridge.url == "https://valley.example/2024/04/bridge-closed"
    assert bridge.title == "Bridge closed after strike"
    assert bridge.byline == "Ivo Brandt"
    assert bridge.publisher == "Valley Dispatch"
    assert bridge.published == "2024-04-02"
    assert bridge.text.split("\n") == [
        "The main bridge over the Sava was closed on Tuesday after a drone strike damaged its eastern"
        " span, the transport ministry said.",
        "Engineers will inspect the structure before traffic resumes.",
    ]
    # no content:encoded: the summary is the text
    assert curfew.text.startswith("The night curfew in the northern districts was extended")
    assert curfew.published == "2024-04-03"
    assert bridge.id != curfew.id
    assert [d.id for d in docs(list(read([READ / "feed.rss"])))] == [bridge.id, curfew.id]


def test_read_atom_entry() -> None:
    doc = one([READ / "feed.atom"])
    assert isinstance(doc, RawDocument)
    assert doc.url == "https://harbour.example/patrol-boats-leave-port"
    assert doc.byline == "Lena Okafor"
    assert doc.published == "2024-05-09"
    assert doc.text.startswith("Six patrol boats left the northern port")


# --------------------------------------------------------------------------- WARC


@pytest.mark.parametrize("gz", [False, True])
def test_read_warc_html_responses(tmp_path: Path, gz: bool) -> None:
    path = tmp_path / ("crawl.warc.gz" if gz else "crawl.warc")
    payloads = write_warc(path, gz=gz)
    items = list(read([path]))
    found = docs(items)
    assert codes(items) == []
    assert [d.url for d in found] == [f"https://border.example/{n}" for n in range(3)]
    assert [d.id for d in found] == [hashlib.sha256(p).hexdigest() for p in payloads]
    assert all(d.format == "warc" and d.publisher == "Border Times" for d in found)
    assert found[0].rights_signals == ("header:x-robots-tag=noai",)
    assert found[1].rights_signals == ("header:tdm-reservation=1",)
    assert ("Content-Type", "text/html; charset=utf-8") in found[2].headers
    assert "Troops crossed the river near the town on day 2" in found[2].text


@pytest.mark.parametrize("gz", [False, True])
def test_read_warc_broken_record_is_one_e022_and_the_rest_goes_on(tmp_path: Path, gz: bool) -> None:
    path = tmp_path / ("crawl.warc.gz" if gz else "crawl.warc")
    write_warc(path, gz=gz, break_second=True)
    items = list(read([path]))
    assert [d.url for d in docs(items)] == ["https://border.example/0", "https://border.example/2"]
    assert codes(items) == ["E022"]


# --------------------------------------------------------------------------- JSON Lines


def test_read_jsonl_records_and_bad_lines() -> None:
    path = READ / "articles.jsonl"
    items = list(read([path], published="2020-01-01"))
    first, second = docs(items)
    line1 = path.read_bytes().split(b"\n")[0]
    assert first.id == hashlib.sha256(line1).hexdigest()
    assert first.url == "https://plains.example/mine-blast"
    assert first.published == "2024-06-07"
    assert first.publisher == "Plains Herald"
    assert first.title == "Mine blast injures two"
    assert first.text.startswith("Two soldiers were injured")
    assert second.html is not None
    assert second.text.startswith("Protesters gathered outside the parliament")
    assert second.published == "2020-01-01"
    bad = [i for i in items if isinstance(i, Rejection)]
    assert [r.code for r in bad] == ["E023", "E023", "E023"]
    assert [r.reason.split(":")[0] for r in bad] == ["line 2", "line 4", "line 5"]
    assert all(r.source == str(path) for r in bad)


def test_read_jsonl_sniffed_without_extension(tmp_path: Path) -> None:
    line = json.dumps({"text": "A ferry was seized off the coast.", "published": "2024-02-01"})
    (tmp_path / "dump").write_text(line + "\n")
    doc = one([tmp_path / "dump"])
    assert isinstance(doc, RawDocument) and doc.format == "jsonl" and doc.published == "2024-02-01"


@pytest.mark.parametrize("gz", [False, True])
def test_read_warc_cut_short_keeps_whole_records_and_reports_the_cut_one(
    tmp_path: Path, gz: bool
) -> None:
    path = tmp_path / ("cut.warc.gz" if gz else "cut.warc")
    write_warc(path, gz=gz)
    raw = path.read_bytes()
    mark = b"\x1f\x8b\x08" if gz else b"WARC/1.0"
    third = raw.index(mark, raw.index(mark, 1) + 1)
    path.write_bytes(raw[: third + 100])  # the file ends inside the third record
    items = list(read([path]))
    assert [d.url for d in docs(items)] == ["https://border.example/0", "https://border.example/1"]
    assert codes(items) == ["E022"]


@settings(max_examples=60, deadline=None)
@given(
    prefix=st.sampled_from(
        [b"", b"WARC/1.0\r\n", b"<html><body><p>", b"<rss><channel>", b'{"text": ']
    ),
    body=st.binary(max_size=400),
    suffix=st.sampled_from(["", ".txt", ".html", ".xml", ".jsonl", ".warc"]),
)
def test_read_never_raises_on_arbitrary_bytes(prefix: bytes, body: bytes, suffix: str) -> None:
    items = list(
        read_bytes(prefix + body, source=f"fuzz{suffix}", settings=load_settings(), suffix=suffix)
    )
    assert items, "every input gives a document or a rejection"
    for item in items:
        assert isinstance(item, (RawDocument, Rejection))
        if isinstance(item, Rejection):
            assert "\n" not in item.message()


def test_read_html_metadata_from_json_ld_when_the_head_has_no_meta_tags(tmp_path: Path) -> None:
    ld = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": "Dam breach floods villages",
        "author": {"@type": "Person", "name": "Jonas Weber"},
        "publisher": {"@type": "Organization", "name": "Delta Observer"},
        "datePublished": "2023-06-06",
    }
    html = (
        "<html><head><title>Dam breach floods villages</title>"
        f"<script type='application/ld+json'>{json.dumps(ld)}</script></head>"
        "<body><article><h1>Dam breach floods villages</h1><p>Water from the breached dam"
        " flooded at least eight villages downstream on Tuesday, regional authorities said.</p>"
        "</article></body></html>"
    )
    (tmp_path / "dam.html").write_text(html)
    doc = one([tmp_path / "dam.html"], published="2020-01-01")
    assert isinstance(doc, RawDocument)
    assert (doc.byline, doc.publisher, doc.published) == (
        "Jonas Weber",
        "Delta Observer",
        "2023-06-06",
    )


def test_read_feed_item_without_date_takes_the_given_one_not_a_date_in_its_text(
    tmp_path: Path,
) -> None:
    rss = (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Hill Post</title><item>'
        "<title>Anniversary</title><link>https://hill.example/a</link>"
        "<description>&lt;p&gt;The siege that began on 3 March 2019 is remembered in the town"
        " every spring, residents said.&lt;/p&gt;</description></item></channel></rss>"
    )
    (tmp_path / "hill.rss").write_text(rss)
    doc = one([tmp_path / "hill.rss"], published="2024-03-03")
    assert isinstance(doc, RawDocument) and doc.published == "2024-03-03"


def test_read_html_page_is_not_dated_by_a_date_in_its_text(tmp_path: Path) -> None:
    html = (
        "<html><head><title>Siege remembered</title></head><body><article>"
        "<p>The siege that began on 3 March 2019 is remembered in the town every spring,"
        " residents said on Sunday, as hundreds gathered at the memorial.</p></article></body></html>"
    )
    (tmp_path / "siege.html").write_text(html)
    doc = one([tmp_path / "siege.html"], published="2024-03-03")
    assert isinstance(doc, RawDocument) and doc.published == "2024-03-03"


def test_read_text_with_a_stray_nul_deep_inside_is_still_text(tmp_path: Path) -> None:
    line = "Aid trucks crossed at the northern checkpoint, the agency said.\n"
    (tmp_path / "aid.txt").write_bytes((line * 30).encode() + b"\x00" + line.encode())
    doc = one([tmp_path / "aid.txt"])
    assert isinstance(doc, RawDocument) and doc.text == line * 31
