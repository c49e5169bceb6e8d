"""Large GeoJSON layers of a rendered map as static files the browser caches.

A folium map script holds its GeoJSON inline (`geo_json_…_add({...});`). Most of it is the same
in every view of a page (state outlines, the programme municipalities, the cooperations): the
overview sent 420 of its 550 kB again with every selection, over the websocket, and the browser
parsed it again. Here each layer of at least MIN_CHARS characters is written once per content
(file name = hash of the text) under the app's static folder and the script refers to it:

    geo_json_div_5_add(window.__ksgLayers["<digest>"]);

The browser loads the layer files before the map script runs (streamlit-folium's `js_links` on
the first render; `assets/map_update.js` for an update inside the kept iframe) and keeps them
in its HTTP cache, so a new view sends only what is new. Content-addressed names never change
meaning: nginx serves them as immutable. When the folder cannot be written, layers stay inline.
The folder is bounded (KSG_LAYER_FILES_MB, 256 MB): beyond it the oldest files go; a map still
holding a removed layer writes it again before it is sent (`ensure_written`).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

from ksg_dashboard.core.config import REPO_ROOT
from ksg_dashboard.maps import offline

log = logging.getLogger(__name__)

MIN_CHARS = 16_000
DEFAULT_BUDGET_MB = 256.0
STORE_NAME = "__ksgLayers"
_SUBDIR = "layers"
# One folium GeoJson data call per line: `tojson` writes the data without line breaks.
_CALL = re.compile(r"^(?P<indent>[ \t]*)(?P<fn>geo_json_\w+_add)\((?P<data>\{.*\})\);[ \t]*$", re.M)
_PRUNE_EVERY = 32  # writes between two checks of the folder's size
_lock = threading.Lock()
_state = {"writes": 0, "disabled": False}


@dataclass(frozen=True)
class Layer:
    """One externalised layer: its content hash, URL and text (kept to write it again)."""

    digest: str
    url: str
    text: str


def layer_dir() -> Path:
    """Where the layer files live: `static/layers` of the app (KSG_LAYER_DIR for tests)."""
    return Path(os.environ.get("KSG_LAYER_DIR", REPO_ROOT / "static" / _SUBDIR))


def _budget_bytes() -> int:
    try:
        megabytes = float(os.environ.get("KSG_LAYER_FILES_MB", DEFAULT_BUDGET_MB))
    except ValueError:
        megabytes = DEFAULT_BUDGET_MB
    return int(max(megabytes, 1.0) * 1_000_000)


def _file_prefix(digest: str) -> str:
    store = f"window.{STORE_NAME}"
    return f"({store} = {store} || {{}})[{json.dumps(digest)}] = "


def file_text(digest: str, data: str) -> str:
    """The layer file: it stores the data under its digest in the page's layer store."""
    return f"{_file_prefix(digest)}{data};\n"


def _write(path: Path, text: str) -> bool:
    """Write atomically (other replicas may write the same file at the same time)."""
    if path.exists():
        return True
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".js")
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
        os.replace(temporary, path)
    except OSError as error:
        with _lock:
            first = not _state["disabled"]
            _state["disabled"] = True
        if first:
            log.warning("map layers stay inline: %s is not writable (%s)", path.parent, error)
        return False
    with _lock:
        _state["writes"] += 1
        check = _state["writes"] % _PRUNE_EVERY == 0
    if check:
        prune(path.parent, _budget_bytes())
    return True


def prune(folder: Path, budget: int) -> int:
    """Remove the oldest layer files until the folder holds at most `budget` bytes; returns
    how many were removed."""
    try:
        files = [(p.stat().st_mtime, p.stat().st_size, p) for p in folder.glob("*.js")]
    except OSError:
        return 0
    total = sum(size for _, size, _ in files)
    removed = 0
    for _, size, path in sorted(files):
        if total <= budget:
            break
        try:
            path.unlink()
        except OSError:
            continue
        total -= size
        removed += 1
    return removed


def externalise(script: str, min_chars: int = MIN_CHARS) -> tuple[str, tuple[Layer, ...]]:
    """The script with every large GeoJSON data call reading from a layer file, and the
    layers (in the order of the script). Unchanged when the layer folder is not writable."""
    if _state["disabled"]:
        return script, ()
    folder = layer_dir()
    layers: dict[str, Layer] = {}

    def replace(match: re.Match) -> str:
        data = match["data"]
        if len(data) < min_chars:
            return match[0]
        digest = hashlib.sha256(data.encode()).hexdigest()[:24]
        layer = layers.get(digest) or Layer(
            digest, offline.app_static_url(f"{_SUBDIR}/{digest}.js"), data
        )
        if not _write(folder / f"{digest}.js", file_text(digest, data)):
            raise _Unwritable
        layers[digest] = layer
        return f'{match["indent"]}{match["fn"]}(window.{STORE_NAME}["{digest}"]);'

    try:
        return _CALL.sub(replace, script), tuple(layers.values())
    except _Unwritable:
        return script, ()


class _Unwritable(Exception):
    """The layer folder cannot be written: keep the script as it was."""


def inline(script: str, layers: tuple[Layer, ...]) -> str:
    """The script with its layers' data back in place (what folium rendered)."""
    for layer in layers:
        script = script.replace(f'window.{STORE_NAME}["{layer.digest}"]', layer.text)
    return script


_REFERENCE = re.compile(rf'window\.{STORE_NAME}\["(?P<digest>[0-9a-f]+)"\]')


def inline_from_files(script: str) -> str:
    """A sent script with its layers' data back in place, read from the layer files."""

    def data(match: re.Match) -> str:
        digest = match["digest"]
        text = (layer_dir() / f"{digest}.js").read_text(encoding="utf-8")
        return text.removeprefix(_file_prefix(digest)).removesuffix(";\n")

    return _REFERENCE.sub(data, script)


def ensure_written(layers: tuple[Layer, ...]) -> None:
    """Write again any layer file that was pruned (or deleted) since the map was rendered."""
    folder = layer_dir()
    for layer in layers:
        path = folder / f"{layer.digest}.js"
        if not path.exists():
            _write(path, file_text(layer.digest, layer.text))
