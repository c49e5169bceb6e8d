"""Folium map builders (no Streamlit): offline base layers, regions, measures, selection."""

from __future__ import annotations

import html

import folium
import geopandas as gpd
import pandas as pd
from branca.element import MacroElement
from folium.elements import JSCSSMixin
from jinja2 import Template

from ksg_dashboard.assets import fill_asset, macro_template, one_line, read_asset
from ksg_dashboard.core import palette
from ksg_dashboard.maps import offline
from ksg_dashboard.maps.layers import GERMANY_BOUNDS, HOST_COLOUR, MEASURE_COLOUR
from ksg_dashboard.maps.offline import leaflet_image_path

OUTLINE_STATE = {"color": "#7a8793", "weight": 1.2, "fill": False}
OUTLINE_DISTRICT = {"color": "#b7c0c8", "weight": 0.6, "fill": False}
CONTEXT_STYLE = {"color": "#9aa5b1", "weight": 0.5, "fillColor": "#ffffff", "fillOpacity": 0.05}
SELECTED_STYLE = {"color": "#111111", "weight": 4, "fill": False}
BACKGROUND = "#eef2f5"
ONLINE_TILES_ATTRIBUTION = "© OpenStreetMap-Mitwirkende"
TILE_ERROR_NOTICE = "Online-Karte nicht erreichbar – Offline-Grundkarte wird gezeigt"
LABEL_PX = 13  # member labels at regional zoom
LABEL_PX_PRESENTER = 18  # what a room can read from a projector
MAP_BASE_CSS = f"<style>{one_line(fill_asset('map_base.css', background=BACKGROUND))}</style>"
LABEL_CSS = f"<style>{one_line(read_asset('map_labels.css'))}</style>"


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

    _template = macro_template("map_no_tab_stops.js")

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
        control_scale=False,  # Leaflet's default scale is metric and imperial: see MetricScale
        attribution_control=True,
        # Leaflet's keyboard handler focuses the map on the first click, which scrolls the
        # page inside the component iframe and swallows that click.
        keyboard=False,
    )
    fmap.get_root().header.add_child(folium.Element(MAP_BASE_CSS + LABEL_CSS))
    fmap.add_child(IconImagePath(leaflet_image_path()))
    fmap.add_child(MetricScale())
    fmap.add_child(NoTabStops())
    if online_tiles:
        tiles = folium.TileLayer("OpenStreetMap", attr=ONLINE_TILES_ATTRIBUTION, name="OSM")
        tiles.add_to(fmap)
        fmap.add_child(TileErrorNotice(tiles))
    fmap.add_child(LabelsInside())
    fmap.fit_bounds(bounds or GERMANY_BOUNDS)
    return fmap


class MetricScale(MacroElement):
    """A scale bar in metres and kilometres only."""

    _template = Template(
        "{% macro script(this, kwargs) %}"
        "L.control.scale({metric: true, imperial: false})"
        ".addTo({{ this._parent.get_name() }});"
        "{% endmacro %}"
    )

    def __init__(self) -> None:
        super().__init__()
        self._name = "MetricScale"


class TileErrorNotice(MacroElement):
    """A German notice on the map when online tiles fail to load (e.g. offline)."""

    _template = macro_template("map_tile_error.js")

    def __init__(self, tiles: folium.TileLayer, text: str = TILE_ERROR_NOTICE) -> None:
        super().__init__()
        self._name = "TileErrorNotice"
        self.tiles = tiles
        self.text = text


class LabelsInside(MacroElement):
    """Keeps map labels inside the map: a label that would be cut at the edge moves to the
    other side of its point (`.ksg-host-label`, `.ksg-stop-label`) or is shifted inwards
    (`.ksg-label`), after every move and zoom."""

    _template = macro_template("map_labels_inside.js")

    def __init__(self) -> None:
        super().__init__()
        self._name = "LabelsInside"


