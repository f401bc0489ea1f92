"""Scale-out ingest on Dask (sitrep.scale): partitions read like one process,
a 2-worker LocalCluster gives the single-process ledger, and a stopped ingest
finishes on a rerun with every document stored exactly once."""

from __future__ import annotations

import json
import os
import shutil
import signal
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("distributed", reason="the cluster extra (dask, distributed) is not installed")

from distributed import Client  # noqa: E402

from bench.corpus import texts, write_corpus  # noqa: E402
from sitrep.cli import main  # noqa: E402
from sitrep.ledger import EventFilter, Ledger, events, open_ledger  # noqa: E402
from sitrep.ledger.intake import ingest  # noqa: E402
from sitrep.scale import cluster_ingest, plan, read_partition  # noqa: E402
from sitrep.settings import load_settings  # noqa: E402
from sitrep.stages.read import read  # noqa: E402
from tests.conftest import POSTGRES_URL  # noqa: E402

PUBLISHED = "2024-12-20"
ARTICLES = 16
JSONL_LINES = 22  # plus one line that is not JSON and one blank line
WARC_PAGES = 4


def _write_inputs(root: Path) -> list[str]:
    """A folder of generated articles (with a copy and a binary file) and a JSON Lines feed."""
    folder = root / "articles"
    write_corpus(folder, ARTICLES, seed=21)
    shutil.copy(folder / "article-00003.txt", folder / "copy-of-3.txt")  # same id: stored once
    (folder / "broken.bin").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    lines = [
        json.dumps({"text": t, "publisher": "Baltic Wire", "published": PUBLISHED})
        for t in texts(JSONL_LINES, seed=5)
    ]
    lines.insert(9, "{not json")
    lines.insert(15, "")
    feed = root / "feed.jsonl"
    feed.write_text("\n".join(lines) + "\n", encoding="utf-8")
    crawl = root / "crawl.warc.gz"
    _write_warc(crawl, texts(WARC_PAGES, seed=9))
    return [str(folder), str(feed), str(crawl)]


def _write_warc(path: Path, bodies: list[str]) -> None:
    """A gzipped WARC (one gzip member per record) with one HTML response per body."""
    import gzip
    import html

    members = []
    for i, body in enumerate(bodies):
        title, *paras = [line for line in body.splitlines() if len(line) > 40]
        page = (
            f"<!doctype html><html><head><title>{html.escape(title)}</title></head><body>"
            f"<article><h1>{html.escape(title)}</h1>"
            + "".join(f"<p>{html.escape(p)}</p>" for p in paras)
            + "</article></body></html>"
        ).encode()
        http = (
            b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n"
            + f"Content-Length: {len(page)}\r\n\r\n".encode()
            + page
        )
        head = (
            "WARC/1.0\r\nWARC-Type: response\r\n"
            f"WARC-Record-ID: <urn:uuid:00000000-0000-0000-0000-{i:012d}>\r\n"
            "WARC-Date: 2024-12-20T00:00:00Z\r\n"
            f"WARC-Target-URI: https://example.org/news/{i}\r\n"
            "Content-Type: application/http; msgtype=response\r\n"
            f"Content-Length: {len(http)}\r\n\r\n"
        ).encode()
        members.append(gzip.compress(head + http + b"\r\n\r\n", mtime=0))
    path.write_bytes(b"".join(members))


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    return _write_inputs(tmp_path_factory.mktemp("cluster-inputs"))


def _ledger_events(ledger: Ledger) -> dict[str, Any]:
    return json.loads(json.dumps(events(ledger, EventFilter(limit=10_000))))


