"""The front matter of a scraped page: section, byline, dateline, owner.

Recognises the short lines around a headline (section labels, glued or on
their own; "By ..." bylines; "Published: ..." datelines; press-release
markers and issuers) and reads values out of them: author names, ISO dates,
the copyright owner, a wire agency's name. Used by :mod:`.clean`.
"""

from __future__ import annotations

import datetime
import re

__all__ = [
    "ABOUT_AUTHOR",
    "ISSUER",
    "MARKER",
    "ROLE_LINE",
    "SECTIONS",
    "byline_of",
    "copyright_publisher",
    "date_of",
    "glued_section",
    "is_metadata_line",
    "tidy_byline",
    "wire_publisher",
]

_I = re.IGNORECASE

ABOUT_AUTHOR = re.compile(
    r"^(?:about the (?:authors?|writers?|contributors?)|o autorze|o autorce|über (?:den autor|die autorin)|"
    r"à propos de l['’]auteur|sobre el autor|sull['’]autore|over de auteur)\s*:?$",
    _I,
)
#: A byline slot holding a role, not a name: "Staff Writer", "Our Correspondent".
ROLE_LINE = re.compile(
    r"^(?:by )?(?:(?:our|a) )?(?:staff|special|foreign|defen[cs]e|security|diplomatic|political|"
    r"senior|chief|news|web)?\s?(?:writer|reporter|correspondent|desk|staff|editor)s?$",
    _I,
)


#: Section labels pages put above (or glue onto) the title, lower case -> as shown.
SECTIONS: dict[str, str] = {
    s.casefold(): s
    for s in (
        "News", "World", "World News", "Europe", "Asia", "Africa", "Americas", "Middle East",
        "Asia-Pacific", "Politics", "Business", "Economy", "Opinion", "Analysis", "Comment",
        "Commentary", "Editorial", "Defence", "Defense", "Military", "Security", "Conflict",
        "War", "War in Ukraine", "Ukraine", "Russia", "Poland", "Germany", "Korea", "China",
        "Diplomacy", "Geopolitics", "International", "National", "Local", "Region", "Regional",
        "Breaking", "Breaking News", "Latest", "Live", "Features", "Feature", "Explainer",
        "Investigations", "Interview", "Science", "Tech", "Technology", "Culture", "Sport",
        "Society", "Energy", "Brief", "Briefing", "Report", "Wire", "Top News", "Top Stories",
        "Wiadomości", "Świat", "Kraj", "Polityka", "Nachrichten", "Politik", "Ausland",
        "Actualités", "Monde", "Noticias", "Mundo", "Notizie", "Mondo", "Nieuws", "Buitenland",
        "Zprávy", "Svět",
    )
}
#: Longest first, so "World News" wins over "World".
_GLUED = re.compile(
    "^(" + "|".join(re.escape(v) for v in sorted(SECTIONS.values(), key=len, reverse=True))
    + r")(?=[A-Z0-9\"“„‘'])(.{8,})$"
)

_MONTHS = {
    m: i + 1
    for i, names in enumerate(
        (
            "january jan", "february feb", "march mar", "april apr", "may", "june jun",
            "july jul", "august aug", "september sep sept", "october oct", "november nov",
            "december dec",
        )
    )
    for m in names.split()
}
_MONTH_RE = r"(january|february|march|april|may|june|july|august|september|october|november|december|jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec)\.?"
_DATE_ISO = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})(?!\d)")
_DATE_DMY_NAME = re.compile(r"\b(\d{1,2})(?:st|nd|rd|th)?\s+" + _MONTH_RE + r",?\s+(\d{4})\b", _I)
_DATE_MDY_NAME = re.compile(r"\b" + _MONTH_RE + r"\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})\b", _I)
_DATE_DMY_NUM = re.compile(r"\b(\d{1,2})[./](\d{1,2})[./](\d{4})\b")

_META_WORDS = re.compile(
    r"^(?:published|updated|posted|last updated|modified|date|first published|press release|opublikowano|"
    r"aktualizacja|veröffentlicht|aktualisiert|publié|mis à jour|publicado|actualizado|"
    r"pubblicato|aggiornato|gepubliceerd|publikováno)\b",
    _I,
)
_TIME_ONLY = re.compile(r"^\d{1,2}[:.]\d{2}(?:\s?(?:am|pm|gmt|utc|cet|cest|kst|msk|eet))?$", _I)

_BYLINE = re.compile(
    r"^(?:by|author|authors|written by|posted by|reporter|words by|autor|autorka|von|par|por|di|door)"
    r"\s*[:]?\s+(.{2,160})$",
    _I,
)
_BYLINE_STOP = re.compile(r"\s(?:[|•·—–]|-\s|in\s|for\s|at\s|on\s)|\s\d|\b(?:published|updated|posted)\b", _I)
_NAME_WORD = re.compile(r"^(?:[A-ZÀ-ŽА-Я][\w'’.-]*|and|&|de|van|von|der|da|del|la|le|bin|al-\w+)$")
_ROLE_WORDS = re.compile(
    r"\b(?:correspondent|editor|reporter|staff|writer|desk|bureau|agency|news|press|analyst|team|"
    r"contributor|service)\b",
    _I,
)

