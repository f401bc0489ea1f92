"""Event arguments: actors from the dependency tree, place, time, sources, status.

Steps 3 and 4 of the events stage (see ``sitrep.stages.events``). Every
function works on one candidate and the layers of its own sentence.
"""

from __future__ import annotations

import functools
import re

from ..records import Attribution, EventActor, EventSource, FigureMention, PlaceMention, TimeMention
from .events_parse import ParseTable
from .events_triggers import Candidate, Sentence

__all__ = [
    "ACTOR_KINDS",
    "Caseless",
    "DENIAL",
    "GROUP_NOUNS",
    "KILL_VERBS",
    "NO_EVIDENCE",
    "link_actors",
    "pick_location",
    "pick_time",
    "set_status",
    "share_agents",
    "source_of",
]

ACTOR_KINDS = frozenset({"state", "military", "government", "armed_group", "person", "organization", "media"})
LOCATIVE_PREPS = frozenset(
    {"in", "near", "at", "into", "to", "from", "across", "around", "outside", "inside", "towards", "toward", "on", "over", "off", "along", "within", "throughout", "between"}
)
PLACE_PRECISION_RANK = {"point": 0, "city": 1, "admin1": 2, "region": 3, "country": 4, None: 5}

class Caseless:
    """A case-insensitive pattern, searched on lower-cased text where that gives the
    same matches at the same offsets (``re.I`` alternations are several times slower).

    The pattern must be written in lower case. Lower-casing keeps offsets when no
    character lower-cases to several, and keeps matches when the text holds none of
    the characters ``re.I`` also matches an ASCII letter with (dotless i, long s).
    """

    __slots__ = ("fast", "slow")

    def __init__(self, pattern: str) -> None:
        self.fast = re.compile(pattern)
        self.slow = re.compile(pattern, re.I)

    def search(self, text: str, low: str | None = None) -> re.Match[str] | None:
        """The first match in ``text`` (``low`` is ``text.lower()`` when the caller has it)."""
        if low is None:
            low = text.lower()
        if len(low) == len(text) and "\u0131" not in low and "\u017f" not in low:
            return self.fast.search(low)
        return self.slow.search(text)


_PLANNED = Caseless(
    r"\b(?:will|shall|plans? to|planning|planned|plott(?:ing|ed)|prepar(?:es|ing|ed) to|intends? to|intending to|"
    r"is set to|are set to|ready to|scheduled to|about to|going to|aims? to|would|upcoming|likely to|expected to|"
    r"to be (?:sent|deployed|delivered))\b"
)
_POSSIBLE = Caseless(r"\b(?:could|may|might|possibl[ey]|potential(?:ly)?|capable of|able to)\b")
_LIKELY = Caseless(r"\b(?:likely|probably|expected to|expects? to|is believed|are believed|presumably)\b")
_ONGOING = Caseless(
    r"\b(?:ongoing|continu(?:e|es|ing)|still|are fighting|is fighting|underway|raging|persist(?:s|ing)?|"
    r"(?:has|have) been \w+ing)\b"
)
#: any of the four above: most clauses have none, and one search rules them all out
_MODAL = Caseless("|".join(p.fast.pattern for p in (_PLANNED, _POSSIBLE, _LIKELY, _ONGOING)))
DENIAL = Caseless(
    r"\b(?:denie[sd]|deny(?:ing)?|dismisse[sd]|dismissing|rejecte?d?s? (?:the )?(?:claims?|reports?|allegations?)|refute[sd]?|"
    r"fabricat(?:ed|ions?)|baseless|fake news|untrue|false claims?)\b"
)
NO_EVIDENCE = Caseless(
    r"\b(?:no|not any|little|without)\s+(?:direct\s+|clear\s+|concrete\s+|immediate\s+|hard\s+)?(?:indications?|evidence|signs?|confirmation|proof)\b"
)

