"""The JSON API: the same queries as the CLI (``sitrep events``, ``show``, ``sources``,
``search``), with validated parameters and one error shape.

=================================  ==============================================
``GET /api/events``                filters of ``sitrep events``; limit/offset, total
``GET /api/events/{id}``           one event with its provenance tree
``GET /api/events/{id}/figures``   figure history, contradictions, series by source
``GET /api/claims``                attributed statements (``source``, ``document_id``)
``GET /api/sources``               who is cited, how often corroborated
``GET /api/documents``             stored articles (metadata)
``GET /api/documents/{id}``        one article: text (if stored), spans, events, claims
``GET /api/search?q=``             full-text over documents and events
``POST /api/ingest``               run the pipeline and store (needs the token)
=================================  ==============================================
"""

from __future__ import annotations

import hmac
import json
import threading
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import JSONResponse
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    TypeAdapter,
    ValidationError,
    field_validator,
    model_validator,
)

from ..ledger import EventFilter
from . import queries
from .app import ApiError

__all__ = ["IngestItem", "event_filter", "router"]

router = APIRouter(prefix="/api", tags=["api"])

MAX_PAGE = 1000
MAX_INGEST_BYTES = 5_000_000
MAX_INGEST_ITEMS = 100

EventId = Annotated[str, Path(min_length=1, max_length=120, description="a fused event id")]
DocumentId = Annotated[str, Path(min_length=1, max_length=120, description="a document id (content hash)")]
Limit = Annotated[int, Query(ge=1, le=MAX_PAGE, description=f"page size, 1..{MAX_PAGE}")]
Offset = Annotated[int, Query(ge=0, le=100_000_000, description="rows to skip")]


def iso_date(name: str, value: str | None) -> str | None:
    if value is None:
        return None
    try:
        if len(value) != 10:
            raise ValueError(value)
        return date.fromisoformat(value).isoformat()
    except ValueError:
        raise ApiError(422, "invalid_parameter", f"{name}: not an ISO date (YYYY-MM-DD): {value!r}") from None


