"""Events: typed events with actors, place, time, figures, sources and certainty.

Stage ``sitrep.events.v1``. Reads every earlier layer (parse, entities,
figures, times, places, attributions) and adds ``events`` and ``claims``.

How an event is found, sentence by sentence:

1. **Triggers.** Words and phrases from the taxonomy
   (``resources/taxonomy.json``). Ambiguous triggers need their object:
   "launched" is a weapons test only with a missile, rocket or satellite
   nearby (and an attack when it has a target: "launched an offensive",
   "fired at"); "sent"/"arrived" is a deployment only with troops, units or
   warships; "provided"/"delivered" is military aid only with weapons,
   equipment, training or money. Words inside names and dates never trigger.
2. **Figures make events too.** A troop figure with no deployment trigger
   ("over 10,000 soldiers in Russia") makes a deployment; a killed or injured
   figure makes a casualties event.
3. **Arguments** come from the sentence's dependency tree: an entity that is
   the subject of the trigger is the agent (of a passive verb: the target or
   victim), the object is the target, "to X"/"for X" is the beneficiary, the
   owner of a counted noun ("North Korean soldiers killed") is the victim of
   casualties and the agent of a deployment. The claimant of the sentence
   (its attribution source) is not an actor. The location is a place in the
   sentence introduced by a preposition or not used as an actor, the most
   precise first; the time is the time expression nearest the trigger.
4. **Status and certainty.** Future and plan markers (will, plans to,
   preparing to) give ``planned``; could/may/might give ``possible``;
   likely/expected give certainty ``likely``; a denial cue gives ``denied``;
   "no indications/evidence that ..." makes the events it speaks of
   ``doubtful`` (also the previous sentence's, when it says "these actions");
   a statement attributed to a source is ``reported``, the outlet's own is
   ``asserted``. A denial sentence with no event of its own ("Moscow dismissed
   the reports as fabrications") denies the events of the sentence before it.
5. **One event per event.** Candidates of one type merge when they sit in the
   same or neighbouring sentences, or repeat the same trigger word, and their
   places and times agree; they then share figures, place, time and sources
   and keep every evidence span. Different places or times keep them apart.

Claims are the attributions that support at least one event (or any named
source's statement), each pointing at the events it supports.
"""

from __future__ import annotations

import bisect
import dataclasses
import functools
import hashlib
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

from ..pipeline import Stage
from ..records import (
    Attribution,
    Claim,
    Document,
    EntityMention,
    Event,
    EventActor,
    EventLocation,
    EventSource,
    EventTime,
    Evidence,
    FigureMention,
    PlaceMention,
    TimeMention,
)
from .parse import governing

__all__ = ["NAME", "STAGE", "Taxonomy", "extract_events", "taxonomy"]

NAME = "sitrep.events.v1"

ACTOR_KINDS = frozenset({"state", "military", "government", "armed_group", "person", "organization", "media"})
LOCATIVE_PREPS = frozenset(
    {"in", "near", "at", "into", "to", "from", "across", "around", "outside", "inside", "towards", "toward", "on", "over", "off", "along", "within", "throughout", "between"}
)
PLACE_PRECISION_RANK = {"point": 0, "city": 1, "admin1": 2, "region": 3, "country": 4, None: 5}
TIME_PRECISION_RANK = {"day": 0, "week": 1, "month": 2, "range": 3, "season": 4, "year": 5, "unknown": 6}

_PLANNED = re.compile(
    r"\b(?:will|shall|plans? to|planning|planned|plott(?:ing|ed)|prepar(?:es|ing|ed) to|intends? to|intending to|"
    r"is set to|are set to|ready to|scheduled to|about to|going to|aims? to|would|upcoming|likely to|expected to|"
    r"to be (?:sent|deployed|delivered))\b",
    re.I,
)
_POSSIBLE = re.compile(r"\b(?:could|may|might|possibl[ey]|potential(?:ly)?|capable of|able to)\b", re.I)
_LIKELY = re.compile(r"\b(?:likely|probably|expected to|expects? to|is believed|are believed|presumably)\b", re.I)
_ONGOING = re.compile(
    r"\b(?:ongoing|continu(?:e|es|ing)|still|are fighting|is fighting|underway|raging|persist(?:s|ing)?|"
    r"(?:has|have) been \w+ing)\b",
    re.I,
)
#: what a denial with no event of its own denies: the reports or claims before it
_DENIED_REPORTS = re.compile(
    r"\b(?:reports?|claims?|allegations?|accounts?|accusations?|fabrications?|fake|lies|it|this|that|them)\b", re.I
)
_DENIAL = re.compile(
    r"\b(?:denie[sd]|deny(?:ing)?|dismisse[sd]|dismissing|rejecte?d?s? (?:the )?(?:claims?|reports?|allegations?)|refute[sd]?|"
    r"fabricat(?:ed|ions?)|baseless|fake news|untrue|false claims?)\b",
    re.I,
)
_NO_EVIDENCE = re.compile(
    r"\b(?:no|not any|little|without)\s+(?:direct\s+|clear\s+|concrete\s+|immediate\s+|hard\s+)?(?:indications?|evidence|signs?|confirmation|proof)\b",
    re.I,
)
_ANAPHOR = re.compile(r"\b(?:these|those|such|this|that)\s+(?:actions?|moves?|steps?|plans?|reports?|claims?|launch(?:es)?|deployments?|tests?)\b", re.I)
_NEGATION_DEPS = frozenset({"neg"})


# --------------------------------------------------------------------------- taxonomy


@dataclass(frozen=True, slots=True)
class Taxonomy:
    version: str
    labels: dict[str, str]
    single: dict[str, tuple[str, ...]]  # word -> types
    multi: tuple[tuple[tuple[str, ...], str], ...]  # (words, type), longest first
    multi_by_first: dict[str, tuple[tuple[tuple[str, ...], str], ...]]  # first word -> multi triggers
    figure_categories: dict[str, tuple[str, ...]]  # type -> accepted figure categories
    figure_types: dict[str, str]  # figure category -> event type it implies
    test_objects: frozenset[str]
    aid_objects: frozenset[str]
    deployment_objects: frozenset[str]


