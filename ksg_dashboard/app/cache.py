"""Cached loaders the pages call: one read per server process, shared read-only across sessions."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import TypeVar

import folium
import geopandas as gpd
import pandas as pd
import streamlit as st

from ksg_dashboard.associations import model as associations
from ksg_dashboard.core import indicators, selection, territory
from ksg_dashboard.data import datastore
from ksg_dashboard.data.compact import compact
from ksg_dashboard.data.datastore import DetailLevel
from ksg_dashboard.data.packed_shapes import PackedShapes
from ksg_dashboard.demography import model as demography
from ksg_dashboard.demography import views as demography_views
from ksg_dashboard.demography.themes import model as daseinsvorsorge
from ksg_dashboard.demography.themes import views as daseinsvorsorge_views
from ksg_dashboard.overview import model as overview
from ksg_dashboard.programme import model as programme
from ksg_dashboard.tour import model as tour

T = TypeVar("T")

# Large frames are shared without copying (cache_resource); callers must not mutate them.


def _shared(read: Callable[[], T]) -> Callable[[], T]:
    """A reader of data/ run once per server process; its result is shared read-only."""
    return st.cache_resource(show_spinner=False)(read)


# Population per municipality and year.
load_population = _shared(datastore.read_population)


# Population per 2022 municipality and year, on the territory of 31.12.2022.
load_population_2022 = _shared(datastore.read_population_2022)


def load_population_for(mode: str) -> pd.DataFrame:
    """Population on the territory of 31.12.2022 (default) or as published ('jeweilig')."""
    return load_population() if mode == territory.PUBLISHED else load_population_2022()


# The register of territorial changes 2011–2022.
load_territorial_changes = _shared(datastore.read_territorial_changes)


@st.cache_resource(show_spinner=False)
def load_change_events() -> pd.DataFrame:
    """(ags22, year, kind, other) per territorial change. The crosswalk (146,000 rows, ~13 MB)
    is read for this only and not kept."""
    return territory.change_events(load_territorial_changes(), datastore.read_crosswalk())


# Official state and Germany totals (12411-0018).
load_official_totals = _shared(datastore.read_official_totals)


# Register of all municipalities 2010–2022 (latest name, keys, centre).
load_municipalities = _shared(datastore.read_municipalities)


@st.cache_resource(show_spinner=False)
def load_known_ags() -> frozenset[str]:
    """Every AGS of the register, for checking URL values without scanning the frame per run."""
    return frozenset(load_municipalities()["ags"])


@st.cache_resource(show_spinner=False)
def load_packed_shapes(level: DetailLevel = "overview") -> PackedShapes:
    """Municipality polygons at a level of detail, kept as WKB (`select`/`in_view` decode the
    rows a map draws; ~18 MB instead of ~50–75 MB decoded for both levels)."""
    return PackedShapes.from_frame(datastore.read_municipality_shapes(level))


def load_municipality_shapes(level: DetailLevel = "overview") -> gpd.GeoDataFrame:
    """Every municipality polygon at a level of detail, freshly decoded (0.03 s coarse, 0.13 s
    regional): for map builders that run on a cache miss and drop the frame afterwards."""
    return load_packed_shapes(level).frame()


# District outlines.
load_districts = _shared(datastore.read_districts)


# State outlines.
load_states = _shared(datastore.read_states)


# District age structure 2015–2020.
load_district_age = _shared(datastore.read_district_age)


# Dependency ratios per district 2018.
load_dependency_ratios = _shared(datastore.read_dependency_ratios)


@st.cache_resource(show_spinner=False)
def load_successors() -> dict[str, str]:
    """Historic AGS → 2022 successor."""
    return territory.successor_map(load_municipalities())


@st.cache_resource(show_spinner=False)
def load_cooperations() -> list[dict]:
    """The workshop's cooperations, members resolved to the 2022 territory."""
    return territory.resolve_members(datastore.read_cooperations(), load_successors())


@st.cache_resource(show_spinner=False)
def load_measures() -> list[dict]:
    """Programme measures (practice examples), members resolved to the 2022 territory."""
    return territory.resolve_members(datastore.read_measures(), load_successors())


# Source and licence records by dataset id.
load_sources = _shared(datastore.read_sources)


