"""Language identification for cleaned articles (ISO 639-1 codes).

Uses py3langid's packaged model (no download), loaded once per process and
restricted to the languages news about conflict is mostly written in: the
full 97-language model happily calls a four-word English headline Luganda or
Breton. Short texts (a headline, a caption) get a second opinion from
function-word counts, which are reliable exactly where character n-grams are
not. Only a bounded sample of a long text is classified, so the cost per
document is flat.
"""

from __future__ import annotations

import functools
import re
from typing import Any

__all__ = ["NEWS_LANGUAGES", "detect_language", "identifier"]

#: Languages the identifier chooses among (ISO 639-1).
NEWS_LANGUAGES: tuple[str, ...] = (
    "en", "de", "fr", "es", "it", "pt", "nl", "pl", "cs", "sk", "sl", "hr", "sr", "bg",
    "ro", "hu", "da", "sv", "no", "fi", "et", "lv", "lt", "el", "tr", "ru", "uk", "be",
    "ka", "hy", "az", "kk", "ar", "he", "fa", "ur", "hi", "bn", "zh", "ja", "ko", "vi",
    "th", "id", "ms", "tl", "sw", "am", "ca", "eu", "gl", "ga", "is", "sq", "mk",
)

#: Characters of text classified: the head and a slice of the middle.
_HEAD_CHARS = 320
_MID_CHARS = 160
#: Characters read by the function-word fast path.
_FAST_CHARS = 300
#: Below this many letters the function-word vote is consulted.
_SHORT_LETTERS = 120

_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
_LETTER = re.compile(r"[^\W\d_]", re.UNICODE)

def _vocab(words: str) -> frozenset[str]:
    return frozenset(words.split())


#: Frequent function words that are (nearly) unique to one language.
_FUNCTION_WORDS: dict[str, frozenset[str]] = {
    "en": _vocab("the of and to in is was that for on with by from has have said were are at its this which"),
    "de": _vocab("der die das und ist nicht mit den von sich des auf für dem ein eine wurde sind auch"),
    "fr": _vocab("le la les des et est une dans du pour que qui sur au aux avec par sont été"),
    "es": _vocab("el los las del y es una en por con para que se al fue han según"),
    "it": _vocab("il lo gli della delle degli di che è per con una sono stato nel alla"),
    "pt": _vocab("os as do da dos das em um uma para com não foi são pelo pela"),
    "nl": _vocab("de het een van en is dat op te zijn met voor niet werd door"),
    "pl": _vocab("i w z na się że do nie jest to przez od po oraz jak dla"),
    "cs": _vocab("a v se na je že do z to by jako pro od byl jsou"),
    "uk": _vocab("і в на що з не до та як це від за"),
    "ru": _vocab("и в на что с не по как это от за из"),
}


@functools.lru_cache(maxsize=1)
def identifier() -> Any:
    """The shared py3langid identifier (loaded once, probabilities normalised)."""
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    ident = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    ident.set_languages([lang for lang in NEWS_LANGUAGES if lang in ident.nb_classes])
    return ident


def _sample(text: str) -> str:
    if len(text) <= _HEAD_CHARS + _MID_CHARS:
        return text
    mid = len(text) // 2
    return text[:_HEAD_CHARS] + " " + text[mid : mid + _MID_CHARS]


def _function_word_counts(text: str) -> tuple[list[tuple[int, str]], int]:
    """(hits, language) pairs, most hits first, and the number of words."""
    words = [w.lower() for w in _WORD.findall(text)]
    counts = sorted(
        ((sum(1 for w in words if w in vocab), lang) for lang, vocab in _FUNCTION_WORDS.items()),
        reverse=True,
    )
    return counts, len(words)


def _function_word_vote(text: str) -> tuple[str | None, int]:
    counts, n = _function_word_counts(text)
    if not n or counts[0][0] == 0:
        return None, 0
    return counts[0][1], counts[0][0]


def _clear_vote(text: str) -> str | None:
    """A language whose function words make up a fifth of a long-enough sample,
    three times more than any rival's: no n-gram model needed."""
    counts, n = _function_word_counts(text[:_FAST_CHARS])
    (best, lang), (second, _) = counts[0], counts[1]
    if n >= 30 and best >= 0.2 * n and second * 3 <= best:
        return lang
    return None


def detect_language(text: str) -> str | None:
    """ISO 639-1 code of ``text``'s language, or None when it has no letters."""
    sample = _sample(text)
    letters = len(_LETTER.findall(sample[:400])) if len(sample) < 400 else _SHORT_LETTERS
    if letters == 0:
        return None
    if letters >= _SHORT_LETTERS:
        clear = _clear_vote(sample)
        if clear is not None:
            return clear
    lang, prob = identifier().classify(sample)
    if letters >= _SHORT_LETTERS and prob >= 0.5:
        return str(lang)
    vote, hits = _function_word_vote(sample)
    if vote is not None and hits >= 2 and vote != lang:
        return vote
    if letters < _SHORT_LETTERS and prob < 0.5 and vote is not None and hits >= 1:
        return vote
    return str(lang)
