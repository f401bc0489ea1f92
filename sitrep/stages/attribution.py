"""Attribution: who said what, citing whom, through which outlets.

Stage ``sitrep.attribution.v1`` needs the spaCy parse (and reads the entities
layer when an earlier stage filled it); it adds ``Document.attributions``.

How a sentence is read, over its dependency parse:

* a reporting verb (:mod:`sitrep.stages.cues`): its ``nsubj`` is the source
  (for a passive, the ``by`` agent; for a participle, relative clause or
  conjunct without a subject, the subject of the verb it hangs from) and its
  clausal complement (``ccomp``/``xcomp``), the quotation it introduces, or for
  some verbs its object, is the content. Belief verbs (``believe``, ``want``)
  count only with a clausal complement.
* ``according to X``: X is the source and the rest of the sentence the content.
* ``as reported by Y`` / ``quoted by Y`` / ``cited by Y``: Y is an outlet the
  statement went through (``via``); with no other cue in the sentence Y is the
  source. ``Y reported, citing X``: X is the source and Y goes into ``via``.
  ``X told Reuters``: Reuters goes into ``via``. ``via`` is nearest first and
  ends with the publisher when it is known.
* ``in a statement``, ``X's data shows``, ``this information comes from X``,
  ``corroborated by X`` are cues too; content that is only "this information"
  points back to the previous sentence.
* a passive without an agent (``it was reported that``) keeps its cue and is
  given to the publisher with kind ``unattributed``.

Sources resolve to an entity: the entities layer by span overlap, then
anaphora (``he``, ``they``, ``the ministry``, ``the agency``, ``the
spokesman``) to the nearest earlier actor of a fitting kind, then spaCy's own
entities, then the noun phrase itself.

A sentence in quotation marks right after an attributed quotation keeps its
source. Every other sentence left without a source becomes an ``unattributed``
record (source: the publisher, or "unknown publisher"; empty cue) only when it
carries a claim of fact: it holds a figure-like number (not a year or a date),
an event verb (``killed``, ``fired``, ``deployed`` …), or it is the lead (the
first sentence with a verb).

Hedges (``could``, ``may``, ``reportedly``, ``allegedly``, ``it is believed``
…) found in the statement are kept as ``hedge``, the first one found.
"""

from __future__ import annotations

import dataclasses
import functools
import re
from dataclasses import dataclass
from typing import Any

from ..pipeline import Stage
from ..records import Attribution, Document, EntityMention
from . import cues

__all__ = ["NAME", "STAGE", "attribute"]

NAME = "sitrep.attribution.v1"

_OPEN_QUOTES = "\u201c\u201e\u00ab"
_CLOSE_QUOTES = "\u201d\u00bb"
_QUOTE_CHARS = _OPEN_QUOTES + _CLOSE_QUOTES + "\"'`"
# one quotation: an opening mark, then no mark and no line break, then a closing mark
# or a line break; each alternative's body excludes its own closing marks.
_QUOTE_SCAN = re.compile(
    r"[\u201c\u201e\u00ab][^\u201c\u201d\u201e\u00ab\u00bb\n]*(?:[\u201d\u00bb]|\n|$)"
    r'|"[^"\n]*(?:"|\n|$)'
    r"|(?:''|``)(?:[^'\n]|'(?!'))*(?:''|\n|$)"
)
_EDGE_PUNCT = ",;:.-\u2014\u2013 \n\t"
_HEDGE = re.compile(r"(?i:\b(?:" + "|".join(sorted(cues.HEDGE_WORDS - {"may"})) + r")\b)|\bmay\b")
_YEAR = re.compile(r"^(?:1[89]|20)\d\d$")
_DEMONSTRATIVE = frozenset({"this", "that", "these", "those", "it", "such"})
_RELATIVE = frozenset({"who", "which", "that", "whom"})

_ENTITY_KIND: dict[str, str] = {
    "state": "government",
    "government": "government",
    "military": "military",
    "armed_group": "organization",
    "person": "person",
    "organization": "organization",
    "media": "media",
    "place": "government",
}
_SPACY_KIND: dict[str, str] = {
    "PERSON": "person",
    "ORG": "organization",
    "GPE": "government",
    "NORP": "government",
}


@dataclass(frozen=True, slots=True)
class _Actor:
    """A resolved source, or a candidate antecedent for anaphora."""

    start: int
    end: int
    name: str
    kind: str
    country: str | None


@dataclass(slots=True)
class _Found:
    """One attribution found in a sentence, before its source is resolved."""

    cue: list[Any]  # tokens
    lemma: str
    source: tuple[int, int] | None  # token indices [i, j)
    content: tuple[int, int] | None  # char span
    via: list[str] = dataclasses.field(default_factory=list)
    anonymous: bool = False  # passive with no agent: "it was reported"
    weak: bool = False  # content is only "the rest of the sentence"


# --------------------------------------------------------------------------- spans


def _text(doc: Any) -> str:
    """The parse's text; spaCy rebuilds ``Doc.text`` on every access, so it is kept once."""
    text = doc.user_data.get("sitrep.text")
    if text is None:
        text = doc.user_data["sitrep.text"] = doc.text
    return str(text)


