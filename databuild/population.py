"""Population per municipality and year 2010–2022 from all GV-ISys extracts, plus the register."""

from __future__ import annotations

import logging
from pathlib import Path

import pandas as pd

from databuild import territory
from databuild.files import write_parquet
from databuild.gvisys import find_files, parse_gv_isys, year_of
from ksg_dashboard.core.config import FIRST_CENSUS_YEAR
from ksg_dashboard.core.validation import (
    DataValidationError,
    check_ags_format,
    check_in_germany,
    check_non_negative,
    check_unique,
)

log = logging.getLogger(__name__)

POPULATION_COLUMNS = [
    "ags",
    "year",
    "name",
    "type",
    "district_key",
    "state_key",
    "area_km2",
    "population",
    "male",
    "female",
    "density",
    "census_based",
]


def read_all_years(directory: Path) -> pd.DataFrame:
    """All municipality rows of every GV-ISys extract in the directory, one frame."""
    frames = []
    for path in find_files(directory):
        frame = parse_gv_isys(path)
        log.info("%s: %d municipalities", path.name, len(frame))
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)


def population_table(all_years: pd.DataFrame) -> pd.DataFrame:
    """Long table (ags, year) with counts; `census_based` marks the 2011→2012 series break."""
    table = all_years.copy()
    table["census_based"] = table["year"] >= FIRST_CENSUS_YEAR
    table = table[POPULATION_COLUMNS].sort_values(["ags", "year"], ignore_index=True)
    validate_population(table, "population.parquet")
    return table


def validate_population(table: pd.DataFrame, file: str) -> None:
    """Unique AGS per year, 8-digit keys, no negative counts, male + female = total."""
    missing = set(POPULATION_COLUMNS) - set(table.columns)
    if missing:
        raise DataValidationError(file, f"missing columns {sorted(missing)}")
    check_ags_format(file, table["ags"])
    check_unique(file, table, ["ags", "year"])
    check_non_negative(file, table, ["population", "male", "female", "area_km2"])
    both = table.dropna(subset=["population", "male", "female"])
    mismatch = both[both["male"] + both["female"] != both["population"]]
    if not mismatch.empty:
        sample = mismatch[["ags", "year"]].head(5).to_dict("records")
        raise DataValidationError(file, f"male + female != total for {sample}")


def register(all_years: pd.DataFrame, boundary_ags: set[str]) -> pd.DataFrame:
    """One row per AGS that existed in any year: latest name and keys, years present, centre."""
    ordered = all_years.sort_values("year")
    latest = ordered.groupby("ags", as_index=False).last()
    years = ordered.groupby("ags")["year"].agg(first_year="min", last_year="max").reset_index()
    centres = (
        ordered.dropna(subset=["lon", "lat"]).groupby("ags")[["lon", "lat"]].last().reset_index()
    )
    table = latest.drop(columns=["lon", "lat", "year"]).merge(years, on="ags")
    table = table.merge(centres, on="ags", how="left")
    table["in_boundaries_2016"] = table["ags"].isin(boundary_ags)
    columns = [
        "ags",
        "ars",
        "name",
        "type",
        "state_key",
        "state_name",
        "district_key",
        "district_name",
        "district_type",
        "association_key",
        "association_name",
        "postcode",
        "first_year",
        "last_year",
        "lon",
        "lat",
        "in_boundaries_2016",
    ]
    table = table[columns].sort_values("ags", ignore_index=True)
    check_unique("municipalities.parquet", table, ["ags"])
    check_in_germany("municipalities.parquet", table["lon"], table["lat"])
    return table


def extract_years(directory: Path) -> list[int]:
    """The years of the GV-ISys extracts in the directory (from their names, without parsing)."""
    return [year_of(path) for path in find_files(directory)]


def write_population(out: Path, table: pd.DataFrame, crosswalk: pd.DataFrame) -> None:
    """population.parquet (each year on its own territory) and population_2022.parquet (every
    year on the territory of 31.12.2022, national sums unchanged)."""
    write_parquet(table, out / "population.parquet")
    consistent = territory.population_on_2022(table, crosswalk)
    territory.check_sums_unchanged(table, consistent)
    validate_population(consistent, "population_2022.parquet")
    write_parquet(consistent, out / "population_2022.parquet")
    log.info("population: %d rows (2022 territory: %d)", len(table), len(consistent))


def register_on_2022(
    all_years: pd.DataFrame,
    boundary_ags: set[str],
    crosswalk: pd.DataFrame,
    polygon_keys: set[str],
) -> pd.DataFrame:
    """The register with each key's successor of 31.12.2022 and whether that has a polygon."""
    table = register(all_years, boundary_ags)
    table = table.merge(territory.successors(crosswalk), on="ags", how="left")
    table["has_polygon_2022"] = table["successor_2022"].isin(polygon_keys)
    return table