@st.cache_resource(show_spinner=False)
def load_latest_population() -> pd.DataFrame:
    """Latest population value per AGS (ags, year, population)."""
    return indicators.latest_population(load_population())


@st.cache_resource(show_spinner=False)
def load_municipality_names() -> dict[str, str]:
    """Name per AGS from the register (shared read-only; ~50 ms to build, the overview's
    details panel needed it twice per run)."""
    return load_municipalities().set_index("ags")["name"].to_dict()


@st.cache_resource(show_spinner=False)
def load_unincorporated_ags() -> frozenset[str]:
    """AGS of the unincorporated areas in the register, by each key's first row (shared
    read-only; the sidebar counted them on the whole register in every run, ~12 ms)."""
    first = load_municipalities().drop_duplicates("ags")
    return frozenset(first.loc[territory.is_unincorporated(first["type"]), "ags"])


@st.cache_resource(show_spinner=False)
def load_municipality_labels() -> dict[str, str]:
    """Search labels 'Name (AGS)' for the municipality picker."""
    return selection.municipality_labels(load_municipalities())


@st.cache_resource(show_spinner=False)
def load_association_data() -> associations.AssociationData:
    """Gemeindeverbände per year with their members."""
    bodies, members = datastore.read_associations()
    known = load_population()[["year", "ags"]]
    return associations.AssociationData(bodies=bodies, members=members, known=known)


# Outlines of the Gemeindeverbände.
load_association_outlines = _shared(datastore.read_association_outlines)


@st.cache_resource(show_spinner=False)
def load_overview_data(mode: str = territory.DEFAULT_MODE) -> overview.OverviewData:
    """All frames the overview map and details panel use (population on the given territory)."""
    return overview.OverviewData(
        shapes=load_packed_shapes("regional"),
        shapes_overview=load_packed_shapes("overview"),
        states=load_states(),
        districts=load_districts(),
        register=load_municipalities(),
        population=load_population_for(mode),
        latest=load_latest_population(),
        cooperations=load_cooperations(),
        measures=load_measures(),
    )


# Encoded Germany-wide municipality layer: AGS order and JSON payload.
load_web_layer = _shared(datastore.read_web_layer)


# One table is ~11,000 rows x ~15 columns (~2 MB); 32 (year, base year, mode) keys: ~60 MB.
@st.cache_resource(show_spinner=False, max_entries=32)
def load_municipality_table(
    year: int, base_year: int, mode: str = territory.DEFAULT_MODE
) -> pd.DataFrame:
    """All municipalities of a year with every indicator (shared read-only); in the published
    mode with a column `flag` for values that span a territorial change."""
    table = demography.municipality_table(load_population_for(mode), year, base_year)
    table["flag"] = table["flag_level"] = ""
    if mode == territory.PUBLISHED:
        events = load_change_events()
        spans = territory.flags(events, table["ags"], year, base_year)
        later = territory.flags(events, table["ags"], year, None)
        # A lookup with a default keeps the column text even when no value spans a change.
        table["flag"] = table["ags"].map(lambda code: spans.get(code, ""))
        table["flag_level"] = table["ags"].map(lambda code: later.get(code, ""))
    return table


def load_overview_map(
    regions: tuple[str, ...],
    ags: str | None,
    states: tuple[str, ...],
    custom: tuple[str, ...],
    online_tiles: bool,
    associations_layer: bool = False,
    presenter: bool = False,
) -> tuple[folium.Map, list[tuple[str, str]]]:
    """A new overview map for a selection and its legend (building takes ~0.4 s).

    Not cached as an object: the pages cache the rendered output (`map_cache`, bounded in
    bytes), which is all a repeated view needs; a folium map holds its GeoJSON as Python
    objects, several times the size of the rendered text. Own lists stay cheap because
    regions with more than overview.MAX_DRAWN_MEMBERS members are drawn as one outline.
    """
    data = load_overview_data()
    cooperations = data.cooperations
    if custom:
        cooperations = [*cooperations, selection.custom_cooperation(custom)]
    for region in regions:
        key = selection.association_key_of(region)
        record = associations.as_cooperation(load_association_data(), key) if key else None
        if record:
            cooperations = [*cooperations, record]
    data = replace(data, cooperations=cooperations)
    chosen = selection.Selection(regions=regions, ags=ags, states=states, custom=custom)
    keys = selection.selected_ags(chosen, data.cooperations, data.register)
    layer = None
    if associations_layer:
        layer = (load_association_outlines(), load_association_data().bodies)
    return overview.build_view(
        data, chosen, keys, online_tiles=online_tiles, associations=layer, presenter=presenter
    )


