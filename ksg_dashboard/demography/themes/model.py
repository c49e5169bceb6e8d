"""Indicators for securing local services (Daseinsvorsorge) from the 2015 regional statistics.

Pure functions on the frames in data/municipal_age_2015.parquet, data/migration_2015.parquet
and data/natural_change.parquet (no Streamlit). A set of AGS (one municipality or the members
of a cooperation) is summed; if any member lacks a value the result is unknown (None / NA),
never a sum over fewer members, and `missing` names those members.

Definitions (age limits follow the source groups, "bis unter"):
- shares in % of the total population (31.12.2015): under 6, under 18, 18–64 (18 to under
  65), 20–64, 65+, 75+;
- youth dependency ratio: under 20 per 100 aged 20–64; old-age ratio: 65+ per 100 aged 20–64;
- migration: moves across the municipal border in 2015 (Zu-/Fortzüge über die
  Gemeindegrenzen); net = in − out. Rates per 1,000 inhabitants use the age table's
  population of 31.12.2015 of the same AGS set (end-of-year stock, not a mean). For a
  cooperation the gross in/out moves include moves between its members (they are moves across
  a municipal border); the net is not affected because they cancel out;
- Bildungswanderung (INKAR): net migration of 18- to under 25-year-olds per 1,000 inhabitants
  aged 18 to under 25 (age groups "18 bis unter 20" + "20 bis unter 25", 31.12.2015);
- Familienwanderung (INKAR): net migration of under-18s and 30- to under 50-year-olds per
  1,000 inhabitants of those ages (groups 0–<18 and 30–<50, 31.12.2015);
- natural change per district: births, deaths, balance per 1,000 inhabitants, the inhabitants
  being the GV-ISys population of 31.12. of the same year (available 2010–2015 only; other
  years have no rate).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import pandas as pd

TOTAL = "insgesamt"
MALE = "männlich"
FEMALE = "weiblich"

# Age bands built from the 17 source groups: key -> (German label, from, to exclusive or None).
AGE_BANDS: dict[str, tuple[str, int, int | None]] = {
    "unter_6": ("unter 6 Jahre", 0, 6),
    "unter_18": ("unter 18 Jahre", 0, 18),
    "18_64": ("18 bis 64 Jahre", 18, 65),
    "20_64": ("20 bis 64 Jahre", 20, 65),
    "65_plus": ("65 Jahre und älter", 65, None),
    "75_plus": ("75 Jahre und älter", 75, None),
    "unter_20": ("unter 20 Jahre", 0, 20),
    "18_24": ("18 bis 24 Jahre", 18, 25),
    "30_49": ("30 bis 49 Jahre", 30, 50),
}
SHARE_BANDS = ("unter_6", "unter_18", "18_64", "20_64", "65_plus", "75_plus")

# Age groups of the migration table (age_order 0–5) and the bands of the INKAR indicators.
EDUCATION_GROUPS = ("18 bis unter 25 Jahre",)
FAMILY_GROUPS = ("unter 18 Jahre", "30 bis unter 50 Jahre")


@dataclass(frozen=True)
class AgeProfile:
    """Age structure of a set of AGS; every number None if any member lacks values."""

    ags: tuple[str, ...]
    missing: tuple[str, ...]
    population: int | None
    counts: dict[str, int | None] = field(default_factory=dict)
    shares: dict[str, float | None] = field(default_factory=dict)  # percent
    youth_ratio: float | None = None  # under 20 per 100 aged 20–64
    old_age_ratio: float | None = None  # 65+ per 100 aged 20–64

    @property
    def complete(self) -> bool:
        return not self.missing


@dataclass(frozen=True)
class MigrationProfile:
    """Moves of a set of AGS in 2015 per age group; NA throughout if any member lacks values.

    table: one row per migration age group and "Insgesamt" with columns age_order, age_group,
    moves_in, moves_out, net, inhabitants (of that age, 31.12.2015), in_per_1000,
    out_per_1000, net_per_1000 (per 1,000 inhabitants of all ages) and net_per_1000_age (per
    1,000 inhabitants of that age group).
    """

    ags: tuple[str, ...]
    missing: tuple[str, ...]
    inhabitants: int | None
    table: pd.DataFrame
    bildungswanderung: float | None
    familienwanderung: float | None

    @property
    def complete(self) -> bool:
        return not self.missing


def _members(ags: Iterable[str]) -> tuple[str, ...]:
    members = tuple(dict.fromkeys(str(a) for a in ags))
    if not members:
        raise ValueError("keine Gemeinde ausgewählt")
    return members


def _missing(frame: pd.DataFrame, members: tuple[str, ...], value: str) -> tuple[str, ...]:
    """Members not in the frame or with any unknown value."""
    rows = frame[frame["ags"].isin(members)]
    incomplete = set(rows.loc[rows[value].isna(), "ags"])
    absent = set(members) - set(rows["ags"])
    return tuple(a for a in members if a in incomplete or a in absent)


def _band_mask(frame: pd.DataFrame, lower: int, upper: int | None) -> pd.Series:
    """Source groups (not the total) lying completely inside [lower, upper)."""
    groups = ~frame["is_total"]
    inside = frame["age_from"] >= lower
    if upper is not None:
        inside &= frame["age_to"].notna() & (frame["age_to"] <= upper)
    return groups & inside.fillna(False).astype(bool)


def _rate(numerator: float | None, denominator: float | None, per: int) -> float | None:
    if numerator is None or denominator is None or pd.isna(numerator) or pd.isna(denominator):
        return None
    if denominator == 0:
        return None
    return float(numerator) / float(denominator) * per


# Label columns as published, whatever the storage of the input (the app's cached tables hold
# them as categories and small integers): the result tables look the same for every selection.
_LABEL_DTYPES = {"age_order": "int64", "age_group": "str", "age_from": "int64", "age_to": "Int64"}


def _plain_labels(labels: pd.DataFrame) -> pd.DataFrame:
    return labels.astype({c: t for c, t in _LABEL_DTYPES.items() if c in labels.columns})


def age_profile(age: pd.DataFrame, ags: Iterable[str]) -> AgeProfile:
    """Shares, counts and dependency ratios of the summed age structure of `ags`."""
    members = _members(ags)
    rows = age[age["ags"].isin(members) & (age["sex"] == TOTAL)]
    missing = _missing(age[age["sex"] == TOTAL], members, "population")
    if missing:
        return AgeProfile(members, missing, None, dict.fromkeys(AGE_BANDS), {})
    groups = rows[~rows["is_total"]]
    population = int(groups["population"].sum())
    counts = {
        key: int(groups.loc[_band_mask(groups, lo, hi), "population"].sum())
        for key, (_, lo, hi) in AGE_BANDS.items()
    }
    shares = {key: _rate(counts[key], population, 100) for key in SHARE_BANDS}
    return AgeProfile(
        ags=members,
        missing=(),
        population=population,
        counts=counts,
        shares=shares,
        youth_ratio=_rate(counts["unter_20"], counts["20_64"], 100),
        old_age_ratio=_rate(counts["65_plus"], counts["20_64"], 100),
    )


def pyramid(age: pd.DataFrame, ags: Iterable[str]) -> tuple[pd.DataFrame, tuple[str, ...]]:
    """Population pyramid of the sum of `ags`: age_order, age_group, male, female (Int64).

    All values NA if any member lacks values; the second element names those members.
    """
    members = _members(ags)
    sexed = age[age["sex"].isin((MALE, FEMALE)) & ~age["is_total"]]
    missing = _missing(sexed, members, "population")
    rows = sexed[sexed["ags"].isin(members)]
    labels = _plain_labels(
        age.loc[~age["is_total"], ["age_order", "age_group"]]
        .drop_duplicates()
        .sort_values("age_order")
    )
    table = rows.pivot_table(
        index="age_order", columns="sex", values="population", aggfunc="sum", observed=True
    ).reindex(labels["age_order"])
    out = labels.set_index("age_order")
    for sex, column in ((MALE, "male"), (FEMALE, "female")):
        values = table[sex] if sex in table.columns else pd.Series(pd.NA, index=table.index)
        out[column] = pd.array(values, dtype="Int64")
        if missing:
            out[column] = pd.array([pd.NA] * len(out), dtype="Int64")
    return out.reset_index(), missing


def migration_profile(
    migration: pd.DataFrame, age: pd.DataFrame, ags: Iterable[str]
) -> MigrationProfile:
    """In, out and net moves of the sum of `ags` per age group, absolute and per 1,000."""
    members = _members(ags)
    moves = migration[migration["sex"] == TOTAL]
    population = age[age["sex"] == TOTAL]
    missing = tuple(
        dict.fromkeys(
            _missing(moves, members, "moves") + _missing(population, members, "population")
        )
    )
    labels = moves[["age_order", "age_group", "age_from", "age_to", "is_total"]].drop_duplicates()
    labels = _plain_labels(labels.sort_values("age_order").reset_index(drop=True))
    columns = [
        "moves_in",
        "moves_out",
        "net",
        "inhabitants",
        "in_per_1000",
        "out_per_1000",
        "net_per_1000",
        "net_per_1000_age",
    ]
    table = labels[["age_order", "age_group"]].copy()
    if missing:
        for column in columns:
            table[column] = pd.NA
        return MigrationProfile(members, missing, None, table, None, None)

    rows = moves[moves["ags"].isin(members)]
    summed = rows.pivot_table(
        index="age_order", columns="direction", values="moves", aggfunc="sum", observed=True
    )
    groups = population[population["ags"].isin(members) & ~population["is_total"]]
    inhabitants_total = int(groups["population"].sum())
    table["moves_in"] = labels["age_order"].map(summed["in"]).astype("Int64")
    table["moves_out"] = labels["age_order"].map(summed["out"]).astype("Int64")
    table["net"] = table["moves_in"] - table["moves_out"]
    table["inhabitants"] = [
        int(groups.loc[_band_mask(groups, int(r.age_from), _upper(r)), "population"].sum())
        if not r.is_total
        else inhabitants_total
        for r in labels.itertuples()
    ]
    table["inhabitants"] = table["inhabitants"].astype("Int64")
    for column, source in (("in_per_1000", "moves_in"), ("out_per_1000", "moves_out")):
        table[column] = [_rate(v, inhabitants_total, 1000) for v in table[source]]
    table["net_per_1000"] = [_rate(v, inhabitants_total, 1000) for v in table["net"]]
    table["net_per_1000_age"] = [
        _rate(n, i, 1000) for n, i in zip(table["net"], table["inhabitants"], strict=True)
    ]
    return MigrationProfile(
        ags=members,
        missing=(),
        inhabitants=inhabitants_total,
        table=table,
        bildungswanderung=_group_rate(table, EDUCATION_GROUPS),
        familienwanderung=_group_rate(table, FAMILY_GROUPS),
    )


def _upper(row) -> int | None:
    return None if pd.isna(row.age_to) else int(row.age_to)


def _group_rate(table: pd.DataFrame, groups: tuple[str, ...]) -> float | None:
    """Net moves of the given age groups per 1,000 inhabitants of the same groups."""
    rows = table[table["age_group"].isin(groups)]
    if len(rows) != len(groups):
        raise ValueError(f"Altersgruppen fehlen in der Wanderungstabelle: {groups}")
    return _rate(rows["net"].sum(), rows["inhabitants"].sum(), 1000)


def district_key_for(ags: str) -> str:
    """Key of the natural_change row of the district a municipality belongs to (Hamburg and
    Berlin: the state row, as the source has no district row for them)."""
    return ags[:2] if ags[:2] in ("02", "11") else ags[:5]


def natural_change_rates(natural: pd.DataFrame, region_key: str) -> pd.DataFrame:
    """Births, deaths and balance of one region per year, absolute and per 1,000 inhabitants
    (GV-ISys population of 31.12. of the same year; NA where that is not available)."""
    rows = natural[natural["region_key"] == region_key].sort_values("year")
    out = rows[["year", "births", "deaths", "balance", "population"]].reset_index(drop=True)
    for column in ("births", "deaths", "balance"):
        out[f"{column}_per_1000"] = [
            _rate(v, p, 1000) for v, p in zip(out[column], out["population"], strict=True)
        ]
        out[f"{column}_per_1000"] = out[f"{column}_per_1000"].astype("Float64")
    return out
