"""Places: find the toponyms of an article and geocode them with the offline gazetteer.

Candidates come from

- the entities layer, when an earlier stage filled it (place mentions, GPE/LOC/FAC);
- spaCy's entities in ``doc.parse``: GPE and LOC always, FAC when the
  gazetteer knows the name, and PRODUCT/ORG/PERSON/NORP only where the
  context says place (the small English model calls "Kursk" a PRODUCT and
  "Kyiv" a PERSON);
- capitalised proper nouns no model tagged, where the gazetteer knows them and
  the context says place: a preposition ("in X", "near X"), a kind word
  ("X region", "X oblast"), "the town of X", an attack verb ("shelled X"), or
  a list that continues a place ("Kyiv and X");
- once a name is taken as a place, its other occurrences (one sense per article,
  unless a title or "said" marks a person, the name ends a person's full name,
  or its other uses far outnumber its place uses); never a month, a disease
  ("West Nile virus") or a currency ("US$"). Places inside the names of bodies
  ("Ohio Department of Transportation") are found only with ``INNER_PLACES``.

Each mention is resolved against its gazetteer candidates with a score:
population as the prior (log scale), a kind word after it (``region``,
``oblast``, ``province`` -> the first-level subdivision), a qualifier after a
comma ("Paris, Texas"), the countries of the actors the entities layer
found ("Russian troops"), the countries and regions the article's other,
unambiguous places lie in (never the mention's own name: a repeated "Dublin" does
not vote for itself), and their neighbours, and spatial support: the first-level
regions the article's other names may lie in, so that ambiguous names settle
where they cluster ("Springfield, Peoria and Decatur" -> Illinois). A region's
own name keeps its sense against towns named after it, and "Ohio, Indiana" in a
list of regions is not a qualifier. A mention whose two best readings are more than
``AMBIGUOUS_KM`` apart and score within ``AMBIGUITY_MARGIN`` of each other is
left unresolved (``resolved=False``, no coordinates) rather than guessed.
"""

from __future__ import annotations

import bisect
import dataclasses
import functools
import math
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from ..gazetteer import Gazetteer, Place, haversine_km, load_gazetteer, name_key
from ..pipeline import Stage
from ..records import Document, PlaceMention
from .token_table import token_table

__all__ = ["NAME", "STAGE", "find_places"]

NAME = "sitrep.places.v2"  # v2: places inside body names, spatial support

#: two readings further apart than this are a real ambiguity
AMBIGUOUS_KM = 500.0
#: ... unless the best outscores the other by this much (log10 population units). Measured on
#: LGL: at 0.35 a sixth of the abstentions are resolved but only about 4 in 10 of them rightly,
#: so committed coordinates get worse (acc161 of resolved -1.5 to -2 points); kept at 0.5
AMBIGUITY_MARGIN = 0.5
#: score added per unit of support: another toponym of the article that may lie in the same first-level region
SUPPORT_WEIGHT = 1.0
#: ... counted up to this much support
SUPPORT_CAP = 2.5
#: support given by a toponym resolved with confidence, and by one still ambiguous between few / many regions
SUPPORT_CONFIDENT, SUPPORT_FEW, SUPPORT_MANY = 1.0, 0.75, 0.4
#: an ambiguous name supports only the regions of its readings at least this share as populous as its biggest
SUPPORT_POPULATION = 30
#: a town or region in a country the article is about (by its other places or its actors)
COUNTRY_BONUS = 1.5
#: a city and a subdivision of the same name closer than this are one place
SAME_PLACE_KM = 150.0

ALWAYS_LABELS = frozenset({"GPE", "LOC"})
KNOWN_LABELS = frozenset({"FAC"})
CONTEXT_LABELS = frozenset({"PRODUCT", "ORG", "PERSON", "NORP", "WORK_OF_ART", "EVENT"})

