"""Figures across the mentions of one event: their history, and the contradictions among them.

Two figures of one category contradict when they come from different sources
on the same day, count the same subject, and their ranges cannot overlap:
"at least 300" and "500" agree, exact "300" and exact "500" do not; a count
published later is an update, not a contradiction. A denial contradicts the
assertions of others.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from ..records import FigureMention
from .mentions import Mention, name_key

__all__ = ["APPROX_SPREAD", "contradictions", "figure_history"]

APPROX_SPREAD = 0.15  # "about 300" covers 255..345


def _interval(f: FigureMention) -> tuple[float, float] | None:
    v = f.value
    q = f.qualifier
    eps = 1e-9
    if q == "range" or (v is None and (f.low is not None or f.high is not None)):
        lo = f.low if f.low is not None else -math.inf
        hi = f.high if f.high is not None else math.inf
        return (lo, hi)
    if v is None:
        return None
    return {
        "exact": (v, v),
        "approx": (v * (1 - APPROX_SPREAD), v * (1 + APPROX_SPREAD)),
        "at_least": (v, math.inf),
        "more_than": (v + eps, math.inf),
        "at_most": (-math.inf, v),
        "less_than": (-math.inf, v - eps),
    }.get(q)


def _figure_value(f: FigureMention) -> Any:
    if f.value is not None:
        return int(f.value) if float(f.value).is_integer() else f.value
    return f.text


@dataclass(frozen=True, slots=True)
class _Reported:
    figure: FigureMention
    source: str
    published: str | None
    document_id: str
    origin_id: str


def _reported(members: list[Mention]) -> list[_Reported]:
    return [
        _Reported(f, m.figure_source(), m.published, m.document_id, m.origin_id or m.document_id)
        for m in members
        for f in m.event.figures
        if not m.denied
    ]


def figure_history(members: list[Mention]) -> list[dict[str, Any]]:
    seen: set[tuple[Any, ...]] = set()
    rows: list[dict[str, Any]] = []
    for r in sorted(
        _reported(members),
        key=lambda r: (
            r.published or "9999",
            r.figure.category,
            r.figure.value or 0,
            r.source,
            r.document_id,
        ),
    ):
        f = r.figure
        figure = (f.category, f.value, f.low, f.high, f.qualifier, name_key(r.source))
        keys = ((*figure, "date", r.published), (*figure, "origin", r.origin_id))
        if any(k in seen for k in keys):  # a syndicated copy of a figure already listed
            continue
        seen.update(keys)
        rows.append(
            {
                "category": f.category,
                "value": f.value,
                "low": f.low,
                "high": f.high,
                "qualifier": f.qualifier,
                "source": r.source,
                "published": r.published,
                "document_id": r.document_id,
            }
        )
    return rows


def contradictions(members: list[Mention]) -> list[dict[str, Any]]:
    """Figures for one category that cannot both be true, and denials against assertions."""
    out: list[dict[str, Any]] = []
    by_cat: dict[str, list[_Reported]] = {}
    for r in _reported(members):
        by_cat.setdefault(r.figure.category, []).append(r)
    for cat in sorted(by_cat):
        rows = by_cat[cat]
        values: set[Any] = set()
        srcs: set[str] = set()
        for i, a in enumerate(rows):
            ia = _interval(a.figure)
            for b in rows[i + 1 :]:
                ib = _interval(b.figure)
                if ia is None or ib is None or name_key(a.source) == name_key(b.source):
                    continue
                if a.published != b.published:
                    continue  # a later count is an update, not a contradiction
                sa, sb = name_key(a.figure.subject), name_key(b.figure.subject)
                if sa and sb and sa != sb:
                    continue
                if ia[1] < ib[0] or ib[1] < ia[0]:
                    values.update((_figure_value(a.figure), _figure_value(b.figure)))
                    srcs.update((a.source, b.source))
        if values:
            out.append(
                {
                    "category": cat,
                    "values": sorted(values, key=lambda v: (isinstance(v, str), v)),
                    "sources": sorted(srcs),
                }
            )
    deniers = {c for m in members if m.denied for c, _ in m.claimants()}
    asserters = {c for m in members if not m.denied for c, _ in m.claimants()}
    if deniers and asserters and deniers != asserters:
        statuses = {m.event.status for m in members if not m.denied} | {"denied"}
        out.append(
            {
                "category": "status",
                "values": sorted(statuses),
                "sources": sorted(deniers | asserters),
            }
        )
    return out