@functools.lru_cache(maxsize=1)
def taxonomy() -> Taxonomy:
    raw = json.loads(resources.files("sitrep.resources").joinpath("taxonomy.json").read_text(encoding="utf-8"))
    single: dict[str, list[str]] = {}
    multi: list[tuple[tuple[str, ...], str]] = []
    for etype, spec in raw["types"].items():
        for trig in spec["triggers"]:
            words = tuple(trig.lower().split())
            if len(words) == 1:
                single.setdefault(words[0], []).append(etype)
            else:
                multi.append((words, etype))
    multi.sort(key=lambda m: -len(m[0]))
    return Taxonomy(
        version=raw["version"],
        labels={k: v["label"] for k, v in raw["types"].items()},
        single={k: tuple(v) for k, v in single.items()},
        multi=tuple(multi),
        multi_by_first={w: tuple(m for m in multi if m[0][0] == w) for w in {m[0][0] for m in multi}},
        figure_categories={k: tuple(v["figures"]) for k, v in raw["types"].items()},
        figure_types=dict(raw["figure_types"]),
        test_objects=frozenset(raw["test_objects"]),
        aid_objects=frozenset(w for o in raw["aid_objects"] for w in o.split()),
        deployment_objects=frozenset(raw["deployment_objects"]),
    )


# --------------------------------------------------------------------------- candidates


@dataclass
class Candidate:
    """An event being assembled (mutable while the stage works)."""

    type: str
    trigger: str
    trigger_start: int
    trigger_end: int
    sent_index: int
    sent_start: int
    sent_end: int
    figures: list[FigureMention] = field(default_factory=list)
    actors: list[EventActor] = field(default_factory=list)
    location: PlaceMention | None = None
    time: TimeMention | None = None
    sources: list[EventSource] = field(default_factory=list)
    status: str = "occurred"
    certainty: str = "asserted"
    evidence: list[tuple[int, int]] = field(default_factory=list)
    triggers: set[str] = field(default_factory=set)
    trigger_spans: set[tuple[int, int]] = field(default_factory=set)
    sent_indices: set[int] = field(default_factory=set)


def _in(span_start: int, span_end: int, start: int, end: int) -> bool:
    return span_start >= start and span_end <= end


def _overlaps(a0: int, a1: int, b0: int, b1: int) -> bool:
    return a0 < b1 and b0 < a1


def _token_window(tokens: Any, i: int, radius: int) -> Iterable[Any]:
    lo = max(tokens.start, i - radius)
    hi = min(tokens.end, i + radius + 1)
    return (tokens.doc[j] for j in range(lo, hi))


def _subtree_words(tok: Any) -> set[str]:
    return {t.lower_ for t in tok.subtree}


def _near_words(sent: Any, tok: Any, radius: int = 6) -> set[str]:
    words = {t.lower_ for t in _token_window(sent, tok.i, radius)}
    words |= _subtree_words(tok)
    words |= {c.lower_ for c in tok.head.children} | {tok.head.lower_}
    return words


def _targets_something(prep: Any) -> bool:
    """"fired at X", "launched on X": a preposition whose object is a target, not a date."""
    if prep.dep_ != "prep" or prep.lower_ not in ("at", "on", "into", "against", "toward", "towards"):
        return False
    objs = [c for c in prep.children if c.dep_ == "pobj"]
    return bool(objs) and all(
        o.ent_type_ not in ("DATE", "TIME") and not o.like_num and o.lower_ not in _WATERS for o in objs
    )


#: a missile fired into the sea was tested, not aimed at anyone
_WATERS = frozenset({"sea", "seas", "ocean", "waters", "gulf", "bay", "strait", "coast"})
#: words that make "hit"/"targeted" an attack rather than a figure of speech
_ATTACK_CONTEXT = frozenset(
    {"drone", "drones", "missile", "missiles", "rocket", "rockets", "shell", "shells", "artillery", "bomb", "bombs",
     "strike", "strikes", "airstrike", "airstrikes", "depot", "base", "airfield", "refinery", "positions", "convoy",
     "infrastructure", "plant", "bridge", "warplanes", "jets", "forces", "troops"}
)


def _object_check(etype: str, tok: Any, sent: Any, tax: Taxonomy, sent_figs: list[FigureMention]) -> str | None:
    """Confirm or re-type an ambiguous trigger from its neighbourhood."""
    word = tok.lower_
    if etype == "weapons_test":
        near = _near_words(sent, tok)
        if word in ("test", "tests", "tested", "testing") and not (near & tax.test_objects):
            return None
        if word in ("launch", "launches", "launched", "launching", "fired", "fires", "firing"):
            if {"offensive", "attack", "assault", "counteroffensive", "operation", "strike", "strikes", "raid"} & near:
                return "attack"
            if any(_targets_something(c) for c in tok.children):
                return "attack"
            if not (near & tax.test_objects):
                return "attack" if word in ("fired", "firing") else None
        return etype
    if etype == "deployment" and word in _BUILD_VERBS:
        # "set up a new observation post", "established three bases": the object must be military
        return etype if (_subtree_words(tok) - {word}) & tax.deployment_objects else None
    if etype == "attack" and word in _TAKE_VERBS:
        return etype if _object_is_place(tok) else None
    if etype == "casualties" and word in _TAKE_VERBS:
        return etype if _object_is_people(tok, sent_figs) else None
    if etype == "deployment":
        near = _near_words(sent, tok)
        strong = {"deployed", "deploy", "deploys", "deploying", "deployment", "deployments", "reinforcements", "mobilised", "mobilized", "mobilisation", "mobilization"}
        if word in strong:
            return etype
        if near & tax.deployment_objects or any(f.category in ("troops", "units") for f in sent_figs):
            return etype
        return None
    if etype == "military_aid":
        near = _near_words(sent, tok)
        if word in ("aid", "assistance") and tok.dep_ == "compound" and tok.head.lower_ in ("workers", "worker", "agency", "agencies", "group", "groups"):
            return None
        if word in ("aid", "assistance", "arms", "shipment", "shipments", "deliveries"):
            return etype if ({"military", "weapons", "arms", "defence", "defense", "security", "lethal"} & near or word == "arms") else None
        structural = (_subtree_words(tok) | ({c.lower_ for c in tok.head.children} if tok.pos_ == "NOUN" else set())) - {word}
        return etype if structural & tax.aid_objects else None
    if etype == "attack" and word in ("hit", "hits", "targeted", "targeting", "target", "targets"):
        return etype if _near_words(sent, tok) & _ATTACK_CONTEXT else None
    if etype == "casualties" and _negative_subject(tok):
        return None  # "nobody was hurt", "no casualties were reported"
    return etype


