"""The cue lexicon of the attribution stage: reporting verbs, phrases, hedges.

Everything here is data plus the small rules that expand it; the stage
(:mod:`sitrep.stages.attribution`) reads it through the functions below.

Lemma normalisation (the parse has no lemmatizer): every reporting verb is
listed once by its lemma; :func:`verb_lemma` knows each inflected form
(``said``/``says``/``saying`` -> ``say``) through English spelling rules plus a
table of irregular forms. An ``Attribution.cue`` keeps the cue *as written*
(lower-cased, whitespace collapsed, curly apostrophes straightened, so
``said``, ``according to``, ``corroborated``) and ``Attribution.cue_lemma``
holds the normalised form (``say``, ``according to``, ``corroborate``).
"""

from __future__ import annotations

import functools
import re


def _words(text: str) -> list[str]:
    """A word list written as one string (keeps long lexicons readable)."""
    return text.split()


__all__ = [
    "CONTENT_NOUNS",
    "EVENT_VERBS",
    "HEDGE_PHRASES",
    "HEDGE_WORDS",
    "STATEMENT_NOUNS",
    "ANAPHOR_KINDS",
    "event_lemma",
    "is_media_name",
    "kind_from_words",
    "normalise_cue",
    "verb_lemma",
    "view_lemma",
]

#: verbs whose subject is a source and whose complement is what they said.
SPEECH_VERBS: tuple[str, ...] = tuple(
    _words(
        "say report tell announce assert claim confirm deny state warn estimate add note "
        "write corroborate cite quote declare insist argue explain acknowledge admit accuse "
        "allege suggest indicate reveal disclose predict promise vow pledge threaten urge "
        "respond reply comment observe stress emphasize emphasise complain tweet post testify "
        "conclude mention recall assess brief inform contend maintain caution concede boast "
        "blame criticize criticise condemn dismiss question calculate forecast publish "
        "broadcast recount verify affirm reiterate repeat signal hint describe ask demand "
        "propose agree charge show find answer joke counter retort speculate project call "
        "praise endorse mock defend refer denounce label brand email express hail tout request "
        "reference discuss"
    )
)

#: verbs of belief and intention: cues only with a clausal complement.
COGNITION_VERBS: tuple[str, ...] = tuple(
    _words(
        "believe think know expect fear hope want feel suspect doubt worry wonder assume "
        "realize realise wish recognize recognise learn understand"
    )
)

#: belief verbs that take an infinitive as content ("wants to run").
INFINITIVE_COGNITION: frozenset[str] = frozenset({"want", "hope", "expect", "wish"})

#: verbs of opinion that report only as "X sees Y as Z" ("developers see golf courses
#: as wasted space"); their object and its ``as`` phrase are the content.
VIEW_VERBS: frozenset[str] = frozenset(_words("see view regard"))

#: verbs that report only when a document speaks: "the poll found", "data show".
DOCUMENT_VERBS: frozenset[str] = frozenset({"find", "show"})

#: speech verbs whose direct object (not only a clause) is the content.
OBJECT_CONTENT: frozenset[str] = frozenset(
    _words(
        "acknowledge admit allege announce broadcast claim confirm corroborate demand deny "
        "discuss disclose estimate find forecast pledge post predict promise propose publish "
        "reference report request reveal show threaten tout tweet verify vow write"
    )
)

#: verbs that may stand as a parenthetical ("..., the ministry said."): with no
#: complement, the rest of their sentence is what they said.
PARENTHETICAL: frozenset[str] = frozenset(
    _words(
        "acknowledge add admit allege announce argue assert claim conclude confirm contend "
        "declare emphasise emphasize estimate explain insist maintain note observe post "
        "predict recall reiterate report say show state stress suggest tell tweet warn write"
    )
)

#: verbs whose words are everything after them: "called him a liar", "called for talks".
RIGHT_CONTENT: frozenset[str] = frozenset(
    _words(
        "accuse blame brand call condemn criticise criticize defend demand denounce describe "
        "dismiss endorse express hail label mock praise propose question refer urge"
    )
)

#: verbs whose object is a person told, not what was said.
ADDRESSEE_VERBS: frozenset[str] = frozenset(_words("accuse ask brief inform tell urge warn"))

#: verbs whose ``by``-agent is an outlet a statement went through.
RELAY_VERBS: frozenset[str] = frozenset(_words("broadcast carry cite publish quote report"))

_IRREGULAR: dict[str, str] = {
    "said": "say",
    "says": "say",
    "told": "tell",
    "wrote": "write",
    "written": "write",
    "thought": "think",
    "knew": "know",
    "known": "know",
    "felt": "feel",
    "found": "find",
    "shown": "show",
    "saw": "see",
    "seen": "see",
    "understood": "understand",
    "admitted": "admit",
    "admitting": "admit",
    "regretted": "regret",
    "committed": "commit",
    "broadcasted": "broadcast",
    "forecasted": "forecast",
    "repeated": "repeat",
}


