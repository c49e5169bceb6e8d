"""Übersicht (/): map of the cooperation regions and programme municipalities, key figures."""

from dataclasses import replace

import streamlit as st
from streamlit_folium import st_folium

from ksg_dashboard import filters, overview, panels, ui
from ksg_dashboard.loaders import load_overview_data, load_sources, overview_map
from ksg_dashboard.mapdata import MEASURE_COLOUR, region_colours
from ksg_dashboard.selection import selected_ags, selection_from_click

selection = filters.current_selection()
mode = filters.territory_mode()
data = ui.load_or_stop(lambda: load_overview_data(mode))
data = replace(data, cooperations=filters.session_cooperations(data.cooperations))
sources = ui.load_or_stop(load_sources)
ags = selected_ags(selection, data.cooperations, data.register)

if not selection.presenter:
    st.title("Kooperationen und Programmkommunen")
st.html(
    '<p class="ksg-secondary" style="margin:-.6rem 0 0">Transferwerkstatt „Sicherung der '
    "Daseinsvorsorge durch Kooperationen und überörtliche Netzwerke“, 11.–12. März 2019 in "
    "Gröditz. Karte: erst eine Kooperation anklicken, dann eine Gemeinde.</p>"
)
filters.show_notes()
panels.headline_metrics(overview.headline_for(data, selection, ags), selection, data, mode)

map_column, detail_column = st.columns([3, 2], gap="medium")
with map_column:
    online = not selection.presenter and st.toggle(
        "Online-Hintergrundkarte (OpenStreetMap)", key="overview.tiles"
    )
    fmap = overview_map(selection, online)
    clicked = st_folium(
        fmap,
        key=f"overview.map.{hash((selection, online))}",
        height=470 if selection.presenter else 500,
        use_container_width=True,
        returned_objects=["last_active_drawing"],
    )
    colours = region_colours(data.cooperations)
    ui.legend(
        [(colours[c["id"]], c["short_name"]) for c in data.cooperations]
        + [(MEASURE_COLOUR, "Weitere Programmkommunen (Praxisbeispiele)")]
    )
    ui.sources_caption(sources, ["boundaries", "population", "cooperations", "measures"])

feature = (clicked or {}).get("last_active_drawing")
if feature:
    new = selection_from_click(feature.get("properties"), selection)
    if new != selection:
        filters.request_selection(new)

with detail_column:
    panels.selection_details(data, selection, ags, filters.custom_names())
    if not selection.presenter:
        panels.download_buttons(data, ags, mode, sources)
        filters.permalink_box("")
