"""Death figures in UCDP GED source headlines against UCDP's fatality estimates.

Gold: ``ucdp-ged-sample/ucdp_ged231_sample.csv`` (UCDP GED 23.1, CC BY 4.0):
each event's ``source_headline`` (one or more headlines joined by ";") with
UCDP's ``low``/``best``/``high`` deaths.

Only English headlines are scored (py3langid; sitrep extracts English only),
and each headline is parsed on its own. The pipeline is the parse stage then
the figures stage, run per headline with ``nlp.pipe``.

Choice of figure: among the figures of category ``killed`` or ``casualties``
in an item's headlines, the one with the largest point value is taken (the
largest, not the sum: headlines often repeat a total and then a part of it,
"146 died, including 55 soldiers"). A figure's point value is ``value``, or
for value-less ranges the midpoint of low and high, or its one bound.

Metrics:

* ``coverage``: share of English headline items with any death figure.
* ``in_range``: of covered items, share whose figure is consistent with
  UCDP: its interval ``[low or value, high or value]`` (open where a bound is
  None) overlaps UCDP's ``[low, high]``.
* ``exact_best``: of covered items, share whose point value equals ``best``.
* ``digit_coverage``: coverage among items whose headline contains a number
  written in digits or number words and a death word; the part that a
  figures stage can be asked to find.

UCDP codes one event per dyad, place and day, so a headline total can honestly
differ from the event's count: the scores are a reference, not a ceiling.
"""

from __future__ import annotations

import csv
import re
from typing import Any

NAME = "figures_ucdp: death figures in UCDP GED headlines vs low/best/high"

DEATH = ("killed", "casualties")
_DEATH_WORD = re.compile(
    r"\b(?:kill\w*|dead|death\w*|die[sd]?|dying|fatalit\w+|casualt\w+|bodies|lives|slain|martyr\w*)\b",
    re.IGNORECASE,
)
_NUMBER_WORD = re.compile(
    r"\d|\b(?:two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|dozens?|hundreds?|"
    r"thousands?|twenty|thirty|forty|fifty)\b",
    re.IGNORECASE,
)


def point(fig: Any) -> float | None:
    if fig.value is not None:
        return float(fig.value)
    if fig.low is not None and fig.high is not None:
        return (fig.low + fig.high) / 2
    return fig.low if fig.low is not None else fig.high


def death_figure(figures: list[Any]) -> Any | None:
    """The item's death figure: the killed/casualties figure with the largest point value."""
    deaths = [f for f in figures if f.category in DEATH and point(f) is not None]
    return max(deaths, key=lambda f: point(f) or 0.0, default=None)


def consistent(fig: Any, low: float, high: float) -> bool:
    lo = fig.low if fig.low is not None else fig.value
    hi = fig.high if fig.high is not None else fig.value
    return (lo is None or lo <= high) and (hi is None or hi >= low)


def _english(text: str) -> bool:
    import py3langid

    return py3langid.classify(text)[0] == "en"


def run(ctx: Any) -> dict[str, float]:
    from sitrep.stages.figures import extract_figures
    from sitrep.stages.parse import load_nlp

    path = ctx.data / "ucdp-ged-sample" / "ucdp_ged231_sample.csv"
    with path.open(newline="", encoding="utf-8") as fh:
        rows = [r for r in csv.DictReader(fh) if r["source_headline"].strip()]
    items = [r for r in rows if _english(r["source_headline"])]
    ctx.note(f"{len(items)} of {len(rows)} items with a headline are English; all of them scored")

    heads: list[tuple[int, str]] = []
    for n, r in enumerate(items):
        for h in r["source_headline"].split(";"):
            if h.strip():
                heads.append((n, h.strip()))
    nlp = load_nlp()
    per_item: list[list[Any]] = [[] for _ in items]
    for (n, text), parsed in zip(
        heads, nlp.pipe([h for _, h in heads], batch_size=64), strict=True
    ):
        per_item[n].extend(extract_figures(text, parsed))

    covered = hit = exact = askable = askable_covered = 0
    for r, figs in zip(items, per_item, strict=True):
        fig = death_figure(figs)
        text = r["source_headline"]
        is_askable = bool(_DEATH_WORD.search(text) and _NUMBER_WORD.search(text))
        askable += is_askable
        if fig is None:
            continue
        covered += 1
        askable_covered += is_askable
        low, high, best = float(r["low"]), float(r["high"]), float(r["best"])
        hit += consistent(fig, low, high)
        exact += point(fig) == best
    ctx.note(
        f"{covered} items with a death figure; {askable} headlines with a number and a death word"
    )
    return {
        "coverage": covered / max(1, len(items)),
        "in_range": hit / max(1, covered),
        "exact_best": exact / max(1, covered),
        "digit_coverage": askable_covered / max(1, askable),
    }
