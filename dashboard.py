"""KSG-Dashboard entry point: page frame, shared region filter in the sidebar, navigation."""

import logging

import streamlit as st

from ksg_dashboard.app import memory, url_state
from ksg_dashboard.app import sidebar as filters
from ksg_dashboard.app import widgets as ui
from ksg_dashboard.app.cache import load_cooperations, load_municipalities
from ksg_dashboard.core.navigation import PAGES, foreign_params
from ksg_dashboard.core.validation import DataValidationError
from ksg_dashboard.maps import offline

logging.basicConfig(level=logging.INFO)
memory.use_system_arrow_pool()  # before any data is read: Arrow's freed pages can be trimmed
memory.fix_mmap_threshold()  # large blocks are mapped on their own and unmapped when freed
memory.start_trimmer()  # once per process: freed heap pages go back to the OS

st.set_page_config(
    page_title="KSG-Transferwerkstatt Gröditz 2019",
    page_icon="🏘️",
    layout="wide",
    initial_sidebar_state="auto",
)
offline.use_local_leaflet(st.get_option("server.baseUrlPath") or "")

# Without a usable cooperations file the frame drops the cooperation filter (one note in the
# sidebar) and every page that does not need the file keeps working.
try:
    cooperations, cooperations_error = load_cooperations(), None
except DataValidationError as error:
    cooperations, cooperations_error = [], error
register = ui.load_or_default(load_municipalities, None)
filters.init_from_url(cooperations, register)
presenter = filters.current_selection().presenter
pages = [
    st.Page(
        spec.file,
        title=spec.title_for(presenter),
        icon=spec.icon,
        url_path=spec.url_path or None,
        default=not spec.url_path,
    )
    for spec in PAGES
]
# Navigation first: Streamlit expects it before other sidebar elements.
navigation = st.navigation(pages, position="top" if presenter else "sidebar")
selection = filters.sidebar(cooperations, register, cooperations_error)
if not selection.presenter:
    ui.image_format_control()
url_state.drop(foreign_params(navigation.url_path))
ui.apply_styles(selection.presenter)
navigation.run()
if selection.presenter:
    st.button(
        "Präsentationsmodus beenden",
        key="presenter.exit",
        on_click=filters.set_selection,
        args=(selection.with_presenter(False),),
    )