ADMIN1_WORDS = frozenset(
    {"region", "oblast", "province", "governorate", "state", "prefecture", "krai", "kray", "okrug", "republic"}
)
ADMIN2_WORDS = frozenset({"county", "parish", "district", "raion", "rayon", "municipality"})
PLACE_PREPOSITIONS = frozenset(
    {"in", "near", "outside", "around", "across", "into", "from", "to", "towards", "toward", "at", "through",
     "between", "nearby", "inside", "within", "along", "via"}
)
PLACE_NOUNS = frozenset(
    {"town", "city", "village", "region", "province", "outskirts", "capital", "settlement", "suburb",
     "port", "districts", "oblast", "state", "country", "island", "mayor", "governor", "residents",
     "north", "south", "east", "west", "northeast", "northwest", "southeast", "southwest", "miles", "kilometres",
     "kilometers", "km", "suburbs", "parts", "part", "centre", "center", "heart", "streets", "people"}
)
ATTACK_VERBS = frozenset(
    {"struck", "strike", "strikes", "hit", "hits", "shelled", "shelling", "attacked", "bombed", "captured",
     "liberated", "seized", "entered", "visited", "targeted", "besieged", "encircled", "surrounded",
     "reached", "evacuated", "invaded", "occupied", "retook", "recaptured", "stormed"}
)
#: words that, after a place name, make the name a local body's ("Mansfield Police", "Dublin City Council")
BODY_WORDS = frozenset(
    {"police", "city", "county", "sheriff", "sheriff's", "sheriff’s", "mayor", "council", "fire", "school", "schools",
     "board", "township", "town", "village", "municipal", "department", "public", "community", "area", "district",
     "parish", "metropolitan", "state", "regional", "chamber", "historical", "high", "middle", "elementary"}
)
#: a name recurs as a place only where its other uses are at most this many times its place uses
RECUR_RATIO = 2.0
#: look for places inside the names of bodies ("Ohio Department of Transportation").
#: Off: LGL annotates such places (on, its sampled recall rises 0.60 -> 0.68) but GeoVirus
#: does not, and its precision then falls below its floor (0.93 -> 0.90); a place inside a
#: body's name is also no evidence of where an event happened
INNER_PLACES = False
#: words after a place's name that make it the name of something else ("West Nile virus")
NOT_PLACE_HEADS = frozenset({"virus", "ebolavirus", "fever", "flu", "strain", "disease", "syndrome"})
MONTHS = frozenset(
    {"january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
     "november", "december"}
)
#: schools are often named after people ("Franklin Elementary"): no evidence of a place alone
SCHOOL_WORDS = frozenset({"school", "schools", "high", "middle", "elementary"})
#: words of a newspaper's or agency's title: a place in it is not a place mention
MEDIA_WORDS = frozenset(
    {"times", "daily", "herald", "news", "post", "journal", "tribune", "gazette", "telegraph", "chronicle",
     "press", "star", "observer", "guardian", "independent", "courier", "register", "examiner", "sun", "record"}
)
#: capitalised words that open names but are no place alone
GENERIC_WORDS = frozenset(
    {"north", "south", "east", "west", "northern", "southern", "eastern", "western", "central", "northeast",
     "northwest", "southeast", "southwest", "new", "city", "section", "union", "miss", "mount", "saint", "st",
     "january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
     "november", "december", "national", "united", "american", "royal", "general", "grand", "great"}
)
PERSON_TITLES = frozenset({"mr", "mrs", "ms", "miss", "dr", "sen", "rep", "gov", "judge", "officer", "sgt", "lt", "capt"})
SPEECH_LEMMAS = frozenset({"say", "tell", "add", "ask", "explain", "note", "testify", "write", "recall"})
LIST_WORDS = frozenset({"and", ",", "or", "&"})
DATELINE_ENDS = frozenset({",", "—", "–", "-", "--", "(", ":"})

_PRECISION = {"city": "city", "admin1": "admin1", "admin2": "region", "country": "country", "continent": "region"}
_LIST_GAPS = frozenset({",", "and", ", and", "or", ", or", "&"})
_name_key = functools.lru_cache(maxsize=65_536)(name_key)
_NEWLINE = re.compile(r"\n+")
_LEADING_THE = re.compile(r"^(?:the|The)\s+")


@dataclass(frozen=True, slots=True)
class _Candidate:
    """A span that may name a place, before resolution."""

    start: int
    end: int
    key: str  # name_key of the name part (without a trailing kind word)
    admin_word: str | None  # "region", "county", ... right after the name
    strong: bool  # kept even when the gazetteer has no entry


@dataclass(frozen=True, slots=True)
class _Reading:
    place: Place
    score: float
    contextual: bool


# --------------------------------------------------------------------------- recognition


