"""Large GeoJSON layers leave the map script for content-addressed static files."""

from __future__ import annotations

import json
import os

import folium
import pytest
import streamlit_folium

from ksg_dashboard.maps import layer_files, offline
from ksg_dashboard.maps import render_cache as map_cache


def feature_collection(name: str, count: int) -> dict:
    """A collection of `count` small squares (about 200 characters each)."""
    features = [
        {
            "type": "Feature",
            "properties": {"name": f"{name} {i}"},
            "geometry": {
                "type": "Polygon",
                "coordinates": [[[i, 50.0], [i + 0.5, 50.0], [i + 0.5, 50.5], [i, 50.0]]],
            },
        }
        for i in range(count)
    ]
    return {"type": "FeatureCollection", "features": features}


@pytest.fixture
def layer_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("KSG_LAYER_DIR", str(tmp_path / "layers"))
    monkeypatch.setitem(layer_files._state, "disabled", False)
    return tmp_path / "layers"


def rendered_script(*layers: dict) -> str:
    fmap = folium.Map(location=(51, 10), zoom_start=6, tiles=None)
    for data in layers:
        folium.GeoJson(data).add_to(fmap)
    fmap.get_root().render()
    fmap.render()
    return streamlit_folium._get_map_string(fmap)


def test_large_layers_become_files_and_small_ones_stay(layer_dir):
    large, small = feature_collection("Gross", 400), feature_collection("Klein", 3)
    script = rendered_script(large, small)
    sent, layers = layer_files.externalise(script)
    assert len(layers) == 1
    (layer,) = layers
    assert len(sent) < len(script) - 50_000
    assert f'_add(window.__ksgLayers["{layer.digest}"]);' in sent
    assert "Klein 2" in sent and "Gross 399" not in sent
    assert layer.url == offline.app_static_url(f"layers/{layer.digest}.js")
    assert layer.url.startswith("/app/static/layers/")
    text = (layer_dir / f"{layer.digest}.js").read_text(encoding="utf-8")
    prefix = f'(window.__ksgLayers = window.__ksgLayers || {{}})["{layer.digest}"] = '
    assert text.startswith(prefix) and text.endswith(";\n")
    assert json.loads(text[len(prefix) : -2]) == json.loads(layer.text)
    assert json.loads(layer.text)["features"][399]["properties"]["name"] == "Gross 399"
    # Both ways back give what folium rendered.
    assert layer_files.inline(sent, layers) == script
    assert layer_files.inline_from_files(sent) == script


def test_the_same_layer_in_two_maps_is_one_file(layer_dir):
    shared = feature_collection("Land", 300)
    _, (a,) = layer_files.externalise(rendered_script(shared))
    _, layers = layer_files.externalise(rendered_script(shared, feature_collection("B", 300)))
    assert a.digest in {layer.digest for layer in layers} and len(layers) == 2
    assert sorted(p.name for p in layer_dir.iterdir()) == sorted(f"{x.digest}.js" for x in layers)


def test_an_unwritable_folder_keeps_the_layers_inline(tmp_path, monkeypatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("KSG_LAYER_DIR", str(blocker / "layers"))
    monkeypatch.setitem(layer_files._state, "disabled", False)
    script = rendered_script(feature_collection("Gross", 400))
    assert layer_files.externalise(script) == (script, ())
    assert layer_files._state["disabled"] is True


def test_pruning_removes_the_oldest_files_first(tmp_path):
    for i in range(5):
        path = tmp_path / f"{i}.js"
        path.write_text("x" * 1000)
        os.utime(path, (1_000_000 + i, 1_000_000 + i))
    assert layer_files.prune(tmp_path, budget=2_500) == 3
    assert sorted(p.name for p in tmp_path.iterdir()) == ["3.js", "4.js"]
    assert layer_files.prune(tmp_path, budget=2_500) == 0


def test_a_removed_layer_is_written_again_before_the_map_is_sent(layer_dir, monkeypatch):
    fmap = folium.Map(location=(51, 10), zoom_start=6, tiles=None)
    folium.GeoJson(feature_collection("Gross", 400)).add_to(fmap)
    view = map_cache.render(fmap)
    (layer,) = view.layers
    (layer_dir / f"{layer.digest}.js").unlink()
    captured = {}

    def component(**kwargs):
        captured.update(kwargs)
        return kwargs["default"]

    monkeypatch.setattr(map_cache.streamlit_folium, "_component_func", component)
    map_cache.show(view, key="test.map", height=300)
    assert (layer_dir / f"{layer.digest}.js").exists()
    # The first render loads the layer before the script runs; an update loads it itself.
    assert captured["js_links"][-1] == layer.url
    assert layer.url not in view.js_links
    assert json.dumps([[layer.digest, layer.url]]) in captured["feature_group"]
    assert view.full_script.count("Gross 399") == 1 and "Gross 399" not in view.script
    assert view.size > len(layer.text)


def test_the_component_key_does_not_depend_on_the_layers(layer_dir, monkeypatch):
    """A view with other layers reuses the slot's iframe (no reload of Leaflet)."""
    keys = []
    monkeypatch.setattr(
        map_cache.streamlit_folium,
        "_component_func",
        lambda **kwargs: keys.append(kwargs["key"]) or kwargs["default"],
    )
    for name in ("A", "B"):
        fmap = folium.Map(location=(51, 10), zoom_start=6, tiles=None)
        folium.GeoJson(feature_collection(name, 400)).add_to(fmap)
        map_cache.show(map_cache.render(fmap), key="test.map", height=300)
    assert len(keys) == 2 and keys[0] == keys[1]
