"""Examples from programme implementation: records, filter model, URL parameters, counts, map."""

from __future__ import annotations

import html
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Literal

import folium
import geopandas as gpd
import pandas as pd

from ksg_dashboard.core.config import FIRST_CENSUS_YEAR, STATE_ABBREVIATIONS, STATE_NAMES
from ksg_dashboard.core.indicators import TERRITORIAL_CHANGE_SHARE
from ksg_dashboard.core.selection import query_values
from ksg_dashboard.core.text import cut, listing, quote
from ksg_dashboard.maps import builders as maps
from ksg_dashboard.maps.layers import GERMANY_BOUNDS, bounds_of

# The programme ran 2010–2019 (merged into the new programme structure from 2020).
YEAR_MIN = 2010
YEAR_MAX = 2019
# Query parameters of the page /beispiele (declared in ksg_dashboard.core.navigation as well).
# The state is the app-wide `land` (old links: `bundesland`, read by selection.parse_query).
EXAMPLE_PARAMS = ("beispiel", "thema", "von", "bis", "suche", "nur_kooperationen")
MAX_SEARCH_LENGTH = 100
STATE_ABBREVIATION = {key: abbr for abbr, key in STATE_ABBREVIATIONS.items()}

# Okabe–Ito: distinguishable with the common colour-vision deficiencies; grey for the rest.
CATEGORY_COLOURS = ("#E69F00", "#0072B2", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442")
OTHER_COLOUR = "#8c969f"
OTHER_LABEL = "weitere"
NO_THEME = "ohne Thema"
MARKER_CLASS = "ksg-example"
SELECTED_OUTLINE = {"color": "#111111", "weight": 3, "fillColor": "#111111", "fillOpacity": 0.12}

# Workshop cooperations that are not among the researched examples get their themes here,
# classified from their sourced key projects; the UI marks this classification as uncertain.
COOPERATION_THEMES = {"region-in-bewegung": ("Sport", "Verwaltung & Kooperation")}
COOPERATION_THEMES_NOTE = (
    "Themen aus dem Schlüsselprojekt (Sport- und Freizeitzentrum) und der "
    "Kooperationsvereinbarung abgeleitet."
)

ColourBy = Literal["theme", "state"]


# ---------------------------------------------------------------------------------------------
# Records
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Member:
    """A member of an example; Ämter and Samtgemeinden have no 8-digit AGS (ags None)."""

    name: str
    ags: str | None = None
    official_name: str | None = None


@dataclass(frozen=True)
class Workshop:
    """How an example was presented at the workshop (talk, tour) – never 'on a poster'."""

    cooperation: str  # id in data/cooperations.yaml
    short_name: str
    role: str  # e.g. "Vortrag 12.03.2019", "Rundfahrt"


@dataclass(frozen=True)
class Example:
    """One example from programme implementation, shown as a card and a map marker."""

    id: str
    name: str
    state_key: str  # state of the lead town (marker colour, sorting)
    state_keys: tuple[str, ...]  # every state with members (filter, counts)
    members: tuple[Member, ...]
    lead: str | None
    lead_ags: str | None
    since: int | None
    themes: tuple[str, ...]
    projects: tuple[str, ...]
    summary: str
    lat: float | None
    lon: float | None
    sources: tuple[tuple[str, str | None], ...]  # (title, url)
    uncertain: tuple[str, ...] = ()
    workshop: Workshop | None = None

    @property
    def is_cooperation(self) -> bool:
        """More than one member entry (Ämter/Samtgemeinden count as members)."""
        return len(self.members) > 1

    @property
    def member_ags(self) -> tuple[str, ...]:
        """AGS of the members that have one."""
        return tuple(m.ags for m in self.members if m.ags)

    @property
    def state_label(self) -> str:
        """State name(s), lead state first."""
        return " / ".join(STATE_NAMES[k] for k in self.state_keys)


def _states_of(primary: str, ags: Iterable[str]) -> tuple[str, ...]:
    keys = [primary] + [a[:2] for a in ags if a]
    return tuple(dict.fromkeys(k for k in keys if k in STATE_NAMES))


def example_from_measure(record: Mapping) -> Example:
    """An example from a record of data/measures.yaml."""
    members = tuple(
        Member(m["name"], m.get("ags") or None, m.get("official_name"))
        for m in record.get("members") or []
    )
    source = record.get("source") or {}
    return Example(
        id=record["id"],
        name=record["name"],
        state_key=record["state_key"],
        state_keys=_states_of(record["state_key"], (m.ags for m in members)),
        members=members,
        lead=record.get("lead"),
        lead_ags=record.get("lead_ags"),
        since=record.get("since"),
        themes=tuple(record.get("themes") or ()),
        projects=tuple(record.get("projects") or ()),
        summary=record.get("summary") or "",
        lat=record.get("lat"),
        lon=record.get("lon"),
        sources=((source.get("title") or "Quelle", source.get("url")),),
        uncertain=(record["uncertain"],) if record.get("uncertain") else (),
    )


def _workshop(cooperation: Mapping) -> Workshop:
    return Workshop(
        cooperation=cooperation["id"],
        short_name=cooperation["short_name"],
        role=cooperation.get("role_at_workshop") or "",
    )


def example_from_cooperation(cooperation: Mapping, register: pd.DataFrame) -> Example:
    """An example built from a workshop cooperation that is not among the researched examples.

    The lead town's coordinates come from the municipality register (Destatis centres).
    """
    members = tuple(
        Member(m["name"], m.get("ags") or None, m.get("official_name"))
        for m in cooperation["members"]
    )
    lead_ags = cooperation.get("lead_ags") or next((m.ags for m in members if m.ags), None)
    centres = register.set_index("ags")
    lat = lon = None
    if lead_ags in centres.index:
        lat, lon = float(centres.at[lead_ags, "lat"]), float(centres.at[lead_ags, "lon"])
    lead = next((m.name for m in members if m.ags == lead_ags), None)
    primary = (lead_ags or "")[:2] or cooperation["states"][0]
    notes = [cooperation.get("programme_year_note"), cooperation.get("uncertain")]
    themes = COOPERATION_THEMES.get(cooperation["id"], ())
    if themes:
        notes.append(COOPERATION_THEMES_NOTE)
    sources = tuple((s["title"], s.get("url")) for s in cooperation.get("sources") or [])
    return Example(
        id=cooperation["id"],
        name=cooperation["name"],
        state_key=primary,
        state_keys=tuple(dict.fromkeys([primary, *cooperation.get("states", [])])),
        members=members,
        lead=lead,
        lead_ags=lead_ags,
        since=cooperation.get("programme_year"),
        themes=themes,
        projects=tuple(p["text"] for p in cooperation.get("key_projects") or []),
        summary=cooperation.get("summary") or "",
        lat=lat,
        lon=lon,
        sources=tuple(sorted(sources, key=lambda s: s[1] is None)),
        uncertain=tuple(n for n in notes if n),
        workshop=_workshop(cooperation),
    )


def matching_measure(cooperation: Mapping, measures: Sequence[Mapping]) -> Mapping | None:
    """The researched example describing the same cooperation: same id or same member AGS."""
    members = set(cooperation.get("member_ags") or [])
    for measure in measures:
        if measure["id"] == cooperation["id"]:
            return measure
    for measure in measures:
        if members and set(measure.get("member_ags") or []) == members:
            return measure
    return None


def build_examples(
    measures: Sequence[Mapping], cooperations: Sequence[Mapping], register: pd.DataFrame
) -> list[Example]:
    """All examples: the researched measures plus the workshop cooperations.

    A workshop cooperation that matches a measure marks that measure as presented at the
    workshop (talk or tour, as the programme says); one without a match becomes its own example.
    Workshop examples come first, in the order of the cooperations file.
    """
    by_measure: dict[str, Mapping] = {}
    extra: list[Example] = []
    for cooperation in cooperations:
        measure = matching_measure(cooperation, measures)
        if measure is None:
            extra.append(example_from_cooperation(cooperation, register))
        else:
            by_measure[measure["id"]] = cooperation
    presented: dict[str, Example] = {e.workshop.cooperation: e for e in extra if e.workshop}
    others = []
    for record in measures:
        example = example_from_measure(record)
        cooperation = by_measure.get(record["id"])
        if cooperation is None:
            others.append(example)
        else:
            presented[cooperation["id"]] = replace(example, workshop=_workshop(cooperation))
    order = [c["id"] for c in cooperations]
    return [presented[i] for i in order if i in presented] + others


def example_by_id(examples: Iterable[Example], example_id: str | None) -> Example | None:
    """The example with that id, if any."""
    return next((e for e in examples if e.id == example_id), None)


def all_themes(examples: Iterable[Example]) -> list[str]:
    """Every theme, most frequent first (ties alphabetically)."""
    counts = Counter(t for e in examples for t in e.themes)
    return sorted(counts, key=lambda t: (-counts[t], t))


def all_states(examples: Iterable[Example]) -> list[str]:
    """State keys with at least one example, in key order."""
    return sorted({k for e in examples for k in e.state_keys})


# ---------------------------------------------------------------------------------------------
# Filter
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ExampleFilter:
    """The gallery filter; empty fields do not narrow. Year bounds at the programme's edges
    (2010, 2019) count as no bound, so examples with unknown admission year stay in."""

    states: tuple[str, ...] = ()  # state keys ("09")
    themes: tuple[str, ...] = ()  # theme names
    year_from: int | None = None
    year_to: int | None = None
    text: str = ""
    only_cooperations: bool = False

    @property
    def is_empty(self) -> bool:
        """True when nothing narrows the list."""
        return self == ExampleFilter()

    @property
    def has_years(self) -> bool:
        """True when the admission year is restricted."""
        return self.year_from is not None or self.year_to is not None


def normalise_years(year_from: int | None, year_to: int | None) -> tuple[int | None, int | None]:
    """Bounds at or beyond the programme's edges become None; a reversed range is swapped."""
    if year_from is not None and year_to is not None and year_from > year_to:
        year_from, year_to = year_to, year_from
    return (
        None if year_from is None or year_from <= YEAR_MIN else year_from,
        None if year_to is None or year_to >= YEAR_MAX else year_to,
    )


def fold(text: str) -> str:
    """Lower case without accents; umlauts as ae/oe/ue and ß as ss ("Gröditz" ~ "groeditz")."""
    text = text.casefold().replace("ä", "ae").replace("ö", "oe").replace("ü", "ue")
    text = text.replace("ß", "ss")
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def search_text(example: Example) -> str:
    """What the text search looks at: name, lead, member names and projects."""
    parts = [example.name, example.lead or "", *example.projects]
    for member in example.members:
        parts += [member.name, member.official_name or ""]
    return fold(" ".join(parts))


def matches(example: Example, flt: ExampleFilter) -> bool:
    """True when the example passes every part of the filter (values within a part: any)."""
    if flt.states and not set(flt.states) & set(example.state_keys):
        return False
    if flt.themes and not set(flt.themes) & set(example.themes):
        return False
    if flt.only_cooperations and not example.is_cooperation:
        return False
    if flt.has_years:
        if example.since is None:
            return False
        if flt.year_from is not None and example.since < flt.year_from:
            return False
        if flt.year_to is not None and example.since > flt.year_to:
            return False
    if flt.text.strip():
        haystack = search_text(example)
        if not all(token in haystack for token in fold(flt.text).split()):
            return False
    return True


def filter_examples(examples: Iterable[Example], flt: ExampleFilter) -> list[Example]:
    """The examples that pass the filter, in their original order."""
    return [e for e in examples if matches(e, flt)]


def filter_summary(flt: ExampleFilter) -> str:
    """The active filter in a few words, e.g. 'BB, SN · Bildung · seit 2011–2014'."""
    parts = []
    if flt.states:
        parts.append(", ".join(STATE_ABBREVIATION[k] for k in flt.states))
    if flt.themes:
        parts.append(", ".join(flt.themes))
    if flt.has_years:
        parts.append(f"seit {flt.year_from or YEAR_MIN}–{flt.year_to or YEAR_MAX}")
    if flt.text.strip():
        parts.append(f"„{flt.text.strip()}“")
    if flt.only_cooperations:
        parts.append("nur Kooperationen")
    return " · ".join(parts)


def hidden_for_unknown_year(examples: Iterable[Example], flt: ExampleFilter) -> int:
    """How many examples the year bounds hide only because their admission year is unknown."""
    if not flt.has_years:
        return 0
    open_years = replace(flt, year_from=None, year_to=None)
    return sum(1 for e in examples if e.since is None and matches(e, open_years))


# ---------------------------------------------------------------------------------------------
# URL query parameters
# ---------------------------------------------------------------------------------------------


def slug(text: str) -> str:
    """URL-friendly form of a theme name ("Wohnen & Leerstand" -> "wohnen-leerstand")."""
    return re.sub(r"[^a-z0-9]+", "-", fold(text)).strip("-")


@dataclass
class ParsedExamples:
    """Filter and selected example read from the URL, with German notes on ignored values."""

    filter: ExampleFilter
    selected: str | None = None
    notes: list[str] = field(default_factory=list)


def _last(params: Mapping[str, Iterable[str] | str], key: str) -> str | None:
    raw = params.get(key, [])
    items = [raw] if isinstance(raw, str) else list(raw)
    return str(items[-1]).strip() if items else None


def _state_key(value: str) -> str | None:
    if value.isdigit() and value.zfill(2) in STATE_NAMES:
        return value.zfill(2)
    if value.upper() in STATE_ABBREVIATIONS:
        return STATE_ABBREVIATIONS[value.upper()]
    by_name = {fold(name): key for key, name in STATE_NAMES.items()}
    return by_name.get(fold(value))


def _year(value: str | None, label: str, notes: list[str]) -> int | None:
    if not value:
        return None
    if not re.fullmatch(r"\d{4}", value):
        notes.append(f"{label}={cut(value)} ist keine Jahreszahl und wurde ignoriert.")
        return None
    year = int(value)
    if not YEAR_MIN <= year <= YEAR_MAX:
        notes.append(
            f"{label}={cut(value)} liegt außerhalb der Programmlaufzeit {YEAR_MIN}–{YEAR_MAX} "
            "und wurde ignoriert."
        )
        return None
    return year


def parse_params(
    params: Mapping[str, Iterable[str] | str],
    themes: Iterable[str],
    example_ids: Iterable[str],
    states_with_examples: Iterable[str] | None = None,
) -> ParsedExamples:
    """Read the page's parameters; unknown or malformed values become notes, never errors.

    `bundesland` takes abbreviations (BY), keys (09) or names; `thema` slugs or names; lists may
    be repeated or comma-separated. States without examples (if given) are dropped with a note.
    """
    notes: list[str] = []
    states: list[str] = []
    usable = set(STATE_NAMES if states_with_examples is None else states_with_examples)
    unknown: list[str] = []
    for value in query_values(params, "bundesland"):
        key = _state_key(value)
        if key is None:
            unknown.append(value)
        elif key not in usable:
            notes.append(f"Für {STATE_NAMES[key]} liegen keine Beispiele vor; ignoriert.")
        elif key not in states:
            states.append(key)
    if unknown:
        notes.append(
            f"Unbekanntes Bundesland {quote(unknown[0])} wurde ignoriert."
            if len(unknown) == 1
            else f"Unbekannte Bundesländer {listing(unknown)} wurden ignoriert."
        )

    by_slug = {slug(t): t for t in themes}
    chosen_themes: list[str] = []
    unknown = []
    for value in query_values(params, "thema"):
        theme = by_slug.get(slug(value))
        if theme is None:
            unknown.append(value)
        elif theme not in chosen_themes:
            chosen_themes.append(theme)
    if unknown:
        notes.append(
            f"Unbekanntes Thema {quote(unknown[0])} wurde ignoriert."
            if len(unknown) == 1
            else f"Unbekannte Themen {listing(unknown)} wurden ignoriert."
        )

    year_from = _year(_last(params, "von"), "von", notes)
    year_to = _year(_last(params, "bis"), "bis", notes)
    if year_from is not None and year_to is not None and year_from > year_to:
        notes.append(f"Zeitraum {year_from}–{year_to} war vertauscht und wurde umgedreht.")
    year_from, year_to = normalise_years(year_from, year_to)

    text = _last(params, "suche") or ""
    if len(text) > MAX_SEARCH_LENGTH:
        notes.append(f"Der Suchtext wurde auf {MAX_SEARCH_LENGTH} Zeichen gekürzt.")
        text = text[:MAX_SEARCH_LENGTH]

    flag = (_last(params, "nur_kooperationen") or "").lower()
    only = flag in {"1", "ja", "true"}
    if flag and not only and flag not in {"0", "nein", "false"}:
        notes.append(f"nur_kooperationen={cut(flag)} wurde ignoriert (erlaubt: 1 oder 0).")

    selected = _last(params, "beispiel") or None
    if selected is not None and selected not in set(example_ids):
        notes.append(f"Unbekanntes Beispiel {quote(selected)} wurde ignoriert.")
        selected = None

    flt = ExampleFilter(tuple(states), tuple(chosen_themes), year_from, year_to, text, only)
    return ParsedExamples(flt, selected, notes)


def to_params(flt: ExampleFilter, selected: str | None = None) -> dict[str, str]:
    """Query parameters for a filter and selection (empty values left out)."""
    params: dict[str, str] = {}
    if selected:
        params["beispiel"] = selected
    if flt.themes:
        params["thema"] = ",".join(slug(t) for t in flt.themes)
    if flt.states:
        params["bundesland"] = ",".join(STATE_ABBREVIATION[k] for k in flt.states)
    if flt.year_from is not None:
        params["von"] = str(flt.year_from)
    if flt.year_to is not None:
        params["bis"] = str(flt.year_to)
    if flt.text.strip():
        params["suche"] = flt.text.strip()
    if flt.only_cooperations:
        params["nur_kooperationen"] = "1"
    return params


# ---------------------------------------------------------------------------------------------
# Counts and colours
# ---------------------------------------------------------------------------------------------


def count_by_state(examples: Iterable[Example]) -> list[tuple[str, int]]:
    """(state key, examples) with an example counted in every state it has members in."""
    counts = Counter(k for e in examples for k in e.state_keys)
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))


