"""Parsers for the district (Kreis) age-structure and dependency-ratio tables (12411-*)."""

from __future__ import annotations

import csv
import io
import logging
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from databuild import territory
from databuild.files import write_parquet
from ksg_dashboard.core.validation import (
    DataValidationError,
    check_non_negative,
    check_unique,
)

log = logging.getLogger(__name__)

# The 17 age groups of the 12411 tables: (label exactly as in the source, age_from,
# age_to_exclusive or None for the open top group), youngest first.
AGE_GROUPS: list[tuple[str, int, int | None]] = [
    ("unter 3 Jahre", 0, 3),
    ("3 bis unter 6 Jahre", 3, 6),
    ("6 bis unter 10 Jahre", 6, 10),
    ("10 bis unter 15 Jahre", 10, 15),
    ("15 bis unter 18 Jahre", 15, 18),
    ("18 bis unter 20 Jahre", 18, 20),
    ("20 bis unter 25 Jahre", 20, 25),
    ("25 bis unter 30 Jahre", 25, 30),
    ("30 bis unter 35 Jahre", 30, 35),
    ("35 bis unter 40 Jahre", 35, 40),
    ("40 bis unter 45 Jahre", 40, 45),
    ("45 bis unter 50 Jahre", 45, 50),
    ("50 bis unter 55 Jahre", 50, 55),
    ("55 bis unter 60 Jahre", 55, 60),
    ("60 bis unter 65 Jahre", 60, 65),
    ("65 bis unter 75 Jahre", 65, 75),
    ("75 Jahre und mehr", 75, None),
]
AGE_LABELS: list[str] = [label for label, _, _ in AGE_GROUPS]

MALE = "männlich"
FEMALE = "weiblich"
TOTAL = "insgesamt"
SEXES: tuple[str, str] = (MALE, FEMALE)

# Reference dates covered by GENESIS 12411-0018 as stored in the raw directory.
DISTRICT_AGE_YEARS: tuple[int, ...] = (2015, 2016, 2017, 2018, 2019, 2020)

# 12411-08-01-4-B states neither in its header nor in its footnotes which age limits the
# Jugend-/Altenquotient use, so no definition is recorded here.
DEPENDENCY_RATIO_DEFINITION = "Definition laut Quelle nicht angegeben"

# Destatis / Regionaldatenbank markers for values that are missing, secret or not applicable.
MISSING_MARKERS = frozenset({"", "-", "–", ".", "...", "…", "x", "X", "/"})

LONG_COLUMNS = [
    "district_key",
    "district_name",
    "year",
    "age_group",
    "age_order",
    "age_from",
    "age_to",
    "sex",
    "population",
]
RATIO_COLUMNS = {
    ("jugendquotient", TOTAL): "youth_ratio",
    ("jugendquotient", MALE): "youth_ratio_male",
    ("jugendquotient", FEMALE): "youth_ratio_female",
    ("altenquotient", TOTAL): "old_age_ratio",
    ("altenquotient", MALE): "old_age_ratio_male",
    ("altenquotient", FEMALE): "old_age_ratio_female",
}

DISTRICT_KEY = re.compile(r"^\d{5}$")
REGION_KEY = re.compile(r"^(DG|\d{2,12})$")
DATE = re.compile(r"^(\d{2})\.(\d{2})\.(\d{4})$")
STICHTAG = re.compile(r"Stichtag:?\s*(\d{2})\.(\d{2})\.(\d{4})")
INTEGER = re.compile(r"^-?\d+$")
DECIMAL = re.compile(r"^-?\d+(,\d+)?$")


@dataclass
class _Table:
    """A wide table cut out of a GENESIS CSV: header rows, lead columns and data cells."""

    file: str
    header_lines: list[list[str]]
    headers: list[list[str]]  # header rows, each restricted to the data columns
    dates: list[str] | None  # per data row, if the table has a date column
    keys: list[str]
    names: list[str]
    cells: list[list[str]]  # per data row, the data columns


def _read_rows(path: Path | str) -> tuple[str, list[list[str]]]:
    """All rows of a Latin-1, semicolon-separated file (quoted multi-line footnotes allowed)."""
    file = str(path)
    try:
        text = Path(path).read_bytes().decode("latin-1")
    except OSError as error:
        raise DataValidationError(file, f"cannot read file: {error}") from error
    if "Ã" in text and ("Ã¤" in text or "Ã¼" in text or "Ã¶" in text):
        raise DataValidationError(file, "file looks UTF-8 encoded, expected Latin-1")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    return file, [[cell.strip() for cell in row] for row in rows]


