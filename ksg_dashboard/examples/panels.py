"""Streamlit parts of the examples page: filter widgets with URL sync, cards, detail dialog."""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

import pandas as pd
import streamlit as st

from ksg_dashboard.app import sidebar as filters
from ksg_dashboard.app import url_state
from ksg_dashboard.app import widgets as ui
from ksg_dashboard.app.cache import load_municipality_shapes, load_sources, load_states
from ksg_dashboard.assets import read_asset
from ksg_dashboard.core.config import STATE_NAMES
from ksg_dashboard.core.text import escape_markdown, plain
from ksg_dashboard.examples import categories as example_categories
from ksg_dashboard.examples import charts as charts_examples
from ksg_dashboard.examples import map as examples_map
from ksg_dashboard.examples import members as example_members
from ksg_dashboard.examples.criteria import YEAR_MAX, YEAR_MIN, ExampleFilter, normalise_years
from ksg_dashboard.examples.members import population_series, population_table
from ksg_dashboard.examples.params import EXAMPLE_PARAMS, parse_params, to_params, workshop_links
from ksg_dashboard.examples.records import STATE_ABBREVIATION, Example, all_states
from ksg_dashboard.maps import render_cache as map_cache
from ksg_dashboard.overview.model import HOST_AGS, HOST_LABEL

KEY_STATE = "beispiele.state"  # canonical page state; widget keys only mirror it
KEY_NOTES = "beispiele.notes"
KEY_DIALOG = "beispiele.dialog_open"
KEY_STATES = "beispiele.land"
KEY_THEMES = "beispiele.thema"
KEY_YEARS = "beispiele.jahre"
KEY_TEXT = "beispiele.suche"
KEY_ONLY = "beispiele.nur_kooperationen"
DETAILS_KEY_PREFIX = "beispiele.details."
KEY_LIMIT = "beispiele.anzahl"  # (filter, number of cards shown): more cards on demand
PAGE_SIZE = 12  # cards at a time (4 rows of 3, 6 of 2); a phone shows them one below another
MAX_CARD_PROJECTS = 3
# On phones the chosen themes and the open option list must not cover the page.
PHONE_FILTER_CSS = f"<style>{read_asset('examples_phone_filter.css').rstrip()}</style>"


@dataclass(frozen=True)
class PageState:
    """Gallery filter plus the example whose details are shown."""

    filter: ExampleFilter = field(default_factory=ExampleFilter)
    selected: str | None = None


# ---------------------------------------------------------------------------------------------
# State and URL
# ---------------------------------------------------------------------------------------------


def init_state(examples: Sequence[Example], themes: Sequence[str]) -> None:
    """On the page's first run in a session, read filter and selection from the URL."""
    if KEY_STATE in st.session_state:
        return
    # The state is the sidebar's (`land`, old links' `bundesland` included): read there.
    params = {k: v for k, v in url_state.query_lists().items() if k != "bundesland"}
    parsed = parse_params(params, themes, [e.id for e in examples], all_states(examples))
    st.session_state[KEY_STATE] = PageState(parsed.filter, parsed.selected)
    st.session_state[KEY_NOTES] = parsed.notes
    st.session_state[KEY_DIALOG] = parsed.selected is not None


def current() -> PageState:
    """This session's page state (the page's own filters: theme, years, text, cooperations)."""
    return st.session_state.get(KEY_STATE, PageState())


def effective_filter() -> ExampleFilter:
    """The page's own filters on top of the app-wide selection's states (sidebar `land`).

    One state filter for the whole app: a planner who chose Brandenburg in the sidebar expects
    Brandenburg's examples here, and the Land field of this page is the same selection."""
    return replace(current().filter, states=filters.current_selection().states)


def _set(state: PageState) -> None:
    st.session_state[KEY_STATE] = state


def select(example_id: str | None) -> None:
    """Select an example and open its details (None clears the selection)."""
    _set(replace(current(), selected=example_id))
    st.session_state[KEY_DIALOG] = example_id is not None


def _close_dialog() -> None:
    st.session_state[KEY_DIALOG] = False