def _forms(lemma: str) -> set[str]:
    out = {lemma}
    vowel_y = lemma.endswith("y") and len(lemma) > 1 and lemma[-2] not in "aeiou"
    if lemma.endswith(("s", "sh", "ch", "x", "z")):
        out.add(lemma + "es")
    elif vowel_y:
        out.add(lemma[:-1] + "ies")
    else:
        out.add(lemma + "s")
    if lemma.endswith("e"):
        out.update({lemma + "d", lemma[:-1] + "ing"})
    elif vowel_y:
        out.update({lemma[:-1] + "ied", lemma + "ing"})
    else:
        out.update({lemma + "ed", lemma + "ing"})
    return out


@functools.lru_cache(maxsize=1)
def _verb_table() -> dict[str, tuple[str, str]]:
    """surface form -> (lemma, class) where class is ``speech`` or ``cognition``."""
    table: dict[str, tuple[str, str]] = {}
    for cls, lemmas in (("cognition", COGNITION_VERBS), ("speech", SPEECH_VERBS)):
        for lemma in lemmas:
            for form in _forms(lemma):
                table[form] = (lemma, cls)
    for form, lemma in _IRREGULAR.items():
        cls = "speech" if lemma in SPEECH_VERBS else "cognition" if lemma in COGNITION_VERBS else ""
        if cls:
            table[form] = (lemma, cls)
    return table


@functools.lru_cache(maxsize=1)
def _view_table() -> dict[str, str]:
    table = {form: lemma for lemma in sorted(VIEW_VERBS) for form in _forms(lemma)}
    table.update((form, lemma) for form, lemma in _IRREGULAR.items() if lemma in VIEW_VERBS)
    return table


def view_lemma(word: str) -> str | None:
    """The lemma of a form of a :data:`VIEW_VERBS` verb ("saw" -> "see"), else ``None``."""
    return _view_table().get(word.lower())


def verb_lemma(word: str) -> tuple[str, str] | None:
    """``(lemma, class)`` for a reporting verb form, else ``None``."""
    return _verb_table().get(word.lower().replace("\u2019", "'"))


EVENT_VERBS: tuple[str, ...] = tuple(
    _words(
        "kill attack strike shell fire launch deploy capture seize bomb invade wound injure "
        "destroy shoot clash advance withdraw arrest detain explode hit target sanction test "
        "die occupy liberate retreat ambush intercept down sink raid storm evacuate flee send "
        "deliver supply mobilize mobilise execute torture abduct kidnap bombard damage "
        "encircle repel recapture"
    )
)
_EVENT_IRREGULAR = {
    "struck": "strike",
    "shot": "shoot",
    "hit": "hit",
    "sent": "send",
    "fled": "flee",
    "shelled": "shell",
    "sank": "sink",
    "sunk": "sink",
    "died": "die",
    "dying": "die",
    "downed": "down",
}


@functools.lru_cache(maxsize=1)
def _event_table() -> dict[str, str]:
    table = {form: lemma for lemma in EVENT_VERBS for form in _forms(lemma)}
    table.update(_EVENT_IRREGULAR)
    return table


def event_lemma(word: str) -> str | None:
    return _event_table().get(word.lower())


#: hedge words (lower case); modal verbs count only when tagged MD.
HEDGE_WORDS: frozenset[str] = frozenset(
    _words(
        "alleged allegedly apparently could likely may might perhaps possibly presumably "
        "probably purportedly reportedly supposedly suspected unconfirmed unverified"
    )
)
MODALS: frozenset[str] = frozenset({"could", "may", "might"})
HEDGE_PHRASES = re.compile(
    r"\b(?:it is (?:believed|thought|understood|feared)"
    r"|is (?:believed|thought|said) to|are (?:believed|thought|said) to"
    r"|appears? to|seems? to)\b",
    re.IGNORECASE,
)

#: nouns that carry content: "this information comes from ...", "X's data shows".
CONTENT_NOUNS: frozenset[str] = frozenset(
    _words(
        "account analysis assessment audit claim claims data documents estimate estimates "
        "evidence figure figures footage imagery images information intelligence "
        "investigation numbers photos poll polls records report reports research results "
        "review satellite statement studies study survey surveys tally"
    )
)

#: nouns that report when someone owns them: "Russia's claim that …", "her comment that …".
NOUN_CUES: dict[str, str] = {
    form: lemma
    for entry in _words(
        "claim=claim,claims comment=comment,comments remark=remark,remarks "
        "statement=statement assertion=assertion warning=warning,warnings "
        "announcement=announcement allegation=allegation,allegations "
        "accusation=accusation,accusations promise=promise pledge=pledge "
        "threat=threat,threats suggestion=suggestion insistence=insistence argument=argument "
        "belief=belief view=view,views praise=praise criticism=criticism denial=denial "
        "admission=admission estimate=estimate,estimates assessment=assessment "
        "prediction=prediction demand=demand,demands call=call,calls report=report,reports "
        "account=account description=description characterization=characterization vow=vow "
        "confirmation=confirmation declaration=declaration position=position "
        "question=question,questions stance=stance explanation=explanation,explanations "
        "reply=reply,replies doubt=doubts assurance=assurance,assurances "
        "message=message request=request,requests advice=advice"
    )
    for lemma, _, forms in [entry.partition("=")]
    for form in forms.split(",")
}

