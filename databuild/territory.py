"""One territorial status for every year: crosswalk of all AGS 2010–2022 to 31.12.2022.

Sources: the BBSR crosswalk ("Umstiegsschlüssel") maps every year's keys 2010–2020 to the
territory of 31.12.2020. Changes after that are derived here from consecutive GV-ISys years:
keys that disappear or appear, area balance within the district (then the state) and names.
The same derivation is run on 2010–2020 and compared with the BBSR crosswalk, so the method
is validated on the years where an official answer exists.

All functions are pure (frames in, frames out).
"""

from __future__ import annotations

import itertools
import logging
import re
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from databuild.files import write_json, write_parquet
from ksg_dashboard.core.validation import DataValidationError

log = logging.getLogger(__name__)

TARGET_YEAR = 2022
BBSR_YEAR = 2020
SOURCE_BBSR = "BBSR-Umstiegsschlüssel"
SOURCE_DERIVED = "abgeleitet (GV-ISys)"
KINDS = ("merger", "split", "renumbering", "boundary_shift")
# Area balance: absolute tolerance plus a share of the areas involved. GV-ISys areas are
# rounded to 0.01 km² and re-surveys (ALKIS) move areas slightly from year to year.
AREA_TOLERANCE_KM2 = 0.06
AREA_TOLERANCE_SHARE = 0.002
# A persisting municipality whose area grows/shrinks by at least this much without any key
# disappearing is recorded as a boundary shift (kept on its key; population unknown).
BOUNDARY_SHIFT_KM2 = 0.5
MAX_EXACT_ITEMS = 18  # subset search is exhaustive up to this many disappearing keys per group
AREA_BALANCE_KM2 = 0.1  # a change whose areas do not balance within this gets a note


@dataclass(frozen=True)
class Step:
    """Derived changes from one year's status to the next."""

    year: int  # status 31.12.year (the change took effect during this year)
    links: pd.DataFrame  # old_ags, new_ags, pop_share, area_share, estimated (gone keys only)
    records: pd.DataFrame  # register rows with evidence


# --- BBSR crosswalk ----------------------------------------------------------------------


def read_bbsr(path: Path | str) -> pd.DataFrame:
    """BBSR crosswalk: year, ags, ags20, pop_share, area_share (shares normalised per key).

    The crosswalk gives pop_conv = 1.0 for every part of split unincorporated areas (which have
    no inhabitants); where a key's population shares sum to more than 1, its area shares are
    used as population shares instead, so no inhabitant is counted twice.
    """
    name = Path(path).name
    try:
        raw = pd.read_csv(path, dtype={"ags_xw": str, "ags20": str})
    except (OSError, ValueError) as error:
        raise DataValidationError(name, f"not readable ({error})") from error
    expected = {"year_xw", "ags_xw", "ags20", "pop_conv", "size_conv"}
    if not expected <= set(raw.columns):
        raise DataValidationError(name, f"columns {sorted(raw.columns)}, expected {expected}")
    frame = pd.DataFrame(
        {
            "year": raw["year_xw"].astype(int),
            "ags": raw["ags_xw"].str.zfill(8),
            "ags20": raw["ags20"].str.zfill(8),
            "pop_share": raw["pop_conv"].astype(float),
            "area_share": raw["size_conv"].astype(float),
        }
    )
    pop_sum = frame.groupby(["year", "ags"])["pop_share"].transform("sum")
    over = pop_sum > 1.0001
    frame.loc[over, "pop_share"] = frame.loc[over, "area_share"]
    frame["pop_share"] = frame["pop_share"] / frame.groupby(["year", "ags"])["pop_share"].transform(
        "sum"
    )
    frame["area_share"] = frame["area_share"] / frame.groupby(["year", "ags"])[
        "area_share"
    ].transform("sum")
    frame["estimated"] = over
    return frame.sort_values(["year", "ags", "ags20"], ignore_index=True)


# --- derivation from consecutive GV-ISys years --------------------------------------------


def _name_key(name: str) -> str:
    """Name without the ', Stadt'-style suffix, lower case, for matching renumberings."""
    return re.sub(r"[^a-zäöüß]", "", str(name).split(",")[0].casefold())


def _tolerance(total_area: float) -> float:
    return AREA_TOLERANCE_KM2 + AREA_TOLERANCE_SHARE * total_area