def _reset_filter() -> None:
    _set(replace(current(), filter=ExampleFilter()))


def _from_widgets() -> None:
    """on_change callback: the widgets' values become the filter."""
    years = st.session_state.get(KEY_YEARS) or (YEAR_MIN, YEAR_MAX)
    year_from, year_to = normalise_years(int(years[0]), int(years[1]))
    states = tuple(st.session_state.get(KEY_STATES) or ())
    selection = filters.current_selection()
    if states != selection.states:
        st.session_state[filters.KEY_SELECTION] = replace(selection, states=states)
    flt = ExampleFilter(
        themes=tuple(st.session_state.get(KEY_THEMES) or ()),
        year_from=year_from,
        year_to=year_to,
        text=(st.session_state.get(KEY_TEXT) or "").strip(),
        only_cooperations=bool(st.session_state.get(KEY_ONLY)),
    )
    _set(replace(current(), filter=flt))


def _into_widgets(flt: ExampleFilter) -> None:
    st.session_state[KEY_STATES] = list(filters.current_selection().states)
    st.session_state[KEY_THEMES] = list(flt.themes)
    st.session_state[KEY_YEARS] = (flt.year_from or YEAR_MIN, flt.year_to or YEAR_MAX)
    st.session_state[KEY_TEXT] = flt.text
    st.session_state[KEY_ONLY] = flt.only_cooperations


def sync_url(state: PageState) -> None:
    """Write the page state into the URL (only this page's parameters)."""
    url_state.write(EXAMPLE_PARAMS, to_params(state.filter, state.selected))


TITLE = "Beispiele aus der Programmumsetzung"
INTRO = (
    "Welche Poster bei der Posterausstellung in Gröditz gezeigt wurden, ist nicht bekannt. "
    "Diese Seite zeigt Beispiele aus der Umsetzung des Programms „Kleinere Städte "
    "und Gemeinden“ mit Quelle je Beispiel. Mit ★ markiert: Kooperationen, die auf der "
    "Werkstatt in Vorträgen oder bei der Rundfahrt vorgestellt wurden."
)
SHORT_INTRO = (
    "Beispiele mit Quellen – nicht die in Gröditz gezeigten Poster (unbekannt). "
    "★ = auf der Werkstatt vorgestellt."
)


def page_header(
    presenter: bool, title: str = TITLE, note: str = INTRO, short_note: str = SHORT_INTRO
) -> None:
    """Page title and a note; presenter mode: one compact line each (room for map and cards)."""
    if presenter:
        st.html(
            '<div style="font-size:1.45rem;font-weight:700">'
            f"{html.escape(title)}</div>"
            f'<div style="font-size:.95rem;color:#55606b">{html.escape(short_note)}</div>'
        )
    else:
        st.title(title)
        st.info(note, icon="ℹ️")


def show_notes() -> None:
    """Notes about URL values that were ignored."""
    url_state.show_notes(KEY_NOTES)


def states_without_examples(chosen: Sequence[str], with_examples: Sequence[str]) -> None:
    """A note for states of the selection that have no examples (they filter out everything)."""
    empty = [STATE_NAMES[k] for k in chosen if k not in set(with_examples)]
    if empty:
        ui.note(
            f"Für {', '.join(empty)} liegen keine Beispiele vor (Land der Auswahl in der "
            "Seitenleiste)."
        )


# ---------------------------------------------------------------------------------------------
# Widgets
# ---------------------------------------------------------------------------------------------


