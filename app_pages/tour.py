"""Rundfahrt (/tour): the reconstructed bus tour of 11 March 2019, step by step for presenters."""

import streamlit as st

from ksg_dashboard.app import sidebar as filters
from ksg_dashboard.app import view_tools as share_panels
from ksg_dashboard.app import widgets as ui
from ksg_dashboard.app.cache import load_sources, load_tour_data
from ksg_dashboard.core import territory
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
tour_panels.intro(data, selection.presenter)
tour_panels.step_buttons(index, n_stops)
if not selection.presenter:  # presenters step with the buttons or ←/→ (the select costs a row)
    tour_panels.stop_select(data, index)
if selection.presenter:
    tour_panels.reconstruction_note(data, presenter=True)

map_column, stop_column = st.columns([5, 4] if selection.presenter else [3, 2], gap="medium")
with map_column:
    tour_panels.tour_map(data, index, selection.presenter)
with stop_column, st.container(key=tour_panels.KEY_STOP_PANEL):
    if index is None:
        tour_panels.route_card(data)
    else:
        tour_panels.stop_card(data, index, selection.presenter)

timeline = tour_panels.timeline(data, index, selection.presenter)
picked_row = tour_panels.stops_section(data, index, territory.MODES[mode], sources)
share_panels.view_tools("tour")
tour_panels.follow_pick(timeline, picked_row, index)
