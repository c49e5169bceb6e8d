"""Streamlit parts of the demographics page's population theme: indicator controls with the
URL, the time chart, the map (selection, Gemeindeverbände or all of Germany) and the ranking.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd
import streamlit as st

from ksg_dashboard.app import widgets as ui
from ksg_dashboard.app.cache import (
    association_map,
    germany_map,
    load_packed_shapes,
)
from ksg_dashboard.app.widgets import sources_caption
from ksg_dashboard.charts.figures import make_pyramid, make_time_chart
from ksg_dashboard.core import export, numbers, territory
from ksg_dashboard.core.config import FIRST_YEAR, LAST_YEAR
from ksg_dashboard.core.selection import Selection
from ksg_dashboard.demography import views as demography_views
from ksg_dashboard.demography.model import (
    INDICATORS,
    Indicator,
    age_shares,
    change_note,
    pyramid,
)
from ksg_dashboard.demography.views import AGE_YEARS, district_names
from ksg_dashboard.maps import render_cache as map_cache
from ksg_dashboard.maps.layers import region_colours

YEARS = list(range(FIRST_YEAR, LAST_YEAR + 1))
KEY_INDICATOR = "demografie.indikator"


# Per-process caches of what this page computes from the shared frames (arguments with a
# leading underscore are not hashed: they are the process-wide frames, the same every run).
# Entries are small (a line chart, a ranking of the selection), so counts bound their size.
@st.cache_resource(show_spinner=False, max_entries=128)
def _time_chart(_population, _cooperations, _names, _totals, _events, key: tuple, large: bool):
    (regions, ags_key, states_key, custom), _, indicator_key, base_year, _mode = key
    chosen = Selection(regions=regions, ags=ags_key, states=states_key, custom=custom)
    long = demography_views.comparison_long(
        _population,
        chosen,
        _cooperations,
        _names,
        indicator_key,
        base_year,
        official_totals=_totals,
        events=_events,
    )
    colours = region_colours(_cooperations)
    by_label = {c["short_name"]: colours[c["id"]] for c in _cooperations if c["id"] in regions}
    chart = make_time_chart(
        long, INDICATORS[indicator_key], base_year, large=large, region_colours=by_label
    )
    return chart, long


@st.cache_resource(show_spinner=False, max_entries=128)
def _ranking(_table, _names, key: tuple):
    _, _, ags_key, indicator_key, _mode = key
    return demography_views.ranking(_table, list(ags_key), INDICATORS[indicator_key], _names)


def controls(
    parsed: demography_views.ParsedParams, presenter: bool = False
) -> demography_views.DemographyParams:
    """Indicator, year, base year and map view; the URL's values on the session's first run
    (bad values become notes). In presenter mode the map view is a one-line select, so chart,
    map and legend fit on a 1280×720 screen (the three radio options wrap to three lines)."""
    if KEY_INDICATOR not in st.session_state:
        for note in parsed.notes:
            ui.note(note)
        st.session_state[KEY_INDICATOR] = parsed.params.indicator
        st.session_state["demografie.jahr"] = parsed.params.year
        st.session_state["demografie.basis"] = parsed.params.base_year
        st.session_state["demografie.ansicht"] = parsed.params.view
    controls = st.columns([3, 1, 1, 2])
    indicator_key = controls[0].selectbox(
        "Indikator",
        list(INDICATORS),
        format_func=lambda k: f"{INDICATORS[k].label} ({INDICATORS[k].unit})".replace(" ()", ""),
        key="demografie.indikator",
    )
    year = controls[1].selectbox("Jahr", YEARS, key="demografie.jahr")
    base_year = controls[2].selectbox("Basisjahr", YEARS, key="demografie.basis")
    view = ui.labelled_choice(
        controls[3].selectbox if presenter else controls[3].radio,
        "Karte",
        demography_views.VIEWS,
        key="demografie.ansicht",
        **({} if presenter else {"horizontal": True}),
    )
    return demography_views.DemographyParams(indicator_key, year, base_year, view)


def association_caption(cooperations: Sequence[Mapping], year: int) -> None:
    """Which members a selected Gemeindeverband counts with."""
    body = next((c for c in cooperations if c.get("association_key")), None)
    if body is not None:
        when = body["association_year"]
        st.caption(
            f"{body['name']}: Mitglieder zum 31.12.{when}"
            + ("" if when == year else f" (zum 31.12.{year} gab es den Gemeindeverband nicht)")
            + "; Werte als Summe dieser Gemeinden über alle Jahre."
        )


def time_chart_section(
    population: pd.DataFrame,
    cooperations: list[dict],
    names: dict[str, str],
    totals: pd.DataFrame | None,
    events: pd.DataFrame | None,
    selection: Selection,
    indicator: Indicator,
    base_year: int,
    mode: str,
    sources: dict,
) -> None:
    """The indicator over time for the selection and its references, with notes and sources."""
    published = mode == territory.PUBLISHED
    chosen = (selection.regions, selection.ags, selection.states, selection.custom)
    labels = tuple((c["id"], c.get("short_name"), c.get("name")) for c in cooperations)
    figure, long = _time_chart(
        population,
        cooperations,
        names,
        totals,
        events if published else None,
        (chosen, labels, indicator.key, base_year, mode),
        selection.presenter,
    )
    ui.chart(
        figure,
        presenter=selection.presenter,
        config=ui.chart_config(f"{indicator.key}_zeitreihe"),
        key="demografie.chart",
    )
    st.caption(territory.caption(mode))
    notes = chart_notes(long)
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


def _rendered_map(
    params: demography_views.DemographyParams,
    mode: str,
    ags: list[str],
    states,
    table: pd.DataFrame,
) -> map_cache.RenderedMap | None:
    """The rendered map of the chosen view: Germany (also for a selection too large to draw
    alone), the Gemeindeverbände or the selection; None (with a hint) for no selection."""
    indicator = INDICATORS[params.indicator]
    view, year, base_year = params.view, params.year, params.base_year
    if view == "deutschland" or len(ags) > demography_views.MAX_SELECTION_MAP:
        if view != "deutschland":
            st.caption(
                f"Die Auswahl umfasst {numbers.count(len(ags), 'Gemeinde', 'Gemeinden')}; "
                "gezeigt wird die "
                "Karte aller Gemeinden (schneller als eine Karte der Auswahl)."
            )
        germany_key = ("demografie", "deutschland", indicator.key, year, base_year, mode)
        return ui.load_or_stop(
            lambda: map_cache.rendered_with_progress(
                germany_key, lambda: germany_map(indicator.key, year, base_year, mode)
            )
        )
    if view == "verbaende":
        return ui.load_or_stop(
            lambda: map_cache.rendered_with_progress(
                ("demografie", "verbaende", indicator.key, year, base_year),
                lambda: association_map(indicator.key, year, base_year),
            )
        )
    if ags:
        map_key = ("demografie", view, indicator.key, year, base_year, mode, tuple(ags))
        return map_cache.rendered_with_progress(
            map_key,
            lambda: demography_views.selection_map(
                ui.load_or_stop(lambda: load_packed_shapes("regional")).select(ags),
                states,
                table,
                ags,
                indicator,
            ),
        )
    st.info(
        "Für die Karte eine Kooperation, ein Land oder eine Gemeinde wählen – "
        "oder „Deutschland (alle Gemeinden)“.",
        icon="🗺️",
    )
    return None


def map_height(presenter: bool) -> int:
    """The demographics maps' height: lower in presenter mode, so the legend under the map
    stays on a 1280×720 screen below the theme and indicator controls."""
    return 300 if presenter else 420


def _show_map(
    rendered: map_cache.RenderedMap,
    params: demography_views.DemographyParams,
    mode: str,
    sources: dict,
    presenter: bool,
) -> None:
    """The map with its legend, caption and sources."""
    indicator = INDICATORS[params.indicator]
    view, year = params.view, params.year
    map_cache.show(rendered, key="demografie.map", height=map_height(presenter))
    breaks, shape_year = rendered.extra if view == "verbaende" else (rendered.extra, None)
    ui.legend(demography_views.legend_items(breaks, indicator))
    if view == "verbaende":
        st.caption(
            f"{indicator.label} der Gemeindeverbände (Summe der Mitglieder), Stand "
            f"31.12.{year}; Umrisse zum 31.12.{shape_year} aus den Gemeindeflächen 2016. "
            "Verbandsfreie Gemeinden sind nicht eingefärbt; grau: kein Wert für alle "
            "Mitglieder."
        )
    else:
        st.caption(map_caption(indicator.label, year, mode))
    ui.sources_caption(
        sources,
        ["boundaries", "population", "crosswalk"]
        + (["associations"] if view == "verbaende" else []),
    )


def map_section(
    params: demography_views.DemographyParams,
    mode: str,
    ags: list[str],
    states,
    table: pd.DataFrame,
    sources: dict,
    presenter: bool = False,
) -> None:
    """The map of the chosen view with its legend, caption and sources (or an empty state)."""
    rendered = _rendered_map(params, mode, ags, states, table)
    if rendered is not None:
        _show_map(rendered, params, mode, sources, presenter)


def ranking_section(
    table: pd.DataFrame,
    names: dict[str, str],
    params: demography_views.DemographyParams,
    mode: str,
    ags: list[str],
    sources: dict,
) -> None:
    """The selection's municipalities ranked by the indicator, with the CSV download."""
    indicator = INDICATORS[params.indicator]
    year, base_year = params.year, params.base_year
    st.subheader("Gemeinden im Vergleich")
    shown = _ranking(table, names, (year, base_year, tuple(ags), indicator.key, mode))
    ui.table(shown, max_height=420)
    st.caption(territory.caption(mode))
    left_out = demography_views.unincorporated_count(table, ags)
    if left_out:
        st.caption(
            f"Nicht aufgeführt: "
            f"{numbers.count(left_out, 'gemeindefreies Gebiet', 'gemeindefreie Gebiete')} "
            "(meist unbewohnte Forste und Seen; "
            "sie sind keine Gemeinden)."
        )
    st.download_button(
        "CSV herunterladen",
        data=lambda: export.csv_with_metadata(
            shown, mode, sources, f"31.12.{year}, Basisjahr {base_year}"
        ),
        file_name=f"ksg_{indicator.key}_{year}_gebiet_{mode}.csv",
        mime="text/csv",
        on_click="ignore",
        key="demografie.csv",
    )
    ui.sources_caption(sources, ["population", "crosswalk"])


