"""Number phrases in running text, with their bounds; no parse needed.

:func:`find_amounts` scans a text and returns :class:`Amount` spans for
numbers written in digits ("2,700", "2.700", "10k", "1.5 million"), in words
("two", "twenty-five", "ten thousand", "a dozen") and as vague amounts
("dozens", "hundreds", "a handful"), together with the qualifier in front of
them and explicit ranges ("between 200 and 300", "200-300", "200 to 300",
"two or three").

Reading rules (each a documented choice, not a guess per case):

* ``1,234`` and ``1.234`` are thousands (a dot followed by exactly three digits
  is read as the European thousands separator unless a scale word such as
  "million" follows: "1.500 million" is 1.5 million). ``2.5`` is a decimal.
* ``10k`` is 10,000; "bn"/"mln" multiply by 1e9/1e6, "lakh"/"crore" by
  1e5/1e7 ("5 lakh people" is 500,000). A bare "m" is *not* read
  as million, because "10m" is far more often ten metres.
* A number glued to letters ("155mm", "30km", "1990s", "2nd") is not an
  amount at all and is never matched.

Qualifiers and the bounds they give (``value`` is always the stated number
when there is one; the invariant ``low <= value <= high`` holds wherever the
three are not None):

=================================================  ============  =====================
phrase in front                                    qualifier     bounds
=================================================  ============  =====================
(none)                                             exact         low = high = value
at least, no fewer/less than, a minimum of         at_least      low = value
more than, over, above, in excess of, upwards of   more_than     low = value
up to, as many as, no more than, at most           at_most       high = value
fewer than, less than, under, below                less_than     high = value
about, around, nearly, roughly, some, almost,      approx        no band: low = high
approximately, an estimated, close to, "a dozen"                 = None
=================================================  ============  =====================

"between X and Y", "X-Y", "X to Y", "X or Y" give ``range`` with low = X,
high = Y and value None; "from X to Y" right after a verb of change ("rose
from 20 to 45") is two numbers, not a range.

Vague amounts are ranges with value None, chosen as the smallest and largest
amount the word is normally used for:

=============================  =======================
a handful                      2 - 5
dozens                         24 - 99
scores (of)                    40 - 199
hundreds                       200 - 999
thousands                      2,000 - 9,999
tens of thousands              20,000 - 99,999
hundreds of thousands          200,000 - 999,999
millions                       2,000,000 - 9,999,999
several <N> (dozen, hundred…)  3N - 9N
a few <N>                      2N - 5N
=============================  =======================

A qualifier in front of a vague amount keeps its bound and drops the other
("at least hundreds": at_least, low 200).
"""

from __future__ import annotations

import bisect
import math
import re
from dataclasses import dataclass

__all__ = ["Amount", "find_amounts", "not_a_count", "parse_number_words", "phone_spans"]


@dataclass(frozen=True, slots=True)
class Amount:
    """A number phrase: span into the text, the stated value and its bounds."""

    start: int
    end: int
    value: float | None
    low: float | None
    high: float | None
    qualifier: str
    vague: bool = False
    spelled: str = "digits"  # digits | words | vague
    qualifier_start: int | None = None  # where a qualifier phrase in front begins


_UNIT_WORDS = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen "
    "fourteen fifteen sixteen seventeen eighteen nineteen"
)
UNITS: dict[str, int] = {w: i for i, w in enumerate(_UNIT_WORDS.split(" "))}
_TENS_WORDS = "twenty thirty forty fifty sixty seventy eighty ninety"
TENS: dict[str, int] = {w: 10 * (i + 2) for i, w in enumerate(_TENS_WORDS.split(" "))}
SCALES: dict[str, int] = {
    "dozen": 12,
    "hundred": 100,
    "thousand": 1_000,
    "million": 1_000_000,
    "billion": 1_000_000_000,
}
VAGUE: dict[str, tuple[float, float]] = {
    "a handful": (2, 5),
    "dozens": (24, 99),
    "scores": (40, 199),
    "hundreds": (200, 999),
    "thousands": (2_000, 9_999),
    "tens of thousands": (20_000, 99_999),
    "hundreds of thousands": (200_000, 999_999),
    "millions": (2_000_000, 9_999_999),
}

