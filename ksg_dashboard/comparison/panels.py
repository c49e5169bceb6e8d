"""Streamlit parts of the page "Vergleich": member selection with URL sync, chart, table,
downloads (the numbers come from ksg_dashboard.comparison.model)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd
import streamlit as st

from ksg_dashboard.app import cache as loaders
from ksg_dashboard.app import sidebar as filters
from ksg_dashboard.app import url_state
from ksg_dashboard.app import widgets as ui
from ksg_dashboard.comparison import model as cmp
from ksg_dashboard.comparison.charts import (
    build_member_map,
    make_index_chart,
    make_small_multiples,
)
from ksg_dashboard.core import territory
from ksg_dashboard.core.config import DEFAULT_BASE_YEAR, LAST_YEAR
from ksg_dashboard.core.export import csv_with_header_lines, xlsx_bytes
from ksg_dashboard.core.selection import query_values, selected_ags
from ksg_dashboard.maps import render_cache as map_cache

KEY_MEMBERS = "vergleich.members"  # canonical list (survives runs that do not draw the widget)
KEY_WIDGET = "vergleich.auswahl"
KEY_NOTES = "vergleich.notes"
KEY_COOPERATION = "vergleich.kooperation"
KEY_VIEW = "vergleich.darstellung"
KEY_CLICK = "vergleich.last_click"  # the map click already handled (its value repeats)
PAGE_PATH = "vergleich"
VIEWS = {"gesamt": "Ein Diagramm", "einzeln": "Einzelgrafiken"}
YEAR, BASE_YEAR = LAST_YEAR, DEFAULT_BASE_YEAR
SHORT_COLUMNS = {
    "einwohner": f"Einw. {LAST_YEAR}",
    "veraenderung_pct": f"± % seit {DEFAULT_BASE_YEAR}",
    "anteil_65_plus": "65+ % (2015)",
    "wanderungssaldo_je_1000": "Wand. ‰ (2015)",
}


# --- data (per-process caches; the frames are the app's shared ones) --------------------------


@st.cache_resource(show_spinner=False)
def load_data() -> cmp.ComparisonData:
    """The frames of a comparison (data problems surface as DataValidationError)."""
    return cmp.ComparisonData(
        population=loaders.load_population_2022(),
        register=loaders.load_municipalities(),
        age=loaders.load_municipal_age(),
        migration=loaders.load_migration(),
        regions_age=loaders.load_region_age(),
        regions_migration=loaders.load_region_migration(),
        natural=ui.load_quietly(loaders.load_natural_change, None),
        official_totals=ui.load_quietly(loaders.load_official_totals, None),
    )


@st.cache_resource(show_spinner=False)
def load_labels() -> dict[str, str]:
    """'Name (district)' of every comparable municipality, sorted by name."""
    data = load_data()
    return cmp.member_labels(data.population, data.register)


@st.cache_resource(show_spinner=False)
def _similar_table() -> pd.DataFrame:
    return cmp.municipal_indicators(load_data(), YEAR, BASE_YEAR)


@st.cache_resource(show_spinner=False, max_entries=64)
def comparison_frame(members: tuple[str, ...]) -> pd.DataFrame:
    """The comparison table of a member set (cached per set)."""
    return cmp.comparison_frame(load_data(), members, YEAR, BASE_YEAR, _similar_table())


@st.cache_resource(show_spinner=False, max_entries=64)
def _index_long(members: tuple[str, ...]) -> pd.DataFrame:
    return cmp.index_long(load_data(), members, BASE_YEAR)


# --- selection --------------------------------------------------------------------------------


def members() -> tuple[str, ...]:
    """The municipalities compared in this session."""
    return tuple(st.session_state.get(KEY_MEMBERS, ()))


def set_members(keys: Sequence[str], notes: Sequence[str] = ()) -> None:
    """Take over keys (at most 12, with a note on the rest) as the comparison."""
    labels = load_labels()
    known = [k for k in keys if k in labels]
    dropped = len(dict.fromkeys(keys)) - len(dict.fromkeys(known))
    limited = cmp.limit(known, labels)
    extra = list(notes) + limited.notes
    if dropped:
        extra.append(
            f"{dropped} Gebiete ohne Gemeinde im Gebietsstand 31.12.2022 (z. B. gemeindefreie "
            "Gebiete) wurden nicht übernommen."
        )
    st.session_state[KEY_MEMBERS] = limited.ags
    st.session_state[KEY_NOTES] = extra


def init_from_url() -> None:
    """On the page's first run in a session, read `vergleich=` (bounded, old keys resolved)."""
    if KEY_MEMBERS in st.session_state:
        return
    values = query_values(url_state.query_lists(), cmp.PARAM)
    labels = load_labels()
    parsed = cmp.parse_members(values, labels, load_data().register, labels)
    st.session_state[KEY_MEMBERS] = parsed.ags
    st.session_state[KEY_NOTES] = parsed.notes