def count_by_theme(examples: Iterable[Example]) -> list[tuple[str, int]]:
    """(theme, examples); an example with several themes counts once for each."""
    counts = Counter(t for e in examples for t in e.themes)
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))


def marker_category(example: Example, colour_by: ColourBy, chosen_themes: Sequence[str]) -> str:
    """What a marker's colour stands for: the lead town's state key, or a theme – the first
    chosen theme the example has, else its first-named theme."""
    if colour_by == "state":
        return example.state_key
    for theme in chosen_themes:
        if theme in example.themes:
            return theme
    return example.themes[0] if example.themes else NO_THEME


def category_colours(categories: Iterable[str]) -> dict[str, str]:
    """A colour per category: the seven most frequent get Okabe–Ito colours, the rest grey.

    Ranked within the current view, so a filtered view keeps distinguishable colours.
    """
    counts = Counter(categories)
    ranked = sorted(counts, key=lambda c: (-counts[c], c))
    return {
        category: CATEGORY_COLOURS[i] if i < len(CATEGORY_COLOURS) else OTHER_COLOUR
        for i, category in enumerate(ranked)
    }


def category_label(category: str, colour_by: ColourBy) -> str:
    """Legend text of a category."""
    return STATE_NAMES.get(category, category) if colour_by == "state" else category


