"""The JSON API in-process: every endpoint, filters, pagination, the error shape, the token rules."""

from __future__ import annotations

import time

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sitrep.pipeline import Pipeline
from sitrep.web.app import create_app

from .corpus import XSS, build_ledger

TOKEN = "s3cret-token"


@pytest.fixture(scope="module")
def ledger(tmp_path_factory):
    ledger = build_ledger(tmp_path_factory.mktemp("web") / "ledger.db")
    yield ledger
    ledger.close()


@pytest.fixture(scope="module")
def client(ledger):
    return TestClient(create_app(ledger, ledger.settings))


def _casualty_event(client) -> dict:
    return client.get("/api/events", params={"type": "casualties"}).json()["events"][0]


def assert_error(response, status: int, code: str) -> None:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error"}
    assert body["error"]["code"] == code
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]


# --------------------------------------------------------------------------- events


def test_events_returns_the_contract_shape_with_a_total(client):
    body = client.get("/api/events").json()
    assert body["schema"] == "sitrep.events/1"
    assert body["total"] == 4 and len(body["events"]) == 4
    from sitrep.schema import validate

    assert validate("events", {"schema": body["schema"], "events": body["events"]}) == []


@pytest.mark.parametrize(
    ("params", "summaries"),
    [
        ({"type": "weapons_test"}, {"North Korea fires a ballistic missile"}),
        ({"country": "ua"}, {"Shelling hits Kherson market", f"Depot hit {XSS}"}),
        ({"place": "Kursk Oblast"}, {"Soldiers killed in Kursk fighting"}),
        ({"actor": "North Korea"}, {"Soldiers killed in Kursk fighting", "North Korea fires a ballistic missile"}),
        ({"actor": "KP"}, {"Soldiers killed in Kursk fighting", "North Korea fires a ballistic missile"}),
        ({"since": "2024-11-30", "until": "2024-12-31"}, {"Soldiers killed in Kursk fighting", "Shelling hits Kherson market"}),
        ({"until": "2024-10-31"}, {f"Depot hit {XSS}"}),
        ({"min_sources": 2}, {"Soldiers killed in Kursk fighting"}),
        ({"has_contradictions": "true"}, {"Soldiers killed in Kursk fighting"}),
        ({"text": "ballistic"}, {"North Korea fires a ballistic missile"}),
        ({"type": "attack", "country": "RU"}, set()),
    ],
)
def test_events_filters_select_the_matching_events(client, params, summaries):
    body = client.get("/api/events", params=params).json()
    assert {e["summary"] for e in body["events"]} == summaries
    assert body["total"] == len(summaries)


def test_events_pagination_pages_through_all_with_a_stable_total(client):
    seen = []
    for offset in range(0, 4, 3):
        body = client.get("/api/events", params={"limit": 3, "offset": offset}).json()
        assert body["total"] == 4 and body["limit"] == 3 and body["offset"] == offset
        seen += [e["id"] for e in body["events"]]
    assert len(seen) == 4 and len(set(seen)) == 4
    assert client.get("/api/events", params={"offset": 10}).json()["events"] == []


@pytest.mark.parametrize(
    "params",
    [
        {"type": "picnic"}, {"limit": 0}, {"limit": 5000}, {"offset": -1}, {"limit": "ten"},
        {"since": "2024-13-01"}, {"since": "yesterday"}, {"until": "2024-1-5"},
        {"since": "2024-12-31", "until": "2024-01-01"}, {"country": "Ukraine"}, {"min_sources": -2},
        {"has_contradictions": "perhaps"},
    ],
)
def test_events_invalid_parameters_answer_422_in_the_error_shape(client, params):
    assert_error(client.get("/api/events", params=params), 422, "invalid_parameter")


def test_event_shows_provenance_down_to_evidence(client):
    ev = _casualty_event(client)
    body = client.get(f"/api/events/{ev['id']}").json()
    assert body["event"]["id"] == ev["id"]
    claimants = {p["claimant"] for p in body["provenance"]}
    assert claimants == {"Ukrainian officials", "Russian defence ministry"}
    articles = [a for p in body["provenance"] for o in p["outlets"] for a in o["articles"]]
    assert {a["title"] for a in articles} >= {"Hundreds killed in Kursk fighting", "Assault in Kursk repelled"}
    assert all(a["evidence"] and a["evidence"][0]["text"] for a in articles)