def _best_subset(
    areas: np.ndarray,
    target: float,
    own_area: float,
    bonus: np.ndarray,
    pops: np.ndarray,
    pop_target: float,
    groups: np.ndarray | None = None,
) -> tuple[int, ...] | None:
    """Indices of the subset of `areas` whose sum matches `target` within the tolerance.

    Among feasible subsets, the score prefers items sharing the successor's association or
    name (`bonus`), a small population residual (`pops` against `pop_target`, the successor's
    growth in inhabitants), members from few former associations (`groups`, integer codes)
    and a small area residual.
    """
    n = len(areas)
    groups = np.zeros(n, dtype=int) if groups is None else groups
    if n == 0:
        return None
    tolerance = _tolerance(own_area + target)
    if n > MAX_EXACT_ITEMS:
        # Keep the items most likely to belong: bonus first, then those not larger than target.
        order = np.argsort(-(bonus * 1e6) + np.abs(areas - target / 2))
        keep = np.sort(order[:MAX_EXACT_ITEMS])
        found = _best_subset(
            areas[keep], target, own_area, bonus[keep], pops[keep], pop_target, groups[keep]
        )
        return None if found is None else tuple(int(keep[i]) for i in found)
    masks = np.arange(1, 2**n, dtype=np.int64)
    bits = ((masks[:, None] >> np.arange(n)) & 1).astype(bool)
    sums = bits @ areas
    residual = np.abs(sums - target)
    ok = np.flatnonzero(residual <= tolerance)
    if ok.size == 0:
        return None
    chosen = bits[ok]
    pop_residual = np.abs(chosen @ pops - pop_target) / max(abs(pop_target), 50.0)
    codes = np.unique(groups)
    spread = np.stack([chosen[:, groups == c].any(axis=1) for c in codes], axis=1).sum(axis=1)
    score = (
        chosen @ bonus
        - residual[ok] / (tolerance + 1e-9)
        - np.minimum(pop_residual, 3.0)
        - 1.5 * (spread - 1)
    )
    pick = ok[int(np.argmax(score))]
    return tuple(int(i) for i in np.flatnonzero(bits[pick]))


