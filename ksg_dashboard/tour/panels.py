"""Streamlit parts of the tour page: stop state with `stopp` URL sync, step buttons, stop panels."""

from __future__ import annotations

import html
from collections.abc import Mapping

import streamlit as st

from ksg_dashboard.app import sidebar as filters
from ksg_dashboard.app import url_state
from ksg_dashboard.app import widgets as ui
from ksg_dashboard.core import numbers
from ksg_dashboard.core.indicators import Headline
from ksg_dashboard.demography.themes import panels as daseinsvorsorge_panels
from ksg_dashboard.maps import render_cache as map_cache
from ksg_dashboard.tour import charts as tour_charts
from ksg_dashboard.tour import model as tour
from ksg_dashboard.tour.model import TourData

PARAM = "stopp"
KEY_STOP = "tour.stop"  # canonical 0-based stop index (None: whole route); not a widget key
KEY_NOTE = "tour.note"
KEY_URL = "tour.url_value"  # the `stopp` value this page last wrote
ACTIVE_ROW_STYLE = "background-color: #fff4d6; font-weight: 700"


def init_stop_from_url(n_stops: int) -> None:
    """Take the stop from `stopp` on the page's first run and whenever the URL brings a new
    value (in-app links); bad values leave the stop as it is and show a note.

    The parameter this page wrote itself, or its absence after visiting another page, keeps
    the session's stop.
    """
    value = url_state.value(PARAM)
    first_visit = KEY_STOP not in st.session_state
    if not first_visit and (value is None or value == st.session_state.get(KEY_URL)):
        return
    index, note = tour.stop_from_param(value, n_stops)
    if first_visit or note is None:
        st.session_state[KEY_STOP] = index
    st.session_state[KEY_NOTE] = note


def current_stop(n_stops: int) -> int | None:
    """The highlighted stop (0-based) or None for the whole route."""
    index = st.session_state.get(KEY_STOP)
    return index if isinstance(index, int) and 0 <= index < n_stops else None


def set_stop(index: int | None) -> None:
    """Highlight a stop (callback of the step buttons)."""
    st.session_state[KEY_STOP] = index


def sync_url(index: int | None) -> None:
    """Mirror the highlighted stop into the URL (`stopp=<n>`, 1-based; absent for the route)."""
    value = tour.stop_param(index)
    st.session_state[KEY_URL] = value
    url_state.write((PARAM,), {} if value is None else {PARAM: value})


def show_note() -> None:
    """A friendly note about an ignored `stopp` value."""
    url_state.show_notes(KEY_NOTE)


def step_buttons(index: int | None, n_stops: int) -> None:
    """ "Vorheriger Halt", "Gesamte Route", "Nächster Halt" (arrow keys) and the position."""
    cols = st.columns([1.25, 1.05, 1.2, 1.4], vertical_alignment="center")
    ui.step_button(
        cols[0],
        "Vorheriger Halt",
        "tour.prev",
        set_stop,
        tour.previous_stop(index),
        forward=False,
        disabled=index is None or index == 0,
    )
    cols[1].button(
        "Gesamte Route",
        key="tour.all",
        icon="🗺️",
        on_click=set_stop,
        args=(None,),
        disabled=index is None,
        width="stretch",
    )
    ui.step_button(
        cols[2],
        "Nächster Halt",
        "tour.next",
        set_stop,
        tour.next_stop(index, n_stops),
        forward=True,
        disabled=index == n_stops - 1,
    )
    position = "Ganze Route" if index is None else f"Halt {index + 1} von {n_stops}"
    cols[3].html(f'<div class="ksg-tour-position"><b>{position}</b></div>')


KEY_PICK = "tour.pick"
ROUTE_OPTION = -1


def _picked_from_select() -> None:
    """on_change of the stop select: the chosen stop becomes the highlighted one."""
    value = st.session_state.get(KEY_PICK)
    set_stop(None if value is None or value == ROUTE_OPTION else int(value))


def stop_select(data: TourData, index: int | None) -> None:
    """Every stop by keyboard (Tab, Enter, arrow keys), as a click on the map or the list does."""
    st.session_state[KEY_PICK] = ROUTE_OPTION if index is None else index
    labels = {ROUTE_OPTION: "Gesamte Route"} | {
        i: f"{i + 1} {stop.place} – {stop.site}" for i, stop in enumerate(data.tour.stops)
    }
    ui.labelled_choice(
        st.selectbox,
        "Halt wählen",
        labels,
        key=KEY_PICK,
        on_change=_picked_from_select,
    )


SOURCES_LIST_STYLE = "margin:.1rem 0 .2rem 1rem;padding:0"
CARD_PRESENTER_CSS = "<style>.ksg-tour-card p { margin-bottom: .35rem; }</style>"
KEY_STOP_PANEL = "tour-stop"
# Phones stack the columns: the stop's text comes right under the step buttons, the map after.
NARROW_CSS = (
    "<style>@media (max-width: 640px) { "
    f'[data-testid="stColumn"]:has(.st-key-{KEY_STOP_PANEL}) {{ order: -1; }} }}</style>'
)


