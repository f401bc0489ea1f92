"""Watch rounds against a local site: new items, 304s, outages, rights, robots, stopping."""

from __future__ import annotations

import os
import signal
import threading
import time

import pytest
from sqlalchemy import select

from sitrep.ledger import schema as ledger_schema
from sitrep.pipeline import Pipeline
from sitrep.watch import Fetcher, Politeness, Source, run_round, status, watch
from sitrep.watch.rounds import section_links

from .site import TROOPS_STAGE, Page, Site, article_html, rss

FAST = Politeness(min_interval=0.0, timeout=5.0, retries=1, backoff=0.01)
DAY1, DAY2 = "Mon, 06 Jan 2025 08:00:00 GMT", "Tue, 07 Jan 2025 08:00:00 GMT"
A1 = ("/news/troops-arrive", "North Korean troops arrive", DAY1)
A2 = ("/news/more-troops", "More North Korean troops", DAY2)


def troops(n: str, day: str) -> bytes:
    return article_html(
        "North Korean troops in Kursk",
        f"About {n} North Korean troops are now in Kursk Oblast, South Korea's National Intelligence Service said.\n"
        "The soldiers arrived by train and were moved to the front within days.",
        day,
    )


@pytest.fixture
def site():
    with Site() as s:
        s.pages["/robots.txt"] = Page(b"User-agent: *\nDisallow: /private/\n", "text/plain")
        s.pages[A1[0]] = Page(troops("11,000", "2025-01-06"))
        s.pages[A2[0]] = Page(troops("12,000", "2025-01-07"))
        s.pages["/feed.xml"] = Page(rss([A1], s), "application/rss+xml")
        yield s


@pytest.fixture
def ledger(open_test_ledger):
    """An empty ledger: a SQLite file, and a PostgreSQL schema where a server answers."""
    return open_test_ledger()


def feed_source(site: Site, path: str = "/feed.xml", name: str = "Kursk Watcher") -> Source:
    return Source(url=site.url(path), name=name, kind="auto", politeness=FAST)


def one_round(ledger, sources, stop=None):
    with Fetcher(FAST, stop=stop) as fetcher:
        return run_round(
            ledger, sources, fetcher=fetcher, pipeline=Pipeline(stages=[TROOPS_STAGE]), stop=stop
        )


def test_round_reads_only_items_that_appeared_since_the_last_round(site, ledger):
    src = feed_source(site)
    first = one_round(ledger, [src])
    assert (first.added, first.sources[0].ingested) == (1, 1)
    site.pages["/feed.xml"] = Page(rss([A2, A1], site), "application/rss+xml")
    second = one_round(ledger, [src])
    assert (second.added, second.sources[0].new_items) == (1, 1)
    assert len(site.requests(A1[0])) == 1  # the first article is never fetched again
    assert len(site.requests(A2[0])) == 1
    assert ledger.count("documents") == 2
    [row] = status(ledger)
    assert (row["items_ingested"], row["items_seen"], row["failures"]) == (2, 2, 0)


def test_round_unchanged_feed_answers_304_and_costs_one_request(site, ledger):
    src = feed_source(site)
    one_round(ledger, [src])
    before = len(site.log)
    second = one_round(ledger, [src])
    assert second.sources[0].status == "not_modified"
    new = site.log[before:]
    assert [(r.path, r.status) for r in new if r.path != "/robots.txt"] == [("/feed.xml", 304)]
    assert new[-1].headers.get("If-None-Match") == site.pages["/feed.xml"].etag
    assert status(ledger)[0]["not_modified"] == 1


