"""The examples as records (pure): practice examples of the programme and the workshop
cooperations, their members, themes and workshop role.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

import pandas as pd

from ksg_dashboard.core.config import STATE_ABBREVIATIONS, STATE_NAMES

STATE_ABBREVIATION = {key: abbr for abbr, key in STATE_ABBREVIATIONS.items()}

# Workshop cooperations that are not among the researched examples get their themes here,
# classified from their sourced key projects; the UI marks this classification as uncertain.
COOPERATION_THEMES = {"region-in-bewegung": ("Sport", "Verwaltung & Kooperation")}

COOPERATION_THEMES_NOTE = (
    "Themen aus dem Schlüsselprojekt (Sport- und Freizeitzentrum) und der "
    "Kooperationsvereinbarung abgeleitet."
)


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
