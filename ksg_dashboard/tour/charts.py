"""Tour map (folium, Leaflet core only) and Gantt-style timeline (plotly) for the tour page."""

from __future__ import annotations

import html
import itertools
from collections.abc import Mapping

import folium
import geopandas as gpd
import pandas as pd
import plotly.graph_objects as go

from ksg_dashboard.assets import read_asset, style_block
from ksg_dashboard.maps import builders as maps
from ksg_dashboard.overview.model import HATCH_LEGEND
from ksg_dashboard.tour.model import (
    ROUTE_COLOUR,
    TIME_FORMAT,
    Tour,
    clock_label,
    format_km,
    route_bounds,
    screen_angle_deg,
    time_label,
    total_distance_km,
)

DRIVE_COLOUR = "#b7c0c8"
BUFFER_COLOUR = "#e9edf1"
# Half the size of the view around a highlighted stop, in degrees (about ±9 km at 51.5° N).
STOP_VIEW_LAT, STOP_VIEW_LON = 0.08, 0.13
MAP_CSS = style_block(read_asset("tour_map.css"))
# Presenter mode: place names a room can read from a projector (at least 18 px).
MAP_PRESENTER_CSS = style_block(read_asset("tour_map_presenter.css"))


def _stop_icon(number: int, place: str, colour: str, active: bool, shift: int, left: bool) -> str:
    """A numbered circle with the place name on its right (or left, see `label_on_left`).

    A stop drawn beside an earlier one at the same place is labelled only when highlighted,
    on its left, so the two labels never overlap.
    """
    classes = "ksg-stop ksg-stop-active" if active else "ksg-stop"
    side = " ksg-stop-label-left" if shift or left else ""
    label = f'<span class="ksg-stop-label{side}">{html.escape(place)}</span>'
    return (
        f'<div class="{classes}" data-stop="{number}" style="--ksg-c:{html.escape(colour)}">'
        f"{number}</div>{label if active or not shift else ''}"
    )


def label_on_left(
    plan: pd.DataFrame, reach_lon: float = 0.12, reach_lat: float = 0.025
) -> list[bool]:
    """Per stop: put its label on the left because another stop sits just to its east.

    (Falkenberg/Elster lies 4 km west of Uebigau-Wahrenbrück: a label to the right would cover
    the neighbour's marker.)
    """
    lats, lons = plan["lat"].tolist(), plan["lon"].tolist()
    return [
        any(
            0 < lons[j] - lons[i] < reach_lon and abs(lats[j] - lats[i]) < reach_lat
            for j in range(len(plan))
        )
        for i in range(len(plan))
    ]


def _arrow_icon(angle: float) -> str:
    return (
        f'<div class="ksg-arrow" style="transform:rotate({round(angle)}deg);'
        'width:16px;height:16px">'
        '<svg width="16" height="16" viewBox="0 0 16 16"><path d="M8 1 L14 14 L8 10.5 L2 14 Z" '
        f'fill="{ROUTE_COLOUR}" stroke="#fff" stroke-width="1.2"/></svg></div>'
    )


def stop_bounds(plan: pd.DataFrame, index: int) -> tuple[tuple[float, float], tuple[float, float]]:
    """The view around one stop: ((south, west), (north, east))."""
    lat, lon = float(plan["lat"].iloc[index]), float(plan["lon"].iloc[index])
    return (lat - STOP_VIEW_LAT, lon - STOP_VIEW_LON), (lat + STOP_VIEW_LAT, lon + STOP_VIEW_LON)


def legend_items(
    regions: list[str],
    colours: Mapping[str, str],
    names: Mapping[str, str],
    members: gpd.GeoDataFrame | None = None,
) -> list[tuple[str, str]]:
    """(colour, label) pairs for the HTML legend below the map, in the order the map draws;
    with `members`, an entry for the hatching of a second membership if the map has one."""
    items = [
        (colours[r], f"{names.get(r, r)} ({'gestrichelt' if i else 'durchgezogen'})")
        for i, r in enumerate(regions)
    ]
    if members is not None and not members.empty:
        _, further = maps.split_memberships(members)
        if not further.empty:
            items.append(("hatch:" + further["colour"].iloc[0], HATCH_LEGEND))
    return [*items, (ROUTE_COLOUR, "Route (Luftlinie)")]


