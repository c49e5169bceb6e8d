"""Parsers for the Regionaldatenbank 2015 exports (UTF-8, `;`, header lines and footnotes).

- 12411-02-03-5: population by sex and 17 age groups per municipality, 31.12.2015
- 12711-01-03-5: moves in and out across municipal borders by sex and 6 age groups, 2015
- 12612-01-01-4 / 12613-01-01-4: live births / deaths per district, 1995–2015

The municipal tables mix every regional level in one column of keys. The key length and the
rows below a key tell the level (see classify_regions); only rows that stand for a politically
independent municipality get an 8-digit AGS. Unknown values ("-", ".", "x", "/") stay NA.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from databuild.age import AGE_GROUPS, FEMALE, MALE, TOTAL, _parse_numbers
from databuild.rekey import rekey_counts
from ksg_dashboard.core.validation import DataValidationError, check_non_negative, check_unique

SEXES3: tuple[str, str, str] = (TOTAL, MALE, FEMALE)
TOTAL_LABEL = "Insgesamt"

# The six age groups of 12711-01-03-5 (label as in the source, age_from, age_to_exclusive).
MIGRATION_AGE_GROUPS: list[tuple[str, int, int | None]] = [
    ("unter 18 Jahre", 0, 18),
    ("18 bis unter 25 Jahre", 18, 25),
    ("25 bis unter 30 Jahre", 25, 30),
    ("30 bis unter 50 Jahre", 30, 50),
    ("50 bis unter 65 Jahre", 50, 65),
    ("65 Jahre und mehr", 65, None),
]
MIGRATION_AGE_LABELS: list[str] = [label for label, _, _ in MIGRATION_AGE_GROUPS]
DIRECTIONS = {
    "zuzüge über die gemeindegrenzen": "in",
    "fortzüge über die gemeindegrenzen": "out",
}

# Regional levels assigned by classify_regions.
COUNTRY = "country"  # DG = Deutschland
STATE = "state"  # 2 digits
REGION = "region"  # 3 digits: Regierungsbezirk or Statistische Region
DISTRICT = "district"  # 5 digits: Kreis or kreisfreie Stadt
BERLIN_BOROUGH = "berlin_borough"  # 11001–11012, listed without values for 2015
ASSOCIATION = "association"  # Samtgemeinde (NI, 8 digits) or Verbandsgemeinde (RP, 7 digits)
MUNICIPALITY = "municipality"
UNINCORPORATED = "unincorporated"  # gemeindefreies Gebiet ("gem.fr. Geb.")
DISTRICT_CITY = "district_city"  # 8-digit city listed at district depth (births/deaths)

STATE_KEYS: dict[str, str] = {
    "Schleswig-Holstein": "01",
    "Hamburg": "02",
    "Niedersachsen": "03",
    "Bremen": "04",
    "Nordrhein-Westfalen": "05",
    "Hessen": "06",
    "Rheinland-Pfalz": "07",
    "Baden-Württemberg": "08",
    "Bayern": "09",
    "Saarland": "10",
    "Berlin": "11",
    "Brandenburg": "12",
    "Mecklenburg-Vorpommern": "13",
    "Sachsen": "14",
    "Sachsen-Anhalt": "15",
    "Thüringen": "16",
}

REGION_KEY = re.compile(r"^(DG|\d{2,11})$")
YEAR = re.compile(r"^(19|20)\d{2}$")
FOOTER_RULE = re.compile(r"^_{3,}")
STATE_NOTE = re.compile(r"^(?P<state>[A-ZÄÖÜ][\w-]+)\s*(\((?P<years>[^)]*)\))?\s*:\s*(?P<text>.*)$")
GENERAL_NOTE = re.compile(r"^(?P<years>(Berichtsjahr |ab |von )?[^:]*\d{4}[^:]*):\s*(?P<text>.*)$")
TERRITORIAL_STATUS = re.compile(r"Gebietsstand")
UNINCORPORATED_MARK = re.compile(r"gem\.\s?fr\.|gemeindefrei|gdefr\.|Gutsbezirk", re.IGNORECASE)

# The label columns of a parsed table and the age-group columns every table shares.
PARSED_KEYS = ["region_key", "level", "ags", "association_key", "name"]
AGE_GROUP = ["age_order", "age_group", "age_from", "age_to"]
AGE_COLUMNS = [*PARSED_KEYS, "sex", *AGE_GROUP, "population", "inferred_zero"]
MIGRATION_COLUMNS = [*PARSED_KEYS, "direction", "sex", *AGE_GROUP, "moves", "inferred_zero"]
VITAL_COLUMNS = ["region_key", "level", "state_key", "name", "year", "total", "male", "female"]


@dataclass
class RegionalTable:
    """One Regionaldatenbank table: header rows, lead cells, data cells and footnote lines."""

    file: str
    headers: list[list[str]]  # header rows restricted to the data columns, spans filled
    years: list[str] | None  # per data row, for tables with a leading year column
    keys: list[str]
    names: list[str]  # stripped of the indentation
    cells: list[list[str]]
    footnotes: list[str]  # lines of the "zu ... Tabelle" block below the rule "__________"


def _read_rows(path: Path | str) -> tuple[str, list[list[str]]]:
    """All rows of a UTF-8, semicolon-separated file (quoted multi-line footnotes allowed)."""
    file = str(path)
    try:
        raw = Path(path).read_bytes()
    except OSError as error:
        raise DataValidationError(file, f"cannot read file: {error}") from error
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise DataValidationError(
            file, f"file is not UTF-8 (byte {error.start}); expected a Regionaldatenbank export"
        ) from error
    return file, list(csv.reader(io.StringIO(text), delimiter=";"))


def read_table(path: Path | str, *, year_column: bool = False) -> RegionalTable:
    """Cut the data block, header rows and footnotes out of a Regionaldatenbank CSV.

    Data rows are rows whose key cell is a region key ("DG" or 2–11 digits) with a non-empty
    name (and, with year_column, a leading 4-digit year). They must be consecutive, all of the
    same width, and the table must be closed by the footer rule "__________".
    """
    file, rows = _read_rows(path)
    lead = 3 if year_column else 2
    key_at, name_at = lead - 2, lead - 1

    def is_data(row: list[str]) -> bool:
        if len(row) <= lead or not REGION_KEY.match(row[key_at].strip()):
            return False
        if not row[name_at].strip():
            return False
        return not year_column or bool(YEAR.match(row[0].strip()))

    rule = next((i for i, row in enumerate(rows) if row and FOOTER_RULE.match(row[0])), None)
    if rule is None:
        raise DataValidationError(file, "footer rule '__________' below the table not found")
    data_index = [i for i, row in enumerate(rows[:rule]) if is_data(row)]
    if not data_index:
        raise DataValidationError(file, "no data rows (region key and name) found")
    first, last = data_index[0], data_index[-1]
    if last != rule - 1:
        raise DataValidationError(file, f"line {last + 2}: unexpected row between table and footer")
    if len(data_index) != last - first + 1:
        gap = next(i for i in range(first, last + 1) if i not in set(data_index))
        raise DataValidationError(file, f"line {gap + 1}: not a data row inside the table")
    width = len(rows[first])
    for index in data_index:
        if len(rows[index]) != width:
            raise DataValidationError(
                file, f"line {index + 1} has {len(rows[index])} fields, expected {width}"
            )
    headers: list[list[str]] = []
    for row in rows[:first]:
        if len(row) == width and not any(c.strip() for c in row[:lead]):
            data = [c.strip() for c in row[lead:]]
            if not any(data):
                continue
            filled: list[str] = []
            for cell in data:
                filled.append(cell if cell else (filled[-1] if filled else ""))
            headers.append(filled)
    if not headers:
        raise DataValidationError(file, f"no header rows above line {first + 1}")
    body = [rows[i] for i in data_index]
    footnotes: list[str] = []
    for row in rows[rule + 1 :]:
        for cell in row:
            if cell.strip().startswith("zu "):
                footnotes = [line.strip() for line in cell.splitlines()[1:]]
                break
        if footnotes:
            break
    return RegionalTable(
        file=file,
        headers=headers,
        years=[r[0].strip() for r in body] if year_column else None,
        keys=[r[key_at].strip() for r in body],
        names=[r[name_at].strip() for r in body],
        cells=[[c.strip() for c in r[lead:]] for r in body],
        footnotes=footnotes,
    )


def _header_row(table: RegionalTable, allowed: set[str], required: str) -> list[str]:
    """The header row whose labels all lie in `allowed` (lower case) and include `required`."""
    for row in table.headers:
        lower = [c.lower() for c in row]
        if required in lower and all(c in allowed for c in lower):
            return lower
    raise DataValidationError(
        table.file, f"header row with labels {sorted(allowed)} (incl. {required!r}) not found"
    )


# ---------------------------------------------------------------------------------------------
# Regional levels
# ---------------------------------------------------------------------------------------------


def classify_regions(keys: list[str], names: list[str]) -> pd.DataFrame:
    """Level, AGS and association key of every row of a municipal Regionaldatenbank table.

    Keys: DG Germany; 2 digits state; 3 region; 5 district (Berlin 11001–11012: borough);
    7 Verbandsgemeinde (Rheinland-Pfalz: district + 2-digit VG number); 8 a municipality
    (AGS), a Samtgemeinde (Niedersachsen: district + 3-digit number, followed by its members
    with 11 digits) or an unincorporated area ("gem.fr. Geb."); 10 a Rheinland-Pfalz
    municipality (district + VG + 3-digit number; VG "00" = verbandsfrei); 11 a member of a
    Samtgemeinde. AGS = district + last 3 digits. A state or district row without any
    district- or municipality-level row below it stands for one municipality itself (Hamburg,
    Berlin, Bremen and Bremerhaven, every kreisfreie Stadt): AGS = key padded with zeros.
    Returns columns region_key, level, ags (None if the row is no municipality),
    association_key (Samt-/Verbandsgemeinde of a member, else None), name.
    """
    parents = {k[:8] for k in keys if len(k) == 11} | {k[:7] for k in keys if len(k) == 10}
    with_children: set[str] = set()
    for key in keys:
        if len(key) >= 5 and not (key.startswith("11") and len(key) == 5):
            for length in (2, 3, 5):
                if len(key) > length:
                    with_children.add(key[:length])
    records = []
    for key, name in zip(keys, names, strict=True):
        ags = association = None
        if key == "DG":
            level = COUNTRY
        elif len(key) == 2:
            level = STATE
            if key not in with_children:
                ags = key + "000000"
        elif len(key) == 3:
            level = REGION
        elif len(key) == 5:
            if key.startswith("11") and key != "11000":
                level = BERLIN_BOROUGH
            else:
                level = DISTRICT
                if key not in with_children:
                    ags = key + "000"
        elif len(key) == 7:
            level = ASSOCIATION
        elif len(key) == 8:
            if key in parents:
                level = ASSOCIATION
            elif UNINCORPORATED_MARK.search(name):
                level, ags = UNINCORPORATED, key
            else:
                level, ags = MUNICIPALITY, key
        elif len(key) == 10:
            level, ags = MUNICIPALITY, key[:5] + key[7:]
            association = None if key[5:7] == "00" else key[:7]
        elif len(key) == 11:
            level, ags, association = MUNICIPALITY, key[:5] + key[8:], key[:8]
        else:
            raise DataValidationError("regional key", f"unexpected key length: {key!r} ({name})")
        records.append((key, level, ags, association, name))
    frame = pd.DataFrame(records, columns=["region_key", "level", "ags", "association_key", "name"])
    return frame


def municipality_rows(frame: pd.DataFrame) -> pd.Series:
    """True for rows with an 8-digit AGS: municipalities (incl. city states and kreisfreie
    Städte from their state/district row) and unincorporated areas (level unincorporated,
    which are no municipalities). Samt-/Verbandsgemeinden never have an AGS."""
    return frame["ags"].notna()


def _check_regions(file: str, long: pd.DataFrame, value: str) -> None:
    """An AGS may appear in two rows only if at most one of them has values (the file also
    lists former memberships, e.g. of dissolved Samtgemeinden, with "-" throughout)."""
    filled = long.groupby("region_key", sort=False)[value].transform("count") > 0
    rows = long.loc[filled, ["region_key", "ags"]].drop_duplicates().dropna(subset=["ags"])
    dup = rows[rows.duplicated("ags", keep=False)]
    if not dup.empty:
        raise DataValidationError(
            file, f"one AGS with values in two rows: {dup.head(6).to_dict('records')}"
        )


def municipality_frame(long: pd.DataFrame, value: str) -> pd.DataFrame:
    """Only the rows that stand for a municipality, one row set per AGS: the row with values,
    or, if the AGS has none, its first row (values NA). Column `has_values` is added."""
    rows = long[municipality_rows(long)].copy()
    counts = rows.groupby("region_key", sort=False)[value].transform("count")
    rows["has_values"] = (counts > 0).astype(bool)
    first = (
        rows[["region_key", "ags", "has_values"]]
        .drop_duplicates("region_key")
        .sort_values(["ags", "has_values", "region_key"], ascending=[True, False, True])
        .drop_duplicates("ags")
    )
    return rows[rows["region_key"].isin(first["region_key"])].reset_index(drop=True)


def _cube(
    table: RegionalTable, columns: list[tuple], blocks: list[str], ages: list[str]
) -> tuple[np.ndarray, np.ndarray]:
    """Values and dash mask as arrays (row, block, sex, age) in canonical order.

    columns: per data column (block, sex, age) with block one of `blocks` (e.g. direction);
    ages end with the source total. Values are float with NaN for every missing marker.
    """
    position = {c: i for i, c in enumerate(columns)}
    order = [position[(b, s, a)] for b in blocks for s in SEXES3 for a in ages]
    text = np.asarray(table.cells, dtype=object)[:, order]
    numbers = _parse_numbers(table.file, pd.Series(text.reshape(-1)), integer=True)
    shape = (len(table.cells), len(blocks), len(SEXES3), len(ages))
    values = numbers.to_numpy(dtype="float64", na_value=np.nan).reshape(shape)
    dashes = (text == "-").reshape(shape)
    return values, dashes


def resolve_dashes(values: np.ndarray, dashes: np.ndarray) -> np.ndarray:
    """Set "-" cells to 0 where the reported totals prove it; returns the mask of cells set.

    In GENESIS "-" means "nichts vorhanden". A "-" cell is taken as 0 only if its row's
    total (last age index) or its age group's total over sex (sex index 0) is known and the
    known cells already add up to it exactly: counts are non-negative, so every remaining
    cell must be 0. A whole block of "-" (e.g. all moves out) in a row that reports numbers
    in another block is 0 as well. Everything else stays NaN (unknown), in particular rows
    that are "-" throughout. values is changed in place; axes
    are (row, block, sex, age) as from _cube.
    """
    filled = np.zeros(values.shape, dtype=bool)
    # A block (e.g. the moves out) that is "-" throughout in a row with numbers elsewhere:
    # nothing happened (its total "-" is the "nichts vorhanden" of the row's own figures).
    block_dash = dashes.all(axis=(2, 3))
    row_known = (~np.isnan(values)).any(axis=(1, 2, 3))
    empty_block = block_dash & row_known[:, None]
    values[empty_block] = 0
    filled[empty_block] = True
    for _ in range(3):
        before = filled.sum()
        # Age groups of one sex against that sex's total.
        groups, total = values[..., :-1], values[..., -1:]
        open_cells = dashes[..., :-1] & np.isnan(groups)
        proven = ~np.isnan(total) & (np.nansum(groups, axis=-1, keepdims=True) == total)
        fill = open_cells & proven
        groups[fill] = 0
        filled[..., :-1] |= fill
        # Male and female against the total of one age group.
        sexes, total = values[:, :, 1:, :], values[:, :, :1, :]
        open_cells = dashes[:, :, 1:, :] & np.isnan(sexes)
        proven = ~np.isnan(total) & (np.nansum(sexes, axis=2, keepdims=True) == total)
        fill = open_cells & proven
        sexes[fill] = 0
        filled[:, :, 1:, :] |= fill
        if filled.sum() == before:
            break
    return filled


def _check_cube(file: str, keys: list[str], values: np.ndarray) -> None:
    """Wherever all cells involved are known: the age groups of a sex sum to its total, and
    male + female = total for every age group. Partly unknown rows (e.g. a single "." for a
    secret cell) are allowed; their unknown cells stay NA."""
    groups, total = values[..., :-1], values[..., -1]
    known = ~np.isnan(groups).any(axis=-1) & ~np.isnan(total)
    age_bad = (known & (np.nansum(groups, axis=-1) != total)).any(axis=(1, 2))
    if age_bad.any():
        sample = [keys[i] for i in np.flatnonzero(age_bad)[:5]]
        raise DataValidationError(file, f"age groups do not sum to the total for {sample}")
    known = ~np.isnan(values).any(axis=2)
    sex_bad = (known & (np.nansum(values[:, :, 1:, :], axis=2) != values[:, :, 0, :])).any(
        axis=(1, 2)
    )
    if sex_bad.any():
        sample = [keys[i] for i in np.flatnonzero(sex_bad)[:5]]
        raise DataValidationError(file, f"male + female != total for {sample}")


def _long_frame(
    regions: pd.DataFrame,
    values: np.ndarray,
    filled: np.ndarray,
    blocks: list[str] | None,
    groups: list[tuple[str, int, int | None]],
    value: str,
) -> pd.DataFrame:
    """One row per region, (block,) sex and age group incl. the total (age_order = len)."""
    n_rows, n_blocks = values.shape[0], values.shape[1]
    per_row = values[0].size
    long = pd.DataFrame(
        {c: np.repeat(regions[c].to_numpy(dtype=object), per_row) for c in regions.columns}
    )
    labels = [*(g[0] for g in groups), TOTAL_LABEL]
    lower = [*(g[1] for g in groups), 0]
    upper = [*(g[2] for g in groups), None]
    n_ages = len(labels)
    if blocks is not None:
        long["direction"] = np.tile(np.repeat(blocks, len(SEXES3) * n_ages), n_rows)
    long["sex"] = np.tile(np.repeat(SEXES3, n_ages), n_rows * n_blocks)
    cells = n_rows * n_blocks * len(SEXES3)
    long["age_order"] = np.tile(np.arange(n_ages), cells).astype("int64")
    long["age_group"] = np.tile(labels, cells)
    long["age_from"] = np.tile(lower, cells).astype("int64")
    long["age_to"] = pd.array(upper * cells, dtype="Int64")
    flat = values.reshape(-1)
    long[value] = pd.array(np.where(np.isnan(flat), None, flat), dtype="Int64")
    long["inferred_zero"] = filled.reshape(-1)
    return long


def _read_cube_table(
    path: Path | str,
    groups: list[tuple[str, int, int | None]],
    blocks: dict[str, str] | None,
    value: str,
) -> pd.DataFrame:
    """Shared body of read_municipal_age_2015 and read_migration_2015."""
    table = read_table(path)
    age_labels = [g[0] for g in groups]
    sexes = _header_row(table, {s.lower() for s in SEXES3}, MALE)
    ages_lower = {a.lower(): a for a in [*age_labels, TOTAL_LABEL]}
    ages = _header_row(table, set(ages_lower), age_labels[0].lower())
    if blocks:
        block_row = [blocks[b] for b in _header_row(table, set(blocks), next(iter(blocks)))]
        block_names = list(dict.fromkeys(blocks.values()))
    else:
        block_row = ["all"] * len(sexes)
        block_names = ["all"]
    columns = [(b, s, ages_lower[a]) for b, s, a in zip(block_row, sexes, ages, strict=True)]
    expected = {(b, s, a) for b in block_names for s in SEXES3 for a in ages_lower.values()}
    if sorted(columns) != sorted(expected):
        raise DataValidationError(
            table.file,
            f"expected {len(expected)} columns ({len(block_names)} × 3 sexes × "
            f"{len(ages_lower)} age groups), got {len(columns)}; differing: "
            f"{sorted(set(columns) ^ expected)[:3]}",
        )
    regions = classify_regions(table.keys, table.names)
    check_unique(table.file, regions, ["region_key"])
    values, dashes = _cube(table, columns, block_names, [*age_labels, TOTAL_LABEL])
    filled = resolve_dashes(values, dashes)
    _check_cube(table.file, table.keys, values)
    long = _long_frame(regions, values, filled, block_names if blocks else None, groups, value)
    check_non_negative(table.file, long, [value])
    _check_regions(table.file, long, value)
    return long


def read_municipal_age_2015(path: Path | str) -> pd.DataFrame:
    """12411-02-03-5 into a long frame: one row per region, sex and age group.

    Columns: AGE_COLUMNS. sex is "insgesamt", "männlich" or "weiblich"; age_order 0–16 for
    the 17 groups of databuild.age.AGE_GROUPS and 17 for the source's own total "Insgesamt"
    (age_from 0, age_to NA). population is Int64, NA where the source has "-" or "." and the
    value is not proven to be 0 (see resolve_dashes; such cells have inferred_zero True).
    Checked wherever the cells are known: the 17 groups sum to the total and male + female
    = total.
    """
    return _read_cube_table(path, AGE_GROUPS, None, "population")[AGE_COLUMNS]


# ---------------------------------------------------------------------------------------------
# 12711-01-03-5: moves in and out across municipal borders, 2015
# ---------------------------------------------------------------------------------------------


def read_migration_2015(path: Path | str) -> pd.DataFrame:
    """12711-01-03-5 into a long frame: one row per region, direction, sex and age group.

    Columns: MIGRATION_COLUMNS. direction "in" (Zuzüge) or "out" (Fortzüge) across the
    municipal border; age_order 0–5 for MIGRATION_AGE_GROUPS and 6 for the source total.
    moves is Int64; unknown and inferred zeros as in read_municipal_age_2015. Checked per
    row with values and direction: the six groups sum to the total and male + female = total.
    """
    long = _read_cube_table(path, MIGRATION_AGE_GROUPS, DIRECTIONS, "moves")
    return long[MIGRATION_COLUMNS]


# ---------------------------------------------------------------------------------------------
# 12612-01-01-4 / 12613-01-01-4: births and deaths per district, 1995–2015
# ---------------------------------------------------------------------------------------------


def _vital_level(key: str) -> str:
    if key == "DG":
        return COUNTRY
    return {2: STATE, 3: REGION, 5: DISTRICT, 8: DISTRICT_CITY}.get(len(key), "")


def _read_vital(path: Path | str) -> pd.DataFrame:
    """Year × region × (total, male, female) from a 1261x-01-01-4 table, see read_births."""
    table = read_table(path, year_column=True)
    sexes = _header_row(table, {s.lower() for s in SEXES3}, MALE)
    if sexes != list(SEXES3):
        raise DataValidationError(table.file, f"expected columns {list(SEXES3)}, got {sexes}")
    levels = [_vital_level(k) for k in table.keys]
    bad = sorted({k for k, lv in zip(table.keys, levels, strict=True) if not lv})
    if bad:
        raise DataValidationError(table.file, f"unexpected region keys: {bad[:5]}")
    frame = pd.DataFrame(table.cells, columns=["total", "male", "female"])
    for column in frame.columns:
        frame[column] = _parse_numbers(table.file, frame[column], integer=True)
    frame.insert(0, "region_key", table.keys)
    frame.insert(1, "level", levels)
    frame.insert(2, "state_key", [None if k == "DG" else k[:2] for k in table.keys])
    frame.insert(3, "name", table.names)
    frame.insert(4, "year", [int(y) for y in table.years or []])
    frame = frame[VITAL_COLUMNS].sort_values(["region_key", "year"], ignore_index=True)
    check_unique(table.file, frame, ["region_key", "year"])
    check_non_negative(table.file, frame, ["total", "male", "female"])
    both = frame.dropna(subset=["total", "male", "female"])
    wrong = both[both["male"] + both["female"] != both["total"]]
    if not wrong.empty:
        sample = wrong[["region_key", "year"]].head(5).to_dict("records")
        raise DataValidationError(table.file, f"male + female != total for {sample}")
    return frame


def read_births(path: Path | str) -> pd.DataFrame:
    """12612-01-01-4 (live births): columns VITAL_COLUMNS, counts Int64 (NA where unknown).

    level: country, state, region (Regierungsbezirk), district, or district_city for the
    cities listed at district depth inside their district (Hannover in Region Hannover,
    Aachen in Städteregion Aachen, Saarbrücken in Regionalverband Saarbrücken; never add them
    to their district). Dissolved districts carry "-" (NA) after their dissolution. Before a
    territorial reform the file lists the old districts and, where available, the districts
    of the later status back-calculated (Sachsen 1995–2007 fully, Sachsen-Anhalt partly with
    "."; Mecklenburg-Vorpommern's 2011 districts and the Städteregion Aachen not before they
    existed): never sum all district rows of a year, use one territorial status (the build
    marks the 2015 one as status_2015).
    """
    return _read_vital(path)


def read_deaths(path: Path | str) -> pd.DataFrame:
    """12613-01-01-4 (deaths), same layout and columns as read_births."""
    return _read_vital(path)


def natural_change(births: pd.DataFrame, deaths: pd.DataFrame) -> pd.DataFrame:
    """Births, deaths and balance (births − deaths) per region and year, each by sex.

    Columns region_key, level, state_key, name, year, births, births_male, births_female,
    deaths, deaths_male, deaths_female, balance, balance_male, balance_female; NA where
    either input is unknown. Rows present in only one table raise.
    """
    keys = ["region_key", "level", "state_key", "year"]
    left = births.rename(
        columns={"total": "births", "male": "births_male", "female": "births_female"}
    )
    right = deaths.rename(
        columns={"total": "deaths", "male": "deaths_male", "female": "deaths_female"}
    ).drop(columns="name")
    merged = left.merge(right, on=keys, how="outer", indicator=True)
    lonely = merged[merged["_merge"] != "both"]
    if not lonely.empty:
        sample = lonely[["region_key", "year"]].head(5).to_dict("records")
        raise DataValidationError("births/deaths", f"rows in only one table: {sample}")
    out = merged.drop(columns="_merge")
    for suffix in ("", "_male", "_female"):
        out[f"balance{suffix}"] = out[f"births{suffix}"] - out[f"deaths{suffix}"]
    order = ["region_key", "level", "state_key", "name", "year"]
    values = [f"{m}{s}" for m in ("births", "deaths", "balance") for s in ("", "_male", "_female")]
    return out[order + values].sort_values(["region_key", "year"], ignore_index=True)


# ---------------------------------------------------------------------------------------------
# Footnotes
# ---------------------------------------------------------------------------------------------


def _starts_note(text: str) -> bool:
    """A footnote line that opens a new note: "<Land> (...):", "Berichtsjahr ...", "2015: ..."."""
    match = STATE_NOTE.match(text)
    if match and match.group("state") in STATE_KEYS:
        return True
    return text.startswith(("Berichtsjahr", "ab dem Berichtsjahr")) or bool(
        re.match(r"^\d{4}:", text)
    )


def _join_lines(lines: Iterable[str]) -> list[str]:
    """Re-join the wrapped footnote lines into one text per note (hyphenated breaks closed)."""
    notes: list[str] = []
    for line in lines:
        text = line.strip()
        if not text:
            continue
        if _starts_note(text) or not notes:
            notes.append(text)
        elif notes[-1].endswith("-") and text[:1].islower():
            notes[-1] = notes[-1][:-1] + text
        else:
            notes[-1] = f"{notes[-1]} {text}"
    return notes


def _years(text: str | None) -> tuple[int | None, int | None]:
    """(first, last) year of a footnote's period; last None = open-ended; (None, None) = all."""
    if not text:
        return None, None
    found = [int(y) for y in re.findall(r"(?:19|20)\d{2}", text)]
    if not found:
        return None, None
    if re.search(r"\bab\b", text):
        return found[0], None
    return min(found), max(found)


