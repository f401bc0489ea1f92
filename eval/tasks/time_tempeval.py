"""Time expressions against TempEval-3 TimeML (TBAQ-cleaned: TimeBank + AQUAINT).

TempEval-3 Task A, written out (the official tools were not copied):

* recognition: precision, recall and F1 of our time spans against the TIMEX3
  spans inside ``<TEXT>``, strict (same start and end) and relaxed (overlap,
  each gold and each predicted span used once);
* normalisation: ``value_accuracy`` is the share of relaxed matches whose
  ``timex`` equals the gold ``value``, resolved against each document's
  creation time (the ``<DCT>`` TIMEX3) given as the publication date
  (``value_f1`` is F1 counting only those as hits);
  ``type_accuracy`` compares the TIMEX3 type our timex implies (P… DURATION,
  …T… TIME, else DATE).

All gold types count in recall (DATE, TIME, DURATION, SET), although the stage
never produces SET. The TE3 Platinum test set is held back; this scores the
TBAQ-cleaned training documents that are present. The stage is regex-only and
fast, so every document is scored (no sampling). The stage was developed
looking at these same documents, so expect lower scores on the held-back set.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sitrep.stages.time import find_times

NAME = "time_tempeval"
_CLOCK_PART = re.compile(r"\dT(?:\d|MO|AF|EV|NI)")


@dataclass(frozen=True, slots=True)
class GoldTimex:
    start: int
    end: int
    type: str
    value: str


def _walk(node: ET.Element, parts: list[str], gold: list[GoldTimex], offset: int) -> int:
    """Append the plain text under ``node`` to ``parts``; record TIMEX3 spans."""
    if node.text:
        parts.append(node.text)
        offset += len(node.text)
    for child in node:
        start = offset
        offset = _walk(child, parts, gold, offset)
        if child.tag == "TIMEX3":
            gold.append(GoldTimex(start, offset, child.get("type", ""), child.get("value", "")))
        if child.tail:
            parts.append(child.tail)
            offset += len(child.tail)
    return offset


def read_timeml(path: Path) -> tuple[str, str | None, list[GoldTimex]]:
    """(text, DCT as ISO date, gold TIMEX3 spans) of one TimeML file."""
    root = ET.parse(path).getroot()
    dct_node = root.find("DCT/TIMEX3")
    dct = (dct_node.get("value") or "")[:10] if dct_node is not None else None
    text_node = root.find("TEXT")
    parts: list[str] = []
    gold: list[GoldTimex] = []
    if text_node is not None:
        _walk(text_node, parts, gold, 0)
    return "".join(parts), dct or None, gold


def _implied_type(timex: str | None) -> str:
    if not timex:
        return "DATE"
    if timex.startswith("P") and not timex.endswith("_REF"):
        return "DURATION"
    return "TIME" if _CLOCK_PART.search(timex) else "DATE"


def _prf(tp: int, n_pred: int, n_gold: int) -> tuple[float, float, float]:
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def score_documents(docs: list[tuple[str, str | None, list[GoldTimex]]]) -> dict[str, float]:
    n_pred = n_gold = strict = relaxed = value_ok = type_ok = 0
    for text, dct, gold in docs:
        pred = find_times(text, dct)
        n_pred += len(pred)
        n_gold += len(gold)
        spans = {(g.start, g.end) for g in gold}
        strict += sum((p.start, p.end) in spans for p in pred)
        used: set[int] = set()
        for p in pred:
            for i, g in enumerate(gold):
                if i not in used and p.start < g.end and g.start < p.end:
                    used.add(i)
                    relaxed += 1
                    value_ok += p.timex == g.value
                    type_ok += _implied_type(p.timex) == g.type
                    break
    sp, sr, sf = _prf(strict, n_pred, n_gold)
    rp, rr, rf = _prf(relaxed, n_pred, n_gold)
    _, _, vf = _prf(value_ok, n_pred, n_gold)
    return {
        "strict_precision": sp,
        "strict_recall": sr,
        "strict_f1": sf,
        "relaxed_precision": rp,
        "relaxed_recall": rr,
        "relaxed_f1": rf,
        "value_accuracy": value_ok / relaxed if relaxed else 0.0,
        "value_f1": vf,
        "type_accuracy": type_ok / relaxed if relaxed else 0.0,
    }


def run(ctx: Any) -> dict[str, float]:
    root = Path(ctx.data) / "tempeval3-timeml"
    files = sorted(root.glob("**/*.tml"))
    docs = [read_timeml(f) for f in files]
    ctx.note(f"{len(docs)} TimeML documents ({sum(len(d[2]) for d in docs)} TIMEX3); te3-platinum held back")
    for part in ("TimeBank", "AQUAINT"):
        sub = [d for f, d in zip(files, docs, strict=True) if part in f.parts]
        if sub:
            s = score_documents(sub)
            ctx.note(f"{part}: relaxed F1 {s['relaxed_f1']:.3f}, value accuracy {s['value_accuracy']:.3f}")
    return score_documents(docs)
