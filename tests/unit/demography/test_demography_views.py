"""URL parameters, comparison series, ranking, legends, maps and charts of the demographics page."""

from __future__ import annotations

import json
import re

import folium
import numpy as np
import pandas as pd
import polyline
import pytest
import shapely

from databuild.webgeometry import encode_geometry, encode_ring
from ksg_dashboard.charts.figures import BREAK_X, make_pyramid, make_time_chart
from ksg_dashboard.core.config import REPO_ROOT
from ksg_dashboard.core.selection import Selection
from ksg_dashboard.data import datastore
from ksg_dashboard.demography.model import (
    DIVERGING,
    INDICATORS,
    MISSING_COLOUR,
    SEQUENTIAL,
    classify,
    municipality_table,
    pyramid,
)
from ksg_dashboard.demography.views import (
    VIEWS,
    DemographyParams,
    comparison_long,
    dependency_table,
    districts_of,
    germany_map,
    legend_items,
    parse_params,
    ranking,
    selection_map,
    to_query,
    value_labels,
)
from ksg_dashboard.maps import builders as maps
from ksg_dashboard.maps import offline

GROEDITZ = "14627050"
KURSTADTREGION = ["12062024", "12062128", "12062341", "12062500"]
WEB_LAYER = REPO_ROOT / "data" / "municipalities_web.json"


@pytest.fixture(scope="module")
def population() -> pd.DataFrame:
    return datastore.read_population()


@pytest.fixture(scope="module")
def cooperations() -> list[dict]:
    return datastore.read_cooperations()


@pytest.fixture(scope="module")
def names() -> dict[str, str]:
    return datastore.read_municipalities().set_index("ags")["name"].to_dict()


@pytest.fixture(scope="module")
def table(population: pd.DataFrame) -> pd.DataFrame:
    return municipality_table(population, 2022, 2012)


@pytest.fixture
def local_leaflet(monkeypatch: pytest.MonkeyPatch) -> None:
    """Folium pointed at the local Leaflet as the app does it, restored after the test."""
    monkeypatch.setattr(folium.Map, "default_js", folium.Map.default_js)
    monkeypatch.setattr(folium.Map, "default_css", folium.Map.default_css)
    offline.use_local_leaflet("")


# ---------------------------------------------------------------------------------------------
# URL parameters
# ---------------------------------------------------------------------------------------------


def test_parse_params_defaults() -> None:
    parsed = parse_params({})
    assert parsed.params == DemographyParams("veraenderung_pct", 2022, 2012, "auswahl")
    assert parsed.notes == []


def test_parse_params_valid_values() -> None:
    parsed = parse_params(
        {"indikator": "dichte", "jahr": "2020", "basis": "2015", "ansicht": "deutschland"}
    )
    assert parsed.params == DemographyParams("dichte", 2020, 2015, "deutschland")
    assert parsed.notes == []


@pytest.mark.parametrize(
    ("query", "field", "fragment"),
    [
        ({"indikator": "xyz"}, "indicator", "Unbekannter Indikator „xyz“"),
        ({"indikator": ""}, "indicator", "Unbekannter Indikator"),
        ({"jahr": "1999"}, "year", "Jahr „1999“ ist ungültig"),
        ({"jahr": "2023"}, "year", "Jahr „2023“ ist ungültig"),
        ({"jahr": "20x0"}, "year", "Jahr „20x0“ ist ungültig"),
        ({"jahr": "-2020"}, "year", "ist ungültig"),
        ({"jahr": ""}, "year", "ist ungültig"),
        # "²".isdigit() is True, but int("²") raises: a URL like ?jahr=%C2%B2 must not crash.
        pytest.param({"jahr": "²"}, "year", "ist ungültig", id="jahr-superscript"),
        ({"basis": "abc"}, "base_year", "Basisjahr „abc“ ist ungültig"),
        ({"basis": "2009"}, "base_year", "Basisjahr „2009“ ist ungültig"),
        ({"ansicht": "foo"}, "view", "Unbekannte Ansicht „foo“"),
    ],
)
def test_parse_params_bad_value_gives_note_and_default(
    query: dict[str, str], field: str, fragment: str
) -> None:
    parsed = parse_params(query)
    assert getattr(parsed.params, field) == getattr(DemographyParams(), field)
    assert len(parsed.notes) == 1
    assert fragment in parsed.notes[0]


