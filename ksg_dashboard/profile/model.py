"""The "Regionsprofil" of a selection as a view model (pure: frames in, dataclass out).

Everything the PDF shows is decided here, from the same frames and functions as the pages: the
key figures are the overview's headline (`overview.headline_for`), the member table its
`member_table`, age and migration the 2015 profiles of `daseinsvorsorge`, sources and
licences the records of data/sources.json. `profile_pdf` only lays them out.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

import geopandas as gpd
import pandas as pd

from ksg_dashboard.core import numbers, territory
from ksg_dashboard.core.config import FIRST_CENSUS_YEAR, STATE_NAMES
from ksg_dashboard.core.indicators import Headline
from ksg_dashboard.core.selection import CUSTOM_ID, Selection
from ksg_dashboard.demography.themes import model as dv
from ksg_dashboard.demography.themes.views import (
    KEY_FIGURES,
    age_values,
    key_figure_items,
    migration_values,
)
from ksg_dashboard.maps import layers as mapdata
from ksg_dashboard.overview.model import (
    MAX_DRAWN_MEMBERS,
    OverviewData,
    cooperation_by_id,
    headline_for,
    member_table,
)

# More members than this (a state, a long own list) are listed by population, largest first.
MAX_MEMBER_ROWS = 20
# Members named on the map (more would cover it).
MAX_MAP_LABELS = 12
AGE_FIGURES = {"anteil_65_plus", "anteil_unter_18", "altenquotient"}


@dataclass(frozen=True)
class Figure:
    """One key figure: label, German value text and its reference date."""

    label: str
    value: str
    reference: str


@dataclass(frozen=True)
class Source:
    """One dataset's record from data/sources.json, as printed under 'Quellen und Lizenzen'."""

    key: str
    title: str
    publisher: str
    reference_date: str
    licence: str
    attribution: str


@dataclass(frozen=True)
class RegionProfile:
    """What the profile shows, ready to lay out."""

    title: str
    kind: str
    subtitle: str
    territory: str
    figures: tuple[Figure, ...]
    dv_figures: tuple[Figure, ...]  # age structure 31.12.2015 and migration 2015
    trend: pd.DataFrame  # year, population (NA where not every member has a value)
    pyramid: pd.DataFrame | None  # age_group, male, female (None: not available)
    migration: pd.DataFrame | None  # age_group, net_per_1000_age (None: not available)
    members: pd.DataFrame  # the rows shown (at most MAX_MEMBER_ROWS)
    members_total: int
    members_note: str
    shapes: gpd.GeoDataFrame  # ags, name, geometry of the members drawn
    states: gpd.GeoDataFrame  # outlines in view
    districts: gpd.GeoDataFrame
    labels: bool  # name the members on the map
    notes: tuple[str, ...]
    sources: dict[str, Source] = field(default_factory=dict)
    generated: str = ""
    permalink: str = ""

    def attribution(self, keys: Sequence[str]) -> str:
        """'Quellen: A · B' for the figure built from these datasets."""
        lines = [self.sources[k].attribution for k in keys if k in self.sources]
        return "Quellen: " + " · ".join(dict.fromkeys(lines)) if lines else ""


def fmt_int(value: float | int | None, signed: bool = False) -> str:
    """German whole number, 'unbekannt' for missing values (see `numbers`)."""
    return numbers.number(value, 0, signed=signed, missing="unbekannt")


def fmt_float(value: float | None, digits: int = 1, signed: bool = False) -> str:
    """German decimal comma, 'unbekannt' for missing values (see `numbers`)."""
    return numbers.number(value, digits, signed=signed, missing="unbekannt")


