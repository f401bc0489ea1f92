"""ACLED-style CSV: the columns of ACLED's data export, filled from fused events.

Columns (:data:`COLUMNS`): ``event_id_cnty, event_date, year, time_precision,
event_type, sub_event_type, actor1, assoc_actor_1, actor2, country, admin1,
location, latitude, longitude, geo_precision, source, source_scale, notes,
fatalities, timestamp``, then ``sitrep_id`` (the fused event's id, to join
back to the ledger).

How sitrep's values become ACLED's:

* **types** follow docs/taxonomy.md: ``attack`` and ``casualties`` become
  *Battles*, *Explosions/Remote violence*, *Violence against civilians* or
  *Riots* by the weapon or action their evidence names (air/drone strike,
  shelling/artillery/missile, IED, grenade, suicide bomb, chemical weapon,
  armed clash, mob violence), else by who was hit (armed forces: *Armed
  clash*; otherwise *Attack* on civilians); ``protest``: *Protests* or
  *Riots*; ``arrest``: *Arrests* (abductions: *Abduction/forced
  disappearance*); ``agreement``: *Agreement*; ``deployment``: *Headquarters
  or base established* for bases, *Non-violent transfer of territory* for
  withdrawals; every other type is *Strategic developments / Other*.
* ACLED codes only events that happened: events whose status is not
  ``occurred`` or ``ongoing`` (planned, possible, denied, unknown) are skipped.
* ``event_id_cnty`` is the place's ISO alpha-3 code and a number derived from
  the fused id (stable across exports); ``XXX`` where the place is unknown.
* ``time_precision``: 1 a known day, 2 a week or a few days (or only the
  report's date), 3 anything vaguer. ``geo_precision``: 1 a town or point,
  2 a region inside a country, 3 a province or country.
* ``fatalities``: the current killed count (latest day, lowest that day), 0
  when none was reported. ``source``: the outlets that carried it.
  ``source_scale`` is left empty: sitrep does not know an outlet's reach.
* ``notes``: the summary, then the independent source count, disputed
  figures and denials.
* ``timestamp``: the Unix time (UTC midnight) of the latest report.
"""

from __future__ import annotations

import csv
import hashlib
import re
from collections.abc import Iterable
from datetime import UTC, date, datetime
from typing import IO, Any

from . import ExportFormat, ExportResult
from .flat import (
    actor_names,
    country_iso3,
    country_name,
    current_figure,
    event_date,
    publication_dates,
)

__all__ = ["COLUMNS", "FORMAT", "acled_types", "row", "write"]

COLUMNS: tuple[str, ...] = (
    "event_id_cnty",
    "event_date",
    "year",
    "time_precision",
    "event_type",
    "sub_event_type",
    "actor1",
    "assoc_actor_1",
    "actor2",
    "country",
    "admin1",
    "location",
    "latitude",
    "longitude",
    "geo_precision",
    "source",
    "source_scale",
    "notes",
    "fatalities",
    "timestamp",
    "sitrep_id",
)

HAPPENED = frozenset({"occurred", "ongoing"})
BATTLES, REMOTE, CIVILIANS, RIOTS = (
    "Battles",
    "Explosions/Remote violence",
    "Violence against civilians",
    "Riots",
)
PROTESTS, STRATEGIC = "Protests", "Strategic developments"

