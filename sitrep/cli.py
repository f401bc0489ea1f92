"""The command line: thin, one command per verb, each calling one library function.

Exit codes: 0 all inputs fine, 1 some inputs rejected, 2 usage error.
JSON goes to stdout; progress, logs and rejections go to stderr.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from typing import Any

from .errors import SitrepError, UsageError

__all__ = ["main"]

EXIT_OK, EXIT_REJECTED, EXIT_USAGE = 0, 1, 2

Verb = Callable[[argparse.Namespace], int]
VERBS: dict[str, tuple[Callable[[argparse._SubParsersAction], argparse.ArgumentParser], Verb]] = {}


def verb(name: str, help: str) -> Callable[[Callable[[argparse.ArgumentParser], None]], Callable[..., Any]]:
    """Register a verb: the decorated function adds its arguments; ``run`` is set after."""

    def wrap(add_args: Callable[[argparse.ArgumentParser], None]) -> Callable[..., Any]:
        def make(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
            p = sub.add_parser(name, help=help, description=help)
            add_args(p)
            return p

        def register(run: Verb) -> Verb:
            VERBS[name] = (make, run)
            return run

        return register

    return wrap


def _err(message: str) -> None:
    print(message, file=sys.stderr)


def _iso_date(value: str) -> str:
    from datetime import date

    try:
        return date.fromisoformat(value).isoformat()
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not an ISO date (YYYY-MM-DD): {value!r}") from exc


# --------------------------------------------------------------------------- report


def _report_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("inputs", nargs="+", metavar="FILE", help="files, folders, feeds, WARC, JSON Lines, or - for stdin")
    p.add_argument("--published", type=_iso_date, help="publication date (YYYY-MM-DD) where the page gives none")
    p.add_argument("--json", action="store_true", help="print sitrep.report/1 JSON (one object per line)")
    p.add_argument("--layers", action="store_true", help="include every annotation layer")
    p.add_argument("--quiet", "-q", action="store_true", help="no progress or summary on stderr")


@verb("report", "Read articles and print what each one reports.")(_report_args)
def cmd_report(args: argparse.Namespace) -> int:
    from .api import report
    from .records import Rejection
    from .report import report_dict
    from .textview import render_report

    rejected = 0
    first = True
    for item in report(args.inputs, published=args.published):
        if isinstance(item, Rejection):
            rejected += 1
            _err(item.message())
            continue
        out = report_dict(item, layers=args.layers)
        if args.json:
            sys.stdout.write(json.dumps(out, ensure_ascii=False) + "\n")
        else:
            if not first:
                sys.stdout.write("\n" + "=" * 78 + "\n\n")
            sys.stdout.write(render_report(out))
        first = False
        sys.stdout.flush()
    return EXIT_REJECTED if rejected else EXIT_OK


# --------------------------------------------------------------------------- schema, settings


def _schema_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("name", choices=["report", "events"], help="which output shape")


@verb("schema", "Print the JSON Schema of an output shape (sitrep.report/1, sitrep.events/1).")(_schema_args)
def cmd_schema(args: argparse.Namespace) -> int:
    from .schema import load_schema

    sys.stdout.write(json.dumps(load_schema(args.name), indent=2) + "\n")
    return EXIT_OK


def _settings_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--json", action="store_true", help="print as JSON")


@verb("settings", "List every setting with its current value and help (env SITREP_<NAME> overrides).")(_settings_args)
def cmd_settings(args: argparse.Namespace) -> int:
    from dataclasses import asdict

    from .settings import SETTINGS_HELP, load_settings

    values = asdict(load_settings())
    if args.json:
        sys.stdout.write(json.dumps({k: {"value": v, "help": SETTINGS_HELP.get(k, "")} for k, v in values.items()}, indent=2) + "\n")
        return EXIT_OK
    for name, value in values.items():
        sys.stdout.write(f"{name} = {value!r}\n    {SETTINGS_HELP.get(name, '')}\n")
    return EXIT_OK


# --------------------------------------------------------------------------- ledger


def _db_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument("--db", metavar="URL", help="ledger: SQLAlchemy URL or SQLite path (default: the db setting, env SITREP_DB)")


def _format_args(p: argparse.ArgumentParser) -> None:
    fmt = p.add_mutually_exclusive_group()
    fmt.add_argument("--json", dest="fmt", action="store_const", const="json", help="JSON (the default)")
    fmt.add_argument("--csv", dest="fmt", action="store_const", const="csv", help="CSV with a header row")
    fmt.add_argument("--table", dest="fmt", action="store_const", const="table", help="a plain-text table")
    p.set_defaults(fmt="json")


def _open_ledger(args: argparse.Namespace) -> Any:
    from .ledger import open_ledger

    return open_ledger(args.db)


def _write_rows(fmt: str, columns: list[str], rows: list[dict[str, Any]]) -> None:
    if fmt == "csv":
        import csv

        w = csv.DictWriter(sys.stdout, fieldnames=columns, extrasaction="ignore", lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
        return
    widths = {c: min(60, max([len(c)] + [len(str(r.get(c) if r.get(c) is not None else "")) for r in rows])) for c in columns}
    sys.stdout.write("  ".join(c.ljust(widths[c]) for c in columns).rstrip() + "\n")
    for r in rows:
        cells = [str(r.get(c) if r.get(c) is not None else "")[: widths[c]].ljust(widths[c]) for c in columns]
        sys.stdout.write("  ".join(cells).rstrip() + "\n")


def _ingest_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("inputs", nargs="+", metavar="PATH", help="files, folders, feeds, WARC, JSON Lines")
    _db_arg(p)
    p.add_argument("--published", type=_iso_date, help="publication date (YYYY-MM-DD) where the page gives none")
    p.add_argument("--quiet", "-q", action="store_true", help="no progress or summary on stderr")
    p.add_argument("--scheduler", metavar="ADDRESS", help="extract on a Dask cluster (tcp://HOST:8786); needs the cluster extra; see docs/cluster.md")
    p.add_argument("--workers", type=int, metavar="N", help="without --scheduler: extract on N local worker processes; with it: wait for N workers")


@verb("ingest", "Read articles, extract their events and store them in the ledger.")(_ingest_args)
def cmd_ingest(args: argparse.Namespace) -> int:
    from .ledger.intake import ingest

    if args.scheduler or args.workers is not None:
        return _cluster_ingest(args)
    with _open_ledger(args) as ledger:
        result = ingest(ledger, args.inputs, published=args.published, progress=None if args.quiet else _err)
    for r in result.rejected:
        _err(r.message())
    if not args.quiet:
        _err(f"{result.documents} documents: {result.added} added, {result.skipped} already stored; {len(result.rejected)} inputs rejected")
    return EXIT_REJECTED if result.rejected else EXIT_OK


def _cluster_ingest(args: argparse.Namespace) -> int:
    """``ingest --scheduler/--workers``: extraction on Dask, fusion once at the end."""
    if args.workers is not None and args.workers < 1:
        raise UsageError("--workers takes a number of 1 or more")
    try:
        from .scale import cluster_ingest
    except ImportError as exc:
        raise UsageError(f"--scheduler and --workers need the cluster extra (pip install 'sitrep[cluster]'): {exc}") from exc
    quiet = args.quiet
    result = cluster_ingest(
        args.inputs, args.db, scheduler=args.scheduler, workers=args.workers, published=args.published,
        progress=None if quiet else _err, on_rejection=lambda r: _err(r.message()),
    )
    if not quiet:
        _err(f"{result.documents} documents: {result.added} added, {result.skipped} already stored; "
             f"{len(result.rejected)} inputs rejected; {result.per_second:.1f} documents/s on {result.workers} worker{'s' if result.workers != 1 else ''}")
    return EXIT_REJECTED if result.rejected else EXIT_OK


def _events_args(p: argparse.ArgumentParser) -> None:
    _db_arg(p)
    p.add_argument("--type", help="event type (attack, casualties, weapons_test, ...)")
    p.add_argument("--actor", help="an actor's canonical name, or an ISO country code of an actor")
    p.add_argument("--country", help="ISO 3166-1 alpha-2 code of the event's place")
    p.add_argument("--place", help="place name or its province/region")
    p.add_argument("--since", type=_iso_date, help="events ending on or after this date")
    p.add_argument("--until", type=_iso_date, help="events starting on or before this date")
    p.add_argument("--min-sources", type=int, default=0, help="at least this many independent sources")
    p.add_argument("--contradictions", action="store_true", help="only events whose sources contradict each other")
    p.add_argument("--text", help="full-text search over summary, actors, place and evidence")
    p.add_argument("--limit", type=int, default=100, help="at most this many events (default 100)")
    p.add_argument("--offset", type=int, default=0, help="skip this many events first")
    _format_args(p)


@verb("events", "List the ledger's fused events (JSON sitrep.events/1 by default).")(_events_args)
def cmd_events(args: argparse.Namespace) -> int:
    from .ledger import EventFilter, events

    if args.min_sources < 0 or args.limit < 0 or args.offset < 0:
        raise UsageError("--min-sources, --limit and --offset take numbers of 0 or more")
    flt = EventFilter(
        type=args.type, actor=args.actor, country=args.country, place=args.place, since=args.since,
        until=args.until, min_sources=args.min_sources, has_contradictions=True if args.contradictions else None,
        text=args.text, limit=args.limit, offset=args.offset,
    )
    with _open_ledger(args) as ledger:
        result = events(ledger, flt)
    if args.fmt == "json":
        sys.stdout.write(json.dumps(result, ensure_ascii=False) + "\n")
        return EXIT_OK
    rows = []
    for e in result["events"]:
        loc, tm = e.get("location") or {}, e.get("time") or {}
        rows.append({
            "id": e["id"], "type": e["type"], "status": e["status"], "start": tm.get("start"), "end": tm.get("end"),
            "place": loc.get("name"), "country": loc.get("country"), "lat": loc.get("lat"), "lon": loc.get("lon"),
            "sources": e["independent_sources"], "mentions": len(e["mentions"]),
            "contradictions": len(e["contradictions"]), "summary": e["summary"],
        })
    cols = ["id", "type", "status", "start", "end", "place", "country", "lat", "lon", "sources", "mentions", "contradictions", "summary"]
    if args.fmt == "table":
        cols = ["start", "type", "status", "place", "country", "sources", "mentions", "summary", "id"]
    _write_rows(args.fmt, cols, rows)
    return EXIT_OK


def _show_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("event_id", metavar="EVENT", help="a fused event id (from sitrep events)")
    _db_arg(p)
    p.add_argument("--json", action="store_true", help="print the event and its provenance as JSON")


def _render_provenance(shown: dict[str, Any]) -> str:
    e = shown["event"]
    loc, tm = e.get("location") or {}, e.get("time") or {}
    out = [f"{e['id']}  {e['type']} ({e['status']}, {e['certainty']})  {tm.get('start') or '?'}  "
           f"{loc.get('name') or '?'}{', ' + loc['country'] if loc.get('country') else ''}",
           f"  {e['summary']}",
           f"  independent sources: {e['independent_sources']}; mentions: {len(e['mentions'])}"]
    for c in e["contradictions"]:
        out.append(f"  CONTRADICTION {c['category']}: {' vs '.join(map(str, c['values']))} ({'; '.join(c['sources'])})")
    for h in e["figure_history"]:
        out.append(f"  figure {h['published'] or '?'} {h['category']} {h['qualifier']} {h['value']} ({h['source']})")
    out.append("  provenance:")
    for p in shown["provenance"]:
        out.append(f"    {p['claimant']} [{p['kind']}]")
        for o in p["outlets"]:
            out.append(f"      {o['publisher'] or '(unknown outlet)'}")
            for a in o["articles"]:
                via = f" via {' <- '.join(a['via'])}" if a["via"] else ""
                copy = f" (copy of {a['syndicated_from'][:12]})" if a["syndicated_from"] else ""
                out.append(f"        {a['published'] or '?'} {a['title'] or a['document_id'][:12]}{via}{copy}")
                for ev in a["evidence"][:2]:
                    quote = " ".join((ev["text"] or "").split())
                    out.append(f"          \u201c{quote}\u201d")
    return "\n".join(out) + "\n"


@verb("show", "Show one fused event with its provenance: claimants, outlets, articles, evidence.")(_show_args)
def cmd_show(args: argparse.Namespace) -> int:
    from .ledger import event

    with _open_ledger(args) as ledger:
        shown = event(ledger, args.event_id)
    if shown is None:
        raise UsageError(f"no event {args.event_id!r} in the ledger (see sitrep events)")
    sys.stdout.write(json.dumps(shown, ensure_ascii=False) + "\n" if args.json else _render_provenance(shown))
    return EXIT_OK


def _sources_args(p: argparse.ArgumentParser) -> None:
    _db_arg(p)
    p.add_argument("--limit", type=int, default=100, help="at most this many sources (default 100)")
    _format_args(p)


@verb("sources", "Who is cited how often, and how often another source corroborates them.")(_sources_args)
def cmd_sources(args: argparse.Namespace) -> int:
    from .ledger import sources

    with _open_ledger(args) as ledger:
        result = sources(ledger, limit=args.limit)
    if args.fmt == "json":
        sys.stdout.write(json.dumps(result, ensure_ascii=False) + "\n")
    else:
        _write_rows(args.fmt, ["name", "kind", "events", "mentions", "corroborated", "corroboration_rate"], result["sources"])
    return EXIT_OK


def _search_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("text", help="words to look for")
    _db_arg(p)
    p.add_argument("--limit", type=int, default=20, help="at most this many hits of each kind (default 20)")
    _format_args(p)


@verb("search", "Full-text search over stored documents and fused events.")(_search_args)
def cmd_search(args: argparse.Namespace) -> int:
    from .ledger import search

    with _open_ledger(args) as ledger:
        result = search(ledger, args.text, limit=args.limit)
    if args.fmt == "json":
        sys.stdout.write(json.dumps(result, ensure_ascii=False) + "\n")
        return EXIT_OK
    rows = [{"kind": "document", "id": d["document_id"], "date": d["published"], "what": d["title"], "where": d["publisher"]} for d in result["documents"]]
    rows += [{"kind": "event", "id": e["id"], "date": (e.get("time") or {}).get("start"), "what": e["summary"], "where": (e.get("location") or {}).get("name")} for e in result["events"]]
    _write_rows(args.fmt, ["kind", "date", "what", "where", "id"], rows)
    return EXIT_OK


def _reprocess_args(p: argparse.ArgumentParser) -> None:
    _db_arg(p)
    p.add_argument("--quiet", "-q", action="store_true", help="no progress or summary on stderr")


@verb("reprocess", "Re-run extraction on stored documents made by older stage versions.")(_reprocess_args)
def cmd_reprocess(args: argparse.Namespace) -> int:
    from .ledger.intake import reprocess

    with _open_ledger(args) as ledger:
        result = reprocess(ledger, progress=None if args.quiet else _err)
    for doc_id, reason in result.not_reprocessable:
        _err(f"{doc_id}: cannot be reprocessed ({reason})")
    for r in result.rejected:
        _err(r.message())
    if not args.quiet:
        _err(f"{result.reprocessed} reprocessed, {result.current} already current, "
             f"{len(result.not_reprocessable)} cannot be reprocessed, {len(result.rejected)} rejected")
    return EXIT_REJECTED if result.rejected else EXIT_OK


def _gazetteer_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("action", choices=["build"], help="build the offline gazetteer from packaged GeoNames data")
    p.add_argument("--force", action="store_true", help="rebuild even if it exists")


@verb("gazetteer", "Build the offline gazetteer (done once at install; places are geocoded from it).")(_gazetteer_args)
def cmd_gazetteer(args: argparse.Namespace) -> int:
    from .gazetteer import main as gazetteer_main

    return gazetteer_main(["build", *(["--force"] if args.force else [])])


# --------------------------------------------------------------------------- serve


def _serve_args(p: argparse.ArgumentParser) -> None:
    _db_arg(p)
    p.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1, this machine only)")
    p.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    p.add_argument("--token", help="allow POST /api/ingest with 'Authorization: Bearer TOKEN' (env SITREP_TOKEN); read-only without")


@verb("serve", "Serve the dashboard and JSON API over the ledger (read-only unless given --token).")(_serve_args)
def cmd_serve(args: argparse.Namespace) -> int:
    import os

    import uvicorn

    from .web.app import create_app

    if not 0 < args.port < 65536:
        raise UsageError(f"--port must be 1..65535, not {args.port}")
    token = args.token or os.environ.get("SITREP_TOKEN") or None
    if args.host not in ("127.0.0.1", "localhost", "::1"):
        _err(f"sitrep serve: listening on {args.host}, reachable from other machines")
    with _open_ledger(args) as ledger:
        loopback = ("127.0.0.1", "localhost", "::1")
        app = create_app(ledger, ledger.settings, token=token,
                         allowed_hosts=loopback if args.host in loopback else None)
        _err(f"sitrep: http://{args.host}:{args.port}/ ({'ingest allowed with the token' if token else 'read-only'})")
        uvicorn.run(app, host=args.host, port=args.port, log_level="warning")
    return EXIT_OK


# --------------------------------------------------------------------------- export


def _export_args(p: argparse.ArgumentParser) -> None:
    from .exports import FORMATS

    p.add_argument("--format", "-f", required=True, choices=list(FORMATS), help="csv, jsonl, geojson, parquet, acled or plover")
    _db_arg(p)
    p.add_argument("--output", "-o", metavar="FILE", help="write here (default: stdout; parquet needs a file)")
    p.add_argument("--type", help="event type (attack, casualties, weapons_test, ...)")
    p.add_argument("--actor", help="an actor's canonical name, or an ISO country code of an actor")
    p.add_argument("--country", help="ISO 3166-1 alpha-2 code of the event's place")
    p.add_argument("--place", help="place name or its province/region")
    p.add_argument("--since", type=_iso_date, help="events ending on or after this date")
    p.add_argument("--until", type=_iso_date, help="events starting on or before this date")
    p.add_argument("--min-sources", type=int, default=0, help="at least this many independent sources")
    p.add_argument("--contradictions", action="store_true", help="only events whose sources contradict each other")
    p.add_argument("--text", help="full-text search over summary, actors, place and evidence")
    p.add_argument("--limit", type=int, help="at most this many events (default: all)")
    p.add_argument("--quiet", "-q", action="store_true", help="no summary on stderr")


@verb("export", "Export the ledger's fused events as CSV, JSON Lines, GeoJSON, Parquet, ACLED-style CSV or PLOVER.")(_export_args)
def cmd_export(args: argparse.Namespace) -> int:
    from .exports import export, export_format
    from .ledger import EventFilter

    fmt = export_format(args.format)
    if fmt.binary and not args.output:
        raise UsageError(f"--format {fmt.name} writes binary data: give --output FILE")
    if args.min_sources < 0 or (args.limit is not None and args.limit < 0):
        raise UsageError("--min-sources and --limit take numbers of 0 or more")
    flt = EventFilter(
        type=args.type, actor=args.actor, country=args.country, place=args.place, since=args.since,
        until=args.until, min_sources=args.min_sources, has_contradictions=True if args.contradictions else None,
        text=args.text,
    )
    with _open_ledger(args) as ledger:
        if args.output:
            out: Any = open(args.output, "wb") if fmt.binary else open(args.output, "w", encoding="utf-8", newline="")  # noqa: SIM115
            with out:
                result = export(ledger, fmt.name, out, flt, limit=args.limit)
        else:
            result = export(ledger, fmt.name, sys.stdout, flt, limit=args.limit)
            sys.stdout.flush()
    if result.skipped:
        _err(f"sitrep export: {result.skipped} events skipped ({result.skip_reason})")
    if not args.quiet:
        _err(f"{result.written} events written as {fmt.name}{' to ' + args.output if args.output else ''}")
    return EXIT_OK


# --------------------------------------------------------------------------- watch


def _watch_log(quiet: bool) -> Any:
    """Log the watcher's progress on stderr; returns the handler (removed when the verb ends)."""
    import logging

    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(message)s", "%H:%M:%S"))
    log = logging.getLogger("sitrep.watch")
    log.addHandler(handler)
    log.setLevel(logging.WARNING if quiet else logging.INFO)
    return handler