def title_of(
    selection: Selection, register: pd.DataFrame, cooperations: Sequence[dict]
) -> tuple[str, str, str]:
    """(title, kind, subtitle) of a selection, in the overview's words."""
    by_ags = register.set_index("ags")
    if selection.ags:
        row = by_ags.loc[selection.ags] if selection.ags in by_ags.index else None
        if row is None:
            return selection.ags, "Gemeinde", f"AGS {selection.ags}"
        return (
            str(row["name"]),
            str(row["type"] or "Gemeinde"),
            f"AGS {selection.ags} · {row['district_name']} · {row['state_name']}",
        )
    by_id = {c["id"]: c for c in cooperations}
    records = [by_id[r] for r in selection.regions if r in by_id]
    states = [STATE_NAMES[s] for s in selection.states if s in STATE_NAMES]
    names = [r["short_name"] for r in records] + states
    kinds = list(dict.fromkeys([r["kind"] for r in records] + (["Land"] if states else [])))
    if len(records) == 1 and not states:
        record = records[0]
        subtitle = record["name"]
        if record.get("association_key"):
            subtitle += (
                f" · Schlüssel {record['association_key']} · Mitglieder zum "
                f"31.12.{record['association_year']}"
            )
        return record["short_name"], record["kind"], subtitle
    if not names:
        return "Deutschland", "Bund", "alle Gemeinden"
    if len(states) == len(names):
        return ", ".join(states), "Land" if len(states) == 1 else "Länder", "Gemeinden des Landes"
    return ", ".join(names), " und ".join(kinds), "Vereinigung der gewählten Gebiete"


def key_figures(data: OverviewData, selection: Selection, ags: list[str], mode: str):
    """The overview's headline as figures with reference dates, plus the headline itself."""
    figures = headline_for(data, selection, ags)
    year, base = figures.year, figures.base_year
    density = (
        figures.population / figures.area_km2
        if figures.population is not None and figures.area_km2
        else None
    )
    change = fmt_int(figures.change_abs, signed=True)
    if figures.change_pct is not None:
        change += f" ({fmt_float(figures.change_pct, 1, signed=True)} %)"
    if figures.territorial_changes and mode == territory.PUBLISHED:
        change += " inkl. Gebietsänderung"
    rows = (
        Figure("Gemeinden", fmt_int(figures.municipalities), territory.MODES[mode]),
        Figure("Einwohner", fmt_int(figures.population), f"Stand 31.12.{year}"),
        Figure(
            "Fläche",
            f"{fmt_float(figures.area_km2, 0)} km²"
            if figures.area_km2 is not None
            else "unbekannt",
            f"Stand 31.12.{year}",
        ),
        Figure("Einwohner je km²", fmt_float(density, 0), f"Stand 31.12.{year}"),
        Figure(f"Veränderung seit {base}", change, f"31.12.{base} bis 31.12.{year}"),
    )
    return rows, figures


def trend(population: pd.DataFrame, ags: list[str], states: Sequence[str] = ()) -> pd.DataFrame:
    """Population per year: the sum of the members, NA in years where any member lacks a value
    (never a sum over fewer members). For states only: all rows of those states."""
    if states and not ags:
        rows = population[population["state_key"].isin(states)]
    else:
        rows = population[population["ags"].isin(ags)]
    by_year = rows.groupby("year")["population"]
    sums = by_year.sum(min_count=1)
    complete = by_year.apply(lambda s: s.notna().all()) & (by_year.size() >= (len(set(ags)) or 1))
    out = sums.where(complete).astype("Float64")
    return out.rename("population").reset_index()