def _tok_span(tokens: list[Any]) -> tuple[int, int]:
    return min(t.i for t in tokens), max(t.i for t in tokens) + 1


def _chars(doc: Any, i: int, j: int) -> tuple[int, int]:
    return doc[i].idx, doc[j - 1].idx + len(doc[j - 1])


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start] in _EDGE_PUNCT:
        start += 1
    while end > start and text[end - 1] in _EDGE_PUNCT:
        end -= 1
    return start, end


def _quote_regions(text: str) -> list[tuple[int, int]]:
    """Quoted stretches, quote marks included.

    Curly and guillemet quotes pair open with close; a straight ``"`` (or the
    ``''`` some wires use) closes the quote it opened. A quote still open at a
    line break ends there (a quotation running over paragraphs reopens each).
    """
    regions: list[tuple[int, int]] = []
    for m in _QUOTE_SCAN.finditer(text):
        a, b = m.span()
        regions.append((a, b if text[b - 1] != "\n" else b - 1))
    return regions


def _region_at(regions: list[tuple[int, int]], start: int, end: int) -> tuple[int, int] | None:
    for a, b in regions:
        if a <= start and end <= b:
            return a, b
    return None


def _noun_phrase(tok: Any) -> tuple[int, int]:
    """The token's subtree as token indices, without a trailing relative clause or apposition."""
    left = tok.left_edge.i
    right = tok.i
    for child in tok.rights:
        if child.dep_ in ("relcl", "appos", "acl", "punct", "advcl", "cc", "conj"):
            break
        right = child.right_edge.i
    if right == tok.i and right > left and tok.doc[right].dep_ == "case":
        right -= 1
    for child in tok.rights:
        if child.dep_ == "case" and child.i == right:
            right -= 1
    return left, right + 1


# --------------------------------------------------------------------------- finding cues


def _subject(verb: Any) -> tuple[Any | None, bool]:
    """(source head token, passive-without-agent) for a reporting verb."""
    for child in verb.children:
        if child.dep_ == "agent":
            for pobj in child.children:
                if pobj.dep_ == "pobj":
                    return pobj, False
    passive = any(c.dep_ == "auxpass" for c in verb.children)
    for child in verb.children:
        if child.dep_ in ("nsubj", "csubj"):
            return child, False  # a relative pronoun is resolved to its noun later
        if child.dep_ == "nsubjpass":
            entry = cues.verb_lemma(verb.text)
            if child.lower_ != "it" and entry is not None and entry[0] in ("quote", "cite"):
                return child, False  # "X was quoted as saying"
            return None, True  # "the attack was confirmed": by someone unnamed
    if passive:
        return None, True
    if verb.dep_ == "relcl" and verb.head.pos_ in ("NOUN", "PROPN", "PRON"):
        return verb.head, False
    if verb.dep_ in ("conj", "xcomp", "advcl", "ccomp", "acl") and verb.head.i != verb.i:
        if verb.dep_ == "acl" and verb.head.pos_ in ("NOUN", "PROPN", "PRON"):
            return verb.head, False
        return _subject(verb.head)
    return None, False


def _content_of(
    verb: Any, lemma: str, cls: str, sent: Any, regions: list[tuple[int, int]]
) -> tuple[int, int] | None:
    doc = verb.doc
    comp = [
        c
        for c in verb.children
        if c.dep_ == "ccomp"
        or (c.dep_ == "xcomp" and (cls == "speech" or lemma in cues.INFINITIVE_COGNITION))
    ]
    if not comp and lemma in cues.ADDRESSEE_VERBS:
        comp = [c for c in verb.children if c.dep_ in ("ccomp",)]
    span: tuple[int, int] | None = None
    if comp:
        span = _side(verb, [t for c in comp for t in c.subtree], comp[0], sent)
    elif cls == "cognition":
        return None
    elif lemma in cues.OBJECT_CONTENT:
        objs = [
            c for c in verb.children if c.dep_ in ("dobj", "nsubjpass") and c.lower_ not in ("it",)
        ]
        if objs:
            span = _side(verb, list(objs[0].subtree), objs[0], sent)
    elif lemma in cues.RIGHT_CONTENT:  # "called him a liar", "called for talks"
        kids = [
            c
            for c in verb.rights
            if c.dep_ not in ("advcl", "punct", "conj", "cc", "parataxis", "npadvmod")
        ]
        right = [t for c in kids for t in c.subtree if t.i < sent.end]
        if right:
            span = _trim(_text(doc), right[0].idx, right[-1].idx + len(right[-1]))
            span = span if span[1] - span[0] > 1 else None
    if span is None:
        inside = [r for r in regions if r[0] < sent.end_char and r[1] > sent.start_char]
        outside = [r for r in inside if not (r[0] <= verb.idx < r[1])]
        if outside:
            nearest = min(outside, key=lambda r: min(abs(r[0] - verb.idx), abs(r[1] - verb.idx)))
            return nearest
        return None
    region = _region_at(regions, span[0], span[1]) or _region_at(regions, span[0] + 1, span[1] - 1)
    if region and not (region[0] <= verb.idx < region[1]):
        return region
    return span


