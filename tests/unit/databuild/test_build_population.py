"""Tests for the population table and register (databuild.population) on small frames."""

from __future__ import annotations

import pandas as pd
import pytest

from databuild import population
from ksg_dashboard.core.validation import DataValidationError


def parsed_row(ags: str, year: int, pop: int | None, **extra: object) -> dict:
    """One row shaped like the output of databuild.gvisys.parse_gv_isys."""
    male = None if pop is None else pop // 2
    row = {
        "ags": ags,
        "ars": ags[:5] + "0000" + ags[5:],
        "year": year,
        "name": f"Gemeinde {ags}",
        "type_code": "64",
        "type": "Gemeinde",
        "state_key": ags[:2],
        "district_key": ags[:5],
        "association_key": ags[:5] + "0000",
        "area_km2": 10.0,
        "population": pop,
        "male": male,
        "female": None if pop is None else pop - male,
        "density": None if pop is None else pop / 10.0,
        "postcode": "01609",
        "lon": 13.4,
        "lat": 51.4,
        "state_name": "Sachsen",
        "district_name": "Meißen",
        "district_type": "Landkreis",
        "association_name": "",
    }
    row.update(extra)
    return row


def frame(*rows: dict) -> pd.DataFrame:
    table = pd.DataFrame.from_records(list(rows))
    for column in ("population", "male", "female"):
        table[column] = table[column].astype("Int64")
    for column in ("area_km2", "density", "lon", "lat"):
        table[column] = table[column].astype("Float64")
    return table


@pytest.fixture
def all_years() -> pd.DataFrame:
    return frame(
        parsed_row("14627050", 2012, 6619, name="Gröditz, Stadt", area_km2=8.54),
        parsed_row("14627050", 2010, 7105, name="Gröditz, Stadt", area_km2=8.43),
        parsed_row("14627050", 2011, 6919, name="Gröditz, Stadt", area_km2=8.43),
        parsed_row("14627050", 2013, 7524, name="Gröditz, Stadt", area_km2=28.9),
        parsed_row("14627160", 2011, 1025, name="Nauwalde"),
        parsed_row("14627160", 2012, 1007, name="Nauwalde"),
        parsed_row("05154028", 2016, None, name="Kerken"),
    )


def test_population_table_columns_and_order(all_years: pd.DataFrame) -> None:
    table = population.population_table(all_years)
    assert list(table.columns) == population.POPULATION_COLUMNS
    assert list(zip(table["ags"], table["year"], strict=True)) == [
        ("05154028", 2016),
        ("14627050", 2010),
        ("14627050", 2011),
        ("14627050", 2012),
        ("14627050", 2013),
        ("14627160", 2011),
        ("14627160", 2012),
    ]
    assert table.index.tolist() == list(range(7))


def test_census_based_flag(all_years: pd.DataFrame) -> None:
    table = population.population_table(all_years)
    flag = dict(zip(table["year"], table["census_based"], strict=False))
    assert flag == {2010: False, 2011: False, 2012: True, 2013: True, 2016: True}
    assert table["census_based"].dtype == bool
    assert table.loc[table["year"] <= 2011, "census_based"].sum() == 0
    assert table.loc[table["year"] >= 2012, "census_based"].all()


def test_gap_stays_na(all_years: pd.DataFrame) -> None:
    table = population.population_table(all_years)
    kerken = table[table["ags"] == "05154028"].iloc[0]
    assert kerken["population"] is pd.NA
    assert kerken["male"] is pd.NA


def test_population_table_does_not_modify_input(all_years: pd.DataFrame) -> None:
    before = all_years.copy()
    population.population_table(all_years)
    pd.testing.assert_frame_equal(all_years, before)
    assert "census_based" not in all_years.columns


def test_male_plus_female_mismatch_raises(all_years: pd.DataFrame) -> None:
    broken = all_years.copy()
    broken.loc[broken["year"] == 2013, "female"] = 3834  # 3762 + 3834 != 7524
    with pytest.raises(DataValidationError) as info:
        population.population_table(broken)
    assert info.value.file == "population.parquet"
    assert "male + female != total" in str(info.value)
    assert "14627050" in str(info.value)
    assert "2013" in str(info.value)


def test_partial_gap_is_not_a_mismatch(all_years: pd.DataFrame) -> None:
    # A total without a sex breakdown cannot be checked and is allowed.
    partial = all_years.copy()
    partial.loc[partial["year"] == 2010, "female"] = pd.NA
    table = population.population_table(partial)
    assert table.loc[table["year"] == 2010, "population"].tolist() == [7105]


def test_duplicate_ags_year_raises(all_years: pd.DataFrame) -> None:
    duplicated = pd.concat([all_years, all_years.iloc[[0]]], ignore_index=True)
    duplicated.loc[len(duplicated) - 1, "population"] = 6620
    duplicated.loc[len(duplicated) - 1, "female"] = 3311
    with pytest.raises(DataValidationError, match=r"duplicate keys \['ags', 'year'\]"):
        population.population_table(duplicated)


