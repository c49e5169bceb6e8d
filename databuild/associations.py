"""Gemeindeverbände (Ämter, Verwaltungsgemeinschaften, Samt-/Verbandsgemeinden, …) per year.

Every municipality row of a GV-ISys extract carries the key of its Gemeindeverband (VB, the
digits 6–9 of the ARS); the Satzart-50 rows name the bodies and give their type in the
Textkennzeichen. A municipality that belongs to no body ("verbandsfrei") has a Satzart-50 row
of its own with Textkennzeichen 50 and VB "0" + its municipality number (unincorporated areas:
9xxx). Bodies are keyed by the 9-digit ARS prefix Land+RB+Kreis+VB.
"""

from __future__ import annotations

import logging
from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely

from databuild import boundaries
from databuild.files import write_geoparquet, write_json, write_parquet
from ksg_dashboard.core.validation import DataValidationError, check_ags_format, check_unique
from ksg_dashboard.data.datastore import ASSOCIATION_COLUMNS

log = logging.getLogger(__name__)

# Textkennzeichen of Satzart-50 rows. The extracts carry no key list; the meaning is checked
# against the states they occur in and against the BEZ of the VG250 layer (see agreement()):
# 51 only in SH/BB/MV, 52 only in NI, 53 in RP/ST (BB from 2020), 54 in BW/BY/SN/ST/TH, 56 in
# BW/SN, 58 only in TH ("EG …"); 55 are the two Kirchspielslandgemeinden of Dithmarschen.
UNAFFILIATED = "50"  # verbandsfreie (amtsfreie, einheits-) Gemeinde: not a body
ASSOCIATION_TYPES = {
    "51": "Amt",
    "52": "Samtgemeinde",
    "53": "Verbandsgemeinde",
    "54": "Verwaltungsgemeinschaft",
    "55": "Kirchspielslandgemeinde",
    "56": "Verwaltungsverband",
    "57": "Verwaltungsgemeinschaft (Trägermodell)",
    "58": "Erfüllende Gemeinde",
}
# Names that already say what the body is ("VVG der Stadt …", "GVV …", "EG Nobitz").
TYPED_PREFIXES = ("vvg ", "gvv ", "eg ", "vg ", "amt ", "verwaltungs", "gemeindeverwaltungs")
OUTLINE_YEARS = (2016, 2022)
# Germany-wide layers (overview map, demographics): coarser than the municipalities' overview
# level, so all bodies together stay well under 1 MB of GeoJSON.
GERMANY_TOLERANCE_M = 1000.0
GERMANY_PRECISION_DEG = 1e-3
# A dissolved outline agrees with the VG250 polygon of the body at this intersection over union.
IOU_MATCH = 0.98
METRIC_CRS = 3035


def display_name(name: str, type_code: str) -> str:
    """'Amt Gerswalde', 'Verwaltungsgemeinschaft Syrgenstein', 'GVV Holzgerlingen'."""
    base = name.removesuffix(" (VGem)").strip()
    if base.casefold().startswith(TYPED_PREFIXES):
        return base
    kind = ASSOCIATION_TYPES[type_code].removesuffix(" (Trägermodell)")
    return f"{kind} {base}"


def association_members(all_years: pd.DataFrame) -> pd.DataFrame:
    """(year, association_key, ags) of every municipality that belongs to a body."""
    needed = {"year", "ags", "association_key", "association_type_code"}
    missing = needed - set(all_years.columns)
    if missing:
        raise DataValidationError("GV-ISys", f"columns missing for associations: {sorted(missing)}")
    unknown = set(all_years["association_type_code"]) - set(ASSOCIATION_TYPES) - {UNAFFILIATED}
    if unknown:
        raise DataValidationError("GV-ISys", f"unknown Gemeindeverband type codes {unknown}")
    rows = all_years[all_years["association_type_code"].isin(list(ASSOCIATION_TYPES))]
    members = rows[["year", "association_key", "ags"]].drop_duplicates()
    members = members.sort_values(["year", "association_key", "ags"], ignore_index=True)
    validate_members(members, set(zip(all_years["year"], all_years["ags"], strict=True)))
    return members


def validate_members(members: pd.DataFrame, known: set[tuple[int, str]]) -> None:
    """9-digit body keys, 8-digit AGS, every member exists that year, one body per municipality."""
    file = "association_members.parquet"
    check_ags_format(file, members["ags"])
    if not members["association_key"].str.fullmatch(r"\d{9}").all():
        raise DataValidationError(file, "association keys are not 9 digits")
    check_unique(file, members, ["year", "ags"])
    unknown = [(y, a) for y, a in zip(members["year"], members["ags"], strict=True)]
    unknown = [pair for pair in unknown if pair not in known]
    if unknown:
        raise DataValidationError(file, f"members not in the register: {unknown[:5]}")
    if not (members["association_key"].str[:5] == members["ags"].str[:5]).all():
        raise DataValidationError(file, "a member lies outside its body's district")