def legend_items(colours: Mapping[str, str], colour_by: ColourBy) -> list[tuple[str, str]]:
    """(colour, label) pairs; grey categories are merged into one 'weitere (…)' entry."""
    items = [(c, category_label(k, colour_by)) for k, c in colours.items() if c != OTHER_COLOUR]
    rest = [k for k, c in colours.items() if c == OTHER_COLOUR]
    if rest:
        names = ", ".join(STATE_ABBREVIATION.get(k, k) if colour_by == "state" else k for k in rest)
        items.append((OTHER_COLOUR, f"{OTHER_LABEL} ({names})"))
    return items


# ---------------------------------------------------------------------------------------------
# Map
# ---------------------------------------------------------------------------------------------


def tooltip(example: Example) -> str:
    """Marker tooltip (HTML, every text escaped)."""
    meta = f"{STATE_ABBREVIATION[example.state_key]} · seit {example.since or 'unbekannt'}"
    themes = ", ".join(example.themes) or NO_THEME
    return f"<b>{html.escape(example.name)}</b><br>{html.escape(meta)}<br>{html.escape(themes)}"


def example_from_tooltip(text: str | None, examples: Iterable[Example]) -> Example | None:
    """The example whose marker was clicked, from the clicked layer's tooltip text.

    streamlit-folium reports the click position (not the marker's) and the tooltip's text
    content, which starts with the example's name (line breaks are lost): the longest name the
    text starts with wins.
    """
    if not text:
        return None
    text = text.strip()
    found = [e for e in examples if text.startswith(e.name)]
    return max(found, key=lambda e: len(e.name), default=None)


