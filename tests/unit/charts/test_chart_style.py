"""Presenter charts: no font below the minimum, data untouched, the cached figure unchanged."""

from __future__ import annotations

import plotly.graph_objects as go

from ksg_dashboard.charts.presenter import PRESENTER_MIN_PX, readable


def _sizes(node, in_font=False):
    if isinstance(node, dict):
        for key, value in node.items():
            if in_font and key == "size":
                yield from (value if isinstance(value, list) else [value])
            yield from _sizes(value, key.endswith("font"))
    elif isinstance(node, list):
        for value in node:
            yield from _sizes(value, in_font)


def test_every_font_reaches_the_minimum_and_markers_keep_their_size() -> None:
    fig = go.Figure(go.Scatter(x=[1, 2], y=[3, 4], marker={"size": [6, 9]}, textfont={"size": 9}))
    fig.update_layout(
        font={"size": 12},
        legend={"font": {"size": 11}},
        xaxis={"tickfont": {"size": 10}},
        annotations=[{"text": "Basisjahr", "font": {"size": 9}, "x": 1, "y": 3}],
        uniformtext={"minsize": 9, "mode": "hide"},
    )
    big = readable(fig)
    sizes = list(_sizes(big.to_plotly_json()))
    assert sizes and min(sizes) >= PRESENTER_MIN_PX
    assert list(big.data[0].marker.size) == [6, 9]
    assert big.layout.uniformtext.minsize == PRESENTER_MIN_PX
    assert big.layout.xaxis.automargin is True
    # The input (often a cached figure) is not changed.
    assert fig.layout.legend.font.size == 11


def test_larger_fonts_stay_as_they_are() -> None:
    fig = go.Figure(layout={"font": {"size": 24}, "title": {"text": "T", "font": {"size": 30}}})
    big = readable(fig)
    assert big.layout.font.size == 24 and big.layout.title.font.size == 30