#: common nouns that name an armed actor when no named entity does ("police opened fire")
GROUP_NOUNS: dict[str, str] = {
    **dict.fromkeys(("police", "policemen", "policeman", "cops", "constables", "troops", "soldiers", "army", "forces", "military", "paratroopers", "guards", "marines", "commandos", "servicemen", "navy", "jets", "warplanes", "aircraft", "drones", "artillery"), "military"),
    **dict.fromkeys(("militants", "rebels", "insurgents", "gunmen", "fighters", "terrorists", "jihadists", "separatists", "militia", "militias", "militiamen", "guerrillas", "bandits", "pirates", "extremists"), "armed_group"),
    **dict.fromkeys(("mob", "rioters", "attackers", "assailants", "protesters", "demonstrators"), "organization"),
}
KILL_VERBS = frozenset({"killed", "kill", "kills", "killing", "shot", "murdered", "executed", "massacred", "slain", "wounded", "injured", "captured", "beheaded", "lynched"})
_VICTIM_TYPES = frozenset({"casualties", "attack", "arrest"})
_SOURCE_TO_ACTOR_KIND = {"intelligence": "military", "unattributed": "media"}
_FIGURE_OWNER_ROLE = {"casualties": "victim", "deployment": "agent", "military_aid": "other", "weapons_test": "agent"}
_OBJECT_CHAIN_DEPS = frozenset({"compound", "amod", "nmod", "dobj", "attr", "nsubjpass", "conj", "appos"})
_CLAUSE_DEPS = frozenset({"aux", "auxpass", "neg", "advmod", "mark", "prt", "acomp"})
_NEGATION_DEPS = frozenset({"neg"})
_REPORTING_HEDGES = frozenset({"reportedly", "allegedly", "unconfirmed"})


def _in(span_start: int, span_end: int, start: int, end: int) -> bool:
    return span_start >= start and span_end <= end


def _overlaps(a0: int, a1: int, b0: int, b1: int) -> bool:
    return a0 < b1 and b0 < a1


# --------------------------------------------------------------------------- actors


@functools.lru_cache(maxsize=4096)
def _actor(name: str, country: str | None, kind: str, role: str) -> EventActor:
    """One shared record per actor and role (records are immutable; making them is slow)."""
    return EventActor(name, country, kind, role)


def _path_to(pt: ParseTable, tok: int, target: int, limit: int = 8) -> list[int] | None:
    """Tokens from ``tok`` up to (not including) ``target`` along heads, if reachable."""
    head = pt.head
    path = [tok]
    cur = tok
    for _ in range(limit):
        if cur == target:
            return path[:-1]
        if head[cur] == cur:
            return None
        cur = head[cur]
        path.append(cur)
    return None


def _has_object(pt: ParseTable, i: int) -> bool:
    return any(pt.dep[c] == "dobj" for c in pt.children[i])


def _role_from_path(pt: ParseTable, etype: str, path: list[int], trig: int) -> str:
    if not path:
        return "other"
    dep_of = pt.dep
    top = path[-1]  # the child of the trigger on the path
    dep = dep_of[top]
    if dep in ("nsubj", "csubj"):
        if etype == "casualties":
            transitive = pt.lower[trig] in KILL_VERBS and _has_object(pt, trig)
            return "agent" if transitive else "victim"
        return "agent"
    if dep in ("nsubjpass", "csubjpass"):
        return "victim" if etype in _VICTIM_TYPES else "target"
    if dep in ("dobj", "obj", "attr"):
        if etype == "deployment":
            return "agent" if any(dep_of[t] in ("poss", "amod", "compound", "nmod") for t in path[:-1]) else "other"
        if etype == "military_aid":
            return "beneficiary" if any(dep_of[t] == "poss" for t in path[:-1]) else "other"
        return "victim" if etype == "casualties" else "target"
    if dep == "agent":
        return "agent"
    if dep == "prep" or (len(path) >= 2 and dep_of[path[-2]] == "pobj"):
        prep = pt.lower[top] if dep == "prep" else ""
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
        if etype in ("deployment", "weapons_test", "concealment", "attack"):
            return "agent"
    return "other"


