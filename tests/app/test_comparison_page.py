"""AppTest of the page "Vergleich": multi-selection, takeovers, permalink round trip."""

from __future__ import annotations

from ksg_dashboard.data import datastore
from tests.app.pages import param, run_page

PAGE = "app_pages/comparison.py"
WIDGET = "vergleich.auswahl"
GROEDITZ = "14627050"
ELSTERWERDA = "12062124"
TEMPLIN_KEYS = next(
    c["member_ags"] for c in datastore.read_cooperations() if c["id"] == "mittelbereich-templin"
)


def table_text(at) -> str:
    return " ".join(frame.value.to_string() for frame in at.dataframe)


def test_permalink_opens_the_comparison_and_is_written_back():
    at = run_page(PAGE, vergleich=f"{GROEDITZ},{ELSTERWERDA}")
    assert not at.exception
    assert at.multiselect(key=WIDGET).value == [GROEDITZ, ELSTERWERDA]
    assert param(at, "vergleich") == f"{GROEDITZ},{ELSTERWERDA}"
    text = table_text(at)
    for name in ("Gröditz, Stadt", "Elsterwerda, Stadt", "Meißen", "Brandenburg", "Deutschland"):
        assert name in text
    assert "Ähnliche Gemeinden (Sachsen" in text
    captions = " ".join(c.value for c in at.caption)
    assert "Größenklassen" in captions and "Gebietsstand 31.12.2022" in captions


def test_multi_selection_round_trip_through_the_link():
    at = run_page(PAGE)
    assert not at.exception
    assert any("Noch keine Gemeinden" in i.value for i in at.info)
    at.multiselect(key=WIDGET).set_value([ELSTERWERDA, GROEDITZ]).run()
    link = param(at, "vergleich")
    assert link == f"{ELSTERWERDA},{GROEDITZ}"
    again = run_page(PAGE, vergleich=link)
    assert again.multiselect(key=WIDGET).value == [ELSTERWERDA, GROEDITZ]
    # Removing one member updates the link.
    again.multiselect(key=WIDGET).unselect(ELSTERWERDA).run()
    assert param(again, "vergleich") == GROEDITZ


def test_cooperation_takeover_and_sidebar_takeover():
    at = run_page(PAGE, region="region-in-bewegung")
    at.selectbox(key="vergleich.kooperation").set_value("mittelbereich-templin").run()
    at.button(key="vergleich.take_cooperation").click().run()
    assert at.multiselect(key=WIDGET).value == TEMPLIN_KEYS
    assert param(at, "vergleich") == ",".join(TEMPLIN_KEYS)
    at.button(key="vergleich.take_sidebar").click().run()
    assert at.multiselect(key=WIDGET).value == [
        "14627050",
        "14627340",
        "14627240",
        "12062024",
        "12062124",
    ]
    assert any("Region in Bewegung" in i.value for i in at.info)


def test_more_than_twelve_and_old_keys_give_notes():
    keys = [k for k in datastore.read_population_2022()["ags"].unique() if k.startswith("14627")]
    link = ",".join(["01059011", *keys[:13]])
    at = run_page(PAGE, vergleich=link)
    assert not at.exception
    chosen = at.multiselect(key=WIDGET).value
    assert len(chosen) == 12
    assert chosen[0] == "01059187"  # Boren's 2022 key
    notes = " ".join(i.value for i in at.info)
    assert "höchstens 12" in notes and "Nachfolgegemeinde" in notes
    assert param(at, "vergleich") == ",".join(chosen)
