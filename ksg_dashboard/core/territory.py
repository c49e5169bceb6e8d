"""Which territorial status figures refer to, and flags for values that span a change (pure).

Default: every year on the territory of 31.12.2022 (predecessors summed into their 2022
successor, `data/population_2022.parquet`). The alternative shows the series as published
("jeweiliger Gebietsstand"), where every value that spans a territorial change is flagged.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import pandas as pd

PARAM = "gebiet"
CONSISTENT = "2022"
PUBLISHED = "jeweilig"
DEFAULT_MODE = CONSISTENT
MODES = {
    CONSISTENT: "Gebietsstand 31.12.2022",
    PUBLISHED: "jeweiliger Gebietsstand (wie veröffentlicht)",
}
FLAG = "⚑"
UNINCORPORATED_PREFIX = "Gemeindefreies Gebiet"
# 2016: six NRW municipalities unpublished; the district table 12411-0018 has the totals.
OFFICIAL_TOTAL_NOTE = (
    "amtliche Summe der Kreise (Destatis 12411-0018); Destatis weist die Genauigkeit der "
    "Summen höherer Ebenen für 2016 als eingeschränkt aus"
)
CHANGE_KINDS = {
    "merger": "Zusammenschluss/Eingliederung",
    "split": "Aufteilung",
    "renumbering": "neuer Schlüssel",
    "boundary_shift": "Grenzänderung",
}


def parse_mode(value: str | None) -> tuple[str, str | None]:
    """The territory mode from the URL value; unknown values fall back with a note."""
    if value is None or value == "":
        return DEFAULT_MODE, None
    text = str(value).strip().casefold()
    if text in MODES:
        return text, None
    return DEFAULT_MODE, f"gebiet={value} ist unbekannt (erlaubt: 2022 oder jeweilig)."


def caption(mode: str) -> str:
    """Which territory a figure shows, for captions."""
    if mode == PUBLISHED:
        return (
            "Jeweiliger Gebietsstand: Werte wie veröffentlicht, jede Gemeinde in ihren Grenzen "
            f"des jeweiligen Jahres; {FLAG} = Wert überspannt eine Gebietsänderung"
        )
    return (
        "Gebietsstand 31.12.2022: alle Jahre auf die Gemeinden von 2022 umgerechnet "
        "(Vorgänger aufsummiert)"
    )


def is_unincorporated(types: pd.Series) -> pd.Series:
    """True for unincorporated areas (gemeindefreie Gebiete), which are no municipalities."""
    # As text first: a categorical column cannot be filled with a value it has no category for.
    return types.astype("str").str.startswith(UNINCORPORATED_PREFIX, na=False)


def change_events(changes: pd.DataFrame, crosswalk: pd.DataFrame) -> pd.DataFrame:
    """(ags22, year, kind, old_name) per change: which 2022 municipality a change touched.

    A change of year c (status 31.12.c-1 → 31.12.c) touches the 2022 successor of its new key
    and, for splits and boundary shifts, the successor of the key that gave up territory. An
    area gain without a neighbour that lost as much (often a re-survey) is in the register but
    not counted as a change here.
    """
    main = (
        crosswalk.sort_values(["year", "ags", "pop_share"], ascending=[True, True, False])
        .drop_duplicates(["year", "ags"])
        .set_index(["year", "ags"])["ags22"]
    )
    rows = []
    for row in changes.itertuples():
        if row.kind == "boundary_shift" and not (isinstance(row.old_ags, str) and row.old_ags):
            continue
        year = int(row.year)
        new = main.get((year, str(row.new_ags)))
        if new is not None:
            rows.append((new, year, row.kind, row.old_name))
        if row.kind in {"split", "boundary_shift"} and isinstance(row.old_ags, str) and row.old_ags:
            old = main.get((year, row.old_ags)) or main.get((year - 1, row.old_ags))
            if old is not None and old != new:
                rows.append((old, year, row.kind, row.new_name))
    events = pd.DataFrame(rows, columns=["ags22", "year", "kind", "other"])
    return events.drop_duplicates(["ags22", "year", "kind"]).reset_index(drop=True)


def change_years(events: pd.DataFrame, ags: str, low: int, high: int) -> list[int]:
    """Years c with low < c <= high in which the territory of `ags` changed."""
    rows = events[(events["ags22"] == ags) & (events["year"] > low) & (events["year"] <= high)]
    return sorted(set(rows["year"].astype(int)))


def flags(
    events: pd.DataFrame, ags: Iterable[str], year: int, base_year: int | None
) -> dict[str, str]:
    """Per AGS a flag text ('⚑ 2013, 2014') where a published value spans a change.

    For a change since `base_year`: changes between the two years. For a value of one year
    (base_year None) shown on the 2022 polygons: changes after that year.
    """
    low, high = (year, 9999) if base_year is None else sorted((year, base_year))
    relevant = events[(events["year"] > low) & (events["year"] <= high)]
    by_key = relevant.groupby("ags22")["year"].apply(lambda s: sorted(set(s.astype(int))))
    wanted = set(ags)
    return {
        key: f"{FLAG} " + ", ".join(str(y) for y in years)
        for key, years in by_key.items()
        if key in wanted
    }


def with_official_totals(
    series: pd.DataFrame, totals: pd.DataFrame | None, state_keys: Iterable[str] = ()
) -> tuple[pd.DataFrame, dict[int, str]]:
    """Fill years without a municipality sum (NRW/Germany 2016) with the official district sum.

    Returns the series and {year: note} for the filled years. Only Germany or single states
    are filled; a sum over several states uses the sum of their official totals.
    """
    if totals is None or totals.empty:
        return series, {}
    states = list(dict.fromkeys(state_keys))
    rows = (
        totals[(totals["level"] == "state") & (totals["key"].isin(states))]
        if states
        else totals[totals["level"] == "germany"]
    )
    if states and rows["key"].nunique() != len(states):
        return series, {}
    official = rows.groupby("year")[["population", "male", "female"]].sum(min_count=1)
    out = series.copy()
    notes: dict[int, str] = {}
    for year in out.index[out["population"].isna()]:
        if year in official.index and pd.notna(official.at[year, "population"]):
            for column in ("population", "male", "female"):
                out.at[year, column] = official.at[year, column]
            notes[int(year)] = OFFICIAL_TOTAL_NOTE
    return out, notes


def successor_map(register: pd.DataFrame) -> dict[str, str]:
    """Historic key → its 2022 successor (only keys that differ)."""
    if "successor_2022" not in register.columns:
        return {}
    rows = register.dropna(subset=["successor_2022"])
    return {a: s for a, s in zip(rows["ags"], rows["successor_2022"], strict=True) if a != s}


def resolve_keys(keys: Iterable[str], successors: Mapping[str, str]) -> list[str]:
    """Keys mapped to their 2022 successors, order kept, duplicates dropped."""
    return list(dict.fromkeys(successors.get(k, k) for k in keys))


def resolve_members(records: list[dict], successors: Mapping[str, str]) -> list[dict]:
    """Cooperation/measure records with `member_ags` on the 2022 territory; the keys as
    curated stay in `member_ags_curated`."""
    out = []
    for record in records:
        members = record.get("member_ags") or []
        resolved = resolve_keys(members, successors)
        if resolved != list(members):
            record = {**record, "member_ags": resolved, "member_ags_curated": list(members)}
        out.append(record)
    return out


def successor_note(ags: str, register: pd.DataFrame) -> tuple[str, str | None]:
    """An old key from a link resolved to its 2022 successor, with a note for the user."""
    rows = register[register["ags"] == ags]
    if rows.empty or "successor_2022" not in rows.columns:
        return ags, None
    row = rows.iloc[0]
    successor = row["successor_2022"]
    if not isinstance(successor, str) or successor == ags:
        return ags, None
    names = register.set_index("ags")["name"]
    return successor, (
        f"Gemeindeschlüssel {ags} ({row['name']}) gilt bis {int(row['last_year'])}; "
        f"gezeigt wird die Nachfolgegemeinde {names.get(successor, successor)} ({successor}, "
        "Gebietsstand 31.12.2022)."
    )


def metadata_columns(mode: str, attribution: str, licence: str) -> dict[str, str]:
    """Columns naming territory, source and licence for downloads."""
    return {"gebietsstand": MODES[mode], "quelle": attribution, "lizenz": licence}
