"""Demografie (/demografie): population, age structure, migration and natural change by theme."""

import streamlit as st

from ksg_dashboard.app import sidebar as filters
from ksg_dashboard.app import url_state
from ksg_dashboard.app import view_tools as share_panels
from ksg_dashboard.app import widgets as ui
from ksg_dashboard.app.cache import (
    load_change_events,
    load_cooperations,
    load_municipalities,
    load_municipality_names,
    load_municipality_table,
    load_official_totals,
    load_population_for,
    load_sources,
    load_states,
    load_territorial_changes,
)
from ksg_dashboard.core.navigation import PAGES
from ksg_dashboard.core.selection import selected_ags
from ksg_dashboard.demography import panels as population_panels
from ksg_dashboard.demography import views as demography_views
from ksg_dashboard.demography.model import INDICATORS
from ksg_dashboard.demography.themes import panels as daseinsvorsorge_panels
from ksg_dashboard.profile import panels as profile_panels

PARAM_KEYS = next(p.params for p in PAGES if p.url_path == "demografie")

selection = filters.current_selection()
mode = filters.territory_mode()
population = ui.load_or_stop(lambda: load_population_for(mode))
totals = ui.load_or_default(load_official_totals, None)
events = ui.load_or_default(load_change_events, None)
register = ui.load_or_stop(load_municipalities)
curated_cooperations = ui.load_quietly(load_cooperations, [])
cooperations = filters.session_cooperations(curated_cooperations)
states = ui.load_or_stop(load_states)
sources = ui.load_or_stop(load_sources)
names = load_municipality_names()
ags = selected_ags(selection, cooperations, register)

if not selection.presenter:
    st.title("Demografische Entwicklung")
filters.show_notes()
if not selection.presenter:
    view_params = {k: v for k, v in url_state.page_query().items() if k in PARAM_KEYS}
    profile_panels.profile_download(
        selection, ags, mode, sources, "demografie", "demografie.profile", view_params
    )
theme = daseinsvorsorge_panels.theme_selector()
if theme != daseinsvorsorge_panels.DEFAULT_THEME:
    # Age structure, migration and natural change have panels of their own; the rest of this
    # file is the population theme.
    daseinsvorsorge_panels.render_theme(theme, selection, cooperations, names, ags, sources)
    share_panels.view_tools("demografie")
    st.stop()

params = population_panels.controls(
    demography_views.parse_params(url_state.page_query()), selection.presenter
)
# A selected Gemeindeverband counts with its members of the chosen year.
cooperations = filters.session_cooperations(curated_cooperations, params.year)
ags = selected_ags(selection, cooperations, register)
population_panels.association_caption(cooperations, params.year)
url_state.write(PARAM_KEYS, demography_views.to_query(params))
indicator = INDICATORS[params.indicator]

population_panels.change_warning(params.year, params.base_year, indicator)

chart_column, map_column = st.columns(2, gap="medium")
with chart_column:
    population_panels.time_chart_section(
        population, cooperations, names, totals, events, selection, indicator, params.base_year,
        mode, sources,
    )  # fmt: skip
table = load_municipality_table(params.year, params.base_year, mode)
with map_column:
    population_panels.map_section(params, mode, ags, states, table, sources, selection.presenter)
population_panels.ranking_section(table, names, params, mode, ags, sources)
ui.change_notes(ui.load_or_default(load_territorial_changes, None), events, register, ags, mode)
share_panels.view_tools("demografie")
