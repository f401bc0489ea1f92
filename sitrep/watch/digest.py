"""The digest: a situation report of what the ledger learned since a moment.

``digest(ledger, since)`` looks at the documents ingested since ``since``
and the fused events they report:

* **new events**: events whose first report arrived in the window, grouped
  by type and place;
* **figures that moved**: a category whose latest value differs from the
  value reported before the window (or, for an event new in the window,
  from its first value);
* **contradictions**: events touched in the window whose sources disagree.

Every line carries its sources: the URL (else the input path), publisher and
title of each document behind it. ``render(d, "text"|"markdown"|"html")``
writes it out; HTML escapes every string (article text is untrusted) and
links only http(s) URLs.
"""

from __future__ import annotations

import html
import json
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select

from ..ledger import Ledger
from ..ledger import schema as ledger_schema

__all__ = ["FORMATS", "digest", "render"]

FORMATS = ("text", "markdown", "html")
DIGEST_SCHEMA = "sitrep.digest/1"


def _rows_in(conn: Any, column: Any, ids: list[str], *cols: Any) -> list[Any]:
    out: list[Any] = []
    for start in range(0, len(ids), 500):
        out += conn.execute(select(*cols).where(column.in_(ids[start : start + 500]))).all()
    return out


def _number(v: Any) -> str:
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    return f"{v:,}" if isinstance(v, (int, float)) else str(v)


def digest(
    ledger: Ledger, since: timedelta | str, *, now: datetime | None = None
) -> dict[str, Any]:
    """What the ledger learned since ``since`` (a duration back from now, or an ISO timestamp)."""
    now = now or datetime.now(UTC)
    start = (now - since).isoformat() if isinstance(since, timedelta) else since
    d, em, ep = ledger_schema.documents, ledger_schema.event_mentions, ledger_schema.event_payloads
    with ledger.engine.connect() as conn:
        fresh = {r.id: r for r in conn.execute(
            select(d.c.id, d.c.url, d.c.source, d.c.title, d.c.publisher, d.c.published, d.c.ingested_at)
            .where(d.c.ingested_at >= start)
        )}  # fmt: skip
        touched = sorted(
            {r.event_id for r in _rows_in(conn, em.c.document_id, list(fresh), em.c.event_id)}
        )
        payloads = [
            json.loads(r.payload) for r in _rows_in(conn, ep.c.event_id, touched, ep.c.payload)
        ]
        all_docs = sorted({m["document_id"] for e in payloads for m in e["mentions"]} - set(fresh))
        docs = dict(fresh)
        docs.update({r.id: r for r in _rows_in(
            conn, d.c.id, all_docs, d.c.id, d.c.url, d.c.source, d.c.title, d.c.publisher,
            d.c.published, d.c.ingested_at,
        )})  # fmt: skip

    def link(doc_id: str) -> dict[str, Any]:
        r = docs.get(doc_id)
        if r is None:
            return {"document_id": doc_id, "url": None, "title": None, "publisher": None}
        return {
            "document_id": doc_id,
            "url": r.url or r.source,
            "title": r.title,
            "publisher": r.publisher,
        }

    new_events: list[dict[str, Any]] = []
    moved: list[dict[str, Any]] = []
    contradictions: list[dict[str, Any]] = []
    for ev in sorted(
        payloads, key=lambda e: (e["type"], (e.get("location") or {}).get("name") or "", e["id"])
    ):
        mention_docs = list(dict.fromkeys(m["document_id"] for m in ev["mentions"]))
        is_new = all(i in fresh for i in mention_docs)
        loc = ev.get("location") or {}
        base = {"event_id": ev["id"], "type": ev["type"], "summary": ev["summary"], "place": loc.get("name"),
                "country": loc.get("country"), "independent_sources": ev["independent_sources"]}  # fmt: skip
        if is_new:
            new_events.append({**base, "sources": [link(i) for i in mention_docs]})
        by_cat: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for h in ev.get("figure_history", []):
            if h.get("value") is not None:
                by_cat[h["category"]].append(h)
        for cat, hist in sorted(by_cat.items()):
            old_rows = [h for h in hist if h["document_id"] not in fresh]
            new_rows = [h for h in hist if h["document_id"] in fresh]
            if not new_rows:
                continue
            before = old_rows[-1] if old_rows else hist[0]
            after = new_rows[-1]
            if before["value"] == after["value"]:
                continue
            subject = next((f.get("subject") for f in ev.get("figures", [])
                            if f.get("category") == cat and f.get("value") == after["value"] and f.get("subject")), cat)  # fmt: skip
            moved.append({**base, "category": cat, "subject": subject, "from": before["value"], "to": after["value"],
                          "sources": [link(after["document_id"]), link(before["document_id"])]})  # fmt: skip
        for c in ev.get("contradictions", []):
            contradictions.append({**base, "category": c["category"], "values": c["values"],
                                   "claimants": c["sources"], "sources": [link(i) for i in mention_docs]})  # fmt: skip
    return {
        "schema": DIGEST_SCHEMA,
        "since": start,
        "until": now.isoformat(),
        "documents": len(fresh),
        "new_events": new_events,
        "figures": moved,
        "contradictions": contradictions,
    }


