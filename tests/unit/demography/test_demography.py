"""Indicator formulas of ksg_dashboard.demography.model against hand-computed values."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from ksg_dashboard.core.config import FIRST_CENSUS_YEAR
from ksg_dashboard.data import datastore
from ksg_dashboard.demography.model import (
    DEFAULT_INDICATOR,
    INDICATORS,
    add_indicators,
    age_shares,
    change_note,
    classify,
    fixed_set_series,
    municipality_table,
    pyramid,
    series_indicators,
    territory_series,
)

GROEDITZ = "14627050"
# Kurstadtregion Elbe-Elster: Bad Liebenwerda, Falkenberg/Elster, Mühlberg/Elbe,
# Uebigau-Wahrenbrück (2012: 26,052; 2022: 24,220 inhabitants).
KURSTADTREGION = ["12062024", "12062128", "12062341", "12062500"]
MEISSEN, ELBE_ELSTER = "14627", "12062"
# Destatis left six NRW municipalities without a value for 31.12.2016 (implausible figures).
NRW_GAPS_2016 = {"05154028", "05554052", "05762004", "05762012", "05962016", "05978036"}
CHANGE_COLUMNS = ("veraenderung", "veraenderung_pct", "index")


@pytest.fixture(scope="module")
def population() -> pd.DataFrame:
    return datastore.read_population()


@pytest.fixture(scope="module")
def district_age() -> pd.DataFrame:
    return datastore.read_district_age()


def plain(frame: pd.DataFrame, column: str) -> pd.Series:
    """A nullable column as plain float64 with NaN for missing values."""
    return frame[column].astype("Float64").astype(float)


def small(rows: list[tuple]) -> pd.DataFrame:
    """(ags, year, population, male, female, area_km2) rows with population.parquet's dtypes."""
    frame = pd.DataFrame(rows, columns=["ags", "year", "population", "male", "female", "area_km2"])
    for column in ("population", "male", "female"):
        frame[column] = frame[column].astype("Int64")
    frame["area_km2"] = frame["area_km2"].astype("Float64")
    return frame


# ---------------------------------------------------------------------------------------------
# the indicator registry
# ---------------------------------------------------------------------------------------------


def test_every_indicator_is_a_column_of_the_municipality_table(population: pd.DataFrame) -> None:
    table = municipality_table(population, 2022, 2012)
    assert set(INDICATORS) <= set(table.columns)
    assert DEFAULT_INDICATOR in INDICATORS
    assert {k for k, i in INDICATORS.items() if i.diverging} == set(CHANGE_COLUMNS)
    assert all(key == indicator.key for key, indicator in INDICATORS.items())


# ---------------------------------------------------------------------------------------------
# one municipality: Gröditz
# ---------------------------------------------------------------------------------------------


def test_groeditz_2022_against_2012_literal_values(population: pd.DataFrame) -> None:
    table = municipality_table(population, 2022, 2012).set_index("ags")
    row = table.loc[GROEDITZ]
    assert row["einwohner"] == 6_877
    assert row["maennlich"] == 3_427
    assert row["weiblich"] == 3_450
    assert row["flaeche"] == pytest.approx(28.94)
    assert row["veraenderung"] == 6_877 - 6_619 == 258
    assert row["veraenderung_pct"] == pytest.approx(3.90)  # 258 / 6,619 = 3.898 %
    assert row["index"] == pytest.approx(103.90)  # 6,877 / 6,619 × 100
    assert row["frauenanteil"] == pytest.approx(50.17)  # 3,450 / 6,877 = 50.167 %
    assert row["dichte"] == pytest.approx(237.6)  # 6,877 / 28.94 km² = 237.63


def test_groeditz_change_before_the_break(population: pd.DataFrame) -> None:
    # 2011: 6,919 against 2010: 7,105 → −186, −2.62 %, index 97.38.
    row = municipality_table(population, 2011, 2010).set_index("ags").loc[GROEDITZ]
    assert row["veraenderung"] == -186
    assert row["veraenderung_pct"] == pytest.approx(-2.62)
    assert row["index"] == pytest.approx(97.38)


