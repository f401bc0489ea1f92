from __future__ import annotations

from pathlib import Path

from sitrep.cli_reference import render

DOC = Path(__file__).resolve().parent.parent / "docs" / "cli.md"


def test_cli_reference_matches_the_cli_help():
    assert DOC.read_text(encoding="utf-8") == render(), "docs/cli.md is stale: run `make docs`"


def test_cli_reference_covers_every_verb():
    text = render()
    for verb in ("report", "ingest", "events", "show", "sources", "search", "export", "serve", "watch", "digest"):
        assert f"## sitrep {verb}\n" in text
