"""Paths and constants: where the app's data lives and where the build reads its raw sources."""

from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]


def data_dir() -> Path:
    """Directory the app reads its prepared data from (override with KSG_DATA_DIR)."""
    return Path(os.environ.get("KSG_DATA_DIR", REPO_ROOT / "data"))


def raw_dir() -> Path:
    """Directory holding the official raw sources (override with KSG_RAW_DIR)."""
    return Path(os.environ.get("KSG_RAW_DIR", REPO_ROOT.parent / "shared" / "raw"))


def facts_dir() -> Path:
    """Directory holding the researched facts (override with KSG_FACTS_DIR)."""
    return Path(os.environ.get("KSG_FACTS_DIR", REPO_ROOT.parent / "shared" / "facts"))


def cache_dir() -> Path:
    """Git-ignored download cache of the data build (npm packages)."""
    return Path(os.environ.get("KSG_CACHE_DIR", REPO_ROOT / ".cache"))


# Population years published in the GV-ISys extracts used here.
FIRST_YEAR = 2010
LAST_YEAR = 2022
# 2010 and 2011 rest on the pre-census population register, 2012 onwards on the 2011 census.
FIRST_CENSUS_YEAR = 2012
DEFAULT_BASE_YEAR = 2012

STATE_NAMES = {
    "01": "Schleswig-Holstein",
    "02": "Hamburg",
    "03": "Niedersachsen",
    "04": "Bremen",
    "05": "Nordrhein-Westfalen",
    "06": "Hessen",
    "07": "Rheinland-Pfalz",
    "08": "Baden-Württemberg",
    "09": "Bayern",
    "10": "Saarland",
    "11": "Berlin",
    "12": "Brandenburg",
    "13": "Mecklenburg-Vorpommern",
    "14": "Sachsen",
    "15": "Sachsen-Anhalt",
    "16": "Thüringen",
}
STATE_ABBREVIATIONS = {
    "SH": "01",
    "HH": "02",
    "NI": "03",
    "HB": "04",
    "NW": "05",
    "HE": "06",
    "RP": "07",
    "BW": "08",
    "BY": "09",
    "SL": "10",
    "BE": "11",
    "BB": "12",
    "MV": "13",
    "SN": "14",
    "ST": "15",
    "TH": "16",
}