def add_route(fmap: folium.Map, plan: pd.DataFrame) -> None:
    """The route as a line through the stops in order, with an arrow on each leg."""
    points = list(zip(plan["lat"], plan["lon"], strict=True))
    straight, _ = total_distance_km(plan)
    folium.PolyLine(points, color="#ffffff", weight=8, opacity=0.9, interactive=False).add_to(fmap)
    folium.PolyLine(
        points,
        color=ROUTE_COLOUR,
        weight=4,
        opacity=0.9,
        class_name="ksg-route",
        tooltip=f"Route (Luftlinie zwischen den Halten): {format_km(straight)}",
    ).add_to(fmap)
    for (lat1, lon1), (lat2, lon2) in itertools.pairwise(points):
        if (lat1, lon1) == (lat2, lon2):
            continue
        icon = folium.DivIcon(
            html=_arrow_icon(screen_angle_deg(lat1, lon1, lat2, lon2)),
            icon_size=(16, 16),
            icon_anchor=(8, 8),
            class_name="ksg-arrow-icon",
        )
        middle = ((lat1 + lat2) / 2, (lon1 + lon2) / 2)
        folium.Marker(middle, icon=icon, interactive=False, keyboard=False).add_to(fmap)


def add_stops(
    fmap: folium.Map, plan: pd.DataFrame, colours: Mapping[str, str], active: int | None
) -> None:
    """Numbered stop markers (class ksg-stop, the highlighted one also ksg-stop-active).

    Stops at the same place (start and end in Gröditz) are drawn side by side (later ones to the
    left, the label of the first stays readable on the right), labelled once.
    """
    seen: dict[tuple[float, float], int] = {}
    left = label_on_left(plan)
    for index, row in enumerate(plan.itertuples()):
        spot = (round(row.lat, 5), round(row.lon, 5))
        shift = seen.get(spot, 0)
        seen[spot] = shift + 1
        is_active = index == active
        icon = folium.DivIcon(
            html=_stop_icon(
                row.number,
                row.place,
                colours.get(row.cooperation, ROUTE_COLOUR),
                is_active,
                shift,
                left[index],
            ),
            icon_size=(26, 26),
            icon_anchor=(13 + 30 * shift, 13),
            class_name="ksg-stop-icon",
        )
        tooltip = f"{row.number} · {row.place}: {row.site} ({time_label(row)})"
        folium.Marker(
            (row.lat, row.lon),
            icon=icon,
            tooltip=html.escape(tooltip),
            z_index_offset=1000 if is_active else 100,
        ).add_to(fmap)


def build_tour_map(
    plan: pd.DataFrame,
    members: gpd.GeoDataFrame,
    outlines: gpd.GeoDataFrame,
    colours: Mapping[str, str],
    active: int | None = None,
    states: gpd.GeoDataFrame | None = None,
    districts: gpd.GeoDataFrame | None = None,
    context: gpd.GeoDataFrame | None = None,
    online_tiles: bool = False,
    presenter: bool = False,
) -> folium.Map:
    """The tour map: context outlines, cooperation areas, route with arrows, numbered stops.

    With `active` (0-based) the map is zoomed to that stop and its marker highlighted; without
    it the map shows the whole route and both cooperation areas. Only Leaflet-core features are
    used (GeoJson, PolyLine, DivIcon markers), so the map needs no CDN.
    """
    bounds = route_bounds(plan, members) if active is None else stop_bounds(plan, active)
    fmap = maps.base_map(bounds, online_tiles=online_tiles)
    fmap.get_root().header.add_child(folium.Element(MAP_CSS))
    if presenter:
        fmap.get_root().header.add_child(folium.Element(MAP_PRESENTER_CSS))
    if states is not None:
        maps.add_outlines(fmap, states[["geometry"]], maps.OUTLINE_STATE, "Länder")
    if districts is not None:
        maps.add_outlines(fmap, districts[["geometry"]], maps.OUTLINE_DISTRICT, "Kreise")
    if context is not None and not context.empty:
        maps.add_context_municipalities(fmap, context)
    # Lightly filled: the route and the stop markers are what the page is about.
    maps.add_regions(fmap, members, outlines, fill_opacity=0.13)
    add_route(fmap, plan)
    add_stops(fmap, plan, colours, active)
    return fmap


