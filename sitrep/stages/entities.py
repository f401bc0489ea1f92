"""The entities stage: every actor, person, organisation and place mention,
resolved to its canonical knowledge-base entry.

Stage ``sitrep.entities.v1`` needs the parse (whose ``sitrep_actor_ents``
component has already merged knowledge-base matches into spaCy's entities,
see :mod:`sitrep.stages.parse`) and adds ``Document.entities``: one
:class:`~sitrep.records.EntityMention` per PERSON/ORG/GPE/NORP/LOC/FAC span.

How a mention is resolved:

- titles ("General", "President") and a leading "the" are not part of the
  name: the mention's span starts after them;
- a KB alias gives the canonical entry ("Kim Dzong Un" -> Kim Jong Un, KP);
- a demonym names the state ("North Korean soldiers" -> North Korea, state);
- a capital or seat of government is the state when it acts (subject,
  possessor, agent: "Seoul reported", "Moscow's plan", "talks between Seoul
  and Pyongyang") and a place otherwise ("a rally in Seoul");
- a country name is a place after a locative preposition ("fighting in
  Ukraine") and the state otherwise;
- a later short name takes the earlier full one ("Budanov" after "General
  Kyrylo Budanov", "Smith" after "John Smith"; "ABC" after "the Alpha Beta
  Council");
- an unknown person or organisation keeps its own name, with the country its
  name contains, if any ("the Ukrainian Navy Command" -> UA), and a kind read
  from its head words (military, government, armed_group, media);
- other GPE/LOC/FAC mentions are places (kind ``place``), with the country the
  gazetteer gives; the places stage geocodes them.
"""

from __future__ import annotations

import dataclasses
import functools
import re
from typing import Any

from ..errors import InputError
from ..kb import KBMatch, fold, knowledge_base, loaded_knowledge_base
from ..pipeline import Stage
from ..records import Document, EntityMention
from ..settings import load_settings
from .parse import governing
from .token_table import TokenTable, token_table

__all__ = ["NAME", "STAGE", "extract_entities"]

NAME = "sitrep.entities.v1"


def _words(text: str) -> frozenset[str]:
    """A set of words written as one space-separated string."""
    return frozenset(text.split())


_LABELS = frozenset({"PERSON", "ORG", "GPE", "NORP", "LOC", "FAC"})
_PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})

#: words that open a name but are not part of it
TITLES = _words(
    """general gen lt lieutenant colonel col major maj captain capt admiral adm commander cmdr
    sergeant sgt brigadier marshal field president vice prime minister deputy foreign
    defence defense interior secretary chancellor king queen prince crown sheikh emir mr mrs
    ms dr sir senior supreme leader chief spokesman spokeswoman spokesperson ambassador
    senator sen rep governor gov mayor premier pope comrade chairman chairwoman envoy
    director head former late acting lawmaker commissioner special representative national
    security adviser advisor gen. lt. col. maj. capt. adm. sgt. mr. mrs. ms. dr. sen. rep.
    gov. top army military intelligence chief-of-staff state councillor councilor cllr judge
    justice bishop archbishop cardinal rabbi imam cleric professor prof dean minister-
    president first lady lord baroness baron duke count general-secretary secretary-general"""
)
#: seas, rivers and ranges cross borders: their mentions get no country
_WATER_WORDS = _words("sea ocean gulf strait straits bay river lake channel mountains range desert")
_DETERMINERS = frozenset({"the", "a", "an"})
#: prepositions after which a country name is a place, not an actor
_LOCATIVE = frozenset(
    {
        "in",
        "into",
        "inside",
        "across",
        "throughout",
        "within",
        "near",
        "at",
        "around",
        "over",
        "outside",
    }
)
#: prepositions whose object acts ("by Moscow", "talks between Seoul and Pyongyang")
_ACTOR_PREPS = frozenset({"by", "between", "with", "against"})
_ACTOR_DEPS = frozenset({"nsubj", "nsubjpass", "poss", "agent", "csubj"})

