"""Attribution against PolNeAR (train split): source, cue and content of reported statements.

Gold: BRAT standoff files in ``polnear/data/train/attributions``; each ``E``
line links a Source, a Cue and a Content span (a span may be in pieces,
``0 5;9 20``; a piece list is scored as the stretch from its first start to
its last end for span matching and as its pieces for token overlap). Where an
article has several annotators, the first annotation file in name order is
the gold.

Predictions: ``sitrep.attribution.v1`` over the spaCy parse, with no entities
layer (PolNeAR scores spans, not names). Records of kind ``unattributed`` with
no cue are the stage's fallback for unsourced claims and have no PolNeAR
counterpart, so they are left out; continuation quotes (no written cue) count
for content only.

Metrics (micro-averaged over the sampled articles):

* ``source_f1_exact`` / ``cue_f1_exact``: a predicted span matches a gold span
  of the same role when both have the same offsets after trimming spaces and
  edge punctuation; one-to-one matching.
* ``source_f1_partial`` / ``cue_f1_partial``: the spans share at least one
  character; one-to-one matching, largest overlap first.
* ``content_f1_exact``: as above, for content spans.
* ``content_token_f1``: token-level overlap of content: precision is the share
  of word tokens inside predicted contents that are inside gold contents,
  recall the other way round (the "overlap F1" of Citron-style evaluations).
* ``content_recall_partial``: share of gold contents that some predicted
  content overlaps (claim-detection recall).
"""

from __future__ import annotations

import csv
import random
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

NAME = "attribution on PolNeAR train (source / cue / content)"

SAMPLE = 60
_WORD = re.compile(r"\w+")
_EDGE = " \t\n,.;:\"'\u201c\u201d\u2018\u2019-\u2014"

Span = tuple[int, int]


@dataclass
class _Gold:
    sources: set[Span] = field(default_factory=set)
    cues: set[Span] = field(default_factory=set)
    contents: list[list[Span]] = field(default_factory=list)


def _pieces(field_: str) -> list[Span]:
    out = []
    for piece in field_.split(";"):
        a, b = piece.split()
        out.append((int(a), int(b)))
    return out


def _read_ann(path: Path) -> _Gold:
    spans: dict[str, tuple[str, list[Span]]] = {}
    relations: list[dict[str, str]] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if len(parts) < 2:
            continue
        if parts[0].startswith("T"):
            label, _, where = parts[1].partition(" ")
            spans[parts[0]] = (label, _pieces(where))
        elif parts[0].startswith("E"):
            relations.append(dict(arg.split(":", 1) for arg in parts[1].split() if ":" in arg))
    gold = _Gold()
    for rel in relations:
        for role, tid in rel.items():
            if tid not in spans:
                continue
            pieces = spans[tid][1]
            whole = (pieces[0][0], pieces[-1][1])
            if role == "Source":
                gold.sources.add(whole)
            elif role == "Cue":
                gold.cues.add(whole)
            elif role == "Content":
                gold.contents.append(pieces)
    return gold


def _trimmed(text: str, span: Span) -> Span:
    a, b = span
    while a < b and text[a] in _EDGE:
        a += 1
    while b > a and text[b - 1] in _EDGE:
        b -= 1
    return a, b


def _match(pred: list[Span], gold: list[Span], text: str, exact: bool) -> int:
    if exact:
        g = {_trimmed(text, s) for s in gold}
        return len({_trimmed(text, s) for s in pred} & g)
    pairs = sorted(
        (
            (min(p[1], q[1]) - max(p[0], q[0]), i, j)
            for i, p in enumerate(pred)
            for j, q in enumerate(gold)
        ),
        reverse=True,
    )
    used_p: set[int] = set()
    used_g: set[int] = set()
    for overlap, i, j in pairs:
        if overlap <= 0:
            break
        if i not in used_p and j not in used_g:
            used_p.add(i)
            used_g.add(j)
    return len(used_p)


def _tokens(text: str, spans: list[Span]) -> set[int]:
    out: set[int] = set()
    for a, b in spans:
        out.update(m.start() + a for m in _WORD.finditer(text[a:b]))
    return out


def _f1(hit_p: int, n_pred: int, hit_g: int, n_gold: int) -> float:
    p = hit_p / n_pred if n_pred else 0.0
    r = hit_g / n_gold if n_gold else 0.0
    return 2 * p * r / (p + r) if p + r else 0.0


