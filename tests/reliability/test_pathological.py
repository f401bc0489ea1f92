"""Pathological input: long runs through every layer finish quickly, and every
input limit is a clear one-line rejection with its code.

Each hostile text (see :mod:`tests.reliability.hostile`) goes through cleaning
and every annotation stage; each stage must finish within a generous bound.
The regressions below are the blow-ups these inputs found.
"""

from __future__ import annotations

import dataclasses
import time

import pytest

from sitrep.pipeline import Pipeline, stage
from sitrep.records import Document, RawDocument, Rejection
from sitrep.settings import load_settings
from sitrep.stages.clean import clean
from sitrep.stages.numbers import find_amounts, parse_number_words
from sitrep.stages.read import read

from .fuzzing import check_document_spans
from .hostile import STAGE_BOUND_S, hostile_texts, time_layers

HOSTILE = hostile_texts()


@pytest.fixture(scope="module")
def warm(nlp):
    """Models and language data loaded before any timing starts."""
    clean(RawDocument(id="w", source="w.txt", text="Warm up the language model.", format="text"))
    return nlp


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_text_every_stage_finishes_quickly(warm, name):
    timings, (doc, cleaned) = time_layers(name, HOSTILE[name])
    slow = {k: round(v, 2) for k, v in timings.items() if v > STAGE_BOUND_S}
    assert not slow, f"{name}: stages over {STAGE_BOUND_S}s: {slow}"
    check_document_spans(doc)
    assert isinstance(cleaned, (Document, Rejection))


def test_number_run_of_hundreds_of_digits_is_not_an_infinite_figure():
    # 400 digits overflow a float to infinity; figures crashed with OverflowError
    amounts = find_amounts("They counted " + "9" * 400 + " soldiers and 12 tanks.")
    assert [a.value for a in amounts] == [12.0]


def test_number_words_repeated_stop_growing_before_overflow():
    # "one hundred and one hundred and ..." multiplied past any float: OverflowError
    words = ("one hundred and " * 400).split()
    value, used = parse_number_words(words)  # type: ignore[misc]
    assert value < 1e18 and 0 < used < len(words)
    assert find_amounts("one hundred and " * 400)  # and the text still gives amounts


def test_figures_long_conjoined_number_list_is_linear(warm):
    from sitrep.stages import figures, parse

    def run(n: int) -> float:
        doc = Document(id="x", source="x.txt", text="1 - 2, 3. " * n, language="en")
        doc = parse.STAGE(doc)
        started = time.perf_counter()
        figures.STAGE(doc)
        return time.perf_counter() - started

    small, large = run(150), run(600)
    # four times the text may take about four times as long, not sixteen
    assert large < max(10 * small, 0.5), (small, large)


def test_parse_long_punctuation_run_keeps_the_text(warm):
    text = "Troops (" + "(" * 3000 + " moved, " + "," * 3000 + " near Kursk."
    started = time.perf_counter()
    parsed = warm(text)
    assert time.perf_counter() - started < STAGE_BOUND_S
    assert parsed.text == text
    assert any(t.text == "Kursk" for t in parsed)


# --------------------------------------------------------------------------- limits


def _write(tmp_path, name: str, text: str):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_file_over_size_limit_is_rejected_with_e004(tmp_path):
    path = _write(tmp_path, "big.txt", "Troops moved near Kursk. " * 2000)
    (item,) = list(read([path], settings=load_settings(max_file_bytes=10_000)))
    assert isinstance(item, Rejection) and item.code == "E004"
    assert "10000-byte limit" in item.message() and "\n" not in item.message()


def test_text_over_length_limit_is_rejected_with_e030():
    raw = RawDocument(id="x", source="long.txt", text="Troops moved. " * 5000, format="text")
    out = clean(raw, settings=load_settings(max_text_chars=20_000))
    assert isinstance(out, Rejection) and out.code == "E030"
    assert "over the limit of 20000" in out.message() and "\n" not in out.message()


def test_document_with_too_many_entities_is_rejected_with_e031(tmp_path, warm):
    text = "Russia, Ukraine, Iran, Israel, Sudan and China met in Paris and London."
    path = _write(tmp_path, "crowd.txt", text)
    pipe = Pipeline(settings=load_settings(max_entities=3))
    (out,) = list(pipe.run([path]))
    assert isinstance(out, Rejection) and out.code == "E031", out
    assert "over the limit of 3" in out.message() and "\n" not in out.message()


def test_slow_document_is_rejected_with_e032(tmp_path, warm):
    path = _write(tmp_path, "slow.txt", "North Korea fired a missile on Monday, officials said.")
    pipe = Pipeline(settings=load_settings(doc_time_limit_s=0.000001))
    (out,) = list(pipe.run([path]))
    assert isinstance(out, Rejection) and out.code == "E032"
    assert "limit" in out.message() and "\n" not in out.message()


@stage("test.explodes.v1", needs=("text",))
def _explodes(doc: Document) -> Document:
    if "boom" in doc.text:
        raise ValueError("exploded")
    return doc


def test_pipeline_single_document_batch_failure_is_a_rejection_not_a_crash():
    # a batch of one failing document used to re-raise out of Pipeline.annotate
    pipe = Pipeline([_explodes], settings=load_settings())
    (out,) = pipe.annotate([Document(id="b", source="boom.txt", text="boom", language="en")])
    assert isinstance(out, Rejection) and out.code == "E050" and "exploded" in out.reason


def test_pipeline_stage_input_error_keeps_its_code():
    from sitrep.errors import InputError

    @stage("test.refuses.v1", needs=("text",))
    def refuses(doc: Document) -> Document:
        raise InputError("E031", "9999 entity mentions, over the limit of 5", doc.source)

    pipe = Pipeline([refuses], settings=load_settings())
    docs = [Document(id=str(i), source=f"{i}.txt", text="x", language="en") for i in range(2)]
    outs = pipe.annotate(docs)
    assert [o.code for o in outs] == ["E031", "E031"]  # type: ignore[union-attr]
    assert dataclasses.asdict(outs[0])["reason"] == "9999 entity mentions, over the limit of 5"
