"""AppTest of /beispiele: URL parameters -> filter -> cards and markers, details, bad values."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from ksg_dashboard.examples.map import MARKER_CLASS
from ksg_dashboard.examples.panels import DETAILS_KEY_PREFIX, KEY_STATE, PAGE_SIZE
from tests.app.pages import folium_map_args, param
from tests.app.pages import run_page as open_page

PAGE = "app_pages/examples.py"


def run_page(**params: str) -> AppTest:
    return open_page(PAGE, **params)


def card_ids(at: AppTest) -> list[str]:
    """Ids of the cards shown (each card has one details button)."""
    return [
        b.key.removeprefix(DETAILS_KEY_PREFIX)
        for b in at.button
        if (b.key or "").startswith(DETAILS_KEY_PREFIX)
    ]


def map_args(at: AppTest) -> dict:
    return folium_map_args(at)


def marker_count(at: AppTest) -> int:
    return map_args(at)["script"].count(f'"className": "{MARKER_CLASS}"')


def texts(at: AppTest) -> str:
    parts = [e.value for e in at.markdown] + [e.value for e in at.info]
    parts += [e.value for e in at.caption] + [e.value for e in at.title]
    return "\n".join(str(p) for p in parts)


def test_default_shows_all_61_examples_with_the_poster_note():
    at = run_page()
    assert not at.exception, at.exception
    assert at.title[0].value == "Beispiele aus der Programmumsetzung"
    assert "Poster" in at.info[0].value and "nicht bekannt" in at.info[0].value
    assert len(card_ids(at)) == PAGE_SIZE  # the first page of cards; the map has all
    assert f"{PAGE_SIZE} von 61 Beispielen gezeigt" in texts(at)
    assert marker_count(at) == 61
    assert "**61** von 61 Beispielen" in texts(at)
    # The five workshop cooperations first.
    assert card_ids(at)[:5] == [
        "region-in-bewegung",
        "kurstadtregion-elbe-elster",
        "templin",
        "ag-bachtal",
        "bad-berleburg",
    ]
    assert len(at.get("plotly_chart")) == 2


def test_more_cards_on_demand_and_a_new_filter_starts_again():
    at = run_page()
    first = card_ids(at)
    at.button(key="beispiele.mehr").click().run()
    more = card_ids(at)
    assert len(more) == 2 * PAGE_SIZE and more[:PAGE_SIZE] == first
    at.button(key="beispiele.alle").click().run()
    assert len(card_ids(at)) == 61 and marker_count(at) == 61
    assert not [b for b in at.button if b.key == "beispiele.mehr"]
    at.toggle(key="beispiele.nur_kooperationen").set_value(True).run()
    assert len(card_ids(at)) == PAGE_SIZE  # 42 cooperations, paged again


def test_a_selected_example_beyond_the_first_page_shows_its_card():
    at = run_page()
    at.button(key="beispiele.alle").click().run()
    last = card_ids(at)[-1]
    again = run_page(beispiel=last)
    assert not again.exception, again.exception
    shown = card_ids(again)
    assert shown[0] == last and len(shown) == PAGE_SIZE + 1
    assert param(again, "beispiel") == last


def test_states_are_offered_in_alphabetical_order():
    at = run_page()
    labels = at.multiselect(key="beispiele.land").options
    names = [label.rsplit(" (", 1)[0] for label in labels]
    assert names == sorted(names) and len(names) >= 10
    assert names[0] == "Baden-Württemberg"


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"bundesland": "BB"}, 8),
        ({"bundesland": "12"}, 8),
        ({"thema": "gesundheit"}, 5),
        ({"nur_kooperationen": "1"}, 42),
        ({"von": "2011", "bis": "2011"}, 13),
        ({"suche": "Syrgenstein"}, 1),
        ({"bundesland": "BY", "nur_kooperationen": "1"}, 12),
    ],
)
def test_url_params_filter_cards_and_markers_alike(params, expected):
    at = run_page(**params)
    assert not at.exception, at.exception
    assert len(card_ids(at)) == min(expected, PAGE_SIZE)
    assert marker_count(at) == expected
    assert f"**{expected}** von 61 Beispielen (" in texts(at)


def test_url_params_show_in_the_widgets():
    at = run_page(bundesland="BB,SN", thema="bildung", von="2011", suche="Amt")
    assert at.multiselect(key="beispiele.land").value == ["12", "14"]
    assert at.multiselect(key="beispiele.thema").value == ["Bildung"]
    assert at.slider(key="beispiele.jahre").value == (2011, 2019)
    assert at.text_input(key="beispiele.suche").value == "Amt"


def test_widget_changes_filter_and_are_written_to_the_url():
    at = run_page()
    at.multiselect(key="beispiele.land").select("12").run()
    assert len(card_ids(at)) == 8 and marker_count(at) == 8
    # The page's Land is the app-wide selection: written as the sidebar's `land`.
    assert param(at, "land") == "12" and "bundesland" not in at.query_params
    at.toggle(key="beispiele.nur_kooperationen").set_value(True).run()
    assert param(at, "nur_kooperationen") == "1"
    assert len(card_ids(at)) == 8  # all Brandenburg examples are cooperations
    at.text_input(key="beispiele.suche").input("Syrgenstein").run()
    assert card_ids(at) == [] and marker_count(at) == 0
    assert any("Kein Beispiel passt" in i.value for i in at.info)
    at.button(key="beispiele.reset").click().run()
    # The reset clears this page's own filters; the state belongs to the sidebar selection.
    assert len(card_ids(at)) == 8
    assert param(at, "land") == "12" and "suche" not in at.query_params


def test_url_round_trip_reproduces_the_view():
    at = run_page()
    at.multiselect(key="beispiele.thema").select("Mobilität").run()
    at.slider(key="beispiele.jahre").set_value((2010, 2014)).run()
    params = {key: param(at, key) for key in at.query_params}
    assert params == {"thema": "mobilitaet", "bis": "2014"}
    shown = card_ids(at)
    again = run_page(**params)
    assert card_ids(again) == shown
    assert again.session_state[KEY_STATE] == at.session_state[KEY_STATE]


def test_example_param_opens_the_detail_with_population():
    at = run_page(beispiel="ag-bachtal")
    assert not at.exception, at.exception
    content = texts(at)
    assert "Ausgewählt: **Arbeitsgemeinschaft Bachtal**" in content
    assert "Schlüsselprojekte" in content
    assert 'href="/?region=ag-bachtal" target="_self"' in content
    assert "/programm?punkt=di-0900" in content
    table = at.dataframe[0].value
    assert list(table["Gemeinde"]) == ["Bachhagel", "Syrgenstein", "Zöschingen", "Zusammen"]
    assert len(at.get("plotly_chart")) == 3  # two overview charts + population
    assert len(card_ids(at)) == PAGE_SIZE  # the filter is untouched (first page of cards)
    # The map outlines the three members.
    assert map_args(at)["script"].count('"ags": "09773') == 3


def test_details_button_selects_and_writes_the_url():
    at = run_page()
    at.button(key=f"{DETAILS_KEY_PREFIX}templin").click().run()
    assert param(at, "beispiel") == "templin"
    assert "Ausgewählt: **Mittelbereich Templin" in texts(at)
    at.button(key="beispiele.clear").click().run()
    assert "beispiel" not in at.query_params


@pytest.mark.parametrize(
    ("params", "note", "cards"),
    [
        ({"bundesland": "XX"}, "Unbekanntes Land", 61),
        ({"bundesland": "HE,SL"}, "Für Hessen liegen keine Beispiele vor", 2),
        ({"thema": "raumfahrt", "bundesland": "SL"}, "Unbekanntes Thema", 2),
        ({"von": "zwanzig"}, "keine Jahreszahl", 61),
        ({"beispiel": "atlantis"}, "Unbekanntes Beispiel", 61),
        ({"nur_kooperationen": "vielleicht"}, "nur_kooperationen=vielleicht", 61),
    ],
)
def test_bad_params_give_a_note_and_no_exception(params, note, cards):
    at = run_page(**params)
    assert not at.exception, at.exception
    assert any(note in i.value for i in at.info), [i.value for i in at.info]
    assert len(card_ids(at)) == min(cards, PAGE_SIZE)


def test_presenter_mode_is_compact_and_keeps_the_note():
    at = run_page(praesentation="1", thema="gesundheit")
    assert not at.exception, at.exception
    assert not at.title
    assert len(card_ids(at)) == 5
    assert any(e.label == "Filter" for e in at.expander)
    assert "**5** von 61 Beispielen (Gesundheit)" in texts(at)


def test_map_loads_only_local_scripts():
    at = run_page()
    args = map_args(at)
    links = args["js_links"] + args["css_links"]
    assert links and all(link.startswith("/app/static/") for link in links), links