def _age_shares_and_ratios(
    frame: pd.DataFrame,
    ratios: pd.DataFrame,
    district_keys: list[str],
    presenter: bool,
    sources: dict,
) -> None:
    """The shares under 18 and 65+ of the pyramid `frame` and the districts' dependency ratios."""
    shares = age_shares(frame)
    st.metric("Anteil unter 18 Jahren", f"{numbers.or_unknown(shares['unter_18'], 1)} %")
    st.metric("Anteil 65 Jahre und älter", f"{numbers.or_unknown(shares['ab_65'], 1)} %")
    table = demography_views.dependency_table(ratios, district_keys, short=presenter)
    if table.empty:
        return
    st.markdown("**Jugend- und Altenquotient 2018** (je Kreis)")
    ui.table(table, presenter=presenter)
    st.caption(
        "Personen unter 20 bzw. ab 65 Jahren je 100 Personen von 20 bis unter 65 Jahren "
        "(aus den Altersgruppen nachgerechnet; die Quelle nennt die Definition nicht)."
    )
    sources_caption(sources, ["dependency_ratios"])


def district_age_section(
    district_age: pd.DataFrame,
    ratios: pd.DataFrame,
    district_keys: list[str],
    presenter: bool,
    sources: dict,
) -> None:
    """Age pyramid, shares under 18 / 65+ and dependency ratios for the selection's districts."""
    st.subheader("Altersstruktur der Kreise")
    st.caption(
        "Altersangaben gibt es in der amtlichen Statistik nicht je Gemeinde; gezeigt werden die "
        "Werte der Landkreise/kreisfreien Städte, in denen die ausgewählten Gemeinden liegen."
    )
    if not district_keys:
        st.info("Bitte eine Kooperation, ein Land oder eine Gemeinde wählen.", icon="ℹ️")
        return
    names = district_names(district_age, district_keys)
    year = st.select_slider(
        "Stichtag 31.12.",
        options=list(range(AGE_YEARS[0], AGE_YEARS[1] + 1)),
        value=AGE_YEARS[1],
        key="demografie.altersjahr",
    )
    frame = pyramid(district_age, district_keys, year)
    if frame.empty or frame["population"].isna().all():
        st.info(
            f"Für {', '.join(names)} gibt es zum 31.12.{year} keine Altersangaben "
            "(z. B. Kreis erst nach einer Gebietsreform gebildet oder unbewohntes Gebiet).",
            icon="ℹ️",
        )
        return
    left, right = st.columns([3, 2])
    with left:
        st.markdown(f"**{', '.join(names)}** · 31.12.{year}")
        ui.chart(
            make_pyramid(frame, large=presenter),
            presenter=presenter,
            config=ui.chart_config(f"altersaufbau_kreise_{year}"),
            key="demografie.pyramid",
        )
        sources_caption(sources, ["district_age"])
    with right:
        _age_shares_and_ratios(frame, ratios, district_keys, presenter, sources)


