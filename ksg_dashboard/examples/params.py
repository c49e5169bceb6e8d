"""The examples page's URL parameters (pure): parse with German notes for bad values, write back."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from ksg_dashboard.core.config import STATE_NAMES
from ksg_dashboard.core.selection import query_values, resolve_values, state_key
from ksg_dashboard.core.text import cut, ignored_note, quote, search_key
from ksg_dashboard.examples.criteria import YEAR_MAX, YEAR_MIN, ExampleFilter, normalise_years
from ksg_dashboard.examples.records import STATE_ABBREVIATION, Example
from ksg_dashboard.programme import model as programme

# Query parameters of the page /beispiele (declared in ksg_dashboard.core.navigation as well).
# The state is the app-wide `land` (old links: `bundesland`, read by selection.parse_query).
EXAMPLE_PARAMS = ("beispiel", "thema", "von", "bis", "suche", "nur_kooperationen")

MAX_SEARCH_LENGTH = 100


def slug(text: str) -> str:
    """URL-friendly form of a theme name ("Wohnen & Leerstand" -> "wohnen-leerstand")."""
    return re.sub(r"[^a-z0-9]+", "-", search_key(text)).strip("-")


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
    usable = set(STATE_NAMES if states_with_examples is None else states_with_examples)
    keys, unknown = resolve_values(query_values(params, "bundesland"), state_key)
    states = [k for k in keys if k in usable]
    notes = [
        f"Für {STATE_NAMES[k]} liegen keine Beispiele vor; ignoriert."
        for k in keys
        if k not in usable
    ]
    if unknown:
        notes.append(ignored_note("Unbekanntes Bundesland", "Unbekannte Bundesländer", unknown))

    by_slug = {slug(t): t for t in themes}
    chosen_themes, unknown = resolve_values(
        query_values(params, "thema"), lambda value: by_slug.get(slug(value))
    )
    if unknown:
        notes.append(ignored_note("Unbekanntes Thema", "Unbekannte Themen", unknown))

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


def workshop_links(
    example: Example, programme_data: dict | None, link_params: Mapping[str, str]
) -> list[tuple[str, str]]:
    """(href, label) of a workshop example's links: its cooperation on the overview map, then
    each programme item about it; `link_params` (the app-wide ones) are kept."""
    cooperation = example.workshop.cooperation
    links = [
        (
            programme.Link("", "", {"region": cooperation}).href(extra=link_params),
            f"{example.workshop.short_name} auf der Übersichtskarte",
        )
    ]
    for item in programme.items_about(programme_data or {"days": []}, f"region:{cooperation}"):
        href = programme.Link("", "programm", {"punkt": item["id"]}).href(extra=link_params)
        links.append((href, f"Im Programm: {item['day_label']}, {programme.time_label(item)}"))
    return links
