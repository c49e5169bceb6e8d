"""Rundfahrt (/tour): the reconstructed bus tour of 11 March 2019, step by step for presenters."""

import streamlit as st

from ksg_dashboard.app import sidebar as filters
from ksg_dashboard.app import view_tools as share_panels
from ksg_dashboard.app import widgets as ui
from ksg_dashboard.app.cache import load_sources, load_tour_data
from ksg_dashboard.core import territory
from ksg_dashboard.maps import render_cache as map_cache
from ksg_dashboard.tour import charts as tour_charts
from ksg_dashboard.tour import model as tour
from ksg_dashboard.tour import panels as tour_panels

selection = filters.current_selection()
mode = filters.territory_mode()
data = ui.load_or_stop(lambda: load_tour_data(mode))
sources = ui.load_or_default(load_sources, {})
n_stops = len(data.plan)
tour_panels.init_stop_from_url(n_stops)
index = tour_panels.current_stop(n_stops)
tour_panels.sync_url(index)

tour_panels.presenter_layout(selection.presenter)
if not selection.presenter:
    st.title("Rundfahrt durch die Kooperationsräume")
    st.html(
        '<p class="ksg-secondary" style="margin:-.6rem 0 0">Montag, 11. März 2019, '
        "14.00–17.00 Uhr: „Stadtentwicklung und Daseinsvorsorge kooperativ gestalten“ – "
        "Rundfahrt durch „Region in Bewegung“ und „Kurstadtregion“.</p>"
    )
    tour_panels.reconstruction_note(data, presenter=False)
filters.show_notes()
tour_panels.show_note()
for problem in data.problems:
    st.error(f"Zeitplan nicht stimmig: {problem}", icon="⚠️")
tour_panels.step_buttons(index, n_stops)
if not selection.presenter:  # presenters step with the buttons or ←/→ (the select costs a row)
    tour_panels.stop_select(data, index)
if selection.presenter:
    tour_panels.reconstruction_note(data, presenter=True)

map_column, stop_column = st.columns([5, 4] if selection.presenter else [3, 2], gap="medium")
with map_column:
    online = not selection.presenter and st.toggle(
        "Online-Hintergrundkarte (OpenStreetMap)", key="tour.tiles"
    )
    view = map_cache.rendered_with_progress(
        ("tour", index, online, selection.presenter),
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
            presenter=selection.presenter,
        ),
    )
    map_cache.show(view, key="tour.map", height=330 if selection.presenter else 520)
    regions = list(dict.fromkeys(data.members["region"]))
    ui.legend(tour_charts.legend_items(regions, data.colours, data.cooperation_names, data.members))
with stop_column, st.container(key=tour_panels.KEY_STOP_PANEL):
    if index is None:
        tour_panels.route_card(data)
    else:
        tour_panels.stop_card(data, index, selection.presenter)

st.subheader("Zeitplan des Nachmittags")
timeline = ui.chart(
    tour_charts.make_tour_timeline(
        data.tour, data.plan, data.colours, data.cooperation_names, index
    ),
    presenter=selection.presenter,
    key=f"tour.timeline.{index}",
    on_select="rerun",
    selection_mode="points",
    config=ui.chart_config("rundfahrt_zeitplan"),
)
st.subheader("Halte")
picked_row = tour_panels.stop_list(data, index)
st.caption(
    f"Berechnung: {data.tour.assumptions} Einwohner: Gemeinde des Halts, Stand 31.12. des "
    f"letzten Jahres, Veränderung seit 2012 (Zensus-Basis), {territory.MODES[mode]}. Zeile oder "
    "Balken anklicken, um den Halt zu zeigen."
)
ui.sources_caption(sources, ["boundaries", "population", "cooperations", "tour"])
st.caption(f"Route: {tour.attribution(data.tour)}")
share_panels.view_tools("tour")

picked = tour_panels.picked_in_timeline(timeline)
picked = picked if picked is not None else picked_row
if picked is not None and picked != index:
    tour_panels.set_stop(picked)
    st.rerun()
