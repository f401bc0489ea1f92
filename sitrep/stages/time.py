"""Time expressions, normalised against the publication date, with precision.

Adds ``Document.times``: one :class:`~sitrep.records.TimeMention` per time
expression, with ``value_start``/``value_end`` (ISO dates, inclusive), a
``precision`` (day|week|month|season|year|range|unknown) and ``timex``, a
TIMEX3-style value ("2024-01-12", "2024-01", "2024-W03", "2024-SU", "2024-Q3",
"199" for the 1990s, "2024-W23-WE", "2024-01-12T06:00", "PRESENT_REF", "P3D").

The finder is ours: one compiled alternation per pattern family (numeric
dates, written dates, months, years, decades, seasons, weekdays, clock times,
quarters and halves, deictic words, relative units, "N units ago/later",
durations), each linear in the text. A token pass first marks windows around
trigger words (month and weekday names, unit words, digits, ...) and the
families scan only those. Candidates are merged longest-first, so
"12 January 2024" wins over "January 2024" inside it. It works on the text
alone: the regex families need neither tokens nor tags, and spaCy's parse would
only add sentence boundaries, so the stage does not need ``parse`` and costs a
small fraction of it. Spans follow TimeML: prepositions (on, in, by, for) are
left out; modifiers that change the period (early, mid, late, last, earlier
this) are kept.

Rules, stated once:

* **Publication date.** Relative and year-less expressions are resolved against
  ``doc.published``. Without it, only expressions that carry their own year
  get values; others keep their precision, value ``None`` and a timex with
  unknown parts ("XXXX-03-05", "XXXX-01", "XXXX-WXX-1") or ``None``. A year is
  never invented.
* **Tense rule** (bare months, day-months, weekdays, seasons, quarters,
  weekends): the expression means the most recent one not after publication
  ("in January", "on Monday": the publication day itself counts), unless the
  tense cue nearest to it in its sentence is future ("will", "'ll", "plans to",
  "scheduled", "expected to", ...): then the next one on or after publication
  (for weekdays strictly after). A year-less date or month that starts within
  ``NEAR_FUTURE_DAYS`` after publication is that coming one, unless a past
  cue sits right beside it ("Congress reconvenes Jan. 24" / "it happened on
  20 July"). "last"/"next"/"this" override the tense.
* **Modifiers.** early = days 1-10 of a month, Jan-Apr of a year; mid = days
  11-20, May-Aug; late / the end of = day 21 to month end, Sep-Dec. These have
  precision ``range`` and keep the timex of the whole unit. Seasons are
  meteorological (spring Mar-May ... winter Dec-Feb, named by its December).
* **"by X"** is the range from publication (or unknown start) to the end of X;
  "since X" the range from the start of X to publication (or unknown end);
  "earlier this year" runs from the start of the year to publication.
* **Anchor rule.** "two weeks later", "four months after", "a day earlier",
  "the next day", "later that year", "that night" and a clock time without a
  day are counted from the previous time mention in the text that has a value
  (durations and vague references never anchor). When that anchor is coarser
  than the step ("in 2022 ... four months after"), the whole anchor span is
  shifted and the precision is ``range``. With no anchor, "later/after" get no
  value and the timex of the duration ("P2W"); "earlier/before" count back
  from publication, as "N units ago" always does.
* **Durations** ("for three days", "the past two years", "recent years") are
  not points: precision ``unknown`` and a duration timex ("P3D", "PXY");
  "the past/last N units" also gets the range from publication back N units.
"""

from __future__ import annotations

import bisect
import calendar
import dataclasses
import itertools
import re
from collections.abc import Callable
from datetime import date, timedelta

from dateutil.easter import easter
from dateutil.relativedelta import relativedelta

from ..pipeline import Stage
from ..records import Document, TimeMention

__all__ = ["NAME", "STAGE", "find_times"]

NAME = "sitrep.time.v1"

#: a year-less date or month starting at most this many days after publication
#: is taken as that coming one unless its sentence has a past-tense cue
#: ("Congress reconvenes Jan. 24")
NEAR_FUTURE_DAYS = 45
#: ... where "its sentence has a past-tense cue" means one this close ("happened on 20 July")
PAST_VETO_CHARS = 12

# --------------------------------------------------------------------------- vocabulary

_MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
    "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12,
}  # fmt: skip
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_SEASONS = {"spring": ("SP", 3), "summer": ("SU", 6), "autumn": ("FA", 9), "fall": ("FA", 9), "winter": ("WI", 12)}
_ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "1st": 1, "2nd": 2, "3rd": 3, "4th": 4}
_SMALL = (
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
    "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen",
)  # fmt: skip
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90}
_UNIT_CODES = {
    "second": "TS", "minute": "TM", "hour": "TH", "day": "D", "week": "W",
    "fortnight": "W", "month": "M", "year": "Y", "decade": "DE", "century": "CE",
}  # fmt: skip

_MONTH_NAMES = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip
_MONTH = (
    r"\b(?P<mon>January|February|March|April|May|June|July|August|September|October|November|December"
    r"|Jan\.|Feb\.|Mar\.|Apr\.|Jun\.|Jul\.|Aug\.|Sept\.|Sep\.|Oct\.|Nov\.|Dec\."
    r"|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)"
)
_YEAR = r"(?P<year>(?:1[89]|20)\d\d)(?![\d%])"
_WEEKDAY = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_MOD = r"(?P<mod>(?i:early|mid|late|the\s+(?:end|beginning|start|middle)\s+of))[\s-]+"
_NUM = (
    r"(?P<num>\d+(?:\.\d+)?|(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)(?:[\s-](?:one|two|three"
    r"|four|five|six|seven|eight|nine))?|a\s+few|a\s+couple\s+of|several|many|few|one|two|three|four"
    r"|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen"
    r"|nineteen|an|a)"
)
_UNIT = r"(?P<unit>minute|hour|day|week|fortnight|month|year|decade|century|centuries)s?"

