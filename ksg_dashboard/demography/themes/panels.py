"""Streamlit parts of the demographics page's Daseinsvorsorge themes: Altersstruktur,
Wanderungen and Natürliche Bewegung (controls with URL sync, chart, map, comparison, ranking)."""

from __future__ import annotations

import html
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import pandas as pd
import streamlit as st

from ksg_dashboard.app import cache as loaders
from ksg_dashboard.app import url_state
from ksg_dashboard.app import widgets as ui
from ksg_dashboard.charts.figures import make_pyramid
from ksg_dashboard.core import export, numbers, palette, territory
from ksg_dashboard.core.config import STATE_NAMES
from ksg_dashboard.core.indicator_catalogue import BY_KEY, THEMES, entry_href, in_theme, theme_of
from ksg_dashboard.core.selection import Selection
from ksg_dashboard.core.validation import DataValidationError
from ksg_dashboard.demography import views as demography_views
from ksg_dashboard.demography.panels import district_age_section, map_height
from ksg_dashboard.demography.themes import model as dv
from ksg_dashboard.demography.themes import views
from ksg_dashboard.demography.themes.charts import make_migration_chart, make_natural_chart
from ksg_dashboard.maps import render_cache as map_cache

THEME_PARAM = "bereich"
DEFAULT_THEME = "bevoelkerung"
KEY_THEME = "demografie.bereich"
KEY_NOTES = "demografie.bereich_notes"
DEFAULT_INDICATOR = {
    "altersstruktur": "anteil_65_plus",
    "wanderungen": "wanderungssaldo_je_1000",
    "natuerliche_bewegung": "natuerlicher_saldo_je_1000",
}
RATE_YEARS = (2010, 2015)
VIEWS = {"auswahl": "Auswahl", "deutschland": "Deutschland"}


@dataclass(frozen=True)
class Scope:
    """What the selection compares: labelled sets of AGS, their states, the districts."""

    units: tuple[tuple[str, tuple[str, ...]], ...]  # (label, member AGS) per selected unit
    ags: tuple[str, ...]  # all selected AGS (for maps and rankings)
    states: tuple[str, ...]
    # (label, colour) of each selected region: its colour on the maps (see palette)
    colours: tuple[tuple[str, str], ...] = ()

    @property
    def districts(self) -> tuple[str, ...]:
        """Natural-change region keys of the districts the selection lies in."""
        return tuple(dict.fromkeys(dv.district_key_for(a) for a in self.ags))


@dataclass(frozen=True)
class MunicipalTheme:
    """What the two municipal 2015 themes (age, migration) draw from besides their own tables."""

    table: pd.DataFrame  # one row per 2022 municipality with every 2015 indicator
    scope: Scope
    names: Mapping[str, str]
    presenter: bool
    sources: Mapping
    shapes_loader: Callable[[], pd.DataFrame]  # the scope's regional polygons, read only for a map
    states: pd.DataFrame


def scope(
    selection: Selection, cooperations: Sequence[dict], names: Mapping[str, str], ags: list[str]
) -> Scope:
    """The units to compare: the whole selection first when it has several parts or states
    (its union, every municipality once: `ags`), then each cooperation and the municipality.
    The states themselves follow as reference rows from the source's state totals."""
    by_id = {c["id"]: c for c in cooperations}
    units: list[tuple[str, tuple[str, ...]]] = []
    for region in selection.regions:
        if region in by_id:
            units.append((by_id[region]["short_name"], tuple(by_id[region]["member_ags"])))
    if selection.ags:
        units.append((str(names.get(selection.ags, selection.ags)), (selection.ags,)))
    if ags and (len(units) + len(selection.states) > 1 or selection.states):
        units.insert(0, ("Auswahl zusammen", tuple(ags)))
    states = tuple(dict.fromkeys([*selection.states, *(a[:2] for a in ags)]))
    colours = palette.region_colours(r for r in selection.regions if r in by_id)
    labelled = tuple((by_id[r]["short_name"], c) for r, c in colours.items())
    return Scope(tuple(units), tuple(ags), states, () if selection.ags else labelled)


# --- theme and URL ----------------------------------------------------------------------------


