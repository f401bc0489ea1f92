"""Language identification: ISO 639-1 codes, robust on short texts."""

from __future__ import annotations

import pytest

from sitrep.stages.language import detect_language, identifier

SENTENCES = {
    "en": "The army said on Monday that two brigades had been moved closer to the border.",
    "pl": "Wojsko poinformowało w poniedziałek, że dwie brygady przesunięto bliżej granicy.",
    "de": "Die Armee teilte am Montag mit, dass zwei Brigaden näher an die Grenze verlegt wurden.",
    "fr": "L'armée a annoncé lundi que deux brigades avaient été rapprochées de la frontière.",
    "es": "El ejército dijo el lunes que dos brigadas habían sido trasladadas más cerca de la frontera.",
    "it": "L'esercito ha detto lunedì che due brigate sono state spostate più vicino al confine.",
    "nl": "Het leger zei maandag dat twee brigades dichter bij de grens waren geplaatst.",
    "cs": "Armáda v pondělí uvedla, že dvě brigády byly přesunuty blíže k hranici.",
    "uk": "Армія заявила в понеділок, що дві бригади перемістили ближче до кордону.",
}


@pytest.mark.parametrize("lang", sorted(SENTENCES))
def test_language_detects_news_sentences(lang: str) -> None:
    assert detect_language(SENTENCES[lang]) == lang


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("North Korea fires missile", "en"),
        ("Troops killed in Kursk", "en"),
        ("Seoul says the troops were sent to the front", "en"),
        ("Rosja atakuje Odessę", "pl"),
        ("Die Lage an der Front", "de"),
    ],
)
def test_language_is_robust_on_short_texts(text: str, lang: str) -> None:
    assert detect_language(text) == lang


@pytest.mark.parametrize("text", ["", "   ", "2024-12-20 10:41", "— … —"])
def test_language_none_without_letters(text: str) -> None:
    assert detect_language(text) is None


def test_language_identifier_is_loaded_once() -> None:
    assert identifier() is identifier()


def test_language_function_word_fast_path_agrees_with_the_model() -> None:
    paragraph = (
        "The defence ministry said on Thursday that the troops had been moved to the border "
        "and that the exercise was planned for the end of the month, according to officials who "
        "were present at the briefing in the capital."
    )
    from sitrep.stages.language import _clear_vote

    assert _clear_vote(paragraph) == "en"
    assert identifier().classify(paragraph)[0] == "en"
    assert _clear_vote(SENTENCES["pl"]) is None  # too short for the fast path: the model decides
