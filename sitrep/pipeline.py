"""Runs ordered stages, checks what each needs, counts outcomes.

A stage is a callable over a :class:`~sitrep.records.Document` that declares
what it ``needs`` (document fields an earlier stage must have filled) and what
it ``adds``. :class:`Pipeline` refuses a list of stages in which a stage needs
something no earlier stage provides, the way spaCy refuses a component whose
requirements are unmet.

Reading (inputs -> :class:`RawDocument`) and cleaning (raw -> ``Document``)
come first and are fixed; the annotation stages after them are the list.
Annotation stages run only on documents whose language is in
``settings.extraction_languages``; others are reported with their language.

A document that makes a stage raise becomes a :class:`Rejection` (E050) and
the batch goes on.
"""

from __future__ import annotations

import contextlib
import dataclasses
import importlib
import logging
import signal
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from .errors import InputError, PipelineError
from .records import Document, RawDocument, Rejection
from .settings import Settings, load_settings

__all__ = ["Pipeline", "Stage", "default_stages", "stage"]

log = logging.getLogger(__name__)

#: Fields a cleaned Document always has.
BASE_FIELDS: frozenset[str] = frozenset(
    {"text", "title", "section", "publisher", "byline", "published", "language", "rights"}
)

#: Annotation stage modules, in pipeline order. Each exposes ``STAGE``.
DEFAULT_STAGE_MODULES: tuple[str, ...] = (
    "sitrep.stages.parse",
    "sitrep.stages.entities",
    "sitrep.stages.figures",
    "sitrep.stages.time",
    "sitrep.stages.places",
    "sitrep.stages.attribution",
    "sitrep.stages.events",
)


@dataclass(frozen=True, slots=True)
class Stage:
    """A named, versioned step over documents.

    ``fn`` handles one document. ``batch_fn``, when given, handles a list at
    once (the spaCy parse uses it for ``nlp.pipe``). ``name`` carries the
    version (``sitrep.figures.v1``) and is recorded on every document.
    """

    name: str
    fn: Callable[[Document], Document]
    needs: tuple[str, ...] = ()
    adds: tuple[str, ...] = ()
    batch_fn: Callable[[list[Document]], list[Document]] | None = None
    #: loads what the stage needs once per process (models, gazetteers); run
    #: before the first document so loading never counts against a document
    setup: Callable[[], object] | None = None

    def __call__(self, doc: Document) -> Document:
        out = self.fn(doc)
        return dataclasses.replace(out, stages=(*out.stages, self.name))

    def pipe(self, docs: list[Document]) -> list[Document]:
        if self.batch_fn is None:
            return [self(d) for d in docs]
        outs = self.batch_fn(docs)
        return [dataclasses.replace(d, stages=(*d.stages, self.name)) for d in outs]


def stage(
    name: str, *, needs: Sequence[str] = (), adds: Sequence[str] = ()
) -> Callable[[Callable[[Document], Document]], Stage]:
    """Decorator: ``@stage("sitrep.figures.v1", needs=("parse",), adds=("figures",))``."""

    def wrap(fn: Callable[[Document], Document]) -> Stage:
        return Stage(name=name, fn=fn, needs=tuple(needs), adds=tuple(adds))

    return wrap


def default_stages() -> list[Stage]:
    """The annotation stages of the full report, in order."""
    return [importlib.import_module(m).STAGE for m in DEFAULT_STAGE_MODULES]


