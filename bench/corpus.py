"""Generate synthetic scraped news articles for benchmarks (text we write ourselves).

Each article mixes boilerplate lines (section glued to title, repeated title,
captions, credits, related links, copyright and legal notices) with a body of
conflict-news sentences built from templates, so every stage has work to do.
Deterministic for a given seed.
"""

from __future__ import annotations

import random
from pathlib import Path

ACTORS = [
    ("North Korea", "North Korean", "Pyongyang"),
    ("Russia", "Russian", "Moscow"),
    ("Ukraine", "Ukrainian", "Kyiv"),
    ("South Korea", "South Korean", "Seoul"),
    ("Iran", "Iranian", "Tehran"),
    ("Israel", "Israeli", "Jerusalem"),
    ("Sudan", "Sudanese", "Khartoum"),
]
PLACES = ["the Kursk region", "Kharkiv", "Donetsk", "Zaporizhzhia", "Belgorod", "Khan Younis", "El Fasher", "Kherson", "Bakhmut", "Pokrovsk"]
SOURCES = ["the Joint Chiefs of Staff", "the defence ministry", "General Kyrylo Budanov", "Reuters", "the Institute for the Study of War", "Yonhap", "officials", "the general staff"]
TIMES = ["on Monday", "last week", "in mid-January", "early March", "on 12 November", "yesterday", "late last year", "this month"]
QUALS = ["at least", "around", "over", "nearly", "up to", "more than", "about", ""]
OUTLETS = ["Northern Dispatch", "Baltic Wire", "Eastern Ledger", "Continental Post", "Harbour Times"]
SECTIONS = ["News", "World", "Politics", "Defence", "Europe"]

SENTENCES = [
    "{src_cap} said {qual} {n} {dem} soldiers were killed in fighting near {place} {time}.",
    "According to {src}, {qual} {n2} were injured during battles in {place}.",
    "{cap} has deployed {qual} {n3} troops to {place2}, {src} reported {time}.",
    "{cap} could launch another ballistic missile in the coming weeks, analysts warned.",
    "No direct indications suggest that these actions are imminent, {src} added.",
    "{dem} forces shelled {place} {time}, killing {n4} civilians, local officials said.",
    "The ministry said {cap2} had supplied hundreds of drones and artillery shells to {cap}.",
    "{cap2} denied the reports, dismissing them as fabrications.",
    "Residents described long queues for water and fuel as the winter set in.",
    "The talks on a ceasefire agreement stalled again {time}, diplomats said.",
]


def _article(rng: random.Random, i: int) -> str:
    name, dem, cap = rng.choice(ACTORS)
    name2, dem2, cap2 = rng.choice(ACTORS)
    outlet = rng.choice(OUTLETS)
    section = rng.choice(SECTIONS)
    place = rng.choice(PLACES)
    title = f"{dem} troop movements reported near {place.replace('the ', '').title()} ({i})"
    fill = {
        "src": rng.choice(SOURCES),
        "qual": rng.choice(QUALS),
        "n": rng.randint(10, 900),
        "n2": f"{rng.randint(1, 9)},{rng.randint(100, 999)}",
        "n3": f"{rng.randint(1, 15)},000",
        "n4": rng.randint(2, 60),
        "dem": dem,
        "cap": cap,
        "cap2": cap2 if cap2 != cap else name2,
        "place": place,
        "place2": rng.choice(PLACES),
        "time": rng.choice(TIMES),
    }
    fill["src_cap"] = fill["src"][0].upper() + fill["src"][1:]
    body: list[str] = []
    for p in range(rng.randint(4, 7)):
        sents = [rng.choice(SENTENCES).format(**fill).replace("  ", " ") for _ in range(rng.randint(2, 4))]
        body.append(" ".join(sents))
        if p == 1:
            body.append("Frontline situation")
    caption = f"{dem} soldiers during an exercise near {place}."
    lines = [
        f"{section}{title}",
        title,
        caption,
        f"Images source: © {outlet} | Contributor#{rng.randint(100, 999)}",
        *body[:2],
        caption,
        *body[2:],
        f"ed. {''.join(rng.choice('ABCDEFGHKLMNPRSTW') for _ in range(4))}",
        "Related content",
        f"© {outlet} · All rights reserved",
        (
            f"All content published by {outlet} is protected by copyright. Reproduction, distribution or use of the "
            "content, including for text and data mining or for training machine learning and artificial intelligence "
            "systems, is prohibited without the prior written consent of the publisher."
        ),
    ]
    return "\n".join(lines) + "\n"


def write_corpus(folder: Path, n: int, seed: int = 7) -> list[Path]:
    """Write ``n`` generated articles into ``folder``; return their paths."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(n):
        p = folder / f"article-{i:05d}.txt"
        p.write_text(_article(rng, i), encoding="utf-8")
        paths.append(p)
    return paths


def texts(n: int, seed: int = 7) -> list[str]:
    rng = random.Random(seed)
    return [_article(rng, i) for i in range(n)]