@pytest.fixture(scope="module")
def reference(inputs: list[str], tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The sitrep.events/1 ledger of a single-process ingest of the same inputs."""
    path = tmp_path_factory.mktemp("reference") / "single.db"
    with open_ledger(path) as ledger:
        result = ingest(ledger, inputs, published=PUBLISHED)
        out = _ledger_events(ledger)
        out["_documents"] = ledger.count("documents")
    assert result.added == ARTICLES + JSONL_LINES + WARC_PAGES
    assert out["events"], "the generated articles should give events"
    return out


@pytest.fixture(scope="module")
def dask(inputs: list[str]) -> Iterator[Client]:
    """A LocalCluster of 2 worker processes, 1 thread each, on loopback; closed after."""
    from sitrep.scale import dask_client

    with dask_client(workers=2) as client:
        yield client


# --------------------------------------------------------------------------- partitions (no cluster)


def test_plan_partitions_read_exactly_what_one_process_reads(inputs: list[str]) -> None:
    settings = load_settings()
    parts = plan(inputs, settings, files_per_partition=5, lines_per_partition=6)
    kinds = [p.kind for p in parts]
    assert kinds.count("files") == 4  # 18 files in batches of 5
    assert kinds.count("jsonl") == 4  # 24 lines in ranges of 6
    assert kinds.count("warc") == 1  # streamed record by record on one worker
    split = [item for p in parts for item in read_partition(p, settings, PUBLISHED)]
    whole = list(read(inputs, settings=settings, published=PUBLISHED))

    def key(x):  # type: ignore[no-untyped-def]
        return (type(x).__name__, getattr(x, "id", ""), x.source, getattr(x, "reason", ""))

    assert sorted(map(key, split)) == sorted(map(key, whole))
    assert any("line 10: not JSON" in getattr(x, "reason", "") for x in split)


def test_plan_glob_expands_and_unmatched_glob_is_rejected(inputs: list[str]) -> None:
    folder = inputs[0]
    parts = plan([f"{folder}/article-0000*.txt", f"{folder}/nothing-*.txt"], load_settings())
    files = [p for p in parts if not hasattr(p, "code")]
    assert [len(p.paths) for p in files] == [10]
    (missing,) = [p for p in parts if hasattr(p, "code")]
    assert missing.code == "E001" and "nothing-*" in missing.source


def test_ingest_cli_workers_below_one_is_a_usage_error(tmp_path: Path) -> None:
    assert main(["ingest", str(tmp_path), "--db", str(tmp_path / "x.db"), "--workers", "0"]) == 2


# --------------------------------------------------------------------------- on a LocalCluster


@pytest.mark.slow
def test_ingest_cli_workers_stores_reports_progress_and_rejections(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "in"
    write_corpus(folder, 3, seed=4)
    (folder / "broken.bin").write_bytes(b"\x00\x01\x02binary" * 50)
    db = str(tmp_path / "cli.db")
    code = main(["ingest", str(folder), "--db", db, "--workers", "1", "--published", PUBLISHED])
    err = capsys.readouterr().err
    assert code == 1  # one input rejected
    assert "[E010]" in err and "broken.bin" in err
    assert "3 documents done" in err and "on 1 worker)" in err
    assert "3 added, 0 already stored; 1 inputs rejected" in err
    assert main(["events", "--db", db, "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["events"]


@pytest.mark.slow
@pytest.mark.postgres
def test_cluster_ingest_postgres_equals_single_process(
    inputs: list[str], reference: dict[str, Any], dask: Client, postgres_schema: Callable[[], str]
) -> None:
    schema = postgres_schema()
    seen: list[str] = []
    result = cluster_ingest(
        inputs, POSTGRES_URL, schema=schema, client=dask, published=PUBLISHED,
        batch_size=4, files_per_partition=4, lines_per_partition=6, progress=seen.append,
    )  # fmt: skip
    assert result.added == ARTICLES + JSONL_LINES + WARC_PAGES and result.skipped == 1
    assert sorted(r.code for r in result.rejected) == ["E010", "E023"]
    assert result.workers == 2 and result.failed_partitions == 0
    assert any("documents done" in line and "/s" in line for line in seen)
    with open_ledger(POSTGRES_URL, schema=schema) as ledger:
        assert ledger.count("documents") == reference["_documents"]
        assert ledger.count("rejections") == 2
        got = _ledger_events(ledger)
    assert got["events"] == reference["events"]


@pytest.mark.slow
def test_cluster_ingest_sqlite_client_writes_and_equals_single_process(
    inputs: list[str], reference: dict[str, Any], dask: Client, tmp_path: Path
) -> None:
    db = tmp_path / "cluster.db"
    result = cluster_ingest(
        inputs, db, client=dask, published=PUBLISHED, files_per_partition=6, lines_per_partition=8
    )
    assert result.added == ARTICLES + JSONL_LINES + WARC_PAGES
    with open_ledger(db) as ledger:
        assert ledger.count("documents") == reference["_documents"]
        assert _ledger_events(ledger)["events"] == reference["events"]


class Stop(Exception):
    """Stands for the client being killed."""


@pytest.mark.slow
@pytest.mark.postgres
def test_cluster_ingest_stopped_client_resumes_without_duplicates(
    inputs: list[str], reference: dict[str, Any], dask: Client, postgres_schema: Callable[[], str]
) -> None:
    schema = postgres_schema()
    opts = dict(
        schema=schema, client=dask, published=PUBLISHED, batch_size=3,
        files_per_partition=3, lines_per_partition=4,
    )  # fmt: skip

    def stop_once_something_is_stored(res) -> None:  # type: ignore[no-untyped-def]
        if res.added:
            raise Stop

    with pytest.raises(Stop):
        cluster_ingest(inputs, POSTGRES_URL, on_partition=stop_once_something_is_stored, **opts)  # type: ignore[arg-type]
    time.sleep(3)  # partitions already running on the workers finish (or not) meanwhile
    with open_ledger(POSTGRES_URL, schema=schema) as ledger:
        before = ledger.count("documents")
        assert 0 < before < reference["_documents"]
        assert ledger.unfused_documents(), "the stopped ingest never fused"
    again = cluster_ingest(inputs, POSTGRES_URL, **opts)  # type: ignore[arg-type]
    with open_ledger(POSTGRES_URL, schema=schema) as ledger:
        after = ledger.count("documents")
        got = _ledger_events(ledger)
        assert not ledger.unfused_documents()
    assert after == reference["_documents"]
    assert again.added == after - before  # the rest, and nothing twice
    assert again.skipped >= before  # stored documents were not extracted again
    assert got["events"] == reference["events"]


@pytest.mark.slow
@pytest.mark.postgres
def test_cluster_ingest_survives_a_killed_worker(
    inputs: list[str], reference: dict[str, Any], dask: Client, postgres_schema: Callable[[], str]
) -> None:
    schema = postgres_schema()
    pids = dask.run(os.getpid)
    killed: list[int] = []

    def kill_one_worker(res) -> None:  # type: ignore[no-untyped-def]
        if not killed:
            victim = next(pid for pid in pids.values() if f":{pid}" not in res.worker)
            os.kill(victim, signal.SIGKILL)  # mid-partition: its open transaction is lost
            killed.append(victim)

    result = cluster_ingest(
        inputs, POSTGRES_URL, schema=schema, client=dask, published=PUBLISHED,
        batch_size=3, files_per_partition=3, lines_per_partition=4, on_partition=kill_one_worker,
    )  # fmt: skip
    assert killed
    assert result.failed_partitions == 0  # the killed worker's partition ran again elsewhere
    with open_ledger(POSTGRES_URL, schema=schema) as ledger:
        assert ledger.count("documents") == reference["_documents"]
        assert _ledger_events(ledger)["events"] == reference["events"]
    dask.wait_for_workers(2, timeout=120)  # the nanny restarted it
