"""Paths of the real raw sources for the tests in tests/raw, and the GV-ISys extracts parsed
once per test run (several modules read the same years)."""

from __future__ import annotations

import functools
from pathlib import Path

import pandas as pd
import pytest

from databuild import gvisys
from ksg_dashboard.core.config import raw_dir

GV_ISYS = Path("destatis-gv-isys")


def raw_file(relative: Path | str) -> Path:
    """The raw file below KSG_RAW_DIR (default ../shared/raw); the test is skipped without it."""
    path = raw_dir() / relative
    if not path.is_file():
        pytest.skip(f"raw source {path} not available (set KSG_RAW_DIR to the raw directory)")
    return path


def gv_isys_file(year: int) -> Path:
    """The GV-ISys extract of 31.12. of the year."""
    return raw_file(GV_ISYS / f"{year}_12_31_Auszug_GV.xlsx")


@functools.cache
def _parsed(path: Path) -> pd.DataFrame:
    return gvisys.parse_gv_isys(path)


@functools.cache
def _rows(path: Path) -> tuple[tuple, ...]:
    return tuple(gvisys.read_rows(path))


def gv_isys(year: int) -> pd.DataFrame:
    """The parsed extract of the year (parsed once per run; do not modify it)."""
    return _parsed(gv_isys_file(year))


def gv_isys_rows(year: int) -> tuple[tuple, ...]:
    """The raw sheet rows of the extract of the year, before any parsing."""
    return _rows(gv_isys_file(year))
