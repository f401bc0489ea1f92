"""Event candidates: taxonomy triggers confirmed by their neighbourhood, and figures.

Steps 1 and 2 of the events stage (see ``sitrep.stages.events``): words and
phrases from the taxonomy, ambiguous ones kept only when their object or
neighbourhood confirms the type, and figures that make events of their own.
"""

from __future__ import annotations

import bisect
import functools
import json
from dataclasses import dataclass, field
from importlib import resources

from ..records import (
    Attribution,
    EntityMention,
    EventActor,
    EventSource,
    FigureMention,
    PlaceMention,
    TimeMention,
)
from .events_parse import ParseTable

__all__ = ["Candidate", "Sentence", "Taxonomy", "assign_figures", "new_candidate", "taxonomy", "trigger_candidates", "trigger_words"]


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
    first_words: frozenset[str]  # trigger words and the first words of trigger phrases


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
        first_words=frozenset(single) | {m[0][0] for m in multi},
    )


# --------------------------------------------------------------------------- records


@dataclass(slots=True)
class Sentence:
    """One sentence of the parse and the layers that lie inside it."""

    index: int
    start: int  # first token
    end: int  # one past the last token
    start_char: int
    end_char: int
    text: str
    figures: tuple[FigureMention, ...] = ()
    entities: tuple[EntityMention, ...] = ()
    places: tuple[PlaceMention, ...] = ()
    times: tuple[TimeMention, ...] = ()
    #: attributions whose statement overlaps the sentence
    attributions: list[Attribution] = field(default_factory=list)
    #: attributions whose statement or content overlaps the sentence
    touching: list[Attribution] = field(default_factory=list)
    #: (start, end) of the sources of claims, and of actor entities, that overlap the sentence
    claimant_spans: list[tuple[int, int]] = field(default_factory=list)
    actor_spans: list[tuple[int, int]] = field(default_factory=list)
    #: worked out when first needed: whether the sentence says there is no evidence, and
    #: the places an event of it can have
    doubted: bool | None = None
    place_options: list[tuple[int, int, PlaceMention]] | None = None


@dataclass(slots=True)
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


def new_candidate(etype: str, start: int, end: int, sent: Sentence, word: str) -> Candidate:
    return Candidate(
        type=etype,
        trigger=word,
        trigger_start=start,
        trigger_end=end,
        sent_index=sent.index,
        sent_start=sent.start_char,
        sent_end=sent.end_char,
        evidence=[(sent.start_char, sent.end_char)],
        triggers={word},
        trigger_spans={(start, end)},
        sent_indices={sent.index},
    )


# --------------------------------------------------------------------------- confirming triggers