def event_filter(
    type: Annotated[str | None, Query(description="event type: " + ", ".join(queries.EVENT_TYPES))] = None,
    actor: Annotated[str | None, Query(max_length=200, description="actor name, or an actor's ISO country code")] = None,
    country: Annotated[str | None, Query(pattern="^[A-Za-z]{2}$", description="ISO 3166-1 alpha-2 of the event's place")] = None,
    place: Annotated[str | None, Query(max_length=200, description="place name or its admin1 region")] = None,
    since: Annotated[str | None, Query(description="events ending on or after this ISO date")] = None,
    until: Annotated[str | None, Query(description="events starting on or before this ISO date")] = None,
    min_sources: Annotated[int, Query(ge=0, le=10_000, description="at least this many independent sources")] = 0,
    has_contradictions: Annotated[bool | None, Query(description="only events whose sources disagree on a figure (true) or agree (false)")] = None,
    text: Annotated[str | None, Query(max_length=500, description="full-text over summary, actors, place, evidence")] = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> EventFilter:
    """The ``sitrep events`` filters, validated."""
    if type is not None and type not in queries.EVENT_TYPES:
        raise ApiError(422, "invalid_parameter", f"type: must be one of {', '.join(queries.EVENT_TYPES)}; got {type!r}")
    since, until = iso_date("since", since), iso_date("until", until)
    if since and until and since > until:
        raise ApiError(422, "invalid_parameter", f"since ({since}) is after until ({until})")
    return EventFilter(
        type=type, actor=actor, country=country.upper() if country else None, place=place, since=since, until=until,
        min_sources=min_sources, has_contradictions=has_contradictions, text=text, limit=limit, offset=offset,
    )


Filter = Annotated[EventFilter, Depends(event_filter)]


def ledger_of(request: Request) -> Any:
    return request.app.state.ledger


@router.get("/events", summary="Fused events matching the filters (sitrep.events/1 plus total, limit, offset)")
def api_events(request: Request, f: Filter) -> JSONResponse:
    # a JSONResponse skips FastAPI's re-encoding of the (already plain) contract dicts
    return JSONResponse(queries.event_page(ledger_of(request), f))


@router.get("/events/{event_id}", summary="One event with its provenance: claimants, outlets, articles, evidence")
def api_event(request: Request, event_id: EventId) -> dict[str, Any]:
    shown = queries.event_detail(ledger_of(request), event_id)
    if shown is None:
        raise ApiError(404, "not_found", f"no event {event_id!r} in the ledger")
    return shown


@router.get("/events/{event_id}/figures", summary="How an event's figures changed, by source")
def api_event_figures(request: Request, event_id: EventId) -> dict[str, Any]:
    shown = queries.event_detail(ledger_of(request), event_id)
    if shown is None:
        raise ApiError(404, "not_found", f"no event {event_id!r} in the ledger")
    ev = shown["event"]
    return {"event_id": event_id, "figure_history": ev["figure_history"], "contradictions": ev["contradictions"],
            "series": shown["figure_series"]}


@router.get("/claims", summary="Attributed statements, as each article words them")
def api_claims(
    request: Request,
    source: Annotated[str | None, Query(max_length=300, description="only this claimant (case-insensitive)")] = None,
    document_id: Annotated[str | None, Query(max_length=120, description="only claims of this document")] = None,
    limit: Limit = 100,
    offset: Offset = 0,
) -> dict[str, Any]:
    return queries.claim_list(ledger_of(request), source=source, document_id=document_id, limit=limit, offset=offset)


@router.get("/sources", summary="Who is cited how often, and how often corroborated")
def api_sources(request: Request, limit: Limit = 100, offset: Offset = 0) -> dict[str, Any]:
    return queries.source_page(ledger_of(request), limit=limit, offset=offset)


@router.get("/documents", summary="Stored articles (metadata), newest first")
def api_documents(request: Request, limit: Limit = 100, offset: Offset = 0) -> dict[str, Any]:
    return queries.document_page(ledger_of(request), limit=limit, offset=offset)


@router.get("/documents/{document_id}", summary="One article: text when stored, spans by layer, events, claims")
def api_document(request: Request, document_id: DocumentId) -> dict[str, Any]:
    shown = queries.document_detail(ledger_of(request), document_id)
    if shown is None:
        raise ApiError(404, "not_found", f"no document {document_id!r} in the ledger")
    return shown


@router.get("/search", summary="Full-text search over stored documents and fused events")
def api_search(
    request: Request,
    q: Annotated[str, Query(min_length=1, max_length=500, description="words to look for")],
    limit: Annotated[int, Query(ge=1, le=200)] = 20,
) -> dict[str, Any]:
    return queries.search_page(ledger_of(request), q, limit=limit)


# --------------------------------------------------------------------------- ingest


class IngestItem(BaseModel):
    """One article to ingest: its ``text`` or ``html``, and what is known about it."""

    model_config = ConfigDict(extra="forbid")

    text: str | None = Field(None, max_length=2_000_000)
    html: str | None = Field(None, max_length=5_000_000)
    url: str | None = Field(None, max_length=2000)
    published: str | None = Field(None, description="ISO date YYYY-MM-DD")
    publisher: str | None = Field(None, max_length=300)
    title: str | None = Field(None, max_length=1000)

    @field_validator("published")
    @classmethod
    def _iso(cls, v: str | None) -> str | None:
        if v is None:
            return v
        if len(v) != 10:
            raise ValueError("not an ISO date (YYYY-MM-DD)")
        return date.fromisoformat(v).isoformat()

    @model_validator(mode="after")
    def _one_body(self) -> IngestItem:
        if not ((self.text and self.text.strip()) or (self.html and self.html.strip())):
            raise ValueError("give 'text' or 'html' (a non-empty string)")
        return self


_INGEST_BODY = TypeAdapter(IngestItem | list[IngestItem])
_INGEST_LOCK = threading.Lock()


def require_token(request: Request) -> None:
    """401 without a bearer token, 403 with a wrong one or on a read-only server."""
    expected: str | None = request.app.state.token
    if expected is None:
        raise ApiError(403, "read_only", "this server is read-only: start it with --token to allow ingest")
    scheme, _, given = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not given.strip():
        raise ApiError(401, "unauthorized", "send Authorization: Bearer <token>", {"WWW-Authenticate": "Bearer"})
    if not hmac.compare_digest(given.strip().encode("utf-8"), expected.encode("utf-8")):
        raise ApiError(403, "forbidden", "wrong token")


@router.post(
    "/ingest",
    summary="Run the pipeline over posted articles and store them (needs the server's token)",
    openapi_extra={"requestBody": {"required": True, "content": {"application/json": {"schema": {
        "oneOf": [IngestItem.model_json_schema(), {"type": "array", "items": IngestItem.model_json_schema(),
                                                    "maxItems": MAX_INGEST_ITEMS}]}}}}},
)
async def api_ingest(request: Request) -> dict[str, Any]:
    require_token(request)
    if not request.headers.get("content-type", "").startswith("application/json"):
        raise ApiError(415, "unsupported_media_type", "send the articles as application/json")
    body = await request.body()
    if len(body) > MAX_INGEST_BYTES:
        raise ApiError(413, "payload_too_large", f"at most {MAX_INGEST_BYTES} bytes per request")
    try:
        parsed = _INGEST_BODY.validate_json(body)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(x) for x in first.get("loc", ()))
        raise ApiError(422, "invalid_parameter", f"body{'.' + where if where else ''}: {first.get('msg')}") from None
    items = parsed if isinstance(parsed, list) else [parsed]
    if not items or len(items) > MAX_INGEST_ITEMS:
        raise ApiError(422, "invalid_parameter", f"send 1 to {MAX_INGEST_ITEMS} articles")
    from starlette.concurrency import run_in_threadpool

    return await run_in_threadpool(_ingest, request, items)


def _ingest(request: Request, items: list[IngestItem]) -> dict[str, Any]:
    from ..pipeline import Pipeline
    from ..records import Document, Rejection
    from ..stages.read import read_bytes

    state = request.app.state
    lines = [json.dumps(i.model_dump(exclude_none=True), ensure_ascii=False, sort_keys=True) for i in items]
    with _INGEST_LOCK:
        if state.pipeline is None:
            state.pipeline = Pipeline(settings=state.settings)
        pipe = state.pipeline
        rejected: list[Rejection] = []
        cleaned: list[Document] = []
        for raw in read_bytes("\n".join(lines).encode("utf-8"), source="api:ingest", settings=state.settings, suffix=".jsonl"):
            doc = raw if isinstance(raw, Rejection) else pipe.clean(raw)
            if isinstance(doc, Rejection):
                rejected.append(doc)
            else:
                cleaned.append(doc)
        done = pipe.annotate(cleaned) if pipe.stages else list(cleaned)
        docs = [d for d in done if isinstance(d, Document)]
        rejected += [d for d in done if isinstance(d, Rejection)]
        added = state.ledger.add(docs)
        queries.forget_totals(state.ledger)
        if rejected:
            state.ledger.add_rejections(rejected)
    return {
        "documents": [{"id": d.id, "title": d.title, "events": len(d.events)} for d in docs],
        "added": added.added,
        "skipped": added.skipped,
        "rejected": [r.as_dict() for r in rejected],
    }
