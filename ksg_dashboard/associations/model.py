"""Gemeindeverbände (formal inter-municipal bodies): lookup, search and how a cooperation
relates to them (pure logic, no Streamlit).

A cooperation *coincides* with a body when its members are exactly the body's members; it
*crosses* a body when it takes only part of a body's members (also when it lies wholly inside
one body); it *spans* several units when it is made of two or more whole units, a unit being a
body or a municipality that belongs to no body ("verbandsfrei"). When no member belongs to a
body, the cooperation is *verbandsfrei*.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from functools import cached_property

import pandas as pd

from ksg_dashboard.core.selection import _fold
from ksg_dashboard.demography.model import SUM_COLUMNS, add_indicators

COINCIDES = "deckungsgleich"
CROSSES = "schneidet"
SPANS = "umfasst"
UNAFFILIATED = "verbandsfrei"
UNKNOWN = "unbekannt"
KIND_LABELS = {
    COINCIDES: "deckungsgleich mit einem Gemeindeverband",
    CROSSES: "schneidet einen Gemeindeverband",
    SPANS: "umfasst mehrere Verwaltungseinheiten vollständig",
    UNAFFILIATED: "alle Mitglieder verbandsfrei",
    UNKNOWN: "keine Angabe",
}
# The last GV-ISys reference date before the workshop (11./12.03.2019).
WORKSHOP_YEAR = 2018
# Abbreviations people type for the body types ("VG Syrgenstein", "SG Brome").
TYPE_ABBREVIATIONS = {
    "51": "Amt",
    "52": "SG",
    "53": "VG VGem VerbGem",
    "54": "VG VGem VerwGem",
    "55": "KLG",
    "56": "VV GVV",
    "57": "VG",
    "58": "EG",
}
MAX_KEY_LENGTH = 9


@dataclass(frozen=True)
class BodyShare:
    """One body a cooperation touches: which of its members take part."""

    key: str
    name: str
    type: str
    covered: tuple[str, ...]
    total: int

    @property
    def whole(self) -> bool:
        return len(self.covered) == self.total


@dataclass(frozen=True)
class Relation:
    """How a set of municipalities relates to the bodies of one year."""

    year: int
    kind: str
    bodies: tuple[BodyShare, ...]
    unaffiliated: tuple[str, ...]  # members that belong to no body
    unknown: tuple[str, ...]  # members that did not exist under that key in that year


@dataclass(frozen=True)
class AssociationData:
    """Bodies per year, memberships per year, and (optionally) their outlines."""

    bodies: pd.DataFrame  # year, association_key, name, display_name, type, members, population
    members: pd.DataFrame  # year, association_key, ags
    known: pd.DataFrame  # year, ags of every municipality (to tell verbandsfrei from unknown)

    @property
    def years(self) -> list[int]:
        return sorted(int(y) for y in self.bodies["year"].unique())

    @property
    def last_year(self) -> int:
        return max(self.years)

    @cached_property
    def by_year(self) -> dict[int, tuple[Mapping[str, str], AbstractSet[str], pd.DataFrame]]:
        """Per year: body key of each member AGS, all AGS, and the bodies indexed by key.

        Memberships change for a few hundred of ~11,000 municipalities a year, so one table per
        AGS (its body key in each year, the years it existed) serves every year: 13 yearly
        dicts and sets held about 15 MB, even with interned keys (measured 02.12.2026)."""
        years = sorted(int(y) for y in self.bodies["year"].unique())
        slot = {year: i for i, year in enumerate(years)}
        keys: dict[str, list[str | None]] = {}
        for year, ags, key in zip(
            self.members["year"].tolist(),
            _interned(self.members["ags"]),
            _interned(self.members["association_key"]),
            strict=True,
        ):
            if year in slot:
                keys.setdefault(ags, [None] * len(years))[slot[year]] = key
        known: dict[str, int] = {}
        for year, ags in zip(
            self.known["year"].tolist(), _interned(self.known["ags"]), strict=True
        ):
            if year in slot:
                known[ags] = known.get(ags, 0) | 1 << slot[year]
        frozen = {ags: tuple(per_year) for ags, per_year in keys.items()}
        bodies = {
            int(year): g.set_index("association_key") for year, g in self.bodies.groupby("year")
        }
        return {
            year: (_YearMemberships(frozen, i), _YearKnown(known, i), bodies[year])
            for i, year in enumerate(years)
        }


class _YearMemberships(Mapping[str, str]):
    """One year's view of the per-AGS body keys: member AGS -> body key."""

    def __init__(self, keys: dict[str, tuple[str | None, ...]], slot: int) -> None:
        self._keys, self._slot = keys, slot
        self._size = sum(1 for per_year in keys.values() if per_year[slot] is not None)

    def __getitem__(self, ags: str) -> str:
        key = self._keys[ags][self._slot]
        if key is None:
            raise KeyError(ags)
        return key

    def __iter__(self) -> Iterator[str]:
        return (ags for ags, per_year in self._keys.items() if per_year[self._slot] is not None)

    def __len__(self) -> int:
        return self._size