def presenter_layout(presenter: bool) -> None:
    """Stop text first on phones; tighter stop cards in presenter mode."""
    st.html(NARROW_CSS + (CARD_PRESENTER_CSS if presenter else ""))


def reconstruction_note(data: TourData, presenter: bool) -> None:
    """The visible warning that the route is a reconstruction (one line in presenter mode)."""
    if presenter:
        st.html(
            '<div class="ksg-uncertain" style="font-size:.8rem">Rekonstruierte Route: die '
            "tatsächlichen Halte sind nicht veröffentlicht; Zeiten berechnet.</div>"
        )
    else:
        st.warning(data.tour.reconstruction_note, icon="🧭")


def _figures_text(figure: Headline | None) -> str:
    """'7.792 Einw. (2022) · −592 (−7,1 %) seit 2012' for the stop's municipality."""
    if figure is None or figure.population is None:
        return "Einwohnerzahl unbekannt"
    text = f"{numbers.or_unknown(figure.population)} Einw. ({figure.year})"
    if figure.change_pct is not None:
        text += f" · {_change_text(figure)} seit {figure.base_year}"
    return text


def _change_text(figure: Headline) -> str:
    """'−592 (−7,1 %)'."""
    return (
        f"{numbers.or_unknown(figure.change_abs, signed=True)} "
        f"({numbers.or_unknown(figure.change_pct, 1, signed=True)} %)"
    )


def stop_card(data: TourData, index: int, presenter: bool) -> None:
    """What the presenter talks about at a stop: time, site, key figures, topic, sources."""
    row = data.plan.iloc[index]
    stop = data.tour.stops[index]
    colour = data.colours.get(stop.cooperation, tour.ROUTE_COLOUR)
    name = data.cooperation_names.get(stop.cooperation, stop.cooperation)
    figure = data.figures.get(stop.ags)
    st.subheader(f"{index + 1} {stop.place}")
    st.html(
        f'<div class="ksg-tour-card"><div style="color:#55606b">Halt {index + 1} von '
        f"{len(data.plan)} · {html.escape(tour.time_label(row))} Uhr</div>"
        f'<div style="font-weight:600">{html.escape(stop.site)}</div>'
        f'<div style="margin:.15rem 0"><b>{_figures_text(figure)}</b></div>'
        f'<div style="margin:.15rem 0"><span style="border-left:6px solid {colour};'
        f'padding-left:.4rem">{html.escape(name)}</span> · Thema: {html.escape(stop.topic)}'
        "</div></div>"
    )
    daseinsvorsorge_panels.key_figures(
        [stop.ags], {"ags": stop.ags, **({"praesentation": "1"} if presenter else {})}
    )
    after = data.figures_after_change.get(stop.ags)
    if figure is not None and after is not None:
        st.caption(
            f"⚠️ Gebietsänderung {after.base_year}: die Veränderung seit {figure.base_year} "
            f"enthält eingemeindete Einwohner. Seit {after.base_year}: {_change_text(after)}."
        )
    if presenter:
        st.html(f'<div style="font-size:.85rem">{html.escape(stop.seen)}</div>')
    else:
        st.markdown(stop.seen)
    st.html(
        '<div class="ksg-secondary">'
        f'<div class="ksg-uncertain"><b>Unsicher:</b> {html.escape(stop.uncertain)}</div>'
        f'<div class="ksg-source">Koordinaten: {html.escape(stop.coordinate_source)}. '
        f"Quellen:</div>{ui.source_links_html(stop.sources, SOURCES_LIST_STYLE)}</div>"
    )


def route_card(data: TourData) -> None:
    """Summary of the whole route: stops, times, distances and how they were computed."""
    plan, the_tour = data.plan, data.tour
    straight, road = tour.total_distance_km(plan)
    drive, dwell = int(plan["drive_min"].sum()), int(plan["dwell_min"].sum())
    st.subheader("Route im Überblick")
    st.markdown(
        f"**{numbers.count(len(plan), 'Halt', 'Halte')}**, "
        f"Abfahrt {tour.clock_label(plan['departure'].iloc[0])} Uhr, "
        f"Ankunft {tour.clock_label(plan['arrival'].iloc[-1])} Uhr "
        f"(Puffer bis {the_tour.end:%H:%M} Uhr: {tour.buffer_minutes(the_tour, plan)} min)."
    )
    st.markdown(
        f"**{tour.format_km(straight)} Luftlinie**, geschätzt "
        f"{tour.format_km(road)} Straße (Umwegfaktor "
        f"{numbers.or_unknown(the_tour.detour_factor, 1)}); {drive} min Fahrt bei "
        f"{numbers.or_unknown(the_tour.average_speed_kmh)} km/h, {dwell} min Aufenthalt."
    )
    st.caption(the_tour.assumptions)
    st.markdown("Mit **Nächster Halt** (oder Pfeiltaste →) geht es Halt für Halt durch die Route.")