def filter_widgets(states: Sequence[str], themes: Sequence[str]) -> ExampleFilter:
    """The filter row; returns the current filter."""
    _into_widgets(current().filter)
    chosen = filters.current_selection().states
    st.html(PHONE_FILTER_CSS)
    top = st.columns([2, 3, 2])
    top[0].multiselect(
        "Land (wie in der Seitenleiste)",
        options=sorted({*states, *chosen}, key=lambda k: STATE_NAMES[k]),
        format_func=lambda k: f"{STATE_NAMES[k]} ({STATE_ABBREVIATION[k]})",
        key=KEY_STATES,
        on_change=_from_widgets,
        placeholder="alle Länder",
        help="Dieselbe Länderauswahl wie „Land“ in der Seitenleiste: sie gilt auf allen Seiten "
        "(im Link `land=`). Thema, Jahre und Suche gelten nur hier, zusätzlich.",
    )
    top[1].multiselect(
        "Thema", options=list(themes), key=KEY_THEMES, on_change=_from_widgets, placeholder="alle"
    )
    top[2].slider(
        "Im Programm seit",
        min_value=YEAR_MIN,
        max_value=YEAR_MAX,
        key=KEY_YEARS,
        on_change=_from_widgets,
        help="Aufnahmejahr. Ist der Zeitraum eingeschränkt, fallen Beispiele mit unbekanntem "
        "Aufnahmejahr heraus.",
    )
    bottom = st.columns([3, 2], vertical_alignment="bottom")
    bottom[0].text_input(
        "Suche in Name, Mitgliedsgemeinden und Projekten",
        key=KEY_TEXT,
        on_change=_from_widgets,
        placeholder="z. B. Ärztehaus, Syrgenstein, Bürgerhaus …",
        max_chars=100,
    )
    bottom[1].toggle(
        "Nur Kooperationen mehrerer Gemeinden",
        key=KEY_ONLY,
        on_change=_from_widgets,
        help="Beispiele mit mindestens zwei Mitgliedern (Ämter und Samtgemeinden zählen mit).",
    )
    return effective_filter()


def result_line(
    shown: int, total: int, hidden_unknown_year: int, summary: str = "", presenter: bool = False
):
    """How many examples pass which filter, with a reset button. In presenter mode the line
    keeps room for the map's colour choice and returns that slot (else None), so map and
    legend fit on a 1280×720 screen."""
    cols = st.columns([2, 3, 1] if presenter else [4, 1], vertical_alignment="center")
    text = f"**{shown}** von {total} Beispielen"
    if summary:
        text += f" ({plain(summary, 200)})"
    if hidden_unknown_year:
        text += f" · {hidden_unknown_year} ohne bekanntes Aufnahmejahr ausgeblendet"
    cols[0].markdown(text)
    if not current().filter.is_empty:
        cols[-1].button("Filter zurücksetzen", key="beispiele.reset", on_click=_reset_filter)
    return cols[1] if presenter else None


# ---------------------------------------------------------------------------------------------
# Cards
# ---------------------------------------------------------------------------------------------


def workshop_badge(example: Example) -> str:
    """Markdown badge for examples presented at the workshop (talk or tour, not a poster)."""
    if example.workshop is None:
        return ""
    return (
        f":violet-badge[★ Auf der Werkstatt vorgestellt] {escape_markdown(example.workshop.role)}"
    )


def theme_tags(example: Example) -> str:
    """The themes as grey markdown badges."""
    return " ".join(f":gray-badge[{escape_markdown(theme)}]" for theme in example.themes)


def meta_line(example: Example) -> str:
    """State, admission year and number of members."""
    since = f"seit {example.since}" if example.since else "Aufnahmejahr unbekannt"
    count = len(example.members)
    members = "1 Gemeinde" if count == 1 else f"{count} Mitglieder"
    return f"**{escape_markdown(example.state_label)}** · {since} · {members}"


def members_line(example: Example) -> str:
    """Member names; members without AGS (Ämter, Samtgemeinden) marked."""
    names = [escape_markdown(m.name) + ("" if m.ags else "¹") for m in example.members]
    return "**Mitglieder:** " + ", ".join(names)


def source_link(title: str, url: str | None) -> str:
    """A markdown link to a source (plain text without URL)."""
    label = escape_markdown(title)
    return f"[{label}]({url.replace(')', '%29')})" if url else label


def card_head_markdown(example: Example) -> str:
    """What a card always shows: name, workshop badge, state, year, number of members, themes."""
    lines = [f"#### {escape_markdown(example.name)}"]
    if example.workshop:
        lines.append(workshop_badge(example))
    lines.append(meta_line(example))
    if example.themes:
        lines.append(theme_tags(example))
    return "\n\n".join(lines)