def theme_from_url(query: Mapping[str, str]) -> tuple[str, list[str]]:
    """The theme from `bereich`, else from the indicator's theme; bad values give a note."""
    notes = []
    value = (query.get(THEME_PARAM) or "").strip()
    if value in THEMES:
        return value, notes
    if value:
        notes.append("Der Themenbereich im Link ist unbekannt; gezeigt wird „Bevölkerung“.")
    return theme_of(query.get("indikator") or "") or DEFAULT_THEME, notes


def init_theme() -> str:
    """On the page's first run, take the theme from the URL; afterwards from the widget."""
    if KEY_THEME not in st.session_state:
        theme, notes = theme_from_url(url_state.page_query())
        st.session_state[KEY_THEME] = theme
        st.session_state[KEY_NOTES] = notes
    return st.session_state[KEY_THEME] or DEFAULT_THEME


def _theme_changed() -> None:
    """A new theme starts with its default indicator (the URL's indicator belongs to the old)."""
    theme = st.session_state.get(KEY_THEME) or DEFAULT_THEME
    st.session_state[KEY_THEME] = theme
    url_state.drop(("indikator", "jahr", "basis", "ansicht"))
    st.session_state.pop("demografie.indikator", None)


def theme_selector() -> str:
    """The four themes as a segmented control (the page's first line under the title)."""
    theme = init_theme()
    st.segmented_control(
        "Themenbereich",
        list(THEMES),
        format_func=THEMES.get,
        key=KEY_THEME,
        on_change=_theme_changed,
        label_visibility="collapsed",
    )
    for note in st.session_state.get(KEY_NOTES, []):
        st.info(note, icon="ℹ️")
    return st.session_state.get(KEY_THEME) or theme


def _indicator_control(theme: str, column) -> str:
    """Indicator selectbox of a theme, initialised from the URL's `indikator`."""
    key = f"demografie.{theme}.indikator"
    keys = [d.key for d in in_theme(theme)]
    if key not in st.session_state:
        wanted = url_state.page_query().get("indikator")
        st.session_state[key] = wanted if wanted in keys else DEFAULT_INDICATOR[theme]
    return column.selectbox("Indikator", keys, format_func=lambda k: BY_KEY[k].title, key=key)


def _view_control(column, labels: Mapping[str, str]) -> str:
    key = "demografie.dv.ansicht"
    if key not in st.session_state:
        wanted = url_state.page_query().get("ansicht")
        st.session_state[key] = wanted if wanted in labels else "auswahl"
    return column.radio("Karte", list(labels), format_func=labels.get, key=key, horizontal=True)


def _sync_url(theme: str, indicator: str, view: str, year: int | None = None) -> None:
    wanted = {THEME_PARAM: theme}
    if indicator != DEFAULT_INDICATOR[theme]:
        wanted["indikator"] = indicator
    if view != "auswahl":
        wanted["ansicht"] = view
    if year is not None and year != RATE_YEARS[1]:
        wanted["jahr"] = str(year)
    url_state.write((THEME_PARAM, "indikator", "jahr", "basis", "ansicht"), wanted)


def status_notes(scope_: Scope, table: str) -> None:
    """Marks states of the selection whose figures stand on another territorial status."""
    try:
        notes = loaders.load_regional_stats_notes()["territorial_status_2015"][table]
    except (DataValidationError, KeyError):  # notes are an addition: the figures still stand
        return
    for state in scope_.states:
        if state in notes:
            st.caption(f"⚑ Gebietsstand in der Quelle: {notes[state]}.")


def caption(key: str, date: str, extra: str = "") -> None:
    """Reference date, definition link and note under a chart or map."""
    doc = BY_KEY[key]
    st.caption(
        f"{doc.title}, {date}. {extra} [Definition und Quelle]({entry_href(key)})".replace(
            "  ", " "
        )
    )


# --- maps --------------------------------------------------------------------------------------


