"""One module per gold set or stage. Each exposes ``NAME`` (str) and
``run(ctx) -> dict[str, float]`` returning named scores in [0, 1] (or other
measured numbers; only the keys named in ``eval/floors.json`` are gated)."""