def derive_step(prev: pd.DataFrame, cur: pd.DataFrame) -> Step:
    """Changes between two consecutive years' municipality rows (columns as read_all_years)."""
    year = int(cur["year"].iloc[0])
    a = prev.drop_duplicates("ags").set_index("ags")
    b = cur.drop_duplicates("ags").set_index("ags")
    area_a = a["area_km2"].astype(float).to_dict()
    area_b = b["area_km2"].astype(float).to_dict()
    pop_a = a["population"].astype(float).fillna(0).to_dict()
    pop_b = b["population"].astype(float).fillna(0).to_dict()
    district_a = a["district_key"].astype(str).to_dict()
    district_b = b["district_key"].astype(str).to_dict()
    assoc_a = a["association_key"].astype(str).to_dict()
    assoc_b = b["association_key"].astype(str).to_dict()
    name_a = a["name"].astype(str).to_dict()
    name_b = b["name"].astype(str).to_dict()
    postcode_a = a["postcode"].astype(str).to_dict()
    postcode_b = b["postcode"].astype(str).to_dict()
    gone = [k for k in a.index if k not in area_b]
    new = [k for k in b.index if k not in area_a]
    both = [k for k in b.index if k in area_a]
    gain = {k: area_b[k] for k in new} | {k: area_b[k] - area_a[k] for k in both}
    own = {k: 0.0 for k in new} | {k: area_a[k] for k in both}
    candidates = [k for k, v in gain.items() if v > AREA_TOLERANCE_KM2]
    remaining_gone = list(gone)
    residual_gain = dict(gain)
    links: list[dict] = []
    records: list[dict] = []
    gone_by_name: dict[tuple[str, str], list[str]] = {}
    for key in gone:
        gone_by_name.setdefault((key[:2], _name_key(name_a[key])), []).append(key)

    def record(old: str, new_key: str, share: float, kind: str, note: str = "") -> None:
        records.append(
            {
                "year": year,
                "old_ags": old,
                "old_name": name_a[old],
                "new_ags": new_key,
                "new_name": name_b[new_key],
                "pop_share": share,
                "area_share": share,
                "kind": kind,
                "area_old_km2": area_a[old],
                "area_successor_before_km2": area_a.get(new_key, 0.0),
                "area_successor_after_km2": area_b[new_key],
                "note": note,
            }
        )

    def link(old: str, new_key: str, share: float, kind: str, note: str = "") -> None:
        links.append({"old_ags": old, "new_ags": new_key, "pop_share": share, "area_share": share})
        record(old, new_key, share, kind, note)

    # 1. Renumberings: a new key with the same name and the same area as a disappearing one.
    for key in new:
        for old in gone_by_name.get((key[:2], _name_key(name_b[key])), []):
            if old in remaining_gone and abs(area_a[old] - gain[key]) <= _tolerance(area_a[old]):
                link(old, key, 1.0, "renumbering")
                residual_gain[key] = 0.0
                remaining_gone.remove(old)
                break

    def districts_for(key: str) -> set[str]:
        """Old districts a successor may draw from: its own, and that of a same-name key."""
        found = {district_b[key], district_a.get(key, district_b[key])}
        for old in gone_by_name.get((key[:2], _name_key(name_b[key])), []):
            found.add(district_a[old])
        return found

    def whole_units(scope: str) -> None:
        for key in sorted(candidates, key=lambda k: -residual_gain[k]):
            target = residual_gain[key]
            if target <= AREA_TOLERANCE_KM2 or not remaining_gone:
                continue
            if scope == "district":
                allowed = districts_for(key)
                pool = [g for g in remaining_gone if district_a[g] in allowed]
            else:
                pool = [g for g in remaining_gone if g[:2] == key[:2]]
            pool = [g for g in pool if area_a[g] <= target + _tolerance(own[key] + target)]
            if not pool:
                continue
            same_name = _name_key(name_b[key])
            association = assoc_a.get(key, assoc_b[key])
            bonus = np.array(
                [
                    float(assoc_a[g] == association)
                    + 2.0 * (_name_key(name_a[g]) == same_name)
                    + 0.5 * (postcode_a[g] == postcode_b[key])
                    for g in pool
                ]
            )
            areas = np.array([area_a[g] for g in pool])
            pops = np.array([pop_a[g] for g in pool])
            pop_target = pop_b[key] - pop_a.get(key, 0.0)
            codes = pd.factorize(pd.Series([assoc_a[g] for g in pool]))[0]
            subset = _best_subset(areas, target, own[key], bonus, pops, pop_target, codes)
            if subset is None:
                continue
            members = [pool[i] for i in subset]
            renumbered = key in new and len(members) == 1
            for old in members:
                link(old, key, 1.0, "renumbering" if renumbered else "merger")
                remaining_gone.remove(old)
            residual_gain[key] -= float(areas[list(subset)].sum())

    def splits(scope: str) -> None:
        for old in list(remaining_gone):
            district = district_a[old]
            pool = [
                k
                for k in candidates
                if residual_gain[k] > AREA_TOLERANCE_KM2
                and (district in districts_for(k) if scope == "district" else k[:2] == old[:2])
            ]
            pool.sort(key=lambda k: (district not in districts_for(k), -residual_gain[k], k))
            area_old = area_a[old]
            parts, total = [], 0.0
            for key in pool:
                if total >= area_old - _tolerance(area_old):
                    break
                take = min(residual_gain[key], area_old - total)
                parts.append((key, take))
                total += take
            balanced = abs(total - area_old) <= _tolerance(area_old)
            if not parts or (scope == "district" and not balanced):
                continue
            note = (
                ""
                if balanced
                else (f"Flächenbilanz offen: {area_old:.2f} km² → {total:.2f} km² bei Nachfolgern")
            )
            for key, take in parts:
                share = take / total if total else 1.0 / len(parts)
                link(old, key, share, "split" if len(parts) > 1 else "merger", note)
                residual_gain[key] -= take
            remaining_gone.remove(old)

    # 2. Whole units and splits within the districts, then within the state.
    whole_units("district")
    splits("district")
    whole_units("state")
    splits("state")
    for old in remaining_gone:
        log.warning("%d: no successor found for %s (%s)", year, old, name_a[old])

    # 3. Boundary shifts between persisting municipalities (recorded, not re-keyed).
    losers = [d for d in both if area_a[d] - area_b[d] >= BOUNDARY_SHIFT_KM2]
    for key in both:
        grown = residual_gain.get(key, 0.0)
        if grown < BOUNDARY_SHIFT_KM2:
            continue
        donors = [d for d in losers if district_b[d] == district_b[key]]
        donor = min(donors, key=lambda d: abs(area_a[d] - area_b[d] - grown), default=None)
        records.append(
            {
                "year": year,
                "old_ags": donor or "",
                "old_name": name_a[donor] if donor else "",
                "new_ags": key,
                "new_name": name_b[key],
                "pop_share": np.nan,
                "area_share": np.nan,
                "kind": "boundary_shift",
                "area_old_km2": area_a[donor] if donor else np.nan,
                "area_successor_before_km2": area_a[key],
                "area_successor_after_km2": area_b[key],
                "note": (
                    f"{name_a[donor]}: {area_a[donor]:.2f} → {area_b[donor]:.2f} km²"
                    if donor
                    else "kein abgebender Nachbar im Kreis gefunden (auch Neuvermessung möglich)"
                ),
            }
        )
    link_frame = pd.DataFrame(links, columns=["old_ags", "new_ags", "pop_share", "area_share"])
    link_frame["estimated"] = link_frame["pop_share"] < 1
    return Step(year, link_frame, pd.DataFrame(records))


def identity_links(keys: pd.Series) -> pd.DataFrame:
    return pd.DataFrame(
        {"old_ags": keys.values, "new_ags": keys.values, "pop_share": 1.0, "area_share": 1.0}
    ).assign(estimated=False)


