"""The web app factory: ``create_app(ledger, settings, token=None)``.

::

    app = create_app(open_ledger("sitrep.db"), load_settings())
    # JSON API under /api, HTML pages with .json twins, OpenAPI at /openapi.json,
    # a local (offline) reference page at /docs, assets under /static

Safety rules the whole app keeps:

* every error, whatever raised it (a bad parameter, an unknown path, a wrong
  method), is ``{"error": {"code": ..., "message": ...}}`` with its HTTP status
  (an HTML page says the same to a browser);
* article text is untrusted: templates autoescape, every ``{{ }}`` output goes
  through :func:`inert` (which drops bidi overrides and control characters),
  links to articles keep only http(s) URLs, and every response carries a strict
  Content-Security-Policy (scripts and styles from this origin only, no inline
  script) and ``X-Content-Type-Options: nosniff``;
* nothing is loaded from outside the server: scripts, styles and the basemap
  ship in ``static/``;
* the server is read-only unless given a token; ``POST /api/ingest`` then
  needs ``Authorization: Bearer <token>`` (compared in constant time).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..ledger.store import Ledger
from ..settings import Settings, load_settings

__all__ = ["ApiError", "create_app", "inert"]

HERE = Path(__file__).resolve().parent

CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; form-action 'self'; base-uri 'none'; "
    "frame-ancestors 'none'; object-src 'none'"
)
SECURITY_HEADERS: tuple[tuple[bytes, bytes], ...] = (
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
)

# bidi embeddings/overrides/isolates, zero-width and other invisible format
# characters, and C0/C1 controls other than tab and newline
_INVISIBLE = re.compile("[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]")

_STATUS_CODES = {
    400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
    405: "method_not_allowed", 413: "payload_too_large", 415: "unsupported_media_type",
    422: "invalid_parameter", 500: "internal_error",
}


class ApiError(Exception):
    """An error answered as ``{"error": {"code", "message"}}`` with ``status``."""

    def __init__(self, status: int, code: str, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers


def inert(value: Any) -> Any:
    """Jinja's finalize hook: untrusted strings lose bidi overrides and control characters
    (shown as U+FFFD) before autoescaping; markup the templates build passes through."""
    if isinstance(value, Markup) or not isinstance(value, str):
        return "" if value is None else value
    return _INVISIBLE.sub("\ufffd", value)


def safe_href(url: Any) -> str | None:
    """``url`` when it is an absolute http(s) URL, else None (no javascript:, data:, ...)."""
    if not isinstance(url, str):
        return None
    url = _INVISIBLE.sub("", url).strip()
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    return url if parts.scheme in ("http", "https") and parts.netloc else None


def _number(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return f"{value:,}" if isinstance(value, int) else str(value)


NAV = (("/", "Overview"), ("/events", "Events"), ("/map", "Map"), ("/timeline", "Timeline"),
       ("/documents", "Articles"), ("/sources", "Sources"), ("/docs", "API"))


def make_templates() -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(HERE / "templates")),
        autoescape=True,
        finalize=inert,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    from .queries import EVENT_TYPES

    env.globals.update(nav_items=NAV, types=EVENT_TYPES, twin=None, nav="")
    env.filters["href"] = safe_href
    env.filters["number"] = _number
    env.filters["query"] = lambda params: urlencode({k: v for k, v in params.items() if v not in (None, "", False)})
    env.filters["short"] = lambda s, n=12: (s or "")[:n]
    return env


class _Headers:
    """ASGI middleware: security headers on every response; empty query
    parameters (``?type=`` from a form) count as not given; with
    ``allowed_hosts``, a request naming another host is refused (a web page
    elsewhere cannot read a loopback server through DNS rebinding)."""

    def __init__(self, app: ASGIApp, allowed_hosts: frozenset[str] | None = None) -> None:
        self.app = app
        self.allowed_hosts = allowed_hosts

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if self.allowed_hosts is not None:
            host = dict(scope.get("headers") or []).get(b"host", b"").decode("latin-1")
            name = host.rsplit(":", 1)[0] if not host.endswith("]") else host
            if name.strip("[]").lower() not in self.allowed_hosts:
                body = b'{"error":{"code":"bad_host","message":"this server answers only to its own host names"}}'
                await send({"type": "http.response.start", "status": 400,
                            "headers": [(b"content-type", b"application/json"), *SECURITY_HEADERS]})
                await send({"type": "http.response.body", "body": body})
                return
        qs: bytes = scope.get("query_string", b"")
        if qs:
            kept = [p for p in qs.split(b"&") if p and not p.endswith(b"=")]
            scope = dict(scope, query_string=b"&".join(kept))

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                names = {k.lower() for k, _ in message.get("headers", [])}
                message["headers"] = list(message.get("headers", [])) + [
                    (k, v) for k, v in SECURITY_HEADERS if k not in names
                ]
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _wants_json(request: Request) -> bool:
    path = request.url.path
    if path.startswith("/api/") or path == "/api" or path.endswith(".json"):
        return True
    return "text/html" not in request.headers.get("accept", "")


def error_response(request: Request, status: int, code: str, message: str, headers: dict[str, str] | None = None) -> Response:
    if _wants_json(request):
        return JSONResponse({"error": {"code": code, "message": message}}, status_code=status, headers=headers)
    html = request.app.state.templates.get_template("error.html").render(
        status=status, code=code, message=message, nav="", title=f"{status} {code}"
    )
    return HTMLResponse(html, status_code=status, headers=headers)


def _validation_message(exc: RequestValidationError) -> str:
    parts = []
    for e in exc.errors():
        where = ".".join(str(x) for x in e.get("loc", ()) if x not in ("query", "path", "body"))
        parts.append(f"{where or 'request'}: {e.get('msg', 'invalid')}")
    return "; ".join(parts) or "invalid request"


def create_app(
    ledger: Ledger,
    settings: Settings | None = None,
    token: str | None = None,
    *,
    pipeline: Any = None,
    allowed_hosts: Sequence[str] | None = None,
) -> FastAPI:
    """The dashboard and JSON API over ``ledger``.

    With ``token`` the app accepts ``POST /api/ingest`` from callers that send it
    as a bearer token; without one it is read-only. ``pipeline`` (a
    :class:`~sitrep.pipeline.Pipeline`) is built on the first ingest when not given.
    ``allowed_hosts`` (names, without ports) limits the Host headers answered.
    """
    from . import api, views

    app = FastAPI(
        title="sitrep",
        summary="A source-attributed ledger of conflict events: JSON API and dashboard.",
        version=_version(),
        docs_url=None,
        redoc_url=None,
        openapi_url="/openapi.json",
    )
    app.state.ledger = ledger
    app.state.settings = settings or ledger.settings or load_settings()
    app.state.token = token or None
    app.state.pipeline = pipeline
    app.state.templates = make_templates()

    @app.exception_handler(ApiError)
    async def _api_error(request: Request, exc: ApiError) -> Response:
        return error_response(request, exc.status, exc.code, exc.message, exc.headers)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> Response:
        code = _STATUS_CODES.get(exc.status_code, "error")
        message = exc.detail if isinstance(exc.detail, str) else code
        if exc.status_code == 404 and message == "Not Found":
            message = f"no such page or endpoint: {request.url.path}"
        return error_response(request, exc.status_code, code, message, getattr(exc, "headers", None))

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> Response:
        return error_response(request, 422, "invalid_parameter", _validation_message(exc))

    @app.exception_handler(Exception)
    async def _crash(request: Request, exc: Exception) -> Response:  # pragma: no cover - last resort
        return error_response(request, 500, "internal_error", f"internal error ({type(exc).__name__})")

    app.include_router(api.router)
    app.include_router(views.router)
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    app.add_middleware(
        _Headers, allowed_hosts=None if allowed_hosts is None else frozenset(h.strip("[]").lower() for h in allowed_hosts)
    )
    return app


def _version() -> str:
    from .. import __version__

    return __version__
