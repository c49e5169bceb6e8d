"""Invariants shared by the data build and the app loaders; violations raise DataValidationError."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

AGS_PATTERN = re.compile(r"^\d{8}$")
# Bounding box of Germany (WGS84) with a small margin.
GERMANY_LON = (5.5, 15.3)
GERMANY_LAT = (47.2, 55.1)


class DataValidationError(ValueError):
    """A data file is missing, unreadable or violates an invariant; the message names the file."""

    def __init__(self, file: str, problem: str) -> None:
        self.file = file
        self.problem = problem
        super().__init__(f"{file}: {problem}")


def check_manifest_size(path: Path) -> None:
    """The file has the size data/manifest.json records for it (a truncated or replaced file
    fails here, even when what is left still parses). Without a manifest nothing is checked."""
    manifest = path.parent / "manifest.json"
    try:
        expected = json.loads(manifest.read_text(encoding="utf-8"))["files"][path.name]["bytes"]
    except (OSError, ValueError, KeyError, TypeError):
        return
    actual = path.stat().st_size
    if actual != expected:
        raise DataValidationError(
            path.name,
            f"unvollständig oder verändert: {actual} Bytes statt {expected} laut manifest.json",
        )


def check_ags_format(file: str, values: Iterable[str]) -> None:
    """Every key is an 8-digit string."""
    bad = sorted({str(v) for v in values if not isinstance(v, str) or not AGS_PATTERN.match(v)})
    if bad:
        raise DataValidationError(file, f"{len(bad)} keys are not 8-digit AGS, e.g. {bad[:5]}")


def check_unique(file: str, frame: pd.DataFrame, columns: list[str]) -> None:
    """No duplicate rows for the given key columns."""
    dup = frame[frame.duplicated(columns, keep=False)]
    if not dup.empty:
        sample = dup[columns].head(5).to_dict("records")
        raise DataValidationError(file, f"duplicate keys {columns}: {sample}")


def check_non_negative(file: str, frame: pd.DataFrame, columns: list[str]) -> None:
    """Counts and areas are never negative (missing values are allowed)."""
    for column in columns:
        negative = frame[column].dropna() < 0
        if negative.any():
            raise DataValidationError(file, f"negative values in column {column!r}")


def check_in_germany(file: str, lon: Iterable[float], lat: Iterable[float]) -> None:
    """Coordinates lie inside Germany's bounding box."""
    for x, y in zip(lon, lat, strict=True):
        if pd.isna(x) or pd.isna(y):
            continue
        if not (GERMANY_LON[0] <= x <= GERMANY_LON[1] and GERMANY_LAT[0] <= y <= GERMANY_LAT[1]):
            raise DataValidationError(file, f"coordinate ({y}, {x}) lies outside Germany")