#: (pattern over the event's words, event type, sub-event type), first match wins
_VIOLENCE: tuple[tuple[re.Pattern[str], str, str], ...] = tuple(
    (re.compile(p, re.I), t, s)
    for p, t, s in (
        (r"\bchemical\b|\bnerve agent|\bchlorine\b", REMOTE, "Chemical weapon"),
        (r"\bsuicide (?:bomb|attack|car)", REMOTE, "Suicide bomb"),
        (r"\bgrenades?\b", REMOTE, "Grenade"),
        (
            r"\bIEDs?\b|\broadside bomb|\blandmines?\b|\bcar bomb|\bexplosive device",
            REMOTE,
            "Remote explosive/landmine/IED",
        ),
        (
            r"\bair ?strikes?\b|\bair raids?\b|\bdrones?\b|\bglide bombs?\b|\bwarplanes?\b|\bhelicopters?\b|\bbombers?\b|\baircraft\b",
            REMOTE,
            "Air/drone strike",
        ),
        (
            r"\bmissiles?\b|\bshell(?:s|ing|ed)\b|\bartillery\b|\brockets?\b|\bmortars?\b",
            REMOTE,
            "Shelling/artillery/missile attack",
        ),
        (r"\bmobs?\b|\blynch", RIOTS, "Mob violence"),
        (
            r"\bclash(?:es|ed)?\b|\bbattles?\b|\bfighting\b|\bfought\b|\bambush(?:ed)?\b|\bfirefight|\bgun ?battle|\barmy post\b|\bpositions?\b",
            BATTLES,
            "Armed clash",
        ),
        (r"\bloot(?:ed|ing)?\b|\barson\b|\btorched\b", RIOTS, "Looting/property destruction"),
    )
)
_ARMED = re.compile(
    r"\b(?:soldiers?|troops?|servicem[ae]n|fighters?|militants?|rebels?|army|forces)\b", re.I
)
_WITHDRAW = re.compile(
    r"\bwithdr[ae]w|\bwithdrawn?\b|\bwithdrawal\b|\bpulled out\b|\bretreat", re.I
)
_BASE = re.compile(r"\bbases?\b|\bheadquarters\b|\bstationed\b", re.I)
_ABDUCT = re.compile(r"\babduct|\bkidnap|\bhostages?\b", re.I)
_RIOT = re.compile(r"\briots?\b|\brioting\b|\bviolent\b|\bclash", re.I)
_INTERVENE = re.compile(r"\btear gas\b|\bdispersed\b|\bwater cannon|\brubber bullets\b", re.I)


def _words(event: dict[str, Any]) -> str:
    parts = [event.get("summary") or "", event.get("trigger") or ""]
    parts += [ev.get("text", "") for ev in event.get("evidence") or []]
    return " ".join(parts)


def _hit_armed(event: dict[str, Any], words: str) -> bool:
    targets = [a for a in event.get("actors") or [] if a.get("role") in ("target", "victim")]
    if any(a.get("kind") in ("military", "armed_group") for a in targets):
        return True
    subjects = " ".join(f.get("subject") or "" for f in event.get("figures") or [])
    return bool(_ARMED.search(subjects))


def acled_types(event: dict[str, Any]) -> tuple[str, str]:
    """ACLED's (event_type, sub_event_type) for a sitrep event."""
    kind, words = event["type"], _words(event)
    if kind in ("attack", "casualties"):
        for pattern, event_type, sub in _VIOLENCE:
            if pattern.search(words):
                return event_type, sub
        return (BATTLES, "Armed clash") if _hit_armed(event, words) else (CIVILIANS, "Attack")
    if kind == "protest":
        if _RIOT.search(words):
            return RIOTS, "Violent demonstration"
        return PROTESTS, "Protest with intervention" if _INTERVENE.search(
            words
        ) else "Peaceful protest"
    if kind == "arrest":
        return (
            (CIVILIANS, "Abduction/forced disappearance")
            if _ABDUCT.search(words)
            else (STRATEGIC, "Arrests")
        )
    if kind == "agreement":
        return STRATEGIC, "Agreement"
    if kind == "deployment":
        if _WITHDRAW.search(words):
            return STRATEGIC, "Non-violent transfer of territory"
        if _BASE.search(words):
            return STRATEGIC, "Headquarters or base established"
    return STRATEGIC, "Other"


