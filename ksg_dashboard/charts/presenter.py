"""Presenter mode: every text of a plotly figure at least as large as a room can read."""

from __future__ import annotations

from typing import Any

import plotly.graph_objects as go

# Smallest font size (px) for anything a room must read on a 1280×720 projector.
PRESENTER_MIN_PX = 18


def _raise_fonts(node: Any, minimum: int, in_font: bool = False) -> Any:
    if isinstance(node, dict):
        out = {}
        for key, value in node.items():
            if in_font and key == "size":
                if isinstance(value, int | float):
                    value = max(value, minimum)
                elif isinstance(value, list | tuple):
                    value = [max(v, minimum) if isinstance(v, int | float) else v for v in value]
            out[key] = _raise_fonts(value, minimum, key.endswith("font"))
        return out
    if isinstance(node, list | tuple):
        return [_raise_fonts(v, minimum, in_font) for v in node]
    return node


def readable(fig: go.Figure, minimum: int = PRESENTER_MIN_PX) -> go.Figure:
    """A copy of `fig` whose fonts (legend, ticks, titles, annotations, bar texts) are at least
    `minimum` px, with margins that grow to fit the larger tick labels."""
    spec = _raise_fonts(fig.to_plotly_json(), minimum)
    layout = spec.setdefault("layout", {})
    font = layout.setdefault("font", {})
    font["size"] = max(font.get("size") or 0, minimum)
    uniform = layout.get("uniformtext")
    if isinstance(uniform, dict) and uniform.get("minsize"):
        uniform["minsize"] = max(uniform["minsize"], minimum)
    # Streamlit's chart theme sizes unset fonts relative to the page's (presenter) root font,
    # below the minimum: set every text font explicitly.
    layout.setdefault("xaxis", {})
    layout.setdefault("yaxis", {})
    for key, axis in layout.items():
        if key.startswith(("xaxis", "yaxis")) and isinstance(axis, dict):
            axis.setdefault("automargin", True)
            _at_least(axis.setdefault("tickfont", {}), minimum)
            title = axis.setdefault("title", {})
            if isinstance(title, dict):
                _at_least(title.setdefault("font", {}), minimum)
    for key in ("legend", "title", "hoverlabel"):
        part = layout.setdefault(key, {})
        if isinstance(part, dict):
            _at_least(part.setdefault("font", {}), minimum)
    for annotation in layout.get("annotations") or []:
        _at_least(annotation.setdefault("font", {}), minimum)
    for trace in spec.get("data") or []:
        if "text" in trace or "texttemplate" in trace:
            _at_least(trace.setdefault("textfont", {}), minimum)
    return go.Figure(spec)


def _at_least(font: dict, minimum: int) -> None:
    size = font.get("size")
    if isinstance(size, list | tuple):
        font["size"] = [max(v, minimum) if isinstance(v, int | float) else v for v in size]
    elif not isinstance(size, int | float) or size < minimum:
        font["size"] = minimum
