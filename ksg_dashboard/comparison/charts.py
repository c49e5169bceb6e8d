"""Charts of the comparison page (no Streamlit): index chart or small multiples (plotly) and
the members' map (folium, clicks toggle a municipality)."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import folium
import geopandas as gpd
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from ksg_dashboard.charts.figures import BREAK_X, FONT, german_number
from ksg_dashboard.comparison.model import KIND_GERMANY
from ksg_dashboard.core.config import FIRST_YEAR, LAST_YEAR
from ksg_dashboard.maps import builders as maps
from ksg_dashboard.maps import layers as mapdata

# Twelve distinguishable colours (Okabe-Ito first, then Paul Tol's "muted"); Germany is grey.
MEMBER_COLOURS = (
    "#0072B2",
    "#E69F00",
    "#009E73",
    "#CC79A7",
    "#56B4E9",
    "#D55E00",
    "#332288",
    "#117733",
    "#882255",
    "#999933",
    "#44AA99",
    "#AA4499",
)
REFERENCE_COLOUR = "#555555"


def _hover(values: pd.Series) -> list[str]:
    return ["keine Angabe" if pd.isna(v) else german_number(float(v), 1) for v in values]


def _line(rows: pd.DataFrame, name: str, colour: str, reference: bool, legend: bool = True):
    rows = rows.sort_values("year")
    gap = pd.DataFrame({"year": [BREAK_X], "value": [None]})
    rows = pd.concat([rows[rows["year"] < BREAK_X], gap, rows[rows["year"] > BREAK_X]])
    values = pd.to_numeric(rows["value"], errors="coerce")
    return go.Scatter(
        x=rows["year"],
        y=values,
        name=name,
        mode="lines" if reference else "lines+markers",
        connectgaps=False,
        showlegend=legend,
        line={
            "color": colour,
            "width": 2 if reference else 3,
            "dash": "dash" if reference else None,
        },
        marker={"size": 6},
        customdata=_hover(values),
        hovertemplate=f"%{{x}}: %{{customdata}}<extra>{name}</extra>",
    )


def make_index_chart(long: pd.DataFrame, base_year: int, large: bool = False) -> go.Figure:
    """One line per member and a dashed line for Germany (columns series, year, value, kind)."""
    figure = go.Figure()
    members = [s for s, k in long[["series", "kind"]].drop_duplicates().values if k != KIND_GERMANY]
    for i, name in enumerate(members):
        rows = long[long["series"] == name]
        figure.add_trace(_line(rows, str(name), MEMBER_COLOURS[i % len(MEMBER_COLOURS)], False))
    for name in long.loc[long["kind"] == KIND_GERMANY, "series"].unique():
        figure.add_trace(_line(long[long["series"] == name], str(name), REFERENCE_COLOUR, True))
    # The legend sits below the plot, two entries a row: it grows, the plot keeps its height.
    legend_space = 24 * math.ceil((len(members) + 1) / 2) + 40
    _frame(figure, base_year, large, height=(420 if large else 300) + legend_space)
    figure.update_layout(
        legend={
            "orientation": "h",
            "yref": "container",
            "y": 0,
            "yanchor": "bottom",
            "x": 0,
            "entrywidth": 0.5,
            "entrywidthmode": "fraction",
        },
        margin={"l": 10, "r": 10, "t": 40, "b": legend_space},
        yaxis_title=f"Einwohner, Index ({base_year} = 100)",
    )
    figure.add_vline(x=BREAK_X, line_dash="dash", line_color="#888")
    figure.add_annotation(
        x=BREAK_X,
        y=1.02,
        yref="paper",
        text="Zensus 2011",
        showarrow=False,
        font={"size": 14 if large else 11, "color": "#555"},
        yanchor="bottom",
    )
    return figure


def make_small_multiples(long: pd.DataFrame, base_year: int, large: bool = False) -> go.Figure:
    """One small panel per member (same y axis), each with Germany dashed for reference."""
    members = [s for s, k in long[["series", "kind"]].drop_duplicates().values if k != KIND_GERMANY]
    germany = long[long["kind"] == KIND_GERMANY]
    columns = min(4, max(1, len(members)))
    rows = max(1, math.ceil(len(members) / columns))
    figure = make_subplots(
        rows=rows,
        cols=columns,
        shared_yaxes=True,
        shared_xaxes=True,
        subplot_titles=[str(m)[:28] for m in members],
        vertical_spacing=0.12 if rows > 1 else 0.1,
        horizontal_spacing=0.03,
    )
    for i, name in enumerate(members):
        row, col = i // columns + 1, i % columns + 1
        colour = MEMBER_COLOURS[i % len(MEMBER_COLOURS)]
        figure.add_trace(
            _line(long[long["series"] == name], str(name), colour, False, legend=False), row, col
        )
        figure.add_trace(_line(germany, "Deutschland", REFERENCE_COLOUR, True, i == 0), row, col)
    _frame(figure, base_year, large, height=max(260, 220 * rows + 60))
    figure.update_layout(legend={"orientation": "h", "yanchor": "bottom", "y": 1.06, "x": 0})
    figure.update_xaxes(tickvals=[FIRST_YEAR, 2016, LAST_YEAR])
    figure.update_annotations(font={"size": 13})
    return figure


def _frame(figure: go.Figure, base_year: int, large: bool, height: int) -> None:
    figure.update_layout(
        font={**FONT, "size": 18 if large else 14},
        margin={"l": 10, "r": 10, "t": 40, "b": 10},
        height=height,
        separators=",.",
        hovermode="x unified",
        plot_bgcolor="#ffffff",
    )
    figure.update_xaxes(tickvals=list(range(FIRST_YEAR, LAST_YEAR + 1, 2)), tickangle=0)
    figure.update_yaxes(gridcolor="#e5e8eb")
    figure.add_hline(y=100, line_color="#bbbbbb", line_width=1)
    if FIRST_YEAR <= base_year <= LAST_YEAR:
        figure.add_vline(x=base_year, line_dash="dot", line_color="#444")


def build_member_map(
    shapes: gpd.GeoDataFrame,
    states: gpd.GeoDataFrame,
    members: Sequence[str],
    labels: Mapping[str, str],
) -> folium.Map:
    """Members filled in their chart colour, the other municipalities of their districts as
    clickable context (a click toggles a municipality); offline, no tiles."""
    member_list = list(dict.fromkeys(members))
    chosen = shapes[shapes["ags"].isin(member_list)]
    districts = set(chosen["district_key"])
    around = shapes[shapes["district_key"].isin(districts) & ~shapes["ags"].isin(member_list)]
    fmap = maps.base_map(mapdata.bounds_of(chosen, margin=0.15))
    maps.add_outlines(fmap, states[["geometry"]], maps.OUTLINE_STATE, "Länder")
    tooltip_fields = ["label", "action"]
    if not around.empty:
        data = around[["ags", "geometry"]].assign(
            label=[labels.get(a, a) for a in around["ags"]], action="Klick: hinzufügen"
        )
        folium.GeoJson(
            maps.escaped(data, ["label"]),
            name="Gemeinden",
            style_function=lambda _: maps.CONTEXT_STYLE,
            highlight_function=lambda _: {"weight": 2, "color": "#444"},
            tooltip=folium.GeoJsonTooltip(fields=tooltip_fields, labels=False),
            control=False,
        ).add_to(fmap)
    colour_of = {a: MEMBER_COLOURS[i % len(MEMBER_COLOURS)] for i, a in enumerate(member_list)}
    data = chosen[["ags", "geometry"]].assign(
        label=[labels.get(a, a) for a in chosen["ags"]],
        action="Klick: entfernen",
        colour=[colour_of[a] for a in chosen["ags"]],
    )
    folium.GeoJson(
        maps.escaped(data, ["label"]),
        name="Vergleich",
        style_function=lambda feature: {
            "color": "#1d2630",
            "weight": 1.5,
            "fillColor": feature["properties"]["colour"],
            "fillOpacity": 0.75,
        },
        highlight_function=lambda _: {"weight": 3},
        tooltip=folium.GeoJsonTooltip(fields=tooltip_fields, labels=False),
        control=False,
    ).add_to(fmap)
    return fmap
