"""The machine-readable output contract (JSON Schema, draft 2020-12).

``sitrep schema report`` and ``sitrep schema events`` print them; tests
validate sitrep's own outputs against them.
"""

from __future__ import annotations

import functools
import json
from importlib import resources
from typing import Any

__all__ = ["SCHEMAS", "load_schema", "validate"]

SCHEMAS: dict[str, str] = {"report": "report.json", "events": "events.json"}


@functools.cache
def load_schema(name: str) -> dict[str, Any]:
    """The schema called ``name`` ("report" or "events") as a dict."""
    if name not in SCHEMAS:
        raise KeyError(f"no schema {name!r}; choose from {', '.join(SCHEMAS)}")
    text = resources.files("sitrep.schemas").joinpath(SCHEMAS[name]).read_text(encoding="utf-8")
    return json.loads(text)


@functools.cache
def _validator(name: str) -> Any:
    from jsonschema import Draft202012Validator
    from referencing import Registry, Resource

    registry: Registry = Registry()
    for key, filename in SCHEMAS.items():
        schema = load_schema(key)
        resource = Resource.from_contents(schema)
        registry = registry.with_resources([(schema["$id"], resource), (filename, resource)])
    return Draft202012Validator(load_schema(name), registry=registry)


def validate(name: str, instance: Any) -> list[str]:
    """Return the contract violations of ``instance`` (empty when it conforms)."""
    errors = sorted(_validator(name).iter_errors(instance), key=lambda e: list(e.absolute_path))
    return [f"{'/'.join(str(p) for p in e.absolute_path) or '<root>'}: {e.message}" for e in errors]