def step_mapping(step: Step, prev_keys: pd.Series) -> pd.DataFrame:
    """Full mapping of every key of the previous year (persisting keys map to themselves)."""
    moved = set(step.links["old_ags"])
    stay = identity_links(prev_keys[~prev_keys.isin(moved)])
    return pd.concat([stay, step.links], ignore_index=True)


def compose(first: pd.DataFrame, second: pd.DataFrame) -> pd.DataFrame:
    """Chain two mappings old→mid and mid→new into old→new (shares multiplied and summed)."""
    merged = first.merge(
        second, left_on="new_ags", right_on="old_ags", suffixes=("", "_2"), how="left"
    )
    if merged["new_ags_2"].isna().any():
        lost = merged.loc[merged["new_ags_2"].isna(), "new_ags"].head(5).tolist()
        raise DataValidationError("crosswalk", f"keys without successor: {lost}")
    out = pd.DataFrame(
        {
            "old_ags": merged["old_ags"],
            "new_ags": merged["new_ags_2"],
            "pop_share": merged["pop_share"] * merged["pop_share_2"],
            "area_share": merged["area_share"] * merged["area_share_2"],
            "estimated": merged["estimated"] | merged["estimated_2"],
        }
    )
    return out.groupby(["old_ags", "new_ags"], as_index=False).agg(
        pop_share=("pop_share", "sum"),
        area_share=("area_share", "sum"),
        estimated=("estimated", "any"),
    )


def derive_all(all_years: pd.DataFrame) -> dict[int, Step]:
    """Steps year-1 → year for every year after the first."""
    years = sorted(all_years["year"].unique().tolist())
    by_year = {y: all_years[all_years["year"] == y] for y in years}
    return {y: derive_step(by_year[p], by_year[y]) for p, y in itertools.pairwise(years)}


def derived_to(all_years: pd.DataFrame, steps: dict[int, Step], start: int, end: int):
    """Derived mapping of every key of `start` to the status of `end`."""
    keys = all_years.loc[all_years["year"] == start, "ags"].drop_duplicates()
    mapping = identity_links(keys)
    for year in range(start + 1, end + 1):
        prev_keys = all_years.loc[all_years["year"] == year - 1, "ags"].drop_duplicates()
        mapping = compose(mapping, step_mapping(steps[year], prev_keys))
    return mapping


def main_successor(mapping: pd.DataFrame, old: str, new: str, share: str) -> pd.DataFrame:
    """The successor with the largest share per old key."""
    ordered = mapping.sort_values([old, share, new], ascending=[True, False, True])
    return ordered.drop_duplicates(old)[[old, new]]


def validate_against_bbsr(
    all_years: pd.DataFrame, steps: dict[int, Step], bbsr: pd.DataFrame
) -> dict:
    """Agreement of the derivation with the BBSR crosswalk for the years 2010–2019.

    Agreement = share of (year, key) pairs whose main successor on 31.12.2020 is the same;
    also given for the keys that changed (successor differs from the key itself).
    """
    rows = []
    for year in sorted(bbsr["year"].unique()):
        if year >= BBSR_YEAR:
            continue
        derived = derived_to(all_years, steps, int(year), BBSR_YEAR)
        ours = main_successor(derived, "old_ags", "new_ags", "area_share")
        theirs = main_successor(
            bbsr[bbsr["year"] == year].rename(columns={"ags": "old_ags", "ags20": "bbsr_ags"}),
            "old_ags",
            "bbsr_ags",
            "area_share",
        )
        both = theirs.merge(ours, on="old_ags", how="inner").assign(year=int(year))
        rows.append(both)
    table = pd.concat(rows, ignore_index=True)
    table["same"] = table["bbsr_ags"] == table["new_ags"]
    changed = table[table["bbsr_ags"] != table["old_ags"]]
    return {
        "pairs": len(table),
        "agree": int(table["same"].sum()),
        "agreement": round(float(table["same"].mean()), 5),
        "changed_pairs": len(changed),
        "changed_agree": int(changed["same"].sum()),
        "changed_agreement": round(float(changed["same"].mean()), 5),
        "disagreements": table[~table["same"]][["year", "old_ags", "bbsr_ags", "new_ags"]]
        .sort_values(["year", "old_ags"])
        .to_dict("records"),
    }


# --- the crosswalk to 31.12.2022 -------------------------------------------------------------