def card_body_markdown(example: Example, association: str | None = None) -> str:
    """What a card shows on demand: members, Gemeindeverband, summary, projects, source."""
    lines = [members_line(example)]
    if association:
        lines.append(f"**Gemeindeverband:** {escape_markdown(association)}")
    lines.append(escape_markdown(example.summary))
    if example.projects:
        shown = [f"- {escape_markdown(p)}" for p in example.projects[:MAX_CARD_PROJECTS]]
        more = len(example.projects) - MAX_CARD_PROJECTS
        if more > 0:
            shown.append(f"- … und {more} weitere (siehe Details)")
        lines.append("**Schlüsselprojekte:**\n" + "\n".join(shown))
    title, url = example.sources[0]
    lines.append("Quelle: " + source_link(title, url))
    if any(not m.ags for m in example.members):
        lines.append("¹ Amt/Samtgemeinde ohne eigenen Gemeindeschlüssel")
    return "\n\n".join(lines)


def card_markdown(example: Example, association: str | None = None) -> str:
    """Everything of a card except the uncertainty note, as one markdown text: the heading,
    badge, meta line and themes, then what the compact card shows on demand."""
    return card_head_markdown(example) + "\n\n" + card_body_markdown(example, association)


def uncertain_note(notes: Sequence[str]) -> None:
    """The 'unsicher' notes, highlighted."""
    if notes:
        text = " ".join(html.escape(n) for n in notes)
        st.html(f'<div class="ksg-uncertain"><b>Unsicher:</b> {text}</div>')


def card(example: Example, association: str | None = None) -> None:
    """One example as a compact bordered card: the rest opens on demand, details in a dialog."""
    with st.container(border=True, key=f"beispiele.card.{example.id}"):
        st.markdown(card_head_markdown(example))
        with st.expander("Mehr zum Beispiel"):
            st.markdown(card_body_markdown(example, association))
            uncertain_note(example.uncertain)
        st.button(
            "Details und Einwohnerentwicklung",
            key=f"{DETAILS_KEY_PREFIX}{example.id}",
            on_click=select,
            args=(example.id,),
            width="stretch",
        )


def visible_examples(
    examples: Sequence[Example], limit: int, selected: str | None = None
) -> list[Example]:
    """The first `limit` examples; a selected example further down comes first, so a link
    with `beispiel=` always shows its card."""
    visible = list(examples[:limit])
    if selected and all(e.id != selected for e in visible):
        hit = next((e for e in examples if e.id == selected), None)
        if hit is not None:
            visible.insert(0, hit)
    return visible


def card_limit(flt: ExampleFilter) -> int:
    """How many cards to show: PAGE_SIZE, more after "Weitere anzeigen"; a new filter
    starts again at PAGE_SIZE."""
    stored = st.session_state.get(KEY_LIMIT)
    return stored[1] if stored and stored[0] == flt else PAGE_SIZE


def _show_more(flt: ExampleFilter, limit: int) -> None:
    st.session_state[KEY_LIMIT] = (flt, limit)


def gallery(
    examples: Sequence[Example], per_row: int, associations: dict[str, str] | None = None
) -> None:
    """Compact cards in rows (each row its own columns, so a phone shows them in reading
    order), PAGE_SIZE at a time; `associations` holds each example's relation to the
    Gemeindeverbände as text."""
    if not examples:
        st.info("Kein Beispiel passt zu diesem Filter.", icon="🔎")
        return
    state = current()
    limit = card_limit(state.filter)
    visible = visible_examples(examples, limit, state.selected)
    for start in range(0, len(visible), per_row):
        columns = st.columns(per_row, gap="small")
        for column, example in zip(columns, visible[start : start + per_row], strict=False):
            with column:
                card(example, (associations or {}).get(example.id))
    rest = len(examples) - min(limit, len(examples))
    if rest > 0:
        cols = st.columns([3, 2, 2], vertical_alignment="center")
        cols[0].markdown(f"{min(limit, len(examples))} von {len(examples)} Beispielen gezeigt")
        cols[1].button(
            f"{min(rest, PAGE_SIZE)} weitere anzeigen",
            key="beispiele.mehr",
            on_click=_show_more,
            args=(state.filter, limit + PAGE_SIZE),
            width="stretch",
        )
        cols[2].button(
            f"Alle {len(examples)} anzeigen",
            key="beispiele.alle",
            on_click=_show_more,
            args=(state.filter, len(examples)),
            width="stretch",
        )