_NEGATIVE_WORDS = frozenset({"no", "nobody", "none", "noone", "neither", "nor", "zero"})
_BUILD_VERBS = frozenset({"established", "establish", "set", "erected", "built"})
_TAKE_VERBS = frozenset({"captured", "capture", "seized", "seize"})
_PLACE_NOUNS = frozenset(
    {"town", "village", "city", "district", "area", "territory", "airport", "airfield", "base", "hill", "port",
     "settlement", "region", "positions", "position", "bridge", "outskirts", "highway", "road", "crossing", "villages",
     "towns", "stronghold", "province", "capital", "neighbourhood", "neighborhood", "camp", "control"}
)
_PEOPLE_NOUNS = frozenset(
    {"soldiers", "soldier", "troops", "fighters", "people", "civilians", "prisoners", "prisoner", "men", "militants",
     "servicemen", "personnel", "officers", "officer", "pows", "mercenaries", "conscripts", "crew", "sailors", "pilot",
     "commander", "members", "hostages"}
)


def _objects(tok: Any) -> list[Any]:
    """What was taken: the direct object, or the passive subject ("the town was captured")."""
    return [c for c in tok.children if c.dep_ in ("dobj", "nsubjpass", "obj")]


def _object_is_place(tok: Any) -> bool:
    return any(o.ent_type_ in ("GPE", "LOC", "FAC") or o.lower_ in _PLACE_NOUNS for o in _objects(tok))


def _object_is_people(tok: Any, sent_figs: list[FigureMention]) -> bool:
    if any(f.category == "captured" for f in sent_figs):
        return True
    return any(o.ent_type_ in ("PERSON", "NORP") or o.lower_ in _PEOPLE_NOUNS for o in _objects(tok))


def _negative_subject(tok: Any) -> bool:
    """Is the casualty word denied by a negative quantifier ("no one was killed", "no casualties")?"""
    if any(c.lower_ in _NEGATIVE_WORDS and c.dep_ in ("det", "neg", "nsubj", "nsubjpass", "advmod") for c in tok.children):
        return True
    for c in tok.children:
        if c.dep_ in ("nsubj", "nsubjpass"):
            if c.lower_ in _NEGATIVE_WORDS or (c.lower_ == "one" and any(g.lower_ == "no" for g in c.children)):
                return True
            if any(g.lower_ in _NEGATIVE_WORDS and g.dep_ in ("det", "neg") for g in c.children):
                return True
    return tok.dep_ in ("attr", "acomp") and any(
        c.dep_ in ("nsubj", "nsubjpass") and c.lower_ in _NEGATIVE_WORDS for c in tok.head.children
    )


def _trigger_candidates(sent: Any, sent_index: int, tax: Taxonomy, sent_figs: list[FigureMention]) -> list[Candidate]:
    out: list[Candidate] = []
    toks = list(sent)
    used: set[int] = set()
    lowers = [t.lower_ for t in toks]
    # multi-word triggers first (indexed by their first word, longest first)
    for k, low in enumerate(lowers):
        for words, etype in tax.multi_by_first.get(low, ()):
            n = len(words)
            if tuple(lowers[k : k + n]) != words or any(j in used for j in range(k, k + n)):
                continue
            first, last = toks[k], toks[k + n - 1]
            if first.ent_type_ in ("DATE", "TIME", "PERSON", "ORG", "WORK_OF_ART", "LAW"):
                continue
            final = _object_check(etype, first, sent, tax, sent_figs)
            if final is None:
                continue
            used.update(range(k, k + n))
            out.append(_new(final, first.idx, last.idx + len(last.text), sent, sent_index, " ".join(words)))
    for k, tok in enumerate(toks):
        if k in used or tok.lower_ not in tax.single:
            continue
        if tok.ent_type_ in ("DATE", "TIME", "PERSON", "ORG", "WORK_OF_ART", "LAW", "EVENT", "PRODUCT", "FAC"):
            continue
        if tok.pos_ == "PROPN" and k > 0:
            continue
        for etype in tax.single[tok.lower_]:
            final = _object_check(etype, tok, sent, tax, sent_figs)
            if final is None:
                continue
            out.append(_new(final, tok.idx, tok.idx + len(tok.text), sent, sent_index, tok.lower_))
    return out


def _new(etype: str, start: int, end: int, sent: Any, sent_index: int, word: str) -> Candidate:
    c = Candidate(
        type=etype,
        trigger=word,
        trigger_start=start,
        trigger_end=end,
        sent_index=sent_index,
        sent_start=sent.start_char,
        sent_end=sent.end_char,
    )
    c.evidence.append((sent.start_char, sent.end_char))
    c.triggers.add(word)
    c.trigger_spans.add((start, end))
    c.sent_indices.add(sent_index)
    return c


# --------------------------------------------------------------------------- arguments


def _root_token(parse: Any, start: int, end: int) -> Any | None:
    span = parse.char_span(start, end, alignment_mode="expand")
    if span is None or len(span) == 0:
        return None
    return span.root