def test_parse_params_all_bad_at_once() -> None:
    parsed = parse_params({"indikator": "xyz", "jahr": "1999", "basis": "abc", "ansicht": "foo"})
    assert parsed.params == DemographyParams()
    assert len(parsed.notes) == 4
    # A bad value of one parameter does not reset the others.
    mixed = parse_params({"indikator": "index", "jahr": "1999", "basis": "2015"})
    assert mixed.params == DemographyParams("index", 2022, 2015, "auswahl")


def test_to_query_leaves_defaults_out() -> None:
    assert to_query(DemographyParams()) == {}
    assert to_query(DemographyParams(year=2020)) == {"jahr": "2020"}


@pytest.mark.parametrize(
    "params",
    [
        DemographyParams(),
        DemographyParams("dichte", 2020, 2015, "auswahl"),
        DemographyParams("index", 2011, 2010, "deutschland"),
        DemographyParams("einwohner", 2022, 2022, "auswahl"),
        *[DemographyParams(indicator=k) for k in INDICATORS],
        *[DemographyParams(view=v) for v in VIEWS],
    ],
)
def test_url_round_trip(params: DemographyParams) -> None:
    query = to_query(params)
    assert all(isinstance(v, str) for v in query.values())
    parsed = parse_params(query)
    assert parsed.params == params
    assert parsed.notes == []


# ---------------------------------------------------------------------------------------------
# comparison series for the time chart
# ---------------------------------------------------------------------------------------------


def series_names(long: pd.DataFrame) -> list[str]:
    return list(dict.fromkeys(long["series"]))


def test_comparison_for_region_in_bewegung(
    population: pd.DataFrame, cooperations: list[dict], names: dict[str, str]
) -> None:
    selection = Selection(regions=("region-in-bewegung",))
    long = comparison_long(population, selection, cooperations, names, "einwohner", 2012)
    # The cooperation spans Saxony (Gröditz, Röderaue, …) and Brandenburg (Bad Liebenwerda, …).
    assert series_names(long) == ["Region in Bewegung", "Sachsen", "Brandenburg", "Deutschland"]
    assert (long.groupby("series").size() == 13).all()
    members = next(c for c in cooperations if c["id"] == "region-in-bewegung")["member_ags"]
    by_hand = population[population["ags"].isin(members) & (population["year"] == 2022)]
    value = long[(long["series"] == "Region in Bewegung") & (long["year"] == 2022)]["value"]
    assert value.item() == by_hand["population"].sum()
    germany = long[long["series"] == "Deutschland"].set_index("year")["value"]
    assert germany.loc[2018] == 83_019_213
    assert pd.isna(germany.loc[2016])


def test_comparison_for_kurstadtregion_change(
    population: pd.DataFrame, cooperations: list[dict], names: dict[str, str]
) -> None:
    selection = Selection(regions=("kurstadtregion-elbe-elster",))
    long = comparison_long(population, selection, cooperations, names, "veraenderung_pct", 2012)
    assert series_names(long) == ["Kurstadtregion", "Brandenburg", "Deutschland"]
    region = long[long["series"] == "Kurstadtregion"].set_index("year")["value"]
    assert region.loc[2022] == pytest.approx(-7.03)
    assert region.loc[2012] == 0
    assert long["year"].tolist()[:13] == list(range(2010, 2023))


def test_comparison_for_a_municipality_and_for_states(
    population: pd.DataFrame, cooperations: list[dict], names: dict[str, str]
) -> None:
    one = comparison_long(population, Selection(ags=GROEDITZ), cooperations, names, "index", 2012)
    assert series_names(one) == [names[GROEDITZ], "Sachsen", "Deutschland"]
    groeditz = one[one["series"] == names[GROEDITZ]].set_index("year")["value"]
    assert groeditz.loc[2022] == pytest.approx(103.90)
    states = comparison_long(
        population, Selection(states=("14", "12")), cooperations, names, "einwohner", 2012
    )
    assert series_names(states) == ["Sachsen", "Brandenburg", "Deutschland"]
    nothing = comparison_long(population, Selection(), cooperations, names, "einwohner", 2012)
    assert series_names(nothing) == ["Deutschland"]


