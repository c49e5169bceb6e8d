"""The layers run one way: pure modules never reach up into Streamlit, app/ or a feature's panels.

Read from the source (ast), so a new import that breaks a layer fails here, not in a review.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "ksg_dashboard"
# The Streamlit modules: the app shell, each feature's panels, and the map renderer that sends
# rendered maps to the browser component.
STREAMLIT_MODULES = {"maps.render_cache"}


def _modules() -> dict[str, ast.Module]:
    return {
        ".".join(path.relative_to(PACKAGE).with_suffix("").parts): ast.parse(path.read_text())
        for path in sorted(PACKAGE.rglob("*.py"))
    }


MODULES = _modules()


def _imports(tree: ast.Module) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return names


def _is_streamlit_module(name: str) -> bool:
    return name.startswith("app.") or name.endswith("panels") or name in STREAMLIT_MODULES


def _internal(names: set[str]) -> set[str]:
    prefix = "ksg_dashboard."
    return {n.removeprefix(prefix) for n in names if n.startswith(prefix)}


def test_the_layer_rules_see_the_whole_package():
    assert len(MODULES) > 60
    assert {"core.selection", "app.cache", "tour.panels", "maps.render_cache"} <= set(MODULES)


@pytest.mark.parametrize("name", sorted(n for n in MODULES if not _is_streamlit_module(n)))
def test_pure_modules_do_not_import_streamlit_app_or_panels(name):
    imports = _imports(MODULES[name])
    assert not {n for n in imports if n == "streamlit" or n.startswith("streamlit.")}, name
    upward = {n for n in _internal(imports) if n.startswith("app") or n.endswith("panels")}
    assert not upward, f"{name} imports {sorted(upward)}"


@pytest.mark.parametrize("name", sorted(n for n in MODULES if n.startswith("core.")))
def test_core_imports_only_core(name):
    outside = {n for n in _internal(_imports(MODULES[name])) if not n.startswith("core")}
    assert not outside, f"{name} imports {sorted(outside)}"


@pytest.mark.parametrize("name", sorted(MODULES))
def test_every_module_says_what_it_is_for(name):
    if name.endswith("__init__") and not MODULES[name].body:
        return
    docstring = ast.get_docstring(MODULES[name])
    assert docstring and len(docstring) > 20, f"{name} has no module docstring"


def test_page_views_do_not_load_the_pdf_libraries() -> None:
    """matplotlib and fpdf2 (~45 MB resident) load only when somebody downloads a profile."""
    import subprocess
    import sys

    panels = sorted(name for name in MODULES if name.endswith("panels") or name.startswith("app."))
    assert "profile.panels" in panels and "app.cache" in panels
    code = (
        "import importlib, sys\n"
        f"for name in {panels!r}:\n"
        "    importlib.import_module('ksg_dashboard.' + name)\n"
        "print(sorted(m for m in ('matplotlib', 'fpdf') if m in sys.modules))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=PACKAGE.parent,
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.strip().splitlines()[-1] == "[]"