_KIND_WORDS: tuple[tuple[str, frozenset[str]], ...] = (
    (
        "armed_group",
        _words(
            """rebels rebel militia militias insurgents insurgency guerrillas guerrilla militants
    jihadists separatists front liberation mujahideen"""
        ),
    ),
    (
        "military",
        _words(
            """army armed forces military navy air force brigade brigades regiment battalion division
    corps command troops marines guard guards fleet"""
        ),
    ),
    (
        "media",
        _words(
            """news agency newspaper times tribune herald journal radio tv television broadcaster
    gazette"""
        ),
    ),
    (
        "government",
        _words(
            """ministry government police parliament council office cabinet department presidency
    administration senate congress assembly authority authorities embassy court committee
    commission"""
        ),
    ),
)
#: words that can make up the name of a state body without naming its state
_GENERIC_BODY_WORDS = _words(
    """ministry of defence defense national foreign affairs joint chiefs staff general armed
    forces military army intelligence service services agency presidential office president
    government navy air force security council interior police parliament the and for"""
)
#: subkind -> id suffix of the generated body of a country (see organizations.json templates)
_SUBKIND_SUFFIX = {
    "armed_forces": "armed_forces",
    "defence": "defence_ministry",
    "foreign": "foreign_ministry",
    "general_staff": "general_staff",
    "intelligence": "intelligence",
    "head_of_state": "presidency",
    "government": "government",
    "police": "police",
    "legislature": "parliament",
}
#: words of an unnamed body -> its subkind, first hit wins
_BODY_SUBKIND: tuple[tuple[frozenset[str], str], ...] = (
    (frozenset({"defence", "defense"}), "defence"),
    (frozenset({"foreign"}), "foreign"),
    (frozenset({"chiefs", "staff"}), "general_staff"),
    (frozenset({"intelligence"}), "intelligence"),
    (frozenset({"army", "military", "armed"}), "armed_forces"),
)
_INITIALS_SKIP = frozenset({"of", "for", "and", "the", "de", "la", "des", "du", "on", "in"})
_UPPER_WORD = re.compile(r"^[A-Z][A-Z0-9&]{1,9}$")


def _strip(words: TokenTable, start: int, end: int, label: str) -> tuple[int, int]:
    """Token bounds of a name without leading determiners and titles."""
    low = words.low
    while start < end - 1 and low(start) in _DETERMINERS:
        start += 1
    if label == "PERSON":
        while start < end - 1 and (low(start) in TITLES or low(start).rstrip(".") in TITLES):
            start += 1
    while end > start + 1 and words.word(end - 1) in ("'s", "\u2019s", "'"):
        end -= 1
    return start, end


#: verbs whose object is addressed as an actor, not a place ("warned Washington"), as stems
_ADDRESS_VERBS = _words(
    """warn accus urg blam condemn criticis criticiz thank ask tell told inform sanction
    threaten support back help join invit pressur rebuk reject slam prais notify defi
    challeng call press lobb court persuad convinc assur reassur caution chid scold denounc
    fault ally align trust recogniz recognis punish reward"""
)