def _municipal_map(theme: MunicipalTheme, key: str, view: str, source_ids: Sequence[str]) -> None:
    scope_ = theme.scope
    indicator = views.indicator(key)
    if view == "deutschland":
        rendered = map_cache.rendered(
            ("dv", "deutschland", key), lambda: loaders.dv_germany_map(key)
        )
    elif scope_.ags:
        rendered = map_cache.rendered(
            ("dv", "auswahl", key, scope_.ags),
            lambda: demography_views.selection_map(
                theme.shapes_loader(), theme.states, theme.table, list(scope_.ags), indicator
            ),
        )
    else:
        st.info(
            "Für die Karte eine Kooperation, ein Land oder eine Gemeinde wählen – oder "
            "„Deutschland“.",
            icon="🗺️",
        )
        return
    map_cache.show(rendered, key="demografie.dvmap", height=map_height(theme.presenter))
    ui.legend(demography_views.legend_items(rendered.extra, indicator))
    ui.sources_caption(theme.sources, ["boundaries", *source_ids])


def _ranking(theme: MunicipalTheme, key: str, ids: Sequence[str]) -> None:
    sources = theme.sources
    st.subheader("Gemeinden im Vergleich")
    shown = demography_views.ranking(
        theme.table.rename(columns={"einwohner_2015": "einwohner"}),
        list(theme.scope.ags),
        views.indicator(key),
        theme.names,
    ).rename(columns={"Einwohner": "Einwohner 2015"})
    ui.table(shown, max_height=360)
    st.download_button(
        "CSV herunterladen",
        data=lambda: export.csv_bytes(
            shown,
            header=export.download_header(sources, ids, territory.MODES[territory.CONSISTENT]),
        ),
        file_name=f"ksg_{key}_2015.csv",
        mime="text/csv",
        on_click="ignore",
        key=f"demografie.dv.csv.{key}",
    )
    ui.sources_caption(sources, ids)


# --- themes ------------------------------------------------------------------------------------


def _comparison_and_ranking(
    theme: MunicipalTheme, key: str, ids: Sequence[str], title: str, rows: pd.DataFrame
) -> None:
    """The comparison table of a 2015 theme with its status notes, then the ranking."""
    st.markdown(title)
    ui.table(rows)
    status_notes(theme.scope, ids[0])
    ui.sources_caption(theme.sources, ids)
    _ranking(theme, key, ids)


def _reference_rows(scope_: Scope) -> list[tuple[str, tuple[str, ...]]]:
    """States of the selection and Germany, keyed as in the region frames."""
    return [(STATE_NAMES.get(s, s), (s,)) for s in scope_.states] + [("Deutschland", ("DG",))]


def _municipal_controls(theme: str) -> tuple[str, str]:
    """Indicator and map view of a municipal 2015 theme, mirrored into the URL."""
    controls = st.columns([3, 2])
    key = _indicator_control(theme, controls[0])
    view = _view_control(controls[1], VIEWS)
    _sync_url(theme, key, view)
    return key, view


def age_theme(theme: MunicipalTheme, age: pd.DataFrame, regions_age: pd.DataFrame) -> str:
    """Age structure 2015: pyramid of the selection, map, comparison table, ranking."""
    scope_, presenter = theme.scope, theme.presenter
    key, view = _municipal_controls("altersstruktur")
    ids = ["municipal_age_2015"]
    left, right = st.columns(2, gap="medium")
    with left:
        label, members = scope_.units[0] if scope_.units else ("Deutschland", ("DG",))
        frame = regions_age if members == ("DG",) else age
        table_py, missing = dv.pyramid(frame, members)
        st.markdown(f"**Altersaufbau {label}** · Stichtag 31.12.2015")
        if missing:
            st.info(
                f"Für {numbers.municipality_count(len(missing))} der Auswahl enthält die Quelle "
                "keine "
                "Altersangaben („-“); der Altersaufbau wird nicht aus einem Teil berechnet.",
                icon="ℹ️",
            )
        else:
            ui.chart(
                make_pyramid(_pyramid_long(table_py), large=presenter),
                presenter=presenter,
                config=ui.chart_config("altersaufbau_2015"),
                key="demografie.dv.pyramid",
            )
        caption(
            key,
            "Stichtag 31.12.2015",
            "Werte von 2015, nicht der heutige Stand. Die Altersgruppen der Quelle sind "
            "unterschiedlich breit (2 bis 10 Jahre).",
        )
    with right:
        _municipal_map(theme, key, view, ids)
        caption(key, "Stichtag 31.12.2015", "Gemeinden im Gebietsstand 31.12.2022.")
    rows = [(label, views.age_values(dv.age_profile(age, m))) for label, m in scope_.units]
    rows += [
        (label, views.age_values(dv.age_profile(regions_age, m)))
        for label, m in _reference_rows(scope_)
    ]
    _comparison_and_ranking(
        theme,
        key,
        ids,
        "**Altersstruktur im Vergleich** (31.12.2015)",
        views.comparison_rows(rows, views.AGE_KEYS),
    )
    return key