def parse_footnotes(table_id: str, lines: list[str]) -> list[dict]:
    """Structured footnotes: table, state_key (None = whole table), state, year_from,
    year_to (None = open-ended; both None = all years), text (German, as in the source)."""
    notes = []
    for text in _join_lines(lines):
        text = text.replace('""', '"').strip().strip('"').strip()
        state = year_text = None
        match = STATE_NOTE.match(text)
        if match and match.group("state") in STATE_KEYS:
            state, year_text = match.group("state"), match.group("years")
        else:
            general = GENERAL_NOTE.match(text)
            if general:
                year_text = general.group("years")
        year_from, year_to = _years(year_text)
        notes.append(
            {
                "table": table_id,
                "state_key": STATE_KEYS.get(state) if state else None,
                "state": state,
                "year_from": year_from,
                "year_to": year_to,
                "text": text,
            }
        )
    return notes


def note_applies(note: dict, year: int) -> bool:
    """True if a footnote's period covers `year`."""
    first, last = note["year_from"], note["year_to"]
    if first is None and last is None:
        return True
    return (first is None or first <= year) and (last is None or year <= last)


def territorial_status_notes(notes: list[dict], year: int) -> dict[str, str]:
    """state_key -> note text for states whose figures of `year` stand on another
    territorial status (footnotes mentioning "Gebietsstand" that cover the year)."""
    return {
        n["state_key"]: n["text"]
        for n in notes
        if n["state_key"] and TERRITORIAL_STATUS.search(n["text"]) and note_applies(n, year)
    }


