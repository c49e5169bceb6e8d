"""What the demographics page shows: URL parameters, comparison series, ranking, maps."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

import folium
import geopandas as gpd
import pandas as pd

from ksg_dashboard.core import numbers, territory
from ksg_dashboard.core.config import DEFAULT_BASE_YEAR, FIRST_YEAR, LAST_YEAR, STATE_NAMES
from ksg_dashboard.core.selection import Selection
from ksg_dashboard.core.text import quote
from ksg_dashboard.demography.model import (
    DEFAULT_INDICATOR,
    DIVERGING,
    INDICATORS,
    MISSING_COLOUR,
    SEQUENTIAL,
    Indicator,
    classify,
    fixed_set_series,
    series_indicators,
    territory_series,
)
from ksg_dashboard.maps import builders as maps
from ksg_dashboard.maps import layers as mapdata

# Selections with more municipalities are shown on the Germany-wide canvas map (Bavaria has
# 2,056; a planner s list of all 10,993 as single polygons would be a 20 MB page).
MAX_SELECTION_MAP = 2500
VIEWS = {
    "auswahl": "Auswahl",
    "deutschland": "Deutschland (alle Gemeinden)",
    "verbaende": "Gemeindeverbände",
}
AGE_YEARS = (2015, 2020)


@dataclass(frozen=True)
class DemographyParams:
    """The page's own URL parameters."""

    indicator: str = DEFAULT_INDICATOR
    year: int = LAST_YEAR
    base_year: int = DEFAULT_BASE_YEAR
    view: str = "auswahl"


@dataclass
class ParsedParams:
    params: DemographyParams
    notes: list[str] = field(default_factory=list)


def _year(value: str, label: str, notes: list[str]) -> int | None:
    # fullmatch on ASCII digits: str.isdigit() also accepts "²" or "٢", which int() rejects.
    if re.fullmatch(r"[0-9]{4}", value) and FIRST_YEAR <= int(value) <= LAST_YEAR:
        return int(value)
    notes.append(f"{label} {quote(value)} ist ungültig (erlaubt {FIRST_YEAR}–{LAST_YEAR}).")
    return None


def parse_params(query: Mapping[str, str]) -> ParsedParams:
    """`indikator`, `jahr`, `basis`, `ansicht` from the URL; bad values become notes."""
    notes: list[str] = []
    defaults = DemographyParams()
    indicator = query.get("indikator", defaults.indicator)
    if indicator not in INDICATORS:
        notes.append(f"Unbekannter Indikator {quote(indicator)} – es wird der Standard gezeigt.")
        indicator = defaults.indicator
    year = _year(query["jahr"], "Jahr", notes) if "jahr" in query else None
    base = _year(query["basis"], "Basisjahr", notes) if "basis" in query else None
    view = query.get("ansicht", defaults.view)
    if view not in VIEWS:
        notes.append(f"Unbekannte Ansicht {quote(view)} – es wird die Auswahl gezeigt.")
        view = defaults.view
    return ParsedParams(
        DemographyParams(indicator, year or defaults.year, base or defaults.base_year, view), notes
    )


def to_query(params: DemographyParams) -> dict[str, str]:
    """URL parameters for the page (defaults left out)."""
    defaults = DemographyParams()
    query = {}
    if params.indicator != defaults.indicator:
        query["indikator"] = params.indicator
    if params.year != defaults.year:
        query["jahr"] = str(params.year)
    if params.base_year != defaults.base_year:
        query["basis"] = str(params.base_year)
    if params.view != defaults.view:
        query["ansicht"] = params.view
    return query


def states_of(selection: Selection, ags: list[str]) -> list[str]:
    """Selected states plus the states of the selected municipalities, for comparison lines."""
    states = list(selection.states) + [a[:2] for a in ags]
    return list(dict.fromkeys(states))


