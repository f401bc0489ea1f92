"""Clean scraped article text: one pass of line rules, linear in the text.

Pages arrive as plain text in which the article body is wrapped in page
furniture: a section label glued to the title ("NewsNorth Korean troops..."),
the title and photo captions repeated, image credits, editor initials,
navigation words, "Related content" blocks, share prompts, copyright lines,
cookie banners and long legal notices. ``clean`` keeps the body and its
sub-headings, moves each caption (once) to ``captions``, lifts title, section,
publisher, byline and date into their fields, and records every other line
it drops in ``removed`` with its kind (the contract's kinds). Metadata the
reader already found in the HTML wins over anything guessed here.

The body is the kept lines joined by blank lines. Which kind a line of
furniture is comes from :mod:`.boilerplate`; values read from the lines
around the headline (section, byline, dates, copyright owner) from
:mod:`.front_matter`; rights and language from :mod:`.rights` and
:mod:`.language`. This module holds the rules that need context: the title
and its repeats, captions shown twice, the metadata block above the body,
"Related" and "About the author" blocks.

Every rule looks at one line (plus a dictionary of the lines seen), so the
whole pass is linear; regexes are anchored or bounded and compiled once.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field

from ..errors import InputError
from ..pipeline import Stage
from ..records import Document, RawDocument, Rejection, Removed
from ..settings import Settings, load_settings
from .boilerplate import (
    CAPTION_CREDIT,
    CREDIT_WORDS,
    RELATED_HEADER,
    SENTENCE_END,
    PageHints,
    classify_line,
    is_described_caption,
)
from .front_matter import (
    ABOUT_AUTHOR,
    ISSUER,
    MARKER,
    ROLE_LINE,
    SECTIONS,
    byline_of,
    copyright_publisher,
    date_of,
    glued_section,
    is_metadata_line,
    tidy_byline,
    wire_publisher,
)
from .language import detect_language
from .rights import detect_rights

__all__ = ["NAME", "SECTIONS", "STAGE", "byline_of", "classify_line", "clean", "date_of"]

NAME = "sitrep.clean.v1"

#: Room above the body in which title, section, byline and dates are sought.
_HEAD_LINES = 12
#: Lines scanned for the headline, furniture included.
_HEAD_SCAN = 60
#: Captions are short; an exact repeat longer than this is a duplicated paragraph.
_CAPTION_MAX_WORDS = 45
#: Repeats shorter than this are left alone ("Background", "Analysis").
_REPEAT_MIN_CHARS = 20
#: Headline-like lines taken after a bare "Related content" header.
_RELATED_FOLLOWERS = 4
#: Lines of biography taken after an "About the author" header.
_ABOUT_LINES = 2
#: A kept line this long is prose: the metadata block above the body is over.
_PROSE_WORDS = 12

#: Stripped from both ends of a key.
_KEY_ENDS = " \t.,:;|!?-–—…'\"‘’“”«»()[]"


def _key(line: str) -> str:
    """A line's identity for repeat detection: case-folded, end punctuation dropped."""
    if len(line) > 400:  # paragraphs repeat exactly or not at all
        return line
    return line.casefold().strip(_KEY_ENDS)


def _caption_key(line: str) -> str:
    if len(line) > 400:
        return _key(line)
    tail = line[-120:].casefold()
    if not any(w in tail for w in CREDIT_WORDS):
        return _key(line)
    m = CAPTION_CREDIT.search(line, max(0, len(line) - 120))
    return (_key(line[: m.start()]) if m else "") or _key(line)


def _word_count(line: str) -> int:
    """Words in a normalised line (single spaces, no edge whitespace)."""
    return line.count(" ") + 1 if line else 0


def _is_headline_like(line: str) -> bool:
    n = _word_count(line)
    return 2 <= n <= 25 and len(line) <= 200 and not SENTENCE_END.search(line.rstrip("?!"))


@dataclass(slots=True)
class _Head:
    """What the top of the page told us."""

    title: str | None = None
    title_index: int = -1
    section: str | None = None
    publisher: str | None = None
    #: head lines that are neither title nor body: markers, datelines, issuers
    other: set[int] = field(default_factory=set)
    #: head lines that are menu items
    nav: set[int] = field(default_factory=set)


_CRLF = re.compile(r"\r\n?|[\u2028\u2029\x0b\x0c]")
_ZERO_WIDTH = re.compile(r"[\u200b\u200c\u200d\ufeff\u00ad]")


