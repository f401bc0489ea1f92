"""The ledger's tables, as SQLAlchemy Core metadata (one definition for SQLite and PostgreSQL).

::

    documents ──< spans          (annotation layers, one row per span)
              ──< doc_events     (article-level EVENTs as in sitrep.report/1, with fusion block)
              ──< doc_bands      (LSH buckets of the syndication signature)
              ──< claims         (attributed statements)
    sources                      (every claimant seen, once)
    events ──< event_payloads    (fused, cross-article events; the ledger: filter columns,
           │                      and the contract object apart)
           ──< event_mentions
           ──< event_actors
           ──< event_claimants   (the independent originating sources)
    rejections                   (inputs the pipeline refused, with their code)
    migrations                   (named steps applied, in order)

JSON columns hold contract-shaped objects as text, so both dialects read them
the same way. Full-text search (FTS5 on SQLite, tsvector/GIN on PostgreSQL) is
added by a dialect-specific migration step in :mod:`sitrep.ledger.migrations`.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Float,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
)

__all__ = [
    "METADATA",
    "claims",
    "doc_bands",
    "doc_events",
    "documents",
    "event_actors",
    "event_claimants",
    "event_mentions",
    "event_payloads",
    "events",
    "migrations",
    "rejections",
    "sources",
    "spans",
]

METADATA = MetaData()

migrations = Table(
    "migrations",
    METADATA,
    Column("name", String(200), primary_key=True),
    Column("applied_at", String(40), nullable=False),
)

documents = Table(
    "documents",
    METADATA,
    Column("id", String(80), primary_key=True),  # Document.id: content hash of the raw input
    Column("source", Text, nullable=False),
    Column("url", Text),
    Column("title", Text),
    Column("section", Text),
    Column("publisher", Text),
    Column("byline", Text),
    Column("published", String(40)),
    Column("language", String(16)),
    Column("format", String(16)),
    Column("tdm_reserved", Boolean, nullable=False, default=False),
    Column("rights_notice", Text),
    Column("rights_signals", Text),  # JSON list
    # NULL for rights-reserved documents unless settings.store_reserved_text
    Column("text", Text),
    Column("text_stored", Boolean, nullable=False, default=True),
    # evidence quotes (each at most settings.evidence_quote_chars), newline-joined:
    # what is searchable of a document whose text is not kept
    Column("quotes", Text),
    Column("captions", Text),  # JSON list
    Column("removed", Text),  # JSON list of {"kind", "text"}
    Column("stages", Text),  # JSON list of versioned stage names
    Column("ingested_at", String(40), nullable=False),
    # syndication
    Column("wire", String(120)),  # canonical agency credited, if any
    Column("minhash", LargeBinary),  # MinHash signature of the cleaned text (not text)
    Column("origin_id", String(80)),  # the document this story originates from
    Column("syndication_version", String(60)),
    Index("ix_documents_published", "published"),
    Index("ix_documents_origin", "origin_id"),
    Index("ix_documents_publisher", "publisher"),
)

spans = Table(
    "spans",
    METADATA,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("document_id", String(80), nullable=False),
    Column("layer", String(32), nullable=False),  # entities|places|times|figures|attributions
    Column("start", Integer, nullable=False),
    Column("end", Integer, nullable=False),
    Column("payload", Text, nullable=False),  # the layer's contract dict
    Column("stage", String(80)),
    Index("ix_spans_document", "document_id", "layer"),
)

doc_events = Table(
    "doc_events",
    METADATA,
    Column("document_id", String(80), primary_key=True),
    Column("event_id", String(120), primary_key=True),
    Column("type", String(40), nullable=False),
    Column("payload", Text, nullable=False),  # the contract EVENT
    Column("stage", String(80)),
    # the dates fusion gives the event (its own time, else the days before publication);
    # NULL when neither is known. Fusion re-fuses the blocks these windows chain into.
    Column("window_start", String(40)),
    Column("window_end", String(40)),
    # the fusion block: a connected component of the type's compatibility graph (a hash of
    # its smallest mention id). Fusion of a block alone equals fusing the whole type there,
    # so a new report re-fuses only the blocks of the stored mentions it is compatible with.
    Column("block", String(40)),
    Index("ix_doc_events_type", "type"),
    Index("ix_doc_events_window", "type", "window_start", "window_end"),
    Index("ix_doc_events_block", "type", "block"),
)

# LSH buckets of each document's MinHash signature (syndication.band_keys), so a new
# document is compared with the stored documents sharing a bucket, not with all of them.
doc_bands = Table(
    "doc_bands",
    METADATA,
    Column("band", BigInteger, nullable=False),
    Column("document_id", String(80), nullable=False),
    Index("ix_doc_bands_band", "band"),
    Index("ix_doc_bands_document", "document_id"),
)

claims = Table(
    "claims",
    METADATA,
    Column("document_id", String(80), primary_key=True),
    Column("claim_id", String(120), primary_key=True),
    Column("source", Text, nullable=False),
    Column("source_kind", String(40)),
    Column("cue", Text),
    Column("via", Text),  # JSON list
    Column("hedge", String(80)),
    Column("text", Text),  # shortened to the quote limit for rights-reserved documents
    Column("events", Text),  # JSON list of doc-level event ids
    Column("evidence", Text),  # JSON list of {"start", "end", "text"}
    Column("stage", String(80)),
)

sources = Table(
    "sources",
    METADATA,
    Column("key", String(300), primary_key=True),  # normalised name
    Column("name", Text, nullable=False),
    Column("kind", String(40)),
    Column("country", String(8)),
)

events = Table(
    "events",
    METADATA,
    Column("id", String(80), primary_key=True),
    Column("type", String(40), nullable=False),
    Column("status", String(20)),
    Column("summary", Text),
    Column("location_name", Text),
    Column("location_key", String(300)),
    Column("location_country", String(8)),
    Column("location_admin1", Text),
    Column("admin1_key", String(300)),
    Column("lat", Float),
    Column("lon", Float),
    Column("time_start", String(40)),
    Column("time_end", String(40)),
    Column("time_precision", String(20)),
    # what since/until filter on: the event's time, else its first report's date
    Column("date_start", String(40)),
    Column("date_end", String(40)),
    Column("independent_sources", Integer, nullable=False, default=0),
    Column("has_contradictions", Boolean, nullable=False, default=False),
    Column("mention_count", Integer, nullable=False, default=0),
    Column("version", String(60), nullable=False),
    Index("ix_events_date", "date_start", "id"),
    Index("ix_events_date_end", "date_end", "date_start"),  # since/until: both in the index
    Index("ix_events_id_date", "id", "date_start"),  # ids from the actor index, sorted by date
    Index("ix_events_type_date", "type", "date_start"),
    Index("ix_events_country_date", "location_country", "date_start"),
    Index("ix_events_location", "location_key"),
    Index("ix_events_admin1", "admin1_key"),
    Index("ix_events_sources", "independent_sources"),
    Index("ix_events_contradictions", "has_contradictions", "date_start"),
)

# Kept apart from ``events`` so that the rows filters and sorts touch stay narrow.
event_payloads = Table(
    "event_payloads",
    METADATA,
    Column("event_id", String(80), primary_key=True),
    Column("payload", Text, nullable=False),  # the contract's sitrep.events/1 event
    Column("search_text", Text),  # summary, actors, place, evidence quotes
)

event_mentions = Table(
    "event_mentions",
    METADATA,
    Column("event_id", String(80), nullable=False),
    Column("document_id", String(80), nullable=False),
    Column("doc_event_id", String(120), nullable=False),
    Column("published", String(40)),
    Column("publisher", Text),
    Index("ix_event_mentions_event", "event_id"),
    Index("ix_event_mentions_document", "document_id"),
)

event_actors = Table(
    "event_actors",
    METADATA,
    Column("event_id", String(80), nullable=False),
    Column("name", Text, nullable=False),
    Column("name_key", String(300), nullable=False),
    Column("country", String(8)),
    Column("role", String(20)),
    Index("ix_event_actors_key", "name_key", "event_id"),
    Index("ix_event_actors_event", "event_id"),
    Index("ix_event_actors_country", "country", "event_id"),
)

event_claimants = Table(
    "event_claimants",
    METADATA,
    Column("event_id", String(80), nullable=False),
    Column("claimant", Text, nullable=False),
    Column("claimant_key", String(300), nullable=False),
    Column("kind", String(40)),
    Column("mentions", Integer, nullable=False, default=1),
    Index("ix_event_claimants_key", "claimant_key"),
    Index("ix_event_claimants_event", "event_id"),
)

rejections = Table(
    "rejections",
    METADATA,
    Column("source", String(1000), primary_key=True),
    Column("code", String(8), primary_key=True),
    Column("reason", Text, nullable=False),
    Column("at", String(40), nullable=False),
)