def comparison_long(
    population: pd.DataFrame,
    selection: Selection,
    cooperations: list[dict],
    names: Mapping[str, str],
    indicator: str,
    base_year: int,
    official_totals: pd.DataFrame | None = None,
    events: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Long frame (series, year, value, note) for the time chart: selection, its states,
    Germany. Years without a municipality sum for a state or Germany (2016) take the official
    district total (`official_totals`), noted; with `events` (published mode) the years in
    which a municipality or cooperation member changed its territory are noted."""
    series: list[tuple[str, pd.DataFrame]] = []
    notes: dict[str, dict[int, str]] = {}
    by_id = {c["id"]: c for c in cooperations}
    for region in selection.regions:
        if region in by_id:
            cooperation = by_id[region]
            label = cooperation["short_name"]
            series.append((label, fixed_set_series(population, cooperation["member_ags"])))
            notes[label] = _change_notes(events, cooperation["member_ags"])
    if selection.ags:
        label = str(names.get(selection.ags, selection.ags))
        series.append((label, fixed_set_series(population, [selection.ags])))
        notes[label] = _change_notes(events, [selection.ags])
    member_ags = [a for r in selection.regions if r in by_id for a in by_id[r]["member_ags"]]
    for state in states_of(selection, member_ags + ([selection.ags] if selection.ags else [])):
        label = STATE_NAMES.get(state, state)
        yearly, notes[label] = territory.with_official_totals(
            territory_series(population, [state]), official_totals, [state]
        )
        series.append((label, yearly))
    yearly, notes["Deutschland"] = territory.with_official_totals(
        territory_series(population), official_totals
    )
    series.append(("Deutschland", yearly))
    frames = []
    for label, yearly in series:
        values = series_indicators(yearly, base_year)[indicator]
        marks = notes.get(label, {})
        frames.append(
            pd.DataFrame(
                {
                    "series": label,
                    "year": values.index,
                    "value": values.values,
                    "note": [marks.get(int(y), "") for y in values.index],
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


def _change_notes(events: pd.DataFrame | None, ags: list[str]) -> dict[int, str]:
    """{year: 'Gebietsänderung …'} for years in which one of the AGS changed its territory."""
    if events is None or events.empty:
        return {}
    rows = events[events["ags22"].isin(set(ags))]
    out: dict[int, str] = {}
    for year, group in rows.groupby("year"):
        kinds = sorted({territory.CHANGE_KINDS.get(k, k) for k in group["kind"]})
        others = ", ".join(sorted({str(o) for o in group["other"] if o}))
        out[int(year)] = f"{territory.FLAG} Gebietsänderung {year}: {', '.join(kinds)}" + (
            f" ({others})" if others else ""
        )
    return out


def flag_column(indicator: Indicator) -> str:
    """The table column flagging values that span a territorial change for this indicator."""
    return "flag" if indicator.key in CHANGE_INDICATORS else "flag_level"


CHANGE_INDICATORS = {"veraenderung", "veraenderung_pct", "index"}


def ranking(
    table: pd.DataFrame,
    ags: list[str],
    indicator: Indicator,
    names: Mapping[str, str],
    include_unincorporated: bool = False,
) -> pd.DataFrame:
    """Municipalities of the selection (all of Germany if empty), sorted by the indicator.

    Unincorporated areas are no municipalities and are left out unless asked for. A column
    'Gebietsänderung' appears when the table carries flags (published territory) for values
    that span a territorial change.
    """
    rows = table[table["ags"].isin(ags)] if ags else table
    if not include_unincorporated and "type" in rows.columns:
        rows = rows[~territory.is_unincorporated(rows["type"])]
    columns = (
        ["ags", "einwohner", indicator.key]
        if indicator.key != "einwohner"
        else ["ags", "einwohner"]
    )
    out = rows[columns].copy()
    out.insert(1, "Gemeinde", out["ags"].map(names))
    flag = flag_column(indicator)
    if flag in rows.columns and (rows[flag] != "").any():
        out["Gebietsänderung"] = rows[flag].values
    out = out.sort_values(indicator.key, ascending=False, na_position="last")
    label = f"{indicator.label} ({indicator.unit})" if indicator.unit else indicator.label
    return out.rename(columns={"ags": "AGS", "einwohner": "Einwohner", indicator.key: label})


def unincorporated_count(table: pd.DataFrame, ags: list[str]) -> int:
    """How many unincorporated areas the ranking leaves out."""
    rows = table[table["ags"].isin(ags)] if ags else table
    return int(territory.is_unincorporated(rows["type"]).sum()) if "type" in rows else 0


def palette_for(indicator: Indicator) -> tuple[str, ...]:
    return DIVERGING if indicator.diverging else SEQUENTIAL


def legend_items(breaks: list[float], indicator: Indicator) -> list[tuple[str, str]]:
    """(colour, label) pairs for the HTML legend of a classified map (see demography.classify)."""
    palette = palette_for(indicator)
    centre = 100.0 if indicator.key == "index" else 0.0
    offset = 2 - sum(b < centre for b in breaks) if indicator.diverging else 0

    def fmt(value: float) -> str:
        return numbers.number(value, indicator.digits)

    items = []
    for position in range(len(breaks) + 1):
        if position == 0:
            label = f"unter {fmt(breaks[0])}" if breaks else "alle Werte"
        elif position == len(breaks):
            label = f"ab {fmt(breaks[-1])}"
        else:
            label = f"{fmt(breaks[position - 1])} bis unter {fmt(breaks[position])}"
        colour = palette[min(max(position + offset, 0), len(palette) - 1)]
        items.append((colour, label))
    return [*items, (MISSING_COLOUR, "keine Angabe")]


def value_labels(values: pd.Series, indicator: Indicator, named: bool = True) -> list[str]:
    """German formatted values for tooltips ('keine Angabe' where missing); `named` puts the
    indicator's name in front (left out on the Germany map, where 11,000 copies add up)."""
    out = []
    for value in pd.to_numeric(values, errors="coerce"):
        if pd.isna(value):
            out.append("keine Angabe")
            continue
        text = numbers.number(value, indicator.digits)
        prefix = f"{indicator.label}: " if named else ""
        out.append(f"{prefix}{text} {indicator.unit}".strip())
    return out


def selection_map(
    shapes: gpd.GeoDataFrame,
    states: gpd.GeoDataFrame,
    table: pd.DataFrame,
    ags: list[str],
    indicator: Indicator,
) -> tuple[folium.Map, list[float]]:
    """Choropleth of the selected municipalities (regional detail); returns map and breaks."""
    flag = flag_column(indicator)
    wanted = ["ags", indicator.key] + ([flag] if flag in table.columns else [])
    frame = shapes[shapes["ags"].isin(ags)].merge(table[wanted], on="ags", how="left")
    centre = 100.0 if indicator.key == "index" else 0.0
    breaks, classes = classify(frame[indicator.key], indicator.diverging, centre)
    palette = palette_for(indicator)
    flags = frame[flag].fillna("").tolist() if flag in frame.columns else [""] * len(frame)
    frame["label"] = [
        f"{text} · Gebietsänderung {f.removeprefix(territory.FLAG).strip()}" if f else text
        for text, f in zip(value_labels(frame[indicator.key], indicator), flags, strict=True)
    ]
    fmap = maps.base_map(mapdata.bounds_of(frame, margin=0.05))
    maps.add_outlines(fmap, states[["geometry"]], maps.OUTLINE_STATE, "Länder")
    colours = [palette[c] if c >= 0 else MISSING_COLOUR for c in classes]
    maps.add_choropleth(
        fmap,
        gpd.GeoDataFrame(frame, geometry="geometry"),
        colours,
        "label",
        flagged=[bool(f) for f in flags],
    )
    return fmap, breaks


def germany_map(
    layer_ags: list[str],
    layer_json: str,
    states: gpd.GeoDataFrame,
    table: pd.DataFrame,
    names: Mapping[str, str],
    indicator: Indicator,
) -> tuple[folium.Map, list[float]]:
    """All municipalities of Germany via the encoded canvas layer; returns map and breaks."""
    indexed = table.set_index("ags")
    values = indexed[indicator.key].reindex(layer_ags)
    flag = flag_column(indicator)
    flags = (
        indexed[flag].reindex(layer_ags).fillna("").tolist()
        if flag in indexed.columns
        else [""] * len(layer_ags)
    )
    centre = 100.0 if indicator.key == "index" else 0.0
    breaks, classes = classify(values, indicator.diverging, centre)
    labels = [
        (f"{names.get(a, a)} ({a})", f"{v} {f}".strip())
        for a, v, f in zip(
            layer_ags, value_labels(values, indicator, named=False), flags, strict=True
        )
    ]
    fmap = maps.base_map(None)
    fmap.add_child(
        maps.EncodedChoropleth(
            layer_json,
            classes,
            list(palette_for(indicator)),
            labels,
            MISSING_COLOUR,
            flagged=[int(bool(f)) for f in flags] if any(flags) else None,
        )
    )
    maps.add_outlines(fmap, states[["geometry"]], maps.OUTLINE_STATE, "Länder")
    return fmap, breaks


def outline_year(outline_years: list[int], year: int) -> int:
    """The outline year closest to the chosen year (the earlier one on a tie)."""
    return min(sorted(outline_years), key=lambda y: abs(y - year))


def association_map(
    outlines: gpd.GeoDataFrame,
    states: gpd.GeoDataFrame,
    table: pd.DataFrame,
    indicator: Indicator,
    year: int,
) -> tuple[folium.Map, list[float], int]:
    """One polygon per Gemeindeverband (Germany-wide level), coloured by the indicator of its
    members' sum; returns map, breaks and the outline year used."""
    shape_year = outline_year([int(y) for y in outlines["year"].unique()], year)
    shapes = outlines[(outlines["year"] == shape_year) & (outlines["level"] == "germany")]
    frame = shapes[["association_key", "geometry"]].merge(
        table[["association_key", "display_name", "type", indicator.key]],
        on="association_key",
        how="inner",
    )
    centre = 100.0 if indicator.key == "index" else 0.0
    breaks, classes = classify(frame[indicator.key], indicator.diverging, centre)
    palette = palette_for(indicator)
    frame["label"] = [
        f"{kind}: {value}"
        for kind, value in zip(
            frame["type"], value_labels(frame[indicator.key], indicator), strict=True
        )
    ]
    frame = frame.rename(columns={"association_key": "ags", "display_name": "name"})
    fmap = maps.base_map(None)
    maps.add_outlines(fmap, states[["geometry"]], maps.OUTLINE_STATE, "Länder")
    colours = [palette[c] if c >= 0 else MISSING_COLOUR for c in classes]
    maps.add_choropleth(fmap, gpd.GeoDataFrame(frame, geometry="geometry"), colours, "label")
    return fmap, breaks, shape_year


def districts_of(ags: list[str]) -> list[str]:
    """District keys (first five digits) of the selected municipalities, in order."""
    return list(dict.fromkeys(a[:5] for a in ags))


def district_names(district_age: pd.DataFrame, keys: list[str]) -> list[str]:
    """Names of districts as published in the age table."""
    names = district_age.drop_duplicates("district_key").set_index("district_key")["district_name"]
    return [str(names.get(k, k)) for k in keys]


def dependency_table(ratios: pd.DataFrame, keys: list[str], short: bool) -> pd.DataFrame:
    """Youth and old-age ratio of the districts `keys` under German headers; `short` ones
    for presenter mode (the full column names would not fit at 1280 px). Empty if none."""
    rows = ratios[ratios["district_key"].isin(keys)]
    return rows[["district_name", "youth_ratio", "old_age_ratio"]].rename(
        columns={
            "district_name": "Kreis",
            "youth_ratio": "Jugend" if short else "Jugendquotient",
            "old_age_ratio": "Alten" if short else "Altenquotient",
        }
    )
