"""Streamlit panels shared by pages: headline figures and the selection details panel."""

from __future__ import annotations

import html
from functools import partial

import pandas as pd
import streamlit as st

from ksg_dashboard.app import sidebar as filters
from ksg_dashboard.app import widgets as ui
from ksg_dashboard.app.cache import (
    load_area_jumps,
    load_change_events,
    load_member_table,
    load_municipalities,
    load_municipality_names,
    load_population,
    load_population_for,
    load_territorial_changes,
)
from ksg_dashboard.app.widgets import sources_caption
from ksg_dashboard.associations import panels as association_panels
from ksg_dashboard.core import numbers, territory
from ksg_dashboard.core.config import DEFAULT_BASE_YEAR, LAST_YEAR, STATE_NAMES
from ksg_dashboard.core.export import (
    csv_bytes,
    download_header,
    download_metadata,
    geojson_bytes,
    population_datasets,
    selection_table,
    source_line,
)
from ksg_dashboard.core.indicators import Headline, territorial_changes
from ksg_dashboard.core.selection import CUSTOM_ID, Selection, selection_from_click
from ksg_dashboard.core.text import plain
from ksg_dashboard.demography.themes import panels as daseinsvorsorge_panels
from ksg_dashboard.maps.layers import association_legend
from ksg_dashboard.overview import model as overview
from ksg_dashboard.overview.model import (
    OverviewData,
    cooperation_by_id,
    member_table,
    regions_of,
)

INTRO_HTML = (
    '<p class="ksg-secondary" style="margin:-.6rem 0 0">Transferwerkstatt „Sicherung der '
    "Daseinsvorsorge durch Kooperationen und überörtliche Netzwerke“, 11.–12. März 2019 in "
    "Gröditz. Karte: erst eine Kooperation anklicken, dann eine Gemeinde.</p>"
)


def map_toggles(presenter: bool) -> tuple[bool, bool]:
    """The overview map's switches: online background (not in presenter mode) and
    Gemeindeverbände."""
    toggles = st.columns(2)
    online = not presenter and toggles[0].toggle(
        "Online-Hintergrundkarte (OpenStreetMap)", key="overview.tiles"
    )
    show_bodies = toggles[1].toggle(
        "Gemeindeverbände anzeigen",
        key="overview.verbaende",
        help="Ämter, Verwaltungsgemeinschaften, Samt- und Verbandsgemeinden, "
        "Verwaltungsverbände und erfüllende Gemeinden als gestrichelte Umrisse",
    )
    return online, show_bodies


def intro(presenter: bool) -> None:
    """Title (not in presenter mode) and what the workshop and the map are."""
    if not presenter:
        st.title("Kooperationen und Programmkommunen")
    st.html(INTRO_HTML)


def map_notes(legend: list, show_bodies: bool, sources: dict) -> None:
    """Under the map: its legend (what is in view), the Gemeindeverbände key, the sources."""
    ui.legend(legend)
    if show_bodies:
        ui.legend(association_legend(), shape="line")
        st.caption(
            f"Gemeindeverbände zum 31.12.{LAST_YEAR}, Umrisse aus den Gemeindeflächen mit "
            "Gebietsstand 2016 (später neu gebildete Gemeinden fehlen im Umriss). Gemeinden ohne "
            "Gemeindeverband sind verbandsfrei. Name und Art beim Zeigen auf die Linie."
        )
    ui.sources_caption(
        sources,
        ["boundaries", "population", "cooperations", "measures"]
        + (["associations"] if show_bodies else []),
    )


def follow_map_click(clicked: dict | None, selection: Selection) -> None:
    """A click on a region or municipality of the map becomes the new selection."""
    feature = (clicked or {}).get("last_active_drawing")
    if feature:
        new = selection_from_click(feature.get("properties"), selection)
        if new != selection:
            filters.request_selection(new)


def scope_label(selection: Selection, data: OverviewData) -> str:
    """What the figures refer to, in words (the overview map names the same on its container)."""
    return overview.scope_label(data, selection)


def headline_line(figures: Headline) -> str:
    """The key figures as one line of text (presenter mode)."""
    parts = [
        numbers.count(figures.municipalities, "Gemeinde", "Gemeinden"),
        f"{numbers.or_unknown(figures.population)} Einw. ({figures.year})",
        f"{numbers.or_unknown(figures.area_km2, 0)} km²",
    ]
    if figures.change_pct is not None:
        percent = numbers.or_unknown(figures.change_pct, 1, signed=True)
        marker = " (inkl. Gebietsänderung)" if figures.territorial_changes else ""
        parts.append(f"{percent} % seit {figures.base_year}{marker}")
    return " · ".join(parts)


