"""Serve Leaflet from the app's own static files so folium maps render without internet."""

from __future__ import annotations

import folium

LEAFLET_STATIC_PATH = "app/static/vendor/leaflet"
_configured = {"base_url_path": ""}


def leaflet_urls(base_url_path: str = "") -> tuple[str, str]:
    """Local URLs of leaflet.js and leaflet.css under Streamlit's static serving."""
    prefix = "/" + "/".join(p for p in (base_url_path.strip("/"), LEAFLET_STATIC_PATH) if p)
    return f"{prefix}/leaflet.js", f"{prefix}/leaflet.css"


def use_local_leaflet(base_url_path: str = "") -> None:
    """Point folium at the local Leaflet and drop the CDN-only extras (jQuery, Bootstrap, icons).

    Only Leaflet itself is needed for GeoJson, tooltips, CircleMarker and DivIcon markers.
    """
    _configured["base_url_path"] = base_url_path
    js, css = leaflet_urls(base_url_path)
    folium.Map.default_js = [("leaflet", js)]
    folium.Map.default_css = [("leaflet_css", css)]


def leaflet_image_path() -> str:
    """Folder of Leaflet's marker images (Leaflet's own guess fails inside the map iframe)."""
    js, _ = leaflet_urls(_configured["base_url_path"])
    return js.rsplit("/", 1)[0] + "/images/"