class _Tokens:
    """The token attributes the recogniser reads, from the parse's shared token table
    (:mod:`.token_table`) rather than through spaCy's per-token objects, which cost a
    microsecond each; spaCy's entities are read off the same table."""

    __slots__ = ("parse", "n", "idx", "end", "_space", "text", "lower", "proper_at", "line_start", "ents")

    def __init__(self, parse, text: str) -> None:
        import numpy as np
        from spacy.symbols import PROPN

        table = token_table(parse, text)
        self.parse = parse
        n = self.n = table.n
        idx = self.idx = table.idx
        self.end = table.end
        self._space = table.space  # a space after the token (read only for a few tokens)
        words = self.text = table.words
        self.lower = table.lower
        #: title-case proper nouns ("Kharkiv"), in text order
        self.proper_at = [i for i in np.flatnonzero(table.pos == PROPN).tolist() if words[i].istitle()]
        #: spaCy's ``Doc.ents`` as (start, end, label)
        self.ents = table.ents()
        #: tokens that open the text or a paragraph
        self.line_start = [0] if n else []
        for m in _NEWLINE.finditer(text):  # the first token after each line break
            i = bisect.bisect_right(idx, m.start())
            while i < n and words[i].isspace():
                i += 1
            if i < n and (not self.line_start or self.line_start[-1] != i):
                self.line_start.append(i)

    def capitals(self, i: int) -> bool:
        """An all-capitals word ("COLUMBUS")."""
        word = self.text[i]
        return word.isupper() and word.isalpha()

    def __len__(self) -> int:
        return self.n

    def char_span(self, start: int, end: int) -> tuple[int, int] | None:
        """Token bounds of characters [start, end), as ``Doc.char_span(..., alignment_mode="expand")``."""
        first = self._token_at(start)
        last = self._token_at(end - 1)
        if first < 0 or last < 0:
            return None
        if start == self.end[first]:  # the trailing space is not part of the token before it
            first += 1
        if first > last + 1:  # spaCy refuses such a span: let it say so
            s = self.parse.char_span(start, end, alignment_mode="expand")
            return None if s is None else (s.start, s.end)
        return first, last + 1

    def _token_at(self, char: int) -> int:
        i = bisect.bisect_right(self.idx, char) - 1
        return i if i >= 0 and char < self.end[i] + int(self._space[i]) else -1


def _place_context(parse: _Tokens, start_tok: int, end_tok: int, accepted_ends: set[int]) -> bool:
    """Does the text around tokens [start_tok, end_tok) say this is a place?"""
    before = parse.lower[start_tok - 1] if start_tok > 0 else ""
    after = parse.lower[end_tok] if end_tok < parse.n else ""
    if before in PLACE_PREPOSITIONS or before in ATTACK_VERBS:
        return True
    if after in ADMIN1_WORDS or after in ADMIN2_WORDS:
        return True
    if before == "of" and start_tok > 1 and parse.lower[start_tok - 2] in PLACE_NOUNS:
        return True
    return (
        before in LIST_WORDS
        and start_tok > 1
        and parse.end[start_tok - 2] in accepted_ends
    )


def _admin_word(parse: _Tokens, end_tok: int) -> str | None:
    if end_tok < parse.n:
        word = parse.lower[end_tok]
        if word in ADMIN1_WORDS or word in ADMIN2_WORDS:
            return word
    return None


def _make(doc: Document, parse: _Tokens, start_tok: int, end_tok: int, strong: bool) -> _Candidate | None:
    base = parse.idx[start_tok]
    parts = _name_parts(doc.text[base : parse.end[end_tok - 1]], _admin_word(parse, end_tok))
    if parts is None:
        return None
    first, last, key, word = parts
    return _Candidate(base + first, parse.end[end_tok] if last < 0 else base + last, key, word, strong)


@functools.lru_cache(maxsize=65_536)
def _name_parts(text: str, after: str | None) -> tuple[int, int, str, str | None] | None:
    """Where the name in a span's text starts and ends (-1: at the end of the kind word
    ``after`` it), its key and its kind word; None where it is no name. A pure function
    of the text, kept across articles."""
    start, end = 0, len(text)
    m = _LEADING_THE.match(text)
    if m and m.end() < len(text):
        start = m.end()
    if text[start:end].endswith(("'s", "’s")) and end - start > 3:
        end -= 2
    while end > start and text[end - 1] in ".,;:'’\"":
        end -= 1
    key = _name_key(text[start:end])
    if len(key) < 2:
        return None
    word = after
    if word is not None:  # the kind word belongs to the name: "the Kursk region"
        end = -1
    else:
        tail = key.rsplit(" ", 1)
        if len(tail) == 2 and (tail[1] in ADMIN1_WORDS or tail[1] in ADMIN2_WORDS):
            word = tail[1]  # already inside the entity: "Kursk Oblast" tagged whole
    return start, end, key, word


