"""Rendered folium maps, cached per process and bounded in bytes.

Rendering a folium map to the HTML/JavaScript that streamlit-folium sends costs 0.2–0.6 s of
server CPU per page view (plus a deep copy of the cached map object). The output depends only on
the map, so it is rendered once per process and view and then sent as it is: a repeated view
costs the send. Builds are single-flight (100 visitors asking for the same uncached view build it
once) and the cache is an LRU bounded by the size of the rendered text (KSG_MAP_CACHE_MB, 64 MB).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, field
from typing import Any

import branca
import folium
import folium.elements
import streamlit as st
import streamlit_folium

from ksg_dashboard.assets import fill_asset
from ksg_dashboard.maps import layer_files

DEFAULT_BUDGET_MB = 64.0
_RETURN_DEFAULTS = {
    "last_clicked": None,
    "last_object_clicked": None,
    "last_object_clicked_count": None,
    "last_object_clicked_tooltip": None,
    "last_object_clicked_popup": None,
    "all_drawings": None,
    "last_active_drawing": None,
    "last_circle_radius": None,
    "last_circle_polygon": None,
    "selected_layers": None,
    "selected_tags": None,
    "last_geocoder_result": None,
}


@dataclass(frozen=True)
class RenderedMap:
    """What streamlit-folium sends for a map, plus whatever the builder returned beside it."""

    script: str
    header: str
    html: str
    map_id: str
    css_links: tuple[str, ...]
    js_links: tuple[str, ...]
    bounds: dict
    zoom: Any
    digest: str  # stable hash of the script: the component key of this view
    extra: Any = None
    # Large GeoJSON layers the script reads from static files (see maps.layer_files).
    layers: tuple[layer_files.Layer, ...] = ()

    @property
    def size(self) -> int:
        """Approximate bytes held (the text dominates)."""
        links = sum(len(x) for x in self.css_links + self.js_links)
        held = sum(len(layer.text) + len(layer.url) for layer in self.layers)
        return len(self.script) + len(self.header) + len(self.html) + links + held + 512

    @property
    def full_script(self) -> str:
        """The script as folium rendered it, with the layers' data inline."""
        return layer_files.inline(self.script, self.layers)


def _links(fmap: folium.Map) -> tuple[tuple[str, ...], tuple[str, ...]]:
    css: list[str] = []
    js: list[str] = []

    def walk(element):
        if isinstance(element, branca.colormap.ColorMap):
            raise ValueError("branca colormaps load d3 from a CDN; draw legends as HTML")
        if isinstance(element, folium.elements.JSCSSMixin):
            yield element
        for child in getattr(element, "_children", {}).values():
            yield from walk(child)

    for element in walk(fmap):
        css.extend(href for _, href in getattr(element, "default_css", []))
        js.extend(src for _, src in getattr(element, "default_js", []))
    return tuple(dict.fromkeys(css)), tuple(dict.fromkeys(js))


_WIDE = re.compile(r"(\\*)([^\x00-\xff])")


def latin1_script(script: str) -> str:
    """The script with every character beyond Latin-1 as a JavaScript escape (\\u2013 for "–").

    Python stores a text in the widest width any of its characters needs: a map script of
    530,000 characters with 30 dashes and quotation marks took 2 bytes a character, twice the
    memory in the cache. JavaScript reads the escapes as the same characters (in strings,
    templates and comments alike), so the map shows the same text. A character after an odd
    number of backslashes was escaped by the last of them, which JavaScript drops ("\\–" is
    "–"), so that backslash gives way to the escape."""
    if script.isascii() or not _WIDE.search(script):
        return script

    def escape(match: re.Match) -> str:
        backslashes, char = match.groups()
        if len(backslashes) % 2:
            backslashes = backslashes[:-1]
        units = char.encode("utf-16-be")
        return backslashes + "".join(
            f"\\u{units[i]:02x}{units[i + 1]:02x}" for i in range(0, len(units), 2)
        )

    return _WIDE.sub(escape, script)


