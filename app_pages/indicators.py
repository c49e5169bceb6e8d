"""Indikatoren & Quellen (/indikatoren): how each indicator is defined and where it comes from."""

import streamlit as st

from ksg_dashboard.app import sidebar as filters
from ksg_dashboard.app import url_state
from ksg_dashboard.app import view_tools as share_panels
from ksg_dashboard.app import widgets as ui
from ksg_dashboard.app.cache import load_sources
from ksg_dashboard.catalogue import panels as indicator_panels

presenter = filters.current_selection().presenter
sources = ui.load_or_default(load_sources, {})
requested, note = indicator_panels.requested_entry(url_state.page_query())

if not presenter:
    st.title("Indikatoren & Quellen")
st.markdown(
    "Jeder Wert im Dashboard geht auf eine amtliche Quelle zurück. Hier steht zu jedem "
    "Indikator, wie er berechnet wird, für welchen Stichtag und welche räumliche Ebene er gilt "
    "und was beim Vergleich zu beachten ist."
)
filters.show_notes()
if note:
    ui.note(note)  # quotes URL text: shown as text, never as Markdown

theme = indicator_panels.theme_filter()
indicator_panels.entries(theme, requested, sources)
indicator_panels.sources_table(sources)
share_panels.view_tools("indikatoren")
