"""Who is speaking: a source phrase resolved to an actor, and the span helpers it needs.

A source resolves, in order, through the entities layer (span overlap, the
mention on the phrase's head first; a place that is not the head is only the
country), anaphora (``he``, ``they`` -> the nearest earlier actor of a fitting
kind; a definite description, ``the ministry``, ``the emergency service`` ->
the nearest earlier actor of a compatible kind whose name holds its head noun,
or for the words of :data:`cues.ANAPHOR_KINDS` of a fitting kind), the knowledge base
(:mod:`sitrep.kb`: canonical name, kind, country; a person affiliated with an
intelligence body is an ``intelligence`` source), spaCy's own entities, and
last the noun phrase itself with a kind read off its words.
"""

from __future__ import annotations

import bisect
import functools
import re
from typing import Any, NamedTuple

from ..records import Document, EntityMention
from . import cues
from .parse_view import Entity, ParseView, view_of

__all__ = [
    "EDGE_PUNCT",
    "RELATIVE",
    "Actor",
    "SpeakerResolver",
    "char_span",
    "known_actor",
    "noun_phrase",
    "phrase_name",
    "subtree_range",
    "text_of",
    "token_range",
    "trim",
]

EDGE_PUNCT = ",;:.-\u2014\u2013 \n\t"
RELATIVE = frozenset({"who", "which", "that", "whom"})

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


class Actor(NamedTuple):
    """A resolved source, or a candidate antecedent for anaphora (a named tuple: many are
    made per article and a tuple is the cheapest record to make)."""

    start: int
    end: int
    name: str
    kind: str
    country: str | None


# --------------------------------------------------------------------------- spans


def text_of(doc: Any) -> str:
    """The parse's text; spaCy rebuilds ``Doc.text`` on every access, so it is kept once."""
    if type(doc) is ParseView:
        return doc.text
    text = doc.user_data.get("sitrep.text")
    if text is None:
        text = doc.user_data["sitrep.text"] = doc.text
    return str(text)


def token_range(tokens: list[Any]) -> tuple[int, int]:
    at = [t.i for t in tokens]
    return min(at), max(at) + 1


def subtree_range(tok: Any) -> tuple[int, int]:
    """``token_range(list(tok.subtree))``: its outermost descendants, itself included."""
    return tok.left_edge.i, tok.right_edge.i + 1


def char_span(doc: Any, i: int, j: int) -> tuple[int, int]:
    last = doc[j - 1]
    return doc[i].idx, last.idx + len(last.text)


def trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start] in EDGE_PUNCT:
        start += 1
    while end > start and text[end - 1] in EDGE_PUNCT:
        end -= 1
    return start, end


def noun_phrase(tok: Any) -> tuple[int, int]:
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


# --------------------------------------------------------------------------- resolving sources


_DETERMINERS = re.compile(r"(?i)^(?:the|a|an|this|that|these|those)\s+")


def phrase_name(doc: Any, i: int, j: int) -> str:
    """The name a phrase gives: its head with its compounds, modifiers and possessors
    (and an "of" phrase right after), without a leading determiner."""
    names = doc.user_data.setdefault("sitrep.phrase_names", {})
    name = names.get((i, j))
    if name is None:
        name = names[(i, j)] = _phrase_name(doc, i, j)
    return str(name)


def _phrase_name(doc: Any, i: int, j: int) -> str:
    head = doc.root_of(i, j)
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
    left = max(left, i)
    name = doc.span(left, right + 1).text.replace("\u2019s", "'s")
    return _DETERMINERS.sub("", name).strip()


@functools.lru_cache(maxsize=4096)
def known_actor(name: str) -> tuple[str, str, str | None] | None:
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
    known = known_actor(name)
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


_STATE_KINDS = frozenset({"government", "military", "intelligence"})


@functools.lru_cache(maxsize=8192)
def _name_words(name: str) -> frozenset[str]:
    return frozenset(re.findall(r"[\w-]+", name.lower()))


