"""Alerts: a moved figure raises exactly one alert, delivered to stdout, a file and a webhook,
and never again after a restart."""

from __future__ import annotations

import io
import json

import pytest

from sitrep.errors import UsageError
from sitrep.ledger import open_ledger
from sitrep.pipeline import Pipeline
from sitrep.watch import Delivery, Fetcher, Politeness, Source, evaluate, recent_alerts, run_round
from sitrep.watch.alerts import parse_rules
from sitrep.watch.deliver import deliver
from sitrep.watch.session import Alerting, check_alerts

from .site import TROOPS_STAGE, Page, Site, rss
from .test_rounds import A1, A2, troops

FAST = Politeness(min_interval=0.0, timeout=5.0, retries=1, backoff=0.01)
RULES = parse_rules(
    {
        "rule": [
            {
                "name": "North Korean troops",
                "types": ["deployment"],
                "actors": ["North Korea"],
                "places": ["Kursk Oblast"],
                "new_event": True,
                "figure_change": {"absolute": 500},
            },
            {"name": "Elsewhere", "countries": ["UA"], "new_event": True},
        ]
    }
)


@pytest.fixture
def site():
    with Site() as s:
        s.pages["/robots.txt"] = Page(b"", "text/plain")
        s.pages[A1[0]] = Page(troops("11,000", "2025-01-06"))
        s.pages[A2[0]] = Page(troops("12,000", "2025-01-07"))
        s.pages["/feed.xml"] = Page(rss([A1], s), "application/rss+xml")
        yield s


def round_and_alerts(db, site, out, file):
    """One process's work: open the ledger, run a round, evaluate and deliver."""
    how = Delivery(
        stdout=True, file=file, webhook=site.url("/hook"), webhook_retries=2, webhook_backoff=0.01
    )
    with open_ledger(db) as ledger, Fetcher(FAST) as fetcher:
        src = Source(url=site.url("/feed.xml"), name="Kursk Watcher", politeness=FAST)
        run_round(ledger, [src], fetcher=fetcher, pipeline=Pipeline(stages=[TROOPS_STAGE]))
        return check_alerts(ledger, Alerting(RULES, how, out=out))


def test_alert_figure_change_fires_once_and_a_restart_does_not_repeat_it(site, tmp_path):
    db, file, out = tmp_path / "w.db", tmp_path / "alerts.jsonl", io.StringIO()
    first = round_and_alerts(db, site, out, file)
    assert [(a["rule"], a["kind"]) for a in first] == [("North Korean troops", "new_event")]
    site.pages["/feed.xml"] = Page(rss([A2, A1], site), "application/rss+xml")
    second = round_and_alerts(db, site, out, file)
    [moved] = second
    assert moved["kind"] == "figure_change"
    assert moved["what"] == "North Korean troops: 11,000 -> 12,000"
    assert moved["change"]["from"] == 11000 and moved["change"]["to"] == 12000
    assert moved["sources"][0]["url"] == site.url(A2[0])  # the report of the new figure first
    assert "12,000 North Korean troops" in moved["evidence"][0]["text"]
    # a restart: new ledger handle, fetcher and round over the same database
    assert round_and_alerts(db, site, out, file) == []
    lines = [json.loads(x) for x in out.getvalue().splitlines()]
    assert [a["kind"] for a in lines] == ["new_event", "figure_change"]
    assert [json.loads(x)["kind"] for x in file.read_text().splitlines()] == [
        "new_event",
        "figure_change",
    ]
    assert [json.loads(b)["kind"] for b in site.received] == ["new_event", "figure_change"]
    with open_ledger(db) as ledger:
        listed = recent_alerts(ledger)
    assert [a["kind"] for a in listed] == ["figure_change", "new_event"]
    assert all(a["delivered_at"] for a in listed)


def test_alert_small_figure_change_under_the_threshold_is_quiet(site, tmp_path):
    db, out = tmp_path / "w.db", io.StringIO()
    round_and_alerts(db, site, out, None)
    site.pages[A2[0]] = Page(troops("11,200", "2025-01-07"))
    site.pages["/feed.xml"] = Page(rss([A2, A1], site), "application/rss+xml")
    assert round_and_alerts(db, site, out, None) == []


def test_alert_webhook_refusal_is_retried_without_printing_twice(site, tmp_path):
    db, out = tmp_path / "w.db", io.StringIO()
    site.hook_failures = 5  # more than the retries of one delivery
    [raised] = round_and_alerts(db, site, out, None)
    assert site.received == [] and len(out.getvalue().splitlines()) == 1
    with open_ledger(db) as ledger:
        assert recent_alerts(ledger)[0]["delivered_at"] is None
        site.hook_failures = 0
        how = Delivery(stdout=True, webhook=site.url("/hook"), webhook_retries=0)
        assert deliver(ledger, how, out=out) == (1, [])
        assert deliver(ledger, how, out=out) == (0, [])
    assert [json.loads(b)["key"] for b in site.received] == [raised["key"]]
    assert len(out.getvalue().splitlines()) == 1


def test_alert_evaluation_without_rules_sets_a_baseline(site, tmp_path):
    db = tmp_path / "w.db"
    with open_ledger(db) as ledger, Fetcher(FAST) as fetcher:
        src = Source(url=site.url("/feed.xml"), name="Kursk Watcher", politeness=FAST)
        run_round(ledger, [src], fetcher=fetcher, pipeline=Pipeline(stages=[TROOPS_STAGE]))
        assert evaluate(ledger, []) == []
        assert evaluate(ledger, RULES) == []  # the event was already there


