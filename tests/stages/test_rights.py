"""Rights: text-and-data-mining reservations in notices, meta tags, headers and footers."""

from __future__ import annotations

import pytest

from sitrep.stages.rights import detect_rights, is_reservation_notice, signals_from_html

NOTICES = {
    "en": "The publisher expressly reserves the use of this content for text and data mining under Article 4(3) of Directive (EU) 2019/790.",
    "en-ai": "Any use of our articles by automated systems or for training artificial intelligence is prohibited without the prior written consent of the publisher.",
    "de": "Der Verlag behält sich die Nutzung seiner Inhalte für Text- und Data-Mining ausdrücklich vor.",
    "fr": "Toute fouille de textes et de données sur ce site est interdite sans autorisation de l'éditeur.",
    "es": "Queda prohibida la minería de textos y datos sin autorización previa del editor.",
    "it": "È vietata l'estrazione di testo e di dati senza il previo consenso dell'editore.",
    "pl": "Wydawca zastrzega, że eksploracja tekstu i danych bez uprzedniej pisemnej zgody jest zabroniona.",
    "nl": "Tekst- en datamining is zonder voorafgaande schriftelijke toestemming van de uitgever niet toegestaan.",
    "pt": "É proibida a mineração de textos e dados sem autorização do editor.",
    "cs": "Vydavatel si vyhrazuje právo na vytěžování textů a dat z obsahu tohoto webu.",
}


@pytest.mark.parametrize("lang", sorted(NOTICES))
def test_rights_notice_reserves_tdm_in_each_language(lang: str) -> None:
    text = f"Troops crossed the river on Monday, the army said.\n{NOTICES[lang]}"
    rights = detect_rights(text)
    assert rights.tdm_reserved is True
    assert rights.notice == NOTICES[lang]


@pytest.mark.parametrize(
    "line",
    [
        "All rights reserved.",
        "© 2024 Invented Gazette. All rights reserved.",
        "Reproduction without permission is prohibited.",
        "Military intelligence said the troops were deployed without the consent of parliament.",
        "Publishers said their notices reserving text and data mining had been ignored by the AI firm.",
    ],
)
def test_rights_plain_copyright_or_news_is_not_a_reservation(line: str) -> None:
    assert is_reservation_notice(line) is False
    assert detect_rights(line).tdm_reserved is False


@pytest.mark.parametrize(
    ("signal", "reserved"),
    [
        ("meta:tdm-reservation=1", True),
        ("header:tdm-reservation=1", True),
        ("header:x-robots-tag=noai, noimageai", True),
        ("meta:robots=noai", True),
        ("meta:tdm-reservation=0", False),
        ("meta:robots=index, follow", False),
    ],
)
def test_rights_signals_from_reader(signal: str, reserved: bool) -> None:
    rights = detect_rights("Shelling continued overnight.", signals=(signal,))
    assert rights.tdm_reserved is reserved
    assert rights.signals == (signal,)
    assert rights.notice is None


def test_rights_meta_tags_in_html_are_found() -> None:
    html = (
        '<html><head><meta name="tdm-reservation" content="1">'
        '<meta name="robots" content="noai, noimageai"></head><body><p>x</p></body></html>'
    )
    assert signals_from_html(html) == ("meta:tdm-reservation=1", "meta:robots=noai, noimageai")
    assert detect_rights("x", html=html).tdm_reserved is True


def test_rights_notice_in_html_footer_is_found() -> None:
    notice = "Text and data mining of this site is expressly reserved by the publisher."
    html = (
        "<html><body><article><p>The army said troops moved north.</p></article>"
        f"<footer><nav><a href='/'>Home</a></nav><p>{notice}</p></footer></body></html>"
    )
    rights = detect_rights("The army said troops moved north.", html=html)
    assert rights.tdm_reserved is True
    assert rights.notice == notice


def test_rights_html_without_notice_or_tags_is_open() -> None:
    html = "<html><body><p>The army said troops moved north.</p><footer>© Invented Daily</footer></body></html>"
    rights = detect_rights("The army said troops moved north.", html=html)
    assert rights.tdm_reserved is False
    assert rights.signals == ()