def headline_metrics(
    figures: Headline,
    selection: Selection,
    data: OverviewData,
    mode: str = territory.DEFAULT_MODE,
) -> None:
    """Four key figures with their reference date and territory (one line in presenter mode)."""
    scope = html.escape(scope_label(selection, data))
    if selection.presenter:
        st.html(
            f'<div style="font-size:1.45rem;font-weight:700">{scope}</div>'
            f'<div style="font-size:1.05rem">{html.escape(headline_line(figures))}</div>'
        )
        return
    st.markdown(f"**{scope}** · Stand 31.12.{figures.year} · {territory.MODES[mode]}")
    # On phones the four cards would stack and push the map off the screen: one line instead.
    st.html(f'<div class="ksg-compact-headline">{html.escape(headline_line(figures))}</div>')
    cols = st.container(key="ksg-metrics").columns(4)
    cols[0].metric("Gemeinden", numbers.or_unknown(figures.municipalities))
    cols[1].metric(f"Einwohner {figures.year}", numbers.or_unknown(figures.population))
    cols[2].metric("Fläche", f"{numbers.or_unknown(figures.area_km2, 0)} km²")
    # The true minus sign; the arrow is set explicitly (Streamlit would look for a "-").
    change = figures.change_pct
    delta = None if change is None else numbers.percent(change, signed=True)
    arrow = "off" if not change else ("down" if change < 0 else "up")
    cols[3].metric(
        f"Veränderung seit {figures.base_year}",
        numbers.or_unknown(figures.change_abs, signed=True),
        delta=delta,
        delta_color="off",
        delta_arrow=arrow,
    )
    if figures.territorial_changes:
        names = data.register.set_index("ags")["name"]
        changes = ", ".join(f"{names.get(a, a)} {y}" for a, y in figures.territorial_changes)
        if mode == territory.PUBLISHED:
            st.caption(
                f"{territory.FLAG} Gebietsänderung im Zeitraum ({changes}): die Veränderung seit "
                f"{figures.base_year} enthält eingemeindete Einwohner und ist kein reiner "
                "Bevölkerungstrend. Vergleichbar: Gebietsstand 31.12.2022 (Seitenleiste)."
            )
        else:
            st.caption(
                f"Flächenänderung im Zeitraum ({changes}) ohne bekannte Einwohnerzahl der "
                "Fläche (Grenzänderung oder Neuvermessung): nicht umgerechnet."
            )
    st.caption(territory.caption(mode))
    if figures.missing:
        st.caption(
            f"Für {numbers.municipality_count(len(figures.missing))} fehlen Werte in "
            f"{figures.base_year} oder "
            f"{figures.year} (z. B. Gebietsänderung): Summen und Veränderung nicht berechnet."
        )


def _names(data: OverviewData) -> dict[str, str]:
    """Name per AGS of the register (cached when `data` holds the process-wide register)."""
    if data.register is load_municipalities():
        return load_municipality_names()
    return data.register.set_index("ags")["name"].to_dict()


def _member_table(data: OverviewData, ags: list[str]) -> pd.DataFrame:
    """member_table, cached per set of AGS when `data` holds the process-wide frames."""
    if data.register is load_municipalities():
        for mode in (territory.PUBLISHED, territory.DEFAULT_MODE):  # published: always loaded
            if data.population is load_population_for(mode):
                return load_member_table(tuple(ags), mode)
    return member_table(data, ags)


def territorial_notes(population: pd.DataFrame, register: pd.DataFrame, ags: list[str]) -> None:
    """Captions for mergers/splits found in the selected municipalities' area series."""
    published = population is load_population()
    if published or population is load_population_for(territory.DEFAULT_MODE):
        mode = territory.PUBLISHED if published else territory.DEFAULT_MODE
        changes = load_area_jumps(tuple(ags), mode)  # a process-wide frame: cached
    else:
        changes = territorial_changes(population[population["ags"].isin(ags)])
    names = register.set_index("ags")["name"]
    for row in changes.itertuples():
        area = [numbers.or_unknown(a, 1) for a in (row.area_before, row.area_after)]
        people = [numbers.or_unknown(p) for p in (row.population_before, row.population_after)]
        st.caption(
            f"Gebietsänderung {names.get(row.ags, row.ags)} {row.year}: Fläche "
            f"{area[0]} → {area[1]} km², Einwohner {people[0]} → {people[1]}."
        )


def _link_params(params: dict[str, str], presenter: bool) -> dict[str, str]:
    return {**params, "praesentation": "1"} if presenter else params


