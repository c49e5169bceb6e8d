"""Frames for map layers: cooperation members, region outlines, programme measures, view bounds."""

from __future__ import annotations

from collections.abc import Iterable

import geopandas as gpd
import pandas as pd
import shapely

from ksg_dashboard.core import numbers, palette
from ksg_dashboard.core.palette import CUSTOM_COLOUR, HOST_COLOUR, MEASURE_COLOUR  # noqa: F401

# Outline colour per Gemeindeverband type (dark, so the cooperation colours stay in front).
ASSOCIATION_COLOURS = {
    "Amt": "#333333",
    "Kirchspielslandgemeinde": "#333333",
    "Samtgemeinde": "#762a83",
    "Verbandsgemeinde": "#b35806",
    "Verwaltungsgemeinschaft": "#2166ac",
    "Verwaltungsgemeinschaft (Trägermodell)": "#2166ac",
    "Verwaltungsverband": "#8c510a",
    "Erfüllende Gemeinde": "#c51b7d",
}
# Germany's extent (south-west, north-east) for the default view.
GERMANY_BOUNDS = ((47.27, 5.87), (55.06, 15.04))


def region_colours(cooperations: list[dict]) -> dict[str, str]:
    """The colour of each cooperation id (see `palette`: fixed per id on every page)."""
    return palette.region_colours(c["id"] for c in cooperations)


def with_population_label(frame: pd.DataFrame, latest: pd.DataFrame) -> pd.DataFrame:
    """Adds `population` (formatted, German) and `population_year` for tooltips."""
    merged = frame.merge(latest, on="ags", how="left")
    merged["population_label"] = [
        "unbekannt" if pd.isna(p) else f"{numbers.number(p)} ({int(y)})"
        for p, y in zip(merged["population"], merged["year"], strict=True)
    ]
    return merged.drop(columns=["population", "year"])


def region_members(
    cooperations: list[dict], shapes: gpd.GeoDataFrame, latest: pd.DataFrame
) -> gpd.GeoDataFrame:
    """One polygon per (cooperation, member) with region id/name/colour and tooltip fields."""
    colours = region_colours(cooperations)
    rows = [
        {"ags": ags, "region": c["id"], "region_name": c["short_name"], "colour": colours[c["id"]]}
        for c in cooperations
        for ags in c["member_ags"]
    ]
    members = pd.DataFrame(rows, columns=["ags", "region", "region_name", "colour"])
    frame = shapes[["ags", "name", "geometry"]].merge(members, on="ags", how="inner")
    frame = with_population_label(frame, latest)
    return gpd.GeoDataFrame(frame, geometry="geometry", crs=shapes.crs)


def area_outlines(
    cooperations: list[dict], shapes: gpd.GeoDataFrame, colours: dict[str, str]
) -> gpd.GeoDataFrame:
    """One simplified outline per cooperation, without member polygons (for very long lists:
    11,000 members as single polygons make a 22 MB page; the outline of Germany is 60 kB)."""
    rows = []
    for cooperation in cooperations:
        geometry = shapes.loc[shapes["ags"].isin(cooperation["member_ags"]), "geometry"].values
        outline = shapely.union_all(geometry).simplify(0.005) if len(geometry) else None
        rows.append(
            {
                "region": cooperation["id"],
                "region_name": cooperation["short_name"],
                "colour": colours[cooperation["id"]],
                "members": numbers.count(len(cooperation["member_ags"]), "Gemeinde", "Gemeinden"),
                "geometry": outline,
            }
        )
    frame = gpd.GeoDataFrame(
        rows, columns=["region", "region_name", "colour", "members", "geometry"], crs=shapes.crs
    )
    return frame[~frame.geometry.isna()]


