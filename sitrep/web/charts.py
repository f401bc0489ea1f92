"""Chart geometry for the pages: numbers in, coordinates out.

The templates draw these as inline SVG (no chart library, no script), so a
chart is data a test can check and nothing in it can carry markup.
"""

from __future__ import annotations

import math
from datetime import date, timedelta
from typing import Any

from .basemap import countries

__all__ = ["bars", "figure_chart", "map_view", "week_chart"]


def _nice_max(v: float) -> float:
    if v <= 0:
        return 1.0
    mag = 10 ** math.floor(math.log10(v))
    for step in (1, 2, 2.5, 5, 10):
        if v <= step * mag:
            return step * mag
    return 10 * mag


def figure_chart(series: list[dict[str, Any]], *, width: int = 640, height: int = 260) -> dict[str, Any] | None:
    """One polyline per (category, source) over publication dates; None when nothing to draw."""
    pts = [p for s in series for p in s["points"]]
    if not pts:
        return None
    dates = sorted({p["published"] or "" for p in pts})
    left, right, top, bottom = 56, 48, 14, 40
    w, h = width - left - right, height - top - bottom
    top_value = _nice_max(max(p["value"] for p in pts))

    def x_of(d: str) -> float:
        return round(left + (w / 2 if len(dates) == 1 else w * dates.index(d) / (len(dates) - 1)), 1)

    def y_of(v: float) -> float:
        return round(top + h - h * v / top_value, 1)

    lines = []
    for n, s in enumerate(series):
        coords = [(x_of(p["published"] or ""), y_of(p["value"]), p) for p in s["points"]]
        lines.append({
            "color": n % 8,
            "label": f"{s['source']} — {s['category']}",
            "category": s["category"],
            "contested": s["contested"],
            "points": " ".join(f"{x},{y}" for x, y, _ in coords),
            "dots": [{"x": x, "y": y, "title": f"{s['source']}: {p['value']:g} {s['category']} ({p['qualifier']}), "
                      f"{p['published'] or 'undated'}"} for x, y, p in coords],
        })
    return {
        "width": width, "height": height, "left": left, "top": top, "bottom": top + h, "right": left + w,
        "y_ticks": [{"y": y_of(top_value * k / 4), "label": f"{top_value * k / 4:g}"} for k in range(5)],
        "x_ticks": [{"x": x_of(d), "label": d or "undated"} for d in dates],
        "lines": lines,
    }


def bars(rows: list[dict[str, Any]], key: str, value: str, *, width: int = 360, row: int = 22) -> dict[str, Any]:
    """Horizontal bars for a short list of counts."""
    top = max([r[value] for r in rows] or [1]) or 1
    label_w = 120
    return {
        "width": width, "height": max(row, row * len(rows)),
        "rows": [{"y": i * row, "label": r[key], "value": r[value], "x": label_w,
                  "w": round((width - label_w - 50) * r[value] / top, 1), "h": row - 6} for i, r in enumerate(rows)],
    }


def _count_ticks(top_value: float) -> list[float]:
    step = top_value / 5 if top_value % 5 == 0 else top_value / 4
    return [step * k for k in range(int(round(top_value / step)) + 1)]


def fill_weeks(weeks: list[dict[str, Any]], *, most: int = 1000) -> list[dict[str, Any]]:
    """The weeks with events, plus the empty weeks between them (when there are at most ``most``)."""
    if len(weeks) < 2:
        return weeks
    first, last = date.fromisoformat(weeks[0]["week"]), date.fromisoformat(weeks[-1]["week"])
    if (last - first).days // 7 + 1 > most:
        return weeks
    have = {w["week"]: w for w in weeks}
    out, day = [], first
    while day <= last:
        key = day.isoformat()
        out.append(have.get(key) or {"week": key, "total": 0, "by_type": {}})
        day += timedelta(days=7)
    return out


def week_chart(weeks: list[dict[str, Any]], types: tuple[str, ...], *, height: int = 300) -> dict[str, Any] | None:
    """Stacked bars: one column per week (empty weeks included), one segment per event type."""
    if not weeks:
        return None
    weeks = fill_weeks(weeks)
    step = max(6, min(40, 1000 // max(1, len(weeks))))
    left, top, bottom = 44, 10, 80
    h = height - top - bottom
    top_value = _nice_max(max(4, max(w["total"] for w in weeks)))
    every = max(1, len(weeks) // 16)
    cols = []
    for i, wk in enumerate(weeks):
        x = left + i * step
        y = top + h
        segs = []
        for t in types:
            n = wk["by_type"].get(t, 0)
            if not n:
                continue
            sh = h * n / top_value
            y -= sh
            segs.append({"type": t, "y": round(y, 1), "h": round(sh, 1), "n": n})
        end = (date.fromisoformat(wk["week"]) + timedelta(days=6)).isoformat()
        cols.append({"x": x, "w": max(1, step - 2), "week": wk["week"], "end": end, "total": wk["total"],
                     "segments": segs, "label": wk["week"] if i % every == 0 else None})
    return {
        "width": left + step * len(weeks) + 60, "height": height, "left": left, "base": top + h,
        "y_ticks": [{"y": round(top + h - h * v / top_value, 1), "label": f"{v:g}"} for v in _count_ticks(top_value)],
        "columns": cols,
    }


def map_view(points: list[dict[str, Any]]) -> dict[str, Any]:
    """The basemap, the markers (radius by casualties) and a view box fitted to them."""
    for p in points:
        p["r"] = round(min(7.0, 1.8 + math.sqrt(p["casualties"]) * 0.2), 2)
    if points:
        xs, ys = [p["x"] for p in points], [p["y"] for p in points]
        cx, cy = (min(xs) + max(xs)) / 2, (min(ys) + max(ys)) / 2
        w = max(60.0, (max(xs) - min(xs)) * 1.3, (max(ys) - min(ys)) * 2.6)
        w = min(w, 360.0)
        h = w / 2
        x0 = min(max(0.0, cx - w / 2), 360.0 - w)
        y0 = min(max(0.0, cy - h / 2), 180.0 - h)
        box = (round(x0, 1), round(y0, 1), round(w, 1), round(h, 1))
    else:
        box = (0.0, 0.0, 360.0, 180.0)
    scale = box[2] / 360.0
    for p in points:
        p["r"] = round(max(0.6, p["r"] * scale), 2)
    with_events = {p["country"] for p in points if p.get("country")}
    return {
        "viewbox": " ".join(f"{v:g}" for v in box),
        "stroke": round(0.25 * scale, 3),
        "countries": [dict(c, active=c["iso"] in with_events) for c in countries()],
        "points": sorted(points, key=lambda p: -p["r"]),
    }