def _candidates(doc: Document, gaz: Gazetteer) -> list[_Candidate]:
    parse = _Tokens(doc.parse, doc.text)
    found: list[_Candidate] = []
    taken: set[int] = set()  # token indices already in a candidate
    accepted_ends: set[int] = set()

    def accept(c: _Candidate | None, s: int, e: int) -> None:
        if c is None or _named_thing(doc, parse, c, e):
            return
        found.append(c)
        taken.update(range(s, e + 1 if e < parse.n and parse.idx[e] < c.end else e))
        accepted_ends.add(c.end)

    made: dict[tuple[int, int, bool], _Candidate | None] = {}

    def make(s: int, e: int, strong: bool) -> _Candidate | None:
        """``_make``, once per token span (the passes below look at the same spans again)."""
        if (s, e, strong) not in made:
            made[(s, e, strong)] = _make(doc, parse, s, e, strong)
        return made[(s, e, strong)]

    def known(c: _Candidate | None) -> bool:
        return c is not None and _known(gaz, c.key, c.admin_word)

    def named_area(c: _Candidate | None) -> bool:
        """A country or first-level region by its own name: a place whatever the tagger said."""
        return c is not None and _named_area(gaz, c.key)

    # entity spans from the entities layer and from spaCy, in text order
    spans: list[tuple[int, int, str]] = []
    for m in doc.entities:
        if m.kind == "place" or m.label in ALWAYS_LABELS or m.label in KNOWN_LABELS:
            bounds = parse.char_span(m.start, m.end)
            if bounds is not None:
                spans.append((*bounds, "GPE" if m.kind == "place" else m.label))
    spans.extend(parse.ents)
    spans.sort()
    rejected: list[tuple[int, int, str]] = []
    for s, e, label in spans:
        if not taken.isdisjoint(range(s, e)):
            continue
        if label in ALWAYS_LABELS:
            accept(make(s, e, True), s, e)
        elif label in KNOWN_LABELS or label in CONTEXT_LABELS:
            c = make(s, e, False)
            if known(c) and (label in KNOWN_LABELS or named_area(c) or _place_context(parse, s, e, accepted_ends)):
                accept(c, s, e)
            else:
                rejected.append((s, e, label))

    # a dateline: "TORRINGTON -- ...", "COLUMBUS, Ohio (AP) -- ..." at the start of a paragraph
    for i in parse.line_start:
        j = i
        while j < parse.n and j not in taken and parse.capitals(j):
            j += 1
        if j > i and j < parse.n and parse.text[j] in DATELINE_ENDS:
            c = make(i, j, False)
            if known(c):
                accept(c, i, j)

    # proper nouns no model tagged (accepting one takes at most the token after its run,
    # which is no proper noun of a later run: the runs can be listed first)
    n = parse.n
    for i, j in _proper_runs(parse, taken):
        c = make(i, j, False)
        if known(c) and _place_context(parse, i, j, accepted_ends):
            accept(c, i, j)

    # one sense per article: a name taken as a place once is a place wherever it recurs
    # ("Mansfield's mayor", "the Mansfield resident", "Fargo raised its goal"); a place
    # that opens the name of a body ("the Ohio Department of Transportation", "Dublin City
    # Council", "Laurel County Sheriff's Office") or ends it ("University of Georgia")
    places_named = {c.key for c in found}
    # surnames: a name that ends a person's full name anywhere in the article ("Jeff Hamilton")
    surnames = {
        parse.lower[e - 1] for s, e, label in parse.ents if label == "PERSON" and e - s >= 2
    }

    # ... and only where the place readings are not far outnumbered by the others: a surname
    # the tagger once took for a town ("Bell") stays a surname
    accepted_n: dict[str, int] = {}
    for c in found:
        accepted_n[c.key] = accepted_n.get(c.key, 0) + 1
    other_n: dict[str, int] = {}
    for s, e, _ in rejected:
        k = _name_key(doc.text[parse.idx[s] : parse.end[e - 1]])
        other_n[k] = other_n.get(k, 0) + 1
    for s, e in _proper_runs(parse, taken):
        k = _name_key(doc.text[parse.idx[s] : parse.end[e - 1]])
        other_n[k] = other_n.get(k, 0) + 1

    def recurs(c: _Candidate | None, s: int, e: int) -> bool:
        return (
            c is not None
            and c.key in places_named
            and c.key not in GENERIC_WORDS
            and other_n.get(c.key, 0) <= RECUR_RATIO * accepted_n.get(c.key, 0)
            and c.key not in surnames
            and not _said_by(parse, s, e)
            and not (e < n and parse.lower[e] in NOT_PLACE_HEADS)
        )
    for s, e, label in rejected:
        if not taken.isdisjoint(range(s, e)) or label == "NORP":
            continue
        c = make(s, e, False)
        if label != "PERSON" and recurs(c, s, e):
            accept(c, s, e)
            continue
        if any(w in MEDIA_WORDS for w in parse.lower[s:e]):
            continue  # "The New York Times", "China Daily": a title, not a place
        inner = (
            _inner_place(doc, parse, s, e, places_named, named_area, known, body_only=label == "PERSON")
            if INNER_PLACES
            else None
        )
        if inner is not None:
            accept(*inner)
    in_names = {t for s, e, _ in rejected for t in range(s, e)}  # "University of Arizona" stays whole
    for i, j in _proper_runs(parse, taken):
        c = make(i, j, False)
        if in_names.isdisjoint(range(i, j)) and recurs(c, i, j):
            accept(c, i, j)
    found.sort(key=lambda c: c.start)
    return found


