"""Plotly chart builders (no Streamlit): time series with the census break, age pyramid."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from ksg_dashboard.core import palette
from ksg_dashboard.core.config import FIRST_CENSUS_YEAR, FIRST_YEAR, LAST_YEAR
from ksg_dashboard.core.numbers import PLOTLY_SEPARATORS
from ksg_dashboard.core.numbers import number as german_number
from ksg_dashboard.demography.model import Indicator

SERIES_COLOURS = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#000000")
BREAK_X = FIRST_CENSUS_YEAR - 0.5
FONT = {"family": "Source Sans Pro, sans-serif", "size": 14}


# Counts of series whose largest values differ more than this get one panel per series.
PANEL_RATIO = 10.0
COUNT_INDICATORS = frozenset({"einwohner", "maennlich", "weiblich"})


def year_series(
    x: Sequence, y: Sequence, name: str, colour: str, width: float = 3, **style
) -> go.Scatter:
    """A yearly series as a line with markers; a missing year stays a gap in the line."""
    return go.Scatter(
        x=x,
        y=y,
        name=name,
        mode="lines+markers",
        connectgaps=False,
        line={"color": colour, "width": width},
        **style,
    )


def needs_panels(long: pd.DataFrame, indicator: Indicator) -> bool:
    """True for counts of very different size (a town of 28.000 next to Germany's 83 million):
    on one axis the small series would be a flat line at zero."""
    if indicator.key not in COUNT_INDICATORS or long.empty:
        return False
    values = pd.to_numeric(long["value"], errors="coerce").abs()
    largest = values.groupby(long["series"], sort=False).max().dropna()
    largest = largest[largest > 0]
    return len(largest) > 1 and largest.max() / largest.min() > PANEL_RATIO


# The x axis always spans the years shown, with half a year either side: plotly would otherwise
# widen it to fit the line labels, which on a phone squeezed the lines into a third of the chart.
X_RANGE = [FIRST_YEAR - 0.5, LAST_YEAR + 0.5]


def _label_row(large: bool) -> int:
    """Height in px of one row of line labels above the plot."""
    return (16 if large else 12) + 6


def _line_labels(base_year: int, large: bool) -> list[dict]:
    """Labels of the census break (upper row) and the base-year line (lower row), each beside
    its line and reading into the chart: stacked, they never overlap, however close the lines
    (the base year is often 2012, right next to the break); a late base year reads leftwards."""
    size = 16 if large else 12
    common = {"y": 1.0, "yref": "paper", "showarrow": False, "yanchor": "bottom"}
    late = base_year > (FIRST_YEAR + LAST_YEAR) / 2
    return [
        {
            **common,
            "x": BREAK_X,
            "text": "Zensus 2011: Bruch der Reihe",
            "xanchor": "left",
            "yshift": _label_row(large),
            "font": {"size": size, "color": "#55606b"},
        },
        {
            **common,
            "x": base_year,
            "text": f"Basisjahr {base_year}",
            "xanchor": "right" if late else "left",
            "yshift": 0,
            "font": {"size": size, "color": "#1d2630"},
        },
    ]


# Saved chart images: 16:9 at a size that fills a slide (plotly.js renders them in the
# browser, bundled with Streamlit: no server, no internet).
IMAGE_WIDTH, IMAGE_HEIGHT = 1600, 900
IMAGE_FORMATS = ("png", "svg")


def image_config(name: str, image_format: str = "png") -> dict:
    """The plotly `config` every chart of the app uses: camera button saves `name`.png/.svg
    at IMAGE_WIDTH × IMAGE_HEIGHT, no plotly logo."""
    return {
        "displaylogo": False,
        "toImageButtonOptions": {
            "format": image_format if image_format in IMAGE_FORMATS else "png",
            "filename": name,
            "width": IMAGE_WIDTH,
            "height": IMAGE_HEIGHT,
            "scale": 1,
        },
    }


def _line_colours(names: list[str], region_colours: Mapping[str, str] | None) -> list[str]:
    """One colour per series: the regions' map colours (see `palette`) or the series cycle."""
    if region_colours is not None:
        return palette.series_colours(names, region_colours)
    return [SERIES_COLOURS[i % len(SERIES_COLOURS)] for i in range(len(names))]


def _series_trace(rows: pd.DataFrame, name: str, indicator: Indicator, colour: str) -> go.Scatter:
    """One series' line, broken at the census (a gap row), German hover labels; a noted
    point (official total, territorial change) is an open diamond with the note in the hover."""
    rows = rows.sort_values("year")
    gap = pd.DataFrame({"year": [BREAK_X], "value": [None]})
    rows = pd.concat([rows[rows["year"] < BREAK_X], gap, rows[rows["year"] > BREAK_X]])
    values = pd.to_numeric(rows["value"], errors="coerce")
    notes = rows["note"].fillna("").tolist() if "note" in rows.columns else [""] * len(rows)
    labels = [
        "" if pd.isna(v) else f"{german_number(float(v), indicator.digits)} {indicator.unit}"
        for v in values
    ]
    labels = [
        f"{label.strip()} – {note}" if note and label else label.strip()
        for label, note in zip(labels, notes, strict=True)
    ]
    return year_series(
        rows["year"],
        values,
        name,
        colour,
        marker={
            "symbol": ["diamond-open" if n else "circle" for n in notes],
            "size": [14 if n else 7 for n in notes],
            "line": {"width": [2.5 if n else 0 for n in notes]},
        },
        customdata=labels,
        hovertemplate=f"%{{x}}: %{{customdata}}<extra>{name}</extra>",
    )


def _add_year_lines(
    figure: go.Figure, indicator: Indicator, base_year: int | None, large: bool, panels: bool
) -> None:
    """The census-break line, and the labelled base-year line for the change indicators."""
    lines = {"row": "all", "col": 1} if panels else {}
    figure.add_vline(x=BREAK_X, line_dash="dash", line_color="#888", **lines)
    with_base = base_year is not None and indicator.key in {
        "index",
        "veraenderung",
        "veraenderung_pct",
    }
    if with_base:
        figure.add_vline(x=base_year, line_dash="dot", line_color="#444", **lines)
        for label in _line_labels(base_year, large):
            figure.add_annotation(label)
    else:
        label = _line_labels(LAST_YEAR, large)[0]  # no base line: the break label alone
        figure.add_annotation({**label, "yshift": 0})


def _time_layout(
    figure: go.Figure, indicator: Indicator, series: int, large: bool, panels: bool
) -> None:
    """Font, height (per panel when `panels`), legend below, German separators, year ticks."""
    unit_title = f"{indicator.label} ({indicator.unit})" if indicator.unit else indicator.label
    height = (460 if large else 380) if not panels else (170 if large else 150) * series + 90
    figure.update_layout(
        font={**FONT, "size": 18 if large else 14},
        margin={"l": 10, "r": 10, "t": 2 * _label_row(large) + 8, "b": 10},
        height=height,
        legend={"orientation": "h", "yanchor": "top", "y": -0.12, "x": 0},
        showlegend=True,
        yaxis_title=None if panels else unit_title,
        xaxis={
            "tickvals": list(range(FIRST_YEAR, LAST_YEAR + 1, 2)),
            "tickangle": 0,
            "range": X_RANGE,
        },
        separators=PLOTLY_SEPARATORS,
        hovermode="x unified",
        plot_bgcolor="#ffffff",
    )
    figure.update_yaxes(gridcolor="#e5e8eb")


def _panel_titles(figure: go.Figure, indicator: Indicator, series: int, large: bool) -> None:
    """One axis per panel: the title says so and points to the index for a comparison; the
    panel titles go to the right, clear of the census label at the top left."""
    figure.add_annotation(
        text=f"{indicator.label} ({indicator.unit}), eigene Achse je Reihe<br>"
        "Vergleich: Index (Basisjahr = 100)",
        x=0,
        xref="paper",
        xanchor="left",
        y=1,
        yref="paper",
        yanchor="bottom",
        yshift=(26 if large else 22) + _label_row(large),
        align="left",
        showarrow=False,
        font={"size": 16 if large else 13, "color": "#1d2630"},
    )
    figure.update_layout(
        margin={"l": 10, "r": 10, "t": (100 if large else 90) + _label_row(large), "b": 10},
        showlegend=False,
    )
    for title in figure.layout.annotations[:series]:
        title.update(x=1.0, xanchor="right", font={"size": 16 if large else 13})
    figure.update_xaxes(
        tickvals=list(range(FIRST_YEAR, LAST_YEAR + 1, 2)), tickangle=0, range=X_RANGE
    )
    figure.update_yaxes(rangemode="normal", tickformat=",.0f")


def make_time_chart(
    long: pd.DataFrame,
    indicator: Indicator,
    base_year: int | None,
    large: bool = False,
    region_colours: Mapping[str, str] | None = None,
) -> go.Figure:
    """One line per series (columns: series, year, value), broken at the census break.

    Counts of very different size (see `needs_panels`) get one panel per series, each with
    its own axis; the index indicator (base year = 100) compares them on one axis.
    With `region_colours` (series label -> colour) a region's line has its map colour and
    the other series (municipality, states, Germany) are grey and black (see `palette`)."""
    names = list(dict.fromkeys(long["series"])) if not long.empty else []
    line_colours = _line_colours(names, region_colours)
    panels = needs_panels(long, indicator)
    if panels:
        figure = make_subplots(
            rows=len(names),
            cols=1,
            shared_xaxes=True,
            vertical_spacing=0.06,
            subplot_titles=names,
        )
    else:
        figure = go.Figure()
    for i, (name, rows) in enumerate(long.groupby("series", sort=False)):
        figure.add_trace(
            _series_trace(rows, str(name), indicator, line_colours[i]),
            **({"row": names.index(name) + 1, "col": 1} if panels else {}),
        )
    _add_year_lines(figure, indicator, base_year, large, panels)
    _time_layout(figure, indicator, len(names), large, panels)
    if panels:
        _panel_titles(figure, indicator, len(names), large)
    return figure


def nice_step(value: float) -> float:
    """A round tick step (1, 2 or 5 × a power of ten) not above `value`."""
    if value <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    return max(m * power for m in (1, 2, 5) if m * power <= value)


def make_pyramid(frame: pd.DataFrame, large: bool = False) -> go.Figure:
    """Population pyramid: men left, women right (columns age_group, age_order, sex, population)."""
    order = frame.drop_duplicates("age_group").sort_values("age_order")["age_group"].tolist()
    figure = go.Figure()
    for sex, sign, colour in (("männlich", -1, "#0072B2"), ("weiblich", 1, "#E69F00")):
        rows = frame[frame["sex"] == sex].set_index("age_group").reindex(order)
        values = rows["population"].astype(float)
        figure.add_trace(
            go.Bar(
                y=order,
                x=values * sign,
                orientation="h",
                name="Männer" if sign < 0 else "Frauen",
                marker_color=colour,
                customdata=[german_number(v, 0) if pd.notna(v) else "" for v in values],
                hovertemplate="%{y}: %{customdata}<extra>%{fullData.name}</extra>",
            )
        )
    largest = frame["population"].max() if not frame.empty else None
    maximum = float(largest) if largest is not None and pd.notna(largest) and largest else 1.0
    step = nice_step(maximum / 2)
    ticks = [k * step for k in range(-int(maximum // step), int(maximum // step) + 1)]
    figure.update_layout(
        barmode="relative",
        bargap=0.05,
        font={**FONT, "size": 16 if large else 13},
        height=380 if large else 420,
        margin={"l": 10, "r": 10, "t": 30, "b": 10},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.0, "x": 0},
        xaxis={
            "range": [-maximum * 1.05, maximum * 1.05],
            "tickvals": ticks,
            "ticktext": [german_number(abs(t), 0) for t in ticks],
            "title": "Personen",
        },
        separators=PLOTLY_SEPARATORS,
        plot_bgcolor="#ffffff",
    )
    return figure
