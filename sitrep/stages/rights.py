"""Rights: does the publisher reserve text-and-data mining (TDM)?

Three kinds of evidence, any one of which reserves the article:

* W3C TDMRep signals the reader found outside the text (``tdm-reservation``
  meta tag or header = 1) and ``noai`` robots directives (meta or
  ``X-Robots-Tag``), passed in as ``signals``;
* the same meta tags in ``html`` when the reader did not report them;
* a notice in the text, or in the page's visible footer (which trafilatura
  drops), that reserves text-and-data mining or forbids use of the content by
  machine learning / AI / automated systems without consent, in English or
  one of the main European languages (de, fr, es, it, pl, nl, pt, cs).

A notice needs both a *mining term* (text and data mining, AI, machine
learning, scraping ...) and a *reservation cue* (reserved, prohibited, without
consent ...), and must not read like reporting (a news paragraph about a
copyright lawsuit says "said"). A bare "All rights reserved" line names no
mining use, so it is not a reservation.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable

from ..records import Rights

__all__ = ["MINING_STEMS", "detect_rights", "footer_text", "has_mining_acronym", "is_reservation_notice", "mentions_mining", "signals_from_html", "visible_blocks"]

#: Longest notice kept on the Rights record.
NOTICE_MAX_CHARS = 1000

_I = re.IGNORECASE | re.UNICODE

# Mining / machine-use terms, by language, matched against the case-folded
# line. Branches start with a literal letter (no leading \b) so the regex engine
# can skip ahead on its first-character set; nothing here nests quantifiers.
_MINING_TERMS = [
    # en
    r"text[\s-]*(?:and|&)[\s-]*data[\s-]*mining", r"data[\s-]?mining", r"machine[\s-]learning",
    r"artificial intelligence", r"language models?", r"generative ai\b",
    r"automated (?:systems?|means|tools|processing|programs?|software)",
    r"scraping", r"crawl(?:ing|ers?)\b", r"neural networks?", r"2019/790",
    # de
    r"text[\s-]*und[\s-]*data[\s-]*mining", r"maschinellen? lernen", r"künstliche[rn]? intelligenz",
    r"§\s?44b",
    # fr
    r"fouilles? de (?:textes?|données)", r"exploration de (?:textes?|données)",
    r"intelligence artificielle", r"apprentissage automatique",
    # es
    r"miner[ií]a de (?:textos?|datos)", r"inteligencia artificial", r"aprendizaje automático",
    # it
    r"estrazione di (?:testo|testi|dati)", r"intelligenza artificiale", r"apprendimento automatico",
    # pl
    r"eksploracj[aiię] (?:tekstu|tekstów|danych)", r"sztuczn(?:a|ej|ą) inteligencj", r"uczeni[aeu] maszynow",
    # nl
    r"tekst[\s-]*en[\s-]*datamining", r"datamining", r"kunstmatige intelligentie",
    # pt
    r"minera[çc][ãa]o de (?:textos?|dados)", r"prospe[cç]?[çc][ãa]o de (?:textos?|dados)",
    r"intelig[êe]ncia artificial", r"aprendizagem automática", r"aprendizado de máquina",
    # cs
    r"vytěžování (?:textů|textu|dat)", r"uměl(?:á|é|ou) inteligenc", r"strojové(?:ho)? učení",
]
# Acronyms, matched case-sensitively on the original line.
_MINING_ACRONYMS = (
    r"\b(?:TDM|LLMs?|IA|SI)\b|\bKI(?:-[A-Z]|[\s-](?:Systeme|Modelle|Training|Anwendungen))"
    r"|\bA\.?I\.?(?=[\s-](?:systems?|models?|tools?|training|applications?|technolog|purposes|crawlers?|bots?))"
)

# Reservation / prohibition cues, by language, on the case-folded line.
_RESERVATION_CUES = [
    # en
    r"reserv(?:e|es|ed|ing|ation)\b", r"prohibit", r"forbid", r"not (?:be )?permitted",
    r"not (?:be )?allowed", r"may not\b", r"must not\b", r"opts? out\b", r"opt-out",
    r"without (?:the |our )?(?:prior |express |explicit )?(?:written )?(?:consent|permission|authori[sz]ation|licen[cs]e)",
    r"expressly", r"excluded", r"unauthori[sz]ed",
    # de
    r"vorbehalt", r"untersagt", r"verboten", r"nicht gestattet", r"nicht erlaubt",
    r"ohne (?:vorherige |ausdrückliche )?(?:schriftliche )?(?:zustimmung|genehmigung|einwilligung)",
    r"widersprechen|widerspricht", r"behält sich|behalten sich",
    # fr
    r"réserv", r"interdit", r"s'oppose|s’oppose|opposition\b",
    r"sans (?:l['’])?(?:autorisation|accord|consentement)",
    # es
    r"reserva", r"prohibid", r"se opone", r"sin (?:el |la )?(?:previo |previa )?(?:consentimiento|autorización)",
    # it
    r"riserva", r"vietat", r"senza (?:il |la )?(?:previo |previa )?(?:consenso|autorizzazione)",
    # pl
    r"zastrzega", r"zastrzeżon", r"zabronion", r"zakazan", r"bez (?:uprzedniej )?(?:pisemnej )?zgody", r"sprzeciw",
    # nl
    r"voorbehouden", r"verboden\b", r"niet toegestaan", r"zonder (?:voorafgaande )?(?:schriftelijke )?toestemming",
    r"maakt bezwaar",
    # pt
    r"proibid", r"vedad", r"sem (?:o |a )?(?:prévio |prévia )?(?:consentimento|autorização)",
    # cs
    r"vyhrazuje|vyhrazen", r"zakázán", r"bez (?:předchozího )?(?:písemného )?souhlasu", r"nesouhlasí",
]
#: Substrings one of which any cue contains; tested before the cue regex.
_CUE_STEMS: tuple[str, ...] = (
    "reserv", "prohib", "forbid", "permitted", "allowed", "may not", "must not", "opt",
    "without", "expressly", "exclu", "unauthori", "vorbehalt", "untersagt", "verboten",
    "gestattet", "erlaubt", "ohne ", "behält", "behalten", "widersp", "réserv", "interdit",
    "oppos", "sans ", "se opone", "sin ", "riserva", "vietat", "senza", "zastrze", "zabronion",
    "zakazan", "bez ", "sprzeciw", "voorbehoud", "verboden", "toegestaan", "zonder", "bezwaar",
    "proibid", "vedad", "sem ", "vyhraz", "zakázán", "souhlas",
)

# Reporting language: a paragraph quoting someone about TDM is news, not a notice.
_REPORTING = re.compile(
    r"\b(?:said|says|told|according to|argued|argues|claimed|claims|lawsuit|sued|court ruled|"
    r"reported|alleged|alleges)\b",
    _I,
)

MINING = re.compile("|".join(_MINING_TERMS))
MINING_ACRONYMS = re.compile(_MINING_ACRONYMS)
CUE = re.compile("|".join(_RESERVATION_CUES))

_TDM_SIGNAL = re.compile(r"tdm[-_]reservation\s*[=:]\s*[\"']?\s*1\b", _I)
_NOAI_SIGNAL = re.compile(r"\bnoai\b", _I)

# <meta name="tdm-reservation" content="1">, <meta name="robots" content="noai, ...">
_META = re.compile(r"<meta\b[^>]{0,600}>", _I)
_META_NAME = re.compile(r"""(?:name|property|http-equiv)\s*=\s*["']([^"']{1,80})["']""", _I)
_META_CONTENT = re.compile(r"""content\s*=\s*["']([^"']{0,300})["']""", _I)

_FOOTER_XPATH = (
    "//footer | //*[contains(translate(@class,'FOTERCPYIGHLA','foterpcyighla'),'footer')"
    " or contains(translate(@id,'FOTER','foter'),'footer')"
    " or contains(translate(@class,'COPYRIGHT','copyright'),'copyright')"
    " or contains(translate(@class,'LEGAL','legal'),'legal')"
    " or contains(translate(@class,'DISCLAIMER','disclaimer'),'disclaimer')]"
)


_BLOCK_XPATH = "//p | //small | //li | //td | //div[not(.//div) and not(.//p)] | //span[not(.//span)]"
_LEAF_XPATH = ".//p | .//small | .//li | .//td | .//div[not(.//div) and not(.//p)]"


#: Cheap substring tests run before the regexes: most lines mention no mining use.
MINING_STEMS: tuple[str, ...] = (
    "mining", "machine learning", "machine-learning", "intelligen", "inteligen", "language model",
    "automated", "scraping", "crawl", "neural", "2019/790", "44b", "maschinell", "fouille",
    "exploration de", "apprentissage", "minería", "mineria", "aprendiza", "estrazione",
    "apprendimento", "eksploracj", "uczeni", "sztuczn", "minera", "prospe", "vytěžování", "uměl",
    "strojov",
)
# No leading \b: a pattern that starts with literals lets the engine skip ahead.
_ACRONYM = re.compile(r"(?:AI|A\.I|KI|IA|SI|TDM|LLMs?)\b")


def has_mining_acronym(text: str) -> bool:
    """AI, KI, IA, SI, TDM or LLM as a word of its own."""
    for m in _ACRONYM.finditer(text):
        start = m.start()
        if start == 0 or not text[start - 1].isalnum():
            return True
    return False


def mentions_mining(text: str, folded: str | None = None) -> bool:
    """Fast test: could ``text`` name text-and-data mining or machine use at all?"""
    low = text.casefold() if folded is None else folded
    return any(stem in low for stem in MINING_STEMS) or has_mining_acronym(text)


def is_reservation_notice(line: str, folded: str | None = None, *, mining_checked: bool = False) -> bool:
    """True when ``line`` reserves TDM / machine use of the content.

    ``mining_checked``: the caller already knows the line passes :func:`mentions_mining`.
    """
    low = line.casefold() if folded is None else folded
    if not (mining_checked or mentions_mining(line, low)) or not any(stem in low for stem in _CUE_STEMS):
        return False
    if not (MINING.search(low) or MINING_ACRONYMS.search(line)) or not CUE.search(low):
        return False
    return not _REPORTING.search(line)


def signals_from_html(html: str) -> tuple[str, ...]:
    """TDMRep and robots meta tags found in ``html`` (``meta:name=value``)."""
    found: list[str] = []
    head = html[:200_000]
    for tag in _META.findall(head):
        name = _META_NAME.search(tag)
        content = _META_CONTENT.search(tag)
        if not name or not content:
            continue
        key = name.group(1).strip().lower()
        value = content.group(1).strip()
        if key in ("tdm-reservation", "tdm-policy") or (
            key in ("robots", "googlebot", "ccbot", "gptbot") and _NOAI_SIGNAL.search(value)
        ):
            found.append(f"meta:{key}={value}")
    return tuple(found)


def _signal_reserves(signal: str) -> bool:
    return bool(_TDM_SIGNAL.search(signal) or _NOAI_SIGNAL.search(signal))


@functools.lru_cache(maxsize=1)
def _html_parser() -> object:
    import lxml.html

    return lxml.html


def footer_text(html: str) -> str:
    """Visible text of the page's footer-like elements, one block per line."""
    lxml_html = _html_parser()
    try:
        tree = lxml_html.fromstring(html)  # type: ignore[attr-defined]
    except (ValueError, TypeError, Exception):  # noqa: BLE001 - malformed markup is common
        return ""
    for bad in tree.xpath("//script | //style | //noscript | //template"):
        bad.drop_tree()
    blocks: list[str] = []
    for el in tree.xpath(_FOOTER_XPATH):
        leaves = el.xpath(_LEAF_XPATH) or [el]
        for leaf in leaves:
            text = " ".join(leaf.text_content().split())
            if text and text not in blocks:
                blocks.append(text)
    return "\n".join(blocks)