@pytest.mark.parametrize(("year", "base_year"), [(2022, 2012), (2018, 2015), (2012, 2011)])
def test_municipality_table_matches_plain_pandas(
    population: pd.DataFrame, year: int, base_year: int
) -> None:
    table = municipality_table(population, year, base_year).set_index("ags")
    now = population[population["year"] == year].set_index("ags")
    base = population[population["year"] == base_year].set_index("ags")["population"]
    people = plain(now, "population")
    female = plain(now, "female")
    area = plain(now, "area_km2")
    base_people = base.astype("Float64").astype(float).reindex(now.index)
    with np.errstate(divide="ignore", invalid="ignore"):
        expected = pd.DataFrame(
            {
                "einwohner": people,
                "maennlich": plain(now, "male"),
                "weiblich": female,
                "flaeche": area,
                "frauenanteil": female / people * 100,
                "dichte": people / area,
                "veraenderung": people - base_people,
                "veraenderung_pct": (people / base_people - 1) * 100,
                "index": people / base_people * 100,
            }
        ).replace([np.inf, -np.inf], np.nan)
    assert table.index.tolist() == now.index.tolist()
    for column in expected.columns:
        got = plain(table, column)
        want = expected[column]
        assert got.isna().equals(want.isna()), column
        # The table rounds shares, densities and changes for display (≤ 0.05 off).
        np.testing.assert_allclose(got.dropna(), want.dropna(), atol=0.051, err_msg=column)


def test_municipalities_absent_in_the_base_year_have_no_change(population: pd.DataFrame) -> None:
    table = municipality_table(population, 2022, 2012).set_index("ags")
    base_ags = set(population.loc[population["year"] == 2012, "ags"])
    new = [a for a in table.index if a not in base_ags]
    assert new, "expected municipalities created after 2012 (mergers)"
    assert table.loc[new, list(CHANGE_COLUMNS)].isna().all().all()
    assert table.loc[new, "einwohner"].notna().all()


def test_base_year_gap_leaves_change_missing(population: pd.DataFrame) -> None:
    table = municipality_table(population, 2022, 2016).set_index("ags")
    gaps = table.loc[sorted(NRW_GAPS_2016)]
    assert gaps[list(CHANGE_COLUMNS)].isna().all().all()
    assert gaps["einwohner"].notna().all()


def test_division_by_zero_gives_missing_not_infinity() -> None:
    now = small([("A", 2022, 0, 0, 0, 0.0), ("B", 2022, 10, 5, 5, 2.0)]).set_index("ags")
    base = small([("A", 2012, 0, 0, 0, 0.0), ("B", 2012, 0, 0, 0, 2.0)]).set_index("ags")
    out = add_indicators(now, base)
    for column in ("frauenanteil", "dichte", "veraenderung_pct", "index"):
        values = plain(out, column)
        assert not np.isinf(values).any(), column
    assert out.loc["A", ["frauenanteil", "dichte"]].isna().all()
    assert out.loc["B", ["veraenderung_pct", "index"]].isna().all()
    assert out.loc["B", "veraenderung"] == 10
    assert out.loc["B", "dichte"] == 5


def test_without_base_the_change_columns_are_missing() -> None:
    out = add_indicators(small([("A", 2022, 10, 4, 6, 2.0)]).set_index("ags"), None)
    assert out[list(CHANGE_COLUMNS)].isna().all().all()
    assert out.loc["A", "frauenanteil"] == 60


# ---------------------------------------------------------------------------------------------
# aggregates: cooperations (fixed set) and territories (Germany, states)
# ---------------------------------------------------------------------------------------------


def test_kurstadtregion_sums_literal(population: pd.DataFrame) -> None:
    series = fixed_set_series(population, KURSTADTREGION)
    assert series.index.tolist() == list(range(2010, 2023))
    assert series.loc[2012, "population"] == 26_052  # 9,634 + 6,650 + 4,051 + 5,717
    assert series.loc[2022, "population"] == 24_220  # 9,284 + 6,263 + 3,514 + 5,159
    assert series.loc[2022, "area_km2"] == pytest.approx(445.85)
    result = series_indicators(series, 2012)
    assert result.loc[2022, "veraenderung"] == -1_832
    assert result.loc[2022, "veraenderung_pct"] == pytest.approx(-7.03)  # −1,832 / 26,052
    assert result.loc[2022, "index"] == pytest.approx(92.97)
    assert result.loc[2012, "index"] == 100
    assert result.loc[2012, "veraenderung"] == 0
    assert result.loc[2022, "dichte"] == pytest.approx(54.3)  # 24,220 / 445.85
    assert result.loc[2022, "frauenanteil"] == pytest.approx(50.54)  # 12,241 / 24,220