def test_event_figures_give_history_contradictions_and_series_by_source(client):
    ev = _casualty_event(client)
    body = client.get(f"/api/events/{ev['id']}/figures").json()
    assert sorted((h["published"], h["value"]) for h in body["figure_history"]) == [
        ("2024-12-15", 300), ("2024-12-15", 500), ("2024-12-18", 350)]
    assert body["contradictions"][0]["category"] == "killed"
    series = {s["source"]: [p["value"] for p in s["points"]] for s in body["series"]}
    assert series == {"Ukrainian officials": [300, 350], "Russian defence ministry": [500]}
    assert all(s["contested"] for s in body["series"])


def test_unknown_event_answers_404_in_the_error_shape(client):
    assert_error(client.get("/api/events/nope"), 404, "not_found")
    assert_error(client.get("/api/events/nope/figures"), 404, "not_found")


# --------------------------------------------------------------------------- claims, sources, documents, search


def test_claims_list_and_filter_by_source(client):
    body = client.get("/api/claims").json()
    assert body["total"] == 1 and body["claims"][0]["source"] == "Ukrainian officials"
    assert client.get("/api/claims", params={"source": "ukrainian OFFICIALS"}).json()["total"] == 1
    assert client.get("/api/claims", params={"source": "nobody"}).json()["claims"] == []


def test_sources_counts_and_corroboration(client):
    body = client.get("/api/sources").json()
    by_name = {s["name"]: s for s in body["sources"]}
    assert by_name["Ukrainian officials"]["corroborated"] == 1
    assert by_name["South Korean military"]["corroborated"] == 0
    assert body["total"] == len(body["sources"])
    assert len(client.get("/api/sources", params={"limit": 1}).json()["sources"]) == 1


def test_documents_list_newest_first_with_total(client):
    body = client.get("/api/documents").json()
    dates = [d["published"] for d in body["documents"]]
    assert dates == sorted(dates, reverse=True) and body["total"] == 6


def test_document_has_text_spans_and_highlight_segments(client):
    docs = client.get("/api/documents").json()["documents"]
    doc_id = next(d["id"] for d in docs if d["title"] == "Hundreds killed in Kursk fighting")
    body = client.get(f"/api/documents/{doc_id}").json()
    text = body["document"]["text"]
    assert text.startswith("Ukrainian officials said")
    assert "".join(s["text"] for s in body["segments"]) == text
    figures = [s for s in body["spans"] if s["layer"] == "figures"]
    assert [text[s["start"]:s["end"]] for s in figures] == ["300"]
    assert any("figures" in s["layers"] and s["text"] == "300" for s in body["segments"])


def test_rights_reserved_document_has_no_text_only_quotes(client):
    docs = client.get("/api/documents").json()["documents"]
    doc_id = next(d["id"] for d in docs if d["title"] == "Market shelled")
    body = client.get(f"/api/documents/{doc_id}").json()
    assert body["document"]["text"] is None and body["segments"] == []
    assert body["document"]["quotes"] and all(len(q) <= 300 for q in body["document"]["quotes"])


def test_unknown_document_answers_404(client):
    assert_error(client.get("/api/documents/0000"), 404, "not_found")


def test_search_finds_documents_and_events(client):
    body = client.get("/api/search", params={"q": "ballistic missile"}).json()
    assert [e["summary"] for e in body["events"]] == ["North Korea fires a ballistic missile"]
    assert [d["title"] for d in body["documents"]] == ["Missile launch"]


def test_search_without_words_is_a_422(client):
    assert_error(client.get("/api/search"), 422, "invalid_parameter")
    assert_error(client.get("/api/search", params={"q": ""}), 422, "invalid_parameter")


# --------------------------------------------------------------------------- errors and headers


def test_unknown_path_and_wrong_method_use_the_error_shape(client):
    assert_error(client.get("/api/nothing-here"), 404, "not_found")
    assert_error(client.delete("/api/events"), 405, "method_not_allowed")


