"""Folium map builders (no Streamlit): offline base layers, regions, measures, selection."""

from __future__ import annotations

import html
from pathlib import Path

import folium
import geopandas as gpd
import pandas as pd
from branca.element import MacroElement
from jinja2 import Template

from ksg_dashboard.mapdata import GERMANY_BOUNDS, HOST_COLOUR, MEASURE_COLOUR
from ksg_dashboard.offline import leaflet_image_path

OUTLINE_STATE = {"color": "#7a8793", "weight": 1.2, "fill": False}
OUTLINE_DISTRICT = {"color": "#b7c0c8", "weight": 0.6, "fill": False}
CONTEXT_STYLE = {"color": "#9aa5b1", "weight": 0.5, "fillColor": "#ffffff", "fillOpacity": 0.05}
SELECTED_STYLE = {"color": "#111111", "weight": 4, "fill": False}
BACKGROUND = "#eef2f5"
ONLINE_TILES_ATTRIBUTION = "© OpenStreetMap-Mitwirkende"


class IconImagePath(MacroElement):
    """Leaflet's marker image folder, set in the map's own script.

    streamlit-folium renders only the scripts of the map's children, not the root script.
    """

    _template = Template(
        "{% macro script(this, kwargs) %}"
        "L.Icon.Default.imagePath = {{ this.path|tojson }};"
        "{% endmacro %}"
    )

    def __init__(self, path: str) -> None:
        super().__init__()
        self._name = "IconImagePath"
        self.path = path


class NoTabStops(MacroElement):
    """Map features are no Tab stops (the map container stays one).

    Leaflet listens for focus on every feature with a tooltip, and Chromium makes such SVG
    paths focusable: a keyboard user had to tab through every polygon to get past the map.
    What a click on the map does is reachable with the buttons and selects beside it.
    """

    _template = Template(
        "{% macro script(this, kwargs) %}"
        "(function (map) {"
        " function off() { map.getContainer().querySelectorAll("
        "'.leaflet-interactive:not([tabindex])').forEach(function (e) {"
        " e.setAttribute('tabindex', '-1'); }); }"
        " map.on('layeradd', function () { setTimeout(off, 0); });"
        " map.whenReady(function () { setTimeout(off, 0); });"
        "})({{ this._parent.get_name() }});"
        "{% endmacro %}"
    )

    def __init__(self) -> None:
        super().__init__()
        self._name = "NoTabStops"


def html_text(value: object) -> str:
    """Text for Leaflet tooltips/popups (rendered as HTML): escaped, and "{" written as an
    entity because branca re-reads map scripts as Jinja templates ("{{" would be syntax)."""
    return html.escape(str(value)).replace("{", "&#123;")