def _from_widget() -> None:
    st.session_state[KEY_MEMBERS] = tuple(st.session_state.get(KEY_WIDGET) or ())
    st.session_state[KEY_NOTES] = []


def _take_cooperation(cooperations: Sequence[dict]) -> None:
    wanted = st.session_state.get(KEY_COOPERATION)
    chosen = next((c for c in cooperations if c["id"] == wanted), None)
    if chosen is not None:
        set_members(chosen["member_ags"], [f"Übernommen: Mitglieder von {chosen['short_name']}."])


def _take_sidebar(keys: Sequence[str], label: str) -> None:
    set_members(keys, [f"Übernommen: {label}."])


def take_example(cooperations: Sequence[dict]) -> None:
    """The one-click example of the empty state: the members of 'Region in Bewegung'."""
    st.session_state[KEY_COOPERATION] = cmp.EXAMPLE_COOPERATION
    _take_cooperation(cooperations)


def sidebar_scope(cooperations: list[dict], register: pd.DataFrame) -> tuple[list[str], str]:
    """AGS and a German description of the sidebar's current selection (own list, body…)."""
    selection = filters.current_selection()
    if selection.is_empty:
        return [], ""
    keys = selected_ags(selection, cooperations, register)
    by_id = {c["id"]: c for c in cooperations}
    if selection.ags:
        label = "Gemeinde der Seitenleiste"
    else:
        parts = [by_id[r]["short_name"] for r in selection.regions if r in by_id]
        parts += [f"Land {s}" for s in selection.states]
        label = "Auswahl der Seitenleiste (" + ", ".join(parts) + ")"
    return keys, label


def selector(cooperations: list[dict], curated: list[dict], register: pd.DataFrame) -> None:
    """Multiselect by name and the takeover buttons; writes `vergleich=` into the URL."""
    labels = load_labels()
    st.session_state[KEY_WIDGET] = [k for k in members() if k in labels]
    ui.labelled_choice(
        st.multiselect,
        f"Gemeinden vergleichen (bis zu {cmp.MAX_MEMBERS})",
        labels,
        key=KEY_WIDGET,
        max_selections=cmp.MAX_MEMBERS,
        on_change=_from_widget,
        placeholder="Name eingeben, z. B. Gröditz",
        help="Gemeinden im Gebietsstand 31.12.2022; in Klammern der Kreis.",
    )
    left, middle, right = st.columns([2.6, 2, 2], vertical_alignment="bottom")
    options = [c["id"] for c in curated]
    names = {c["id"]: c["short_name"] for c in curated}
    if options:
        left.selectbox("Kooperation", options, format_func=names.get, key=KEY_COOPERATION)
        middle.button(
            "Mitglieder übernehmen",
            key="vergleich.take_cooperation",
            on_click=_take_cooperation,
            args=(curated,),
            width="stretch",
        )
    keys, label = sidebar_scope(cooperations, register)
    right.button(
        f"Seitenleiste übernehmen ({len(keys)})" if keys else "Seitenleiste übernehmen",
        key="vergleich.take_sidebar",
        on_click=_take_sidebar,
        args=(keys, label),
        disabled=not keys,
        help="Übernimmt die Auswahl der Seitenleiste: Kooperation, Gemeindeverband, eigene "
        "hochgeladene Liste, Land oder Gemeinde (höchstens 12 Gemeinden).",
        width="stretch",
    )
    for note in st.session_state.get(KEY_NOTES, []):
        ui.note(note)
    url_state.write((cmp.PARAM,), cmp.to_query(members()))


