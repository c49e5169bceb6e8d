"""Tests for the basic population indicators (ksg_dashboard.core.indicators)."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from ksg_dashboard.core import indicators
from ksg_dashboard.core.config import REPO_ROOT
from ksg_dashboard.data import datastore

DATA = REPO_ROOT / "data"
GROEDITZ = "14627050"
ROEDERAUE = "14627240"
NAUWALDE = "14627160"
KERKEN = "05154028"
# Kurstadtregion Elbe-Elster: Bad Liebenwerda, Falkenberg/Elster, Mühlberg/Elbe,
# Uebigau-Wahrenbrück. Hand-read from population.parquet:
#   2012: 9,634 + 6,650 + 4,051 + 5,717 = 26,052
#   2022: 9,284 + 6,263 + 3,514 + 5,159 = 24,220
#   area 2022: 138.88 + 82.16 + 89.20 + 135.61 = 445.85 km²
KURSTADTREGION = ["12062024", "12062128", "12062341", "12062500"]


@pytest.fixture(scope="module")
def population() -> pd.DataFrame:
    return datastore.read_population(DATA)


def tiny(rows: list[tuple[str, int, int | None, float | None]]) -> pd.DataFrame:
    """(ags, year, population, area_km2) rows with the dtypes of population.parquet."""
    frame = pd.DataFrame(rows, columns=["ags", "year", "population", "area_km2"])
    frame["population"] = frame["population"].astype("Int64")
    frame["area_km2"] = frame["area_km2"].astype("Float64")
    return frame


# ---------------------------------------------------------------------------------------------
# change, index, spans_census_break
# ---------------------------------------------------------------------------------------------


def test_change_values() -> None:
    absolute, percent = indicators.change(7524, 6619)
    assert absolute == 905
    assert percent == pytest.approx(905 / 6619 * 100)
    assert percent == pytest.approx(13.6727, abs=1e-4)
    assert indicators.change(24220, 26052) == (-1832, pytest.approx(-7.03209, abs=1e-5))
    assert indicators.change(100, 100) == (0, 0.0)


@pytest.mark.parametrize(
    ("value", "base"),
    [(None, 100), (100, None), (pd.NA, 100), (100, pd.NA), (math.nan, 100), (100, math.nan)],
)
def test_change_missing_is_unknown(value: object, base: object) -> None:
    assert indicators.change(value, base) == (None, None)


def test_change_from_zero_has_no_percentage() -> None:
    assert indicators.change(5, 0) == (5, None)


def test_index_groeditz(population: pd.DataFrame) -> None:
    series = population[population["ags"] == GROEDITZ].set_index("year")["population"]
    indexed = indicators.index(series, 2012)
    assert str(indexed.dtype) == "Float64"
    assert indexed.loc[2012] == 100
    assert indexed.loc[2011] == pytest.approx(104.53)  # 6,919 / 6,619
    assert indexed.loc[2013] == pytest.approx(113.67)  # 7,524 / 6,619 (Nauwalde absorbed)
    assert indexed.loc[2022] == pytest.approx(103.90)  # 6,877 / 6,619
    assert indexed.index.tolist() == list(range(2010, 2023))


def test_index_missing_or_zero_base_is_na() -> None:
    series = pd.Series([10, pd.NA, 20], index=[2015, 2016, 2017], dtype="Int64")
    assert indicators.index(series, 2016).isna().all()
    assert indicators.index(series, 2012).isna().all()  # base year absent
    zero = pd.Series([0, 5], index=[2012, 2013], dtype="Int64")
    assert indicators.index(zero, 2012).isna().all()
    result = indicators.index(series, 2015)
    assert result.loc[2017] == 200
    assert result.loc[2016] is pd.NA  # a gap stays a gap


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        (2011, 2012, True),
        (2012, 2011, True),
        (2010, 2022, True),
        (2022, 2010, True),
        (2010, 2011, False),
        (2012, 2022, False),
        (2012, 2012, False),
        (2011, 2011, False),
    ],
)
def test_spans_census_break(a: int, b: int, expected: bool) -> None:
    assert indicators.spans_census_break(a, b) is expected


# ---------------------------------------------------------------------------------------------
# headline on the real data
# ---------------------------------------------------------------------------------------------


def test_headline_groeditz_default_years(population: pd.DataFrame) -> None:
    result = indicators.headline(population, [GROEDITZ])
    assert result.year == 2022
    assert result.base_year == 2012
    assert result.municipalities == 1
    assert result.population == 6_877
    assert result.area_km2 == pytest.approx(28.94)
    assert result.change_abs == 6_877 - 6_619 == 258
    assert result.change_pct == pytest.approx(258 / 6_619 * 100)
    assert result.missing == ()
    # The change includes the incorporation of Nauwalde (2013), which the headline flags.
    assert result.territorial_changes == ((GROEDITZ, 2013),)
    later = indicators.headline(population, [GROEDITZ], base_year=2013)
    assert later.territorial_changes == ()


def test_headline_kurstadtregion(population: pd.DataFrame) -> None:
    cooperation = {r["id"]: r for r in datastore.read_cooperations(DATA)}
    members = cooperation["kurstadtregion-elbe-elster"]["member_ags"]
    assert sorted(members) == KURSTADTREGION
    result = indicators.headline(population, members)
    assert result.municipalities == 4
    assert result.population == 24_220
    assert result.area_km2 == pytest.approx(445.85)
    assert result.change_abs == 24_220 - 26_052 == -1_832
    assert result.change_pct == pytest.approx(-1_832 / 26_052 * 100)
    assert isinstance(result.population, int)
    assert isinstance(result.change_abs, int)
    assert result.territorial_changes == ()  # only ALKIS re-surveys (< 5 %) in 2013


def test_headline_explicit_years_and_duplicates(population: pd.DataFrame) -> None:
    result = indicators.headline(population, [GROEDITZ, GROEDITZ, ROEDERAUE], 2013, 2011)
    assert result.municipalities == 2
    assert result.population == 7_524 + 2_820
    assert result.change_abs == (7_524 + 2_820) - (6_919 + 2_905)
    assert result.year == 2013
    assert result.base_year == 2011
    assert result.territorial_changes == ((GROEDITZ, 2013),)
    backwards = indicators.headline(population, [GROEDITZ], year=2011, base_year=2013)
    assert backwards.territorial_changes == ((GROEDITZ, 2013),)
    assert backwards.change_abs == 6_919 - 7_524


def test_headline_gap_year_reports_missing(population: pd.DataFrame) -> None:
    result = indicators.headline(population, [KERKEN, GROEDITZ], year=2016)
    assert result.population is None
    assert result.area_km2 is None
    assert result.change_abs is None
    assert result.change_pct is None
    assert result.missing == (KERKEN,)


def test_headline_dissolved_member_reports_missing(population: pd.DataFrame) -> None:
    # Nauwalde was absorbed by Gröditz in 2013: present in 2012, absent in 2022.
    result = indicators.headline(population, [GROEDITZ, NAUWALDE])
    assert result.population is None
    assert result.change_abs is None
    assert result.missing == (NAUWALDE,)
    base = indicators.headline(population, [GROEDITZ, NAUWALDE], year=2012, base_year=2011)
    assert base.population == 6_619 + 1_007
    assert base.missing == ()


# ---------------------------------------------------------------------------------------------
# headline on tiny frames
# ---------------------------------------------------------------------------------------------


@pytest.fixture
def small() -> pd.DataFrame:
    return tiny(
        [
            ("00000001", 2012, 100, 10.0),
            ("00000001", 2022, 120, 10.0),
            ("00000002", 2012, 50, 5.0),
            ("00000002", 2022, 40, 5.0),
            ("00000003", 2022, 30, 3.0),  # no base-year row
            ("00000004", 2012, 10, 1.0),
            ("00000004", 2022, None, 1.0),  # gap in the reference year
        ]
    )


def test_headline_tiny_complete(small: pd.DataFrame) -> None:
    result = indicators.headline(small, ["00000001", "00000002"])
    assert result.population == 160
    assert result.area_km2 == pytest.approx(15.0)
    assert result.change_abs == 10
    assert result.change_pct == pytest.approx(10 / 150 * 100)
    assert result.missing == ()


def test_headline_tiny_unknown_member(small: pd.DataFrame) -> None:
    result = indicators.headline(small, ["00000001", "99999999"])
    assert result.municipalities == 2
    assert result.population is None
    assert result.area_km2 is None
    assert result.change_abs is None
    assert result.change_pct is None
    assert result.missing == ("99999999",)


def test_headline_tiny_member_without_base_year(small: pd.DataFrame) -> None:
    # The current total is known, the change is not.
    result = indicators.headline(small, ["00000001", "00000003"])
    assert result.population == 150
    assert result.change_abs is None
    assert result.change_pct is None
    assert result.missing == ("00000003",)


def test_headline_tiny_na_population(small: pd.DataFrame) -> None:
    result = indicators.headline(small, ["00000001", "00000004"])
    assert result.population is None
    assert result.missing == ("00000004",)
    earlier = indicators.headline(small, ["00000001", "00000004"], year=2012, base_year=2012)
    assert earlier.population == 110
    assert earlier.change_abs == 0


def test_headline_tiny_empty_selection(small: pd.DataFrame) -> None:
    result = indicators.headline(small, [])
    assert result.municipalities == 0
    assert result.population is None
    assert result.change_abs is None
    assert result.missing == ()


# ---------------------------------------------------------------------------------------------
# territorial_changes
# ---------------------------------------------------------------------------------------------


def test_territorial_changes_groeditz_real(population: pd.DataFrame) -> None:
    changes = indicators.territorial_changes(population)
    groeditz = changes[changes["ags"] == GROEDITZ]
    assert groeditz["year"].tolist() == [2013]  # 8.43 → 8.54 km² in 2012 is not a change
    row = groeditz.iloc[0]
    assert row["area_before"] == pytest.approx(8.54)
    assert row["area_after"] == pytest.approx(28.9)
    assert row["population_before"] == 6_619
    assert row["population_after"] == 7_524
    assert ROEDERAUE not in set(changes["ags"])  # 28.96 → 28.85 is a re-survey
    assert changes.columns.tolist() == [
        "ags",
        "year",
        "area_before",
        "area_after",
        "population_before",
        "population_after",
    ]


def test_territorial_changes_tiny() -> None:
    frame = tiny(
        [
            ("14627050", 2013, 7524, 28.9),  # unsorted on purpose
            ("14627050", 2011, 6919, 8.43),
            ("14627050", 2012, 6619, 8.54),
            ("14627050", 2014, 7437, 28.9),
            ("00000002", 2012, 100, 10.0),
            ("00000002", 2013, 100, 10.49),  # +4.9 %: below the 5 % threshold
            ("00000002", 2014, 100, 9.0),  # −14 %: a split
            ("00000003", 2012, 10, None),  # area missing
            ("00000003", 2013, 10, 5.0),
        ]
    )
    changes = indicators.territorial_changes(frame)
    assert list(zip(changes["ags"], changes["year"], strict=True)) == [
        ("00000002", 2014),
        ("14627050", 2013),
    ]
    groeditz = changes.set_index("ags").loc["14627050"]
    assert groeditz["area_before"] == pytest.approx(8.54)
    assert groeditz["area_after"] == pytest.approx(28.9)
    assert groeditz["population_before"] == 6619
    assert groeditz["population_after"] == 7524


def test_territorial_changes_first_year_is_never_a_change() -> None:
    frame = tiny([("00000001", 2010, 1, 1.0), ("00000002", 2011, 1, 100.0)])
    assert indicators.territorial_changes(frame).empty


# ---------------------------------------------------------------------------------------------
# latest_population
# ---------------------------------------------------------------------------------------------


def test_latest_population_tiny() -> None:
    frame = tiny(
        [
            ("00000001", 2022, None, 1.0),
            ("00000001", 2021, 100, 1.0),
            ("00000001", 2010, 90, 1.0),
            ("00000002", 2010, 7, 1.0),
            ("00000003", 2016, None, 1.0),
        ]
    )
    latest = indicators.latest_population(frame).set_index("ags")
    assert latest.loc["00000001", "year"] == 2021
    assert latest.loc["00000001", "population"] == 100
    assert latest.loc["00000002", "year"] == 2010
    assert "00000003" not in latest.index  # never a value
    assert latest.columns.tolist() == ["year", "population"]


def test_latest_population_real(
    population: pd.DataFrame,
) -> None:
    latest = indicators.latest_population(population).set_index("ags")
    assert len(latest) == population["ags"].nunique() == 12_652
    assert latest.loc[GROEDITZ, "year"] == 2022
    assert latest.loc[GROEDITZ, "population"] == 6_877
    assert latest.loc[NAUWALDE, "year"] == 2012
    assert latest.loc[NAUWALDE, "population"] == 1_007
    assert latest.loc[KERKEN, "year"] == 2022
    current = latest[latest["year"] == 2022]
    assert len(current) == 10_993
    assert current["population"].sum() == 84_358_845
