"""The exception tree and the coded messages for rejected inputs.

::

    SitrepError                 base of everything sitrep raises on purpose
    ├── UsageError              bad arguments or settings (CLI exit code 2)
    ├── InputError              one input cannot be used; carries a code
    │   (raised inside readers, turned into a Rejection, the batch goes on)
    ├── PipelineError           a pipeline whose stages do not fit together
    └── LedgerError             storage problems (bad URL, failed migration)

Every rejection has a code from ``CODES``; a message reads
``[E012] a10.html: not text (binary content); skipped``.
"""

from __future__ import annotations

__all__ = [
    "CODES",
    "InputError",
    "LedgerError",
    "PipelineError",
    "SitrepError",
    "UsageError",
]

#: code -> what it means. Codes are stable: add new ones, never reuse one.
CODES: dict[str, str] = {
    "E001": "file not found",
    "E002": "not readable (permission or I/O error)",
    "E003": "empty input",
    "E004": "over the size limit",
    "E010": "binary content, not text",
    "E011": "undecodable bytes (no text encoding fits)",
    "E020": "HTML with no extractable article text",
    "E021": "malformed feed",
    "E022": "malformed WARC record or file",
    "E023": "malformed JSON Lines record",
    "E030": "text over the length limit",
    "E031": "too many entities in one document",
    "E032": "per-document time limit exceeded",
    "E040": "unsupported input type",
    "E050": "extraction failed on this document",
}


class SitrepError(Exception):
    """Base of every error sitrep raises on purpose."""


class UsageError(SitrepError):
    """Bad arguments or settings."""


class PipelineError(SitrepError):
    """A pipeline whose stages do not fit together."""


class LedgerError(SitrepError):
    """Storage problems."""


class InputError(SitrepError):
    """One input cannot be used. ``code`` is a key of ``CODES``."""

    def __init__(self, code: str, reason: str, source: str = "") -> None:
        if code not in CODES:
            raise ValueError(f"unknown error code {code}")
        self.code = code
        self.reason = reason
        self.source = source
        super().__init__(f"[{code}] {source}: {reason}")