#: a missile fired into the sea was tested, not aimed at anyone
_WATERS = frozenset({"sea", "seas", "ocean", "waters", "gulf", "bay", "strait", "coast"})
#: words that make "hit"/"targeted" an attack rather than a figure of speech
_ATTACK_CONTEXT = frozenset(
    {"drone", "drones", "missile", "missiles", "rocket", "rockets", "shell", "shells", "artillery", "bomb", "bombs",
     "strike", "strikes", "airstrike", "airstrikes", "depot", "base", "airfield", "refinery", "positions", "convoy",
     "infrastructure", "plant", "bridge", "warplanes", "jets", "forces", "troops"}
)
_TEST_WORDS = frozenset({"test", "tests", "tested", "testing"})
_LAUNCH_WORDS = frozenset({"launch", "launches", "launched", "launching", "fired", "fires", "firing"})
_OFFENSIVE_WORDS = frozenset({"offensive", "attack", "assault", "counteroffensive", "operation", "strike", "strikes", "raid"})
_TARGET_PREPS = frozenset({"at", "on", "into", "against", "toward", "towards"})
_STRONG_DEPLOYMENT = frozenset(
    {"deployed", "deploy", "deploys", "deploying", "deployment", "deployments", "reinforcements", "mobilised",
     "mobilized", "mobilisation", "mobilization"}
)
_AID_WORDS = frozenset({"aid", "assistance", "arms", "shipment", "shipments", "deliveries"})
_AID_CONTEXT = frozenset({"military", "weapons", "arms", "defence", "defense", "security", "lethal"})
_AID_NOT_MILITARY = frozenset({"workers", "worker", "agency", "agencies", "group", "groups"})
_HIT_WORDS = frozenset({"hit", "hits", "targeted", "targeting", "target", "targets"})
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
#: people taken by these were arrested, not captured in battle ("police seized three suspects")
_POLICE_WORDS = frozenset(
    {"police", "policemen", "policeman", "policewomen", "cops", "constables", "constable", "officers", "authorities",
     "security", "gendarmes", "gendarmerie", "detectives", "investigators", "agents", "sheriff", "deputies", "customs",
     "prosecutors", "interpol", "fbi"}
)
#: people whom anyone takes are arrested or held hostage ("two suspects were captured", "seized hostages")
_SUSPECT_WORDS = frozenset(
    {"suspect", "suspects", "accused", "fugitive", "fugitives", "criminal", "criminals", "smugglers", "traffickers",
     "robbers", "thieves", "gangsters", "absconder", "absconders", "hostage", "hostages"}
)
_PERSON_WORDS = _PEOPLE_NOUNS | _SUSPECT_WORDS | frozenset(
    {"man", "woman", "women", "persons", "individuals", "youths", "youth", "boys", "girls", "children", "journalist",
     "journalists", "activist", "activists", "protesters", "demonstrators", "students", "student", "leader", "leaders",
     "rebels", "rebel", "insurgents", "insurgent", "gunmen", "gunman", "militant", "fighter", "him", "her", "he",
     "she", "who", "whom", "me", "us", "worker", "workers", "citizens", "nationals", "driver", "drivers", "villagers",
     "residents", "policemen", "guards", "terrorists", "terrorist", "separatists", "attackers", "accomplices"}
)
#: things that are seized or detained without anyone being arrested ("detained a fishing vessel")
_THING_NOUNS = _PLACE_NOUNS | frozenset(
    {"vessel", "vessels", "ship", "ships", "boat", "boats", "tanker", "tankers", "cargo", "weapons", "weapon", "arms",
     "ammunition", "explosives", "vehicle", "vehicles", "truck", "trucks", "car", "cars", "aircraft", "plane", "goods",
     "shipment", "shipments", "consignment", "drugs", "containers", "cash", "money", "assets", "property", "it",
     "documents", "equipment", "rifles", "guns", "grenades"}
)
_ARREST_TAKE_VERBS = _TAKE_VERBS | {"picked"}
_DETAIN_VERBS = frozenset({"detained", "detain", "detains"})
_CUSTODY_VERBS = frozenset({"took", "take", "taken", "takes", "taking"})
#: "blew up", "went off", "exploded": an attack only when a bomb went off or a target was blown up
_BLAST_VERBS = frozenset({"exploded", "explode", "explodes", "exploding", "blew", "blown", "went"})
_EXPLOSIVES_TARGETS = frozenset(
    {"bomb", "bombs", "device", "devices", "ied", "ieds", "explosive", "explosives", "mine", "mines", "landmine",
     "landmines", "shell", "shells", "grenade", "grenades", "rocket", "rockets", "missile", "missiles", "mortar",
     "mortars", "munition", "munitions", "ammunition", "charge", "charges", "bomber", "bombers", "dynamite", "vest",
     "projectile", "projectiles", "drone", "drones", "building", "buildings", "bridge", "bridges", "vehicle",
     "vehicles", "car", "cars", "truck", "trucks", "bus", "buses", "train", "pipeline", "pipelines", "house",
     "houses", "home", "homes", "tank", "tanks", "depot", "warehouse", "station", "tower", "checkpoint", "convoy",
     "school", "mosque", "church", "market", "office", "plant", "dam", "railway", "tunnel", "hotel", "embassy", "ship",
     "vessel", "boat", "jeep", "van", "motorcycle", "motorbike", "tanker", "cart", "rickshaw", "bicycle", "base"}
)
_PRONOUN_ARGS = frozenset({"it", "they", "which", "that", "this", "these", "those", "what"})
#: entity labels a trigger word inside a name or date never counts in
_MULTI_BLOCKING = frozenset({"DATE", "TIME", "PERSON", "ORG", "WORK_OF_ART", "LAW"})
_SINGLE_BLOCKING = _MULTI_BLOCKING | {"EVENT", "PRODUCT", "FAC"}