def _dv_part(
    selection: Selection,
    ags: list[str],
    age: pd.DataFrame | None,
    migration: pd.DataFrame | None,
    region_age: pd.DataFrame | None,
    region_migration: pd.DataFrame | None,
) -> tuple[tuple[Figure, ...], pd.DataFrame | None, pd.DataFrame | None, list[str]]:
    """2015 key figures, pyramid and net migration by age of the selection (state rows of the
    source for a selection of states only), with notes on what is missing."""
    notes: list[str] = []
    only_states = bool(selection.states) and not (selection.regions or selection.ags)
    keys = list(selection.states) if only_states else ags
    ages = region_age if only_states else age
    moves = region_migration if only_states else migration
    if ages is None or not keys:
        return (), None, None, ["Alter und Wanderung 2015: Daten nicht verfügbar."]
    # The profiles filter their frames several times: cut the national frames to the members
    # once (1.3 s → 0.1 s for a cooperation).
    ages = ages[ages["ags"].isin(keys)]
    moves = None if moves is None else moves[moves["ags"].isin(keys)]
    profile = dv.age_profile(ages, keys)
    values = dict(age_values(profile))
    pyramid_table, missing = dv.pyramid(ages, keys)
    pyramid = None if missing else pyramid_table[["age_group", "male", "female"]]
    net = None
    if moves is not None:
        moving = dv.migration_profile(moves, ages, keys)
        values |= migration_values(moving)
        if not moving.missing:
            table = moving.table[moving.table["age_group"] != "Insgesamt"]
            net = table[["age_group", "net_per_1000_age"]].reset_index(drop=True)
    if profile.missing:
        notes.append(
            f"Altersangaben 2015: für {numbers.municipality_count(len(profile.missing))} "
            "enthält die Quelle "
            "keine Werte („-“); nicht aus einem Teil berechnet."
        )
    figures = tuple(
        Figure(label, text, "Stichtag 31.12.2015" if key in AGE_FIGURES else "Jahr 2015")
        for (key, *_), (label, text) in zip(KEY_FIGURES, key_figure_items(values), strict=True)
    )
    return figures, pyramid, net, notes


def _members(data: OverviewData, ags: list[str]) -> tuple[pd.DataFrame, str]:
    """The member table (the overview's), the largest MAX_MEMBER_ROWS if there are more."""
    table = member_table(data, ags)
    districts = data.register.set_index("ags")["district_name"]
    table.insert(2, "Kreis", table["AGS"].map(districts).fillna(""))
    if len(table) <= MAX_MEMBER_ROWS:
        return table, ""
    column = next(c for c in table.columns if c.startswith("Einw.") and c != "Einw. 2012")
    shown = table.sort_values(column, ascending=False, na_position="last").head(MAX_MEMBER_ROWS)
    return shown, (
        f"Die {MAX_MEMBER_ROWS} einwohnerstärksten von {fmt_int(len(table))} Gemeinden; die "
        "vollständige Liste enthält der CSV-Download der Übersicht."
    )


def _map_layers(data: OverviewData, ags: list[str]):
    """Member polygons (coarse for large selections) and the outlines around them."""
    source = data.shapes if len(ags) <= MAX_DRAWN_MEMBERS else data.shapes_overview
    shapes = source.select(ags)[["ags", "name", "geometry"]]
    bounds = mapdata.bounds_of(shapes, margin=0.08)
    if bounds is None:
        return shapes, data.states.iloc[:0], data.districts.iloc[:0]
    return shapes, mapdata.in_view(data.states, bounds), mapdata.in_view(data.districts, bounds)


def source_records(sources: Mapping[str, Mapping], keys: Sequence[str]) -> dict[str, Source]:
    """The datasets' records from data/sources.json (missing ones are left out, never made up)."""
    out = {}
    for key in keys:
        record = sources.get(key)
        if not record:
            continue
        out[key] = Source(
            key=key,
            title=str(record.get("title") or ""),
            publisher=str(record.get("publisher") or ""),
            reference_date=str(record.get("reference_date") or ""),
            licence=str(record.get("licence") or ""),
            attribution=str(record.get("attribution") or ""),
        )
    return out