def _points_bounds(examples: Sequence[Example], pad: float = 0.35) -> tuple[tuple, tuple] | None:
    lats = [e.lat for e in examples if e.lat is not None and e.lon is not None]
    lons = [e.lon for e in examples if e.lat is not None and e.lon is not None]
    if not lats:
        return None
    return ((min(lats) - pad, min(lons) - pad), (max(lats) + pad, max(lons) + pad))


def map_bounds(
    examples: Sequence[Example], selected: Example | None, outlines: gpd.GeoDataFrame | None
) -> tuple[tuple, tuple]:
    """The view: the selected example's members, else all shown markers, else Germany."""
    if selected is not None:
        if outlines is not None and not outlines.empty:
            return bounds_of(outlines, margin=0.3) or GERMANY_BOUNDS
        return _points_bounds([selected]) or GERMANY_BOUNDS
    return _points_bounds(examples) or GERMANY_BOUNDS


def build_examples_map(
    examples: Sequence[Example],
    colours: Mapping[str, str],
    categories: Mapping[str, str],
    states: gpd.GeoDataFrame,
    selected: Example | None = None,
    outlines: gpd.GeoDataFrame | None = None,
    host: tuple[float, float, str] | None = None,
    chosen_states: Sequence[str] = (),
) -> folium.Map:
    """State outlines (the `chosen_states` of the selection bold), one circle marker per
    example at its lead town (coloured by category), the selected example's member
    municipalities outlined, and the host town labelled.

    `categories` maps example id to category, `colours` category to colour. Only Leaflet-core
    features (GeoJson, CircleMarker, DivIcon): the map works offline. Markers carry the CSS
    class `ksg-example` so tests can count them.
    """
    fmap = maps.base_map(map_bounds(examples, selected, outlines))
    maps.add_outlines(fmap, states[["geometry"]], maps.OUTLINE_STATE, "Länder")
    maps.add_selected_states(fmap, states[states["state_key"].isin(chosen_states)])
    if outlines is not None and not outlines.empty:
        data = maps.escaped(outlines[["ags", "name", "geometry"]], ["name"])
        folium.GeoJson(
            data,
            name="Mitgliedsgemeinden",
            style_function=lambda _: SELECTED_OUTLINE,
            tooltip=folium.GeoJsonTooltip(fields=["name", "ags"], aliases=["Gemeinde", "AGS"]),
            control=False,
        ).add_to(fmap)
    if host is not None:
        maps.add_host(fmap, *host, compact=True)
    for example in examples:
        if example.lat is None or example.lon is None:
            continue
        chosen = selected is not None and example.id == selected.id
        folium.CircleMarker(
            location=(example.lat, example.lon),
            radius=11 if chosen else 7,
            color="#111111" if chosen else "#1d2630",
            weight=3 if chosen else 1,
            fill=True,
            fill_color=colours.get(categories.get(example.id, ""), OTHER_COLOUR),
            fill_opacity=0.95,
            tooltip=folium.Tooltip(tooltip(example)),
            class_name=MARKER_CLASS,
        ).add_to(fmap)
    return fmap


