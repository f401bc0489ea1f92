"""Fusion: merge article-level events that report the same real event.

Two article events (:class:`Mention`) are the same real event when they have
the same type, come from different documents, and are compatible in

* **actors**: their agents (and their targets) overlap by name or country, or
  one side names none;
* **place**: the same place, or one a region containing the other, or within
  ``NEAR_KM``; different countries never match;
* **time**: their date windows overlap. A window is the event's own time range
  (widened a little for day/week precision), else the few days before the
  report was published; with neither, time does not object;

and something positively ties them (:func:`anchored`): one syndicated story, a
place both name, a shared actor in the same role, both dated to the day, a
claimant both cite, or much the same evidence wording. Two vague "attack" reports with nothing in
common stay apart.

Clustering is complete-linkage and greedy over mentions sorted by content
(date, document id, event id), so the result depends only on the set of
mentions, never on the order they were ingested. A fused event's id is a hash
of its smallest member mention id.

Counting **independent sources** follows ``via`` chains to the claimant and
collapses syndicated copies: statements without attribution count as their
story's origin (the credited wire agency, else the origin document's
publisher), so ten outlets repeating one agency count once.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from ..records import Event, EventLocation, as_dict
from .contradictions import contradictions, figure_history
from .mentions import Mention, name_key

__all__ = ["VERSION", "FusedEvent", "Mention", "compatible", "components", "fuse", "name_key"]

VERSION = "sitrep.fusion.v1"
NEAR_KM = 100.0
ADMIN1_KM = 300.0
REPORT_LAG_DAYS = 3  # an undated event is taken to have happened up to this long before its report

_COARSE = {"admin1", "country", "region"}
_LOC_RANK = {"point": 0, "city": 1, "admin1": 2, "region": 3, "country": 4}
_TIME_RANK = {"day": 0, "week": 1, "range": 2, "month": 3, "season": 4, "year": 5, "unknown": 6}
_STATUS_ORDER = ("occurred", "ongoing", "planned", "possible", "unknown")
_CERTAINTY_ORDER = ("asserted", "reported", "likely", "possible", "doubtful")
_TIME_SLACK = {"day": 1, "week": 3, "unknown": 3}


# --------------------------------------------------------------------------- compatibility


def _date(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def window(m: Mention) -> tuple[date, date] | None:
    """The dates this mention's event may have happened on."""
    t = m.event.time
    if t is not None:
        start, end = _date(t.start), _date(t.end)
        if start or end:
            lo, hi = start or end, end or start
            assert lo is not None and hi is not None
            slack = timedelta(days=_TIME_SLACK.get(t.precision, 0))
            return (lo - slack, hi + slack)
    pub = _date(m.published)
    if pub is not None:
        return (pub - timedelta(days=REPORT_LAG_DAYS), pub)
    return None


def _km(a: EventLocation, b: EventLocation) -> float | None:
    if a.lat is None or a.lon is None or b.lat is None or b.lon is None:
        return None
    p1, p2 = math.radians(a.lat), math.radians(b.lat)
    dp, dl = p2 - p1, math.radians(b.lon - a.lon)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(h)))


def places_compatible(a: EventLocation | None, b: EventLocation | None) -> bool:
    if a is None or b is None:
        return True
    if name_key(a.name) == name_key(b.name):
        return True
    if a.country and b.country and a.country != b.country:
        return False
    a_coarse, b_coarse = (
        (a.precision or "country") in _COARSE,
        (b.precision or "country") in _COARSE,
    )
    if not a_coarse and not b_coarse:
        d = _km(a, b)
        return d is not None and d <= NEAR_KM
    if a_coarse and b_coarse:
        # two different provinces never match; a country or region holds either
        return not (a.precision == "admin1" and b.precision == "admin1")
    coarse, fine = (a, b) if a_coarse else (b, a)
    if coarse.precision != "admin1":
        return True  # a country or region contains the place (countries already agree)
    if fine.admin1:
        return name_key(fine.admin1) in {name_key(coarse.name), name_key(coarse.admin1)}
    d = _km(coarse, fine)
    return d is None or d <= ADMIN1_KM


def _party(e: Event, role: str) -> tuple[set[str], set[str]]:
    names = {name_key(a.name) for a in e.actors if a.role == role}
    countries = {a.country for a in e.actors if a.role == role and a.country}
    return names, countries


def actors_compatible(a: Event, b: Event) -> bool:
    for role in ("agent", "target"):
        an, ac = _party(a, role)
        bn, bc = _party(b, role)
        if an and bn and not (an & bn) and not (ac & bc):
            return False
    return True


