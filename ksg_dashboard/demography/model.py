"""Demographic indicators per municipality and for aggregates (cooperations, states, Germany)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ksg_dashboard.core.indicators import spans_census_break


@dataclass(frozen=True)
class Indicator:
    """One indicator: URL key, German label, unit and number of decimals."""

    key: str
    label: str
    unit: str
    digits: int
    diverging: bool = False  # centred colour scale (changes)


INDICATORS: dict[str, Indicator] = {
    i.key: i
    for i in (
        Indicator("einwohner", "Einwohner", "Personen", 0),
        Indicator("maennlich", "Einwohner männlich", "Personen", 0),
        Indicator("weiblich", "Einwohnerinnen", "Personen", 0),
        Indicator("frauenanteil", "Frauenanteil", "%", 1),
        Indicator("flaeche", "Fläche", "km²", 1),
        Indicator("dichte", "Bevölkerungsdichte", "Einw./km²", 0),
        Indicator("veraenderung", "Veränderung seit Basisjahr", "Personen", 0, diverging=True),
        Indicator("veraenderung_pct", "Veränderung seit Basisjahr", "%", 1, diverging=True),
        Indicator("index", "Index (Basisjahr = 100)", "", 1, diverging=True),
    )
}
DEFAULT_INDICATOR = "veraenderung_pct"
SUM_COLUMNS = ["population", "male", "female", "area_km2"]


def add_indicators(frame: pd.DataFrame, base: pd.DataFrame | None) -> pd.DataFrame:
    """Indicator columns from population/male/female/area; change and index against `base`.

    `frame` and `base` share an index (AGS or year-free key); missing values stay missing.
    """
    out = frame.copy()
    population = out["population"].astype("Float64")
    out["einwohner"] = population
    out["maennlich"] = out["male"].astype("Float64")
    out["weiblich"] = out["female"].astype("Float64")
    out["frauenanteil"] = (out["female"].astype("Float64") / population * 100).round(2)
    out["flaeche"] = out["area_km2"].astype("Float64")
    out["dichte"] = (population / out["area_km2"].astype("Float64")).round(1)
    if base is not None:
        base_population = base["population"].reindex(out.index).astype("Float64")
        out["veraenderung"] = population - base_population
        out["veraenderung_pct"] = ((population / base_population - 1) * 100).round(2)
        out["index"] = (population / base_population * 100).round(2)
    else:
        out["veraenderung"] = out["veraenderung_pct"] = out["index"] = pd.NA
    for column in ("frauenanteil", "dichte", "veraenderung_pct", "index"):
        out[column] = out[column].replace([np.inf, -np.inf], pd.NA)
    return out


def municipality_table(population: pd.DataFrame, year: int, base_year: int) -> pd.DataFrame:
    """All municipalities of `year` with every indicator (change against `base_year`)."""
    now = population[population["year"] == year].set_index("ags")
    base = population[population["year"] == base_year].set_index("ags")
    table = add_indicators(now, base)
    return table.reset_index()


def fixed_set_series(population: pd.DataFrame, ags: Iterable[str]) -> pd.DataFrame:
    """Yearly sums over a fixed set of AGS (a cooperation). A year where any member has no
    value is left missing rather than summed over fewer municipalities."""
    keys = list(dict.fromkeys(ags))
    rows = population[population["ags"].isin(keys)]
    complete = rows.dropna(subset=["population"]).groupby("year")["ags"].nunique() == len(keys)
    sums = rows.groupby("year")[SUM_COLUMNS].sum(min_count=1)
    sums.loc[~complete.reindex(sums.index, fill_value=False)] = pd.NA
    return sums.reindex(sorted(population["year"].unique()))


def territory_series(population: pd.DataFrame, state_keys: Iterable[str] = ()) -> pd.DataFrame:
    """Yearly sums over the municipalities that existed in each year (Germany or states)."""
    states = set(state_keys)
    rows = population[population["state_key"].isin(states)] if states else population
    sums = rows.groupby("year")[SUM_COLUMNS].sum(min_count=1)
    gaps = rows.groupby("year")["population"].apply(lambda s: s.isna().any())
    sums.loc[gaps[gaps].index, ["population", "male", "female"]] = pd.NA
    return sums


def series_indicators(series: pd.DataFrame, base_year: int) -> pd.DataFrame:
    """Indicator columns for a yearly series, change and index against its base year."""
    if base_year in series.index:
        base = pd.DataFrame([series.loc[base_year]] * len(series), index=series.index)
    else:
        base = None
    return add_indicators(series, base)


def change_note(year: int, base_year: int) -> str | None:
    """A warning when a change figure spans the census-based series break."""
    if spans_census_break(year, base_year):
        return (
            f"Achtung: Der Vergleich {base_year}–{year} überspannt den Bruch der "
            "Bevölkerungsfortschreibung durch den Zensus 2011 (Werte bis 2011 auf Basis früherer "
            "Zählungen, ab 2012 auf Basis des Zensus). Die Veränderung ist nur eingeschränkt "
            "aussagekräftig."
        )
    return None


# --- district age structure -------------------------------------------------------------


def pyramid(district_age: pd.DataFrame, district_keys: Iterable[str], year: int) -> pd.DataFrame:
    """Population by age group and sex, summed over the given districts, for one year."""
    keys = set(district_keys)
    rows = district_age[(district_age["district_key"].isin(keys)) & (district_age["year"] == year)]
    grouped = rows.groupby(["age_order", "age_group", "sex"], as_index=False)["population"].sum()
    return grouped.sort_values(["age_order", "sex"], ignore_index=True)


def age_shares(pyramid_frame: pd.DataFrame) -> dict[str, float | None]:
    """Shares (%) of people under 18 and aged 65 and over in a pyramid frame."""
    total = pyramid_frame["population"].sum()
    if not total:
        return {"unter_18": None, "ab_65": None}
    ages = pyramid_frame["age_group"]
    young = pyramid_frame.loc[pyramid_frame["age_order"] <= 4, "population"].sum()
    old = pyramid_frame.loc[
        ages.isin(["65 bis unter 75 Jahre", "75 Jahre und mehr"]), "population"
    ].sum()
    return {"unter_18": round(young / total * 100, 1), "ab_65": round(old / total * 100, 1)}


# --- classification for maps ---------------------------------------------------------------

SEQUENTIAL = ("#fde725", "#5ec962", "#21918c", "#3b528b", "#440154")  # viridis, 5 classes
DIVERGING = ("#b2182b", "#ef8a62", "#fddbc7", "#d1e5f0", "#67a9cf", "#2166ac")  # RdBu, 6 classes
MISSING_COLOUR = "#d9d9d9"


def classify(
    values: pd.Series, diverging: bool, centre: float = 0.0
) -> tuple[list[float], list[int]]:
    """Class breaks and a class index per value (-1 for missing).

    Sequential: quintiles. Diverging: three quantile classes on each side of `centre`, so
    decline and growth never share a colour.
    """
    numbers = pd.to_numeric(values, errors="coerce").astype(float)
    valid = numbers.dropna()
    if valid.empty:
        return [], [-1] * len(numbers)
    if diverging:
        low = valid[valid < centre]
        high = valid[valid >= centre]
        low_breaks = list(np.quantile(low, [1 / 3, 2 / 3])) if len(low) else []
        high_breaks = list(np.quantile(high, [1 / 3, 2 / 3])) if len(high) else []
        low_breaks = sorted(set(low_breaks))
        high_breaks = sorted({b for b in high_breaks if b > centre})
        breaks = [*low_breaks, centre, *high_breaks]
        palette_size = len(DIVERGING)
    else:
        breaks = list(np.unique(np.quantile(valid, [0.2, 0.4, 0.6, 0.8])))
        palette_size = len(SEQUENTIAL)
    index = np.searchsorted(np.asarray(breaks), numbers.to_numpy(), side="right")
    if diverging:
        # Values below the centre take the red half (0–2), the others the blue half (3–5),
        # also when one side has no values and so no breaks.
        index = index + (2 - len(low_breaks))
    index = np.clip(index, 0, palette_size - 1)
    result = [int(i) if not np.isnan(v) else -1 for i, v in zip(index, numbers, strict=True)]
    return [float(b) for b in breaks], result
