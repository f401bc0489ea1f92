"""Fine-grained conflict event typing on CASE 2021 Task 2 snippets (ACLED sub-types).

Each snippet's ACLED sub-type is mapped onto a sitrep type (table below); the
snippet's predicted type is the highest-priority sitrep event found in it
(protest > attack > arrest > agreement > deployment > casualties: ACLED codes
violence at a demonstration as a protest or riot type, codes the violent act
rather than its casualties, and casualties are its consequence). Snippets whose gold type has
no sitrep counterpart (weapons seizures, disasters, crime, ...) are not scored.
"""

from __future__ import annotations

import csv
import random
from collections import Counter

from eval.tasks._events_common import annotate, prf

NAME = "Event typing: CASE 2021 task 2 (ACLED sub-types -> sitrep types)"

ACLED_TO_SITREP = {
    "AIR_STRIKE": "attack",
    "ART_MISS_ATTACK": "attack",
    "ARMED_CLASH": "attack",
    "ATTACK": "attack",
    "GRENADE": "attack",
    "SUIC_BOMB": "attack",
    "REM_EXPLOS": "attack",
    "CHEM_WEAP": "attack",
    "MOB_VIOL": "attack",
    "NON_STATE_ACTOR_OVERTAKES_TER": "attack",
    "GOV_REGAINS_TERIT": "attack",
    "PROPERTY_DISTRUCT": "attack",
    "PEACE_PROTEST": "protest",
    "PROTEST_WITH_INTER": "protest",
    "VIOL_DEMONSTR": "protest",
    "FORCE_AGAINST_PROTEST": "protest",
    "ARREST": "arrest",
    "ABDUCT_DISSAP": "arrest",
    "AGREEMENT": "agreement",
    "HQ_ESTABLISHED": "deployment",
    "NON_VIOL_TERRIT_TRANSFER": "deployment",
}
PRIORITY = ["protest", "attack", "arrest", "agreement", "deployment", "casualties"]
SAMPLE = 400


def run(ctx) -> dict[str, float]:
    rows = []
    with open(ctx.data / "case2021-task2-event-types" / "event_snippets_with_labels.tsv", encoding="utf-8") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            gold = ACLED_TO_SITREP.get((row.get("SubType") or "").strip())
            if gold:
                rows.append((row["id"], row["EventSnippet"], gold))
    total = len(rows)
    if not ctx.full and total > SAMPLE:
        rows = random.Random(ctx.seed).sample(rows, SAMPLE)
    ctx.note(f"{len(rows)} of {total} snippets whose ACLED type maps onto a sitrep type (seed {ctx.seed})")
    docs = annotate((f"case-{i}", text, None) for i, text, _ in rows)
    correct = 0
    tp: Counter[str] = Counter()
    npred: Counter[str] = Counter()
    ngold: Counter[str] = Counter()
    for i, _text, gold in rows:
        doc = docs.get(f"case-{i}")
        types = {e.type for e in doc.events} if doc else set()
        pred = next((t for t in PRIORITY if t in types), "none")
        ngold[gold] += 1
        npred[pred] += 1
        if pred == gold:
            correct += 1
            tp[gold] += 1
    f1s = [prf(tp[t], npred[t], ngold[t])[2] for t in ngold]
    micro_p, micro_r, micro_f = prf(sum(tp.values()), sum(v for k, v in npred.items() if k != "none"), sum(ngold.values()))
    return {
        "accuracy": correct / len(rows) if rows else 0.0,
        "macro_f1": sum(f1s) / len(f1s) if f1s else 0.0,
        "micro_f1": micro_f,
        "detected_share": 1 - npred["none"] / len(rows) if rows else 0.0,
    }