def _path_to(tok: Any, target: Any, limit: int = 8) -> list[Any] | None:
    """Tokens from ``tok`` up to (not including) ``target`` along heads, if reachable."""
    path = [tok]
    cur = tok
    for _ in range(limit):
        if cur.i == target.i:
            return path[:-1]
        if cur.head.i == cur.i:
            return None
        cur = cur.head
        path.append(cur)
    return None


def _role_from_path(etype: str, path: list[Any], trigger_tok: Any) -> str:
    if not path:
        return "other"
    top = path[-1]  # the child of the trigger on the path
    dep = top.dep_
    if dep in ("nsubj", "csubj"):
        if etype == "casualties":
            transitive = trigger_tok.lower_ in KILL_VERBS and any(c.dep_ == "dobj" for c in trigger_tok.children)
            return "agent" if transitive else "victim"
        return "agent"
    if dep in ("nsubjpass", "csubjpass"):
        return "victim" if etype in ("casualties", "attack", "arrest") else "target"
    if dep in ("dobj", "obj", "attr"):
        if etype == "deployment":
            return "agent" if any(t.dep_ in ("poss", "amod", "compound", "nmod") for t in path[:-1]) else "other"
        if etype == "military_aid":
            return "beneficiary" if any(t.dep_ in ("poss",) for t in path[:-1]) else "other"
        return "victim" if etype == "casualties" else "target"
    if dep == "agent":
        return "agent"
    if dep == "prep" or (len(path) >= 2 and path[-2].dep_ == "pobj"):
        prep = top.lower_ if top.dep_ == "prep" else ""
        if prep in ("to", "for") and etype in ("military_aid", "deployment", "agreement"):
            return "beneficiary"
        if prep in ("against", "on", "at", "into") and etype in ("attack", "threat", "sanction"):
            return "target"
        if prep == "by":
            return "agent"
        if prep == "with" and etype == "agreement":
            return "agent"
    if dep in ("amod", "compound", "poss", "nmod"):
        if etype == "casualties":
            return "victim"
        if etype in ("deployment", "weapons_test", "concealment"):
            return "agent"
        if etype == "attack":
            return "agent"
    return "other"


def _figure_owner_role(etype: str) -> str:
    return {"casualties": "victim", "deployment": "agent", "military_aid": "other", "weapons_test": "agent"}.get(etype, "other")


_SOURCE_TO_ACTOR_KIND = {"intelligence": "military", "unattributed": "media"}


def _claimant_actor(attrs: list[Attribution]) -> EventActor | None:
    for a in attrs:
        if a.source_kind != "unattributed":
            kind = _SOURCE_TO_ACTOR_KIND.get(a.source_kind, a.source_kind)
            return EventActor(a.source, a.source_country, kind if kind in ACTOR_KINDS else "organization", "agent")
    return None


def _is_claimant(ent: EntityMention, text: str, claimant_spans: list[tuple[int, int]], claimant_names: set[str]) -> bool:
    """The one who says it is not an actor of what is said: "Ukraine's emergency service said"."""
    if ent.name in claimant_names:
        return True
    for s, e in claimant_spans:
        if _overlaps(ent.start, ent.end, s, e):
            return True
        if text[ent.end : ent.end + 2] in ("'s", "’s") and 0 <= s - ent.end <= 4:
            return True
    return False


def _link_actors(
    c: Candidate, doc: Document, claimant_spans: list[tuple[int, int]], attrs: list[Attribution] | None = None
) -> None:
    attrs = attrs or []
    parse = doc.parse
    trig = _root_token(parse, c.trigger_start, c.trigger_end)
    # outlets a claim passed through are messengers, not actors
    seen: set[str] = {v for a in doc.attributions for v in a.via}
    claimant_names = {a.source for a in attrs if a.source_kind != "unattributed"}
    verb = _governing_verb(trig) if trig is not None else None
    for ent in doc.entities:
        if ent.kind not in ACTOR_KINDS or not _in(ent.start, ent.end, c.sent_start, c.sent_end):
            continue
        if any(_overlaps(ent.start, ent.end, s, e) for s, e in claimant_spans):
            continue
        if ent.name in seen:
            continue
        role = "other"
        in_figure = any(_in(ent.start, ent.end, f.start, f.end) for f in c.figures)
        if in_figure:
            role = _figure_owner_role(c.type)
        elif trig is not None:
            tok = _root_token(parse, ent.start, ent.end)
            path = _path_to(tok, trig) if tok is not None else None
            if path is not None:
                role = _role_from_path(c.type, path, trig)
            elif tok is not None and tok.head.i == trig.i:
                role = _role_from_path(c.type, [tok], trig)
            elif tok is not None and verb is not None and verb.i != trig.i and governing(tok).head.i == verb.i:
                # "The United States announced a new aid package": the subject of the
                # verb that governs the trigger's noun phrase
                dep = governing(tok).dep_
                if dep == "nsubj":
                    role = "agent"
                elif dep == "nsubjpass":
                    role = "victim" if c.type in ("casualties", "attack", "arrest") else "target"
        # the one who says it is not an actor of what is said, unless the sentence
        # makes it one ("Germany pledged ..., the two governments said")
        if role == "other" and _is_claimant(ent, doc.text, claimant_spans, claimant_names):
            continue
        seen.add(ent.name)
        c.actors.append(EventActor(ent.name, ent.country, ent.kind, role))
    if trig is not None and not any(a.role == "agent" for a in c.actors):
        group = _group_agent(trig, c.type, [(f.start, f.end) for f in c.figures], _claimant_actor(list(attrs)))
        if group is not None and group.name not in seen:
            c.actors.append(group)


_OBJECT_CHAIN_DEPS = frozenset({"compound", "amod", "nmod", "dobj", "attr", "nsubjpass", "conj", "appos"})