# --------------------------------------------------------------------------- pattern families
_F = re.IGNORECASE
_ISO = re.compile(r"(?<![\d-])(?P<year>\d{4})-(?P<m>\d\d)-(?P<d>\d\d)(?![\d-])")
_NUMERIC = re.compile(r"(?<![\d./])(?P<a>\d{1,2})(?P<sep>[./])(?P<b>\d{1,2})(?P=sep)(?P<year>\d{4})(?![\d.]\d)")
_DAY_MONTH = re.compile(
    rf"\b(?:{_WEEKDAY},?\s+)?(?:the\s+)?(?<!\d)(?P<d>[0-3]?\d)(?:st|nd|rd|th)?(?:\s+of)?\s+{_MONTH}(?![a-z])"
    rf"(?:,?\s+{_YEAR})?"
)
_MONTH_DAY = re.compile(
    rf"\b(?:{_WEEKDAY},?\s+|(?P<rel>(?i:last|this|next))\s+)?{_MONTH}\s+(?P<d>[0-3]?\d)(?:st|nd|rd|th)?(?!\d|:\d|,\d)(?:,?\s+{_YEAR})?"
)
_MONTH_DAY_RANGE = re.compile(  # "June 21-27", "July 25-Aug. 1, 2019"
    rf"{_MONTH}\s+(?P<d>[0-3]?\d)\s*[-–]\s*(?:{_MONTH.replace('mon', 'mon2')}\s+)?(?P<d2>[0-3]?\d)(?![\d:])"
    rf"(?:,?\s+{_YEAR})?"
)
_DAY_MONTH_RANGE = re.compile(  # "21-27 June 2024", "28 Feb - 3 March"
    rf"\b(?P<d>[0-3]?\d)\s*(?:{_MONTH.replace('mon', 'mon2')}\s*)?[-–]\s*(?P<d2>[0-3]?\d)\s+{_MONTH}(?![a-z])"
    rf"(?:,?\s+{_YEAR})?"
)
_MONTH_YEAR = re.compile(rf"\b(?:{_MOD}|(?P<rel>(?i:last|this|next|this\s+past))\s+)?{_MONTH}(?![a-z])"
    rf"(?:,?\s+(?:of\s+)?{_YEAR}|\s+(?P<ryear>(?i:this|last|next))\s+(?i:year)\b)?")
_YEAR_ONLY = re.compile(
    rf"\b(?:{_MOD}|(?i:the\s+year\s+))?(?<![\w$£€,.']){_YEAR}(?![\w%]|'(?!s\b)|-(?!(?:1[89]|20)\d\d\b)|[.,]\d)"
)
_DECADE = re.compile(rf"(?<!\w)(?:(?i:the)\s+)?(?:{_MOD})?(?:(?P<dec>1[89]\d0|20\d0)|'(?P<short>\d0))'?s\b")
_SEASON = re.compile(
    rf"\b(?:(?P<rel>(?i:last|this|next|this\s+past|early|late|mid|the))[\s-]+)?"
    rf"(?P<season>(?i:spring|summer|autumn|fall|winter))\b(?:\s+(?:of\s+)?{_YEAR})?"
)
_WEEKDAY_RE = re.compile(
    rf"\b(?:(?P<rel>(?i:last|next|this|this\s+coming|this\s+past))\s+)?(?P<wd>{_WEEKDAY})(?!s\b)"
    r"(?:\s+(?P<pod>morning|afternoon|evening|night))?"
)
_QUARTER = re.compile(
    rf"\b(?:{_YEAR}\s+)?(?:(?i:the)\s+)?(?:Q(?P<qn>[1-4])|(?P<qw>(?i:first|second|third|fourth|1st|2nd|3rd|4th))"
    rf"[\s-](?P<part>(?i:quarter|half)))\b(?:(?:\s+of|,)?\s+{_YEAR.replace('year', 'year2')})?"
)
_DAY_WORD = rf"{_WEEKDAY}|(?i:yesterday|today|tomorrow)"
_CLOCK = re.compile(
    rf"\b(?:(?P<day1>{_DAY_WORD})\s+(?:at\s+)?)?(?:(?P<h>[01]?\d)(?::(?P<min>[0-5]\d))?\s*(?P<ampm>(?i:a\.m\.|p\.m\.|a\.m|p\.m|am|pm))"
    r"(?!\w)|(?P<noon>(?i:noon|midnight)))(?:\s+(?:EDT|EST|CDT|CST|MDT|MST|PDT|PST|GMT|UTC|BST|CET|local\s+time))?"
    rf"(?:\s+(?:on\s+)?(?P<day2>{_DAY_WORD}))?"
)
_HOLIDAY = re.compile(
    rf"\b(?:(?P<rel>(?i:last|this|next))\s+)?(?P<hol>Christmas(?:\s+(?:Day|Eve))?|New\s+Year's\s+(?:Day|Eve)"
    rf"|Thanksgiving(?:\s+Day)?|Easter(?:\s+Sunday)?)\b(?:,?\s+{_YEAR})?"
)
_DEICTIC = re.compile(
    r"\b(?:(?P<word>yesterday|today|tomorrow|tonight|now|currently|nowadays|recently|lately)"
    r"|(?:the\s+)?(?P<vague>recent|coming)\s+(?P<vunit>day|week|month|year|decade)s"
    r"|(?P<rel>this|last|yesterday|tomorrow)\s+(?P<pod>morning|afternoon|evening|night)"
    r"|(?P<ref>the\s+(?:past|future)))\b",
    _F,
)
_RELATIVE_UNIT = re.compile(
    r"\b(?:(?P<side>earlier|later)\s+|(?P<mod>early|late|mid)[\s-]+)?(?P<rel>last|this|next|the\s+past|the\s+last|the\s+previous|the\s+coming"
    r"|the\s+current|the\s+next|the\s+following|the\s+same|the\s+prior|that\s+same|that|the)"
    r"\s+(?P<unit>day|weekend|week|month|year|decade|morning|afternoon|evening|night)\b"
    r"(?!s|-)",
    _F,
)
_APPROX = r"(?:(?:almost|nearly|about|around|roughly|some|over|more\s+than|less\s+than|at\s+least|at\s+most)\s+)?"
_SHIFT = re.compile(
    rf"\b{_APPROX}{_NUM}[\s-]+{_UNIT}\s+(?P<dir>ago|earlier|later|after|before|afterwards|from\s+now)\b", _F
)
_DURATION = re.compile(
    rf"\b(?P<lead>(?:the\s+)?(?:past|last|next|first|coming|previous)\s+|the\s+)?{_APPROX}{_NUM}[\s-]+{_UNIT}\b(?!-old|\s+old)",
    _F,
)
_BARE_DURATION = re.compile(r"(?<=\bfor\s)(?P<unit>day|week|month|year|decade)s\b", _F)

_BY = re.compile(r"(?:^|\W)by\s$", _F)
_SINCE = re.compile(r"(?:^|\W)since\s$", _F)
_DEADLINE_LEAD = re.compile(r"\b(?:by|until|till|through)\s+$", _F)
_FUTURE_OR_PAST = re.compile(
    r"\b(?:(?P<fut>will|shall|won't|going\s+to|plans?\s+to|planned|scheduled|expected|due\s+to|set\s+to"
    r"|intends?\s+to|upcoming|next)|(?P<past>said|says|was|were|had|has|have|did|been|ago|\w+ed))\b|(?P<ll>'ll\b)",
    _F,
)
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"”’']?\s+(?=[\"“‘']?[A-Z])|\n")
_PLURAL_AFTER = re.compile(r"\s+(?:[a-z]+s|percent|per)\b")
_MAY_MARCH_CUE = re.compile(
    r"(?:\b(?:in|of|since|until|till|through|by|early|late|last|next|this|during|before|after|from|to|between"
    r"|and|end|beginning|start|middle)\s+|mid-)$",
    _F,
)

# --------------------------------------------------------------------------- calendar