# Tables of a few dozen rows (at most the 300 AGS of an upload): 256 entries stay below ~10 MB.
@st.cache_resource(show_spinner=False, max_entries=256)
def load_member_table(ags: tuple[str, ...], mode: str = territory.DEFAULT_MODE) -> pd.DataFrame:
    """Population table of a set of municipalities (shared read-only; ~40 ms to compute)."""
    return overview.member_table(load_overview_data(mode), list(ags))


@st.cache_resource(show_spinner=False, max_entries=256)
def load_area_jumps(ags: tuple[str, ...], mode: str = territory.PUBLISHED) -> pd.DataFrame:
    """Mergers/splits in the area series of these municipalities (shared read-only)."""
    population = load_population_for(mode)
    return indicators.territorial_changes(population[population["ags"].isin(ags)])


# A Headline is a few numbers (Streamlit keys the entry by a hash of the arguments, not by
# the tuple itself): 256 entries stay well below 1 MB. A miss costs ~0.1 s (filters of the
# 145,000-row population table), which every overview run paid before.
@st.cache_resource(show_spinner=False, max_entries=256)
def load_headline(
    mode: str, ags: tuple[str, ...], everything: bool, _selection: selection.Selection
) -> indicators.Headline:
    """`overview.headline_for` on the process-wide frames of `mode`; it reads only the
    population and `_selection.is_empty` (= `everything`, part of the key; `_selection` is not)."""
    return overview.headline_for(load_overview_data(mode), _selection, list(ags))


# The tour (data/tour.yaml).
load_tour = _shared(datastore.read_tour)


@st.cache_resource(show_spinner=False)
def load_tour_data(mode: str = territory.DEFAULT_MODE) -> tour.TourData:
    """The tour with its schedule, map layers and key figures (on the given territory)."""
    return tour.build_tour_data(
        load_tour(),
        load_cooperations(),
        load_municipality_shapes("regional"),
        load_latest_population(),
        load_population_for(mode),
        load_states(),
        load_districts(),
    )


@st.cache_resource(show_spinner=False)
def load_programme() -> dict:
    """The workshop programme (days, items, guiding questions, theme tables)."""
    return programme.read_programme()


def overview_map(
    selection_now: selection.Selection, online_tiles: bool, associations_layer: bool = False
) -> tuple[folium.Map, list[tuple[str, str]]]:
    """A new overview map for the selection and its legend (render it once; see `map_cache`);
    labels are larger in presenter mode."""
    return load_overview_map(
        selection_now.regions,
        selection_now.ags,
        selection_now.states,
        selection_now.custom,
        online_tiles,
        associations_layer,
        selection_now.presenter,
    )


def load_germany_map(
    indicator_key: str, year: int, base_year: int, mode: str = territory.DEFAULT_MODE
) -> tuple[folium.Map, list]:
    """A new Germany-wide municipality map for one indicator (building takes ~0.6 s)."""
    table = load_municipality_table(year, base_year, mode)
    return _germany_map(table, demography.INDICATORS[indicator_key])


def _germany_map(table: pd.DataFrame, indicator) -> tuple[folium.Map, list]:
    """The encoded Germany-wide layer coloured by one indicator of `table` (per AGS)."""
    layer_ags, layer_json = load_web_layer()
    return demography_views.germany_map(
        layer_ags, layer_json, load_states(), table, load_municipality_names(), indicator
    )


def germany_map(
    indicator_key: str, year: int, base_year: int, mode: str = territory.DEFAULT_MODE
) -> tuple[folium.Map, list]:
    """A new Germany-wide map and its class breaks (render it once; see `map_cache`)."""
    return load_germany_map(indicator_key, year, base_year, mode)


