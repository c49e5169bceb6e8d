"""Vergleich (/vergleich): up to 12 municipalities side by side, with district, state,
Germany and similar municipalities as references; a permalink `?vergleich=AGS,AGS,…`."""

import streamlit as st

from ksg_dashboard.app import sidebar as filters
from ksg_dashboard.app import view_tools as share_panels
from ksg_dashboard.app import widgets as ui
from ksg_dashboard.app.cache import load_cooperations, load_municipalities, load_sources
from ksg_dashboard.comparison import panels

register = ui.load_or_stop(load_municipalities)
curated = ui.load_quietly(load_cooperations, [])
cooperations = filters.session_cooperations(curated)
sources = ui.load_or_stop(load_sources)
ui.load_or_stop(panels.load_data)
selection = filters.current_selection()

if not selection.presenter:
    st.title("Gemeinden im Vergleich")
filters.show_notes()
panels.init_from_url()
panels.selector(cooperations, curated, register)
chosen = panels.members()
share_panels.view_tools("vergleich")
if not chosen:
    panels.empty_state(curated)
    st.stop()

frame = panels.comparison_frame(chosen)
chart_column, table_column = st.columns([1, 1], gap="medium")
with chart_column:
    panels.chart(chosen, sources, selection.presenter)
with table_column:
    st.markdown("**Kennzahlen**")
    panels.short_table(frame)
    panels.member_map(chosen, sources)
panels.full_table(frame, sources)
