"""Storage: opening, migrations, idempotent adds, the rights policy, replacing a document."""

from __future__ import annotations

import dataclasses

import pytest
from sqlalchemy import select, text

from sitrep.errors import LedgerError
from sitrep.ledger import EventFilter, events, open_ledger, resolve_url, schema, search
from sitrep.ledger.migrations import STEPS, applied
from sitrep.records import Claim, Evidence
from sitrep.settings import load_settings

from .articles import KHERSON, KURSK, PYONGYANG, STORY, SUDZHA, article, event, figure, source

LONG_QUOTE = "North Korean soldiers were killed near Plekhovo, officials said, " * 10


def reserved_article(settings_text: str = STORY):
    ev = event(sources=(source("Ukrainian military"),), figures=(figure(300),), evidence=LONG_QUOTE)
    claim = Claim(
        "c1",
        LONG_QUOTE,
        "Ukrainian military",
        "said",
        events=("e1",),
        evidence=(Evidence(0, len(LONG_QUOTE), LONG_QUOTE),),
    )
    doc = article(
        settings_text, events=(ev,), claims=(claim,), reserved=True, publisher="Reserved Times"
    )
    return dataclasses.replace(doc, captions=("A caption written for this test.",))


def test_add_same_documents_twice_changes_nothing(open_test_ledger):
    ledger = open_test_ledger()
    docs = [
        article(STORY, events=(event(),)),
        article(STORY, events=(event(),), publisher="Other Daily"),
    ]
    first = ledger.add(docs)
    before = events(ledger)
    with ledger.engine.connect() as conn:
        stamps = conn.execute(select(schema.documents.c.id, schema.documents.c.ingested_at)).all()
    again = ledger.add(docs + docs)
    assert (first.added, again.added, again.skipped) == (2, 0, 4)
    assert events(ledger) == before
    assert (
        ledger.count("documents") == 2
        and ledger.count("doc_events") == 2
        and ledger.count("events") == 1
    )
    with ledger.engine.connect() as conn:
        assert (
            conn.execute(select(schema.documents.c.id, schema.documents.c.ingested_at)).all()
            == stamps
        )


def test_open_ledger_applies_each_migration_once(tmp_path):
    path = tmp_path / "ledger.db"
    with open_ledger(path) as ledger, ledger.engine.connect() as conn:
        assert applied(conn) == [name for name, _ in STEPS]
    with open_ledger(f"sqlite:///{path}") as ledger, ledger.engine.connect() as conn:
        rows = conn.execute(select(schema.migrations.c.name)).scalars().all()
        assert sorted(rows) == [name for name, _ in STEPS]


def test_open_ledger_on_a_plain_path_uses_sqlite_in_wal_mode(tmp_path):
    with open_ledger(tmp_path / "x.db") as ledger, ledger.engine.connect() as conn:
        assert ledger.dialect == "sqlite"
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"


def test_open_ledger_defaults_to_the_db_setting(tmp_path, monkeypatch):
    monkeypatch.setenv("SITREP_DB", str(tmp_path / "env.db"))
    with open_ledger() as ledger:
        ledger.add([article(STORY, events=(event(),))])
    assert (tmp_path / "env.db").exists()


def test_resolve_url_gives_postgres_the_psycopg3_driver_and_refuses_others():
    assert resolve_url("postgresql://postgres@127.0.0.1/test").startswith("postgresql+psycopg://")
    assert resolve_url("ledger.db").startswith("sqlite:////")
    with pytest.raises(LedgerError):
        resolve_url("mysql://root@localhost/x")


def test_reserved_document_keeps_facts_and_short_quotes_not_text(open_test_ledger):
    ledger = open_test_ledger()
    doc = reserved_article()
    ledger.add([doc])
    limit = ledger.settings.evidence_quote_chars
    with ledger.engine.connect() as conn:
        row = conn.execute(select(schema.documents).where(schema.documents.c.id == doc.id)).one()
        claim_text = conn.execute(select(schema.claims.c.text)).scalar_one()
    assert row.text is None and not row.text_stored
    assert row.captions == "[]"
    assert row.minhash is not None  # still takes part in syndication
    assert len(claim_text) <= limit
    [fused] = events(ledger)["events"]
    assert fused["figures"][0]["value"] == 300
    assert all(len(e["text"]) <= limit for e in fused["evidence"])
    # the short quotes stay searchable; words only in the withheld text do not
    assert [d["document_id"] for d in search(ledger, "officials said")["documents"]] == [doc.id]
    assert search(ledger, "incursion")["documents"] == []


