"""Plotly charts for the Daseinsvorsorge themes (no Streamlit): migration by age, natural change."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
import plotly.graph_objects as go

from ksg_dashboard.charts.figures import FONT, SERIES_COLOURS, german_number, year_series
from ksg_dashboard.core import palette
from ksg_dashboard.core.numbers import PLOTLY_SEPARATORS

MIGRATION_AGE_LABELS = {
    "unter 18 Jahre": "unter 18",
    "18 bis unter 25 Jahre": "18–24",
    "25 bis unter 30 Jahre": "25–29",
    "30 bis unter 50 Jahre": "30–49",
    "50 bis unter 65 Jahre": "50–64",
    "65 Jahre und mehr": "65+",
}


def make_migration_chart(
    frame: pd.DataFrame, large: bool = False, region_colours: Mapping[str, str] | None = None
) -> go.Figure:
    """Net migration per 1,000 inhabitants of each age group, one bar group per series.

    `frame` columns: series, age_group (source label), value (per 1,000; NA = unknown), in the
    order the bars are drawn. With `region_colours` (label -> colour) a region's bars have its
    map colour, the other series greys and black (see `palette`).
    """
    figure = go.Figure()
    labels = list(dict.fromkeys(frame["series"]))
    colours = (
        palette.series_colours(labels, region_colours)
        if region_colours is not None
        else [SERIES_COLOURS[i % len(SERIES_COLOURS)] for i in range(len(labels))]
    )
    for i, (name, rows) in enumerate(frame.groupby("series", sort=False)):
        values = pd.to_numeric(rows["value"], errors="coerce")
        labels = [MIGRATION_AGE_LABELS.get(a, a) for a in rows["age_group"]]
        figure.add_trace(
            go.Bar(
                x=labels,
                y=values,
                name=str(name),
                marker_color=colours[i],
                customdata=["keine Angabe" if pd.isna(v) else german_number(v, 1) for v in values],
                hovertemplate="%{x}: %{customdata} je 1.000<extra>" + str(name) + "</extra>",
            )
        )
    figure.add_hline(y=0, line={"color": "#55606b", "width": 1})
    figure.update_layout(
        barmode="group",
        font={**FONT, "size": 18 if large else 14},
        height=440 if large else 360,
        margin={"l": 10, "r": 10, "t": 30, "b": 10},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.0, "x": 0},
        yaxis_title="Saldo je 1.000 der Altersgruppe",
        xaxis_title="Alter (Jahre)",
        separators=PLOTLY_SEPARATORS,
        plot_bgcolor="#ffffff",
    )
    figure.update_yaxes(gridcolor="#e5e8eb", zeroline=False)
    return figure


def make_natural_chart(
    long: pd.DataFrame, unit: str, large: bool = False, year: int | None = None
) -> go.Figure:
    """One line per series (columns: series, year, value) over 1995–2015, a marker at `year`."""
    figure = go.Figure()
    for i, (name, rows) in enumerate(long.groupby("series", sort=False)):
        rows = rows.sort_values("year")
        values = pd.to_numeric(rows["value"], errors="coerce")
        figure.add_trace(
            year_series(
                rows["year"],
                values,
                str(name),
                SERIES_COLOURS[i % len(SERIES_COLOURS)],
                customdata=["keine Angabe" if pd.isna(v) else german_number(v, 1) for v in values],
                hovertemplate=f"%{{x}}: %{{customdata}} {unit}<extra>{name}</extra>",
            )
        )
    if year is not None:
        figure.add_vline(x=year, line_dash="dot", line_color="#444")
        figure.add_annotation(
            x=year,
            y=1.02,
            yref="paper",
            text=f"Karte: {year}",
            showarrow=False,
            font={"size": 16 if large else 12, "color": "#444"},
            yanchor="bottom",
        )
    figure.add_hline(y=0, line={"color": "#9aa5b1", "width": 1})
    figure.update_layout(
        font={**FONT, "size": 18 if large else 14},
        height=440 if large else 360,
        margin={"l": 10, "r": 10, "t": 30, "b": 10},
        legend={"orientation": "h", "yanchor": "top", "y": -0.12, "x": 0},
        yaxis_title=unit,
        separators=PLOTLY_SEPARATORS,
        hovermode="x unified",
        plot_bgcolor="#ffffff",
    )
    figure.update_yaxes(gridcolor="#e5e8eb", zeroline=False)
    return figure
