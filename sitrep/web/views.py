"""HTML pages, each with a ``.json`` twin built on the same query function.

==========================  ==========================  =============================
page                        twin                        what
==========================  ==========================  =============================
``/``                       ``/index.json``             counts, newest events, sources
``/events``                 ``/events.json``            filterable, sortable table
``/events/{id}``            ``/events/{id}.json``       one event, figures, provenance
``/map``                    ``/map.json``               events on the basemap
``/timeline``               ``/timeline.json``          events by week and type
``/documents``              ``/documents.json``         stored articles
``/documents/{id}``         ``/documents/{id}.json``    article text with its spans
``/sources``                ``/sources.json``           who is cited
``/search?q=``              ``/search.json?q=``         full-text search
``/docs``                   ``/openapi.json``           the API reference, offline
==========================  ==========================  =============================
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse

from ..ledger import EventFilter
from . import charts, queries
from .api import DocumentId, EventId, Filter, Limit, Offset
from .app import ApiError

__all__ = ["router"]

router = APIRouter(include_in_schema=False)

def render(request: Request, template: str, *, nav: str, title: str, twin: str | None = None, **ctx: Any) -> HTMLResponse:
    page = request.app.state.templates.get_template(template)
    html = page.render(nav=nav, title=title, twin=twin, **ctx)
    return HTMLResponse(html)


def _twin(request: Request, path: str) -> str:
    qs = request.url.query
    return path + ("?" + qs if qs else "")


def _filter_params(f: EventFilter) -> dict[str, Any]:
    return {"type": f.type, "actor": f.actor, "country": f.country, "place": f.place, "since": f.since,
            "until": f.until, "min_sources": f.min_sources or None,
            "has_contradictions": None if f.has_contradictions is None else str(f.has_contradictions).lower(),
            "text": f.text}


# --------------------------------------------------------------------------- overview


@router.get("/index.json")
def overview_json(request: Request) -> JSONResponse:
    return JSONResponse(queries.overview(request.app.state.ledger))


@router.get("/", response_class=HTMLResponse)
def overview_page(request: Request) -> HTMLResponse:
    data = queries.overview(request.app.state.ledger)
    return render(request, "overview.html", nav="/", title="Overview", twin="/index.json", data=data,
                  type_bars=charts.bars(data["by_type"], "type", "events"),
                  country_bars=charts.bars(data["by_country"][:12], "country", "events"))


# --------------------------------------------------------------------------- events


@router.get("/events.json")
def events_json(request: Request, f: Filter) -> JSONResponse:
    return JSONResponse(queries.event_page(request.app.state.ledger, f))


@router.get("/events", response_class=HTMLResponse)
def events_page(request: Request, f: Filter) -> HTMLResponse:
    data = queries.event_page(request.app.state.ledger, f)
    params = _filter_params(f)
    prev_offset = max(0, f.offset - f.limit) if f.offset else None
    next_offset = f.offset + f.limit if f.offset + f.limit < data["total_at_least"] else None
    return render(request, "events.html", nav="/events", title="Events", twin=_twin(request, "/events.json"),
                  data=data, params=params, f=f, prev_offset=prev_offset, next_offset=next_offset)


@router.get("/events/{event_id}.json")
def event_json(request: Request, event_id: EventId) -> JSONResponse:
    return JSONResponse(_event(request, event_id))


@router.get("/events/{event_id}", response_class=HTMLResponse)
def event_page(request: Request, event_id: EventId) -> HTMLResponse:
    data = _event(request, event_id)
    ev = data["event"]
    return render(request, "event.html", nav="/events", title=ev["summary"] or ev["id"],
                  twin=f"/events/{event_id}.json", data=data, ev=ev,
                  chart=charts.figure_chart(data["figure_series"]),
                  contested={c["category"] for c in ev["contradictions"]})


def _event(request: Request, event_id: str) -> dict[str, Any]:
    data = queries.event_detail(request.app.state.ledger, event_id)
    if data is None:
        raise ApiError(404, "not_found", f"no event {event_id!r} in the ledger")
    return data


# --------------------------------------------------------------------------- map and timeline


def _map_filter(f: EventFilter) -> EventFilter:
    # the map shows up to 2000 events; its page size is not the table's
    from dataclasses import replace

    return replace(f, limit=2000 if f.limit == 50 else f.limit)


@router.get("/map.json")
def map_json(request: Request, f: Filter) -> JSONResponse:
    return JSONResponse(queries.map_points(request.app.state.ledger, _map_filter(f)))


@router.get("/map", response_class=HTMLResponse)
def map_page(request: Request, f: Filter) -> HTMLResponse:
    data = queries.map_points(request.app.state.ledger, _map_filter(f))
    return render(request, "map.html", nav="/map", title="Map", twin=_twin(request, "/map.json"), data=data,
                  view=charts.map_view(data["points"]), params=_filter_params(f), f=f)


@router.get("/timeline.json")
def timeline_json(request: Request, f: Filter) -> JSONResponse:
    return JSONResponse(queries.timeline(request.app.state.ledger, f))


@router.get("/timeline", response_class=HTMLResponse)
def timeline_page(request: Request, f: Filter) -> HTMLResponse:
    data = queries.timeline(request.app.state.ledger, f)
    return render(request, "timeline.html", nav="/timeline", title="Timeline", twin=_twin(request, "/timeline.json"),
                  data=data, chart=charts.week_chart(data["weeks"], queries.EVENT_TYPES), params=_filter_params(f), f=f)


# --------------------------------------------------------------------------- documents, sources, search


@router.get("/documents.json")
def documents_json(request: Request, limit: Limit = 100, offset: Offset = 0) -> JSONResponse:
    return JSONResponse(queries.document_page(request.app.state.ledger, limit=limit, offset=offset))


@router.get("/documents", response_class=HTMLResponse)
def documents_page(request: Request, limit: Limit = 100, offset: Offset = 0) -> HTMLResponse:
    data = queries.document_page(request.app.state.ledger, limit=limit, offset=offset)
    return render(request, "documents.html", nav="/documents", title="Articles", twin=_twin(request, "/documents.json"),
                  data=data)


@router.get("/documents/{document_id}.json")
def document_json(request: Request, document_id: DocumentId) -> JSONResponse:
    return JSONResponse(_document(request, document_id))


@router.get("/documents/{document_id}", response_class=HTMLResponse)
def document_page(request: Request, document_id: DocumentId) -> HTMLResponse:
    data = _document(request, document_id)
    doc = data["document"]
    return render(request, "document.html", nav="/documents", title=doc["title"] or doc["id"],
                  twin=f"/documents/{document_id}.json", data=data, doc=doc, layers=queries.LAYERS)


def _document(request: Request, document_id: str) -> dict[str, Any]:
    data = queries.document_detail(request.app.state.ledger, document_id)
    if data is None:
        raise ApiError(404, "not_found", f"no document {document_id!r} in the ledger")
    return data


@router.get("/sources.json")
def sources_json(request: Request, limit: Limit = 100, offset: Offset = 0) -> JSONResponse:
    return JSONResponse(queries.source_page(request.app.state.ledger, limit=limit, offset=offset))


@router.get("/sources", response_class=HTMLResponse)
def sources_page(request: Request, limit: Limit = 100, offset: Offset = 0) -> HTMLResponse:
    data = queries.source_page(request.app.state.ledger, limit=limit, offset=offset)
    return render(request, "sources.html", nav="/sources", title="Sources", twin=_twin(request, "/sources.json"), data=data)


SearchQ = Annotated[str | None, Query(max_length=500)]


@router.get("/search.json")
def search_json(request: Request, q: SearchQ = None) -> JSONResponse:
    if not q:
        raise ApiError(422, "invalid_parameter", "q: give words to look for")
    return JSONResponse(queries.search_page(request.app.state.ledger, q, limit=50))


@router.get("/search", response_class=HTMLResponse)
def search_page(request: Request, q: SearchQ = None) -> HTMLResponse:
    data = queries.search_page(request.app.state.ledger, q, limit=50) if q else None
    return render(request, "search.html", nav="/search", title="Search", twin=_twin(request, "/search.json") if q else None,
                  data=data, q=q or "")


# --------------------------------------------------------------------------- API reference


@router.get("/docs", response_class=HTMLResponse)
def docs_page(request: Request) -> HTMLResponse:
    spec = request.app.openapi()
    ops = []
    for path, methods in spec.get("paths", {}).items():
        for method, op in methods.items():
            ops.append({
                "method": method.upper(), "path": path, "summary": op.get("summary") or "",
                "parameters": [
                    {"name": p["name"], "in": p["in"], "required": p.get("required", False),
                     "type": _schema_type(p.get("schema") or {}), "description": p.get("description") or ""}
                    for p in op.get("parameters", [])
                ] + _body_fields(op),
            })
    return render(request, "docs.html", nav="/docs", title="API", twin="/openapi.json", ops=ops,
                  token=request.app.state.token is not None)


def _body_fields(op: dict[str, Any]) -> list[dict[str, Any]]:
    """The JSON body's fields (of its first alternative), as rows of the parameter table."""
    body = (((op.get("requestBody") or {}).get("content") or {}).get("application/json") or {}).get("schema") or {}
    item = (body.get("oneOf") or [body])[0]
    return [
        {"name": name, "in": "body", "required": name in item.get("required", ()),
         "type": _schema_type(field), "description": field.get("description") or field.get("title") or ""}
        for name, field in (item.get("properties") or {}).items()
    ]


def _schema_type(s: dict[str, Any]) -> str:
    if "anyOf" in s:
        return " | ".join(_schema_type(x) for x in s["anyOf"])
    out = str(s.get("type", "any"))
    bounds = [f"{k}={s[k]}" for k in ("minimum", "maximum", "minLength", "maxLength", "pattern") if k in s]
    return out + (f" ({', '.join(bounds)})" if bounds else "")
