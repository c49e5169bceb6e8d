"""The gallery filter (pure): states, themes, admission years, text search, only cooperations."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace

from ksg_dashboard.core.text import search_key
from ksg_dashboard.examples.records import STATE_ABBREVIATION, Example

# The programme ran 2010–2019 (merged into the new programme structure from 2020).
YEAR_MIN = 2010

YEAR_MAX = 2019


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


def search_text(example: Example) -> str:
    """What the text search looks at: name, lead, member names and projects."""
    parts = [example.name, example.lead or "", *example.projects]
    for member in example.members:
        parts += [member.name, member.official_name or ""]
    return search_key(" ".join(parts))


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
        if not all(token in haystack for token in search_key(flt.text).split()):
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
