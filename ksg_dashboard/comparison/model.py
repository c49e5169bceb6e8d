"""Side-by-side comparison of up to 12 municipalities (pure, no Streamlit).

The page "Vergleich" (/vergleich?vergleich=AGS,AGS,…) compares municipalities on the territory
of 31.12.2022 with every indicator of the demographics page, plus reference rows: each
member's district, its state, Germany and a group of similar municipalities (same state and
same size class by population; the GV-ISys degree of urbanisation is not in data/).

Sums follow the app's rule: a district or state value is the sum of its municipalities and
unknown if any of them lacks a value. The similar-municipalities row is the median of the
group's municipalities (a typical value, not a sum), and says so.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import pandas as pd

from ksg_dashboard.core import numbers, territory
from ksg_dashboard.core.config import DEFAULT_BASE_YEAR, LAST_YEAR, STATE_NAMES
from ksg_dashboard.core.indicator_catalogue import BY_KEY, in_theme
from ksg_dashboard.core.text import listing
from ksg_dashboard.demography.model import (
    add_indicators,
    fixed_set_series,
    series_indicators,
    territory_series,
)
from ksg_dashboard.demography.themes import model as dv
from ksg_dashboard.demography.themes import views as dv_views

PARAM = "vergleich"
MAX_MEMBERS = 12
AGS_RE = re.compile(r"^\d{7,8}$")
GERMANY = "DG"
NATURAL_YEAR = 2015  # last year of the natural-change table
EXAMPLE_COOPERATION = "region-in-bewegung"

KIND_MEMBER = "Gemeinde"
KIND_DISTRICT = "Kreis"
KIND_STATE = "Land"
KIND_GERMANY = "Deutschland"
KIND_SIMILAR = "Ähnliche Gemeinden"

# Size classes by inhabitants on 31.12.2022: (lower bound, upper bound exclusive or None).
SIZE_CLASSES: tuple[tuple[int, int | None], ...] = (
    (0, 2_000),
    (2_000, 5_000),
    (5_000, 10_000),
    (10_000, 20_000),
    (20_000, 50_000),
    (50_000, 100_000),
    (100_000, 500_000),
    (500_000, None),
)
SIMILAR_RULE = (
    "Ähnliche Gemeinden: alle Gemeinden desselben Landes in derselben Größenklasse nach "
    "Einwohnern am 31.12.2022 (Gebietsstand 31.12.2022, die Gemeinde selbst eingeschlossen); "
    "gezeigt wird der Median der Gruppe. Größenklassen: unter 2.000, 2.000–4.999, 5.000–9.999, "
    "10.000–19.999, 20.000–49.999, 50.000–99.999, 100.000–499.999, ab 500.000 Einwohner. "
    "Der Grad der Verstädterung aus dem GV-ISys liegt in den Daten der App nicht vor."
)

POPULATION_KEYS = tuple(d.key for d in in_theme("bevoelkerung"))
AGE_KEYS = dv_views.AGE_KEYS
MIGRATION_KEYS = dv_views.MIGRATION_KEYS
NATURAL_KEYS = dv_views.NATURAL_KEYS
BASE_POPULATION = "einwohner_basis"
INDICATOR_KEYS = (
    *POPULATION_KEYS[:1],
    BASE_POPULATION,
    *POPULATION_KEYS[1:],
    *AGE_KEYS,
    *MIGRATION_KEYS,
    *NATURAL_KEYS,
)
META_COLUMNS = ("schluessel", "gebiet", "art", "bezug")
SOURCE_IDS = (
    "population",
    "crosswalk",
    "official_totals",
    "municipal_age_2015",
    "migration_2015",
    "natural_change",
)

SOURCE_LABELS = {
    "population": "Bevölkerung",
    "crosswalk": "Umrechnung auf den Gebietsstand 2022",
    "official_totals": "Summen 2016",
    "municipal_age_2015": "Altersstruktur",
    "migration_2015": "Wanderungen",
    "natural_change": "Natürliche Bewegung",
}
TERRITORY_OF = {
    "population": "Gebietsstand 31.12.2022 (alle Jahre umgerechnet)",
    "crosswalk": "Umrechnung auf den Gebietsstand 31.12.2022",
    "official_totals": "Kreise im Gebietsstand des jeweiligen Jahres (nur Summen 2016)",
    "municipal_age_2015": "Gemeinden 31.12.2015, umgerechnet auf den Gebietsstand 31.12.2022",
    "migration_2015": "Gemeinden 2015, umgerechnet auf den Gebietsstand 31.12.2022",
    "natural_change": "Kreise im Gebietsstand 31.12.2015",
}


@dataclass(frozen=True)
class ComparisonData:
    """The frames a comparison is computed from (the app's loaders give them)."""

    population: pd.DataFrame  # population_2022.parquet (2022 territory, all years)
    register: pd.DataFrame  # municipalities.parquet (names, districts, successors)
    age: pd.DataFrame  # age_2015_gebiet2022.parquet
    migration: pd.DataFrame  # migration_2015_gebiet2022.parquet
    regions_age: pd.DataFrame  # age_regions_2015.parquet (states, Germany)
    regions_migration: pd.DataFrame  # migration_regions_2015.parquet
    natural: pd.DataFrame | None = None  # natural_change.parquet (districts, states, Germany)
    official_totals: pd.DataFrame | None = None  # 12411-0018 (NRW/Germany 2016)


@dataclass
class ParsedMembers:
    """Members read from a link or a takeover, and German notes on what was changed."""

    ags: tuple[str, ...]
    notes: list[str] = field(default_factory=list)


# --- selection ---------------------------------------------------------------------------------


def current_municipalities(population: pd.DataFrame) -> pd.DataFrame:
    """Municipalities of 31.12.2022 that can be compared (no unincorporated areas)."""
    rows = population[population["year"] == LAST_YEAR]
    return rows[~territory.is_unincorporated(rows["type"])]


def member_labels(population: pd.DataFrame, register: pd.DataFrame) -> dict[str, str]:
    """'Name (district)' per comparable 2022 municipality, to tell equal names apart."""
    rows = current_municipalities(population)
    districts = register.set_index("ags")["district_name"].to_dict()
    labels = {}
    for ags, name, kind in zip(rows["ags"], rows["name"], rows["type"], strict=True):
        district = districts.get(ags) or ""
        kreisfrei = str(kind).startswith("Kreisfrei") or not district
        where = "kreisfrei" if kreisfrei else str(district)
        labels[str(ags)] = f"{name} ({where})"
    return dict(sorted(labels.items(), key=lambda item: item[1].casefold()))


def limit(keys: Sequence[str], names: Mapping[str, str]) -> ParsedMembers:
    """At most MAX_MEMBERS keys (duplicates dropped, order kept); a note names the kept ones."""
    unique = tuple(dict.fromkeys(keys))
    if len(unique) <= MAX_MEMBERS:
        return ParsedMembers(unique)
    kept = unique[:MAX_MEMBERS]
    return ParsedMembers(
        kept,
        [
            f"Verglichen werden höchstens {MAX_MEMBERS} Gemeinden; von {len(unique)} wurden die "
            f"ersten {MAX_MEMBERS} übernommen: "
            + ", ".join(str(names.get(k, k)) for k in kept)
            + "."
        ],
    )


def parse_members(
    values: Iterable[str],
    comparable: Iterable[str],
    register: pd.DataFrame,
    names: Mapping[str, str],
) -> ParsedMembers:
    """Keys from `vergleich=` (already bounded by selection.bound_query): malformed and
    unknown keys are dropped with one note each, former keys become their 2022 successor
    (with the same note as `ags=`), more than MAX_MEMBERS are cut with a note."""
    known = set(comparable)
    successors = territory.successor_map(register)
    keys: list[str] = []
    malformed: list[str] = []
    unknown: list[str] = []
    notes: list[str] = []
    for value in values:
        if not AGS_RE.match(value):
            malformed.append(value)
            continue
        key = value.zfill(8)
        if key in successors:
            successor, note = territory.successor_note(key, register)
            if note:
                notes.append(note)
            key = successor
        if key in known:
            keys.append(key)
        else:
            unknown.append(value)
    if malformed:
        notes.append(f"Kein Gemeindeschlüssel, ignoriert: {listing(malformed)}.")
    if unknown:
        notes.append(
            "Unbekannte Gemeindeschlüssel (keine Gemeinde im Gebietsstand 31.12.2022), "
            f"ignoriert: {listing(unknown)}."
        )
    limited = limit(keys, names)
    return ParsedMembers(limited.ags, notes + limited.notes)


def to_query(ags: Sequence[str]) -> dict[str, str]:
    """The permalink parameter of a comparison (nothing for an empty one)."""
    return {PARAM: ",".join(ags)} if ags else {}


# --- size classes ------------------------------------------------------------------------------


def size_class(population: float | None) -> int | None:
    """Index into SIZE_CLASSES for an inhabitant count (None if unknown)."""
    if population is None or pd.isna(population):
        return None
    for index, (low, high) in enumerate(SIZE_CLASSES):
        if population >= low and (high is None or population < high):
            return index
    return None


def size_class_label(index: int) -> str:
    """'5.000–9.999 Einw.' for a class index."""
    low, high = SIZE_CLASSES[index]

    def fmt(n: int) -> str:
        return numbers.number(n)

    if high is None:
        return f"ab {fmt(low)} Einw."
    if low == 0:
        return f"unter {fmt(high)} Einw."
    return f"{fmt(low)}–{fmt(high - 1)} Einw."


def similar_group(current: pd.DataFrame, ags: str) -> tuple[str, int, list[str]] | None:
    """(state key, size class, member AGS) of the municipalities like `ags`, or None."""
    row = current[current["ags"] == ags]
    if row.empty:
        return None
    state = str(row["state_key"].iloc[0])
    klass = size_class(row["population"].iloc[0])
    if klass is None:
        return None
    same_state = current[current["state_key"] == state]
    classes = same_state["population"].map(size_class)
    return state, klass, [str(a) for a in same_state.loc[classes == klass, "ags"]]


# --- values --------------------------------------------------------------------------------------


def _population_values(yearly: pd.DataFrame, year: int, base_year: int) -> dict[str, float | None]:
    table = series_indicators(yearly, base_year)
    values: dict[str, float | None] = dict.fromkeys((*POPULATION_KEYS, BASE_POPULATION))
    if year in table.index:
        for key in POPULATION_KEYS:
            value = table.at[year, key]
            values[key] = None if pd.isna(value) else float(value)
    if base_year in yearly.index and pd.notna(yearly.at[base_year, "population"]):
        values[BASE_POPULATION] = float(yearly.at[base_year, "population"])
    return values


def _natural_values(natural: pd.DataFrame | None, region_key: str | None) -> dict:
    values: dict[str, float | None] = dict.fromkeys(NATURAL_KEYS)
    if natural is None or region_key is None:
        return values
    rates = dv.natural_change_rates(natural, region_key)
    rows = rates[rates["year"] == NATURAL_YEAR]
    if rows.empty:
        return values
    for key, column in dv_views.NATURAL_COLUMNS.items():
        value = rows[column].iloc[0]
        values[key] = None if pd.isna(value) else float(value)
    return values


def _profile_values(age: pd.DataFrame, migration: pd.DataFrame, keys: Sequence[str]) -> dict:
    values = dv_views.age_values(dv.age_profile(age, keys))
    values |= dv_views.migration_values(dv.migration_profile(migration, age, keys))
    return values


def district_profiles(age: pd.DataFrame, migration: pd.DataFrame) -> pd.DataFrame:
    """Age and migration indicators per district (first five digits of the AGS) as sums of
    its municipalities, in one vectorised pass (NA where any municipality lacks a value)."""
    table = dv_views.municipal_table(
        age.assign(ags=age["ags"].str[:5]), migration.assign(ags=migration["ags"].str[:5])
    )
    return table.set_index("ags")


def _district_values(
    profiles: pd.DataFrame, district: str, keys: Sequence[str], present: set[str]
) -> dict[str, float | None]:
    """A district's age and migration values; unknown if one of its municipalities is absent
    from the 2015 tables (no sum over fewer municipalities)."""
    complete = district in profiles.index and all(k in present for k in keys)
    return {
        key: _number(profiles.at[district, key]) if complete else None
        for key in (*AGE_KEYS, *MIGRATION_KEYS)
    }


def _natural_key_of_district(district: str) -> str:
    """The natural-change region key of a district (Berlin and Hamburg: the state row)."""
    return district[:2] if district[:2] in dv_views.CITY_STATES else district


def _number(value) -> float | None:
    return None if value is None or pd.isna(value) else float(value)


def _rows_of(frame: pd.DataFrame, keys: Sequence[str]) -> pd.DataFrame:
    return frame[frame["ags"].isin(keys)]


@dataclass(frozen=True, eq=False)
class _Members:
    """The compared members (file order, at most MAX_MEMBERS) and their current records."""

    keys: list[str]
    current: pd.DataFrame  # current_municipalities (ags, name, district_key, state_key, ...)
    info: pd.DataFrame  # current by ags
    names: dict[str, str]

    @classmethod
    def of(cls, keys: list[str], population: pd.DataFrame) -> _Members:
        current = current_municipalities(population)
        info = current.set_index("ags")
        return cls(keys, current, info, info["name"].to_dict())

    def name(self, key: str) -> str:
        return self.names.get(key, key)

    def those_in(self, column: str, value: str) -> str:
        """The names of the members whose `column` (district_key, state_key) is `value`."""
        info = self.info
        return ", ".join(
            str(self.name(k)) for k in self.keys if str(info[column].get(k, "")) == value
        )

    def regions(self, column: str) -> list[str]:
        """The members' districts or states (`column`), each once, in member order."""
        info = self.info
        return list(dict.fromkeys(str(info[column].get(k)) for k in self.keys))


def _member_rows(members: _Members, similar_table: pd.DataFrame) -> list[dict]:
    """One row per member with its own values (natural change only per district)."""
    by_ags = similar_table.set_index("ags")
    rows = []
    for key in members.keys:
        row = by_ags.loc[key] if key in by_ags.index else None
        values = {
            column: None if row is None else _number(row[column])
            for column in INDICATOR_KEYS
            if column not in NATURAL_KEYS
        }
        values |= dict.fromkeys(NATURAL_KEYS)  # published per district only (see its row)
        rows.append(
            {"schluessel": key, "gebiet": members.name(key), "art": KIND_MEMBER, "bezug": ""}
            | values
        )
    return rows


def _district_rows(
    data: ComparisonData, members: _Members, year: int, base_year: int
) -> list[dict]:
    """One row per district of a member: population of all its municipalities, the 2015
    age and migration profile, natural change."""
    current, info = members.current, members.info
    labels = data.register.set_index("ags")["district_name"].to_dict()
    # The 2015 tables cut once to the members' districts (they have 600,000 rows).
    wanted = set(info["district_key"].reindex(members.keys).dropna().astype(str))
    nearby = current.loc[current["district_key"].isin(wanted), "ags"].tolist()
    age, migration = _rows_of(data.age, nearby), _rows_of(data.migration, nearby)
    profiles = district_profiles(age, migration)
    rows = []
    for district in members.regions("district_key"):
        keys = [str(a) for a in current.loc[current["district_key"] == district, "ags"]]
        # Unincorporated areas count for the population like in the official district totals.
        all_keys = data.population.loc[
            (data.population["year"] == LAST_YEAR) & (data.population["district_key"] == district),
            "ags",
        ].tolist()
        scope = _rows_of(data.population, all_keys)
        values = _population_values(fixed_set_series(scope, all_keys), year, base_year)
        values |= _district_values(profiles, district, keys, set(age["ags"]))
        values |= _natural_values(data.natural, _natural_key_of_district(district))
        first = next((k for k in members.keys if info["district_key"].get(k) == district), None)
        label = labels.get(first) if first else None
        rows.append(
            {
                "schluessel": district,
                "gebiet": str(label or district),
                "art": KIND_DISTRICT,
                "bezug": members.those_in("district_key", district),
            }
            | values
        )
    return rows


def _state_rows(data: ComparisonData, members: _Members, year: int, base_year: int) -> list[dict]:
    """One row per state of a member, with the official totals where they differ."""
    rows = []
    for state in members.regions("state_key"):
        yearly, _ = territory.with_official_totals(
            territory_series(data.population, [state]), data.official_totals, [state]
        )
        values = _population_values(yearly, year, base_year)
        values |= _profile_values(data.regions_age, data.regions_migration, [state])
        values |= _natural_values(data.natural, state)
        rows.append(
            {
                "schluessel": state,
                "gebiet": STATE_NAMES.get(state, state),
                "art": KIND_STATE,
                "bezug": members.those_in("state_key", state),
            }
            | values
        )
    return rows


def _similar_rows(members: _Members, similar_table: pd.DataFrame) -> list[dict]:
    """One row per group of similar municipalities (state and size class, see
    `similar_group`): the median of each indicator over the group."""
    groups: dict[tuple[str, int], list[str]] = {}
    group_members: dict[tuple[str, int], list[str]] = {}
    for key in members.keys:
        group = similar_group(members.current, key)
        if group is None:
            continue
        state, klass, keys = group
        groups[(state, klass)] = keys
        group_members.setdefault((state, klass), []).append(str(members.name(key)))
    rows = []
    for (state, klass), keys in groups.items():
        chosen = similar_table[similar_table["ags"].isin(keys)]
        medians = chosen[[k for k in INDICATOR_KEYS if k in chosen.columns]].median(
            numeric_only=True
        )
        values = {k: None if pd.isna(v) else float(v) for k, v in medians.items()}
        values |= dict.fromkeys(NATURAL_KEYS)
        rows.append(
            {
                "schluessel": f"{state}-{klass}",
                "gebiet": (
                    f"Ähnliche Gemeinden ({STATE_NAMES.get(state, state)}, "
                    f"{size_class_label(klass)}; Median aus {len(keys)})"
                ),
                "art": KIND_SIMILAR,
                "bezug": ", ".join(group_members[(state, klass)]),
            }
            | values
        )
    return rows


def _germany_row(data: ComparisonData, year: int, base_year: int) -> dict:
    """The row of Germany, with the official totals where they differ."""
    yearly, _ = territory.with_official_totals(
        territory_series(data.population), data.official_totals
    )
    values = _population_values(yearly, year, base_year)
    values |= _profile_values(data.regions_age, data.regions_migration, [GERMANY])
    values |= _natural_values(data.natural, GERMANY)
    row = {"schluessel": GERMANY, "gebiet": "Deutschland", "art": KIND_GERMANY, "bezug": ""}
    return row | values


def comparison_frame(
    data: ComparisonData,
    ags: Sequence[str],
    year: int = LAST_YEAR,
    base_year: int = DEFAULT_BASE_YEAR,
    similar_table: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """One row per member, then its districts, states, similar-municipality groups and Germany.

    Columns: schluessel, gebiet, art, bezug (which members a reference row belongs to), then
    INDICATOR_KEYS. `similar_table` (all municipalities with every indicator, see
    `municipal_indicators`) is computed when not given.
    """
    keys = list(dict.fromkeys(ags))[:MAX_MEMBERS]
    if not keys:
        return pd.DataFrame(columns=[*META_COLUMNS, *INDICATOR_KEYS])
    members = _Members.of(keys, data.population)
    if similar_table is None:
        similar_table = municipal_indicators(data, year, base_year)
    rows = [
        *_member_rows(members, similar_table),
        *_district_rows(data, members, year, base_year),
        *_state_rows(data, members, year, base_year),
        *_similar_rows(members, similar_table),
        _germany_row(data, year, base_year),
    ]
    frame = pd.DataFrame(rows)
    return frame[[*META_COLUMNS, *INDICATOR_KEYS]]


def municipal_indicators(
    data: ComparisonData, year: int = LAST_YEAR, base_year: int = DEFAULT_BASE_YEAR
) -> pd.DataFrame:
    """Every comparable municipality with the population, age and migration indicators
    (the basis of the similar-municipalities medians)."""
    current = current_municipalities(data.population)
    now = data.population[data.population["year"] == year].set_index("ags")
    base = data.population[data.population["year"] == base_year].set_index("ags")
    table = add_indicators(now, base)
    table[BASE_POPULATION] = base["population"].reindex(table.index).astype("Float64")
    table = table.loc[table.index.isin(current["ags"])]
    profiles = dv_views.municipal_table(data.age, data.migration).set_index("ags")
    table = table.join(profiles[[*AGE_KEYS, *MIGRATION_KEYS]], how="left")
    return table.reset_index()[["ags", *[k for k in INDICATOR_KEYS if k not in NATURAL_KEYS]]]


# --- presentation helpers (pure) --------------------------------------------------------------


def column_titles(year: int = LAST_YEAR, base_year: int = DEFAULT_BASE_YEAR) -> dict[str, str]:
    """German column headers with unit and reference date, for the table and the downloads."""
    titles = {
        "schluessel": "Schlüssel",
        "gebiet": "Gebiet",
        "art": "Art",
        "bezug": "Bezug (Gemeinden)",
        BASE_POPULATION: f"Einwohner {base_year} (Personen)",
    }
    for key in POPULATION_KEYS:
        doc = BY_KEY[key]
        if key in {"veraenderung", "veraenderung_pct"}:
            titles[key] = f"Veränderung {base_year}–{year} ({doc.unit})"
        elif key == "index":
            titles[key] = f"Index {year} ({base_year} = 100)"
        else:
            titles[key] = f"{doc.label} {year}" + (f" ({doc.unit})" if doc.unit else "")
    for key in AGE_KEYS:
        titles[key] = f"{BY_KEY[key].title}, 31.12.2015"
    for key in MIGRATION_KEYS:
        titles[key] = f"{BY_KEY[key].title}, 2015"
    for key in NATURAL_KEYS:
        titles[key] = f"{BY_KEY[key].title}, {NATURAL_YEAR} (nur Kreise)"
    return titles


def display_table(frame: pd.DataFrame, year: int, base_year: int) -> pd.DataFrame:
    """The comparison frame with German headers, values rounded to the registry's digits."""
    out = frame.copy()
    for key in INDICATOR_KEYS:
        digits = 0 if key == BASE_POPULATION else BY_KEY[key].digits
        out[key] = pd.to_numeric(out[key], errors="coerce").round(digits)
    return out.rename(columns=column_titles(year, base_year))


def index_long(
    data: ComparisonData, ags: Sequence[str], base_year: int = DEFAULT_BASE_YEAR
) -> pd.DataFrame:
    """Long frame (series, year, value, kind) of the population index (base year = 100) per
    member and for Germany, on the territory of 31.12.2022."""
    names = current_municipalities(data.population).set_index("ags")["name"].to_dict()
    frames = []
    for key in dict.fromkeys(ags):
        yearly = fixed_set_series(_rows_of(data.population, [key]), [key])
        values = series_indicators(yearly, base_year)["index"]
        frames.append(_long(str(names.get(key, key)), values, KIND_MEMBER))
    yearly, _ = territory.with_official_totals(
        territory_series(data.population), data.official_totals
    )
    frames.append(_long("Deutschland", series_indicators(yearly, base_year)["index"], KIND_GERMANY))
    return pd.concat(frames, ignore_index=True)


def _long(label: str, values: pd.Series, kind: str) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "series": label,
            "year": values.index.astype(int),
            "value": pd.to_numeric(values, errors="coerce").astype(float).to_numpy(),
            "kind": kind,
        }
    )