def _watch_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("sources", metavar="SOURCES", help="sources file (TOML: feeds and site sections; see docs/watch.md)")
    p.add_argument("--every", help="time between rounds (90s, 15m, 1h; default: the file's, else 15m)")
    _db_arg(p)
    p.add_argument("--rules", metavar="RULES", help="alert rules file (TOML), evaluated after each round")
    p.add_argument("--once", action="store_true", help="run one round and exit")
    p.add_argument("--workers", type=int, default=4, metavar="N", help="hosts fetched at once (default 4; each host's requests stay spaced)")
    p.add_argument("--quiet", "-q", action="store_true", help="only warnings on stderr")


@verb("watch", "Watch feeds and site sections: ingest new articles every round, raise alerts.")(_watch_args)
def cmd_watch(args: argparse.Namespace) -> int:
    import logging
    from pathlib import Path

    from .watch import Alerting, load_rules, load_sources, parse_delivery, parse_duration, watch
    from .watch.alerts import read_toml

    if args.workers < 1:
        raise UsageError("--workers takes a number of 1 or more")
    sources, every = load_sources(args.sources)
    if args.every:
        every = parse_duration(args.every)
    alerting = None
    if args.rules:
        rules = load_rules(args.rules)
        alerting = Alerting(rules, parse_delivery(read_toml(args.rules, "rules"), Path(args.rules).resolve().parent, args.rules))
    handler = _watch_log(args.quiet)
    try:
        with _open_ledger(args) as ledger:
            results = watch(ledger, sources, every, alerting=alerting, once=args.once, workers=args.workers)
    finally:
        logging.getLogger("sitrep.watch").removeHandler(handler)
    return EXIT_REJECTED if results and results[-1].failed else EXIT_OK