# ---------------------------------------------------------------------------------------------
# ranking
# ---------------------------------------------------------------------------------------------


def test_ranking_of_kurstadtregion(table: pd.DataFrame, names: dict[str, str]) -> None:
    shown = ranking(table, KURSTADTREGION, INDICATORS["veraenderung_pct"], names)
    assert shown.columns.tolist() == [
        "AGS",
        "Gemeinde",
        "Einwohner",
        "Veränderung seit Basisjahr (%)",
    ]
    assert sorted(shown["AGS"]) == KURSTADTREGION
    values = shown["Veränderung seit Basisjahr (%)"].astype(float).tolist()
    assert values == sorted(values, reverse=True)
    assert shown["Gemeinde"].tolist() == [names[a] for a in shown["AGS"]]
    assert shown["Einwohner"].sum() == 24_220


def test_ranking_puts_missing_values_last(names: dict[str, str]) -> None:
    table = pd.DataFrame(
        {
            "ags": ["A", "B", "C", "D"],
            "einwohner": pd.array([1, 2, 3, 4], dtype="Float64"),
            "dichte": pd.array([5.0, None, 7.5, -1.0], dtype="Float64"),
        }
    )
    shown = ranking(table, [], INDICATORS["dichte"], {"A": "Aa"})
    assert shown["AGS"].tolist() == ["C", "A", "D", "B"]
    assert shown.columns.tolist() == [
        "AGS",
        "Gemeinde",
        "Einwohner",
        "Bevölkerungsdichte (Einw./km²)",
    ]


def test_ranking_labels_without_unit_and_for_population(
    table: pd.DataFrame, names: dict[str, str]
) -> None:
    index = ranking(table, KURSTADTREGION, INDICATORS["index"], names)
    assert index.columns[-1] == "Index (Basisjahr = 100)"
    people = ranking(table, KURSTADTREGION, INDICATORS["einwohner"], names)
    assert len(people.columns) == 3
    assert people.columns.is_unique
    assert people.iloc[:, -1].astype(float).is_monotonic_decreasing


def test_ranking_of_germany_has_every_municipality(
    table: pd.DataFrame, names: dict[str, str]
) -> None:
    shown = ranking(table, [], INDICATORS["veraenderung_pct"], names)
    unincorporated = table["type"].str.startswith("Gemeindefreies Gebiet")
    assert unincorporated.sum() == 209  # 31.12.2022: left out, they are no municipalities
    assert len(shown) == len(table) - 209
    assert not set(shown["AGS"]) & set(table.loc[unincorporated, "ags"])
    column = shown["Veränderung seit Basisjahr (%)"]
    missing = column.isna().to_numpy()
    assert missing.any()
    assert not missing[: (~missing).sum()].any(), "missing values must come last"


# ---------------------------------------------------------------------------------------------
# legend and labels
# ---------------------------------------------------------------------------------------------


def german_number(text: str) -> float:
    return float(text.replace(".", "").replace(",", ".").replace("\u2212", "-"))


def lower_bounds(items: list[tuple[str, str]]) -> list[float]:
    bounds = []
    for _, label in items[1:-1]:
        bounds.append(german_number(re.match(r"(?:ab )?(\u2212?[\d.,]+)", label).group(1)))
    return bounds


@pytest.mark.parametrize("key", list(INDICATORS))
def test_legend_matches_the_map_classes(table: pd.DataFrame, key: str) -> None:
    indicator = INDICATORS[key]
    centre = 100.0 if key == "index" else 0.0
    breaks, classes = classify(table[key], indicator.diverging, centre)
    items = legend_items(breaks, indicator)
    assert len(items) == len(breaks) + 2
    assert items[-1] == (MISSING_COLOUR, "keine Angabe")
    assert items[0][1].startswith("unter ")
    assert items[-2][1].startswith("ab ")
    bounds = lower_bounds(items)
    assert bounds == sorted(bounds)
    palette = DIVERGING if indicator.diverging else SEQUENTIAL
    # Each municipality's colour on the map is the colour of the legend row its value falls in.
    values = table[key].astype("Float64").astype(float).to_numpy()
    rows = np.searchsorted(np.asarray(breaks), values, side="right")
    for value, row, cls in zip(values, rows, classes, strict=True):
        if np.isnan(value):
            assert cls == -1
        else:
            assert items[row][0] == palette[cls], (key, value)