def _targets_something(pt: ParseTable, prep: int) -> bool:
    """"fired at X", "launched on X": a preposition whose object is a target, not a date."""
    if pt.dep[prep] != "prep" or pt.lower[prep] not in _TARGET_PREPS:
        return False
    objs = [c for c in pt.children[prep] if pt.dep[c] == "pobj"]
    return bool(objs) and all(
        pt.ent[o] not in ("DATE", "TIME") and not pt.like_num(o) and pt.lower[o] not in _WATERS for o in objs
    )


def _object_check(etype: str, i: int, pt: ParseTable, sent: Sentence, tax: Taxonomy) -> str | None:
    """Confirm or re-type an ambiguous trigger from its neighbourhood."""
    word = pt.lower[i]
    if etype == "weapons_test":
        near = pt.near_words(i, sent.start, sent.end)
        if word in _TEST_WORDS and not (near & tax.test_objects):
            return None
        if word in _LAUNCH_WORDS:
            if _OFFENSIVE_WORDS & near:
                return "attack"
            if any(_targets_something(pt, c) for c in pt.children[i]):
                return "attack"
            if not (near & tax.test_objects):
                return "attack" if word in ("fired", "firing") else None
        return etype
    if etype == "deployment" and word in _BUILD_VERBS:
        # "set up a new observation post", "established three bases": the object must be military
        return etype if (pt.subtree_words(i) - {word}) & tax.deployment_objects else None
    if etype == "attack" and word in _TAKE_VERBS:
        return etype if _object_is_place(pt, i) else None
    if etype == "casualties" and word in _TAKE_VERBS:
        if _taken_by_police(pt, i) or _object_is_suspect(pt, i):
            return None  # an arrest (below)
        return etype if _object_is_people(pt, i, sent.figures) else None
    if etype == "arrest" and word in _ARREST_TAKE_VERBS:
        people = any(_is_person(pt, o) for o in _taken(pt, i))
        return etype if people and (_taken_by_police(pt, i) or _object_is_suspect(pt, i)) else None
    if etype == "arrest" and word in _DETAIN_VERBS:
        objs = _objects(pt, i)
        return None if objs and all(_is_thing(pt, o) for o in objs) else etype
    if etype == "arrest" and word == "custody":
        # "the weapons were taken into custody": a thing, no arrest
        prep = pt.head[i]
        verb = pt.head[prep]
        if pt.lower[prep] == "into" and pt.lower[verb] in _CUSTODY_VERBS:
            objs = _objects(pt, verb)
            return None if objs and all(_is_thing(pt, o) for o in objs) else etype
        return etype
    if etype == "attack" and word in _BLAST_VERBS:
        return etype if _blast_of_explosive_or_target(pt, i, sent) else None
    if etype == "deployment":
        if word in _STRONG_DEPLOYMENT:
            return etype
        near = pt.near_words(i, sent.start, sent.end)
        if near & tax.deployment_objects or any(f.category in ("troops", "units") for f in sent.figures):
            return etype
        return None
    if etype == "military_aid":
        h = pt.head[i]
        if word in ("aid", "assistance") and pt.dep[i] == "compound" and pt.lower[h] in _AID_NOT_MILITARY:
            return None
        if word in _AID_WORDS:
            near = pt.near_words(i, sent.start, sent.end)
            return etype if (_AID_CONTEXT & near or word == "arms") else None
        structural = set(pt.subtree_words(i))
        if pt.pos[i] == "NOUN":
            structural.update(pt.lower[c] for c in pt.children[h])
        structural.discard(word)
        return etype if structural & tax.aid_objects else None
    if etype == "attack" and word in _HIT_WORDS:
        return etype if pt.near_words(i, sent.start, sent.end) & _ATTACK_CONTEXT else None
    if etype == "casualties" and _negative_subject(pt, i):
        return None  # "nobody was hurt", "no casualties were reported"
    return etype


def _objects(pt: ParseTable, i: int) -> list[int]:
    """What was taken: the direct object, or the passive subject ("the town was captured")."""
    return [c for c in pt.children[i] if pt.dep[c] in ("dobj", "nsubjpass", "obj")]


