"""The Regionaldatenbank 2015 parsers (databuild.regional_stats) on the real raw files."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from databuild import regional_stats as rs
from tests.raw.rawfiles import raw_file

pytestmark = pytest.mark.raw

RAW = Path(rs.RAW_FOLDER)
GVISYS_CACHE = Path("/work/cache/gvisys_all_years.parquet")


@pytest.fixture(scope="module")
def real_age() -> pd.DataFrame:
    return rs.read_municipal_age_2015(raw_file(RAW / rs.AGE_FILE))


@pytest.fixture(scope="module")
def real_migration() -> pd.DataFrame:
    return rs.read_migration_2015(raw_file(RAW / rs.MIGRATION_FILE))


@pytest.fixture(scope="module")
def real_natural() -> pd.DataFrame:
    births = rs.read_births(raw_file(RAW / rs.BIRTHS_FILE))
    deaths = rs.read_deaths(raw_file(RAW / rs.DEATHS_FILE))
    return rs.natural_change(births, deaths)


def test_real_age_levels(real_age: pd.DataFrame) -> None:
    levels = real_age.drop_duplicates("region_key")["level"].value_counts().to_dict()
    assert levels == {
        rs.MUNICIPALITY: 13_555,
        rs.DISTRICT: 471,
        rs.ASSOCIATION: 329,
        rs.REGION: 35,
        rs.UNINCORPORATED: 74,
        rs.STATE: 16,
        rs.BERLIN_BOROUGH: 12,
        rs.COUNTRY: 1,
    }
    germany = real_age[(real_age["region_key"] == "DG") & (real_age["age_order"] == 17)]
    assert germany.set_index("sex")["population"].to_dict() == {
        "insgesamt": 82_175_684,
        "männlich": 40_514_123,
        "weiblich": 41_661_561,
    }
    assert real_age["inferred_zero"].sum() == 253


def test_real_age_municipalities_sum_to_germany(real_age: pd.DataFrame) -> None:
    rows = rs.municipality_frame(real_age, "population")
    totals = rows[(rows["sex"] == "insgesamt") & (rows["age_order"] == 17)]
    with_values = totals[totals["has_values"]]
    # Every municipality with values, plus city states and kreisfreie Städte from their own
    # rows: exactly the national total of 31.12.2015 (GV-ISys 82,175,684).
    assert with_values["population"].sum() == 82_175_684
    assert with_values["ags"].is_unique


def test_real_gröditz(real_age: pd.DataFrame, real_migration: pd.DataFrame) -> None:
    # 12411-02-03-5_2015.csv, row "14627050;        Gröditz, Stadt": total 7409, 65–<75 858,
    # 75+ 1184; 12711-01-03-5_2015.csv same key: in 369, out 350.
    age = real_age[(real_age["region_key"] == "14627050") & (real_age["sex"] == "insgesamt")]
    assert age.set_index("age_order")["population"][[15, 16, 17]].tolist() == [858, 1184, 7409]
    moves = real_migration[
        (real_migration["region_key"] == "14627050") & (real_migration["sex"] == "insgesamt")
    ]
    totals = moves[moves["age_order"] == 6].set_index("direction")["moves"].to_dict()
    assert totals == {"in": 369, "out": 350}


def test_real_age_matches_gvisys_2015(real_age: pd.DataFrame) -> None:
    if not GVISYS_CACHE.is_file():
        pytest.skip(f"{GVISYS_CACHE} not available")
    gvisys = pd.read_parquet(GVISYS_CACHE)
    gv2015 = gvisys[gvisys["year"] == 2015]
    rows, _ = rs._municipal_output(real_age, "population", 17, gv2015, {})
    compared = rs.compare_with_gvisys(rows, gv2015)
    assert compared["matches"] == 11_137
    assert compared["mismatches"] == 0
    # "-" in the age table only for uninhabited unincorporated areas (GV-ISys: 0 inhabitants).
    assert compared["unknown_in_age_table_gvisys_population"] == 0
    assert len(compared["unknown_in_age_table"]) == 29
    assert compared["missing_in_age_table"] == ["07000999", "13000999"]
    assert compared["only_in_age_table"] == []


def test_real_migration_checks(real_migration: pd.DataFrame) -> None:
    germany = real_migration[
        (real_migration["region_key"] == "DG") & (real_migration["age_order"] == 6)
    ]
    totals = germany[germany["sex"] == "insgesamt"].set_index("direction")["moves"].to_dict()
    assert totals == {"in": 6_423_315, "out": 5_283_913}
    # Five Hessian municipalities keep one secret cell (".") each.
    rows = rs.municipality_frame(real_migration, "moves")
    unknown = rows[rows["has_values"] & rows["moves"].isna()]
    assert sorted(unknown["ags"].str[:2].unique()) == ["06"]
    assert len(unknown) == 5


def test_real_natural_change_sums(real_natural: pd.DataFrame) -> None:
    checks = rs.status_2015_sum_check(real_natural)
    compared = checks.dropna(subset=["difference"])
    different = compared[compared["difference"] != 0]
    # Germany vs the sum of the states differs by a few births in 1995–1997 and one death in
    # 2002; Schleswig-Holstein 2002 deaths by one (footnote: "aus programmtechnischen Gründen
    # gibt es Abweichungen zu anderen Veröffentlichungen").
    assert sorted(
        map(tuple, different[["year", "parent_key", "measure", "difference"]].values)
    ) == [
        (1995, "DG", "births", -8),
        (1996, "DG", "births", -7),
        (1997, "DG", "births", -1),
        (2002, "01", "deaths", -1),
        (2002, "DG", "deaths", 1),
    ]
    for year in range(2009, 2016):
        assert (compared.loc[compared["year"] == year, "difference"] == 0).all()
    meissen = real_natural[(real_natural["region_key"] == "14627") & (real_natural["year"] == 2015)]
    # 12612/12613-01-01-4, rows "2015;14627;      Meißen, Landkreis": 1996 births, 3220 deaths.
    assert meissen[["births", "deaths", "balance"]].iloc[0].tolist() == [1996, 3220, -1224]


def test_real_footnotes() -> None:
    table = rs.read_table(raw_file(RAW / rs.AGE_FILE))
    notes = rs.parse_footnotes("12411-02-03-5", table.footnotes)
    assert [n["state_key"] for n in notes] == [None, "08", "08", "07", "15", "11"]
    assert re.search("Gebietsstand des Folgejahres", notes[3]["text"])