def _pyramid_long(table: pd.DataFrame) -> pd.DataFrame:
    """The pyramid table (male/female columns) in the long form make_pyramid draws."""
    long = table.melt(
        id_vars=["age_order", "age_group"],
        value_vars=["male", "female"],
        var_name="sex",
        value_name="population",
    )
    long["sex"] = long["sex"].map({"male": "männlich", "female": "weiblich"})
    return long


def migration_theme(
    theme: MunicipalTheme,
    migration: pd.DataFrame,
    age: pd.DataFrame,
    regions_migration: pd.DataFrame,
    regions_age: pd.DataFrame,
) -> str:
    """Migration 2015: net migration by age group, map, comparison table, ranking."""
    scope_, presenter = theme.scope, theme.presenter
    key, view = _municipal_controls("wanderungen")
    ids = ["migration_2015", "municipal_age_2015"]
    profiles = [(label, dv.migration_profile(migration, age, m)) for label, m in scope_.units]
    profiles += [
        (label, dv.migration_profile(regions_migration, regions_age, m))
        for label, m in _reference_rows(scope_)
    ]
    left, right = st.columns(2, gap="medium")
    with left:
        st.markdown("**Wanderungssaldo nach Alter** · 2015, je 1.000 Einwohner der Altersgruppe")
        ui.chart(
            make_migration_chart(
                views.migration_chart_frame(profiles),
                large=presenter,
                region_colours=dict(scope_.colours),
            ),
            presenter=presenter,
            config=ui.chart_config("wanderungssaldo_nach_alter_2015"),
            key="demografie.dv.migration",
        )
        unknown = [label for label, p in profiles if p.missing]
        if unknown:
            st.caption(
                "Keine Angabe für " + ", ".join(unknown) + ": die Quelle enthält für Mitglieder "
                "keine Werte („-“)."
            )
        caption(key, "Jahr 2015", "Werte von 2015, nicht der heutige Stand.")
    with right:
        _municipal_map(theme, key, view, ids)
        caption(key, "Jahr 2015", "Gemeinden im Gebietsstand 31.12.2022.")
    rows = [(label, views.migration_values(p)) for label, p in profiles]
    _comparison_and_ranking(
        theme,
        key,
        ids,
        "**Wanderungen im Vergleich** (2015)",
        views.comparison_rows(rows, views.MIGRATION_KEYS),
    )
    return key


def natural_theme(
    natural: pd.DataFrame,
    scope_: Scope,
    district_names: Mapping[str, str],
    presenter: bool,
    sources: Mapping,
    district_map_builder,
) -> str:
    """Natural change 1995–2015 per district: time series and district map."""
    controls = st.columns([3, 2])
    key = _indicator_control("natuerliche_bewegung", controls[0])
    rate = key.endswith("_je_1000")
    first = RATE_YEARS[0] if rate else 1995
    year_key = "demografie.dv.jahr"
    if year_key not in st.session_state:
        wanted = url_state.page_query().get("jahr") or ""
        st.session_state[year_key] = (
            int(wanted) if wanted.isdigit() and first <= int(wanted) <= 2015 else 2015
        )
    if st.session_state[year_key] < first:
        st.session_state[year_key] = 2015
    year = controls[1].select_slider(
        "Jahr der Karte", options=list(range(first, 2016)), key=year_key
    )
    _sync_url("natuerliche_bewegung", key, "auswahl", year)
    ids = ["natural_change", *(["population"] if rate else [])]
    regions = [(district_names.get(d, d), d) for d in scope_.districts]
    regions += [(STATE_NAMES.get(s, s), s) for s in scope_.states] + [("Deutschland", "DG")]
    long = views.natural_long(natural, regions, key)
    if rate:
        long = long[long["year"] >= RATE_YEARS[0]]
    left, right = st.columns(2, gap="medium")
    with left:
        st.markdown(f"**{BY_KEY[key].title}** · Kreise der Auswahl, Länder, Deutschland")
        ui.chart(
            make_natural_chart(long, BY_KEY[key].unit, large=presenter, year=year),
            presenter=presenter,
            config=ui.chart_config(key),
            key="demografie.dv.natural",
        )
        if scope_.ags:
            st.caption(
                "Geburten und Sterbefälle gibt es nur je Kreis: gezeigt werden die Kreise, in "
                "denen die Auswahl liegt."
            )
        caption(key, f"{first}–2015")
    with right:
        rendered = map_cache.rendered(
            ("dv", "kreise", key, year, scope_.districts),
            lambda: district_map_builder(key, year, scope_.districts),
        )
        map_cache.show(rendered, key="demografie.dvnatmap", height=map_height(presenter))
        ui.legend(demography_views.legend_items(rendered.extra, views.indicator(key)))
        caption(key, f"Jahr {year}", "Kreise im jeweiligen Gebietsstand.")
        ui.sources_caption(sources, ["boundaries", *ids])
    return key