@pytest.mark.parametrize("column", ["population", "male", "female", "area_km2"])
def test_negative_raises(all_years: pd.DataFrame, column: str) -> None:
    broken = all_years.copy()
    row = broken.index[broken["year"] == 2011][0]
    if column == "area_km2":
        broken.loc[row, column] = -1.0
    else:
        # Keep male + female = total so only the sign is wrong.
        broken.loc[row, ["population", "male", "female"]] = [-1, -1, 0]
    with pytest.raises(DataValidationError, match="negative"):
        population.population_table(broken)


def test_bad_ags_raises(all_years: pd.DataFrame) -> None:
    broken = all_years.copy()
    broken.loc[0, "ags"] = "1462705"
    with pytest.raises(DataValidationError, match="8-digit"):
        population.population_table(broken)


def test_missing_column_raises(all_years: pd.DataFrame) -> None:
    table = population.population_table(all_years).drop(columns=["census_based"])
    with pytest.raises(DataValidationError, match="census_based"):
        population.validate_population(table, "population.parquet")


# ---------------------------------------------------------------------------------------------
# register
# ---------------------------------------------------------------------------------------------


@pytest.fixture
def register_input() -> pd.DataFrame:
    return frame(
        # Name and association change over time; the centre is missing in the latest year.
        parsed_row(
            "14627050",
            2011,
            6919,
            name="Gröditz, Stadt",
            association_name="Gröditz",
            association_key="146275210",
            lon=13.44,
            lat=51.41,
        ),
        parsed_row(
            "14627050",
            2016,
            7266,
            name="Gröditz, Stadt",
            association_name="Gröditz, Stadt",
            association_key="146270050",
            lon=13.447811,
            lat=51.412323,
        ),
        parsed_row(
            "14627050",
            2013,
            7524,
            name="Gröditz",
            association_name="Gröditz",
            association_key="146275210",
            lon=13.45,
            lat=51.42,
        ),
        parsed_row(
            "14627050",
            2022,
            6877,
            name="Gröditz, Stadt",
            association_name="Gröditz, Stadt",
            association_key="146270050",
            lon=None,
            lat=None,
        ),
        parsed_row("14627160", 2010, 1026, name="Nauwalde (alt)"),
        parsed_row("14627160", 2012, 1007, name="Nauwalde", lon=13.407785, lat=51.421441),
        parsed_row("14627160", 2011, 1025, name="Nauwalde (alt)"),
        parsed_row("13000999", 2011, 0, name="Küstengewässer", lon=None, lat=None),
    )


def test_register_latest_name_and_years(register_input: pd.DataFrame) -> None:
    table = population.register(register_input, {"14627050"})
    assert table["ags"].tolist() == ["13000999", "14627050", "14627160"]
    by_ags = table.set_index("ags")
    assert by_ags.loc["14627050", "name"] == "Gröditz, Stadt"
    assert by_ags.loc["14627050", "association_name"] == "Gröditz, Stadt"
    assert by_ags.loc["14627050", "association_key"] == "146270050"
    assert by_ags.loc["14627050", "first_year"] == 2011
    assert by_ags.loc["14627050", "last_year"] == 2022
    assert by_ags.loc["14627160", "name"] == "Nauwalde"
    assert by_ags.loc["14627160", "first_year"] == 2010
    assert by_ags.loc["14627160", "last_year"] == 2012
    assert by_ags.loc["13000999", "first_year"] == by_ags.loc["13000999", "last_year"] == 2011


def test_register_centre_is_latest_known(register_input: pd.DataFrame) -> None:
    table = population.register(register_input, set()).set_index("ags")
    # 2022 has no centre: the 2016 one is used, not the 2013 one.
    assert table.loc["14627050", "lon"] == pytest.approx(13.447811)
    assert table.loc["14627050", "lat"] == pytest.approx(51.412323)
    assert table.loc["14627160", "lon"] == pytest.approx(13.407785)
    assert pd.isna(table.loc["13000999", "lon"])
    assert pd.isna(table.loc["13000999", "lat"])


def test_register_columns_and_boundary_flag(register_input: pd.DataFrame) -> None:
    table = population.register(register_input, {"14627050", "99999999"})
    assert table.columns.tolist() == [
        "ags",
        "ars",
        "name",
        "type",
        "state_key",
        "state_name",
        "district_key",
        "district_name",
        "district_type",
        "association_key",
        "association_name",
        "postcode",
        "first_year",
        "last_year",
        "lon",
        "lat",
        "in_boundaries_2016",
    ]
    assert dict(zip(table["ags"], table["in_boundaries_2016"], strict=True)) == {
        "13000999": False,
        "14627050": True,
        "14627160": False,
    }
    assert "population" not in table.columns
    assert "year" not in table.columns


def test_register_centre_outside_germany_raises(register_input: pd.DataFrame) -> None:
    broken = register_input.copy()
    # lon/lat swapped: (51.42, 13.41) is not in Germany.
    broken.loc[broken["year"] == 2012, ["lon", "lat"]] = [51.421441, 13.407785]
    with pytest.raises(DataValidationError, match=r"municipalities\.parquet: coordinate"):
        population.register(broken, set())
