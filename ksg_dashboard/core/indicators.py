"""Population indicators: latest values, change since a base year, index, shares, aggregates."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace

import pandas as pd

from ksg_dashboard.core import territory
from ksg_dashboard.core.config import DEFAULT_BASE_YEAR, FIRST_CENSUS_YEAR

# A municipality's area changing by more than this share from one year to the next marks a
# territorial change (merger, incorporation); ALKIS re-surveys since 2014 move areas by less.
TERRITORIAL_CHANGE_SHARE = 0.05


@dataclass(frozen=True)
class Headline:
    """Key figures for a set of municipalities at one reference year."""

    municipalities: int
    population: int | None
    area_km2: float | None
    year: int
    base_year: int
    change_abs: int | None
    change_pct: float | None
    missing: tuple[str, ...]  # AGS without a value in `year` or `base_year`
    territorial_changes: tuple[tuple[str, int], ...] = ()  # (ags, year) of area jumps in between


def change(value: float | None, base: float | None) -> tuple[float | None, float | None]:
    """Absolute and percentage change from base to value; None where either is missing/zero."""
    if value is None or base is None or pd.isna(value) or pd.isna(base):
        return None, None
    absolute = value - base
    return absolute, (absolute / base * 100 if base else None)


def index(series: pd.Series, base_year: int) -> pd.Series:
    """Series indexed to base_year = 100 (index: year). NA where the base value is missing."""
    base = series.get(base_year)
    if base is None or pd.isna(base) or base == 0:
        return pd.Series(pd.NA, index=series.index, dtype="Float64")
    return (series.astype("Float64") / base * 100).round(2)


def spans_census_break(year_a: int, year_b: int) -> bool:
    """True when a comparison crosses the 2011→2012 census-based series break."""
    low, high = sorted((year_a, year_b))
    return low < FIRST_CENSUS_YEAR <= high


def headline(
    population: pd.DataFrame,
    ags: Iterable[str],
    year: int | None = None,
    base_year: int = DEFAULT_BASE_YEAR,
) -> Headline:
    """Sum of population and area over `ags` in `year` (default: latest) and change since base.

    Sums only count when every municipality has a value in both years; otherwise the AGS
    lacking a value are listed in `missing` and the change is left unknown.
    """
    keys = list(dict.fromkeys(ags))
    year = int(population["year"].max()) if year is None else year
    rows = population[population["ags"].isin(keys)]
    now = rows[rows["year"] == year].set_index("ags")
    then = rows[rows["year"] == base_year].set_index("ags")
    missing_now = [k for k in keys if k not in now.index or pd.isna(now.at[k, "population"])]
    missing_then = [k for k in keys if k not in then.index or pd.isna(then.at[k, "population"])]
    total = None if missing_now or not keys else int(now["population"].sum())
    base_total = None if missing_then or not keys else int(then["population"].sum())
    area = (
        None
        if missing_now or not keys or now["area_km2"].isna().any()
        else float(now["area_km2"].sum())
    )
    absolute, percent = change(total, base_total)
    jumps = territorial_changes(rows)
    jumps = jumps[(jumps["year"] > min(base_year, year)) & (jumps["year"] <= max(base_year, year))]
    return Headline(
        territorial_changes=tuple(zip(jumps["ags"], jumps["year"].astype(int), strict=True)),
        municipalities=len(keys),
        population=total,
        area_km2=area,
        year=year,
        base_year=base_year,
        change_abs=None if absolute is None else int(absolute),
        change_pct=percent,
        missing=tuple(sorted(set(missing_now) | set(missing_then))),
    )


def territory_headline(
    population: pd.DataFrame,
    state_keys: Iterable[str] = (),
    year: int | None = None,
    base_year: int = DEFAULT_BASE_YEAR,
) -> Headline:
    """Key figures for Germany (no state keys) or for states, with each year's municipalities."""
    states = set(state_keys)
    rows = population[population["state_key"].isin(states)] if states else population
    year = int(population["year"].max()) if year is None else year
    now = rows[rows["year"] == year]
    then = rows[rows["year"] == base_year]
    gaps = now["population"].isna().any() or then["population"].isna().any()
    total = None if now.empty or gaps else int(now["population"].sum())
    base_total = None if then.empty or gaps else int(then["population"].sum())
    absolute, percent = change(total, base_total)
    # Unincorporated areas (gemeindefreie Gebiete) are not municipalities.
    incorporated = ~territory.is_unincorporated(now["type"])
    return Headline(
        municipalities=int(incorporated.sum()),
        population=total,
        area_km2=None if now.empty else float(now["area_km2"].sum()),
        year=year,
        base_year=base_year,
        change_abs=None if absolute is None else int(absolute),
        change_pct=percent,
        missing=(),
    )