def _is_blank(row: list[str]) -> bool:
    """True for a row without any non-empty cell."""
    return not any(row)


def _find_row(
    rows: list[list[str]], predicate: Callable[[list[str]], bool], stop: int | None = None
) -> int | None:
    """Index of the first row (before stop) satisfying predicate, or None."""
    for index, row in enumerate(rows[:stop]):
        if predicate(row):
            return index
    return None


def _cut_table(path: Path | str, anchor: Iterable[str], header_levels: list[set[str]]) -> _Table:
    """Locate the header rows by content and cut out the data block below them.

    anchor: labels of which at least one must occur in the lowest header row.
    header_levels: for each header row above the lowest one (top to bottom), the allowed
    labels (lower case); rows between them that match no level are ignored.
    """
    file, rows = _read_rows(path)
    anchors = set(anchor)
    bottom = _find_row(rows, lambda row: any(cell in anchors for cell in row))
    if bottom is None:
        raise DataValidationError(
            file, f"header row not found: no cell contains any of {sorted(anchors)[:3]}"
        )
    width = len(rows[bottom])
    lead = next((i for i, cell in enumerate(rows[bottom]) if cell), width)
    if lead < 2:
        raise DataValidationError(
            file, f"header row {bottom + 1}: expected at least 2 label columns, found {lead}"
        )
    header_indices = _header_rows(file, rows, bottom, lead, header_levels)
    body = _data_block(file, rows, bottom, lead)
    date_col, key_col, name_col = _label_columns(file, body, lead)
    return _Table(
        file=file,
        header_lines=rows[: header_indices[0]],
        headers=[_filled(rows[index][lead:]) for index in header_indices],
        dates=None if date_col is None else [row[date_col] for row in body],
        keys=[row[key_col] for row in body],
        names=[row[name_col] for row in body],
        cells=[row[lead:] for row in body],
    )


def _header_rows(
    file: str, rows: list[list[str]], bottom: int, lead: int, header_levels: list[set[str]]
) -> list[int]:
    """The line of each header level, walking upwards from the lowest header row."""
    width = len(rows[bottom])
    header_indices = [bottom]
    search_end = bottom
    for allowed in reversed(header_levels):

        def matches(row: list[str], allowed: set[str] = allowed) -> bool:
            data = [cell.lower() for cell in row[lead:]]
            return len(row) == width and bool(data[0]) and all(c in allowed for c in data if c)

        found = next((i for i in range(search_end - 1, -1, -1) if matches(rows[i])), None)
        if found is None:
            raise DataValidationError(
                file,
                f"header row with labels {sorted(allowed)} not found above line {bottom + 1}",
            )
        header_indices.insert(0, found)
        search_end = found
    return header_indices


def _filled(cells: list[str]) -> list[str]:
    """A header row with each spanning label repeated (GENESIS may print it only once)."""
    filled: list[str] = []
    for cell in cells:
        filled.append(cell if cell else (filled[-1] if filled else ""))
    return filled


def _data_block(file: str, rows: list[list[str]], bottom: int, lead: int) -> list[list[str]]:
    """Consecutive rows of the header's width below the header. Rows right below it with
    empty label columns are further header rows (e.g. units: "Anzahl")."""
    width = len(rows[bottom])
    start = bottom + 1
    while start < len(rows) and len(rows[start]) == width and not any(rows[start][:lead]):
        if _is_blank(rows[start]):
            break
        start += 1
    body: list[list[str]] = []
    for offset, row in enumerate(rows[start:]):
        if len(row) != width or _is_blank(row):
            # The table must end with a blank line, the footer rule "____" or a one-cell note,
            # never with a truncated or overlong data row.
            if len(row) > 1 and not _is_blank(row) and not row[0].startswith("_"):
                raise DataValidationError(
                    file,
                    f"line {start + offset + 1} has {len(row)} fields, header has {width}",
                )
            break
        body.append(row)
    if not body:
        raise DataValidationError(file, f"no data rows below header line {bottom + 1}")
    return body


