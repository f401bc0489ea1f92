"""Fusion over hand-built article events: what merges, what stays apart, what counts."""

from __future__ import annotations

import random

from hypothesis import given, settings
from hypothesis import strategies as st

from sitrep.ledger.fusion import Mention, fuse
from sitrep.records import EventLocation, EventSource

from .articles import KHERSON, KURSK, PYONGYANG, SUDZHA, UNATTRIBUTED, event, figure, source


def mention(
    doc: str,
    ev,
    *,
    published="2024-12-16",
    publisher="Daily Example",
    origin=None,
    origin_publisher=None,
    wire=None,
):
    return Mention(
        document_id=doc,
        event=ev,
        published=published,
        publisher=publisher,
        origin_id=origin or doc,
        origin_publisher=origin_publisher or publisher,
        wire=wire,
    )


def test_fuse_merges_reports_of_one_event_at_town_and_region():
    a = mention("d1", event(location=SUDZHA))
    b = mention("d2", event(location=KURSK, day=None), published="2024-12-17")
    c = mention("d3", event(location=None, day="2024-12", precision="month"))
    fused = fuse([a, b, c])
    assert len(fused) == 1
    assert sorted(m["document_id"] for m in fused[0].payload["mentions"]) == ["d1", "d2", "d3"]
    assert fused[0].payload["location"]["name"] == "Sudzha"  # the most precise place wins
    assert fused[0].payload["time"]["precision"] == "day"


def test_fuse_keeps_launches_a_week_apart():
    first = event(
        type="weapons_test", location=PYONGYANG, day="2024-01-05", summary="Missile launched"
    )
    second = event(
        type="weapons_test", location=PYONGYANG, day="2024-01-12", summary="Missile launched"
    )
    fused = fuse(
        [
            mention("d1", first, published="2024-01-05"),
            mention("d2", second, published="2024-01-12"),
        ]
    )
    assert len(fused) == 2


def test_fuse_keeps_undated_launches_reported_a_week_apart():
    first = event(type="weapons_test", location=PYONGYANG, day=None)
    second = event(type="weapons_test", location=PYONGYANG, day=None)
    fused = fuse(
        [
            mention("d1", first, published="2024-01-05"),
            mention("d2", second, published="2024-01-12"),
        ]
    )
    assert len(fused) == 2


def test_fuse_keeps_battles_in_distant_towns_apart():
    far_town = EventLocation(
        "Zheleznogorsk", "RU", "Kursk Oblast", 52.34, 35.35, "city"
    )  # about 128 km from Sudzha
    fused = fuse(
        [
            mention("d1", event(type="attack", location=SUDZHA)),
            mention("d2", event(type="attack", location=far_town)),
            mention("d3", event(type="attack", location=KHERSON)),
        ]
    )
    assert len(fused) == 3


def test_fuse_never_merges_two_events_of_one_article():
    fused = fuse(
        [mention("d1", event("e1", type="attack")), mention("d1", event("e2", type="attack"))]
    )
    assert len(fused) == 2


def test_fuse_keeps_different_agents_apart():
    kp = event(type="deployment", agents=(("North Korea", "KP"),))
    ir = event(type="deployment", agents=(("Iran", "IR"),))
    same_country = event(type="deployment", agents=(("Korean People's Army", "KP"),))
    fused = fuse([mention("d1", kp), mention("d2", ir), mention("d3", same_country)])
    assert sorted(len(f.members) for f in fused) == [1, 2]


def test_fuse_is_the_same_whatever_the_order():
    mentions = [
        mention("d1", event(location=SUDZHA, figures=(figure(300),)), published="2024-12-16"),
        mention("d2", event(location=KURSK, figures=(figure(500),)), published="2024-12-16"),
        mention("d3", event(type="attack", location=KHERSON)),
        mention("d4", event(type="attack", location=SUDZHA, day=None), published="2024-12-15"),
        mention("d5", event(location=None, day=None), published="2024-12-14"),
    ]
    expected = [f.payload for f in fuse(mentions)]
    rng = random.Random(7)
    for _ in range(10):
        shuffled = mentions[:]
        rng.shuffle(shuffled)
        assert [f.payload for f in fuse(shuffled)] == expected


def test_fused_id_comes_from_member_content():
    one = fuse([mention("d1", event()), mention("d2", event())])[0]
    again = fuse([mention("d2", event()), mention("d1", event())])[0]
    alone = fuse([mention("d2", event())])[0]
    assert one.id == again.id
    assert one.id != alone.id


