"""The basic records of statement finding and the reporting-verb finder.

:class:`Finding` is one attribution found in a sentence before its source is
resolved; :func:`quote_regions` the quoted stretches of a text. :func:`verb_cue`
reads a reporting verb over the dependency parse: its subject (or ``by``-agent,
or the subject of the verb it hangs from) is the source, its clausal complement,
a quotation or for some verbs its object the content; a trailing "…, X said" is
read off the surface. The rules are listed in :mod:`sitrep.stages.attribution`.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from typing import Any

from . import cues
from .speakers import (
    RELATIVE,
    char_span,
    noun_phrase,
    phrase_name,
    subtree_range,
    text_of,
    token_range,
    trim,
)

__all__ = [
    "QUOTE_CHARS",
    "Finding",
    "quote_regions",
    "region_at",
    "rest_of_sentence",
    "verb_cue",
]

_OPEN_QUOTES = "\u201c\u201e\u00ab"
_CLOSE_QUOTES = "\u201d\u00bb"
QUOTE_CHARS = _OPEN_QUOTES + _CLOSE_QUOTES + "\"'`"
# one quotation: an opening mark, then no mark and no line break, then a closing mark
# or a line break; each alternative's body excludes its own closing marks.
_QUOTE_OPENERS = ("\u201c", "\u201e", "\u00ab", '"', "''", "``")
_QUOTE_SCAN = re.compile(
    r"[\u201c\u201e\u00ab][^\u201c\u201d\u201e\u00ab\u00bb\n]*(?:[\u201d\u00bb]|\n|$)"
    r'|"[^"\n]*(?:"|\n|$)'
    r"|(?:''|``)(?:[^'\n]|'(?!'))*(?:''|\n|$)"
)


@dataclass(slots=True)
class Finding:
    """One attribution found in a sentence, before its source is resolved."""

    cue: list[Any]  # tokens
    lemma: str
    source: tuple[int, int] | None  # token indices [i, j)
    content: tuple[int, int] | None  # char span
    via: list[str] = dataclasses.field(default_factory=list)
    anonymous: bool = False  # passive with no agent: "it was reported"
    weak: bool = False  # content is only "the rest of the sentence"
    exact_source: bool = False  # the source phrase is read off the surface: keep its span as is


def quote_regions(text: str) -> list[tuple[int, int]]:
    """Quoted stretches, quote marks included.

    Curly and guillemet quotes pair open with close; a straight ``"`` (or the
    ``''`` some wires use) closes the quote it opened. A quote still open at a
    line break ends there (a quotation running over paragraphs reopens each).
    """
    regions: list[tuple[int, int]] = []
    if not any(mark in text for mark in _QUOTE_OPENERS):
        return regions  # no mark a quotation opens with: the scan would find nothing
    for m in _QUOTE_SCAN.finditer(text):
        a, b = m.span()
        regions.append((a, b if text[b - 1] != "\n" else b - 1))
    return regions


def region_at(regions: list[tuple[int, int]], start: int, end: int) -> tuple[int, int] | None:
    for a, b in regions:
        if a <= start and end <= b:
            return a, b
    return None


# --------------------------------------------------------------------------- finding cues


def _subject(verb: Any) -> tuple[Any | None, bool]:
    """(source head token, passive-without-agent) for a reporting verb."""
    kids = verb.children
    deps = [c.dep_ for c in kids]
    if "agent" in deps:
        for child in kids:
            if child.dep_ == "agent":
                for pobj in child.children:
                    if pobj.dep_ == "pobj":
                        return pobj, False
    passive = "auxpass" in deps
    if "nsubj" in deps or "csubj" in deps:
        # two subjects where the parse ran a trailing "…, X said" into the clause before it:
        # the one nearest the verb speaks (the first of equals); a bare number ("2,700
        # injured") never does; a relative pronoun is resolved to its noun later
        subjects = [c for c in kids if c.dep_ in ("nsubj", "csubj") and not _is_figure(c)]
        if subjects:
            return min(subjects, key=lambda c: abs(verb.i - c.i)), False
        return None, False
    for child in kids if "nsubjpass" in deps else ():
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
        if verb.dep_ == "acl" and verb.tag_ == "VBN":
            return None, False  # "a statement posted online": the noun was posted, it did not post
        if verb.dep_ == "acl" and verb.head.pos_ in ("NOUN", "PROPN", "PRON"):
            return verb.head, False
        return _subject(verb.head)
    if verb.dep_ == "pcomp" and verb.head.dep_ == "prep" and verb.head.head.pos_ in ("VERB", "AUX"):
        return _subject(verb.head.head)  # "he erred in saying that …", "after saying that …"
    return None, False


def _is_figure(tok: Any) -> bool:
    """A number standing alone as a noun phrase ("2,700 injured", "around 40"): a count,
    never a speaker. "Six in 10", "two of the soldiers", "no one" are people all the same."""
    if not (tok.pos_ == "NUM" or tok.like_num):
        return False
    return not any(
        c.dep_ in ("prep", "det", "poss", "compound", "amod", "appos")
        or (c.dep_ == "quantmod" and c.lower_ in ("in", "of", "out"))  # "six in 10"
        for c in tok.children
    )


_SEGMENT_ENDS = frozenset({",", ";", "(", ")", "\u2013", "\u2014", "--"})


def _ends_segment(tok: Any) -> bool:
    """A comma, or a dash written as one (a hyphen between spaces)."""
    return tok.text in _SEGMENT_ENDS or (tok.text == "-" and bool(tok.whitespace_))


def _trailing_source(verb: Any, sent: Any, head: Any | None) -> tuple[int, int] | None:
    """The speaker of a trailing reporting clause read off the surface, "…, X said [on Monday]",
    when the parse tied the clause elsewhere: X is the noun phrase between the last comma
    (or dash) and the verb. Used only when the parsed subject lies outside that phrase
    (a subject from the clause before the comma, a number, none at all)."""
    doc = verb.doc
    j = verb.i  # the phrase ends before the verb and the words written with it ("has also")
    while (
        j > sent.start
        and doc[j - 1].head.i == verb.i
        and doc[j - 1].dep_
        in (
            "aux",
            "auxpass",
            "neg",
            "advmod",
        )
    ):
        j -= 1
    i = j
    while i > sent.start and not _ends_segment(doc[i - 1]) and "\n" not in doc[i - 1].text:
        i -= 1
    if i == j or i <= sent.start + 2 or not _ends_segment(doc[i - 1]):
        return None  # no comma before it, or nothing before the comma to be the content
    phrase = doc[i:j]
    if len(phrase) > 10 or any(
        t.pos_ in ("VERB", "AUX", "SCONJ", "CCONJ")
        or (t.is_punct and t.text not in ("'s", "\u2019s"))
        for t in phrase
    ):
        return None
    nouns = [t for t in phrase if t.pos_ in ("NOUN", "PROPN", "PRON") and not _is_figure(t)]
    if not nouns or phrase[0].lower_ in RELATIVE or phrase[0].pos_ == "ADP":
        return None
    if head is not None and not _is_figure(head):
        if i <= head.i < j:
            return None  # the parse found it already
        if head.left_edge.i <= i and j <= head.right_edge.i + 1:
            return None  # an apposition of the subject: "Kim, the leader, said"
    return i, j


def _content_of(
    verb: Any, lemma: str, cls: str, sent: Any, regions: list[tuple[int, int]]
) -> tuple[int, int] | None:
    doc = verb.doc
    if cls == "view":  # "sees golf courses as wasted space"
        obj = next(c for c in verb.children if c.dep_ == "dobj")
        phrase = _as_phrase(verb)
        assert phrase is not None
        return _side(verb, [*obj.subtree, *phrase.subtree], obj, sent)
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
        if right and right[0].i == verb.i + 1 and right[0].dep_ == "prep" and len(right) > 1:
            right = right[
                1:
            ]  # "called for | calm", "is accused of | hiding": the cue takes the preposition
        if right:
            span = trim(text_of(doc), right[0].idx, right[-1].idx + len(right[-1]))
            span = span if span[1] - span[0] > 1 else None
    if span is None and cls == "speech":  # "half said so", "who say the same", "said yes"
        pro = [
            c
            for c in verb.children
            if (c.dep_ == "advmod" and c.lower_ == "so")
            or (c.dep_ in ("dobj", "intj") and c.lower_ in ("same", "yes", "no"))
        ]
        if pro:
            span = char_span(doc, *subtree_range(pro[0]))
    if span is None:
        inside = [r for r in regions if r[0] < sent.end_char and r[1] > sent.start_char]
        outside = [r for r in inside if not (r[0] <= verb.idx < r[1])]
        if outside:
            nearest = min(outside, key=lambda r: min(abs(r[0] - verb.idx), abs(r[1] - verb.idx)))
            return nearest
        # '"…," | said Jon Doggett.': the parser split the sentence after the quotation
        text = text_of(doc)
        before = [
            r
            for r in regions
            if r[1] <= sent.start_char and not text[r[1] : sent.start_char].strip(" ,\n")
        ]
        if (
            before
            and verb.i - sent.start <= 1
            and "\n" not in text[before[-1][1] : sent.start_char]
        ):
            return before[-1]
        return None
    region = region_at(regions, span[0], span[1]) or region_at(regions, span[0] + 1, span[1] - 1)
    if region and not (region[0] <= verb.idx < region[1]):
        return region
    return span


def _side(verb: Any, tokens: list[Any], head: Any, sent: Any) -> tuple[int, int] | None:
    """The char span of a complement: its tokens inside this sentence, on the verb's side
    where the complement's head is (a parse may run across paragraphs)."""
    inside = [t for t in tokens if sent.start <= t.i < sent.end and not t.is_space]
    if not inside:
        return None
    i, j = token_range(inside)
    if i <= verb.i < j:  # clipped to the sentence, it would swallow its own cue
        subj = [c.i for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")]
        inside_head = sent.start <= head.i < sent.end
        # keep the complement's side; if its head lies outside the sentence, the side away from the subject
        after = head.i > verb.i if inside_head or not subj else subj[0] < verb.i
        inside = [t for t in inside if (t.i > verb.i) == after]
        if not inside:
            return None
        i, j = token_range(inside)
    return char_span(verb.doc, i, j)


def rest_of_sentence(sent: Any, taken: tuple[int, int]) -> tuple[int, int] | None:
    """The longer side of the sentence around a cue phrase."""
    text = text_of(sent.doc)
    left = trim(text, sent.start_char, taken[0])
    right = trim(text, taken[1], sent.end_char)
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


def _as_phrase(verb: Any) -> Any | None:
    """The ``as`` phrase of "sees X as Y", on the verb or on its object."""
    objs = [c for c in verb.children if c.dep_ == "dobj"]
    for tok in [*verb.rights, *(c for o in objs for c in o.rights)]:
        if (
            tok.dep_ == "prep"
            and tok.lower_ == "as"
            and any(c.dep_ == "pobj" for c in tok.children)
        ):
            return tok
        kids = {c.dep_: c.lower_ for c in tok.children}
        if tok.dep_ == "advcl" and kids.get("mark") == "as" and "nsubj" not in kids:
            return tok  # "sees him as captured by …"; not "saw the tank as it passed"
    return None


def _view_verb(verb: Any) -> tuple[str, str] | None:
    """An opinion verb that reports as "X sees Y as Z", with an object and an ``as`` phrase."""
    lemma = cues.view_lemma(verb.text)
    if lemma is None or not any(c.dep_ == "dobj" for c in verb.children):
        return None
    return (lemma, "view") if _as_phrase(verb) is not None else None


def verb_cue(verb: Any, sent: Any, regions: list[tuple[int, int]]) -> Finding | None:
    if verb.pos_ not in ("VERB", "AUX") or verb.dep_ in ("amod", "compound"):
        return None
    entry = cues.verb_lemma(verb.text) or _clausal_verb(verb) or _view_verb(verb)
    if entry is None:
        return None
    lemma, cls = entry
    doc = verb.doc
    head, anonymous = _subject(verb)
    # "X's data shows", "the report said": a content noun as subject; its owner is the source
    plain_cue = cue_toks = _cue_tokens(verb)
    if anonymous:  # "it was reported": the whole passive is the cue
        expl = [
            c for c in verb.children if c.dep_ == "nsubjpass" and c.lower_ == "it" and c.i < verb.i
        ]
        if expl:
            cue_toks = list(doc[expl[0].i : verb.i + 1])
    if (
        head is not None
        and head.lower_ in RELATIVE
        and verb.dep_ == "relcl"
        and verb.head.lower_ in cues.CONTENT_NOUNS
    ):
        head = verb.head  # "the polls that show …"
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
    if (
        cls in ("cognition", "view")
        and head is not None
        and head.lower_ in ("i", "we", "you")
        and any(a <= verb.idx < b for a, b in regions)
    ):
        return None  # "I think" inside someone's words; outside them it is the writer's view
    content = _content_of(verb, lemma, cls, sent, regions)
    source: tuple[int, int] | None = None
    exact = False
    trailing = (
        _trailing_source(verb, sent, head)
        if lemma in cues.PARENTHETICAL and cue_toks == plain_cue
        else None
    )
    if trailing is not None:
        source, exact, anonymous = trailing, True, False
        if content is not None and content[0] < doc[trailing[1] - 1].idx < content[1]:
            content = None  # the parse's complement ran through the speaker
    elif head is not None:
        source = (
            noun_phrase(head)
            if head.dep_ != "pobj" or head.head.dep_ != "agent"
            else subtree_range(head)
        )
        if source[0] <= verb.i < source[1]:
            source = (head.i, head.i + 1)
    weak = False
    if content is None and (lemma in cues.PARENTHETICAL or cls == "cognition"):
        taken = [*(doc[source[0] : source[1]] if source else []), *cue_toks]
        i, j = token_range(taken)
        while j < sent.end and doc[j].head.i == verb.i and doc[j].dep_ in ("advmod", "npadvmod"):
            j += 1  # "officials said today,"
        if sent.start < i - 1 and j + 1 < sent.end and doc[i - 1].text == doc[j].text == ",":
            # "The depot, officials said, was hit": the words around the aside
            content = trim(text_of(doc), sent.start_char, sent.end_char)
        elif lemma in cues.PARENTHETICAL:
            content = rest_of_sentence(sent, char_span(doc, i, j))
        weak = True
    if content is None:
        return None
    if source is None and (not anonymous or cls in ("cognition", "view")):
        return None  # no source; "is believed to" is a hedge, not a statement
    via = []
    for child in verb.children:
        if (
            lemma in cues.ADDRESSEE_VERBS
            and child.dep_ in ("dobj", "dative")
            and cues.is_media_name(child.text)
        ):
            via.append(phrase_name(doc, *noun_phrase(child)))
    return Finding(
        cue=cue_toks,
        lemma=lemma,
        source=source,
        content=content,
        via=via,
        anonymous=anonymous,
        weak=weak,
        exact_source=exact,
    )