def _proper_runs(parse: _Tokens, taken: set[int]) -> list[tuple[int, int]]:
    """Runs of title-case proper nouns outside candidates taken so far."""
    runs = []
    start = end = -1
    for i in parse.proper_at:
        if i in taken:
            continue
        if i != end:
            if start >= 0:
                runs.append((start, end))
            start = i
        end = i + 1
    if start >= 0:
        runs.append((start, end))
    return runs


@functools.lru_cache(maxsize=65_536)
def _known(gaz: Gazetteer, key: str, admin_word: str | None) -> bool:
    """Does the gazetteer know the name (or the name without its kind word)?"""
    if gaz.has(key):
        return True
    return admin_word is not None and gaz.has(_strip_word(_Candidate(0, 0, key, admin_word, False)))


@functools.lru_cache(maxsize=65_536)
def _named_area(gaz: Gazetteer, key: str) -> bool:
    return any(p.kind in ("country", "admin1") and p.rank < 2 for p in gaz.lookup(key))


def _named_thing(doc: Document, parse: _Tokens, c: _Candidate, e: int) -> bool:
    """A place's name used for something else: a month ("in August"), a disease ("West Nile
    virus"), a currency ("US$42")."""
    return (
        c.key in MONTHS
        or (e < parse.n and parse.lower[e] in NOT_PLACE_HEADS)
        or doc.text[c.end : c.end + 1] == "$"
        or doc.text[c.start : c.end].endswith("$")
    )


def _said_by(parse: _Tokens, s: int, e: int) -> bool:
    """Is tokens [s, e) a person's name here: after a title ("Mr. Welch") or before "said"?"""
    before = parse.lower[s - 1].rstrip(".") if s > 0 else ""
    after = parse.parse[e].lemma_ if e < parse.n else ""
    return before in PERSON_TITLES or after in SPEECH_LEMMAS


def _inner_place(
    doc: Document, parse: _Tokens, s: int, e: int, places_named: set[str], named_area, known, body_only: bool = False
):
    """A place at the start ("Ohio Department of ...") or end ("University of Georgia") of a name."""
    first = s + 1 if parse.lower[s] == "the" else s
    if parse.lower[first] in GENERIC_WORDS:
        return None
    stop = first
    while stop < e - 1 and parse.text[stop].istitle() and parse.text[stop].isalpha():
        stop += 1
    for j in range(stop, first, -1):  # longest first
        c = _make(doc, parse, first, j, strong=False)
        if c is None or not known(c):
            continue
        head = parse.lower[j] if j < parse.n else ""
        if head in NOT_PLACE_HEADS:
            return None
        if (head in BODY_WORDS and head not in SCHOOL_WORDS) or (not body_only and (c.key in places_named or named_area(c))):
            return c, first, j
    if body_only:
        return None
    for k in range(first + 1, e - 1):
        if parse.lower[k] == "of":
            c = _make(doc, parse, k + 1, e, strong=False)
            if c is not None and known(c) and (c.key in places_named or named_area(c)):
                return c, k + 1, e
            break
    return None