# ---------------------------------------------------------------------------------------------
# Build step: data/municipal_age_2015.parquet, migration_2015.parquet, natural_change.parquet,
# regional_stats_notes.json
# ---------------------------------------------------------------------------------------------

RAW_FOLDER = "regionalstatistik-2015"
AGE_FILE = "12411-02-03-5_2015.csv"
MIGRATION_FILE = "12711-01-03-5_2015.csv"
BIRTHS_FILE = "12612-01-01-4_1995-2015.csv"
DEATHS_FILE = "12613-01-01-4_1995-2015.csv"
TABLE_IDS = {
    AGE_FILE: "12411-02-03-5",
    MIGRATION_FILE: "12711-01-03-5",
    BIRTHS_FILE: "12612-01-01-4",
    DEATHS_FILE: "12613-01-01-4",
}
REFERENCE_YEAR = 2015
# GV-ISys type codes of unincorporated areas (65 inhabited, 66 uninhabited).
UNINCORPORATED_TYPES = frozenset({"65", "66"})
# The written files: keys first, then the parsed values, then the checks' flags.
OUTPUT_KEYS = ["ags", "name", "level", "region_key", "association_key"]
OUTPUT_FLAGS = ["has_values", "territorial_note"]
OUTPUT_AGE_COLUMNS = [
    *OUTPUT_KEYS,
    "sex",
    *AGE_GROUP,
    "is_total",
    "population",
    "inferred_zero",
    *OUTPUT_FLAGS,
]
OUTPUT_MIGRATION_COLUMNS = [
    *OUTPUT_KEYS,
    "direction",
    "sex",
    *AGE_GROUP,
    "is_total",
    "moves",
    "inferred_zero",
    *OUTPUT_FLAGS,
]