def _label_columns(file: str, body: list[list[str]], lead: int) -> tuple[int | None, int, int]:
    """The label columns identified by content: a date column (optional), a region key and a
    name."""
    lead_cols = list(zip(*[row[:lead] for row in body], strict=True))
    date_col = key_col = None
    for index, column in enumerate(lead_cols):
        if date_col is None and all(DATE.match(v) for v in column):
            date_col = index
        elif key_col is None and all(REGION_KEY.match(v) for v in column):
            key_col = index
    if key_col is None:
        bad = next(
            (row[:lead] for row in body if not any(REGION_KEY.match(c) for c in row[:lead])),
            body[0][:lead],
        )
        raise DataValidationError(
            file, f"no region-key column in the label columns; e.g. row {bad}"
        )
    name_cols = [i for i in range(lead) if i not in (date_col, key_col)]
    if len(name_cols) != 1:
        raise DataValidationError(
            file, f"expected one name column among the {lead} label columns, got {name_cols}"
        )
    return date_col, key_col, name_cols[0]


def _parse_numbers(file: str, values: pd.Series, *, integer: bool) -> pd.Series:
    """Convert source strings to numbers; missing markers become NA, anything else raises."""
    text = values.astype("object").map(lambda v: str(v).strip())
    missing = text.isin(MISSING_MARKERS)
    pattern = INTEGER if integer else DECIMAL
    bad = text[~missing & ~text.map(lambda v: bool(pattern.match(v)))]
    if not bad.empty:
        raise DataValidationError(
            file, f"{len(bad)} cells are neither numbers nor missing markers, e.g. {list(bad[:5])}"
        )
    numbers = pd.to_numeric(text.where(~missing).str.replace(",", ".", regex=False))
    if integer:
        return numbers.astype("Int64")
    return numbers.astype("float64")


def _year_of_date(file: str, date: str) -> int:
    """Year of a '31.12.YYYY' reference date; other days raise."""
    match = DATE.match(date)
    if not match or (match.group(1), match.group(2)) != ("31", "12"):
        raise DataValidationError(file, f"unexpected reference date {date!r}, expected 31.12.YYYY")
    return int(match.group(3))


def _age_sex_columns(
    table: _Table, sex_row: list[str], age_row: list[str], sexes: Iterable[str]
) -> list[tuple[str, str]]:
    """(sex, age label) for every data column, validated against the expected layout."""
    columns = [(s.lower(), a) for s, a in zip(sex_row, age_row, strict=True)]
    expected = {(s, a) for s in sexes for a in AGE_LABELS}
    allowed_ages = {*AGE_LABELS, "Insgesamt"}
    unknown = sorted({a for _, a in columns if a not in allowed_ages})
    if unknown:
        raise DataValidationError(table.file, f"unknown age-group labels in header: {unknown}")
    dup = sorted({c for c in columns if columns.count(c) > 1})
    if dup:
        raise DataValidationError(table.file, f"duplicate header columns: {dup[:5]}")
    absent = sorted(expected - set(columns))
    if absent:
        raise DataValidationError(
            table.file, f"{len(absent)} sex × age-group columns missing, e.g. {absent[:3]}"
        )
    return columns


def _to_long(
    table: _Table, columns: list[tuple[str, str]], years: list[int], *, drop_empty: bool
) -> pd.DataFrame:
    """Melt the wide cells into one row per district, year, sex and age group (all columns)."""
    n_rows, n_cols = len(table.cells), len(columns)
    long = pd.DataFrame(
        {
            "district_key": np.repeat(table.keys, n_cols),
            "district_name": np.repeat(table.names, n_cols),
            "year": np.repeat(years, n_cols),
            "sex": np.tile([sex for sex, _ in columns], n_rows),
            "age_group": np.tile([age for _, age in columns], n_rows),
            "raw": np.asarray(table.cells, dtype=object).reshape(-1),
        }
    )
    long["population"] = _parse_numbers(table.file, long["raw"], integer=True)
    long = long.drop(columns="raw")
    long = long[long["district_key"].map(lambda k: bool(DISTRICT_KEY.match(k)))]
    if drop_empty:
        has_value = long.groupby(["district_key", "year"])["population"].transform(
            lambda s: s.notna().any()
        )
        long = long[has_value.astype(bool)]
    return long