def file_name(title: str) -> str:
    """'regionsprofil_region-in-bewegung.pdf': ASCII, no path characters."""
    text = title.casefold()
    for umlaut, plain in (("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("ß", "ss")):
        text = text.replace(umlaut, plain)
    slug = re.sub(r"[^a-z0-9]+", "-", text).strip("-")[:60].strip("-")
    return f"regionsprofil_{slug or 'auswahl'}.pdf"


def _profile_notes(
    mode: str,
    dv_notes: list[str],
    headline: Headline,
    ags: list[str],
    drawn: int,
    records: list[dict],
) -> list[str]:
    """The profile's notes: territory, the 2015 part's gaps, missing values, municipalities
    not drawn in the map (`drawn`: shapes found) and the uncertain cooperations."""
    notes = [territory.caption(mode) + ".", *dv_notes]
    if headline.missing:
        notes.append(
            f"Für {numbers.municipality_count(len(headline.missing))} fehlen Werte in "
            f"{headline.base_year} oder "
            f"{headline.year}: Summen und Veränderung nicht berechnet."
        )
    if drawn < len(set(ags)):
        notes.append(
            f"{numbers.municipality_count(len(set(ags)) - drawn)} ohne Fläche in den "
            "Grenzen (z. B. "
            "unbewohnte gemeindefreie Gebiete) sind in der Karte nicht gezeichnet."
        )
    uncertain = [r["uncertain"] for r in records if r.get("uncertain")]
    return notes + [f"Unsicher: {text}" for text in uncertain]


def _source_keys(mode: str, records: list[dict]) -> list[str]:
    """The sources a profile cites, in order: the crosswalk unless on the published
    territory, associations and curated cooperations when selected (`records`)."""
    keys = ["population"]
    if mode != territory.PUBLISHED:
        keys.append("crosswalk")
    keys += ["boundaries", "municipal_age_2015", "migration_2015"]
    if any(r.get("association_key") for r in records):
        keys.append("associations")
    if any(r and r["id"] != CUSTOM_ID and not r.get("association_key") for r in records):
        keys.append("cooperations")
    return keys


def build_profile(
    data: OverviewData,
    selection: Selection,
    ags: list[str],
    sources: Mapping[str, Mapping],
    mode: str = territory.DEFAULT_MODE,
    age: pd.DataFrame | None = None,
    migration: pd.DataFrame | None = None,
    region_age: pd.DataFrame | None = None,
    region_migration: pd.DataFrame | None = None,
    permalink: str = "",
    today: date | None = None,
) -> RegionProfile:
    """The profile of a non-empty selection (`ags`: its municipalities, as the pages compute
    them with `selection.selected_ags`)."""
    if not ags:
        raise ValueError(
            "Für ein Regionsprofil bitte eine Region, ein Land oder eine Gemeinde wählen."
        )
    title, kind, subtitle = title_of(selection, data.register, data.cooperations)
    figures, headline = key_figures(data, selection, ags, mode)
    only_states = bool(selection.states) and not (selection.regions or selection.ags)
    series = trend(data.population, [] if only_states else ags, selection.states)
    dv_figures, pyramid, net, dv_notes = _dv_part(
        selection, ags, age, migration, region_age, region_migration
    )
    members, members_note = _members(data, ags)
    shapes, states, districts = _map_layers(data, ags)
    records = [cooperation_by_id(data, r) or {} for r in selection.regions]
    notes = _profile_notes(mode, dv_notes, headline, ags, len(shapes), records)
    return RegionProfile(
        title=title,
        kind=kind,
        subtitle=subtitle,
        territory=territory.MODES[mode],
        figures=figures,
        dv_figures=dv_figures,
        trend=series,
        pyramid=pyramid,
        migration=net,
        members=members,
        members_total=len(ags),
        members_note=members_note,
        shapes=shapes,
        states=states,
        districts=districts,
        labels=len(shapes) <= MAX_MAP_LABELS,
        notes=tuple(notes),
        sources=source_records(sources, _source_keys(mode, records)),
        generated=(today or date.today()).strftime("%d.%m.%Y"),
        permalink=permalink,
    )


CENSUS_NOTE = (
    f"Bis {FIRST_CENSUS_YEAR - 1} Fortschreibung früherer Zählungen, ab {FIRST_CENSUS_YEAR} auf "
    "Basis des Zensus 2011 (Bruch in der Reihe, gestrichelte Linie)."
)
