"""AppTest of the tour page: stop order and times, `stopp` round trip, step buttons, offline map."""

from __future__ import annotations

import json
import re

import pytest
from streamlit.testing.v1 import AppTest

from ksg_dashboard.data.datastore import read_tour
from tests.app.pages import folium_map_args, run_page

TIMEOUT = 60
PAGE = "app_pages/tour.py"
N_STOPS = len(read_tour().stops)


def run_tour(stopp: str | None = None, **params: str) -> AppTest:
    """The tour page opened with `stopp` and global query parameters.

    AppTest's first run is the default page, which drops other pages' parameters from the URL
    (as the app does on navigation); `stopp` is therefore set again before switching, which is
    what a browser sends when it opens /tour?stopp=... directly.
    """
    return run_page(PAGE, TIMEOUT, **params, **({} if stopp is None else {"stopp": stopp}))


def stop_table(at: AppTest):
    assert len(at.dataframe) == 1, "expected the stop list"
    return at.dataframe[0].value


def highlighted(at: AppTest) -> list[str]:
    """Numbers of the rows marked ▶ in the stop list."""
    table = stop_table(at)
    return table.loc[table[" "] == "▶", "Nr."].tolist()


def clock(text: str) -> int:
    """Minutes since midnight of every 'HH:MM' in a cell, e.g. '14:12–14:27' → [852, 867]."""
    return [int(h) * 60 + int(m) for h, m in re.findall(r"(\d{2}):(\d{2})", text)]


def test_stop_list_order_and_times_are_consistent():
    at = run_tour()
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]  # the page flags an inconsistent schedule
    table = stop_table(at)
    assert table["Nr."].tolist() == [str(n) for n in range(1, N_STOPS + 1)]
    assert table["Ort"].iloc[0] == "Gröditz" and table["Ort"].iloc[-1] == "Gröditz"
    assert table["Zeit"].iloc[0] == "Abfahrt 14:00"
    assert table["Zeit"].iloc[-1].startswith("Ankunft ")
    times = [t for cell in table["Zeit"] for t in clock(cell)]
    assert times == sorted(times), "stops overlap or are out of order"
    assert times[0] >= 14 * 60 and times[-1] <= 17 * 60
    assert table["Etappe (Luftlinie)"].iloc[0] == "–"
    assert all(cell.endswith(" km") for cell in table["Etappe (Luftlinie)"].iloc[1:])
    assert highlighted(at) == []
    assert "Route im Überblick" in [s.value for s in at.subheader]


def test_stopp_param_highlights_the_stop_and_stays_in_the_url():
    at = run_tour(stopp="2")
    assert not at.exception, at.exception
    assert at.session_state["tour.stop"] == 1
    assert highlighted(at) == ["2"]
    assert at.subheader[0].value == "2 Elsterwerda"
    assert at.query_params.get("stopp") == "2"
    assert at.button(key="tour.prev").disabled is False


def test_next_previous_and_whole_route_update_stop_and_url():
    at = run_tour(stopp="2")
    at.button(key="tour.next").click().run()
    assert at.session_state["tour.stop"] == 2
    assert highlighted(at) == ["3"]
    assert at.subheader[0].value == "3 Bad Liebenwerda"
    assert at.query_params.get("stopp") == "3"
    at.button(key="tour.prev").click().run()
    at.button(key="tour.prev").click().run()
    assert at.query_params.get("stopp") == "1"
    assert at.button(key="tour.prev").disabled is True
    at.button(key="tour.all").click().run()
    assert "stopp" not in at.query_params
    assert highlighted(at) == []


def test_stop_survives_a_visit_to_another_page():
    at = run_tour(stopp="4")
    at.switch_page("app_pages/overview.py").run()
    at.query_params.pop("stopp", None)  # other pages drop it from the URL (see navigation.py)
    at.switch_page(PAGE).run()
    assert highlighted(at) == ["4"]
    assert at.query_params.get("stopp") == "4"


def test_a_new_stopp_in_the_url_is_taken_during_the_session():
    at = run_tour(stopp="2")
    at.query_params["stopp"] = "5"  # e.g. an in-app link to /tour?stopp=5
    at.run()
    assert highlighted(at) == ["5"]
    at.query_params["stopp"] = "x"
    at.run()
    assert highlighted(at) == ["5"]  # a bad value keeps the stop and explains why
    assert any("stopp=x wurde ignoriert" in i.value for i in at.info)
    assert at.query_params.get("stopp") == "5"


def test_last_stop_cannot_step_further():
    at = run_tour(stopp=str(N_STOPS))
    assert at.button(key="tour.next").disabled is True
    assert highlighted(at) == [str(N_STOPS)]
    assert at.subheader[0].value == f"{N_STOPS} Gröditz"


@pytest.mark.parametrize("value", ["0", "99", "zwei"])
def test_bad_stopp_shows_a_note_and_the_whole_route(value):
    at = run_tour(stopp=value)
    assert not at.exception, at.exception
    assert any(f"stopp={value} wurde ignoriert" in i.value for i in at.info)
    assert highlighted(at) == []
    assert "stopp" not in at.query_params


def test_stop_shows_key_figures_and_reconstruction_note():
    at = run_tour(stopp="2")
    assert any("Rekonstruktion" in w.value for w in at.warning)
    captions = "\n".join(c.value for c in at.caption)
    assert "Route: Rekonstruktion dieses Dashboards" in captions
    assert "Die Halte sind nicht belegt" in captions
    assert "Luftlinie" in captions and "50 km/h" in captions
    table = stop_table(at)
    assert table.loc[table["Nr."] == "2", "Einw. 2022"].item() == "7.792"
    assert table.loc[table["Nr."] == "2", "± seit 2012"].item() == "−7,1 %"


def test_presenter_mode_keeps_step_buttons_and_drops_the_title():
    at = run_tour(praesentation="1", stopp="2")
    assert not at.exception, at.exception
    assert not at.title
    assert {"tour.prev", "tour.all", "tour.next"} <= {b.key for b in at.button}
    assert at.subheader[0].value == "2 Elsterwerda"
    assert at.query_params.get("stopp") == "2"


def test_map_is_offline_and_highlights_the_stop():
    at = run_tour(stopp="3")
    args = folium_map_args(at)
    links = args["js_links"] + args["css_links"]
    assert links and all(link.startswith("/app/static/") for link in links), links
    script = args["script"]
    assert script.count("ksg-stop-active") == 1
    assert re.search(r'ksg-stop-active\\?" data-stop=\\?"3\\?"', script)
    assert len(re.findall(r'data-stop=\\?"\d+\\?"', script)) == N_STOPS
    assert "ksg-route" in script


def test_timeline_is_drawn():
    at = run_tour(stopp="3")
    charts = at.get("plotly_chart")
    assert len(charts) == 1
    figure = json.loads(charts[0].proto.spec)
    assert figure["layout"]["yaxis"]["ticktext"][2] == "<b>3 Bad Liebenwerda</b>"