def _owned_start(head: Any) -> int | None:
    """Where the owned name begins after a country's possessive ("Ukraine's | State …")."""
    for child in head.children:
        if child.dep_ == "poss" and child.pos_ == "PROPN" and _possessor_country(head):
            case = [c for c in child.children if c.dep_ == "case"]
            return (case[-1].i if case else child.i) + 1
    return None


def _possessor_country(head: Any) -> str | None:
    """The country of a possessive source, "Ukraine's State Emergency Service" -> UA."""
    for child in head.children:
        if child.dep_ == "poss" and child.pos_ == "PROPN":
            return _country_in(head.doc.span(child.left_edge.i, child.i + 1).text)
    return None


@functools.lru_cache(maxsize=4096)
def _country_in(name: str) -> str | None:
    from ..kb import knowledge_base

    return knowledge_base().country_in(name)


def _start_of(actor: Actor) -> int:
    return actor.start


class SpeakerResolver:
    """Resolves source spans to actors, remembering actors for anaphora."""

    def __init__(self, doc: Document, parse: ParseView | None = None) -> None:
        self.doc = doc
        self.parse = parse if parse is not None else view_of(doc.parse, doc.text)
        self.mentions: list[EntityMention] = sorted(doc.entities, key=lambda m: m.start)
        self._starts = [m.start for m in self.mentions]
        self._longest = max((m.end - m.start for m in self.mentions), default=0)
        self._ent_starts: list[int] | None = None
        self._ent_longest = 0
        self.actors: list[Actor] = [
            Actor(
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
                Actor(
                    e.start_char,
                    e.end_char,
                    _DETERMINERS.sub("", e.text),
                    _source_kind(_SPACY_KIND[e.label_], e.text, e.text),
                    None,
                )
                for e in self.parse.ents
                if e.label_ in ("PERSON", "ORG")
            ]
        self.actors.sort(key=lambda a: a.start)

    def resolve(self, i: int, j: int) -> Actor:
        actor = self._resolve(i, j)
        if actor.country is None and actor.kind != "person":
            country = _possessor_country(self.parse.root_of(i, j))
            if country is not None:
                actor = Actor(actor.start, actor.end, actor.name, actor.kind, country)
                self.actors = [
                    actor if a.start == actor.start and a.end == actor.end else a
                    for a in self.actors
                ]
        return actor

    def _resolve(self, i: int, j: int) -> Actor:
        doc = self.parse
        start, end = char_span(doc, i, j)
        text = text_of(doc)[start:end]
        head = doc.root_of(i, j)
        if (
            head.lower_ in RELATIVE
            and head.head.dep_ == "relcl"
            and head.head.head.i != head.head.i
        ):
            antecedent = self.resolve(*noun_phrase(head.head.head))  # "Kim, who warned …"
            return Actor(start, end, antecedent.name, antecedent.kind, antecedent.country)
        overlap = self._overlapping(start, end)
        # "the governor of Bryansk Oblast": a place inside the phrase is not who speaks
        speaks = any(m.kind != "place" or m.start <= head.idx < m.end for m in overlap)
        if overlap and speaks:
            on_head = [m for m in overlap if m.start <= head.idx < m.end and m.kind != "place"]
            actors = [m for m in overlap if m.kind != "place"]
            m = (on_head or actors or overlap)[0]
            country = m.country or next((o.country for o in overlap if o.country), None)
            kind = _source_kind(_ENTITY_KIND.get(m.kind, "organization"), text, m.name)
            return self._remember(Actor(start, end, m.name, kind, country))
        earlier = self._anaphor(head, i, j, start)
        if earlier is not None:
            return Actor(start, end, earlier.name, earlier.kind, earlier.country)
        known = known_actor(phrase_name(doc, i, j)) if head.pos_ != "PRON" else None
        if known is not None:
            return self._remember(Actor(start, end, *known))
        # "Moldova's Civil Protection Service": the service speaks, not Moldova
        owned = _owned_start(head)
        if owned is not None and i < owned <= head.i:
            i = owned
        ents = [e for e in self._spacy_ents(start, end) if e.end > i and e.label_ in _SPACY_KIND]
        if not any(x.start <= head.i < x.end or x.label_ != "GPE" for x in ents):
            ents = []  # only a place inside the phrase: "the governor of Kursk Oblast"
        if ents:
            e = next((x for x in ents if x.start <= head.i < x.end), ents[0])
            kind = _source_kind(_SPACY_KIND[e.label_], text, e.text)
            return self._remember(Actor(start, end, _DETERMINERS.sub("", e.text), kind, None))
        name = phrase_name(doc, i, j)
        kind = cues.kind_from_words(text) or ("person" if head.pos_ == "PRON" else "organization")
        places = [m.country for m in overlap if m.country]
        actor = Actor(start, end, name, kind, places[0] if places else None)
        # a described office of a named place is someone later text may point back to
        return self._remember(actor) if places else actor

    def _spacy_ents(self, start: int, end: int) -> list[Entity]:
        """spaCy's entities overlapping ``[start, end)``, in order."""
        if self._ent_starts is None:
            ents = self.parse.ents
            self._ent_starts = [e.start_char for e in ents]
            self._ent_longest = max((e.end_char - e.start_char for e in ents), default=0)
        lo = bisect.bisect_left(self._ent_starts, start - self._ent_longest)
        hi = bisect.bisect_left(self._ent_starts, end)
        return [e for e in self.parse.ents[lo:hi] if e.end_char > start]

    def _overlapping(self, start: int, end: int) -> list[EntityMention]:
        """The mentions overlapping ``[start, end)``, in order (a window of the sorted list)."""
        lo = bisect.bisect_left(self._starts, start - self._longest)
        hi = bisect.bisect_left(self._starts, end)
        return [m for m in self.mentions[lo:hi] if m.end > start]

    def _anaphor(self, head: Any, i: int, j: int, start: int) -> Actor | None:
        """The earlier actor a pronoun or a definite description points back at.

        A pronoun takes the nearest earlier actor of a fitting kind. A definite
        description ("the ministry", "the emergency service") takes the nearest
        earlier actor whose name holds its head noun (those holding its other
        nouns too first) and whose kind fits; failing that, for the words
        listed in :data:`cues.ANAPHOR_KINDS`, the nearest actor of a fitting kind.
        """
        word = head.lower_
        kinds = cues.ANAPHOR_KINDS.get(word)
        if head.pos_ == "PRON":
            if kinds is not None:
                for a in reversed(self.actors):  # the nearest: the last in text order
                    if a.end <= start and a.kind in kinds:
                        return a
            return None
        if head.pos_ != "NOUN":
            return None
        phrase = self.parse[i:j]
        if any(t.pos_ == "PROPN" for t in phrase):
            return None
        if not any(t.lower_ in ("the", "this", "that") and t.i < head.i for t in phrase):
            return None
        phrase_text = self.parse.span(i, j).text
        earlier = [a for a in self.actors if a.end <= start]
        described = cues.kind_from_words(phrase_text)
        fits = kinds or (frozenset({described}) if described else None)
        nouns = {t.lower_ for t in phrase if t.pos_ == "NOUN" and t.i < head.i}

        def compatible(actor: Actor) -> bool:
            if fits is None or actor.kind in fits or actor.kind == "organization":
                return True
            # a defence ministry may be filed as military: state bodies fit one another
            return actor.kind in _STATE_KINDS and bool(fits & _STATE_KINDS)

        named = [a for a in earlier if word in _name_words(a.name) and compatible(a)]
        closer = [a for a in named if nouns <= _name_words(a.name)]
        typed = [a for a in earlier if kinds is not None and a.kind in kinds]
        pool = closer or named or typed
        if not pool:
            return None
        pick = pool[-1]
        # the same actor met again with its country known ("Ukraine's State Emergency Service")
        return next((a for a in reversed(pool) if a.name == pick.name and a.country), pick)

    def _remember(self, actor: Actor) -> Actor:
        bisect.insort_right(self.actors, actor, key=_start_of)  # after actors starting there
        return actor