# --------------------------------------------------------------------------- resolution


def _strip_word(c: _Candidate) -> str:
    if c.admin_word and c.key.endswith(" " + c.admin_word):
        return c.key[: -len(c.admin_word) - 1]
    return c.key


@functools.lru_cache(maxsize=16_384)
def _readings_of(gaz: Gazetteer, key: str, admin_word: str | None) -> tuple[Place, ...]:
    """The readings of a name (with its kind word), a city and a region of the same name in
    one spot counted once: a pure function of the name, kept across articles."""
    c = _Candidate(0, 0, key, admin_word, False)
    return tuple(_collapse(c, _readings(c, gaz)))


def _readings(c: _Candidate, gaz: Gazetteer) -> list[Place]:
    """Gazetteer entries this mention may name."""
    places = list(gaz.lookup(c.key))
    if c.admin_word is not None:
        base = _strip_word(c)
        if base != c.key or not places:
            places += [p for p in gaz.lookup(base) if p.kind in ("admin1", "admin2")]
            if not any(p.kind == "admin1" for p in places) and c.admin_word in ADMIN1_WORDS:
                # "Kursk region" where only the city is known: the region it lies in
                for city in gaz.lookup(base):
                    if city.kind == "city" and city.admin1 and city.population >= 10_000:
                        region = gaz.admin1(city.admin1)
                        if region is not None:
                            places.append(dataclasses.replace(region, rank=2))
                        break
    else:
        # a region's stem ("Dagestan" of "Dagestan, Respublika") only where nothing bears the name itself
        named = [p for p in places if p.rank < 2]
        places = named or [p for p in places if p.kind == "admin1"]
    unique: dict[int, Place] = {}
    for p in places:
        if p.geonames_id not in unique or p.rank < unique[p.geonames_id].rank:
            unique[p.geonames_id] = p
    return list(unique.values())


def _score(
    c: _Candidate,
    p: Place,
    countries: set[str],
    admin1s: set[str],
    qualifier: list[Place],
    near: frozenset[str] = frozenset(),
    support: dict[str, float] | None = None,
    area_named: bool = False,
) -> tuple[float, bool]:
    score = math.log10(p.population + 10)
    contextual = False
    # a country's or region's own name ("Ontario") keeps its sense against a town or county
    # of that name (Ontario, California) even where the article names the town's region too
    local_rival = area_named and p.kind in ("city", "admin2")
    if support and p.admin1 and p.rank == 0 and p.kind != "country" and not local_rival:
        s = support.get(p.admin1, 0.0)
        if s > 0:
            score += SUPPORT_WEIGHT * min(s, SUPPORT_CAP)
            contextual = True
    if p.rank == 1 and p.kind == "city":
        score -= 1.0  # an old or foreign alternate name of a town
    if c.admin_word in ADMIN1_WORDS:
        score += 6.0 if p.kind == "admin1" else (2.0 if p.kind == "admin2" else -3.0)
    elif c.admin_word in ADMIN2_WORDS:
        score += 6.0 if p.kind == "admin2" else (2.0 if p.kind == "admin1" else -3.0)
    elif p.kind == "city":
        score += 1.0 if p.capital else 0.5  # capitals are named far beyond their size
    elif p.kind == "country":
        score += 1.0
    elif p.kind in ("admin1", "admin2"):
        score -= 0.5  # a region's population is the sum of its towns: it overstates how often it is named
    if qualifier and any(
        (q.kind == "country" and q.country == p.country)
        or (q.kind == "admin1" and q.admin1 == p.admin1 and p.geonames_id != q.geonames_id)
        for q in qualifier
    ):
        score += 8.0
        contextual = True
    if p.country in near and p.country not in countries and p.rank == 0:
        score += 1.0  # next door to a country the article is about
        contextual = True
    if p.kind not in ("country", "continent") and p.rank == 0:
        if p.country in countries:
            score += COUNTRY_BONUS
            contextual = True
        if p.admin1 and p.admin1 in admin1s and p.kind != "admin1" and not local_rival:
            score += 1.5
            contextual = True
    return score, contextual


