"""Tests for the GV-ISys parser (databuild.gvisys) on synthetic workbooks (the real extracts:
tests/raw/test_gvisys_raw.py)."""

from __future__ import annotations

import re
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from databuild import gvisys, population
from ksg_dashboard.core.validation import DataValidationError

# ---------------------------------------------------------------------------------------------
# Synthetic workbook in the layout of the extracts (title, three header rows, table, footnotes)
# ---------------------------------------------------------------------------------------------

TITLE = ["Gemeinden in Deutschland nach Fläche, Bevölkerung und Postleitzahl am 31.12.2018 (Jahr)"]
HEADER_TOP = [
    "Satz-art",
    "Text-kenn-zeichen",
    "Amtlicher Regionalschlüssel (ARS)",
    None,
    None,
    None,
    None,
    "Gemeindename",
    "Fläche km2 1)",
    "Bevölkerung2)",
    None,
    None,
    None,
    "Post-leit-zahl3)",
    "Geografische Mittelpunktkoordinaten",
]
KEY_HEADER = [None, None, "Land", "RB", "Kreis", "VB", "Gem", None, None]
COUNT_HEADER = ["insgesamt", "männlich", "weiblich", "je km2", None, "Längengrad", "Breitengrad"]
HEADER_BOTTOM = [None, None, "Gebietsstand am 31.12.2018 (Jahr)", *[None] * 5, "am 31.12.2018"]

STATE_NW = ["10", None, "05", None, None, None, None, "Nordrhein-Westfalen"]
DISTRICT_KLEVE = ["40", "44", "05", "1", "54", None, None, "Kleve, Kreis"]
ASSOCIATION_KERKEN = ["50", "52", "05", "1", "54", "0028", None, "Kerken"]
# 2016 style: '/' instead of numbers and a footnote marker glued to the name.
KERKEN = [
    "60", "64", "05", "1", "54", "0028", "028", "Kerken4)",
    58.17, "/", "/", "/", "/", "47647", "6,374152", "51,45652",
]  # fmt: skip
STATE_SN = ["10", None, "14", None, None, None, None, "Sachsen"]
DISTRICT_MEISSEN = ["40", "44", "14", "6", "27", None, None, "Meißen, Landkreis"]
ASSOCIATION_GROEDITZ = ["50", "52", "14", "6", "27", "5210", None, "Gröditz"]
GROEDITZ = [
    "60", "63", "14", "6", "27", "5210", "050", "Gröditz, Stadt",
    "28,94", 6877, 3427, 3450, 238, "01609", "13,447811", "51,412323",
]  # fmt: skip
NAUWALDE = [
    "60", "64", "14", "6", "27", "5210", "160", "Nauwalde",
    20.35, 1007, 503, 504, 49, "01609", 13.407785, 51.421441,
]  # fmt: skip
STATE_BY = ["10", None, "09", None, None, None, None, "Bayern"]
DISTRICT_BAMBERG = ["40", "44", "09", "4", "71", None, None, "Bamberg, Landkreis"]
UNINCORPORATED_BAMBERG = [
    "60", "66", "09", "4", "71", "9444", "444", "Gdefr. Geb. (Lkr Bamberg)",
    88.18, 0, 0, 0, 0, None, "10,962625", "49,893852",
]  # fmt: skip
# Test-only row carrying the German-decimal coordinate and a German-formatted area.
MUSTERSTADT = [
    "60", "63", "09", "4", "71", "0111", "111", "Musterstadt, Stadt",
    "1.234,56", 12345, 6000, 6345, 10, "96000", "9,43751", "49,5",
]  # fmt: skip
# Keys stored as numbers (leading zeros lost) and '#N/A' coordinates, as in the 2010 file.
STATE_SH = ["10", None, 1, None, None, None, None, "Schleswig-Holstein"]
LIST_SYLT = [
    "60", "64", 1, 0, 54, 5439, 78, "List",
    18.47, 2552, 1736, 816, 138, "25992", "#N/A", "#N/A",
]  # fmt: skip
# Empty RB and a 0/0 placeholder centre, as in the 2010 file.
CONDOMINIUM = [
    "60", "66", "07", "", "00", "9999", "999", "Gemeinsames deutsch-luxemburgisches Hoheitsgebiet",
    6.2, 0, 0, 0, None, None, 0, 0,
]  # fmt: skip
FOOTNOTES = [
    [],
    ["1) Abweichungen bei den Flächenangaben sind durch Runden der Zahlen möglich."],
    ["4) Bevölkerungszahl nicht veröffentlicht."],
    ["© Statistisches Bundesamt (Destatis), 2019"],
    ["     Vervielfältigung und Verbreitung, auch auszugsweise, mit Quellenangabe gestattet."],
]
TABLE = [
    STATE_SH,
    LIST_SYLT,
    STATE_NW,
    DISTRICT_KLEVE,
    ASSOCIATION_KERKEN,
    KERKEN,
    CONDOMINIUM,
    STATE_BY,
    DISTRICT_BAMBERG,
    UNINCORPORATED_BAMBERG,
    UNINCORPORATED_BAMBERG,  # verbatim repetition as in the 2016–2018 files
    MUSTERSTADT,
    STATE_SN,
    DISTRICT_MEISSEN,
    ASSOCIATION_GROEDITZ,
    GROEDITZ,
    NAUWALDE,
]


