"""HTML page -> article body, scored on the Zyte/Scrapinghub article-extraction benchmark.

The metric is the benchmark's own (re-implemented from its description in
``SOURCE.md``): tokens are ``\\w+`` matches, shingles are 4-grams (a text
shorter than 4 tokens is one shingle); per page TP/FP/FN are counted over
shingle multisets and normalised to sum to 1; precision is the mean of
tp/(tp+fp) over pages with tp+fp > 0, recall the mean of tp/(tp+fn) over pages
with tp+fn > 0, and F1 = 2PR/(P+R) of those means.

What is scored is what users get: each page goes through
``sitrep.stages.read.read`` and, when the clean stage exists, through
``clean``; its ``text`` is the prediction. Plain ``trafilatura.extract`` with
default options is scored in the same run as the baseline
(``trafilatura_f1``), and the read stage's text alone (``read_f1``), so a
drop can be traced to reading or to cleaning. The gate: ``f1`` at or above its floor (0.95 by the
issue) and ``f1_vs_trafilatura`` (our F1 minus trafilatura's) not below zero.

The 102 visible pages take a few seconds, so the whole set is scored; above
``SAMPLE`` pages a seeded sample is drawn unless ``--full``.
"""

from __future__ import annotations

import gzip
import importlib
import json
import random
import re
import statistics
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

NAME = "html_extraction"

FOLDER = "article-extraction-benchmark"
SHINGLE = 4
#: most pages scored without --full (a few seconds per hundred on one core)
SAMPLE = 400

_TOKEN = re.compile(r"\w+")

Counts = tuple[float, float, float]


def shingles(text: str, n: int = SHINGLE) -> Counter[tuple[str, ...]]:
    tokens = _TOKEN.findall(text or "")
    return Counter(
        tuple(tokens[i : i + n]) for i in range(max(1, len(tokens) - n + 1)) if tokens[i : i + n]
    )


def shingle_counts(true: str, pred: str) -> Counts:
    """Normalised (tp, fp, fn) of ``pred`` against ``true`` over shingle multisets."""
    t, p = shingles(true), shingles(pred)
    tp = sum(min(c, p[k]) for k, c in t.items())
    fp = sum(max(0, c - t[k]) for k, c in p.items())
    fn = sum(max(0, c - p[k]) for k, c in t.items())
    total = tp + fp + fn
    return (tp / total, fp / total, fn / total) if total else (0.0, 0.0, 0.0)


def _precision(tp: float, fp: float, fn: float) -> float:
    if fp == fn == 0:
        return 1.0
    return 0.0 if tp == fp == 0 else tp / (tp + fp)


def _recall(tp: float, fp: float, fn: float) -> float:
    if fp == fn == 0:
        return 1.0
    return 0.0 if tp == fn == 0 else tp / (tp + fn)


def score(counts: list[Counts]) -> dict[str, float]:
    precisions = [_precision(*c) for c in counts if c[0] + c[1] > 0]
    recalls = [_recall(*c) for c in counts if c[0] + c[2] > 0]
    p = statistics.mean(precisions) if precisions else 0.0
    r = statistics.mean(recalls) if recalls else 0.0
    return {"f1": 2 * p * r / (p + r) if p + r else 0.0, "precision": p, "recall": r}


def sitrep_extractor() -> tuple[Callable[[Path], tuple[str, str]], str]:
    """For one page file: (text after read, text users get), and what produced the latter."""
    from sitrep.records import RawDocument
    from sitrep.settings import load_settings
    from sitrep.stages.read import read

    settings = load_settings()
    clean: Any = None
    try:
        clean = importlib.import_module("sitrep.stages.clean").clean
    except (ImportError, AttributeError):
        clean = None

    def extract(path: Path) -> tuple[str, str]:
        read_text: list[str] = []
        final: list[str] = []
        for raw in read([path], settings=settings):
            if not isinstance(raw, RawDocument):
                continue
            read_text.append(raw.text)
            if clean is None:
                final.append(raw.text)
            else:
                final.append(getattr(clean(raw, settings=settings), "text", "") or "")
        return "\n".join(read_text), "\n".join(final)

    return extract, ("read -> clean" if clean is not None else "read")


def run(ctx: Any) -> dict[str, float]:
    import trafilatura

    folder = Path(ctx.data) / FOLDER
    truth: dict[str, Any] = json.loads((folder / "ground-truth.json").read_text(encoding="utf-8"))
    pages = sorted(folder.glob("html/*.html.gz"))
    pages = [p for p in pages if p.name.split(".")[0] in truth]
    if not ctx.full and len(pages) > SAMPLE:
        pages = sorted(random.Random(ctx.seed).sample(pages, SAMPLE))
        ctx.note(f"sampled {SAMPLE} pages with seed {ctx.seed} (use --full for all)")
    extract, pipeline = sitrep_extractor()
    ours: list[Counts] = []
    read_only: list[Counts] = []
    baseline: list[Counts] = []
    for page in pages:
        body = truth[page.name.split(".")[0]].get("articleBody") or ""
        read_text, final_text = extract(page)
        ours.append(shingle_counts(body, final_text))
        read_only.append(shingle_counts(body, read_text))
        html = gzip.decompress(page.read_bytes()).decode("utf-8")
        baseline.append(shingle_counts(body, trafilatura.extract(html) or ""))
    ctx.note(
        f"{len(pages)} pages; sitrep text from {pipeline}; baseline trafilatura.extract() defaults"
    )
    result = score(ours)
    base = score(baseline)
    result["trafilatura_f1"] = base["f1"]
    result["trafilatura_precision"] = base["precision"]
    result["trafilatura_recall"] = base["recall"]
    result["f1_vs_trafilatura"] = result["f1"] - base["f1"]
    result["read_f1"] = score(read_only)["f1"]  # before cleaning: tells the stages' losses apart
    return result
