"""Event detection on WikiEvents (dev): sitrep types vs KAIROS types mapped onto them.

Document level: precision/recall/F1 over (document, type) pairs.
Trigger level: a gold trigger counts as found when an event of the mapped type
has a trigger span overlapping it; precision is over sitrep's trigger spans of
scored types. Only types the mapping covers are scored (see _events_common).
Sentences are joined with newlines (the gold text glues them together).
"""

from __future__ import annotations

import json

from eval.tasks._events_common import SCORED, annotate, kairos_type, prf

NAME = "Event detection: WikiEvents dev (KAIROS -> sitrep types)"


def _load(ctx):
    docs = []
    with open(ctx.data / "wikievents" / "dev.jsonl", encoding="utf-8") as fh:
        for line in fh:
            d = json.loads(line)
            parts, shift_of, pos = [], [], 0
            token_shift: dict[int, int] = {}
            tok_index = 0
            for toks, sent_text in d["sentences"]:
                s0 = toks[0][1] if toks else 0
                shift = pos - s0
                shift_of.append(shift)
                for _tok, a, _b in toks:
                    token_shift[tok_index] = a + shift
                    tok_index += 1
                parts.append(sent_text)
                pos += len(sent_text) + 1
            text = "\n".join(parts)
            starts = [token_shift[i] for i in range(tok_index)]
            ends = [starts[i] + len(d["tokens"][i]) for i in range(tok_index)]
            gold = []
            for ev in d["event_mentions"]:
                t = kairos_type(ev["event_type"])
                if t is None:
                    continue
                tr = ev["trigger"]
                gold.append((t, starts[tr["start"]], ends[tr["end"] - 1]))
            docs.append((d["doc_id"], text, gold))
    return docs


def run(ctx) -> dict[str, float]:
    docs = _load(ctx)
    ctx.note(f"{len(docs)} documents, all of dev; scored types: {', '.join(sorted(SCORED))}")
    processed = annotate((key, text, None) for key, text, _ in docs)
    d_tp = d_pred = d_gold = 0
    t_tp = t_pred = t_gold = 0
    for key, _text, gold in docs:
        doc = processed.get(key)
        events = [e for e in (doc.events if doc else ()) if e.type in SCORED]
        pred_types = {e.type for e in events}
        gold_types = {t for t, _, _ in gold}
        d_tp += len(pred_types & gold_types)
        d_pred += len(pred_types)
        d_gold += len(gold_types)
        spans = [(e.type, s, t) for e in events for s, t in e.trigger_spans]
        t_pred += len(spans)
        t_gold += len(gold)
        t_tp += sum(1 for gt, gs, ge in gold if any(pt == gt and ps < ge and gs < pe for pt, ps, pe in spans))
    dp, dr, df = prf(d_tp, d_pred, d_gold)
    # trigger precision: predicted spans that hit a gold trigger of the same type
    hits = 0
    for key, _text, gold in docs:
        doc = processed.get(key)
        for e in doc.events if doc else ():
            if e.type not in SCORED:
                continue
            for s, t in e.trigger_spans:
                hits += any(gt == e.type and s < ge and gs < t for gt, gs, ge in gold)
    tp_, _, _ = prf(hits, t_pred, t_gold)
    _, tr, _ = prf(t_tp, t_pred, t_gold)
    tf = 2 * tp_ * tr / (tp_ + tr) if tp_ + tr else 0.0
    return {
        "doc_precision": dp,
        "doc_recall": dr,
        "doc_f1": df,
        "trigger_precision": tp_,
        "trigger_recall": tr,
        "trigger_f1": tf,
    }
