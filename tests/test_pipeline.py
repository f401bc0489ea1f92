from __future__ import annotations

import dataclasses

import pytest

from sitrep.errors import PipelineError
from sitrep.pipeline import Pipeline, Stage, stage
from sitrep.records import Document, FigureMention, Rejection
from sitrep.settings import load_settings


def _doc(text: str = "Troops moved.", language: str = "en", source: str = "a.txt") -> Document:
    return Document(id=source, source=source, text=text, language=language)


@stage("test.upper.v1", needs=("text",), adds=("figures",))
def _figures(doc: Document) -> Document:
    fig = FigureMention(0, 1, doc.text[0], 1.0, 1.0, 1.0, "exact", "other")
    return dataclasses.replace(doc, figures=(fig,))


@stage("test.needs_figures.v1", needs=("figures",), adds=("events",))
def _needs_figures(doc: Document) -> Document:
    return doc


@stage("test.boom.v1", needs=("text",))
def _boom(doc: Document) -> Document:
    if "boom" in doc.text:
        raise ValueError("exploded")
    return doc


def test_pipeline_refuses_stage_whose_needs_are_unmet():
    with pytest.raises(PipelineError, match="needs figures"):
        Pipeline([_needs_figures], settings=load_settings())


def test_pipeline_accepts_stages_in_dependency_order():
    pipe = Pipeline([_figures, _needs_figures], settings=load_settings())
    assert pipe.stage_names == ("test.upper.v1", "test.needs_figures.v1")


def test_pipeline_records_versioned_stage_names_on_each_document():
    pipe = Pipeline([_figures], settings=load_settings())
    (out,) = pipe.annotate([_doc()])
    assert isinstance(out, Document)
    assert out.stages[-1] == "test.upper.v1"
    assert out.figures[0].text == "T"


def test_pipeline_failing_document_becomes_rejection_and_batch_goes_on():
    pipe = Pipeline([_boom, _figures], settings=load_settings())
    good, bad, good2 = pipe.annotate([_doc("fine"), _doc("boom here", source="bad.txt"), _doc("ok")])
    assert isinstance(good, Document) and good.figures
    assert isinstance(bad, Rejection)
    assert bad.code == "E050" and bad.source == "bad.txt"
    assert "exploded" in bad.message()
    assert isinstance(good2, Document) and good2.figures


def test_pipeline_skips_extraction_for_other_languages():
    pipe = Pipeline([_figures], settings=load_settings())
    (pl,) = pipe.annotate([_doc("Wojska ruszyły.", language="pl")])
    assert isinstance(pl, Document)
    assert pl.figures == () and pl.language == "pl"


def test_stage_batch_function_is_used_for_pipe():
    calls: list[int] = []

    def batch(docs: list[Document]) -> list[Document]:
        calls.append(len(docs))
        return docs

    st = Stage(name="test.batch.v1", fn=lambda d: d, batch_fn=batch)
    out = Pipeline([st], settings=load_settings()).annotate([_doc(), _doc(), _doc()])
    assert calls == [3]
    assert all(isinstance(d, Document) and d.stages == ("test.batch.v1",) for d in out)


def test_pipeline_loading_does_not_count_against_the_document_time_limit():
    import time as _time

    loads: list[int] = []

    def slow_load() -> None:
        loads.append(1)
        _time.sleep(0.3)

    st = Stage(name="test.loads.v1", fn=lambda d: d, setup=slow_load)
    pipe = Pipeline([st], settings=load_settings(doc_time_limit_s=0.2))
    first = pipe.annotate([_doc()])
    second = pipe.annotate([_doc()])
    assert loads == [1]
    assert isinstance(first[0], Document) and isinstance(second[0], Document)


def test_pipeline_slow_document_is_rejected_with_time_limit_code():
    import time as _time

    def slow(doc: Document) -> Document:
        _time.sleep(0.3)
        return doc

    pipe = Pipeline([Stage(name="test.slow.v1", fn=slow)], settings=load_settings(doc_time_limit_s=0.1))
    (out,) = pipe.annotate([_doc(source="slow.txt")])
    assert isinstance(out, Rejection) and out.code == "E032" and out.source == "slow.txt"


def test_pipeline_hanging_document_is_stopped_and_the_batch_goes_on():
    import time as _time

    def maybe_hang(doc: Document) -> Document:
        if "hang" in doc.text:
            _time.sleep(5)
        return doc

    pipe = Pipeline([Stage(name="test.hang.v1", fn=maybe_hang)], settings=load_settings(doc_time_limit_s=0.3))
    t0 = _time.perf_counter()
    ok, hung, ok2 = pipe.annotate([_doc("fine"), _doc("hang here", source="hang.txt"), _doc("fine too")])
    assert _time.perf_counter() - t0 < 3
    assert isinstance(hung, Rejection) and hung.code == "E032" and hung.source == "hang.txt"
    assert isinstance(ok, Document) and isinstance(ok2, Document)
