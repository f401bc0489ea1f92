"""The quality gate: score each stage against gold data, compare with floors.

Usage: python -m eval.run [--only TASK ...] [--full] [--update-floors]

Each module in ``eval/tasks/`` exposes ``NAME`` and ``run(ctx)``. Scores are
compared with ``eval/floors.json`` (``"task.metric": floor``); any score below
its floor fails the run (exit 1). Large gold sets are sampled with a fixed
seed unless ``--full``; each task says what it sampled.

Gold data is read from ``../shared/eval-data`` (or ``SITREP_EVAL_DATA``) at
run time and never copied into the repository.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import pkgutil
import sys
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FLOORS = ROOT / "eval" / "floors.json"
SEED = 20241220


@dataclass
class Context:
    data: Path
    full: bool = False
    seed: int = SEED
    notes: list[str] = field(default_factory=list)

    def note(self, text: str) -> None:
        """Say what was sampled or skipped; printed with the task's scores."""
        self.notes.append(text)


def data_dir() -> Path:
    env = os.environ.get("SITREP_EVAL_DATA")
    return Path(env) if env else (ROOT.parent / "shared" / "eval-data")


def load_floors() -> dict[str, float]:
    if FLOORS.exists():
        return json.loads(FLOORS.read_text())
    return {}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="eval.run")
    ap.add_argument("--only", nargs="*", default=None, help="task names to run")
    ap.add_argument("--full", action="store_true", help="score whole gold sets, no sampling")
    ap.add_argument("--json", type=Path, default=None, help="also write scores here")
    args = ap.parse_args(argv)

    floors = load_floors()
    names = sorted(m.name for m in pkgutil.iter_modules([str(ROOT / "eval" / "tasks")]) if not m.name.startswith("_"))
    if args.only:
        names = [n for n in names if n in set(args.only)]
    data = data_dir()
    if not data.exists():
        print(f"eval: gold data not found at {data}", file=sys.stderr)
        return 1
    failed: list[str] = []
    scores: dict[str, float] = {}
    for name in names:
        mod = importlib.import_module(f"eval.tasks.{name}")
        ctx = Context(data=data, full=args.full)
        t0 = time.perf_counter()
        try:
            result = mod.run(ctx)
        except Exception:  # a broken task fails the gate, loudly
            traceback.print_exc()
            print(f"FAIL {name}: task raised")
            failed.append(name)
            continue
        took = time.perf_counter() - t0
        print(f"== {getattr(mod, 'NAME', name)}  ({took:.1f}s)")
        for note in ctx.notes:
            print(f"   note: {note}")
        for metric, value in result.items():
            key = f"{name}.{metric}"
            scores[key] = value
            floor = floors.get(key)
            mark = ""
            if floor is not None:
                ok = value >= floor - 1e-9
                mark = f"  floor {floor:.3f} {'ok' if ok else 'BELOW FLOOR'}"
                if not ok:
                    failed.append(key)
            print(f"   {metric:<32} {value:8.3f}{mark}")
    missing = [k for k in floors if k.split(".")[0] in names and k not in scores]
    for key in missing:
        print(f"FAIL {key}: floor recorded but no score produced")
        failed.append(key)
    if args.json:
        args.json.write_text(json.dumps(scores, indent=2, sort_keys=True))
    if failed:
        print(f"eval: {len(failed)} below floor or failed: {', '.join(failed)}")
        return 1
    print(f"eval: all {len(scores)} scores at or above their floors")
    return 0


if __name__ == "__main__":
    sys.exit(main())