class Pipeline:
    """Read, clean, then run the annotation stages over documents in batches."""

    def __init__(
        self,
        stages: Sequence[Stage] | None = None,
        settings: Settings | None = None,
    ) -> None:
        self.settings = settings or load_settings()
        self.stages: list[Stage] = list(default_stages() if stages is None else stages)
        provided = set(BASE_FIELDS)
        for st in self.stages:
            missing = [n for n in st.needs if n not in provided]
            if missing:
                raise PipelineError(
                    f"stage {st.name} needs {', '.join(missing)}, which no earlier stage provides"
                )
            provided.update(st.adds)
        self.counts: Counter[str] = Counter()
        self._ready = False

    def setup(self) -> None:
        """Load every stage's resources (models, gazetteers) once."""
        if not self._ready:
            for st in self.stages:
                if st.setup is not None:
                    st.setup()
            self._ready = True

    @property
    def stage_names(self) -> tuple[str, ...]:
        return tuple(s.name for s in self.stages)

    # ------------------------------------------------------------------ running

    def read(self, inputs: Iterable[Any], **kwargs: Any) -> Iterator[RawDocument | Rejection]:
        from .stages.read import read

        yield from read(inputs, settings=self.settings, **kwargs)

    def clean(self, raw: RawDocument) -> Document | Rejection:
        from .stages.clean import clean

        return clean(raw, settings=self.settings)

    def annotate(self, docs: list[Document]) -> list[Document | Rejection]:
        """Run the annotation stages over a batch of cleaned documents.

        Batch stages (the spaCy parse) run over the whole batch; their time is
        shared out by text length. The other stages run document by document,
        each timed, and in the main thread under an interval timer, so a
        document that passes ``doc_time_limit_s`` is stopped and rejected (E032)
        while the rest of the batch goes on.
        """
        langs = self.settings.extraction_languages
        todo = [d for d in docs if d.language in langs and d.text]
        results: dict[int, Document | Rejection] = {id(d): d for d in docs}
        if todo and self.stages:
            self.setup()
            for before, after in zip(todo, self._run_stages(todo), strict=True):
                if isinstance(after, Document) and len(after.entities) > self.settings.max_entities:
                    after = Rejection(
                        before.source,
                        "E031",
                        f"{len(after.entities)} entity mentions, over the limit of {self.settings.max_entities} (SITREP_MAX_ENTITIES)",
                    )
                results[id(before)] = after
        return [results[id(d)] for d in docs]

    def _run_stages(self, docs: list[Document]) -> list[Document | Rejection]:
        limit = self.settings.doc_time_limit_s
        spent = [0.0] * len(docs)
        current: list[Document | Rejection] = list(docs)
        for st in self.stages:
            live = [i for i, d in enumerate(current) if isinstance(d, Document)]
            if not live:
                break
            batch = [d for d in (current[i] for i in live) if isinstance(d, Document)]
            if st.batch_fn is not None and len(batch) > 1:
                t0 = time.perf_counter()
                outs: list[Document | Rejection]
                try:
                    outs = list(st.pipe(batch))
                except Exception:  # one bad document must not sink the batch
                    outs = [self._one_stage(st, d) for d in batch]
                took = time.perf_counter() - t0
                total = sum(len(d.text) for d in batch) or 1
                for i, before, out in zip(live, batch, outs, strict=True):
                    spent[i] += took * len(before.text) / total
                    current[i] = out
            else:
                for i, before in zip(live, batch, strict=True):
                    t0 = time.perf_counter()
                    current[i] = self._one_stage(st, before, limit - spent[i])
                    spent[i] += time.perf_counter() - t0
            for i in live:
                if isinstance(current[i], Document) and spent[i] > limit:
                    current[i] = _over_time(docs[i].source, spent[i], limit)
        return current

    def _one_stage(self, st: Stage, doc: Document, remaining: float | None = None) -> Document | Rejection:
        try:
            with _time_limit(remaining):
                return st(doc)
        except _TimeUp:
            return _over_time(doc.source, self.settings.doc_time_limit_s, self.settings.doc_time_limit_s)
        except InputError as exc:  # a stage's own coded refusal (E031 ...) keeps its code
            return Rejection(doc.source, exc.code, exc.reason)
        except Exception as exc:  # noqa: BLE001 - reported as a coded rejection
            log.debug("stage %s failed on %s", st.name, doc.source, exc_info=True)
            return Rejection(doc.source, "E050", f"extraction failed in {st.name} ({type(exc).__name__}: {exc})")

    def run(self, inputs: Iterable[Any], **read_kwargs: Any) -> Iterator[Document | Rejection]:
        """Yield one Document (or Rejection) per article found in ``inputs``."""
        batch: list[Document] = []
        size = max(1, self.settings.spacy_batch_size)
        for item in self.read(inputs, **read_kwargs):
            if isinstance(item, Rejection):
                self.counts["rejected"] += 1
                yield item
                continue
            doc = self.clean(item)
            if isinstance(doc, Rejection):
                self.counts["rejected"] += 1
                yield doc
                continue
            batch.append(doc)
            if len(batch) >= size:
                yield from self._flush(batch)
                batch = []
        if batch:
            yield from self._flush(batch)

    def _flush(self, batch: list[Document]) -> Iterator[Document | Rejection]:
        for out in self.annotate(batch) if self.stages else batch:
            self.counts["rejected" if isinstance(out, Rejection) else "documents"] += 1
            yield out


class _TimeUp(Exception):
    """Raised by the interval timer inside a stage that ran past the document's time limit."""


def _over_time(source: str, spent: float, limit: float) -> Rejection:
    return Rejection(source, "E032", f"extraction took {spent:.1f}s, over the {limit}s limit (SITREP_DOC_TIME_LIMIT_S)")


@contextlib.contextmanager
def _time_limit(seconds: float | None) -> Iterator[None]:
    """Interrupt the block after ``seconds`` (main thread only; elsewhere time is checked after)."""
    if (
        seconds is None
        or not hasattr(signal, "setitimer")
        or threading.current_thread() is not threading.main_thread()
    ):
        yield
        return
    if seconds <= 0:
        raise _TimeUp

    def on_alarm(signum: int, frame: Any) -> None:
        raise _TimeUp

    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