def _territory_notes(data: OverviewData, ags: list[str]) -> None:
    """Territorial changes of the municipalities from the change register (area jumps of the
    published series if the register cannot be read)."""
    changes = ui.load_or_default(load_territorial_changes, None)
    events = ui.load_or_default(load_change_events, None)
    if changes is None or events is None:
        territorial_notes(data.population, data.register, ags)
        return
    ui.change_notes(changes, events, data.register, ags, filters.territory_mode(), limit=6)


def cooperation_details(data: OverviewData, cooperation: dict, presenter: bool = False) -> None:
    """Name, programme year, members with population, projects, sources, uncertainty."""
    st.subheader(cooperation["short_name"])
    st.caption(f"{cooperation['kind']} · {cooperation['name']}")
    year = cooperation.get("programme_year")
    st.markdown(f"**Im Programm seit:** {year if year else 'unbekannt'}")
    if cooperation.get("programme_year_note") and not presenter:
        st.caption(cooperation["programme_year_note"])
    table = _member_table(data, cooperation["member_ags"])
    ui.table(table.drop(columns=["AGS"]) if presenter else table)
    daseinsvorsorge_panels.key_figures(
        cooperation["member_ags"], _link_params({"region": cooperation["id"]}, presenter)
    )
    _territory_notes(data, cooperation["member_ags"])
    if cooperation["id"] != CUSTOM_ID:
        names = _names(data)
        association_panels.relation_section(cooperation["member_ags"], names)
    st.markdown(cooperation.get("summary", ""))
    projects = cooperation.get("key_projects") or []
    if projects:
        st.markdown("**Schlüsselprojekte**")
        st.markdown("\n".join(f"- {p['text']}" for p in projects))
    if cooperation.get("uncertain"):
        st.html(
            '<div class="ksg-uncertain"><b>Unsicher:</b> '
            f"{html.escape(cooperation['uncertain'])}</div>"
        )
    st.html("<b>Quellen</b>" + ui.source_links_html(cooperation.get("sources") or []))


def association_details(data: OverviewData, body: dict, presenter: bool = False) -> None:
    """A Gemeindeverband: type, members with population, workshop cooperations it touches."""
    st.subheader(body["short_name"])
    st.caption(
        f"{body['kind']} · Schlüssel {body['association_key']} · Mitglieder zum "
        f"31.12.{body['association_year']}"
    )
    table = member_table(data, body["member_ags"])
    ui.table(table.drop(columns=["AGS"]) if presenter else table)
    territorial_notes(data.population, data.register, body["member_ags"])
    members = set(body["member_ags"])
    touching = [c["short_name"] for c in data.cooperations if members & set(c["member_ags"])]
    touching = [c for c in touching if c != body["short_name"]]
    if touching:
        st.markdown("**Kooperationen der Werkstatt mit Mitgliedern hier:** " + ", ".join(touching))
    sources_caption(filters.load_sources_or_empty(), ["associations"])


def municipality_details(data: OverviewData, ags: str) -> None:
    """Official name, keys, population development and cooperation membership."""
    register = data.register.set_index("ags")
    if ags not in register.index:
        st.info("Für diese Gemeinde liegen keine Daten vor.")
        return
    row = register.loc[ags]
    st.subheader(str(row["name"]))
    st.caption(
        f"AGS {ags} · {row['type'] or 'Gemeinde'} · {row['district_name']} · {row['state_name']}"
    )
    ui.table(_member_table(data, [ags]).drop(columns=["Gemeinde"]))
    daseinsvorsorge_panels.key_figures([ags], {"ags": ags})
    _territory_notes(data, [ags])
    association_panels.membership_line(ags)
    memberships = regions_of(data, ags)
    if memberships:
        st.markdown("**Kooperation:** " + ", ".join(c["short_name"] for c in memberships))
    measures = [m for m in data.measures if ags in m["member_ags"]]
    if measures:
        st.markdown("**Praxisbeispiel:** " + ", ".join(m["name"] for m in measures))