Window = tuple[date, date] | None


def compatible(
    a: Mention, b: Mention, wa: Window | bool = False, wb: Window | bool = False
) -> bool:
    """Whether two article events can be one real event (``wa``/``wb``: their windows, if known)."""
    if a.event.type != b.event.type or a.document_id == b.document_id:
        return False
    wa = window(a) if wa is False else wa
    wb = window(b) if wb is False else wb
    if wa and wb and (wa[0] > wb[1] or wb[0] > wa[1]):  # type: ignore[index]
        return False
    return (
        places_compatible(a.event.location, b.event.location)
        and actors_compatible(a.event, b.event)
        and anchored(a, b)
    )


_WORD = re.compile(r"[^\W\d_]{4,}")
#: words too common in news to tie two reports together
_COMMON = frozenset(
    [
        "said",
        "says",
        "told",
        "tells",
        "according",
        "reported",
        "reports",
        "report",
        "that",
        "this",
        "with",
        "from",
        "were",
        "have",
        "been",
        "they",
        "their",
        "them",
        "there",
        "then",
        "than",
        "when",
        "what",
        "which",
        "while",
        "would",
        "could",
        "should",
        "about",
        "also",
        "into",
        "more",
        "other",
        "some",
        "after",
        "before",
        "over",
        "under",
        "near",
        "just",
        "only",
        "said's",
        "source",
        "sources",
        "official",
        "officials",
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
        "today",
        "yesterday",
        "tonight",
        "night",
        "morning",
        "evening",
        "afternoon",
        "week",
        "weeks",
        "month",
        "months",
        "year",
        "years",
        "january",
        "february",
        "march",
        "april",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
        "people",
    ]
)
_SHARED_WORDS = 3
_SHARED_SHARE = 0.5


def _evidence_words(e: Event) -> frozenset[str]:
    words = (w.casefold() for ev in e.evidence for w in _WORD.findall(ev.text))
    return frozenset(w for w in words if w not in _COMMON)


def _claimed_by(e: Event) -> set[str]:
    return {name_key(s.name) for s in e.sources if s.name and s.kind != "unattributed"}


def _dated(e: Event) -> bool:
    t = e.time
    return t is not None and bool(t.start or t.end) and t.precision in ("day", "week")


def anchored(a: Mention, b: Mention) -> bool:
    """Positive evidence that two compatible mentions are one event, beyond type and date:
    one story syndicated, a shared place, a shared actor in the same role, both dated
    to the day, a claimant both cite, or much the same evidence wording (at least
    ``_SHARED_WORDS`` uncommon words, half of the shorter side's). Without any,
    look-alikes stay apart."""
    if a.origin_id is not None and a.origin_id == b.origin_id:
        return True
    if a.event.location is not None and b.event.location is not None:
        return True  # places_compatible has already agreed they fit
    for role in ("agent", "target", "victim"):
        an, ac = _party(a.event, role)
        bn, bc = _party(b.event, role)
        if an & bn or ac & bc:
            return True
    if _dated(a.event) and _dated(b.event):
        return True
    if _claimed_by(a.event) & _claimed_by(b.event):
        return True
    wa, wb = _evidence_words(a.event), _evidence_words(b.event)
    shared = len(wa & wb)
    return shared >= _SHARED_WORDS and shared / min(len(wa), len(wb)) >= _SHARED_SHARE


# --------------------------------------------------------------------------- clustering


def _sort_key(m: Mention) -> tuple[str, str, str]:
    w = window(m)
    return (w[0].isoformat() if w else "9999-99-99", m.document_id, m.event.id)


def cluster(mentions: Iterable[Mention]) -> list[list[Mention]]:
    """Complete-linkage greedy clusters, independent of input order.

    Mentions come in order of their window's first day, so a cluster one of
    whose members ended before the current mention's window began can take
    no later dated mention: it is retired from the candidates. Undated
    mentions come last and are tried against every cluster, in creation order.
    """
    clusters: list[list[Mention]] = []
    active: list[int] = []  # indexes into clusters, in creation order
    ends: list[date | None] = []  # per cluster: the earliest window end among its members
    windows: dict[int, Window] = {}
    for m in sorted(mentions, key=_sort_key):
        w = windows[id(m)] = window(m)
        if w is not None:
            active = [i for i in active if ends[i] is None or ends[i] >= w[0]]  # type: ignore[operator]
        candidates = active if w is not None else range(len(clusters))
        for i in candidates:
            if all(compatible(m, other, w, windows[id(other)]) for other in clusters[i]):
                clusters[i].append(m)
                if w is not None:
                    end = ends[i]
                    ends[i] = w[1] if end is None else min(end, w[1])
                break
        else:
            clusters.append([m])
            ends.append(w[1] if w is not None else None)
            active.append(len(clusters) - 1)
    _prefer_closer_fits(clusters, windows)
    return clusters


