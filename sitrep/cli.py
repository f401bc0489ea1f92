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