@pytest.mark.parametrize(
    "rule, message",
    [
        ({"types": ["attack"], "new_event": True}, "needs a name"),
        ({"name": "x"}, "says what to alert on"),
        ({"name": "x", "new_event": True, "colour": "red"}, "unknown key"),
        ({"name": "x", "figure_change": {"absolute": -1}}, "0 or more"),
    ],
)
def test_rules_file_mistakes_are_usage_errors(rule, message):
    with pytest.raises(UsageError, match=message):
        parse_rules({"rule": [rule]})


RESTART = """
import sys
import sitrep.watch.session as session
from sitrep.cli import main
from sitrep.pipeline import Pipeline
from tests.watch.site import TROOPS_STAGE
session.Pipeline = lambda settings: Pipeline(stages=[TROOPS_STAGE], settings=settings)
sys.exit(main(sys.argv[1:]))
"""


def test_cli_watch_once_alerts_and_a_new_process_does_not_alert_again(
    site, tmp_path, monkeypatch, capsys
):
    import subprocess
    import sys

    from sitrep.cli import main

    from ..conftest import ROOT

    monkeypatch.setattr(
        "sitrep.watch.session.Pipeline",
        lambda settings: Pipeline(stages=[TROOPS_STAGE], settings=settings),
    )
    sources, rules, db = tmp_path / "sources.toml", tmp_path / "rules.toml", tmp_path / "w.db"
    sources.write_text(
        f'[defaults]\nmin_interval = 0\n[[source]]\nname = "Kursk Watcher"\nurl = "{site.url("/feed.xml")}"\n'
    )
    rules.write_text(
        '[[rule]]\nname = "troops"\nactors = ["KP"]\nnew_event = true\nfigure_change = { relative = 0.05 }\n'
        f'[deliver]\nfile = "alerts.jsonl"\nwebhook = "{site.url("/hook")}"\n'
    )
    argv = ["watch", str(sources), "--rules", str(rules), "--db", str(db), "--once", "--quiet"]
    assert main(argv) == 0
    site.pages["/feed.xml"] = Page(rss([A2, A1], site), "application/rss+xml")
    assert main(argv) == 0
    printed = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    assert [a["what"] for a in printed][1] == "North Korean troops: 11,000 -> 12,000"
    again = subprocess.run(
        [sys.executable, "-c", RESTART, *argv],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert again.returncode == 0, again.stderr
    assert again.stdout == ""
    assert len((tmp_path / "alerts.jsonl").read_text().splitlines()) == 2
    assert len(site.received) == 2
    assert site.requests("/feed.xml")[-1].status == 304  # the new process kept the ETag


def test_alert_contradiction_and_a_second_source_each_alert_once(site, open_test_ledger):
    from .site import article_html

    rules = parse_rules({"rule": [
        {"name": "corroborated", "types": ["deployment"], "min_sources": 2, "new_event": True},
        {"name": "disputed", "types": ["deployment"], "new_contradiction": True},
    ]})  # fmt: skip
    hur = ("/news/hur-troops", "Kyiv disputes the count", A2[2])
    site.pages[hur[0]] = Page(article_html(
        "Kyiv disputes the count",
        "About 15,000 North Korean troops are now in Kursk Oblast, Ukraine's military intelligence said.\nIt gave no details.",
        "2025-01-07",
    ))  # fmt: skip
    out = io.StringIO()
    how = Delivery(stdout=True)
    src = Source(url=site.url("/feed.xml"), name="Kursk Watcher", politeness=FAST)
    raised = []
    ledger = open_test_ledger()
    with Fetcher(FAST) as fetcher:
        for feed in ([A2], [hur, A2], [hur, A2]):
            site.pages["/feed.xml"] = Page(rss(feed, site), "application/rss+xml")
            run_round(ledger, [src], fetcher=fetcher, pipeline=Pipeline(stages=[TROOPS_STAGE]))
            raised.append(check_alerts(ledger, Alerting(rules, how, out=out)))
    assert raised[0] == [] and raised[2] == []  # one source is not enough; nothing twice
    by_rule = {a["rule"]: a for a in raised[1]}
    assert by_rule["corroborated"]["what"].endswith("(independent sources: 1 -> 2)")
    assert by_rule["disputed"]["what"] == (
        "sources disagree on troops: 12,000 vs 15,000 (National Intelligence Service; Ukrainian military intelligence)"
    )
    assert {s["url"] for s in by_rule["disputed"]["sources"]} == {site.url(A2[0]), site.url(hur[0])}


@pytest.mark.slow
def test_alert_figure_change_with_the_real_extraction_stages(site, tmp_path):
    """The same two articles through the full pipeline (spaCy): one figure alert, in words."""
    rules = parse_rules(
        {"rule": [{"name": "NK troops", "actors": ["North Korea"], "figure_change": True}]}
    )
    out = io.StringIO()
    src = Source(url=site.url("/feed.xml"), name="Kursk Watcher", politeness=FAST)
    raised = []
    with open_ledger(tmp_path / "w.db") as ledger, Fetcher(FAST) as fetcher:
        pipe = Pipeline(settings=ledger.settings)
        for feed in ([A1], [A2, A1], [A2, A1]):
            site.pages["/feed.xml"] = Page(rss(feed, site), "application/rss+xml")
            run_round(ledger, [src], fetcher=fetcher, pipeline=pipe)
            raised.append(check_alerts(ledger, Alerting(rules, Delivery(stdout=True), out=out)))
    assert [len(r) for r in raised] == [0, 1, 0]
    assert raised[1][0]["what"] == "North Korean troops: 11,000 -> 12,000"
