"""The CSS and JS files in ksg_dashboard/assets: each is used, well-formed, and the strings
the app builds from them have every placeholder filled."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ksg_dashboard import assets
from ksg_dashboard.app import browser_js, view_tools, widgets
from ksg_dashboard.examples import panels as examples_panels
from ksg_dashboard.maps import builders, render_cache
from ksg_dashboard.tour import charts as tour_charts

PACKAGE = Path(assets.__file__).parents[1]
FILES = sorted(p.name for p in assets.ASSETS_DIR.iterdir() if p.suffix in (".css", ".js"))
PAIRS = {"(": ")", "[": "]", "{": "}"}
LEFTOVER = re.compile(r"\$\{?[A-Za-z_]|\{\{|\}\}|\{%|\{[A-Z_]+\}")


def _balanced(text: str) -> bool:
    """Brackets close in order (strings in these files hold only balanced brackets)."""
    stack = []
    for char in text:
        if char in PAIRS:
            stack.append(PAIRS[char])
        elif char in PAIRS.values() and (not stack or stack.pop() != char):
            return False
    return not stack


def _built_strings() -> dict[str, str]:
    """What the app sends, built from the assets (placeholders filled, Jinja rendered)."""
    view = render_cache.RenderedMap(
        script="s", header="<h>", html="", map_id="m", css_links=(), js_links=(),
        bounds={}, zoom=5, digest="abc123",
    )  # fmt: skip
    fmap = builders.base_map(None, online_tiles=True)
    for element in (builders.MapScope("Sachsen"), builders.HatchPatterns(["#aa0000"])):
        fmap.add_child(element)
    return {
        "step_keys": browser_js.STEP_KEYS_JS,
        "close_sidebar": browser_js.close_sidebar_script(3),
        "view_tools": view_tools.TOOLS_CSS + view_tools.PRESENTER_TOOLS_CSS,
        "page": widgets.BASE_CSS + widgets.PRESENTER_CSS,
        "phone_filter": examples_panels.PHONE_FILTER_CSS,
        "tour_map": tour_charts.MAP_CSS + tour_charts.MAP_PRESENTER_CSS,
        "map_header": builders.MAP_BASE_CSS + builders.LABEL_CSS,
        "map_update": render_cache._update_script(view, "karte.x"),
        "map": fmap.get_root().render(),
    }


def test_there_are_assets_and_each_is_named_in_the_package_code():
    code = "\n".join(p.read_text(encoding="utf-8") for p in PACKAGE.rglob("*.py"))
    assert len(FILES) >= 18
    unused = [name for name in FILES if f'"{name}"' not in code and f"'{name}'" not in code]
    assert not unused


@pytest.mark.parametrize("name", FILES)
def test_each_asset_has_a_header_and_balanced_brackets(name):
    text = (assets.ASSETS_DIR / name).read_text(encoding="utf-8")
    assert text.startswith("/* ") and "*/\n" in text, "header comment: what it is, placeholders"
    body = assets.read_asset(name)
    assert body.strip() and not text.startswith(body), "the header is not sent"
    assert "Placeholders" not in body and "placeholders" not in body
    assert _balanced(body), name
    assert "\t" not in body


def test_built_strings_have_no_placeholders_left_and_balanced_brackets():
    for name, text in _built_strings().items():
        assert not LEFTOVER.findall(text), (name, LEFTOVER.findall(text)[:3])
        if name != "map":  # the rendered page embeds GeoJSON and Leaflet options
            assert _balanced(text), name


def test_placeholders_are_filled_with_the_python_values():
    built = _built_strings()
    assert (
        '{ArrowLeft: ".st-key-tour-prev button, .st-key-programm-prev button"'
        in (built["step_keys"])
    )
    assert "/* 3 */" in built["close_sidebar"] and "(max-width: 767px)" in built["close_sidebar"]
    assert built["map_header"].startswith("<style>.leaflet-container{background:#eef2f5;}")
    assert 'frame.dataset.ksgSlot = "karte.x"' in built["map_update"]
    assert "? g.last_object_clicked_count : null" in built["map_update"]
    # The map elements' Jinja bodies are rendered with the map's names and values.
    assert "window.ksgFitLabels = fit;" in built["map"]
    assert '"Karte: Sachsen"' in built["map"] and '["#aa0000"]' in built["map"]
    assert "Online-Karte nicht erreichbar" in built["map"]


def test_styles_and_scripts_sit_in_their_tags_and_compact_css_has_no_line_breaks():
    built = _built_strings()
    for name in ("view_tools", "page", "tour_map"):
        assert built[name].count("<style>") == built[name].count("</style>") == 2
    for name in ("step_keys", "close_sidebar"):
        assert built[name].startswith("\n<script>\n") and built[name].endswith("</script>\n")
    assert "\n" not in built["map_header"] and built["map_header"].count("<style>") == 2
    assert "\n" not in assets.one_line(assets.read_asset("map_labels_inside.js"))


def test_one_line_drops_whole_line_comments_only():
    text = "a {\n  // why\n  b;\n}\n"
    assert assets.one_line(text) == "a {  b;}"


def test_a_missing_field_is_an_error_not_a_literal_placeholder():
    with pytest.raises(KeyError):
        assets.fill_asset("close_sidebar.js", nonce=1)


def test_assets_are_read_once():
    assets.read_asset.cache_clear()
    first = assets.read_asset("base.css")
    assert assets.read_asset("base.css") is first
    assert assets.read_asset.cache_info().hits == 1


def test_map_scripts_render_the_same_on_every_build():
    """The rendered-map cache hashes the map script: assets must not make it vary."""

    def script() -> str:
        fmap = builders.base_map(((50.0, 10.0), (51.0, 11.0)))
        return render_cache.render(fmap).script

    first, second = script(), script()
    pattern = r"(map|tile_layer|[a-z_]+)_[0-9a-f]{32}"
    assert re.sub(pattern, "X", first) == re.sub(pattern, "X", second)
    assert "ksgFitLabels" in first
