"""Tests for the district age-structure parsers (databuild.age) on fixtures (raw files:
tests/raw/test_age_raw.py)."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from databuild import age
from ksg_dashboard.core.validation import DataValidationError

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "age"
MINI_0018 = FIXTURES / "12411-0018_mini.csv"
BAD_HEADER_0018 = FIXTURES / "12411-0018_bad_header.csv"
MINI_AGE_2018 = FIXTURES / "12411-02-03-5-B_mini.csv"
MINI_RATIOS = FIXTURES / "12411-08-01-4-B_mini.csv"


def value(frame: pd.DataFrame, key: str, year: int, sex: str, age_group: str) -> object:
    """The single population value of one district, year, sex and age group."""
    hit = frame[
        (frame["district_key"] == key)
        & (frame["year"] == year)
        & (frame["sex"] == sex)
        & (frame["age_group"] == age_group)
    ]
    assert len(hit) == 1, (key, year, sex, age_group, len(hit))
    return hit["population"].iloc[0]


# ---------------------------------------------------------------------------------------------
# AGE_GROUPS
# ---------------------------------------------------------------------------------------------


def test_age_groups_are_contiguous_and_open_at_the_top() -> None:
    assert len(age.AGE_GROUPS) == 17
    assert age.AGE_GROUPS[0] == ("unter 3 Jahre", 0, 3)
    assert age.AGE_GROUPS[-1] == ("75 Jahre und mehr", 75, None)
    for (_, _, upper), (_, lower, _) in zip(age.AGE_GROUPS, age.AGE_GROUPS[1:], strict=False):
        assert upper == lower


def test_dependency_ratio_definition_not_invented() -> None:
    # 12411-08-01-4-B states no age limits anywhere in header or footnotes.
    assert age.DEPENDENCY_RATIO_DEFINITION == "Definition laut Quelle nicht angegeben"


# ---------------------------------------------------------------------------------------------
# Fixtures (no raw files needed)
# ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def mini_0018() -> pd.DataFrame:
    return age.read_district_age_structure(MINI_0018)


def test_fixture_0018_shape_and_dtypes(mini_0018: pd.DataFrame) -> None:
    assert list(mini_0018.columns) == age.LONG_COLUMNS
    # DG (Germany) row dropped: 2 districts × 6 years × 34 cells.
    assert len(mini_0018) == 2 * 6 * 34
    assert sorted(mini_0018["district_key"].unique()) == ["01001", "14627"]
    assert str(mini_0018["population"].dtype) == "Int64"
    assert str(mini_0018["age_to"].dtype) == "Int64"
    assert mini_0018["year"].dtype == "int64"
    assert set(mini_0018["sex"]) == {"männlich", "weiblich"}
    assert sorted(mini_0018["age_order"].unique()) == list(range(17))
    open_group = mini_0018[mini_0018["age_group"] == "75 Jahre und mehr"]
    assert open_group["age_to"].isna().all()
    assert (open_group["age_from"] == 75).all()
    assert (mini_0018["district_name"] == "Meißen, Landkreis").sum() == 6 * 34


def test_fixture_0018_values(mini_0018: pd.DataFrame) -> None:
    # Fixture value = base + 10 * column + (year - 2015); weiblich columns start at 17.
    assert value(mini_0018, "01001", 2015, "männlich", "unter 3 Jahre") == 1000
    assert value(mini_0018, "01001", 2017, "weiblich", "10 bis unter 15 Jahre") == 1202
    assert value(mini_0018, "14627", 2020, "weiblich", "75 Jahre und mehr") == 2335


@pytest.mark.parametrize(
    ("key", "year", "sex", "age_group"),
    [
        ("01001", 2016, "weiblich", "unter 3 Jahre"),  # '-'
        ("01001", 2017, "männlich", "unter 3 Jahre"),  # '.'
        ("14627", 2019, "weiblich", "75 Jahre und mehr"),  # '...'
        ("14627", 2020, "männlich", "18 bis unter 20 Jahre"),  # 'x'
        ("14627", 2015, "weiblich", "10 bis unter 15 Jahre"),  # '/'
    ],
)
def test_fixture_0018_missing_markers_are_na_not_zero(
    mini_0018: pd.DataFrame, key: str, year: int, sex: str, age_group: str
) -> None:
    assert value(mini_0018, key, year, sex, age_group) is pd.NA
    assert mini_0018["population"].isna().sum() == 5
    assert (mini_0018["population"].dropna() > 0).all()


def test_fixture_0018_malformed_header_names_file() -> None:
    with pytest.raises(DataValidationError) as info:
        age.read_district_age_structure(BAD_HEADER_0018)
    assert info.value.file == str(BAD_HEADER_0018)
    assert "12411-0018_bad_header.csv" in str(info.value)
    assert "75 und mehr" in str(info.value)


def test_fixture_0018_missing_sex_row_raises(tmp_path: Path) -> None:
    text = MINI_0018.read_bytes().decode("latin-1")
    broken = tmp_path / "no_sex_row.csv"
    broken.write_bytes(text.replace("männlich", "Männer").encode("latin-1"))
    with pytest.raises(DataValidationError, match=r"no_sex_row\.csv.*header row"):
        age.read_district_age_structure(broken)


def test_fixture_0018_no_header_at_all_raises(tmp_path: Path) -> None:
    broken = tmp_path / "garbage.csv"
    broken.write_bytes("a;b;c\n1;2;3\n".encode("latin-1"))
    with pytest.raises(DataValidationError, match=re.escape("garbage.csv")):
        age.read_district_age_structure(broken)


def test_fixture_0018_missing_file_raises(tmp_path: Path) -> None:
    with pytest.raises(DataValidationError, match=re.escape("does_not_exist.csv")):
        age.read_district_age_structure(tmp_path / "does_not_exist.csv")


def test_fixture_0018_unexpected_years_raise() -> None:
    with pytest.raises(DataValidationError, match="years"):
        age.read_district_age_structure(MINI_0018, years=range(2015, 2022))


def test_fixture_0018_negative_count_raises(tmp_path: Path) -> None:
    text = MINI_0018.read_bytes().decode("latin-1")
    broken = tmp_path / "negative.csv"
    broken.write_bytes(
        text.replace(";Flensburg, kreisfreie Stadt;1000;", ";X;-5;", 1).encode("latin-1")
    )
    with pytest.raises(DataValidationError, match="negative"):
        age.read_district_age_structure(broken)


def test_fixture_0018_junk_value_raises(tmp_path: Path) -> None:
    text = MINI_0018.read_bytes().decode("latin-1")
    broken = tmp_path / "junk.csv"
    broken.write_bytes(text.replace(";1001;", ";1.001,5;", 1).encode("latin-1"))
    with pytest.raises(DataValidationError, match="neither numbers nor missing markers"):
        age.read_district_age_structure(broken)


def test_fixture_0018_duplicate_row_raises(tmp_path: Path) -> None:
    lines = MINI_0018.read_bytes().decode("latin-1").split("\r\n")
    row = next(i for i, line in enumerate(lines) if line.startswith("31.12.2018;01001;"))
    lines.insert(row, lines[row])
    broken = tmp_path / "dup.csv"
    broken.write_bytes("\r\n".join(lines).encode("latin-1"))
    with pytest.raises(DataValidationError, match=re.escape("dup.csv: duplicate")):
        age.read_district_age_structure(broken)


def test_fixture_0018_truncated_row_raises(tmp_path: Path) -> None:
    lines = MINI_0018.read_bytes().decode("latin-1").split("\r\n")
    row = next(i for i, line in enumerate(lines) if line.startswith("31.12.2018;14627;"))
    lines[row] = lines[row].rsplit(";", 1)[0]
    broken = tmp_path / "truncated.csv"
    broken.write_bytes("\r\n".join(lines).encode("latin-1"))
    with pytest.raises(DataValidationError, match=r"truncated\.csv: line \d+ has 36 fields"):
        age.read_district_age_structure(broken)


def test_fixture_age_2018() -> None:
    frame = age.read_age_structure_2018(MINI_AGE_2018)
    assert list(frame.columns) == age.LONG_COLUMNS
    # 8-digit cities and the all-'-' dissolved district 03152 are dropped; no 'insgesamt'.
    assert sorted(frame["district_key"].unique()) == ["01001", "14627"]
    assert set(frame["sex"]) == {"männlich", "weiblich"}
    assert set(frame["year"]) == {2018}
    assert len(frame) == 2 * 34
    assert value(frame, "01001", 2018, "männlich", "unter 3 Jahre") == 1345
    assert value(frame, "01001", 2018, "weiblich", "75 Jahre und mehr") == 5613
    assert value(frame, "14627", 2018, "männlich", "15 bis unter 18 Jahre") is pd.NA
    assert frame["population"].isna().sum() == 1


def test_fixture_age_2018_keep_empty_districts() -> None:
    frame = age.read_age_structure_2018(MINI_AGE_2018, drop_empty=False)
    dissolved = frame[frame["district_key"] == "03152"]
    assert len(dissolved) == 34
    assert dissolved["population"].isna().all()


def test_fixture_age_2018_total_mismatch_raises(tmp_path: Path) -> None:
    text = MINI_AGE_2018.read_bytes().decode("latin-1")
    # Flensburg: change männlich 'unter 3 Jahre' (1345) so that insgesamt != m + w.
    broken = tmp_path / "mismatch.csv"
    broken.write_bytes(text.replace(";89504;1345;", ";89504;1346;", 1).encode("latin-1"))
    with pytest.raises(DataValidationError, match=re.escape("mismatch.csv: insgesamt != männlich")):
        age.read_age_structure_2018(broken)


def test_fixture_age_2018_wrong_year_raises() -> None:
    with pytest.raises(DataValidationError, match="expected 2019"):
        age.read_age_structure_2018(MINI_AGE_2018, year=2019)


def test_fixture_dependency_ratios() -> None:
    frame = age.read_dependency_ratios(MINI_RATIOS)
    assert list(frame.columns) == [
        "district_key",
        "district_name",
        "year",
        "youth_ratio",
        "youth_ratio_male",
        "youth_ratio_female",
        "old_age_ratio",
        "old_age_ratio_male",
        "old_age_ratio_female",
    ]
    assert frame["district_key"].tolist() == ["01001", "12062", "14627"]
    flensburg = frame.set_index("district_key").loc["01001"]
    assert flensburg["youth_ratio"] == pytest.approx(29.1)
    assert flensburg["old_age_ratio"] == pytest.approx(32.5)
    assert flensburg["year"] == 2018
    meissen = frame.set_index("district_key").loc["14627"]
    assert pd.isna(meissen["old_age_ratio_female"])  # 'x' in the fixture
    assert meissen["old_age_ratio_male"] == pytest.approx(41.4)
    assert meissen["old_age_ratio"] == pytest.approx(49.9)
    assert frame["youth_ratio"].dtype == "float64"


def test_fixture_dependency_ratios_bad_header_raises(tmp_path: Path) -> None:
    text = MINI_RATIOS.read_bytes().decode("latin-1")
    broken = tmp_path / "ratios_bad.csv"
    broken.write_bytes(text.replace("Altenquotient", "Greisenquotient").encode("latin-1"))
    with pytest.raises(DataValidationError, match=re.escape("ratios_bad.csv")):
        age.read_dependency_ratios(broken)
