"""HTML pages in-process: each renders, has a .json twin on the same query, and keeps hostile text inert."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from fastapi.testclient import TestClient

from sitrep.web.app import create_app, inert, safe_href

from .corpus import build_ledger

HTML = {"Accept": "text/html"}


@pytest.fixture(scope="module")
def ledger(tmp_path_factory):
    ledger = build_ledger(tmp_path_factory.mktemp("pages") / "ledger.db")
    yield ledger
    ledger.close()


@pytest.fixture(scope="module")
def client(ledger):
    return TestClient(create_app(ledger, ledger.settings))


@pytest.fixture(scope="module")
def ids(client):
    events = client.get("/api/events").json()["events"]
    docs = client.get("/api/documents").json()["documents"]
    return {
        "casualties": next(e["id"] for e in events if e["type"] == "casualties"),
        "hostile_event": next(e["id"] for e in events if e["summary"].startswith("Depot hit")),
        "hostile_doc": next(d["id"] for d in docs if d["title"].startswith("Strike report")),
        "kursk_doc": next(d["id"] for d in docs if d["title"] == "Hundreds killed in Kursk fighting"),
        "reserved_doc": next(d["id"] for d in docs if d["title"] == "Market shelled"),
    }


def pages(ids) -> list[str]:
    return [
        "/", "/events", "/events?type=attack", f"/events/{ids['casualties']}", f"/events/{ids['hostile_event']}",
        "/map", "/timeline", "/documents", f"/documents/{ids['hostile_doc']}", f"/documents/{ids['kursk_doc']}",
        f"/documents/{ids['reserved_doc']}", "/sources", "/search?q=depot", "/docs",
    ]


class Inspector(HTMLParser):
    """Collects what a browser would execute or load from a page."""

    def __init__(self) -> None:
        super().__init__()
        self.scripts: list[dict[str, str | None]] = []
        self.handlers: list[tuple[str, str]] = []
        self.urls: list[str] = []
        self.inline_script = ""
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "script":
            self.scripts.append(a)
            self._in_script = True
        for name, value in attrs:
            if name.startswith("on"):
                self.handlers.append((tag, name))
            if name in ("href", "src", "action", "xlink:href") and value is not None:
                self.urls.append(value)

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False

    def handle_data(self, data):
        if self._in_script:
            self.inline_script += data


def test_every_page_renders_with_no_executable_untrusted_content(client, ids):
    for path in pages(ids):
        r = client.get(path, headers=HTML)
        assert r.status_code == 200, (path, r.text[:300])
        assert r.headers["content-type"].startswith("text/html")
        page = Inspector()
        page.feed(r.text)
        assert page.scripts == [{"src": "/static/sitrep.js", "defer": None}], path
        assert page.inline_script.strip() == "", path
        assert page.handlers == [], path
        assert not [u for u in page.urls if u.strip().lower().startswith(("javascript:", "data:", "vbscript:"))], path
        # everything the page loads comes from this server
        loaded = re.findall(r'<(?:script|link|img)[^>]+(?:src|href)="([^"]+)"', r.text)
        assert all(u.startswith("/") and not u.startswith("//") for u in loaded), (path, loaded)
        assert "\u202e" not in r.text and "\u202c" not in r.text, path


def test_hostile_title_shows_as_text(client, ids):
    html = client.get(f"/documents/{ids['hostile_doc']}", headers=HTML).text
    assert "&lt;script&gt;window.__xss=1&lt;/script&gt;" in html
    assert "<script>window.__xss" not in html and "<img src=x" not in html
    assert 'href="javascript:' not in html


def test_page_and_json_twin_agree(client, ids):
    for page, twin, key in [
        ("/events?type=attack", "/events.json?type=attack", "events"),
        (f"/events/{ids['casualties']}", f"/events/{ids['casualties']}.json", "provenance"),
        ("/documents", "/documents.json", "documents"),
        ("/sources", "/sources.json", "sources"),
        ("/map", "/map.json", "points"),
        ("/timeline", "/timeline.json", "weeks"),
        ("/", "/index.json", "newest"),
        (f"/documents/{ids['kursk_doc']}", f"/documents/{ids['kursk_doc']}.json", "spans"),
    ]:
        html = client.get(page, headers=HTML).text
        assert f'href="{twin.replace("&", "&amp;")}"' in html, page
        data = client.get(twin).json()
        assert data[key], twin


def test_events_page_filters_the_table(client):
    all_rows = client.get("/events", headers=HTML).text.count('<tr class="')
    attacks = client.get("/events?type=attack&country=&since=", headers=HTML).text
    assert all_rows == 4 and attacks.count('<tr class="') == 2
    assert 'data-type="weapons_test"' not in attacks
    assert '<option value="attack" selected>' in attacks


def test_events_page_bad_filter_is_an_html_error_page(client):
    r = client.get("/events?since=soon", headers=HTML)
    assert r.status_code == 422 and "invalid_parameter" in r.text and r.headers["content-type"].startswith("text/html")


def test_event_page_shows_contradiction_chart_and_provenance(client, ids):
    html = client.get(f"/events/{ids['casualties']}", headers=HTML).text
    assert 'id="contradictions"' in html and "300 vs 500" in html
    chart = html[html.index('id="figure-chart"'): html.index("</svg>", html.index('id="figure-chart"'))]
    assert chart.count("<polyline") == 2 and chart.count("<circle") == 3
    tree = html[html.index('id="provenance"'):]
    for text in ("Ukrainian officials", "Russian defence ministry", "Kyiv Example", "Moscow Example",
                 "Hundreds killed in Kursk fighting"):
        assert text in tree
    assert re.search(r'href="/documents/[0-9a-f]{64}#at-0"', tree)


def test_map_draws_basemap_and_sized_coloured_markers(client):
    html = client.get("/map", headers=HTML).text
    assert html.count("<path d=") > 150  # Natural Earth countries
    markers = re.findall(r'<circle class="marker t-(\w+)" cx="[\d.]+" cy="[\d.]+" r="([\d.]+)"', html)
    assert len(markers) == 4
    radius = {t: float(r) for t, r in markers}
    assert radius["casualties"] > radius["weapons_test"]  # 500 killed against none


def test_timeline_counts_events_by_week(client):
    weeks = client.get("/timeline.json").json()["weeks"]
    assert sum(w["total"] for w in weeks) == 4
    assert all(w["week"] <= w2["week"] for w, w2 in zip(weeks, weeks[1:], strict=False))
    assert {"week": "2024-12-09", "total": 1, "by_type": {"casualties": 1}} in weeks


def test_document_page_highlights_layers_and_reserved_shows_quotes_only(client, ids):
    html = client.get(f"/documents/{ids['kursk_doc']}", headers=HTML).text
    assert re.search(r'<span id="at-\d+" class="[^"]*l-figures[^"]*"[^>]*>300</span>', html)
    assert 'class="l-entities' in html
    reserved = client.get(f"/documents/{ids['reserved_doc']}", headers=HTML).text
    assert 'id="reserved"' in reserved and 'id="article-text"' not in reserved
    assert "Shelling hit a market in Kherson" in reserved


def test_unknown_page_is_a_404_page_for_browsers_and_json_for_twins(client):
    r = client.get("/events/nope", headers=HTML)
    assert r.status_code == 404 and "not_found" in r.text and r.headers["content-type"].startswith("text/html")
    assert client.get("/events/nope.json").json()["error"]["code"] == "not_found"


def test_inert_drops_bidi_controls_and_safe_href_keeps_only_http():
    assert inert("a\u202eb\u2066c\x00") == "a\ufffdb\ufffdc\ufffd"
    assert safe_href("https://example.org/x") == "https://example.org/x"
    for bad in ("javascript:alert(1)", " JaVaScRiPt:alert(1)", "java\u200bscript:x", "data:text/html,x", "//evil", "/x"):
        assert safe_href(bad) is None, bad


def test_events_page_without_a_total_says_more_than_and_still_pages(client, monkeypatch):
    from sitrep.web import queries

    monkeypatch.setattr(queries, "event_total", lambda ledger, f, budget_s=None: None)
    body = client.get("/api/events", params={"limit": 2}).json()
    assert body["total"] is None and body["total_at_least"] == 3
    html = client.get("/events?limit=2", headers=HTML).text
    assert "More than 2 events" in html and 'rel="next"' in html


def test_basemap_projection_puts_places_on_their_country():
    from sitrep.web.basemap import countries, project

    outlines = {c["iso"]: c["d"] for c in countries()}
    assert len(outlines) > 150 and {"UA", "RU", "KP", "FR", "US"} <= set(outlines)
    assert project(0, 0) == (180.0, 90.0) and project(90, -180) == (0.0, 0.0)
    # Kyiv's point lies inside the bounding box of Ukraine's outline
    x, y = project(50.45, 30.52)
    nums = [float(n) for n in re.findall(r"-?\d+(?:\.\d+)?", outlines["UA"])]
    xs, ys = nums[0::2], nums[1::2]
    assert min(xs) < x < max(xs) and min(ys) < y < max(ys)


def test_week_chart_fills_empty_weeks_and_stacks_types():
    from sitrep.web.charts import week_chart

    chart = week_chart(
        [{"week": "2024-01-01", "total": 3, "by_type": {"attack": 2, "protest": 1}},
         {"week": "2024-01-22", "total": 1, "by_type": {"attack": 1}}],
        ("attack", "protest"),
    )
    assert [c["week"] for c in chart["columns"]] == ["2024-01-01", "2024-01-08", "2024-01-15", "2024-01-22"]
    first = chart["columns"][0]["segments"]
    assert [s["type"] for s in first] == ["attack", "protest"] and first[0]["h"] == 2 * first[1]["h"]
    assert chart["columns"][1]["segments"] == []
    assert [t["label"] for t in chart["y_ticks"]] == ["0", "1", "2", "3", "4", "5"]
