"""The built maps (folium HTML) and charts: palette, overlaps, host star, scale, labels, legend."""

from __future__ import annotations

import json
import re

import pytest

from ksg_dashboard.app.cache import load_overview_data, load_tour_data
from ksg_dashboard.charts import figures as charts
from ksg_dashboard.core import palette
from ksg_dashboard.core.selection import Selection, selected_ags
from ksg_dashboard.data.datastore import read_cooperations
from ksg_dashboard.demography.model import INDICATORS
from ksg_dashboard.maps import builders as maps
from ksg_dashboard.maps import render_cache as map_cache
from ksg_dashboard.maps.layers import region_colours
from ksg_dashboard.overview import model as overview
from ksg_dashboard.tour import charts as tour_charts

OKABE_ITO = {c.lower() for c in palette.OKABE_ITO}


def view(selection: Selection, online: bool = False, presenter: bool = False):
    data = load_overview_data()
    ags = selected_ags(selection, data.cooperations, data.register)
    fmap, legend = overview.build_view(
        data, selection, ags, online_tiles=online, presenter=presenter
    )
    return map_cache.render(fmap, legend)


@pytest.fixture(scope="module")
def region_view():
    return view(Selection(regions=("region-in-bewegung",)))


def features(script: str, layer_name: str | None = None) -> list[dict]:
    """GeoJSON features embedded in a rendered folium script."""
    found = []
    for match in re.finditer(r'"type": "FeatureCollection"', script):
        start = script.rfind("{", 0, match.start())
        depth, end = 0, start
        for end in range(start, len(script)):
            depth += {"{": 1, "}": -1}.get(script[end], 0)
            if depth == 0:
                break
        found.extend(json.loads(script[start : end + 1])["features"])
    return found


def style_calls(script: str) -> list[dict]:
    return [json.loads(m) for m in re.findall(r"return (\{[^{}]*\"fillColor\"[^{}]*\});", script)]


def test_cooperation_colours_are_fixed_by_id_and_okabe_ito():
    cooperations = read_cooperations()
    colours = region_colours(cooperations)
    assert colours == region_colours(list(reversed(cooperations)))
    assert region_colours(cooperations[2:3]) == {
        cooperations[2]["id"]: colours[cooperations[2]["id"]]
    }
    assert len(set(colours.values())) == len(cooperations)
    assert {c.lower() for c in colours.values()} <= OKABE_ITO
    assert palette.region_colours(["eigene-auswahl"])["eigene-auswahl"] == palette.VERMILLION
    # The planner's list is no longer black (a black translucent fill reads as grey/brown).
    assert palette.CUSTOM_COLOUR != "#000000"


def test_polygons_are_filled_only_with_palette_colours(region_view):
    fills = {s["fillColor"].lower() for s in style_calls(region_view.full_script)}
    region_fills = {c.lower() for c in region_colours(read_cooperations()).values()}
    assert region_fills & fills, fills
    for fill in fills:
        if fill.startswith("url(#ksg-hatch-"):
            assert "#" + fill.removeprefix("url(#ksg-hatch-").rstrip(")") in OKABE_ITO
        elif fill not in region_fills:
            assert fill in {"#ffffff", palette.MEASURE_COLOUR.lower()}, fill


def test_a_second_membership_is_hatched_not_a_second_fill(region_view):
    script = region_view.full_script
    assert "ksg-second-membership" in script
    assert "HatchPatterns" not in script or "ksg-hatch-" in script
    assert "p.setAttribute('patternTransform'" in script
    # Bad Liebenwerda (12062024) is in two cooperations: one filled feature, one hatched one.
    filled = [s for s in style_calls(script) if s["fillColor"].startswith("#")]
    hatched = [s for s in style_calls(script) if s["fillColor"].startswith("url(")]
    assert hatched and filled
    assert script.count('"12062024"') >= 2
    assert any(
        h[1] == palette.hatch_fill(palette.BLUE) for h in [("", s["fillColor"]) for s in hatched]
    )


def div_icons(script: str) -> dict[str, str]:
    """Name -> HTML of every DivIcon in a rendered script."""
    return {
        name: json.loads(f'"{raw}"')
        for name, raw in re.findall(
            r'var (div_icon_\w+) = L\.divIcon\(\{\s*"html": "((?:[^"\\]|\\.)*)"', script
        )
    }


def marker_options(script: str, icon_name: str) -> tuple[str, dict]:
    """(marker name, options) of the marker that shows a DivIcon."""
    marker = re.search(rf"(marker_\w+)\.setIcon\({icon_name}\)", script).group(1)
    options = re.search(
        rf"var {marker} = L\.marker\(\s*\[[^\]]*\],\s*(\{{[^}}]*\}})", script
    ).group(1)
    return marker, json.loads(re.sub(r",\s*}", "}", options))


def test_the_host_star_does_not_take_clicks(region_view):
    script = region_view.full_script
    host = [name for name, markup in div_icons(script).items() if 'class="ksg-host"' in markup]
    assert len(host) == 1
    marker, options = marker_options(script, host[0])
    assert options["interactive"] is False
    assert f"{marker}.bindTooltip" not in script
    # Its information stays reachable: the label on the map and the legend entry.
    assert "Gröditz (Gastgeber)" in div_icons(script)[host[0]]
    assert any(colour.startswith("star:") for colour, _ in region_view.extra)