def escaped(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """Copy with text columns made safe for tooltips and popups (see html_text)."""
    result = frame.copy()
    for column in columns:
        result[column] = result[column].map(lambda v: html_text(v) if pd.notna(v) else "")
    return result


def base_map(bounds: tuple[tuple, tuple] | None, online_tiles: bool = False) -> folium.Map:
    """An empty map fitted to bounds; no tiles unless the optional online layer is switched on."""
    fmap = folium.Map(
        tiles=None,
        prefer_canvas=False,
        zoom_snap=0.25,
        control_scale=True,
        attribution_control=True,
        # Leaflet's keyboard handler focuses the map on the first click, which scrolls the
        # page inside the component iframe and swallows that click.
        keyboard=False,
    )
    fmap.get_root().header.add_child(
        folium.Element(
            f"<style>.leaflet-container{{background:{BACKGROUND};}}"
            ".ksg-tip{white-space:normal;width:max-content;max-width:220px;}</style>"
        )
    )
    fmap.add_child(IconImagePath(leaflet_image_path()))
    fmap.add_child(NoTabStops())
    if online_tiles:
        folium.TileLayer("OpenStreetMap", attr=ONLINE_TILES_ATTRIBUTION, name="OSM").add_to(fmap)
    fmap.fit_bounds(bounds or GERMANY_BOUNDS)
    return fmap


def add_outlines(fmap: folium.Map, frame: gpd.GeoDataFrame, style: dict, name: str) -> None:
    """Non-interactive outlines (states, districts) as the offline basemap."""
    if frame.empty:
        return
    folium.GeoJson(
        frame[["geometry"]],
        name=name,
        style_function=lambda _: style,
        interactive=False,
        control=False,
    ).add_to(fmap)


def add_context_municipalities(fmap: folium.Map, frame: gpd.GeoDataFrame) -> None:
    """Clickable municipalities around the selection (thin grey), with name and AGS tooltip."""
    if frame.empty:
        return
    data = escaped(frame[["ags", "name", "population_label", "geometry"]], ["name"])
    folium.GeoJson(
        data,
        name="Gemeinden",
        style_function=lambda _: CONTEXT_STYLE,
        highlight_function=lambda _: {"weight": 2, "color": "#444"},
        tooltip=folium.GeoJsonTooltip(
            fields=["name", "ags", "population_label"],
            aliases=["Gemeinde", "AGS", "Einwohner"],
        ),
        control=False,
    ).add_to(fmap)


def add_measures(fmap: folium.Map, members: gpd.GeoDataFrame, points: pd.DataFrame) -> None:
    """Programme municipalities (filled) and a marker at each measure's lead town."""
    if not members.empty:
        data = escaped(
            members[["ags", "name", "measure", "measure_name", "population_label", "geometry"]],
            ["name", "measure_name"],
        )
        folium.GeoJson(
            data,
            name="Programmkommunen",
            style_function=lambda _: {
                "color": MEASURE_COLOUR,
                "weight": 1,
                "fillColor": MEASURE_COLOUR,
                "fillOpacity": 0.25,
            },
            highlight_function=lambda _: {"weight": 3},
            tooltip=folium.GeoJsonTooltip(
                fields=["name", "ags", "population_label", "measure_name"],
                aliases=["Gemeinde", "AGS", "Einwohner", "Praxisbeispiel"],
            ),
            control=False,
        ).add_to(fmap)
    for row in escaped(points, ["name"]).itertuples():
        folium.CircleMarker(
            location=(row.lat, row.lon),
            radius=4,
            color="#ffffff",
            weight=1,
            fill=True,
            fill_color=MEASURE_COLOUR,
            fill_opacity=0.9,
            tooltip=f"Praxisbeispiel: {row.name}",
        ).add_to(fmap)


def add_regions(
    fmap: folium.Map,
    members: gpd.GeoDataFrame,
    outlines: gpd.GeoDataFrame,
    fill_opacity: float = 0.45,
) -> None:
    """Cooperation regions: members filled in the region colour, dissolved outline on top.

    Outlines of later regions are dashed, so a border two regions share (Bad Liebenwerda is in
    two cooperations) shows both colours.
    """
    if members.empty:
        return
    data = escaped(
        members[["ags", "name", "region", "region_name", "colour", "population_label", "geometry"]],
        ["name", "region_name"],
    )
    folium.GeoJson(
        data,
        name="Kooperationen",
        style_function=lambda f: {
            "color": f["properties"]["colour"],
            "weight": 1,
            "fillColor": f["properties"]["colour"],
            "fillOpacity": fill_opacity,
        },
        highlight_function=lambda _: {"weight": 3, "fillOpacity": min(fill_opacity + 0.2, 0.9)},
        tooltip=folium.GeoJsonTooltip(
            fields=["name", "ags", "population_label", "region_name"],
            aliases=["Gemeinde", "AGS", "Einwohner", "Kooperation"],
        ),
        control=False,
    ).add_to(fmap)
    order = list(dict.fromkeys(members["region"]))  # file order of the cooperations
    for position, region in enumerate(order):
        folium.GeoJson(
            outlines.loc[outlines["region"] == region, ["region", "colour", "geometry"]],
            name=f"Kooperationsraum {region}",
            style_function=lambda f, dashed=position > 0: {
                "color": f["properties"]["colour"],
                "weight": 3.5,
                "fill": False,
                "dashArray": "10 7" if dashed else None,
            },
            interactive=False,
            control=False,
        ).add_to(fmap)


def add_region_areas(fmap: folium.Map, areas: gpd.GeoDataFrame) -> None:
    """Large regions as one filled outline each, with name and member count as tooltip."""
    if areas.empty:
        return
    folium.GeoJson(
        escaped(areas, ["region_name", "members"]),
        name="Große Auswahl",
        style_function=lambda f: {
            "color": f["properties"]["colour"],
            "weight": 2.5,
            "fillColor": f["properties"]["colour"],
            "fillOpacity": 0.2,
        },
        tooltip=folium.GeoJsonTooltip(fields=["region_name", "members"], labels=False),
        control=False,
    ).add_to(fmap)


def add_associations(fmap: folium.Map, frame: gpd.GeoDataFrame) -> None:
    """Gemeindeverbände as outlines in the colour of their type; only the line reacts (tooltip
    with name and type), so clicks inside still reach the municipalities below."""
    if frame.empty:
        return
    data = escaped(
        frame[["association_key", "display_name", "type", "members_label", "colour", "geometry"]],
        ["display_name", "type", "members_label"],
    )
    folium.GeoJson(
        data,
        name="Gemeindeverbände",
        style_function=lambda f: {
            "color": f["properties"]["colour"],
            "weight": 2.2,
            "opacity": 0.9,
            "fill": False,
            "dashArray": "6 4",
            "className": "ksg-association",
        },
        highlight_function=lambda _: {"weight": 4},
        tooltip=folium.GeoJsonTooltip(
            fields=["display_name", "type", "members_label"],
            aliases=["Gemeindeverband", "Art", "Mitglieder"],
        ),
        control=False,
    ).add_to(fmap)


def add_selected(fmap: folium.Map, frame: gpd.GeoDataFrame) -> None:
    """A bold outline around the selected municipality."""
    if frame.empty:
        return
    folium.GeoJson(
        frame[["geometry"]],
        name="Auswahl",
        style_function=lambda _: SELECTED_STYLE,
        interactive=False,
        control=False,
    ).add_to(fmap)


def add_host(fmap: folium.Map, lat: float, lon: float, label: str) -> None:
    """The host town as a labelled star (DivIcon: needs no icon fonts from a CDN)."""
    icon = folium.DivIcon(
        html=(
            f'<div class="ksg-host" style="color:{HOST_COLOUR};font-size:26px;line-height:26px;'
            f'text-shadow:0 0 3px #fff,0 0 3px #fff;white-space:nowrap">★'
            f'<span style="font-size:13px;color:#1d2630;font-weight:600">'
            f"{html.escape(label)}</span></div>"
        ),
        icon_size=(160, 26),
        icon_anchor=(13, 13),
    )
    folium.Marker((lat, lon), icon=icon, tooltip=html.escape(label)).add_to(fmap)


ENCODED_LAYER_JS = (Path(__file__).parent / "js" / "encoded_layer.js").read_text(encoding="utf-8")


FLAG_OUTLINE = "#111111"  # outline of polygons whose value spans a territorial change


class EncodedChoropleth(MacroElement):
    """All municipalities of Germany from encoded polylines, drawn on one canvas.

    A GeoJSON layer of 11,000 polygons is about 10 MB; the encoded rings are under 1 MB and
    the canvas renderer draws them in a fraction of the time of SVG paths.
    """

    _template = Template(
        "{% macro script(this, kwargs) %}"
        "{{ this.js }}\n"
        "ksgEncodedLayer({{ this._parent.get_name() }}, {{ this.layer }}, "
        "{{ this.colours|tojson }}, {{ this.palette|tojson }}, {{ this.labels|tojson }}, "
        "{{ this.missing|tojson }}, {{ this.flagged|tojson }});"
        "{% endmacro %}"
    )

    def __init__(
        self,
        layer_json: str,
        colours: list[int],
        palette: list[str],
        labels: list[tuple[str, str]],
        missing: str,
        flagged: list[int] | None = None,
    ) -> None:
        super().__init__()
        self._name = "EncodedChoropleth"
        # 1 = value spans a territorial change: drawn with a dark dashed outline.
        self.flagged = flagged
        self.js = ENCODED_LAYER_JS
        self.layer = layer_json
        self.colours = colours
        self.palette = list(palette)
        # Two lines (name, value): one long line overflows a narrow map.
        self.labels = [f"{html_text(title)}<br>{html_text(value)}" for title, value in labels]
        self.missing = missing


def add_choropleth(
    fmap: folium.Map,
    frame: gpd.GeoDataFrame,
    colours: list[str],
    label_column: str,
    flagged: list[bool] | None = None,
) -> None:
    """Municipality polygons (a selection) filled with precomputed colours, tooltip per feature;
    `flagged` polygons (values spanning a territorial change) get a dark dashed outline."""
    if frame.empty:
        return
    data = escaped(frame[["ags", "name", label_column, "geometry"]], ["name", label_column])
    data["fill"] = colours
    data["flagged"] = flagged if flagged is not None else [False] * len(data)
    folium.GeoJson(
        data,
        name="Indikator",
        style_function=lambda f: {
            "color": FLAG_OUTLINE if f["properties"]["flagged"] else "#ffffff",
            "weight": 2.0 if f["properties"]["flagged"] else 0.8,
            "dashArray": "5 3" if f["properties"]["flagged"] else None,
            "fillColor": f["properties"]["fill"],
            "fillOpacity": 0.9,
        },
        highlight_function=lambda _: {"weight": 2.5, "color": "#222"},
        tooltip=folium.GeoJsonTooltip(fields=["name", "ags", label_column], labels=False),
        control=False,
    ).add_to(fmap)