def _claimant_actor(attrs: list[Attribution]) -> EventActor | None:
    for a in attrs:
        if a.source_kind != "unattributed":
            kind = _SOURCE_TO_ACTOR_KIND.get(a.source_kind, a.source_kind)
            return EventActor(a.source, a.source_country, kind if kind in ACTOR_KINDS else "organization", "agent")
    return None


def _governing_verb(pt: ParseTable, trig: int) -> int | None:
    """The verb whose object a nominal trigger is part of ("announced a new aid package"),
    or the trigger itself when it is a verb. A trigger under a preposition ("commented
    on the losses") has no governing verb: that verb did not make the event."""
    cur = trig
    for _ in range(6):
        if pt.pos[cur] in ("VERB", "AUX"):
            return cur
        if pt.head[cur] == cur or pt.dep[cur] not in _OBJECT_CHAIN_DEPS:
            return None
        cur = pt.head[cur]
    return None


def link_actors(
    c: Candidate,
    pt: ParseTable,
    sent: Sentence,
    via: frozenset[str],
    claimant_spans: tuple[list[tuple[int, int]], list[tuple[int, int]]],
    attrs: list[Attribution],
    text: str,
) -> None:
    """The actors of the sentence's entities (and an unnamed armed group) with their roles.

    ``via`` are the outlets claims passed through (messengers, not actors);
    ``claimant_spans`` the sources of claims that are not this event's own
    actors (those overlapping the sentence, and all of the document's);
    ``text`` the document's text.
    """
    trig = pt.root(c.trigger_start, c.trigger_end)
    seen = set(via)
    claimant_names = {a.source for a in attrs if a.source_kind != "unattributed"}
    verb: int | None = -1  # the trigger's governing verb, found when first needed
    local_spans, all_spans = claimant_spans
    for ent in sent.entities:
        if ent.kind not in ACTOR_KINDS or not _in(ent.start, ent.end, c.sent_start, c.sent_end):
            continue
        if ent.name in seen or any(_overlaps(ent.start, ent.end, s, e) for s, e in local_spans):
            continue
        role = "other"
        if any(_in(ent.start, ent.end, f.start, f.end) for f in c.figures):
            role = _FIGURE_OWNER_ROLE.get(c.type, "other")
        elif trig is not None:
            tok = pt.root(ent.start, ent.end)
            path = _path_to(pt, tok, trig) if tok is not None else None
            if path is not None:
                role = _role_from_path(pt, c.type, path, trig)
            elif tok is not None and pt.head[tok] == trig:
                role = _role_from_path(pt, c.type, [tok], trig)
            elif tok is not None:
                # "The United States announced a new aid package": the subject of the
                # verb that governs the trigger's noun phrase
                if verb == -1:
                    verb = _governing_verb(pt, trig)
                gov = pt.governing(tok)
                if verb is not None and verb != trig and pt.head[gov] == verb:
                    if pt.dep[gov] == "nsubj":
                        role = "agent"
                    elif pt.dep[gov] == "nsubjpass":
                        role = "victim" if c.type in _VICTIM_TYPES else "target"
        # the one who says it is not an actor of what is said ("Ukraine's emergency
        # service said"), unless the sentence makes it one ("Germany pledged ..., the
        # two governments said")
        if role == "other" and (
            ent.name in claimant_names
            or (text[ent.end : ent.end + 2] in ("'s", "’s") and any(0 <= s - ent.end <= 4 for s, _ in all_spans))
        ):
            continue
        seen.add(ent.name)
        c.actors.append(_actor(ent.name, ent.country, ent.kind, role))
    if trig is not None and not any(a.role == "agent" for a in c.actors):
        group = _group_agent(pt, trig, c.type, c.figures, attrs)
        if group is not None and group.name not in seen:
            c.actors.append(group)