def _alerts_args(p: argparse.ArgumentParser) -> None:
    _db_arg(p)
    p.add_argument("--since", default="7d", help="alerts raised in this window (90m, 24h, 7d; default 7d)")
    p.add_argument("--limit", type=int, default=50, help="at most this many (default 50)")
    p.add_argument("--check", metavar="RULES", help="evaluate these rules over the ledger now and deliver what they raise")
    p.add_argument("--baseline", action="store_true", help="record the ledger's events as seen, raising nothing (before watching a ledger that already has events)")


@verb("alerts", "List recent alerts as JSON Lines (newest first), or --check a rules file now.")(_alerts_args)
def cmd_alerts(args: argparse.Namespace) -> int:
    from datetime import UTC, datetime, timedelta
    from pathlib import Path

    from .watch import load_rules, parse_delivery, parse_duration, recent_alerts
    from .watch.alerts import read_toml
    from .watch.session import Alerting, check_alerts

    since = (datetime.now(UTC) - timedelta(seconds=parse_duration(args.since))).isoformat(timespec="seconds")
    with _open_ledger(args) as ledger:
        if args.baseline:
            from .watch import evaluate

            evaluate(ledger, [])
            _err("baseline recorded: later alerts are about what changes from now on")
            return EXIT_OK
        if args.check:
            how = parse_delivery(read_toml(args.check, "rules"), Path(args.check).resolve().parent, args.check)
            raised = check_alerts(ledger, Alerting(load_rules(args.check), how))
            _err(f"{len(raised)} new alerts")
            return EXIT_OK
        for a in recent_alerts(ledger, limit=args.limit, since=since):
            sys.stdout.write(json.dumps(a, ensure_ascii=False) + "\n")
    return EXIT_OK