def test_contradictions_flag_exact_figures_from_two_sources_on_one_day():
    a = mention("d1", event(figures=(figure(300),), sources=(source("Ukrainian military"),)))
    b = mention("d2", event(figures=(figure(500),), sources=(source("Russian defence ministry"),)))
    [fused] = fuse([a, b])
    assert fused.payload["contradictions"] == [
        {
            "category": "killed",
            "values": [300, 500],
            "sources": ["Russian defence ministry", "Ukrainian military"],
        }
    ]


def test_contradictions_respect_bounds():
    a = mention(
        "d1",
        event(
            figures=(figure(300, qualifier="at_least", text="at least 300"),),
            sources=(source("Ukrainian military"),),
        ),
    )
    b = mention("d2", event(figures=(figure(500),), sources=(source("Russian defence ministry"),)))
    c = mention(
        "d3",
        event(
            figures=(figure(480, qualifier="approx", text="about 480"),),
            sources=(source("Kyiv Independent", "media"),),
        ),
    )
    [fused] = fuse([a, b, c])
    assert fused.payload["contradictions"] == []


def test_contradictions_skip_a_later_updated_count():
    a = mention(
        "d1",
        event(figures=(figure(300),), sources=(source("Ukrainian military"),)),
        published="2024-12-16",
    )
    b = mention(
        "d2",
        event(figures=(figure(500),), sources=(source("Russian defence ministry"),)),
        published="2024-12-17",
    )
    [fused] = fuse([a, b])
    assert fused.payload["contradictions"] == []


def test_contradictions_flag_a_denial_against_an_assertion():
    said = mention(
        "d1",
        event(
            type="deployment", sources=(source("South Korean intelligence", "intelligence", "KR"),)
        ),
    )
    denied = mention(
        "d2",
        event(
            type="deployment",
            status="denied",
            certainty="denied",
            sources=(source("Russian foreign ministry", "government", "RU"),),
        ),
    )
    [fused] = fuse([said, denied])
    assert fused.payload["status"] == "occurred"
    [c] = fused.payload["contradictions"]
    assert c["category"] == "status"
    assert "denied" in c["values"] and "occurred" in c["values"]
    assert c["sources"] == ["Russian foreign ministry", "South Korean intelligence"]


def test_independent_sources_count_ten_outlets_repeating_one_agency_once():
    copies = [
        mention(
            f"d{i}",
            event(sources=(UNATTRIBUTED,)),
            publisher=f"Outlet {i}",
            wire="Associated Press",
        )
        for i in range(10)
    ]
    [fused] = fuse(copies)
    assert len(fused.payload["mentions"]) == 10
    assert fused.payload["independent_sources"] == 1


def test_independent_sources_collapse_syndicated_copies_to_their_origin():
    origin = mention("d1", event(sources=(UNATTRIBUTED,)), publisher="Kyiv Post")
    copy = mention(
        "d2",
        event(sources=(UNATTRIBUTED,)),
        publisher="Mirror Site",
        origin="d1",
        origin_publisher="Kyiv Post",
    )
    other = mention("d3", event(sources=(UNATTRIBUTED,)), publisher="Seoul Herald")
    [fused] = fuse([origin, copy, other])
    assert fused.payload["independent_sources"] == 2


def test_independent_sources_follow_via_chains_to_the_claimant():
    direct = mention("d1", event(sources=(source("General Staff of Ukraine", "military", "UA"),)))
    relayed = mention(
        "d2",
        event(
            sources=(
                source("General Staff of Ukraine", "military", "UA", via=("Ukrinform", "Reuters")),
            )
        ),
        publisher="Times",
    )
    unnamed = EventSource(
        name="", kind="unattributed", country=None, cue="reported", via=("Yonhap",)
    )
    agency_only = mention("d3", event(sources=(unnamed,)), publisher="Herald")
    [fused] = fuse([direct, relayed, agency_only])
    # the General Staff once, however it reached us; the unnamed statement relayed by Yonhap once
    assert fused.payload["independent_sources"] == 2
    names = {c[0] for c in fused.claimants}
    assert names == {"General Staff of Ukraine", "Yonhap"}


def test_figure_history_is_sorted_by_date_and_drops_copies():
    late = mention(
        "d3",
        event(figures=(figure(500),), sources=(source("Ukrainian military"),)),
        published="2024-12-20",
    )
    early = mention(
        "d1",
        event(figures=(figure(300),), sources=(source("Ukrainian military"),)),
        published="2024-12-16",
    )
    copy = mention(
        "d2",
        event(figures=(figure(300),), sources=(source("Ukrainian military"),)),
        published="2024-12-17",
        origin="d1",
    )
    [fused] = fuse([late, copy, early])
    history = fused.payload["figure_history"]
    assert [(h["published"], h["value"], h["document_id"]) for h in history] == [
        ("2024-12-16", 300, "d1"),
        ("2024-12-20", 500, "d3"),
    ]
    assert history[0]["source"] == "Ukrainian military"