class MapScope(MacroElement):
    """Names what the map shows on its container (`aria-label`, `data-ksg-scope`), so
    screen readers and tests can tell which selection a drawn map belongs to."""

    _template = macro_template("map_scope.js")

    def __init__(self, scope: str) -> None:
        super().__init__()
        self._name = "MapScope"
        self.scope = scope


class HatchPatterns(MacroElement):
    """SVG hatch patterns, one per colour, for polygons with `fillColor: url(#ksg-hatch-…)`
    (a second membership drawn over the first region's fill)."""

    _template = macro_template("map_hatch_patterns.js")

    def __init__(self, colours: list[str]) -> None:
        super().__init__()
        self._name = "HatchPatterns"
        self.colours = colours


def add_outlines(fmap: folium.Map, frame: gpd.GeoDataFrame, style: dict, name: str) -> None:
    """Non-interactive outlines (states, districts as the offline basemap; the selection): they
    take no clicks, so the polygons below them stay clickable."""
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


def split_memberships(members: gpd.GeoDataFrame) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """(first membership of each municipality, further memberships), in drawing order.

    Every row gets `regions_label`: the names of all regions the municipality belongs to."""
    names = members.groupby("ags", sort=False)["region_name"].agg(" · ".join)
    frame = members.assign(regions_label=members["ags"].map(names))
    repeated = frame["ags"].duplicated(keep="first")
    return frame[~repeated], frame[repeated]


REGION_TOOLTIP_FIELDS = ["name", "ags", "population_label", "regions_label"]
REGION_TOOLTIP_ALIASES = ["Gemeinde", "AGS", "Einwohner", "Kooperation"]


def _add_member_fills(
    fmap: folium.Map, first: gpd.GeoDataFrame, further: gpd.GeoDataFrame, fill_opacity: float
) -> None:
    """Each member filled once in its first region's colour; `further` memberships hatched."""
    folium.GeoJson(
        escaped(first, ["name", "region_name", "regions_label"]),
        name="Kooperationen",
        style_function=lambda f: {
            "color": f["properties"]["colour"],
            "weight": 1,
            "fillColor": f["properties"]["colour"],
            "fillOpacity": fill_opacity,
        },
        highlight_function=lambda _: {"weight": 3, "fillOpacity": min(fill_opacity + 0.2, 0.9)},
        tooltip=folium.GeoJsonTooltip(fields=REGION_TOOLTIP_FIELDS, aliases=REGION_TOOLTIP_ALIASES),
        control=False,
    ).add_to(fmap)
    if further.empty:
        return
    fmap.add_child(HatchPatterns(sorted(set(further["colour"]))))
    folium.GeoJson(
        escaped(further, ["name", "region_name", "regions_label"]),
        name="Weitere Mitgliedschaft",
        style_function=lambda f: {
            "color": f["properties"]["colour"],
            "weight": 1.5,
            "fillColor": palette.hatch_fill(f["properties"]["colour"]),
            "fillOpacity": 0.85,
            "className": "ksg-second-membership",
        },
        highlight_function=lambda _: {"weight": 3},
        tooltip=folium.GeoJsonTooltip(fields=REGION_TOOLTIP_FIELDS, aliases=REGION_TOOLTIP_ALIASES),
        control=False,
    ).add_to(fmap)


def _add_region_outlines(
    fmap: folium.Map, members: gpd.GeoDataFrame, outlines: gpd.GeoDataFrame
) -> None:
    """Each region's dissolved outline in file order; later ones dashed."""
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


def add_regions(
    fmap: folium.Map,
    members: gpd.GeoDataFrame,
    outlines: gpd.GeoDataFrame,
    fill_opacity: float = 0.45,
) -> None:
    """Cooperation regions: members filled in the region colour, dissolved outline on top.

    A municipality in two regions (Bad Liebenwerda) is filled once, in its first region's
    colour, and hatched in the second one's: two translucent fills would mix into a third
    colour that reads as another region. Outlines of later regions are dashed, so a border
    two regions share shows both colours.
    """
    if members.empty:
        return
    columns = ["ags", "name", "region", "region_name", "colour", "population_label", "geometry"]
    first, further = split_memberships(members[columns])
    _add_member_fills(fmap, first, further, fill_opacity)
    _add_region_outlines(fmap, members, outlines)