def _municipal_output(
    long: pd.DataFrame,
    value: str,
    n_groups: int,
    gv2015: pd.DataFrame | None,
    notes: dict[str, str],
) -> tuple[pd.DataFrame, dict]:
    """Municipality rows for the data file plus counts of what was dropped and why."""
    rows = municipality_frame(long, value)
    rows["is_total"] = rows["age_order"] == n_groups
    known = set(gv2015["ags"]) if gv2015 is not None else set()
    keep = rows["has_values"] | rows["ags"].isin(known)
    stats = {
        "rows_with_ags": int(rows["ags"].nunique()),
        "dropped_without_values": int(rows.loc[~keep, "ags"].nunique()),
    }
    rows = rows[keep].copy()
    if gv2015 is not None:
        types = gv2015.set_index("ags")["type_code"]
        unincorporated = rows["ags"].map(types).isin(UNINCORPORATED_TYPES)
        rows.loc[unincorporated, "level"] = UNINCORPORATED
    rows["territorial_note"] = rows["ags"].str[:2].map(notes)
    stats["municipalities"] = int(rows.loc[rows["level"] != UNINCORPORATED, "ags"].nunique())
    stats["unincorporated"] = int(rows.loc[rows["level"] == UNINCORPORATED, "ags"].nunique())
    stats["municipalities_without_values"] = int(
        rows.loc[~rows["has_values"] & (rows["level"] != UNINCORPORATED), "ags"].nunique()
    )
    return rows.reset_index(drop=True), stats