def _hard_wrapped(rows: list[str]) -> bool:
    """Text wrapped at a fixed width: blank-line paragraphs, no line much over 100 chars."""
    long = sum(1 for r in rows if len(r) > 110)
    wrapped = sum(1 for r in rows if 50 <= len(r) <= 110)
    return "" in rows and long == 0 and wrapped >= 2


def _lines(text: str) -> list[str]:
    """Normalised, non-empty lines; hard-wrapped paragraphs are rejoined.

    Scraped pages put one paragraph per line, so lines are only rejoined in
    text wrapped at a fixed width (and then only where a line runs on, with no
    end mark, into a lowercase word).
    """
    if "\r" in text or "\u2028" in text or "\x0b" in text or "\x0c" in text or "\u2029" in text:
        text = _CRLF.sub("\n", text)
    if not text.isascii():
        text = _ZERO_WIDTH.sub("", text)
    rows = [" ".join(r.split()) for r in text.split("\n")]
    unwrap = _hard_wrapped(rows)
    out: list[str] = []
    joinable = False
    for line in rows:
        if not line:
            joinable = False
            continue
        if (
            unwrap
            and joinable
            and line[0].islower()
            and not SENTENCE_END.search(out[-1])
            and not out[-1].endswith(":")
        ):
            out[-1] = f"{out[-1]} {line}"
            continue
        out.append(line)
        joinable = len(line) >= 40
    return out


def _find_title(lines: list[str], raw: RawDocument, counts: dict[str, int], hints: PageHints) -> _Head:
    head = _Head(section=raw.section)
    guess = raw.format not in ("html", "warc")
    # menus above the headline can be long: skipped furniture does not use up the room
    for i, line in enumerate(lines[:_HEAD_SCAN]):
        low = line.casefold().strip(" .:|")
        if low in SECTIONS and head.section is None and head.title_index < 0:
            head.section = SECTIONS[low]
            continue
        if classify_line(line, 0.0, hints) or is_metadata_line(line) or byline_of(line):
            continue
        if guess and MARKER.match(line):  # extracted HTML keeps its dateline
            head.other.add(i)
            continue
        if ISSUER.match(line) and i + 1 < len(lines) and _is_headline_like(lines[i + 1]):
            head.publisher = head.publisher or line
            head.other.add(i)
            continue
        if guess and " " not in line and len(line) <= 20 and i + 1 < len(lines):
            head.nav.add(i)  # a lone word above the headline: a menu item
            continue
        split = glued_section(line, lines[i + 1 : i + 1 + _HEAD_LINES])
        if split is not None:
            head.section = head.section or split[0]
            head.title, head.title_index = split[1], i
            return head
        repeated = counts.get(_key(line), 0) > 1
        if _is_headline_like(line) and (guess or repeated):
            head.title, head.title_index = line, i
        return head
    return head