def whole_states(population: pd.DataFrame, ags: Iterable[str], year: int | None = None) -> list:
    """States all of whose municipalities of `year` (default: latest) are among `ags`."""
    year = int(population["year"].max()) if year is None else year
    now = population.loc[population["year"] == year, ["ags", "state_key"]]
    keys = set(ags)
    covered = now["ags"].isin(keys).groupby(now["state_key"]).all()
    return sorted(covered[covered].index)


def union_headline(
    population: pd.DataFrame,
    ags: Iterable[str],
    year: int | None = None,
    base_year: int = DEFAULT_BASE_YEAR,
) -> Headline:
    """Key figures of a selection, computed on its union: a function of the set of AGS alone,
    however the set was put together (states, cooperations, municipalities, own lists).

    Every municipality counts once. A state that the set covers completely counts as a
    territory (each year's municipalities, as `territory_headline`: the same as a fixed set on
    the 2022 territory, and free of mergers in the published series); the other AGS count as a
    fixed set (`headline`). So Brandenburg plus a cooperation inside it gives Brandenburg's
    figures, and the count of municipalities leaves out unincorporated areas in both parts.
    """
    keys = list(dict.fromkeys(ags))
    year = int(population["year"].max()) if year is None else year
    states = whole_states(population, keys, year) if keys else []
    rest = [k for k in keys if k[:2] not in set(states)]
    parts = []
    if states:
        parts.append(territory_headline(population, states, year, base_year))
    if rest or not states:
        fixed = headline(population, rest, year, base_year)
        now = population[(population["year"] == year) & population["ags"].isin(rest)]
        outside = int(territory.is_unincorporated(now["type"]).sum()) if "type" in now else 0
        parts.append(_with_municipalities(fixed, fixed.municipalities - outside))
    return _combine(parts, year, base_year)


def _with_municipalities(figures: Headline, count: int) -> Headline:
    return replace(figures, municipalities=count)


def _combine(parts: list[Headline], year: int, base_year: int) -> Headline:
    """Sum of key figures over disjoint sets of municipalities (unknown if any part is)."""
    if len(parts) == 1:
        return parts[0]

    def total(values):
        values = list(values)
        return None if any(v is None for v in values) else sum(values)

    population = total(p.population for p in parts)
    bases = total(
        None if p.population is None or p.change_abs is None else p.population - p.change_abs
        for p in parts
    )
    absolute, percent = change(population, bases)
    return Headline(
        municipalities=sum(p.municipalities for p in parts),
        population=population,
        area_km2=total(p.area_km2 for p in parts),
        year=year,
        base_year=base_year,
        change_abs=None if absolute is None else int(absolute),
        change_pct=percent,
        missing=tuple(sorted({m for p in parts for m in p.missing})),
        territorial_changes=tuple(c for p in parts for c in p.territorial_changes),
    )


def territorial_changes(population: pd.DataFrame) -> pd.DataFrame:
    """Years in which a municipality's area jumped (merger or split), with areas before/after."""
    ordered = population.sort_values(["ags", "year"])[["ags", "year", "area_km2", "population"]]
    previous = ordered.groupby("ags")[["area_km2", "population", "year"]].shift()
    jump = (ordered["area_km2"] - previous["area_km2"]).abs() > (
        TERRITORIAL_CHANGE_SHARE * previous["area_km2"]
    )
    result = ordered[jump.fillna(False)].copy()
    result["area_before"] = previous.loc[result.index, "area_km2"]
    result["population_before"] = previous.loc[result.index, "population"]
    return result.rename(columns={"area_km2": "area_after", "population": "population_after"})[
        ["ags", "year", "area_before", "area_after", "population_before", "population_after"]
    ].reset_index(drop=True)


def latest_population(population: pd.DataFrame) -> pd.DataFrame:
    """Per AGS the latest year with a population value: ags, year, population."""
    known = population.dropna(subset=["population"]).sort_values("year")
    return known.groupby("ags", as_index=False)[["year", "population"]].last()