def render(fmap: folium.Map, extra: Any = None) -> RenderedMap:
    """Render a map once, as `streamlit_folium.st_folium` does (the map object is used up)."""
    fmap.get_root().render()
    fmap.render()
    html = streamlit_folium._get_html(fmap)
    header = streamlit_folium._get_header(fmap)
    script, layers = layer_files.externalise(latin1_script(streamlit_folium._get_map_string(fmap)))
    map_id = streamlit_folium.get_full_id(fmap)
    try:
        (south, west), (north, east) = fmap.get_bounds()
    except (AttributeError, TypeError, ValueError):
        south = west = north = east = None
    bounds = {
        "_southWest": {"lat": south, "lng": west},
        "_northEast": {"lat": north, "lng": east},
    }
    css, js = _links(fmap)
    return RenderedMap(
        script=script,
        header=header,
        html=html,
        map_id=map_id,
        css_links=css,
        js_links=js,
        bounds=bounds,
        zoom=fmap.options.get("zoom"),
        digest=hashlib.sha256(script.encode()).hexdigest()[:24],
        extra=extra,
        layers=layers,
    )


@dataclass
class ByteBoundedCache:
    """A thread-safe LRU keyed by hashables, bounded by the summed `size` of its values.

    `get_or_build` builds a missing value once even when many threads ask at the same time.
    """

    budget_bytes: int
    _items: OrderedDict = field(default_factory=OrderedDict)
    _bytes: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _building: dict = field(default_factory=dict)
    hits: int = 0
    misses: int = 0

    @property
    def bytes(self) -> int:
        """Bytes held now."""
        return self._bytes

    def __len__(self) -> int:
        return len(self._items)

    def get(self, key: Hashable) -> Any | None:
        """The value for `key` (and mark it recently used), or None."""
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                self.hits += 1
                return self._items[key]
        return None

    def put(self, key: Hashable, value: Any) -> None:
        """Store a value, evicting the least recently used ones beyond the budget."""
        size = value.size
        with self._lock:
            if key in self._items:
                self._bytes -= self._items.pop(key).size
            if size > self.budget_bytes:
                return  # larger than the whole cache: do not keep it
            self._items[key] = value
            self._bytes += size
            while self._bytes > self.budget_bytes and self._items:
                _, old = self._items.popitem(last=False)
                self._bytes -= old.size

    def get_or_build(self, key: Hashable, build: Callable[[], Any]) -> Any:
        """The cached value, or `build()` once (other callers for the same key wait for it)."""
        value = self.get(key)
        if value is not None:
            return value
        with self._lock:
            gate = self._building.get(key)
            owner = gate is None
            if owner:
                gate = self._building[key] = threading.Lock()
                gate.acquire()
        if not owner:
            with gate:  # wait for the owner's build
                pass
            value = self.get(key)
            if value is not None:
                return value
            return build()  # the owner failed: build for ourselves (and raise its error)
        try:
            with self._lock:
                self.misses += 1
            value = build()
            self.put(key, value)
            return value
        finally:
            with self._lock:
                del self._building[key]
            gate.release()

    def clear(self) -> None:
        """Forget everything."""
        with self._lock:
            self._items.clear()
            self._bytes = 0


def _budget_from_env() -> int:
    try:
        megabytes = float(os.environ.get("KSG_MAP_CACHE_MB", DEFAULT_BUDGET_MB))
    except ValueError:
        megabytes = DEFAULT_BUDGET_MB
    return int(max(megabytes, 1.0) * 1_000_000)


CACHE = ByteBoundedCache(_budget_from_env())


def rendered(cache_key: Hashable, build: Callable[[], Any]) -> RenderedMap:
    """The rendered map for a view: `build()` returns a fresh folium map (or (map, extra)).

    `build` runs only when the view is not cached; it must return an object nobody else renders.
    """

    def make() -> RenderedMap:
        built = build()
        if isinstance(built, tuple):
            fmap, extra = built
        else:
            fmap, extra = built, None
        return render(fmap, extra)

    return CACHE.get_or_build(cache_key, make)


PROGRESS_MESSAGE = "Karte wird berechnet …"


def rendered_with_progress(
    cache_key: Hashable, build: Callable[[], Any], message: str = PROGRESS_MESSAGE
) -> RenderedMap:
    """`rendered`, with a spinner at the current position while an uncached view is built
    (Streamlit shows it after 0.5 s). The slot is reserved on every run, so the elements
    after it keep their positions (and a cached map is not redrawn)."""
    slot = st.empty()
    if CACHE.get(cache_key) is not None:
        return rendered(cache_key, build)
    with slot.container(), st.spinner(message, show_time=True):
        view = rendered(cache_key, build)
    slot.empty()
    return view


