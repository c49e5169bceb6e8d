"""Parser for the Destatis GV-ISys municipality extracts (Auszug_GV.xlsx), 2010–2022 layouts."""

from __future__ import annotations

import re
from pathlib import Path

import openpyxl
import pandas as pd

from ksg_dashboard.core.validation import DataValidationError

# Satzart (record type) codes in the GV-ISys extract.
RECORD_STATE = "10"
RECORD_DISTRICT = "40"
RECORD_ASSOCIATION = "50"
RECORD_MUNICIPALITY = "60"

# Textkennzeichen of municipality records (GV-ISys key list).
MUNICIPALITY_TYPES = {
    "60": "Markt",
    "61": "Kreisfreie Stadt",
    "62": "Stadtkreis",
    "63": "Stadt",
    "64": "Gemeinde",
    "65": "Gemeindefreies Gebiet, bewohnt",
    "66": "Gemeindefreies Gebiet, unbewohnt",
    "67": "Große Kreisstadt",
}
# Textkennzeichen of district records.
DISTRICT_TYPES = {
    "41": "Kreisfreie Stadt",
    "42": "Stadtkreis",
    "43": "Kreis",
    "44": "Landkreis",
    "45": "Regionalverband",
}

# Fixed column positions shared by all layouts 2010–2022 (the 2011+ files only append columns).
COLUMNS = {
    "record": 0,
    "text_key": 1,
    "land": 2,
    "rb": 3,
    "kreis": 4,
    "vb": 5,
    "gem": 6,
    "name": 7,
    "area_km2": 8,
    "population": 9,
    "male": 10,
    "female": 11,
    "density": 12,
    "postcode": 13,
    "lon": 14,
    "lat": 15,
}
# Destatis' markers for values that are not published or not available.
GAP_MARKERS = frozenset({"", "/", "-", ".", "...", "x", "X", "#N/A"})
EXPECTED_KEY_HEADER = ("Land", "RB", "Kreis", "VB", "Gem")
EXPECTED_COUNT_HEADER = ("insgesamt", "männlich", "weiblich")
KEY_WIDTHS = {"land": 2, "rb": 1, "kreis": 2, "vb": 4, "gem": 3}
THOUSANDS = re.compile(r"^\d{1,3}(\.\d{3})+$")
FOOTNOTE_MARK = re.compile(r"\s*\d\)$")
FILE_PATTERN = re.compile(r"(\d{4})_12_31_Auszug_GV\.xlsx$")


def year_of(path: Path) -> int:
    """Reference year of a GV-ISys file, from its name (YYYY_12_31_Auszug_GV.xlsx)."""
    match = FILE_PATTERN.search(Path(path).name)
    if not match:
        raise DataValidationError(str(path), "file name does not match YYYY_12_31_Auszug_GV.xlsx")
    return int(match.group(1))


def _number(value: object) -> float | None:
    """A published number, or None for Destatis' gap markers ('/', '-', '.', '') ."""
    if value is None:
        return None
    if isinstance(value, int | float):
        return float(value)
    text = str(value).strip().replace("\xa0", "")
    if text in GAP_MARKERS:
        return None
    if "," in text or THOUSANDS.match(text):
        # German notation: '.' groups thousands, ',' is the decimal mark.
        return float(text.replace(".", "").replace(",", "."))
    return float(text)


def _coordinate(value: object) -> float | None:
    """A coordinate written as float or as German decimal string ('9,43751')."""
    if value is None:
        return None
    if isinstance(value, int | float):
        number = float(value)
    else:
        text = str(value).strip()
        if text in GAP_MARKERS:
            return None
        number = float(text.replace(",", "."))
    # A few unincorporated areas carry 0/0 as placeholder instead of a centre.
    return None if number == 0 else number


def _text(value: object) -> str:
    return "" if value is None else str(value).strip()


def _key(row: tuple, *parts: str) -> str:
    """Concatenated key parts, each zero-padded to its official width (some rows leave RB empty)."""
    return "".join(_text(row[COLUMNS[part]]).zfill(KEY_WIDTHS[part]) for part in parts)


def _name(value: object) -> str:
    """Municipality name without a trailing footnote marker such as '4)'."""
    return FOOTNOTE_MARK.sub("", _text(value))


def _find_header(rows: list[tuple], path: Path) -> int:
    """Index of the header row naming the key columns; checks the layout we rely on."""
    for index, row in enumerate(rows[:15]):
        cells = tuple(_text(c) for c in row[2:7])
        if cells == EXPECTED_KEY_HEADER:
            counts = tuple(_text(c) for c in row[9:12])
            if counts != EXPECTED_COUNT_HEADER:
                raise DataValidationError(
                    str(path), f"unexpected population header {counts} in row {index + 1}"
                )
            return index
    raise DataValidationError(str(path), "header row with Land/RB/Kreis/VB/Gem not found")