# Columns carried over when the 2015 counts are summed into their 2022 successors.
AGE_KEEP = ("age_group", "age_from", "age_to", "is_total", "level", "territorial_note")


def region_output(long: pd.DataFrame, value: str, n_groups: int) -> pd.DataFrame:
    """The rows of Germany ("DG") and the 16 states, keyed in column `ags` by their region key,
    in the columns of the municipal output (reference values for comparisons)."""
    rows = long[long["level"].isin([COUNTRY, STATE])].copy()
    rows["ags"] = rows["region_key"]
    rows["is_total"] = rows["age_order"] == n_groups
    counts = rows.groupby("region_key", sort=False)[value].transform("count")
    rows["has_values"] = (counts > 0).astype(bool)
    rows["territorial_note"] = pd.NA
    keys = set(rows["region_key"])
    if "DG" not in keys or not all(k == "DG" or len(k) == 2 for k in keys):
        raise DataValidationError(
            "regional statistics", f"expected Germany (DG) and state rows, got {sorted(keys)}"
        )
    return rows.reset_index(drop=True)


def compare_with_gvisys(age_rows: pd.DataFrame, gv2015: pd.DataFrame) -> dict:
    """The age table's total per AGS against the GV-ISys population of 31.12.2015."""
    totals = age_rows[age_rows["is_total"] & (age_rows["sex"] == TOTAL)].set_index("ags")
    gv = gv2015.set_index("ags")
    both = totals.join(gv[["population", "type_code"]].add_suffix("_gvisys"), how="outer")
    in_age, in_gv = both["region_key"].notna(), both["population_gvisys"].notna()
    value, ref = both["population"], both["population_gvisys"]
    comparable = in_age & in_gv & value.notna() & ref.notna()
    matches = comparable & (value == ref)
    mismatch = comparable & (value != ref)
    unknown_in_age = in_age & in_gv & value.isna()
    missing = in_gv & ~in_age
    return {
        "gvisys_rows_2015": len(gv),
        "matches": int(matches.sum()),
        "mismatches": int(mismatch.sum()),
        "mismatch_ags": sorted(both.index[mismatch])[:50],
        "unknown_in_age_table": sorted(both.index[unknown_in_age]),
        "unknown_in_age_table_gvisys_population": int(ref[unknown_in_age].sum()),
        "missing_in_age_table": sorted(both.index[missing]),
        "missing_in_age_table_gvisys_population": int(ref[missing].sum()),
        "only_in_age_table": sorted(both.index[in_age & ~in_gv]),
    }


