"""Serve Leaflet from the app's own static files so folium maps render without internet."""

from __future__ import annotations

import folium

APP_STATIC_PATH = "app/static"
VENDOR_STATIC_PATH = f"{APP_STATIC_PATH}/vendor"
LEAFLET_STATIC_PATH = f"{VENDOR_STATIC_PATH}/leaflet"
_configured = {"base_url_path": ""}


def app_static_url(path: str, base_url_path: str | None = None) -> str:
    """Local URL of a file in the app's static folder (Streamlit serves it as app/static)."""
    base = _configured["base_url_path"] if base_url_path is None else base_url_path
    return "/" + "/".join(p for p in (base.strip("/"), APP_STATIC_PATH, path) if p)


def vendor_url(path: str, base_url_path: str | None = None) -> str:
    """Local URL of a file fetched from npm into static/vendor (see `make assets`)."""
    return app_static_url(f"vendor/{path}", base_url_path)


def leaflet_urls(base_url_path: str = "") -> tuple[str, str]:
    """Local URLs of leaflet.js and leaflet.css under Streamlit's static serving."""
    return (
        vendor_url("leaflet/leaflet.js", base_url_path),
        vendor_url("leaflet/leaflet.css", base_url_path),
    )


def polyline_url() -> str:
    """Local URL of @mapbox/polyline, the decoder of the encoded Germany-wide layer."""
    return vendor_url("polyline/polyline.js")


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
