"""Plotly charts of the examples page: examples per state and theme, members' population."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import plotly.graph_objects as go

from ksg_dashboard.charts.figures import year_series
from ksg_dashboard.core.config import FIRST_CENSUS_YEAR, STATE_NAMES
from ksg_dashboard.examples.categories import CATEGORY_COLOURS

BAR_COLOUR = "#1f5f8b"  # the app's primary colour
FONT = "sans-serif"
# Show the figures in German: decimal comma, thousands dot.
SEPARATORS = ",."


def _layout(fig: go.Figure, height: int, large: bool) -> go.Figure:
    fig.update_layout(
        height=height,
        margin={"l": 8, "r": 16, "t": 36, "b": 8},
        font={"family": FONT, "size": 17 if large else 13},
        separators=SEPARATORS,
        plot_bgcolor="#ffffff",
        paper_bgcolor="#ffffff",
        showlegend=False,
    )
    return fig


def make_count_chart(
    counts: Sequence[tuple[str, int]], title: str, large: bool = False
) -> go.Figure:
    """Horizontal bars, largest at the top, the number at each bar's end."""
    labels = [label for label, _ in counts]
    values = [value for _, value in counts]
    fig = go.Figure(
        go.Bar(
            x=values,
            y=labels,
            orientation="h",
            marker_color=BAR_COLOUR,
            text=values,
            textposition="outside",
            cliponaxis=False,
            hovertemplate="%{y}: %{x} Beispiele<extra></extra>",
        )
    )
    fig.update_yaxes(autorange="reversed", automargin=True)
    fig.update_xaxes(visible=False, range=[0, max(values, default=1) * 1.15])
    fig.update_layout(title={"text": title, "x": 0, "font": {"size": 18 if large else 15}})
    return _layout(fig, height=70 + 26 * max(len(counts), 1) * (1.3 if large else 1), large=large)


def make_state_chart(counts: Sequence[tuple[str, int]], large: bool = False) -> go.Figure:
    """Examples per state (state keys → names); cross-border examples count in each state."""
    named = [(STATE_NAMES.get(key, key), value) for key, value in counts]
    return make_count_chart(named, "Beispiele je Land", large)


def make_theme_chart(counts: Sequence[tuple[str, int]], large: bool = False) -> go.Figure:
    """Examples per theme; an example with several themes counts for each."""
    return make_count_chart(counts, "Beispiele je Thema", large)


def make_population_chart(
    series: pd.DataFrame, base_year: int = FIRST_CENSUS_YEAR, large: bool = False
) -> go.Figure:
    """Members' population as an index (base_year = 100), absolute numbers in the hover.

    Starts at the first census-based year so the 2011 census break does not show as a jump.
    """
    fig = go.Figure()
    data = series[series["year"] >= base_year]
    for i, (member, rows) in enumerate(data.groupby("member", sort=False)):
        rows = rows.sort_values("year")
        base = rows.loc[rows["year"] == base_year, "population"]
        if base.empty or pd.isna(base.iloc[0]) or not base.iloc[0]:
            continue
        fig.add_trace(
            year_series(
                rows["year"],
                (rows["population"] / base.iloc[0] * 100).round(1),
                member,
                CATEGORY_COLOURS[i % len(CATEGORY_COLOURS)],
                width=2.5,
                customdata=rows[["population"]],
                hovertemplate=f"{member} %{{x}}: %{{customdata[0]:,.0f}} Einw. "
                "(Index %{y:.1f})<extra></extra>",
            )
        )
    fig.add_hline(y=100, line={"color": "#9aa5b1", "width": 1, "dash": "dot"})
    fig.update_yaxes(title=f"Index ({base_year} = 100)", gridcolor="#e6eaee")
    fig.update_xaxes(dtick=2, gridcolor="#f0f2f4")
    _layout(fig, height=340 if large else 320, large=large)
    fig.update_layout(
        showlegend=True,
        legend={"orientation": "h", "y": -0.18, "x": 0},
        title={"text": "Einwohnerentwicklung der Mitgliedsgemeinden", "x": 0},
    )
    return fig
