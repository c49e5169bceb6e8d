"""AppTest: Gemeindeverbände as a selectable level (URL `verband`, sidebar search), in the
overview's details panel and map layer, on the demographics page and in the example cards."""

from __future__ import annotations

import plotly.io as pio
from streamlit.testing.v1 import AppTest

from tests.app.pages import folium_args, run_page
from tests.app.test_shell import run_app, texts
from tests.conftest import APP_FILE

TIMEOUT = 90
SYRGENSTEIN = "097735714"
GERSWALDE = "120735305"


def folium_scripts(at: AppTest) -> list[str]:
    return [args["script"] for args in folium_args(at)]


def html_bodies(at: AppTest) -> str:
    return "\n".join(h.proto.body for h in at.get("html"))


def test_verband_param_selects_the_body_with_its_members():
    at = run_app(verband=SYRGENSTEIN)
    assert not at.exception, at.exception
    assert at.session_state["filter.selection"].association == SYRGENSTEIN
    assert at.query_params["verband"] == SYRGENSTEIN
    assert "region" not in at.query_params
    assert at.metric[0].value == "3"
    assert at.metric[1].value == "6.964"  # members' sum, 31.12.2022
    assert [s.value for s in at.main.subheader] == ["Verwaltungsgemeinschaft Syrgenstein"]
    content = texts(at)
    assert "Mitglieder zum 31.12.2022" in content
    assert "AG Bachtal" in content  # the cooperation with members in this body


def test_unknown_or_malformed_verband_gives_a_note():
    at = run_app(verband="999999999")
    assert not at.exception
    assert "Gemeindeverband 999999999 ist nicht bekannt" in texts(at)
    assert at.session_state["filter.selection"].association is None
    at = run_app(verband="x" * 500)
    assert not at.exception
    assert "kein gültiger Gemeindeverbandsschlüssel" in texts(at)
    assert "x" * 21 not in texts(at)  # the value is shortened in the note


def test_old_permalinks_are_unaffected():
    at = run_app(region="ag-bachtal")
    assert "verband" not in at.query_params
    assert at.session_state["filter.selection"].association is None


def test_sidebar_search_finds_and_selects_a_body():
    at = run_app()
    at.text_input(key="filter.search").input("Amt Gerswalde").run()
    box = at.selectbox(key="filter.ags")
    assert "verband:" + GERSWALDE in box.options or "Amt Gerswalde (Amt)" in box.options
    box.select("verband:" + GERSWALDE).run()
    assert not at.exception, at.exception
    assert at.query_params["verband"] == GERSWALDE
    assert at.metric[0].value == "5"
    assert [s.value for s in at.main.subheader] == ["Amt Gerswalde"]
    assert "Mittelbereich Templin" in texts(at)


def test_details_panel_shows_the_relation_of_a_cooperation():
    at = run_app(region="kurstadtregion-elbe-elster")
    body = html_bodies(at)
    assert "2010–2019:</b> alle Mitglieder verbandsfrei" in body
    assert "seit 2020:</b> deckungsgleich mit Verbandsgemeinde Liebenwerda" in body
    at = run_app(region="ag-bachtal")
    assert "deckungsgleich mit Verwaltungsgemeinschaft Syrgenstein" in html_bodies(at)


def test_municipality_details_name_its_body():
    at = run_app(ags="12073201")  # Gerswalde
    assert "Amt Gerswalde (Amt, 5 Mitglieder)" in texts(at)
    at = run_app(ags="12073572")  # Templin
    assert "**Gemeindeverband 2022:** verbandsfrei" in texts(at)


def test_overview_layer_toggle_adds_outlines_with_tooltips():
    at = run_app()
    (before,) = folium_scripts(at)
    assert "Gemeindeverband" not in before
    at.toggle(key="overview.verbaende").set_value(True).run()
    assert not at.exception, at.exception
    (script,) = folium_scripts(at)
    assert "ksg-association" in script
    assert "Amt Gerswalde" in script and "Verwaltungsgemeinschaft Syrgenstein" in script
    added = len(script.encode()) - len(before.encode())
    assert added < 1_000_000, f"Germany-wide layer adds {added} bytes"
    assert "Verbandsgemeinde" in html_bodies(at)  # the legend names the types
    # In a regional view only the bodies in view are sent.
    at = run_app(region="mittelbereich-templin")
    at.toggle(key="overview.verbaende").set_value(True).run()
    (regional,) = folium_scripts(at)
    assert "Amt Gerswalde" in regional
    assert "Verwaltungsgemeinschaft Syrgenstein" not in regional


def open_demographics(**params: str) -> AppTest:
    return run_page("app_pages/demographics.py", TIMEOUT, **params)


def test_demographics_compares_a_body_like_a_cooperation():
    at = open_demographics(verband=GERSWALDE)
    assert not at.exception, at.exception
    figure = pio.from_json(at.get("plotly_chart")[0].proto.spec)
    names = [trace.name for trace in figure.data]
    assert "Amt Gerswalde" in names and "Brandenburg" in names and "Deutschland" in names
    assert "Mitglieder zum 31.12.2022" in texts(at)


def test_demographics_body_that_ended_uses_its_last_members():
    at = open_demographics(verband="146275210", jahr="2018")  # VG Gröditz ended in 2012
    assert not at.exception, at.exception
    assert "Mitglieder zum 31.12.2012 (zum 31.12.2018 gab es den Gemeindeverband nicht)" in texts(
        at
    )


def test_demographics_germany_map_of_bodies():
    at = open_demographics(ansicht="verbaende")
    assert not at.exception, at.exception
    assert at.radio(key="demografie.ansicht").value == "verbaende"
    (script,) = folium_scripts(at)
    assert "Verwaltungsgemeinschaft Syrgenstein" in script
    assert "Umrisse zum 31.12.2022" in texts(at)


def test_example_cards_show_the_relation():
    at = AppTest.from_file(APP_FILE, default_timeout=TIMEOUT).run()
    at.switch_page("app_pages/examples.py").run()
    assert not at.exception, at.exception
    content = "\n".join(m.value for m in at.markdown).replace("\\", "")
    assert (
        "**Gemeindeverband:** deckungsgleich mit Verwaltungsgemeinschaft Syrgenstein (31.12.2022)"
        in content
    )
    assert (
        "**Gemeindeverband:** deckungsgleich mit Verbandsgemeinde Liebenwerda (31.12.2022); zur "
        "Zeit der Werkstatt alle Mitglieder verbandsfrei (31.12.2018)" in content
    )