def crosswalk(all_years: pd.DataFrame, steps: dict[int, Step], bbsr: pd.DataFrame) -> pd.DataFrame:
    """Every (year, ags) of 2010–2022 to its 2022 key(s): year, ags, ags22, shares, source.

    Years up to 2020 use the BBSR crosswalk to 2020, then the derived steps 2021 and 2022;
    keys missing in the BBSR crosswalk (uninhabited areas such as 07000999) use the derivation.
    """
    years = sorted(all_years["year"].unique().tolist())
    tail = identity_links(all_years.loc[all_years["year"] == BBSR_YEAR, "ags"].drop_duplicates())
    for year in range(BBSR_YEAR + 1, TARGET_YEAR + 1):
        prev_keys = all_years.loc[all_years["year"] == year - 1, "ags"].drop_duplicates()
        tail = compose(tail, step_mapping(steps[year], prev_keys))
    frames = []
    for year in years:
        keys = all_years.loc[all_years["year"] == year, "ags"].drop_duplicates()
        if year <= BBSR_YEAR:
            official = bbsr[bbsr["year"] == year].rename(
                columns={"ags": "old_ags", "ags20": "new_ags"}
            )[["old_ags", "new_ags", "pop_share", "area_share", "estimated"]]
            official = official[official["old_ags"].isin(set(keys))]
            rest = keys[~keys.isin(set(official["old_ags"]))]
            derived = (
                derived_to(all_years, steps, year, BBSR_YEAR) if len(rest) else identity_links(rest)
            )
            derived = derived[derived["old_ags"].isin(set(rest))]
            mapping = compose(
                pd.concat(
                    [official.assign(source=SOURCE_BBSR), derived.assign(source=SOURCE_DERIVED)],
                    ignore_index=True,
                ).drop(columns="source"),
                tail,
            )
            sources = dict.fromkeys(official["old_ags"], SOURCE_BBSR) | dict.fromkeys(
                derived["old_ags"], SOURCE_DERIVED
            )
            mapping["source"] = mapping["old_ags"].map(sources)
            if year < BBSR_YEAR:
                changed_late = set(
                    mapping.loc[
                        mapping["new_ags"].isin(
                            set(tail.loc[tail["old_ags"] != tail["new_ags"], "new_ags"])
                        ),
                        "old_ags",
                    ]
                )
                late = mapping["old_ags"].isin(changed_late) & (mapping["source"] == SOURCE_BBSR)
                mapping.loc[late, "source"] = f"{SOURCE_BBSR} + {SOURCE_DERIVED}"
            elif year == BBSR_YEAR:
                mapping["source"] = np.where(
                    mapping["old_ags"] != mapping["new_ags"], SOURCE_DERIVED, SOURCE_BBSR
                )
        else:
            mapping = derived_to(all_years, steps, year, TARGET_YEAR)
            mapping["source"] = SOURCE_DERIVED
        frames.append(mapping.assign(year=year))
    table = pd.concat(frames, ignore_index=True).rename(
        columns={"old_ags": "ags", "new_ags": "ags22"}
    )
    table = table[["year", "ags", "ags22", "pop_share", "area_share", "estimated", "source"]]
    table["pop_share"] = table["pop_share"].round(6)
    table["area_share"] = table["area_share"].round(6)
    return table.sort_values(["year", "ags", "ags22"], ignore_index=True)


def validate_crosswalk(table: pd.DataFrame, all_years: pd.DataFrame) -> None:
    """Every key of every year has successors whose shares sum to 1, all of them 2022 keys."""
    name = "crosswalk.parquet"
    target = set(all_years.loc[all_years["year"] == TARGET_YEAR, "ags"])
    unknown = table[~table["ags22"].isin(target)]
    if not unknown.empty:
        raise DataValidationError(
            name, f"targets not in 2022: {unknown.head(3).to_dict('records')}"
        )
    sums = table.groupby(["year", "ags"])[["pop_share", "area_share"]].sum()
    bad = sums[(sums - 1).abs().max(axis=1) > 1e-4]
    if not bad.empty:
        raise DataValidationError(name, f"shares do not sum to 1: {bad.head(3).index.tolist()}")
    have = set(zip(table["year"], table["ags"], strict=True))
    need = set(zip(all_years["year"], all_years["ags"], strict=True))
    if need - have:
        raise DataValidationError(name, f"keys without successor: {sorted(need - have)[:3]}")


# --- change register -------------------------------------------------------------------------