# ---------------------------------------------------------------------------------------------
# Details
# ---------------------------------------------------------------------------------------------


def anchor(href: str, label: str) -> str:
    """An HTML link that opens in the same tab (for links between the app's views)."""
    return f'<a href="{html.escape(href)}" target="_self">{html.escape(label)}</a>'


def renumbering_note(series: pd.DataFrame) -> str | None:
    """One sentence naming the members whose older values are filed under a former key."""
    moved = series[series["key"] != series["ags"]]
    if moved.empty:
        return None
    parts = [
        f"{member} {rows['key'].iloc[0]} (bis {int(rows['year'].max())})"
        for member, rows in moved.groupby("member", sort=False)
    ]
    return (
        "Frühere Werte unter früheren Gemeindeschlüsseln (Umschlüsselung ohne nennenswerte "
        "Flächenänderung): " + ", ".join(parts) + "."
    )


def _population_part(
    example: Example,
    population: pd.DataFrame,
    register: pd.DataFrame,
    presenter: bool,
    territory_note: str | None,
) -> None:
    """The members' population chart and table with their notes, or why there is none."""
    series = population_series(example, population, register)
    if series.empty:
        st.caption("Für die Mitglieder liegen keine Gemeindeschlüssel vor (Ämter/Samtgemeinden).")
        return
    shown = example_members.population_display(population_table(series))
    ui.chart(
        charts_examples.make_population_chart(series, large=presenter),
        presenter=presenter,
        config=ui.chart_config(f"beispiel_einwohner_{example.id}"),
        key=f"beispiele.population.{example.id}",
    )
    st.dataframe(shown.drop(columns=["AGS"]) if presenter else shown, hide_index=True)
    if territory_note:
        st.caption(territory_note)
    note = renumbering_note(series)
    if note:
        st.caption(note)


def detail_body(
    example: Example,
    population: pd.DataFrame,
    register: pd.DataFrame,
    programme_data: dict | None,
    presenter: bool,
    link_params: dict[str, str],
    territory_note: str | None = None,
) -> None:
    """Everything about one example: figures, members' population, projects, notes, sources."""
    lead = f" · Leitkommune: {escape_markdown(example.lead)}" if example.lead else ""
    st.markdown(meta_line(example) + lead)
    if example.workshop:
        links = workshop_links(example, programme_data, link_params)
        st.markdown(workshop_badge(example))
        st.markdown(" · ".join(anchor(h, label) for h, label in links), unsafe_allow_html=True)
    if example.themes:
        st.markdown(theme_tags(example))
    st.markdown(escape_markdown(example.summary))
    _population_part(example, population, register, presenter, territory_note)
    without_key = [m.name for m in example.members if not m.ags]
    if without_key:
        st.caption(
            "Ohne eigenen Gemeindeschlüssel (keine Einwohnerzahlen): " + ", ".join(without_key)
        )
    if example.projects:
        st.markdown(
            "**Schlüsselprojekte**\n\n"
            + "\n".join(f"- {escape_markdown(p)}" for p in example.projects)
        )
    uncertain_note(example.uncertain)
    st.markdown("**Quellen**\n\n" + "\n".join(f"- {source_link(t, u)}" for t, u in example.sources))


def detail_dialog(example: Example, **kwargs) -> None:
    """The example's details in a large modal dialog; closing it keeps the selection."""

    def body() -> None:
        detail_body(example, **kwargs)

    st.dialog(escape_markdown(example.name), width="large", on_dismiss=_close_dialog)(body)()


def selection_bar(example: Example) -> None:
    """Above the map: which example is selected, with buttons to reopen or clear it."""
    cols = st.columns([3, 1, 2], vertical_alignment="center")
    cols[0].markdown(
        f"Ausgewählt: **{escape_markdown(example.name)}** (Mitgliedsgemeinden umrandet)"
    )
    cols[1].button("Details", key="beispiele.reopen", on_click=select, args=(example.id,))
    cols[2].button("Auswahl aufheben", key="beispiele.clear", on_click=select, args=(None,))


