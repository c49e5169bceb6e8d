"""Hold large read-only tables in fewer bytes: repeated labels as categories, small whole
numbers in the smallest integer type that holds them. Values, row order and NA stay the same."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

_INTEGER_TYPES = (("int8", "Int8"), ("int16", "Int16"), ("int32", "Int32"))


def compact(
    frame: pd.DataFrame,
    categories: Iterable[str] = (),
    small_ints: Iterable[str] = (),
    sorted_categories: bool = False,
) -> pd.DataFrame:
    """A copy of `frame` with `categories` as category columns (categories in order of first
    appearance, or sorted by value, so that sorting and grouping by the column give the order
    its text would) and `small_ints` downcast; columns that are missing are skipped."""
    out = frame.copy(deep=False)
    for column in categories:
        if column in out.columns:
            values = out[column]
            labels = pd.unique(values.dropna())
            out[column] = pd.Categorical(
                values, categories=sorted(labels) if sorted_categories else labels
            )
    for column in small_ints:
        if column in out.columns:
            out[column] = _downcast(out[column])
    return out


def _downcast(values: pd.Series) -> pd.Series:
    """The smallest signed integer type that holds `values` (nullable ones stay nullable)."""
    if pd.api.types.is_bool_dtype(values) or not pd.api.types.is_integer_dtype(values):
        return values
    nullable = isinstance(values.dtype, pd.api.extensions.ExtensionDtype)
    low, high = values.min(), values.max()
    for numpy_type, nullable_type in _INTEGER_TYPES:
        bounds = np.iinfo(numpy_type)
        if (pd.isna(low) or low >= bounds.min) and (pd.isna(high) or high <= bounds.max):
            return values.astype(nullable_type if nullable else numpy_type)
    return values