_COPYRIGHT_OWNER = re.compile(
    r"(?:©|\(c\)|copyright)\s*(?:\d{4}(?:\s*[-–]\s*\d{4})?\s*)?,?\s*([A-Z0-9][^·|•,;:]{1,60}?)"
    r"(?=\s*(?:[·|•,;:.]|all rights|wszelkie|alle rechte|tous droits|$))",
    _I,
)
_OWNER_TAIL = re.compile(r"\s+(?:\d{4}|ltd\.?|limited|inc\.?|llc|gmbh|s\.a\.|sp\. z o\.o\.|plc)$", _I)
_WIRE = re.compile(r"^[A-ZÀ-Ž][A-ZÀ-Ž .'/-]{1,40},?\s+(?:[A-Z][a-z]{2,8}\.?\s+\d{1,2}\s+)?\(([A-Z][\w .&-]{1,30})\)\s*[-–—]")


#: RSS <author> is "email (Name)"; the name is the byline.
_RSS_AUTHOR = re.compile(r"^[^\s@()]{1,64}@[^\s()]{1,255}\s*\(([^()]{1,120})\)$")


def tidy_byline(byline: str | None) -> str | None:
    if not byline or not byline.strip():
        return None
    m = _RSS_AUTHOR.match(byline.strip())
    return m.group(1).strip() if m else byline.strip()


def glued_section(line: str, following: list[str]) -> tuple[str, str] | None:
    """(section, title) when ``line`` is a section label glued to the title.

    Either the label is a known section and the title starts right after it
    with a capital ("NewsNorth Korean..."), or the title reappears on its own
    a few lines down, so what precedes it is a label we did not know.
    """
    m = _GLUED.match(line)
    if m is not None:
        return m.group(1), m.group(2).strip()
    for later in following:
        if 8 <= len(later) < len(line) and line.endswith(later):
            prefix = line[: len(line) - len(later)].strip()
            if 2 <= len(prefix) <= 30 and len(prefix.split()) <= 3 and prefix[-1].isalpha():
                return prefix, later
    return None


def _iso(year: int, month: int, day: int) -> str | None:
    if not 1900 <= year <= 2100:
        return None
    try:
        return datetime.date(year, month, day).isoformat()
    except ValueError:
        return None


def date_of(line: str) -> str | None:
    """The first full calendar date written in ``line``, as ISO (day-first for numbers)."""
    m = _DATE_ISO.search(line)
    if m:
        return _iso(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    m = _DATE_DMY_NAME.search(line)
    if m:
        return _iso(int(m.group(3)), _MONTHS[m.group(2).casefold()], int(m.group(1)))
    m = _DATE_MDY_NAME.search(line)
    if m:
        return _iso(int(m.group(3)), _MONTHS[m.group(1).casefold()], int(m.group(2)))
    m = _DATE_DMY_NUM.search(line)
    if m:
        return _iso(int(m.group(3)), int(m.group(2)), int(m.group(1)))
    return None


def is_metadata_line(line: str) -> bool:
    """A short dateline: "Published: 19 December 2024, 10:41", "19.12.2024 08:15"."""
    if len(line) > 120:
        return False
    if _TIME_ONLY.match(line):
        return False
    if _META_WORDS.match(line):
        return True
    if date_of(line) is None:
        return False
    rest = _DATE_ISO.sub("", _DATE_DMY_NAME.sub("", _DATE_MDY_NAME.sub("", _DATE_DMY_NUM.sub("", line))))
    letters = re.sub(r"[\W\d_]+", " ", rest).split()
    weekdays = {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
                "am", "pm", "gmt", "utc", "cet", "cest", "kst", "est", "edt", "bst", "at", "on", "h"}
    return all(w.casefold() in weekdays for w in letters)


def byline_of(line: str) -> str | None:
    """The author names of a byline line ("By Jane Doe and Ian Roe | 19 Dec 2024")."""
    if len(line) > 200:
        return None
    m = _BYLINE.match(line)
    if m is None:
        return None
    rest = m.group(1)
    stop = _BYLINE_STOP.search(rest)
    if stop:
        rest = rest[: stop.start()]
    parts = [p.strip() for p in rest.split(",")]
    names: list[str] = []
    for i, part in enumerate(parts):
        words = part.split()
        if not words or not all(_NAME_WORD.match(w) for w in words) or not words[0][0].isupper():
            break
        if _ROLE_WORDS.search(part) or (i > 0 and len(words) < 2):
            break
        names.append(part)
    if not names or len(names[0].split()) > 6:
        return None
    return ", ".join(names).strip(" .&")


def copyright_publisher(line: str) -> str | None:
    """The owner named in a copyright line ("© 2024 Baltic Herald · All rights reserved")."""
    m = _COPYRIGHT_OWNER.search(line)
    if m is None:
        return None
    owner = _OWNER_TAIL.sub("", m.group(1).strip(" .-–"))
    if not owner or owner.casefold().startswith(("all rights", "copyright")) or owner[0].isdigit():
        return None
    return owner


def wire_publisher(line: str) -> str | None:
    """The agency of a wire dateline ("SEOUL, Dec 19 (Reuters) - ...")."""
    m = _WIRE.match(line)
    return m.group(1).strip() if m else None


#: Head-of-page markers: "FOR IMMEDIATE RELEASE", "BREAKING", a dateline alone ("TOKYO").
MARKER = re.compile(
    r"^(?:(?i:for immediate release|press release|breaking(?: news)?|exclusive|developing story|"
    r"embargoed\b.{0,60})|[A-ZÀ-Ž][A-ZÀ-Ž'’.-]{1,25}(?:[ ,]{1,2}[A-ZÀ-Ž][A-ZÀ-Ž'’.-]{1,25}){0,2})$"
)
#: An issuing body on its own line above the headline of a press release.
ISSUER = re.compile(
    r"^(?:the )?(?:ministry|department|office|embassy|press office|press service|government|"
    r"secretariat|headquarters|general staff|mission|permanent mission|command)\b[^.!?:]{0,100}$",
    _I,
)
