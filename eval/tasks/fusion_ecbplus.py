"""Cross-document fusion on ECB+: do two reports share a ledger event exactly when
they report the same real event?

Gold: ``ecbplus-subset/ECB+/<topic>/*.xml`` (ECB+, CC BY 3.0; topics 8 bank
bombings, 12 pirates captured, 18 office-party shootings, 19 riots after police
shootings). Each topic holds reports of two different real events of one kind:
the ``*ecb.xml`` files describe one, the ``*ecbplus.xml`` files the other.

Each document's tokens are joined back into text (sentence 0 of ``ecbplus``
files, the source URL, is left out) and run through the whole pipeline with no
publication date (the corpus gives none), then every article-level event is
fused by :func:`sitrep.ledger.fusion.fuse`.

Scored at the level of document pairs: a pair is linked when some fused event
has mentions from both. Gold links the pairs of one topic and one half.

* ``pair_precision`` / ``pair_recall`` / ``pair_f1``: over all document pairs.
* ``lookalike_merge_rate``: of the document pairs of one topic from different
  halves (two look-alike events: two bank bombings), the share fusion linked.
  Lower is better; ``1 - rate`` is reported as ``lookalike_separation``.
* ``cross_topic_separation``: 1 - the share of pairs from different topics
  that fusion linked.

For reference, linking every pair of documents that share an event type gives
pair precision 0.13 and recall 0.97 here.

Scored at the level of event mentions too (cross-document event coreference,
as the issue asks): the mentions are the article events sitrep extracts, the
response clusters are the fused events, and the key (gold) cluster of each
article event is the ECB+ event of the gold action mention its trigger
overlaps. Gold action mentions are the ``ACTION_*`` / ``NEG_ACTION_*``
markables; their event is the ``CROSS_DOC_COREF`` chain (``note``) they are in,
else their ``INTRA_DOC_COREF`` chain, else they are an event of their own.

* Matching: an article event matches the gold action mention whose characters
  its trigger spans (:attr:`Event.trigger_spans`, offsets into the rebuilt
  text) overlap most (ties: the earlier mention).
* Unmatched article events (no trigger on any gold action mention) cannot be
  placed in a gold cluster, so they are left out of the coreference scores and
  counted instead as ``mention_precision`` (share of article events matched).
  Gold action mentions no article event matches are left out too (sitrep
  extracts only conflict-type events; ``mention_recall`` gives their share):
  this scores how fusion groups what sitrep finds, not what it misses, which
  the event-detection tasks score.
* ``muc_f1``, ``b3_precision`` / ``b3_recall`` / ``b3_f1``, ``ceafe_f1`` and
  ``conll_f1`` (the mean of the MUC, B³ and CEAF-e F1s, as in the CoNLL-2012
  scorer) over the matched article events. Two article events matched to one
  gold mention are both in its gold cluster.
"""

from __future__ import annotations

import itertools
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

from ._events_common import annotate

NAME = "fusion_ecbplus: cross-document event fusion on ECB+ (document pairs)"


def _text(path: Path) -> str:
    sentences: dict[int, list[str]] = {}
    for token in ET.parse(path).getroot().iter("token"):
        s = int(token.get("sentence") or 0)
        if path.name.endswith("ecbplus.xml") and s == 0:
            continue
        sentences.setdefault(s, []).append(token.text or "")
    return "\n".join(
        re.sub(r" ([,.;:!?')])", r"\1", " ".join(words)) for _, words in sorted(sentences.items())
    )


_GLUED = tuple(",.;:!?')")