# ---------------------------------------------------------------------------------------------
# Members: boundaries and population development
# ---------------------------------------------------------------------------------------------


def predecessor(ags: str, register: pd.DataFrame, population: pd.DataFrame) -> str | None:
    """The key a municipality had before a pure renumbering, if any.

    E.g. the Göttingen district reform of 1 Nov 2016 gave every municipality of the former
    districts Göttingen and Osterode a new key. A predecessor has the same name and state, ends
    the year before the new key starts, and (nearly) the same area, so its series continues.
    """
    own = register[register["ags"] == ags]
    if own.empty:
        return None
    row = own.iloc[0]
    candidates = register[
        (register["name"] == row["name"])
        & (register["state_key"] == row["state_key"])
        & (register["last_year"] == row["first_year"] - 1)
        & (register["ags"] != ags)
    ]
    if candidates.empty:
        return None

    def area(key: str, year: int) -> float | None:
        found = population.loc[
            (population["ags"] == key) & (population["year"] == year), "area_km2"
        ]
        return None if found.empty or pd.isna(found.iloc[0]) else float(found.iloc[0])

    new_area = area(ags, int(row["first_year"]))
    for candidate in candidates.itertuples():
        old_area = area(str(candidate.ags), int(candidate.last_year))
        if new_area is None or old_area is None:
            continue
        if abs(new_area - old_area) <= TERRITORIAL_CHANGE_SHARE * old_area:
            return str(candidate.ags)
    return None


