"""AppTest: navigation over all pages, the shared filter and its URL round trip, offline map."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from ksg_dashboard.core import numbers
from ksg_dashboard.core.navigation import PAGES
from ksg_dashboard.data.datastore import read_population
from tests.app.pages import folium_map_args, open_app

TIMEOUT = 60


def run_app(**params: str) -> AppTest:
    return open_app(TIMEOUT, **params)


def texts(at: AppTest) -> str:
    parts = [e.value for e in at.title] + [e.value for e in at.markdown]
    parts += [e.value for e in at.info] + [e.value for e in at.caption]
    parts += [e.value for e in at.subheader]
    return "\n".join(str(p) for p in parts)


@pytest.mark.parametrize("spec", PAGES, ids=[p.url_path or "overview" for p in PAGES])
def test_every_page_runs_without_exception(spec):
    at = run_app()
    at.switch_page(spec.file).run()
    assert not at.exception, at.exception
    assert at.title, f"{spec.file} shows no title"


def test_overview_default_shows_germany_figures_and_the_five_cooperations():
    at = run_app()
    content = texts(at)
    assert "Deutschland" in content
    labels = [m.label for m in at.metric]
    assert labels == ["Gemeinden", "Einwohner 2022", "Fläche", "Veränderung seit 2012"]
    assert at.metric[1].value == "84.358.845"  # Destatis GV-ISys 31.12.2022
    buttons = {b.label for b in at.button}
    assert {"Region in Bewegung", "Kurstadtregion", "AG Bachtal", "Bad Berleburg"} <= buttons


def test_region_param_selects_region():
    at = run_app(region="kurstadtregion-elbe-elster")
    assert at.multiselect(key="filter.region").value == ["kurstadtregion-elbe-elster"]
    assert at.query_params["region"] == "kurstadtregion-elbe-elster"
    assert at.metric[0].value == "4"
    assert at.metric[1].value == "24.220"  # 4 members, 31.12.2022
    assert "Kurstadtregion" in texts(at)


def test_widget_changes_update_page_and_url():
    at = run_app()
    at.multiselect(key="filter.region").select("ag-bachtal").run()
    assert at.session_state["filter.selection"].regions == ("ag-bachtal",)
    assert [s.value for s in at.main.subheader] == ["AG Bachtal"]
    assert at.metric[0].value == "3"
    assert at.query_params["region"] == "ag-bachtal"
    at.text_input(key="filter.search").input("Syrgen").run()
    at.selectbox(key="filter.ags").select("09773170").run()
    assert at.query_params["ags"] == "09773170"
    assert "Syrgenstein" in texts(at)
    at.multiselect(key="filter.region").unselect("ag-bachtal").run()
    assert "region" not in at.query_params


def test_municipality_param_shows_municipality_details():
    at = run_app(ags="9773170")  # leading zero lost, as in spreadsheets
    assert at.session_state["filter.selection"].ags == "09773170"
    assert "Syrgenstein" in texts(at)
    assert at.metric[0].value == "1"


def test_selection_holds_when_switching_pages():
    at = run_app(region="ag-bachtal", land="09")
    at.switch_page("app_pages/tour.py").run()
    assert at.title[0].value.startswith("Rundfahrt")
    at.switch_page("app_pages/overview.py").run()
    population = read_population()
    bavaria_2022 = population[(population["year"] == 2022) & (population["state_key"] == "09")]
    bavaria_2022 = bavaria_2022[~bavaria_2022["type"].str.startswith("Gemeindefreies Gebiet")]
    # Regions and states combine as a union; AG Bachtal lies in Bavaria, so the figures are
    # Bavaria's (municipalities without the unincorporated areas, as for Bavaria alone).
    assert at.metric[0].value == numbers.or_unknown(len(bavaria_2022))
    assert at.multiselect(key="filter.land").value == ["09"]
    assert at.query_params["region"] == "ag-bachtal"
    assert at.query_params["land"] == "09"


@pytest.mark.parametrize(
    ("params", "note"),
    [
        ({"ags": "abc"}, "kein gültiger Gemeindeschlüssel"),
        ({"region": "atlantis"}, "Unbekannte Region"),
        ({"land": "77"}, "Unbekanntes Land"),
    ],
)
def test_bad_params_show_a_note_and_the_page_still_renders(params, note):
    at = run_app(**params)
    assert not at.exception
    assert any(note in i.value for i in at.info)
    assert at.metric[0].label == "Gemeinden"


def test_presenter_param_switches_to_compact_layout():
    at = run_app(praesentation="1", region="region-in-bewegung")
    assert at.toggle(key="filter.presenter").value is True
    assert not at.title  # no page title in presenter mode
    assert not at.metric  # key figures as one line instead
    assert any(b.label == "Präsentationsmodus beenden" for b in at.button)


def test_map_loads_only_local_scripts_and_styles():
    at = run_app(region="region-in-bewegung")
    args = folium_map_args(at)
    links = args["js_links"] + args["css_links"]
    assert links, "no Leaflet assets referenced"
    assert all(link.startswith("/app/static/") for link in links), links
    assert "d3js.org" not in args["script"] and "https://" not in args["js_links"]
