"""Geoparsing: toponym recognition and resolution on LGL and GeoVirus.

Gold: ``geoparsing-news/lgl.xml`` (local US news, GeoNames-linked) and
``geoparsing-news/GeoVirus.xml`` (Wikinews on disease outbreaks, with
coordinates). Each article's text goes through sitrep's parse and places
stages only, so the scores are the places stage's own; scores:

- ``recall``: share of gold toponyms overlapped by a sitrep place mention;
- ``precision``: share of sitrep mentions overlapping a gold toponym (LGL
  leaves some toponyms unannotated, so this is a lower bound);
- ``acc161``: share of gold toponyms with coordinates that sitrep both found and
  resolved within 161 km (missed and unresolved count as wrong);
- ``acc161_recognised``: the same over the gold toponyms sitrep found;
- ``acc161_resolved``: the same over the found ones sitrep resolved (how often
  a coordinate it commits to is right);
- ``unresolved``: share of found gold toponyms sitrep left unresolved;
- ``median_km``: median error of the resolved ones.

Articles are sampled with ``ctx.seed`` unless ``--full``.
"""

from __future__ import annotations

import random
import statistics
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path
from typing import Any

NAME = "places_geoparsing"

#: articles per corpus when sampling
SAMPLE = 120


@dataclass(frozen=True, slots=True)
class GoldToponym:
    start: int
    end: int
    lat: float | None
    lon: float | None


@dataclass(frozen=True, slots=True)
class GoldArticle:
    text: str
    toponyms: tuple[GoldToponym, ...]


def _float(node: ET.Element | None) -> float | None:
    if node is None or node.text is None or not node.text.strip():
        return None
    return float(node.text)


def read_lgl(path: Path) -> list[GoldArticle]:
    out = []
    for art in ET.parse(path).getroot().iter("article"):
        text = art.findtext("text") or ""
        tops = []
        for t in art.iter("toponym"):
            gaz = t.find("gaztag")
            lat = _float(gaz.find("lat")) if gaz is not None else None
            lon = _float(gaz.find("lon")) if gaz is not None else None
            tops.append(GoldToponym(int(t.findtext("start") or 0), int(t.findtext("end") or 0), lat, lon))
        out.append(GoldArticle(text, tuple(tops)))
    return out


def _aligned(text: str, name: str, start: int, end: int) -> tuple[int, int]:
    """GeoVirus offsets are off by a character or so against the text: find the name nearby."""
    for shift in (0, -1, 1, -2, 2):
        if name and text[start + shift : start + shift + len(name)] == name:
            return start + shift, start + shift + len(name)
    return start, end


def read_geovirus(path: Path) -> list[GoldArticle]:
    out = []
    for art in ET.parse(path).getroot().iter("article"):
        text = art.findtext("text") or ""
        tops = []
        for loc in art.iter("location"):
            start, end = _aligned(text, loc.findtext("name") or "", int(loc.findtext("start") or 0),
                                  int(loc.findtext("end") or 0))
            tops.append(GoldToponym(start, end, _float(loc.find("lat")), _float(loc.find("lon"))))
        out.append(GoldArticle(text, tuple(tops)))
    return out


def score(articles: list[GoldArticle]) -> dict[str, float]:
    from sitrep.gazetteer import haversine_km
    from sitrep.records import Document
    from sitrep.stages.parse import load_nlp
    from sitrep.stages.places import find_places

    nlp = load_nlp()
    gold_n = found_n = with_coords = correct = recog_with_coords = unresolved = 0
    pred_n = pred_hit = 0
    errors: list[float] = []
    parses = nlp.pipe([a.text for a in articles], batch_size=32)
    for art, parse in zip(articles, parses, strict=True):
        doc = Document(id="eval", source="eval", text=art.text, language="en", parse=parse)
        places = find_places(doc)
        pred_n += len(places)
        pred_hit += sum(any(p.start < g.end and g.start < p.end for g in art.toponyms) for p in places)
        for g in art.toponyms:
            gold_n += 1
            hits = [p for p in places if p.start < g.end and g.start < p.end]
            if hits:
                found_n += 1
            if g.lat is None or g.lon is None:
                continue
            with_coords += 1
            if not hits:
                continue
            recog_with_coords += 1
            p = min(hits, key=lambda h: abs(h.start - g.start) + abs(h.end - g.end))
            if not p.resolved or p.lat is None or p.lon is None:
                unresolved += 1
                continue
            km = haversine_km(g.lat, g.lon, p.lat, p.lon)
            errors.append(km)
            correct += km <= 161.0
    return {
        "recall": found_n / max(1, gold_n),
        "precision": pred_hit / max(1, pred_n),
        "acc161": correct / max(1, with_coords),
        "acc161_recognised": correct / max(1, recog_with_coords),
        "acc161_resolved": correct / max(1, recog_with_coords - unresolved),
        "unresolved": unresolved / max(1, recog_with_coords),
        "median_km": statistics.median(errors) if errors else 0.0,
    }


def run(ctx: Any) -> dict[str, float]:
    base = Path(ctx.data) / "geoparsing-news"
    corpora = {"lgl": read_lgl(base / "lgl.xml"), "geovirus": read_geovirus(base / "GeoVirus.xml")}
    rng = random.Random(ctx.seed)
    result: dict[str, float] = {}
    for name, articles in corpora.items():
        if not ctx.full and len(articles) > SAMPLE:
            articles = rng.sample(articles, SAMPLE)
            ctx.note(f"{name}: {SAMPLE} articles sampled with seed {ctx.seed} (of {len(corpora[name])})")
        for metric, value in score(articles).items():
            result[f"{name}_{metric}"] = value
    return result