def dialog_open() -> bool:
    """True while the details dialog should be shown."""
    return bool(st.session_state.get(KEY_DIALOG))


COLOUR_LABELS = {"theme": "Thema", "state": "Land"}
PRESENTER_COLOUR_LABELS = {"theme": "Farbe: Thema", "state": "Farbe: Land"}


def _colour_choice(slot) -> str:
    """Colour the markers by theme or by state: a radio above the map, or in `slot` (presenter
    mode: on the result line, labelled by its options)."""
    with slot or st.container():
        return ui.labelled_choice(
            st.radio,
            "Farbe der Punkte nach",
            COLOUR_LABELS if slot is None else PRESENTER_COLOUR_LABELS,
            horizontal=True,
            key="beispiele.farbe",
            label_visibility="visible" if slot is None else "collapsed",
        )


def map_section(
    shown: Sequence[Example],
    selected: Example | None,
    state: PageState,
    flt: ExampleFilter,
    register: pd.DataFrame,
    population: pd.DataFrame,
    mode: str,
    presenter: bool,
    colour_slot=None,
) -> dict | None:
    """The examples map coloured by theme or state, its legend and sources; returns the
    component's value (the clicked marker's tooltip). The colour choice goes into
    `colour_slot` if given (see result_line), else above the map."""
    if selected:
        selection_bar(selected)
    colour_by = _colour_choice(colour_slot)
    categories = {e.id: example_categories.marker_category(e, colour_by, flt.themes) for e in shown}
    colours = example_categories.category_colours(categories.values())
    states_shapes = ui.load_or_stop(load_states)

    def build_map():
        outlines = None
        if selected:
            shapes = ui.load_or_stop(lambda: load_municipality_shapes("regional"))
            outlines = example_members.member_shapes(selected, shapes, register, population)
        host = register.set_index("ags").loc[HOST_AGS]
        return examples_map.build_examples_map(
            shown,
            colours,
            categories,
            states_shapes,
            selected=selected,
            outlines=outlines,
            host=(float(host["lat"]), float(host["lon"]), HOST_LABEL),
            chosen_states=flt.states,
        )

    view = map_cache.rendered(("beispiele", flt, state.selected, colour_by, mode), build_map)
    # In presenter mode the legend stands beside the map, so both fit on a 1280×720 screen.
    map_part, legend_part = st.columns([3, 2]) if presenter else (st.container(), st.container())
    with map_part:
        clicked = map_cache.show(
            view,
            key="beispiele.map",
            height=340 if presenter else 520,
            returned_objects=["last_object_clicked_tooltip"],
        )
    with legend_part:
        ui.legend(example_categories.legend_items(colours, colour_by), shape="circle")
    ui.sources_caption(ui.load_or_default(load_sources, {}), ["boundaries", "measures"])
    return clicked


def chart_section(shown: Sequence[Example], presenter: bool) -> None:
    """Examples per state and per theme."""
    for name, figure in (
        (
            "beispiele_laender",
            charts_examples.make_state_chart(
                example_categories.count_by_state(shown), large=presenter
            ),
        ),
        (
            "beispiele_themen",
            charts_examples.make_theme_chart(
                example_categories.count_by_theme(shown), large=presenter
            ),
        ),
    ):
        ui.chart(figure, presenter=presenter, config=ui.chart_config(name))
    st.caption(
        "Länderübergreifende Beispiele zählen in jedem beteiligten Land, Beispiele mit "
        "mehreren Themen bei jedem Thema."
    )


def follow_map_click(clicked: Mapping | None, shown: Sequence[Example], selected_id: str) -> None:
    """A click on an example's marker opens that example."""
    tooltip = (clicked or {}).get("last_object_clicked_tooltip")
    hit = examples_map.example_from_tooltip(tooltip, shown)
    if hit is not None and hit.id != selected_id:
        select(hit.id)
        st.rerun()