_WORD = r"(?:" + "|".join(sorted([*UNITS, *TENS, *SCALES], key=len, reverse=True)) + r")\b"
_SCALE = r"(?:dozen|hundred|thousand|million|billion)\b"
_SOUTH_ASIAN = r"(?:lakhs?|crores?)\b"  # 1e5 and 1e7, as written in South Asian news
_DIGITS = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d{1,3}(?:\.\d{3})+(?![\d,])|\d+(?:\.\d+)?"

ATOM = re.compile(
    r"(?<![\w.,])(?:"
    r"(?P<vague>tens\s+of\s+thousands|hundreds\s+of\s+thousands"
    r"|(?:several|a\s+few)\s+" + _SCALE + r"s?(?!\s+of\s+thousands)"
    r"|dozens|hundreds|thousands|millions|scores(?=\s+of\b)|a\s+handful)"
    r"|(?P<digits>(?:"
    + _DIGITS
    + r")(?:k\b|K\b|\s?(?:bn|mln)\b|\s+"
    + _SCALE
    + r"|\s+"
    + _SOUTH_ASIAN
    + r")?)"
    r"|(?P<words>(?:half\s+)?(?:an?\s+(?="
    + _SCALE
    + r"))?"
    + _WORD
    + r"(?:(?:\s+and\s+|[\s-]+)"
    + _WORD
    + r")*)"
    r")(?!\w|[.,]\d)",
    re.IGNORECASE,
)

_QUALIFIERS: tuple[tuple[str, str], ...] = (
    (
        "at_least",
        r"at\s+least|no\s+fewer\s+than|no\s+less\s+than|not\s+less\s+than|a\s+minimum\s+of",
    ),
    (
        "at_most",
        r"up\s+to|as\s+many\s+as|no\s+more\s+than|not\s+more\s+than|at\s+most|a\s+maximum\s+of",
    ),
    ("more_than", r"more\s+than|over|above|in\s+excess\s+of|upwards\s+of|exceeding"),
    ("less_than", r"fewer\s+than|less\s+than|under|below"),
    (
        "approx",
        r"about|around|nearly|roughly|some|almost|approximately|an\s+estimated|estimated"
        r"|close\s+to|circa|approx\.",
    ),
)
QUALIFIER_BEFORE = re.compile(
    r"\b(?:" + "|".join(f"(?P<{q}>{p})" for q, p in _QUALIFIERS) + r")\s+$", re.IGNORECASE
)
_RANGE_GAP = re.compile(r"\s*(?:-|–|—|to|or)\s*|\s+and\s+", re.IGNORECASE)
_BETWEEN_BEFORE = re.compile(r"\bbetween\s+$", re.IGNORECASE)
_CHANGE_FROM = re.compile(
    r"\b(?:rose|risen|rising|rises|increased|increasing|climbed|climbing|jumped|grew|grown|fell|"
    r"fallen|dropped|declined|went|gone|up|down)\s+from\s+$",
    re.IGNORECASE,
)


#: a run of number words stops growing past this (no count is larger)
_WORDS_VALUE_MAX = 10**15


def parse_number_words(words: list[str]) -> tuple[float, int] | None:
    """Value of the longest leading run of number words, and how many words it used.

    ``["twenty", "five"]`` -> (25, 2); ``["two", "hundred", "and", "fifty"]``
    -> (250, 4); ``["one", "two"]`` -> (1, 1).
    """
    total = 0
    current = 0
    used = 0
    last = ""  # unit | teen | tens | scale
    for i, raw in enumerate(words):
        if total + current > _WORDS_VALUE_MAX:
            break  # "one hundred and one hundred and ..." would grow past any float
        w = raw.lower()
        if w == "and":
            if last == "scale" and i + 1 < len(words):
                continue
            break
        if w in UNITS:
            n = UNITS[w]
            if (
                last in ("unit", "teen")
                or (last == "tens" and n >= 10)
                or (last == "tens" and n == 0)
            ):
                break
            current += n
            last = "teen" if n >= 10 else "unit"
        elif w in TENS:
            if last in ("unit", "teen", "tens") or (current % 100) != 0:
                break
            current += TENS[w]
            last = "tens"
        elif w in SCALES:
            scale = SCALES[w]
            if last == "scale" and scale <= 100:
                break
            if scale == 100 or scale == 12:
                current = max(current, 1) * scale
            else:
                total += max(current, 1) * scale
                current = 0
            last = "scale"
        else:
            break
        used = i + 1
    if used == 0:
        return None
    return float(total + current), used


