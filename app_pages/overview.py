"""Übersicht (/): map of the cooperation regions and programme municipalities, key figures."""

from dataclasses import replace

import streamlit as st

from ksg_dashboard.app import sidebar as filters
from ksg_dashboard.app import view_tools as share_panels
from ksg_dashboard.app import widgets as ui
from ksg_dashboard.app.cache import (
    load_headline,
    load_overview_data,
    load_sources,
    overview_map,
)
from ksg_dashboard.core.selection import selected_ags
from ksg_dashboard.maps import render_cache as map_cache
from ksg_dashboard.overview import panels
from ksg_dashboard.profile import panels as profile_panels

selection = filters.current_selection()
mode = filters.territory_mode()
data = ui.load_or_stop(lambda: load_overview_data(mode))
data = replace(data, cooperations=filters.session_cooperations(data.cooperations))
sources = ui.load_or_stop(load_sources)
ags = selected_ags(selection, data.cooperations, data.register)

# The heading is written after the map is built: during a slow rebuild the page keeps showing
# the previous heading with the previous map (and a spinner); a changed map is hidden before
# the new heading is written (and updated in place, see map_cache), so a new heading never
# stands over the previous map.
heading = st.container()
map_column, detail_column = st.columns([3, 2], gap="medium")
with map_column:
    online, show_bodies = panels.map_toggles(selection.presenter)
    view = ui.load_or_stop(
        lambda: map_cache.rendered_with_progress(
            ("overview", selection.with_presenter(False), online, show_bodies, selection.presenter),
            lambda: overview_map(selection, online, show_bodies),
        )
    )
    map_slot = st.empty()
    map_cache.clear_if_changed(map_slot, "overview.map", view)
with heading:
    panels.intro(selection.presenter)
    filters.show_notes()
    figures = load_headline(mode, tuple(ags), selection.is_empty, selection)  # cached
    panels.headline_metrics(figures, selection, data, mode)
with map_column:
    with map_slot:
        clicked = map_cache.show(
            view,
            key="overview.map",
            height=260 if selection.presenter else 500,
            returned_objects=["last_active_drawing"],
        )
    panels.map_notes(view.extra or [], show_bodies, sources)  # legend: what is in view

panels.follow_map_click(clicked, selection)

with detail_column:
    panels.selection_details(data, selection, ags, filters.custom_names())
    if not selection.presenter:
        panels.download_buttons(data, ags, mode, sources, filters.custom_names())
        profile_panels.profile_download(selection, ags, mode, sources, "", "download.profile")
share_panels.view_tools("")