def test_legend_for_one_sided_growth() -> None:
    indicator = INDICATORS["veraenderung_pct"]
    breaks, classes = classify(pd.Series([1.0, 2.0, 3.0, 4.0, 5.0, 6.0]), True)
    items = legend_items(breaks, indicator)
    assert [c for c, _ in items[1:-1]] == list(DIVERGING[3:])
    assert {DIVERGING[c] for c in classes} <= {c for c, _ in items[1:-1]}


def test_legend_labels_literal() -> None:
    items = legend_items([-6.5667, -2.83, 0.0, 3.72, 7.7], INDICATORS["veraenderung_pct"])
    assert [label for _, label in items] == [
        "unter −6,6",
        "−6,6 bis unter −2,8",
        "−2,8 bis unter 0,0",
        "0,0 bis unter 3,7",
        "3,7 bis unter 7,7",
        "ab 7,7",
        "keine Angabe",
    ]
    assert [colour for colour, _ in items] == [*DIVERGING, MISSING_COLOUR]
    dense = legend_items([120.0, 1500.0], INDICATORS["dichte"])
    assert [label for _, label in dense] == [
        "unter 120",
        "120 bis unter 1.500",
        "ab 1.500",
        "keine Angabe",
    ]


def test_value_labels_german_format() -> None:
    values = pd.Series([6877, -1832, 1234567.89, None], dtype="Float64")
    assert value_labels(values, INDICATORS["einwohner"]) == [
        "Einwohner: 6.877 Personen",
        "Einwohner: −1.832 Personen",
        "Einwohner: 1.234.568 Personen",
        "keine Angabe",
    ]
    assert value_labels(pd.Series([3.898, -7.0321]), INDICATORS["veraenderung_pct"]) == [
        "Veränderung seit Basisjahr: 3,9 %",
        "Veränderung seit Basisjahr: −7,0 %",
    ]
    # No unit: no trailing blank.
    assert value_labels(pd.Series([103.9]), INDICATORS["index"]) == [
        "Index (Basisjahr = 100): 103,9"
    ]
    assert value_labels(pd.Series([1234.56]), INDICATORS["flaeche"]) == ["Fläche: 1.234,6 km²"]


# ---------------------------------------------------------------------------------------------
# maps
# ---------------------------------------------------------------------------------------------


def encoded_choropleths(fmap: folium.Map) -> list[maps.EncodedChoropleth]:
    return [c for c in fmap._children.values() if isinstance(c, maps.EncodedChoropleth)]


def test_germany_map_is_offline_and_colours_every_municipality(
    local_leaflet: None, names: dict[str, str]
) -> None:
    # The app's default: every year on the territory of 31.12.2022.
    table = municipality_table(datastore.read_population_2022(), 2022, 2012)
    layer_ags, layer_json = datastore.read_web_layer()
    states = datastore.read_states()
    indicator = INDICATORS["veraenderung_pct"]
    fmap, breaks = germany_map(layer_ags, layer_json, states, table, names, indicator)
    html = fmap.get_root().render()
    external = re.findall(r"<(?:script|link)\b[^>]*(?:src|href)=\"https?://[^\"]*\"", html)
    assert external == []
    assert "https://" not in html
    # Only the app's own copies: Leaflet and the polyline decoder (both fetched from npm).
    assert sorted(re.findall(r"<script[^>]*\bsrc=\"([^\"]+)\"", html)) == [
        "/app/static/vendor/leaflet/leaflet.js",
        "/app/static/vendor/polyline/polyline.js",
    ]

    (layer,) = encoded_choropleths(fmap)
    assert len(layer_ags) == 10_990
    assert len(layer.colours) == len(layer.labels) == len(layer_ags)
    # The colour indices as written into the map's script, right after the encoded layer.
    start = html.index(layer_json) + len(layer_json)
    assert html[start : start + 2] == ", "
    written, _ = json.JSONDecoder().raw_decode(html[start + 2 :])
    assert written == layer.colours
    assert set(written) <= {-1, *range(len(DIVERGING))}
    # Gröditz (−9.82 % like for like: 7,626 → 6,877) is coloured as classify() puts it; every
    # polygon has a row in the 2022 table (none is grey for a merger).
    _, classes = classify(table.set_index("ags")[indicator.key].reindex(layer_ags), True)
    assert written == classes
    groeditz = layer_ags.index(GROEDITZ)
    assert 0 <= written[groeditz] <= 2  # a decline: the red half
    assert layer.labels[groeditz].startswith("Gröditz")
    assert "−9,8 %" in layer.labels[groeditz]
    present = set(table["ags"])
    assert all(a in present for a in layer_ags)
    grey = {layer_ags[i] for i, c in enumerate(written) if c == -1}
    types = table.set_index("ags")["type"].reindex(sorted(grey))
    assert types.str.startswith("Gemeindefreies Gebiet").all()  # uninhabited: no change rate
    assert len(breaks) == 5