def _governing_verb(trig: Any) -> Any | None:
    """The verb whose object a nominal trigger is part of ("announced a new aid package"),
    or the trigger itself when it is a verb. A trigger under a preposition ("commented
    on the losses") has no governing verb: that verb did not make the event."""
    cur = trig
    for _ in range(6):
        if cur.pos_ in ("VERB", "AUX"):
            return cur
        if cur.head.i == cur.i or cur.dep_ not in _OBJECT_CHAIN_DEPS:
            return None
        cur = cur.head
    return None


#: common nouns that name an armed actor when no named entity does ("police opened fire")
GROUP_NOUNS: dict[str, str] = {
    **dict.fromkeys(("police", "policemen", "policeman", "cops", "constables", "troops", "soldiers", "army", "forces", "military", "paratroopers", "guards", "marines", "commandos", "servicemen", "navy", "jets", "warplanes", "aircraft", "drones", "artillery"), "military"),
    **dict.fromkeys(("militants", "rebels", "insurgents", "gunmen", "fighters", "terrorists", "jihadists", "separatists", "militia", "militias", "militiamen", "guerrillas", "bandits", "pirates", "extremists"), "armed_group"),
    **dict.fromkeys(("mob", "rioters", "attackers", "assailants", "protesters", "demonstrators"), "organization"),
}
KILL_VERBS = frozenset({"killed", "kill", "kills", "killing", "shot", "murdered", "executed", "massacred", "slain", "wounded", "injured", "captured", "beheaded", "lynched"})


def _group_agent(
    trig: Any, etype: str, figure_spans: list[tuple[int, int]], speaker: EventActor | None = None
) -> EventActor | None:
    """An unnamed armed actor as the agent: subject of an active verb, "by X", or "police firing"."""
    candidates: list[Any] = []
    if trig.dep_ == "acl" and trig.head.i + 1 == trig.i:
        candidates.append(trig.head)  # "police firing" parsed as a noun with a participle
    for ch in trig.children:
        if ch.dep_ == "nsubj" and (etype != "casualties" or trig.lower_ in KILL_VERBS and any(c.dep_ == "dobj" for c in trig.children)):
            candidates.append(ch)
        elif ch.dep_ == "agent":
            candidates.extend(g for g in ch.children if g.dep_ == "pobj")
        elif ch.dep_ in ("compound", "nmod") or (ch.dep_ == "amod" and trig.pos_ == "NOUN"):
            candidates.append(ch)
    for tok in candidates:
        kind = GROUP_NOUNS.get(tok.lower_)
        if kind is None or tok.dep_ == "amod" or tok.pos_ == "ADJ" or any(s <= tok.idx < e for s, e in figure_spans):
            continue
        if etype == "deployment" and tok.dep_ == "nsubj" and not any(c.dep_ == "dobj" for c in trig.children):
            continue  # "10,000 soldiers deployed": the soldiers are what was sent
        if speaker is not None and any(m.dep_ == "poss" and m.lower_ in ("its", "their", "our") for m in tok.children):
            return speaker  # "Moscow denied that its forces struck": the speaker's forces
        mods = [m.text for m in tok.lefts if m.dep_ in ("amod", "compound") and m.is_alpha]
        name = " ".join([*mods, tok.text]).lower()
        return EventActor(name, None, kind, "agent")
    return None


