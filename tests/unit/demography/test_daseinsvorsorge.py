"""Indicator formulas of ksg_dashboard.demography.themes.model against hand-computed values."""

from __future__ import annotations

import pandas as pd
import pytest

from databuild.age import AGE_GROUPS
from databuild.regional_stats import MIGRATION_AGE_GROUPS
from ksg_dashboard.core.config import REPO_ROOT
from ksg_dashboard.demography.themes import model as dv

GROEDITZ = "14627050"
ELSTERWERDA = "12062124"

# 12411-02-03-5_2015.csv, rows "14627050;        Gröditz, Stadt" and "12062124;        Elsterwerda":
# the 17 age groups (unter 3 … 75 und mehr), male and female.
AGE_ROWS = {
    GROEDITZ: (
        [95, 92, 120, 156, 71, 44, 119, 255, 251, 235, 194, 266, 338, 344, 266, 382, 457],
        [85, 86, 98, 138, 72, 40, 105, 185, 175, 184, 162, 234, 319, 336, 302, 476, 727],
    ),
    ELSTERWERDA: (
        [88, 93, 118, 184, 114, 51, 117, 221, 240, 238, 255, 316, 355, 344, 304, 497, 464],
        [99, 94, 119, 151, 91, 46, 95, 195, 220, 206, 222, 309, 353, 359, 319, 570, 739],
    ),
}
# 12711-01-03-5_2015.csv, same rows: moves in and out, 6 age groups (unter 18 … 65 und mehr),
# male and female.
MIGRATION_ROWS = {
    GROEDITZ: {
        "in": ([47, 42, 52, 85, 11, 5], [25, 29, 22, 29, 8, 14]),
        "out": ([31, 31, 27, 66, 18, 14], [26, 27, 24, 41, 18, 27]),
    },
    ELSTERWERDA: {
        "in": ([80, 32, 32, 79, 18, 21], [57, 25, 32, 51, 12, 34]),
        "out": ([45, 30, 21, 50, 20, 10], [37, 41, 31, 45, 12, 16]),
    },
}


def _rows(groups, values_by_sex, extra):
    rows = []
    male, female = values_by_sex
    for sex, values in (
        ("insgesamt", None if male is None else [m + f for m, f in zip(male, female, strict=True)]),
        ("männlich", male),
        ("weiblich", female),
    ):
        for order, (label, lower, upper) in enumerate(groups):
            value = pd.NA if values is None else values[order]
            rows.append(
                {
                    **extra,
                    "sex": sex,
                    "age_order": order,
                    "age_group": label,
                    "age_from": lower,
                    "age_to": upper,
                    "is_total": False,
                    "value": value,
                }
            )
        total = pd.NA if values is None else sum(values)
        rows.append(
            {
                **extra,
                "sex": sex,
                "age_order": len(groups),
                "age_group": "Insgesamt",
                "age_from": 0,
                "age_to": None,
                "is_total": True,
                "value": total,
            }
        )
    return rows


def age_frame(rows: dict) -> pd.DataFrame:
    records = []
    for ags, values in rows.items():
        records += _rows(AGE_GROUPS, values, {"ags": ags})
    frame = pd.DataFrame(records).rename(columns={"value": "population"})
    frame["population"] = frame["population"].astype("Int64")
    frame["age_to"] = frame["age_to"].astype("Int64")
    return frame


def migration_frame(rows: dict) -> pd.DataFrame:
    records = []
    for ags, directions in rows.items():
        for direction, values in directions.items():
            records += _rows(MIGRATION_AGE_GROUPS, values, {"ags": ags, "direction": direction})
    frame = pd.DataFrame(records).rename(columns={"value": "moves"})
    frame["moves"] = frame["moves"].astype("Int64")
    frame["age_to"] = frame["age_to"].astype("Int64")
    return frame


@pytest.fixture(scope="module")
def age() -> pd.DataFrame:
    return age_frame({**AGE_ROWS, "14627999": (None, None)})


@pytest.fixture(scope="module")
def migration() -> pd.DataFrame:
    return migration_frame(MIGRATION_ROWS)