def test_reserved_document_text_kept_when_the_setting_allows(open_test_ledger):
    ledger = open_test_ledger(settings=load_settings(store_reserved_text=True))
    doc = reserved_article()
    ledger.add([doc])
    with ledger.engine.connect() as conn:
        assert conn.execute(select(schema.documents.c.text)).scalar_one() == STORY
    assert ledger.document(doc.id).text == STORY
    assert search(ledger, "incursion")["documents"][0]["document_id"] == doc.id


def test_replace_swaps_a_documents_events(open_test_ledger):
    ledger = open_test_ledger()
    doc = article(STORY, events=(event(type="casualties"),))
    ledger.add([doc])
    ledger.replace(
        dataclasses.replace(doc, events=(event(type="attack"),), stages=("sitrep.events.v2",))
    )
    assert [e["type"] for e in events(ledger)["events"]] == ["attack"]
    assert events(ledger, EventFilter(type="casualties"))["events"] == []
    assert ledger.document(doc.id).stages == ("sitrep.events.v2",)


def test_layers_are_stored_as_spans_with_their_stage(open_test_ledger):
    from sitrep.records import FigureMention

    ledger = open_test_ledger()
    doc = dataclasses.replace(
        article(STORY, events=(event(),)),
        figures=(FigureMention(10, 16, "dozens", 24, 24, None, "at_least", "killed", "soldiers"),),
        stages=("sitrep.clean.v1", "sitrep.figures.v3"),
    )
    ledger.add([doc])
    with ledger.engine.connect() as conn:
        row = conn.execute(select(schema.spans)).one()
    assert (row.layer, row.start, row.end, row.stage) == ("figures", 10, 16, "sitrep.figures.v3")


def _dated_articles(n: int, seed: int):
    """``n`` short articles, each reporting one dated attack or casualty event."""
    import random
    from datetime import date, timedelta

    from .articles import KHERSON, KURSK, PYONGYANG, SUDZHA

    rng = random.Random(seed)
    docs = []
    for i in range(n):
        day = (date(2024, 3, 1) + timedelta(days=rng.randrange(40))).isoformat()
        ev = event(
            type=rng.choice(["attack", "casualties"]),
            location=rng.choice([KHERSON, KURSK, PYONGYANG, SUDZHA]),
            day=day,
            figures=(figure(rng.choice([3, 5, 8])),),
            sources=(source(rng.choice(["Governor", "General Staff", "Police"])),),
        )
        docs.append(
            article(f"Report number {i}. " + STORY, events=(ev,), published=day, salt=str(i))
        )
    return docs


def test_adding_one_by_one_refuses_blocks_to_the_same_ledger_as_a_full_refusion(open_test_ledger):
    import random

    docs = _dated_articles(30, seed=5)
    shuffled = docs[:]
    random.Random(11).shuffle(shuffled)
    one_by_one = open_test_ledger()
    for d in shuffled:
        one_by_one.add([d])
    at_once = open_test_ledger()
    at_once.add(docs)
    expected = events(at_once, EventFilter(limit=1000))
    assert len(expected["events"]) > 5
    assert events(one_by_one, EventFilter(limit=1000)) == expected
    at_once.refresh()  # every type re-fused whole
    assert events(at_once, EventFilter(limit=1000)) == expected


def test_migration_0004_fills_windows_on_a_ledger_made_before_it(tmp_path):
    path = tmp_path / "old.db"
    docs = _dated_articles(12, seed=2)
    with open_ledger(path) as ledger:
        ledger.add(docs[:8])
        with ledger.engine.begin() as conn:  # make it look like a ledger from before 0004
            conn.execute(text("DROP INDEX ix_doc_events_window"))
            conn.execute(text("ALTER TABLE doc_events DROP COLUMN window_start"))
            conn.execute(text("ALTER TABLE doc_events DROP COLUMN window_end"))
            conn.execute(text("DELETE FROM migrations WHERE name = '0004_doc_event_windows'"))
    with open_ledger(path) as upgraded:
        with upgraded.engine.connect() as conn:
            filled = conn.execute(
                text("SELECT count(*) FROM doc_events WHERE window_start IS NOT NULL")
            ).scalar()
        assert filled == 8
        upgraded.add(docs[8:])
        result = events(upgraded, EventFilter(limit=1000))
    with open_ledger(tmp_path / "fresh.db") as fresh:
        fresh.add(docs)
        assert result == events(fresh, EventFilter(limit=1000))