def _pick_location(c: Candidate, doc: Document, actor_spans: set[tuple[int, int]], claimant_spans: list[tuple[int, int]]) -> None:
    text = doc.text
    best: PlaceMention | None = None
    best_key: tuple[int, int] | None = None
    for p in doc.places:
        if not p.resolved or not _in(p.start, p.end, c.sent_start, c.sent_end):
            continue
        if any(_overlaps(p.start, p.end, s, e) for s, e in claimant_spans):
            continue
        before = text[max(c.sent_start, p.start - 20) : p.start].lower().split()
        prep = before[-1] if before else ""
        if prep == "the" and len(before) >= 2:
            prep = before[-2]
        locative = prep in LOCATIVE_PREPS
        if not locative and any(_overlaps(p.start, p.end, s, e) for s, e in actor_spans):
            continue
        at_line_start = p.start == 0 or text[p.start - 1] == "\n"
        if at_line_start and not locative and text[p.end : p.end + 3].lstrip()[:1] in (",", "(", "-", "\u2014"):
            continue  # a dateline ("SEOUL, Jan 3 (Yonhap) -") says where the reporter is
        key = (0 if locative else 1, PLACE_PRECISION_RANK.get(p.precision, 5) * 1000 + abs(p.start - c.trigger_start) // 10)
        if best_key is None or key < best_key:
            best, best_key = p, key
    c.location = best


def _pick_time(c: Candidate, doc: Document) -> None:
    best: TimeMention | None = None
    for t in doc.times:
        if not _in(t.start, t.end, c.sent_start, c.sent_end):
            continue
        if t.value_start is None and t.precision == "unknown":
            continue
        if best is None or abs(t.start - c.trigger_start) < abs(best.start - c.trigger_start):
            best = t
    c.time = best


def _share_agents(cands: list[Candidate]) -> None:
    """Casualties caused by an attack in the same sentence ("killed in police firing")
    have the attack's agent as theirs."""
    attackers = [a for c in cands if c.type == "attack" for a in c.actors if a.role == "agent"]
    if not attackers:
        return
    for c in cands:
        if c.type == "casualties" and not any(a.role == "agent" for a in c.actors):
            names = {a.name for a in c.actors}
            c.actors.extend(a for a in attackers if a.name not in names)


def _publisher_source(doc: Document) -> EventSource:
    return EventSource(doc.publisher or "unknown publisher", "unattributed", None, None, ())


def _source_of(a: Attribution) -> EventSource:
    kind = a.source_kind if a.source_kind else "unattributed"
    return EventSource(a.source, kind, a.source_country, a.cue or None, tuple(a.via))


def _sentence_attributions(c: Candidate, doc: Document) -> list[Attribution]:
    inside = [a for a in doc.attributions if _overlaps(a.start, a.end, c.sent_start, c.sent_end) or _overlaps(a.content_start, a.content_end, c.sent_start, c.sent_end)]
    covering = [a for a in inside if a.content_start <= c.trigger_start and c.trigger_end <= a.content_end]
    return covering or inside


_CLAUSE_DEPS = frozenset({"aux", "auxpass", "neg", "advmod", "mark", "prt", "acomp"})


def _clause_text(trig_tok: Any, sent_text: str) -> str:
    """The trigger's own clause: it, the verbs above it, and their auxiliaries and adverbs.

    Modality is scoped to this clause, so "more units may follow" does not make
    the deployment in the same sentence merely possible.
    """
    if trig_tok is None:
        return sent_text
    chain = [trig_tok, *trig_tok.ancestors]
    keep = {t.i: t for t in chain}
    for t in chain:
        for ch in t.children:
            if ch.dep_ in _CLAUSE_DEPS:
                keep[ch.i] = ch
    return " ".join(keep[i].text for i in sorted(keep))


def _status(c: Candidate, sent_text: str, trig_tok: Any, attrs: list[Attribution]) -> None:
    local = _clause_text(trig_tok, sent_text)
    clause_words = set(local.lower().split())
    # an attribution's hedge counts only when it sits in this event's clause
    hedges = {h for h in (a.hedge.lower() for a in attrs if a.hedge) if h in clause_words or h in ("reportedly", "allegedly", "unconfirmed")}
    negated = trig_tok is not None and any(ch.dep_ in _NEGATION_DEPS for ch in trig_tok.children)
    cues = " ".join(a.cue or "" for a in attrs)
    if _DENIAL.search(cues) or (negated and _DENIAL.search(sent_text)):
        c.status, c.certainty = "denied", "denied"
        return
    if _NO_EVIDENCE.search(sent_text) or negated:
        c.status, c.certainty = "unknown" if negated else c.status, "doubtful"
    if _PLANNED.search(local):
        c.status = "planned"
    if _POSSIBLE.search(local) or hedges & {"could", "may", "might", "possibly"}:
        if c.status == "occurred":
            c.status = "possible"
        if c.certainty == "asserted":
            c.certainty = "possible"
    if (_LIKELY.search(local) or hedges & {"likely", "probably", "expected"}) and c.certainty in ("asserted", "reported"):
        c.certainty = "likely"
    if c.status == "occurred" and _ONGOING.search(local):
        c.status = "ongoing"
    if c.certainty == "asserted" and any(a.source_kind != "unattributed" for a in attrs):
        c.certainty = "reported"
    if c.certainty == "asserted" and hedges & {"reportedly", "allegedly", "unconfirmed"}:
        c.certainty = "reported"


# --------------------------------------------------------------------------- figures and merging


def _assign_figures(cands: list[Candidate], figs: list[FigureMention], tax: Taxonomy, sent: Any, sent_index: int) -> list[Candidate]:
    """Give each figure to the event of its sentence it belongs to; make events from orphan figures."""
    extra: list[Candidate] = []
    for f in figs:
        primary = tax.figure_types.get(f.category)
        same = [c for c in cands if c.type == primary] if primary else []
        if not same:
            same = [c for c in cands if f.category in tax.figure_categories.get(c.type, ()) and f.category != "other"]
        if not same and f.category == "other":
            # "200 people were detained", "thousands of protesters": a plain count belongs to
            # the event whose trigger governs it or that it governs
            linked = [c for c in cands if "other" in tax.figure_categories.get(c.type, ()) and _linked(sent, f, c)]
            same = linked
        if same:
            # the candidate whose trigger is nearest the figure
            target = min(same, key=lambda c: abs(c.trigger_start - f.start))
            target.figures.append(f)
        elif primary is not None:
            c = _new(primary, f.start, f.end, sent, sent_index, f.category)
            c.figures.append(f)
            extra.append(c)
            cands.append(c)
    return extra


def _linked(sent: Any, f: FigureMention, c: Candidate) -> bool:
    """Is the figure's phrase syntactically tied to the candidate's trigger (head or dependent)?"""
    doc = sent.doc
    fig = doc.char_span(f.start, f.end, alignment_mode="expand")
    trig = doc.char_span(c.trigger_start, c.trigger_end, alignment_mode="expand")
    if fig is None or trig is None or not len(fig) or not len(trig):
        return False
    froot, troot = fig.root, trig.root
    return any(t.i == troot.i for t in froot.ancestors) or any(t.i == froot.i for t in troot.ancestors) or froot.head.i == troot.i


def _compatible_place(a: PlaceMention | None, b: PlaceMention | None) -> bool:
    if a is None or b is None:
        return True
    if a.geonames_id is not None and a.geonames_id == b.geonames_id:
        return True
    if a.name == b.name:
        return True
    if a.country and b.country and a.country != b.country:
        return False
    coarse = {"country", "region"}
    if a.precision in coarse or b.precision in coarse:
        return True
    if a.precision == "admin1" or b.precision == "admin1":
        return (a.admin1 or a.name) == (b.admin1 or b.name)
    return False


def _compatible_time(a: TimeMention | None, b: TimeMention | None) -> bool:
    if a is None or b is None or not a.value_start or not b.value_start:
        return True
    a_end = a.value_end or a.value_start
    b_end = b.value_end or b.value_start
    return a.value_start <= b_end and b.value_start <= a_end


def _should_merge(a: Candidate, b: Candidate) -> bool:
    if a.type != b.type or (a.status == "denied") != (b.status == "denied"):
        return False
    if not (_compatible_place(a.location, b.location) and _compatible_time(a.time, b.time)):
        return False
    if (
        a.time is not None
        and b.time is not None
        and a.time.precision == "day" == b.time.precision
        and a.time.value_start
        and b.time.value_start
        and a.time.value_start != b.time.value_start
    ):
        return False  # two different days
    agents_a = {x.name for x in a.actors if x.role == "agent"}
    agents_b = {x.name for x in b.actors if x.role == "agent"}
    if agents_a and agents_b and not agents_a & agents_b:
        return False  # different hands: "the US announced a package ... Germany pledged systems"
    near = min(abs(i - j) for i in a.sent_indices for j in b.sent_indices) <= 1
    if near:
        return True
    # a bare back-reference ("the losses", "the launch") adds nothing new: it is the earlier event
    if not b.figures and b.time is None and (b.location is None or b.location.precision in ("country", "region")):
        return True
    same_trigger = bool(a.triggers & b.triggers)
    names_a = {x.name for x in a.actors} | ({a.location.name} if a.location else set())
    names_b = {x.name for x in b.actors} | ({b.location.name} if b.location else set())
    return same_trigger and bool(names_a & names_b)


def _same_figure(f: FigureMention, g: FigureMention) -> bool:
    """The same number said twice (a heading and the body), or literally the same span."""
    return (f.start, f.end) == (g.start, g.end) or (
        f.category == g.category and f.qualifier == g.qualifier and (f.value, f.low, f.high) == (g.value, g.low, g.high)
    )


def _merge_into(a: Candidate, b: Candidate) -> None:
    for f in b.figures:
        if not any(_same_figure(f, g) for g in a.figures):
            a.figures.append(f)
    names = {x.name for x in a.actors}
    for actor in b.actors:
        if actor.name not in names:
            a.actors.append(actor)
            names.add(actor.name)
        elif actor.role != "other":
            a.actors = [actor if (x.name == actor.name and x.role == "other") else x for x in a.actors]
    if b.location is not None and (
        a.location is None or PLACE_PRECISION_RANK.get(b.location.precision, 5) < PLACE_PRECISION_RANK.get(a.location.precision, 5)
    ):
        a.location = b.location
    if b.time is not None and (a.time is None or TIME_PRECISION_RANK.get(b.time.precision, 6) < TIME_PRECISION_RANK.get(a.time.precision, 6)):
        a.time = b.time
    names = {s.name for s in a.sources}
    a.sources.extend(s for s in b.sources if s.name not in names)
    a.evidence.extend(e for e in b.evidence if e not in a.evidence)
    a.triggers |= b.triggers
    a.trigger_spans |= b.trigger_spans
    a.sent_indices |= b.sent_indices
    order = ["denied", "planned", "possible", "unknown", "ongoing", "occurred"]
    if order.index(b.status) < order.index(a.status):
        a.status = b.status
    cert = ["denied", "doubtful", "possible", "likely", "reported", "asserted"]
    if cert.index(b.certainty) < cert.index(a.certainty):
        a.certainty = b.certainty


def _merge(cands: list[Candidate]) -> list[Candidate]:
    out: list[Candidate] = []
    for c in sorted(cands, key=lambda c: (c.sent_index, c.trigger_start)):
        for prev in out:
            if _should_merge(prev, c):
                _merge_into(prev, c)
                break
        else:
            out.append(c)
    return out


# --------------------------------------------------------------------------- output

_QUALIFIER_WORDS = frozenset(
    {"around", "about", "at", "over", "more", "nearly", "almost", "roughly", "some", "an", "approximately", "up", "fewer", "less", "between", "dozens", "hundreds", "thousands", "several", "a", "the"}
)


def _figure_phrase(f: FigureMention) -> str:
    text = f.text.strip()
    first = text.split(" ", 1)[0]
    if first.istitle() and first.lower() in _QUALIFIER_WORDS:
        text = text[0].lower() + text[1:]
    words = text.lower()
    if f.category in ("killed", "injured", "captured", "missing") and f.category not in words:
        return f"{text} {f.category}"
    return text


def _summary(c: Candidate, tax: Taxonomy) -> str:
    label = tax.labels.get(c.type, c.type)
    agents = [a.name for a in c.actors if a.role == "agent"]
    targets = [a.name for a in c.actors if a.role in ("target", "victim") and a.name not in agents]
    benef = [a.name for a in c.actors if a.role == "beneficiary"]
    parts = [label]
    if agents:
        parts.append("by " + ", ".join(agents[:2]))
    if targets and c.type not in ("casualties",):
        parts.append(("against " if c.type in ("attack", "threat", "sanction") else "of ") + ", ".join(targets[:2]))
    if benef:
        parts.append("to " + ", ".join(benef[:2]))
    line = " ".join(parts)
    if c.figures:
        line += ": " + ", ".join(_figure_phrase(f) for f in c.figures[:3])
    if c.location is not None:
        line += f" in {c.location.name}"
    if c.time is not None:
        line += f" ({c.time.text})"
    if c.status in ("planned", "possible", "denied"):
        line += f" [{c.status}]"
    return line


def _event_id(doc: Document, c: Candidate) -> str:
    digest = hashlib.sha1(f"{doc.id}:{c.type}:{c.trigger_start}".encode()).hexdigest()[:12]
    return f"ev-{digest}"


def _to_event(doc: Document, c: Candidate, tax: Taxonomy) -> Event:
    loc = None
    if c.location is not None:
        p = c.location
        loc = EventLocation(p.name, p.country, p.admin1, p.lat, p.lon, p.precision, p.geonames_id)
    tm = None
    if c.time is not None:
        tm = EventTime(c.time.text, c.time.value_start, c.time.value_end, c.time.precision)
    sources = list(c.sources) or [_publisher_source(doc)]
    if any(s.kind != "unattributed" for s in sources):
        sources = [s for s in sources if s.kind != "unattributed"]
    evidence = tuple(Evidence(s, e, doc.text[s:e]) for s, e in sorted(set(c.evidence)))
    return Event(
        id=_event_id(doc, c),
        type=c.type,
        summary=_summary(c, tax),
        status=c.status,
        actors=tuple(c.actors),
        location=loc,
        time=tm,
        figures=tuple(sorted(c.figures, key=lambda f: f.start)),
        sources=tuple(sources),
        certainty=c.certainty,
        evidence=evidence,
        trigger=c.trigger,
        trigger_spans=tuple(sorted(c.trigger_spans)),
    )


def _claims(doc: Document, events: list[Event]) -> list[Claim]:
    out: list[Claim] = []
    for a in doc.attributions:
        lo, hi = min(a.start, a.content_start or a.start), max(a.end, a.content_end or a.end)
        supports = tuple(
            ev.id for ev in events if any(_overlaps(e.start, e.end, lo, hi) for e in ev.evidence) and any(s.name == a.source for s in ev.sources)
        )
        if a.source_kind == "unattributed" and not supports:
            continue
        cs, ce = (a.content_start, a.content_end) if a.content_end > a.content_start else (a.start, a.end)
        digest = hashlib.sha1(f"{doc.id}:{a.start}:{a.end}:{a.source}".encode()).hexdigest()[:12]
        out.append(
            Claim(
                id=f"cl-{digest}",
                text=doc.text[cs:ce],
                source=a.source,
                cue=a.cue or None,
                via=tuple(a.via),
                hedge=a.hedge,
                events=supports,
                evidence=(Evidence(a.start, a.end, doc.text[a.start : a.end]),),
                source_kind=a.source_kind,
            )
        )
    return out


def _by_sentence(layer: tuple[Any, ...], bounds: list[tuple[int, int]]) -> list[tuple[Any, ...]]:
    """The spans of a layer that lie inside each sentence, in one pass over both."""
    out: list[list[Any]] = [[] for _ in bounds]
    starts = [b[0] for b in bounds]
    for item in layer:
        i = bisect.bisect_right(starts, item.start) - 1
        if i >= 0 and item.end <= bounds[i][1]:
            out[i].append(item)
    return [tuple(x) for x in out]


def extract_events(doc: Document) -> tuple[list[Event], list[Claim]]:
    """Events and claims of one parsed, annotated document."""
    tax = taxonomy()
    parse = doc.parse
    if parse is None:
        return [], []
    claimant_spans = [(a.source_start, a.source_end) for a in doc.attributions if a.source_start is not None and a.source_end is not None]
    actor_spans = {(e.start, e.end) for e in doc.entities if e.kind in ACTOR_KINDS}
    all_cands: list[Candidate] = []
    sent_cands: list[list[Candidate]] = []
    sents = list(parse.sents)
    bounds = [(sent.start_char, sent.end_char) for sent in sents]
    figures_in, entities_in, places_in, times_in = (
        _by_sentence(layer, bounds) for layer in (doc.figures, doc.entities, doc.places, doc.times)
    )
    for si, sent in enumerate(sents):
        figs = list(figures_in[si])
        cands = _trigger_candidates(sent, si, tax, figs)
        _assign_figures(cands, figs, tax, sent, si)
        attrs = [a for a in doc.attributions if _overlaps(a.start, a.end, sent.start_char, sent.end_char)]
        sent_text = sent.text
        # the sentence's own layers: each candidate looks at these, not the whole document
        view = dataclasses.replace(doc, entities=entities_in[si], places=places_in[si], times=times_in[si]) if cands else doc
        for c in cands:
            c_attrs = _sentence_attributions(c, doc) or attrs
            # "Germany pledged air-defence systems": when the reporting verb is the
            # event's own trigger, its "speaker" is the one who acts
            acting = [
                a
                for a in c_attrs
                if a.cue_start is not None
                and a.cue_end is not None
                and _overlaps(a.cue_start, a.cue_end, c.trigger_start, c.trigger_end)
            ]
            if acting:
                c_attrs = [a for a in c_attrs if a not in acting]
                spans = [(s, e) for s, e in claimant_spans if not any((s, e) == (a.source_start, a.source_end) for a in acting)]
            else:
                spans = claimant_spans
            _link_actors(c, view, spans, c_attrs)
            _pick_location(c, view, actor_spans, claimant_spans)
            _pick_time(c, view)
            c.sources = [_source_of(a) for a in c_attrs]
            _status(c, sent_text, _root_token(parse, c.trigger_start, c.trigger_end), c_attrs)
        _share_agents(cands)
        # a sentence that doubts or denies "these actions" speaks of the sentence before it
        if not cands and si > 0 and sent_cands and sent_cands[-1]:
            if _NO_EVIDENCE.search(sent_text) and _ANAPHOR.search(sent_text):
                for prev in sent_cands[-1]:
                    prev.certainty = "doubtful" if prev.certainty not in ("denied",) else prev.certainty
                    prev.evidence.append((sent.start_char, sent.end_char))
            elif _DENIAL.search(sent_text) and _DENIED_REPORTS.search(sent_text):
                for prev in sent_cands[-1]:
                    denial = _new(prev.type, prev.trigger_start, prev.trigger_end, sent, si, prev.trigger)
                    denial.trigger_start = sent.start_char  # its own id: the denial sentence
                    denial.evidence = [(sent.start_char, sent.end_char)]
                    m = _DENIAL.search(sent_text)
                    denial.trigger_spans = {(sent.start_char + m.start(), sent.start_char + m.end())} if m else set()
                    denial.figures = []
                    denial.actors = list(prev.actors)
                    denial.location, denial.time = prev.location, prev.time
                    denial.sources = [_source_of(a) for a in attrs] or [_publisher_source(doc)]
                    denial.status, denial.certainty = "denied", "denied"
                    cands.append(denial)
        sent_cands.append(cands)
        all_cands.extend(cands)
    merged = _merge(all_cands)
    events = [_to_event(doc, c, tax) for c in merged]
    return events, _claims(doc, events)


def _events_stage(doc: Document) -> Document:
    events, claims = extract_events(doc)
    return dataclasses.replace(doc, events=tuple(events), claims=tuple(claims))


STAGE = Stage(
    name=NAME,
    fn=_events_stage,
    needs=("parse", "entities", "figures", "times", "places", "attributions"),
    adds=("events", "claims"),
)