def _group_agent(
    pt: ParseTable, trig: int, etype: str, figures: list[FigureMention], attrs: list[Attribution]
) -> EventActor | None:
    """An unnamed armed actor as the agent: subject of an active verb, "by X", or "police firing"
    (or, for "its forces", the speaker of ``attrs``)."""
    dep, lower, children = pt.dep, pt.lower, pt.children
    candidates: list[int] = []
    if dep[trig] == "acl" and pt.head[trig] + 1 == trig:
        candidates.append(pt.head[trig])  # "police firing" parsed as a noun with a participle
    for ch in children[trig]:
        d = dep[ch]
        if d == "nsubj" and (etype != "casualties" or lower[trig] in KILL_VERBS and _has_object(pt, trig)):
            candidates.append(ch)
        elif d == "agent":
            candidates.extend(g for g in children[ch] if dep[g] == "pobj")
        elif d in ("compound", "nmod") or (d == "amod" and pt.pos[trig] == "NOUN"):
            candidates.append(ch)
    for tok in candidates:
        kind = GROUP_NOUNS.get(lower[tok])
        if kind is None or dep[tok] == "amod" or pt.pos[tok] == "ADJ" or any(f.start <= pt.idx[tok] < f.end for f in figures):
            continue
        if etype == "deployment" and dep[tok] == "nsubj" and not _has_object(pt, trig):
            continue  # "10,000 soldiers deployed": the soldiers are what was sent
        if any(dep[m] == "poss" and lower[m] in ("its", "their", "our") for m in children[tok]):
            speaker = _claimant_actor(attrs)
            if speaker is not None:
                return speaker  # "Moscow denied that its forces struck": the speaker's forces
        mods = [pt.token_text(m) for m in pt.lefts(tok) if dep[m] in ("amod", "compound") and pt.is_alpha(m)]
        name = " ".join([*mods, pt.token_text(tok)]).lower()
        return EventActor(name, None, kind, "agent")
    return None


def share_agents(cands: list[Candidate]) -> None:
    """Casualties caused by an attack in the same sentence ("killed in police firing")
    have the attack's agent as theirs."""
    attackers = [a for c in cands if c.type == "attack" for a in c.actors if a.role == "agent"]
    if not attackers:
        return
    for c in cands:
        if c.type == "casualties" and not any(a.role == "agent" for a in c.actors):
            names = {a.name for a in c.actors}
            c.actors.extend(a for a in attackers if a.name not in names)


# --------------------------------------------------------------------------- place and time


def _place_options(sent: Sentence, text: str) -> list[tuple[int, int, PlaceMention]]:
    """The places of the sentence an event of it can have: (locative first, precision rank, place)."""
    out = []
    for p in sent.places:
        if not p.resolved or not _in(p.start, p.end, sent.start_char, sent.end_char):
            continue
        if any([_overlaps(p.start, p.end, s, e) for s, e in sent.claimant_spans]):
            continue
        before = text[max(sent.start_char, p.start - 20) : p.start].lower().split()
        prep = before[-1] if before else ""
        if prep == "the" and len(before) >= 2:
            prep = before[-2]
        locative = prep in LOCATIVE_PREPS
        if not locative and any([_overlaps(p.start, p.end, s, e) for s, e in sent.actor_spans]):
            continue
        at_line_start = p.start == 0 or text[p.start - 1] == "\n"
        if at_line_start and not locative and text[p.end : p.end + 3].lstrip()[:1] in (",", "(", "-", "\u2014"):
            continue  # a dateline ("SEOUL, Jan 3 (Yonhap) -") says where the reporter is
        out.append((0 if locative else 1, PLACE_PRECISION_RANK.get(p.precision, 5) * 1000, p))
    return out


