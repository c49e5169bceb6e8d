"""The shared sidebar filter: widgets, URL query-parameter sync and map-click selection."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
import streamlit as st

from ksg_dashboard.app import browser_js, url_state
from ksg_dashboard.app.cache import (
    load_association_data,
    load_known_ags,
    load_municipality_labels,
    load_sources,
    load_successors,
    load_unincorporated_ags,
)
from ksg_dashboard.app.widgets import labelled_choice
from ksg_dashboard.associations import model as associations
from ksg_dashboard.core import numbers, share, territory
from ksg_dashboard.core.config import STATE_NAMES
from ksg_dashboard.core.selection import (
    CUSTOM_ID,
    FILTER_PARAMS,
    MAX_CUSTOM_IN_URL,
    RULE,
    Selection,
    association_key_of,
    association_region,
    custom_cooperation,
    parse_query,
    search_municipalities,
    selected_ags,
    to_query,
)
from ksg_dashboard.core.text import cut, plain
from ksg_dashboard.core.validation import DataValidationError
from ksg_dashboard.upload.reader import MAX_BYTES, parse_upload

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
# Search hits for Gemeindeverbände share the municipality picker; their option values carry
# this prefix (municipality options are plain AGS).
BODY_OPTION = "verband:"
# Territorial status of all figures: canonical value and the sidebar widget's mirror.
KEY_TERRITORY = "filter.territory"
KEY_TERRITORY_WIDGET = "filter.territory_widget"
# Counter of choices that close the sidebar on phones (each new value runs the script again).
KEY_CLOSE_SIDEBAR = "filter.close_sidebar"
KEY_CLOSED_SIDEBAR = "filter.closed_sidebar"


def _association_data() -> associations.AssociationData | None:
    """The Gemeindeverbände, or None if their files are missing (the filter works without)."""
    try:
        return load_association_data()
    except DataValidationError:
        return None


def init_from_url(cooperations: list[dict], register: pd.DataFrame | None) -> None:
    """On a session's first run, read the selection from the URL (bad values become notes)."""
    if KEY_SELECTION in st.session_state:
        return
    params, bound_notes = url_state.query_lists_with_notes()
    bodies = _association_data()
    parsed = parse_query(
        params,
        known_regions=[c["id"] for c in cooperations],
        known_ags=load_known_ags() if register is not None else [],
        known_states=STATE_NAMES,
        known_associations=set(bodies.bodies["association_key"]) if bodies is not None else (),
    )
    selection, notes = parsed.selection, bound_notes + list(parsed.notes)
    if register is not None:
        selection, notes = _resolve_old_keys(selection, register, notes)
    mode, note = territory.parse_mode(url_state.value(territory.PARAM))
    st.session_state[KEY_TERRITORY] = mode
    st.session_state[KEY_SELECTION] = selection
    st.session_state[KEY_NOTES] = notes + ([note] if note else [])


def load_sources_or_empty() -> dict[str, dict]:
    """Source records, or {} if sources.json is broken (captions are then left out)."""
    try:
        return load_sources()
    except DataValidationError:
        return {}


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
    wanted = {} if mode == territory.DEFAULT_MODE else {territory.PARAM: mode}
    url_state.write((territory.PARAM,), wanted)


def current_selection() -> Selection:
    """The selection of this session."""
    return st.session_state.get(KEY_SELECTION, Selection())


def set_selection(selection: Selection) -> None:
    """Set a new selection. As a button's `on_click` it needs no rerun: the callback runs
    before the script, so the sidebar's widgets already show it (one script run, not two)."""
    st.session_state[KEY_SELECTION] = selection


def request_selection(selection: Selection) -> None:
    """Set a new selection found while the script runs (e.g. a map click) and rerun so every
    widget drawn before shows it."""
    set_selection(selection)
    st.rerun()


def _from_widgets(close_sidebar: bool = False) -> None:
    """on_change callback: the widgets' values become the selection.

    Everything chosen adds up (selection.RULE). With `close_sidebar` (a cooperation or
    municipality was chosen) the sidebar closes on narrow screens, where it covers the page.
    A Gemeindeverband chosen in the search joins the cooperations like one (it replaces an
    earlier Gemeindeverband: one at a time) and then shows as their chip; a former
    municipality picked in the search becomes its 2022 successor."""
    regions = tuple(st.session_state.get(KEY_REGIONS) or ())
    ags = st.session_state.get(KEY_AGS)
    states = tuple(st.session_state.get(KEY_STATES) or ())
    if ags and ags.startswith(BODY_OPTION):
        others = tuple(r for r in regions if association_key_of(r) is None)
        regions = (*others, association_region(ags[len(BODY_OPTION) :]))
        ags = current_selection().ags
    elif ags:
        ags = load_successors().get(ags, ags)
    st.session_state[KEY_SELECTION] = Selection(
        regions=regions,
        ags=ags,
        states=states,
        presenter=bool(st.session_state.get(KEY_PRESENTER)),
        custom=current_selection().custom,
    )
    if close_sidebar:
        st.session_state[KEY_CLOSE_SIDEBAR] = st.session_state.get(KEY_CLOSE_SIDEBAR, 0) + 1


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