def change_register(steps: dict[int, Step], bbsr: pd.DataFrame) -> pd.DataFrame:
    """All year-to-year changes with evidence; 2011–2020 checked against the BBSR crosswalk.

    For years up to 2020 a change counts as confirmed by the BBSR when the old key's main
    successor on 31.12.2020 in the BBSR crosswalk is the 2020 successor of the derived one;
    split shares then come from the BBSR (population-weighted).
    """
    frames = [s.records for s in steps.values() if not s.records.empty]
    register = pd.concat(frames, ignore_index=True)
    register["source"] = SOURCE_DERIVED
    register["confirmed_by_bbsr"] = pd.NA
    bbsr_prev = bbsr.rename(columns={"ags": "old_ags"})
    for index, row in register.iterrows():
        if row["kind"] == "boundary_shift" or row["year"] > BBSR_YEAR:
            continue
        year_rows = bbsr_prev[
            (bbsr_prev["year"] == row["year"] - 1) & (bbsr_prev["old_ags"] == row["old_ags"])
        ]
        # the successor's own 2020 key in the BBSR crosswalk (of the change year's status)
        succ = bbsr[(bbsr["year"] == row["year"]) & (bbsr["ags"] == row["new_ags"])]
        if year_rows.empty or succ.empty:
            continue
        succ20 = set(succ["ags20"])
        confirmed = bool(set(year_rows["ags20"]) & succ20)
        register.at[index, "confirmed_by_bbsr"] = confirmed
        if confirmed:
            register.at[index, "source"] = SOURCE_BBSR
            share = year_rows[year_rows["ags20"].isin(succ20)]
            if row["kind"] == "split":
                register.at[index, "pop_share"] = round(float(share["pop_share"].sum()), 6)
                register.at[index, "area_share"] = round(float(share["area_share"].sum()), 6)
    register["area_balance_km2"] = np.nan
    mergers = register["kind"].isin(["merger", "renumbering", "split"])
    for _, group in register[mergers].groupby(["year", "new_ags"]):
        absorbed = (group["area_old_km2"] * group["area_share"].astype(float)).sum()
        before = group["area_successor_before_km2"].iloc[0]
        after = group["area_successor_after_km2"].iloc[0]
        register.loc[group.index, "area_balance_km2"] = round(after - before - absorbed, 2)
    for index, row in register.iterrows():
        notes = [row["note"]] if row["note"] else []
        if row["confirmed_by_bbsr"] is False:
            notes.append("weicht vom BBSR-Umstiegsschlüssel ab (dort gilt dessen Zuordnung)")
        balance = row["area_balance_km2"]
        if pd.notna(balance) and abs(balance) > AREA_BALANCE_KM2:
            verdict = (
                "Zuordnung vom BBSR bestätigt"
                if row["confirmed_by_bbsr"] is True
                else "Zuordnung abgeleitet, nicht bestätigt"
            )
            notes.append(
                f"Flächenbilanz {balance:+.2f} km² (gleichzeitige Flächenänderung beim "
                f"Nachfolger oder weitere Teile); {verdict}"
            )
        register.at[index, "note"] = "; ".join(notes)
    columns = [
        "year",
        "old_ags",
        "old_name",
        "new_ags",
        "new_name",
        "kind",
        "pop_share",
        "area_share",
        "area_old_km2",
        "area_successor_before_km2",
        "area_successor_after_km2",
        "area_balance_km2",
        "source",
        "confirmed_by_bbsr",
        "note",
    ]
    register["confirmed_by_bbsr"] = register["confirmed_by_bbsr"].astype("boolean")
    register["kind"] = pd.Categorical(register["kind"], categories=KINDS).astype(str)
    return register[columns].sort_values(["year", "new_ags", "old_ags"], ignore_index=True)


# --- population on the 2022 territory ------------------------------------------------------


def _allocate(values: np.ndarray, shares: np.ndarray, groups: np.ndarray) -> np.ndarray:
    """Integer parts of `values` by `shares` so that every group's parts sum to its value
    (largest-remainder rounding); rows of one group must be contiguous."""
    raw = values * shares
    floor = np.floor(raw)
    remainder = raw - floor
    out = floor.copy()
    frame = pd.DataFrame({"g": groups, "v": values, "f": floor, "r": remainder})
    missing = frame.groupby("g")["v"].transform("first") - frame.groupby("g")["f"].transform("sum")
    frame["rank"] = frame.groupby("g")["r"].rank(method="first", ascending=False)
    out = out + (frame["rank"] <= missing.round()).to_numpy()
    return out


