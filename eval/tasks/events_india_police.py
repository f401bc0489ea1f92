"""Killings and arrests by police on IndiaPoliceEvents (Times of India, 2002).

Sentence level: a sentence is predicted KILL when sitrep finds a casualties or
attack event whose trigger lies in it with a killed figure or a killing
trigger, and whose agent is a police or security force; ARREST when it finds
an arrest event there. Document level: a document is positive when any of its
sentences is. Documents are sampled with a fixed seed; the gold text is
lower-cased and has mojibake, which the scorer leaves as it is.
"""

from __future__ import annotations

import json
import random
from collections import defaultdict

from eval.tasks._events_common import annotate, prf

NAME = "Police killings and arrests: IndiaPoliceEvents (sentences and documents)"
SAMPLE = 150
KILL_WORDS = frozenset({"killed", "kill", "kills", "killing", "dead", "died", "death", "deaths", "shot", "slain", "fatalities", "lynched", "murdered"})
SECURITY = ("police", "cop", "constable", "force", "troop", "army", "soldier", "jawan", "rpf", "crpf", "paramilitary", "security", "guard", "officer")


def _security_agent(event) -> bool:
    return any(a.role == "agent" and any(w in a.name.lower() for w in SECURITY) for a in event.actors)


def run(ctx) -> dict[str, float]:
    base = ctx.data / "india-police-events"
    docs = {}
    with open(base / "docs.jsonl", encoding="utf-8") as fh:
        for line in fh:
            d = json.loads(line)
            docs[d["doc_id"]] = d
    meta = {}
    with open(base / "metadata.jsonl", encoding="utf-8") as fh:
        for line in fh:
            m = json.loads(line)
            meta[m["doc_id"]] = m.get("date")
    sents = defaultdict(list)
    with open(base / "sents.jsonl", encoding="utf-8") as fh:
        for line in fh:
            s = json.loads(line)
            sents[s["doc_id"]].append(s)
    ids = sorted(docs)
    total = len(ids)
    if not ctx.full and total > SAMPLE:
        ids = sorted(random.Random(ctx.seed).sample(ids, SAMPLE))
    ctx.note(f"{len(ids)} of {total} documents (seed {ctx.seed}), {sum(len(sents[i]) for i in ids)} sentences")
    processed = annotate((f"ipe-{i}", docs[i]["doc_text"], meta.get(i)) for i in ids)
    counts = {lab: [0, 0, 0] for lab in ("KILL", "ARREST")}  # tp, pred, gold
    dcounts = {lab: [0, 0, 0] for lab in ("KILL", "ARREST")}
    for i in ids:
        text = docs[i]["doc_text"]
        doc = processed.get(f"ipe-{i}")
        events = doc.events if doc else ()
        pos = 0
        doc_pred = {"KILL": False, "ARREST": False}
        doc_gold = set(docs[i].get("doc_labels") or [])
        for s in sorted(sents[i], key=lambda s: s["sent_id"]):
            st = s["sent_text"]
            start = text.find(st, pos)
            if start < 0:
                start = text.find(st.strip(), pos)
            if start < 0:
                continue
            end = start + len(st)
            pos = end
            in_sent = [e for e in events if any(start <= a < end for a, _ in e.trigger_spans)]
            pred = {
                "KILL": any(
                    e.type in ("casualties", "attack")
                    and _security_agent(e)
                    and (any(f.category == "killed" for f in e.figures) or (e.trigger or "") in KILL_WORDS)
                    for e in in_sent
                ),
                "ARREST": any(e.type == "arrest" for e in in_sent),
            }
            gold = set(s.get("sent_labels") or [])
            for lab in counts:
                counts[lab][0] += pred[lab] and lab in gold
                counts[lab][1] += pred[lab]
                counts[lab][2] += lab in gold
                doc_pred[lab] |= pred[lab]
        for lab in dcounts:
            dcounts[lab][0] += doc_pred[lab] and lab in doc_gold
            dcounts[lab][1] += doc_pred[lab]
            dcounts[lab][2] += lab in doc_gold
    out: dict[str, float] = {}
    for lab in counts:
        p, r, f = prf(*counts[lab])
        out[f"{lab.lower()}_sent_precision"], out[f"{lab.lower()}_sent_recall"], out[f"{lab.lower()}_sent_f1"] = p, r, f
        dp, dr, df = prf(*dcounts[lab])
        out[f"{lab.lower()}_doc_f1"] = df
        out[f"{lab.lower()}_doc_recall"] = dr
    return out