def _month_end(y: int, m: int) -> date:
    return date(y, m, calendar.monthrange(y, m)[1])


def _season_span(y: int, code: str) -> tuple[date, date]:
    start_month = {"SP": 3, "SU": 6, "FA": 9, "WI": 12}[code]
    start = date(y, start_month, 1)
    last_month = start_month + 2  # the day before the start + 3 months, without relativedelta
    return start, _month_end(y + 1, last_month - 12) if last_month > 12 else _month_end(y, last_month)


def _iso(d: date | None) -> str | None:
    return None if d is None else d.isoformat()


@dataclasses.dataclass(frozen=True, slots=True)
class _Value:
    """A resolved expression before it becomes a TimeMention."""

    start: date | None
    end: date | None
    precision: str
    timex: str | None
    point: bool = True  # False for durations and vague references: never an anchor


def _unit_value(d: date, precision: str) -> _Value:
    """The calendar unit of ``precision`` that contains ``d``."""
    if precision == "day":
        return _Value(d, d, "day", d.isoformat())
    if precision == "week":
        y, w, wd = d.isocalendar()
        monday = d - timedelta(days=wd - 1)
        return _Value(monday, monday + timedelta(days=6), "week", f"{y}-W{w:02d}")
    if precision == "month":
        return _Value(d.replace(day=1), _month_end(d.year, d.month), "month", f"{d.year:04d}-{d.month:02d}")
    if precision == "decade":
        y0 = d.year - d.year % 10
        return _Value(date(y0, 1, 1), date(y0 + 9, 12, 31), "range", str(y0 // 10))
    return _Value(date(d.year, 1, 1), date(d.year, 12, 31), "year", f"{d.year:04d}")


def _modified(v: _Value, mod: str | None) -> _Value:
    """Apply early/mid/late to a month or year value (precision becomes range)."""
    if not mod or v.start is None or v.end is None:
        return v
    m = mod.lower()
    third = 0 if m.startswith(("early", "the beginning", "the start")) else 1 if m.startswith(("mid", "the middle")) else 2
    s, e = v.start, v.end
    if v.precision == "month":
        bounds = ((1, 10), (11, 20), (21, e.day))[third]
        return _Value(s.replace(day=bounds[0]), s.replace(day=bounds[1]), "range", v.timex)
    if v.precision == "year":
        months = ((1, 4), (5, 8), (9, 12))[third]
        return _Value(date(s.year, months[0], 1), _month_end(s.year, months[1]), "range", v.timex)
    if v.precision == "range" and v.timex and len(v.timex) == 3:  # decade
        y0 = s.year + (0, 3, 7)[third]
        y1 = s.year + (3, 6, 9)[third]
        return _Value(date(y0, 1, 1), date(y1, 12, 31), "range", v.timex)
    return v


def _count(text: str) -> float | None:
    t = " ".join(text.lower().replace("-", " ").split())
    if t in ("a", "an"):
        return 1
    if t in _SMALL:
        return _SMALL.index(t)
    parts = t.split()
    if parts and parts[0] in _TENS:
        return _TENS[parts[0]] + (_SMALL.index(parts[1]) if len(parts) > 1 else 0)
    try:
        return float(t)
    except ValueError:
        return None  # several, a few, many: unknown count


def _duration_timex(n: float | None, unit: str) -> str:
    unit = "century" if unit.lower().startswith("centur") else unit.lower()
    code = _UNIT_CODES[unit]
    if unit == "fortnight" and n is not None:
        n *= 2
    num = "X" if n is None else (str(int(n)) if float(n).is_integer() else str(n))
    return f"PT{num}{code[1]}" if code.startswith("T") else f"P{num}{code}"


#: unit -> (relativedelta field, multiple, precision of the result)
_STEPS = {
    "day": ("days", 1, "day"), "week": ("weeks", 1, "week"), "fortnight": ("weeks", 2, "week"),
    "month": ("months", 1, "month"), "year": ("years", 1, "year"), "decade": ("years", 10, "year"),
}  # fmt: skip


def _shift(d: date, n: float, unit: str) -> tuple[date, str] | None:
    unit = unit.lower()
    if not float(n).is_integer():
        return None
    k = int(n)
    step = _STEPS.get(unit)
    if step is None:
        return None
    field, times, precision = step
    delta = relativedelta(**{field: times * k})  # only the one this unit needs
    try:
        return d + delta, precision
    except (ValueError, OverflowError):  # beyond year 1..9999 ("5000 years ago")
        return None


# --------------------------------------------------------------------------- context


class _Context:
    """What resolution needs besides the match: publication date, tense, anchor."""

    def __init__(self, text: str, published: date | None) -> None:
        self.text = text
        self.pub = published
        self.anchor: _Value | None = None
        self._bounds = [0] + [m.end() for m in _SENTENCE_END.finditer(text)] + [len(text) + 1]

    def future(self, start: int, end: int) -> bool:
        """True when the tense cue nearest to [start, end) in its sentence is future."""
        return self.tense(start, end) == "future"

    def tense(self, start: int, end: int, reach: int = 120) -> str | None:
        """"future", "past" or None: the tense cue nearest to [start, end) in its sentence,
        at most ``reach`` characters away."""
        i = bisect.bisect_right(self._bounds, start) - 1
        s0 = max(self._bounds[i], start - 120)
        s1 = min(self._bounds[i + 1] if i + 1 < len(self._bounds) else len(self.text), end + 80)
        best: tuple[int, bool] | None = None
        for m in _FUTURE_OR_PAST.finditer(self.text, s0, s1):
            if start <= m.start() < end:
                continue
            dist = start - m.end() if m.end() <= start else m.start() - end
            is_future = m.group("past") is None
            if best is None or dist < best[0]:
                best = (dist, is_future)
        return None if best is None or best[0] > reach else "future" if best[1] else "past"


def _pick_year(ctx: _Context, start: int, end: int, first: Callable[[int], date], last: Callable[[int], date]) -> int | None:
    """Year of a year-less expression by the tense rule (None without publication date)."""
    pub = ctx.pub
    if pub is None:
        return None
    past_y = pub.year if first(pub.year) <= pub else pub.year - 1
    next_y = pub.year if last(pub.year) >= pub else pub.year + 1
    if past_y == next_y:  # publication falls inside it
        return past_y
    near = (first(next_y) - pub).days <= NEAR_FUTURE_DAYS
    deadline = _DEADLINE_LEAD.search(ctx.text, max(0, start - 9), start) is not None  # "by August"
    if ctx.future(start, end) or ((near or deadline) and ctx.tense(start, end, reach=PAST_VETO_CHARS) != "past"):
        return next_y
    return past_y


# --------------------------------------------------------------------------- resolvers
# Each takes (match, context) and returns a _Value, or None to reject the match.


def _month_number(token: str) -> int:
    return _MONTHS[token[:3].lower()]


def _day_value(ctx: _Context, m: re.Match[str], month: int, day: int) -> _Value | None:
    if not 1 <= day <= 31:
        return None
    if m.group("year"):
        try:
            return _unit_value(date(int(m.group("year")), month, day), "day")
        except ValueError:
            return None
    rel = (m.groupdict().get("rel") or "").lower()
    pub = ctx.pub
    if pub is not None and rel in ("last", "next"):
        here = _safe(pub.year, month, day)
        y: int | None = pub.year + (0 if (here < pub) == (rel == "last") else (-1 if rel == "last" else 1))
    else:
        y = _pick_year(ctx, m.start(), m.end(), lambda y: _safe(y, month, day), lambda y: _safe(y, month, day))
    if y is None:
        return _Value(None, None, "day", f"XXXX-{month:02d}-{day:02d}")
    try:
        return _unit_value(date(y, month, day), "day")
    except ValueError:
        return None


def _r_day_range(m: re.Match[str], ctx: _Context) -> _Value | None:
    """"June 21-27": from the first day to the last (precision range)."""
    gd = m.groupdict()
    later_month = _month_number(m["mon"])
    first_month = _month_number(gd["mon2"]) if gd["mon2"] and m.re is _DAY_MONTH_RANGE else later_month
    if gd["mon2"] and m.re is _MONTH_DAY_RANGE:
        later_month = _month_number(gd["mon2"])
    d1, d2 = int(m["d"]), int(m["d2"])
    try:
        if m["year"]:
            y: int | None = int(m["year"])
        else:
            y = _pick_year(ctx, m.start(), m.end(), lambda y: date(y, first_month, d1), lambda y: date(y, first_month, d1))
        if y is None:
            return _Value(None, None, "range", None)
        start = date(y, first_month, d1)
        end = date(y + (later_month < first_month), later_month, d2)
    except ValueError:
        return None
    return _Value(start, end, "range", None) if start < end else None


def _safe(y: int, m: int, d: int) -> date:
    return date(y, m, min(d, calendar.monthrange(y, m)[1]))


def _r_iso(m: re.Match[str], ctx: _Context) -> _Value | None:
    try:
        return _unit_value(date(int(m["year"]), int(m["m"]), int(m["d"])), "day")
    except ValueError:
        return None


def _r_numeric(m: re.Match[str], ctx: _Context) -> _Value | None:
    a, b, y = int(m["a"]), int(m["b"]), int(m["year"])
    # dots are day.month.year; slashes are month/day/year unless the first cannot be a month
    day, month = (a, b) if m["sep"] == "." or a > 12 else (b, a)
    try:
        return _unit_value(date(y, month, day), "day")
    except ValueError:
        return None


def _r_day_month(m: re.Match[str], ctx: _Context) -> _Value | None:
    return _day_value(ctx, m, _month_number(m["mon"]), int(m["d"]))


def _r_month_year(m: re.Match[str], ctx: _Context) -> _Value | None:
    mon, month = m["mon"], _month_number(m["mon"])
    rel = " ".join((m["rel"] or "").lower().split())
    if not m["year"] and not m["mod"] and not rel:
        if not mon[-1].isalpha() or len(mon) <= 4 and mon != "May" and mon != "June" and mon != "July":
            return None  # bare abbreviations ("Jan", "Dec.") are too often something else
        if mon in ("May", "March") and not _MAY_MARCH_CUE.search(ctx.text, max(0, m.start() - 12), m.start()):
            return None  # the modal verb / the verb, not the month
    pub = ctx.pub
    if m["year"]:
        y: int | None = int(m["year"])
    elif pub is not None and m["ryear"]:  # "June last year"
        y = pub.year + {"this": 0, "last": -1, "next": 1}[m["ryear"].lower()]
    elif pub is not None and rel:
        if rel == "this":
            y = pub.year
        elif rel == "next":
            y = pub.year if month > pub.month else pub.year + 1
        else:
            y = pub.year if month < pub.month else pub.year - 1
    else:
        y = _pick_year(ctx, m.start(), m.end(), lambda y: date(y, month, 1), lambda y: _month_end(y, month))
    if y is None:
        return _Value(None, None, "range" if m["mod"] else "month", f"XXXX-{month:02d}")
    return _modified(_unit_value(date(y, month, 1), "month"), m["mod"])


def _r_year(m: re.Match[str], ctx: _Context) -> _Value | None:
    if not m["mod"] and _PLURAL_AFTER.match(ctx.text, m.end()):
        return None  # "2000 soldiers"
    return _modified(_unit_value(date(int(m["year"]), 1, 1), "year"), m["mod"])


def _r_decade(m: re.Match[str], ctx: _Context) -> _Value | None:
    if m["dec"]:
        y0 = int(m["dec"])
    elif ctx.pub is not None:
        y0 = (ctx.pub.year // 100) * 100 + int(m["short"])
        if y0 > ctx.pub.year:
            y0 -= 100
    else:
        return _Value(None, None, "range", f"XX{m['short'][0]}")
    return _modified(_unit_value(date(y0, 1, 1), "decade"), m["mod"])


def _r_season(m: re.Match[str], ctx: _Context) -> _Value | None:
    code, _ = _SEASONS[m["season"].lower()]
    rel = " ".join((m["rel"] or "").lower().split())
    if m["season"].lower() == "fall" and not (rel in ("last", "this", "next", "this past", "early", "late") or m["year"]):
        return None  # "the fall of the city"
    if not rel and not m["year"]:
        return None
    pub = ctx.pub
    if m["year"]:
        y: int | None = int(m["year"])
    elif pub is None:
        y = None
    elif rel in ("last", "this past"):
        y = pub.year if _season_span(pub.year, code)[1] < pub else pub.year - 1
    elif rel == "next":
        y = pub.year if _season_span(pub.year, code)[0] > pub else pub.year + 1
    elif rel == "this":
        y = pub.year
    else:
        y = _pick_year(ctx, m.start(), m.end(), lambda y: _season_span(y, code)[0], lambda y: _season_span(y, code)[1])
    if y is None:
        return _Value(None, None, "season", f"XXXX-{code}")
    s, e = _season_span(y, code)
    return _Value(s, e, "season", f"{y}-{code}")


def _r_weekday(m: re.Match[str], ctx: _Context) -> _Value | None:
    return _weekday_value(ctx, m["wd"], m["rel"], m.start(), m.end())


def _weekday_value(ctx: _Context, name: str, rel_text: str | None, start: int, end: int) -> _Value:
    wd = _WEEKDAYS.index(name.lower())
    rel = " ".join((rel_text or "").lower().split())
    pub = ctx.pub
    if pub is None:
        return _Value(None, None, "day", f"XXXX-WXX-{wd + 1}")
    back = (pub.weekday() - wd) % 7
    ahead = (wd - pub.weekday()) % 7 or 7
    if rel in ("last", "this past"):
        d = pub - timedelta(days=back or 7)
    elif rel in ("next", "this coming") or ctx.future(start, end):
        d = pub + timedelta(days=ahead)
    else:
        d = pub - timedelta(days=back)
    return _unit_value(d, "day")


def _r_clock(m: re.Match[str], ctx: _Context) -> _Value | None:
    """A clock time: on the day named next to it, else on the previous mention's day
    (the anchor rule) when that is known to the day, else no value."""
    if m["noon"]:
        hour, minute = (12 if m["noon"].lower() == "noon" else 0), 0
    else:
        hour, minute = int(m["h"]), int(m["min"] or 0)
        ampm = (m["ampm"] or "").lower()
        if ampm.startswith("p") and hour < 12:
            hour += 12
        elif ampm.startswith("a") and hour == 12:
            hour = 0
        if hour > 23 or (ampm and int(m["h"]) > 12):
            return None
    clock = f"T{hour:02d}:{minute:02d}"
    day_word = m["day1"] or m["day2"]
    if not day_word:
        anchor = ctx.anchor
        if anchor is not None and anchor.precision == "day" and anchor.start is not None:
            return _Value(anchor.start, anchor.start, "day", anchor.start.isoformat() + clock, point=False)
        return _Value(None, None, "unknown", f"XXXX-XX-XX{clock}", point=False)
    if day_word.lower() in _DAY_OFFSETS:
        if ctx.pub is None:
            return _Value(None, None, "day", None)
        day = _unit_value(ctx.pub + timedelta(days=_DAY_OFFSETS[day_word.lower()]), "day")
    else:
        day = _weekday_value(ctx, day_word, None, m.start(), m.end())
    return dataclasses.replace(day, timex=None if day.timex is None else day.timex + clock)


_DAY_OFFSETS = {"yesterday": -1, "today": 0, "tomorrow": 1}


def _holiday_date(name: str, y: int) -> date:
    key = " ".join(name.lower().split())
    if key.startswith("christmas"):
        return date(y, 12, 24 if key.endswith("eve") else 25)
    if key.startswith("new year"):
        return date(y, 12, 31) if key.endswith("eve") else date(y, 1, 1)
    if key.startswith("easter"):
        return easter(y)
    november_first = date(y, 11, 1)  # Thanksgiving (US): the fourth Thursday of November
    return november_first + timedelta(days=(3 - november_first.weekday()) % 7 + 21)


def _r_holiday(m: re.Match[str], ctx: _Context) -> _Value | None:
    hol, rel, pub = m["hol"], (m["rel"] or "").lower(), ctx.pub
    if m["year"]:
        return _unit_value(_holiday_date(hol, int(m["year"])), "day")
    if pub is None:
        if hol.lower().startswith(("easter", "thanks")):
            return _Value(None, None, "day", None)
        d = _holiday_date(hol, 2000)
        return _Value(None, None, "day", f"XXXX-{d.month:02d}-{d.day:02d}")
    if rel == "this":
        y = pub.year
    elif rel == "last":
        y = pub.year if _holiday_date(hol, pub.year) < pub else pub.year - 1
    elif rel == "next":
        y = pub.year if _holiday_date(hol, pub.year) > pub else pub.year + 1
    else:
        picked = _pick_year(ctx, m.start(), m.end(), lambda y: _holiday_date(hol, y), lambda y: _holiday_date(hol, y))
        y = pub.year if picked is None else picked
    return _unit_value(_holiday_date(hol, y), "day")


def _r_quarter(m: re.Match[str], ctx: _Context) -> _Value | None:
    n = int(m["qn"]) if m["qn"] else _ORDINALS[m["qw"].lower()]
    half = (m["part"] or "").lower() == "half"
    if half and n > 2:
        return None
    span_months = 6 if half else 3
    first_month = (n - 1) * span_months + 1
    tag = f"H{n}" if half else f"Q{n}"
    year_text = m["year"] or m["year2"]
    if year_text:
        y: int | None = int(year_text)
    else:
        y = _pick_year(
            ctx, m.start(), m.end(),
            lambda y: date(y, first_month, 1), lambda y: _month_end(y, first_month + span_months - 1),
        )  # fmt: skip
    if y is None:
        return _Value(None, None, "range", f"XXXX-{tag}")
    return _Value(date(y, first_month, 1), _month_end(y, first_month + span_months - 1), "range", f"{y}-{tag}")


def _r_deictic(m: re.Match[str], ctx: _Context) -> _Value | None:
    pub = ctx.pub
    word = (m["word"] or "").lower()
    if m["vague"]:
        timex = _duration_timex(None, m["vunit"])  # TimeML: "recent years" is PXY
        past = m["vague"].lower() == "recent"
        return _Value(None, pub, "unknown", timex, False) if past else _Value(pub, None, "unknown", timex, False)
    if m["ref"]:
        return _Value(None, None, "unknown", "PAST_REF" if "past" in m["ref"].lower() else "FUTURE_REF", point=False)
    if word in ("recently", "lately"):
        return _Value(None, pub, "unknown", "PAST_REF", point=False)
    if word in ("now", "currently", "nowadays"):
        return _Value(pub, pub, "day", "PRESENT_REF", point=False)
    rel = (m["rel"] or word).lower()
    offset = {"yesterday": -1, "tomorrow": 1, "last": -1 if (m["pod"] or "").lower() == "night" else 0}.get(rel, 0)
    if pub is None:
        return _Value(None, None, "day", None)
    d = pub + timedelta(days=offset)
    return _unit_value(d, "day")


def _r_relative_unit(m: re.Match[str], ctx: _Context) -> _Value | None:
    rel = " ".join(m["rel"].lower().split())
    unit = m["unit"].lower()
    if unit in ("morning", "afternoon", "evening", "night"):
        unit = "day"  # "the next morning", "that night": the day is what we can say
    precision = "decade" if unit == "decade" else unit
    step = {"last": -1, "the past": -1, "the last": -1, "the previous": -1, "the prior": -1,
            "next": 1, "the coming": 1, "the next": 1, "the following": 1}.get(rel, 0)  # fmt: skip
    anchored = rel in ("the previous", "the prior", "the next", "the following", "the same", "that", "that same")
    if (unit == "day" and not anchored) or (rel == "the" and unit != "weekend"):
        return None  # "this day", "the week": too vague to place
    if unit == "weekend":
        return _weekend(m, ctx, step if rel not in ("the", "this") else None)
    base = ctx.anchor.start if anchored and ctx.anchor is not None else ctx.pub
    if base is None:
        return _Value(None, None, "unknown" if anchored else _unit_precision(unit), None)
    shifted = _shift(base, 10 * step if unit == "decade" else step, "year" if unit == "decade" else unit)
    if shifted is None:
        return None
    v = _modified(_unit_value(shifted[0], precision), m["mod"])
    side = (m["side"] or "").lower()
    if side and step == 0 and v.start and v.end:  # earlier/later this year, later that day
        return _Value(v.start, base, "range", v.timex) if side == "earlier" else _Value(base, v.end, "range", v.timex)
    return v


def _weekend(m: re.Match[str], ctx: _Context, step: int | None) -> _Value:
    """Saturday and Sunday: the last one, the next one, or by the tense rule (``step`` None)."""
    pub = ctx.pub
    if pub is None:
        return _Value(None, None, "range", None)
    saturday = pub - timedelta(days=(pub.weekday() - 5) % 7)  # the latest Saturday on or before pub
    if step is None:
        step = 1 if ctx.future(m.start(), m.end()) and pub.weekday() < 5 else 0
    elif step == -1 and pub.weekday() >= 5:
        step = -1  # "last weekend" on a weekend is the one before
    elif step == -1:
        step = 0
    saturday += timedelta(days=7 * step)
    y, w, _ = saturday.isocalendar()
    return _Value(saturday, saturday + timedelta(days=1), "range", f"{y}-W{w:02d}-WE")


def _unit_precision(unit: str) -> str:
    return "range" if unit == "decade" else unit


def _r_shift(m: re.Match[str], ctx: _Context) -> _Value | None:
    n = _count(m["num"])
    unit = m["unit"].lower().rstrip("s")
    unit = "century" if unit.startswith("centur") else unit
    direction = " ".join(m["dir"].lower().split())
    backwards = direction in ("ago", "earlier", "before")
    duration = _duration_timex(n, unit)
    base = ctx.pub if direction in ("ago", "from now") else (ctx.anchor.start if ctx.anchor else None)
    if base is None and backwards:  # "a year earlier" with nothing before it: earlier than publication
        base = ctx.pub
    if n is None or base is None:
        ref = "PAST_REF" if direction == "ago" else "FUTURE_REF" if direction == "from now" else duration
        return _Value(None, None, "unknown", ref, point=False)
    shifted = _shift(base, -n if backwards else n, unit)
    if shifted is None:
        return _Value(None, None, "unknown", duration, point=False)
    anchored = direction not in ("ago", "from now") and ctx.anchor is not None
    if anchored and ctx.anchor is not None and _RANK.get(ctx.anchor.precision, 9) > _RANK[shifted[1]]:
        # an anchor coarser than the step ("2022", "four months after"): shift its whole span
        late = _shift(ctx.anchor.end or base, -n if backwards else n, unit)
        return _Value(shifted[0], late[0] if late else None, "range", None)
    return _unit_value(*shifted)


_RANK = {"day": 0, "week": 1, "month": 2, "season": 3, "year": 4, "decade": 5, "range": 6, "unknown": 7}


def _r_duration(m: re.Match[str], ctx: _Context) -> _Value | None:
    n = _count(m["num"])
    unit = m["unit"].lower().rstrip("s")
    unit = "century" if unit.startswith("centur") else unit
    lead = " ".join((m["lead"] or "").lower().split())
    timex = _duration_timex(n, unit)
    if lead in ("the past", "the last", "past", "last") and ctx.pub is not None and n is not None:
        shifted = _shift(ctx.pub, -n, unit)
        if shifted is not None:
            return _Value(shifted[0], ctx.pub, "range", timex, point=False)
    return _Value(None, None, "unknown", timex, point=False)


def _r_bare_duration(m: re.Match[str], ctx: _Context) -> _Value | None:
    return _Value(None, None, "unknown", _duration_timex(None, m["unit"].rstrip("sS")), point=False)


#: (family, compiled alternation, resolver, span group or 0), most specific first
_FAMILIES: tuple[tuple[str, re.Pattern[str], Callable[[re.Match[str], _Context], _Value | None]], ...] = (
    ("iso", _ISO, _r_iso),
    ("numeric", _NUMERIC, _r_numeric),
    ("day_month", _DAY_MONTH, _r_day_month),
    ("month_day", _MONTH_DAY, _r_day_month),
    ("month_day_range", _MONTH_DAY_RANGE, _r_day_range),
    ("day_month_range", _DAY_MONTH_RANGE, _r_day_range),
    ("quarter", _QUARTER, _r_quarter),
    ("month", _MONTH_YEAR, _r_month_year),
    ("decade", _DECADE, _r_decade),
    ("year", _YEAR_ONLY, _r_year),
    ("season", _SEASON, _r_season),
    ("weekday", _WEEKDAY_RE, _r_weekday),
    ("clock", _CLOCK, _r_clock),
    ("holiday", _HOLIDAY, _r_holiday),
    ("deictic", _DEICTIC, _r_deictic),
    ("relative", _RELATIVE_UNIT, _r_relative_unit),
    ("shift", _SHIFT, _r_shift),
    ("duration", _DURATION, _r_duration),
    ("bare_duration", _BARE_DURATION, _r_bare_duration),
)

# Per family, what every one of its matches contains, checked per window before
# the family's (much slower) pattern scans it: a regex (same case rules as the
# family's pattern, cheap because it starts with a digit or a cased letter), or
# the name of a word set: the match contains a whole word (a ``\w+`` token, or
# the part of one cut by the window's end) that is in the set, lower-cased. A
# word with non-ASCII letters counts as every word (IGNORECASE lets "ſ" match
# "s"). Every check is implied by a match, so skipping changes no result.
_MONTH_WORD = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|December"
    r"|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)"
)
_UNIT_FORMS = [
    f"{u}{s}" for u in ("minute", "hour", "day", "week", "fortnight", "month", "year", "decade", "century", "centuries")
    for s in ("", "s")
]  # fmt: skip
_WORD_SETS: dict[str, frozenset[str]] = {
    "quarter_word": frozenset({"q1", "q2", "q3", "q4", "quarter", "half"}),
    "season_word": frozenset(_SEASONS),
    "deictic_word": frozenset(
        ["yesterday", "today", "tomorrow", "tonight", "now", "currently", "nowadays", "recently", "lately", "days", "weeks", "months", "years", "decades", "morning", "afternoon", "evening", "night", "past", "future"]
    ),
    "relative_unit": frozenset(["day", "weekend", "week", "month", "year", "decade", "morning", "afternoon", "evening", "night"]),
    "unit": frozenset(_UNIT_FORMS),
    "direction": frozenset(["ago", "earlier", "later", "after", "before", "afterwards", "from"]),
    "plural_unit": frozenset(["days", "weeks", "months", "years", "decades"]),
}
_HINTS: dict[str, tuple[str, ...]] = {
    "iso": (r"\d-\d",),
    "numeric": (r"\d[./]\d",),
    "day_month": (rf"\d(?:st|nd|rd|th)?(?:\s+of)?\s+{_MONTH_WORD}",),
    "month_day": (rf"{_MONTH_WORD}\.?\s+\d",),
    "month_day_range": (rf"{_MONTH_WORD}\.?\s+\d",),
    "day_month_range": (rf"\d(?:st|nd|rd|th)?(?:\s+of)?\s+{_MONTH_WORD}",),  # its "d2 Month"
    "quarter": ("quarter_word",),
    "month": (rf"{_MONTH_WORD}(?![a-z])",),
    "decade": (r"0'?s",),
    "year": (r"(?:1[89]|20)\d\d",),
    "season": ("season_word",),
    "weekday": (r"(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day",),
    "clock": (r"[\dnNmM](?:(?<=\d)\s*(?i:[ap]\.?m)|(?<=[nN])(?i:oon)|(?<=[mM])(?i:idnight))",),
    "holiday": (r"Christmas|Year|Thanksgiving|Easter",),
    "deictic": ("deictic_word",),
    "relative": ("relative_unit",),
    "shift": ("unit", "direction"),
    "duration": ("unit",),
    "bare_duration": ("plural_unit",),
}
_WORD_BIT = {name: 1 << i for i, name in enumerate(_WORD_SETS)}
_ANY_WORD = (1 << len(_WORD_SETS)) - 1
_WORD_BITS: dict[str, int] = {}
for _name, _words in _WORD_SETS.items():
    for _w in _words:
        _WORD_BITS[_w] = _WORD_BITS.get(_w, 0) | _WORD_BIT[_name]
#: per family: (bits of the word sets it needs, regexes it needs)
_FAMILY_HINTS: tuple[tuple[int, tuple[re.Pattern[str], ...]], ...] = tuple(
    (
        sum(_WORD_BIT[h] for h in _HINTS[name] if h in _WORD_BIT),
        tuple(re.compile(h) for h in _HINTS[name] if h not in _WORD_BIT),
    )
    for name, _, _ in _FAMILIES
)


#: Every match of every family contains one of these words or a token with a
#: digit; the families only scan windows around them (a fast prefilter).
_TRIGGERS = frozenset(
    [*_MONTHS, *(n.lower() for n in _MONTH_NAMES), "sept", *_WEEKDAYS, *_SEASONS, "quarter", "half",
     "noon", "midnight", "yesterday", "today", "tomorrow", "tonight", "now", "currently", "nowadays",
     "recently", "lately", "past", "christmas", "thanksgiving", "easter", "future", "morning", "afternoon", "evening", "night",
     "weekend", "fortnight", "centuries", *_UNIT_CODES]
)  # fmt: skip
_SPLIT = re.compile(r"(\W+)")  # words (\w+ runs) at even places, what separates them at odd ones
_LAST_WORD = re.compile(r"\w+\Z")
#: the first or last character of a word, when it is not an ASCII letter or "_" (so maybe a digit)
_DIGIT_EDGE = re.compile(r"\b[^\W_a-zA-Z]|[^\W_a-zA-Z]\b")
_NON_ASCII_WORD = re.compile(r"[^\W\x00-\x7f]+")
_WORD_CHAR = re.compile(r"\w")
_BEFORE, _AFTER = 50, 50  # a match starts at most _BEFORE chars before its trigger and ends before _AFTER
#: lower-cased words that are a trigger or in a word set: no other ASCII word is either
_RELEVANT = frozenset([*_TRIGGERS, *(t + "s" for t in _TRIGGERS), *_WORD_BITS])


def _word_bits(word: str) -> int:
    """Bits of the word sets ``word`` is in (all of them for a word with non-ASCII letters)."""
    return _WORD_BITS.get(word.lower(), 0) if word.isascii() else _ANY_WORD


class _Words:
    """The ``\\w+`` words of a text, found by one split (no Python step per word)."""

    __slots__ = ("words", "ends")

    def __init__(self, text: str) -> None:
        parts = _SPLIT.split(text)
        self.words = parts[0::2]  # word k is parts[2k]; the first and last may be ""
        self.ends = list(itertools.accumulate(map(len, parts)))

    def relevant(self, text: str) -> list[int]:
        """Indices of the words that can be a trigger or in a word set, in order: those whose
        first or last character may be a digit, those with a non-ASCII character, and those
        in ``_RELEVANT`` lower-cased (a superset, found without a Python step per word)."""
        words = self.words
        found = set(itertools.compress(range(len(words)), map(_RELEVANT.__contains__, map(str.lower, words))))
        for m in _DIGIT_EDGE.finditer(text):
            found.add(self.at(m.start()))
        if not text.isascii():
            for m in _NON_ASCII_WORD.finditer(text):
                found.add(self.at(m.start()))
        return sorted(found)

    def start(self, k: int) -> int:
        return self.ends[2 * k - 1] if k else 0

    def end(self, k: int) -> int:
        return self.ends[2 * k]

    def at(self, pos: int) -> int:
        """The index of the word that holds character ``pos`` (a word character)."""
        return bisect.bisect_right(self.ends, pos) // 2


def _windows(text: str, words: _Words | None = None) -> list[tuple[int, int, int, list[tuple[int, int, int]]]]:
    """Merged stretches of text around trigger words, where time expressions can be,
    each with the bits of the word sets (``_WORD_SETS``) whose words lie in it, and
    those words themselves (index, start, bits), the one cut by the window's end last."""
    words = words or _Words(text)
    spans: list[tuple[int, int]] = []
    marked: list[tuple[int, int, int, int]] = []  # (start, end, bits, index) of words in some word set
    for k in words.relevant(text):
        word = words.words[k]
        low = word.lower()
        t0, t1 = words.start(k), words.end(k)
        bits = _WORD_BITS.get(low, 0) if word.isascii() else _ANY_WORD
        if bits:
            marked.append((t0, t1, bits, k))
        if word[0].isdigit() or word[-1].isdigit() or low in _TRIGGERS or (low[-1] == "s" and low[:-1] in _TRIGGERS):
            start, end = max(0, t0 - _BEFORE), min(len(text), t1 + _AFTER)
            if spans and start <= spans[-1][1]:
                spans[-1] = (spans[-1][0], end)
            else:
                spans.append((start, end))
    out: list[tuple[int, int, int, list[tuple[int, int, int]]]] = []
    k = 0
    for w0, w1 in spans:
        bits = 0
        inside: list[tuple[int, int, int]] = []
        while k < len(marked) and marked[k][0] < w0:
            k += 1
        j = k
        while j < len(marked) and marked[j][1] <= w1:
            bits |= marked[j][2]
            inside.append((marked[j][3], marked[j][0], marked[j][2]))
            j += 1
        if w1 < len(text) and _WORD_CHAR.match(text, w1):  # the window's end cuts a word:
            cut = _LAST_WORD.search(text, max(w0, w1 - 16), w1)  # the patterns see its start as a word
            if cut is not None:
                cut_bits = _word_bits(cut.group())
                bits |= cut_bits
                if cut_bits:
                    inside.append((words.at(cut.start()), cut.start(), cut_bits))
        out.append((w0, w1, bits, inside))
    return out


# Where a family's matches can start. Every match holds an anchor: a word of one
# of its word sets, or a match of an anchor pattern (same case rules as the family's
# own pattern); it starts on a word (each family's pattern opens with \b and a word
# character, or with a lookbehind and a word) at most _LEAD[family] words before the
# anchor's word. The family's pattern is tried with ``match`` there only, in text
# order, going on after each match's end: the matches ``finditer`` would find over
# the window, without trying the pattern at every character of it.
_MONTH_ANCHOR = re.compile(_MONTH_WORD)
_ANCHOR_RES: dict[str, re.Pattern[str]] = {
    "month": _MONTH_ANCHOR,
    "year": re.compile(r"(?:1[89]|20)\d\d"),
    "weekday": re.compile(r"(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day"),
    "clock": re.compile(_HINTS["clock"][0]),
    "holiday": re.compile(r"Christmas|Year|Thanksgiving|Easter"),
}
#: family -> (its anchor: a pattern in _ANCHOR_RES or a word set, words its matches have before the anchor's)
_ANCHORS: dict[str, tuple[str, int]] = {
    "day_month": ("month", 4),  # [Monday,] [the] 21st [of] March
    "month_day": ("month", 1),  # [Monday,|last] March 3
    "month_day_range": ("month", 0),  # June 21-27 (its first month)
    "day_month_range": ("month", 3),  # 28 Feb - 3 March
    "quarter": ("quarter_word", 3),  # [2024] [the] first quarter
    "month": ("month", 3),  # [the beginning of|this past] March
    "year": ("year", 3),  # [the end of|the year] 2024
    "season": ("season_word", 2),  # [this past] summer
    "weekday": ("weekday", 2),  # [this coming] Monday
    "clock": ("clock", 3),  # [Monday] [at] 10:30 pm (anchored at "30")
    "holiday": ("holiday", 2),  # [last] New Year's Day (anchored at "Year")
    "deictic": ("deictic_word", 2),  # the recent days
    "relative": ("relative_unit", 3),  # [later] the same day
    "shift": ("unit", 5),  # [more than] a couple of years ago
    "duration": ("unit", 7),  # [the previous] [more than] a couple of years
    "bare_duration": ("plural_unit", 0),  # (for) years
}
_FAMILY_ANCHORS: tuple[tuple[str, int] | None, ...] = tuple(_ANCHORS.get(name) for name, _, _ in _FAMILIES)


def _anchor_words(
    kind: str, w0: int, w1: int, text: str, words: _Words, inside: list[tuple[int, int, int]]
) -> list[int]:
    """Indices of the words that hold an anchor of ``kind`` in the window [w0, w1)."""
    if kind in _WORD_BIT:
        bit = _WORD_BIT[kind]
        return [k for k, _, bits in inside if bits & bit]
    out: list[int] = []
    pattern = _ANCHOR_RES[kind]
    pos = w0
    while True:  # overlapping matches: each start is tried
        m = pattern.search(text, pos, w1)
        if m is None:
            return out
        out.append(words.at(m.start()))
        pos = m.start() + 1


def _starts(anchors: list[int], lead: int, w0: int, words: _Words) -> list[int]:
    """Where matches can start: the words from ``lead`` before each anchor's to it, in the window."""
    out: set[int] = set()
    for k in anchors:
        for j in range(max(0, k - lead), k + 1):
            if words.words[j]:
                s = words.start(j)
                if s >= w0:
                    out.add(s)
    return sorted(out)


def _candidates(text: str) -> list[tuple[int, int, int, re.Match[str]]]:
    """Non-overlapping matches of all families, longest first, in text order."""
    return _choose(_matches(text))


def _matches(text: str) -> list[tuple[int, int, int, re.Match[str]]]:
    """(start, end, family, match) of every family's matches, as ``finditer`` finds them in each window."""
    found: list[tuple[int, int, int, re.Match[str]]] = []
    words = _Words(text)
    for w0, w1, bits, inside in _windows(text, words):
        present: dict[re.Pattern[str], bool] = {}
        anchored: dict[str, list[int]] = {}
        for i, (_, pattern, _) in enumerate(_FAMILIES):
            need_bits, need_res = _FAMILY_HINTS[i]
            if need_bits & bits != need_bits:
                continue
            skip = False
            for hint in need_res:
                ok = present.get(hint)
                if ok is None:
                    ok = present[hint] = hint.search(text, w0, w1) is not None
                if not ok:
                    skip = True
                    break
            if skip:
                continue
            anchor = _FAMILY_ANCHORS[i]
            if anchor is None:
                for m in pattern.finditer(text, w0, w1):
                    if m.end() > m.start():
                        found.append((m.start(), m.end(), i, m))
                continue
            kind, lead = anchor
            if kind not in anchored:
                anchored[kind] = _anchor_words(kind, w0, w1, text, words, inside)
            pos = w0
            for p in _starts(anchored[kind], lead, w0, words):
                if p < pos:
                    continue
                at = pattern.match(text, p, w1)
                if at is not None and at.end() > at.start():
                    found.append((at.start(), at.end(), i, at))
                    pos = at.end()
    return found


def _choose(found: list[tuple[int, int, int, re.Match[str]]]) -> list[tuple[int, int, int, re.Match[str]]]:
    """The longest matches that do not overlap a longer one (the earlier family on ties), in text order."""
    found.sort(key=lambda c: (-(c[1] - c[0]), c[2], c[0]))
    taken: list[tuple[int, int]] = []
    chosen: list[tuple[int, int, int, re.Match[str]]] = []
    for c in found:
        j = bisect.bisect_left(taken, (c[0], c[0]))
        if j > 0 and taken[j - 1][1] > c[0] or j < len(taken) and taken[j][0] < c[1]:
            continue
        taken.insert(j, (c[0], c[1]))
        chosen.append(c)
    chosen.sort(key=lambda c: c[0])
    return chosen


def find_times(text: str, published: str | None = None) -> tuple[TimeMention, ...]:
    """Every time expression in ``text``, resolved against ``published`` (ISO date)."""
    pub: date | None = None
    if published:
        try:
            pub = date.fromisoformat(published[:10])
        except ValueError:
            pub = None
    ctx = _Context(text, pub)
    out: list[TimeMention] = []
    for start, end, i, m in _candidates(text):
        try:
            value = _FAMILIES[i][2](m, ctx)
        except (ValueError, OverflowError):  # calendar arithmetic past year 1 or 9999: skip it
            continue
        if value is None:
            continue
        lead = text[max(0, start - 7) : start]
        if value.end is not None and _BY.search(lead):
            begin = pub if pub is not None and pub <= value.end else None
            value = _Value(begin, value.end, "range", value.timex, point=False)
        elif value.start is not None and value.point and _SINCE.search(lead):
            until = pub if pub is not None and pub >= value.start else None
            value = _Value(value.start, until, "range", value.timex, point=False)
        if value.point and value.start is not None:
            ctx.anchor = value
        out.append(
            TimeMention(
                start=start,
                end=end,
                text=text[start:end],
                value_start=_iso(value.start),
                value_end=_iso(value.end),
                precision=value.precision,
                timex=value.timex,
            )
        )
    return tuple(out)


def _annotate(doc: Document) -> Document:
    return dataclasses.replace(doc, times=find_times(doc.text, doc.published))


STAGE = Stage(name=NAME, fn=_annotate, needs=("text",), adds=("times",))