def _finish_long(file: str, long: pd.DataFrame) -> pd.DataFrame:
    """Add the age-group attributes, set dtypes and order, and run the shared checks."""
    order = {label: i for i, label in enumerate(AGE_LABELS)}
    lower = {label: lo for label, lo, _ in AGE_GROUPS}
    upper = {label: hi for label, _, hi in AGE_GROUPS}
    out = long[long["age_group"].isin(AGE_LABELS) & long["sex"].isin(SEXES)].copy()
    out["age_order"] = out["age_group"].map(order).astype("int64")
    out["age_from"] = out["age_group"].map(lower).astype("int64")
    out["age_to"] = pd.array([upper[a] for a in out["age_group"]], dtype="Int64")
    out["year"] = out["year"].astype("int64")
    out["population"] = out["population"].astype("Int64")
    for column in ("district_key", "district_name", "age_group", "sex"):
        out[column] = out[column].astype(str)
    out = out[LONG_COLUMNS].sort_values(["district_key", "year", "sex", "age_order"])
    out = out.reset_index(drop=True)
    if out.empty:
        raise DataValidationError(file, "no 5-digit district rows found")
    check_unique(file, out, ["district_key", "year", "age_order", "sex"])
    check_non_negative(file, out, ["population"])
    groups = out.groupby(["district_key", "year"]).size()
    incomplete = groups[groups != len(AGE_GROUPS) * len(SEXES)]
    if not incomplete.empty:
        raise DataValidationError(
            file, f"districts without all 17 age groups × 2 sexes: {list(incomplete.index[:5])}"
        )
    return out


def read_district_age_structure(
    path: Path | str, years: Iterable[int] = DISTRICT_AGE_YEARS
) -> pd.DataFrame:
    """Read GENESIS 12411-0018 (districts × 31.12. × sex × 17 age groups) into long format.

    Columns: district_key (5-digit str), district_name, year, age_group, age_order (0..16),
    age_from, age_to (Int64, NA for the open group), sex ('männlich'/'weiblich'),
    population (Int64, NA where the source has a missing marker). Rows whose key is not a
    5-digit district key (Germany 'DG', states, ...) are dropped. Raises DataValidationError
    naming the file if the header layout, the reference dates or the values are not as expected.
    """
    table = _cut_table(path, AGE_LABELS, [{MALE, FEMALE}])
    sex_row, age_row = table.headers
    columns = _age_sex_columns(table, sex_row, age_row, SEXES)
    if table.dates is None:
        raise DataValidationError(table.file, "no reference-date column (31.12.YYYY) found")
    row_years = [_year_of_date(table.file, d) for d in table.dates]
    long = _to_long(table, columns, row_years, drop_empty=False)
    out = _finish_long(table.file, long)
    expected = sorted(set(years))
    found = sorted(out["year"].unique().tolist())
    if found != expected:
        raise DataValidationError(table.file, f"years {found}, expected {expected}")
    return out


def read_age_structure_2018(
    path: Path | str, year: int = 2018, *, drop_empty: bool = True
) -> pd.DataFrame:
    """Read Regionaldatenbank 12411-02-03-5-B (31.12.2018) into the long format above.

    The source has insgesamt/männlich/weiblich × 17 age groups plus an 'Insgesamt' age column.
    Checks insgesamt == männlich + weiblich and total == sum of the 17 groups wherever all
    values are present, then keeps männlich/weiblich only. 8-digit city rows are dropped; with
    drop_empty, so are districts without any value (dissolved districts listed with '-').
    """
    table = _cut_table(path, AGE_LABELS, [{TOTAL, MALE, FEMALE}])
    sex_row, age_row = table.headers
    columns = _age_sex_columns(table, sex_row, age_row, (TOTAL, *SEXES))
    stichtag = [m for line in table.header_lines for m in STICHTAG.findall(";".join(line))]
    if table.dates is not None:
        row_years = [_year_of_date(table.file, d) for d in table.dates]
    elif len(stichtag) == 1 and stichtag[0][:2] == ("31", "12"):
        row_years = [int(stichtag[0][2])] * len(table.keys)
    else:
        raise DataValidationError(
            table.file, f"reference date not found in header (Stichtag), found {stichtag}"
        )
    if set(row_years) != {year}:
        raise DataValidationError(table.file, f"years {sorted(set(row_years))}, expected {year}")
    long = _to_long(table, columns, row_years, drop_empty=drop_empty)
    _check_totals(table.file, long)
    return _finish_long(table.file, long)