def test_age_profile_groeditz(age: pd.DataFrame) -> None:
    profile = dv.age_profile(age, [GROEDITZ])
    # Totals of the row: 180 178 218 294 143 | 84 224 440 426 419 356 500 657 680 568 | 858 1184
    assert profile.population == 7409
    assert profile.counts["unter_6"] == 180 + 178 == 358
    assert profile.counts["unter_18"] == 358 + 218 + 294 + 143 == 1013
    assert profile.counts["18_64"] == 84 + 224 + 440 + 426 + 419 + 356 + 500 + 657 + 680 + 568
    assert profile.counts["18_64"] == 4354
    assert profile.counts["20_64"] == 4354 - 84 == 4270
    assert profile.counts["65_plus"] == 858 + 1184 == 2042
    assert profile.counts["75_plus"] == 1184
    assert profile.shares["65_plus"] == pytest.approx(100 * 2042 / 7409)  # 27.56 %
    assert profile.shares["65_plus"] == pytest.approx(27.561, abs=1e-3)
    assert profile.shares["unter_6"] == pytest.approx(4.832, abs=1e-3)
    assert profile.shares["unter_18"] == pytest.approx(13.673, abs=1e-3)
    assert profile.shares["18_64"] == pytest.approx(58.766, abs=1e-3)
    assert profile.shares["20_64"] == pytest.approx(57.633, abs=1e-3)
    assert profile.shares["75_plus"] == pytest.approx(15.981, abs=1e-3)
    assert profile.youth_ratio == pytest.approx(100 * 1097 / 4270)  # 25.69
    assert profile.old_age_ratio == pytest.approx(100 * 2042 / 4270)  # 47.82
    assert profile.complete


def test_age_profile_elsterwerda(age: pd.DataFrame) -> None:
    profile = dv.age_profile(age, [ELSTERWERDA])
    # Totals: 187 187 237 335 205 | 97 212 416 460 444 477 625 708 703 623 | 1067 1203 = 8186
    assert profile.population == 8186
    assert profile.counts["unter_18"] == 1151
    assert profile.counts["20_64"] == 4668
    assert profile.counts["65_plus"] == 2270
    assert profile.shares["65_plus"] == pytest.approx(27.730, abs=1e-3)
    assert profile.youth_ratio == pytest.approx(100 * 1248 / 4668)  # 26.74
    assert profile.old_age_ratio == pytest.approx(100 * 2270 / 4668)  # 48.63


def test_age_profile_cooperation_is_the_sum(age: pd.DataFrame) -> None:
    profile = dv.age_profile(age, [GROEDITZ, ELSTERWERDA, GROEDITZ])
    assert profile.ags == (GROEDITZ, ELSTERWERDA)
    assert profile.population == 7409 + 8186
    assert profile.shares["65_plus"] == pytest.approx(100 * (2042 + 2270) / 15595)
    assert profile.old_age_ratio == pytest.approx(100 * (2042 + 2270) / (4270 + 4668))


def test_unknown_member_makes_the_aggregate_unknown(age: pd.DataFrame, migration) -> None:
    profile = dv.age_profile(age, [GROEDITZ, "14627999", "00000000"])
    assert profile.population is None
    assert profile.shares == {}
    assert profile.youth_ratio is None
    assert profile.missing == ("14627999", "00000000")
    table, missing = dv.pyramid(age, [GROEDITZ, "14627999"])
    assert missing == ("14627999",)
    assert table["male"].isna().all() and table["female"].isna().all()
    moves = dv.migration_profile(migration, age, [GROEDITZ, "14627999"])
    assert moves.missing == ("14627999",)
    assert moves.bildungswanderung is None and moves.familienwanderung is None
    assert moves.table["net"].isna().all()


def test_pyramid_groeditz(age: pd.DataFrame) -> None:
    table, missing = dv.pyramid(age, [GROEDITZ])
    assert missing == ()
    assert list(table.columns) == ["age_order", "age_group", "male", "female"]
    assert len(table) == 17
    assert table["male"].tolist() == AGE_ROWS[GROEDITZ][0]
    assert table["female"].tolist() == AGE_ROWS[GROEDITZ][1]
    both, _ = dv.pyramid(age, [GROEDITZ, ELSTERWERDA])
    assert both["female"].iloc[16] == 727 + 739