def _digest_args(p: argparse.ArgumentParser) -> None:
    _db_arg(p)
    p.add_argument("--since", default="24h", help="what arrived in this window (90m, 24h, 7d; default 24h)")
    p.add_argument("--format", choices=["text", "markdown", "html", "json"], default="text", help="output format (default text)")


@verb("digest", "A situation report: new events by type and place, figures that moved, contradictions, with sources.")(_digest_args)
def cmd_digest(args: argparse.Namespace) -> int:
    from datetime import timedelta

    from .watch import parse_duration
    from .watch.digest import digest, render

    with _open_ledger(args) as ledger:
        d = digest(ledger, timedelta(seconds=parse_duration(args.since)))
    sys.stdout.write(json.dumps(d, ensure_ascii=False) + "\n" if args.format == "json" else render(d, args.format))
    return EXIT_OK


def _watch_status_args(p: argparse.ArgumentParser) -> None:
    _db_arg(p)
    _format_args(p)


@verb("watch-status", "Each watched source: last success, failures in a row and in all, 304s, items.")(_watch_status_args)
def cmd_watch_status(args: argparse.Namespace) -> int:
    from .watch import status

    with _open_ledger(args) as ledger:
        rows = status(ledger)
    if args.fmt == "json":
        sys.stdout.write(json.dumps({"sources": rows}, ensure_ascii=False) + "\n")
        return EXIT_OK
    cols = ["name", "last_success", "last_status", "failures", "failures_total", "not_modified", "items_seen", "items_ingested", "items_reserved", "items_skipped", "url"]
    _write_rows(args.fmt, cols, rows)
    return EXIT_OK