def read_rows(path: Path) -> list[tuple]:
    """All rows of the data sheet (the second sheet) as value tuples."""
    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except FileNotFoundError as error:
        raise DataValidationError(str(path), "file not found") from error
    except Exception as error:  # openpyxl raises many types for broken files
        raise DataValidationError(str(path), f"cannot be read as xlsx ({error})") from error
    if len(workbook.sheetnames) < 2:
        raise DataValidationError(str(path), f"expected a data sheet, got {workbook.sheetnames}")
    sheet = workbook[workbook.sheetnames[1]]
    rows = [tuple(row) + (None,) * (16 - len(row)) for row in sheet.iter_rows(values_only=True)]
    workbook.close()
    return rows


def parse_gv_isys(path: Path) -> pd.DataFrame:
    """One row per municipality (Satzart 60) with keys, names, area, population and centre.

    Population gaps stay missing (NA), never zero. District, state and association names come
    from the Satzart 40/10/50 rows of the same file, the association's type code too.
    """
    path = Path(path)
    year = year_of(path)
    rows = read_rows(path)
    start = _find_header(rows, path) + 1
    c = COLUMNS
    states: dict[str, str] = {}
    districts: dict[str, tuple[str, str]] = {}
    associations: dict[str, tuple[str, str]] = {}
    records = []
    for row in rows[start:]:
        record = _text(row[c["record"]])
        if record == RECORD_STATE:
            states[_key(row, "land")] = _name(row[c["name"]])
        elif record == RECORD_DISTRICT:
            kind = DISTRICT_TYPES.get(_text(row[c["text_key"]]), "")
            districts[_key(row, "land", "rb", "kreis")] = (_name(row[c["name"]]), kind)
        elif record == RECORD_ASSOCIATION:
            associations[_key(row, "land", "rb", "kreis", "vb")] = (
                _name(row[c["name"]]),
                _text(row[c["text_key"]]),
            )
        elif record == RECORD_MUNICIPALITY:
            type_code = _text(row[c["text_key"]])
            records.append(
                {
                    "ags": _key(row, "land", "rb", "kreis", "gem"),
                    "ars": _key(row, "land", "rb", "kreis", "vb", "gem"),
                    "year": year,
                    "name": _name(row[c["name"]]),
                    "type_code": type_code,
                    "type": MUNICIPALITY_TYPES.get(type_code, ""),
                    "state_key": _key(row, "land"),
                    "district_key": _key(row, "land", "rb", "kreis"),
                    "association_key": _key(row, "land", "rb", "kreis", "vb"),
                    "area_km2": _number(row[c["area_km2"]]),
                    "population": _number(row[c["population"]]),
                    "male": _number(row[c["male"]]),
                    "female": _number(row[c["female"]]),
                    "density": _number(row[c["density"]]),
                    "postcode": _text(row[c["postcode"]]),
                    "lon": _coordinate(row[c["lon"]]),
                    "lat": _coordinate(row[c["lat"]]),
                }
            )
    if not records:
        raise DataValidationError(str(path), "no municipality rows (Satzart 60) found")
    # The 2016 file repeats some unincorporated areas verbatim; identical rows are one record.
    frame = pd.DataFrame.from_records(records).drop_duplicates(ignore_index=True)
    frame["state_name"] = frame["state_key"].map(states).fillna("")
    frame["district_name"] = frame["district_key"].map(lambda k: districts.get(k, ("", ""))[0])
    frame["district_type"] = frame["district_key"].map(lambda k: districts.get(k, ("", ""))[1])
    association = frame["association_key"]
    frame["association_name"] = association.map(lambda k: associations.get(k, ("", ""))[0])
    # Textkennzeichen of the Satzart-50 row (see databuild.associations.ASSOCIATION_TYPES).
    frame["association_type_code"] = association.map(lambda k: associations.get(k, ("", ""))[1])
    for column in ("population", "male", "female"):
        frame[column] = frame[column].round().astype("Int64")
    for column in ("area_km2", "density", "lon", "lat"):
        frame[column] = frame[column].astype("Float64")
    return frame


def find_files(directory: Path) -> list[Path]:
    """The GV-ISys extracts in a directory, sorted by year."""
    files = sorted(Path(directory).glob("*_12_31_Auszug_GV.xlsx"), key=year_of)
    if not files:
        raise DataValidationError(str(directory), "no *_12_31_Auszug_GV.xlsx files found")
    return files
