"""GeoJSON: a FeatureCollection with one Point feature per located event (RFC 7946).

Geometry is ``[longitude, latitude]`` (WGS 84). Properties are the flat row
(:func:`sitrep.exports.flat.flat_row`): scalars only, so QGIS, kepler.gl and
GeoPandas read them as plain attribute columns. Events without coordinates
cannot be placed and are skipped (counted in the result). The collection is
written feature by feature, so a large ledger never sits in memory.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import IO, Any

from . import ExportFormat, ExportResult
from .flat import flat_row

__all__ = ["FORMAT", "feature", "write"]


def feature(event: dict[str, Any]) -> dict[str, Any] | None:
    """The event as a GeoJSON Feature, or None when it has no coordinates."""
    props = flat_row(event)
    lat, lon = props["latitude"], props["longitude"]
    if lat is None or lon is None:
        return None
    return {
        "type": "Feature",
        "id": event["id"],
        "geometry": {"type": "Point", "coordinates": [lon, lat]},
        "properties": props,
    }


def write(events: Iterable[dict[str, Any]], out: IO[str]) -> ExportResult:
    result = ExportResult("geojson", skip_reason="no coordinates")
    out.write('{"type": "FeatureCollection", "features": [')
    for e in events:
        f = feature(e)
        if f is None:
            result.skipped += 1
            continue
        out.write(("\n" if result.written == 0 else ",\n") + json.dumps(f, ensure_ascii=False))
        result.written += 1
    out.write("\n]}\n")
    return result


FORMAT = ExportFormat(
    "geojson",
    ".geojson",
    False,
    "FeatureCollection of Points [lon, lat]; unlocated events skipped",
    write,
)
