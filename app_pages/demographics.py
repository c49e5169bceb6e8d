"""Demografie (/demografie): indicators over time, maps and ranking for the selection."""

import streamlit as st
from streamlit_folium import st_folium

from ksg_dashboard import demography, demography_views, filters, panels, territory, ui
from ksg_dashboard.charts import make_time_chart
from ksg_dashboard.config import FIRST_YEAR, LAST_YEAR
from ksg_dashboard.demography import INDICATORS
from ksg_dashboard.loaders import (
    germany_map,
    load_change_events,
    load_cooperations,
    load_dependency_ratios,
    load_district_age,
    load_municipalities,
    load_municipality_shapes,
    load_municipality_table,
    load_official_totals,
    load_population_for,
    load_sources,
    load_states,
    load_territorial_changes,
)
from ksg_dashboard.navigation import PAGES
from ksg_dashboard.selection import selected_ags

PARAM_KEYS = next(p.params for p in PAGES if p.url_path == "demografie")
YEARS = list(range(FIRST_YEAR, LAST_YEAR + 1))

selection = filters.current_selection()
mode = filters.territory_mode()
published = mode == territory.PUBLISHED
population = ui.load_or_stop(lambda: load_population_for(mode))
totals = ui.load_or_default(load_official_totals, None)
events = ui.load_or_default(load_change_events, None)
register = ui.load_or_stop(load_municipalities)
cooperations = filters.session_cooperations(ui.load_or_stop(load_cooperations))
states = ui.load_or_stop(load_states)
sources = ui.load_or_stop(load_sources)
names = register.set_index("ags")["name"].to_dict()
ags = selected_ags(selection, cooperations, register)

parsed = demography_views.parse_params(filters.page_query())
if "demografie.indikator" not in st.session_state:
    for note in parsed.notes:
        st.info(note, icon="ℹ️")
    st.session_state["demografie.indikator"] = parsed.params.indicator
    st.session_state["demografie.jahr"] = parsed.params.year
    st.session_state["demografie.basis"] = parsed.params.base_year
    st.session_state["demografie.ansicht"] = parsed.params.view

if not selection.presenter:
    st.title("Demografische Entwicklung")
filters.show_notes()
controls = st.columns([3, 1, 1, 2])
indicator_key = controls[0].selectbox(
    "Indikator",
    list(INDICATORS),
    format_func=lambda k: f"{INDICATORS[k].label} ({INDICATORS[k].unit})".replace(" ()", ""),
    key="demografie.indikator",
)
year = controls[1].selectbox("Jahr", YEARS, key="demografie.jahr")
base_year = controls[2].selectbox("Basisjahr", YEARS, key="demografie.basis")
view = controls[3].radio(
    "Karte",
    list(demography_views.VIEWS),
    format_func=demography_views.VIEWS.get,
    key="demografie.ansicht",
    horizontal=True,
)
params = demography_views.DemographyParams(indicator_key, year, base_year, view)
filters.write_page_params(PARAM_KEYS, demography_views.to_query(params))
indicator = INDICATORS[indicator_key]

note = demography.change_note(year, base_year)
if note and indicator.key in {"veraenderung", "veraenderung_pct", "index"}:
    st.warning(note, icon="⚠️")

chart_column, map_column = st.columns(2, gap="medium")
with chart_column:
    long = demography_views.comparison_long(
        population,
        selection,
        cooperations,
        names,
        indicator.key,
        base_year,
        official_totals=totals,
        events=events if published else None,
    )
    st.plotly_chart(
        make_time_chart(long, indicator, base_year, large=selection.presenter),
        config={"displaylogo": False},
        key="demografie.chart",
    )
    st.caption(territory.caption(mode))
    notes = panels.chart_notes(long)
    for text in notes:
        st.caption(text)
    if long["value"].isna().any():
        st.caption(
            "Lücken: Reihen ohne Werte aller Mitglieder werden nicht summiert"
            + (
                "; im jeweiligen Gebietsstand gibt es neue Gemeindeschlüssel erst ab ihrem "
                "Entstehungsjahr."
                if published
                else "."
            )
        )
    ui.sources_caption(
        sources, ["population", "crosswalk"] + (["official_totals"] if totals is not None else [])
    )

table = load_municipality_table(year, base_year, mode)
with map_column:
    if view == "deutschland":
        fmap, breaks = ui.load_or_stop(lambda: germany_map(indicator.key, year, base_year, mode))
    elif ags:
        fmap, breaks = demography_views.selection_map(
            ui.load_or_stop(lambda: load_municipality_shapes("regional")),
            states,
            table,
            ags,
            indicator,
        )
    else:
        fmap = None
        st.info(
            "Für die Karte eine Kooperation, ein Land oder eine Gemeinde wählen – "
            "oder „Deutschland (alle Gemeinden)“.",
            icon="🗺️",
        )
    if fmap is not None:
        st_folium(
            fmap,
            key=f"demografie.map.{view}.{indicator.key}.{year}.{base_year}.{mode}."
            f"{hash(tuple(ags))}",
            height=420,
            use_container_width=True,
            returned_objects=[],
        )
        ui.legend(demography_views.legend_items(breaks, indicator))
        st.caption(panels.map_caption(indicator.label, year, mode))
        ui.sources_caption(sources, ["boundaries", "population", "crosswalk"])

st.subheader("Gemeinden im Vergleich")
shown = demography_views.ranking(table, ags, indicator, names)
ui.table(shown, max_height=420)
st.caption(territory.caption(mode))
left_out = demography_views.unincorporated_count(table, ags)
if left_out:
    st.caption(
        f"Nicht aufgeführt: {left_out} gemeindefreie Gebiete (meist unbewohnte Forste und Seen; "
        "sie sind keine Gemeinden)."
    )
st.download_button(
    "CSV herunterladen",
    panels.csv_with_metadata(shown, mode, sources),
    file_name=f"ksg_{indicator.key}_{year}_gebiet_{mode}.csv",
    mime="text/csv",
    key="demografie.csv",
)
ui.sources_caption(sources, ["population", "crosswalk"])

panels.change_notes(ui.load_or_default(load_territorial_changes, None), events, register, ags, mode)
panels.district_age_section(
    ui.load_or_stop(load_district_age),
    ui.load_or_stop(load_dependency_ratios),
    demography_views.districts_of(ags),
    selection.presenter,
    sources,
)