def population_on_2022(population: pd.DataFrame, table: pd.DataFrame) -> pd.DataFrame:
    """Population per 2022 municipality and year 2010–2022, same columns as population.parquet.

    Counts of split units go by the crosswalk's population shares (rounded so the parts add up
    to the whole), areas by its area shares. A successor whose predecessor has no published
    value in a year has no value in that year. Extra columns: `estimated` (split shares used),
    `n_predecessors` (keys summed).
    """
    merged = table.merge(
        population.drop(columns=["name", "type", "district_key", "state_key"]),
        on=["year", "ags"],
        how="left",
    ).sort_values(["year", "ags", "ags22"], ignore_index=True)
    group = (merged["year"].astype(str) + merged["ags"]).to_numpy()
    result = {}
    for column in ("male", "female"):
        values = merged[column].astype(float).to_numpy()
        known = ~np.isnan(values)
        parts = np.full(len(values), np.nan)
        parts[known] = _allocate(values[known], merged["pop_share"].to_numpy()[known], group[known])
        result[column] = parts
    merged["male"] = result["male"]
    merged["female"] = result["female"]
    merged["population"] = merged["male"] + merged["female"]
    merged["area_km2"] = merged["area_km2"] * merged["area_share"]
    counted = ["population", "male", "female", "area_km2"]
    grouped = merged.groupby(["ags22", "year"])
    sums = grouped[counted].sum(min_count=1)
    gaps = merged[counted].isna().groupby([merged["ags22"], merged["year"]]).sum()
    sums = sums.mask(gaps > 0)
    sums["census_based"] = grouped["census_based"].first()
    sums["estimated"] = grouped["estimated"].any()
    sums["n_predecessors"] = grouped["ags"].nunique()
    sums = sums.reset_index().rename(columns={"ags22": "ags"})
    latest = population[population["year"] == TARGET_YEAR].set_index("ags")
    for column in ("name", "type", "district_key", "state_key"):
        sums[column] = sums["ags"].map(latest[column])
    for column in ("population", "male", "female"):
        sums[column] = sums[column].round().astype("Int64")
    sums["area_km2"] = sums["area_km2"].astype("Float64").round(2)
    sums["density"] = (sums["population"].astype("Float64") / sums["area_km2"]).round(0)
    sums["census_based"] = sums["census_based"].astype(bool)
    columns = [*list(population.columns), "estimated", "n_predecessors"]
    return sums[columns].sort_values(["ags", "year"], ignore_index=True)


def check_sums_unchanged(population: pd.DataFrame, consistent: pd.DataFrame) -> None:
    """Germany's population per year is the same in both views (re-keying moves, never adds)."""
    a = population.groupby("year")["population"].sum()
    b = consistent.groupby("year")["population"].sum()
    if not (a == b).all():
        raise DataValidationError("population_2022.parquet", f"sums differ: {(b - a).to_dict()}")


def successors(table: pd.DataFrame) -> pd.DataFrame:
    """Per historic key (any year) the main 2022 successor, the last year seen under the key."""
    latest_year = table.groupby("ags")["year"].max().rename("year")
    rows = table.merge(latest_year.reset_index(), on=["ags", "year"])
    main = main_successor(rows, "ags", "ags22", "pop_share")
    return main.rename(columns={"ags22": "successor_2022"})


# --- official totals (12411-0018) ------------------------------------------------------------


def official_totals(district_age: pd.DataFrame) -> pd.DataFrame:
    """Germany and state totals per year from the Destatis district table 12411-0018.

    Columns: level ('state'/'germany'), key ('DG' or 2-digit state), year, population, male,
    female.
    """
    rows = district_age.assign(state_key=district_age["district_key"].str[:2])
    by_sex = rows.groupby(["state_key", "year", "sex"])["population"].sum(min_count=1).unstack()
    states = pd.DataFrame(
        {
            "level": "state",
            "key": by_sex.index.get_level_values(0),
            "year": by_sex.index.get_level_values(1).astype(int),
            "male": by_sex["männlich"].to_numpy(),
            "female": by_sex["weiblich"].to_numpy(),
        }
    )
    germany = states.groupby("year", as_index=False)[["male", "female"]].sum()
    germany = germany.assign(level="germany", key="DG")
    table = pd.concat([states, germany], ignore_index=True)
    table["population"] = table["male"] + table["female"]
    for column in ("male", "female", "population"):
        table[column] = table[column].astype("Int64")
    return table[["level", "key", "year", "population", "male", "female"]].sort_values(
        ["level", "key", "year"], ignore_index=True
    )


# --- polygons on the 2022 territory --------------------------------------------------------


def polygon_successors(shape_keys: pd.Series, table: pd.DataFrame) -> pd.DataFrame:
    """The 2022 key of every VG250-2016 polygon (status 31.12.2015): ags, ags22.

    A key is looked up in the first year from 2015 on in which it exists (Bavarian
    unincorporated areas only appear one by one in GV-ISys from 2019; until then they share
    one key per district); a split unit goes to its main successor. Keys found in no year get
    no successor here (see `assign_by_neighbours`).
    """
    later = table[table["year"] >= 2015].sort_values(
        ["ags", "year", "pop_share", "area_share", "ags22"],
        ascending=[True, True, False, False, True],
    )
    first = later.drop_duplicates("ags")[["ags", "ags22"]]
    return pd.DataFrame({"ags": shape_keys.values}).merge(first, on="ags", how="left")