def stop_list(data: TourData, index: int | None) -> int | None:
    """The stop list with the highlighted row; returns a stop picked by clicking a row."""
    table = tour.stop_table(data.plan, data.figures, data.cooperation_names, index)
    styled = table.style.apply(
        lambda r: [ACTIVE_ROW_STYLE if r.name == index else ""] * len(r), axis=1
    )
    event = st.dataframe(
        styled,
        key=f"tour.list.{index}",
        hide_index=True,
        on_select="rerun",
        selection_mode="single-row",
        column_config={
            " ": st.column_config.TextColumn(" ", width=28),
            "Nr.": st.column_config.TextColumn("Nr.", width=40),
            "Standort": st.column_config.TextColumn("Standort", width="large"),
        },
    )
    if any(f.territorial_changes for f in data.figures.values()):
        st.caption(
            "¹ Gebietsänderung seit 2012 (Eingemeindung): die Veränderung ist kein reiner "
            "Bevölkerungstrend."
        )
    rows = event.selection.rows if event is not None else []
    return rows[0] if rows and rows[0] != index else None


def picked_in_timeline(event: Mapping | None) -> int | None:
    """The stop (0-based) of a clicked bar or point in the timeline, if any."""
    points = event.get("selection", {}).get("points", []) if event else []
    for point in points:
        number = point.get("customdata")
        if isinstance(number, list):
            number = number[0] if number else None
        if isinstance(number, int | float):
            return int(number) - 1
    return None


# --- page sections --------------------------------------------------------------------------

INTRO_HTML = (
    '<p class="ksg-secondary" style="margin:-.6rem 0 0">Montag, 11. März 2019, '
    "14.00–17.00 Uhr: „Stadtentwicklung und Daseinsvorsorge kooperativ gestalten“ – "
    "Rundfahrt durch „Region in Bewegung“ und „Kurstadtregion“.</p>"
)


def intro(data: TourData, presenter: bool) -> None:
    """Title, date and the reconstruction note (not in presenter mode), the page's notes
    (the filter's, then the tour's own) and any problem of the schedule."""
    if not presenter:
        st.title("Rundfahrt durch die Kooperationsräume")
        st.html(INTRO_HTML)
        reconstruction_note(data, presenter=False)
    filters.show_notes()
    show_note()
    for problem in data.problems:
        st.error(f"Zeitplan nicht stimmig: {problem}", icon="⚠️")


def tour_map(data: TourData, index: int | None, presenter: bool) -> None:
    """The route map with the active stop, its online-tiles switch and its legend."""
    online = not presenter and st.toggle(
        "Online-Hintergrundkarte (OpenStreetMap)", key="tour.tiles"
    )
    view = map_cache.rendered_with_progress(
        ("tour", index, online, presenter),
        lambda: tour_charts.build_tour_map(
            data.plan,
            data.members,
            data.outlines,
            data.colours,
            active=index,
            states=data.states,
            districts=data.districts,
            context=data.context,
            online_tiles=online,
            presenter=presenter,
        ),
    )
    map_cache.show(view, key="tour.map", height=330 if presenter else 520)
    regions = list(dict.fromkeys(data.members["region"]))
    ui.legend(tour_charts.legend_items(regions, data.colours, data.cooperation_names, data.members))


def timeline(data: TourData, index: int | None, presenter: bool) -> Mapping | None:
    """The afternoon's schedule as a chart; returns its selection event (a clicked bar)."""
    st.subheader("Zeitplan des Nachmittags")
    return ui.chart(
        tour_charts.make_tour_timeline(
            data.tour, data.plan, data.colours, data.cooperation_names, index
        ),
        presenter=presenter,
        key=f"tour.timeline.{index}",
        on_select="rerun",
        selection_mode="points",
        config=ui.chart_config("rundfahrt_zeitplan"),
    )


def stops_section(data: TourData, index: int | None, territory_label: str, sources) -> int | None:
    """The table of stops with how it is computed and its sources; returns a clicked row."""
    st.subheader("Halte")
    picked = stop_list(data, index)
    st.caption(
        f"Berechnung: {data.tour.assumptions} Einwohner: Gemeinde des Halts, Stand 31.12. des "
        f"letzten Jahres, Veränderung seit 2012 (Zensus-Basis), {territory_label}. Zeile oder "
        "Balken anklicken, um den Halt zu zeigen."
    )
    ui.sources_caption(sources, ["boundaries", "population", "cooperations", "tour"])
    st.caption(f"Route: {tour.attribution(data.tour)}")
    return picked


def follow_pick(event: Mapping | None, picked_row: int | None, index: int | None) -> None:
    """A bar clicked in the timeline (or else a row of the table) becomes the shown stop."""
    picked = picked_in_timeline(event)
    picked = picked if picked is not None else picked_row
    if picked is not None and picked != index:
        set_stop(picked)
        st.rerun()