def _token_offsets(path: Path) -> dict[str, tuple[int, int]]:
    """Each kept token's (start, end) in :func:`_text`'s text (which it rebuilds and checks)."""
    sentences: dict[int, list[tuple[str, str]]] = {}
    for token in ET.parse(path).getroot().iter("token"):
        s = int(token.get("sentence") or 0)
        if path.name.endswith("ecbplus.xml") and s == 0:
            continue
        sentences.setdefault(s, []).append((token.get("t_id") or "", token.text or ""))
    out: dict[str, tuple[int, int]] = {}
    parts: list[str] = []
    pos = 0
    for n, (_, tokens) in enumerate(sorted(sentences.items())):
        if n:
            parts.append("\n")
            pos += 1
        for k, (t_id, word) in enumerate(tokens):
            if k and not word.startswith(_GLUED):
                parts.append(" ")
                pos += 1
            out[t_id] = (pos, pos + len(word))
            parts.append(word)
            pos += len(word)
    if "".join(parts) != _text(path):
        raise RuntimeError(f"{path.name}: token offsets do not rebuild the scored text")
    return out


def _gold_mentions(path: Path) -> list[tuple[int, int, str]]:
    """(start, end, gold event) for each action mention with kept tokens."""
    root = ET.parse(path).getroot()
    offsets = _token_offsets(path)
    chain: dict[str, str] = {}
    for rel in root.iter("INTRA_DOC_COREF"):
        target = rel.find("target")
        key = f"{path.name}#intra{target.get('m_id') if target is not None else rel.get('r_id')}"
        for src in rel.iter("source"):
            chain[src.get("m_id") or ""] = key
    for rel in root.iter("CROSS_DOC_COREF"):  # cross-document chains win
        for src in rel.iter("source"):
            chain[src.get("m_id") or ""] = rel.get("note") or f"{path.name}#{rel.get('r_id')}"
    out = []
    markables = root.find("Markables")
    for mk in markables if markables is not None else []:
        if not (mk.tag.startswith("ACTION_") or mk.tag.startswith("NEG_ACTION_")):
            continue
        spans = [
            offsets[a.get("t_id") or ""]
            for a in mk.iter("token_anchor")
            if a.get("t_id") in offsets
        ]
        if not spans:
            continue
        m_id = mk.get("m_id") or ""
        out.append(
            (
                min(s for s, _ in spans),
                max(e for _, e in spans),
                chain.get(m_id, f"{path.name}#{m_id}"),
            )
        )
    return out


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> int:
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def _match(triggers: tuple[tuple[int, int], ...], gold: list[tuple[int, int, str]]) -> str | None:
    """The gold event of the action mention the triggers overlap most (ties: the earlier one)."""
    best, best_n = None, 0
    for start, end, key in sorted(gold):
        n = sum(_overlap(t, (start, end)) for t in triggers)
        if n > best_n:
            best, best_n = key, n
    return best


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def _clusters(assign: dict[str, str]) -> list[set[str]]:
    groups: dict[str, set[str]] = {}
    for m, c in assign.items():
        groups.setdefault(c, set()).add(m)
    return list(groups.values())


def _muc(key: list[set[str]], response: list[set[str]]) -> tuple[float, float]:
    def side(a: list[set[str]], b: list[set[str]]) -> float:
        where = {m: i for i, c in enumerate(b) for m in c}
        num = sum(len(c) - len({where.get(m, ("alone", m)) for m in c}) for c in a)
        den = sum(len(c) - 1 for c in a)
        return num / den if den else 0.0

    return side(response, key), side(key, response)  # precision, recall


def _b3(key: list[set[str]], response: list[set[str]]) -> tuple[float, float]:
    k_of = {m: c for c in key for m in c}
    r_of = {m: c for c in response for m in c}
    ms = list(k_of)
    p = sum(len(k_of[m] & r_of[m]) / len(r_of[m]) for m in ms) / len(ms)
    r = sum(len(k_of[m] & r_of[m]) / len(k_of[m]) for m in ms) / len(ms)
    return p, r


def _ceafe(key: list[set[str]], response: list[set[str]]) -> tuple[float, float]:
    import numpy as np
    from scipy.optimize import linear_sum_assignment

    sim = np.array([[2 * len(k & r) / (len(k) + len(r)) for r in response] for k in key])
    rows, cols = linear_sum_assignment(-sim)
    total = float(sim[rows, cols].sum())
    return total / len(response), total / len(key)