def test_kurstadtregion_matches_plain_pandas(population: pd.DataFrame) -> None:
    series = series_indicators(fixed_set_series(population, KURSTADTREGION), 2012)
    rows = population[population["ags"].isin(KURSTADTREGION)]
    assert (rows.groupby("year")["ags"].nunique() == 4).all()
    sums = rows.groupby("year")[["population", "male", "female", "area_km2"]].sum()
    people = sums["population"].astype(float)
    expected_pct = (people / people.loc[2012] - 1) * 100
    np.testing.assert_allclose(plain(series, "einwohner"), people)
    np.testing.assert_allclose(plain(series, "weiblich"), sums["female"].astype(float))
    np.testing.assert_allclose(plain(series, "veraenderung_pct"), expected_pct, atol=0.005)
    np.testing.assert_allclose(
        plain(series, "frauenanteil"), sums["female"] / people * 100, atol=0.005
    )
    np.testing.assert_allclose(
        plain(series, "dichte"), people / sums["area_km2"].astype(float), atol=0.05
    )


def test_fixed_set_leaves_a_year_missing_when_a_member_has_no_value() -> None:
    frame = small(
        [
            ("A", 2020, 100, 50, 50, 1.0),
            ("B", 2020, 10, 5, 5, 2.0),
            ("A", 2021, 110, 55, 55, 1.0),
            ("B", 2021, None, None, None, 2.0),  # published without a value
            ("A", 2022, 120, 60, 60, 1.0),  # B does not exist any more (merger)
            ("C", 2023, 7, 3, 4, 1.0),  # a year in which no member exists at all
        ]
    )
    series = fixed_set_series(frame, ["A", "B", "A"])  # duplicates count once
    assert series.index.tolist() == [2020, 2021, 2022, 2023]
    assert series.loc[2020, "population"] == 110
    assert series.loc[2020, "area_km2"] == 3
    for year in (2021, 2022, 2023):
        assert series.loc[year].isna().all(), year
    result = series_indicators(series, 2020)
    assert result.loc[2020, "index"] == 100
    assert result.loc[[2021, 2022], "index"].isna().all()


def test_germany_sum_2018_and_the_2016_gap(population: pd.DataFrame) -> None:
    germany = territory_series(population)
    assert germany.loc[2018, "population"] == 83_019_213
    assert germany.loc[2022, "population"] == 84_358_845
    # Six NRW municipalities have no 2016 value: no Germany-wide sum for 2016.
    gaps = population[(population["year"] == 2016) & population["population"].isna()]
    assert set(gaps["ags"]) == NRW_GAPS_2016
    assert germany.loc[2016, ["population", "male", "female"]].isna().all()
    plain_sums = population.groupby("year")["population"].sum()
    for year in germany.index.drop(2016):
        assert germany.loc[year, "population"] == plain_sums.loc[year], year


def test_germany_change_and_index_against_2012(population: pd.DataFrame) -> None:
    result = series_indicators(territory_series(population), 2012)
    assert result.loc[2018, "index"] == pytest.approx(round(83_019_213 / 80_523_746 * 100, 2))
    assert result.loc[2018, "veraenderung"] == 83_019_213 - 80_523_746
    assert pd.isna(result.loc[2016, "index"])
    assert pd.isna(result.loc[2016, "veraenderung_pct"])
    # The 2016 gap as base year: no change can be computed for any year.
    with_gap_base = series_indicators(territory_series(population), 2016)
    assert with_gap_base[list(CHANGE_COLUMNS)].isna().all().all()
    assert with_gap_base.loc[2018, "einwohner"] == 83_019_213


def test_base_year_outside_the_series_leaves_changes_missing(population: pd.DataFrame) -> None:
    result = series_indicators(territory_series(population), 2009)
    assert result[list(CHANGE_COLUMNS)].isna().all().all()
    assert result.loc[2022, "einwohner"] == 84_358_845