# --- timeline ------------------------------------------------------------------------------------


def _ms(delta: pd.Timedelta) -> float:
    return delta.total_seconds() * 1000


def _drive_bars(plan: pd.DataFrame, labels: list[str], fade: list[float]) -> go.Bar:
    """The estimated drive to each stop (grey), with its minutes inside the bar."""
    legs = plan.iloc[1:]
    return go.Bar(
        name="Fahrt (geschätzt)",
        orientation="h",
        y=labels[1:],
        base=[d.isoformat() for d in plan["departure"].iloc[:-1]],
        x=[_ms(a - d) for a, d in zip(legs["arrival"], plan["departure"].iloc[:-1], strict=True)],
        marker={"color": DRIVE_COLOUR, "opacity": fade[1:]},
        customdata=legs["number"],
        text=[f"{m} min" for m in legs["drive_min"]],
        textposition="inside",
        insidetextanchor="middle",
        hovertemplate="Fahrt nach %{y}: %{text}<extra></extra>",
    )


def _stay_bars(
    plan: pd.DataFrame,
    labels: list[str],
    fade: list[float],
    colours: Mapping[str, str],
    cooperation_names: Mapping[str, str],
    active: int | None,
) -> list[go.Bar]:
    """One trace per cooperation: the stays at its stops in its colour, arrival–departure."""
    traces = []
    for cooperation in dict.fromkeys(plan["cooperation"]):
        part = plan[(plan["cooperation"] == cooperation) & (plan["dwell_min"] > 0)]
        if part.empty:
            continue
        rows = [int(n) - 1 for n in part["number"]]
        traces.append(
            go.Bar(
                name=f"Halt – {cooperation_names.get(cooperation, cooperation)}",
                orientation="h",
                y=[labels[i] for i in rows],
                base=[a.isoformat() for a in part["arrival"]],
                x=[_ms(d - a) for a, d in zip(part["arrival"], part["departure"], strict=True)],
                marker={
                    "color": colours.get(cooperation, ROUTE_COLOUR),
                    "opacity": [fade[i] for i in rows],
                    "line": {
                        "color": [ROUTE_COLOUR if i == active else "rgba(0,0,0,0)" for i in rows],
                        "width": 2,
                    },
                },
                customdata=part["number"],
                text=[
                    f"{clock_label(a)}–{clock_label(d)}"
                    for a, d in zip(part["arrival"], part["departure"], strict=True)
                ],
                textposition="inside",
                insidetextanchor="middle",
                hoverinfo="skip",
            )
        )
    return traces


def _stay_click_targets(stays: pd.DataFrame, labels: list[str]) -> go.Scatter:
    """Streamlit selects scatter points on click, not bars: an invisible point in the middle of
    each stay makes the bar clickable and carries its hover text."""
    return go.Scatter(
        name="Halt auswählen",
        mode="markers",
        showlegend=False,
        y=[labels[int(n) - 1] for n in stays["number"]],
        x=[
            (a + (d - a) / 2).isoformat()
            for a, d in zip(stays["arrival"], stays["departure"], strict=True)
        ],
        marker={"size": 24, "opacity": 0, "color": ROUTE_COLOUR},
        customdata=stays["number"],
        text=[time_label(row) for _, row in stays.iterrows()],
        hovertemplate="%{y}: %{text}<extra></extra>",
    )


def _point_markers(
    points: pd.DataFrame,
    labels: list[str],
    fade: list[float],
    colours: Mapping[str, str],
    active: int | None,
) -> go.Scatter:
    """Start, pass-throughs and arrival (no stay) as diamonds."""
    rows = [int(n) - 1 for n in points["number"]]
    return go.Scatter(
        name="Abfahrt / Durchfahrt / Ankunft",
        mode="markers",
        y=[labels[i] for i in rows],
        x=[
            (d if k == "Start" else a).isoformat()
            for k, a, d in zip(points["kind"], points["arrival"], points["departure"], strict=True)
        ],
        marker={
            "symbol": "diamond",
            "size": [16 if i == active else 12 for i in rows],
            "color": [colours.get(c, ROUTE_COLOUR) for c in points["cooperation"]],
            "opacity": [fade[i] for i in rows],
            "line": {"color": ROUTE_COLOUR, "width": 1.5},
        },
        customdata=points["number"],
        text=[time_label(row) for _, row in points.iterrows()],
        hovertemplate="%{y}: %{text}<extra></extra>",
    )


