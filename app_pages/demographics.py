"""Demografie (/demografie): indicators over time, maps and ranking for the selection."""

import streamlit as st
from streamlit_folium import st_folium

from ksg_dashboard import demography, demography_views, filters, panels, ui
from ksg_dashboard.charts import make_time_chart
from ksg_dashboard.config import FIRST_YEAR, LAST_YEAR
from ksg_dashboard.demography import INDICATORS
from ksg_dashboard.loaders import (
    association_map,
    germany_map,
    load_cooperations,
    load_dependency_ratios,
    load_district_age,
    load_municipalities,
    load_municipality_shapes,
    load_municipality_table,
    load_population,
    load_sources,
    load_states,
)
from ksg_dashboard.navigation import PAGES
from ksg_dashboard.selection import selected_ags

PARAM_KEYS = next(p.params for p in PAGES if p.url_path == "demografie")
YEARS = list(range(FIRST_YEAR, LAST_YEAR + 1))

selection = filters.current_selection()
population = ui.load_or_stop(load_population)
register = ui.load_or_stop(load_municipalities)
curated_cooperations = ui.load_or_stop(load_cooperations)
states = ui.load_or_stop(load_states)
sources = ui.load_or_stop(load_sources)
names = register.set_index("ags")["name"].to_dict()

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
# A selected Gemeindeverband counts with its members of the chosen year.
cooperations = filters.session_cooperations(curated_cooperations, year)
ags = selected_ags(selection, cooperations, register)
body = next((c for c in cooperations if c.get("association_key")), None)
if body is not None:
    when = body["association_year"]
    st.caption(
        f"{body['name']}: Mitglieder zum 31.12.{when}"
        + ("" if when == year else f" (zum 31.12.{year} gab es den Gemeindeverband nicht)")
        + "; Werte als Summe dieser Gemeinden über alle Jahre."
    )
filters.write_page_params(PARAM_KEYS, demography_views.to_query(params))
indicator = INDICATORS[indicator_key]

note = demography.change_note(year, base_year)
if note and indicator.key in {"veraenderung", "veraenderung_pct", "index"}:
    st.warning(note, icon="⚠️")

chart_column, map_column = st.columns(2, gap="medium")
with chart_column:
    long = demography_views.comparison_long(
        population, selection, cooperations, names, indicator.key, base_year
    )
    st.plotly_chart(
        make_time_chart(long, indicator, base_year, large=selection.presenter),
        config={"displaylogo": False},
        key="demografie.chart",
    )
    if long["value"].isna().any():
        st.caption(
            "Lücken: 2016 fehlen für sechs Gemeinden in Nordrhein-Westfalen die Werte "
            "(Destatis: unplausibel), daher keine Summe für NRW und Deutschland 2016; "
            "Kooperationen ohne Werte aller Mitglieder werden nicht summiert."
        )
    ui.sources_caption(sources, ["population"])

table = load_municipality_table(year, base_year)
with map_column:
    shape_year = None
    if view == "deutschland":
        fmap, breaks = ui.load_or_stop(lambda: germany_map(indicator.key, year, base_year))
    elif view == "verbaende":
        fmap, breaks, shape_year = ui.load_or_stop(
            lambda: association_map(indicator.key, year, base_year)
        )
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
            key=f"demografie.map.{view}.{indicator.key}.{year}.{base_year}.{hash(tuple(ags))}",
            height=420,
            use_container_width=True,
            returned_objects=[],
        )
        ui.legend(demography_views.legend_items(breaks, indicator))
        if view == "verbaende":
            st.caption(
                f"{indicator.label} der Gemeindeverbände (Summe der Mitglieder), Stand "
                f"31.12.{year}; Umrisse zum 31.12.{shape_year} aus den Gemeindeflächen 2016. "
                "Verbandsfreie Gemeinden sind nicht eingefärbt; grau: kein Wert für alle "
                "Mitglieder."
            )
        else:
            st.caption(
                f"{indicator.label}, Stand 31.12.{year}. Karte im Gebietsstand 01.01.2016: grau "
                "sind Gemeinden, die es im gewählten Jahr unter diesem Schlüssel nicht mehr gibt "
                "(Fusion) oder ohne veröffentlichten Wert."
            )
        ui.sources_caption(
            sources,
            ["boundaries", "population"] + (["associations"] if view == "verbaende" else []),
        )

st.subheader("Gemeinden im Vergleich")
shown = demography_views.ranking(table, ags, indicator, names)
ui.table(shown, max_height=420)
st.download_button(
    "CSV herunterladen",
    shown.to_csv(index=False, sep=";", decimal=",").encode("utf-8-sig"),
    file_name=f"ksg_{indicator.key}_{year}.csv",
    mime="text/csv",
    key="demografie.csv",
)
ui.sources_caption(sources, ["population"])

panels.territorial_notes(population, register, ags)
panels.district_age_section(
    ui.load_or_stop(load_district_age),
    ui.load_or_stop(load_dependency_ratios),
    demography_views.districts_of(ags),
    selection.presenter,
    sources,
)