def _stem(word: str) -> str:
    """A crude stem for matching verb forms without a lemmatizer ("warned" -> "warn")."""
    for suffix in ("ied", "ing", "ed", "es", "s", "e", "y"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


def _root(words: TokenTable, start: int, end: int) -> Any:
    """``doc[start:end].root`` (a one-word span's root is its word: no span built)."""
    return words.doc[start] if end - start == 1 else words.doc[start:end].root


def _acts(root: Any) -> bool:
    """Is the mention with this root an actor in its sentence (subject, possessor, agent)?"""
    root = governing(root)
    if root.dep_ in _ACTOR_DEPS:
        return True
    if root.dep_ == "pobj" and root.head.lower_ in _ACTOR_PREPS:
        return True
    if root.dep_ in ("dobj", "dative", "npadvmod") and _stem(root.head.lower_) in _ADDRESS_VERBS:
        return True  # "Tehran warned Washington"
    if (
        root.dep_ == "compound"
        and root.head.dep_ in _ACTOR_DEPS
        and root.head.pos_ in ("NOUN", "PROPN")
    ):
        head = root.head.lower_
        return head in {
            "government",
            "officials",
            "leadership",
            "authorities",
            "regime",
            "military",
        }
    return False


#: titles that only ever precede a person's name
_PERSON_TITLES = _words(
    """president vice-president minister general colonel lieutenant captain admiral commander
    sergeant chancellor king queen prince sheikh emir mr mrs ms dr sir senator governor mayor
    premier pope ambassador envoy spokesman spokeswoman spokesperson archbishop bishop judge"""
)


def _after_person_title(span: Any) -> bool:
    """An ORG the model found right after a person's title ("Vice-President X Y")
    whose words name no kind of body is a person."""
    return _after_title(token_table(span.doc), span.start, span.end)


def _after_title(words: TokenTable, start: int, end: int) -> bool:
    """:func:`_after_person_title` of tokens [start, end)."""
    if start == 0 or not 2 <= end - start <= 4:
        return False
    if words.low(start - 1).rstrip(".") not in _PERSON_TITLES:
        return False
    return _kind_of_name(words.span_text(start, end), "ORG") == "organization" and all(
        words.word(i).istitle() for i in range(start, end)
    )


def _dateline(words: TokenTable, start: int, end: int) -> bool:
    """Is this the place line that opens a wire story ("KYIV, Nov 3 (Reuters) -")?"""
    at_line_start = start == 0 or "\n" in words.word(start - 1)
    after = words.word(end) if end < words.n else ""
    return at_line_start and words.span_text(start, end).isupper() and after in (",", "(", "-", "\u2014")


def _located(root: Any) -> bool:
    """Is the mention with this root the object of a locative preposition ("in Ukraine")?"""
    root = governing(root)
    return root.dep_ == "pobj" and root.head.lower_ in _LOCATIVE


def _kind_of_name(name: str, label: str) -> str:
    words = set(fold(name).split())
    for kind, cues in _KIND_WORDS:
        if words & cues:
            return kind
    return "person" if label == "PERSON" else "organization"  # ORG names never read as a person


def _initials(name: str) -> str:
    return "".join(
        w[0] for w in name.replace("-", " ").split() if w and w.lower() not in _INITIALS_SKIP
    ).upper()


class _Resolver:
    """Resolves mentions in text order, remembering full names for short ones."""

    def __init__(self, words: TokenTable) -> None:
        self.kb = knowledge_base()
        self.words = words
        self.people: list[EntityMention] = []  # earlier multi-word person names
        self.orgs: list[EntityMention] = []  # earlier unknown organisations

    def mention(self, label: str, start: int, end: int) -> EntityMention | None:
        words = self.words
        c0, c1 = words.idx[start], words.end[end - 1]
        text = words.text[c0:c1]
        if start > 0 and words.low(start - 1) == "ethnic":
            return None  # "ethnic Albanians in Serbia": a people, not the state
        match = self.kb.resolve(text)
        if match is not None and match.case == "upper" and not text.isupper():
            match = None  # "us" is not the US, "un" is not the UN
        if match is None and label in ("PERSON", "NORP", "ORG"):
            match = self._group(start, end)
        single_org = label == "ORG" and end - start == 1 and text.istitle()
        if match is None and (label in ("GPE", "NORP") or single_org):
            fuzzy = self.kb.fuzzy_country(text)
            if fuzzy is not None:  # "Afganistan"
                match = KBMatch(fuzzy, "country_name")
        if match is not None:
            return self._known(start, end, text, match, c0, c1)
        if label == "PERSON" or (label == "ORG" and _after_title(words, start, end)):
            return self._person(start, text, c0, c1)
        if label == "ORG":
            return self._organization(text, label, c0, c1)
        if label == "NORP":
            code = self.kb.country_in(text)
            if code is None:
                return None
            state = self.kb.country(code)
            name = state.name if state else code
            return EntityMention(
                c0, c1, text, "NORP", name, "state", code, state.id if state else None
            )
        if set(fold(text).split()) & _WATER_WORDS:
            return EntityMention(c0, c1, text, label, text, "place", None, None)
        place = self.kb.place(text)
        country = place.country if place is not None else self.kb.country_in(text)
        return EntityMention(c0, c1, text, label, text, "place", country, None)

    def _known(
        self, start: int, end: int, text: str, match: KBMatch, c0: int, c1: int
    ) -> EntityMention:
        entry = match.entry
        if match.via == "demonym":
            return EntityMention(c0, c1, text, "NORP", entry.name, "state", entry.country, entry.id)
        if entry.kind == "state":
            # the dateline first: it needs no spaCy objects (all three tests are pure)
            as_place = _dateline(self.words, start, end)
            if not as_place:
                root = _root(self.words, start, end)
                as_place = not _acts(root) if match.via == "capital" else _located(root)
            if as_place:
                place = self.kb.place(text)
                name = (
                    place.name
                    if (match.via == "capital" and place is not None)
                    else (text if match.via == "capital" else entry.name)
                )
                return EntityMention(c0, c1, text, "GPE", name, "place", entry.country, None)
            return EntityMention(c0, c1, text, "GPE", entry.name, "state", entry.country, entry.id)
        label = "PERSON" if entry.kind == "person" else "ORG"
        found = EntityMention(c0, c1, text, label, entry.name, entry.kind, entry.country, entry.id)
        if entry.kind == "person" and len(text.split()) > 1:
            self.people.append(found)
        return found

    def _group(self, start: int, end: int) -> KBMatch | None:
        """A people named by a leading demonym ("Bosnian Serbs" -> Bosnia)."""
        if end - start < 2 or not self.words.word(end - 1).endswith("s"):
            return None
        first = self.kb.resolve(self.words.word(start))
        return first if first is not None and first.via == "demonym" else None

    def _title_country(self, start: int) -> str | None:
        """The country in the title before a name: "Kenyan Vice-President X",
        "Pentagon spokesman Y" (a body's country), "Ukraine's army chief Z"."""
        words = self.words
        iob = words.iob
        k = start - 1
        while k >= 0 and start - k <= 6:
            word = words.word(k)
            low = words.low(k).rstrip(".")
            if low in TITLES or word in ("-", "'s", "\u2019s"):
                k -= 1
                continue
            if iob[k] == 1 or iob[k] == 3:  # inside an entity: the whole of it
                first = k
                while first > 0 and iob[first] == 1:
                    first -= 1
                hit = self.kb.resolve(words.span_text(first, k + 1))
            else:
                hit = self.kb.resolve(word)
            if hit is not None and hit.entry.kind != "person" and hit.via != "capital":
                return hit.entry.country
            return None
        return None

    def _person(self, start: int, text: str, c0: int, c1: int) -> EntityMention:
        words = fold(text).split()
        for earlier in reversed(self.people):
            full = fold(earlier.text).split()
            if len(words) < len(full) and (
                full[-len(words) :] == words
                or (_family_first(earlier) and full[: len(words)] == words)
            ):
                return dataclasses.replace(earlier, start=c0, end=c1, text=text)
        found = EntityMention(
            c0, c1, text, "PERSON", text, "person", self._title_country(start), None
        )
        if len(words) > 1:
            self.people.append(found)
        return found

    def _organization(self, text: str, label: str, c0: int, c1: int) -> EntityMention:
        if _UPPER_WORD.match(text):
            for earlier in reversed(self.orgs):
                if _initials(earlier.name) == text:
                    return dataclasses.replace(earlier, start=c0, end=c1, text=text)
        code = self.kb.country_in(text)
        found = EntityMention(c0, c1, text, "ORG", text, _kind_of_name(text, label), code, None)
        if len(text.split()) > 1:
            self.orgs.append(found)
        return found


def extract_entities(parse: Any, text: str | None = None) -> tuple[EntityMention, ...]:
    """Entity mentions of a parsed text, in text order (``text``: the text that was parsed,
    when the caller has it)."""
    words = token_table(parse, text)
    resolver = _Resolver(words)
    out: list[EntityMention] = []
    for ent_start, ent_end, label in words.ents():
        if label not in _LABELS:
            continue
        start, end = _strip(words, ent_start, ent_end, label)
        if start >= end:
            continue
        if label in ("ORG", "PERSON") and all(
            words.low(i).rstrip(".") in TITLES for i in range(start, end)
        ):
            continue  # "Defence" left over from "Deputy Defence Minister"
        found = resolver.mention(label, start, end)
        if found is not None:
            out.append(found)
    out.extend(_surnames(words, out))
    out = _home_bodies(out)
    return tuple(sorted(out, key=lambda m: (m.start, m.end)))


def _home_country(found: list[EntityMention]) -> str | None:
    """The country a text is mostly about: most mentioned, earliest on ties."""
    counts: dict[str, int] = {}
    for m in found:
        if m.country and m.kind in ("state", "place"):
            counts[m.country] = counts.get(m.country, 0) + 1
    return max(counts, key=lambda c: counts[c]) if counts else None


def _home_bodies(found: list[EntityMention]) -> list[EntityMention]:
    """Bodies named without their state ("the Joint Chiefs of Staff", "the
    foreign ministry") belong to the country the text is about."""
    home = _home_country(found)
    if home is None:
        return found
    kb = knowledge_base()
    out: list[EntityMention] = []
    for m in found:
        if m.label != "ORG" or m.country == home:
            out.append(m)
            continue
        words = set(fold(m.text).split())
        if not words or not words <= _GENERIC_BODY_WORDS:
            out.append(m)
            continue
        entry = kb.by_id(m.entity_id) if m.entity_id else None
        subkind = (
            entry.subkind
            if entry is not None
            else next((sk for cue, sk in _BODY_SUBKIND if words & cue), None)
        )
        body = _body_of(home, subkind)
        out.append(
            m
            if body is None
            else dataclasses.replace(
                m, name=body.name, kind=body.kind, country=body.country, entity_id=body.id
            )
        )
    return out


def _body_of(code: str, subkind: str | None) -> Any:
    """The named body of a country with this subkind (kr + general_staff -> JCS)."""
    if subkind is None or subkind not in _SUBKIND_SUFFIX:
        return None
    kb = knowledge_base()
    named = [
        e
        for e in _bodies(kb).get((code, subkind), ())
        if not e.id.endswith("." + _SUBKIND_SUFFIX[subkind])
    ]
    if len(named) == 1:
        return named[0]
    return kb.by_id(f"{code.lower()}.{_SUBKIND_SUFFIX[subkind]}")


@functools.lru_cache(maxsize=1)
def _bodies(kb: Any) -> dict[tuple[str | None, str | None], list[Any]]:
    """(country, subkind) -> the KB's entries that are not people, in KB order
    (built once instead of scanning every entry for each unnamed body)."""
    out: dict[tuple[str | None, str | None], list[Any]] = {}
    for e in kb.entries():
        if e.kind != "person":
            out.setdefault((e.country, e.subkind), []).append(e)
    return out


#: countries whose names put the family name first ("Kim" is Kim Jong Un)
_FAMILY_FIRST = frozenset({"KP", "KR", "CN", "TW", "VN"})


def _family_first(person: EntityMention) -> bool:
    return person.country in _FAMILY_FIRST


def _surnames(words: TokenTable, found: list[EntityMention]) -> list[EntityMention]:
    """Later bare family names of people named in full that the model missed
    (the nearest earlier full name wins: "Kim" after "Kim Yo Jong")."""
    people = [m for m in found if m.kind == "person" and len(m.text.split()) > 1]
    if not people:
        return []
    family: dict[str, list[EntityMention]] = {}
    for m in people:
        parts = m.text.split()
        family.setdefault(parts[0] if _family_first(m) else parts[-1], []).append(m)
    covered: set[int] = set()  # characters inside a mention
    for m in found:
        covered.update(range(m.start, m.end))
    extra: list[EntityMention] = []
    for i, word in enumerate(words.words):
        named = family.get(word)
        if named is None:
            continue
        idx = words.idx[i]
        if idx in covered or words.ent_type(i) not in ("", "PERSON"):
            continue
        before = [m for m in named if m.end <= idx]
        if not before or not word.istitle():
            continue
        earlier = before[-1]
        extra.append(dataclasses.replace(earlier, start=idx, end=idx + len(word), text=word))
    return extra


def _entities(doc: Document) -> Document:
    if doc.parse is None:
        raise ValueError("entities stage needs the parse layer (run sitrep.parse first)")
    mentions = extract_entities(doc.parse, doc.text)
    limit = load_settings().max_entities
    if len(mentions) > limit:
        raise InputError(
            "E031", f"{len(mentions)} entity mentions, over the limit of {limit}", doc.source
        )
    return dataclasses.replace(doc, entities=mentions)


def _setup() -> None:
    """Everything the stage would otherwise build inside its first document."""
    _bodies(loaded_knowledge_base())


STAGE = Stage(name=NAME, fn=_entities, needs=("parse",), adds=("entities",), setup=_setup)