def coreference_scores(key_of: dict[str, str], fused_of: dict[str, str]) -> dict[str, float]:
    """MUC, B³, CEAF-e and CoNLL F1 of the response clusters ``fused_of`` (mention -> fused
    event) against the key clusters ``key_of`` (mention -> gold event), over the same mentions."""
    key, response = _clusters(key_of), _clusters(fused_of)
    muc, b3, ceafe = _muc(key, response), _b3(key, response), _ceafe(key, response)
    out = {
        "muc_f1": _f1(*muc),
        "b3_precision": b3[0],
        "b3_recall": b3[1],
        "b3_f1": _f1(*b3),
        "ceafe_f1": _f1(*ceafe),
    }
    out["conll_f1"] = (out["muc_f1"] + out["b3_f1"] + out["ceafe_f1"]) / 3
    return out


def run(ctx: Any) -> dict[str, float]:
    from sitrep.ledger.fusion import Mention, fuse

    root = ctx.data / "ecbplus-subset" / "ECB+"
    files = sorted(root.glob("*/*.xml"))
    gold = {
        f.name: (f.parent.name, "ecbplus" if f.name.endswith("ecbplus.xml") else "ecb")
        for f in files
    }
    docs = annotate((f.name, _text(f), None) for f in files)
    mentions = [Mention(d.id, e, d.published) for d in docs.values() for e in d.events]
    name_of = {d.id: d.source for d in docs.values()}
    linked: set[tuple[str, str]] = set()
    fused_of: dict[str, str] = {}
    for fused in fuse(mentions):
        names = sorted({name_of[m.document_id] for m in fused.members})
        linked.update(itertools.combinations(names, 2))
        fused_of.update((m.id, fused.id) for m in fused.members)
    gold_mentions = {f.name: _gold_mentions(f) for f in files}
    key_of: dict[str, str] = {}
    for m in mentions:
        found = _match(m.event.trigger_spans, gold_mentions[name_of[m.document_id]])
        if found is not None:
            key_of[m.id] = found
    matched_gold = sum(
        1
        for d in docs.values()
        for start, end, _ in gold_mentions[d.source]
        if any(_overlap(t, (start, end)) for e in d.events for t in e.trigger_spans)
    )
    n_gold = sum(len(g) for g in gold_mentions.values())
    scored = sorted(docs)
    pairs = list(itertools.combinations(scored, 2))
    same = {p for p in pairs if gold[p[0]] == gold[p[1]]}
    lookalike = {p for p in pairs if gold[p[0]][0] == gold[p[1]][0] and p not in same}
    cross = {p for p in pairs if gold[p[0]][0] != gold[p[1]][0]}
    tp = len(linked & same)
    precision = tp / len(linked) if linked else 0.0
    recall = tp / len(same) if same else 0.0
    ctx.note(
        f"{len(docs)} of {len(files)} documents scored, {len(mentions)} article events, "
        f"{len(pairs)} pairs ({len(same)} gold links); no publication dates; "
        f"{len(key_of)} article events on {len(set(key_of.values()))} gold events scored for "
        f"coreference ({matched_gold} of {n_gold} gold action mentions matched)"
    )
    return {
        **coreference_scores(key_of, {m: fused_of[m] for m in key_of}),
        "mention_precision": len(key_of) / len(mentions) if mentions else 0.0,
        "mention_recall": matched_gold / n_gold if n_gold else 0.0,
        "pair_precision": precision,
        "pair_recall": recall,
        "pair_f1": 2 * precision * recall / (precision + recall) if precision + recall else 0.0,
        "lookalike_separation": 1 - len(linked & lookalike) / max(1, len(lookalike)),
        "cross_topic_separation": 1 - len(linked & cross) / max(1, len(cross)),
    }
