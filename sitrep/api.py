"""The library's front door: ``report()`` over any inputs."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from .pipeline import Pipeline
from .records import Document, Rejection
from .report import report_dict
from .settings import Settings, load_settings

__all__ = ["report", "report_dicts"]


def report(
    inputs: Iterable[Any] | str,
    *,
    published: str | None = None,
    settings: Settings | None = None,
    pipeline: Pipeline | None = None,
) -> Iterator[Document | Rejection]:
    """Read, clean and extract every article in ``inputs``.

    ``inputs`` are paths (files or folders), ``"-"`` for stdin, or
    ``pathlib.Path`` objects. ``published`` (ISO date) fills the publication
    date where a page gives none. Yields a :class:`Document` per article and a
    :class:`Rejection` per input that could not be used.
    """
    if isinstance(inputs, str):
        inputs = [inputs]
    pipe = pipeline or Pipeline(settings=settings or load_settings())
    yield from pipe.run(inputs, published=published)


def report_dicts(
    inputs: Iterable[Any] | str, *, published: str | None = None, layers: bool = False, **kw: Any
) -> Iterator[dict[str, Any] | Rejection]:
    """Like :func:`report`, but yields contract dicts (``sitrep.report/1``)."""
    for item in report(inputs, published=published, **kw):
        yield item if isinstance(item, Rejection) else report_dict(item, layers=layers)
