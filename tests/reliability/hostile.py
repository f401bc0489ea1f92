"""Hostile inputs shared by the pathological tests and ``make reliability``.

Each is a long run of one kind of character (or a short motif repeated): the
shapes that make a backtracking regex or a quadratic loop blow up.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from sitrep.records import Document, RawDocument

__all__ = ["HOSTILE_LENGTH", "STAGE_BOUND_S", "hostile_texts", "time_layers"]

#: characters in each hostile text
HOSTILE_LENGTH = 50_000
#: a generous bound per stage per input on a shared two-core machine
STAGE_BOUND_S = 5.0


def hostile_texts(n: int = HOSTILE_LENGTH) -> dict[str, str]:
    """name -> a text of about ``n`` characters."""

    def rep(motif: str) -> str:
        return (motif * (n // len(motif) + 1))[:n]

    return {
        "digits": rep("7"),
        "dots": rep("."),
        "spaces": "a" + rep(" ") + "b",
        "commas": rep(","),
        "hyphens": rep("-"),
        "capitals": rep("A"),
        "brackets": rep("("),
        "close_brackets": rep(")"),
        "newlines": "a" + rep("\n") + "b",
        "digit_groups": rep("1,"),
        # motifs of many short tokens: spaCy itself needs ~0.5 ms a token, so
        # these are a tenth as long (5,000 characters, ~1,500 tokens)
        "number_list": rep("1 - 2, 3. ")[: n // 10],
        "number_words": rep("one hundred and ")[: n // 10],
        "capital_words": rep("Kim Jong ")[: n // 10],
        "qualifiers": rep("at least 3 and ")[: n // 10],
    }


def _layers() -> list[tuple[str, Callable[[Document], Document]]]:
    from sitrep.stages import attribution, entities, events, figures, parse, places
    from sitrep.stages import time as time_stage

    return [
        (st.name, st)
        for st in (
            parse.STAGE,
            entities.STAGE,
            figures.STAGE,
            time_stage.STAGE,
            places.STAGE,
            attribution.STAGE,
            events.STAGE,
        )
    ]


def time_layers(name: str, text: str) -> tuple[dict[str, float], Document | Any]:
    """Seconds each stage took on ``text`` (clean first, then every annotation stage)."""
    from sitrep.stages.clean import clean

    timings: dict[str, float] = {}
    started = time.perf_counter()
    cleaned = clean(RawDocument(id=name, source=f"{name}.txt", text=text, format="text"))
    timings["sitrep.clean"] = time.perf_counter() - started
    doc = Document(id=name, source=f"{name}.txt", text=text, language="en", published="2024-05-01")
    for stage_name, st in _layers():
        started = time.perf_counter()
        doc = st(doc)
        timings[stage_name] = time.perf_counter() - started
    return timings, (doc, cleaned)
