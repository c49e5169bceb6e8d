"""The rendered-map cache: bounded in bytes, single-flight, and sends what st_folium sends."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

import folium
import pytest
import streamlit_folium

from ksg_dashboard.maps import render_cache as map_cache


@dataclass(frozen=True)
class Blob:
    size: int


def test_cache_evicts_least_recently_used_by_bytes():
    cache = map_cache.ByteBoundedCache(budget_bytes=100)
    cache.put("a", Blob(40))
    cache.put("b", Blob(40))
    assert cache.get("a") is not None  # a is now the most recent
    cache.put("c", Blob(40))
    assert cache.get("b") is None and cache.get("a") and cache.get("c")
    assert cache.bytes == 80 and len(cache) == 2
    cache.put("huge", Blob(101))
    assert cache.get("huge") is None and cache.bytes == 80, "larger than the budget: not kept"
    cache.put("a", Blob(10))
    assert cache.bytes == 50


def test_get_or_build_builds_once_for_concurrent_callers():
    cache = map_cache.ByteBoundedCache(budget_bytes=1000)
    calls = []

    def build():
        calls.append(1)
        time.sleep(0.2)
        return Blob(1)

    threads = [threading.Thread(target=cache.get_or_build, args=("k", build)) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(calls) == 1
    assert cache.misses == 1 and cache.get("k") == Blob(1)


def test_a_failed_build_is_not_cached_and_raises():
    cache = map_cache.ByteBoundedCache(budget_bytes=1000)

    def fail():
        raise RuntimeError("no data")

    with pytest.raises(RuntimeError):
        cache.get_or_build("k", fail)
    assert cache.get("k") is None
    assert cache.get_or_build("k", lambda: Blob(2)) == Blob(2)


def small_map() -> folium.Map:
    fmap = folium.Map(location=[51.4, 13.5], zoom_start=9, tiles=None)
    folium.CircleMarker([51.4, 13.5], radius=5, tooltip="Gröditz").add_to(fmap)
    folium.GeoJson(
        {
            "type": "Feature",
            "properties": {"name": "x"},
            "geometry": {"type": "Point", "coordinates": [13.4, 51.3]},
        }
    ).add_to(fmap)
    return fmap


def test_render_sends_the_same_arguments_as_st_folium(monkeypatch):
    captured = {}
    monkeypatch.setattr(streamlit_folium, "_component_func", lambda **kw: captured.update(kw))
    streamlit_folium.st_folium(small_map(), key="m", returned_objects=["last_active_drawing"])
    expected = dict(captured)
    captured.clear()
    view = map_cache.render(small_map(), extra="breaks")
    map_cache.show(view, key="m", height=700, returned_objects=["last_active_drawing"])
    for name in ("script", "header", "html", "id", "css_links", "js_links"):
        assert captured[name] == expected[name], name
    # A small update script, evaluated on every change under the stable key, runs the script.
    assert "var viewScript = script" in captured["feature_group"]
    assert "eval(viewScript" in captured["feature_group"]
    assert expected["script"] not in captured["feature_group"]
    assert captured["returned_objects"] == ["last_active_drawing", "last_object_clicked_count"]
    assert captured["default"] == {"last_object_clicked_count": 0, "last_active_drawing": None}
    assert view.extra == "breaks" and view.size > len(view.script)


def test_rendered_builds_a_view_once(monkeypatch):
    monkeypatch.setattr(map_cache, "CACHE", map_cache.ByteBoundedCache(10_000_000))
    builds = []

    def build():
        builds.append(1)
        return small_map(), [1, 2]

    first = map_cache.rendered(("test", 1), build)
    again = map_cache.rendered(("test", 1), build)
    other = map_cache.rendered(("test", 2), build)
    assert first is again and len(builds) == 2
    assert first.extra == [1, 2] and other.digest == first.digest  # same map, same script


def test_the_component_key_is_stable_per_slot_and_the_view_goes_as_update(monkeypatch):
    calls = []
    monkeypatch.setattr(streamlit_folium, "_component_func", lambda **kw: calls.append(kw) or {})
    first = map_cache.render(small_map())
    other_map = small_map()
    folium.CircleMarker([51.5, 13.6], radius=3, tooltip="Riesa").add_to(other_map)
    second = map_cache.render(other_map)
    assert first.digest != second.digest
    for view in (first, second):
        map_cache.show(view, key="slot", height=300)
    map_cache.show(first, key="another slot", height=300)
    keys = [c["key"] for c in calls]
    assert keys[0] == keys[1] != keys[2], "one iframe per slot, whatever view it shows"
    assert calls[0]["script"] == first.script and "Riesa" in calls[1]["script"]
    assert calls[0]["feature_group"] != calls[1]["feature_group"]
    # The update runs once per view and marks the iframe with the slot and the view.
    assert f'var view = "{second.digest}"' in calls[1]["feature_group"]
    assert "frame.dataset.ksgView" in calls[1]["feature_group"]


def test_a_click_is_returned_only_in_the_run_it_triggered(monkeypatch):
    import streamlit as st

    click = {"last_object_clicked_count": 1, "last_active_drawing": {"properties": {"ags": "1"}}}
    state = {"value": {}, "changed": False}

    def component(**kw):
        if state["changed"]:  # Streamlit calls on_change before the run that sees a new value
            kw["on_change"]()
        return state["value"] or kw["default"]

    monkeypatch.setattr(streamlit_folium, "_component_func", component)
    view = map_cache.render(small_map())
    show = lambda: map_cache.show(  # noqa: E731
        view, key="clicks", height=300, returned_objects=["last_active_drawing"]
    )
    assert show()["last_active_drawing"] is None
    state.update(value=click, changed=True)
    assert show() == click, "the run the click triggered sees it"
    state["changed"] = False  # a later rerun (another widget): the component still holds it
    assert show()["last_active_drawing"] is None, "a stale click must not select again"
    st.session_state.clear()


def test_the_installed_frontend_evaluates_the_update_where_script_and_header_are_visible():
    """The update reads the render's `script` and `header` from the scope of the frontend's
    direct eval of `feature_group`: a streamlit-folium upgrade that renames them breaks it."""
    from pathlib import Path

    build = Path(streamlit_folium.__file__).parent / "frontend" / "build" / "static" / "js"
    bundle = "".join(p.read_text() for p in build.glob("main.*.js"))
    start = bundle.index("script=data.args.script")
    handler = bundle[start : start + 4000]  # the render handler, up to its eval
    assert "header=data.args.header" in handler
    assert "eval(feature_group+layer_control)" in handler


def test_latin1_script_escapes_only_what_latin1_cannot_hold():
    assert map_cache.latin1_script("Gröditz – „Region“ 🗺") == (
        "Gröditz \\u2013 \\u201eRegion\\u201c \\ud83d\\uddfa"
    )
    assert map_cache.latin1_script("Gröditz, Elsterwerda") == "Gröditz, Elsterwerda"
    # JavaScript drops a backslash before a character it does not escape ("\\–" is "–"):
    # that backslash gives way, so the text stays what the browser showed before.
    assert map_cache.latin1_script("a\\–b") == "a\\u2013b"
    assert map_cache.latin1_script("a\\\\–b") == "a\\\\\\u2013b"


def test_a_rendered_script_is_held_one_byte_a_character():
    fmap = small_map()
    folium.CircleMarker([51.5, 13.6], tooltip="Elsterwerda – Bad Liebenwerda").add_to(fmap)
    script = map_cache.render(fmap).script
    assert max(map(ord, script)) <= 0xFF
    assert "Elsterwerda \\u2013 Bad Liebenwerda" in script and "Gröditz" in script