def test_selection_map_of_kurstadtregion(
    local_leaflet: None, table: pd.DataFrame, names: dict[str, str]
) -> None:
    shapes = datastore.read_municipality_shapes("regional")
    states = datastore.read_states()
    indicator = INDICATORS["veraenderung_pct"]
    fmap, breaks = selection_map(shapes, states, table, KURSTADTREGION, indicator)
    layers = [c for c in fmap._children.values() if getattr(c, "layer_name", "") == "Indikator"]
    assert len(layers) == 1
    features = layers[0].data["features"]
    assert sorted(f["properties"]["ags"] for f in features) == KURSTADTREGION
    # All four lost inhabitants since 2012: red half of the diverging palette.
    assert {f["properties"]["fill"] for f in features} <= set(DIVERGING[:3])
    assert all(f["properties"]["label"].startswith("Veränderung") for f in features)
    assert breaks and max(breaks) == 0.0
    assert "https://" not in fmap.get_root().render()


def test_districts_of() -> None:
    ags = ["14627050", "14627340", "12062024", "14627240"]
    assert districts_of(ags) == ["14627", "12062"]
    assert districts_of([]) == []


# ---------------------------------------------------------------------------------------------
# encoded polylines (databuild.webgeometry), decoded with the `polyline` library as the browser
# decodes them with @mapbox/polyline (assets/encoded_layer.js)
# ---------------------------------------------------------------------------------------------


def test_encode_ring_matches_googles_reference_example() -> None:
    # developers.google.com/maps/documentation/utilities/polylinealgorithm
    ring = [(-120.2, 38.5), (-120.95, 40.7), (-126.453, 43.252), (-120.2, 38.5)]
    encoded = encode_ring(ring, precision=5)
    assert encoded == "_p~iF~ps|U_ulLnnqC_mqNvxq`@"
    expected = [(38.5, -120.2), (40.7, -120.95), (43.252, -126.453)]
    np.testing.assert_allclose(polyline.decode(encoded, 5), expected, atol=1e-9)


def test_encode_decode_round_trip_with_negative_and_large_steps() -> None:
    ring = [(13.4, 52.5), (-0.001, -33.9), (179.999, 0.0), (5.0005, 47.0004), (13.4, 52.5)]
    points = polyline.decode(encode_ring(ring), 3)
    assert len(points) == len(ring) - 1  # the closing vertex is dropped
    for (lon, lat), (dlat, dlon) in zip(ring[:-1], points, strict=True):
        assert abs(dlat - lat) <= 5e-4 + 1e-12
        assert abs(dlon - lon) <= 5e-4 + 1e-12


@pytest.fixture(scope="module")
def web_layer() -> dict:
    return json.loads(WEB_LAYER.read_text(encoding="utf-8"))