def empty_state(curated: list[dict]) -> None:
    """A German hint and a one-click example."""
    st.info(
        "Noch keine Gemeinden gewählt. Namen oben eingeben, die Mitglieder einer Kooperation "
        "oder die Auswahl der Seitenleiste übernehmen – oder das Beispiel öffnen.",
        icon="ℹ️",
    )
    example = next((c for c in curated if c["id"] == cmp.EXAMPLE_COOPERATION), None)
    if example is not None:
        st.button(
            f"Beispiel: {example['short_name']} ({len(example['member_ags'])} Gemeinden) "
            "vergleichen",
            key="vergleich.example",
            on_click=take_example,
            args=(curated,),
            type="primary",
        )


# --- content ----------------------------------------------------------------------------------


def _sources_line(sources: Mapping) -> None:
    ui.sources_caption(dict(sources), cmp.SOURCE_IDS)


def chart(chosen: tuple[str, ...], sources: Mapping, presenter: bool) -> None:
    """Index chart (or small multiples) with reference date, territory and sources."""
    view = st.segmented_control(
        "Darstellung",
        list(VIEWS),
        format_func=VIEWS.get,
        key=KEY_VIEW,
        default="gesamt",
        label_visibility="collapsed",
    )
    long = _index_long(chosen)
    figure = (
        make_small_multiples(long, BASE_YEAR, presenter)
        if view == "einzeln"
        else make_index_chart(long, BASE_YEAR, presenter)
    )
    ui.chart(
        figure,
        presenter=presenter,
        config=ui.chart_config("vergleich_index"),
        key="vergleich.chart",
    )
    st.caption(
        f"Einwohner am 31.12. der Jahre 2010–{YEAR}, Index {BASE_YEAR} = 100; gestrichelt: "
        f"Deutschland. {territory.caption(territory.CONSISTENT)}. Werte bis 2011 vor dem "
        "Zensus 2011 nur eingeschränkt vergleichbar."
    )
    ui.sources_caption(dict(sources), ["population", "crosswalk", "official_totals"])


def short_table(frame: pd.DataFrame) -> None:
    """The few key figures next to the chart (the full table follows below)."""
    shown = cmp.display_table(frame, YEAR, BASE_YEAR).rename(
        columns={cmp.column_titles(YEAR, BASE_YEAR)["gebiet"]: "Gebiet"}
    )
    titles = cmp.column_titles(YEAR, BASE_YEAR)
    short = {titles[k]: label for k, label in SHORT_COLUMNS.items()}
    table = shown[["Gebiet", *short]].rename(columns=short)
    st.dataframe(
        table,
        hide_index=True,
        height=min(380, 35 * (len(table) + 1) + 3),
        column_config=ui.number_columns(table) | {"Gebiet": st.column_config.TextColumn(width=150)},
    )
    st.caption(
        f"Einwohner 31.12.{YEAR}; Veränderung der Einwohnerzahl {BASE_YEAR}–{YEAR} in %; "
        "Anteil 65 Jahre und älter am 31.12.2015 in %; Wanderungssaldo 2015 je 1.000 "
        "Einwohner. Gebietsstand 31.12.2022 (2015er Werte umgerechnet). Alle Indikatoren "
        "in der Tabelle darunter."
    )


