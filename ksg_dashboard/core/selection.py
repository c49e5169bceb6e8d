"""The app-wide region filter: parse it from and write it to URL query parameters (pure logic)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace

import pandas as pd

from ksg_dashboard.core.config import STATE_ABBREVIATIONS, STATE_NAMES
from ksg_dashboard.core.navigation import PAGES
from ksg_dashboard.core.numbers import number
from ksg_dashboard.core.text import cut, ignored_note, listing, quote, search_key

AGS_RE = re.compile(r"^\d{7,8}$")
STATE_RE = re.compile(r"^\d{1,2}$")
# Query parameters owned by the global filter; pages add their own (jahr, indikator, stopp, ...).
# `bundesland` is the examples page's former state filter: read as `land`, never written.
FILTER_PARAMS = ("region", "ags", "land", "praesentation", "eigene", "verband", "bundesland")
LEGACY_STATE_PARAM = "bundesland"
# The rule of the filter, as shown beside the sidebar chips and written in the README.
RULE = (
    "Es gilt alles Gewählte zusammen: Kooperationen, Länder, Gemeinde, Gemeindeverband und "
    "eigene Liste; jede Gemeinde zählt einmal."
)
# The planner's own list ("eigene Auswahl") behaves like a cooperation with this id.
CUSTOM_ID = "eigene-auswahl"
# Longer own lists are not put into links (URLs of several kB break in mail clients).
MAX_CUSTOM_IN_URL = 300
# Bounds applied to every query parameter when it is read (see bound_query).
MAX_VALUES = MAX_CUSTOM_IN_URL
MAX_VALUE_CHARS = 100
MAX_PARAM_CHARS = 4000
MAX_PARAMS = 40
# A Gemeindeverband (URL `verband=<9-digit key>`) is selected like a cooperation with this id.
ASSOCIATION_PREFIX = "verband-"
ASSOCIATION_RE = re.compile(r"^[0-9]{8,9}$")
MAX_ASSOCIATION_VALUES = 5  # further `verband` values are not even looked at


def _state_name_key(text: str) -> str:
    """A state name as compared in links: "Baden-Württemberg" ~ "badenwuerttemberg"."""
    return search_key(text).replace(" ", "").replace("-", "")


_STATE_BY_NAME = {_state_name_key(name): key for key, name in STATE_NAMES.items()}


def state_key(value: str) -> str | None:
    """The 2-digit key of a state written as key (`12`, `5`), abbreviation (`BB`, `bb`) or name
    (`Brandenburg`, `Baden-Württemberg`, `thueringen`); None for anything else.

    The key is the one code of the app's URLs (`land=12`): it is the first two digits of every
    AGS and Gemeindeverband key, and every older link already uses it."""
    value = value.strip()
    if STATE_RE.match(value):
        key = value.zfill(2)
        return key if key in STATE_NAMES else None
    if value.upper() in STATE_ABBREVIATIONS:
        return STATE_ABBREVIATIONS[value.upper()]
    return _STATE_BY_NAME.get(_state_name_key(value))


def association_region(key: str) -> str:
    """The region id under which a Gemeindeverband is selected ('verband-120735305')."""
    return ASSOCIATION_PREFIX + key


def association_key_of(region: str) -> str | None:
    """The body key of a region id, or None for cooperations."""
    return region[len(ASSOCIATION_PREFIX) :] if region.startswith(ASSOCIATION_PREFIX) else None


@dataclass(frozen=True)
class Selection:
    """What the user has selected: cooperation regions, one municipality, states, presenter mode."""

    regions: tuple[str, ...] = ()
    ags: str | None = None
    states: tuple[str, ...] = ()
    presenter: bool = False
    custom: tuple[str, ...] = ()  # AGS of the planner's own list

    def with_presenter(self, presenter: bool) -> Selection:
        """The same selection with presenter mode switched on or off."""
        return replace(self, presenter=presenter)

    @property
    def association(self) -> str | None:
        """Key of the selected Gemeindeverband, if any (at most one)."""
        keys = [k for k in map(association_key_of, self.regions) if k]
        return keys[0] if keys else None

    @property
    def is_empty(self) -> bool:
        """True when nothing narrows the view (Germany as a whole)."""
        return not (self.regions or self.ags or self.states)


@dataclass
class ParsedQuery:
    """A selection read from the URL plus friendly notes on values that were ignored."""

    selection: Selection
    notes: list[str] = field(default_factory=list)


def bound_query(
    params: Mapping[str, Iterable[str] | str],
) -> tuple[dict[str, list[str]], list[str]]:
    """The query parameters cut to what any page can use, before any other work, plus one
    German note per parameter that was cut.

    At most MAX_PARAMS keys, per key at most MAX_VALUES values and MAX_PARAM_CHARS characters
    (an own list of 300 keys needs 2,700), so that a hand-made link with 5,000 keys or a
    10 MB value costs no more than an ordinary one.
    """
    bounded: dict[str, list[str]] = {}
    notes: list[str] = []
    known = set(FILTER_PARAMS) | {p for spec in PAGES for p in spec.params}
    # The app's own parameters first: forty junk keys in front of them must not push them out.
    for key in sorted(params, key=lambda k: k not in known)[:MAX_PARAMS]:
        raw = params[key]
        items = [raw] if isinstance(raw, str) else list(raw)
        kept: list[str] = []
        budget = MAX_PARAM_CHARS
        parts = 0
        cut_here = len(items) > MAX_VALUES
        for item in items[:MAX_VALUES]:
            text = str(item)
            if len(text) > budget:
                text, cut_here = text[:budget], True
            parts += text.count(",") + 1
            if parts > MAX_VALUES:
                cut_here = True
            kept.append(text)
            budget -= len(text)
            if budget <= 0 or parts > MAX_VALUES:
                break
        bounded[str(key)[:MAX_VALUE_CHARS]] = kept
        if cut_here:
            limit = number(MAX_PARAM_CHARS)
            notes.append(
                f"Der Link-Parameter {quote(key, 30)} ist zu lang; gelesen wurden höchstens "
                f"{MAX_VALUES} Werte ({limit} Zeichen), der Rest wurde ignoriert."
            )
    if len(params) > MAX_PARAMS:
        notes.append(f"Der Link hat mehr als {MAX_PARAMS} Parameter; die übrigen wurden ignoriert.")
    return bounded, notes


def query_values(params: Mapping[str, Iterable[str] | str], key: str) -> list[str]:
    """All values of a repeatable, possibly comma-separated parameter, stripped, in order
    (at most MAX_VALUES distinct values of at most MAX_VALUE_CHARS characters each)."""
    raw = params.get(key, [])
    items = [raw] if isinstance(raw, str) else list(raw)
    values: dict[str, None] = {}
    for item in items:
        for part in str(item).split(","):
            part = part.strip()[:MAX_VALUE_CHARS]
            if part:
                values.setdefault(part)
                if len(values) >= MAX_VALUES:
                    return list(values)
    return list(values)


def resolve_values(
    values: Iterable[str], resolve: Callable[[str], str | None]
) -> tuple[list[str], list[str]]:
    """The keys the values resolve to (in order, each once) and the values that resolve to
    nothing (`resolve` returns None)."""
    keys: dict[str, None] = {}
    unresolved: list[str] = []
    for value in values:
        key = resolve(value)
        if key is None:
            unresolved.append(value)
        else:
            keys.setdefault(key)
    return list(keys), unresolved


def parse_query(
    params: Mapping[str, Iterable[str] | str],
    known_regions: Iterable[str],
    known_ags: Iterable[str],
    known_states: Iterable[str],
    known_associations: Iterable[str] = (),
) -> ParsedQuery:
    """Read `region`, `ags`, `land`, `praesentation`, `eigene` and `verband`; unknown or
    malformed values are dropped with one note per parameter and kind of problem (in German,
    for the UI), never
    with an error. `land` takes keys, abbreviations or names (state_key); the examples page's
    former `bundesland` adds to `land`, with a note that it now holds on every page."""
    ags_keys = set(known_ags)
    notes: list[str] = []
    regions = _read_regions(params, set(known_regions) | {CUSTOM_ID}, notes)
    ags = _read_ags(params, ags_keys, notes)
    states = _read_states(params, set(known_states), notes)
    presenter = _read_presenter(params, notes)
    custom = _read_custom(params, ags_keys, notes)
    association = _read_association(params, set(known_associations), notes)
    if association:
        regions.append(association)
    if CUSTOM_ID in regions and not custom:
        regions.remove(CUSTOM_ID)
        notes.append("Die eigene Auswahl ist im Link nicht enthalten und wurde ignoriert.")
    return ParsedQuery(
        Selection(tuple(regions), ags, tuple(states), presenter, tuple(custom)), notes
    )


def _read_regions(params: Mapping, region_ids: set[str], notes: list[str]) -> list[str]:
    """`region`: cooperation ids (and the own list's id)."""
    values = query_values(params, "region")
    unknown = [v for v in values if v not in region_ids]
    if unknown:
        notes.append(ignored_note("Unbekannte Region", "Unbekannte Regionen", unknown))
    return [v for v in values if v in region_ids]


def _read_ags(params: Mapping, ags_keys: set[str], notes: list[str]) -> str | None:
    """`ags`: one municipality (8 digits, leading zeros may be missing)."""
    ags = None
    malformed, unknown, surplus = [], [], []
    for value in query_values(params, "ags"):
        key = value.zfill(8) if AGS_RE.match(value) else None
        if key is None:
            malformed.append(value)
        elif key not in ags_keys:
            unknown.append(key)
        elif ags is None:
            ags = key
        elif key != ags:
            surplus.append(key)
    if malformed:
        notes.append(
            f"{quote(malformed[0])} ist kein gültiger Gemeindeschlüssel (8 Ziffern) und wurde "
            "ignoriert."
            if len(malformed) == 1
            else f"{listing(malformed)} sind keine gültigen Gemeindeschlüssel (8 Ziffern) und "
            "wurden ignoriert."
        )
    if unknown:
        notes.append(
            f"Gemeindeschlüssel {unknown[0]} ist nicht bekannt und wurde ignoriert."
            if len(unknown) == 1
            else f"Die Gemeindeschlüssel {listing(unknown)} sind nicht bekannt; ignoriert."
        )
    if surplus:
        notes.append(
            f"Nur eine Gemeinde auswählbar; {listing(surplus)} "
            + ("wurde" if len(surplus) == 1 else "wurden")
            + " ignoriert."
        )
    return ags


def _read_states(params: Mapping, state_keys: set[str], notes: list[str]) -> list[str]:
    """`land` plus the examples page's former `bundesland` (with a note on the new link)."""
    legacy = query_values(params, LEGACY_STATE_PARAM)
    states, unknown = resolve_values(
        [*query_values(params, "land"), *legacy],
        lambda value: key if (key := state_key(value)) in state_keys else None,
    )
    if unknown:
        notes.append(ignored_note("Unbekanntes Land", "Unbekannte Länder", unknown))
    legacy_keys = [k for k in dict.fromkeys(map(state_key, legacy)) if k in states]
    if legacy_keys:
        names = ", ".join(STATE_NAMES[k] for k in legacy_keys)
        notes.append(
            f"Der alte Link-Parameter „bundesland“ ({names}) wird nicht mehr verwendet: das "
            f"Land ist jetzt Teil der Auswahl in der Seitenleiste und gilt auf allen Seiten "
            f"(neu: land={','.join(legacy_keys)})."
        )
    return states


def _read_presenter(params: Mapping, notes: list[str]) -> bool:
    """`praesentation`: 1/ja/true or 0/nein/false (the last value counts)."""
    values = query_values(params, "praesentation")
    presenter = bool(values) and values[-1].lower() in {"1", "ja", "true"}
    if values and not presenter and values[-1].lower() not in {"0", "nein", "false"}:
        notes.append(f"praesentation={cut(values[-1])} wurde ignoriert (erlaubt: 1 oder 0).")
    return presenter


def _read_custom(params: Mapping, ags_keys: set[str], notes: list[str]) -> list[str]:
    """`eigene`: the own list of municipalities."""

    def known_ags_key(value: str) -> str | None:
        key = value.zfill(8) if AGS_RE.match(value) else None
        return key if key in ags_keys else None

    custom, bad = resolve_values(query_values(params, "eigene"), known_ags_key)
    if bad:
        notes.append(
            f"Eigene Auswahl: {quote(bad[0])} ist kein bekannter Gemeindeschlüssel."
            if len(bad) == 1
            else f"Eigene Auswahl: {listing(bad)} sind keine bekannten Gemeindeschlüssel."
        )
    return custom


def _read_association(params: Mapping, association_keys: set[str], notes: list[str]) -> str:
    """`verband`: one Gemeindeverband as a region id ("" if none); one note per kind of problem,
    however many values have it."""
    chosen = None
    malformed, unknown, surplus = [], [], []
    for value in query_values(params, "verband")[:MAX_ASSOCIATION_VALUES]:
        key = value.zfill(9) if ASSOCIATION_RE.match(value) else None
        if key is None:
            malformed.append(value)
        elif key not in association_keys:
            unknown.append(key)
        elif chosen is None:
            chosen = key
        elif key != chosen:
            surplus.append(key)
    unknown, surplus = list(dict.fromkeys(unknown)), list(dict.fromkeys(surplus))
    if malformed:
        notes.append(
            f"{quote(malformed[0], 20)} ist kein gültiger Gemeindeverbandsschlüssel "
            "(9 Ziffern) und wurde ignoriert."
            if len(malformed) == 1
            else f"{listing(malformed)} sind keine gültigen Gemeindeverbandsschlüssel (9 Ziffern) "
            "und wurden ignoriert."
        )
    if unknown:
        notes.append(
            f"Gemeindeverband {unknown[0]} ist nicht bekannt und wurde ignoriert."
            if len(unknown) == 1
            else f"Die Gemeindeverbände {listing(unknown)} sind nicht bekannt; ignoriert."
        )
    if surplus:
        notes.append(
            f"Nur ein Gemeindeverband auswählbar; {listing(surplus)} "
            + ("wurde" if len(surplus) == 1 else "wurden")
            + " ignoriert."
        )
    return association_region(chosen) if chosen else ""


def to_query(selection: Selection) -> dict[str, str]:
    """Query parameters for a selection (comma-separated lists; empty values left out)."""
    params: dict[str, str] = {}
    cooperations = [r for r in selection.regions if association_key_of(r) is None]
    if cooperations:
        params["region"] = ",".join(cooperations)
    if selection.association:
        params["verband"] = selection.association
    if selection.ags:
        params["ags"] = selection.ags
    if selection.states:
        params["land"] = ",".join(selection.states)
    if selection.presenter:
        params["praesentation"] = "1"
    if selection.custom and len(selection.custom) <= MAX_CUSTOM_IN_URL:
        params["eigene"] = ",".join(selection.custom)
    return params


def selected_ags(
    selection: Selection, cooperations: list[dict], register: pd.DataFrame
) -> list[str]:
    """AGS of all municipalities the selection covers, each once (empty selection → []).

    The rule (RULE): the union of the chosen cooperations (with the own list and a
    Gemeindeverband, which are selected like cooperations), states and municipality. Nothing
    takes precedence, so every chip in the sidebar counts and a cross-border cooperation stays
    whole; a municipality inside a chosen state or cooperation adds nothing. Order: members of
    the regions, the municipality, then the states' municipalities (2022 territory).
    """
    keys: list[str] = []
    by_id = {c["id"]: c for c in cooperations}
    for region in selection.regions:
        keys.extend(by_id[region]["member_ags"] if region in by_id else [])
    if selection.ags:
        keys.append(selection.ags)
    if selection.states:
        current = register[register["last_year"] == register["last_year"].max()]
        keys.extend(current.loc[current["state_key"].isin(selection.states), "ags"].tolist())
    return list(dict.fromkeys(keys))


def selection_from_click(properties: Mapping[str, object] | None, current: Selection) -> Selection:
    """The selection after a click on a map feature (drill-down).

    A click on a member of a cooperation that is not yet selected selects that cooperation;
    a click on a municipality inside the selected cooperation, or on any other municipality,
    selects that municipality alone. The click replaces the selection rather than adding to
    it: under the union rule a member added to its own cooperation would change nothing, and
    the sidebar chips then show exactly the one municipality. Clicks on features without an
    AGS change nothing.
    """
    if not properties:
        return current
    region = properties.get("region")
    ags = properties.get("ags")
    if region and region not in current.regions:
        return replace(current, regions=(str(region),), ags=None, states=())
    if ags:
        return replace(current, regions=(), ags=str(ags), states=())
    return current


def municipality_labels(register: pd.DataFrame) -> dict[str, str]:
    """'Name (AGS)' for every municipality in the register; former ones say until when."""
    last_year = int(register["last_year"].max())
    labels = {}
    for ags, name, until in zip(
        register["ags"], register["name"], register["last_year"], strict=True
    ):
        suffix = f", bis {until}" if until < last_year else ""
        labels[ags] = f"{name} ({ags}{suffix})"
    return labels


def _fold(text: str) -> str:
    """Case- and umlaut-insensitive form for searching ('Gröditz' ~ 'groeditz' ~ 'groditz')."""
    text = text.casefold()
    for umlaut, plain in (("ä", "a"), ("ö", "o"), ("ü", "u"), ("ß", "ss")):
        text = text.replace(umlaut, plain)
    return text.replace("ae", "a").replace("oe", "o").replace("ue", "u")


def search_municipalities(labels: dict[str, str], query: str, limit: int = 25) -> list[str]:
    """AGS whose label matches the query: AGS prefix, or every word in the name.

    Names starting with the query come first, so 'Bad' lists 'Bad …' before 'Neubad'.
    """
    query = query.strip()
    if len(query) < 2:
        return []
    if query.isdigit():
        # A key typed without its leading zero (spreadsheets drop it) still matches.
        prefixes = (query, "0" + query)
        return [a for a in labels if a.startswith(prefixes)][:limit]
    words = _fold(query).split()
    hits = [(a, _fold(label)) for a, label in labels.items()]
    hits = [(a, f) for a, f in hits if all(w in f for w in words)]
    hits.sort(key=lambda item: (not item[1].startswith(words[0]), item[1]))
    return [a for a, _ in hits[:limit]]


def custom_cooperation(
    custom: tuple[str, ...], label: str = "Eigene Auswahl", source: str = "Hochgeladene Liste"
) -> dict:
    """The planner's own list as a cooperation-like record (used by maps and comparisons)."""
    return {
        "id": CUSTOM_ID,
        "name": label,
        "short_name": "Eigene Auswahl",
        "kind": "Eigene Auswahl",
        "member_ags": list(custom),
        "programme_year": None,
        "summary": "",
        "sources": [{"title": source, "url": None}],
        "uncertain": "",
    }
