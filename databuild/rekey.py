"""Counts filed under one year's municipality keys, summed into their 31.12.2022 successors.

Used for the 2015 regional statistics (age structure, migration), so they can be mapped on the
2022 polygons and summed over cooperations whose members carry 2022 keys. Split shares come from
data/crosswalk.parquet (population shares); a value that needed a share is rounded and marked
`estimated`. A successor with any unknown predecessor value stays unknown.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from ksg_dashboard.core.validation import DataValidationError


def rekey_counts(
    frame: pd.DataFrame,
    crosswalk: pd.DataFrame,
    year: int,
    value: str,
    dims: Sequence[str],
    keep: Sequence[str] = (),
) -> pd.DataFrame:
    """`frame` (one row per ags × dims, counts in `value`) on the 2022 territory.

    Returns the columns ags (2022 key), *dims, *keep (first value per successor), value
    (Int64), estimated (a split share was applied) and predecessors (number of old keys).
    Keys of `frame` missing from the crosswalk's `year` raise DataValidationError.
    """
    links = crosswalk.loc[crosswalk["year"] == year, ["ags", "ags22", "pop_share"]]
    unmapped = sorted(set(frame["ags"]) - set(links["ags"]))
    if unmapped:
        raise DataValidationError(
            "crosswalk.parquet", f"{len(unmapped)} keys of {year} not mapped, e.g. {unmapped[:5]}"
        )
    merged = frame.merge(links, on="ags", how="left")
    merged["_value"] = merged[value].astype(float).fillna(0.0) * merged["pop_share"]
    merged["_unknown"] = merged[value].isna()
    merged["_split"] = merged["pop_share"] < 1
    group = ["ags22", *dims]
    grouped = merged.groupby(group, sort=True, dropna=False)
    out = grouped.agg(
        _value=("_value", "sum"),
        _unknown=("_unknown", "any"),
        estimated=("_split", "any"),
        predecessors=("ags", "nunique"),
        **{column: (column, "first") for column in keep},
    ).reset_index()
    values = np.round(out["_value"].astype(float).to_numpy())
    result = pd.array(values, dtype="Float64").astype("Int64")
    result[out["_unknown"].to_numpy()] = pd.NA
    out[value] = result
    out = out.drop(columns=["_value", "_unknown"]).rename(columns={"ags22": "ags"})
    return out[["ags", *dims, *keep, value, "estimated", "predecessors"]]
