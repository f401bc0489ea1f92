"""Hypothesis profiles for the fuzz tests, and the checks every fuzz target shares.

``SITREP_FUZZ=ci`` (the default) runs a hundred to 1,500 cases per target, all
targets together in about two minutes on a shared machine, with fixed seeds so
CI is repeatable. ``SITREP_FUZZ=smoke`` (the short reliability report) runs a
tenth of that; ``SITREP_FUZZ=long`` (``make fuzz``) twenty times as many, with
fresh random cases each run.
"""

from __future__ import annotations

import os
from typing import Any

from hypothesis import HealthCheck, settings

from sitrep.errors import CODES
from sitrep.records import Document, RawDocument, Rejection

__all__ = ["PROFILE", "check_document_spans", "check_read_item", "fuzz", "scale"]

settings.register_profile(
    "sitrep-ci",
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile(
    "sitrep-long",
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

PROFILE = os.environ.get("SITREP_FUZZ", "ci")
#: cases per target relative to the CI profile
_SCALES = {"smoke": 0.1, "ci": 1.0, "long": 20.0}
if PROFILE not in _SCALES:
    raise ValueError(f"SITREP_FUZZ must be one of {', '.join(_SCALES)}, not {PROFILE!r}")


def scale(ci_examples: int) -> int:
    """Cases for a target: ``ci_examples`` in CI, a tenth for the short reliability
    report (``smoke``), twenty times as many for ``make fuzz`` (``long``)."""
    return max(10, int(ci_examples * _SCALES[PROFILE]))


def fuzz(ci_examples: int) -> Any:
    """A ``@settings`` decorator for one fuzz target in the selected profile."""
    base = "sitrep-long" if PROFILE == "long" else "sitrep-ci"
    return settings(settings.get_profile(base), max_examples=scale(ci_examples))


def check_read_item(item: object) -> None:
    """A reader's output: a RawDocument with decoded text, or a coded Rejection on one line."""
    assert isinstance(item, (RawDocument, Rejection)), f"reader yielded {type(item).__name__}"
    if isinstance(item, Rejection):
        assert item.code in CODES, item
        assert "\n" not in item.message(), item
        return
    assert isinstance(item.text, str) and item.text.strip(), item
    assert "\r" not in item.text
    assert len(item.id) == 64 and int(item.id, 16) >= 0


def _span_ok(text: str, start: int, end: int, quoted: str | None, what: str) -> None:
    assert 0 <= start <= end <= len(text), f"{what} span {start}:{end} outside the text ({len(text)})"
    if quoted is not None:
        assert quoted == text[start:end], f"{what} text {quoted!r} != {text[start:end]!r}"


def check_document_spans(doc: Document) -> None:
    """Every annotation span lies inside ``doc.text`` and quotes it exactly; figures keep
    ``low <= value <= high``."""
    text = doc.text
    for e in doc.entities:
        _span_ok(text, e.start, e.end, e.text, "entity")
    for p in doc.places:
        _span_ok(text, p.start, p.end, p.text, "place")
    for t in doc.times:
        _span_ok(text, t.start, t.end, t.text, "time")
    for f in doc.figures:
        _span_ok(text, f.start, f.end, f.text, "figure")
        bounds = [b for b in (f.low, f.value, f.high) if b is not None]
        if f.low is not None and f.high is not None:
            assert f.low <= f.high, f
        if f.value is not None:
            assert f.low is None or f.low <= f.value, f
            assert f.high is None or f.value <= f.high, f
        assert all(b == b and abs(b) != float("inf") for b in bounds), f
    for a in doc.attributions:
        _span_ok(text, a.start, a.end, a.text, "attribution")
        _span_ok(text, a.content_start, a.content_end, None, "attribution content")
        for s, e in ((a.source_start, a.source_end), (a.cue_start, a.cue_end)):
            if s is not None and e is not None:
                _span_ok(text, s, e, None, "attribution source/cue")
    for ev in doc.events:
        for evidence in ev.evidence:
            _span_ok(text, evidence.start, evidence.end, evidence.text, "event evidence")
        for s, e in ev.trigger_spans:
            _span_ok(text, s, e, None, "event trigger")
        for f in ev.figures:
            if f.low is not None and f.high is not None:
                assert f.low <= f.high, f
    for claim in doc.claims:
        for evidence in claim.evidence:
            _span_ok(text, evidence.start, evidence.end, evidence.text, "claim evidence")