def write_workbook(
    path: Path,
    table: list[list] = TABLE,
    key_header: list = KEY_HEADER,
    count_header: list = COUNT_HEADER,
    sheets: int = 2,
) -> Path:
    """An xlsx shaped like an Auszug_GV file; the data sit on the second sheet."""
    workbook = openpyxl.Workbook()
    workbook.active.title = "Titel"
    workbook.active.append(["Gemeindeverzeichnis-Informationssystem GV-ISys"])
    if sheets > 1:
        sheet = workbook.create_sheet("Onlineprodukt_Gemeinden")
        for row in [TITLE, [], HEADER_TOP, key_header + count_header, HEADER_BOTTOM, []]:
            sheet.append(row)
        for row in [*table, *FOOTNOTES]:
            sheet.append(row)
    workbook.save(path)
    return path


@pytest.fixture
def synthetic(tmp_path: Path) -> Path:
    return write_workbook(tmp_path / "2018_12_31_Auszug_GV.xlsx")


@pytest.fixture
def parsed(synthetic: Path) -> pd.DataFrame:
    return gvisys.parse_gv_isys(synthetic)


def row_of(frame: pd.DataFrame, ags: str) -> pd.Series:
    hit = frame[frame["ags"] == ags]
    assert len(hit) == 1, (ags, len(hit))
    return hit.iloc[0]


def test_synthetic_one_row_per_municipality(parsed: pd.DataFrame) -> None:
    # Satzart 10/40/50 rows and the footnotes are not municipalities; the repeated row is one.
    assert sorted(parsed["ags"]) == [
        "01054078",
        "05154028",
        "07000999",
        "09471111",
        "09471444",
        "14627050",
        "14627160",
    ]
    assert (parsed["year"] == 2018).all()
    assert str(parsed["population"].dtype) == "Int64"
    assert str(parsed["male"].dtype) == "Int64"
    assert str(parsed["lon"].dtype) == "Float64"
    assert str(parsed["area_km2"].dtype) == "Float64"


def test_synthetic_values_and_names(parsed: pd.DataFrame) -> None:
    groeditz = row_of(parsed, "14627050")
    assert groeditz["ars"] == "146275210050"
    assert groeditz["name"] == "Gröditz, Stadt"
    assert groeditz["type_code"] == "63"
    assert groeditz["type"] == "Stadt"
    assert groeditz["population"] == 6877
    assert groeditz["male"] == 3427
    assert groeditz["female"] == 3450
    assert groeditz["density"] == 238
    assert groeditz["area_km2"] == pytest.approx(28.94)  # German decimal string '28,94'
    assert groeditz["postcode"] == "01609"
    assert groeditz["lon"] == pytest.approx(13.447811)
    assert groeditz["lat"] == pytest.approx(51.412323)
    assert groeditz["state_key"] == "14"
    assert groeditz["state_name"] == "Sachsen"
    assert groeditz["district_key"] == "14627"
    assert groeditz["district_name"] == "Meißen, Landkreis"
    assert groeditz["district_type"] == "Landkreis"
    assert groeditz["association_key"] == "146275210"
    assert groeditz["association_name"] == "Gröditz"
    nauwalde = row_of(parsed, "14627160")
    assert nauwalde["lon"] == pytest.approx(13.407785)  # plain float coordinates
    assert nauwalde["population"] == 1007


def test_synthetic_german_decimal_coordinate_and_area(parsed: pd.DataFrame) -> None:
    town = row_of(parsed, "09471111")
    assert town["lon"] == pytest.approx(9.43751)
    assert town["lat"] == pytest.approx(49.5)
    assert town["area_km2"] == pytest.approx(1234.56)  # '1.234,56'
    assert town["district_name"] == "Bamberg, Landkreis"


def test_synthetic_slash_gap_is_na_not_zero(parsed: pd.DataFrame) -> None:
    kerken = row_of(parsed, "05154028")
    for column in ("population", "male", "female", "density"):
        assert kerken[column] is pd.NA, column
    assert kerken["area_km2"] == pytest.approx(58.17)
    assert kerken["name"] == "Kerken"  # footnote marker '4)' removed
    assert kerken["state_name"] == "Nordrhein-Westfalen"
    assert parsed["population"].isna().sum() == 1


def test_synthetic_unincorporated_area_is_zero_not_na(parsed: pd.DataFrame) -> None:
    area = row_of(parsed, "09471444")
    assert area["population"] == 0
    assert area["type"] == "Gemeindefreies Gebiet, unbewohnt"
    assert area["ars"] == "094719444444"
    assert area["postcode"] == ""


