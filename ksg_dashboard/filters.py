"""The shared sidebar filter: widgets, URL query-parameter sync and map-click selection."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
import streamlit as st

from ksg_dashboard import territory
from ksg_dashboard.config import STATE_NAMES
from ksg_dashboard.loaders import load_municipality_labels, load_successors
from ksg_dashboard.selection import (
    CUSTOM_ID,
    FILTER_PARAMS,
    MAX_CUSTOM_IN_URL,
    Selection,
    custom_cooperation,
    parse_query,
    permalink,
    search_municipalities,
    to_query,
)
from ksg_dashboard.upload import parse_upload

KEY_STATES = "filter.land"
KEY_REGIONS = "filter.region"
KEY_AGS = "filter.ags"
KEY_PRESENTER = "filter.presenter"
# The selection itself lives under its own key; widget keys only mirror it. Streamlit drops
# the state of widgets that a run does not draw, the canonical selection survives that.
KEY_SELECTION = "filter.selection"
KEY_SEARCH = "filter.search"
KEY_UPLOAD = "filter.upload"
KEY_UPLOAD_RESULT = "filter.upload_result"
KEY_NOTES = "filter.notes"
# Territorial status of all figures: canonical value and the sidebar widget's mirror.
KEY_TERRITORY = "filter.territory"
KEY_TERRITORY_WIDGET = "filter.territory_widget"


def _query_lists() -> dict[str, list[str]]:
    """Current query parameters with all values of repeated keys."""
    return {key: st.query_params.get_all(key) for key in st.query_params}


def init_from_url(cooperations: list[dict], register: pd.DataFrame | None) -> None:
    """On a session's first run, read the selection from the URL (bad values become notes)."""
    if KEY_SELECTION in st.session_state:
        return
    parsed = parse_query(
        _query_lists(),
        known_regions=[c["id"] for c in cooperations],
        known_ags=register["ags"] if register is not None else [],
        known_states=STATE_NAMES,
    )
    selection, notes = parsed.selection, list(parsed.notes)
    if register is not None:
        selection, notes = _resolve_old_keys(selection, register, notes)
    mode, note = territory.parse_mode(st.query_params.get(territory.PARAM))
    st.session_state[KEY_TERRITORY] = mode
    st.session_state[KEY_SELECTION] = selection
    st.session_state[KEY_NOTES] = notes + ([note] if note else [])


def _resolve_old_keys(
    selection: Selection, register: pd.DataFrame, notes: list[str]
) -> tuple[Selection, list[str]]:
    """Keys of former municipalities (old permalinks, own lists) become their 2022 successor."""
    if selection.ags:
        successor, note = territory.successor_note(selection.ags, register)
        if note:
            selection = replace(selection, ags=successor)
            notes.append(note)
    if selection.custom:
        successors = territory.successor_map(register)
        resolved = tuple(territory.resolve_keys(selection.custom, successors))
        if resolved != selection.custom:
            changed = sum(1 for key in selection.custom if key in successors)
            notes.append(
                f"Eigene Auswahl: {changed} frühere Gemeindeschlüssel auf die Nachfolgegemeinden "
                "(Gebietsstand 31.12.2022) umgestellt."
            )
            selection = replace(selection, custom=resolved)
    return selection, notes


def territory_mode() -> str:
    """The territorial status of this session: '2022' (default) or 'jeweilig'."""
    return st.session_state.get(KEY_TERRITORY, territory.DEFAULT_MODE)


def _territory_from_widget() -> None:
    st.session_state[KEY_TERRITORY] = st.session_state.get(
        KEY_TERRITORY_WIDGET, territory.DEFAULT_MODE
    )


def sync_territory_url() -> None:
    """`gebiet=jeweilig` in the URL; the default (2022) is left out so old links stay short."""
    mode = territory_mode()
    if mode == territory.DEFAULT_MODE:
        if territory.PARAM in st.query_params:
            del st.query_params[territory.PARAM]
    elif st.query_params.get(territory.PARAM) != mode:
        st.query_params[territory.PARAM] = mode


def current_selection() -> Selection:
    """The selection of this session."""
    return st.session_state.get(KEY_SELECTION, Selection())


def request_selection(selection: Selection) -> None:
    """Set a new selection (e.g. from a map click) and rerun so every widget shows it."""
    st.session_state[KEY_SELECTION] = selection
    st.rerun()


