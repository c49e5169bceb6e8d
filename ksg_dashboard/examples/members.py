"""Members of an example over time (pure): former keys, boundaries and population development."""

from __future__ import annotations

from collections.abc import Iterable

import geopandas as gpd
import pandas as pd

from ksg_dashboard.core import numbers
from ksg_dashboard.core.config import FIRST_CENSUS_YEAR
from ksg_dashboard.core.indicators import TERRITORIAL_CHANGE_SHARE
from ksg_dashboard.examples.records import Example


def predecessor(ags: str, register: pd.DataFrame, population: pd.DataFrame) -> str | None:
    """The key a municipality had before a pure renumbering, if any.

    E.g. the Göttingen district reform of 1 Nov 2016 gave every municipality of the former
    districts Göttingen and Osterode a new key. A predecessor has the same name and state, ends
    the year before the new key starts, and (nearly) the same area, so its series continues.
    """
    own = register[register["ags"] == ags]
    if own.empty:
        return None
    row = own.iloc[0]
    candidates = register[
        (register["name"] == row["name"])
        & (register["state_key"] == row["state_key"])
        & (register["last_year"] == row["first_year"] - 1)
        & (register["ags"] != ags)
    ]
    if candidates.empty:
        return None

    def area(key: str, year: int) -> float | None:
        found = population.loc[
            (population["ags"] == key) & (population["year"] == year), "area_km2"
        ]
        return None if found.empty or pd.isna(found.iloc[0]) else float(found.iloc[0])

    new_area = area(ags, int(row["first_year"]))
    for candidate in candidates.itertuples():
        old_area = area(str(candidate.ags), int(candidate.last_year))
        if new_area is None or old_area is None:
            continue
        if abs(new_area - old_area) <= TERRITORIAL_CHANGE_SHARE * old_area:
            return str(candidate.ags)
    return None


def key_history(ags: str, register: pd.DataFrame, population: pd.DataFrame) -> list[str]:
    """The key and its predecessors through pure renumberings, newest first."""
    keys = [ags]
    while len(keys) < 5:
        before = predecessor(keys[-1], register, population)
        if before is None or before in keys:
            break
        keys.append(before)
    return keys


def boundary_key(
    ags: str, register: pd.DataFrame, population: pd.DataFrame, boundary_keys: Iterable[str]
) -> str | None:
    """The key under which a municipality appears in the 2016 boundaries, if it does."""
    known = set(boundary_keys)
    return next((k for k in key_history(ags, register, population) if k in known), None)


def member_shapes(
    example: Example, shapes: gpd.GeoDataFrame, register: pd.DataFrame, population: pd.DataFrame
) -> gpd.GeoDataFrame:
    """Polygons of an example's members (renumbered keys resolved to the 2016 boundaries)."""
    keys = set(shapes["ags"])
    resolved = [boundary_key(a, register, population, keys) for a in example.member_ags]
    return shapes[shapes["ags"].isin([k for k in resolved if k])][["ags", "name", "geometry"]]


def population_series(
    example: Example, population: pd.DataFrame, register: pd.DataFrame
) -> pd.DataFrame:
    """Population per member and year (columns member, ags, year, population, key), continued
    across pure renumberings: `ags` is the member's key, `key` the one the value was filed under."""
    frames = []
    for member in example.members:
        if not member.ags:
            continue
        history = key_history(member.ags, register, population)
        rows = population[population["ags"].isin(history)][["ags", "year", "population"]]
        rank = {key: i for i, key in enumerate(history)}
        rows = rows.assign(rank=rows["ags"].map(rank)).sort_values(["year", "rank"])
        rows = rows.drop_duplicates("year").rename(columns={"ags": "key"})
        rows = rows.assign(member=member.name, ags=member.ags)
        frames.append(rows[["member", "ags", "year", "population", "key"]])
    if not frames:
        return pd.DataFrame(columns=["member", "ags", "year", "population", "key"])
    return pd.concat(frames, ignore_index=True)


def population_table(series: pd.DataFrame, base_year: int = FIRST_CENSUS_YEAR) -> pd.DataFrame:
    """Per member: population in base_year and the latest year and the change in per cent;
    a 'Zusammen' row when several members all have both values."""
    if series.empty:
        return pd.DataFrame(columns=["Gemeinde", "AGS"])
    latest = int(series["year"].max())
    wide = series.pivot_table(index=["member", "ags"], columns="year", values="population")
    rows = []
    for (member, ags), values in wide.iterrows():
        base, now = values.get(base_year), values.get(latest)
        rows.append({"Gemeinde": member, "AGS": ags, "base": base, "now": now})
    table = pd.DataFrame(rows)
    order = {name: i for i, name in enumerate(dict.fromkeys(series["member"]))}
    table = table.sort_values("Gemeinde", key=lambda s: s.map(order)).reset_index(drop=True)
    if len(table) > 1 and table[["base", "now"]].notna().all().all():
        total = {"Gemeinde": "Zusammen", "AGS": "", "base": table["base"].sum()}
        table = pd.concat([table, pd.DataFrame([total | {"now": table["now"].sum()}])])
    table["pct"] = ((table["now"] - table["base"]) / table["base"] * 100).round(1)
    return table.rename(
        columns={"base": f"Einw. {base_year}", "now": f"Einw. {latest}", "pct": "± %"}
    ).reset_index(drop=True)


def format_int_or_blank(value: float | None) -> str:
    """German integer, empty for missing values."""
    return "" if value is None or pd.isna(value) else numbers.or_unknown(value)


def population_display(table: pd.DataFrame) -> pd.DataFrame:
    """The `population_table` as German text: integers with thousands points, the change
    signed with one decimal; missing values blank."""
    shown = table.copy()
    for column in [c for c in table.columns if c.startswith("Einw.")]:
        shown[column] = shown[column].map(format_int_or_blank)
    shown["± %"] = table["± %"].map(
        lambda v: "" if pd.isna(v) else numbers.or_unknown(v, 1, signed=True)
    )
    return shown