def test_synthetic_numeric_keys_are_zero_padded(parsed: pd.DataFrame) -> None:
    sylt = row_of(parsed, "01054078")
    assert sylt["ars"] == "010545439078"
    assert sylt["state_key"] == "01"
    assert sylt["district_key"] == "01054"
    assert sylt["state_name"] == "Schleswig-Holstein"
    assert sylt["lon"] is pd.NA  # '#N/A'
    assert sylt["lat"] is pd.NA
    assert parsed["ags"].str.fullmatch(r"\d{8}").all()
    assert parsed["ars"].str.fullmatch(r"\d{12}").all()


def test_synthetic_empty_rb_and_zero_centre(parsed: pd.DataFrame) -> None:
    condominium = row_of(parsed, "07000999")
    assert condominium["ars"] == "070009999999"
    assert condominium["lon"] is pd.NA  # 0/0 is a placeholder, not a place
    assert condominium["lat"] is pd.NA
    assert condominium["density"] is pd.NA
    assert condominium["population"] == 0


def test_synthetic_conflicting_repeats_are_not_collapsed(tmp_path: Path) -> None:
    # Only verbatim repeats are one record; differing rows with one AGS must surface.
    other = [*NAUWALDE[:9], 1008, 504, 504, *NAUWALDE[13:]]
    path = write_workbook(tmp_path / "2012_12_31_Auszug_GV.xlsx", [*TABLE, other])
    frame = gvisys.parse_gv_isys(path)
    assert (frame["ags"] == "14627160").sum() == 2
    assert (frame["year"] == 2012).all()
    with pytest.raises(DataValidationError, match="duplicate keys"):
        population.population_table(frame)


def test_wrong_count_header_names_file(tmp_path: Path) -> None:
    path = write_workbook(
        tmp_path / "2018_12_31_Auszug_GV.xlsx",
        count_header=["insgesamt", "Männer", "Frauen", "je km2"],
    )
    with pytest.raises(DataValidationError) as info:
        gvisys.parse_gv_isys(path)
    assert info.value.file == str(path)
    assert "2018_12_31_Auszug_GV.xlsx" in str(info.value)
    assert "unexpected population header" in str(info.value)


def test_missing_key_header_names_file(tmp_path: Path) -> None:
    path = write_workbook(
        tmp_path / "2018_12_31_Auszug_GV.xlsx",
        key_header=[None, None, "Land", "Bezirk", "Kreis", "VB", "Gem", None, None],
    )
    with pytest.raises(DataValidationError, match=r"2018_12_31_Auszug_GV\.xlsx: header row"):
        gvisys.parse_gv_isys(path)


def test_no_municipality_rows_raises(tmp_path: Path) -> None:
    path = write_workbook(
        tmp_path / "2018_12_31_Auszug_GV.xlsx", [STATE_SN, DISTRICT_MEISSEN, ASSOCIATION_GROEDITZ]
    )
    with pytest.raises(DataValidationError, match="no municipality rows"):
        gvisys.parse_gv_isys(path)


def test_single_sheet_workbook_raises(tmp_path: Path) -> None:
    path = write_workbook(tmp_path / "2018_12_31_Auszug_GV.xlsx", sheets=1)
    with pytest.raises(DataValidationError, match="expected a data sheet"):
        gvisys.parse_gv_isys(path)


def test_not_an_xlsx_raises_naming_file(tmp_path: Path) -> None:
    path = tmp_path / "2018_12_31_Auszug_GV.xlsx"
    path.write_bytes(b"this is not a zip archive")
    with pytest.raises(DataValidationError, match=r"2018_12_31_Auszug_GV\.xlsx: cannot be read"):
        gvisys.parse_gv_isys(path)


def test_missing_file_raises(tmp_path: Path) -> None:
    with pytest.raises(DataValidationError, match="file not found"):
        gvisys.parse_gv_isys(tmp_path / "2018_12_31_Auszug_GV.xlsx")


@pytest.mark.parametrize(
    "name", ["Auszug_GV_2018.xlsx", "2018_06_30_Auszug_GV.xlsx", "2018_12_31_Auszug_GV.xls"]
)
def test_wrongly_named_file_raises(tmp_path: Path, name: str) -> None:
    path = write_workbook(tmp_path / name)
    with pytest.raises(DataValidationError, match=re.escape(name)):
        gvisys.parse_gv_isys(path)


def test_year_of() -> None:
    assert gvisys.year_of(Path("/x/2022_12_31_Auszug_GV.xlsx")) == 2022


def test_find_files_sorted_by_year(tmp_path: Path) -> None:
    for year in (2022, 2010, 2016):
        (tmp_path / f"{year}_12_31_Auszug_GV.xlsx").write_bytes(b"")
    (tmp_path / "README.md").write_text("x")
    assert [p.name[:4] for p in gvisys.find_files(tmp_path)] == ["2010", "2016", "2022"]


def test_find_files_empty_directory_raises(tmp_path: Path) -> None:
    with pytest.raises(DataValidationError, match=re.escape(str(tmp_path))):
        gvisys.find_files(tmp_path)