def district_population(
    gvisys: pd.DataFrame, keys: Iterable[str], years: Iterable[int]
) -> pd.DataFrame:
    """GV-ISys population (31.12.) of regions given by key prefix (DG = Germany; 8-digit
    keys = that AGS), per year; NA if no municipality matches or any member is unknown."""
    frame = gvisys.loc[gvisys["year"].isin(list(years)), ["ags", "year", "population"]].copy()
    frame["unknown"] = frame["population"].isna().astype("int64")
    wanted = pd.DataFrame({"region_key": list(dict.fromkeys(keys))})
    parts = []
    for length in sorted({len(k) for k in wanted["region_key"]}):
        summed = (
            frame.assign(region_key=frame["ags"].str[:length])
            .groupby(["region_key", "year"])
            .agg(total=("population", "sum"), unknown=("unknown", "sum"))
            .reset_index()
        )
        parts.append(summed)
    germany = (
        frame.groupby("year")
        .agg(total=("population", "sum"), unknown=("unknown", "sum"))
        .reset_index()
        .assign(region_key="DG")
    )
    sums = pd.concat([*parts, germany], ignore_index=True).drop_duplicates(["region_key", "year"])
    grid = wanted.merge(pd.DataFrame({"year": sorted(frame["year"].unique())}), how="cross")
    out = grid.merge(sums, on=["region_key", "year"], how="left")
    known = out["total"].notna() & (out["unknown"] == 0)
    out["population"] = pd.array(
        [int(v) if ok else pd.NA for v, ok in zip(out["total"], known, strict=True)],
        dtype="Int64",
    )
    return out[["region_key", "year", "population"]]