def test_fuse_keeps_vague_look_alikes_with_nothing_in_common_apart():
    def vague(text: str):
        return event(type="attack", agents=(), location=None, day=None, evidence=text)

    bank = mention("d1", vague("A bomb exploded outside a bank branch in the town centre."))
    office = mention("d2", vague("Gunmen opened fire at an office party downtown."))
    bank_again = mention(
        "d3", vague("The bomb that exploded outside the bank branch was hidden in a bag.")
    )
    fused = fuse([bank, office, bank_again])
    assert sorted(sorted(m.document_id for m in f.members) for f in fused) == [["d1", "d3"], ["d2"]]


def test_fuse_joins_vague_reports_that_cite_the_same_claimant():
    governor = source("Governor of Bryansk Oblast", "government", "RU")
    a = mention(
        "d1",
        event(
            type="attack",
            agents=(),
            location=None,
            day=None,
            sources=(governor,),
            evidence="A depot burned.",
        ),
    )
    b = mention(
        "d2",
        event(
            type="attack",
            agents=(),
            location=None,
            day=None,
            sources=(governor,),
            evidence="Tanks were lost.",
        ),
    )
    assert len(fuse([a, b])) == 1


def test_fuse_takes_the_article_mention_that_fits_best():
    """A denial article whose vaguer 'occurred' mention comes first in date order must not
    keep its closely matching denial out of the strike it denies."""
    sumy = EventLocation("Sumy", "UA", "Sumy Oblast", 50.91, 34.8, "city")
    sumy_oblast = EventLocation("Sumy Oblast", "UA", "Sumy Oblast", 50.9, 34.8, "admin1")
    emergency = source("State Emergency Service", "government", "UA")
    ministry = source("Russian Ministry of Defence", "military", "RU")
    reports = [
        mention(
            f"d{i}",
            event(type="attack", location=sumy, day="2025-02-03", sources=(emergency,)),
            published="2025-02-03",
        )
        for i in (1, 2)
    ]
    vague = event("e1", type="attack", location=sumy_oblast, day=None, sources=(ministry,))
    denial = event(
        "e2",
        type="attack",
        status="denied",
        certainty="denied",
        location=sumy,
        day="2025-02-03",
        sources=(ministry,),
    )
    denying = [
        mention("d9", vague, published="2025-02-04"),
        mention("d9", denial, published="2025-02-04"),
    ]
    fused = fuse(reports + denying)
    [strike] = [f for f in fused if len(f.members) == 3]
    assert {(m.document_id, m.event.id) for m in strike.members} == {
        ("d1", "e1"),
        ("d2", "e1"),
        ("d9", "e2"),
    }
    assert [c["category"] for c in strike.payload["contradictions"]] == ["status"]
    assert strike.payload["status"] == "occurred"


def test_independent_sources_count_an_outlet_cited_beside_a_claimant_as_a_relay():
    emergency = source("State Emergency Service", "government", "UA")
    wire = mention("d1", event(sources=(emergency,)), publisher="Ukrinform")
    rewrite = mention(
        "d2",
        event(sources=(source("Ukrinform", "media", "UA"), emergency)),
        publisher="Dnipro Herald",
    )
    [fused] = fuse([wire, rewrite])
    assert fused.payload["independent_sources"] == 1
    alone = mention(
        "d3", event(sources=(source("Ukrinform", "media", "UA"),)), publisher="Dnipro Herald"
    )
    assert [c for c, _ in alone.claimants()] == ["Ukrinform"]


@given(st.permutations(list(range(12))), st.integers(min_value=0, max_value=3))
@settings(max_examples=25, deadline=None)
def test_fuse_is_order_independent_for_any_permutation(order, seed):
    rng = random.Random(seed)
    places = [SUDZHA, KURSK, KHERSON, None]
    pool = []
    for i in range(12):
        day = f"2024-12-{rng.randrange(10, 20)}"
        ev = event(
            type=rng.choice(["attack", "casualties"]),
            location=rng.choice(places),
            day=rng.choice([day, None]),
            figures=(figure(rng.choice([100, 300, 500])),),
            sources=(source(rng.choice(["Governor", "General Staff"])),),
        )
        pool.append(mention(f"d{i:02d}", ev, published=day))
    expected = [f.payload for f in fuse(pool)]
    assert [f.payload for f in fuse([pool[i] for i in order])] == expected