class _YearKnown(AbstractSet[str]):
    """One year's view of the AGS that existed (a bit per year and AGS)."""

    def __init__(self, known: dict[str, int], slot: int) -> None:
        self._known, self._bit = known, 1 << slot
        self._size = sum(1 for bits in known.values() if bits & self._bit)

    def __contains__(self, ags: object) -> bool:
        return bool(self._known.get(ags, 0) & self._bit)  # type: ignore[call-overload]

    def __iter__(self) -> Iterator[str]:
        return (ags for ags, bits in self._known.items() if bits & self._bit)

    def __len__(self) -> int:
        return self._size


def _interned(keys: pd.Series) -> list[str]:
    """The keys as a list of interned strings: one object per distinct key across all years,
    made once per distinct key (no short-lived copy per row that would fragment the heap)."""
    codes, distinct = pd.factorize(keys, use_na_sentinel=False)
    strings = [sys.intern(key) if isinstance(key, str) else key for key in distinct.tolist()]
    return [strings[code] for code in codes.tolist()]


def relation(data: AssociationData, ags: Sequence[str], year: int) -> Relation:
    """Classify a set of municipalities (a cooperation's members) against the year's bodies."""
    wanted = list(dict.fromkeys(ags))
    body_of, existing, bodies = data.by_year[year]
    unknown = tuple(a for a in wanted if a not in existing)
    unaffiliated = tuple(a for a in wanted if a in existing and a not in body_of)
    keys = list(dict.fromkeys(body_of[a] for a in wanted if a in body_of))
    shares = []
    for key in keys:
        shares.append(
            BodyShare(
                key=key,
                name=str(bodies.at[key, "display_name"]),
                type=str(bodies.at[key, "type"]),
                covered=tuple(a for a in wanted if body_of.get(a) == key),
                total=int(bodies.at[key, "members"]),
            )
        )
    if not wanted or len(unknown) == len(wanted):
        kind = UNKNOWN
    elif not shares:
        kind = UNAFFILIATED
    elif any(not s.whole for s in shares):
        kind = CROSSES
    elif len(shares) == 1 and not unaffiliated:
        kind = COINCIDES
    else:
        kind = SPANS
    return Relation(year, kind, tuple(shares), unaffiliated, unknown)


def relations_over_time(
    data: AssociationData, ags: Sequence[str], years: Iterable[int]
) -> list[Relation]:
    """The relation in each of the years; consecutive years with the same result collapse."""
    out: list[Relation] = []
    for year in years:
        rel = relation(data, ags, year)
        signature = (rel.kind, tuple((s.key, s.covered) for s in rel.bodies), rel.unaffiliated)
        if out:
            last = out[-1]
            if (last.kind, tuple((s.key, s.covered) for s in last.bodies), last.unaffiliated) == (
                signature
            ):
                continue
        out.append(rel)
    return out


def body_year(data: AssociationData, key: str, year: int | None = None) -> int | None:
    """The year whose membership is used for a body: `year` if it existed then, otherwise the
    last year before it, otherwise its first year; None for an unknown key."""
    years = sorted(int(y) for y in data.bodies.loc[data.bodies["association_key"] == key, "year"])
    if not years:
        return None
    if year is None:
        return years[-1]
    if year in years:
        return year
    before = [y for y in years if y < year]
    return before[-1] if before else years[0]


def body_members(data: AssociationData, key: str, year: int | None = None) -> list[str]:
    """AGS of a body's members in the year chosen by body_year (empty for unknown keys)."""
    chosen = body_year(data, key, year)
    if chosen is None:
        return []
    rows = data.members[(data.members["year"] == chosen) & (data.members["association_key"] == key)]
    return rows["ags"].tolist()


def body_record(data: AssociationData, key: str, year: int | None = None) -> dict | None:
    """The body's row (name, type, members, population …) in the year chosen by body_year."""
    chosen = body_year(data, key, year)
    if chosen is None:
        return None
    rows = data.bodies[(data.bodies["year"] == chosen) & (data.bodies["association_key"] == key)]
    return rows.iloc[0].to_dict()


def body_labels(data: AssociationData) -> dict[str, str]:
    """'Amt Gerswalde (Amt)' per key, from the last year each body existed ('bis 2019')."""
    last = data.bodies.sort_values("year").groupby("association_key").last()
    labels = {}
    for key, row in last.iterrows():
        until = f", bis {int(row['year'])}" if int(row["year"]) < data.last_year else ""
        labels[str(key)] = f"{row['display_name']} ({row['type']}{until})"
    return labels