def _digits_value(text: str) -> float | None:
    m = re.match(
        r"([\d.,]+)\s*(k|bn|mln|dozen|hundred|thousand|million|billion|lakh|crore)?",
        text,
        re.IGNORECASE,
    )
    if m is None:
        return None
    num, scale = m.group(1), (m.group(2) or "").lower()
    if "," in num:
        num = num.replace(",", "")
    elif re.fullmatch(r"\d{1,3}(?:\.\d{3})+", num) and not (scale and num.count(".") == 1):
        num = num.replace(".", "")
    try:
        value = float(num)
    except ValueError:
        return None
    mult = {
        "k": 1_000,
        "bn": 1_000_000_000,
        "mln": 1_000_000,
        "lakh": 100_000,
        "crore": 10_000_000,
        **SCALES,
    }.get(scale, 1)
    value *= mult
    # a run of hundreds of digits overflows to infinity: a string of digits, not an amount
    return value if math.isfinite(value) else None


def _vague_bounds(text: str) -> tuple[float, float]:
    key = " ".join(text.lower().split())
    if key in VAGUE:
        return VAGUE[key]
    head, _, scale = key.partition(" ")
    if head == "a":  # "a few hundred"
        _, _, scale = scale.partition(" ")
        lo_mult, hi_mult = 2, 5
    else:  # "several hundred"
        lo_mult, hi_mult = 3, 9
    base = SCALES[scale.rstrip("s")]
    return float(lo_mult * base), float(hi_mult * base)


@dataclass(frozen=True, slots=True)
class _Atom:
    start: int
    end: int
    kind: str  # digits | words | vague
    value: float | None
    low: float
    high: float
    scaled: bool


#: the only non-ASCII characters that IGNORECASE matches to an ASCII letter (İ ı ſ K)
_FOLDS_TO_ASCII = re.compile("[\u0130\u0131\u017f\u212a]")


def folded(text: str) -> str | None:
    """``text`` lower-cased, where a :func:`caseless` pattern finds in it exactly what its
    IGNORECASE original finds in ``text``: same length, and no character that IGNORECASE
    matches to an ASCII letter (lower-casing changes no character's \\w, \\d or \\s class).
    None otherwise."""
    low = text.lower()
    if len(low) != len(text) or (not text.isascii() and _FOLDS_TO_ASCII.search(text)):
        return None
    return low


def caseless(pattern: re.Pattern[str]) -> re.Pattern[str]:
    """``pattern`` (IGNORECASE, lower-case literals only) without IGNORECASE, for text that
    :func:`folded` lower-cased: the same matches at half the cost."""
    if re.search(r"[A-Z]", re.sub(r"\\.|\(\?P[<=]", "", pattern.pattern)):
        raise ValueError(f"caseless: an upper-case literal in {pattern.pattern[:40]!r}")
    return re.compile(pattern.pattern, pattern.flags & ~re.IGNORECASE)


_ATOM_FOLDED = caseless(re.compile(ATOM.pattern.replace("|K\\b", ""), re.IGNORECASE))


