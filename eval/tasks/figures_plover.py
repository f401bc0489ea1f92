"""Dead and injured counts in PLOVER gold-standard sentences.

Gold: ``plover-gsr/PLOVER_GSR_CAMEO.json`` (CC BY-SA 4.0): CAMEO-manual
sentences recoded to PLOVER; some records carry ``dead`` and/or ``injured``
counts (strings of digits). Every sentence is parsed (``nlp.pipe``) and run
through the figures stage; there are about 300, so nothing is sampled.

Predicted count for a sentence: the largest point value (``value``, or the
midpoint of a value-less range) among its figures of category ``killed`` (for
dead) or ``injured`` (for injured); ``casualties`` figures are not counted as
either, since they do not split the two.

Metrics:

* ``dead_accuracy`` / ``injured_accuracy``: exact-match share over records
  whose gold has that count (a record with no predicted figure is wrong).
* ``no_count_clean``: share of records with neither ``dead`` nor ``injured``
  in gold where no killed figure is predicted (1 minus the false-positive
  rate; PLOVER marks counts for every event that has them, so a killed figure
  there is mostly a figure in the wrong category, or a killing that is not
  the coded event).

Known gap: singular victims written without a number ("A journalist has been
killed") are gold ``dead = 1``, but the stage only reports numbers that are
written, so those records count as misses.
"""

from __future__ import annotations

import json
from typing import Any

NAME = "figures_plover: dead/injured counts in PLOVER gold-standard sentences"


def _point(fig: Any) -> float | None:
    if fig.value is not None:
        return float(fig.value)
    if fig.low is not None and fig.high is not None:
        return (fig.low + fig.high) / 2
    return None


def predicted(figures: tuple[Any, ...], category: str) -> float | None:
    values = [p for f in figures if f.category == category and (p := _point(f)) is not None]
    return max(values, default=None)


def _gold(record: dict[str, Any], key: str) -> float | None:
    raw = record.get(key)
    if raw in (None, ""):
        return None
    try:
        return float(str(raw).replace(",", ""))
    except ValueError:
        return None


def run(ctx: Any) -> dict[str, float]:
    from sitrep.stages.figures import extract_figures
    from sitrep.stages.parse import load_nlp

    path = ctx.data / "plover-gsr" / "PLOVER_GSR_CAMEO.json"
    records = [
        r
        for r in json.loads(path.read_text(encoding="utf-8"))
        if isinstance(r.get("text"), str) and r.get("event")
    ]
    nlp = load_nlp()
    texts = [r["text"] for r in records]
    figures = [
        extract_figures(t, d) for t, d in zip(texts, nlp.pipe(texts, batch_size=64), strict=True)
    ]

    scores: dict[str, float] = {}
    for key, category in (("dead", "killed"), ("injured", "injured")):
        gold = [
            (g, figs)
            for r, figs in zip(records, figures, strict=True)
            if (g := _gold(r, key)) is not None
        ]
        right = sum(predicted(figs, category) == g for g, figs in gold)
        scores[f"{key}_accuracy"] = right / max(1, len(gold))
        ctx.note(f"{key}: {right} of {len(gold)} gold counts matched exactly")
    none = [
        figs
        for r, figs in zip(records, figures, strict=True)
        if _gold(r, "dead") is None and _gold(r, "injured") is None
    ]
    scores["no_count_clean"] = sum(predicted(f, "killed") is None for f in none) / max(1, len(none))
    ctx.note(f"{len(records)} sentences scored; {len(none)} have no gold count")
    return scores
