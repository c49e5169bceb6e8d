"""AppTest of the demographics page (/demografie): selectors, URL parameters, chart, map, table.

The page is opened as a deep link would open it: the global filter (region, ags, land,
praesentation) is read on the session's first run, which AppTest starts on the default page;
that page drops the demographics parameters as foreign ones, so they are set again before
switching to app_pages/demographics.py.
"""

from __future__ import annotations

import base64

import numpy as np
import plotly.graph_objects as go
import plotly.io as pio
import pytest
from streamlit.testing.v1 import AppTest

from ksg_dashboard.core import numbers
from ksg_dashboard.core.navigation import PAGES
from ksg_dashboard.data import datastore
from ksg_dashboard.demography.model import age_shares, pyramid
from ksg_dashboard.demography.views import DemographyParams, to_query
from tests.app.pages import folium_args, run_page

TIMEOUT = 90
PAGE = "app_pages/demographics.py"
PAGE_PARAMS = next(p.params for p in PAGES if p.url_path == "demografie")
KEYS = {
    "indicator": "demografie.indikator",
    "year": "demografie.jahr",
    "base_year": "demografie.basis",
    "view": "demografie.ansicht",
}


def open_page(**params: str) -> AppTest:
    """Run the app with `params` in the URL, then show the demographics page."""
    return run_page(PAGE, TIMEOUT, **params)


def widget_params(at: AppTest) -> DemographyParams:
    """The four selectors' values."""
    return DemographyParams(
        at.selectbox(key=KEYS["indicator"]).value,
        at.selectbox(key=KEYS["year"]).value,
        at.selectbox(key=KEYS["base_year"]).value,
        at.radio(key=KEYS["view"]).value,
    )


def page_query(at: AppTest) -> dict[str, str]:
    return {k: v for k, v in at.query_params.items() if k in PAGE_PARAMS}


def charts(at: AppTest) -> list[go.Figure]:
    """The page's plotly charts as figures (arrays arrive base64-packed in the spec)."""
    return [pio.from_json(chart.proto.spec) for chart in at.get("plotly_chart")]


def values(data: object) -> np.ndarray:
    """A trace's x or y: plotly 6 sends numeric arrays as {"dtype", "bdata"} (base64)."""
    if isinstance(data, dict) and "bdata" in data:
        return np.frombuffer(base64.b64decode(data["bdata"]), dtype=np.dtype(data["dtype"]))
    return np.asarray(data)


def time_chart(at: AppTest) -> go.Figure:
    """The first plotly chart on the page is the time chart."""
    figures = charts(at)
    assert figures, "no plotly chart on the page"
    return figures[0]


def legend_html(at: AppTest) -> str:
    bodies = [h.proto.body for h in at.get("html") if 'class="ksg-legend"' in h.proto.body]
    assert len(bodies) == 1, "expected exactly one map legend"
    return bodies[0]


def test_default_view() -> None:
    at = open_page()
    assert not at.exception, at.exception
    assert at.title[0].value == "Demografische Entwicklung"
    assert widget_params(at) == DemographyParams("veraenderung_pct", 2022, 2012, "auswahl")
    assert at.session_state[KEYS["indicator"]] == "veraenderung_pct"
    chart = time_chart(at)
    assert [t.name for t in chart.data] == ["Deutschland"]
    ranking = at.dataframe[0].value
    assert ranking.columns.tolist() == [
        "AGS",
        "Gemeinde",
        "Einwohner",
        "Veränderung seit Basisjahr (%)",
    ]
    population = datastore.read_population()
    latest = population[population["year"] == 2022]
    # Unincorporated areas (209 in 2022) are no municipalities and are left out.
    assert len(ranking) == (~latest["type"].str.startswith("Gemeindefreies Gebiet")).sum()
    assert not at.warning  # 2012–2022 does not cross the census break
    assert not folium_args(at)  # no map without a selection, a hint instead
    assert any("Deutschland (alle Gemeinden)" in i.value for i in at.info)
    assert page_query(at) == {}  # defaults stay out of the URL


