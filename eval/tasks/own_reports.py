"""Whole reports against hand-written expectations (``tests/data/reports``).

Eleven short articles written for this project (scraped pages with
boilerplate, wire stories with datelines, a live blog, an analysis piece, a
denial statement), each with an ``.expected.json`` listing the events, key
entities and rights flag a careful reader finds in it (format:
``tests/data/reports/README.md``). The full pipeline runs over each article
with the article's own publication date as the fallback date.

Events are matched one to one within an article: an expected event matches a
predicted one of the same type whose evidence contains the expected evidence
phrase; failing that, one of the same type with the same location or a shared
figure. ``event_precision`` / ``event_recall`` / ``event_f1`` count matches
over all articles. For matched events, each field the expectation scores
(an absent key is not scored) gives an accuracy:

- ``status`` and ``certainty``: equal;
- ``location``: same name and country (or both null);
- ``time``: same start and end (within ``tolerance_days`` where given);
- ``figures``: the same multiset of (category, qualifier, low, value, high);
- ``sources``: the same set of source names (the outlet's own statements as
  ``unattributed``) and, for each expected source, the same ``via`` chain;
- ``actors``: every expected (name, role) is among the event's actors.

``entity_precision`` / ``entity_recall`` compare (canonical name, country)
pairs; ``tdm_accuracy`` the rights flag. The articles are few and were
written by the team, so these scores guard against regressions and show
where the pipeline misreads; ``python -m eval.tasks.own_reports`` prints
every miss.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from pathlib import Path
from typing import Any

NAME = "own_reports"

REPORTS = Path(__file__).resolve().parents[2] / "tests" / "data" / "reports"
UNATTRIBUTED = "<unattributed>"
FIELDS = ("status", "certainty", "location", "time", "figures", "sources", "actors")


def cases() -> list[tuple[Path, dict[str, Any]]]:
    """(article path, expectation) for every article in the folder, in name order."""
    out = []
    for exp in sorted(REPORTS.glob("*.expected.json")):
        spec = json.loads(exp.read_text(encoding="utf-8"))
        out.append((REPORTS / spec["article"], spec))
    return out


def reports(items: list[tuple[Path, dict[str, Any]]] | None = None) -> dict[str, dict[str, Any]]:
    """Run the pipeline over each article (with its own date); report dicts by article name."""
    from sitrep.pipeline import Pipeline
    from sitrep.records import Document
    from sitrep.report import report_dict

    pipe = Pipeline()
    out: dict[str, dict[str, Any]] = {}
    for path, spec in items if items is not None else cases():
        docs = list(pipe.run([path], published=spec.get("published")))
        if len(docs) != 1 or not isinstance(docs[0], Document):
            raise RuntimeError(f"{path.name}: expected one document, got {docs!r}")
        out[path.name] = report_dict(docs[0])
    return out


# ---------------------------------------------------------------- comparing


def _num(x: Any) -> float | None:
    return None if x is None else round(float(x), 3)


def _figure_key(f: dict[str, Any]) -> tuple[Any, ...]:
    return (
        f["category"],
        f["qualifier"],
        _num(f.get("low")),
        _num(f.get("value")),
        _num(f.get("high")),
    )


def _date(s: str | None) -> dt.date | None:
    return dt.date.fromisoformat(s[:10]) if s else None


def _close(a: str | None, b: str | None, tol: int) -> bool:
    da, db = _date(a), _date(b)
    if da is None or db is None:
        return da is db
    return abs((da - db).days) <= tol


def _source_name(s: dict[str, Any]) -> str:
    return UNATTRIBUTED if s.get("kind") == "unattributed" else str(s.get("name"))


def field_ok(name: str, exp: dict[str, Any], got: dict[str, Any]) -> bool:
    """Whether the predicted event gets one scored field of the expectation right."""
    want = exp[name]
    if name in ("status", "certainty"):
        return bool(got.get(name) == want)
    if name == "location":
        have = got.get("location")
        if want is None or have is None:
            return want is None and have is None
        return bool(have.get("name") == want["name"] and have.get("country") == want["country"])
    if name == "time":
        have = got.get("time")
        if want is None or have is None:
            return want is None and (
                have is None or (have.get("start") is None and have.get("end") is None)
            )
        tol = int(want.get("tolerance_days", 0))
        return _close(have.get("start"), want["start"], tol) and _close(
            have.get("end"), want["end"], tol
        )
    if name == "figures":
        return Counter(_figure_key(f) for f in got.get("figures", [])) == Counter(
            _figure_key(f) for f in want
        )
    if name == "sources":
        have = got.get("sources", [])
        if {_source_name(s) for s in have} != {_source_name(s) for s in want}:
            return False
        for s in want:
            if "via" in s and not any(
                _source_name(h) == _source_name(s) and h.get("via") == s["via"] for h in have
            ):
                return False
        return True
    if name == "actors":
        have = {(a.get("name"), a.get("role")) for a in got.get("actors", [])}
        return all((a["name"], a["role"]) in have for a in want)
    raise KeyError(name)


def _evidence_hit(exp: dict[str, Any], got: dict[str, Any]) -> bool:
    return any(exp["evidence"] in e.get("text", "") for e in got.get("evidence", []))


def _loose_hit(exp: dict[str, Any], got: dict[str, Any]) -> bool:
    want, have = exp.get("location"), got.get("location")
    if (
        want
        and have
        and want["name"] == have.get("name")
        and want["country"] == have.get("country")
    ):
        return True
    wanted = {_figure_key(f) for f in exp.get("figures") or []}
    return bool(wanted & {_figure_key(f) for f in got.get("figures", [])})


def match_events(expected: list[dict[str, Any]], got: list[dict[str, Any]]) -> dict[int, int]:
    """Expected index -> predicted index, one to one: evidence matches first, then place or figure."""
    pairs: dict[int, int] = {}
    used: set[int] = set()
    for test in (_evidence_hit, _loose_hit):
        for i, exp in enumerate(expected):
            if i in pairs:
                continue
            for j, ev in enumerate(got):
                if j not in used and ev.get("type") == exp["type"] and test(exp, ev):
                    pairs[i] = j
                    used.add(j)
                    break
    return pairs


def compare(spec: dict[str, Any], report: dict[str, Any]) -> dict[str, Any]:
    """Counts and misses for one article."""
    expected, got = spec["events"], report["events"]
    pairs = match_events(expected, got)
    fields: dict[str, list[int]] = {f: [0, 0] for f in FIELDS}
    misses: list[str] = []
    for i, exp in enumerate(expected):
        label = f"{exp['type']} «{exp['evidence']}»"
        if i not in pairs:
            misses.append(f"missed event {label}")
            continue
        ev = got[pairs[i]]
        for f in FIELDS:
            if f not in exp or exp[f] is None and f == "certainty":
                continue
            ok = field_ok(f, exp, ev)
            fields[f][0] += ok
            fields[f][1] += 1
            if not ok:
                misses.append(
                    f"{label}: {f} expected {json.dumps(exp[f], ensure_ascii=False)}, got {json.dumps(ev.get(f), ensure_ascii=False)}"
                )
    matched = set(pairs.values())
    for j, ev in enumerate(got):
        if j not in matched:
            first = ev["evidence"][0]["text"] if ev.get("evidence") else ""
            misses.append(f"extra event {ev['type']} {ev['status']}: «{first[:80]}»")
    want_ents = {(e["name"], e["country"]) for e in spec["entities"]}
    have_ents = {(e["name"], e.get("country")) for e in report["entities"]}
    for e in sorted(want_ents - have_ents, key=str):
        misses.append(f"missed entity {e}")
    for e in sorted(have_ents - want_ents, key=str):
        misses.append(f"extra entity {e}")
    tdm_ok = report["document"]["rights"]["tdm_reserved"] == spec["tdm_reserved"]
    if not tdm_ok:
        misses.append(f"tdm_reserved expected {spec['tdm_reserved']}")
    return {
        "tp": len(pairs),
        "n_gold": len(expected),
        "n_pred": len(got),
        "fields": fields,
        "ent_tp": len(want_ents & have_ents),
        "ent_gold": len(want_ents),
        "ent_pred": len(have_ents),
        "tdm_ok": tdm_ok,
        "misses": misses,
    }


def _ratio(a: int, b: int) -> float:
    return a / b if b else 0.0


def score(results: list[dict[str, Any]]) -> dict[str, float]:
    tp = sum(r["tp"] for r in results)
    p = _ratio(tp, sum(r["n_pred"] for r in results))
    r_ = _ratio(tp, sum(r["n_gold"] for r in results))
    out = {
        "event_precision": p,
        "event_recall": r_,
        "event_f1": 2 * p * r_ / (p + r_) if p + r_ else 0.0,
    }
    for f in FIELDS:
        ok = sum(r["fields"][f][0] for r in results)
        n = sum(r["fields"][f][1] for r in results)
        out[f"{f}_accuracy"] = _ratio(ok, n)
    etp = sum(r["ent_tp"] for r in results)
    ep, er = (
        _ratio(etp, sum(r["ent_pred"] for r in results)),
        _ratio(etp, sum(r["ent_gold"] for r in results)),
    )
    out["entity_precision"] = ep
    out["entity_recall"] = er
    out["entity_f1"] = 2 * ep * er / (ep + er) if ep + er else 0.0
    out["tdm_accuracy"] = _ratio(sum(r["tdm_ok"] for r in results), len(results))
    return out


def evaluate() -> tuple[dict[str, float], dict[str, list[str]]]:
    items = cases()
    got = reports(items)
    results, misses = [], {}
    for path, spec in items:
        res = compare(spec, got[path.name])
        results.append(res)
        misses[path.name] = res["misses"]
    return score(results), misses


def run(ctx: Any) -> dict[str, float]:
    scores, misses = evaluate()
    n_events = sum(
        len(json.loads(p.read_text())["events"]) for p in REPORTS.glob("*.expected.json")
    )
    ctx.note(
        f"{len(misses)} articles, {n_events} expected events; python -m eval.tasks.own_reports lists the misses"
    )
    return scores


if __name__ == "__main__":
    scores, misses = evaluate()
    for name, lines in misses.items():
        print(f"== {name}")
        for line in lines:
            print(f"   {line}")
    for k, v in scores.items():
        print(f"{k:<24} {v:.3f}")