def render_theme(
    theme: str,
    selection: Selection,
    cooperations: Sequence[dict],
    names: Mapping[str, str],
    ags: list[str],
    sources: Mapping,
) -> None:
    """Draw one of the three Daseinsvorsorge themes for the selection; the age theme adds the
    district age structure and dependency ratios."""
    scope_ = scope(selection, cooperations, names, ags)
    states = ui.load_or_stop(loaders.load_states)
    if theme == "natuerliche_bewegung":
        natural = ui.load_or_stop(loaders.load_natural_change)
        district_names = (
            natural.drop_duplicates("region_key").set_index("region_key")["name"].to_dict()
        )
        natural_theme(
            natural,
            scope_,
            {k: str(v).strip() for k, v in district_names.items()},
            selection.presenter,
            sources,
            loaders.district_map,
        )
        return
    age = ui.load_or_stop(loaders.load_municipal_age)
    regions_age = ui.load_or_stop(loaders.load_region_age)

    def shapes():
        return ui.load_or_stop(lambda: loaders.load_packed_shapes("regional")).select(scope_.ags)

    municipal = MunicipalTheme(
        ui.load_or_stop(loaders.load_dv_table),
        scope_,
        names,
        selection.presenter,
        sources,
        shapes,
        states,
    )
    if theme == "altersstruktur":
        age_theme(municipal, age, regions_age)
        district_age_section(
            ui.load_or_stop(loaders.load_district_age),
            ui.load_or_stop(loaders.load_dependency_ratios),
            demography_views.districts_of(ags),
            selection.presenter,
            sources,
        )
        return
    migration_theme(
        municipal,
        ui.load_or_stop(loaders.load_migration),
        age,
        ui.load_or_stop(loaders.load_region_migration),
        regions_age,
    )


def key_figures(ags: Sequence[str], link_params: Mapping[str, str] | None = None) -> None:
    """Age and migration key figures (2015) of a set of municipalities, as one compact block
    with a link to the themes on the demographics page. Nothing is shown without data files."""
    if not ags:
        return
    try:
        values = loaders.load_key_figure_values(tuple(ags))
    except DataValidationError:  # a missing/broken file only removes this block
        st.caption("Kennzahlen 2015 zu Alter und Wanderung: Daten nicht verfügbar.")
        return
    items = views.key_figure_items(values)
    params = {"bereich": "altersstruktur", **(link_params or {})}
    query = "&".join(f"{k}={v}" for k, v in params.items())
    parts = " · ".join(f"{html.escape(label)} <b>{html.escape(text)}</b>" for label, text in items)
    st.html(
        '<div class="ksg-dv-figures" style="margin:.3rem 0 .4rem">'
        "<b>Alter und Wanderung</b> "
        '<span style="color:#55606b">(Stichtag 31.12.2015 bzw. Jahr 2015, nicht der heutige '
        f"Stand; Gebietsstand 31.12.2022)</span><br>{parts}<br>"
        f'<a href="/demografie?{html.escape(query)}" target="_self">Mehr unter Demografie → '
        "Altersstruktur und Wanderungen</a></div>"
    )