def association_table(all_years: pd.DataFrame, members: pd.DataFrame) -> pd.DataFrame:
    """One row per body and year: names, type, state, member count, population and area sums.

    The population is the sum of the members' values (empty if a member has none published).
    """
    rows = all_years.merge(members, on=["year", "association_key", "ags"], how="inner")
    grouped = rows.groupby(["year", "association_key"], as_index=False).agg(
        name=("association_name", "first"),
        type_code=("association_type_code", "first"),
        members=("ags", "size"),
        population=("population", lambda s: s.sum() if s.notna().all() else pd.NA),
        area_km2=("area_km2", "sum"),
    )
    grouped["type"] = grouped["type_code"].map(ASSOCIATION_TYPES)
    grouped["display_name"] = [
        display_name(n, c) for n, c in zip(grouped["name"], grouped["type_code"], strict=True)
    ]
    grouped["state_key"] = grouped["association_key"].str[:2]
    grouped["district_key"] = grouped["association_key"].str[:5]
    grouped["population"] = grouped["population"].astype("Int64")
    grouped["area_km2"] = grouped["area_km2"].astype("Float64").round(2)
    table = grouped[list(ASSOCIATION_COLUMNS)]
    table = table.sort_values(["year", "association_key"], ignore_index=True)
    check_unique("associations.parquet", table, ["year", "association_key"])
    if (table["name"] == "").any():
        raise DataValidationError("associations.parquet", "body without a Satzart-50 name")
    return table


