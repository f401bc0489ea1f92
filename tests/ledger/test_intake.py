"""Ingest and reprocess through the pipeline, with a hand-made events stage."""

from __future__ import annotations

import dataclasses

from sitrep.ledger import EventFilter, events
from sitrep.ledger.intake import ingest, outdated, reprocess
from sitrep.pipeline import Pipeline, Stage
from sitrep.records import Document
from sitrep.settings import load_settings

from .articles import STORY, article, event

LAUNCH = (
    "North Korea fired a ballistic missile into the sea off its east coast on Tuesday, the South "
    "Korean military said, the latest in a series of launches this year."
)


def events_stage(name: str = "sitrep.events.v1", type_: str = "casualties") -> Stage:
    """An events stage that finds one event of ``type_`` in every document."""

    def find(doc: Document) -> Document:
        return dataclasses.replace(doc, events=(event(type=type_, day=None),))

    return Stage(name=name, fn=find, adds=("events",))


def write_inputs(folder):
    folder.mkdir()
    (folder / "a.txt").write_text(STORY + "\n", encoding="utf-8")
    (folder / "b.txt").write_text(LAUNCH + "\n", encoding="utf-8")
    (folder / "c.bin").write_bytes(b"\x00\x01\x02\x03 not text \x00")
    return folder


def test_ingest_stores_documents_records_rejections_and_is_idempotent(open_test_ledger, tmp_path):
    ledger = open_test_ledger()
    folder = write_inputs(tmp_path / "in")
    pipe = Pipeline(stages=[events_stage()], settings=ledger.settings)
    first = ingest(ledger, [folder], pipeline=pipe, published="2024-12-16")
    assert (first.documents, first.added, first.skipped) == (2, 2, 0)
    assert [r.code for r in first.rejected] == ["E010"]
    assert ledger.count("rejections") == 1
    before = events(ledger)
    [fused] = before["events"]  # one casualty event reported by both articles
    assert len(fused["mentions"]) == 2
    again = ingest(ledger, [folder], pipeline=pipe, published="2024-12-16")
    assert (again.added, again.skipped) == (0, 2)
    assert events(ledger) == before
    assert ledger.count("rejections") == 1


def test_outdated_compares_only_the_current_stage_families():
    assert not outdated(("sitrep.clean.v1", "sitrep.events.v1"), ("sitrep.events.v1",))
    assert outdated(("sitrep.clean.v1", "sitrep.events.v1"), ("sitrep.events.v2",))
    assert outdated(("sitrep.clean.v1",), ("sitrep.events.v1",))


def test_reprocess_reruns_outdated_documents_and_names_reserved_ones(open_test_ledger):
    ledger = open_test_ledger()
    open_doc = article(STORY, events=(event(type="casualties"),))
    reserved = article(
        LAUNCH, events=(event(type="casualties"),), reserved=True, publisher="Reserved Times"
    )
    ledger.add([open_doc, reserved])
    newer = Pipeline(
        stages=[events_stage("sitrep.events.v2", type_="attack")], settings=ledger.settings
    )
    result = reprocess(ledger, pipeline=newer)
    assert result.reprocessed == 1
    assert [doc_id for doc_id, _ in result.not_reprocessable] == [reserved.id]
    assert "rights-reserved" in result.not_reprocessable[0][1]
    assert len(events(ledger, EventFilter(type="attack"))["events"]) == 1
    assert ledger.document(open_doc.id).stages[-1] == "sitrep.events.v2"
    assert reprocess(ledger, pipeline=newer).reprocessed == 0  # now current


def test_reprocess_can_rerun_reserved_documents_whose_text_was_kept(open_test_ledger):
    ledger = open_test_ledger(settings=load_settings(store_reserved_text=True))
    reserved = article(LAUNCH, events=(event(type="casualties"),), reserved=True)
    ledger.add([reserved])
    newer = Pipeline(
        stages=[events_stage("sitrep.events.v2", type_="attack")], settings=ledger.settings
    )
    result = reprocess(ledger, pipeline=newer)
    assert (result.reprocessed, result.not_reprocessable) == (1, [])
