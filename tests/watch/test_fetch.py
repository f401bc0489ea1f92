"""The polite fetcher and the sources file."""

from __future__ import annotations

import time

import pytest

from sitrep.errors import UsageError
from sitrep.watch import Fetcher, Politeness, parse_duration
from sitrep.watch.fetch import FetchError
from sitrep.watch.sources import load_sources

from .site import Page, Site


class Flaky(Site):
    """Answers 503 (with Retry-After: 0) to the first ``fail`` requests of /feed."""

    def __init__(self, fail: int) -> None:
        super().__init__()
        self.fail = fail
        self.pages["/feed"] = Page(b"<rss></rss>", "application/rss+xml")

        def maybe_down(path: str) -> None:
            if path == "/feed":
                self.down = self.fail > 0
                self.fail -= 1

        self.on_request = maybe_down


def test_fetcher_retries_with_growing_backoff_then_succeeds():
    with Flaky(fail=2) as site, Fetcher(Politeness(min_interval=0, retries=3, backoff=0.1)) as f:
        start = time.monotonic()
        got = f.get(site.url("/feed"))
        took = time.monotonic() - start
    assert got.status == 200 and [r.status for r in site.requests("/feed")] == [503, 503, 200]
    assert took >= 0.1 + 0.2  # 0.1 s, then 0.2 s


def test_fetcher_gives_up_after_its_retries():
    with Flaky(fail=10) as site, Fetcher(Politeness(min_interval=0, retries=2, backoff=0.01)) as f:
        with pytest.raises(FetchError, match="503 after 2 retries"):
            f.get(site.url("/feed"))
        assert len(site.requests("/feed")) == 3


def test_fetcher_spaces_requests_to_one_host():
    with Site() as site, Fetcher(Politeness(min_interval=0.3, retries=0)) as f:
        site.pages["/a"] = Page(b"a", "text/plain")
        start = time.monotonic()
        for _ in range(3):
            f.get(site.url("/a"))
        assert time.monotonic() - start >= 0.6


def test_fetcher_stop_cuts_a_backoff_short():
    with Flaky(fail=10) as site, Fetcher(Politeness(min_interval=0, retries=5, backoff=30)) as f:
        site.on_request = lambda path: f.stop.set()  # stop asked while the first request runs
        site.down = True
        start = time.monotonic()
        with pytest.raises(FetchError):
            f.get(site.url("/feed"))
        assert time.monotonic() - start < 5 and len(site.requests("/feed")) == 1


def test_fetcher_robots_txt_rules_and_crawl_delay():
    with Site() as site, Fetcher(Politeness(min_interval=0, retries=0)) as f:
        site.pages["/robots.txt"] = Page(
            b"User-agent: *\nDisallow: /private/\nCrawl-delay: 1\n", "text/plain"
        )
        site.pages["/news/a"] = Page(b"a", "text/plain")
        assert f.allowed(site.url("/news/a")) and not f.allowed(site.url("/private/b"))
        start = time.monotonic()
        f.get(site.url("/news/a"))
        f.get(site.url("/news/a"))
        assert time.monotonic() - start >= 1.0  # robots.txt's Crawl-delay, longer than min_interval
    with Site() as gone, Fetcher(Politeness(min_interval=0, retries=0)) as f:
        assert f.allowed(gone.url("/news/a"))  # 404 robots.txt: everything allowed
        gone.down = True
        f._robots.clear()
        with pytest.raises(FetchError, match="robots.txt unreachable"):
            f.allowed(gone.url("/news/a"))


def test_sources_file_reads_defaults_and_overrides(tmp_path):
    p = tmp_path / "sources.toml"
    p.write_text(
        '[defaults]\nevery = "10m"\nmin_interval = 5\n'
        '[[source]]\nurl = "https://example.org/rss"\n'
        '[[source]]\nname = "War"\nurl = "https://example.net/war/"\nkind = "section"\nmin_interval = 1.5\n'
    )
    sources, every = load_sources(p)
    assert every == 600
    assert [(s.name, s.kind, s.politeness.min_interval) for s in sources] == [
        ("https://example.org/rss", "auto", 5.0),
        ("War", "section", 1.5),
    ]


@pytest.mark.parametrize(
    "text, message",
    [
        ("[[source]]\nname = 'x'\n", "needs a url"),
        ("[[source]]\nurl = 'ftp://x/y'\n", "http"),
        ("[[source]]\nurl = 'https://x/y'\nkind = 'podcast'\n", "kind must be"),
        ("[[source]]\nurl = 'https://x/y'\n[[source]]\nurl = 'https://x/y'\n", "listed twice"),
        ("[defaults]\nevery = 'soon'\n[[source]]\nurl = 'https://x/y'\n", "not a duration"),
        ("[[source]]\nurl = 'https://x/y'\nlinks = '('\n", "not a valid regex"),
        ("url = ", "not valid TOML"),
    ],
)
def test_sources_file_mistakes_are_usage_errors(tmp_path, text, message):
    p = tmp_path / "sources.toml"
    p.write_text(text)
    with pytest.raises(UsageError, match=message):
        load_sources(p)


def test_parse_duration_units():
    assert [parse_duration(v) for v in ("90s", "15m", "24h", "2d", 30)] == [
        90,
        900,
        86400,
        172800,
        30,
    ]