# --------------------------------------------------------------------------- main


def build_parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(
        prog="sitrep",
        description="Turn conflict and geopolitical news into a source-attributed, corroborated ledger of events.",
        epilog="Exit codes: 0 all inputs fine, 1 some inputs rejected, 2 usage error.",
    )
    from . import __version__

    ap.add_argument("--version", action="version", version=f"sitrep {__version__}")
    sub = ap.add_subparsers(dest="verb", metavar="COMMAND")
    for name, (make, run) in VERBS.items():
        make(sub).set_defaults(_run=run, _verb=name)
    return ap


def main(argv: Sequence[str] | None = None) -> int:
    ap = build_parser()
    try:
        args = ap.parse_args(argv)
    except SystemExit as exc:  # argparse exits 2 on usage errors, 0 on --help
        return int(exc.code or 0)
    if not getattr(args, "_run", None):
        ap.print_help(sys.stderr)
        return EXIT_USAGE
    try:
        return args._run(args)
    except UsageError as exc:
        _err(f"sitrep {args._verb}: {exc}")
        return EXIT_USAGE
    except SitrepError as exc:
        _err(f"sitrep {args._verb}: {exc}")
        return EXIT_REJECTED
    except KeyboardInterrupt:
        _err("interrupted")
        return 130
    except BrokenPipeError:
        return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