def test_groeditz_polygon_decodes_to_its_shape(web_layer: dict) -> None:
    shapes = datastore.read_municipality_shapes("overview").set_index("ags")
    geometry = shapes.loc[GROEDITZ, "geometry"]
    precision = web_layer["precision"]
    encoded = web_layer["geometry"][web_layer["ags"].index(GROEDITZ)]
    polygons = list(shapely.get_parts(geometry))
    assert len(encoded) == len(polygons)
    for rings, polygon in zip(encoded, polygons, strict=True):
        originals = [polygon.exterior, *polygon.interiors]
        assert len(rings) == len(originals)
        for text, ring in zip(rings, originals, strict=True):
            points = polyline.decode(text, precision)
            coords = list(ring.coords)[:-1]
            assert len(points) == len(coords) >= 3
            for (lat, lon), (x, y) in zip(points, coords, strict=True):
                assert abs(lat - y) < 1e-3 and abs(lon - x) < 1e-3
    # The file is what the encoder makes of today's overview shape.
    assert encoded == encode_geometry(geometry)


def test_every_encoded_municipality_lies_in_germany(web_layer: dict) -> None:
    precision = web_layer["precision"]
    assert len(web_layer["ags"]) == len(web_layer["geometry"]) == 10_990
    for ags, polygons in zip(web_layer["ags"], web_layer["geometry"], strict=True):
        assert polygons, ags
        for rings in polygons:
            outer = polyline.decode(rings[0], precision)
            assert len(outer) >= 3, ags
            lats, lons = zip(*outer, strict=True)
            assert min(lats) >= 47.2 and max(lats) <= 55.1, ags
            assert min(lons) >= 5.8 and max(lons) <= 15.1, ags


def test_web_layer_payload_hides_template_braces(web_layer: dict) -> None:
    ags, payload = datastore.read_web_layer()
    assert ags == web_layer["ags"]
    assert "{" not in payload  # folium re-reads map scripts as Jinja templates
    assert json.loads(payload) == [web_layer["precision"], web_layer["geometry"]]


# ---------------------------------------------------------------------------------------------
# charts
# ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def kurstadt_long(population: pd.DataFrame, cooperations: list[dict], names: dict) -> pd.DataFrame:
    selection = Selection(regions=("kurstadtregion-elbe-elster",))
    return comparison_long(population, selection, cooperations, names, "veraenderung_pct", 2012)


def test_time_chart_breaks_every_line_at_the_census(kurstadt_long: pd.DataFrame) -> None:
    figure = make_time_chart(kurstadt_long, INDICATORS["veraenderung_pct"], 2012)
    assert [t.name for t in figure.data] == ["Kurstadtregion", "Brandenburg", "Deutschland"]
    for trace in figure.data:
        x, y = list(trace.x), list(trace.y)
        assert x == [2010, 2011, BREAK_X, *range(2012, 2023)]
        assert y[2] is None or np.isnan(y[2])
        assert trace.connectgaps is False
    region = figure.data[0]
    assert region.y[-1] == pytest.approx(-7.03)
    assert region.customdata[-1] == "−7,0 %"  # German hover label, true minus sign
    vlines = [s.x0 for s in figure.layout.shapes]
    assert BREAK_X == 2011.5
    assert vlines == [BREAK_X, 2012]  # census break, base year
    census, base = figure.layout.annotations
    assert "Zensus 2011" in census.text and census.x == BREAK_X
    # The base-year line is labelled too; the two labels stand in two rows, so they never
    # overlap, and both read into the chart from their line.
    assert base.text == "Basisjahr 2012" and base.x == 2012
    assert (census.xanchor, base.xanchor) == ("left", "left")
    assert census.yshift > base.yshift == 0
    assert figure.layout.margin.t >= 2 * census.yshift
    # The labels do not widen the axis (on a phone that squeezed the lines into a third).
    assert list(figure.layout.xaxis.range) == [2009.5, 2022.5]
    assert figure.layout.separators == ",."


def test_a_late_base_year_is_labelled_towards_the_chart(
    population: pd.DataFrame, cooperations: list[dict], names: dict[str, str]
) -> None:
    selection = Selection(regions=("kurstadtregion-elbe-elster",))
    long = comparison_long(population, selection, cooperations, names, "veraenderung_pct", 2021)
    figure = make_time_chart(long, INDICATORS["veraenderung_pct"], 2021)
    census, base = figure.layout.annotations
    assert base.text == "Basisjahr 2021" and base.xanchor == "right"  # not past the right edge
    assert census.xanchor == "left"