def clean(raw: RawDocument, settings: Settings | None = None) -> Document | Rejection:
    """Clean one raw article; a Rejection (E030) when its text is over the limit."""
    settings = settings or load_settings()
    if len(raw.text) > 4 * settings.max_text_chars:
        return Rejection(raw.source, "E030", f"text of {len(raw.text)} characters, over the limit of {settings.max_text_chars}")
    lines = _lines(raw.text)
    keys = [_key(line) for line in lines]
    ckeys = [_caption_key(line) for line in lines]
    counts: dict[str, int] = {}
    for k in ckeys:
        counts[k] = counts.get(k, 0) + 1
    hints = PageHints.of(raw.text)
    # In a scraped page an exact repeat is a caption shown twice; in text
    # already extracted from HTML, repeats are the article's own structure
    # (interview questions, recipe steps), so they stay.
    repeats_are_furniture = raw.format not in ("html", "warc")
    head = _find_title(lines, raw, counts, hints)
    title = raw.title or head.title
    title_keys = {_key(t) for t in (title, head.title, raw.title) if t}
    if head.title_index >= 0:
        title_keys.add(_key(lines[head.title_index]))

    body: list[str] = []
    captions: list[str] = []
    caption_keys: set[str] = set()
    removed: list[Removed] = []
    publisher = raw.publisher or head.publisher
    byline = tidy_byline(raw.byline)
    # Plain text carries no metadata, so a date there can only be the caller's
    # fallback (--published): the page's own dateline wins over it.
    page_date: str | None = None
    related_left = 0
    about_left = 0
    prose = False  # has a real paragraph been kept yet? (metadata lines come before it)
    n = max(1, len(lines) - 1)

    for i, line in enumerate(lines):
        if i == head.title_index:
            if raw.title:  # the metadata title won: this headline line is a repeat of it
                removed.append(Removed("title_repeat", line))
            continue
        if i in head.other:
            removed.append(Removed("other", line))
            continue
        if i in head.nav:
            removed.append(Removed("nav", line))
            continue
        position = i / n
        key = keys[i]
        if key in title_keys and key:
            removed.append(Removed("title_repeat", line))
            continue
        if head.section and line.casefold().strip(" .:|") in SECTIONS and not prose:
            removed.append(Removed("nav", line))
            continue
        kind = classify_line(line, position, hints)
        if kind == "credit" and is_described_caption(line):
            captions.append(line)
            continue
        if kind is not None:
            if kind == "related" and RELATED_HEADER.match(line):
                related_left = _RELATED_FOLLOWERS
            elif kind == "copyright" and publisher is None:
                publisher = copyright_publisher(line)
            removed.append(Removed(kind, line))
            continue
        if related_left:
            if _is_headline_like(line):
                related_left -= 1
                removed.append(Removed("related", line))
                continue
            related_left = 0
        if len(line) <= 40 and ABOUT_AUTHOR.match(line):
            about_left = _ABOUT_LINES
            removed.append(Removed("other", line))
            continue
        if about_left:
            about_left -= 1
            if _word_count(line) <= 80:
                removed.append(Removed("other", line))
                continue
            about_left = 0
        if not prose and len(line) <= 40 and ROLE_LINE.match(line):
            removed.append(Removed("other", line))
            continue
        if not prose and (is_metadata_line(line) or byline_of(line)):
            found_by = byline_of(line)
            byline = byline or found_by
            page_date = page_date or date_of(line)
            removed.append(Removed("other", line))
            continue
        ckey = ckeys[i]
        words = _word_count(line)
        seen = counts.get(ckey, 0)
        if seen == 2 and repeats_are_furniture and len(line) >= _REPEAT_MIN_CHARS:
            if words <= _CAPTION_MAX_WORDS and not line.endswith("?"):
                if ckey in caption_keys:
                    removed.append(Removed("caption_repeat", line))
                else:
                    caption_keys.add(ckey)
                    captions.append(line)
                continue
            if words > _CAPTION_MAX_WORDS:  # a whole paragraph pasted twice
                if ckey in caption_keys:
                    removed.append(Removed("other", line))
                    continue
                caption_keys.add(ckey)
        if publisher is None and not body:
            publisher = wire_publisher(line)
        body.append(line)
        prose = prose or words >= _PROSE_WORDS

    published = (page_date or raw.published) if raw.format == "text" else (raw.published or page_date)
    text = "\n\n".join(body)
    if len(text) > settings.max_text_chars:
        return Rejection(raw.source, "E030", f"text of {len(text)} characters, over the limit of {settings.max_text_chars}")
    # every reservation notice in the text was removed as a legal line, so only
    # those lines need reading again
    rights = detect_rights(
        "\n".join(r.text for r in removed if r.kind == "legal"),
        html=raw.html,
        signals=raw.rights_signals,
    )
    language = detect_language(text or (title or ""))
    return Document(
        id=raw.id,
        source=raw.source,
        text=text,
        title=title,
        section=raw.section or head.section,
        publisher=publisher,
        byline=byline,
        published=published,
        url=raw.canonical_url or raw.url,
        language=language,
        rights=rights,
        captions=tuple(captions),
        removed=tuple(removed),
        format=raw.format,
        stages=(NAME,),
    )


def _clean_document(doc: Document) -> Document:
    """Clean a Document built from uncleaned text, keeping metadata it already has."""
    raw = RawDocument(
        id=doc.id, source=doc.source, text=doc.text, format=doc.format, url=doc.url,
        title=doc.title, section=doc.section, publisher=doc.publisher, byline=doc.byline,
        published=doc.published,
    )
    out = clean(raw)
    if isinstance(out, Rejection):
        raise InputError(out.code, out.reason, out.source)
    return dataclasses.replace(out, stages=doc.stages)


#: The pipeline cleans from a RawDocument (``Pipeline.clean`` calls :func:`clean`);
#: as a stage, cleaning applies to Documents made from uncleaned text.
STAGE = Stage(
    name=NAME,
    fn=_clean_document,
    needs=("text",),
    adds=("text", "title", "section", "publisher", "byline", "published", "language", "rights"),
)