def assign_by_neighbours(
    shapes: gpd.GeoDataFrame, keys: pd.DataFrame, table: pd.DataFrame
) -> pd.DataFrame:
    """Successors for polygons without one: the neighbour sharing the longest border among the
    2022 successors of their district's collective unincorporated key (…444 in 2015)."""
    keys = keys.copy()
    missing = keys["ags22"].isna()
    if not missing.any():
        return keys
    geometry = shapes.set_index("ags").geometry.to_crs(3035)
    resolved = keys[~missing].set_index("ags")["ags22"]
    index_tree = geometry.sindex
    for index in keys.index[missing]:
        key = keys.at[index, "ags"]
        collective = table[(table["year"] == 2015) & (table["ags"] == key[:5] + "444")]
        candidates = set(collective["ags22"])
        own = geometry[key]
        near = geometry.index[index_tree.query(own.buffer(10))]
        borders = []
        for other in near:
            if other == key or other not in resolved.index:
                continue
            shared = own.boundary.intersection(geometry[other].buffer(10)).length
            borders.append((resolved[other] in candidates, shared, resolved[other]))
        if not borders:
            raise DataValidationError("municipalities", f"no successor for polygon {key}")
        in_candidates, length, best = max(borders)
        log.info(
            "polygon %s: assigned to neighbour %s (%.0f m shared border%s)",
            key,
            best,
            length,
            "" if in_candidates else ", not among the collective key's successors",
        )
        keys.at[index, "ags22"] = best
    return keys


def dissolve_to_2022(
    shapes: gpd.GeoDataFrame, table: pd.DataFrame, latest: pd.DataFrame
) -> gpd.GeoDataFrame:
    """One polygon per 2022 key: predecessors' polygons dissolved into their successor.

    `latest` holds the GV-ISys rows of 2022 (names, types, districts of the new territory).
    """
    keys = assign_by_neighbours(shapes, polygon_successors(shapes["ags"], table), table)
    frame = shapes[["ags", "geometry"]].merge(keys, on="ags")
    parts = frame.groupby("ags22")["geometry"].apply(
        lambda g: shapely.make_valid(shapely.union_all(g.values)) if len(g) > 1 else g.iloc[0]
    )
    info = latest.drop_duplicates("ags").set_index("ags")
    vg250 = shapes.drop_duplicates("ags").set_index("ags")
    district_names = shapes.drop_duplicates("district_key").set_index("district_key")[
        "district_name"
    ]
    state_names = shapes.drop_duplicates("state_key").set_index("state_key")["state_name"]

    def short(name: object) -> str:
        return str(name).split(",")[0].strip()

    keys22 = parts.index
    in_vg250 = keys22.isin(vg250.index)
    district_keys = keys22.map(info["district_key"])
    out = gpd.GeoDataFrame(
        {
            "ags": keys22,
            "ars": keys22.map(info["ars"]),
            # Names and types as in VG250 where the key is unchanged, else from GV-ISys 2022.
            "name": np.where(
                in_vg250, keys22.map(vg250["name"]), keys22.map(info["name"]).map(short)
            ),
            "type": np.where(in_vg250, keys22.map(vg250["type"]), keys22.map(info["type"])),
            "district_key": district_keys,
            "district_name": [
                district_names.get(k, short(n))
                for k, n in zip(district_keys, keys22.map(info["district_name"]), strict=True)
            ],
            "state_key": keys22.map(info["state_key"]),
            "state_name": keys22.str[:2].map(state_names),
            "n_polygons_2016": frame.groupby("ags22").size().reindex(keys22).values,
        },
        geometry=list(parts.values),
        crs=shapes.crs,
    )
    if out["name"].isna().any():
        bad = out.loc[out["name"].isna(), "ags"].head(5).tolist()
        raise DataValidationError("municipalities", f"polygons without a 2022 record: {bad}")
    return out.sort_values("ags", ignore_index=True)


def write_territory(
    out: Path,
    all_years: pd.DataFrame,
    steps: dict[int, Step],
    bbsr: pd.DataFrame,
    table: pd.DataFrame,
) -> None:
    """crosswalk.parquet, territorial_changes.csv and territory_validation.json (the derived
    changes checked against the BBSR key of 2010-2019)."""
    validation = validate_against_bbsr(all_years, steps, bbsr)
    log.info(
        "derivation vs BBSR 2010-2019: %.2f %% of %d (year, key) pairs, %.2f %% of %d changed",
        validation["agreement"] * 100,
        validation["pairs"],
        validation["changed_agreement"] * 100,
        validation["changed_pairs"],
    )
    write_parquet(table, out / "crosswalk.parquet")
    changes = change_register(steps, bbsr)
    changes.to_csv(out / "territorial_changes.csv", index=False, float_format="%.6g")
    counts = (
        changes[changes["year"] > BBSR_YEAR]
        .groupby(["year", "kind"])
        .size()
        .rename("n")
        .reset_index()
        .to_dict("records")
    )
    summary = {key: value for key, value in validation.items() if key != "disagreements"}
    summary["disagreements"] = validation["disagreements"]
    summary["derived_changes_after_2020"] = counts
    write_json(summary, out / "territory_validation.json")
    log.info("crosswalk: %d rows, change register: %d rows", len(table), len(changes))