def test_round_survives_a_source_that_is_down_and_retries_it_next_round(site, ledger, tmp_path):
    with Site() as other:
        other.down = True
        down = Source(url=other.url("/rss"), name="Down Daily", politeness=FAST)
        first = one_round(ledger, [down, feed_source(site)])
        assert [s.status for s in first.sources] == ["error", "fetched"]
        assert first.added == 1  # the healthy source is read anyway
        rows = {r["name"]: r for r in status(ledger)}
        assert (rows["Down Daily"]["failures"], rows["Down Daily"]["last_success"]) == (1, None)
        assert "503" in rows["Down Daily"]["last_error"]
        other.down = False
        other.pages["/robots.txt"] = Page(b"", "text/plain")
        other.pages["/rss"] = Page(
            rss([("/news/down-daily-story", "x", DAY2)], other), "application/rss+xml"
        )
        other.pages["/news/down-daily-story"] = Page(troops("12,000", "2025-01-07"))
        second = one_round(ledger, [down, feed_source(site)])
        assert second.sources[0].status == "fetched" and second.sources[0].ingested == 1
        row = {r["name"]: r for r in status(ledger)}["Down Daily"]
        assert (row["failures"], row["failures_total"], row["items_ingested"]) == (0, 1, 1)
        assert row["last_success"] is not None


def test_round_stores_a_rights_reserved_page_without_its_text(site, ledger):
    site.pages[A1[0]] = Page(troops("11,000", "2025-01-06"), headers={"X-Robots-Tag": "noai"})
    result = one_round(ledger, [feed_source(site)])
    assert result.sources[0].reserved == 1
    d = ledger_schema.documents
    with ledger.engine.connect() as conn:
        row = conn.execute(select(d.c.tdm_reserved, d.c.text_stored, d.c.text)).one()
    assert row.tdm_reserved and not row.text_stored and row.text is None
    assert status(ledger)[0]["items_reserved"] == 1


def test_round_skips_pages_robots_txt_disallows(site, ledger):
    private = ("/private/troops-secret", "Private", DAY1)
    site.pages[private[0]] = Page(troops("9,000", "2025-01-06"))
    site.pages["/feed.xml"] = Page(rss([private, A1], site), "application/rss+xml")
    result = one_round(ledger, [feed_source(site)])
    assert (result.sources[0].ingested, result.sources[0].skipped) == (1, 1)
    assert site.requests(private[0]) == []


def test_round_stopped_mid_round_keeps_the_item_in_hand_and_the_rest_for_later(site, ledger):
    site.pages["/feed.xml"] = Page(rss([A2, A1], site), "application/rss+xml")
    stop = threading.Event()
    site.on_request = lambda path: stop.set() if path == A2[0] else None
    first = one_round(ledger, [feed_source(site)], stop=stop)
    assert first.stopped and first.added == 1 and first.sources[0].left == 1
    assert ledger.count("documents") == 1
    site.on_request = None
    second = one_round(ledger, [feed_source(site)])  # not hidden behind a 304
    assert second.added == 1 and ledger.count("documents") == 2


def test_watch_stops_on_sigterm_after_storing_the_item_in_hand(site, ledger):
    site.pages["/feed.xml"] = Page(rss([A2, A1], site), "application/rss+xml")
    site.on_request = lambda path: os.kill(os.getpid(), signal.SIGTERM) if path == A2[0] else None
    before = signal.getsignal(signal.SIGTERM)
    results = watch(
        ledger, [feed_source(site)], every=3600, pipeline=Pipeline(stages=[TROOPS_STAGE])
    )
    assert len(results) == 1 and results[0].stopped
    assert ledger.count("documents") == 1
    assert signal.getsignal(signal.SIGTERM) is before


def test_section_links_finds_article_links_on_the_same_host():
    page = (
        b"<html><body><a href='/'>Home</a><a href='/war/'>War</a>"
        b"<a href='/war/2025/troops-reach-kursk'>Troops</a><a href='https://other.example/a-b-c'>x</a>"
        b"<a href='/war/2025/troops-reach-kursk#comments'>again</a><a href='/about'>About</a></body></html>"
    )
    found = section_links(page, "http://127.0.0.1:9/war/", None)
    assert [i.url for i in found] == ["http://127.0.0.1:9/war/2025/troops-reach-kursk"]
    assert section_links(page, "http://127.0.0.1:9/war/", r"/about$")[0].url.endswith("/about")