#: "hundreds of hostages", "a group of soldiers": the people are the object of "of"
_QUANTITY_WORDS = frozenset(
    {"hundreds", "dozens", "thousands", "scores", "tens", "number", "group", "groups", "some", "several", "many",
     "all", "each", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "dozen"}
)


def _taken(pt: ParseTable, i: int) -> list[int]:
    """The objects of a taking verb, seen through quantities ("hundreds of hostages")."""
    out = []
    for o in _objects(pt, i):
        out.append(o)
        if pt.lower[o] in _QUANTITY_WORDS or pt.like_num(o):
            out += [g for p in pt.children[o] if pt.lower[p] == "of" for g in pt.children[p] if pt.dep[g] == "pobj"]
    return out


def _is_person(pt: ParseTable, o: int) -> bool:
    return pt.ent[o] in ("PERSON", "NORP") or pt.lower[o] in _PERSON_WORDS


def _is_thing(pt: ParseTable, o: int) -> bool:
    return pt.ent[o] in ("GPE", "LOC", "FAC", "PRODUCT", "MONEY") or pt.lower[o] in _THING_NOUNS


def _object_is_suspect(pt: ParseTable, i: int) -> bool:
    return any(pt.lower[o] in _SUSPECT_WORDS for o in _taken(pt, i))


def _with_modifiers(pt: ParseTable, t: int) -> set[str]:
    """The word and its compound and adjective modifiers ("security forces", "border police")."""
    return {pt.lower[t], *(pt.lower[c] for c in pt.children[t] if pt.dep[c] in ("compound", "amod"))}


def _takers(pt: ParseTable, i: int) -> list[int]:
    """Who took: the agent of a passive ("by police"), else the subject of the verb or of the
    verb its clause is a conjunct of ("police raided the house and seized two men")."""
    kids = pt.children
    agents = [g for c in kids[i] if pt.dep[c] == "agent" for g in kids[c] if pt.dep[g] == "pobj"]
    if agents:
        return agents
    for v in (i, pt.governing(i)):
        subj = [c for c in kids[v] if pt.dep[c] == "nsubj"]
        if subj:
            return subj
    return []


def _taken_by_police(pt: ParseTable, i: int) -> bool:
    return any(_with_modifiers(pt, t) & _POLICE_WORDS for t in _takers(pt, i))


def _blast_of_explosive_or_target(pt: ParseTable, i: int, sent: Sentence) -> bool:
    """Did a bomb go off, or was a target blown up? Not "the deal blew up", "the alarm went off"."""
    dep, head, kids = pt.dep, pt.head, pt.children
    args = [c for c in kids[i] if dep[c] in ("nsubj", "nsubjpass", "dobj", "obj")]
    if dep[i] in ("amod", "acl") or (dep[i] == "relcl" and (not args or all(pt.lower[a] in _PRONOUN_ARGS for a in args))):
        args.append(head[i])  # "exploding shells", "a bomb which exploded"
    if not args and dep[i] == "conj":
        g = pt.governing(i)
        args = [c for c in kids[g] if dep[c] in ("nsubj", "nsubjpass")]
    for a in args:
        if _with_modifiers(pt, a) & _EXPLOSIVES_TARGETS or pt.ent[a] == "FAC":
            return True
    if any(pt.lower[a] not in _PRONOUN_ARGS for a in args):
        return False
    # no argument, or only "it"/"they": this sentence or the one before must speak of explosives
    if pt.near_words(i, sent.start, sent.end) & _EXPLOSIVES_TARGETS:
        return True
    k = bisect.bisect_left(pt.sent_starts, sent.start)
    before = pt.sent_starts[k - 1] if k > 0 else sent.start
    return not _EXPLOSIVES_TARGETS.isdisjoint(pt.lower[before : sent.end])


def _object_is_place(pt: ParseTable, i: int) -> bool:
    return any(pt.ent[o] in ("GPE", "LOC", "FAC") or pt.lower[o] in _PLACE_NOUNS for o in _objects(pt, i))


def _object_is_people(pt: ParseTable, i: int, sent_figs: tuple[FigureMention, ...]) -> bool:
    if any(f.category == "captured" for f in sent_figs):
        return True
    return any(pt.ent[o] in ("PERSON", "NORP") or pt.lower[o] in _PEOPLE_NOUNS for o in _objects(pt, i))