def test_saxony_sums(population: pd.DataFrame) -> None:
    saxony = territory_series(population, ["14"])
    assert saxony.loc[2012, "population"] == 4_050_204
    assert saxony.loc[2022, "population"] == 4_086_152
    rows = population[population["ags"].str.startswith("14")]
    sums = rows.groupby("year")[["population", "male", "female", "area_km2"]].sum()
    np.testing.assert_allclose(saxony["population"].astype(float), sums["population"])
    np.testing.assert_allclose(saxony["male"].astype(float), sums["male"])
    np.testing.assert_allclose(saxony["female"].astype(float), sums["female"])
    np.testing.assert_allclose(saxony["area_km2"].astype(float), sums["area_km2"], rtol=1e-9)


def test_states_sum_to_germany(population: pd.DataFrame) -> None:
    germany = territory_series(population)
    states = sorted(population["state_key"].unique())
    total = sum(territory_series(population, [s])["population"] for s in states)
    assert total.loc[2022] == germany.loc[2022, "population"]
    # NRW carries the 2016 gap, the other states do not.
    assert pd.isna(territory_series(population, ["05"]).loc[2016, "population"])
    assert territory_series(population, ["14"]).loc[2016, "population"] == (
        population[(population["year"] == 2016) & (population["state_key"] == "14")][
            "population"
        ].sum()
    )


# ---------------------------------------------------------------------------------------------
# the census break
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("year", "base_year", "warned"),
    [
        (2022, 2012, False),
        (2022, 2011, True),
        (2022, 2010, True),
        (2012, 2011, True),
        (2011, 2012, True),  # base after year: still across the break
        (2011, 2010, False),
        (2012, 2012, False),
        (2016, 2013, False),
    ],
)
def test_change_note_only_across_the_break(year: int, base_year: int, warned: bool) -> None:
    note = change_note(year, base_year)
    if warned:
        assert note is not None
        assert f"{base_year}–{year}" in note
        assert "Zensus 2011" in note
    else:
        assert note is None


def test_population_flags_the_break_where_the_segments_split(population: pd.DataFrame) -> None:
    flags = population.groupby("year")["census_based"].agg(["min", "max"])
    before = flags.index[flags.index < FIRST_CENSUS_YEAR]
    after = flags.index[flags.index >= FIRST_CENSUS_YEAR]
    assert list(before) == [2010, 2011]
    assert not flags.loc[before, "max"].any()
    assert flags.loc[after, "min"].all()


# ---------------------------------------------------------------------------------------------
# district age structure
# ---------------------------------------------------------------------------------------------


def test_pyramid_sums_two_districts(district_age: pd.DataFrame) -> None:
    frame = pyramid(district_age, [MEISSEN, ELBE_ELSTER], 2018)
    rows = district_age[
        district_age["district_key"].isin([MEISSEN, ELBE_ELSTER]) & (district_age["year"] == 2018)
    ]
    assert len(rows) == 2 * 17 * 2
    assert len(frame) == 17 * 2
    assert frame["population"].sum() == rows["population"].sum() == 242_165 + 102_638
    # Each age group and sex is the sum of the two districts' rows.
    by_hand = rows.groupby(["age_order", "sex"])["population"].sum()
    got = frame.set_index(["age_order", "sex"])["population"]
    assert got.sort_index().tolist() == by_hand.sort_index().tolist()
    assert frame["age_order"].is_monotonic_increasing
    meissen_only = pyramid(district_age, [MEISSEN], 2018)
    assert meissen_only["population"].sum() == 242_165


def test_pyramid_ignores_other_years_and_unknown_districts(district_age: pd.DataFrame) -> None:
    assert pyramid(district_age, ["99999"], 2018).empty
    assert pyramid(district_age, [MEISSEN], 2014).empty
    assert pyramid(district_age, [MEISSEN, "99999"], 2018).equals(
        pyramid(district_age, [MEISSEN], 2018)
    )


def test_age_shares_by_hand(district_age: pd.DataFrame) -> None:
    rows = district_age[
        district_age["district_key"].isin([MEISSEN, ELBE_ELSTER]) & (district_age["year"] == 2018)
    ]
    total = float(rows["population"].sum())
    under_18 = float(rows.loc[rows["age_to"].fillna(999) <= 18, "population"].sum())
    from_65 = float(rows.loc[rows["age_from"] >= 65, "population"].sum())
    shares = age_shares(pyramid(district_age, [MEISSEN, ELBE_ELSTER], 2018))
    assert shares["unter_18"] == round(under_18 / total * 100, 1)
    assert shares["ab_65"] == round(from_65 / total * 100, 1)
    # The groups 0–3 … 15–18 are exactly the age orders 0–4.
    assert set(rows.loc[rows["age_to"].fillna(999) <= 18, "age_order"]) == {0, 1, 2, 3, 4}