def search_bodies(data: AssociationData, query: str, limit: int = 10) -> list[str]:
    """Keys of bodies whose name (with type and its usual abbreviations) has every query word.

    Names starting with the query's first word come first."""
    words = _fold(query).split()
    if len(query.strip()) < 2 or not words:
        return []
    last = data.bodies.sort_values("year").groupby("association_key").last()
    hits = []
    for key, row in last.iterrows():
        haystack = _fold(
            f"{row['display_name']} {row['name']} {row['type']} "
            f"{TYPE_ABBREVIATIONS.get(str(row['type_code']), '')}"
        )
        if all(w in haystack for w in words):
            starts = any(_fold(str(row["name"])).startswith(w) for w in words)
            hits.append((not starts, haystack, str(key)))
    hits.sort()
    return [key for _, _, key in hits[:limit]]


def parse_key(value: str) -> str | None:
    """A 9-digit body key from a URL value (a lost leading zero is restored), else None."""
    value = value.strip()
    if not value.isascii() or not value.isdigit() or not 8 <= len(value) <= MAX_KEY_LENGTH:
        return None
    return value.zfill(MAX_KEY_LENGTH)


def as_cooperation(data: AssociationData, key: str, year: int | None = None) -> dict | None:
    """A body as a cooperation-like record (members, names) for maps and comparisons."""
    record = body_record(data, key, year)
    if record is None:
        return None
    return {
        "id": f"verband-{key}",
        "name": f"{record['display_name']} ({record['type']})",
        "short_name": str(record["display_name"]),
        "kind": str(record["type"]),
        "member_ags": body_members(data, key, year),
        "programme_year": None,
        "summary": "",
        "sources": [],
        "uncertain": "",
        "association_key": key,
        "association_year": int(record["year"]),
    }


def _join(parts: Sequence[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " und " + parts[-1]


def short_text(rel: Relation, names: dict[str, str] | None = None) -> str:
    """A short German phrase for cards: 'deckungsgleich mit Amt X', 'schneidet VG Y (1 von 4)';
    with `names`, the verbandsfreie members are named."""
    if rel.kind == UNKNOWN:
        return "keine Angabe"
    if rel.kind == UNAFFILIATED:
        return "verbandsfrei" if len(rel.unaffiliated) == 1 else "alle Mitglieder verbandsfrei"
    if rel.kind == COINCIDES:
        return f"deckungsgleich mit {rel.bodies[0].name}"
    whole = [s.name for s in rel.bodies if s.whole]
    free = len(rel.unaffiliated)
    if free:
        label = "1 verbandsfreie Gemeinde" if free == 1 else f"{free} verbandsfreie Gemeinden"
        if names:
            label += " (" + ", ".join(names.get(a, a) for a in rel.unaffiliated) + ")"
        whole.append(label)
    if rel.kind == SPANS:
        return "umfasst " + _join(whole)
    cut = [f"{s.name} ({len(s.covered)} von {s.total})" for s in rel.bodies if not s.whole]
    return "schneidet " + _join(cut) + (f"; dazu {_join(whole)}" if whole else "")


def timeline(data: AssociationData, ags: Sequence[str]) -> list[tuple[str, Relation]]:
    """The relation per period of unchanged result (31.12. of each year), labelled
    '2010–2012', '2013', 'seit 2020' or, when nothing changed, '2010–2022'."""
    years = data.years
    relations = relations_over_time(data, ags, years)
    out = []
    for index, rel in enumerate(relations):
        if index + 1 < len(relations):
            end = relations[index + 1].year - 1
            label = str(rel.year) if end == rel.year else f"{rel.year}–{end}"
        elif index == 0:
            label = f"{years[0]}–{years[-1]}"
        else:
            label = f"seit {rel.year}" if rel.year < years[-1] else str(rel.year)
        out.append((label, rel))
    return out


def indicator_table(
    data: AssociationData, population: pd.DataFrame, year: int, base_year: int
) -> pd.DataFrame:
    """Every body of `year` with the indicators of its members' sum (like a cooperation: the
    same members in the base year; a body with a member lacking a value stays empty)."""
    members = data.members[data.members["year"] == year][["association_key", "ags"]]
    sums = {}
    for when in (year, base_year):
        rows = population[population["year"] == when].merge(members, on="ags", how="right")
        grouped = rows.groupby("association_key")
        total = grouped[SUM_COLUMNS].sum(min_count=1)
        total.loc[grouped["population"].apply(lambda s: s.isna().any())] = pd.NA
        sums[when] = total
    table = add_indicators(sums[year], sums[base_year]).reset_index()
    bodies = data.bodies[data.bodies["year"] == year][
        ["association_key", "display_name", "type", "members"]
    ]
    return bodies.merge(table, on="association_key", how="left")