def chart_notes(long: pd.DataFrame) -> list[str]:
    """Captions for the marked points of a time chart (official totals, territorial changes)."""
    if "note" not in long.columns:
        return []
    noted = long[long["note"].fillna("") != ""]
    texts = []
    for note, rows in noted.groupby("note", sort=False):
        series = ", ".join(dict.fromkeys(rows["series"]))
        years = ", ".join(str(int(y)) for y in sorted(set(rows["year"])))
        texts.append(f"◇ {series} {years}: {note}.")
    return texts


def map_caption(label: str, year: int, mode: str) -> str:
    """What the municipality map shows and which territory."""
    if mode == territory.PUBLISHED:
        return (
            f"{label}, Stand 31.12.{year}, jeweiliger Gebietsstand auf den Grenzen vom "
            "31.12.2022: grau sind Gemeinden, die es im gewählten Jahr unter ihrem heutigen "
            "Schlüssel noch nicht gab, oder ohne Wert; gestrichelt umrandet (⚑ im Tooltip) "
            "sind Werte, die eine Gebietsänderung überspannen."
        )
    return (
        f"{label}, Stand 31.12.{year}, Gebietsstand 31.12.2022 (Grenzen VG250 2016, "
        "seitdem fusionierte Gemeinden zusammengefasst); grau: ohne veröffentlichten Wert."
    )


def change_warning(year: int, base_year: int, indicator: Indicator) -> None:
    """A change across the census break or a territorial reform, said above chart and map."""
    note = change_note(year, base_year)
    if note and indicator.key in {"veraenderung", "veraenderung_pct", "index"}:
        st.warning(note, icon="⚠️")
