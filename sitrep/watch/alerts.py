"""Alert rules, evaluated over the ledger after each round; each alert raised once.

A rules file is TOML::

    [[rule]]
    name = "North Korean troops in Russia"   # unique; part of every alert's key
    types = ["deployment"]                   # event types (any of); omit for all
    actors = ["North Korea"]                 # actor names or ISO country codes (any of)
    countries = ["RU"]                       # ISO code of the event's place (any of)
    places = ["Kursk Oblast"]                # place name or its province (any of)
    min_sources = 1                          # at least this many independent sources
    new_event = true                         # alert when a matching event appears
    figure_change = { absolute = 500, relative = 0.05 }   # or true: any change
    figure_categories = ["troops"]           # which figures (default: all)
    new_contradiction = true                 # alert when sources start to disagree

    [deliver]                                # see sitrep.watch.deliver
    stdout = true
    file = "alerts.jsonl"
    webhook = "https://hooks.example.org/sitrep"

How changes are found: each fused event is kept as a snapshot in
``watch_snapshots`` (its mentions, latest figure per category, independent
sources, contradictions). The next evaluation compares the ledger with the
snapshots: an event none of whose mentions were seen is new; one that
matches a snapshot (same id, else the most shared mentions, so a re-fused id
is still the same event) may have moved figures or new contradictions. An
event that reaches a rule's ``min_sources`` for the first time counts as new
for that rule. Alerts and snapshots are written in one transaction, and an
alert's key (rule, kind, event, change) is its primary key, so a restart or
a second evaluation never raises it again.

:func:`recent_alerts` lists what was raised, newest first (the dashboard's feed).
"""

from __future__ import annotations

import json
import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import delete, insert, select

from ..errors import UsageError
from ..ledger import Ledger
from ..ledger import schema as ledger_schema
from ..ledger.fusion import name_key
from . import state

__all__ = ["ALERT_SCHEMA", "Rule", "evaluate", "load_rules", "parse_rules", "recent_alerts"]

ALERT_SCHEMA = "sitrep.alert/1"
_RULE_KEYS = {
    "name", "types", "actors", "countries", "places", "min_sources", "new_event",
    "figure_change", "figure_categories", "new_contradiction",
}  # fmt: skip


@dataclass(frozen=True, slots=True)
class Rule:
    name: str
    types: tuple[str, ...] = ()
    actors: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()
    places: tuple[str, ...] = ()
    min_sources: int = 0
    new_event: bool = False
    figure_change: bool = False
    figure_absolute: float | None = None
    figure_relative: float | None = None
    figure_categories: tuple[str, ...] = ()
    new_contradiction: bool = False

    def matches(self, ev: dict[str, Any], sources: int | None = None) -> bool:
        """Whether ``ev`` passes the filters (with ``sources`` in place of its own count)."""
        n = ev.get("independent_sources", 0) if sources is None else sources
        if n < self.min_sources:
            return False
        if self.types and ev.get("type") not in self.types:
            return False
        loc = ev.get("location") or {}
        if self.countries and (loc.get("country") or "").upper() not in self.countries:
            return False
        if self.places:
            keys = {name_key(loc.get("name")), name_key(loc.get("admin1"))} - {""}
            if not keys & {name_key(p) for p in self.places}:
                return False
        if self.actors:
            names = {name_key(a["name"]) for a in ev.get("actors", [])}
            codes = {(a.get("country") or "").upper() for a in ev.get("actors", [])}
            if not any(
                name_key(want) in names or (len(want) == 2 and want.upper() in codes)
                for want in self.actors
            ):
                return False
        return True

    def figure_moved(self, old: float, new: float) -> bool:
        if old == new:
            return False
        delta = abs(new - old)
        if self.figure_absolute is None and self.figure_relative is None:
            return True
        if self.figure_absolute is not None and delta >= self.figure_absolute:
            return True
        return bool(
            self.figure_relative is not None and old and delta / abs(old) >= self.figure_relative
        )