def test_every_response_carries_a_strict_csp_and_nosniff(client):
    for path in ("/api/events", "/", "/events", "/api/nothing", "/static/sitrep.css"):
        r = client.get(path)
        csp = r.headers["content-security-policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "default-src 'none'" in csp
        assert r.headers["x-content-type-options"] == "nosniff"


def test_openapi_and_offline_docs_page(client):
    spec = client.get("/openapi.json").json()
    assert {"/api/events", "/api/events/{event_id}", "/api/ingest", "/api/search"} <= set(spec["paths"])
    page = client.get("/docs").text
    assert "/api/events/{event_id}/figures" in page
    assert "cdn" not in page.lower() and "swagger-ui" not in page.lower()


# --------------------------------------------------------------------------- ingest and the token


ARTICLE = {
    "text": "Officials in Kherson said on Monday that shelling damaged a school in the city. "
    "No one was hurt, the regional governor said.",
    "url": "https://example.org/school",
    "published": "2024-12-20",
    "publisher": "Token Example",
}


def test_ingest_is_forbidden_on_a_read_only_server(client):
    assert_error(client.post("/api/ingest", json=ARTICLE, headers={"Authorization": f"Bearer {TOKEN}"}), 403, "read_only")


@pytest.fixture()
def writable(tmp_path):
    ledger = build_ledger(tmp_path / "w.db")
    app = create_app(ledger, ledger.settings, token=TOKEN, pipeline=Pipeline(stages=[], settings=ledger.settings))
    yield TestClient(app), ledger
    ledger.close()


@pytest.mark.parametrize(
    ("headers", "status", "code"),
    [
        ({}, 401, "unauthorized"),
        ({"Authorization": "Basic abc"}, 401, "unauthorized"),
        ({"Authorization": "Bearer "}, 401, "unauthorized"),
        ({"Authorization": "Bearer wrong"}, 403, "forbidden"),
        ({"Authorization": f"Bearer {TOKEN}x"}, 403, "forbidden"),
    ],
)
def test_ingest_without_the_right_token_is_refused(writable, headers, status, code):
    client, ledger = writable
    before = ledger.count("documents")
    r = client.post("/api/ingest", json=ARTICLE, headers=headers)
    assert_error(r, status, code)
    if status == 401:
        assert r.headers["www-authenticate"] == "Bearer"
    assert ledger.count("documents") == before


def test_ingest_with_the_token_stores_articles_once(writable):
    client, ledger = writable
    auth = {"Authorization": f"Bearer {TOKEN}"}
    before = ledger.count("documents")
    assert client.get("/index.json").json()["totals"]["documents"] == before  # now cached
    r = client.post("/api/ingest", json=[ARTICLE, dict(ARTICLE, text="A second, different report from Kherson today.")],
                    headers=auth)
    assert r.status_code == 200, r.text
    assert r.json()["added"] == 2 and ledger.count("documents") == before + 2
    assert client.get("/index.json").json()["totals"]["documents"] == before + 2  # the cache was dropped
    again = client.post("/api/ingest", json=ARTICLE, headers=auth).json()
    assert again["added"] == 0 and again["skipped"] == 1
    found = client.get("/api/search", params={"q": "school"}).json()["documents"]
    assert [d["publisher"] for d in found] == ["Token Example"]


@pytest.mark.parametrize(
    "body",
    [{"url": "https://example.org"}, {"text": "  "}, {"text": "x", "published": "20 Dec"},
     {"text": "x", "colour": "red"}, [], "just a string"],
)
def test_ingest_validates_the_body(writable, body):
    client, _ = writable
    assert_error(client.post("/api/ingest", json=body, headers={"Authorization": f"Bearer {TOKEN}"}), 422, "invalid_parameter")


def test_count_gives_up_after_its_budget(open_test_ledger):
    from sqlalchemy import text

    from sitrep.web.queries import _bounded_count

    from .corpus import documents

    ledger = open_test_ledger()
    ledger.add(documents())

    slow = text("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 50000000) SELECT count(*) FROM n")
    started = time.perf_counter()
    assert _bounded_count(ledger, slow, 0.02) is None
    assert time.perf_counter() - started < 2
    assert _bounded_count(ledger, text("SELECT count(*) FROM events"), 5.0) == 4


def test_serve_refuses_a_bad_port(capsys):
    from sitrep.cli import main

    assert main(["serve", "--port", "0"]) == 2
    assert "--port" in capsys.readouterr().err


def test_loopback_server_refuses_foreign_host_names(ledger):
    app = create_app(ledger, ledger.settings, allowed_hosts=("127.0.0.1", "localhost", "::1"))
    local = TestClient(app, base_url="http://127.0.0.1:8000")
    assert local.get("/api/events").status_code == 200
    assert TestClient(app, base_url="http://localhost").get("/").status_code == 200
    assert TestClient(app, base_url="http://[::1]:8000").get("/api/events").status_code == 200
    rebound = TestClient(app, base_url="http://attacker.example:8000")
    r = rebound.get("/api/events")
    assert_error(r, 400, "bad_host")
    assert "script-src 'self'" in r.headers["content-security-policy"]


def test_ingest_runs_the_real_pipeline_and_finds_the_event(tmp_path):
    from sitrep.ledger import open_ledger

    ledger = open_ledger(tmp_path / "real.db")
    try:
        client = TestClient(create_app(ledger, ledger.settings, token=TOKEN))
        article = {
            "text": "North Korea fired a ballistic missile into the sea off its east coast on Tuesday, "
            "South Korea's military said. Japan's defence ministry said the missile fell outside its waters.",
            "published": "2024-11-05",
            "publisher": "Pipeline Example",
            "url": "https://example.org/launch",
        }
        r = client.post("/api/ingest", json=article, headers={"Authorization": f"Bearer {TOKEN}"})
        assert r.status_code == 200, r.text
        assert r.json()["added"] == 1 and r.json()["documents"][0]["events"] >= 1
        found = client.get("/api/events", params={"type": "weapons_test"}).json()
        assert found["total"] >= 1
        assert any(a["name"] == "North Korea" for e in found["events"] for a in e["actors"])
    finally:
        ledger.close()


def test_every_endpoint_and_page_answers_on_each_backend(open_test_ledger):
    from .corpus import documents

    ledger = open_test_ledger()
    ledger.add(documents())
    client = TestClient(create_app(ledger, ledger.settings))
    events = client.get("/api/events").json()
    assert events["total"] == 4
    eid = next(e["id"] for e in events["events"] if e["contradictions"])
    doc = client.get("/api/documents").json()["documents"][0]["id"]
    for path in ("/api/events?country=UA&since=2024-11-01", "/api/events?actor=KP&min_sources=2",
                 "/api/events?text=ballistic", "/api/events?has_contradictions=true", f"/api/events/{eid}",
                 f"/api/events/{eid}/figures", "/api/claims", "/api/sources", f"/api/documents/{doc}",
                 "/api/search?q=missile", "/map.json", "/timeline.json", "/index.json", "/", "/events", "/map",
                 "/timeline", f"/events/{eid}", f"/documents/{doc}", "/sources", "/search?q=Kherson"):
        r = client.get(path)
        assert r.status_code == 200, (path, r.text[:300])
    assert [p["casualties"] for p in client.get("/map.json", params={"type": "casualties"}).json()["points"]] == [500.0]
    assert sum(w["total"] for w in client.get("/timeline.json").json()["weeks"]) == 4
    assert client.get("/api/events", params={"actor": "KP", "min_sources": 2}).json()["total"] == 1


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    name=st.sampled_from(["text", "actor", "place", "country", "since", "type", "min_sources", "limit"]),
    value=st.text(max_size=40),
)
def test_events_never_crash_on_arbitrary_parameter_values(client, name, value):
    r = client.get("/api/events", params={name: value})
    assert r.status_code in (200, 422), (name, value, r.text[:200])
    assert ("error" in r.json()) == (r.status_code == 422)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(q=st.text(min_size=1, max_size=40))
def test_search_never_crashes_on_arbitrary_words(client, q):
    r = client.get("/api/search", params={"q": q})
    assert r.status_code in (200, 422), (q, r.text[:200])
