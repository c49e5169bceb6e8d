"""Readers for the prepared files in data/: checked on load, no Streamlit, no heavy processing."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import geopandas as gpd
import pandas as pd
import yaml
from pandas.api.types import is_numeric_dtype

from ksg_dashboard.core.config import data_dir
from ksg_dashboard.core.validation import (
    DataValidationError,
    check_ags_format,
    check_in_germany,
    check_manifest_size,
    check_non_negative,
    check_unique,
)
from ksg_dashboard.data import schemas
from ksg_dashboard.data.compact import compact
from ksg_dashboard.tour import model as tour

DetailLevel = Literal["overview", "regional"]


@dataclass(frozen=True)
class TableSpec:
    """What a table in data/ must hold; checked in this order when it is read."""

    columns: frozenset[str]
    numeric: tuple[str, ...] = ()  # must hold numbers (right names with text values is broken too)
    ags: tuple[str, ...] = ()  # hold 8-digit municipality keys
    unique: tuple[str, ...] = ()  # together identify a row
    non_negative: tuple[str, ...] = ()  # counts


def _spec(columns: set[str], **checks: tuple[str, ...]) -> TableSpec:
    return TableSpec(frozenset(columns), **checks)


SHAPE_COLUMNS = {
    "ags",
    "ars",
    "name",
    "type",
    "district_key",
    "district_name",
    "state_key",
    "state_name",
    "geometry",
}
POPULATION_COLUMNS = {"ags", "year", "name", "population", "male", "female", "census_based"}
POPULATION_CHECKS = {
    "ags": ("ags",),
    "unique": ("ags", "year"),
    "non_negative": ("population", "male", "female"),
}
AGE_KEYS = ("ags", "sex", "age_order")
MIGRATION_KEYS = ("ags", "direction", "sex", "age_order")
AGE_COLUMNS = {"ags", "sex", "age_order", "age_from", "age_to", "is_total", "population"}
MIGRATION_COLUMNS = {"ags", "direction", "sex", "age_order", "age_group", "is_total", "moves"}
# Municipal count tables are keyed by 8-digit AGS, the region tables by "DG" and the state keys.
# Written in this order by databuild.associations.
ASSOCIATION_COLUMNS = (
    "year",
    "association_key",
    "name",
    "display_name",
    "type_code",
    "type",
    "state_key",
    "district_key",
    "members",
    "population",
    "area_km2",
)
MUNICIPAL_AGE = {"ags": ("ags",), "unique": AGE_KEYS, "non_negative": ("population",)}
MUNICIPAL_MIGRATION = {"ags": ("ags",), "unique": MIGRATION_KEYS, "non_negative": ("moves",)}
SPECS: dict[str, TableSpec] = {
    "population.parquet": _spec(
        POPULATION_COLUMNS, numeric=("year", "population", "male", "female"), **POPULATION_CHECKS
    ),
    "population_2022.parquet": _spec(POPULATION_COLUMNS | {"estimated"}, **POPULATION_CHECKS),
    "crosswalk.parquet": _spec(
        {"year", "ags", "ags22", "pop_share", "area_share", "source"}, ags=("ags", "ags22")
    ),
    "official_totals.parquet": _spec(
        {"level", "key", "year", "population", "male", "female"},
        non_negative=("population", "male", "female"),
    ),
    "municipalities.parquet": _spec(
        {"ags", "name", "state_key", "district_key", "lon", "lat"},
        numeric=("lon", "lat"),
        ags=("ags",),
        unique=("ags",),
    ),
    "district_age.parquet": _spec(
        {"district_key", "year", "age_order", "sex", "population"},
        numeric=("year", "age_order", "population"),
        non_negative=("population",),
    ),
    "dependency_ratios.parquet": _spec(
        {"district_key", "youth_ratio", "old_age_ratio"}, numeric=("youth_ratio", "old_age_ratio")
    ),
    "municipal_age_2015.parquet": _spec(AGE_COLUMNS | {"level", "has_values"}, **MUNICIPAL_AGE),
    "migration_2015.parquet": _spec(
        MIGRATION_COLUMNS | {"level", "age_from", "age_to"}, **MUNICIPAL_MIGRATION
    ),
    "age_2015_gebiet2022.parquet": _spec(AGE_COLUMNS | {"estimated"}, **MUNICIPAL_AGE),
    "migration_2015_gebiet2022.parquet": _spec(
        MIGRATION_COLUMNS | {"estimated"}, **MUNICIPAL_MIGRATION
    ),
    "age_regions_2015.parquet": _spec(AGE_COLUMNS, unique=AGE_KEYS, non_negative=("population",)),
    "migration_regions_2015.parquet": _spec(
        MIGRATION_COLUMNS, unique=MIGRATION_KEYS, non_negative=("moves",)
    ),
    "natural_change.parquet": _spec(
        {"region_key", "level", "year", "births", "deaths", "balance"},
        unique=("region_key", "year"),
        non_negative=("births", "deaths"),
    ),
    "municipalities_overview.parquet": _spec(SHAPE_COLUMNS, ags=("ags",)),
    "municipalities_regional.parquet": _spec(SHAPE_COLUMNS, ags=("ags",)),
    "districts.parquet": _spec({"district_key", "name", "geometry"}),
    "states.parquet": _spec({"state_key", "name", "geometry"}),
    "associations.parquet": _spec(set(ASSOCIATION_COLUMNS), unique=("year", "association_key")),
    "association_members.parquet": _spec(
        {"year", "association_key", "ags"}, ags=("ags",), unique=("year", "ags")
    ),
    "association_outlines.parquet": _spec(
        {"year", "level", "association_key", "missing", "geometry"}
    ),
}


def _path(name: str, directory: Path | None = None) -> Path:
    path = (directory or data_dir()) / name
    if not path.exists():
        raise DataValidationError(name, "Datei fehlt")
    check_manifest_size(path)
    return path


def _check(name: str, frame: pd.DataFrame) -> None:
    spec = SPECS[name]
    missing = spec.columns - set(frame.columns)
    if missing:
        raise DataValidationError(name, f"Spalten fehlen: {sorted(missing)}")
    wrong = [c for c in spec.numeric if not is_numeric_dtype(frame[c])]
    if wrong:
        raise DataValidationError(name, f"Spalten nicht numerisch: {wrong}")
    if "geometry" in spec.columns and not isinstance(frame, gpd.GeoDataFrame):
        raise DataValidationError(name, "keine Geometrien")
    for column in spec.ags:
        check_ags_format(name, frame[column])
    if spec.unique:
        check_unique(name, frame, list(spec.unique))
    if spec.non_negative:
        check_non_negative(name, frame, list(spec.non_negative))


def _read_parquet(
    name: str, directory: Path | None, reader: Callable[[Path], pd.DataFrame]
) -> pd.DataFrame:
    try:
        frame = reader(_path(name, directory))
    except DataValidationError:
        raise
    except Exception as error:  # pyarrow raises several types for corrupt files
        raise DataValidationError(name, f"nicht lesbar ({type(error).__name__})") from error
    _check(name, frame)
    return frame


def _read_table(name: str, directory: Path | None = None) -> pd.DataFrame:
    """A checked table (see SPECS)."""
    return _read_parquet(name, directory, pd.read_parquet)


def _read_shapes(name: str, directory: Path | None = None) -> gpd.GeoDataFrame:
    """A checked table of polygons (see SPECS)."""
    return _read_parquet(name, directory, gpd.read_parquet)


def _read_json(name: str, directory: Path | None) -> object:
    try:
        return json.loads(_path(name, directory).read_text(encoding="utf-8"))
    except DataValidationError:
        raise
    except (OSError, ValueError) as error:
        raise DataValidationError(name, f"kein gültiges JSON ({type(error).__name__})") from error


# The labels repeated on every year's row of the two population series, held as categories
# sorted by their text (so sorting and grouping give the text's order): 8.5 MB of each series'
# 19-20 MB become 1.4 MB (02.12.2026).
POPULATION_CATEGORIES = ("name", "type", "district_key", "state_key")


def read_population(directory: Path | None = None) -> pd.DataFrame:
    """Population per municipality (ags) and year with the census-break flag."""
    return compact(
        _read_table("population.parquet", directory), POPULATION_CATEGORIES, sorted_categories=True
    )


def read_population_2022(directory: Path | None = None) -> pd.DataFrame:
    """Population per 2022 municipality and year 2010–2022, on the territory of 31.12.2022."""
    return compact(
        _read_table("population_2022.parquet", directory),
        POPULATION_CATEGORIES,
        sorted_categories=True,
    )


def read_crosswalk(directory: Path | None = None) -> pd.DataFrame:
    """Every (year, AGS) 2010–2022 with its 2022 successor(s) and shares."""
    return _read_table("crosswalk.parquet", directory)


def read_official_totals(directory: Path | None = None) -> pd.DataFrame:
    """Official state and Germany totals from the district table 12411-0018."""
    return _read_table("official_totals.parquet", directory)


CHANGES_FILE = "territorial_changes.csv"
CHANGE_COLUMNS = {"year", "old_ags", "old_name", "new_ags", "new_name", "kind", "source"}


def read_territorial_changes(directory: Path | None = None) -> pd.DataFrame:
    """The register of territorial changes 2011–2022 with evidence."""
    try:
        text_columns = ["old_ags", "new_ags", "old_name", "new_name", "kind", "source", "note"]
        frame = pd.read_csv(_path(CHANGES_FILE, directory), dtype=dict.fromkeys(text_columns, str))
        for column in set(text_columns) & set(frame.columns):
            frame[column] = frame[column].fillna("")
    except DataValidationError:
        raise
    except (OSError, ValueError) as error:
        raise DataValidationError(CHANGES_FILE, f"nicht lesbar ({type(error).__name__})") from error
    missing = CHANGE_COLUMNS - set(frame.columns)
    if missing:
        raise DataValidationError(CHANGES_FILE, f"Spalten fehlen: {sorted(missing)}")
    return frame


def read_municipalities(directory: Path | None = None) -> pd.DataFrame:
    """Register of every AGS of 2010–2022 with latest name, keys and centre coordinates."""
    return _read_table("municipalities.parquet", directory)


def read_municipality_shapes(
    level: DetailLevel = "overview", directory: Path | None = None
) -> gpd.GeoDataFrame:
    """Municipality polygons (VG250 2016, dissolved to the 2022 territory) at a level of detail."""
    return _read_shapes(f"municipalities_{level}.parquet", directory)


def read_districts(directory: Path | None = None) -> gpd.GeoDataFrame:
    """District (Kreis) outlines."""
    return _read_shapes("districts.parquet", directory)


def read_states(directory: Path | None = None) -> gpd.GeoDataFrame:
    """State (Land) outlines."""
    return _read_shapes("states.parquet", directory)


def read_district_age(directory: Path | None = None) -> pd.DataFrame:
    """District age structure 2015–2020, 17 age groups × sex."""
    return _read_table("district_age.parquet", directory)


def read_dependency_ratios(directory: Path | None = None) -> pd.DataFrame:
    """Youth and old-age dependency ratios per district, 2018."""
    return _read_table("dependency_ratios.parquet", directory)


def read_municipal_age_2015(directory: Path | None = None) -> pd.DataFrame:
    """Population by sex and 17 age groups per municipality (AGS), 31.12.2015."""
    return _read_table("municipal_age_2015.parquet", directory)


def read_migration_2015(directory: Path | None = None) -> pd.DataFrame:
    """Moves in and out across the municipal border per AGS, sex and age group, 2015."""
    return _read_table("migration_2015.parquet", directory)


def read_age_2015_territory(directory: Path | None = None) -> pd.DataFrame:
    """The 2015 age table summed into the municipalities of 31.12.2022 (maps, cooperations)."""
    return _read_table("age_2015_gebiet2022.parquet", directory)


def read_migration_2015_territory(directory: Path | None = None) -> pd.DataFrame:
    """The 2015 migration table summed into the municipalities of 31.12.2022."""
    return _read_table("migration_2015_gebiet2022.parquet", directory)


def read_region_age_2015(directory: Path | None = None) -> pd.DataFrame:
    """The age table's rows for Germany (ags "DG") and the states (ags "01"…"16"), 2015."""
    return _read_table("age_regions_2015.parquet", directory)


