"""What the Daseinsvorsorge themes show (pure): indicator tables per municipality, comparison rows,
chart frames for migration by age and natural change."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import folium
import geopandas as gpd
import numpy as np
import pandas as pd

from ksg_dashboard.core import numbers
from ksg_dashboard.core.indicator_catalogue import BY_KEY, in_theme
from ksg_dashboard.demography import views as demography_views
from ksg_dashboard.demography.model import MISSING_COLOUR, Indicator, classify
from ksg_dashboard.demography.themes.model import (
    FAMILY_GROUPS,
    TOTAL,
    AgeProfile,
    MigrationProfile,
    natural_change_rates,
)
from ksg_dashboard.maps import builders as maps
from ksg_dashboard.maps import layers as mapdata

AGE_KEYS = tuple(d.key for d in in_theme("altersstruktur"))
MIGRATION_KEYS = tuple(d.key for d in in_theme("wanderungen"))
NATURAL_KEYS = tuple(d.key for d in in_theme("natuerliche_bewegung"))
NATURAL_YEARS = (1995, 2015)
# Source column of natural_change_rates() per indicator.
NATURAL_COLUMNS = {
    "geburten": "births",
    "sterbefaelle": "deaths",
    "natuerlicher_saldo": "balance",
    "geburten_je_1000": "births_per_1000",
    "sterbefaelle_je_1000": "deaths_per_1000",
    "natuerlicher_saldo_je_1000": "balance_per_1000",
}
# Berlin and Hamburg have no district rows in the births/deaths tables: their state rows stand in.
CITY_STATES = {"02": "02000", "11": "11000"}
SHARE_KEYS = {
    "anteil_unter_6": "unter_6",
    "anteil_unter_18": "unter_18",
    "anteil_18_64": "18_64",
    "anteil_65_plus": "65_plus",
    "anteil_75_plus": "75_plus",
}


def indicator(key: str) -> Indicator:
    """The map/table description of a registry indicator (label, unit, digits, colour scale)."""
    doc = BY_KEY[key]
    return Indicator(doc.key, doc.label, doc.unit, doc.digits, diverging=doc.diverging)


def age_values(profile: AgeProfile) -> dict[str, float | None]:
    """Registry indicator values of an age profile (None where unknown)."""
    values: dict[str, float | None] = {
        key: profile.shares.get(band) for key, band in SHARE_KEYS.items()
    }
    values["jugendquotient"] = profile.youth_ratio
    values["altenquotient"] = profile.old_age_ratio
    return values


def migration_values(profile: MigrationProfile) -> dict[str, float | None]:
    """Registry indicator values of a migration profile (None where unknown)."""
    total = profile.table[profile.table["age_group"] == "Insgesamt"]

    def first(column: str) -> float | None:
        if total.empty or pd.isna(total[column].iloc[0]):
            return None
        return float(total[column].iloc[0])

    return {
        "zuzuege": first("moves_in"),
        "fortzuege": first("moves_out"),
        "wanderungssaldo": first("net"),
        "wanderungssaldo_je_1000": first("net_per_1000"),
        "bildungswanderung": profile.bildungswanderung,
        "familienwanderung": profile.familienwanderung,
    }


def _band(frame: pd.DataFrame, lower: int, upper: int | None) -> pd.Series:
    above = frame["age_from"] >= lower
    if upper is None:
        return above
    return above & frame["age_to"].notna() & (frame["age_to"].fillna(0) <= upper)


def _by_ags(frame: pd.DataFrame, mask: pd.Series, value: str) -> pd.Series:
    """Sum of `value` per AGS over the masked rows; NA if any of them is unknown."""
    rows = frame[mask]
    sums = rows.groupby("ags", observed=True)[value].sum(min_count=1)
    unknown = rows[value].isna().groupby(rows["ags"], observed=True).any()
    result = sums.mask(unknown.reindex(sums.index, fill_value=False)).astype("Float64")
    if isinstance(result.index, pd.CategoricalIndex):  # the compact cached tables
        result.index = result.index.astype(str)
        result = result.sort_index()
    return result


def _ratio(numerator: pd.Series, denominator: pd.Series, per: float) -> pd.Series:
    result = numerator.astype("Float64") / denominator.astype("Float64") * per
    return result.replace([np.inf, -np.inf], pd.NA).round(2)


def municipal_table(age: pd.DataFrame, migration: pd.DataFrame) -> pd.DataFrame:
    """One row per AGS with every age and migration indicator (NA where the source has none)."""
    people = age[(age["sex"] == TOTAL) & ~age["is_total"]]
    population = _by_ags(people, people["age_from"] >= 0, "population")
    out = pd.DataFrame({"einwohner_2015": population})
    bands = {
        "unter_6": (0, 6),
        "unter_18": (0, 18),
        "18_64": (18, 65),
        "65_plus": (65, None),
        "75_plus": (75, None),
        "unter_20": (0, 20),
        "20_64": (20, 65),
        "18_24": (18, 25),
        "family": None,
    }
    counts = {}
    for band, limits in bands.items():
        if limits is None:
            continue
        counts[band] = _by_ags(people, _band(people, *limits), "population").reindex(out.index)
    for key, band in SHARE_KEYS.items():
        out[key] = _ratio(counts[band], population, 100)
    out["jugendquotient"] = _ratio(counts["unter_20"], counts["20_64"], 100)
    out["altenquotient"] = _ratio(counts["65_plus"], counts["20_64"], 100)

    moves = migration[migration["sex"] == TOTAL]
    totals = moves[moves["is_total"]]
    incoming = _by_ags(totals, totals["direction"] == "in", "moves").reindex(out.index)
    outgoing = _by_ags(totals, totals["direction"] == "out", "moves").reindex(out.index)
    out["zuzuege"] = incoming
    out["fortzuege"] = outgoing
    out["wanderungssaldo"] = incoming - outgoing
    out["wanderungssaldo_je_1000"] = _ratio(out["wanderungssaldo"], population, 1000)
    groups = moves[~moves["is_total"]]

    def net(age_groups: Iterable[str]) -> pd.Series:
        chosen = groups["age_group"].isin(tuple(age_groups))
        gained = _by_ags(groups, chosen & (groups["direction"] == "in"), "moves")
        lost = _by_ags(groups, chosen & (groups["direction"] == "out"), "moves")
        return (gained - lost).reindex(out.index)

    family_people = (
        _by_ags(people, _band(people, 0, 18), "population")
        + _by_ags(people, _band(people, 30, 50), "population")
    ).reindex(out.index)
    out["bildungswanderung"] = _ratio(net(("18 bis unter 25 Jahre",)), counts["18_24"], 1000)
    out["familienwanderung"] = _ratio(net(FAMILY_GROUPS), family_people, 1000)
    return out.reset_index()


def comparison_rows(
    rows: Sequence[tuple[str, Mapping[str, float | None]]], keys: Sequence[str]
) -> pd.DataFrame:
    """A table: one row per compared unit, one column per indicator (German headers)."""
    records = []
    for label, values in rows:
        record = {"": label}
        for key in keys:
            value = values.get(key)
            record[BY_KEY[key].title] = None if value is None or pd.isna(value) else float(value)
        records.append(record)
    return pd.DataFrame(records)


def migration_chart_frame(
    profiles: Sequence[tuple[str, MigrationProfile]],
) -> pd.DataFrame:
    """Long frame (series, age_group, value) of net migration per 1,000 of each age group."""
    frames = []
    for label, profile in profiles:
        table = profile.table[profile.table["age_group"] != "Insgesamt"]
        frames.append(
            pd.DataFrame(
                {
                    "series": label,
                    "age_group": table["age_group"].to_numpy(),
                    "value": pd.to_numeric(table["net_per_1000_age"], errors="coerce").to_numpy(),
                }
            )
        )
    if not frames:
        return pd.DataFrame(columns=["series", "age_group", "value"])
    return pd.concat(frames, ignore_index=True)


def natural_long(
    natural: pd.DataFrame, regions: Sequence[tuple[str, str]], key: str
) -> pd.DataFrame:
    """Long frame (series, year, value) of a natural-change rate for (label, region key) pairs."""
    column = NATURAL_COLUMNS[key]
    frames = []
    for label, region_key in regions:
        rates = natural_change_rates(natural, region_key)
        frames.append(
            pd.DataFrame(
                {"series": label, "year": rates["year"], "value": rates[column].astype(float)}
            )
        )
    if not frames:
        return pd.DataFrame(columns=["series", "year", "value"])
    return pd.concat(frames, ignore_index=True)


def natural_table(natural: pd.DataFrame, year: int) -> pd.DataFrame:
    """Per district key the natural-change indicators of one year (Berlin and Hamburg, which the
    source lists only as states, under their district keys 11000 and 02000)."""
    rows = natural[natural["year"] == year]
    districts = rows[rows["level"] == "district"]
    city_states = rows[rows["region_key"].isin(CITY_STATES)]
    rows = pd.concat([districts, city_states], ignore_index=True)
    out = pd.DataFrame({"district_key": [CITY_STATES.get(k, k) for k in rows["region_key"]]})
    population = rows["population"].astype("Float64")
    for key, column in NATURAL_COLUMNS.items():
        if column.endswith("_per_1000"):
            source = rows[column.removesuffix("_per_1000")].astype("Float64")
            values = (source / population * 1000).replace([np.inf, -np.inf], pd.NA).round(2)
        else:
            values = rows[column].astype("Float64")
        out[key] = values.to_numpy()
    return out


def district_map(
    districts: gpd.GeoDataFrame,
    states: gpd.GeoDataFrame,
    table: pd.DataFrame,
    key: str,
    focus: Sequence[str] = (),
) -> tuple[folium.Map, list[float]]:
    """All districts coloured by a natural-change indicator, fitted to the focus districts
    (natural-change region keys; Germany when empty); returns map and class breaks."""
    description = indicator(key)
    frame = districts[["district_key", "name", "geometry"]].merge(
        table[["district_key", key]], on="district_key", how="left"
    )
    breaks, classes = classify(frame[key], description.diverging)
    palette = demography_views.palette_for(description)
    frame = frame.rename(columns={"district_key": "ags"})
    frame["label"] = demography_views.value_labels(frame[key], description)
    keys = {CITY_STATES.get(k, k) for k in focus}
    chosen = frame[frame["ags"].isin(keys)]
    fmap = maps.base_map(mapdata.bounds_of(chosen, margin=0.6) if not chosen.empty else None)
    colours = [palette[c] if c >= 0 else MISSING_COLOUR for c in classes]
    maps.add_choropleth(fmap, gpd.GeoDataFrame(frame, geometry="geometry"), colours, "label")
    maps.add_outlines(fmap, states[["geometry"]], maps.OUTLINE_STATE, "Länder")
    maps.add_selected(fmap, chosen[["geometry"]])
    return fmap, breaks


KEY_FIGURES = (
    ("anteil_65_plus", "65 Jahre und älter", "%", False),
    ("anteil_unter_18", "unter 18 Jahren", "%", False),
    ("altenquotient", "Altenquotient", "", False),
    ("wanderungssaldo_je_1000", "Wanderungssaldo", " je 1.000 Einw.", True),
    ("bildungswanderung", "Bildungswanderung (18–24)", " je 1.000", True),
)


def key_figure_items(values: Mapping[str, float | None]) -> list[tuple[str, str]]:
    """(label, German value) pairs for the compact key-figure line; unknown → 'keine Angabe'."""
    items = []
    for key, label, unit, signed in KEY_FIGURES:
        value = values.get(key)
        if value is None or pd.isna(value):
            text = "keine Angabe"
        else:
            text = f"{numbers.number(value, 1, signed)}{unit}"
        items.append((label, text))
    return items