def test_age_shares_of_an_empty_pyramid(district_age: pd.DataFrame) -> None:
    assert age_shares(pyramid(district_age, ["99999"], 2018)) == {
        "unter_18": None,
        "ab_65": None,
    }


# ---------------------------------------------------------------------------------------------
# classification for maps
# ---------------------------------------------------------------------------------------------


def test_classify_sequential_quintiles() -> None:
    values = pd.Series([*range(1, 11), None], dtype="Float64")
    breaks, classes = classify(values, diverging=False)
    assert breaks == pytest.approx([2.8, 4.6, 6.4, 8.2])  # 1 + 9 × (0.2, 0.4, 0.6, 0.8)
    assert classes == [0, 0, 1, 1, 2, 2, 3, 3, 4, 4, -1]


def test_classify_sequential_with_ties_uses_fewer_classes() -> None:
    breaks, classes = classify(pd.Series([5.0] * 8 + [9.0, 10.0]), diverging=False)
    assert breaks == sorted(set(breaks))
    assert classes[:8] == [classes[0]] * 8
    assert max(classes) <= 4


def test_classify_diverging_splits_at_the_centre() -> None:
    values = pd.Series([-6, -5, -4, -3, -2, -1, 0, 1, 2, 3, 4, 5, None], dtype="Float64")
    breaks, classes = classify(values, diverging=True)
    # Terciles of (−6 … −1) and of (0 … 5), around the centre 0.
    assert breaks == pytest.approx([-6 + 5 / 3, -6 + 10 / 3, 0, 5 / 3, 10 / 3])
    assert classes == [0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, -1]


@pytest.mark.parametrize(
    ("values", "allowed"),
    [
        ([1.0, 2.0, 3.0, 4.0, 5.0, 6.0], {3, 4, 5}),  # growth only
        ([0.0, 0.0, 0.0], {3}),  # exactly the centre counts as "no decline"
        ([-1.0, -2.0, -3.0, -4.0, -5.0, -6.0], {0, 1, 2}),  # decline only
        ([-4.0, -4.0, -4.0], {0, 1, 2}),
        ([-0.001, 0.0], {2, 3}),
    ],
)
def test_classify_diverging_one_sided_data(values: list[float], allowed: set[int]) -> None:
    _, classes = classify(pd.Series(values), diverging=True)
    assert set(classes) <= allowed
    for value, cls in zip(values, classes, strict=True):
        assert (cls <= 2) == (value < 0), (value, cls)


def test_classify_diverging_around_index_centre() -> None:
    values = pd.Series([90.0, 95.0, 99.9, 100.0, 100.1, 120.0])
    breaks, classes = classify(values, diverging=True, centre=100.0)
    assert 100.0 in breaks
    assert classes[:3] == sorted(classes[:3]) and max(classes[:3]) <= 2
    assert min(classes[3:]) >= 3


def test_classify_all_missing() -> None:
    assert classify(pd.Series([None, None], dtype="Float64"), diverging=True) == ([], [-1, -1])
    assert classify(pd.Series([], dtype="Float64"), diverging=False) == ([], [])


def test_classify_real_changes_never_mix_decline_and_growth(population: pd.DataFrame) -> None:
    table = municipality_table(population, 2022, 2012)
    values = plain(table, "veraenderung_pct")
    breaks, classes = classify(table["veraenderung_pct"], diverging=True)
    assert len(breaks) == 5
    classes = np.asarray(classes)
    assert (classes[values.isna().to_numpy()] == -1).all()
    valid = values.notna().to_numpy()
    assert ((classes[valid] <= 2) == (values[valid] < 0).to_numpy()).all()
    assert set(classes[valid]) == {0, 1, 2, 3, 4, 5}
    # Quantile classes: each class holds roughly a third of its side.
    declining = (values < 0).sum()
    for cls in (0, 1, 2):
        assert abs((classes == cls).sum() - declining / 3) < declining * 0.05