def pick_location(c: Candidate, sent: Sentence, text: str) -> None:
    """The most precise place of the sentence introduced by a preposition or not an actor,
    the nearest the trigger of equals."""
    if sent.place_options is None:
        sent.place_options = _place_options(sent, text) if sent.places else []
    best: PlaceMention | None = None
    best_key: tuple[int, int] | None = None
    for locative, rank, p in sent.place_options:
        key = (locative, rank + abs(p.start - c.trigger_start) // 10)
        if best_key is None or key < best_key:
            best, best_key = p, key
    c.location = best


def pick_time(c: Candidate, sent: Sentence) -> None:
    """The dated time expression of the sentence nearest the trigger."""
    best: TimeMention | None = None
    for t in sent.times:
        if not _in(t.start, t.end, c.sent_start, c.sent_end):
            continue
        if t.value_start is None and t.precision == "unknown":
            continue
        if best is None or abs(t.start - c.trigger_start) < abs(best.start - c.trigger_start):
            best = t
    c.time = best


# --------------------------------------------------------------------------- sources and status


def source_of(a: Attribution) -> EventSource:
    kind = a.source_kind if a.source_kind else "unattributed"
    return EventSource(a.source, kind, a.source_country, a.cue or None, tuple(a.via))


def _clause_text(pt: ParseTable, trig: int | None, sent_text: str) -> str:
    """The trigger's own clause: it, the verbs above it, and their auxiliaries and adverbs.

    Modality is scoped to this clause, so "more units may follow" does not make
    the deployment in the same sentence merely possible.
    """
    if trig is None:
        return sent_text
    head = pt.head
    kids = pt.memo.setdefault("clause_kids", {})  # token -> its auxiliaries, adverbs, ...
    keep = {trig}
    i = trig
    for _ in range(pt.n):  # up the chain of heads to the root
        got = kids.get(i)
        if got is None:
            dep = pt.dep
            got = kids[i] = [ch for ch in pt.children[i] if dep[ch] in _CLAUSE_DEPS]
        keep.update(got)
        if head[i] == i:
            break
        i = head[i]
        keep.add(i)
    text, idx, length = pt.text, pt.idx, pt.length
    return " ".join([text[idx[i] : idx[i] + length[i]] for i in sorted(keep)])


def _doubted(sent: Sentence) -> bool:
    """Does the sentence say there is no evidence ("no indications that ...")?"""
    if sent.doubted is None:
        sent.doubted = NO_EVIDENCE.search(sent.text) is not None
    return sent.doubted


def _denial_cue(pt: ParseTable, cues: str) -> bool:
    """Do the attributions' cues deny ("denied", "dismissed the reports")? (kept per document)"""
    seen = pt.memo.setdefault("denial_cues", {})
    got = seen.get(cues)
    if got is None:
        got = seen[cues] = bool(cues.strip()) and DENIAL.search(cues) is not None
    return got


def set_status(c: Candidate, pt: ParseTable, sent: Sentence, attrs: list[Attribution]) -> None:
    """Status and certainty from the trigger's clause, denial cues and the attributions."""
    trig = pt.root(c.trigger_start, c.trigger_end)
    sent_text = sent.text
    local = _clause_text(pt, trig, sent_text)
    low = local.lower()
    # an attribution's hedge counts only when it sits in this event's clause
    said = [a.hedge.lower() for a in attrs if a.hedge]
    hedges: set[str] = set()
    if said:
        clause_words = set(low.split())
        hedges = {h for h in said if h in clause_words or h in _REPORTING_HEDGES}
    negated = trig is not None and any([pt.dep[ch] in _NEGATION_DEPS for ch in pt.children[trig]])
    if _denial_cue(pt, " ".join([a.cue or "" for a in attrs])) or (negated and DENIAL.search(sent_text)):
        c.status, c.certainty = "denied", "denied"
        return
    if negated or _doubted(sent):
        c.status, c.certainty = "unknown" if negated else c.status, "doubtful"
    modal = _MODAL.search(local, low) is not None
    if modal and _PLANNED.search(local, low):
        c.status = "planned"
    if (modal and _POSSIBLE.search(local, low)) or hedges & {"could", "may", "might", "possibly"}:
        if c.status == "occurred":
            c.status = "possible"
        if c.certainty == "asserted":
            c.certainty = "possible"
    if ((modal and _LIKELY.search(local, low)) or hedges & {"likely", "probably", "expected"}) and c.certainty in ("asserted", "reported"):
        c.certainty = "likely"
    if c.status == "occurred" and modal and _ONGOING.search(local, low):
        c.status = "ongoing"
    if c.certainty == "asserted" and any(a.source_kind != "unattributed" for a in attrs):
        c.certainty = "reported"
    if c.certainty == "asserted" and hedges & _REPORTING_HEDGES:
        c.certainty = "reported"

