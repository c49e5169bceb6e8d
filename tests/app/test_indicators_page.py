"""AppTest of /indikatoren: one entry per indicator, the requested entry first, the sources."""

from __future__ import annotations

from ksg_dashboard.core.indicator_catalogue import BY_KEY, CATALOGUE
from tests.app.pages import run_page

PAGE = "app_pages/indicators.py"


def html_text(at) -> str:
    return "\n".join(str(h.proto.body) for h in at.get("html"))


def test_lists_every_indicator_with_definition_and_caveats():
    at = run_page(PAGE)
    assert not at.exception, at.exception
    assert at.title[0].value == "Indikatoren & Quellen"
    labels = [e.label for e in at.main.expander]
    assert len(labels) == len(CATALOGUE)
    assert "Altenquotient (je 100) · Altersstruktur" in labels
    text = html_text(at)
    assert "65 Jahre und mehr ÷ 20 bis unter 65 Jahre × 100" in text
    assert "Zensus 2011" in text
    assert "Datenlizenz Deutschland" in text or "dl-de/by-2-0" in text


def test_requested_entry_comes_first_and_open():
    at = run_page(PAGE, indikator="dichte")
    assert not at.exception, at.exception
    first = at.main.expander[0]
    assert first.label.startswith(BY_KEY["dichte"].title)
    assert first.proto.expanded
    assert not at.main.expander[1].proto.expanded


def test_unknown_entry_gives_a_note_that_shows_the_value_as_text():
    at = run_page(PAGE, indikator="[klick](http://example.org)")
    assert not at.exception, at.exception
    notes = " ".join(str(i.value) for i in at.info)
    assert "Unbekannter Indikator" in notes
    assert "\\[klick\\]" in notes  # brackets escaped: no Markdown link
    assert len(at.main.expander) == len(CATALOGUE)