def _from_widgets() -> None:
    """on_change callback: the widgets' values become the selection (a former municipality
    picked in the search becomes its 2022 successor)."""
    ags = st.session_state.get(KEY_AGS)
    if ags:
        ags = load_successors().get(ags, ags)
    st.session_state[KEY_SELECTION] = Selection(
        regions=tuple(st.session_state.get(KEY_REGIONS) or ()),
        ags=ags,
        states=tuple(st.session_state.get(KEY_STATES) or ()),
        presenter=bool(st.session_state.get(KEY_PRESENTER)),
        custom=current_selection().custom,
    )


def _from_upload() -> None:
    """on_change callback of the file uploader: parse the list and select it."""
    uploaded = st.session_state.get(KEY_UPLOAD)
    if uploaded is None:
        return
    result = parse_upload(uploaded.name, uploaded.getvalue(), load_municipality_labels().keys())
    st.session_state[KEY_UPLOAD_RESULT] = (uploaded.name, result)
    selection = current_selection()
    if result.ags:
        regions = (*[r for r in selection.regions if r != CUSTOM_ID], CUSTOM_ID)
        # Keys of former municipalities count for their 2022 successor (maps, sums).
        custom = tuple(territory.resolve_keys(result.ags, load_successors()))
        st.session_state[KEY_SELECTION] = replace(
            selection, regions=regions, ags=None, custom=custom
        )


def session_cooperations(cooperations: list[dict]) -> list[dict]:
    """The curated cooperations plus the planner's own list, if there is one."""
    custom = current_selection().custom
    if not custom:
        return cooperations
    uploaded = st.session_state.get(KEY_UPLOAD_RESULT)
    label = f"Eigene Auswahl ({uploaded[0]})" if uploaded else "Eigene Auswahl (aus dem Link)"
    return [*cooperations, custom_cooperation(custom, label)]


def custom_names() -> dict[str, str]:
    """Names and groups the planner's file gave for its municipalities (plain text)."""
    uploaded = st.session_state.get(KEY_UPLOAD_RESULT)
    return dict(uploaded[1].names) if uploaded else {}


def _upload_box() -> None:
    """File uploader for the planner's own list, with the parser's messages."""
    with st.expander("Eigene Auswahl hochladen", expanded=False):
        st.file_uploader(
            "CSV oder Excel mit AGS-Spalte",
            type=["csv", "txt", "xlsx", "xls"],
            key=KEY_UPLOAD,
            on_change=_from_upload,
            help="Spalte AGS, Gemeindeschlüssel oder ARS; optional Name und Gruppe. Max. 5 MB.",
        )
        uploaded = st.session_state.get(KEY_UPLOAD_RESULT)
        if not uploaded:
            return
        _, result = uploaded
        # Messages may quote cell contents: shown as plain text, never as Markdown/HTML.
        if result.error:
            st.error("Datei nicht verwendbar")
            st.text(result.error)
            return
        st.success(f"{len(result.ags)} Gemeinden übernommen")
        if result.unknown:
            st.warning("Unbekannte Schlüssel (nicht übernommen)")
            st.text(", ".join(result.unknown[:30]) + (" …" if len(result.unknown) > 30 else ""))
        for note in result.notes:
            st.text(note)
        if len(result.ags) > MAX_CUSTOM_IN_URL:
            st.caption("Die Liste ist zu lang für den Link; sie gilt nur in dieser Sitzung.")


def _into_widgets(selection: Selection) -> None:
    """Mirror the selection into the widget keys (before the widgets are drawn)."""
    st.session_state[KEY_STATES] = list(selection.states)
    st.session_state[KEY_REGIONS] = list(selection.regions)
    st.session_state[KEY_AGS] = selection.ags
    st.session_state[KEY_PRESENTER] = selection.presenter


def sync_url(selection: Selection) -> None:
    """Mirror the selection into the URL, leaving page-specific parameters alone."""
    wanted = to_query(selection)
    for key in FILTER_PARAMS:
        if key in wanted:
            if st.query_params.get(key) != wanted[key] or len(st.query_params.get_all(key)) > 1:
                st.query_params[key] = wanted[key]
        elif key in st.query_params:
            del st.query_params[key]


