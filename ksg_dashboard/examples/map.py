"""The examples map (folium, Leaflet core only): markers coloured by category, the selected example
outlined.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping, Sequence

import folium
import geopandas as gpd

from ksg_dashboard.examples.categories import NO_THEME, OTHER_COLOUR
from ksg_dashboard.examples.records import STATE_ABBREVIATION, Example
from ksg_dashboard.maps import builders as maps
from ksg_dashboard.maps.layers import GERMANY_BOUNDS, bounds_of

MARKER_CLASS = "ksg-example"

SELECTED_OUTLINE = {"color": "#111111", "weight": 3, "fillColor": "#111111", "fillOpacity": 0.12}


def tooltip(example: Example) -> str:
    """Marker tooltip (HTML, every text escaped)."""
    meta = f"{STATE_ABBREVIATION[example.state_key]} · seit {example.since or 'unbekannt'}"
    themes = ", ".join(example.themes) or NO_THEME
    return f"<b>{html.escape(example.name)}</b><br>{html.escape(meta)}<br>{html.escape(themes)}"


def example_from_tooltip(text: str | None, examples: Iterable[Example]) -> Example | None:
    """The example whose marker was clicked, from the clicked layer's tooltip text.

    streamlit-folium reports the click position (not the marker's) and the tooltip's text
    content, which starts with the example's name (line breaks are lost): the longest name the
    text starts with wins.
    """
    if not text:
        return None
    text = text.strip()
    found = [e for e in examples if text.startswith(e.name)]
    return max(found, key=lambda e: len(e.name), default=None)


def _points_bounds(examples: Sequence[Example], pad: float = 0.35) -> tuple[tuple, tuple] | None:
    lats = [e.lat for e in examples if e.lat is not None and e.lon is not None]
    lons = [e.lon for e in examples if e.lat is not None and e.lon is not None]
    if not lats:
        return None
    return ((min(lats) - pad, min(lons) - pad), (max(lats) + pad, max(lons) + pad))


def map_bounds(
    examples: Sequence[Example], selected: Example | None, outlines: gpd.GeoDataFrame | None
) -> tuple[tuple, tuple]:
    """The view: the selected example's members, else all shown markers, else Germany."""
    if selected is not None:
        if outlines is not None and not outlines.empty:
            return bounds_of(outlines, margin=0.3) or GERMANY_BOUNDS
        return _points_bounds([selected]) or GERMANY_BOUNDS
    return _points_bounds(examples) or GERMANY_BOUNDS


def build_examples_map(
    examples: Sequence[Example],
    colours: Mapping[str, str],
    categories: Mapping[str, str],
    states: gpd.GeoDataFrame,
    selected: Example | None = None,
    outlines: gpd.GeoDataFrame | None = None,
    host: tuple[float, float, str] | None = None,
    chosen_states: Sequence[str] = (),
) -> folium.Map:
    """State outlines (the `chosen_states` of the selection bold), one circle marker per
    example at its lead town (coloured by category), the selected example's member
    municipalities outlined, and the host town labelled.

    `categories` maps example id to category, `colours` category to colour. Only Leaflet-core
    features (GeoJson, CircleMarker, DivIcon): the map works offline. Markers carry the CSS
    class `ksg-example` so tests can count them.
    """
    fmap = maps.base_map(map_bounds(examples, selected, outlines))
    maps.add_outlines(fmap, states[["geometry"]], maps.OUTLINE_STATE, "Länder")
    maps.add_selected_states(fmap, states[states["state_key"].isin(chosen_states)])
    if outlines is not None and not outlines.empty:
        data = maps.escaped(outlines[["ags", "name", "geometry"]], ["name"])
        folium.GeoJson(
            data,
            name="Mitgliedsgemeinden",
            style_function=lambda _: SELECTED_OUTLINE,
            tooltip=folium.GeoJsonTooltip(fields=["name", "ags"], aliases=["Gemeinde", "AGS"]),
            control=False,
        ).add_to(fmap)
    if host is not None:
        maps.add_host(fmap, *host, compact=True)
    for example in examples:
        if example.lat is None or example.lon is None:
            continue
        chosen = selected is not None and example.id == selected.id
        folium.CircleMarker(
            location=(example.lat, example.lon),
            radius=11 if chosen else 7,
            color="#111111" if chosen else "#1d2630",
            weight=3 if chosen else 1,
            fill=True,
            fill_color=colours.get(categories.get(example.id, ""), OTHER_COLOUR),
            fill_opacity=0.95,
            tooltip=folium.Tooltip(tooltip(example)),
            class_name=MARKER_CLASS,
        ).add_to(fmap)
    return fmap