def test_migration_groeditz(age: pd.DataFrame, migration: pd.DataFrame) -> None:
    profile = dv.migration_profile(migration, age, [GROEDITZ])
    table = profile.table.set_index("age_group")
    # In 72 71 74 114 19 19 = 369; out 57 58 51 107 36 41 = 350.
    assert table["moves_in"].tolist() == [72, 71, 74, 114, 19, 19, 369]
    assert table["moves_out"].tolist() == [57, 58, 51, 107, 36, 41, 350]
    assert table["net"].tolist() == [15, 13, 23, 7, -17, -22, 19]
    assert table.loc["Insgesamt", "net_per_1000"] == pytest.approx(1000 * 19 / 7409)  # 2.56
    assert table.loc["18 bis unter 25 Jahre", "inhabitants"] == 84 + 224
    # Bildungswanderung: net 18–<25 (13) per 1,000 inhabitants aged 18–<25 (308) = 42.21.
    assert profile.bildungswanderung == pytest.approx(1000 * 13 / 308)
    assert profile.bildungswanderung == pytest.approx(42.208, abs=1e-3)
    # Familienwanderung: (15 + 7) per 1,000 of under-18s (1013) and 30–<50 (1701) = 8.11.
    assert profile.familienwanderung == pytest.approx(1000 * 22 / (1013 + 1701))
    assert profile.inhabitants == 7409


def test_migration_elsterwerda_and_cooperation(age, migration) -> None:
    profile = dv.migration_profile(migration, age, [ELSTERWERDA])
    table = profile.table.set_index("age_group")
    # In 137 57 64 130 30 55 = 473; out 82 71 52 95 32 26 = 358.
    assert table["net"].tolist() == [55, -14, 12, 35, -2, 29, 115]
    assert profile.bildungswanderung == pytest.approx(1000 * -14 / 309)  # −45.31
    assert profile.familienwanderung == pytest.approx(1000 * 90 / (1151 + 2006))  # 28.51
    both = dv.migration_profile(migration, age, [GROEDITZ, ELSTERWERDA])
    assert both.bildungswanderung == pytest.approx(1000 * (13 - 14) / (308 + 309))
    assert both.table.set_index("age_group").loc["Insgesamt", "net"] == 19 + 115


def test_natural_change_rates() -> None:
    # 12612/12613-01-01-4, rows "2015;14627;      Meißen, Landkreis": births 1996, deaths 3220;
    # GV-ISys 31.12.2015 population of the district 245,244. 1995 has no population.
    natural = pd.DataFrame(
        {
            "region_key": ["14627", "14627"],
            "year": [1995, 2015],
            "births": pd.array([1500, 1996], dtype="Int64"),
            "deaths": pd.array([3000, 3220], dtype="Int64"),
            "balance": pd.array([-1500, -1224], dtype="Int64"),
            "population": pd.array([pd.NA, 245_244], dtype="Int64"),
        }
    )
    rates = dv.natural_change_rates(natural, dv.district_key_for(GROEDITZ)).set_index("year")
    assert rates.loc[2015, "births_per_1000"] == pytest.approx(1000 * 1996 / 245_244)  # 8.14
    assert rates.loc[2015, "balance_per_1000"] == pytest.approx(-4.991, abs=1e-3)
    assert pd.isna(rates.loc[1995, "deaths_per_1000"])
    assert dv.district_key_for("11000000") == "11"
    assert dv.district_key_for("02000000") == "02"


def test_committed_data_give_the_same_figures() -> None:
    data = REPO_ROOT / "data"
    if not (data / "municipal_age_2015.parquet").is_file():
        pytest.skip("data/municipal_age_2015.parquet not built")
    age = pd.read_parquet(data / "municipal_age_2015.parquet")
    migration = pd.read_parquet(data / "migration_2015.parquet")
    profile = dv.age_profile(age, [GROEDITZ])
    assert profile.population == 7409
    assert profile.shares["65_plus"] == pytest.approx(100 * 2042 / 7409)
    moves = dv.migration_profile(migration, age, [GROEDITZ, ELSTERWERDA])
    assert moves.bildungswanderung == pytest.approx(1000 * -1 / 617)
    natural = pd.read_parquet(data / "natural_change.parquet")
    rates = dv.natural_change_rates(natural, "14627").set_index("year")
    assert rates.loc[2015, "population"] == 245_244
    assert rates.loc[2015, "births_per_1000"] == pytest.approx(1000 * 1996 / 245_244)
