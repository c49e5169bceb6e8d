"""Beispiele (/beispiele): examples from programme implementation – filter, map, charts, cards."""

import streamlit as st

from ksg_dashboard.app import sidebar as filters
from ksg_dashboard.app import view_tools as share_panels
from ksg_dashboard.app import widgets as ui
from ksg_dashboard.app.cache import (
    load_cooperations,
    load_measures,
    load_municipalities,
    load_population_for,
    load_programme,
)
from ksg_dashboard.associations import panels as association_panels
from ksg_dashboard.core import territory
from ksg_dashboard.examples import criteria as example_criteria
from ksg_dashboard.examples import panels
from ksg_dashboard.examples import records as example_records

presenter = filters.current_selection().presenter
register = ui.load_or_stop(load_municipalities)
all_examples = example_records.build_examples(
    ui.load_or_stop(load_measures), ui.load_or_stop(load_cooperations), register
)
themes = example_records.all_themes(all_examples)
panels.init_state(all_examples, themes)

panels.page_header(presenter)
filters.show_notes()
panels.show_notes()

with st.expander("Filter", key="beispiele.filter") if presenter else st.container():
    flt = panels.filter_widgets(example_records.all_states(all_examples), themes)
panels.states_without_examples(flt.states, example_records.all_states(all_examples))
state = panels.current()
shown = example_criteria.filter_examples(all_examples, flt)
selected = example_records.example_by_id(all_examples, state.selected)
colour_slot = panels.result_line(
    len(shown),
    len(all_examples),
    example_criteria.hidden_for_unknown_year(all_examples, flt),
    example_criteria.filter_summary(flt),
    presenter,
)

mode = filters.territory_mode()
population = ui.load_or_stop(lambda: load_population_for(mode))
map_column, chart_column = st.columns([3, 2], gap="medium")
with map_column:
    clicked = panels.map_section(
        shown, selected, state, flt, register, population, mode, presenter, colour_slot
    )
with chart_column:
    panels.chart_section(shown, presenter)

panels.follow_map_click(clicked, shown, state.selected)

panels.gallery(
    shown,
    per_row=2 if presenter else 3,
    associations=association_panels.card_lines({e.id: e.member_ags for e in shown}),
)

if selected is not None and panels.dialog_open():
    panels.detail_dialog(
        selected,
        population=population,
        register=register,
        programme_data=ui.load_or_default(load_programme, None),
        presenter=presenter,
        link_params={"praesentation": "1"} if presenter else {},
        territory_note=territory.caption(mode),
    )
panels.sync_url(panels.current())
share_panels.view_tools("beispiele")