def _strings(value: Any, where: str, key: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise UsageError(f"{where}: {key} must be a string or a list of strings")
    return tuple(value)


def parse_rules(doc: dict[str, Any], where: str = "rules") -> list[Rule]:
    raw = doc.get("rule", [])
    if not isinstance(raw, list):
        raise UsageError(f"{where}: use [[rule]] tables")
    rules: list[Rule] = []
    for n, item in enumerate(raw, start=1):
        here = f"{where} rule {n}"
        if not isinstance(item, dict) or not isinstance(item.get("name"), str) or not item["name"]:
            raise UsageError(f"{here}: needs a name")
        unknown = set(item) - _RULE_KEYS
        if unknown:
            raise UsageError(f"{here}: unknown key(s): {', '.join(sorted(unknown))}")
        change = item.get("figure_change", False)
        absolute = relative = None
        if isinstance(change, dict):
            bad = set(change) - {"absolute", "relative"}
            if bad:
                raise UsageError(
                    f"{here}: figure_change takes absolute and relative, not {', '.join(sorted(bad))}"
                )
            absolute, relative = change.get("absolute"), change.get("relative")
            for v in (absolute, relative):
                if v is not None and (not isinstance(v, (int, float)) or v < 0):
                    raise UsageError(
                        f"{here}: figure_change thresholds must be numbers of 0 or more"
                    )
            change = True
        elif not isinstance(change, bool):
            raise UsageError(f"{here}: figure_change must be true/false or {{absolute, relative}}")
        rule = Rule(
            name=item["name"],
            types=_strings(item.get("types"), here, "types"),
            actors=_strings(item.get("actors"), here, "actors"),
            countries=tuple(c.upper() for c in _strings(item.get("countries"), here, "countries")),
            places=_strings(item.get("places"), here, "places"),
            min_sources=int(item.get("min_sources", 0)),
            new_event=bool(item.get("new_event", False)),
            figure_change=change,
            figure_absolute=None if absolute is None else float(absolute),
            figure_relative=None if relative is None else float(relative),
            figure_categories=_strings(item.get("figure_categories"), here, "figure_categories"),
            new_contradiction=bool(item.get("new_contradiction", False)),
        )
        if not (rule.new_event or rule.figure_change or rule.new_contradiction):
            raise UsageError(
                f"{here}: says what to alert on: new_event, figure_change or new_contradiction"
            )
        if rule.name in {r.name for r in rules}:
            raise UsageError(f"{here}: the name {rule.name!r} is used twice")
        rules.append(rule)
    return rules


def read_toml(path: str | Path, what: str) -> dict[str, Any]:
    p = Path(path)
    try:
        return tomllib.loads(p.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise UsageError(f"{what} file not found: {p}") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"{what} file not readable: {p} ({exc})") from exc
    except tomllib.TOMLDecodeError as exc:
        raise UsageError(f"{p}: not valid TOML ({exc})") from exc


def load_rules(path: str | Path) -> list[Rule]:
    rules = parse_rules(read_toml(path, "rules"), where=str(path))
    if not rules:
        raise UsageError(f"{path}: no [[rule]] entries")
    return rules


# --------------------------------------------------------------------------- snapshots


def _latest_figures(ev: dict[str, Any]) -> dict[str, float]:
    """The latest reported value per figure category (figure_history is in publication order)."""
    out: dict[str, float] = {}
    for h in ev.get("figure_history", []):
        if h.get("value") is not None:
            out[h["category"]] = float(h["value"])
    return out


def _contradiction_key(c: dict[str, Any]) -> str:
    return f"{c['category']}:{json.dumps(c['values'], sort_keys=True, default=str)}"


def _contradiction_keys(ev: dict[str, Any]) -> list[str]:
    return sorted(_contradiction_key(c) for c in ev.get("contradictions", []))


def _mention_keys(ev: dict[str, Any]) -> set[str]:
    return {f"{m['document_id']}|{m['event_id']}" for m in ev.get("mentions", [])}


def _number(v: float) -> str:
    return f"{int(v):,}" if float(v).is_integer() else f"{v:,}"


def _subject(ev: dict[str, Any], category: str, value: float) -> str:
    for f in ev.get("figures", []):
        if f.get("category") == category and f.get("value") == value and f.get("subject"):
            return str(f["subject"])
    return category


# --------------------------------------------------------------------------- evaluation


class _Evaluation:
    def __init__(self, ledger: Ledger, rules: Sequence[Rule]) -> None:
        self.ledger, self.rules = ledger, rules
        self.alerts: list[dict[str, Any]] = []
        self._docs: dict[str, Any] = {}

    def load_documents(self, ids: Iterable[str]) -> None:
        d = ledger_schema.documents
        want = sorted(set(ids) - set(self._docs))
        with self.ledger.engine.connect() as conn:
            for start in range(0, len(want), 500):
                q = select(d.c.id, d.c.url, d.c.source, d.c.title, d.c.publisher, d.c.published)
                for r in conn.execute(q.where(d.c.id.in_(want[start : start + 500]))):
                    self._docs[r.id] = r

    def link(self, doc_id: str) -> dict[str, Any]:
        r = self._docs.get(doc_id)
        if r is None:
            return {
                "document_id": doc_id,
                "url": None,
                "title": None,
                "publisher": None,
                "published": None,
            }
        return {"document_id": doc_id, "url": r.url or r.source, "title": r.title,
                "publisher": r.publisher, "published": r.published}  # fmt: skip

    def alert(self, rule: Rule, kind: str, anchor: str, ev: dict[str, Any], what: str,
              detail: str, change: dict[str, Any] | None, doc_ids: list[str]) -> None:  # fmt: skip
        docs = list(dict.fromkeys(doc_ids)) or [m["document_id"] for m in ev.get("mentions", [])]
        rank = {d: n for n, d in enumerate(docs)}
        evidence = sorted(
            (e for e in ev.get("evidence", []) if e.get("document_id") in rank),
            key=lambda e: rank[e["document_id"]],
        ) or ev.get("evidence", [])
        loc = ev.get("location") or {}
        self.alerts.append({
            "schema": ALERT_SCHEMA,
            "key": f"{rule.name}|{kind}|{anchor}|{detail}"[:500],
            "rule": rule.name,
            "kind": kind,
            "event_id": ev["id"],
            "type": ev.get("type"),
            "summary": ev.get("summary"),
            "what": what,
            "change": change,
            "place": loc.get("name"),
            "country": loc.get("country"),
            "independent_sources": ev.get("independent_sources", 0),
            "evidence": [{"text": e.get("text"), **self.link(e.get("document_id", ""))} for e in evidence[:5]],
            "sources": [self.link(i) for i in docs],
        })  # fmt: skip

    def changes(self, ev: dict[str, Any], prev: Any | None, anchor: str) -> None:
        figures = _latest_figures(ev)
        before = json.loads(prev.figures) if prev is not None else {}
        old_contra = set(json.loads(prev.contradictions)) if prev is not None else set()
        prev_sources = prev.independent_sources if prev is not None else None
        for rule in self.rules:
            if not rule.matches(ev):
                continue
            if rule.new_event and (prev is None or not rule.matches(ev, prev_sources)):
                what = f"new {ev.get('type')} event: {ev.get('summary')}"
                detail = ""
                if prev is not None:
                    what += f" (independent sources: {prev_sources} -> {ev['independent_sources']})"
                    detail = f"sources>={rule.min_sources}"
                self.alert(rule, "new_event", anchor, ev, what, detail, None, [])
            if rule.figure_change and prev is not None:
                for cat, new in sorted(figures.items()):
                    old = before.get(cat)
                    if old is None or (
                        rule.figure_categories and cat not in rule.figure_categories
                    ):
                        continue
                    if not rule.figure_moved(float(old), new):
                        continue
                    subject = _subject(ev, cat, new)
                    rows = [
                        h
                        for h in ev.get("figure_history", [])
                        if h["category"] == cat and h.get("value") in (new, old)
                    ]
                    self.alert(
                        rule, "figure_change", anchor, ev,
                        f"{subject}: {_number(old)} -> {_number(new)}", f"{cat}|{old:g}->{new:g}",
                        {"category": cat, "subject": subject, "from": old, "to": new,
                         "reported_by": [h["source"] for h in rows if h.get("value") == new]},
                        [h["document_id"] for h in sorted(rows, key=lambda h: h.get("value") != new)],
                    )  # fmt: skip
            if rule.new_contradiction:
                for c in ev.get("contradictions", []):
                    key = _contradiction_key(c)
                    if key in old_contra:
                        continue
                    values = " vs ".join(
                        _number(v) if isinstance(v, (int, float)) else str(v) for v in c["values"]
                    )
                    self.alert(
                        rule, "new_contradiction", anchor, ev,
                        f"sources disagree on {c['category']}: {values} ({'; '.join(c['sources'])})",
                        key, {"category": c["category"], "values": c["values"], "sources": c["sources"]}, [],
                    )  # fmt: skip


def evaluate(ledger: Ledger, rules: Sequence[Rule]) -> list[dict[str, Any]]:
    """Compare the ledger with the last snapshots; store and return the alerts raised now.

    Only events whose id is new or whose mention or source count moved are
    read in full: an unchanged ledger costs one narrow query. With no rules
    this records the current state only (a baseline: later evaluations alert
    on what changes after it).
    """
    state.ensure(ledger.engine)
    snaps_t, alerts_t = state.snapshots, state.alerts
    ev_t, ep = ledger_schema.events, ledger_schema.event_payloads
    with ledger.engine.connect() as conn:  # one read transaction: a consistent view
        counts = {
            r.id: (r.mention_count, r.independent_sources)
            for r in conn.execute(
                select(ev_t.c.id, ev_t.c.mention_count, ev_t.c.independent_sources)
            )
        }
        snaps = list(conn.execute(select(snaps_t)))
        by_id = {s.event_id: s for s in snaps}
        changed = sorted(
            i for i, (n, sources) in counts.items()
            if (s := by_id.get(i)) is None or (s.mention_count, s.independent_sources) != (n, sources)
        )  # fmt: skip
        current: list[dict[str, Any]] = []
        for start in range(0, len(changed), 500):
            part = changed[start : start + 500]
            current += [
                json.loads(p)
                for p in conn.execute(select(ep.c.payload).where(ep.c.event_id.in_(part))).scalars()
            ]
    moved = set(changed)
    stale = [s for s in snaps if s.event_id not in counts or s.event_id in moved]
    by_mention: dict[str, Any] = {}
    for s in snaps:
        if s.event_id not in counts:  # its event was re-fused under another id
            for m in json.loads(s.mentions):
                by_mention[m] = s
    run = _Evaluation(ledger, rules)
    run.load_documents(m["document_id"] for ev in current for m in ev.get("mentions", []))
    rows: list[dict[str, Any]] = []
    used = {s.anchor for s in snaps if s.event_id in counts and s.event_id not in moved}
    for ev in sorted(current, key=lambda e: e["id"]):
        mentions = _mention_keys(ev)
        prev = by_id.get(ev["id"])
        if prev is None:
            shared: dict[str, int] = {}
            for m in mentions:
                snap = by_mention.get(m)
                if snap is not None and snap.anchor not in used:
                    shared[snap.anchor] = shared.get(snap.anchor, 0) + 1
            if shared:
                best = max(sorted(shared), key=lambda a: shared[a])
                prev = next(snap for snap in snaps if snap.anchor == best)
        anchor = prev.anchor if prev is not None and prev.anchor not in used else ev["id"]
        while anchor in used:  # an event split in two: the second part gets a name of its own
            anchor += "+"
        used.add(anchor)
        run.changes(ev, prev, anchor)
        rows.append({
            "anchor": anchor, "event_id": ev["id"], "mentions": json.dumps(sorted(mentions)),
            "mention_count": len(ev.get("mentions", [])),
            "figures": json.dumps(_latest_figures(ev), sort_keys=True),
            "independent_sources": ev.get("independent_sources", 0),
            "contradictions": json.dumps(_contradiction_keys(ev)), "updated_at": state.now(),
        })  # fmt: skip
    raised: list[dict[str, Any]] = []
    with ledger.engine.begin() as conn:
        gone = [x.anchor for x in stale]
        for start in range(0, len(gone), 500):
            conn.execute(delete(snaps_t).where(snaps_t.c.anchor.in_(gone[start : start + 500])))
        if rows:
            conn.execute(insert(snaps_t), rows)
        keys = [a["key"] for a in run.alerts]
        have = (
            set(conn.execute(select(alerts_t.c.key).where(alerts_t.c.key.in_(keys))).scalars())
            if keys
            else set()
        )
        stamp = state.now()
        for a in run.alerts:
            if a["key"] in have:
                continue
            have.add(a["key"])
            a["at"] = stamp
            conn.execute(insert(alerts_t).values(
                key=a["key"], rule=a["rule"], kind=a["kind"], event_id=a["event_id"], created_at=stamp,
                payload=json.dumps(a, ensure_ascii=False, sort_keys=True), attempts=0, sinks_done="[]",
            ))  # fmt: skip
            raised.append(a)
    return raised


def recent_alerts(
    ledger: Ledger, *, limit: int = 50, since: str | None = None
) -> list[dict[str, Any]]:
    """Alerts raised, newest first: each the delivered ``sitrep.alert/1`` object plus ``delivered_at``.

    ``since`` is an ISO timestamp (alerts created at or after it).
    """
    state.ensure(ledger.engine)
    t = state.alerts
    q = select(t.c.payload, t.c.delivered_at).order_by(t.c.created_at.desc(), t.c.key)
    if since:
        q = q.where(t.c.created_at >= since)
    with ledger.engine.connect() as conn:
        rows = conn.execute(q.limit(max(0, limit))).all()
    return [{**json.loads(r.payload), "delivered_at": r.delivered_at} for r in rows]
