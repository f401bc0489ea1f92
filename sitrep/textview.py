"""A readable text view of a ``sitrep.report/1`` object (``sitrep report`` without --json)."""

from __future__ import annotations

import textwrap
from typing import Any

__all__ = ["render_report"]


def _wrap(text: str, indent: str = "  ") -> str:
    paras = [p for p in text.split("\n") if p.strip()]
    return "\n".join(textwrap.fill(p, 78, initial_indent=indent, subsequent_indent=indent) for p in paras)


def _figure(f: dict[str, Any]) -> str:
    q = f.get("qualifier") or "exact"
    value = f.get("value")
    if q == "range":
        num = f"{f.get('low'):g}-{f.get('high'):g}"
    elif value is not None:
        num = f"{value:g}"
    else:
        num = f.get("text") or "?"
    label = {"exact": "", "approx": "~", "at_least": ">=", "more_than": ">", "at_most": "<=", "less_than": "<"}.get(q, "")
    subject = f" {f['subject']}" if f.get("subject") else ""
    return f"{label}{num} {f.get('category')}{subject}"


def render_report(rep: dict[str, Any]) -> str:
    d = rep["document"]
    lines: list[str] = []
    lines.append(d.get("title") or "(untitled)")
    meta = [
        f"section: {d['section']}" if d.get("section") else None,
        f"publisher: {d['publisher']}" if d.get("publisher") else None,
        f"byline: {d['byline']}" if d.get("byline") else None,
        f"published: {d['published']}" if d.get("published") else None,
        f"language: {d.get('language')}",
    ]
    lines.append("  " + " | ".join(m for m in meta if m))
    lines.append(f"  source: {d['source']}   id: {d['id'][:12]}")
    rights = d.get("rights") or {}
    if rights.get("tdm_reserved"):
        notice = (rights.get("notice") or "").strip()
        lines.append("  RIGHTS: text-and-data mining reserved" + (f" - {notice[:120]}" if notice else ""))
    lines.append("")
    lines.append(_wrap(d.get("text") or ""))
    if d.get("captions"):
        lines.append("")
        lines.append("Captions:")
        lines.extend(f"  - {c}" for c in d["captions"])
    if d.get("removed"):
        lines.append("")
        lines.append(f"Removed {len(d['removed'])} boilerplate lines:")
        for r in d["removed"]:
            lines.append(f"  [{r['kind']}] {r['text'][:90]}")
    if rep.get("entities"):
        lines.append("")
        lines.append("Entities:")
        for e in rep["entities"]:
            aliases = ", ".join(a for a in e.get("aliases", []) if a != e["name"])
            extra = f" ({aliases})" if aliases else ""
            where = ""
            if e.get("kind") == "place" and e.get("lat") is not None:
                where = f" @ {e['lat']:.2f},{e['lon']:.2f} [{e.get('precision')}]"
            lines.append(f"  {e['kind']:<13} {e['name']}{extra} {e.get('country') or ''}{where}")
    if rep.get("events"):
        lines.append("")
        lines.append("Events:")
        for ev in rep["events"]:
            lines.append(f"  * [{ev['type']}/{ev['status']}/{ev['certainty']}] {ev['summary']}")
            for f in ev.get("figures", []):
                lines.append(f"      figure: {_figure(f)}")
            if ev.get("location"):
                lines.append(f"      where: {ev['location'].get('name')}")
            if ev.get("time"):
                t = ev["time"]
                lines.append(f"      when: {t.get('text')} -> {t.get('start')}..{t.get('end')} ({t.get('precision')})")
            for s in ev.get("sources", []):
                via = f" via {' -> '.join(s['via'])}" if s.get("via") else ""
                lines.append(f"      source: {s['name']} ({s['kind']}, {s.get('cue') or '-'}){via}")
    if rep.get("claims"):
        lines.append("")
        lines.append("Claims:")
        for c in rep["claims"]:
            via = f" via {' -> '.join(c['via'])}" if c.get("via") else ""
            lines.append(f"  - {c['source']} [{c.get('cue') or '-'}]{via}: {c['text'][:100]}")
    return "\n".join(lines) + "\n"