def _collapse(c: _Candidate, places: list[Place]) -> list[Place]:
    """A city and a subdivision of the same name in the same spot are one reading."""
    cities = [p for p in places if p.kind == "city"]
    areas = [p for p in places if p.kind in ("admin1", "admin2")]
    if not cities or not areas:
        return places
    drop: set[int] = set()
    for a in areas:
        for city in cities:
            if city.country == a.country and haversine_km(city.lat, city.lon, a.lat, a.lon) < SAME_PLACE_KM:
                drop.add(city.geonames_id if c.admin_word else a.geonames_id)
    return [p for p in places if p.geonames_id not in drop]


def _resolve(
    c: _Candidate,
    places: Sequence[Place],
    countries: set[str],
    admin1s: set[str],
    qualifier: list[Place],
    near: frozenset[str] = frozenset(),
    support: dict[str, float] | None = None,
) -> tuple[Place | None, float]:
    """The best reading and its margin over the nearest far-away rival (None: ambiguous)."""
    if not places:
        return None, 0.0
    area_named = any(p.kind in ("country", "admin1") and p.rank == 0 for p in places)
    scored = sorted(
        (
            _Reading(p, *_score(c, p, countries, admin1s, qualifier, near, support, area_named))
            for p in places
        ),
        key=lambda r: -r.score,
    )
    best = scored[0]
    rival = next(
        (r for r in scored[1:] if haversine_km(best.place.lat, best.place.lon, r.place.lat, r.place.lon) > AMBIGUOUS_KM),
        None,
    )
    margin = best.score - rival.score if rival else math.inf
    if margin < AMBIGUITY_MARGIN:
        return None, margin
    return best.place, margin


@functools.lru_cache(maxsize=16_384)
def _resolve_alone(
    gaz: Gazetteer, key: str, admin_word: str | None, qualifier: tuple[Place, ...]
) -> tuple[Place | None, float]:
    """:func:`_resolve` of a name by its own words and qualifier, without the article's
    scene: a pure function of the name, kept across articles."""
    c = _Candidate(0, 0, key, admin_word, False)
    return _resolve(c, _readings_of(gaz, key, admin_word), set(), set(), list(qualifier))


def _mention(doc: Document, c: _Candidate, place: Place | None) -> PlaceMention:
    text = doc.text[c.start : c.end]
    if place is None:
        return PlaceMention(c.start, c.end, text, name=text, resolved=False)
    return PlaceMention(
        start=c.start,
        end=c.end,
        text=text,
        name=place.name,
        country=place.country,
        admin1=place.admin1_name if place.kind != "admin1" else place.name,
        lat=place.lat,
        lon=place.lon,
        precision=_PRECISION.get(place.kind, "point"),
        geonames_id=place.geonames_id,
        resolved=True,
    )


def _qualifiers(doc: Document, cands: list[_Candidate], readings: list[tuple[Place, ...]]) -> Iterator[list[Place]]:
    """For "X, Y": the countries/regions Y may be, for X."""
    def gap(i: int) -> str:  # what separates candidates i and i + 1
        return doc.text[cands[i].end : cands[i + 1].start].strip() if 0 <= i < len(cands) - 1 else ""

    def area(i: int) -> bool:
        return any(p.kind in ("country", "admin1") and p.rank == 0 for p in readings[i])

    for i in range(len(cands)):
        if gap(i) != ",":
            yield []
        elif area(i) and area(i + 1) and (gap(i + 1) in _LIST_GAPS or gap(i - 1) in _LIST_GAPS):
            yield []  # "Ohio, Indiana, Pennsylvania and California": a list of regions, not a qualifier
        else:
            yield [p for p in readings[i + 1] if p.kind in ("country", "admin1")]