def session_cooperations(cooperations: list[dict], year: int | None = None) -> list[dict]:
    """The curated cooperations plus the planner's own list and a selected Gemeindeverband
    (its members as of `year`, default the latest year), if there are such."""
    selection = current_selection()
    result = list(cooperations)
    if selection.custom:
        uploaded = st.session_state.get(KEY_UPLOAD_RESULT)
        label = (
            f"Eigene Auswahl ({cut(uploaded[0])})" if uploaded else "Eigene Auswahl (aus dem Link)"
        )
        result.append(custom_cooperation(selection.custom, label))
    bodies = _association_data() if selection.association else None
    for region in selection.regions:
        key = association_key_of(region)
        record = associations.as_cooperation(bodies, key, year) if bodies and key else None
        if record:
            result.append(record)
    return result


def custom_names() -> dict[str, str]:
    """Names and groups the planner's file gave for its municipalities (plain text)."""
    uploaded = st.session_state.get(KEY_UPLOAD_RESULT)
    return dict(uploaded[1].names) if uploaded else {}


def _upload_box() -> None:
    """File uploader for the planner's own list, with the parser's messages."""
    with st.expander("Eigene Auswahl hochladen", expanded=False):
        st.file_uploader(
            f"CSV oder Excel mit AGS-Spalte (höchstens {MAX_BYTES // 1024 // 1024} MB)",
            type=["csv", "txt", "xlsx", "xls"],
            key=KEY_UPLOAD,
            on_change=_from_upload,
            help="Spalte AGS, Gemeindeschlüssel oder ARS; optional Name und Gruppe. Größere "
            "Dateien lehnt schon der Browser ab.",
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
        st.success(f"{numbers.count(len(result.ags), 'Gemeinde', 'Gemeinden')} übernommen")
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
    url_state.write(FILTER_PARAMS, to_query(selection))


def active_parts(selection: Selection, names: dict[str, str], labels: dict[str, str]) -> list[str]:
    """What is active, in the order of the chips: cooperations (own list, Gemeindeverband),
    states, municipality."""
    parts = [names.get(r, r) for r in selection.regions]
    parts += [STATE_NAMES.get(s, s) for s in selection.states]
    if selection.ags:
        parts.append(labels.get(selection.ags, selection.ags))
    return parts


def _active_line(
    selection: Selection,
    cooperations: list[dict],
    register: pd.DataFrame | None,
    names: dict[str, str],
    labels: dict[str, str],
) -> None:
    """One line under the chips: the rule, and what is active with its number of
    municipalities (each counted once)."""
    with st.container(key="filter-active"):
        if selection.is_empty:
            st.caption("Aktiv: ganz Deutschland. " + RULE)
            return
        count = ""
        if register is not None:
            keys = selected_ags(selection, session_cooperations(cooperations), register)
            unincorporated = load_unincorporated_ags()
            inside = len(keys) - sum(key in unincorporated for key in keys)
            count = " = " + numbers.count(inside, "Gemeinde", "Gemeinden")
        # Names may come from an uploaded file's name: each is shown literally.
        parts = " + ".join(plain(p, 80) for p in active_parts(selection, names, labels))
        st.caption(f"Aktiv: {parts}{count}. {RULE}")


def _cooperations_warning(error: DataValidationError) -> None:
    """One note that the cooperation filter is left out because its data file is broken."""
    st.warning(
        f"Kooperationsfilter nicht verfügbar: die Datendatei **{error.file}**"
        f" ist fehlerhaft oder fehlt ({plain(error.problem, 200)}). "
        "Bitte die Daten mit `make data` neu erzeugen.",
        icon="⚠️",
    )


def _region_and_state_filters(names: dict[str, str]) -> None:
    """The cooperation (if any are known) and state multiselects."""
    if names:
        labelled_choice(
            st.multiselect,
            "Kooperation",
            names,
            key=KEY_REGIONS,
            on_change=_from_widgets,
            kwargs={"close_sidebar": True},
            placeholder="Kooperationen wählen",
        )
    labelled_choice(
        st.multiselect,
        "Land",
        STATE_NAMES,
        key=KEY_STATES,
        on_change=_from_widgets,
        placeholder="Länder wählen",
    )


def _municipality_search(labels: dict[str, str]) -> None:
    """The search field and, when there are hits (or a chosen municipality), the choice of
    a municipality or a Gemeindeverband."""
    query = st.text_input(
        "Gemeinde oder Gemeindeverband suchen",
        key=KEY_SEARCH,
        placeholder="Name oder AGS, z. B. Gröditz, Amt Gerswalde",
    )
    current = current_selection().ags
    bodies = _association_data() if query else None
    body_labels = associations.body_labels(bodies) if bodies is not None else {}
    body_hits = [
        BODY_OPTION + key for key in (associations.search_bodies(bodies, query) if bodies else [])
    ]
    options = list(
        dict.fromkeys(
            ([current] if current else []) + search_municipalities(labels, query) + body_hits
        )
    )
    if query and len(query.strip()) >= 2 and not options:
        st.caption("Keine Gemeinde und kein Gemeindeverband gefunden.")

    def option_label(value: str) -> str:
        if value.startswith(BODY_OPTION):
            return body_labels.get(value[len(BODY_OPTION) :], value)
        return labels.get(value, value)

    if options:
        st.selectbox(
            "Gemeinde oder Gemeindeverband",
            options=options,
            format_func=option_label,
            key=KEY_AGS,
            index=None,
            placeholder="Treffer wählen …",
            on_change=_from_widgets,
            kwargs={"close_sidebar": True},
        )


def _territory_and_presenter() -> None:
    """The territory choice (Gebietsstand) and the presentation-mode toggle."""
    st.session_state[KEY_TERRITORY_WIDGET] = territory_mode()
    labelled_choice(
        st.radio,
        "Gebietsstand",
        territory.MODES,
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


def _reset_button(selection: Selection) -> None:
    """'Auswahl zurücksetzen' for a non-empty selection (the presentation mode stays)."""
    if not selection.is_empty:
        st.button(
            "Auswahl zurücksetzen",
            width="stretch",
            on_click=set_selection,
            args=(Selection(presenter=selection.presenter),),
        )


def _close_on_narrow_screens() -> None:
    """Close the sidebar on a phone once per choice that asked for it (see _from_widgets)."""
    closes = st.session_state.get(KEY_CLOSE_SIDEBAR, 0)
    if closes != st.session_state.get(KEY_CLOSED_SIDEBAR, 0):
        st.session_state[KEY_CLOSED_SIDEBAR] = closes
        browser_js.close_sidebar_on_narrow_screens(closes)


def sidebar(
    cooperations: list[dict],
    register: pd.DataFrame | None,
    cooperations_error: DataValidationError | None = None,
) -> Selection:
    """Draw the filter in the sidebar and return the selection (also written to the URL).

    `init_from_url` must have run earlier in this script run. With `cooperations_error` (the
    cooperations file is missing or broken) the cooperation filter is left out with one note.
    """
    names = {c["id"]: c["short_name"] for c in session_cooperations(cooperations)}
    labels = load_municipality_labels() if register is not None else {}
    _into_widgets(current_selection())
    with st.sidebar:
        st.subheader("Auswahl")
        if cooperations_error is not None:
            _cooperations_warning(cooperations_error)
        _region_and_state_filters(names)
        _municipality_search(labels)
        _active_line(current_selection(), cooperations, register, names, labels)
        _upload_box()
        _territory_and_presenter()
        selection = current_selection()
        _reset_button(selection)
        _close_on_narrow_screens()
    sync_url(selection)
    sync_territory_url()
    return selection


def show_notes() -> None:
    """Friendly notes about URL values that were ignored (shown once per session start)."""
    url_state.show_notes(KEY_NOTES)


def permalink_url(url_path: str, page_params: dict[str, str] | None = None) -> str:
    """The permalink to the current view (selection, territory, the page's parameters)."""
    params = to_query(current_selection()) | (page_params or {})
    if territory_mode() != territory.DEFAULT_MODE:
        params[territory.PARAM] = territory_mode()
    # The same base as the QR code and "Link kopieren": KSG_PUBLIC_URL, else this server.
    return share.view_url(share.public_base(st.context.url, url_path), url_path, params)
