"""Shared fixtures. Tests build a stage's input by hand where they can."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture(scope="session")
def data_dir() -> Path:
    return DATA


@pytest.fixture(scope="session")
def nlp():
    """The shared spaCy pipeline (loaded once per test session)."""
    from sitrep.stages.parse import load_nlp

    return load_nlp()