def components(mentions: Iterable[Mention]) -> list[list[Mention]]:
    """The connected components of the compatibility graph (an edge joins two mentions
    :func:`compatible` accepts), each in :func:`cluster`'s order.

    A cluster only takes a mention compatible with all its members, and a closer fit
    only swaps in a mention compatible with the rest, so clustering never mixes two
    components and clusters each the same whether the others are there or not:
    fusing a union of components gives exactly what fusing everything gives there.
    That is what lets the ledger re-fuse only the components new reports touch.
    Pairs already joined through others are not compared.
    """
    ms = sorted(mentions, key=_sort_key)
    windows = [window(m) for m in ms]
    parent = list(range(len(ms)))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def link(i: int, j: int) -> None:
        ri, rj = find(i), find(j)
        if ri != rj and compatible(ms[i], ms[j], windows[i], windows[j]):
            parent[max(ri, rj)] = min(ri, rj)

    active: list[int] = []
    undated: list[int] = []
    for i, w in enumerate(windows):
        if w is None:
            undated.append(i)
            continue
        active = [j for j in active if windows[j][1] >= w[0]]  # type: ignore[index]
        for j in active:
            link(i, j)
        active.append(i)
    for i in undated:  # time does not object: compare with every other mention
        for j in range(len(ms)):
            if j != i:
                link(i, j)
    groups: dict[int, list[Mention]] = {}
    for i, m in enumerate(ms):
        groups.setdefault(find(i), []).append(m)
    return list(groups.values())


def _ties(a: Mention, b: Mention, wa: Window, wb: Window) -> int:
    """How strongly two compatible mentions are tied: the same place name, both dated to
    the day (their windows overlap), a shared claimant, a shared actor in the same role."""
    n = 0
    la, lb = a.event.location, b.event.location
    if la is not None and lb is not None and name_key(la.name) == name_key(lb.name):
        n += 1
    if _dated(a.event) and _dated(b.event) and wa and wb:
        n += 1
    if _claimed_by(a.event) & _claimed_by(b.event):
        n += 1
    if {(name_key(x.name), x.role) for x in a.event.actors} & {
        (name_key(x.name), x.role) for x in b.event.actors
    }:
        n += 1
    return n


def _prefer_closer_fits(clusters: list[list[Mention]], windows: dict[int, Window]) -> None:
    """One document's mention in a cluster gives way to a left-over singleton of the same
    document that fits the other members more closely (a denial dated to the day, say,
    over the same article's vaguer mention that happened to come first)."""
    singles = {id(c[0]): i for i, c in enumerate(clusters) if len(c) == 1}
    for c in clusters:
        if len(c) < 2:
            continue
        for k, current in enumerate(list(c)):
            rest = c[:k] + c[k + 1 :]
            best, best_score = (
                None,
                sum(_ties(current, o, windows[id(current)], windows[id(o)]) for o in rest),
            )
            for i in sorted(singles.values()):
                m = clusters[i][0]
                if m.document_id != current.document_id or m.event.type != current.event.type:
                    continue
                wm = windows[id(m)]
                if not all(compatible(m, o, wm, windows[id(o)]) for o in rest):
                    continue
                score = sum(_ties(m, o, wm, windows[id(o)]) for o in rest)
                if score > best_score:
                    best, best_score = i, score
            if best is not None:
                m = clusters[best][0]
                c[k], clusters[best][0] = m, current
                del singles[id(m)]
                singles[id(current)] = best


# --------------------------------------------------------------------------- the fused event


def _ordered(members: list[Mention]) -> list[Mention]:
    return sorted(members, key=lambda m: (m.published or "9999", m.document_id, m.event.id))


def _pick_status(members: list[Mention]) -> str:
    live = [m.event.status for m in members if not m.denied]
    if not live:
        return "denied"
    counts = Counter(live)
    return min(
        counts, key=lambda s: (-counts[s], _STATUS_ORDER.index(s) if s in _STATUS_ORDER else 99, s)
    )


def _pick_certainty(members: list[Mention]) -> str:
    live = [m.event.certainty for m in members if not m.denied]
    if not live:
        return "denied"
    return min(live, key=lambda c: (_CERTAINTY_ORDER.index(c) if c in _CERTAINTY_ORDER else 99, c))