def sidebar(cooperations: list[dict], register: pd.DataFrame | None) -> Selection:
    """Draw the filter in the sidebar and return the selection (also written to the URL).

    `init_from_url` must have run earlier in this script run.
    """
    names = {c["id"]: c["short_name"] for c in session_cooperations(cooperations)}
    labels = load_municipality_labels() if register is not None else {}
    _into_widgets(current_selection())
    with st.sidebar:
        st.subheader("Auswahl")
        st.multiselect(
            "Kooperation",
            options=list(names),
            format_func=names.get,
            key=KEY_REGIONS,
            on_change=_from_widgets,
            placeholder="Kooperationen wählen",
        )
        st.multiselect(
            "Land",
            options=list(STATE_NAMES),
            format_func=STATE_NAMES.get,
            key=KEY_STATES,
            on_change=_from_widgets,
            placeholder="Länder wählen",
        )
        query = st.text_input(
            "Gemeinde suchen",
            key=KEY_SEARCH,
            placeholder="Name oder AGS, z. B. Gröditz",
        )
        current = current_selection().ags
        options = list(
            dict.fromkeys(([current] if current else []) + search_municipalities(labels, query))
        )
        if query and len(query.strip()) >= 2 and not options:
            st.caption("Keine Gemeinde gefunden.")
        if options:
            st.selectbox(
                "Gemeinde",
                options=options,
                format_func=lambda a: labels.get(a, a),
                key=KEY_AGS,
                index=None,
                placeholder="Treffer wählen …",
                on_change=_from_widgets,
            )
        _upload_box()
        st.session_state[KEY_TERRITORY_WIDGET] = territory_mode()
        st.radio(
            "Gebietsstand",
            options=list(territory.MODES),
            format_func=territory.MODES.get,
            key=KEY_TERRITORY_WIDGET,
            on_change=_territory_from_widget,
            help="Gebietsstand 31.12.2022: alle Jahre auf die heutigen Gemeinden umgerechnet, "
            "Fusionen verfälschen keine Veränderung. Jeweiliger Gebietsstand: Werte wie "
            "veröffentlicht; Werte über eine Gebietsänderung hinweg sind mit ⚑ markiert.",
        )
        st.toggle(
            "Präsentationsmodus",
            key=KEY_PRESENTER,
            on_change=_from_widgets,
            help="Große Schrift, ohne Seitenleiste",
        )
        selection = current_selection()
        if not selection.is_empty and st.button("Auswahl zurücksetzen", width="stretch"):
            request_selection(Selection(presenter=selection.presenter))
    sync_url(selection)
    sync_territory_url()
    return selection


def show_notes() -> None:
    """Friendly notes about URL values that were ignored (shown once per session start)."""
    for note in st.session_state.get(KEY_NOTES, []):
        st.info(note, icon="ℹ️")


def permalink_box(url_path: str, page_params: dict[str, str] | None = None) -> None:
    """A 'Link kopieren' field with the permalink to the current view."""
    base = st.context.url.split("?")[0] if st.context.url else ""
    if url_path and base.rstrip("/").endswith("/" + url_path):
        base = base.rstrip("/")[: -len(url_path) - 1]
    params = to_query(current_selection()) | (page_params or {})
    if territory_mode() != territory.DEFAULT_MODE:
        params[territory.PARAM] = territory_mode()
    link = permalink(base or "http://localhost:8501", url_path, params)
    with st.popover("🔗 Link kopieren"):
        st.caption("Dieser Link öffnet genau diese Ansicht:")
        st.code(link, language=None)


def drop_params(keys: set[str]) -> None:
    """Remove query parameters that belong to other pages (left over from navigation)."""
    for key in keys & set(st.query_params):
        del st.query_params[key]


def page_query() -> dict[str, str]:
    """The current query parameters, last value per key."""
    return {key: st.query_params.get(key) for key in st.query_params}


def write_page_params(keys: tuple[str, ...], wanted: dict[str, str]) -> None:
    """Mirror a page's own parameters into the URL (keys not in `wanted` are removed)."""
    for key in keys:
        if key in wanted:
            if st.query_params.get(key) != wanted[key]:
                st.query_params[key] = wanted[key]
        elif key in st.query_params:
            del st.query_params[key]
