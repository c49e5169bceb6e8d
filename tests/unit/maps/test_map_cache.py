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
    for name in ("script", "header", "html", "id", "css_links", "js_links", "default"):
        assert captured[name] == expected[name], name
    assert captured["returned_objects"] == ["last_active_drawing"]
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