#: nouns of "in a statement", "in an interview" and the like.
STATEMENT_NOUNS: frozenset[str] = frozenset(
    _words(
        "address briefing broadcast bulletin communique communiqué interview letter message "
        "op-ed post release report speech statement tweet video"
    )
)

#: definite descriptions that point back at an earlier actor, by the kinds they fit.
ANAPHOR_KINDS: dict[str, frozenset[str]] = {
    "agency": frozenset({"media", "intelligence"}),
    "ministry": frozenset({"government"}),
    "government": frozenset({"government"}),
    "department": frozenset({"government"}),
    "office": frozenset({"government"}),
    "spokesman": frozenset({"person"}),
    "spokeswoman": frozenset({"person"}),
    "spokesperson": frozenset({"person"}),
    "official": frozenset({"person"}),
    "minister": frozenset({"person"}),
    "president": frozenset({"person"}),
    "general": frozenset({"person"}),
    "commander": frozenset({"person"}),
    "military": frozenset({"military"}),
    "army": frozenset({"military"}),
    "command": frozenset({"military"}),
    "newspaper": frozenset({"media"}),
    "outlet": frozenset({"media"}),
    "broadcaster": frozenset({"media"}),
    "paper": frozenset({"media"}),
    "group": frozenset({"organization"}),
    "organization": frozenset({"organization"}),
    "organisation": frozenset({"organization"}),
    "he": frozenset({"person"}),
    "she": frozenset({"person"}),
    "him": frozenset({"person"}),
    "her": frozenset({"person"}),
    "they": frozenset(
        {"government", "military", "organization", "media", "intelligence", "person"}
    ),
    "it": frozenset({"government", "military", "organization", "media", "intelligence"}),
}

# Words in a source's span that tell what kind of source it is; first match wins.
_KIND_WORDS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "intelligence",
        re.compile(
            r"\b(?:intelligence|spy|spies|CIA|NIS|GUR|HUR|SBU|FSB|SVR|GRU|MI6|MI5|Mossad|DIA|NSA)\b"
        ),
    ),
    (
        "media",
        re.compile(
            r"(?i)\b(?:news|press|agency|newspaper|paper|tv|television|radio|broadcaster"
            r"|outlet|times|post|journal|reuters|ap|afp|bbc|cnn|yonhap|kcna|tass"
            r"|interfax|ria|xinhua|al jazeera|reporters?|correspondents?|media)\b"
        ),
    ),
    (
        "military",
        re.compile(
            r"(?i)\b(?:military|army|armed forces|forces|navy|air force|general|gen\."
            r"|commander|colonel|col\.|troops|soldiers|joint chiefs|chiefs of staff"
            r"|general staff|command|defen[cs]e forces|marines|brigade|battalion)\b"
        ),
    ),
    (
        "government",
        re.compile(
            r"(?i)\b(?:ministry|minister|government|president|prime minister|premier"
            r"|spokes(?:man|woman|person)|official|officials|foreign office|kremlin"
            r"|white house|pentagon|state department|cabinet|embassy|ambassador"
            r"|diplomats?|diplomatic|authorities|governor|mayor|parliament|senator)\b"
        ),
    ),
    (
        "person",
        re.compile(
            r"(?i)\b(?:he|she|i|we|witness(?:es)?|residents?|people|man|woman|sources?"
            r"|analysts?|experts?|doctors?|survivors?|activists?|locals?|villagers?)\b"
        ),
    ),
)


@functools.lru_cache(maxsize=8192)
def kind_from_words(text: str) -> str | None:
    """A source kind read off the words of a source's span, or ``None``."""
    for kind, pattern in _KIND_WORDS:
        if pattern.search(text):
            return kind
    return None


_MEDIA = re.compile(
    r"(?i)\b(?:news|press|agency|newspaper|tv|television|radio|broadcaster|times"
    r"|post|journal|herald|guardian|telegraph|reuters|ap|afp|bbc|cnn|yonhap|kcna"
    r"|tass|interfax|ria|xinhua|al jazeera|bloomberg|nhk|kyodo|dpa|pap|ukrinform"
    r"|gazette|tribune)\b"
)


def is_media_name(text: str) -> bool:
    return bool(_MEDIA.search(text))


_SPACE = re.compile(r"\s+")


@functools.lru_cache(maxsize=4096)
def normalise_cue(text: str) -> str:
    """The cue as written, lower-cased, whitespace collapsed, apostrophes straight."""
    return _SPACE.sub(" ", text.replace("\u2019", "'")).strip().lower()