def _pick_location(members: list[Mention]) -> EventLocation | None:
    locs = [m.event.location for m in members if m.event.location is not None]
    if not locs:
        return None
    counts = Counter(name_key(loc.name) for loc in locs)
    return min(
        locs,
        key=lambda loc: (
            _LOC_RANK.get(loc.precision or "", 9),
            -counts[name_key(loc.name)],
            loc.name,
            repr(loc),
        ),
    )


@dataclass(frozen=True, slots=True)
class FusedEvent:
    """One ledger event: the contract EVENT merged across its mentions."""

    id: str
    members: tuple[Mention, ...]
    payload: dict[str, Any]
    claimants: tuple[tuple[str, str, int], ...]  # (name, kind, mentions)

    def as_dict(self) -> dict[str, Any]:
        return self.payload


def fused_id(members: Iterable[Mention]) -> str:
    """``ev-`` + a hash of the event type and the smallest member mention id."""
    ms = list(members)
    key = f"{ms[0].event.type}|{min(m.id for m in ms)}"
    return "ev-" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:20]


def merge(members: list[Mention]) -> FusedEvent:
    ms = _ordered(members)
    first = next((m for m in ms if not m.denied), ms[0])
    actors: dict[tuple[str, str], dict[str, Any]] = {}
    for m in ms:
        for a in m.event.actors:
            actors.setdefault((name_key(a.name), a.role), as_dict(a))
    figures: dict[tuple[Any, ...], dict[str, Any]] = {}
    for m in ms:
        for f in m.event.figures:
            d = {k: v for k, v in as_dict(f).items() if k not in ("start", "end")}
            figures.setdefault(
                (f.category, f.value, f.low, f.high, f.qualifier, name_key(f.subject)), d
            )
    sources: dict[tuple[str, tuple[str, ...]], dict[str, Any]] = {}
    for m in ms:
        for s in m.event.sources:
            sources.setdefault((name_key(s.name), tuple(name_key(v) for v in s.via)), as_dict(s))
    timed = [
        m.event.time
        for m in ms
        if m.event.time is not None and (m.event.time.start or m.event.time.end)
    ]
    time = (
        min(
            timed,
            key=lambda t: (
                _TIME_RANK.get(t.precision, 9),
                t.start or "",
                t.end or "",
                t.text or "",
            ),
        )
        if timed
        else None
    )
    location = _pick_location(ms)
    claim_counts: Counter[tuple[str, str]] = Counter()
    for m in ms:
        for c in set(m.claimants()):
            claim_counts[c] += 1
    by_key: dict[str, tuple[str, str, int]] = {}
    for (name, kind), n in sorted(claim_counts.items()):
        k = name_key(name)
        prev = by_key.get(k)
        by_key[k] = (name, kind, n + (prev[2] if prev else 0))
    claimants = tuple(sorted(by_key.values(), key=lambda c: (-c[2], c[0])))
    fid = fused_id(ms)
    contra = contradictions(ms)
    payload: dict[str, Any] = {
        "id": fid,
        "type": first.event.type,
        "summary": first.event.summary,
        "status": _pick_status(ms),
        "actors": sorted(actors.values(), key=lambda a: (a["role"], a["name"])),
        "location": None
        if location is None
        else {k: v for k, v in as_dict(location).items() if k != "geonames_id" or v is not None},
        "time": None if time is None else as_dict(time),
        "figures": sorted(
            figures.values(), key=lambda f: (f["category"], f["value"] or 0, f["text"])
        ),
        "sources": sorted(sources.values(), key=lambda s: (s["name"], s["via"])),
        "certainty": _pick_certainty(ms),
        "evidence": [
            {"document_id": m.document_id, "start": e.start, "end": e.end, "text": e.text}
            for m in ms
            for e in m.event.evidence[:2]
        ][:10],
        "mentions": [
            {
                "document_id": m.document_id,
                "published": m.published,
                "publisher": m.publisher,
                "event_id": m.event.id,
            }
            for m in ms
        ],
        "independent_sources": len(by_key),
        "figure_history": figure_history(ms),
        "contradictions": contra,
        "version": VERSION,
    }
    return FusedEvent(id=fid, members=tuple(ms), payload=payload, claimants=claimants)


def fuse(mentions: Iterable[Mention]) -> list[FusedEvent]:
    """Fuse article-level events into ledger events (sorted by id)."""
    by_type: dict[str, list[Mention]] = {}
    for m in mentions:
        by_type.setdefault(m.event.type, []).append(m)
    out = [merge(c) for t in sorted(by_type) for c in cluster(by_type[t])]
    return sorted(out, key=lambda f: f.id)
