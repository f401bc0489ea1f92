"""HTML pages -> RawDocument: main text, publication date, metadata, rights signals.

The main text comes from trafilatura with the options that scored best on the
article-extraction benchmark (``eval/tasks/html_extraction.py``):

* ``fast=True``: trafilatura's own extractor without the readability/justext
  fallbacks, which on news pages mostly add navigation and teasers;
* ``favor_recall=True``: keep borderline paragraphs of the body;
* ``include_comments=False``: reader comments are not the article.

Paragraphs are separated by ``"\\n"``. A page trafilatura finds nothing in
(a truncated download, a bare fragment) falls back to the text of its block
elements, so any page with text gives text; a page with none is E020.

The date is htmldate's "original" (first publication) date, found in the
markup only: no network (run through trafilatura's metadata search, which
calls htmldate). Metadata comes from ``og:title``/``<title>``,
``og:site_name`` (publisher), ``author`` (byline), ``rel=canonical`` and
``article:section``, with trafilatura's byline and site-name search filling
what the head does not declare. Rights signals are collected from meta and link tags
(and, for WARC records, from HTTP headers) as short strings such as
``meta:tdm-reservation=1`` or ``header:x-robots-tag=noai``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import re
from collections.abc import Iterable, Sequence
from typing import Any

import lxml.html
import trafilatura

from ..records import RawDocument, Rejection

__all__ = [
    "EXTRACTION_OPTIONS",
    "extract_main_text",
    "header_rights_signals",
    "html_metadata",
    "page_metadata",
    "read_html",
]

log = logging.getLogger(__name__)

#: trafilatura options for the main text (see the module docstring).
EXTRACTION_OPTIONS: dict[str, Any] = {
    "fast": True,
    "favor_recall": True,
    "include_comments": False,
    "include_tables": True,
    "output_format": "txt",
}

#: robots directives that reserve a page from AI training and mining
_NOAI = ("noai", "noimageai")
_ROBOTS_NAMES = frozenset({"robots", "googlebot", "bingbot", "ccbot", "gptbot"})
_BLOCK_TAGS = ("h1", "h2", "h3", "h4", "h5", "h6", "p", "li", "blockquote", "pre", "td")
_SPACES = re.compile(r"[ \t\r\f\v\u00a0]+")
_BLANK_LINES = re.compile(r"\n{2,}")
_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")

# htmldate and trafilatura log (at ERROR) every page they find no date or text
# in; here that is an expected outcome with its own fallback or rejection.
for _name in ("htmldate", "trafilatura"):
    logging.getLogger(_name).setLevel(logging.CRITICAL)


def _parse(html: str) -> Any | None:
    """An lxml tree of ``html``, or None when lxml finds no document at all."""
    try:
        return lxml.html.document_fromstring(html)
    except (ValueError, lxml.etree.ParserError):
        try:
            return lxml.html.fromstring(html)
        except (ValueError, lxml.etree.ParserError):
            return None


def _squash(text: str) -> str:
    lines = (_SPACES.sub(" ", line).strip() for line in text.split("\n"))
    return _BLANK_LINES.sub("\n", "\n".join(line for line in lines if line)).strip()


def _block_text(tree: Any) -> str:
    """Fallback text: one line per block element (or the body's text)."""
    for bad in tree.xpath("//script|//style|//noscript|//template"):
        bad.drop_tree()
    lines: list[str] = []
    for el in tree.iter(*_BLOCK_TAGS):
        if any(anc.tag in _BLOCK_TAGS for anc in el.iterancestors()):
            continue  # nested block: its text is in the outer one
        line = _SPACES.sub(" ", el.text_content()).strip()
        if line:
            lines.append(line)
    if lines:
        return "\n".join(lines)
    body = tree.find(".//body")
    return _squash((body if body is not None else tree).text_content())


def extract_main_text(html: str, url: str | None = None) -> str:
    """The article body of ``html`` as paragraphs separated by ``"\\n"``; "" if none."""
    try:
        text = trafilatura.extract(html, url=url, **EXTRACTION_OPTIONS)
    except (ValueError, TypeError, lxml.etree.LxmlError):  # malformed beyond lxml's repair
        log.debug("trafilatura failed on %s", url, exc_info=True)
        text = None
    if text and text.strip():
        return _squash(text)
    tree = _parse(html)
    return _block_text(tree) if tree is not None else ""


def html_metadata(tree: Any) -> dict[str, str | None]:
    """Title, publisher, byline, canonical URL and section from the page's head."""
    meta: dict[str, str] = {}
    for el in tree.iter("meta"):
        key = (el.get("property") or el.get("name") or el.get("itemprop") or "").strip().lower()
        content = (el.get("content") or "").strip()
        if key and content and key not in meta:
            meta[key] = content
    canonical = None
    for el in tree.iter("link"):
        if "canonical" in (el.get("rel") or "").lower().split() and el.get("href"):
            canonical = el.get("href", "").strip() or None
            break
    title_el = tree.find(".//title")
    title = meta.get("og:title") or meta.get("twitter:title")
    if not title and title_el is not None and title_el.text_content().strip():
        title = _SPACES.sub(" ", title_el.text_content()).strip()
    byline = meta.get("author") or meta.get("article:author") or meta.get("byl")
    if byline and byline.startswith(("http://", "https://")):
        byline = None  # a profile URL, not a name
    return {
        "title": title or None,
        "publisher": meta.get("og:site_name") or meta.get("application-name"),
        "byline": byline,
        "canonical_url": canonical or meta.get("og:url"),
        "section": meta.get("article:section") or meta.get("section"),
    }


def meta_rights_signals(tree: Any) -> list[str]:
    """Rights reservations declared in meta and link tags."""
    signals: list[str] = []
    for el in tree.iter("meta"):
        name = (el.get("name") or el.get("property") or "").strip().lower()
        content = (el.get("content") or "").strip()
        if name in ("tdm-reservation", "tdm-policy") and content:
            signals.append(f"meta:{name}={content}")
        elif name in _ROBOTS_NAMES:
            directives = {d.strip().lower() for d in re.split(r"[,\s]+", content) if d.strip()}
            signals.extend(f"meta:{name}={d}" for d in _NOAI if d in directives)
    for el in tree.iter("link"):
        rels = (el.get("rel") or "").lower().split()
        if "tdm-reservation" in rels or "tdm-policy" in rels:
            rel = "tdm-reservation" if "tdm-reservation" in rels else "tdm-policy"
            signals.append(f"link:{rel}={(el.get('href') or '').strip()}")
    return signals


def header_rights_signals(headers: Iterable[tuple[str, str]]) -> list[str]:
    """Rights reservations in HTTP response headers (TDMRep, X-Robots-Tag)."""
    signals: list[str] = []
    for name, value in headers:
        key, val = name.strip().lower(), value.strip()
        if key in ("tdm-reservation", "tdm-policy") and val:
            signals.append(f"header:{key}={val}")
        elif key == "x-robots-tag":
            directives = {d.strip().lower() for d in re.split(r"[,\s:]+", val) if d.strip()}
            signals.extend(f"header:x-robots-tag={d}" for d in _NOAI if d in directives)
    return signals


def _looks_like_url(value: str | None) -> bool:
    return bool(value) and str(value).startswith(("http://", "https://", "www."))


def page_metadata(tree: Any, url: str | None = None) -> dict[str, str | None]:
    """Title, publisher, byline, canonical URL, section and date of a whole page.

    The page's own declarations win (``og:title``, ``og:site_name``, meta
    ``author``, ``rel=canonical``, ``article:section``); trafilatura's metadata
    search (bylines in the markup, site names in JSON-LD) fills the gaps. The
    date is htmldate's original publication date, from the markup only.
    """
    fields = html_metadata(tree)
    try:
        found = trafilatura.extract_metadata(tree, default_url=url, date_config=_date_options())
    except (ValueError, TypeError, AttributeError, IndexError):  # a page too odd to search
        log.debug("metadata search failed for %s", url, exc_info=True)
        found = None
    date = getattr(found, "date", None)
    fields["published"] = date if date and _ISO_DAY.fullmatch(date) else None
    if found is not None:
        if not fields["publisher"] or _looks_like_url(fields["publisher"]):
            fields["publisher"] = found.sitename or None
        fields["byline"] = found.author or fields["byline"]
        fields["title"] = fields["title"] or found.title or None
    if _looks_like_url(fields["publisher"]):
        fields["publisher"] = None
    return fields


def _date_options() -> dict[str, Any]:
    """htmldate options: the original (first) publication date, no later than today.

    No extensive search: it takes dates from the running text, and a war
    report is full of dates that are not its own ("the siege that began on
    3 March 2019"). On the extraction benchmark 101 of 102 pages are dated
    without it; a page that is not is better undated (``--published`` fills
    it) than dated by an event it mentions.
    """
    return {
        "original_date": True,
        "extensive_search": False,
        "max_date": dt.date.today().isoformat(),
        "outputformat": "%Y-%m-%d",
    }


def read_html(
    html: str,
    *,
    source: str,
    raw: bytes,
    fmt: str = "html",
    url: str | None = None,
    published: str | None = None,
    encoding: str | None = None,
    headers: Sequence[tuple[str, str]] = (),
    fallback_published: str | None = None,
    whole_page: bool = True,
) -> RawDocument | Rejection:
    """One HTML page -> RawDocument (E020 when it has no text at all).

    ``published`` is a date the container gives (feed item, JSONL field) and
    wins over the page's; ``fallback_published`` (the caller's ``--published``)
    is used only when neither gives one. A fragment (``whole_page=False``, a
    feed item's content) has no head to search for metadata or dates.
    """
    text = extract_main_text(html, url=url)
    if not text:
        return Rejection(source, "E020", "HTML with no extractable article text; skipped")
    tree = _parse(html)
    fields: dict[str, str | None] = {}
    signals = header_rights_signals(headers)
    if tree is not None:
        signals = meta_rights_signals(tree) + signals
        if whole_page:
            fields = page_metadata(tree, url=url)
    return RawDocument(
        id=hashlib.sha256(raw).hexdigest(),
        source=source,
        text=text,
        format=fmt,
        html=html,
        url=url or fields.get("canonical_url"),
        canonical_url=fields.get("canonical_url"),
        title=fields.get("title"),
        section=fields.get("section"),
        publisher=fields.get("publisher"),
        byline=fields.get("byline"),
        published=published or fields.get("published") or fallback_published,
        encoding=encoding,
        rights_signals=tuple(dict.fromkeys(signals)),
        headers=tuple(headers),
    )