def visible_blocks(html: str) -> str:
    """Visible text of the page's leaf blocks (paragraphs, list items, small print)."""
    lxml_html = _html_parser()
    try:
        tree = lxml_html.fromstring(html)  # type: ignore[attr-defined]
    except (ValueError, TypeError, Exception):  # noqa: BLE001 - malformed markup is common
        return ""
    for bad in tree.xpath("//script | //style | //noscript | //template"):
        bad.drop_tree()
    blocks = (" ".join(el.text_content().split()) for el in tree.xpath(_BLOCK_XPATH))
    return "\n".join(b for b in blocks if b)


def _notice_in(text: str) -> str | None:
    """The first line (paragraph) of ``text`` that is a reservation notice."""
    if not mentions_mining(text):
        return None
    for line in text.splitlines():
        if is_reservation_notice(line):
            notice = line.strip()
            return notice if len(notice) <= NOTICE_MAX_CHARS else notice[: NOTICE_MAX_CHARS - 1] + "…"
    return None


def detect_rights(
    text: str, html: str | None = None, signals: Iterable[str] = (), *, scan_text: bool = True
) -> Rights:
    """The rights an article's publisher states for text-and-data mining.

    ``scan_text=False`` skips the search of ``text`` for a notice (the caller
    already knows it names no mining use).
    """
    sigs = list(dict.fromkeys(signals))
    if html:
        for s in signals_from_html(html):
            if s not in sigs:
                sigs.append(s)
    notice = _notice_in(text) if scan_text else None
    if notice is None and html and mentions_mining(html):
        notice = _notice_in(footer_text(html)) or _notice_in(visible_blocks(html))
    reserved = notice is not None or any(_signal_reserves(s) for s in sigs)
    return Rights(tdm_reserved=reserved, notice=notice, signals=tuple(sigs))
