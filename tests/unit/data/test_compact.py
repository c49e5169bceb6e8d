"""compact(): the same values in fewer bytes."""

from __future__ import annotations

import pandas as pd
import pytest

from ksg_dashboard.data.compact import compact


@pytest.fixture
def frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "ags": ["14627050", "14627050", "12062124"],
            "sex": ["weiblich", "insgesamt", "weiblich"],
            "age_order": [3, 200, 1],
            "age_to": pd.array([5, None, 30000], dtype="Int64"),
            "big": [0, 1, 3_000_000_000],
            "population": [1.5, 2.0, None],
        }
    )


def test_labels_become_categories_in_order_of_first_appearance(frame):
    out = compact(frame, categories=("sex",))
    assert list(out["sex"].cat.categories) == ["weiblich", "insgesamt"]
    assert out["sex"].tolist() == frame["sex"].tolist()
    assert frame["sex"].dtype != out["sex"].dtype  # the input is not changed


def test_integers_take_the_smallest_type_that_holds_them(frame):
    out = compact(frame, small_ints=("age_order", "age_to", "big", "population"))
    assert out["age_order"].dtype == "int16"  # 200 does not fit int8
    assert out["age_to"].dtype == "Int16" and out["age_to"].isna().tolist() == [False, True, False]
    assert out["big"].dtype == "int64"  # beyond int32: unchanged
    assert out["population"].dtype == "float64"  # not an integer column: unchanged
    assert out["age_order"].tolist() == [3, 200, 1]


def test_missing_columns_are_skipped_and_values_compare_equal(frame):
    out = compact(frame, categories=("sex", "nope"), small_ints=("age_order", "nope"))
    assert out.astype(frame.dtypes.to_dict()).equals(frame)
    assert (out["sex"] == "weiblich").tolist() == [True, False, True]