def _buffer_bar(tour: Tour, last: pd.Series, label: str) -> go.Bar:
    """The time left after the arrival until the programme's end."""
    return go.Bar(
        name=f"Puffer bis {tour.end:%H:%M} Uhr",
        orientation="h",
        y=[label],
        base=[last["arrival"].isoformat()],
        x=[_ms(tour.end_at - last["arrival"])],
        marker={"color": BUFFER_COLOUR, "line": {"color": DRIVE_COLOUR, "width": 1}},
        customdata=[last["number"]],
        hovertemplate=f"Puffer bis {tour.end:%H:%M} Uhr<extra></extra>",
    )


def _timeline_layout(
    fig: go.Figure, tour: Tour, labels: list[str], active: int | None
) -> go.Figure:
    """Start and end as dotted lines, the time axis of the afternoon, one row per stop."""
    for moment in (tour.start_at, tour.end_at):
        fig.add_shape(
            type="line",
            x0=moment.isoformat(),
            x1=moment.isoformat(),
            y0=0,
            y1=1,
            yref="paper",
            line={"color": "#7a8793", "width": 1, "dash": "dot"},
        )
    ticktext = [f"<b>{label}</b>" if i == active else label for i, label in enumerate(labels)]
    margin = pd.Timedelta(minutes=5)
    fig.update_layout(
        barmode="overlay",
        height=70 + 34 * len(labels),
        margin={"l": 10, "r": 10, "t": 30, "b": 40},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.0, "x": 0, "font": {"size": 11}},
        plot_bgcolor="#ffffff",
        uniformtext={"minsize": 9, "mode": "hide"},
        hovermode="closest",
        bargap=0.35,
        xaxis={
            "type": "date",
            "range": [(tour.start_at - margin).isoformat(), (tour.end_at + margin).isoformat()],
            "tickformat": TIME_FORMAT,
            "dtick": 30 * 60 * 1000,
            "gridcolor": "#e5e9ed",
            "title": {"text": f"Uhrzeit am {tour.date:%d.%m.%Y} (berechnet)"},
        },
        yaxis={
            "categoryorder": "array",
            "categoryarray": labels,
            "autorange": "reversed",
            "tickvals": labels,
            "ticktext": ticktext,
        },
    )
    return fig


def make_tour_timeline(
    tour: Tour,
    plan: pd.DataFrame,
    colours: Mapping[str, str],
    cooperation_names: Mapping[str, str],
    active: int | None = None,
) -> go.Figure:
    """Gantt-style afternoon: a row per stop with the drive to it (grey) and the stay (colour).

    Start, pass-throughs and arrival are points; the buffer until the programme's 17:00 is a
    light bar. The highlighted stop is drawn opaque, the others faded. `customdata` holds the
    stop number so a click on a bar can select the stop.
    """
    labels = [f"{row.number} {row.place}" for row in plan.itertuples()]
    fade = [1.0 if active is None or i == active else 0.35 for i in range(len(plan))]
    fig = go.Figure()
    fig.add_trace(_drive_bars(plan, labels, fade))
    for trace in _stay_bars(plan, labels, fade, colours, cooperation_names, active):
        fig.add_trace(trace)
    stays = plan[plan["dwell_min"] > 0]
    if not stays.empty:
        fig.add_trace(_stay_click_targets(stays, labels))
    points = plan[plan["dwell_min"] == 0]
    if not points.empty:
        fig.add_trace(_point_markers(points, labels, fade, colours, active))
    last = plan.iloc[-1]
    if tour.end_at > last["arrival"]:
        fig.add_trace(_buffer_bar(tour, last, labels[-1]))
    return _timeline_layout(fig, tour, labels, active)
