"""The app's CSS and JavaScript files, read once from this folder.

Each file starts with a `/* ... */` header comment (what it is for, which placeholders it
has); `read_asset` returns the text after it. Placeholders are `string.Template` fields
(`$name`, `${name}`), filled by `fill_asset`: CSS and JS use braces, which `str.format`
would read as fields. The scripts of folium map elements (the files with `{{ this.… }}`
fields) are Jinja templates that folium fills, as for its own elements (`macro_template`).
The files ship with the package (the app runs from the checkout).
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from string import Template

import jinja2

ASSETS_DIR = Path(__file__).parent
_HEADER = re.compile(r"\A/\*.*?\*/\n", re.DOTALL)


@lru_cache(maxsize=64)
def read_asset(name: str) -> str:
    """Text of the asset file `name` (e.g. "base.css") without its header comment."""
    text = (ASSETS_DIR / name).read_text(encoding="utf-8")
    return _HEADER.sub("", text, count=1)


def fill_asset(name: str, **fields: object) -> str:
    """The asset with its `$name` placeholders filled; a missing field raises KeyError."""
    return Template(read_asset(name)).substitute({k: str(v) for k, v in fields.items()})


def one_line(text: str) -> str:
    """The lines joined without line breaks, whole-line `//` comments dropped: compact CSS
    in a map's header and the map elements' scripts, as they were sent before the move."""
    return "".join(line for line in text.splitlines() if not line.lstrip().startswith("//"))


def macro_template(name: str) -> jinja2.Template:
    """A folium element's `script` macro whose body is the Jinja asset `name` (sent as one
    line, see `one_line`)."""
    return jinja2.Template(
        "{% macro script(this, kwargs) %}" + one_line(read_asset(name)) + "{% endmacro %}"
    )


def style_block(css: str) -> str:
    """CSS in a <style> element on lines of its own, for st.html or a map header."""
    return f"\n<style>\n{css}</style>\n"


def script_block(js: str) -> str:
    """JavaScript in a <script> element on lines of its own, for st.html."""
    return f"\n<script>\n{js}</script>\n"