def key_history(ags: str, register: pd.DataFrame, population: pd.DataFrame) -> list[str]:
    """The key and its predecessors through pure renumberings, newest first."""
    keys = [ags]
    while len(keys) < 5:
        before = predecessor(keys[-1], register, population)
        if before is None or before in keys:
            break
        keys.append(before)
    return keys


def boundary_key(
    ags: str, register: pd.DataFrame, population: pd.DataFrame, boundary_keys: Iterable[str]
) -> str | None:
    """The key under which a municipality appears in the 2016 boundaries, if it does."""
    known = set(boundary_keys)
    return next((k for k in key_history(ags, register, population) if k in known), None)


def member_shapes(
    example: Example, shapes: gpd.GeoDataFrame, register: pd.DataFrame, population: pd.DataFrame
) -> gpd.GeoDataFrame:
    """Polygons of an example's members (renumbered keys resolved to the 2016 boundaries)."""
    keys = set(shapes["ags"])
    resolved = [boundary_key(a, register, population, keys) for a in example.member_ags]
    return shapes[shapes["ags"].isin([k for k in resolved if k])][["ags", "name", "geometry"]]


def population_series(
    example: Example, population: pd.DataFrame, register: pd.DataFrame
) -> pd.DataFrame:
    """Population per member and year (columns member, ags, year, population, key), continued
    across pure renumberings: `ags` is the member's key, `key` the one the value was filed under."""
    frames = []
    for member in example.members:
        if not member.ags:
            continue
        history = key_history(member.ags, register, population)
        rows = population[population["ags"].isin(history)][["ags", "year", "population"]]
        rank = {key: i for i, key in enumerate(history)}
        rows = rows.assign(rank=rows["ags"].map(rank)).sort_values(["year", "rank"])
        rows = rows.drop_duplicates("year").rename(columns={"ags": "key"})
        rows = rows.assign(member=member.name, ags=member.ags)
        frames.append(rows[["member", "ags", "year", "population", "key"]])
    if not frames:
        return pd.DataFrame(columns=["member", "ags", "year", "population", "key"])
    return pd.concat(frames, ignore_index=True)


