"""Event typing on RAMS (dev): does sitrep find the annotated event, with the right type?

Each RAMS example is a five-sentence window with one annotated trigger. Gold
types are mapped onto sitrep types (_events_common.kairos_type); examples of
other types are not scored. ``typed_recall``: share of gold triggers covered
by a sitrep trigger span of the mapped type. ``type_accuracy``: among gold
triggers that sitrep marks with any scored event, the share with the right
type. Tokens are joined with single spaces.
"""

from __future__ import annotations

import json
import random

from eval.tasks._events_common import SCORED, annotate

NAME = "Event typing: RAMS dev (KAIROS -> sitrep types)"
SAMPLE = 300


def run(ctx) -> dict[str, float]:
    items = []
    with open(ctx.data / "rams" / "dev.jsonlines", encoding="utf-8") as fh:
        for line in fh:
            d = json.loads(line)
            from eval.tasks._events_common import kairos_type

            start, end, types = d["evt_triggers"][0]
            gold = kairos_type(types[0][0])
            if gold is None:
                continue
            tokens = [t for sent in d["sentences"] for t in sent]
            offsets, pos = [], 0
            for t in tokens:
                offsets.append(pos)
                pos += len(t) + 1
            sents, k = [], 0
            for sent in d["sentences"]:
                sents.append(" ".join(sent))
                k += len(sent)
            text = "\n".join(sents)  # same offsets as " ".join: one separator char per boundary
            items.append((d["doc_key"], text, gold, offsets[start], offsets[end] + len(tokens[end])))
    total = len(items)
    if not ctx.full and total > SAMPLE:
        items = random.Random(ctx.seed).sample(items, SAMPLE)
    ctx.note(f"{len(items)} of {total} dev examples with a mappable type (seed {ctx.seed})")
    docs = annotate((key, text, None) for key, text, *_ in items)
    found = marked = right = 0
    for key, _text, gold, gs, ge in items:
        doc = docs.get(key)
        hits = {e.type for e in (doc.events if doc else ()) if e.type in SCORED for s, t in e.trigger_spans if s < ge and gs < t}
        if gold in hits:
            found += 1
        if hits:
            marked += 1
            right += gold in hits
    return {
        "typed_recall": found / len(items) if items else 0.0,
        "type_accuracy": right / marked if marked else 0.0,
    }