def clear_if_changed(slot: Any, key: str, view: RenderedMap) -> None:
    """Hide the map slot's previous view; call it before writing anything that describes
    the new view (a heading).

    The map is updated in place (see `show`), so the placeholder is not emptied (that would
    unmount the iframe and reload Leaflet). Instead a style rule, sent before the heading,
    hides the slot's iframe until it shows this view (its script marks the iframe when drawn):
    the browser never shows a new heading over the previous map while the new one is drawn.
    An unchanged view is left alone (no redraw). `slot` is kept for the callers' sake."""
    del slot
    st.session_state[f"{key}.__shown"] = view.digest
    st.html(
        f"<style>iframe[data-ksg-slot={json.dumps(key)}]"
        f":not([data-ksg-view={json.dumps(view.digest)}]) {{ visibility: hidden; }}</style>"
    )


# Fields of streamlit-folium's component value that describe a click (in the order its
# frontend builds the value: JSON.stringify compares them in that order).
_CLICK_FIELDS = (
    "last_clicked",
    "last_object_clicked",
    "last_object_clicked_count",
    "last_object_clicked_tooltip",
    "last_object_clicked_popup",
    "all_drawings",
    "last_active_drawing",
)
_COUNT = "last_object_clicked_count"

# streamlit-folium 0.27.4's frontend builds the map from `script` on the first render only and
# afterwards evaluates `feature_group` whenever it changes, with a direct `eval` inside its render
# handler: the update below reads that render's `script` and `header` arguments from there
# (the bundle keeps these names because of the eval; tests/unit/test_map_cache.py checks it).


def _update_script(view: RenderedMap, key: str) -> str:
    """JavaScript that replaces the map inside the slot's iframe by `view` (once per view).

    On the iframe's first render the map was just built from this view's script: it is only
    marked. Later, the previous map is removed, the click fields are cleared (a stale click
    must not select again on a later rerun) without sending a value (that would cost a rerun),
    then the view's script (the `script` argument, sent once as before) runs and
    streamlit-folium's handlers are attached to the new map. At the end the iframe is marked
    with the slot and the view it shows (see `clear_if_changed`)."""
    digest = json.dumps(view.digest)
    header_digest = json.dumps(hashlib.sha256(view.header.encode()).hexdigest()[:16])
    return fill_asset(
        "map_update.js",
        view=digest,
        header_digest=header_digest,
        slot=json.dumps(key),
        click_fields=json.dumps(list(_CLICK_FIELDS)),
        count_json=json.dumps(_COUNT),
        count_field=_COUNT,
        layers=json.dumps([[layer.digest, layer.url] for layer in view.layers]),
    )


def show(
    view: RenderedMap,
    *,
    key: str,
    height: int,
    returned_objects: Iterable[str] = (),
) -> dict:
    """Send a rendered map through streamlit-folium's component, updating the map in place.

    The component key is stable per map slot (`key`, plus the assets the iframe loads once), so
    a new view reuses the iframe and its loaded Leaflet instead of mounting a new one: a small
    `feature_group` update runs the new view's script there (see `_update_script`). The
    returned value carries a click only in the run that the click triggered; on every other run
    it is the defaults, so a click is acted on once (a stale click would otherwise drill down
    again on the next rerun)."""
    returned = list(returned_objects)
    if any(name in _CLICK_FIELDS for name in returned) and _COUNT not in returned:
        returned.append(_COUNT)  # every click differs from the last one, even on the same object
    defaults = {k: v for k, v in _RETURN_DEFAULTS.items() if k in returned}
    if _COUNT in defaults:
        defaults[_COUNT] = 0  # what the frontend reports before any click
    if "bounds" in returned:
        defaults["bounds"] = view.bounds
    if "zoom" in returned:
        defaults["zoom"] = view.zoom
    # The layer files are not part of the key: the kept iframe loads a new view's layers itself.
    assets = json.dumps([view.html, view.css_links, view.js_links])
    layer_files.ensure_written(view.layers)
    component_key = hashlib.sha256(f"{key}|{assets}".encode()).hexdigest()
    fresh_key = f"{key}.__fresh"

    def on_change() -> None:
        st.session_state[key] = st.session_state.get(component_key, {})
        st.session_state[fresh_key] = True

    value = streamlit_folium._component_func(
        script=view.script,
        header=view.header,
        html=view.html,
        id=view.map_id,
        key=component_key,
        height=height,
        width=None,
        returned_objects=returned,
        default=defaults,
        zoom=None,
        center=None,
        feature_group=_update_script(view, key),
        return_on_hover=False,
        layer_control=None,
        pixelated=False,
        css_links=list(view.css_links),
        js_links=[*view.js_links, *(layer.url for layer in view.layers)],
        on_change=on_change,
        wrap_longitude=False,
    )
    if st.session_state.pop(fresh_key, False):
        return value
    return dict(defaults)
