"""Counts of one year's keys summed into their 2022 successors (mergers, splits, unknowns)."""

from __future__ import annotations

import pandas as pd
import pytest

from databuild.rekey import rekey_counts
from ksg_dashboard.core.validation import DataValidationError

CROSSWALK = pd.DataFrame(
    {
        "year": [2015] * 5,
        "ags": ["A", "B", "C", "C", "D"],
        "ags22": ["A", "A", "X", "Y", "D"],  # B merged into A; C split 60/40 into X and Y
        "pop_share": [1.0, 1.0, 0.6, 0.4, 1.0],
    }
)


def frame(values: dict[str, float | None]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "ags": list(values),
            "sex": "insgesamt",
            "population": pd.array(list(values.values()), dtype="Int64"),
        }
    )


def test_merger_sums_and_split_shares_are_applied_and_marked():
    out = rekey_counts(
        frame({"A": 100, "B": 50, "C": 10, "D": 7}), CROSSWALK, 2015, "population", ["sex"]
    ).set_index("ags")
    assert out.loc["A", "population"] == 150 and out.loc["A", "predecessors"] == 2
    assert not out.loc["A", "estimated"]
    assert (out.loc["X", "population"], out.loc["Y", "population"]) == (6, 4)
    assert out.loc["X", "estimated"] and out.loc["Y", "estimated"]
    assert out["population"].sum() == 167  # nothing lost or doubled


def test_an_unknown_predecessor_makes_the_successor_unknown():
    out = rekey_counts(
        frame({"A": 100, "B": None, "C": 10, "D": 7}), CROSSWALK, 2015, "population", ["sex"]
    ).set_index("ags")
    assert pd.isna(out.loc["A", "population"])
    assert out.loc["D", "population"] == 7


def test_keys_missing_from_the_crosswalk_are_an_error():
    with pytest.raises(DataValidationError, match="not mapped"):
        rekey_counts(frame({"Z": 1}), CROSSWALK, 2015, "population", ["sex"])
