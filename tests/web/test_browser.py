"""The dashboard in headless Chromium, served by uvicorn on a free loopback port.

The ledger: the hand-made corpus (a contradiction, a rights-reserved article, a
hostile article) plus the example articles run through the real pipeline.
Screenshots of each page go to build/screenshots/.
"""

from __future__ import annotations

import shutil
import socket
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from .corpus import build_ledger

pytestmark = pytest.mark.browser

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "build" / "screenshots"
LOOPBACK = {"127.0.0.1", "localhost", "::1"}

sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed (pip install playwright)")
if not Path(CHROMIUM).exists():
    pytest.skip("Chromium not found (apt-get install chromium)", allow_module_level=True)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    import uvicorn

    from sitrep.ledger.intake import ingest
    from sitrep.web.app import create_app

    ledger = build_ledger(tmp_path_factory.mktemp("browser") / "ledger.db")
    ingest(ledger, [ROOT / "examples" / "articles"], published="2024-12-20")
    port = _free_port()
    srv = uvicorn.Server(uvicorn.Config(create_app(ledger, ledger.settings), host="127.0.0.1", port=port,
                                        log_level="warning", lifespan="off"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not srv.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("uvicorn did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}", ledger
    srv.should_exit = True
    thread.join(timeout=10)
    ledger.close()


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox", "--disable-gpu"])
        yield b
        b.close()


class Visit:
    """A page that records every request it makes, every dialog and every console error."""

    def __init__(self, browser, base: str) -> None:
        self.base = base
        self.context = browser.new_context(viewport={"width": 1280, "height": 900})
        self.page = self.context.new_page()
        self.requests: list[str] = []
        self.dialogs: list[str] = []
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))
        self.console_errors: list[str] = []
        self.page.on("console", lambda m: self.console_errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.console_errors.append(str(e)))
        # anything not on loopback is recorded above, then refused, so no test ever reaches out
        self.page.route("**/*", lambda route: route.continue_() if urlsplit(route.request.url).hostname in LOOPBACK
                        else route.abort())

    def go(self, path: str) -> None:
        self.page.goto(self.base + path, wait_until="load")

    def shot(self, name: str) -> None:
        SHOTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)

    def foreign_hosts(self) -> set[str]:
        return {urlsplit(u).hostname or u for u in self.requests} - LOOPBACK

    def close(self) -> None:
        self.context.close()


@pytest.fixture()
def visit(browser, server):
    v = Visit(browser, server[0])
    yield v
    v.close()


def _event_id(server, predicate) -> str:
    from sitrep.ledger import EventFilter, events

    return next(e["id"] for e in events(server[1], EventFilter(limit=1000))["events"] if predicate(e))


def test_map_shows_markers_on_the_basemap(visit):
    visit.go("/map")
    assert visit.page.locator("svg#map .land path").count() > 150
    markers = visit.page.locator("svg#map circle.marker")
    assert markers.count() >= 5
    assert markers.first.is_visible()
    visit.shot("map")
    assert visit.foreign_hosts() == set()
    assert visit.console_errors == []


def test_events_filters_change_the_table_and_headers_sort_it(visit):
    visit.go("/events")
    rows = visit.page.locator("#events-table tbody tr")
    before = rows.count()
    visit.shot("events")
    visit.page.select_option("#f-type", "weapons_test")
    with visit.page.expect_navigation():
        visit.page.click("#f-apply")
    assert "type=weapons_test" in visit.page.url
    after = rows.count()
    assert 0 < after < before
    assert set(rows.evaluate_all("rs => rs.map(r => r.dataset.type)")) == {"weapons_test"}
    # click "Date" twice: ascending, then descending
    visit.page.click("#events-table th:nth-child(1)")
    asc = rows.evaluate_all("rs => rs.map(r => r.cells[0].textContent.trim())")
    assert asc == sorted(asc)
    visit.page.click("#events-table th:nth-child(1)")
    desc = rows.evaluate_all("rs => rs.map(r => r.cells[0].textContent.trim())")
    assert desc == sorted(asc, reverse=True)
    visit.shot("events-filtered")