def population_table(series: pd.DataFrame, base_year: int = FIRST_CENSUS_YEAR) -> pd.DataFrame:
    """Per member: population in base_year and the latest year and the change in per cent;
    a 'Zusammen' row when several members all have both values."""
    if series.empty:
        return pd.DataFrame(columns=["Gemeinde", "AGS"])
    latest = int(series["year"].max())
    wide = series.pivot_table(index=["member", "ags"], columns="year", values="population")
    rows = []
    for (member, ags), values in wide.iterrows():
        base, now = values.get(base_year), values.get(latest)
        rows.append({"Gemeinde": member, "AGS": ags, "base": base, "now": now})
    table = pd.DataFrame(rows)
    order = {name: i for i, name in enumerate(dict.fromkeys(series["member"]))}
    table = table.sort_values("Gemeinde", key=lambda s: s.map(order)).reset_index(drop=True)
    if len(table) > 1 and table[["base", "now"]].notna().all().all():
        total = {"Gemeinde": "Zusammen", "AGS": "", "base": table["base"].sum()}
        table = pd.concat([table, pd.DataFrame([total | {"now": table["now"].sum()}])])
    table["pct"] = ((table["now"] - table["base"]) / table["base"] * 100).round(1)
    return table.rename(
        columns={"base": f"Einw. {base_year}", "now": f"Einw. {latest}", "pct": "± %"}
    ).reset_index(drop=True)