def _time_precision(event: dict[str, Any]) -> int:
    t = event.get("time") or {}
    if not (t.get("start") or t.get("end")):
        return 2  # only the report's date: it happened in the few days before
    precision = t.get("precision")
    if precision == "day":
        return 1
    if precision == "week":
        return 2
    if precision == "range" and t.get("start") and t.get("end"):
        try:
            span = date.fromisoformat(t["end"][:10]) - date.fromisoformat(t["start"][:10])
        except ValueError:
            return 3
        return 1 if span.days == 0 else 2 if span.days <= 7 else 3
    return 3


_GEO_PRECISION = {"point": 1, "city": 1, "region": 2, "admin1": 3, "country": 3}


def _event_number(event_id: str) -> int:
    return int(hashlib.sha256(event_id.encode("utf-8")).hexdigest()[:12], 16) % 10**9


def _notes(event: dict[str, Any], when: str | None) -> str:
    summary = (event.get("summary") or "").strip().rstrip(".")
    notes = [f"On {when}, {summary[:1].lower() + summary[1:]}." if when else f"{summary}."]
    n = int(event.get("independent_sources") or 0)
    notes.append(f"{n} independent source{'s' if n != 1 else ''}.")
    for c in event.get("contradictions") or []:
        values = " vs ".join(str(v) for v in c.get("values") or [])
        who = "; ".join(c.get("sources") or [])
        what = "Status" if c.get("category") == "status" else f"Figures for {c.get('category')}"
        notes.append(f"{what} disputed: {values} ({who}).")
    return " ".join(notes)


def _number_cell(value: float | None) -> str:
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() else str(value)


def row(event: dict[str, Any]) -> dict[str, Any] | None:
    """The event as one ACLED-style row, or None when ACLED would not code it."""
    if event.get("status") not in HAPPENED:
        return None
    loc = event.get("location") or {}
    when = event_date(event)
    event_type, sub = acled_types(event)
    agents = actor_names(event, ("agent",))
    targets = actor_names(event, ("target", "victim"))
    dates = publication_dates(event)
    stamp = (
        int(datetime.combine(date.fromisoformat(dates[-1]), datetime.min.time(), UTC).timestamp())
        if dates
        else ""
    )
    killed = current_figure(event, "killed")
    return {
        "event_id_cnty": f"{country_iso3(loc.get('country')) or 'XXX'}{_event_number(event['id'])}",
        "event_date": when or "",
        "year": when[:4] if when else "",
        "time_precision": _time_precision(event),
        "event_type": event_type,
        "sub_event_type": sub,
        "actor1": agents[0] if agents else "",
        "assoc_actor_1": "; ".join(agents[1:]),
        "actor2": "; ".join(targets),
        "country": country_name(loc.get("country")) or "",
        "admin1": loc.get("admin1") or "",
        "location": loc.get("name") or "",
        "latitude": "" if loc.get("lat") is None else loc["lat"],
        "longitude": "" if loc.get("lon") is None else loc["lon"],
        "geo_precision": _GEO_PRECISION.get(loc.get("precision") or "", "") if loc else "",
        "source": "; ".join(
            sorted({m["publisher"] for m in event.get("mentions") or [] if m.get("publisher")})
        ),
        "source_scale": "",
        "notes": _notes(event, when),
        "fatalities": _number_cell(killed) or "0",
        "timestamp": stamp,
        "sitrep_id": event["id"],
    }


def write(events: Iterable[dict[str, Any]], out: IO[str]) -> ExportResult:
    result = ExportResult("acled", skip_reason="not reported as having happened")
    w = csv.DictWriter(out, fieldnames=list(COLUMNS), lineterminator="\n")
    w.writeheader()
    for e in events:
        r = row(e)
        if r is None:
            result.skipped += 1
            continue
        w.writerow(r)
        result.written += 1
    return result


FORMAT = ExportFormat(
    "acled", ".csv", False, "ACLED-style CSV; events that did not happen skipped", write
)