def test_event_page_shows_provenance_tree_and_figure_chart(visit, server):
    eid = _event_id(server, lambda e: e["contradictions"] and e["summary"] == "Soldiers killed in Kursk fighting")
    visit.go(f"/events/{eid}")
    assert visit.page.locator("#contradictions").is_visible()
    assert visit.page.locator("#figure-chart polyline").count() == 2
    assert visit.page.locator("#figure-chart circle").count() == 3
    claimants = visit.page.locator("#provenance li.claimant > .node").all_inner_texts()
    assert {"Ukrainian officials", "Russian defence ministry"} <= set(claimants)
    quote = visit.page.locator("#provenance .evidence a.quote").first
    assert quote.is_visible()
    with visit.page.expect_navigation():
        quote.click()
    assert "/documents/" in visit.page.url and "#at-" in visit.page.url
    assert visit.page.locator("#article-text").is_visible()
    visit.go(f"/events/{eid}")
    visit.shot("event")


def test_xss_payloads_do_not_execute_anywhere(visit, server):
    hostile = _event_id(server, lambda e: e["summary"].startswith("Depot hit"))
    from sitrep.ledger import document_list

    doc = next(d["id"] for d in document_list(server[1])["documents"] if (d["title"] or "").startswith("Strike report"))
    for path in ("/", "/events", f"/events/{hostile}", f"/documents/{doc}", "/documents", "/map", "/search?q=depot"):
        visit.go(path)
        assert visit.page.evaluate("() => window.__xss") is None, path
        assert visit.page.locator("img[src=x]").count() == 0, path
    visit.go(f"/documents/{doc}")
    assert "<script>window.__xss=1</script>" in visit.page.locator("h1").inner_text()
    visit.shot("document-hostile")
    assert visit.dialogs == []


def test_document_page_layer_toggles_hide_highlights(visit, server):
    from sitrep.ledger import document_list

    doc = next(d["id"] for d in document_list(server[1])["documents"] if d["title"] == "Hundreds killed in Kursk fighting")
    visit.go(f"/documents/{doc}")
    fig = visit.page.locator("#article-text .l-figures").first
    shown = fig.evaluate("e => getComputedStyle(e).backgroundColor")
    visit.page.uncheck("#layer-toggles input[data-layer=figures]")
    hidden = fig.evaluate("e => getComputedStyle(e).backgroundColor")
    assert shown != hidden and hidden in ("rgba(0, 0, 0, 0)", "transparent")
    visit.page.check("#layer-toggles input[data-layer=figures]")
    visit.shot("document")


def test_no_request_leaves_loopback_on_any_page(visit, server):
    from sitrep.ledger import document_list

    eid = _event_id(server, lambda e: e["type"] == "casualties")
    example = max(document_list(server[1])["documents"], key=lambda d: (d["rights"]["text_stored"], d["events"]))
    for name, path in (("document-example", f"/documents/{example['id']}"), ("overview", "/"), ("timeline", "/timeline"), ("sources", "/sources"), ("documents", "/documents"),
                       ("docs", "/docs"), ("search", "/search?q=missile"), ("event-2", f"/events/{eid}")):
        visit.go(path)
        visit.shot(name)
    assert len(visit.requests) >= 14  # pages plus their stylesheet and script
    assert visit.foreign_hosts() == set()
    # the pages work under their own Content-Security-Policy: nothing blocked, no script errors
    assert visit.console_errors == []


def test_csp_blocks_a_script_injected_into_the_page(visit):
    visit.go("/events")
    visit.page.evaluate("""() => {
        const s = document.createElement('script');
        s.textContent = 'window.__injected = 1';
        document.body.appendChild(s);
        const i = document.createElement('img');
        i.setAttribute('src', 'https://tiles.example.com/0/0/0.png');
        document.body.appendChild(i);
    }""")
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and sum("Content Security Policy" in e for e in visit.console_errors) < 2:
        visit.page.wait_for_timeout(50)  # violation reports arrive asynchronously
    assert visit.page.evaluate("() => window.__injected") is None
    csp = [e for e in visit.console_errors if "Content Security Policy" in e]
    assert any("script-src" in e for e in csp) and any("img-src" in e for e in csp), visit.console_errors