def selection_details(
    data: OverviewData, selection: Selection, ags: list[str], file_names: dict[str, str]
) -> None:
    """The details panel beside the overview map: one section per active part of the
    selection (cooperations, states, municipality), as the sidebar chips show them."""
    for region in selection.regions:
        cooperation = cooperation_by_id(data, region)
        if cooperation and region == CUSTOM_ID:
            custom_details(data, cooperation, file_names)
        elif cooperation and cooperation.get("association_key"):
            association_details(data, cooperation, selection.presenter)
        elif cooperation:
            cooperation_details(data, cooperation, selection.presenter)
        if cooperation and len(selection.regions) == 1:
            member_picker(data, cooperation, selection)
    if selection.states:
        st.subheader(", ".join(STATE_NAMES[s] for s in selection.states))
        register = data.register[data.register["last_year"] == data.register["last_year"].max()]
        in_states = register[register["state_key"].isin(selection.states)]
        outside = int(territory.is_unincorporated(in_states["type"]).sum())
        st.markdown(
            f"{numbers.municipality_count(len(in_states) - outside)} (Gebietsstand "
            "31.12.2022)"
            + (
                f", dazu {numbers.count(outside, 'gemeindefreies Gebiet', 'gemeindefreie Gebiete')}"
                if outside
                else ""
            )
        )
    if selection.ags:
        municipality_details(data, selection.ags)
    if not selection.is_empty:
        return
    st.subheader("Kooperationen der Werkstatt")
    st.caption("Zum Auswählen anklicken – in der Karte oder hier:")
    for cooperation in data.cooperations:
        st.button(
            cooperation["short_name"],
            key=f"overview.pick.{cooperation['id']}",
            on_click=filters.set_selection,
            args=(Selection(regions=(cooperation["id"],), presenter=selection.presenter),),
        )


MAX_PICKER_MEMBERS = 300


def member_picker(data: OverviewData, cooperation: dict, selection: Selection) -> None:
    """A searchable select of the members: the keyboard way to what a click on the map does."""
    names = _names(data)
    members = list(dict.fromkeys(cooperation["member_ags"]))
    if len(members) > MAX_PICKER_MEMBERS:  # a large own list: the sidebar search does this
        return
    picked = st.selectbox(
        "Gemeinde wählen",
        options=members,
        format_func=lambda a: f"{names.get(a, a)} ({a})",
        index=None,
        key=f"overview.member.{cooperation['id']}",
        placeholder="Name eingeben oder aus der Liste wählen …",
        help="Wie ein Klick auf die Gemeinde in der Karte",
    )
    new = selection_from_click({"ags": picked}, selection) if picked else selection
    if new != selection:
        filters.request_selection(new)


def custom_details(data: OverviewData, cooperation: dict, file_names: dict[str, str]) -> None:
    """The planner's own list: members with population and the names given in the file."""
    st.subheader("Eigene Auswahl")
    ui.plain_caption(cooperation["name"])  # carries the uploaded file's name
    table = _member_table(data, cooperation["member_ags"]).copy()  # the cached one is shared
    if file_names:
        table.insert(1, "Name in Datei", table["AGS"].map(file_names).fillna(""))
    # st.table renders cells as Markdown: names from uploaded files go through plain().
    shown = (
        table.head(50)
        .astype(object)
        .map(lambda v: "" if pd.isna(v) else plain(v, 80) if isinstance(v, str) else v)
    )
    for column in shown.columns[shown.columns.str.startswith(("Einw.", "±"))]:
        shown[column] = [
            numbers.or_unknown(v, 1)
            if column.startswith("±") and v != ""
            else numbers.or_unknown(v or None)
            for v in shown[column]
        ]
    st.table(shown)
    if len(table) > 50:
        st.caption(f"… und {len(table) - 50} weitere (vollständig im Download).")


def download_buttons(
    data: OverviewData,
    ags: list[str],
    mode: str = territory.DEFAULT_MODE,
    sources: dict | None = None,
    file_names: dict[str, str] | None = None,
) -> None:
    """CSV and GeoJSON of the selected municipalities (naming territory, source and licence,
    with the names an uploaded list gave, neutralised like every cell), generated only when
    clicked."""
    if not ags:
        return
    metadata = download_metadata(mode, sources or {})
    source = source_line(sources or {}, ["population", "boundaries"])
    year = int(data.population["year"].max())
    reference = f"Einwohner und Fläche 31.12.{year}, Einwohner 31.12.{DEFAULT_BASE_YEAR}"
    datasets = population_datasets(mode)
    header = download_header(sources or {}, datasets, territory.MODES[mode], reference)
    shapes_header = download_header(
        sources or {}, [*datasets, "boundaries"], territory.MODES[mode], reference
    )
    table = partial(
        selection_table,
        data.population,
        data.register,
        ags,
        metadata=metadata,
        file_names=file_names or None,
    )
    left, right = st.columns(2)
    left.download_button(
        "CSV",
        data=lambda: csv_bytes(table(), source, header),
        file_name="ksg_auswahl.csv",
        mime="text/csv",
        on_click="ignore",
        key="download.csv",
        icon="⬇️",
    )
    right.download_button(
        "GeoJSON",
        data=lambda: geojson_bytes(
            data.shapes.select(ags), table(), metadata, source, shapes_header
        ),
        file_name="ksg_auswahl.geojson",
        mime="application/geo+json",
        on_click="ignore",
        key="download.geojson",
        icon="⬇️",
    )


# --- territorial status ------------------------------------------------------------------------