def find_places(doc: Document, gaz: Gazetteer | None = None) -> tuple[PlaceMention, ...]:
    """The place mentions of a parsed document, geocoded where the evidence allows."""
    if doc.parse is None:
        return ()
    gaz = gaz or load_gazetteer()
    cands = _candidates(doc, gaz)
    # readings per distinct name, a city and a region of the same name in one spot counted once
    readings = [_readings_of(gaz, c.key, c.admin_word) for c in cands]
    qualifiers = list(_qualifiers(doc, cands, readings))
    # a reading depends on the name, its kind word, its qualifier and the scene: the
    # scene is the same for every mention of a name, so each is resolved once per article
    # (a qualifier is told by the identity of its places, which live as long as the article)
    resolved: dict[tuple[bool, str, str | None, tuple[int, ...]], tuple[Place | None, float]] = {}

    def resolve(first_pass: bool, c: _Candidate, places: Sequence[Place], q: list[Place]) -> tuple[Place | None, float]:
        memo_key = (first_pass, c.key, c.admin_word, tuple(map(id, q)))
        got = resolved.get(memo_key)
        if got is None:
            if first_pass:
                got = _resolve_alone(gaz, c.key, c.admin_word, tuple(q))
            else:
                got = _resolve(c, places, *scene_of(c.key), q, near, support_for(c.key))
            resolved[memo_key] = got
        return got

    # the countries of the actors the entities layer found ("Russian troops", "Georgian officials")
    countries: set[str] = {m.country for m in doc.entities if m.country and m.kind != "place"}

    # pass 1: population and the mention's own words; confident readings set the scene
    # (a name does not vote for itself: "Dublin" read as Ireland's does not make Ireland the scene)
    scene: list[tuple[str, str | None, str | None]] = []  # (name, country, region)
    confident: list[Place | None] = []
    for c, places, q in zip(cands, readings, qualifiers, strict=True):
        first, margin = resolve(True, c, places, q)
        confident.append(first if first is not None and margin >= 1.5 else None)
        if first is not None and (margin >= 1.5 or first.kind in ("country", "admin1")):
            scene.append((c.key, first.country, first.admin1))
    actor_countries = set(countries)
    countries |= {iso for _, iso, _ in scene if iso}
    near = frozenset(n for iso in countries for n in gaz.neighbours(iso))
    scene_for: dict[str, tuple[set[str], set[str]]] = {}

    def scene_of(key: str) -> tuple[set[str], set[str]]:
        """The countries and regions the article's other names set."""
        if key not in scene_for:
            others = [(iso, a1) for k, iso, a1 in scene if k != key]
            scene_for[key] = (actor_countries | {iso for iso, _ in others if iso}, {a1 for _, a1 in others if a1})
        return scene_for[key]

    # the first-level regions each distinct name may lie in: a reading that shares its region
    # with the article's other toponyms is preferred (spatial minimality)
    regions_of: dict[str, dict[str, float]] = {}
    for c, places, first in zip(cands, readings, confident, strict=True):
        if first is not None:
            if first.admin1 and first.kind != "country":
                regions_of.setdefault(c.key, {})[first.admin1] = SUPPORT_CONFIDENT
            continue
        top = max((p.population for p in places), default=0)
        codes = {
            p.admin1
            for p in places
            if p.admin1 and p.kind != "country" and p.rank == 0 and (p.population + 10) * SUPPORT_POPULATION >= top
        }
        weight = SUPPORT_FEW if len(codes) <= 3 else SUPPORT_MANY
        own = regions_of.setdefault(c.key, {})
        for code in codes:
            own[code] = max(own.get(code, 0.0), weight)
    totals: dict[str, float] = {}
    for own in regions_of.values():
        for code, w in own.items():
            totals[code] = totals.get(code, 0.0) + w

    def support_for(key: str) -> dict[str, float]:
        own = regions_of.get(key, {})
        return {code: t - own.get(code, 0.0) for code, t in totals.items()}

    # pass 2: with the article's countries and regions; a name qualified once
    # ("Paris, Texas") keeps that sense everywhere in the article, before and after
    sense: dict[str, Place] = {}
    for c, places, q in zip(cands, readings, qualifiers, strict=True):
        if q and c.key not in sense:
            qualified, _ = resolve(False, c, places, q)
            if qualified is not None:
                sense[c.key] = qualified
    out: list[PlaceMention] = []
    for c, places, q in zip(cands, readings, qualifiers, strict=True):
        if not q and c.admin_word is None and c.key in sense:
            place: Place | None = sense[c.key]
        else:
            place, _ = resolve(False, c, places, q)
        if place is None and not c.strong and not places:
            continue
        out.append(_mention(doc, c, place))
    return tuple(out)


def _places(doc: Document) -> Document:
    return dataclasses.replace(doc, places=find_places(doc))


STAGE = Stage(name=NAME, fn=_places, needs=("parse",), adds=("places",), setup=load_gazetteer)
