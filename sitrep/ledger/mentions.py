"""Mentions: one article-level event with what fusion needs of its document, and who claims it.

A mention's **claimants** follow ``via`` chains to the source that made the
statement. Statements without attribution count as their story's origin: the
wire agency the document credits, else the publisher of the document it was
syndicated from, else its own publisher.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from ..records import Event
from .syndication import canonical_outlet

__all__ = ["Mention", "name_key"]

_NON_WORD = re.compile(r"[^\w]+")


@functools.lru_cache(maxsize=65536)
def name_key(name: str | None) -> str:
    """A normalised name for matching: case-folded, punctuation-free, no leading "the"."""
    if not name:
        return ""
    k = _NON_WORD.sub(" ", name.casefold()).strip()
    return k[4:] if k.startswith("the ") else k


@dataclass(frozen=True, slots=True)
class Mention:
    """One article-level event, with what fusion needs of its document."""

    document_id: str
    event: Event
    published: str | None = None
    publisher: str | None = None
    origin_id: str | None = None  # syndication origin document
    origin_publisher: str | None = None
    wire: str | None = None  # agency the document credits

    @property
    def id(self) -> str:
        return f"{self.document_id}:{self.event.id}"

    @property
    def denied(self) -> bool:
        return self.event.status == "denied" or self.event.certainty == "denied"

    def story_origin(self) -> str:
        """Who the article's own, unattributed statements come from."""
        return (
            self.wire
            or self.origin_publisher
            or self.publisher
            or self.origin_id
            or self.document_id
        )

    def claimants(self) -> list[tuple[str, str]]:
        """(claimant name, kind) for each source, in order, after following via chains.

        An outlet cited beside a non-media claimant ("according to Ukrinform, the
        emergency service said") relayed that claimant's statement: it maps to
        the first such claimant rather than counting as one of its own.
        """
        out: list[tuple[str, str]] = []
        own = {name_key(self.publisher), name_key(self.origin_publisher)} - {""}
        first_claimant = next(
            (
                (canonical_outlet(s.name) or s.name, s.kind)
                for s in self.event.sources
                if s.name
                and s.kind not in ("media", "unattributed")
                and name_key(s.name) not in own
            ),
            None,
        )
        for s in self.event.sources:
            name = s.name
            if (not name or s.kind == "unattributed") and s.via:
                name = s.via[-1]  # the farthest outlet is where the statement entered the chain
            if first_claimant is not None and (s.kind == "media" or canonical_outlet(name)):
                out.append(first_claimant)
            elif not name or name_key(name) in own or (s.kind == "unattributed" and not s.via):
                out.append((self.story_origin(), "media"))
            else:
                out.append((canonical_outlet(name) or name, s.kind))
        if not out:
            out.append((self.story_origin(), "media"))
        return out

    def figure_source(self) -> str:
        return self.claimants()[0][0]