def member_labels(script: str) -> list[tuple[int, str]]:
    found = []
    for markup in div_icons(script).values():
        match = re.fullmatch(r'<div class="ksg-label" style="font-size:(\d+)px">(.*)</div>', markup)
        if match:
            found.append((int(match.group(1)), match.group(2)))
    return found


def test_scale_bar_is_metric_only(region_view):
    assert "L.control.scale({metric: true, imperial: false})" in region_view.full_script
    assert "L.control.scale()" not in region_view.full_script


def test_members_are_labelled_at_regional_zoom_and_large_in_presenter_mode(region_view):
    cooperation = next(c for c in read_cooperations() if c["id"] == "region-in-bewegung")
    names = load_overview_data().shapes.attributes.set_index("ags")["name"]
    labels = member_labels(region_view.full_script)
    labelled = {name for _, name in labels}
    for ags in cooperation["member_ags"]:
        if ags != overview.HOST_AGS:
            assert maps.html_text(names[ags]) in labelled
    assert {px for px, _ in labels} == {maps.LABEL_PX}
    presenter = view(Selection(regions=("region-in-bewegung",)), presenter=True)
    sizes = {px for px, _ in member_labels(presenter.full_script)}
    assert sizes and min(sizes) >= 18
    assert member_labels(view(Selection()).script) == []  # Germany-wide: no member labels
    # Labels are kept inside the map's edge after every move.
    assert "map.on('moveend zoomend resize', fit)" in region_view.full_script


def test_legend_lists_only_what_is_in_view(region_view):
    labels = [label for _, label in region_view.extra]
    assert "Region in Bewegung" in labels and "Kurstadtregion" in labels
    for far in ("Mittelbereich Templin", "AG Bachtal", "Bad Berleburg"):
        assert far not in labels
    assert overview.HATCH_LEGEND in labels
    germany = [label for _, label in view(Selection()).extra]
    for cooperation in read_cooperations():
        assert cooperation["short_name"] in germany


def test_map_names_its_scope():
    assert '"Karte: Region in Bewegung"' in view(Selection(regions=("region-in-bewegung",))).script


def test_online_tiles_report_when_they_cannot_load():
    script = view(Selection(), online=True).script
    assert ".on('tileerror'" in script
    assert maps.TILE_ERROR_NOTICE in json.loads(
        re.search(r"box\.textContent = (\"[^\"]*\");", script).group(1)
    )
    assert "tileerror" not in view(Selection(), online=False).script


def test_time_chart_colours_a_region_as_on_the_map():
    import pandas as pd

    long = pd.DataFrame(
        {
            "series": ["Kurstadtregion"] * 2 + ["Brandenburg"] * 2 + ["Deutschland"] * 2,
            "year": [2012, 2013] * 3,
            "value": [1.0, 2.0, 1.0, 2.0, 1.0, 2.0],
        }
    )
    indicator = (
        INDICATORS["einwohner"] if "einwohner" in INDICATORS else next(iter(INDICATORS.values()))
    )
    figure = charts.make_time_chart(
        long, indicator, 2012, region_colours={"Kurstadtregion": palette.BLUE}
    )
    colours = {t.name: t.line.color for t in figure.data if t.name}
    assert colours["Kurstadtregion"] == palette.BLUE
    assert colours["Deutschland"] == palette.BLACK
    assert colours["Brandenburg"] not in palette.COOPERATION_COLOURS.values()


def test_tour_map_uses_the_palette_and_explains_the_hatching():
    data = load_tour_data()
    for region, colour in data.colours.items():
        assert colour == palette.COOPERATION_COLOURS[region]
    fmap = tour_charts.build_tour_map(data.plan, data.members, data.outlines, data.colours)
    script = map_cache.render(fmap).full_script
    assert "ksg-second-membership" in script
    regions = list(dict.fromkeys(data.members["region"]))
    items = tour_charts.legend_items(regions, data.colours, data.cooperation_names, data.members)
    assert any(c.startswith("hatch:") for c, _ in items)


def test_migration_chart_colours_a_region_as_on_the_map():
    import pandas as pd

    from ksg_dashboard.demography.themes.charts import make_migration_chart

    frame = pd.DataFrame(
        {
            "series": ["AG Bachtal", "Bayern", "Deutschland"],
            "age_group": ["unter 18 Jahre"] * 3,
            "value": [1.0, 2.0, 3.0],
        }
    )
    figure = make_migration_chart(frame, region_colours={"AG Bachtal": palette.REDDISH_PURPLE})
    colours = {t.name: t.marker.color for t in figure.data}
    assert colours == {
        "AG Bachtal": palette.REDDISH_PURPLE,
        "Bayern": palette.REFERENCE_COLOURS[0],
        "Deutschland": palette.BLACK,
    }


def test_tour_stop_labels_are_large_in_presenter_mode():
    data = load_tour_data()
    normal = tour_charts.build_tour_map(data.plan, data.members, data.outlines, data.colours)
    big = tour_charts.build_tour_map(
        data.plan, data.members, data.outlines, data.colours, presenter=True
    )
    sizes = [int(px) for px in re.findall(r"font-size: (\d+)px", map_cache.render(big).header)]
    assert (
        min(
            int(px)
            for px in re.findall(
                r"\.ksg-stop-label \{ font-size: (\d+)px", map_cache.render(big).header
            )
        )
        >= 18
    )
    assert sizes
    assert ".ksg-stop-label { font-size: 18px" not in map_cache.render(normal).header
