"""Compact web encoding of the Germany-wide municipality polygons (encoded polylines)."""

from __future__ import annotations

import geopandas as gpd
import polyline
import shapely

# 1e-3° ≈ 70–110 m: far below what one screen pixel covers in a Germany-wide view.
PRECISION = 3


def encode_ring(coords: list[tuple[float, float]], precision: int = PRECISION) -> str:
    """Encoded polyline (Google's format, the `polyline` library) of a ring given as (lon, lat)
    pairs; the closing vertex is dropped (the decoder closes polygons itself)."""
    return polyline.encode([(lat, lon) for lon, lat in coords[:-1]], precision)


def encode_geometry(geometry) -> list[list[str]]:
    """A (multi)polygon as a list of polygons, each a list of encoded rings (outer first)."""
    polygons = shapely.get_parts(geometry)
    encoded = []
    for polygon in polygons:
        if polygon.is_empty or polygon.geom_type != "Polygon":
            continue
        rings = [polygon.exterior, *polygon.interiors]
        encoded.append([encode_ring(list(ring.coords)) for ring in rings])
    return encoded


def web_layer(shapes: gpd.GeoDataFrame) -> dict:
    """{'precision', 'ags', 'name', 'geometry'} for the client-side decoder."""
    return {
        "precision": PRECISION,
        "ags": shapes["ags"].tolist(),
        "name": shapes["name"].tolist(),
        "geometry": [encode_geometry(g) for g in shapes.geometry],
    }