def _side(verb: Any, tokens: list[Any], head: Any, sent: Any) -> tuple[int, int] | None:
    """The char span of a complement: its tokens inside this sentence, on the verb's side
    where the complement's head is (a parse may run across paragraphs)."""
    inside = [t for t in tokens if sent.start <= t.i < sent.end and not t.is_space]
    if not inside:
        return None
    i, j = _tok_span(inside)
    if i <= verb.i < j:  # clipped to the sentence, it would swallow its own cue
        subj = [c.i for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")]
        inside_head = sent.start <= head.i < sent.end
        # keep the complement's side; if its head lies outside the sentence, the side away from the subject
        after = head.i > verb.i if inside_head or not subj else subj[0] < verb.i
        inside = [t for t in inside if (t.i > verb.i) == after]
        if not inside:
            return None
        i, j = _tok_span(inside)
    return _chars(verb.doc, i, j)


def _rest_of_sentence(sent: Any, taken: tuple[int, int]) -> tuple[int, int] | None:
    """The longer side of the sentence around a cue phrase."""
    text = _text(sent.doc)
    left = _trim(text, sent.start_char, taken[0])
    right = _trim(text, taken[1], sent.end_char)
    best = max(left, right, key=lambda s: s[1] - s[0])
    return best if best[1] - best[0] > 1 else None


def _cue_tokens(verb: Any) -> list[Any]:
    """The verb itself (auxiliaries stay out), with a following 'in a statement'."""
    out = [verb]
    # "said in a statement"
    for child in verb.rights:
        if child.dep_ == "prep" and child.lower_ == "in" and child.i == verb.i + 1:
            pobj = [c for c in child.children if c.dep_ == "pobj"]
            if pobj and pobj[0].lower_ in cues.STATEMENT_NOUNS:
                out.extend(verb.doc[child.i : pobj[0].i + 1])
    return out


def _clausal_verb(verb: Any) -> tuple[str, str] | None:
    """A verb outside the lexicon that reports all the same: a named or personal
    subject and a finite clause as object ("Sanders mused that …")."""
    if verb.pos_ != "VERB" or not any(c.dep_ == "ccomp" for c in verb.children):
        return None
    subj = [c for c in verb.children if c.dep_ == "nsubj"]
    if not subj or subj[0].lower_ in ("it", "there", "this", "that", "which", "what"):
        return None
    named = subj[0].pos_ in ("PROPN", "PRON") or subj[0].ent_type_ in (
        "PERSON",
        "ORG",
        "NORP",
        "GPE",
    )
    if not named and cues.kind_from_words(subj[0].text) is None:
        return None
    return verb.lower_, "cognition"


def _verb_cue(verb: Any, sent: Any, regions: list[tuple[int, int]]) -> _Found | None:
    if verb.pos_ not in ("VERB", "AUX") or verb.dep_ in ("amod", "compound"):
        return None
    entry = cues.verb_lemma(verb.text) or _clausal_verb(verb)
    if entry is None:
        return None
    lemma, cls = entry
    doc = verb.doc
    head, anonymous = _subject(verb)
    # "X's data shows", "the report said": a content noun as subject; its owner is the source
    cue_toks = _cue_tokens(verb)
    if anonymous:  # "it was reported": the whole passive is the cue
        expl = [
            c for c in verb.children if c.dep_ == "nsubjpass" and c.lower_ == "it" and c.i < verb.i
        ]
        if expl:
            cue_toks = list(doc[expl[0].i : verb.i + 1])
    if head is not None and head.lower_ in cues.CONTENT_NOUNS:
        owner = [c for c in head.children if c.dep_ == "poss"]
        owner += [
            p
            for c in head.children
            if c.dep_ == "prep" and c.lower_ in ("from", "by", "of")
            for p in c.children
            if p.dep_ == "pobj"
        ]
        if owner:
            cue_toks = list(doc[head.i : verb.i + 1]) if head.i < verb.i else cue_toks
            head = owner[0]
    elif lemma in cues.DOCUMENT_VERBS:
        return None  # "finding themselves", "showed up": only documents find and show
    if head is not None and (head.lower_ in ("it", "there") and head.head.i != verb.i):
        return None  # "it's fair to say": no one is saying
    if cls == "cognition" and head is not None and head.lower_ in ("i", "we", "you"):
        return None  # "I think" inside someone's words
    content = _content_of(verb, lemma, cls, sent, regions)
    source: tuple[int, int] | None = None
    if head is not None:
        source = (
            _noun_phrase(head)
            if head.dep_ != "pobj" or head.head.dep_ != "agent"
            else _tok_span(list(head.subtree))
        )
        if source[0] <= verb.i < source[1]:
            source = (head.i, head.i + 1)
    weak = False
    if content is None and lemma in cues.PARENTHETICAL:
        taken = [*(doc[source[0] : source[1]] if source else []), *cue_toks]
        i, j = _tok_span(taken)
        content = _rest_of_sentence(sent, _chars(doc, i, j))
        weak = True
    if content is None:
        return None
    if source is None and (not anonymous or cls == "cognition"):
        return None  # no source; "is believed to" is a hedge, not a statement
    via = []
    for child in verb.children:
        if (
            lemma in cues.ADDRESSEE_VERBS
            and child.dep_ in ("dobj", "dative")
            and cues.is_media_name(child.text)
        ):
            via.append(_phrase_name(doc, *_noun_phrase(child)))
    return _Found(
        cue=cue_toks,
        lemma=lemma,
        source=source,
        content=content,
        via=via,
        anonymous=anonymous,
        weak=weak,
    )


def _according(tok: Any, sent: Any) -> _Found | None:
    if tok.lower_ != "according":
        return None
    to = [c for c in tok.children if c.lower_ == "to"]
    if not to and tok.i + 1 < sent.end and tok.nbor().lower_ == "to":
        to = [tok.nbor()]
    if not to:
        return None
    pobj = [c for c in to[0].children if c.dep_ == "pobj"]
    if not pobj:
        return None
    doc = tok.doc
    source = _noun_phrase(pobj[0])
    phrase = _chars(doc, tok.i, source[1])
    content = _rest_of_sentence(sent, phrase)
    if content is None:
        return None
    return _Found(cue=[tok, to[0]], lemma="according to", source=source, content=content)


def _statement_phrase(tok: Any, sent: Any, taken: set[int]) -> _Found | None:
    """'In a statement, the ministry accused ...' when the verb itself is no cue."""
    if tok.lower_ != "in" or tok.dep_ != "prep" or tok.head.i in taken:
        return None
    pobj = [c for c in tok.children if c.dep_ == "pobj" and c.lower_ in cues.STATEMENT_NOUNS]
    if not pobj:
        return None
    verb = tok.head
    subj = [c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass") and c.lower_ != "it"]
    if not subj or cues.verb_lemma(verb.text):
        return None
    doc = tok.doc
    source = _noun_phrase(subj[0])
    cue = list(doc[tok.i : pobj[0].i + 1])
    left = min(source[0], tok.i)
    rest_from = max(source[1], pobj[0].right_edge.i + 1)
    content = _trim(
        _text(doc), doc[rest_from].idx if rest_from < sent.end else sent.end_char, sent.end_char
    )
    if left > sent.start and tok.i > source[1]:
        content = _trim(_text(doc), doc[source[1]].idx, sent.end_char)
    if content[1] - content[0] < 2:
        return None
    return _Found(
        cue=cue,
        lemma=cues.normalise_cue(" ".join(t.text for t in cue)),
        source=source,
        content=content,
    )


def _noun_cue(tok: Any, sent: Any, regions: list[tuple[int, int]]) -> _Found | None:
    """'Russia's claim that it downed 20 drones', 'the ministry's estimate of 300 dead'."""
    lemma = cues.NOUN_CUES.get(tok.lower_)
    if lemma is None or tok.pos_ != "NOUN":
        return None
    owner = [c for c in tok.children if c.dep_ == "poss"]
    owner += [
        p
        for c in tok.children
        if c.dep_ == "prep" and c.lower_ in ("by", "from")
        for p in c.children
        if p.dep_ == "pobj"
    ]
    if not owner:
        return None
    doc = tok.doc
    said = [
        c
        for c in tok.children
        if c.dep_ in ("acl", "ccomp", "appos", "relcl")
        and c.i > tok.i
        and c.lower_ not in ("which", "who")
    ]
    said += [
        p
        for c in tok.children
        if c.dep_ == "prep" and c.lower_ in ("of", "about", "on")
        for p in c.children
        if p.dep_ == "pobj"
    ]
    if said:
        i, j = _tok_span(list(said[0].subtree))
        content = _chars(doc, max(i, sent.start), min(j, sent.end))
        region = _region_at(regions, content[0], content[1])
        content = region or content
    else:
        after = [
            r
            for r in regions
            if tok.idx < r[0] < sent.end_char
            and not _text(doc)[tok.idx + len(tok) : r[0]].strip(" ,:-\u2014")
        ]
        if not after:
            return None
        content = after[0]
    return _Found(cue=[tok], lemma=lemma, source=_noun_phrase(owner[0]), content=content)


def _comes_from(tok: Any, sent: Any) -> _Found | None:
    """'This information comes from X'."""
    if tok.lower_ not in ("comes", "came", "come", "coming"):
        return None
    subj = [c for c in tok.children if c.dep_ == "nsubj" and c.lower_ in cues.CONTENT_NOUNS]
    frm = [c for c in tok.children if c.dep_ == "prep" and c.lower_ == "from"]
    pobj = [p for f in frm for p in f.children if p.dep_ == "pobj"]
    if not subj or not pobj:
        return None
    doc = tok.doc
    content = _chars(doc, *_tok_span(list(subj[0].subtree)))
    return _Found(
        cue=[tok, frm[0]], lemma="come from", source=_noun_phrase(pobj[0]), content=content
    )


_NOT_SPEAKERS = frozenset(
    {
        "update",
        "breaking",
        "watch",
        "read",
        "note",
        "photo",
        "video",
        "live",
        "editor's note",
        "related",
        "source",
        "sources",
        "caption",
        "q",
        "a",
    }
)
_DASHES = frozenset({"-", "\u2013", "\u2014", "--"})


def _speaker(sent: Any) -> _Found | None:
    """'TAPPER: …', 'Kelli Ward: Impeach …', 'Headline - Jeffrey Jones: “…”': a name, a colon, the words."""
    doc = sent.doc
    colon = next((t for t in sent if t.text == ":"), None)
    if colon is None or colon.i == sent.start:
        return None
    first = colon.i
    while (
        first > sent.start
        and doc[first - 1].text not in _DASHES
        and "\n" not in doc[first - 1].text
    ):
        first -= 1
    if "\n" in doc[first].text_with_ws and first < colon.i:
        first += 1
    speaker = doc[first : colon.i]
    if not 1 <= len(speaker) <= 6 or speaker.text.lower() in _NOT_SPEAKERS:
        return None
    if any(t.pos_ in ("VERB", "AUX") or t.is_punct for t in speaker):
        return None
    named = any(t.ent_type_ in ("PERSON", "ORG", "GPE", "NORP") for t in speaker) or (
        any(t.pos_ == "PROPN" for t in speaker) and all(t.text[:1].isupper() for t in speaker)
    )
    if not named and not (speaker.text.isupper() and len(speaker.text) >= 3):
        return None
    text = _text(doc)
    line_end = text.find("\n", colon.idx)
    line_end = len(text) if line_end < 0 else line_end
    content = _trim(text, colon.idx + 1, line_end)
    if content[1] - content[0] < 2:  # the words are the next paragraph
        nxt = len(text) - len(text[line_end:].lstrip())
        end = text.find("\n", nxt)
        content = _trim(text, nxt, len(text) if end < 0 else end)
    if content[1] - content[0] < 2:
        return None
    return _Found(cue=[colon], lemma=":", source=(first, colon.i), content=content)


def _relay_agent(tok: Any) -> Any | None:
    """The outlet of 'as reported by Y' / 'quoted by Y' / 'cited by Y'."""
    entry = cues.verb_lemma(tok.text)
    if entry is None or entry[0] not in cues.RELAY_VERBS:
        return None
    for child in tok.children:
        if child.dep_ == "agent":
            for pobj in child.children:
                if pobj.dep_ == "pobj":
                    return pobj
    return None


def _find(sent: Any, regions: list[tuple[int, int]]) -> list[_Found]:
    doc = sent.doc
    found: list[_Found] = []
    relays: list[Any] = []
    citing: list[Any] = []
    for tok in sent:
        agent = _relay_agent(tok)
        if agent is not None:
            relays.append((tok, agent))
            continue
        if tok.lower_ == "citing":
            objs = [c for c in tok.children if c.dep_ in ("dobj", "pobj")]
            if objs:
                citing.append((tok, objs[0]))
            continue
        hit = (
            _according(tok, sent)
            or _comes_from(tok, sent)
            or _verb_cue(tok, sent, regions)
            or _noun_cue(tok, sent, regions)
        )
        if hit is not None:
            found.append(hit)
    speaker = _speaker(sent)
    if speaker is not None:
        found.append(speaker)
    cue_heads = {f.cue[-1].i for f in found} | {t.i for f in found for t in f.cue}
    for tok in sent:
        hit = _statement_phrase(tok, sent, cue_heads)
        if hit is not None:
            found.append(hit)
    if not found:
        for tok, agent in relays:  # "…, as reported by Yonhap": the outlet is the source
            src = _tok_span(list(agent.subtree))
            taken = _chars(doc, min(tok.i, src[0]), src[1])
            if tok.i > 0 and doc[tok.i - 1].lower_ == "as":
                taken = (doc[tok.i - 1].idx, taken[1])
            content = _rest_of_sentence(sent, taken)
            if content:
                cue = ([doc[tok.i - 1]] if tok.i > 0 and doc[tok.i - 1].lower_ == "as" else []) + [
                    tok,
                    doc[tok.i + 1],
                ]
                relay = cues.verb_lemma(tok.text)
                found.append(
                    _Found(
                        cue=cue,
                        lemma=relay[0] if relay else tok.lower_,
                        source=src,
                        content=content,
                    )
                )
        relays = []
    found = _drop_nested(found, regions)
    for f in found:
        for tok, agent in relays:
            f.via.append(_phrase_name(doc, *_noun_phrase(agent)))
            first = tok.i - 1 if tok.i > sent.start and doc[tok.i - 1].lower_ == "as" else tok.i
            f.content = _cut(_text(doc), f.content, _chars(doc, first, agent.right_edge.i + 1))
        for tok, obj in citing:
            if f.source is not None and not f.source[0] <= tok.i < f.source[1]:
                f.via.insert(0, _phrase_name(doc, *f.source))
                f.source = _noun_phrase(obj)
                f.content = _cut(_text(doc), f.content, _chars(doc, tok.i, tok.right_edge.i + 1))
    return found


def _cut(
    text: str, content: tuple[int, int] | None, phrase: tuple[int, int]
) -> tuple[int, int] | None:
    """Take a relay phrase ("as reported by Y", "citing X") off the edge of a content span."""
    if content is None or phrase[1] <= content[0] or phrase[0] >= content[1]:
        return content
    if phrase[0] <= content[0] + 2:
        cut = _trim(text, phrase[1], content[1])
    elif phrase[1] >= content[1] - 2:
        cut = _trim(text, content[0], phrase[0])
    else:
        return content
    return cut if cut[1] - cut[0] > 1 else content


def _drop_nested(found: list[_Found], regions: list[tuple[int, int]]) -> list[_Found]:
    """One attribution per stretch of text: a cue inside another's content is nested.

    Cues outside quotation marks with an explicit complement win, then text order.
    """

    def rank(f: _Found) -> tuple[bool, bool, int, int]:
        at = f.cue[0].idx
        depth = sum(1 for _ in f.cue[-1].ancestors)
        return (any(a < at < b for a, b in regions), f.weak, depth, at)

    kept: list[_Found] = []
    for f in sorted(found, key=rank):
        at = f.cue[0].idx
        clash = any(
            (g.content and g.content[0] <= at < g.content[1])
            or (f.content and f.content[0] <= g.cue[0].idx < f.content[1])
            for g in kept
        )
        if not clash:
            kept.append(f)
    return sorted(kept, key=lambda f: f.cue[0].i)


# --------------------------------------------------------------------------- resolving sources


_DETERMINERS = re.compile(r"(?i)^(?:the|a|an|this|that|these|those)\s+")


def _phrase_name(doc: Any, i: int, j: int) -> str:
    head = doc[i:j].root
    left = head.i
    for child in head.lefts:
        if child.dep_ in ("compound", "amod", "poss", "nmod", "case") or child.pos_ == "PROPN":
            left = min(left, child.left_edge.i)
    right = head.i
    for child in head.rights:
        if child.dep_ == "prep" and child.i == right + 1 and child.lower_ == "of":
            right = child.right_edge.i
        else:
            break
    name = doc[left : right + 1].text.replace("\u2019s", "'s")
    return _DETERMINERS.sub("", name).strip()


@functools.lru_cache(maxsize=4096)
def _profile(name: str) -> tuple[str, str, str | None] | None:
    """(canonical name, source kind, country) the knowledge base knows for a name, if any.

    A person speaking for an intelligence body (their own role, or the body
    they are affiliated with) is an ``intelligence`` source.
    """
    from ..kb import knowledge_base

    kb = knowledge_base()
    entry = kb.lookup(name)
    if entry is None:
        return None
    body = kb.by_id(entry.affiliation) if entry.affiliation else None
    if "intelligence" in (entry.subkind, body.subkind if body else None):
        kind = "intelligence"
    else:
        kind = _ENTITY_KIND.get(entry.kind, "organization")
    return entry.name, kind, entry.country


def _profile_kind(name: str) -> str | None:
    known = _profile(name)
    return known[1] if known and known[1] == "intelligence" else None


def _source_kind(base: str, words: str, name: str) -> str:
    by_words = cues.kind_from_words(words)
    if by_words == "intelligence" or _profile_kind(name) == "intelligence":
        return "intelligence"
    if base == "organization" and by_words in ("media", "military", "government"):
        return by_words
    if base == "government" and by_words in ("media", "military"):
        return by_words
    return base


class _Resolver:
    """Resolves source spans to actors, remembering actors for anaphora."""

    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.parse = doc.parse
        self.ents = list(doc.parse.ents)  # spaCy rebuilds .ents on every access
        self.mentions: list[EntityMention] = sorted(doc.entities, key=lambda m: m.start)
        self.actors: list[_Actor] = [
            _Actor(
                m.start,
                m.end,
                m.name,
                _source_kind(_ENTITY_KIND.get(m.kind, "organization"), m.text, m.name),
                m.country,
            )
            for m in self.mentions
            if m.kind != "place"
        ]
        if not self.mentions:
            self.actors += [
                _Actor(
                    e.start_char,
                    e.end_char,
                    _DETERMINERS.sub("", e.text),
                    _source_kind(_SPACY_KIND[e.label_], e.text, e.text),
                    None,
                )
                for e in self.ents
                if e.label_ in ("PERSON", "ORG")
            ]
        self.actors.sort(key=lambda a: a.start)

    def resolve(self, i: int, j: int) -> _Actor:
        doc = self.parse
        start, end = _chars(doc, i, j)
        text = _text(doc)[start:end]
        head = doc[i:j].root
        if (
            head.lower_ in _RELATIVE
            and head.head.dep_ == "relcl"
            and head.head.head.i != head.head.i
        ):
            antecedent = self.resolve(*_noun_phrase(head.head.head))  # "Kim, who warned …"
            return _Actor(start, end, antecedent.name, antecedent.kind, antecedent.country)
        overlap = [m for m in self.mentions if m.start < end and m.end > start]
        if overlap:
            on_head = [m for m in overlap if m.start <= head.idx < m.end and m.kind != "place"]
            actors = [m for m in overlap if m.kind != "place"]
            m = (on_head or actors or overlap)[0]
            country = m.country or next((o.country for o in overlap if o.country), None)
            kind = _source_kind(_ENTITY_KIND.get(m.kind, "organization"), text, m.name)
            return self._remember(_Actor(start, end, m.name, kind, country))
        earlier = self._anaphor(head, i, j, start)
        if earlier is not None:
            return _Actor(start, end, earlier.name, earlier.kind, earlier.country)
        known = _profile(_phrase_name(doc, i, j)) if head.pos_ != "PRON" else None
        if known is not None:
            return self._remember(_Actor(start, end, *known))
        ents = [
            e
            for e in self.ents
            if e.start_char < end and e.end_char > start and e.label_ in _SPACY_KIND
        ]
        if ents:
            e = next((x for x in ents if x.start <= head.i < x.end), ents[0])
            kind = _source_kind(_SPACY_KIND[e.label_], text, e.text)
            return self._remember(_Actor(start, end, _DETERMINERS.sub("", e.text), kind, None))
        name = _phrase_name(doc, i, j)
        kind = cues.kind_from_words(text) or ("person" if head.pos_ == "PRON" else "organization")
        return _Actor(start, end, name, kind, None)

    def _anaphor(self, head: Any, i: int, j: int, start: int) -> _Actor | None:
        word = head.lower_
        kinds = cues.ANAPHOR_KINDS.get(word)
        if kinds is None:
            return None
        if head.pos_ != "PRON":
            det = [t for t in self.parse[i:j] if t.lower_ in ("the", "this", "that")]
            proper = [t for t in self.parse[i:j] if t.pos_ == "PROPN"]
            if not det or proper:
                return None
        earlier = [a for a in self.actors if a.end <= start and a.kind in kinds]
        named = [a for a in self.actors if a.end <= start and word in a.name.lower().split()]
        pick = (named or earlier)[-1:] if (named or earlier) else []
        return pick[0] if pick else None

    def _remember(self, actor: _Actor) -> _Actor:
        self.actors.append(actor)
        self.actors.sort(key=lambda a: a.start)
        return actor


# --------------------------------------------------------------------------- the stage


def _hedge(text: str, start: int, end: int) -> str | None:
    span = text[start:end]
    hits = [m for m in (_HEDGE.search(span), cues.HEDGE_PHRASES.search(span)) if m]
    if not hits:
        return None
    return min(hits, key=lambda m: m.start()).group(0).lower()


def _claims_fact(sent: Any, is_lead: bool) -> bool:
    if is_lead:
        return True
    for tok in sent:
        if (
            tok.like_num
            and tok.ent_type_ not in ("DATE", "TIME", "ORDINAL")
            and not _YEAR.match(tok.text)
        ):
            return True
        if tok.pos_ == "VERB" and cues.event_lemma(tok.text):
            return True
    return False


def _sentences(parse: Any) -> list[Any]:
    """spaCy's sentences, split again at line breaks (a paragraph never shares a sentence)."""
    out = []
    for sent in parse.sents:
        start = sent.start
        for tok in sent:
            if "\n" in tok.text_with_ws and tok.i + 1 < sent.end:
                out.append(parse[start : tok.i + 1])
                start = tok.i + 1
        out.append(parse[start : sent.end])
    return [s for s in out if s.text.strip()]


def _previous_sentence(sent: Any) -> tuple[int, int] | None:
    doc = sent.doc
    i = sent.start - 1
    while i >= 0 and doc[i].is_space:
        i -= 1
    if i < 0:
        return None
    first = i
    while first > 0 and not doc[first].is_sent_start and "\n" not in doc[first - 1].text_with_ws:
        first -= 1
    return _trim(_text(doc), doc[first].idx, doc[i].idx + len(doc[i]))


def _cue_phrase(parse: Any, f: _Found, start: int, end: int) -> tuple[int, int]:
    """The cue's span as written around its words: auxiliaries, negation and adverbs
    before the verb ("has also said"), a particle or preposition right after it
    ("called for"). ``Attribution.cue`` keeps only the reporting words."""
    verb = f.cue[-1]
    if verb.pos_ not in ("VERB", "AUX"):
        return start, end
    first = f.cue[0].i
    while first > 0:
        prev = parse[first - 1]
        if prev.head.i != verb.i or prev.dep_ not in ("aux", "auxpass", "neg", "advmod"):
            break
        first -= 1
    last = verb.i
    nxt = parse[last + 1] if last + 1 < len(parse) else None
    if (
        nxt is not None
        and nxt.head.i == verb.i
        and (nxt.dep_ == "prt" or (nxt.dep_ == "prep" and f.lemma in cues.RIGHT_CONTENT))
    ):
        last = nxt.i
    if f.content and f.content[0] < parse[last].idx + len(parse[last]) <= f.content[1]:
        last = verb.i  # never reach into the content
    begin = parse[first].idx
    if f.content and f.content[0] <= begin < f.content[1]:
        begin = start
    return min(start, begin), max(end, parse[last].idx + len(parse[last]))


def _source_span(
    parse: Any, f: _Found, cue_start: int, content: tuple[int, int]
) -> tuple[int, int]:
    """The source as written: its whole phrase with appositions and relative clauses
    ("Mike Lee, a Republican strategist,"), unless that would reach the cue or content."""
    assert f.source is not None
    core = _chars(parse, *f.source)
    root = parse[f.source[0] : f.source[1]].root
    if root.dep_ == "pobj" or root.lower_ in _RELATIVE:
        return core
    full = _trim(_text(parse), *_chars(parse, *_tok_span(list(root.subtree))))
    if full[0] <= cue_start < full[1] or (full[0] < content[1] and content[0] < full[1]):
        return core
    return full


def _build(doc: Document, f: _Found, sent: Any, resolver: _Resolver, publisher: str) -> Attribution:
    parse = doc.parse
    text = doc.text
    cue_start, cue_end = _chars(parse, *_tok_span(f.cue))
    cue = cues.normalise_cue(text[cue_start:cue_end])
    cue_start, cue_end = _cue_phrase(parse, f, cue_start, cue_end)
    content = f.content or (cue_end, cue_end)
    # content that is only "this information" / "the report" points at the previous sentence
    words = text[content[0] : content[1]].lower().split()
    if (
        0 < len(words) <= 3
        and words[0] in _DEMONSTRATIVE | {"the"}
        and words[-1] in cues.CONTENT_NOUNS | _DEMONSTRATIVE
    ):
        content = _previous_sentence(sent) or content
    src_start: int | None = None
    src_end: int | None = None
    if f.source is not None:
        actor = resolver.resolve(*f.source)
        name, kind, country = actor.name, actor.kind, actor.country
        src_start, src_end = _source_span(parse, f, cue_start, content)
    else:
        name, kind, country = publisher, "unattributed", None
    via = [known[0] if (known := _profile(v)) else v for v in f.via if v]
    via = [v for v in via if v != name]
    if doc.publisher and (not via or via[-1] != doc.publisher) and name != doc.publisher:
        via.append(doc.publisher)
    points = [cue_start, cue_end, *content]
    if src_start is not None and src_end is not None:
        points += [src_start, src_end]
    start, end = min(points), max(points)
    return Attribution(
        start=start,
        end=end,
        text=text[start:end],
        source=name,
        cue=cue,
        via=tuple(dict.fromkeys(via)),
        content_start=content[0],
        content_end=content[1],
        source_kind=kind,
        source_country=country,
        hedge=_hedge(text, start, end),
        source_start=src_start,
        source_end=src_end,
        cue_start=cue_start,
        cue_end=cue_end,
        cue_lemma=f.lemma,
    )


def attribute(doc: Document) -> Document:
    """Find the attributions of one parsed document."""
    parse = doc.parse
    if parse is None or not doc.text:
        return dataclasses.replace(doc, attributions=())
    text = doc.text
    publisher = doc.publisher or "unknown publisher"
    regions = _quote_regions(text)
    resolver = _Resolver(doc)
    out: list[Attribution] = []
    last_quoted: Attribution | None = None
    lead_seen = False
    for sent in _sentences(parse):
        s_start, s_end = _trim(text, sent.start_char, sent.end_char)
        if s_end <= s_start:
            continue
        is_lead = not lead_seen and any(t.pos_ in ("VERB", "AUX") for t in sent)
        lead_seen = lead_seen or is_lead
        if any(a.content_start <= s_start and s_end <= a.content_end for a in out):
            continue  # already the content of a quotation that began earlier
        built = [_build(doc, f, sent, resolver, publisher) for f in _find(sent, regions)]
        if built:
            out.extend(built)
            quoted = [
                a
                for a in built
                if _region_at(regions, a.content_start, a.content_end)
                and a.source_kind != "unattributed"
            ]
            last_quoted = quoted[-1] if quoted else None
            continue
        inside = _region_at(regions, s_start, s_end) or (
            text[s_start] in _QUOTE_CHARS and _region_at(regions, s_start, s_start + 1)
        )
        if inside and last_quoted is not None:
            prev = last_quoted
            out.append(
                dataclasses.replace(
                    prev,
                    start=s_start,
                    end=s_end,
                    text=text[s_start:s_end],
                    content_start=s_start,
                    content_end=s_end,
                    hedge=_hedge(text, s_start, s_end),
                    cue_start=None,
                    cue_end=None,
                )
            )
            continue
        last_quoted = None
        if _claims_fact(sent, is_lead):
            out.append(
                Attribution(
                    start=s_start,
                    end=s_end,
                    text=text[s_start:s_end],
                    source=publisher,
                    cue="",
                    via=(),
                    content_start=s_start,
                    content_end=s_end,
                    source_kind="unattributed",
                    hedge=_hedge(text, s_start, s_end),
                    cue_lemma=None,
                )
            )
    # a sentence a later statement points back to ("this information was corroborated by …")
    # is that statement's content, not an unattributed claim
    sourced = [(a.content_start, a.content_end) for a in out if a.cue]
    out = [
        a
        for a in out
        if a.cue or not any(s <= a.content_start and a.content_end <= e for s, e in sourced)
    ]
    return dataclasses.replace(doc, attributions=tuple(out))


STAGE = Stage(name=NAME, fn=attribute, needs=("parse",), adds=("attributions",))
