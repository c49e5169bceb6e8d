"""Every plotly chart of the app saves as a slide-sized PNG/SVG through one shared config."""

from __future__ import annotations

import ast

import pytest

from ksg_dashboard.charts.figures import IMAGE_HEIGHT, IMAGE_WIDTH, image_config
from ksg_dashboard.core.config import REPO_ROOT

SOURCES = sorted(
    [*(REPO_ROOT / "app_pages").glob("*.py"), *(REPO_ROOT / "ksg_dashboard").rglob("*.py")]
)


def _plotly_calls():
    """Every chart call: `ui.chart(...)` (the presenter-aware wrapper) or `st.plotly_chart`
    outside that wrapper."""
    for path in SOURCES:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        wrappers = {
            id(inner)
            for node in ast.walk(tree)
            if isinstance(node, ast.FunctionDef)
            and node.name == "chart"
            and path.name == "widgets.py"
            for inner in ast.walk(node)
        }
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and (
                    node.func.attr == "plotly_chart"
                    or (node.func.attr == "chart" and ast.unparse(node.func.value) == "ui")
                )
                and id(node) not in wrappers
            ):
                yield path.name, node


def test_the_app_has_plotly_charts():
    assert len(list(_plotly_calls())) >= 8


@pytest.mark.parametrize(("name", "call"), list(_plotly_calls()), ids=lambda v: str(v)[:40])
def test_every_chart_uses_the_shared_config(name, call):
    config = next((k.value for k in call.keywords if k.arg == "config"), None)
    assert config is not None, f"{name}:{call.lineno} st.plotly_chart without config"
    assert isinstance(config, ast.Call) and ast.unparse(config.func).endswith("chart_config"), (
        f"{name}:{call.lineno} config is not ui.chart_config(...)"
    )


def test_image_config_is_slide_sized_and_named():
    config = image_config("ksg_bevoelkerung_zeitreihe", "svg")
    options = config["toImageButtonOptions"]
    assert (options["width"], options["height"]) == (IMAGE_WIDTH, IMAGE_HEIGHT) == (1600, 900)
    assert options["format"] == "svg" and options["filename"] == "ksg_bevoelkerung_zeitreihe"
    assert config["displaylogo"] is False
    assert image_config("x", "gif")["toImageButtonOptions"]["format"] == "png"