def test_round_follows_a_section_page_to_its_articles(site, ledger):
    site.pages["/war/"] = Page(
        b"<html><body><h1>War</h1><a href='/news/troops-arrive'>Troops arrive</a></body></html>"
    )
    result = one_round(
        ledger, [Source(url=site.url("/war/"), name="War section", kind="section", politeness=FAST)]
    )
    assert result.sources[0].ingested == 1 and ledger.count("documents") == 1


def test_round_same_body_from_a_server_without_validators_counts_as_unchanged(site, ledger):
    site.pages["/feed.xml"] = Page(rss([A1], site), "application/rss+xml", validators=False)
    one_round(ledger, [feed_source(site)])
    second = one_round(ledger, [feed_source(site)])
    assert second.sources[0].status == "not_modified"
    assert "If-None-Match" not in site.requests("/feed.xml")[-1].headers
    assert status(ledger)[0]["not_modified"] == 1


def test_state_migration_adds_the_body_hash_column_to_an_older_database(ledger):
    from sqlalchemy import inspect, text

    from sitrep.watch import state

    state.ensure(ledger.engine)
    with ledger.engine.begin() as conn:  # the database as step 0001 left it
        conn.execute(text("ALTER TABLE watch_sources DROP COLUMN body_sha256"))
        conn.execute(
            text("DELETE FROM watch_migrations WHERE name = 'watch_0002_source_body_hash'")
        )
    assert state.ensure(ledger.engine) == ["watch_0002_source_body_hash"]
    assert "body_sha256" in {c["name"] for c in inspect(ledger.engine).get_columns("watch_sources")}
    assert state.ensure(ledger.engine) == []


def test_round_marks_an_article_that_is_gone_and_keeps_the_feed_validators(site, ledger):
    missing = ("/news/deleted-story", "Deleted", DAY1)
    site.pages["/feed.xml"] = Page(rss([missing, A1], site), "application/rss+xml")
    first = one_round(ledger, [feed_source(site)])
    assert (first.sources[0].ingested, first.sources[0].skipped, first.sources[0].left) == (1, 1, 0)
    assert one_round(ledger, [feed_source(site)]).sources[0].status == "not_modified"
    assert len(site.requests(missing[0])) == 1


def test_round_fetches_hosts_in_parallel_so_a_slow_host_holds_up_no_other(site, ledger):
    """The slow host answers only once the other host has been asked: one at a time, it times out."""
    asked = threading.Event()
    with Site() as slow:
        slow.pages["/robots.txt"] = Page(b"", "text/plain")
        slow.pages["/rss"] = Page(rss([], slow), "application/rss+xml")

        def hold(path: str) -> None:
            if path == "/rss" and not asked.wait(10):
                slow.down = True  # answers 503: the other host was never reached meanwhile

        slow.on_request = hold
        site.on_request = lambda path: asked.set() if path == "/feed.xml" else None
        sources = [Source(url=slow.url("/rss"), name="Slow", politeness=FAST), feed_source(site)]
        with Fetcher(FAST) as fetcher:
            result = run_round(
                ledger,
                sources,
                fetcher=fetcher,
                pipeline=Pipeline(stages=[TROOPS_STAGE]),
                workers=2,
            )
    assert [s.name for s in result.sources] == ["Slow", "Kursk Watcher"]  # file order
    assert [s.status for s in result.sources] == ["fetched", "fetched"]
    assert result.added == 1


def test_watch_runs_rounds_every_interval_and_picks_up_items_that_appear(site, ledger):
    def publish_more(result) -> None:
        site.pages["/feed.xml"] = Page(rss([A2, A1], site), "application/rss+xml")

    start = time.monotonic()
    results = watch(ledger, [feed_source(site)], every=0.5, max_rounds=2,
                    pipeline=Pipeline(stages=[TROOPS_STAGE]), on_round=publish_more)  # fmt: skip
    assert [r.added for r in results] == [1, 1]
    assert time.monotonic() - start >= 0.5