def dissolve_outlines(members: pd.DataFrame, polygons: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Outline of each body: the union of its members' polygons (a GeoDataFrame keyed by `ags`).

    `missing` counts members without a polygon (municipalities newer than the polygon source);
    their outline is incomplete. Bodies without any polygon are left out.
    """
    joined = members[["association_key", "ags"]].merge(
        polygons[["ags", "geometry"]], on="ags", how="left"
    )
    has_shape = joined["geometry"].notna()
    missing = (~has_shape).groupby(joined["association_key"]).sum().rename("missing")
    shaped = gpd.GeoDataFrame(joined[has_shape], geometry="geometry", crs=polygons.crs)
    outlines = shaped.dissolve(by="association_key", as_index=False)[
        ["association_key", "geometry"]
    ]
    outlines["geometry"] = shapely.make_valid(outlines.geometry.values)
    outlines = outlines.merge(missing.reset_index(), on="association_key", how="left")
    outlines["missing"] = outlines["missing"].astype(int)
    return gpd.GeoDataFrame(outlines, geometry="geometry", crs=polygons.crs)


def coarse_outlines(outlines: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Outlines simplified for a Germany-wide view (neighbouring bodies keep shared edges)."""
    metric = outlines.geometry.to_crs(METRIC_CRS)
    simplified = shapely.coverage_simplify(metric.values, GERMANY_TOLERANCE_M)
    back = gpd.GeoSeries(simplified, crs=METRIC_CRS).to_crs(outlines.crs)
    result = outlines.copy()
    result["geometry"] = shapely.make_valid(
        shapely.set_precision(back.values, GERMANY_PRECISION_DEG)
    )
    empty = shapely.is_empty(result.geometry.values)
    result.loc[empty, "geometry"] = outlines.geometry[empty].values
    return result


def vg250_bodies(layer: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The VG250 'verwaltungsgemeinschaften' layer dissolved per 9-digit key (RS), with BEZ."""
    frame = gpd.GeoDataFrame(
        {"association_key": layer["RS"].astype(str), "bez": layer["BEZ"].astype(str)},
        geometry=layer.geometry.values,
        crs=layer.crs,
    )
    return frame.dissolve(by=["association_key", "bez"], as_index=False)


def agreement(
    outlines: gpd.GeoDataFrame, table: pd.DataFrame, reference: gpd.GeoDataFrame
) -> pd.DataFrame:
    """Per body of `table` (one year): IoU of the dissolved outline with the VG250 polygon.

    Columns: association_key, display_name, type_code, bez (VG250 type), iou (NA without a
    VG250 polygon of that key), match (iou >= IOU_MATCH).
    """
    ours = outlines.to_crs(METRIC_CRS).set_index("association_key").geometry
    theirs = reference.to_crs(METRIC_CRS).set_index("association_key")
    rows = []
    for record in table.itertuples():
        key = record.association_key
        iou = None
        bez = ""
        if key in ours.index and key in theirs.index:
            a, b = ours.loc[key], theirs.geometry.loc[key]
            union = shapely.union(a, b).area
            iou = shapely.intersection(a, b).area / union if union else None
            bez = str(theirs["bez"].loc[key])
        rows.append(
            {
                "association_key": key,
                "display_name": record.display_name,
                "type_code": record.type_code,
                "bez": bez,
                "iou": iou,
            }
        )
    frame = pd.DataFrame(rows)
    frame["iou"] = frame["iou"].astype("Float64").round(4)
    frame["match"] = frame["iou"].fillna(0) >= IOU_MATCH
    return frame


def agreement_summary(result: pd.DataFrame, members_year: int, reference_date: str) -> dict:
    """Share of matching bodies, type code × VG250 BEZ, and the exceptions."""
    exceptions = result[~result["match"]]
    crosstab = (
        result[result["bez"] != ""]
        .groupby(["type_code", "bez"])
        .size()
        .rename("bodies")
        .reset_index()
        .to_dict("records")
    )
    return {
        "members_as_of": f"31.12.{members_year}",
        "reference": f"VG250 Verwaltungsgemeinschaften, Gebietsstand {reference_date}",
        "iou_threshold": IOU_MATCH,
        "bodies": len(result),
        "matching": int(result["match"].sum()),
        "share_matching": round(float(result["match"].mean()), 4),
        "median_iou": float(result["iou"].median()),
        "without_vg250_polygon": int(result["iou"].isna().sum()),
        "type_code_vs_vg250_bez": crosstab,
        "exceptions": [
            {
                "association_key": r.association_key,
                "name": r.display_name,
                "iou": None if pd.isna(r.iou) else float(r.iou),
            }
            for r in exceptions.itertuples()
        ],
    }


# The VG250 layer of 01.01.2016 shows the bodies as of the GV-ISys extract of 31.12.2015; the
# extract of 31.12.2016 is compared as well (changes during 2016 show up as exceptions).
AGREEMENT_YEARS = (2015, 2016)


def write_associations(
    out: Path, all_years: pd.DataFrame, polygons: gpd.GeoDataFrame, package: Path
) -> None:
    """Gemeindeverbände per year, their members, outlines, and the check against VG250.

    `polygons` (unsimplified, keyed by `ags`) is the territory the agreement is computed on;
    the app's outlines are dissolved from the simplified municipality files already in `out`,
    so they share their edges with the municipality polygons on every map.
    """
    members = association_members(all_years)
    table = association_table(all_years, members)
    write_parquet(table, out / "associations.parquet")
    write_parquet(members, out / "association_members.parquet")
    log.info("associations: %d body-years, %d memberships", len(table), len(members))
    reference = vg250_bodies(boundaries.read_layer(package / "verwaltungsgemeinschaften.geo.json"))
    checks = [
        agreement_check(members, table, polygons, reference, year) for year in AGREEMENT_YEARS
    ]
    write_json(checks, out / "associations_check.json")
    combined = outline_layers(out, members, polygons)
    write_geoparquet(combined, out / "association_outlines.parquet")
    log.info("association outlines: %d", len(combined))


def agreement_check(
    members: pd.DataFrame,
    table: pd.DataFrame,
    polygons: gpd.GeoDataFrame,
    reference: gpd.GeoDataFrame,
    year: int,
) -> dict:
    """The agreement summary of one year's dissolved bodies with the VG250 bodies."""
    outlines = dissolve_outlines(members[members["year"] == year], polygons)
    result = agreement(outlines, table[table["year"] == year], reference)
    summary = agreement_summary(result, year, "01.01.2016")
    log.info(
        "associations %d vs VG250: %d of %d match (IoU >= %.2f)",
        year,
        summary["matching"],
        summary["bodies"],
        IOU_MATCH,
    )
    return summary


def outline_layers(
    out: Path, members: pd.DataFrame, polygons: gpd.GeoDataFrame
) -> gpd.GeoDataFrame:
    """Outlines per year and level (plus the coarse Germany-wide level) in one frame."""
    frames = []
    for level, tolerance in boundaries.TOLERANCES_M.items():
        # The latest year's bodies consist of 2022 municipalities: their outlines come from the
        # map's own (2022-territory) polygons; older years' from the 2016 polygons.
        shapes_2022 = gpd.read_parquet(out / f"municipalities_{level}.parquet")
        shapes_2016 = boundaries.simplify_coverage(polygons, tolerance)
        for year in OUTLINE_YEARS:
            shapes = shapes_2022 if year == max(OUTLINE_YEARS) else shapes_2016
            outlines = dissolve_outlines(members[members["year"] == year], shapes)
            outlines.insert(0, "level", level)
            outlines.insert(0, "year", year)
            frames.append(outlines)
            if level == "overview":
                germany = coarse_outlines(outlines)
                germany["level"] = "germany"
                frames.append(germany)
    return gpd.GeoDataFrame(pd.concat(frames, ignore_index=True), crs=frames[0].crs)