def _atoms(text: str, low: str | None = None) -> list[_Atom]:
    """Number atoms of ``text``; ``low`` is ``folded(text)`` where known."""
    out: list[_Atom] = []
    for m in ATOM.finditer(text) if low is None else _ATOM_FOLDED.finditer(low):
        kind = m.lastgroup or "digits"
        start, end = m.start(), m.end()
        raw = text[start:end]
        if kind == "vague":
            lo, hi = _vague_bounds(raw)
            out.append(_Atom(start, end, kind, None, lo, hi, True))
            continue
        if kind == "words":
            words = re.split(r"[\s-]+", raw)
            half = words[0].lower() == "half"
            if half:
                words = words[1:]
            if words[0].lower() in ("a", "an"):
                words[0] = "one"
            parsed = parse_number_words(words)
            if parsed is None:
                continue
            value, used = parsed
            if used < len(words):  # "one two" -> only "one"; trim the span to the words used
                seps = list(re.finditer(r"[\s-]+", raw))
                cut = used + (1 if half else 0)
                end = start + seps[cut - 1].start()
            if half:
                value /= 2
            scaled = any(w.lower() in SCALES for w in words[:used])
            out.append(_Atom(start, end, kind, value, value, value, scaled))
            continue
        amount = _digits_value(raw)
        if amount is None:
            continue
        scaled = bool(re.search(r"[a-zA-Z]", raw))
        out.append(_Atom(start, end, kind, amount, amount, amount, scaled))
    return out


_QUALIFIER_FOLDED = caseless(QUALIFIER_BEFORE)


def _qualifier(text: str, start: int, low: str | None = None) -> tuple[str, int] | None:
    """The qualifier right before ``start``; ``low`` is ``folded(text)`` where known."""
    if low is None:
        m = QUALIFIER_BEFORE.search(text, max(0, start - 30), start)
    else:
        m = _QUALIFIER_FOLDED.search(low, max(0, start - 30), start)
    if m is None:
        return None
    return (m.lastgroup or "approx"), m.start()


def _single(atom: _Atom, text: str, low: str | None = None) -> Amount:
    q = _qualifier(text, atom.start, low)
    qual, qstart = q if q else (None, None)
    spelled = atom.kind
    if atom.kind == "vague":
        lo, hi = atom.low, atom.high
        if qual in ("at_least", "more_than"):
            return Amount(atom.start, atom.end, None, lo, None, qual, True, spelled, qstart)
        if qual in ("at_most", "less_than"):
            return Amount(atom.start, atom.end, None, None, hi, qual, True, spelled, qstart)
        return Amount(atom.start, atom.end, None, lo, hi, "range", True, spelled, qstart)
    v = atom.value
    if qual is None and re.match(r"a\s+dozen\b", text[atom.start : atom.end], re.IGNORECASE):
        qual = "approx"
    if qual in ("at_least", "more_than"):
        return Amount(atom.start, atom.end, v, v, None, qual, False, spelled, qstart)
    if qual in ("at_most", "less_than"):
        return Amount(atom.start, atom.end, v, None, v, qual, False, spelled, qstart)
    if qual == "approx":
        return Amount(atom.start, atom.end, v, None, None, qual, False, spelled, qstart)
    return Amount(atom.start, atom.end, v, v, v, "exact", False, spelled, None)


def _as_range(a: _Atom, b: _Atom, text: str, low: str | None = None) -> Amount | None:
    """``a`` and ``b`` joined into one range amount, or None when they are not a range."""
    if a.kind == "vague" or b.kind == "vague" or a.value is None or b.value is None:
        return None
    gap = text[a.end : b.start]
    m = _RANGE_GAP.fullmatch(gap)
    if m is None:
        return None
    joiner = gap.strip().lower()
    before = text[max(0, a.start - 40) : a.start]
    if joiner == "and" and not _BETWEEN_BEFORE.search(before):
        return None
    if joiner == "to" and _CHANGE_FROM.search(before):
        return None
    if joiner in ("-", "–", "—") and gap != joiner and a.kind == "digits":
        return None  # "300 - 400" with spaces is as likely a score or a list
    lo, hi = a.value, b.value
    if b.scaled and not a.scaled:
        scale = b.value / max(1.0, float(_leading_value(text[b.start : b.end])))
        if a.value * scale <= b.value:
            lo = a.value * scale
    if not lo < hi:
        return None
    qstart: int | None = None
    q = _qualifier(text, a.start, low)
    if joiner == "and":
        qstart = a.start - len(before) + _BETWEEN_BEFORE.search(before).start()  # type: ignore[union-attr]
    elif q is not None:
        qstart = q[1]
    return Amount(a.start, b.end, None, lo, hi, "range", False, a.kind, qstart)