def test_deep_link_sets_the_selectors() -> None:
    at = open_page(indikator="dichte", jahr="2020", basis="2015", region="region-in-bewegung")
    assert not at.exception, at.exception
    assert widget_params(at) == DemographyParams("dichte", 2020, 2015, "auswahl")
    assert at.session_state[KEYS["year"]] == 2020
    assert at.multiselect(key="filter.region").value == ["region-in-bewegung"]
    chart = time_chart(at)
    assert [t.name for t in chart.data] == [
        "Region in Bewegung",
        "Sachsen",
        "Brandenburg",
        "Deutschland",
    ]
    assert chart.layout.yaxis.title.text == "Bevölkerungsdichte (Einw./km²)"
    ranking = at.dataframe[0].value
    assert len(ranking) == 5
    assert ranking.columns[-1] == "Bevölkerungsdichte (Einw./km²)"
    groeditz = ranking.set_index("AGS").loc["14627050"]
    assert groeditz["Bevölkerungsdichte (Einw./km²)"] == pytest.approx(6_932 / 28.94, abs=0.05)
    assert len(folium_args(at)) == 1
    # Five sequential classes (five municipalities, five quintiles) plus "keine Angabe".
    assert legend_html(at).count('class="swatch"') == 6
    assert not at.warning
    assert page_query(at) == {"indikator": "dichte", "jahr": "2020", "basis": "2015"}


def test_widgets_write_the_url_and_the_url_restores_them() -> None:
    at = open_page(region="kurstadtregion-elbe-elster")
    at.selectbox(key=KEYS["indicator"]).set_value("index").run()
    at.selectbox(key=KEYS["year"]).set_value(2018).run()
    at.selectbox(key=KEYS["base_year"]).set_value(2013).run()
    assert not at.exception, at.exception
    wanted = DemographyParams("index", 2018, 2013, "auswahl")
    assert (
        page_query(at)
        == to_query(wanted)
        == {"indikator": "index", "jahr": "2018", "basis": "2013"}
    )
    kurstadt = time_chart(at).data[0]
    assert kurstadt.name == "Kurstadtregion"
    by_year = dict(zip(values(kurstadt.x).tolist(), values(kurstadt.y).tolist(), strict=True))
    assert by_year[2013] == 100
    assert by_year[2022] == pytest.approx(24_220 / 25_614 * 100, abs=0.01)  # 94.56

    again = open_page(region="kurstadtregion-elbe-elster", **page_query(at))
    assert widget_params(again) == wanted

    at.selectbox(key=KEYS["indicator"]).set_value("veraenderung_pct").run()
    at.selectbox(key=KEYS["year"]).set_value(2022).run()
    at.selectbox(key=KEYS["base_year"]).set_value(2012).run()
    assert page_query(at) == {}  # back at the defaults: parameters removed


def test_census_break_warning() -> None:
    at = open_page(basis="2010")
    assert not at.exception, at.exception
    assert len(at.warning) == 1
    assert "2010–2022" in at.warning[0].value
    assert "Zensus 2011" in at.warning[0].value
    # A level indicator is not a comparison: no warning for the same years.
    at.selectbox(key=KEYS["indicator"]).set_value("dichte").run()
    assert not at.warning
    at.selectbox(key=KEYS["indicator"]).set_value("index").run()
    assert len(at.warning) == 1


@pytest.mark.parametrize(
    ("params", "note"),
    [
        ({"indikator": "xyz"}, "Unbekannter Indikator „xyz“"),
        ({"jahr": "1999"}, "Jahr „1999“ ist ungültig"),
        ({"basis": "abc"}, "Basisjahr „abc“ ist ungültig"),
        ({"ansicht": "foo"}, "Unbekannte Ansicht „foo“"),
        ({"jahr": "²"}, "ist ungültig"),
    ],
    ids=["indikator", "jahr", "basis", "ansicht", "jahr-superscript"],
)
def test_bad_params_show_a_note_and_the_defaults(params: dict[str, str], note: str) -> None:
    at = open_page(**params)
    assert not at.exception, at.exception
    assert any(note in i.value for i in at.info), [i.value for i in at.info]
    assert widget_params(at) == DemographyParams()
    assert at.get("plotly_chart")


def test_all_bad_params_at_once() -> None:
    at = open_page(indikator="xyz", jahr="1999", basis="abc", ansicht="foo")
    assert not at.exception, at.exception
    notes = [i.value for i in at.info if "ungültig" in i.value or "Unbekannt" in i.value]
    assert len(notes) == 4
    assert widget_params(at) == DemographyParams()
    assert page_query(at) == {}  # the bad values are replaced in the URL
    # The notes belong to the first visit only.
    at.selectbox(key=KEYS["year"]).set_value(2020).run()
    assert not [i for i in at.info if "ungültig" in i.value]


