"""The clean stage, scored two ways.

1. **Scraped pages** (``tests/data/articles``): hand-written pages in the
   styles of different outlets, each with its expected clean output. Every
   line of a page is labelled *body* (it is a paragraph of the expected text)
   or *boilerplate* (title, caption or removed line). Boilerplate removal is
   scored as line-level precision, recall and F1 (positive = removed), and
   ``line_accuracy`` is the share of lines whose keep/remove decision is
   right. ``title``, ``section``, ``metadata`` (publisher, byline, published)
   and ``tdm`` accuracy compare the recovered fields; ``kind_accuracy`` is the
   share of expected removed lines removed with the expected kind. These pages
   were written together with the cleaner, so they guard against regressions
   rather than measure generalisation.

2. **Clean bodies stay clean** (``article-extraction-benchmark`` gold bodies,
   from ``ctx.data``): each gold article body is passed through ``clean`` as if
   it were trafilatura's output, and the result is scored against the same
   body with the benchmark's 4-gram shingle metric. Anything below 1.0 is
   body text the line rules wrongly removed (``body_retention_recall``) —
   text nobody on this project wrote, so this part does generalise.
   ``clean_docs_per_s`` reports throughput on those bodies (not gated: it
   depends on the machine).
"""

from __future__ import annotations

import json
import random
import time
from pathlib import Path
from typing import Any

from eval.tasks.html_extraction import shingle_counts
from sitrep.records import Document, RawDocument
from sitrep.stages.clean import clean

NAME = "cleaning"

ARTICLES = Path(__file__).resolve().parents[2] / "tests" / "data" / "articles"
FOLDER = "article-extraction-benchmark"
#: gold bodies scored without --full
SAMPLE = 120


def _norm(line: str) -> str:
    return " ".join(line.split())


def _cases() -> list[tuple[str, str, dict[str, Any]]]:
    out = []
    for page in sorted(ARTICLES.glob("*.txt")):
        expected = json.loads(page.with_name(page.stem + ".expected.json").read_text())
        out.append((page.stem, page.read_text(), expected))
    return out


def _clean(text: str, meta: dict[str, Any]) -> Document:
    meta = dict(meta)
    fmt = str(meta.pop("format", "text"))
    doc = clean(RawDocument(id="eval", source="eval", text=text, format=fmt, **meta))
    if not isinstance(doc, Document):
        raise AssertionError(f"clean rejected a page: {doc}")
    return doc


def _pages(ctx: Any) -> dict[str, float]:
    tp = fp = fn = 0
    right_lines = lines = 0
    title = section = metadata = tdm = 0
    kinds_right = kinds = 0
    cases = _cases()
    for _name, text, expected in cases:
        doc = _clean(text, expected.get("raw", {}))
        gold_body = {_norm(p) for p in expected["text"].split("\n\n") if p.strip()}
        pred_body = {_norm(p) for p in doc.text.split("\n\n") if p.strip()}
        gold_out = [_norm(r["text"]) for r in expected["removed"]] + [_norm(c) for c in expected["captions"]]
        if expected["title"] and expected.get("raw", {}).get("title") is None:
            gold_out.append(_norm(expected["title"]))
        units = [(u, True) for u in gold_body] + [(u, False) for u in gold_out]
        for unit, is_body in units:
            kept = unit in pred_body
            lines += 1
            right_lines += kept == is_body
            if not is_body and not kept:
                tp += 1
            elif not is_body and kept:
                fn += 1
        fp += len(gold_body - pred_body)
        pred_kinds = {(_norm(r.text), r.kind) for r in doc.removed}
        for r in expected["removed"]:
            kinds += 1
            kinds_right += (_norm(r["text"]), r["kind"]) in pred_kinds
        title += doc.title == expected["title"]
        section += doc.section == expected["section"]
        metadata += all(getattr(doc, f) == expected[f] for f in ("publisher", "byline", "published"))
        tdm += doc.rights.tdm_reserved == expected["tdm_reserved"]
    n = len(cases)
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    ctx.note(f"{n} hand-written pages, {lines} lines")
    return {
        "boilerplate_precision": precision,
        "boilerplate_recall": recall,
        "boilerplate_f1": f1,
        "line_accuracy": right_lines / lines if lines else 0.0,
        "kind_accuracy": kinds_right / kinds if kinds else 0.0,
        "title_accuracy": title / n,
        "section_accuracy": section / n,
        "metadata_accuracy": metadata / n,
        "tdm_accuracy": tdm / n,
    }


def _bodies(ctx: Any) -> dict[str, float]:
    gold = json.loads((ctx.data / FOLDER / "ground-truth.json").read_text())
    ids = sorted(k for k, v in gold.items() if (v.get("articleBody") or "").strip())
    if not ctx.full and len(ids) > SAMPLE:
        ids = sorted(random.Random(ctx.seed).sample(ids, SAMPLE))
        ctx.note(f"body retention: {SAMPLE} of the visible gold bodies, seed {ctx.seed}")
    else:
        ctx.note(f"body retention: all {len(ids)} visible gold bodies")
    bodies = [gold[i]["articleBody"] for i in ids]
    started = time.perf_counter()
    docs = [_clean(body, {"format": "html"}) for body in bodies]
    took = time.perf_counter() - started
    precisions, recalls = [], []
    for body, doc in zip(bodies, docs, strict=True):
        tp, fp, fn = shingle_counts(body, doc.text)
        if tp + fp:
            precisions.append(tp / (tp + fp))
        if tp + fn:
            recalls.append(tp / (tp + fn))
    p = sum(precisions) / len(precisions) if precisions else 0.0
    r = sum(recalls) / len(recalls) if recalls else 0.0
    return {
        "body_retention_recall": r,
        "body_retention_f1": 2 * p * r / (p + r) if p + r else 0.0,
        "clean_docs_per_s": len(docs) / took if took else 0.0,
    }


def run(ctx: Any) -> dict[str, float]:
    return {**_pages(ctx), **_bodies(ctx)}