def _leading_value(text: str) -> float:
    m = re.match(r"[\d.,]+", text)
    if m is not None:
        v = _digits_value(m.group())
        return v if v else 1.0
    parsed = parse_number_words(re.split(r"[\s-]+", text)[:1])
    return parsed[0] if parsed and parsed[0] else 1.0


def find_amounts(text: str) -> list[Amount]:
    """Every number phrase in ``text``, left to right, with qualifier and bounds."""
    low = folded(text)
    atoms = _atoms(text, low)
    out: list[Amount] = []
    i = 0
    while i < len(atoms):
        if i + 1 < len(atoms):
            joined = _as_range(atoms[i], atoms[i + 1], text, low)
            if joined is not None:
                out.append(joined)
                i += 2
                continue
        out.append(_single(atoms[i], text, low))
        i += 1
    return out


# --------------------------------------------------------------------------- not counts

_UNIT_AFTER = re.compile(
    r"\s*(?:%|°|per\s*cent\b|percent(?:age)?\b|pc\b|"
    r"(?:km|kms|kilomet(?:re|er)s?|mi|miles?|met(?:re|er)s?|m|mm|cm|ft|feet|foot|inch(?:es)?|yards?"
    r"|kg|kilos?|kilograms?|grams?|g|lbs?|tonnes?|tons?|hectares?|acres?|sq|square|cubic|litres?"
    r"|liters?|gallons?|barrels?|bpd|mw|kw|gw|megawatts?|knots?|mph|kph|km/h"
    r"|seconds?|secs?|minutes?|mins?|hours?|hrs?|days?|nights?|weeks?|months?|years?|yrs?|decades?"
    r"|centuries|century|times|fold|o'clock|a\.m\.|p\.m\.|am|pm|gmt|utc|bst|cet|edt|est|local\s+time"
    r"|dollars?|euros?|pounds?|sterling|rubles?|roubles?|yuan|yen|rupees?|hryvnias?|shekels?"
    r"|dinars?|riyals?|rials?|lira|liras|pesos?|francs?|usd|eur|gbp|won\b(?=\s+\(|\s+in\b|\s+worth)"
    r"|degrees?|calibre|caliber|points?|votes?|seats?|-year-old|-year|year-old|years\s+old"
    r"|bytes?|mb|gb|tb)\b|%)",
    re.IGNORECASE,
)
_MONTHS = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_MONTH_AFTER = re.compile(r"\s*(?:of\s+)?" + _MONTHS + r"\b", re.IGNORECASE)
_MONTH_BEFORE = re.compile(r"\b" + _MONTHS + r"\s+$", re.IGNORECASE)
_MONEY_BEFORE = re.compile(
    r"(?:[$€£¥₹₽₩]|\b(?:US|A|C|HK|NZ)\$|\b(?:USD|EUR|GBP|Rs\.?|INR|RMB|CHF))\s*$",
    re.IGNORECASE,
)
_REFERENCE_BEFORE = re.compile(
    r"\b(?:page|pages|p\.|pp\.|section|sections|article|articles|paragraph|para|chapter|resolution"
    r"|no\.|nos\.|number|clause|rule|flight|route|highway|road|item|table|figure|fig\.|vol\.|volume"
    r"|episode|line|version|room|gate|platform|building|block|level|phase|grade|stage|round|match"
    r"|game|tier|zone|sector|step|part|annex|appendix|exhibit|channel|studio|bus|train|tel\.?"
    r"|phone|fax|code|unit|district|ward|precinct|camp|kilometre|kilometer|km|mile|hill|height"
    r"|aged|age|ages|year|years|day|week|month|season|class|apartment|flat|suite|floor)\s*"
    r"(?:\d+\s*(?:,|and|or|&)\s*)*$",
    re.IGNORECASE,
)
_HASH_BEFORE = re.compile(r"#\s*$")
_MODEL_BEFORE = re.compile(r"[A-Za-z]-$|[A-Za-z]$")  # Su-25, F-16, Hwasong-18, MiG-29
#: 10:30, 12/03, a score or code "3-2" (real ranges were joined before this check)
_GLUED = re.compile(r"^(?:[/:-]\d|\.\d|'s\b)")
_DIGIT_JOIN_BEFORE = re.compile(r"\d\s?[/:.-]$")
_HYPHEN_AFTER = re.compile(r"-(?!strong\b|man\b|member\b|person\b)[A-Za-z]")
_PHONE = re.compile(
    r"\+\d{1,3}(?:[\s.()-]{1,2}\d{1,5}){2,}|\(?\b\d{3}\)?[\s.-]\d{3}[\s.-]\d{4}\b|\b\d{3,5}[\s.-]\d{6,8}\b"
)
_AGE_NAME_BEFORE = re.compile(r"[A-Z][a-z]+ ?,\s*$")  # "Tamerlan, " (or tokenised "Tamerlan , ")
_AGE_COMMA_AFTER = re.compile(r" ?,")