def region_outlines(members: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The dissolved outline of each cooperation region."""
    if members.empty:
        return members.iloc[:0][["region", "region_name", "colour", "geometry"]]
    grouped = members.dissolve(by=["region", "region_name", "colour"], as_index=False)
    return grouped[["region", "region_name", "colour", "geometry"]]


def measure_members(
    measures: list[dict], shapes: gpd.GeoDataFrame, latest: pd.DataFrame, exclude: Iterable[str]
) -> gpd.GeoDataFrame:
    """Municipalities of the programme measures, except those already drawn as regions."""
    skip = set(exclude)
    rows = [
        {"ags": ags, "measure": m["id"], "measure_name": m["name"]}
        for m in measures
        for ags in m["member_ags"]
        if ags not in skip
    ]
    frame = pd.DataFrame(rows, columns=["ags", "measure", "measure_name"])
    frame = frame.groupby("ags", as_index=False).agg(
        measure=("measure", "first"), measure_name=("measure_name", " · ".join)
    )
    merged = shapes[["ags", "name", "geometry"]].merge(frame, on="ags", how="inner")
    merged = with_population_label(merged, latest)
    return gpd.GeoDataFrame(merged, geometry="geometry", crs=shapes.crs)


def measure_points(measures: list[dict], exclude_ids: Iterable[str] = ()) -> pd.DataFrame:
    """Lead-town points of the programme measures (lat/lon from Destatis centres)."""
    skip = set(exclude_ids)
    rows = [
        {
            "measure": m["id"],
            "name": m["name"],
            "ags": m.get("lead_ags") or "",
            "lat": m["lat"],
            "lon": m["lon"],
        }
        for m in measures
        if m["id"] not in skip and m.get("lat") is not None and m.get("lon") is not None
    ]
    return pd.DataFrame(rows, columns=["measure", "name", "ags", "lat", "lon"])


def bounds_of(frame: gpd.GeoDataFrame, margin: float = 0.05) -> tuple[tuple, tuple] | None:
    """((south, west), (north, east)) of a frame with a relative margin; None if empty."""
    if frame.empty:
        return None
    west, south, east, north = frame.total_bounds
    dx, dy = (east - west) * margin + 0.01, (north - south) * margin + 0.01
    return ((south - dy, west - dx), (north + dy, east + dx))


def in_view(frame: gpd.GeoDataFrame, bounds: tuple[tuple, tuple]) -> gpd.GeoDataFrame:
    """Rows of a frame that intersect the view rectangle."""
    (south, west), (north, east) = bounds
    box = shapely.box(west, south, east, north)
    return frame[frame.intersects(box)]


def association_legend() -> list[tuple[str, str]]:
    """(colour, type) pairs for the legend, one entry per colour."""
    by_colour: dict[str, list[str]] = {}
    for kind, colour in ASSOCIATION_COLOURS.items():
        if "Trägermodell" in kind:
            continue
        by_colour.setdefault(colour, []).append(kind)
    return [(colour, " / ".join(kinds)) for colour, kinds in by_colour.items()]


def association_outlines(
    outlines: gpd.GeoDataFrame,
    bodies: pd.DataFrame,
    year: int,
    bounds: tuple[tuple, tuple] | None,
) -> gpd.GeoDataFrame:
    """Outlines of the bodies of a year with name, type and colour: all of Germany at the
    coarse level when there is no view, otherwise those in view at regional detail."""
    level = "germany" if bounds is None else "regional"
    frame = outlines[(outlines["year"] == year) & (outlines["level"] == level)]
    if bounds is not None:
        frame = in_view(frame, bounds)
    attributes = bodies.loc[
        bodies["year"] == year, ["association_key", "display_name", "type", "members"]
    ]
    merged = frame[["association_key", "missing", "geometry"]].merge(
        attributes, on="association_key", how="inner"
    )
    merged["colour"] = merged["type"].map(ASSOCIATION_COLOURS).fillna("#444444")
    merged["members_label"] = [
        numbers.count(m, "Gemeinde", "Gemeinden")
        + (f" (Umriss ohne {x}: Gebietsstand 2016)" if x else "")
        for m, x in zip(merged["members"], merged["missing"], strict=True)
    ]
    return gpd.GeoDataFrame(merged, geometry="geometry", crs=outlines.crs)
