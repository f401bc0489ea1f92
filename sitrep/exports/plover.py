"""PLOVER: one PLOVER-style JSON record per line.

PLOVER (the Open Event Data Alliance's successor to CAMEO) codes an event as
category-mode-context with source and target actors. A record::

    {"id", "date", "event", "mode", "context": [...],
     "source_actor", "source_actors", "source_agent", "source_country",
     "target_actor", "target_actors", "target_agent", "target_country",
     "location", "admin1", "country", "lat", "lon", "geo_precision", "geonames_id",
     "fatalities", "injuries", "eventText",
     "status", "certainty", "independent_sources", "publishers", "sitrep_id",
     "version": {"plover", "mapping", "sitrep", "schema"}}

* ``event`` follows docs/taxonomy.md: attack and casualties ASSAULT,
  deployment and weapons_test MOBILIZE (a withdrawal RETREAT), military_aid
  AID, concealment and arrest COERCE, protest PROTEST, sanction SANCTION,
  threat THREATEN, agreement AGREE when intended and COOPERATE when signed.
  ``other`` has no PLOVER category: those events are skipped and counted.
* ``mode`` is sitrep's reading of the how: for ASSAULT the weapon its
  evidence names (``aerial``, ``artillery``, ``explosive``, ``firearms``),
  ``arrest``/``abduct`` for COERCE, ``test`` for a weapons test; else "".
* ``context`` is ``["military"]`` for the armed-conflict types, else [].
* actors: the source is the event's agents, the target its targets and
  victims; ``*_agent`` is a PLOVER sector (GOV, MIL, REB, MED, ORG, CVL),
  ``*_country`` an ISO 3166-1 alpha-3 code, as PLOVER uses.
* ``fatalities``/``injuries``: the current counts (latest day, lowest that
  day), null when none was reported. ``eventText``: the first evidence
  sentence. Denied, planned and possible events are kept, with ``status``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import IO, Any

from . import ExportFormat, ExportResult
from .flat import actor_names, country_iso3, current_figure, event_date

__all__ = ["FORMAT", "MAPPING_VERSION", "PLOVER_VERSION", "plover_category", "record", "write"]

PLOVER_VERSION = "0.6b1"
MAPPING_VERSION = "sitrep.plover.v1"

CATEGORIES: dict[str, str] = {
    "attack": "ASSAULT",
    "casualties": "ASSAULT",
    "deployment": "MOBILIZE",
    "weapons_test": "MOBILIZE",
    "military_aid": "AID",
    "concealment": "COERCE",
    "arrest": "COERCE",
    "protest": "PROTEST",
    "sanction": "SANCTION",
    "threat": "THREATEN",
    "agreement": "COOPERATE",
}
MILITARY = frozenset(
    {"attack", "casualties", "deployment", "weapons_test", "military_aid", "concealment"}
)
SECTORS = {
    "state": "GOV",
    "government": "GOV",
    "military": "MIL",
    "armed_group": "REB",
    "media": "MED",
    "organization": "ORG",
    "person": "CVL",
}

_WITHDRAW = re.compile(
    r"\bwithdr[ae]w|\bwithdrawn?\b|\bwithdrawal\b|\bpulled out\b|\bretreat", re.I
)
_ABDUCT = re.compile(r"\babduct|\bkidnap|\bhostages?\b", re.I)
_MODES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(p, re.I), m)
    for p, m in (
        (
            r"\bair ?strikes?\b|\bair raids?\b|\bdrones?\b|\bglide bombs?\b|\bwarplanes?\b|\bhelicopters?\b|\bbombers?\b|\baircraft\b",
            "aerial",
        ),
        (
            r"\bmissiles?\b|\bshell(?:s|ing|ed)\b|\bartillery\b|\brockets?\b|\bmortars?\b",
            "artillery",
        ),
        (
            r"\bIEDs?\b|\broadside bomb|\blandmines?\b|\bcar bomb|\bexplosi(?:ve|on)s?\b|\bsuicide\b|\bgrenades?\b",
            "explosive",
        ),
        (r"\bgun(?:s|fire|men)?\b|\bshot\b|\bshooting\b|\brifles?\b|\bfirearms?\b", "firearms"),
    )
)


def _words(event: dict[str, Any]) -> str:
    return " ".join(
        [event.get("summary") or ""] + [ev.get("text", "") for ev in event.get("evidence") or []]
    )


def plover_category(event: dict[str, Any]) -> str | None:
    """PLOVER's event category for a sitrep event, or None when there is none."""
    kind = event["type"]
    if kind == "deployment" and _WITHDRAW.search(_words(event)):
        return "RETREAT"
    if kind == "agreement" and event.get("status") in ("planned", "possible"):
        return "AGREE"
    return CATEGORIES.get(kind)


def _mode(event: dict[str, Any], category: str) -> str:
    kind, words = event["type"], _words(event)
    if category == "ASSAULT":
        return next((m for p, m in _MODES if p.search(words)), "")
    if kind == "arrest":
        return "abduct" if _ABDUCT.search(words) else "arrest"
    if kind == "weapons_test":
        return "test"
    return ""


def _party(event: dict[str, Any], roles: tuple[str, ...]) -> dict[str, Any]:
    actors = [a for a in event.get("actors") or [] if a.get("role") in roles]
    first = actors[0] if actors else {}
    country = next((a.get("country") for a in actors if a.get("country")), None)
    return {
        "actor": first.get("name"),
        "actors": actor_names(event, roles),
        "agent": SECTORS.get(first.get("kind") or "", "") if first else "",
        "country": country_iso3(country),
    }


def record(event: dict[str, Any]) -> dict[str, Any] | None:
    """The event as a PLOVER record, or None when PLOVER has no category for it."""
    from .. import __version__

    category = plover_category(event)
    if category is None:
        return None
    loc = event.get("location") or {}
    source, target = _party(event, ("agent",)), _party(event, ("target", "victim"))
    evidence = event.get("evidence") or []
    return {
        "id": event["id"],
        "date": event_date(event),
        "event": category,
        "mode": _mode(event, category),
        "context": ["military"] if event["type"] in MILITARY else [],
        **{f"source_{k}": v for k, v in source.items()},
        **{f"target_{k}": v for k, v in target.items()},
        "location": loc.get("name"),
        "admin1": loc.get("admin1"),
        "country": country_iso3(loc.get("country")),
        "lat": loc.get("lat"),
        "lon": loc.get("lon"),
        "geo_precision": loc.get("precision"),
        "geonames_id": loc.get("geonames_id"),
        "fatalities": current_figure(event, "killed"),
        "injuries": current_figure(event, "injured"),
        "eventText": " ".join(evidence[0]["text"].split()) if evidence else None,
        "status": event.get("status"),
        "certainty": event.get("certainty"),
        "independent_sources": int(event.get("independent_sources") or 0),
        "publishers": sorted(
            {m["publisher"] for m in event.get("mentions") or [] if m.get("publisher")}
        ),
        "sitrep_id": event["id"],
        "version": {
            "plover": PLOVER_VERSION,
            "mapping": MAPPING_VERSION,
            "sitrep": __version__,
            "schema": "sitrep.events/1",
        },
    }


def write(events: Iterable[dict[str, Any]], out: IO[str]) -> ExportResult:
    result = ExportResult("plover", skip_reason="no PLOVER category (type other)")
    for e in events:
        r = record(e)
        if r is None:
            result.skipped += 1
            continue
        out.write(json.dumps(r, ensure_ascii=False) + "\n")
        result.written += 1
    return result


FORMAT = ExportFormat("plover", ".jsonl", False, "PLOVER-style JSON records, one per line", write)