def test_germany_view_draws_the_local_canvas_layer() -> None:
    at = open_page(ansicht="deutschland")
    assert not at.exception, at.exception
    assert at.radio(key=KEYS["view"]).value == "deutschland"
    (args,) = folium_args(at)
    assert args["js_links"][:2] == [  # the app's own copies (npm), never a CDN
        "/app/static/vendor/leaflet/leaflet.js",
        "/app/static/vendor/polyline/polyline.js",
    ]
    # then the large outline layers, as the app's own static files (maps.layer_files)
    assert all(link.startswith("/app/static/layers/") for link in args["js_links"][2:])
    assert args["css_links"] == ["/app/static/vendor/leaflet/leaflet.css"]
    assert all(link.startswith("/app/static/") for link in args["js_links"] + args["css_links"])
    assert "https://" not in args["script"] and "http://" not in args["script"]
    assert args["script"].count("ksgEncodedLayer(") == 1
    assert args["returned_objects"] == []
    legend = legend_html(at)
    assert legend.count('class="swatch"') == 7  # six diverging classes + "keine Angabe"
    assert "keine Angabe" in legend
    assert page_query(at) == {"ansicht": "deutschland"}


def test_switching_to_germany_view_by_widget() -> None:
    at = open_page(region="ag-bachtal")
    at.radio(key=KEYS["view"]).set_value("deutschland").run()
    assert not at.exception, at.exception
    (args,) = folium_args(at)
    assert "ksgEncodedLayer(" in args["script"]
    assert page_query(at) == {"ansicht": "deutschland"}


def test_district_age_section_for_a_cooperation() -> None:
    # The district age section belongs to the theme "Altersstruktur".
    at = open_page(region="region-in-bewegung", bereich="altersstruktur")
    assert not at.exception, at.exception
    assert "Altersstruktur der Kreise" in [s.value for s in at.subheader]
    assert at.select_slider(key="demografie.altersjahr").value == 2020
    # Region in Bewegung lies in the districts Meißen (14627) and Elbe-Elster (12062).
    shares = age_shares(pyramid(datastore.read_district_age(), ["14627", "12062"], 2020))
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Anteil unter 18 Jahren"] == f"{numbers.or_unknown(shares['unter_18'], 1)} %"
    assert metrics["Anteil 65 Jahre und älter"] == f"{numbers.or_unknown(shares['ab_65'], 1)} %"
    pyramids = [c for c in charts(at) if c.data and c.data[0].orientation == "h"]
    # The cooperation's own pyramid (municipal data 2015) first, then the districts' pyramid.
    assert len(pyramids) == 2, "expected the cooperation's and the districts' age pyramids"
    assert [t.name for t in pyramids[-1].data] == ["Männer", "Frauen"]
    ratios = next(
        d.value for d in at.dataframe if "Jugendquotient" in d.value.columns and "Kreis" in d.value
    )
    assert ratios.columns.tolist() == ["Kreis", "Jugendquotient", "Altenquotient"]
    assert len(ratios) == 2

    at.select_slider(key="demografie.altersjahr").set_value(2015).run()
    shares_2015 = age_shares(pyramid(datastore.read_district_age(), ["14627", "12062"], 2015))
    metrics = {m.label: m.value for m in at.metric}
    assert (
        metrics["Anteil unter 18 Jahren"] == f"{numbers.or_unknown(shares_2015['unter_18'], 1)} %"
    )


@pytest.mark.parametrize(
    ("params", "age_year"),
    [
        ({"ags": "07000999"}, None),  # unpopulated area: no district age data at all
        ({"ags": "03159001"}, 2015),  # Landkreis Göttingen exists from 2016 only
    ],
    ids=["gemeindefreies-gebiet", "goettingen-2015"],
)
def test_district_without_age_data_does_not_break_the_page(
    params: dict[str, str], age_year: int | None
) -> None:
    at = open_page(**params, bereich="altersstruktur")
    if age_year is not None:
        assert not at.exception, at.exception
        at.select_slider(key="demografie.altersjahr").set_value(age_year).run()
    assert not at.exception, at.exception
    assert at.dataframe  # the ranking below the chart is still shown


def test_presenter_mode_uses_large_chart() -> None:
    at = open_page(region="kurstadtregion-elbe-elster", praesentation="1")
    assert not at.exception, at.exception
    assert not at.title
    chart = time_chart(at)
    assert chart.layout.font.size == 18
    assert chart.layout.height == 460