def full_table(frame: pd.DataFrame, sources: Mapping) -> None:
    """Every indicator per member and reference row, with rule, dates, sources, downloads."""
    st.subheader("Alle Indikatoren im Vergleich")
    shown = cmp.display_table(frame, YEAR, BASE_YEAR)
    ui.table(shown.drop(columns=[cmp.column_titles()["schluessel"]]), max_height=520)
    groups = int((frame["art"] == cmp.KIND_SIMILAR).sum())
    st.caption(
        f"{cmp.SIMILAR_RULE} Hier {groups} Vergleichsgruppe(n); die Zahl der Gemeinden steht "
        "in der Zeile."
    )
    st.caption(
        f"Stand: Bevölkerung 31.12.{YEAR} und {BASE_YEAR} ({territory.caption('2022')}); "
        "Altersstruktur 31.12.2015, Wanderungen 2015 (umgerechnet auf den Gebietsstand "
        f"31.12.2022); natürliche Bewegung {cmp.NATURAL_YEAR} nur je Kreis, Land und "
        "Deutschland (Gebietsstand 2015), daher bei Gemeinden leer. Kreise und Länder: "
        "Summe ihrer Gemeinden (Länder und Deutschland 2015 aus den Tabellen der Quelle). "
        "Leere Zellen: keine Angabe."
    )
    _sources_line(sources)
    downloads(frame, sources)


def download_lines(sources: Mapping) -> list[str]:
    """'Quelle/Stand/Gebietsstand/Lizenz' lines for the CSV header."""
    table = cmp.provenance(sources)
    dates = zip(table["Inhalt"], table["Stand"], strict=True)
    return [
        "Quelle: " + " · ".join(table["Quelle"]),
        "Stand: " + " · ".join(f"{a}: {b}" for a, b in dates),
        "Gebietsstand: " + territory.MODES[territory.CONSISTENT] + " (Vorgänger aufsummiert)",
        "Lizenz: " + " · ".join(dict.fromkeys(table["Lizenz"])),
    ]


def downloads(frame: pd.DataFrame, sources: Mapping) -> None:
    """CSV with header lines and an Excel file with a 'Quellen' sheet, generated only when
    clicked (not on every rerun)."""
    table = cmp.display_table(frame, YEAR, BASE_YEAR)
    name = f"ksg_vergleich_{len(members())}_gemeinden_{YEAR}"
    left, right = st.columns(2)
    left.download_button(
        "CSV herunterladen",
        data=lambda: csv_with_header_lines(table, download_lines(sources)),
        file_name=f"{name}.csv",
        mime="text/csv",
        on_click="ignore",
        key="vergleich.csv",
        width="stretch",
    )
    right.download_button(
        "Excel herunterladen (.xlsx)",
        data=lambda: xlsx_bytes(table, cmp.provenance(sources)),
        file_name=f"{name}.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        on_click="ignore",
        key="vergleich.xlsx",
        width="stretch",
    )


def member_map(chosen: tuple[str, ...], sources: Mapping) -> None:
    """The members on a map; a click on a municipality of their districts adds or removes it."""
    labels = load_labels()
    view = ui.load_or_stop(
        lambda: map_cache.rendered(
            ("vergleich", chosen),
            lambda: build_member_map(
                loaders.load_packed_shapes("regional").districts_of(chosen),
                loaders.load_states(),
                chosen,
                labels,
            ),
        )
    )
    clicked = map_cache.show(
        view,
        key="vergleich.map",
        height=320,
        returned_objects=["last_active_drawing", "last_object_clicked"],
    )
    st.caption(
        "Farbig: verglichene Gemeinden (Farben wie im Diagramm); grau: weitere Gemeinden ihrer "
        "Kreise. Ein Klick fügt eine Gemeinde hinzu oder entfernt sie. Grenzen VG250 2016, "
        "Gebietsstand 31.12.2022."
    )
    ui.sources_caption(dict(sources), ["boundaries"])
    feature = (clicked or {}).get("last_active_drawing") or {}
    ags = (feature.get("properties") or {}).get("ags")
    signature = (view.digest, str((clicked or {}).get("last_object_clicked")), ags)
    if ags in labels and st.session_state.get(KEY_CLICK) != signature:
        st.session_state[KEY_CLICK] = signature
        result = cmp.toggle(members(), str(ags), labels)
        st.session_state[KEY_MEMBERS] = result.ags
        st.session_state[KEY_NOTES] = result.notes
        st.rerun()