#: where a phone number can start ("+", "(" or a digit)
_PHONE_START = re.compile(r"[+(\d]")


def phone_spans(text: str) -> list[tuple[int, int]]:
    """Spans of phone numbers, whose digit groups are never amounts.

    The same spans as ``_PHONE.finditer``, but the pattern is tried only where
    a phone number can start: its alternation has no prefix the regex engine
    can skip ahead with, so scanning every character cost more than the rest
    of the figures stage's text work.
    """
    out: list[tuple[int, int]] = []
    pos = 0
    while True:
        c = _PHONE_START.search(text, pos)
        if c is None:
            return out
        m = _PHONE.match(text, c.start())
        if m is None:
            pos = c.start() + 1
            continue
        out.append((m.start(), m.end()))
        pos = m.end()


_CASELESS: dict[re.Pattern[str], re.Pattern[str]] = {
    p: caseless(p) for p in (_UNIT_AFTER, _REFERENCE_BEFORE, _MONTH_AFTER, _MONTH_BEFORE)
}


def _matches(pattern: re.Pattern[str], text: str, low: str | None) -> bool:
    """``pattern.match(text)``, on the folded text where there is one."""
    return (pattern.match(text) if low is None else _CASELESS[pattern].match(low)) is not None


def _searches(pattern: re.Pattern[str], text: str, low: str | None) -> bool:
    """``pattern.search(text)``, on the folded text where there is one."""
    return (pattern.search(text) if low is None else _CASELESS[pattern].search(low)) is not None


def not_a_count(text: str, a: Amount, phones: list[tuple[int, int]]) -> bool:
    """True when the words around amount ``a`` show it is not a count: a year part, a
    measure, money, a percentage, an age, a model name, a phone number, a reference."""
    start = a.qualifier_start if a.qualifier_start is not None else a.start
    before = text[max(0, start - 25) : start]
    after = text[a.end : a.end + 30]
    i = bisect.bisect_left(phones, (a.end, -1)) - 1  # the last phone starting before a.end
    if i >= 0 and phones[i][1] > a.start:
        return True
    if _MONEY_BEFORE.search(before) or _HASH_BEFORE.search(before):
        return True
    if before.endswith("[") and after.startswith("]"):  # a citation mark: "[12]"
        return True
    if a.spelled == "digits" and (
        _MODEL_BEFORE.search(before) or _DIGIT_JOIN_BEFORE.search(before)
    ):
        return True
    if _GLUED.match(after) or _HYPHEN_AFTER.match(after):
        return True
    low_before, low_after = folded(before), folded(after)
    if _matches(_UNIT_AFTER, after, low_after) and not after.lstrip().lower().startswith(
        ("am ", "won ")
    ):
        return True
    if a.qualifier_start is None and _searches(_REFERENCE_BEFORE, before, low_before):
        return True
    if a.spelled == "digits" and (
        _matches(_MONTH_AFTER, after, low_after) or _searches(_MONTH_BEFORE, before, low_before)
    ):
        return True
    # "Kim Jong-il, 40, said": an age between commas after a name
    return bool(
        a.spelled == "digits"
        and a.value is not None
        and a.value < 120
        and _AGE_NAME_BEFORE.search(before) is not None
        and _AGE_COMMA_AFTER.match(after) is not None
    )
