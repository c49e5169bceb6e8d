"""Compact web encoding of the Germany-wide municipality polygons (encoded polylines)."""

from __future__ import annotations

import geopandas as gpd
import shapely

# 1e-3° ≈ 70–110 m: far below what one screen pixel covers in a Germany-wide view.
PRECISION = 3


def _encode_number(value: int) -> str:
    """One signed integer in Google's encoded-polyline alphabet."""
    value = ~(value << 1) if value < 0 else value << 1
    chunks = []
    while value >= 0x20:
        chunks.append(chr((0x20 | (value & 0x1F)) + 63))
        value >>= 5
    chunks.append(chr(value + 63))
    return "".join(chunks)


def encode_ring(coords: list[tuple[float, float]], precision: int = PRECISION) -> str:
    """Encoded polyline of a ring as (lat, lon) deltas; the closing vertex is dropped."""
    factor = 10**precision
    points = [(round(lat * factor), round(lon * factor)) for lon, lat in coords[:-1]]
    out, last_lat, last_lon = [], 0, 0
    for lat, lon in points:
        out.append(_encode_number(lat - last_lat) + _encode_number(lon - last_lon))
        last_lat, last_lon = lat, lon
    return "".join(out)


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
