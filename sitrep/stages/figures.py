"""The figures stage: counts of people and things, with bounds, category and subject.

Stage ``sitrep.figures.v1`` needs the spaCy parse and adds
``Document.figures``: one :class:`~sitrep.records.FigureMention` per number
phrase that counts something. Number phrases and their bounds come from
:mod:`sitrep.stages.numbers` (see its docstring for the qualifier table and the
ranges chosen for vague amounts). The span of a figure covers its qualifier
too ("at least 300", "between 200 and 300").

Not figures, skipped entirely: years ("in 1950"), dates and clock times, ages
("a 25-year-old", "aged 40", "Kim, 40,"), measures ("30 km", "500 metres",
"three days"), money ("$2 billion", "€300m", "5 million dollars"),
percentages, ordinals, calibres ("155mm"), model names ("Su-25", "F-16",
"Hwasong-18"), phone numbers, and numbered references ("page 3", "Article 5",
"Resolution 2231"), citation marks ("[12]"). Glued forms ("155mm", "2nd") never
match as numbers; the rest are checked on the text around the number
(:func:`sitrep.stages.numbers.not_a_count`) and on spaCy's entity labels; a
year-like number stays only when it directly counts a cue noun ("2000
soldiers"), and a decimal without a scale word ("2.5") is never a head count.
A bare "one" is kept only when the parse shows it counting something ("one
soldier", "one was killed"), never in "no one" or "one of these days".

Category comes from the dependency parse rather than from word distance: the
counted noun ("300 *soldiers*", "dozens of *civilians*") and its role in the
clause (patient of "killed", subject of "died", object of "wounded", part of
a toll that "rose to 45", "among the dead", "including 55"). Weapons, units
and tests are told by the counted noun; killed, injured, captured, missing and
casualties by the noun or the clause; troops by a soldier-like noun with no
casualty in the clause. Only when the parse gives no role does a cue word right
after the number decide ("12 killed" mis-parsed in a headline), or a killing
verb right before it in a title-case headline the parser misreads ("Herdsmen
Kill 2").

Subject is the counted noun phrase as written ("North Korean soldiers",
"missile tests", "civilians" in "dozens of civilians"). When the number
stands alone ("Around 2,700 were injured") the subject is None: the stage does
not guess the noun from an earlier sentence, so a subject is always something
the sentence itself says.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable
from typing import Any

from ..pipeline import Stage
from ..records import Document, FigureMention
from .numbers import Amount, find_amounts, not_a_count, phone_spans

__all__ = ["NAME", "STAGE", "extract_figures"]

NAME = "sitrep.figures.v1"

_NO_BEFORE = re.compile(r"\b(?:no|any|every|some|which|the|this|that)\s+$", re.IGNORECASE)
_YEAR = re.compile(r"^(?:1[89]\d\d|20\d\d)$")
#: spaCy entity labels that mark a number as something other than a count
_NOT_COUNT_ENTS = frozenset({"DATE", "TIME", "MONEY", "PERCENT", "ORDINAL", "QUANTITY"})


# --------------------------------------------------------------------------- categories


#: tokens a subtree may span before its children are sought only nearby: spaCy's
#: ``children`` walks the whole subtree, so thousands of listed numbers that hang off
#: one head made every figure scan the document (quadratic; 50,000 characters: minutes)
_WIDE = 200


def _kids(tok: Any) -> Iterable[Any]:
    """``tok.children``, or its children within ``_WIDE`` tokens when its subtree is wider."""
    if tok.right_edge.i - tok.left_edge.i <= _WIDE:
        return tok.children
    lo = max(tok.left_edge.i, tok.i - _WIDE // 2)
    hi = min(tok.right_edge.i + 1, tok.i + _WIDE // 2)
    return [t for t in tok.doc[lo:hi] if t.head.i == tok.i and t.i != tok.i]


def _forms(words: str) -> frozenset[str]:
    return frozenset(words.split())


KILL_VERBS = _forms(
    "kill kills killed killing slay slays slew slain murder murders murdered murdering execute "
    "executed executing massacre massacred massacring behead beheaded assassinate assassinated "
    "martyred lynched"
)
DIE_VERBS = _forms("die dies died dying perish perished perishing succumbed drowned")
INJURE_VERBS = _forms(
    "wound wounds wounded wounding injure injures injured injuring hurt hurting maim maimed"
)
CAPTURE_VERBS = _forms(
    "capture captures captured capturing abduct abducted abducting kidnap kidnapped kidnapping "
    "surrender surrendered surrendering"
)
DEPLOY_VERBS = _forms(
    "deploy deploys deployed deploying send sends sent sending station stationed mobilise "
    "mobilised mobilize mobilized dispatch dispatched"
)
TAKE_VERBS = _forms("take takes took taken taking hold held")
LOSE_VERBS = _forms("lose loses lost losing claim claims claimed claiming cost costs took taken")
#: state words after a number or in a copular clause: "12 dead", "30 were missing"
STATE_WORDS: dict[str, str] = {
    **dict.fromkeys(_forms("dead killed deaths death fatalities martyrs"), "killed"),
    **dict.fromkeys(_forms("wounded injured hurt injuries"), "injured"),
    **dict.fromkeys(
        _forms("captured prisoner prisoners captive captives hostage hostages pows pow"), "captured"
    ),
    **dict.fromkeys(_forms("missing unaccounted"), "missing"),
    **dict.fromkeys(_forms("casualties casualty losses"), "casualties"),
}
NOUN_CATEGORY: dict[str, str] = {
    **{w: c for w, c in STATE_WORDS.items() if c != "casualties" or w != "losses"},
    **dict.fromkeys(_forms("bodies corpses dead deaths fatalities fatality"), "killed"),
    **dict.fromkeys(_forms("tests test launches launch test-firings firings"), "tests"),
    **dict.fromkeys(
        _forms(
            "battalions battalion brigades brigade divisions division regiments regiment "
            "platoons squadrons units btgs corps"
        ),
        "units",
    ),
    **dict.fromkeys(
        _forms(
            "missiles missile rockets shells rounds drones uavs tanks artillery howitzers "
            "guns rifles bombs warheads munitions mines grenades jets aircraft planes "
            "warplanes helicopters warships submarines launchers weapons ammunition mortars "
            "cannons apcs vehicles shahed shaheds interceptors icbms systems"
        ),
        "weapons",
    ),
    **dict.fromkeys(
        _forms(
            "soldiers soldier troops troop personnel fighters servicemen servicemembers "
            "marines paratroopers sailors airmen militants mercenaries reservists conscripts "
            "recruits guardsmen commandos combatants insurgents rebels militiamen volunteers "
            "forces peacekeepers gunmen paramilitaries"
        ),
        "troops",
    ),
}
#: words that make a toll: "the death toll rose to 45", "the number of dead reached 45"
TOLL_NOUNS = _forms("toll tally count number total figure")
_WEAPON_SYSTEM_CUES = _forms("artillery missile rocket air defence defense launcher weapon weapons")
#: nouns naming an act of killing: "the killing of 22", "army killings of 6 civilians"
KILLING_NOUNS = _forms(
    "killing killings murder murders massacre massacres execution executions deaths"
)
_VERB_FORMS = KILL_VERBS | DIE_VERBS | INJURE_VERBS | CAPTURE_VERBS
_SIZE_WORDS = _forms("strong member man person")
#: bodies a "-strong"/"-member" count sizes as troops
MILITARY_BODIES = _forms(
    "force forces contingent army unit battalion brigade division mission detachment garrison "
    "militia corps regiment"
)
_QUALIFIER_WORDS = _forms(
    "at least most more less fewer than over under up to about around nearly roughly some almost "
    "approximately an estimated as many no"
)
_FILLER = _forms("were was are is have has had been be being reportedly people persons")


def _noun_category(noun: Any) -> str:
    """Category told by the counted noun alone (with its compounds and adjectives)."""
    word = noun.lower_
    cat = NOUN_CATEGORY.get(word, "other")
    kids = [c.lower_ for c in _kids(noun) if c.dep_ in ("compound", "amod")]
    if word == "systems" and not any(k in _WEAPON_SYSTEM_CUES for k in kids):
        return "other"
    if word in ("groups", "group") and "tactical" in kids:
        return "units"
    if word in ("members", "member") and "service" in kids:
        return "troops"
    return cat


def _toll_category(tok: Any) -> str | None:
    """'death toll', 'number of dead', 'casualties' as the thing a number measures."""
    nouns = [tok] if tok.pos_ in ("NOUN", "PROPN") else []
    nouns += [c for c in _kids(tok) if c.dep_ in ("nsubj", "nsubjpass", "dobj", "appos")]
    for n in nouns:
        words = [n.lower_] + [c.lower_ for c in n.subtree if c.i != n.i]
        if n.lower_ in TOLL_NOUNS or n.lower_ in STATE_WORDS or n.lower_ in NOUN_CATEGORY:
            for w in words:
                if w in STATE_WORDS:
                    return STATE_WORDS[w]
            if n.lower_ in NOUN_CATEGORY and NOUN_CATEGORY[n.lower_] in ("killed", "injured"):
                return NOUN_CATEGORY[n.lower_]
            if n.lower_ == "toll":  # a bare "toll" in conflict news is the death toll
                return "killed"
    return None


def _state_child(verb: Any) -> str | None:
    """A state word hanging off a verb: 'left five dead', 'were among the dead', 'went missing'."""
    for c in _kids(verb):
        if (
            c.dep_ in ("acomp", "attr", "oprd", "xcomp", "ccomp", "dobj")
            and c.lower_ in STATE_WORDS
        ):
            return STATE_WORDS[c.lower_]
        if c.dep_ == "prep" and c.lower_ in ("among", "as"):
            for p in _kids(c):
                if p.dep_ == "pobj" and p.lower_ in STATE_WORDS:
                    return STATE_WORDS[p.lower_]
    return None


def _verb_category(verb: Any, role: str) -> str | None:
    """Category for a number/noun that is ``role`` (patient|subject) of ``verb``."""
    w = verb.lower_
    has_object = any(c.dep_ in ("dobj", "obj") for c in _kids(verb))
    if role == "patient" or (role == "subject" and not has_object):
        if w in KILL_VERBS and any(
            c.dep_ == "conj"
            and c.lower_ in INJURE_VERBS
            and not any(k.dep_ in ("dobj", "nsubj", "nsubjpass") for k in _kids(c))
            for c in _kids(verb)
        ):
            return "casualties"  # "dozens killed and wounded": no split
        if w in KILL_VERBS:
            return "killed"
        if w in INJURE_VERBS:
            return "injured"
        if w in CAPTURE_VERBS:
            return "captured"
        if w in DEPLOY_VERBS:
            return "troops"
        if w in TAKE_VERBS:
            for c in _kids(verb):
                if c.lower_ in (
                    "prisoner",
                    "prisoners",
                    "captive",
                    "captives",
                    "hostage",
                    "hostages",
                ):
                    return "captured"
    if w in ("burnt", "burned") and any(c.lower_ == "alive" for c in _kids(verb)):
        return "killed"  # "30 persons were burnt alive"
    if role == "subject":
        if w in DIE_VERBS:
            return "killed"
        if w in CAPTURE_VERBS:  # "300 soldiers surrendered"
            return "captured"
        if w in LOSE_VERBS and any(c.lower_ == "lives" for c in _kids(verb)):
            return "killed"
    if not has_object and w in STATE_WORDS:  # "seven fishermen are still missing"
        return STATE_WORDS[w]
    return _state_child(verb)


def _context_category(anchor: Any, depth: int = 0) -> str | None:
    """Category from the role of ``anchor`` (the counted noun, or the number) in its clause,
    else from a state adjective on it ("five dead soldiers were found")."""
    cat = _role_category(anchor, depth)
    if cat is None:
        for c in _kids(anchor):
            if c.dep_ == "amod" and c.lower_ in STATE_WORDS:
                return STATE_WORDS[c.lower_]
    return cat


#: conjuncts followed back to the head of their list; real lists are far shorter
_MAX_CONJ_HOPS = 40


def _role_category(anchor: Any, depth: int = 0) -> str | None:
    if depth > 3:
        return None
    hops = 0  # bounded: a list of thousands of numbers is one long conj chain (quadratic)
    while (
        anchor.dep_ in ("conj", "appos")
        and anchor.head.pos_ in ("NOUN", "PROPN", "NUM", "PRON")
        and hops < _MAX_CONJ_HOPS
    ):
        anchor = anchor.head
        hops += 1
    dep, head = anchor.dep_, anchor.head
    while head.dep_ in ("aux", "auxpass") and head.head is not head:  # "Person Is Confirmed Dead"
        head = head.head
    for c in _kids(anchor):  # "soldiers killed", "civilians who died"
        if c.dep_ in ("acl", "relcl") and c.pos_ in ("VERB", "AUX", "ADJ"):
            passive = any(k.dep_ in ("nsubjpass", "auxpass") for k in _kids(c))
            role = "patient" if c.dep_ == "acl" or passive else "subject"
            cat = _verb_category(c, role)
            if cat is not None:
                return cat
        if c.dep_ == "prep" and c.lower_ == "among":  # "two soldiers among eight killed"
            for p in _kids(c):
                if p.dep_ == "pobj":
                    cat = STATE_WORDS.get(p.lower_) or _context_category(p, depth + 1)
                    if cat is not None:
                        return cat
    if dep == "nsubjpass":
        return _verb_category(head, "patient")
    if dep == "nsubj":
        if head.lower_ in STATE_WORDS and head.pos_ != "VERB":  # "five dead"
            return STATE_WORDS[head.lower_]
        return _verb_category(head, "subject")
    if dep in ("dobj", "obj"):
        if anchor.lower_ == "lives" and head.lower_ in LOSE_VERBS:
            return "killed"
        return _verb_category(head, "patient")
    if dep == "attr":
        return _toll_category(head) or _state_child(head)
    if dep == "pobj":
        prep = head
        if prep.lower_ in ("including", "among", "excluding") and prep.head is not anchor:
            up = prep.head
            if up.pos_ in ("VERB", "AUX"):
                return _verb_category(up, "subject") or _verb_category(up, "patient")
            return _noun_category_or_none(up) or _context_category(up, depth + 1)
        if (
            prep.lower_ == "of"
            and prep.head.lower_ == "lives"
            and prep.head.head.lower_ in LOSE_VERBS
        ):
            return "killed"
        if prep.lower_ == "of" and prep.head.lower_ in KILLING_NOUNS:
            return "killed"
        if prep.lower_ in ("to", "at", "of", "by", "from"):
            up = prep.head.head if prep.head.dep_ == "prep" else prep.head  # "rose from 20 to 45"
            cat = _toll_category(up)
            if cat is not None:
                return cat
        if prep.lower_ == "by" and prep.head.lower_ in KILL_VERBS | INJURE_VERBS:
            return None  # agent of a passive: "killed by 30 drones"
    if head.pos_ == "ADJ" and head.lower_ in STATE_WORDS:
        return STATE_WORDS[head.lower_]
    return None


def _noun_category_or_none(noun: Any) -> str | None:
    cat = _noun_category(noun)
    return None if cat in ("other", "troops") else cat


def _adjacent_cue(anchor: Any) -> str | None:
    """Fallback when the parse gives no role: a state word right after ('12 killed')."""
    doc = anchor.doc
    i = anchor.i + 1
    seen = 0
    while i < len(doc) and seen < 3:
        w = doc[i].lower_
        if w in STATE_WORDS:
            agent = (
                anchor.dep_ == "nsubj"
                and doc[i].i == anchor.head.i
                and any(c.dep_ in ("dobj", "obj") for c in _kids(doc[i]))
            )
            return None if agent else STATE_WORDS[w]  # "300 soldiers killed 12 civilians"
        if w not in _FILLER:
            return None
        i += 1
        seen += 1
    return None


def _governing_verb_before(tokens: list[Any]) -> str | None:
    """Fallback for title-case headlines the parser misreads ("Herdsmen Kill 2"): the verb
    right before the number phrase."""
    i = tokens[0].i - 1
    while i >= 0 and tokens[0].doc[i].lower_ in _QUALIFIER_WORDS:
        i -= 1
    if i < 0:
        return None
    w = tokens[0].doc[i].lower_
    if w in KILL_VERBS:
        return "killed"
    if w in INJURE_VERBS:
        return "injured"
    if w in CAPTURE_VERBS:
        return "captured"
    return None


def counted_noun(head: Any, tokens: list[Any]) -> Any | None:
    """The noun a number counts: '300 *soldiers*', 'dozens of *civilians*'; None if it stands alone."""
    idx = {t.i for t in tokens}
    up = head.head
    after = head.doc[tokens[-1].i + 1] if tokens[-1].i + 1 < len(head.doc) else None
    if after is not None and after.text == "-" and after.i + 1 < len(head.doc):
        word = head.doc[after.i + 1]  # "an 800-strong contingent", "a 10,000-member force"
        if (
            word.lower_ in _SIZE_WORDS
            and word.head.pos_ in ("NOUN", "PROPN")
            and word.head.i > word.i
        ):
            return word.head
    if (
        after is not None
        and after.lower_ in STATE_WORDS
        and after.i != up.i
        and not (after.dep_ == "amod" and after.head.i > after.i)
    ):
        return None  # "18 dead in Iraq attacks": the number counts the dead, not the attacks
    if (
        head.dep_ in ("nummod", "quantmod", "amod", "compound")
        and up.i not in idx
        and up.pos_ in ("NOUN", "PROPN")
        and up.lower_ not in _VERB_FORMS
    ):
        while up.dep_ == "compound" and up.head.i > up.i and up.head.pos_ in ("NOUN", "PROPN"):
            up = up.head  # "six NATO service members": count the members, not the service
        return up
    for t in [head, *reversed(tokens)]:
        for c in _kids(t):
            if c.dep_ == "prep" and c.lower_ == "of" and c.i not in idx:
                for p in _kids(c):
                    if p.dep_ == "pobj" and p.pos_ in ("NOUN", "PROPN", "PRON", "ADJ"):
                        return p
    return None


def figure_category(head: Any, noun: Any | None, tokens: list[Any]) -> str:
    """The category of a figure whose number phrase has syntactic ``head``."""
    noun_cat = _noun_category(noun) if noun is not None else "other"
    if (
        noun is not None
        and noun.lower_ in MILITARY_BODIES
        and any(t.lower_ in _SIZE_WORDS and t.head.i == noun.i for t in noun.lefts)
    ):
        noun_cat = "troops"
    if noun_cat not in ("other", "troops"):
        return noun_cat
    anchor = noun if noun is not None else head
    cat = _context_category(anchor)
    if cat is None and noun is not None and noun.dep_ == "pobj":
        cat = _context_category(head)  # "55 of the regime forces" -> role of "55"
    if cat is None and noun is not None:  # "Twelve soldiers, 26 insurgents killed"
        sibs = [
            c for c in _kids(noun) if c.dep_ in ("appos", "conj") and c.pos_ in ("NOUN", "PROPN")
        ]
        if noun.dep_ in ("appos", "conj"):
            sibs.append(noun.head)
        for sib in sibs:
            cat = _context_category(sib, 2)
            if cat is not None:
                break
    if cat is None and noun_cat in ("other", "troops"):
        cat = _adjacent_cue(anchor) or _governing_verb_before(tokens)
    if cat is not None:
        return cat
    return noun_cat


def subject_text(text: str, noun: Any | None, number_end: int) -> str | None:
    """The counted noun phrase as written, from after the number to the noun."""
    if noun is None or noun.pos_ == "PRON":
        return None
    end = noun.idx + len(noun.text)
    words = [t for t in noun.doc[noun.left_edge.i : noun.i + 1] if t.idx >= number_end]
    while words and (
        words[0].dep_ in ("det", "poss", "prep", "punct", "quantmod", "nummod", "case")
        or words[0].lower_ in ("of", "the", "-")
        or words[0].lower_ in _SIZE_WORDS
    ):
        words = words[1:]
    start = words[0].idx if words else noun.idx
    if start < number_end or start >= end:
        return None
    return text[start:end]


def _tokens(doc: Any, start: int, end: int) -> list[Any]:
    span = doc.char_span(start, end, alignment_mode="expand")
    return list(span) if span is not None else []


def _number_head(tokens: list[Any]) -> Any:
    """The token of the number phrase whose syntactic head lies outside it."""
    idx = {t.i for t in tokens}
    outside = [t for t in tokens if t.head.i not in idx or t.head.i == t.i]
    return outside[-1] if outside else tokens[-1]


def _figure(text: str, doc: Any, a: Amount, phones: list[tuple[int, int]]) -> FigureMention | None:
    if not_a_count(text, a, phones):
        return None
    tokens = _tokens(doc, a.start, a.end)
    if not tokens:
        return None
    head = _number_head(tokens)
    noun = counted_noun(head, tokens)
    category = figure_category(head, noun, tokens)
    raw = text[a.start : a.end]
    cue_noun = noun is not None and figure_category(noun, noun, [noun]) != "other"
    if any(t.ent_type_ in _NOT_COUNT_ENTS for t in tokens) and not cue_noun and category == "other":
        return None
    if (
        a.spelled == "digits"
        and not re.search(r"[A-Za-z]", raw)
        and any(v is not None and v != int(v) for v in (a.value, a.low, a.high))
    ):
        return None  # "2.5", "2014.02": a measure or a date, never a head count
    direct = noun is not None and head.dep_ == "nummod" and head.head.i == noun.i
    if a.spelled == "digits" and _YEAR.match(raw) and not (cue_noun and direct):
        return None
    if raw.lower() == "one" and (
        _NO_BEFORE.search(text[max(0, a.start - 10) : a.start])
        or (category == "other" and head.dep_ != "nummod")
    ):
        return None
    start = a.qualifier_start if a.qualifier_start is not None else a.start
    return FigureMention(
        start=start,
        end=a.end,
        text=text[start : a.end],
        value=a.value,
        low=a.low,
        high=a.high,
        qualifier=a.qualifier,
        category=category,
        subject=subject_text(text, noun, a.end),
    )


def extract_figures(text: str, doc: Any) -> tuple[FigureMention, ...]:
    """Figures in ``text``; ``doc`` is the spaCy parse of that same text."""
    phones = phone_spans(text)
    out: list[FigureMention] = []
    for amount in find_amounts(text):
        fig = _figure(text, doc, amount, phones)
        if fig is not None:
            out.append(fig)
    return tuple(out)


def _run(doc: Document) -> Document:
    if doc.parse is None:
        raise ValueError("figures stage needs the parse layer (run sitrep.parse.v1 first)")
    if doc.parse.text != doc.text:
        raise ValueError("figures stage: the parse is of a different text than Document.text")
    return dataclasses.replace(doc, figures=extract_figures(doc.text, doc.parse))


STAGE = Stage(name=NAME, fn=_run, needs=("parse",), adds=("figures",))
