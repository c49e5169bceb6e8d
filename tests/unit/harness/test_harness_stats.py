"""Tests for the benchmark's statistics and formatting helpers."""

from __future__ import annotations

import math

import pytest

from harness.stats import (
    format_bytes,
    format_ratio,
    format_seconds,
    median,
    percentile,
    ratio,
    verdict,
)


def test_median_odd_and_even_lengths() -> None:
    assert median([3.0, 1.0, 2.0]) == 2.0
    assert median([4.0, 1.0, 3.0, 2.0]) == 2.5
    assert median([7.0]) == 7.0


def test_median_ignores_input_order_and_does_not_mutate() -> None:
    values = [5.0, 1.0, 4.0]
    assert median(values) == 4.0
    assert values == [5.0, 1.0, 4.0]


@pytest.mark.parametrize(
    ("p", "expected"),
    [(0, 1.0), (50, 5.5), (95, 9.55), (100, 10.0), (25, 3.25)],
)
def test_percentile_interpolates_like_numpy(p: float, expected: float) -> None:
    assert percentile([float(v) for v in range(10, 0, -1)], p) == pytest.approx(expected)


def test_percentile_of_single_value() -> None:
    assert percentile([2.5], 95) == 2.5


@pytest.mark.parametrize("p", [-1, 101])
def test_percentile_rejects_out_of_range(p: float) -> None:
    with pytest.raises(ValueError):
        percentile([1.0], p)


def test_percentile_rejects_empty() -> None:
    with pytest.raises(ValueError):
        median([])


def test_ratio_and_format() -> None:
    assert ratio(3.0, 2.0) == 1.5
    assert math.isinf(ratio(1.0, 0.0))
    assert format_ratio(1.5) == "1.50×"
    assert format_ratio(math.inf) == "–"


@pytest.mark.parametrize(
    ("n", "expected"),
    [(0, "0 B"), (999, "999 B"), (12_345, "12.3 kB"), (1_000_000, "1.00 MB"), (3.2e9, "3.20 GB")],
)
def test_format_bytes(n: float, expected: str) -> None:
    assert format_bytes(n) == expected


def test_format_seconds() -> None:
    assert format_seconds(1.234) == "1.23 s"
    assert format_seconds(math.nan) == "–"


def test_verdict_is_inclusive_upper_limit() -> None:
    assert verdict(1.5, 1.5) == "ok"
    assert verdict(1.51, 1.5) == "OVER"