_STORIES = (
    STORY,
    "Russian forces struck the port of Kherson overnight with guided bombs, the regional "
    "governor said on Monday, adding that several warehouses burned and rescuers worked until dawn.",
    "North Korea launched a ballistic missile towards the sea off its east coast on Friday, "
    "the South Korean military said, the latest in a series of tests this year.",
)
_PLACES = (KHERSON, KURSK, PYONGYANG, SUDZHA, None)


def _random_articles(n: int, seed: int):
    """Articles with random types, places, dates (some undated, some unpublished), claimants
    and agents, a third of them copies of one of three stories (so origins move when an
    earlier copy arrives)."""
    import random

    rng = random.Random(seed)
    docs = []
    for i in range(n):
        pub = None if rng.random() < 0.08 else f"2024-12-{rng.randint(1, 28):02d}"
        evs = []
        for k in range(rng.randint(1, 3)):
            day = rng.choice([None, pub, f"2024-12-{rng.randint(1, 28):02d}"])
            evs.append(
                event(
                    f"e{k}",
                    type=rng.choice(["attack", "casualties", "attack"]),
                    location=rng.choice(_PLACES),
                    day=day,
                    precision=rng.choice(["day", "day", "week", "month"]),
                    agents=rng.choice(
                        [(("Russia", "RU"),), (("North Korea", "KP"),), (("Ukraine", "UA"),), ()]
                    ),
                    figures=(figure(rng.choice([3, 5, 8])),),
                    sources=(source(rng.choice(["Governor", "General Staff", "Police"])),),
                    evidence=rng.choice(
                        [
                            "Soldiers were killed in the fighting.",
                            "Warehouses burned near the port.",
                        ]
                    ),
                )
            )
        if rng.random() < 0.35:
            text = rng.choice(_STORIES) + f" Updated {i}."  # a copy of one story
        else:
            text = (
                f"Report number {i} on the war. " * 2 + rng.choice(_STORIES)[: rng.randint(40, 90)]
            )
        docs.append(
            article(
                text,
                events=tuple(evs),
                published=pub,
                publisher=rng.choice(["Daily Example", "Example Post", "Kyiv Example"]),
                salt=str(i),
            )
        )
    return docs


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_incremental_fusion_in_random_batches_equals_fusing_everything_at_once(
    open_test_ledger, seed
):
    import random

    from sitrep.ledger import fusion
    from sitrep.ledger.refresh import stored_mentions

    docs = _random_articles(60, seed)
    rng = random.Random(seed)
    shuffled = docs[:]
    rng.shuffle(shuffled)
    incremental = open_test_ledger()
    i = 0
    while i < len(shuffled):  # batches of 1-7 documents, each fused as it arrives
        k = rng.randint(1, 7)
        incremental.add(shuffled[i : i + k])
        i += k
    at_once = open_test_ledger()
    at_once.add(docs, refresh=False)
    at_once.refresh()  # syndication over every document, every type fused whole
    expected = events(at_once, EventFilter(limit=10_000))
    assert len(expected["events"]) > 20
    assert events(incremental, EventFilter(limit=10_000)) == expected
    d = schema.documents
    with incremental.engine.connect() as a, at_once.engine.connect() as b:
        origins = sorted(a.execute(select(d.c.id, d.c.origin_id)).all())
        assert origins == sorted(b.execute(select(d.c.id, d.c.origin_id)).all())
        assert any(i != o for i, o in origins)  # some copies found their origin
        # and fusing the stored mentions in one go gives the same events again
        full = {
            f.id: f.payload
            for t in ("attack", "casualties")
            for f in fusion.fuse(stored_mentions(b, t))
        }
    assert {e["id"]: e for e in expected["events"]} == full