# --------------------------------------------------------------------------- rendering


def _where(e: dict[str, Any]) -> str:
    if not e.get("place"):
        return "place unknown"
    return e["place"] + (f", {e['country']}" if e.get("country") else "")


def _lines(d: dict[str, Any]) -> list[tuple[str, str, list[dict[str, Any]]]]:
    """(section, line, sources) in report order; new events grouped by type and place."""
    out: list[tuple[str, str, list[dict[str, Any]]]] = []
    for e in d["new_events"]:
        n = e["independent_sources"]
        out.append((f"New events: {e['type']} in {_where(e)}",
                    f"{e['summary']} ({n} independent source{'s' if n != 1 else ''})", e["sources"]))  # fmt: skip
    for f in d["figures"]:
        out.append(("Figures that moved",
                    f"{f['subject']}: {_number(f['from'])} -> {_number(f['to'])} ({f['summary']}; {_where(f)})",
                    f["sources"]))  # fmt: skip
    for c in d["contradictions"]:
        values = " vs ".join(_number(v) for v in c["values"])
        out.append(("Contradictions",
                    f"{c['category']}: {values} ({'; '.join(c['claimants'])}) in {c['summary']}", c["sources"]))  # fmt: skip
    return out


def _label(s: dict[str, Any]) -> str:
    parts = [p for p in (s.get("publisher"), s.get("title")) if p]
    return ": ".join(parts) or s["document_id"][:12]


def _safe_url(url: str | None) -> str | None:
    return url if url and url.lower().startswith(("http://", "https://")) else None


def render(d: dict[str, Any], fmt: str = "text") -> str:
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {', '.join(FORMATS)}")
    head = f"Situation report {d['since'][:16]} to {d['until'][:16]} UTC: {d['documents']} new documents"
    lines = _lines(d)
    if fmt == "html":
        return _render_html(head, lines)
    out = [head if fmt == "text" else f"# {head}", ""]
    section = None
    for sec, line, srcs in lines:
        if sec != section:
            out += ([""] if section else []) + (
                [sec, "-" * len(sec)] if fmt == "text" else [f"## {sec}", ""]
            )
            section = sec
        if fmt == "text":
            out.append(f"* {line}")
            out += [f"    {_label(s)}: {s.get('url') or s['document_id']}" for s in srcs]
        else:
            refs = ", ".join(
                f"[{_md(_label(s))}](<{s['url']}>)" if _safe_url(s.get("url")) else _md(_label(s))
                for s in srcs
            )
            out.append(f"- {_md(line)} — {refs}")
    if not lines:
        out.append("Nothing new.")
    return "\n".join(out) + "\n"


def _md(text: str) -> str:
    """Markdown-inert text: the characters that make links, emphasis or HTML are escaped."""
    return "".join("\\" + c if c in "\\`*_[]()<#!|" else c for c in text)


def _render_html(head: str, lines: list[tuple[str, str, list[dict[str, Any]]]]) -> str:
    e = html.escape
    out = ['<!doctype html><html><head><meta charset="utf-8"><title>sitrep digest</title></head><body>',
           f"<h1>{e(head)}</h1>"]  # fmt: skip
    section = None
    for sec, line, srcs in lines:
        if sec != section:
            out.append(("</ul>" if section else "") + f"<h2>{e(sec)}</h2><ul>")
            section = sec
        refs = ", ".join(
            f'<a href="{e(url)}" rel="nofollow noopener">{e(_label(s))}</a>' if (url := _safe_url(s.get("url")))
            else e(_label(s))
            for s in srcs
        )  # fmt: skip
        out.append(f"<li>{e(line)} <small>{refs}</small></li>")
    out.append("</ul>" if section else "<p>Nothing new.</p>")
    out.append("</body></html>")
    return "\n".join(out) + "\n"