def _check_totals(file: str, long: pd.DataFrame) -> None:
    """insgesamt == männlich + weiblich and 'Insgesamt' age == sum of groups, where complete."""
    keyed = long.set_index(["district_key", "year", "age_group", "sex"])["population"]
    by_sex = keyed.unstack("sex")
    if TOTAL in by_sex.columns:
        complete = by_sex[[TOTAL, MALE, FEMALE]].dropna()
        bad = complete[complete[TOTAL] != complete[MALE] + complete[FEMALE]]
        if not bad.empty:
            raise DataValidationError(
                file, f"insgesamt != männlich + weiblich for {list(bad.index[:5])}"
            )
    by_age = keyed.unstack("age_group")
    if "Insgesamt" in by_age.columns:
        complete = by_age[[*AGE_LABELS, "Insgesamt"]].dropna()
        sums = complete[AGE_LABELS].sum(axis=1)
        bad = complete[complete["Insgesamt"] != sums]
        if not bad.empty:
            raise DataValidationError(
                file, f"total != sum of the 17 age groups for {list(bad.index[:5])}"
            )


def read_dependency_ratios(path: Path | str, *, drop_empty: bool = True) -> pd.DataFrame:
    """Read Regionaldatenbank 12411-08-01-4-B (Jugend-/Altenquotient, 31.12.) per district.

    Columns: district_key, district_name, year, youth_ratio, youth_ratio_male,
    youth_ratio_female, old_age_ratio, old_age_ratio_male, old_age_ratio_female (float, NaN
    where missing). Only 5-digit keys are kept; with drop_empty, districts without any value
    (dissolved districts listed with '-') are dropped. See DEPENDENCY_RATIO_DEFINITION.
    """
    table = _cut_table(path, [MALE, FEMALE, "Insgesamt"], [{"jugendquotient", "altenquotient"}])
    measure_row, sex_row = table.headers
    columns = [(m.lower(), s.lower()) for m, s in zip(measure_row, sex_row, strict=True)]
    if sorted(columns) != sorted(RATIO_COLUMNS):
        raise DataValidationError(
            table.file, f"unexpected ratio header columns {columns}, expected {list(RATIO_COLUMNS)}"
        )
    if table.dates is None:
        raise DataValidationError(table.file, "no reference-date column (31.12.YYYY) found")
    frame = pd.DataFrame(table.cells, columns=[RATIO_COLUMNS[c] for c in columns])
    for column in frame.columns:
        frame[column] = _parse_numbers(table.file, frame[column], integer=False)
    frame.insert(0, "district_key", table.keys)
    frame.insert(1, "district_name", table.names)
    frame.insert(2, "year", [_year_of_date(table.file, d) for d in table.dates])
    frame = frame[frame["district_key"].map(lambda k: bool(DISTRICT_KEY.match(k)))]
    values = list(RATIO_COLUMNS.values())
    if drop_empty:
        frame = frame[frame[values].notna().any(axis=1)]
    frame = frame[["district_key", "district_name", "year", *values]]
    frame = frame.sort_values(["district_key", "year"]).reset_index(drop=True)
    frame["year"] = frame["year"].astype("int64")
    for column in ("district_key", "district_name"):
        frame[column] = frame[column].astype(str)
    if frame.empty:
        raise DataValidationError(table.file, "no 5-digit district rows found")
    check_unique(table.file, frame, ["district_key", "year"])
    check_non_negative(table.file, frame, values)
    implausible = frame[(frame[values] > 200).any(axis=1)]
    if not implausible.empty:
        raise DataValidationError(
            table.file, f"ratios above 200 per 100 for {implausible['district_key'].tolist()[:5]}"
        )
    return frame


def write_age(out: Path, raw: Path) -> None:
    """district_age.parquet, dependency_ratios.parquet and official_totals.parquet."""
    district_age = read_district_age_structure(raw / "destatis-12411-0018" / "12411-0018.csv")
    write_parquet(district_age, out / "district_age.parquet")
    ratios = read_dependency_ratios(raw / "regionalstatistik-2018" / "12411-08-01-4-B_2018.csv")
    write_parquet(ratios, out / "dependency_ratios.parquet")
    log.info("district age: %d rows, dependency ratios: %d", len(district_age), len(ratios))
    write_parquet(territory.official_totals(district_age), out / "official_totals.parquet")