def provenance(sources: Mapping[str, Mapping], ids: Iterable[str] = SOURCE_IDS) -> pd.DataFrame:
    """One row per dataset: Quelle, Stand, Gebietsstand, Lizenz (for downloads)."""
    rows = []
    for key in ids:
        record = sources.get(key)
        if not record:
            continue
        rows.append(
            {
                "Inhalt": SOURCE_LABELS.get(key, key),
                "Datensatz": str(record.get("title", key)),
                "Quelle": str(record.get("attribution", "")),
                "Stand": str(record.get("reference_date", "")),
                "Gebietsstand": TERRITORY_OF.get(key, territory.MODES[territory.CONSISTENT]),
                "Lizenz": str(record.get("licence", "")),
            }
        )
    return pd.DataFrame(
        rows, columns=["Inhalt", "Datensatz", "Quelle", "Stand", "Gebietsstand", "Lizenz"]
    )


def toggle(members: Sequence[str], ags: str, names: Mapping[str, str]) -> ParsedMembers:
    """A map click: remove a member, or add a municipality while fewer than 12 are compared."""
    current = tuple(members)
    if ags in current:
        return ParsedMembers(tuple(k for k in current if k != ags))
    if len(current) >= MAX_MEMBERS:
        return ParsedMembers(
            current,
            [
                f"{names.get(ags, ags)} nicht hinzugefügt: verglichen werden höchstens "
                f"{MAX_MEMBERS} Gemeinden. Erst eine Gemeinde entfernen."
            ],
        )
    return ParsedMembers((*current, ags))