def test_counts_of_very_different_size_get_one_panel_each(
    population: pd.DataFrame, cooperations: list[dict], names: dict[str, str]
) -> None:
    selection = Selection(regions=("kurstadtregion-elbe-elster",))
    long = comparison_long(population, selection, cooperations, names, "einwohner", 2012)
    figure = make_time_chart(long, INDICATORS["einwohner"], 2012)
    assert [t.name for t in figure.data] == ["Kurstadtregion", "Brandenburg", "Deutschland"]
    axes = [t.yaxis for t in figure.data]
    assert axes == ["y", "y2", "y3"]  # own axis each: 24,000 is no flat line under 83 million
    texts = [a.text for a in figure.layout.annotations]
    assert texts[:3] == ["Kurstadtregion", "Brandenburg", "Deutschland"]  # panel titles
    assert "Basisjahr 2012" not in texts  # no base line for counts
    assert any("Index (Basisjahr = 100)" in text for text in texts)  # the way to compare
    assert figure.layout.yaxis.tickformat == ",.0f" and figure.layout.separators == ",."
    # Percentages share one axis as before.
    same = make_time_chart(
        comparison_long(population, selection, cooperations, names, "veraenderung_pct", 2012),
        INDICATORS["veraenderung_pct"],
        2012,
    )
    assert {t.yaxis for t in same.data} <= {None, "y"}


def test_time_chart_gap_year_stays_a_gap(kurstadt_long: pd.DataFrame) -> None:
    figure = make_time_chart(kurstadt_long, INDICATORS["veraenderung_pct"], 2012)
    germany = figure.data[2]
    position = list(germany.x).index(2016)
    assert pd.isna(germany.y[position])
    assert germany.customdata[position] == ""


def test_time_chart_without_change_has_no_base_line(
    population: pd.DataFrame, cooperations: list[dict], names: dict[str, str]
) -> None:
    long = comparison_long(population, Selection(ags=GROEDITZ), cooperations, names, "dichte", 2012)
    figure = make_time_chart(long, INDICATORS["dichte"], 2012, large=True)
    assert [s.x0 for s in figure.layout.shapes] == [BREAK_X]
    assert figure.layout.yaxis.title.text == "Bevölkerungsdichte (Einw./km²)"
    assert figure.layout.font.size == 18


def test_pyramid_chart_men_left_women_right() -> None:
    district_age = datastore.read_district_age()
    frame = pyramid(district_age, ["14627", "12062"], 2018)
    figure = make_pyramid(frame)
    men, women = figure.data
    assert (men.name, women.name) == ("Männer", "Frauen")
    assert all(v <= 0 for v in men.x) and all(v >= 0 for v in women.x)
    assert -sum(men.x) + sum(women.x) == frame["population"].sum()
    ages = list(men.y)
    assert (ages[0], ages[-1]) == ("unter 3 Jahre", "75 Jahre und mehr")


def test_pyramid_chart_of_a_district_without_age_data() -> None:
    # District 03159 (Göttingen) only exists from 2016; 07000/13000 are unpopulated areas.
    district_age = datastore.read_district_age()
    frame = pyramid(district_age, ["03159"], 2015)
    assert frame.empty
    figure = make_pyramid(frame)  # must not raise: the page shows it for any selection
    assert len(figure.data) == 2


def test_dependency_table_keeps_the_chosen_districts_with_german_headers() -> None:
    ratios = pd.DataFrame(
        {
            "district_key": ["14627", "12062", "09162"],
            "district_name": ["Meißen, Landkreis", "Elbe-Elster, Landkreis", "München"],
            "youth_ratio": [27.3, 32.0, 30.1],
            "old_age_ratio": [49.4, 49.9, 28.0],
        }
    )
    table = dependency_table(ratios, ["12062", "14627"], short=False)
    assert list(table.columns) == ["Kreis", "Jugendquotient", "Altenquotient"]
    assert table["Kreis"].tolist() == ["Meißen, Landkreis", "Elbe-Elster, Landkreis"]
    short = dependency_table(ratios, ["09162"], short=True)
    assert list(short.columns) == ["Kreis", "Jugend", "Alten"] and short["Alten"].tolist() == [28.0]
    assert dependency_table(ratios, ["99999"], short=False).empty