def add_member_labels(fmap: folium.Map, members: gpd.GeoDataFrame, size_px: int) -> None:
    """Names of member municipalities at a point inside each polygon (not clickable: a click
    still reaches the polygon below)."""
    if members.empty:
        return
    frame = members.drop_duplicates("ags")
    points = frame.geometry.representative_point()
    for name, point in zip(frame["name"], points, strict=True):
        icon = folium.DivIcon(
            html=(f'<div class="ksg-label" style="font-size:{size_px}px">{html_text(name)}</div>'),
            icon_size=(0, 0),
            icon_anchor=(0, 0),
            class_name="ksg-label-icon",
        )
        folium.Marker((point.y, point.x), icon=icon, interactive=False, keyboard=False).add_to(fmap)


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
    add_outlines(fmap, frame, SELECTED_STYLE, "Auswahl")


SELECTED_STATE_STYLE = {"color": "#1d2630", "weight": 3, "dashArray": "10 5", "fill": False}


def add_selected_states(fmap: folium.Map, frame: gpd.GeoDataFrame) -> None:
    """A bold dashed outline around the states of the selection (state outlines frame)."""
    add_outlines(fmap, frame, SELECTED_STATE_STYLE, "Gewählte Länder")


def add_host(
    fmap: folium.Map, lat: float, lon: float, label: str, *, compact: bool = False
) -> None:
    """The host town as a labelled star (DivIcon: needs no icon fonts from a CDN).

    Not interactive: the star and its label lie over neighbouring members (Elsterwerda,
    Röderaue) and must let clicks through to them; the label says what the star is, and the
    legend repeats it. `compact`: a small star and the name beside a marker that already
    stands at the place (the examples map), so that marker stays visible and clickable.
    """
    shadow = "text-shadow:0 0 3px #fff,0 0 3px #fff,0 0 3px #fff"
    if compact:
        # Left of the marker, ending in the star: Gröditz lies in the east, and to its right
        # the label ran past the edge of a narrow map (presenter mode).
        icon = folium.DivIcon(
            html=(
                '<div style="font-size:12px;font-weight:700;color:#1d2630;white-space:nowrap;'
                f'text-align:right;{shadow}">{html.escape(label)} ★</div>'
            ),
            icon_size=(170, 16),
            icon_anchor=(182, 8),
        )
        folium.Marker((lat, lon), icon=icon, interactive=False).add_to(fmap)
        return
    icon = folium.DivIcon(
        html=(
            f'<div class="ksg-host" style="color:{HOST_COLOUR};font-size:26px;line-height:26px;'
            f'width:26px;text-shadow:0 0 3px #fff,0 0 3px #fff">★'
            f'<span class="ksg-host-label" style="font-size:13px;color:#1d2630;font-weight:600;'
            f'line-height:18px;{shadow}">'
            f"{html.escape(label)}</span></div>"
        ),
        icon_size=(26, 26),
        icon_anchor=(13, 13),
        class_name="ksg-host-icon",
    )
    folium.Marker((lat, lon), icon=icon, interactive=False, keyboard=False).add_to(fmap)


ENCODED_LAYER_JS = read_asset("encoded_layer.js")


FLAG_OUTLINE = "#111111"  # outline of polygons whose value spans a territorial change


class EncodedChoropleth(JSCSSMixin, MacroElement):
    """All municipalities of Germany from encoded polylines, drawn on one canvas.

    A GeoJSON layer of 11,000 polygons is about 10 MB; the encoded rings are under 1 MB and
    the canvas renderer draws them in a fraction of the time of SVG paths. The rings are
    decoded in the browser by @mapbox/polyline, served from the app (assets/encoded_layer.js).
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
        self.default_js = [("mapbox_polyline", offline.polyline_url())]
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