def status_2015_sum_check(natural: pd.DataFrame) -> pd.DataFrame:
    """Per year and state: births and deaths of the districts on the 2015 territorial status
    (district rows with values in 2015; Hamburg and Berlin have no district row) summed
    against the state row, and the 16 states against Germany. Columns year, parent_key,
    measure, parent_value, children_sum, unknown_children (keys), difference."""
    rows = []
    current = natural[(natural["year"] == REFERENCE_YEAR) & natural["births"].notna()]
    districts = set(current.loc[current["level"] == DISTRICT, "region_key"])
    for (year, measure), parent_key in [
        ((y, m), p)
        for y in sorted(natural["year"].unique())
        for m in ("births", "deaths")
        for p in ["DG", *sorted(STATE_KEYS.values())]
    ]:
        frame = natural[natural["year"] == year].set_index("region_key")
        if parent_key == "DG":
            children = [k for k in STATE_KEYS.values() if k in frame.index]
        else:
            children = sorted(k for k in districts if k.startswith(parent_key))
            if not children:
                continue
        values = frame[measure].reindex(children)
        unknown = [k for k, v in values.items() if pd.isna(v)]
        parent_value = frame[measure].get(parent_key, pd.NA)
        total = pd.NA if unknown else int(values.sum())
        diff = pd.NA if unknown or pd.isna(parent_value) else int(parent_value) - int(total)
        rows.append(
            {
                "year": int(year),
                "parent_key": parent_key,
                "measure": measure,
                "parent_value": parent_value,
                "children_sum": total,
                "unknown_children": unknown,
                "difference": diff,
            }
        )
    out = pd.DataFrame(rows)
    for column in ("parent_value", "children_sum", "difference"):
        out[column] = out[column].astype("Int64")
    return out


