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

The body is the kept lines joined by blank lines. Rights and language are
decided here too (see :mod:`.rights` and :mod:`.language`).

Every rule looks at one line (plus a dictionary of the lines seen), so the
whole pass is linear; regexes are anchored or bounded and compiled once.
"""

from __future__ import annotations

import dataclasses
import datetime
import re
from dataclasses import dataclass, field

from ..errors import InputError
from ..pipeline import Stage
from ..records import Document, RawDocument, Rejection, Removed
from ..settings import Settings, load_settings
from .language import detect_language
from .rights import MINING_STEMS, detect_rights, has_mining_acronym, is_reservation_notice

__all__ = ["NAME", "SECTIONS", "STAGE", "byline_of", "classify_line", "clean", "date_of"]

NAME = "sitrep.clean.v1"

_I = re.IGNORECASE

#: A trailing photo credit on a caption: "... Photo: Reuters", "(Fot. PAP)".
_CAPTION_CREDIT = re.compile(
    r"[\s.|/–—-]*\(?(?:photo|image|picture|foto|fot\.|zdjęcie|bild|source)s?\b[^()]{0,80}\)?$", _I
)
_SENTENCE_END = re.compile(r"[.!?…]['\"”’)]?$")

def _phrases(table: str, sep: str | None = None) -> frozenset[str]:
    """A vocabulary written as a block of text: items separated by ``sep``."""
    return frozenset(p.strip() for p in table.split(sep) if p.strip())


_NAV_WORDS = _phrases(
    """
    home, menu, search, subscribe, login, log in, logout, sign in, sign up, register, newsletter,
    advertisement, advertising, ad, sponsored, skip to content, skip to main content, share,
    share this, share this article, share this story, share on facebook, share on x,
    share on twitter, tweet, print, email, e-mail, comments, show comments, view comments,
    leave a comment, read more, more, next, previous, prev, back, back to top, top, follow us,
    follow, tags, topics, trending, most read, most popular, latest, latest news, top stories,
    watch, listen, close, open, accept, accept all, reject all, cookie settings, manage cookies,
    cookie preferences, privacy settings, copy link, facebook, twitter, x, whatsapp, telegram,
    linkedin, reddit, instagram, youtube, mastodon, bluesky, threads, listen to this article,
    listen to article, play video, watch video, video, audio, gallery, photo gallery,
    continue reading, story continues below, advertisement continues below,
    scroll to continue, key events, show key events only, loading, live updates, refresh,
    open in app, download the app, download, download pdf, print this page,
    cite this publication, cite this article, back to article, udostępnij, czytaj więcej,
    teilen, weiterlesen, partager, lire la suite, compartir, condividi, delen, sdílet
    """,
    ",",
)
_NAV_TOKENS = _phrases(
    """home menu search subscribe login share print email facebook twitter x whatsapp telegram
    linkedin reddit instagram youtube mastodon bluesky threads copy link comments newsletter"""
)
_NAV_PHRASE = re.compile(
    r"^(?:advertisement|sponsored content|share this (?:article|story|page)|share on \w+|"
    r"sign up (?:for|to) (?:our|the) [\w ]{1,40}newsletter.{0,120}|subscribe (?:to|for) .{0,120}|"
    r"follow (?:us|[A-Z][\w ]{0,40}) on .{0,80}|\d{1,3} (?:min(?:ute)?s?|minutes?) read|"
    r"reading time:? .{0,20}|\d{1,5} comments?|tags?:.{0,300}|topics?:.{0,300}|"
    r"click here .{0,150}|our standards:.{0,100}|support (?:independent|our|quality) journalism.{0,120}|"
    r"become a (?:member|subscriber|supporter|patron).{0,100}|we(?:'|’)re (?:now )?on \w+.{0,120}|"
    r"join (?:us|our \w+) on .{0,100}|subscribe to our .{0,120}|(?:this|the) article continues below.{0,40}|"
    r"(?:story|article) continues (?:below|after).{0,40}|listen to (?:this )?article.{0,30})$",
    _I,
)
#: "Home > World > Europe", "Home / News", "World | Europe | Asia | Africa".
_BREADCRUMB = re.compile(r"^(?:home|start|główna|startseite|accueil|inicio)\s*[>/»›|]", _I)
_SEPARATED = re.compile(r"\s[|•·»›/]\s|\s>\s")

_RELATED_HEADER = re.compile(
    r"^(?:related(?: content| articles?| stories| news| coverage| reading)?|read also|also read|"
    r"see also|read more|more on this(?: story| topic)?|more from \w[\w ]{0,30}|you (?:may|might) also like|"
    r"recommended(?: for you)?|what to read next|further reading|"
    r"czytaj (?:też|także|również)|zobacz (?:też|także|również)|polecamy|"
    r"lesen sie auch|mehr zum thema|das könnte sie auch interessieren|lire aussi|à lire aussi|"
    r"leer también|lea también|leggi anche|lees ook|leia também|leia mais|čtěte také|přečtěte si také)"
    r"\s*[:.…]?$",
    _I,
)
#: "Read also: Headline", "Read alsoHeadline" (glued), "See also - Headline".
_RELATED_PREFIX = re.compile(
    r"^(?:related|read also|also read|see also|read more|more on this|czytaj (?:też|także|również)|"
    r"zobacz (?:też|także|również)|lesen sie auch|lire aussi|à lire aussi|leer también|leggi anche|"
    r"lees ook|leia também|čtěte také)(?:\s*[:|–—>»-]\s*|(?=[A-Z0-9\"“„']))\S",
    _I,
)

_CREDIT = re.compile(
    r"^(?:\(?(?:images?|photos?|pictures?|photograph|graphics?|video|illustration|fot\.?|foto|"
    r"zdjęcie|zdjęcia|bild|bildquelle|credit|credits)\s*(?:source|credit|by|courtesy|:)?\s*[:©]|"
    r"(?:images?|photos?|pictures?) (?:source|credit|courtesy)|source of (?:the )?images?|"
    r"\(?(?:AP|AFP|EPA|Reuters|PAP|Getty Images?|Anadolu|Xinhua|TASS|Yonhap|KCNA)(?: Photo)?\s*/)",
    _I,
)
_CREDIT_HINT = re.compile(r"contributor#|getty images|shutterstock|/ ?(?:afp|ap|reuters|epa)\b", _I)

_EDITOR = re.compile(
    r"^\(?(?i:ed|red|oprac|opr|edit|editing|edited by|editing by|reporting by|writing by|"
    r"compiled by|additional reporting by|redakcja|bearbeitet von)\.?:?\s+"
    r"[A-ZÀ-Ž][^\n]{0,120}$|^\(?[A-Z]{2,5}(?:\s?/\s?[A-Z]{2,5})+\)?$",
)

_COPYRIGHT = re.compile(r"^(?:©|\(c\)\s|copyright\b|℗)|©\s?(?:\d{4}|[A-Z])", _I)
_ALL_RIGHTS = re.compile(r"all rights reserved|wszelkie prawa zastrzeżone|alle rechte vorbehalten|"
                         r"tous droits réservés|todos los derechos reservados|tutti i diritti riservati", _I)

# Legal / cookie notices: a normative cue and an object of the rule.
_LEGAL_CUE = re.compile(
    r"\b(?:prohibited|forbidden|not permitted|may not|must not|is subject to|pursuant to|"
    r"in accordance with|without (?:the )?(?:prior |express )?(?:written )?(?:consent|permission)|"
    r"all rights reserved|terms of (?:use|service)|privacy policy|we use cookies|uses cookies|"
    r"cookie policy|consent to the use|reserves? the right|liable|liability|"
    r"wszelkie prawa|zabronione|bez zgody|regulamin|untersagt|datenschutz)\b",
    _I,
)
_LEGAL_OBJECT = re.compile(
    r"\b(?:reproduc\w*|copy\w*|distribut\w*|republish\w*|content|materials?|publication|"
    r"cookies?|personal data|website|portal|service|articles?|texts?|photographs?|"
    r"treści|materiały|inhalte)\b",
    _I,
)
_COOKIE = re.compile(r"\b(?:cookies?|ciasteczk|GDPR|RODO)\b", _I)
_REPORTING = re.compile(r"\b(?:said|says|told|according to|reported|announced|added)\b", _I)

#: Room above the body in which title, section, byline and dates are sought.
_HEAD_LINES = 12
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

_ABOUT_AUTHOR = re.compile(
    r"^(?:about the (?:authors?|writers?|contributors?)|o autorze|o autorce|über (?:den autor|die autorin)|"
    r"à propos de l['’]auteur|sobre el autor|sull['’]autore|over de auteur)\s*:?$",
    _I,
)
#: A byline slot holding a role, not a name: "Staff Writer", "Our Correspondent".
_ROLE_LINE = re.compile(
    r"^(?:by )?(?:(?:our|a) )?(?:staff|special|foreign|defen[cs]e|security|diplomatic|political|"
    r"senior|chief|news|web)?\s?(?:writer|reporter|correspondent|desk|staff|editor)s?$",
    _I,
)


# --------------------------------------------------------------------------- metadata lines

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


def _tidy_byline(byline: str | None) -> str | None:
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
    if not any(w in tail for w in _CREDIT_WORDS):
        return _key(line)
    m = _CAPTION_CREDIT.search(line, max(0, len(line) - 120))
    return (_key(line[: m.start()]) if m else "") or _key(line)


def _word_count(line: str) -> int:
    """Words in a normalised line (single spaces, no edge whitespace)."""
    return line.count(" ") + 1 if line else 0


def _is_headline_like(line: str) -> bool:
    n = _word_count(line)
    return 2 <= n <= 25 and len(line) <= 200 and not _SENTENCE_END.search(line.rstrip("?!"))


_CREDIT_PREFIX = re.compile(r"^\(?(?:photo|image|picture|foto|fot\.|pictured|above|top)\s*:\s*", _I)
_LOWER_WORD = re.compile(r"\s[a-zà-ž]{2,}\b")


def _described(line: str) -> bool:
    """A caption behind a credit label ("Photo: A view of the plant ... (Agency)")."""
    m = _CREDIT_PREFIX.match(line)
    if m is None:
        return False
    rest = line[m.end() :]
    return len(rest.split()) >= 6 and len(_LOWER_WORD.findall(rest)) >= 3


def _nav(line: str, low: str) -> bool:
    bare = low.strip(" .:|•·-–—>»›")
    if bare in _NAV_WORDS or _NAV_PHRASE.match(line) or _BREADCRUMB.match(line):
        return True
    if len(line) <= 200 and "newsletter" in low and any(c in low for c in _SIGNUP_CUES):
        return True
    tokens = bare.split() if bare.count(" ") < 12 else []
    if tokens and all(t.strip(",|•·") in _NAV_TOKENS or not t.strip(",|•·") for t in tokens):
        return True
    if not any(c in line for c in _SEPARATOR_CHARS) or line.startswith("|") or _DIGIT.search(line):
        return False  # a table row ("| 1 | Kyle Roe | 5040 |") is content, not a menu
    parts = _SEPARATED.split(line)
    return len(parts) >= 3 and all(0 < len(p.split()) <= 3 and not _SENTENCE_END.search(p) for p in parts)


#: "Media contact: ...", "For more information, contact ...".
_CONTACT = re.compile(
    r"^(?:media|press|news) (?:contacts?|enquiries|inquiries)\b|"
    r"^contacts?:\s|^(?:kontakt|contact) (?:dla mediów|presse|médias)\b",
    _I,
)

#: Substrings that must occur before the legal regexes are worth running.
_LEGAL_STEMS: tuple[str, ...] = (
    "prohibit", "forbidden", "permitted", "may not", "must not", "subject to", "pursuant",
    "in accordance", "consent", "permission", "rights reserved", "terms of", "privacy",
    "cookie", "reserve", "liab", "wszelkie prawa", "zabronion", "bez zgody", "regulamin",
    "untersagt", "datenschutz",
)
_ALL_RIGHTS_STEMS: tuple[str, ...] = (
    "all rights reserved", "wszelkie prawa", "alle rechte", "tous droits", "todos los derechos",
    "tutti i diritti",
)
_CREDIT_STEMS: tuple[str, ...] = ("contributor#", "getty image", "shutterstock")
_CREDIT_WORDS: tuple[str, ...] = ("photo", "image", "picture", "foto", "fot.", "zdjęcie", "bild", "source")


@dataclass(frozen=True, slots=True)
class PageHints:
    """Which costly rules can fire anywhere on the page (one scan of the folded text).

    The stems found on the page are the only ones worth testing line by line.
    """

    mining_stems: tuple[str, ...] = MINING_STEMS
    mining_cased: bool = True
    legal_stems: tuple[str, ...] = _LEGAL_STEMS

    @classmethod
    def of(cls, text: str) -> PageHints:
        low = text.casefold()
        return cls(
            mining_stems=tuple(s for s in MINING_STEMS if s in low),
            mining_cased=has_mining_acronym(text),
            legal_stems=tuple(s for s in _LEGAL_STEMS if s in low),
        )

    def mining(self, line: str, low: str) -> bool:
        return any(s in low for s in self.mining_stems) or (
            self.mining_cased and has_mining_acronym(line)
        )


ALL_RULES = PageHints()
_SEPARATOR_CHARS = "|•·»›/>"
#: With "newsletter" in a short line, these make it a sign-up prompt.
_SIGNUP_CUES = ("sign up", "sign-up", "subscribe", "get our", "get the", "register", "join ")
_DIGIT = re.compile(r"\d")
#: "###", "***", "* * *": separators with no word characters at all.
_SYMBOLS = re.compile(r"^[^\w]+$")


def _legal(line: str, low: str, position: float, stems: tuple[str, ...] = _LEGAL_STEMS) -> bool:
    if not any(stem in low for stem in stems) or _REPORTING.search(line):
        return False
    if ("cookie" in low or _COOKIE.search(line)) and _LEGAL_CUE.search(line):
        return True
    if not (_LEGAL_CUE.search(line) and _LEGAL_OBJECT.search(line)):
        return False
    # a rule about content far up the page is more likely quoted news; demand more then
    return position >= 0.5 or len(line) >= 200 or any(s in low for s in _ALL_RIGHTS_STEMS)


def classify_line(line: str, position: float = 1.0, hints: PageHints = ALL_RULES) -> str | None:
    """The contract kind of a boilerplate line, or None for body text.

    Covers the rules that need no context: credits, editor initials, nav,
    related links, copyright and legal notices. ``position`` is where the
    line sits in the page (0 top, 1 bottom). Cheap substring tests guard the
    costlier regexes, so a plain body paragraph costs a few anchored matches.
    """
    low = line.casefold()
    n = len(line)
    if n <= 300 and (
        _CREDIT.match(line)
        or any(s in low for s in _CREDIT_STEMS)
        or ("/" in line and _CREDIT_HINT.search(line))
    ):
        return "credit"
    if n <= 140 and _EDITOR.match(line):
        return "editor"
    if n <= 220 and (_RELATED_HEADER.match(line) or _RELATED_PREFIX.match(line)):
        return "related"
    if n <= 200 and (_CONTACT.match(line) or (n <= 12 and _SYMBOLS.match(line))):
        return "other"
    if n <= 400 and _nav(line, low):
        return "nav"
    if n <= 5000 and hints.mining(line, low) and is_reservation_notice(line, low):
        return "legal"
    if n <= 300 and ("©" in line or low.startswith(("(c) ", "copyright", "℗"))):
        return "copyright"
    if n <= 120 and any(s in low for s in _ALL_RIGHTS_STEMS):
        return "copyright"
    if hints.legal_stems and n <= 5000 and _legal(line, low, position, hints.legal_stems):
        return "legal"
    return None


@dataclass(slots=True)
class _Head:
    """What the top of the page told us."""

    title: str | None = None
    title_index: int = -1
    section: str | None = None
    publisher: str | None = None
    #: head lines that are neither title nor body: markers, datelines, issuers
    other: set[int] = field(default_factory=set)


#: Head-of-page markers: "FOR IMMEDIATE RELEASE", "BREAKING", a dateline alone ("TOKYO").
_MARKER = re.compile(
    r"^(?:(?i:for immediate release|press release|breaking(?: news)?|exclusive|developing story|"
    r"embargoed\b.{0,60})|[A-ZÀ-Ž][A-ZÀ-Ž'’.-]{1,25}(?:[ ,]{1,2}[A-ZÀ-Ž][A-ZÀ-Ž'’.-]{1,25}){0,2})$"
)
#: An issuing body on its own line above the headline of a press release.
_ISSUER = re.compile(
    r"^(?:the )?(?:ministry|department|office|embassy|press office|press service|government|"
    r"secretariat|headquarters|general staff|mission|permanent mission|command)\b[^.!?:]{0,100}$",
    _I,
)

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
            and not _SENTENCE_END.search(out[-1])
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
    for i, line in enumerate(lines[:_HEAD_LINES]):
        low = line.casefold().strip(" .:|")
        if low in SECTIONS and head.section is None and head.title_index < 0:
            head.section = SECTIONS[low]
            continue
        if classify_line(line, 0.0, hints) or is_metadata_line(line) or byline_of(line):
            continue
        if guess and _MARKER.match(line):  # extracted HTML keeps its dateline
            head.other.add(i)
            continue
        if _ISSUER.match(line) and i + 1 < len(lines) and _is_headline_like(lines[i + 1]):
            head.publisher = head.publisher or line
            head.other.add(i)
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
    byline = _tidy_byline(raw.byline)
    # Plain text carries no metadata, so a date there can only be the caller's
    # fallback (--published): the page's own dateline wins over it.
    page_date: str | None = None
    related_left = 0
    about_left = 0
    prose = False  # has a real paragraph been kept yet? (metadata lines come before it)
    n = max(1, len(lines) - 1)

    for i, line in enumerate(lines):
        if i == head.title_index:
            continue
        if i in head.other:
            removed.append(Removed("other", line))
            continue
        position = i / n
        key = keys[i]
        if key in title_keys and key:
            removed.append(Removed("title_repeat", line))
            continue
        if i < _HEAD_LINES and head.section and line.casefold().strip(" .:|") in SECTIONS and not prose:
            removed.append(Removed("nav", line))
            continue
        kind = classify_line(line, position, hints)
        if kind == "credit" and _described(line):
            captions.append(line)
            continue
        if kind is not None:
            if kind == "related" and _RELATED_HEADER.match(line):
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
        if _ABOUT_AUTHOR.match(line):
            about_left = _ABOUT_LINES
            removed.append(Removed("other", line))
            continue
        if about_left:
            about_left -= 1
            if _word_count(line) <= 80:
                removed.append(Removed("other", line))
                continue
            about_left = 0
        if not prose and _ROLE_LINE.match(line):
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
    rights = detect_rights(
        raw.text,
        html=raw.html,
        signals=raw.rights_signals,
        scan_text=bool(hints.mining_stems) or hints.mining_cased,
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
