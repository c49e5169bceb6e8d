"""Pure statistics and formatting helpers for the benchmark (no browser, no server)."""

from __future__ import annotations

import math
from collections.abc import Sequence


def median(values: Sequence[float]) -> float:
    """Median of a non-empty sequence (mean of the two middle values for even lengths)."""
    return percentile(values, 50)


def percentile(values: Sequence[float], p: float) -> float:
    """The p-th percentile (0..100) with linear interpolation between ranks (numpy's default)."""
    if not values:
        raise ValueError("percentile of an empty sequence")
    if not 0 <= p <= 100:
        raise ValueError(f"percentile must be within 0..100, got {p}")
    ordered = sorted(values)
    rank = (len(ordered) - 1) * p / 100
    low, high = math.floor(rank), math.ceil(rank)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def ratio(value: float, baseline: float) -> float:
    """value / baseline; inf if the baseline is zero."""
    return value / baseline if baseline else math.inf


def format_ratio(value: float) -> str:
    """A ratio as "1.23×" ("–" if not finite)."""
    return f"{value:.2f}×" if math.isfinite(value) else "–"


def format_bytes(n: float) -> str:
    """Bytes in decimal units: "512 B", "12.3 kB", "4.56 MB"."""
    for unit, size in (("GB", 1e9), ("MB", 1e6), ("kB", 1e3)):
        if abs(n) >= size:
            return f"{n / size:.{1 if unit == 'kB' else 2}f} {unit}"
    return f"{n:.0f} B"


def format_seconds(seconds: float) -> str:
    """Seconds with two decimals, e.g. "1.23 s" ("–" if not finite)."""
    return f"{seconds:.2f} s" if math.isfinite(seconds) else "–"


def verdict(value: float, limit: float) -> str:
    """ "ok" if value <= limit, else "OVER" (the benchmark's targets are all upper limits)."""
    return "ok" if value <= limit else "OVER"
