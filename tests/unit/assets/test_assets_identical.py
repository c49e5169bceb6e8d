"""Temporary: the strings built from ksg_dashboard/assets equal those the Python blocks gave
before the move (before_move.json, captured at 864b79f)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import folium

from ksg_dashboard.app import browser_js, view_tools, widgets
from ksg_dashboard.examples import panels as examples_panels
from ksg_dashboard.maps import builders, render_cache
from ksg_dashboard.tour import charts as tour_charts

BEFORE = json.loads((Path(__file__).parent / "before_move.json").read_text(encoding="utf-8"))
VIEW = render_cache.RenderedMap(
    script="s", header="<h>", html="", map_id="m", css_links=(), js_links=(), bounds={},
    zoom=5, digest="abc123",
)  # fmt: skip


def _base_map_header() -> list[str]:
    fmap = builders.base_map(None)
    children = fmap.get_root().header._children.values()
    return [c.render() for c in children if c.__class__.__name__ == "Element"]


def test_every_moved_block_gives_the_same_string_as_before():
    now = {
        "step_keys": browser_js.STEP_KEYS_JS,
        "close_sidebar": browser_js.close_sidebar_script(7),
        "tools": view_tools.TOOLS_CSS,
        "presenter_tools": view_tools.PRESENTER_TOOLS_CSS,
        "base": widgets.BASE_CSS,
        "presenter": widgets.PRESENTER_CSS,
        "phone_filter": examples_panels.PHONE_FILTER_CSS,
        "tour_map": tour_charts.MAP_CSS,
        "tour_map_presenter": tour_charts.PRESENTER_CSS,
        "labels": builders.LABEL_CSS,
        "base_map_header": _base_map_header(),
        "encoded_layer": builders.ENCODED_LAYER_JS,
        "update_script": render_cache._update_script(VIEW, "karte.x"),
    }
    for name, value in now.items():
        assert value == BEFORE[name], name


def test_map_scripts_are_unchanged():
    fmap = folium.Map(tiles=None)
    tiles = folium.TileLayer("OpenStreetMap", attr="x").add_to(fmap)
    elements = {
        "NoTabStops": builders.NoTabStops(),
        "TileErrorNotice": builders.TileErrorNotice(tiles),
        "LabelsInside": builders.LabelsInside(),
        "MapScope": builders.MapScope("Sachsen"),
        "HatchPatterns": builders.HatchPatterns(["#AA0000", "#00bb00"]),
    }
    for name, element in elements.items():
        fmap.add_child(element)
        script = str(element._template.module.script(element, {}))
        same = re.sub(r"(map|tile_layer)_[0-9a-f]{32}", r"\1_X", script)
        assert same == re.sub(r"(map|tile_layer)_[0-9a-f]{32}", r"\1_X", BEFORE["macros"][name])