# --- Daseinsvorsorge themes (regional statistics 2015, natural change 1995–2015) -------------


# Columns of the two 2015 tables that no page reads: a footnote text and a level repeated on
# each of ~600,000 / ~460,000 rows (~49 MB of the ~163 MB the two frames hold in memory).
_UNREAD_2015_COLUMNS = ("territorial_note", "level")
# Labels repeated on every row (the AGS too) as categories, counters in the smallest integer
# type that holds them: the two frames take 10 + 8 MB instead of 62 + 52 MB (02.12.2026).
_2015_CATEGORIES = ("ags", "sex", "age_group", "direction")
_2015_SMALL_INTS = ("age_order", "age_from", "age_to", "predecessors", "population", "moves")


def _compact_2015(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.drop(columns=list(_UNREAD_2015_COLUMNS), errors="ignore")
    return compact(frame, _2015_CATEGORIES, _2015_SMALL_INTS)


@st.cache_resource(show_spinner=False)
def load_municipal_age() -> pd.DataFrame:
    """Population by sex and 17 age groups, 31.12.2015, per municipality of 31.12.2022."""
    return _compact_2015(datastore.read_age_2015_territory())


@st.cache_resource(show_spinner=False)
def load_migration() -> pd.DataFrame:
    """Moves across the municipal border per sex and age group, 2015, per municipality of
    31.12.2022 (moves between merged predecessors stay counted: they crossed a border then)."""
    return _compact_2015(datastore.read_migration_2015_territory())


# A few hundred bytes of values per entry (the key: at most the 300 AGS of an own list, ~20 kB),
# so 256 entries stay below ~6 MB. Each miss filters the two 2015 tables (~0.3 s of CPU and
# ~100 MB of short-lived copies): the overview showed these figures on every run.
@st.cache_resource(show_spinner=False, max_entries=256)
def load_key_figure_values(ags: tuple[str, ...]) -> dict:
    """Age and migration key figures (2015) of a set of municipalities (shared read-only)."""
    age, migration = load_municipal_age(), load_migration()
    return {
        **daseinsvorsorge_views.age_values(daseinsvorsorge.age_profile(age, ags)),
        **daseinsvorsorge_views.migration_values(
            daseinsvorsorge.migration_profile(migration, age, ags)
        ),
    }


# The same age table for the states and Germany (keys "01"…"16", "DG").
load_region_age = _shared(datastore.read_region_age_2015)


# The same migration table for the states and Germany.
load_region_migration = _shared(datastore.read_region_migration_2015)


# Footnotes and territorial-status notes of the 2015 regional tables.
load_regional_stats_notes = _shared(datastore.read_regional_stats_notes)


# Births, deaths and balance per district, state and Germany, 1995–2015.
load_natural_change = _shared(datastore.read_natural_change)


@st.cache_resource(show_spinner=False)
def load_dv_table() -> pd.DataFrame:
    """Every age and migration indicator per municipality (shared read-only)."""
    return daseinsvorsorge_views.municipal_table(load_municipal_age(), load_migration())


def dv_germany_map(key: str) -> tuple[folium.Map, list]:
    """A new Germany-wide map of a 2015 indicator (render it once; see `map_cache`)."""
    return _germany_map(load_dv_table(), daseinsvorsorge_views.indicator(key))


def district_map(key: str, year: int, focus: tuple[str, ...]) -> tuple[folium.Map, list]:
    """A new district map of a natural-change indicator (render it once; see `map_cache`)."""
    table = daseinsvorsorge_views.natural_table(load_natural_change(), year)
    return daseinsvorsorge_views.district_map(load_districts(), load_states(), table, key, focus)


def association_map(indicator_key: str, year: int, base_year: int) -> tuple[folium.Map, tuple]:
    """A new Germany-wide map of the Gemeindeverbände for one indicator, with (class breaks,
    year of the outlines) beside it (render it once; see `map_cache`)."""
    data = load_association_data()
    table = associations.indicator_table(data, load_population(), year, base_year)
    fmap, breaks, shape_year = demography_views.association_map(
        load_association_outlines(),
        load_states(),
        table,
        demography.INDICATORS[indicator_key],
        year,
    )
    return fmap, (breaks, shape_year)
