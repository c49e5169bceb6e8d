"""Downloads of the current selection: a CSV table and GeoJSON polygons (pure)."""

from __future__ import annotations

import json

import geopandas as gpd
import pandas as pd

from ksg_dashboard.config import DEFAULT_BASE_YEAR


def selection_table(
    population: pd.DataFrame,
    register: pd.DataFrame,
    ags: list[str],
    base_year: int = DEFAULT_BASE_YEAR,
    metadata: dict[str, str] | None = None,
) -> pd.DataFrame:
    """One row per selected municipality: keys, names, latest population, change since base;
    `metadata` (territory, source, licence) as extra columns."""
    year = int(population["year"].max())
    now = population[population["year"] == year].set_index("ags")
    base = population[population["year"] == base_year].set_index("ags")["population"]
    info = register.set_index("ags")
    rows = []
    for key in ags:
        value = now["population"].get(key)
        before = base.get(key)
        change = None
        if value is not None and before is not None and pd.notna(value) and pd.notna(before):
            change = round((value - before) / before * 100, 2) if before else None
        rows.append(
            {
                "ags": key,
                "name": info["name"].get(key),
                "kreis": info["district_name"].get(key),
                "land": info["state_name"].get(key),
                f"einwohner_{year}": value,
                f"einwohner_{base_year}": before,
                f"veraenderung_pct_{base_year}_{year}": change,
                f"flaeche_km2_{year}": now["area_km2"].get(key),
            }
            | (metadata or {})
        )
    return pd.DataFrame(rows)


def csv_bytes(table: pd.DataFrame) -> bytes:
    """CSV for German spreadsheet programs: ';' separated, decimal comma, UTF-8 with BOM."""
    return table.to_csv(index=False, sep=";", decimal=",").encode("utf-8-sig")


def geojson_bytes(
    shapes: gpd.GeoDataFrame, table: pd.DataFrame, metadata: dict[str, str] | None = None
) -> bytes:
    """Polygons (VG250 2016 on the 2022 territory) of the selected municipalities with the
    table's columns; `metadata` also as a top-level member of the FeatureCollection."""
    merged = shapes[["ags", "geometry"]].merge(table, on="ags", how="inner")
    text = gpd.GeoDataFrame(merged, geometry="geometry", crs=shapes.crs).to_json(
        drop_id=True, ensure_ascii=False
    )
    if metadata:
        collection = json.loads(text)
        collection = {"type": collection.pop("type"), "metadata": metadata} | collection
        text = json.dumps(collection, ensure_ascii=False)
    return text.encode("utf-8")
