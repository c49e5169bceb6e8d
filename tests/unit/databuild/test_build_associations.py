"""Tests for the Gemeindeverband build (databuild.associations) on fixtures (the real extracts:
tests/raw/test_associations_raw.py)."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
import shapely

from databuild import associations, gvisys
from ksg_dashboard.core.validation import DataValidationError
from tests.unit.databuild.test_build_gvisys import STATE_BY, write_workbook

# A Bavarian district with one Verwaltungsgemeinschaft (three members), one verbandsfreie town
# (VB = "0" + its municipality number) and an unincorporated area (VB 9xxx).
DISTRICT = ["40", "44", "09", "7", "73", None, None, "Dillingen a.d.Donau, Landkreis"]
VG = ["50", "54", "09", "7", "73", "5714", None, "Syrgenstein (VGem)"]
FREE_ROW = ["50", "50", "09", "7", "73", "0147", None, "Lauingen (Donau), St"]
UNINC_ROW = ["50", "50", "09", "7", "73", "9444", None, "Gdefr. Geb. (Lkr Test)"]


def municipality(vb: str, gem: str, name: str, population: int, type_code: str = "64") -> list:
    return [
        "60", type_code, "09", "7", "73", vb, gem, name,
        10.5, population, population // 2, population - population // 2, 100, "89428",
        "10,3", "48,6",
    ]  # fmt: skip


TABLE = [
    STATE_BY,
    DISTRICT,
    VG,
    municipality("5714", "112", "Bachhagel", 2_300),
    municipality("5714", "170", "Syrgenstein", 3_600),
    municipality("5714", "187", "Zöschingen", 800),
    FREE_ROW,
    municipality("0147", "147", "Lauingen (Donau), St", 11_000, "63"),
    UNINC_ROW,
    municipality("9444", "444", "Gdefr. Geb. (Lkr Test)", 0, "66"),
]


@pytest.fixture
def parsed(tmp_path: Path) -> pd.DataFrame:
    return gvisys.parse_gv_isys(write_workbook(tmp_path / "2018_12_31_Auszug_GV.xlsx", TABLE))


def test_parser_keeps_vb_key_and_type_code(parsed: pd.DataFrame) -> None:
    rows = parsed.set_index("ags")
    assert rows.loc["09773170", "association_key"] == "097735714"
    assert rows.loc["09773170", "association_name"] == "Syrgenstein (VGem)"
    assert rows.loc["09773170", "association_type_code"] == "54"
    assert rows.loc["09773147", "association_key"] == "097730147"
    assert rows.loc["09773147", "association_type_code"] == "50"
    assert rows.loc["09773444", "association_type_code"] == "50"


def test_members_and_table_from_fixture(parsed: pd.DataFrame) -> None:
    members = associations.association_members(parsed)
    # Only the three VG members: the verbandsfreie town and the unincorporated area are in none.
    assert members["ags"].tolist() == ["09773112", "09773170", "09773187"]
    assert set(members["association_key"]) == {"097735714"}
    table = associations.association_table(parsed, members)
    assert len(table) == 1
    body = table.iloc[0]
    assert body["display_name"] == "Verwaltungsgemeinschaft Syrgenstein"
    assert body["type"] == "Verwaltungsgemeinschaft"
    assert body["members"] == 3
    assert body["population"] == 2_300 + 3_600 + 800
    assert body["state_key"] == "09"
    assert body["year"] == 2018


def test_unknown_type_code_raises(parsed: pd.DataFrame) -> None:
    broken = parsed.copy()
    broken.loc[broken["ags"] == "09773170", "association_type_code"] = "59"
    with pytest.raises(DataValidationError, match="unknown Gemeindeverband type"):
        associations.association_members(broken)


def test_member_in_two_bodies_or_unknown_raises() -> None:
    known = {(2018, "09773112"), (2018, "09773170")}
    twice = pd.DataFrame(
        {
            "year": [2018, 2018],
            "association_key": ["097735714", "097735715"],
            "ags": ["09773112"] * 2,
        }
    )
    with pytest.raises(DataValidationError, match="duplicate keys"):
        associations.validate_members(twice, known)
    unknown = pd.DataFrame({"year": [2018], "association_key": ["097735714"], "ags": ["09773999"]})
    with pytest.raises(DataValidationError, match="not in the register"):
        associations.validate_members(unknown, known)


def test_population_stays_empty_if_a_member_has_none(parsed: pd.DataFrame) -> None:
    frame = parsed.copy()
    frame.loc[frame["ags"] == "09773187", "population"] = pd.NA
    members = associations.association_members(frame)
    assert associations.association_table(frame, members)["population"].isna().all()


@pytest.mark.parametrize(
    ("name", "code", "expected"),
    [
        ("Gerswalde", "51", "Amt Gerswalde"),
        ("Syrgenstein (VGem)", "54", "Verwaltungsgemeinschaft Syrgenstein"),
        ("Liebenwerda", "53", "Verbandsgemeinde Liebenwerda"),
        ("GVV Holzgerlingen", "56", "GVV Holzgerlingen"),
        ("VVG der Stadt Herrenberg", "54", "VVG der Stadt Herrenberg"),
        ("EG Nobitz", "58", "EG Nobitz"),
        ("Annaburg-Prettin", "57", "Verwaltungsgemeinschaft Annaburg-Prettin"),
    ],
)
def test_display_name(name: str, code: str, expected: str) -> None:
    assert associations.display_name(name, code) == expected


def test_dissolve_and_agreement() -> None:
    # Two unit squares form body A; body B's second member has no polygon (newer municipality).
    polygons = gpd.GeoDataFrame(
        {"ags": ["1", "2", "3"]},
        geometry=[shapely.box(10, 50, 10.1, 50.1), shapely.box(10.1, 50, 10.2, 50.1),
                  shapely.box(11, 50, 11.1, 50.1)],
        crs=4326,
    )  # fmt: skip
    members = pd.DataFrame({"association_key": ["A", "A", "B", "B"], "ags": ["1", "2", "3", "4"]})
    outlines = associations.dissolve_outlines(members, polygons).set_index("association_key")
    assert outlines.loc["A", "missing"] == 0
    assert outlines.loc["B", "missing"] == 1
    difference = outlines.loc["A", "geometry"].symmetric_difference(shapely.box(10, 50, 10.2, 50.1))
    assert difference.area < 1e-12
    reference = gpd.GeoDataFrame(
        {"association_key": ["A", "B"], "bez": ["Amt", "Amt"]},
        geometry=[shapely.box(10, 50, 10.2, 50.1), shapely.box(11, 50, 11.2, 50.1)],
        crs=4326,
    )
    table = pd.DataFrame(
        {"association_key": ["A", "B", "C"], "display_name": ["a", "b", "c"], "type_code": "51"}
    )
    result = associations.agreement(outlines.reset_index(), table, reference).set_index(
        "association_key"
    )
    # Not exactly 1: the dissolved square has an extra vertex mid-edge, and straight lines in
    # WGS84 are slightly curved in the metric projection.
    assert result.loc["A", "iou"] == pytest.approx(1.0, abs=1e-3)
    assert bool(result.loc["A", "match"])
    assert result.loc["B", "iou"] == pytest.approx(0.5, abs=0.01)  # half of B is missing
    assert not bool(result.loc["B", "match"])
    assert pd.isna(result.loc["C", "iou"])
    summary = associations.agreement_summary(result.reset_index(), 2015, "01.01.2016")
    assert summary["matching"] == 1
    assert [e["association_key"] for e in summary["exceptions"]] == ["B", "C"]
