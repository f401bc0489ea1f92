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

import dataclasses
import importlib
import logging
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
        """Run the annotation stages over a batch of cleaned documents."""
        langs = self.settings.extraction_languages
        todo = [d for d in docs if d.language in langs and d.text]
        results: dict[int, Document | Rejection] = {id(d): d for d in docs}
        if todo and self.stages:
            self.setup()
            started = time.perf_counter()
            done = self._run_stages(todo)
            per_doc = (time.perf_counter() - started) / len(todo)
            for before, after in zip(todo, done, strict=True):
                if isinstance(after, Document) and per_doc > self.settings.doc_time_limit_s:
                    after = Rejection(
                        before.source,
                        "E032",
                        f"extraction took {per_doc:.1f}s, over the {self.settings.doc_time_limit_s}s limit",
                    )
                if isinstance(after, Document) and len(after.entities) > self.settings.max_entities:
                    after = Rejection(
                        before.source,
                        "E031",
                        f"{len(after.entities)} entity mentions, over the limit of {self.settings.max_entities} (SITREP_MAX_ENTITIES)",
                    )
                results[id(before)] = after
        return [results[id(d)] for d in docs]

    def _run_stages(self, docs: list[Document]) -> list[Document | Rejection]:
        try:
            batch: list[Document] = docs
            for st in self.stages:
                batch = st.pipe(batch)
            return list(batch)
        except Exception:  # one bad document must not sink the batch (nor a batch of one)
            return [self._run_one(d) for d in docs]

    def _run_one(self, doc: Document) -> Document | Rejection:
        try:
            out = doc
            for st in self.stages:
                out = st(out)
            return out
        except InputError as exc:  # a stage's own coded refusal (E031 ...) keeps its code
            return Rejection(doc.source, exc.code, exc.reason)
        except Exception as exc:  # noqa: BLE001 - reported as a coded rejection
            log.debug("stage failure on %s", doc.source, exc_info=True)
            return Rejection(doc.source, "E050", f"extraction failed ({type(exc).__name__}: {exc})")

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