def read_region_migration_2015(directory: Path | None = None) -> pd.DataFrame:
    """The migration table's rows for Germany ("DG") and the states, 2015."""
    return _read_table("migration_regions_2015.parquet", directory)


def read_natural_change(directory: Path | None = None) -> pd.DataFrame:
    """Births, deaths and natural balance per district, state and Germany, 1995–2015."""
    return _read_table("natural_change.parquet", directory)


def read_regional_stats_notes(directory: Path | None = None) -> dict:
    """Footnotes (territorial status etc.) and check results of the 2015 regional tables."""
    name = "regional_stats_notes.json"
    record = _read_json(name, directory)
    if not isinstance(record, dict) or not isinstance(record.get("footnotes"), list):
        raise DataValidationError(name, "erwartet ein Objekt mit einer Liste footnotes")
    return record


def read_associations(directory: Path | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Gemeindeverbände per year and their members (year, association_key, ags)."""
    bodies = _read_table("associations.parquet", directory)
    name = "association_members.parquet"
    members = _read_table(name, directory)
    known = set(zip(bodies["year"], bodies["association_key"], strict=True))
    pairs = set(zip(members["year"], members["association_key"], strict=True))
    if not pairs <= known:
        raise DataValidationError(name, "Mitglieder eines unbekannten Gemeindeverbands")
    return bodies, members


def read_association_outlines(directory: Path | None = None) -> gpd.GeoDataFrame:
    """Dissolved outlines of the Gemeindeverbände (years 2016 and 2022, two levels of detail)."""
    return _read_shapes("association_outlines.parquet", directory)


def _read_yaml_records(name: str, directory: Path | None = None) -> list[dict]:
    try:
        records = yaml.safe_load(_path(name, directory).read_text(encoding="utf-8"))
    except DataValidationError:
        raise
    except (OSError, yaml.YAMLError, UnicodeDecodeError) as error:
        raise DataValidationError(name, f"kein gültiges YAML ({type(error).__name__})") from error
    if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
        raise DataValidationError(name, "erwartet eine Liste von Einträgen")
    for record in records:
        if not record.get("id"):
            raise DataValidationError(name, "Eintrag ohne id")
    return records


def read_cooperations(directory: Path | None = None) -> list[dict]:
    """The workshop's cooperations with members, sources and uncertainty notes."""
    name = "cooperations.yaml"
    return schemas.check_cooperations(name, _read_yaml_records(name, directory))


def read_measures(directory: Path | None = None) -> list[dict]:
    """Programme measures (practice examples) with members, themes and sources."""
    name = "measures.yaml"
    return schemas.check_measures(name, _read_yaml_records(name, directory))


def read_sources(directory: Path | None = None) -> dict[str, dict]:
    """Source and licence records keyed by dataset id."""
    name = "sources.json"
    records = _read_json(name, directory)
    if not isinstance(records, dict):
        raise DataValidationError(name, "erwartet ein Objekt")
    return schemas.check_sources(name, records)


def read_web_layer(directory: Path | None = None) -> tuple[list[str], str]:
    """AGS order and the JSON text [precision, geometry] of the encoded Germany-wide layer."""
    name = "municipalities_web.json"
    try:
        layer = json.loads(_path(name, directory).read_text(encoding="utf-8"))
        ags, geometry, precision = layer["ags"], layer["geometry"], layer["precision"]
    except DataValidationError:
        raise
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise DataValidationError(name, f"nicht lesbar ({type(error).__name__})") from error
    if len(ags) != len(geometry):
        raise DataValidationError(name, "AGS und Geometrien passen nicht zusammen")
    check_ags_format(name, ags)
    # [precision, geometry] without object braces, and "{" inside the encoded strings written
    # as a JSON escape: folium/branca re-parse map scripts as Jinja templates, where "{{",
    # "{%" and "{#" would be read as template syntax.
    payload = json.dumps([precision, geometry], separators=(",", ":")).replace("{", "\\u007b")
    return ags, payload


TOUR_FILE = "tour.yaml"


def read_tour(directory: Path | None = None) -> tour.Tour:
    """The tour with resolved coordinates; raises DataValidationError if missing or malformed."""
    path = _path(TOUR_FILE, directory)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        result = tour.tour_from_dict(data)
    except (OSError, yaml.YAMLError, UnicodeDecodeError) as error:
        raise DataValidationError(
            TOUR_FILE, f"kein gültiges YAML ({type(error).__name__})"
        ) from error
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        raise DataValidationError(
            TOUR_FILE, f"unvollständig ({type(error).__name__}: {error})"
        ) from error
    if len(result.stops) < 2:
        raise DataValidationError(TOUR_FILE, "weniger als zwei Halte")
    check_ags_format(TOUR_FILE, [s.ags for s in result.stops])
    check_in_germany(TOUR_FILE, [s.lon for s in result.stops], [s.lat for s in result.stops])
    return result
