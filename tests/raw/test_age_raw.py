"""The district age-structure parsers (databuild.age) on the real raw files."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from databuild import age
from tests.raw.rawfiles import raw_file
from tests.unit.databuild.test_build_age import value

pytestmark = pytest.mark.raw

RAW_0018 = Path("destatis-12411-0018") / "12411-0018.csv"
RAW_AGE_2018 = Path("regionalstatistik-2018") / "12411-02-03-5-B_2018.csv"
RAW_RATIOS = Path("regionalstatistik-2018") / "12411-08-01-4-B_2018.csv"


@pytest.fixture(scope="module")
def real_0018() -> pd.DataFrame:
    return age.read_district_age_structure(raw_file(RAW_0018))


@pytest.fixture(scope="module")
def real_2018() -> pd.DataFrame:
    return age.read_age_structure_2018(raw_file(RAW_AGE_2018))


@pytest.fixture(scope="module")
def real_ratios() -> pd.DataFrame:
    return age.read_dependency_ratios(raw_file(RAW_RATIOS))


def test_real_0018_counts(real_0018: pd.DataFrame) -> None:
    per_year = real_0018.groupby("year")["district_key"].nunique().to_dict()
    # 2015 still has Göttingen (03152) and Osterode am Harz (03156), merged into 03159 in 2016.
    assert per_year == {2015: 402, 2016: 401, 2017: 401, 2018: 401, 2019: 401, 2020: 401}
    assert len(real_0018) == (402 + 5 * 401) * 34 == 81_838
    assert real_0018["population"].notna().all()  # the file has no missing markers
    keys_2015 = set(real_0018.loc[real_0018["year"] == 2015, "district_key"])
    keys_2016 = set(real_0018.loc[real_0018["year"] == 2016, "district_key"])
    assert keys_2015 - keys_2016 == {"03152", "03156"}
    assert keys_2016 - keys_2015 == {"03159"}


def test_real_0018_germany_total_2018(real_0018: pd.DataFrame) -> None:
    # Germany 31.12.2018: 83,019,213 (see raw README, GV-ISys).
    total = real_0018.loc[real_0018["year"] == 2018, "population"].sum()
    assert total == 83_019_213


@pytest.mark.parametrize(
    ("key", "year", "sex", "age_group", "expected"),
    [
        ("01001", 2015, "männlich", "unter 3 Jahre", 1143),
        ("01001", 2015, "weiblich", "75 Jahre und mehr", 5413),
        ("14627", 2015, "männlich", "unter 3 Jahre", 3147),
        ("14627", 2015, "weiblich", "75 Jahre und mehr", 21161),
        ("12062", 2020, "männlich", "65 bis unter 75 Jahre", 6707),
        ("12062", 2020, "weiblich", "75 Jahre und mehr", 9388),
        ("03159", 2018, "weiblich", "75 Jahre und mehr", 22936),
        ("03152", 2015, "männlich", "unter 3 Jahre", 3305),
    ],
)
def test_real_0018_hand_checked_values(
    real_0018: pd.DataFrame, key: str, year: int, sex: str, age_group: str, expected: int
) -> None:
    assert value(real_0018, key, year, sex, age_group) == expected


def test_real_0018_keys_are_five_digit_strings(real_0018: pd.DataFrame) -> None:
    assert real_0018["district_key"].str.fullmatch(r"\d{5}").all()
    assert "01001" in set(real_0018["district_key"])
    names = real_0018.loc[real_0018["year"] == 2015].set_index("district_key")["district_name"]
    assert names.loc["03152"].iloc[0] == "Göttingen, Landkreis (bis 31.10.2016)"


def test_real_age_2018_counts(real_2018: pd.DataFrame) -> None:
    assert real_2018["district_key"].nunique() == 401
    assert len(real_2018) == 401 * 34
    assert real_2018["population"].notna().all()
    assert value(real_2018, "01001", 2018, "männlich", "unter 3 Jahre") == 1345
    assert value(real_2018, "14627", 2018, "männlich", "unter 3 Jahre") == 2976


def test_real_age_2018_equals_0018(real_0018: pd.DataFrame, real_2018: pd.DataFrame) -> None:
    keys = ["district_key", "year", "sex", "age_order"]
    genesis = real_0018[real_0018["year"] == 2018]
    merged = genesis.merge(real_2018, on=keys, how="outer", suffixes=("_0018", "_rdb"))
    assert merged["population_0018"].notna().all(), "districts only in 12411-02-03-5-B"
    assert merged["population_rdb"].notna().all(), "districts only in 12411-0018"
    different = merged[merged["population_0018"] != merged["population_rdb"]]
    assert different.empty, different[[*keys, "population_0018", "population_rdb"]].head()


def test_real_dependency_ratios(real_ratios: pd.DataFrame) -> None:
    assert len(real_ratios) == 401
    assert real_ratios["district_key"].is_unique
    assert set(real_ratios["year"]) == {2018}
    assert real_ratios.drop(columns=["district_key", "district_name"]).notna().all().all()
    by_key = real_ratios.set_index("district_key")
    assert by_key.loc["01001", "youth_ratio"] == pytest.approx(29.1)
    assert by_key.loc["01001", "old_age_ratio"] == pytest.approx(32.5)
    assert by_key.loc["14627", "old_age_ratio_female"] == pytest.approx(59.0)
    assert by_key.loc["12062", "old_age_ratio"] == pytest.approx(49.4)


def test_real_ratio_districts_match_age_table(
    real_ratios: pd.DataFrame, real_2018: pd.DataFrame
) -> None:
    assert set(real_ratios["district_key"]) == set(real_2018["district_key"])


# The source states no definition. The conventional one (Jugendquotient = under 20 per 100 aged
# 20 to under 65; Altenquotient = 65 and older per 100 aged 20 to under 65) can be computed from
# the 17 groups because 20 and 65 are group boundaries; this test checks that it reproduces the
# published one-decimal values (max deviation observed: 0.062, three Rhineland-Palatinate
# districts, male old-age ratio).
YOUTH_LIMIT = 20
OLD_AGE_LIMIT = 65


@pytest.mark.parametrize(
    ("sex", "suffix"), [(None, ""), ("männlich", "_male"), ("weiblich", "_female")]
)
def test_real_ratios_recomputed_from_age_groups(
    real_ratios: pd.DataFrame, real_2018: pd.DataFrame, sex: str | None, suffix: str
) -> None:
    frame = real_2018 if sex is None else real_2018[real_2018["sex"] == sex]
    closed = frame["age_to"].notna()
    young = frame[closed & (frame["age_to"] <= YOUTH_LIMIT)]
    working = frame[
        (frame["age_from"] >= YOUTH_LIMIT) & closed & (frame["age_to"] <= OLD_AGE_LIMIT)
    ]
    old = frame[frame["age_from"] >= OLD_AGE_LIMIT]
    base = working.groupby("district_key")["population"].sum().astype(float)
    youth = 100 * young.groupby("district_key")["population"].sum().astype(float) / base
    old_age = 100 * old.groupby("district_key")["population"].sum().astype(float) / base
    published = real_ratios.set_index("district_key")
    assert (youth - published["youth_ratio" + suffix]).abs().max() < 0.1
    assert (old_age - published["old_age_ratio" + suffix]).abs().max() < 0.1
    # The bulk agrees to rounding precision.
    assert ((youth - published["youth_ratio" + suffix]).abs() <= 0.05 + 1e-9).mean() > 0.99
