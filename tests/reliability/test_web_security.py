"""Web security, in-process: filter values cannot inject SQL, hostile article text is
inert in every page, writes need the token (compared in constant time), the server
binds to loopback by default, and no generated request makes the API fail (5xx)."""

from __future__ import annotations

import hmac
import re

import pytest
from fastapi.testclient import TestClient
from hypothesis import given
from hypothesis import strategies as st

from sitrep.web.app import create_app
from tests.web.corpus import XSS, build_ledger

from .fuzzing import fuzz

TOKEN = "reliability-token-7f3a"
INJECTIONS = [
    "' OR '1'='1",
    "x' OR 1=1 --",
    "'; DROP TABLE events; --",
    '" OR ""="',
    "%' OR '%'='",
    "1) UNION SELECT id, payload FROM event_payloads --",
    "ua' --",
    "\\'; DELETE FROM documents; --",
    "* OR events_fts MATCH '*'",
    'NEAR("a" "b") OR x*',
    "\x00",
]
FILTERS = ["type", "actor", "country", "place", "text", "since", "until"]


@pytest.fixture(scope="module")
def ledger(tmp_path_factory):
    ledger = build_ledger(tmp_path_factory.mktemp("websec") / "ledger.db")
    yield ledger
    ledger.close()


@pytest.fixture(scope="module")
def client(ledger):
    return TestClient(create_app(ledger, ledger.settings, token=TOKEN))


def _table_counts(ledger) -> dict[str, int]:
    return {t: ledger.count(t) for t in ("documents", "events", "event_payloads", "claims")}


@pytest.mark.parametrize("name", FILTERS)
@pytest.mark.parametrize("value", INJECTIONS)
def test_filter_injection_matches_nothing_extra_and_changes_nothing(client, ledger, name, value):
    before = _table_counts(ledger)
    everything = client.get("/api/events").json()["total"]
    r = client.get("/api/events", params={name: value})
    assert r.status_code in (200, 400, 422), r.text
    if r.status_code == 200:
        assert len(r.json()["events"]) < everything  # no injected OR 1=1 widens the filter
    else:
        assert set(r.json()) == {"error"}
    for path in ("/api/search", "/search.json"):
        assert client.get(path, params={"q": value}).status_code in (200, 400, 422)
    assert _table_counts(ledger) == before


@fuzz(150)
@given(name=st.sampled_from([*FILTERS, "q"]), value=st.text(max_size=80))
def test_filter_values_never_fail_the_server(client, name, value):
    path = "/api/search" if name == "q" else "/api/events"
    r = client.get(path, params={name: value})
    assert r.status_code < 500, r.text


SCRIPT = re.compile(r"<script>window\.__xss|<img src=x onerror|javascript:window\.__xss", re.IGNORECASE)


def test_hostile_article_is_inert_in_every_page(client):
    events = client.get("/api/events", params={"limit": 100}).json()["events"]
    docs = client.get("/api/documents").json()["documents"]
    hostile = [e for e in events if "__xss" in e["summary"]]
    assert hostile, "the corpus carries a hostile event"
    pages = ["/", "/events", "/documents", "/sources", "/map", "/timeline", "/search?q=depot"]
    pages += [f"/events/{e['id']}" for e in hostile] + [f"/documents/{d['id']}" for d in docs]
    for page in pages:
        r = client.get(page)
        assert r.status_code == 200, page
        assert "text/html" in r.headers["content-type"]
        assert not SCRIPT.search(r.text), f"{page} renders the payload live"
    # and it is still shown, as text
    assert "&lt;script&gt;window.__xss=1&lt;/script&gt;" in client.get(f"/events/{hostile[0]['id']}").text


def test_json_responses_are_not_sniffed_as_html(client):
    r = client.get("/api/events")
    assert r.headers["content-type"].startswith("application/json")
    assert any(XSS in e["summary"] for e in r.json()["events"])  # the data is kept as written
    assert r.headers["x-content-type-options"] == "nosniff"  # never rendered as HTML
    page = client.get("/")
    assert page.headers["x-content-type-options"] == "nosniff"
    csp = page.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp  # inline payloads cannot run


def test_ingest_without_token_is_refused(client, ledger):
    before = ledger.count("documents")
    body = {"text": "Troops moved near Kursk on Monday, officials said.", "published": "2024-05-01"}
    assert client.post("/api/ingest", json=body).status_code == 401
    wrong = {"Authorization": "Bearer " + TOKEN[:-1] + "x"}
    assert client.post("/api/ingest", json=body, headers=wrong).status_code == 403
    assert client.post("/api/ingest", json=body, headers={"Authorization": TOKEN}).status_code in (401, 403)
    assert ledger.count("documents") == before


def test_ingest_on_read_only_server_is_refused(ledger):
    ro = TestClient(create_app(ledger, ledger.settings))
    body = {"text": "Troops moved near Kursk on Monday, officials said."}
    r = ro.post("/api/ingest", json=body, headers={"Authorization": "Bearer anything"})
    assert r.status_code == 403 and r.json()["error"]["code"] == "read_only"


def test_ingest_token_is_compared_in_constant_time(client, monkeypatch):
    from sitrep.web import api

    calls: list[tuple[bytes, bytes]] = []
    real = hmac.compare_digest

    def spy(a, b):
        calls.append((a, b))
        return real(a, b)

    monkeypatch.setattr(api.hmac, "compare_digest", spy)
    r = client.post("/api/ingest", json={"text": "x"}, headers={"Authorization": "Bearer nope"})
    assert r.status_code == 403
    assert calls and calls[-1][1] == TOKEN.encode()


def test_serve_binds_to_loopback_by_default():
    from sitrep.cli import build_parser

    args = build_parser().parse_args(["serve"])
    assert args.host == "127.0.0.1"


def test_unknown_host_header_is_refused_on_loopback_server(ledger):
    app = create_app(ledger, ledger.settings, allowed_hosts=["127.0.0.1", "localhost"])
    c = TestClient(app, base_url="http://attacker.example")
    assert c.get("/api/events").status_code >= 400  # DNS rebinding: another name is refused
    assert TestClient(app, base_url="http://localhost:8000").get("/api/events").status_code == 200


def test_openapi_operations_never_fail_with_generated_requests(ledger):
    import schemathesis
    from hypothesis import HealthCheck, settings
    from schemathesis.checks import not_a_server_error

    app = create_app(ledger, ledger.settings)  # read-only: generated posts store nothing
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    ops = list(schema.get_all_operations())
    assert ops, "the OpenAPI schema lists operations"
    failures: list[str] = []
    for result in ops:
        operation = result.ok()

        @settings(max_examples=15, deadline=None, database=None, derandomize=True,
                  suppress_health_check=list(HealthCheck))  # fmt: skip
        @given(case=operation.as_strategy())
        def run(case):
            response = case.call()
            try:
                case.validate_response(response, checks=[not_a_server_error])
            except Exception as exc:  # noqa: BLE001 - collected and reported below
                failures.append(f"{case.operation.label}: {str(exc)[:200]}")

        run()
    assert failures == []
