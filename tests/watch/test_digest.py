"""The digest over a watched ledger, and the CLI verbs that read the watcher's state."""

from __future__ import annotations

import json
import re
import shutil
from datetime import timedelta

import pytest

from sitrep.cli import main
from sitrep.ledger import open_ledger
from sitrep.pipeline import Pipeline
from sitrep.watch import Fetcher, Politeness, Source, run_round
from sitrep.watch.digest import digest, render

from .site import TROOPS_STAGE, Page, Site, article_html, rss
from .test_rounds import A1, A2, troops

FAST = Politeness(min_interval=0.0, timeout=5.0, retries=0, backoff=0.01)
HOSTILE = (
    "/news/hostile-troops",
    "<script>alert(1)</script> troops",
    "Wed, 08 Jan 2025 08:00:00 GMT",
)


@pytest.fixture
def watched(tmp_path):
    """A ledger after two rounds: 11,000 troops, then 12,000 (and a hostile headline)."""
    db = tmp_path / "w.db"
    with Site() as site:
        site.pages["/robots.txt"] = Page(b"", "text/plain")
        site.pages[A1[0]] = Page(troops("11,000", "2025-01-06"))
        site.pages[A2[0]] = Page(troops("12,000", "2025-01-07"))
        site.pages[HOSTILE[0]] = Page(article_html(
            "<script>alert(1)</script> [click](javascript:alert(1))",
            "About 12,000 North Korean troops are in Kursk Oblast, officials said.\nNothing else was said.",
            "2025-01-07",
        ))  # fmt: skip
        src = Source(url=site.url("/feed.xml"), name="Kursk Watcher", politeness=FAST)
        with open_ledger(db) as ledger, Fetcher(FAST) as fetcher:
            pipe = Pipeline(stages=[TROOPS_STAGE])
            site.pages["/feed.xml"] = Page(rss([A1], site), "application/rss+xml")
            run_round(ledger, [src], fetcher=fetcher, pipeline=pipe)
            site.pages["/feed.xml"] = Page(rss([HOSTILE, A2, A1], site), "application/rss+xml")
            run_round(ledger, [src], fetcher=fetcher, pipeline=pipe)
        yield db, site.url


def test_digest_lists_new_events_and_moved_figures_with_their_sources(watched):
    db, url = watched
    with open_ledger(db) as ledger:
        d = digest(ledger, timedelta(hours=24))
    assert d["documents"] == 3
    [new] = d["new_events"]
    assert (new["type"], new["place"]) == ("deployment", "Kursk Oblast")
    assert {s["url"] for s in new["sources"]} == {url(A1[0]), url(A2[0]), url(HOSTILE[0])}
    text = render(d, "text")
    assert "New events: deployment in Kursk Oblast, RU" in text
    assert url(A1[0]) in text


def test_digest_figure_moved_since_an_earlier_window(watched):
    db, url = watched
    with open_ledger(db) as ledger:
        d = digest(ledger, "2000-01-01")
    [moved] = d["figures"]
    assert (moved["from"], moved["to"]) == (11000, 12000)
    assert "North Korean troops: 11,000 -> 12,000" in render(d, "markdown")


def test_digest_html_escapes_article_text_and_links_only_web_urls(watched):
    db, _ = watched
    with open_ledger(db) as ledger:
        d = digest(ledger, timedelta(hours=24))
    page, md = render(d, "html"), render(d, "markdown")
    assert (
        "<script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    )  # the hostile headline
    assert re.search(r"(?<!\\)<script>", md) is None and "\\<script>" in md and "\\[click\\]" in md
    d["new_events"][0]["sources"].append(
        {
            "document_id": "x" * 64,
            "url": "javascript:alert(1)",
            "title": "<b>t</b>",
            "publisher": None,
        }
    )
    page, md = render(d, "html"), render(d, "markdown")
    assert (
        'href="javascript' not in page and ", &lt;b&gt;t&lt;/b&gt;</small>" in page
    )  # text, not a link
    assert "](<javascript" not in md


def test_cli_watch_status_digest_and_alerts_read_the_watched_ledger(watched, capsys, tmp_path):
    db, url = watched
    baseline = tmp_path / "b.db"
    shutil.copy(db, baseline)  # the same ledger, never checked against rules
    assert main(["watch-status", "--db", str(db)]) == 0
    [row] = json.loads(capsys.readouterr().out)["sources"]
    assert (row["name"], row["items_ingested"], row["failures"]) == ("Kursk Watcher", 3, 0)
    assert main(["digest", "--db", str(db), "--since", "24h", "--format", "markdown"]) == 0
    assert "## New events: deployment in Kursk Oblast, RU" in capsys.readouterr().out
    rules = tmp_path / "rules.toml"
    rules.write_text(
        '[[rule]]\nname = "troops"\ntypes = ["deployment"]\nnew_event = true\n[deliver]\nstdout = false\nfile = "out.jsonl"\n'
    )
    assert main(["alerts", "--db", str(db), "--check", str(rules)]) == 0
    assert json.loads((tmp_path / "out.jsonl").read_text())["rule"] == "troops"
    assert "1 new alerts" in capsys.readouterr().err
    assert main(["alerts", "--db", str(db)]) == 0
    [listed] = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    assert listed["kind"] == "new_event" and listed["delivered_at"]
    assert main(["watch", str(tmp_path / "missing.toml"), "--db", str(db)]) == 2
    capsys.readouterr()
    assert main(["alerts", "--db", str(baseline), "--baseline"]) == 0
    assert main(["alerts", "--db", str(baseline), "--check", str(rules)]) == 0
    assert "0 new alerts" in capsys.readouterr().err  # where the first check on db raised one
    assert main(["digest", "--db", str(baseline), "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["documents"] == 3  # the copy holds the same ledger