def _negative_subject(pt: ParseTable, i: int) -> bool:
    """Is the casualty word denied by a negative quantifier ("no one was killed", "no casualties")?"""
    lower, dep, children = pt.lower, pt.dep, pt.children
    kids = children[i]
    if any(lower[c] in _NEGATIVE_WORDS and dep[c] in ("det", "neg", "nsubj", "nsubjpass", "advmod") for c in kids):
        return True
    for c in kids:
        if dep[c] in ("nsubj", "nsubjpass"):
            if lower[c] in _NEGATIVE_WORDS or (lower[c] == "one" and any(lower[g] == "no" for g in children[c])):
                return True
            if any(lower[g] in _NEGATIVE_WORDS and dep[g] in ("det", "neg") for g in children[c]):
                return True
    return dep[i] in ("attr", "acomp") and any(
        dep[c] in ("nsubj", "nsubjpass") and lower[c] in _NEGATIVE_WORDS for c in children[pt.head[i]]
    )


def trigger_words(pt: ParseTable, tax: Taxonomy) -> list[int]:
    """The tokens of the document that are a trigger word or begin a trigger phrase."""
    first = tax.first_words
    return [i for i, w in enumerate(pt.lower) if w in first]


def trigger_candidates(pt: ParseTable, sent: Sentence, tax: Taxonomy, words_at: list[int]) -> list[Candidate]:
    """The confirmed trigger words and phrases of one sentence, phrases first.

    ``words_at`` are the sentence's tokens that are or begin a trigger (``trigger_words``)."""
    out: list[Candidate] = []
    used: set[int] = set()
    lower, s0, s1 = pt.lower, sent.start, sent.end
    multi, single = tax.multi_by_first, tax.single
    # multi-word triggers first (indexed by their first word, longest first)
    for k in words_at:
        for words, etype in multi.get(lower[k], ()):
            n = len(words)
            if k + n > s1 or tuple(lower[k : k + n]) != words or any(j in used for j in range(k, k + n)):
                continue
            if pt.ent[k] in _MULTI_BLOCKING:
                continue
            final = _object_check(etype, k, pt, sent, tax)
            if final is None:
                continue
            used.update(range(k, k + n))
            out.append(new_candidate(final, pt.idx[k], pt.end_char(k + n - 1), sent, " ".join(words)))
    for k in words_at:
        low = lower[k]
        if low not in single or k in used:
            continue
        if pt.ent[k] in _SINGLE_BLOCKING or (pt.pos[k] == "PROPN" and k > s0):
            continue
        for etype in single[low]:
            final = _object_check(etype, k, pt, sent, tax)
            if final is None:
                continue
            out.append(new_candidate(final, pt.idx[k], pt.end_char(k), sent, low))
    return out


# --------------------------------------------------------------------------- figures


def assign_figures(cands: list[Candidate], pt: ParseTable, tax: Taxonomy, sent: Sentence) -> None:
    """Give each figure to the event of its sentence it belongs to; make events from orphan figures."""
    for f in sent.figures:
        primary = tax.figure_types.get(f.category)
        same = [c for c in cands if c.type == primary] if primary else []
        if not same:
            same = [c for c in cands if f.category in tax.figure_categories.get(c.type, ()) and f.category != "other"]
        if not same and f.category == "other":
            # "200 people were detained", "thousands of protesters": a plain count belongs to
            # the event whose trigger governs it or that it governs
            same = [c for c in cands if "other" in tax.figure_categories.get(c.type, ()) and _linked(pt, f, c)]
        if same:
            # the candidate whose trigger is nearest the figure
            target = min(same, key=lambda c: abs(c.trigger_start - f.start))
            target.figures.append(f)
        elif primary is not None:
            c = new_candidate(primary, f.start, f.end, sent, f.category)
            c.figures.append(f)
            cands.append(c)


def _linked(pt: ParseTable, f: FigureMention, c: Candidate) -> bool:
    """Is the figure's phrase syntactically tied to the candidate's trigger (head or dependent)?"""
    froot = pt.root(f.start, f.end)
    troot = pt.root(c.trigger_start, c.trigger_end)
    if froot is None or troot is None:
        return False
    return pt.is_ancestor(troot, froot) or pt.is_ancestor(froot, troot) or pt.head[froot] == troot
