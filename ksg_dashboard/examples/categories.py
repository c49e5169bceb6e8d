"""Counts per state and theme, and the colour of each marker category (pure)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import Literal

from ksg_dashboard.core.config import STATE_NAMES
from ksg_dashboard.examples.records import STATE_ABBREVIATION, Example

# Okabe–Ito: distinguishable with the common colour-vision deficiencies; grey for the rest.
CATEGORY_COLOURS = ("#E69F00", "#0072B2", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442")

OTHER_COLOUR = "#8c969f"

OTHER_LABEL = "weitere"

NO_THEME = "ohne Thema"

ColourBy = Literal["theme", "state"]


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
