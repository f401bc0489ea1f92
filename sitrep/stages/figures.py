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
from typing import Any

import numpy
from spacy.attrs import HEAD

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


class _Parse:
    """The parse's tokens, heads and children, each spaCy ``Token`` built once per
    document: ``doc[i]``, ``token.head`` and ``token.children`` build a new object on
    every access, and the category walks ask for the same few tokens many times."""

    __slots__ = ("doc", "toks", "heads", "_by_head", "_group", "_kids")

    def __init__(self, doc: Any) -> None:
        self.doc = doc
        self.toks: list[Any] = list(doc)
        n = len(self.toks)
        heads = (
            doc.to_array([HEAD]).astype("int64") + numpy.arange(n) if n else numpy.zeros(0, "int64")
        )
        self.heads: list[int] = heads.tolist()
        # token indices grouped by head (stable: each group in text order), and where each group starts
        self._by_head: list[int] = numpy.argsort(heads, kind="stable").tolist()
        self._group: list[int] = (
            numpy.searchsorted(heads, numpy.arange(n + 1), sorter=self._by_head).tolist()
            if n
            else [0]
        )
        self._kids: dict[int, list[Any]] = {}

    def text(self) -> str:
        """The parse's text (``Doc.text``), from the tokens already built."""
        return "".join([t.text_with_ws for t in self.toks])

    def children(self, i: int) -> list[int]:
        """Indices of the children of token ``i``, in text order."""
        js = self._by_head[self._group[i] : self._group[i + 1]]
        return [j for j in js if j != i] if self.heads[i] == i else js

    def head(self, tok: Any) -> Any:
        return self.toks[self.heads[tok.i]]

    def kids(self, tok: Any) -> list[Any]:
        """``tok.children``, or its children within ``_WIDE`` tokens when its subtree is wider."""
        i = tok.i
        got = self._kids.get(i)
        if got is None:
            js = self.children(i)
            left, right = tok.left_edge.i, tok.right_edge.i
            if right - left > _WIDE:
                lo, hi = max(left, i - _WIDE // 2), min(right + 1, i + _WIDE // 2)
                js = [j for j in js if lo <= j < hi]
            got = self._kids[i] = [self.toks[j] for j in js]
        return got


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


def _noun_category(pt: _Parse, noun: Any) -> str:
    """Category told by the counted noun alone (with its compounds and adjectives)."""
    word = noun.lower_
    cat = NOUN_CATEGORY.get(word, "other")
    kids = [c.lower_ for c in pt.kids(noun) if c.dep_ in ("compound", "amod")]
    if word == "systems" and not any(k in _WEAPON_SYSTEM_CUES for k in kids):
        return "other"
    if word in ("groups", "group") and "tactical" in kids:
        return "units"
    if word in ("members", "member") and "service" in kids:
        return "troops"
    return cat


def _toll_category(pt: _Parse, tok: Any) -> str | None:
    """'death toll', 'number of dead', 'casualties' as the thing a number measures."""
    nouns = [tok] if tok.pos_ in ("NOUN", "PROPN") else []
    nouns += [c for c in pt.kids(tok) if c.dep_ in ("nsubj", "nsubjpass", "dobj", "appos")]
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


def _state_child(pt: _Parse, verb: Any) -> str | None:
    """A state word hanging off a verb: 'left five dead', 'were among the dead', 'went missing'."""
    for c in pt.kids(verb):
        if (
            c.dep_ in ("acomp", "attr", "oprd", "xcomp", "ccomp", "dobj")
            and c.lower_ in STATE_WORDS
        ):
            return STATE_WORDS[c.lower_]
        if c.dep_ == "prep" and c.lower_ in ("among", "as"):
            for p in pt.kids(c):
                if p.dep_ == "pobj" and p.lower_ in STATE_WORDS:
                    return STATE_WORDS[p.lower_]
    return None


def _verb_category(pt: _Parse, verb: Any, role: str) -> str | None:
    """Category for a number/noun that is ``role`` (patient|subject) of ``verb``."""
    w = verb.lower_
    has_object = any(c.dep_ in ("dobj", "obj") for c in pt.kids(verb))
    if role == "patient" or (role == "subject" and not has_object):
        if w in KILL_VERBS and any(
            c.dep_ == "conj"
            and c.lower_ in INJURE_VERBS
            and not any(k.dep_ in ("dobj", "nsubj", "nsubjpass") for k in pt.kids(c))
            for c in pt.kids(verb)
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
            for c in pt.kids(verb):
                if c.lower_ in (
                    "prisoner",
                    "prisoners",
                    "captive",
                    "captives",
                    "hostage",
                    "hostages",
                ):
                    return "captured"
    if w in ("burnt", "burned") and any(c.lower_ == "alive" for c in pt.kids(verb)):
        return "killed"  # "30 persons were burnt alive"
    if role == "subject":
        if w in DIE_VERBS:
            return "killed"
        if w in CAPTURE_VERBS:  # "300 soldiers surrendered"
            return "captured"
        if w in LOSE_VERBS and any(c.lower_ == "lives" for c in pt.kids(verb)):
            return "killed"
    if not has_object and w in STATE_WORDS:  # "seven fishermen are still missing"
        return STATE_WORDS[w]
    return _state_child(pt, verb)


def _context_category(pt: _Parse, anchor: Any, depth: int = 0) -> str | None:
    """Category from the role of ``anchor`` (the counted noun, or the number) in its clause,
    else from a state adjective on it ("five dead soldiers were found")."""
    cat = _role_category(pt, anchor, depth)
    if cat is None:
        for c in pt.kids(anchor):
            if c.dep_ == "amod" and c.lower_ in STATE_WORDS:
                return STATE_WORDS[c.lower_]
    return cat


#: conjuncts followed back to the head of their list; real lists are far shorter
_MAX_CONJ_HOPS = 40


def _role_category(pt: _Parse, anchor: Any, depth: int = 0) -> str | None:
    if depth > 3:
        return None
    hops = 0  # bounded: a list of thousands of numbers is one long conj chain (quadratic)
    while (
        anchor.dep_ in ("conj", "appos")
        and pt.head(anchor).pos_ in ("NOUN", "PROPN", "NUM", "PRON")
        and hops < _MAX_CONJ_HOPS
    ):
        anchor = pt.head(anchor)
        hops += 1
    dep, head = anchor.dep_, pt.head(anchor)
    while (
        head.dep_ in ("aux", "auxpass") and pt.heads[head.i] != head.i
    ):  # "Person Is Confirmed Dead"
        head = pt.head(head)
    for c in pt.kids(anchor):  # "soldiers killed", "civilians who died"
        if c.dep_ in ("acl", "relcl") and c.pos_ in ("VERB", "AUX", "ADJ"):
            passive = any(k.dep_ in ("nsubjpass", "auxpass") for k in pt.kids(c))
            role = "patient" if c.dep_ == "acl" or passive else "subject"
            cat = _verb_category(pt, c, role)
            if cat is not None:
                return cat
        if c.dep_ == "prep" and c.lower_ == "among":  # "two soldiers among eight killed"
            for p in pt.kids(c):
                if p.dep_ == "pobj":
                    cat = STATE_WORDS.get(p.lower_) or _context_category(pt, p, depth + 1)
                    if cat is not None:
                        return cat
    if dep == "nsubjpass":
        return _verb_category(pt, head, "patient")
    if dep == "nsubj":
        if head.lower_ in STATE_WORDS and head.pos_ != "VERB":  # "five dead"
            return STATE_WORDS[head.lower_]
        return _verb_category(pt, head, "subject")
    if dep in ("dobj", "obj"):
        if anchor.lower_ == "lives" and head.lower_ in LOSE_VERBS:
            return "killed"
        return _verb_category(pt, head, "patient")
    if dep == "attr":
        return _toll_category(pt, head) or _state_child(pt, head)
    if dep == "pobj":
        prep = head
        up = pt.head(prep)
        if prep.lower_ in ("including", "among", "excluding") and up.i != anchor.i:
            if up.pos_ in ("VERB", "AUX"):
                return _verb_category(pt, up, "subject") or _verb_category(pt, up, "patient")
            return _noun_category_or_none(pt, up) or _context_category(pt, up, depth + 1)
        if prep.lower_ == "of" and up.lower_ == "lives" and pt.head(up).lower_ in LOSE_VERBS:
            return "killed"
        if prep.lower_ == "of" and up.lower_ in KILLING_NOUNS:
            return "killed"
        if prep.lower_ in ("to", "at", "of", "by", "from"):
            toll = pt.head(up) if up.dep_ == "prep" else up  # "rose from 20 to 45"
            cat = _toll_category(pt, toll)
            if cat is not None:
                return cat
        if prep.lower_ == "by" and up.lower_ in KILL_VERBS | INJURE_VERBS:
            return None  # agent of a passive: "killed by 30 drones"
    if head.pos_ == "ADJ" and head.lower_ in STATE_WORDS:
        return STATE_WORDS[head.lower_]
    return None


def _noun_category_or_none(pt: _Parse, noun: Any) -> str | None:
    cat = _noun_category(pt, noun)
    return None if cat in ("other", "troops") else cat


def _adjacent_cue(pt: _Parse, anchor: Any) -> str | None:
    """Fallback when the parse gives no role: a state word right after ('12 killed')."""
    toks = pt.toks
    i = anchor.i + 1
    seen = 0
    while i < len(toks) and seen < 3:
        w = toks[i].lower_
        if w in STATE_WORDS:
            agent = (
                anchor.dep_ == "nsubj"
                and i == pt.heads[anchor.i]
                and any(c.dep_ in ("dobj", "obj") for c in pt.kids(toks[i]))
            )
            return None if agent else STATE_WORDS[w]  # "300 soldiers killed 12 civilians"
        if w not in _FILLER:
            return None
        i += 1
        seen += 1
    return None


def _governing_verb_before(pt: _Parse, tokens: list[Any]) -> str | None:
    """Fallback for title-case headlines the parser misreads ("Herdsmen Kill 2"): the verb
    right before the number phrase."""
    i = tokens[0].i - 1
    while i >= 0 and pt.toks[i].lower_ in _QUALIFIER_WORDS:
        i -= 1
    if i < 0:
        return None
    w = pt.toks[i].lower_
    if w in KILL_VERBS:
        return "killed"
    if w in INJURE_VERBS:
        return "injured"
    if w in CAPTURE_VERBS:
        return "captured"
    return None


def counted_noun(pt: _Parse, head: Any, tokens: list[Any]) -> Any | None:
    """The noun a number counts: '300 *soldiers*', 'dozens of *civilians*'; None if it stands alone."""
    idx = {t.i for t in tokens}
    toks = pt.toks
    up = pt.head(head)
    after = toks[tokens[-1].i + 1] if tokens[-1].i + 1 < len(toks) else None
    if after is not None and after.text == "-" and after.i + 1 < len(toks):
        word = toks[after.i + 1]  # "an 800-strong contingent", "a 10,000-member force"
        if (
            word.lower_ in _SIZE_WORDS
            and pt.head(word).pos_ in ("NOUN", "PROPN")
            and pt.heads[word.i] > word.i
        ):
            return pt.head(word)
    if (
        after is not None
        and after.lower_ in STATE_WORDS
        and after.i != up.i
        and not (after.dep_ == "amod" and pt.heads[after.i] > after.i)
    ):
        return None  # "18 dead in Iraq attacks": the number counts the dead, not the attacks
    if (
        head.dep_ in ("nummod", "quantmod", "amod", "compound")
        and up.i not in idx
        and up.pos_ in ("NOUN", "PROPN")
        and up.lower_ not in _VERB_FORMS
    ):
        while (
            up.dep_ == "compound"
            and pt.heads[up.i] > up.i
            and pt.head(up).pos_ in ("NOUN", "PROPN")
        ):
            up = pt.head(up)  # "six NATO service members": count the members, not the service
        return up
    for t in [head, *reversed(tokens)]:
        for c in pt.kids(t):
            if c.dep_ == "prep" and c.lower_ == "of" and c.i not in idx:
                for p in pt.kids(c):
                    if p.dep_ == "pobj" and p.pos_ in ("NOUN", "PROPN", "PRON", "ADJ"):
                        return p
    return None


def figure_category(pt: _Parse, head: Any, noun: Any | None, tokens: list[Any]) -> str:
    """The category of a figure whose number phrase has syntactic ``head``."""
    noun_cat = _noun_category(pt, noun) if noun is not None else "other"
    if (
        noun is not None
        and noun.lower_ in MILITARY_BODIES
        and any(pt.toks[j].lower_ in _SIZE_WORDS for j in pt.children(noun.i) if j < noun.i)
    ):
        noun_cat = "troops"
    if noun_cat not in ("other", "troops"):
        return noun_cat
    anchor = noun if noun is not None else head
    cat = _context_category(pt, anchor)
    if cat is None and noun is not None and noun.dep_ == "pobj":
        cat = _context_category(pt, head)  # "55 of the regime forces" -> role of "55"
    if cat is None and noun is not None:  # "Twelve soldiers, 26 insurgents killed"
        sibs = [
            c for c in pt.kids(noun) if c.dep_ in ("appos", "conj") and c.pos_ in ("NOUN", "PROPN")
        ]
        if noun.dep_ in ("appos", "conj"):
            sibs.append(pt.head(noun))
        for sib in sibs:
            cat = _context_category(pt, sib, 2)
            if cat is not None:
                break
    if cat is None and noun_cat in ("other", "troops"):
        cat = _adjacent_cue(pt, anchor) or _governing_verb_before(pt, tokens)
    if cat is not None:
        return cat
    return noun_cat


def subject_text(pt: _Parse, text: str, noun: Any | None, number_end: int) -> str | None:
    """The counted noun phrase as written, from after the number to the noun."""
    if noun is None or noun.pos_ == "PRON":
        return None
    end = noun.idx + len(noun.text)
    words = [t for t in pt.toks[noun.left_edge.i : noun.i + 1] if t.idx >= number_end]
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


def _tokens(pt: _Parse, start: int, end: int) -> list[Any]:
    span = pt.doc.char_span(start, end, alignment_mode="expand")
    return pt.toks[span.start : span.end] if span is not None else []


def _number_head(pt: _Parse, tokens: list[Any]) -> Any:
    """The token of the number phrase whose syntactic head lies outside it."""
    idx = {t.i for t in tokens}
    heads = pt.heads
    outside = [t for t in tokens if heads[t.i] not in idx or heads[t.i] == t.i]
    return outside[-1] if outside else tokens[-1]


def _figure(text: str, pt: _Parse, a: Amount) -> FigureMention | None:
    """The figure of amount ``a`` (one that :func:`not_a_count` let through), if it counts something."""
    tokens = _tokens(pt, a.start, a.end)
    if not tokens:
        return None
    head = _number_head(pt, tokens)
    noun = counted_noun(pt, head, tokens)
    category = figure_category(pt, head, noun, tokens)
    raw = text[a.start : a.end]
    cue: list[bool] = []  # whether the noun alone tells a category, worked out once if asked

    def cue_noun() -> bool:
        if not cue:
            cue.append(noun is not None and figure_category(pt, noun, noun, [noun]) != "other")
        return cue[0]

    if (
        category == "other"
        and any(t.ent_type_ in _NOT_COUNT_ENTS for t in tokens)
        and not cue_noun()
    ):
        return None
    if (
        a.spelled == "digits"
        and not re.search(r"[A-Za-z]", raw)
        and any(v is not None and v != int(v) for v in (a.value, a.low, a.high))
    ):
        return None  # "2.5", "2014.02": a measure or a date, never a head count
    direct = noun is not None and head.dep_ == "nummod" and pt.heads[head.i] == noun.i
    if a.spelled == "digits" and _YEAR.match(raw) and not (direct and cue_noun()):
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
        subject=subject_text(pt, text, noun, a.end),
    )


def extract_figures(text: str, doc: Any) -> tuple[FigureMention, ...]:
    """Figures in ``text``; ``doc`` is the spaCy parse of that same text."""
    return _extract(text, _Parse(doc))


def _extract(text: str, pt: _Parse) -> tuple[FigureMention, ...]:
    phones = phone_spans(text)
    out: list[FigureMention] = []
    for amount in find_amounts(text):
        if not_a_count(text, amount, phones):
            continue
        fig = _figure(text, pt, amount)
        if fig is not None:
            out.append(fig)
    return tuple(out)


def _run(doc: Document) -> Document:
    if doc.parse is None:
        raise ValueError("figures stage needs the parse layer (run sitrep.parse.v1 first)")
    pt = _Parse(doc.parse)
    if pt.text() != doc.text:
        raise ValueError("figures stage: the parse is of a different text than Document.text")
    return dataclasses.replace(doc, figures=_extract(doc.text, pt))


STAGE = Stage(name=NAME, fn=_run, needs=("parse",), adds=("figures",))