def build_regional_stats(
    raw_dir: Path,
    out_dir: Path,
    gvisys: pd.DataFrame | None = None,
    crosswalk: pd.DataFrame | None = None,
) -> dict[str, int]:
    """Parse the four Regionaldatenbank 2015 files, check them, write the data files.

    gvisys: all GV-ISys municipality rows (databuild.population.read_all_years); used to
    keep "-" rows of existing municipalities, mark unincorporated areas, compare the 2015
    totals and give districts their 31.12. population for 2010–2015. Returns row counts.

    municipal_age_2015.parquet: OUTPUT_AGE_COLUMNS, one row per AGS, sex and age_order (0–16
    the source groups, 17 = the source total with is_total True). Rows with an AGS only:
    municipalities (level municipality; city states and kreisfreie Städte with level state /
    district, from their own row) and unincorporated areas (level unincorporated, from the
    GV-ISys type). Former municipalities without values are dropped; "-" rows of AGS that
    exist in GV-ISys 2015 are kept with NA (has_values False). territorial_note: the footnote
    if the state's figures stand on another territorial status (Rheinland-Pfalz,
    Baden-Württemberg).
    migration_2015.parquet: OUTPUT_MIGRATION_COLUMNS, the same rows × direction in/out, six
    age groups + total (age_order 6).
    natural_change.parquet: region_key, level, state_key, name, year, births(_male/_female),
    deaths(…), balance(…), status_2015 (the unit has values in 2015), population (GV-ISys
    31.12. sum of the unit's municipalities, 2010–2015, else NA).
    regional_stats_notes.json: footnotes, territorial_status_2015, checks.
    """
    folder = Path(raw_dir) / RAW_FOLDER
    notes: list[dict] = []
    tables = {}
    for file_name, table_id in TABLE_IDS.items():
        table = read_table(folder / file_name, year_column=file_name.startswith("1261"))
        tables[file_name] = table
        notes += parse_footnotes(table_id, table.footnotes)
    age_notes = territorial_status_notes(
        [n for n in notes if n["table"] == TABLE_IDS[AGE_FILE]], REFERENCE_YEAR
    )
    migration_notes = territorial_status_notes(
        [n for n in notes if n["table"] == TABLE_IDS[MIGRATION_FILE]], REFERENCE_YEAR
    )
    gv2015 = None if gvisys is None else gvisys[gvisys["year"] == REFERENCE_YEAR]

    age_long = read_municipal_age_2015(folder / AGE_FILE)
    age_rows, age_stats = _municipal_output(
        age_long, "population", len(AGE_GROUPS), gv2015, age_notes
    )
    migration_long = read_migration_2015(folder / MIGRATION_FILE)
    migration_rows, migration_stats = _municipal_output(
        migration_long, "moves", len(MIGRATION_AGE_GROUPS), gv2015, migration_notes
    )
    natural = natural_change(read_births(folder / BIRTHS_FILE), read_deaths(folder / DEATHS_FILE))
    in_2015 = natural[(natural["year"] == REFERENCE_YEAR) & natural["births"].notna()]
    natural["status_2015"] = natural["region_key"].isin(set(in_2015["region_key"]))
    if gvisys is not None:
        years = sorted(set(gvisys["year"]) & set(natural["year"]))
        population = district_population(gvisys, sorted(natural["region_key"].unique()), years)
        natural = natural.merge(population, on=["region_key", "year"], how="left")
    else:
        natural["population"] = pd.array([pd.NA] * len(natural), dtype="Int64")

    checks = status_2015_sum_check(natural)
    compared = checks.dropna(subset=["difference"])
    summary: dict = {
        "age": age_stats,
        "migration": migration_stats,
        "inferred_zero_cells": {
            "age": int(age_long["inferred_zero"].sum()),
            "migration": int(migration_long["inferred_zero"].sum()),
        },
        "migration_unknown_cells_in_rows_with_values": int(
            migration_rows.loc[migration_rows["has_values"], "moves"].isna().sum()
        ),
        "natural_change_sums_2015_status": {
            "compared": len(compared),
            "equal": int((compared["difference"] == 0).sum()),
            "different": compared[compared["difference"] != 0][
                ["year", "parent_key", "measure", "difference"]
            ].to_dict("records"),
            "not_comparable": checks[checks["difference"].isna()][
                ["year", "parent_key", "measure", "unknown_children"]
            ].to_dict("records"),
        },
    }
    if gv2015 is not None:
        summary["age_vs_gvisys_2015"] = compare_with_gvisys(age_rows, gv2015)

    age_regions = region_output(age_long, "population", len(AGE_GROUPS))
    migration_regions = region_output(migration_long, "moves", len(MIGRATION_AGE_GROUPS))
    write = {
        "municipal_age_2015.parquet": age_rows[OUTPUT_AGE_COLUMNS],
        "migration_2015.parquet": migration_rows[OUTPUT_MIGRATION_COLUMNS],
        "age_regions_2015.parquet": age_regions[OUTPUT_AGE_COLUMNS],
        "migration_regions_2015.parquet": migration_regions[OUTPUT_MIGRATION_COLUMNS],
        "natural_change.parquet": natural,
    }
    if crosswalk is not None:
        # The same counts on the territory of 31.12.2022 (what maps and cooperation sums use).
        write["age_2015_gebiet2022.parquet"] = rekey_counts(
            age_rows, crosswalk, REFERENCE_YEAR, "population", ["sex", "age_order"], AGE_KEEP
        )
        write["migration_2015_gebiet2022.parquet"] = rekey_counts(
            migration_rows,
            crosswalk,
            REFERENCE_YEAR,
            "moves",
            ["direction", "sex", "age_order"],
            AGE_KEEP,
        )
    for name, frame in write.items():
        frame.to_parquet(Path(out_dir) / name, compression="zstd", index=False)
    record = {
        "footnotes": notes,
        "territorial_status_2015": {
            "municipal_age_2015": age_notes,
            "migration_2015": migration_notes,
        },
        "checks": summary,
    }
    (Path(out_dir) / "regional_stats_notes.json").write_text(
        json.dumps(record, ensure_ascii=False, indent=2, default=str) + "\n", encoding="utf-8"
    )
    return {name: len(frame) for name, frame in write.items()}
