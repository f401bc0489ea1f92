"""Boilerplate lines of scraped pages, and the kind each one is.

One function, :func:`classify_line`, decides whether a line is page furniture
and which of the contract's kinds it is: ``credit`` (image credits),
``editor`` (editor initials, "Reporting by ... Editing by ..."), ``nav``
(menus, share and follow prompts, sign-up banners), ``related`` ("Read also"
links), ``copyright`` and ``legal`` (legal and cookie notices, TDM
reservations). Context rules (title and caption repeats, the block of
metadata above the body) live in :mod:`.clean`.

Most lines are body text, so cheap substring tests guard every costly regex,
and :class:`PageHints` (one scan of the page) switches off rules whose
keywords occur nowhere on the page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .rights import MINING_STEMS, has_mining_acronym, is_reservation_notice

__all__ = [
    "CAPTION_CREDIT",
    "CREDIT_WORDS",
    "RELATED_HEADER",
    "SENTENCE_END",
    "PageHints",
    "classify_line",
    "is_described_caption",
]

_I = re.IGNORECASE

#: A trailing photo credit on a caption: "... Photo: Reuters", "(Fot. PAP)".
CAPTION_CREDIT = re.compile(
    r"[\s.|/–—-]*\(?(?:photo|image|picture|foto|fot\.|zdjęcie|bild|source)s?\b[^()]{0,80}\)?$", _I
)
SENTENCE_END = re.compile(r"[.!?…]['\"”’)]?$")

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
    cite this publication, cite this article, back to article, podcasts, podcast, newsletters,
    live tv, weather, games, puzzles, crosswords, my account, account, profile, notifications, udostępnij, czytaj więcej,
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

RELATED_HEADER = re.compile(
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

_CREDIT_PREFIX = re.compile(r"^\(?(?:photo|image|picture|foto|fot\.|pictured|above|top)\s*:\s*", _I)
_LOWER_WORD = re.compile(r"\s[a-zà-ž]{2,}\b")


def is_described_caption(line: str) -> bool:
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
    return len(parts) >= 3 and all(0 < len(p.split()) <= 3 and not SENTENCE_END.search(p) for p in parts)


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
CREDIT_WORDS: tuple[str, ...] = ("photo", "image", "picture", "foto", "fot.", "zdjęcie", "bild", "source")


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
    if n <= 220 and (RELATED_HEADER.match(line) or _RELATED_PREFIX.match(line)):
        return "related"
    if n <= 200 and (_CONTACT.match(line) or (n <= 12 and _SYMBOLS.match(line))):
        return "other"
    if n <= 400 and _nav(line, low):
        return "nav"
    if n <= 5000 and hints.mining(line, low) and is_reservation_notice(line, low, mining_checked=True):
        return "legal"
    if n <= 300 and ("©" in line or low.startswith(("(c) ", "copyright", "℗"))):
        return "copyright"
    if n <= 120 and any(s in low for s in _ALL_RIGHTS_STEMS):
        return "copyright"
    if hints.legal_stems and n <= 5000 and _legal(line, low, position, hints.legal_stems):
        return "legal"
    return None