def _articles(root: Path) -> list[tuple[Path, Path, str]]:
    publishers: dict[str, str] = {}
    with (root / "data" / "metadata.tsv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            publishers[row["filename"]] = row["publisher"]
    anns: dict[str, Path] = {}
    for ann in sorted((root / "data" / "train" / "attributions").glob("*.ann")):
        stem = ann.stem.rsplit("_", 1)[0]
        anns.setdefault(stem, ann)
    out = []
    for txt in sorted((root / "data" / "train" / "text").glob("*.txt")):
        if txt.stem in anns:
            out.append((txt, anns[txt.stem], publishers.get(txt.stem, "")))
    return out


def run(ctx: Any) -> dict[str, float]:
    from sitrep.records import Document
    from sitrep.stages import attribution, parse

    articles = _articles(ctx.data / "polnear")
    if not ctx.full and len(articles) > SAMPLE:
        articles = random.Random(ctx.seed).sample(articles, SAMPLE)
        ctx.note(f"sampled {SAMPLE} of the train articles with seed {ctx.seed} (--full for all)")
    texts = [txt.read_text(encoding="utf-8") for txt, _, _ in articles]
    docs = [
        Document(id=txt.stem, source=str(txt), text=text, language="en", publisher=pub or None)
        for (txt, _, pub), text in zip(articles, texts, strict=True)
    ]
    docs = [attribution.STAGE(d) for d in parse.STAGE.pipe(docs)]

    totals = dict.fromkeys(
        (
            "src_p",
            "src_g",
            "src_hit_x",
            "src_hit_o",
            "cue_p",
            "cue_g",
            "cue_hit_x",
            "cue_hit_o",
            "con_p",
            "con_g",
            "con_hit_x",
            "con_hit_o",
            "tok_p",
            "tok_g",
            "tok_hit",
        ),
        0,
    )
    for doc, (_, ann, _) in zip(docs, articles, strict=True):
        gold = _read_ann(ann)
        text = doc.text
        attrs = [a for a in doc.attributions if not (a.source_kind == "unattributed" and not a.cue)]
        p_src = sorted(
            {
                (a.source_start, a.source_end)
                for a in attrs
                if a.source_start is not None and a.cue_start is not None
            }
        )
        p_cue = sorted(
            {
                (a.cue_start, a.cue_end)
                for a in attrs
                if a.cue_start is not None and a.cue_end is not None
            }
        )
        p_con = sorted(
            {(a.content_start, a.content_end) for a in attrs if a.content_end > a.content_start}
        )
        g_src, g_cue = sorted(gold.sources), sorted(gold.cues)
        g_con = [(p[0][0], p[-1][1]) for p in gold.contents]
        for key, pred, gl in (("src", p_src, g_src), ("cue", p_cue, g_cue), ("con", p_con, g_con)):
            totals[f"{key}_p"] += len(pred)
            totals[f"{key}_g"] += len(gl)
            totals[f"{key}_hit_x"] += _match(pred, gl, text, exact=True)
            totals[f"{key}_hit_o"] += _match(pred, gl, text, exact=False)
        pt = _tokens(text, p_con)
        gt = _tokens(text, [piece for pieces in gold.contents for piece in pieces])
        totals["tok_p"] += len(pt)
        totals["tok_g"] += len(gt)
        totals["tok_hit"] += len(pt & gt)

    t = totals
    ctx.note(
        f"{len(docs)} articles: {t['src_g']} gold sources, {t['cue_g']} cues, {t['con_g']} contents; "
        f"predicted {t['src_p']} / {t['cue_p']} / {t['con_p']}"
    )
    return {
        "source_f1_exact": _f1(t["src_hit_x"], t["src_p"], t["src_hit_x"], t["src_g"]),
        "source_f1_partial": _f1(t["src_hit_o"], t["src_p"], t["src_hit_o"], t["src_g"]),
        "cue_f1_exact": _f1(t["cue_hit_x"], t["cue_p"], t["cue_hit_x"], t["cue_g"]),
        "cue_f1_partial": _f1(t["cue_hit_o"], t["cue_p"], t["cue_hit_o"], t["cue_g"]),
        "content_f1_exact": _f1(t["con_hit_x"], t["con_p"], t["con_hit_x"], t["con_g"]),
        "content_token_f1": _f1(t["tok_hit"], t["tok_p"], t["tok_hit"], t["tok_g"]),
        "content_recall_partial": t["con_hit_o"] / t["con_g"] if t["con_g"] else 0.0,
    }
