"""Tests for the Regionaldatenbank 2015 parsers and build step (databuild.regional_stats)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from databuild import regional_stats as rs
from ksg_dashboard.core.validation import DataValidationError

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "regionalstatistik"
MINI_AGE = FIXTURES / "12411-02-03-5_mini.csv"
MINI_MIGRATION = FIXTURES / "12711-01-03-5_mini.csv"
MINI_BIRTHS = FIXTURES / "12612-01-01-4_mini.csv"
MINI_DEATHS = FIXTURES / "12613-01-01-4_mini.csv"


def cell(frame: pd.DataFrame, value: str, **where: object) -> object:
    """The single value of `value` in the row matching all `where` conditions."""
    mask = np.ones(len(frame), dtype=bool)
    for column, wanted in where.items():
        mask &= (frame[column] == wanted).to_numpy()
    hit = frame.loc[mask, value]
    assert len(hit) == 1, (where, len(hit))
    return hit.iloc[0]


# ---------------------------------------------------------------------------------------------
# Level classification
# ---------------------------------------------------------------------------------------------


def test_classify_regions_by_key_length_and_children() -> None:
    keys = [
        "DG",
        "02",
        "03",
        "031",
        "03101",
        "03151",
        "03151009",
        "03151401",
        "03151401002",
        "03151501",
        "07",
        "07131",
        "0713100007",
        "0713101",
        "0713101001",
        "11",
        "11001",
    ]
    names = ["x"] * len(keys)
    names[keys.index("03151501")] = "Giebel, gem.fr. Geb."
    frame = rs.classify_regions(keys, names).set_index("region_key")
    assert frame.loc["DG", "level"] == rs.COUNTRY
    assert frame.loc["031", "level"] == rs.REGION
    # City state without district rows and Berlin (only boroughs below): one municipality.
    assert frame.loc["02", ["level", "ags"]].tolist() == [rs.STATE, "02000000"]
    assert frame.loc["11", "ags"] == "11000000"
    assert frame.loc["11001", "level"] == rs.BERLIN_BOROUGH
    assert pd.isna(frame.loc["11001", "ags"])
    # State with districts below: no AGS. District without rows below: kreisfreie Stadt.
    assert pd.isna(frame.loc["03", "ags"])
    assert frame.loc["03101", ["level", "ags"]].tolist() == [rs.DISTRICT, "03101000"]
    assert pd.isna(frame.loc["03151", "ags"])
    # Samtgemeinde (8 digits with 11-digit members) is an association, not a municipality.
    assert frame.loc["03151401", "level"] == rs.ASSOCIATION
    assert pd.isna(frame.loc["03151401", "ags"])
    assert frame.loc["03151401002", ["level", "ags", "association_key"]].tolist() == [
        rs.MUNICIPALITY,
        "03151002",
        "03151401",
    ]
    assert frame.loc["03151009", ["level", "ags"]].tolist() == [rs.MUNICIPALITY, "03151009"]
    assert frame.loc["03151501", ["level", "ags"]].tolist() == [rs.UNINCORPORATED, "03151501"]
    # Rheinland-Pfalz: 7-digit Verbandsgemeinde, 10-digit members, VG "00" = verbandsfrei.
    assert frame.loc["0713101", "level"] == rs.ASSOCIATION
    assert frame.loc["0713101001", ["ags", "association_key"]].tolist() == [
        "07131001",
        "0713101",
    ]
    assert frame.loc["0713100007", "ags"] == "07131007"
    assert pd.isna(frame.loc["0713100007", "association_key"])


def test_classify_rejects_unknown_key_length() -> None:
    with pytest.raises(DataValidationError, match="unexpected key length"):
        rs.classify_regions(["031510090"], ["x"])


# ---------------------------------------------------------------------------------------------
# 12411-02-03-5 on the fixture
# ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def mini_age() -> pd.DataFrame:
    return rs.read_municipal_age_2015(MINI_AGE)


def test_fixture_age_shape_and_dtypes(mini_age: pd.DataFrame) -> None:
    assert list(mini_age.columns) == rs.AGE_COLUMNS
    assert len(mini_age) == 25 * 3 * 18  # 25 rows × 3 sexes × (17 groups + total)
    assert str(mini_age["population"].dtype) == "Int64"
    assert str(mini_age["age_to"].dtype) == "Int64"
    assert set(mini_age["sex"]) == {"insgesamt", "männlich", "weiblich"}
    assert sorted(mini_age["age_order"].unique()) == list(range(18))
    total = mini_age[mini_age["age_order"] == 17]
    assert set(total["age_group"]) == {"Insgesamt"}
    # Names lose their indentation.
    assert cell(mini_age, "name", region_key="14627050", sex="insgesamt", age_order=0) == (
        "Gröditz, Stadt"
    )


def test_fixture_gröditz_values(mini_age: pd.DataFrame) -> None:
    # Row "14627050;        Gröditz, Stadt" (same numbers as the real file).
    assert cell(mini_age, "population", region_key="14627050", sex="insgesamt", age_order=17) == (
        7409
    )
    assert cell(mini_age, "population", region_key="14627050", sex="weiblich", age_order=16) == 727
    assert cell(mini_age, "population", region_key="14627050", sex="männlich", age_order=0) == 95


def test_fixture_dash_rows_stay_unknown(mini_age: pd.DataFrame) -> None:
    for key in ("14627160", "03151402", "03151402002", "03151501"):
        rows = mini_age[mini_age["region_key"] == key]
        assert rows["population"].isna().all(), key
        assert not rows["inferred_zero"].any(), key
    berlin_mitte = mini_age[mini_age["region_key"] == "11001"]
    assert berlin_mitte["population"].isna().all()  # "." = unknown


def test_fixture_dash_proven_zero(mini_age: pd.DataFrame) -> None:
    # Kleindorf: female "unter 3 Jahre" is "-" but the female total equals the other groups.
    value = cell(mini_age, "population", region_key="03151502", sex="weiblich", age_order=0)
    assert value == 0
    assert cell(mini_age, "inferred_zero", region_key="03151502", sex="weiblich", age_order=0)
    assert mini_age["inferred_zero"].sum() == 1


def test_fixture_municipality_frame_prefers_row_with_values(mini_age: pd.DataFrame) -> None:
    rows = rs.municipality_frame(mini_age, "population")
    per_ags = rows.drop_duplicates("ags").set_index("ags")
    # Barwedel is listed under its current and a former Samtgemeinde; the row with values wins.
    assert per_ags.loc["03151002", "region_key"] == "03151401002"
    assert bool(per_ags.loc["03151002", "has_values"])
    assert not bool(per_ags.loc["14627160", "has_values"])
    # No association row ever counts as a municipality.
    assert not set(rows["region_key"]) & {"03151401", "03151402", "0713101"}
    assert {"02000000", "03101000", "11000000", "07131007", "07131001"} <= set(per_ags.index)


def test_age_sum_mismatch_raises(tmp_path: Path) -> None:
    text = MINI_AGE.read_text(encoding="utf-8")
    broken = tmp_path / "age_bad.csv"
    # Gröditz male "unter 3 Jahre" 95 -> 96: the male groups no longer sum to the total.
    broken.write_text(text.replace("7409;95;92;", "7409;96;92;"), encoding="utf-8")
    with pytest.raises(DataValidationError, match=r"age_bad\.csv.*do not sum"):
        rs.read_municipal_age_2015(broken)


def test_age_sex_mismatch_raises(tmp_path: Path) -> None:
    text = MINI_AGE.read_text(encoding="utf-8")
    line = next(x for x in text.splitlines() if x.startswith("14627050;"))
    cells = line.split(";")
    # Total "unter 3 Jahre" and total "Insgesamt" +1: groups still sum, male + female do not.
    cells[2] = str(int(cells[2]) + 1)
    cells[19] = str(int(cells[19]) + 1)
    broken = tmp_path / "age_sex.csv"
    broken.write_text(text.replace(line, ";".join(cells)), encoding="utf-8")
    with pytest.raises(DataValidationError, match=r"male \+ female"):
        rs.read_municipal_age_2015(broken)


def test_age_rejects_latin1_and_missing_footer(tmp_path: Path) -> None:
    text = MINI_AGE.read_text(encoding="utf-8")
    latin = tmp_path / "latin.csv"
    latin.write_bytes(text.encode("latin-1", errors="replace"))
    with pytest.raises(DataValidationError, match="not UTF-8"):
        rs.read_municipal_age_2015(latin)
    no_footer = tmp_path / "no_footer.csv"
    no_footer.write_text(text.split("__________")[0], encoding="utf-8")
    with pytest.raises(DataValidationError, match="footer rule"):
        rs.read_municipal_age_2015(no_footer)


def test_age_rejects_unknown_age_label(tmp_path: Path) -> None:
    text = MINI_AGE.read_text(encoding="utf-8")
    broken = tmp_path / "labels.csv"
    broken.write_text(text.replace("75 Jahre und mehr", "75 bis unter 80 Jahre"), "utf-8")
    with pytest.raises(DataValidationError, match="header row"):
        rs.read_municipal_age_2015(broken)


def test_age_rejects_text_in_cells(tmp_path: Path) -> None:
    text = MINI_AGE.read_text(encoding="utf-8")
    broken = tmp_path / "text.csv"
    broken.write_text(text.replace("7409;95;92;", "7409;9S;92;"), encoding="utf-8")
    with pytest.raises(DataValidationError, match="neither numbers nor missing"):
        rs.read_municipal_age_2015(broken)


# ---------------------------------------------------------------------------------------------
# 12711-01-03-5 on the fixture
# ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def mini_migration() -> pd.DataFrame:
    return rs.read_migration_2015(MINI_MIGRATION)


def test_fixture_migration_shape(mini_migration: pd.DataFrame) -> None:
    assert list(mini_migration.columns) == rs.MIGRATION_COLUMNS
    assert len(mini_migration) == 10 * 2 * 3 * 7
    assert set(mini_migration["direction"]) == {"in", "out"}
    assert str(mini_migration["moves"].dtype) == "Int64"


def test_fixture_migration_gröditz(mini_migration: pd.DataFrame) -> None:
    # Row "14627050;        Gröditz, Stadt" of 12711-01-03-5_2015.csv.
    def moves(direction: str, age_order: int, sex: str = "insgesamt") -> object:
        return cell(
            mini_migration,
            "moves",
            region_key="14627050",
            direction=direction,
            sex=sex,
            age_order=age_order,
        )

    assert moves("in", 6) == 369
    assert moves("out", 6) == 350
    assert moves("in", 1) == 71
    assert moves("out", 1) == 58
    assert moves("in", 6, "weiblich") == 127


def test_fixture_migration_empty_direction_is_zero(mini_migration: pd.DataFrame) -> None:
    # Friedrichsgabekoog: moves in reported, moves out "-" throughout = none.
    rows = mini_migration[
        (mini_migration["region_key"] == "03151403") & (mini_migration["direction"] == "out")
    ]
    assert (rows["moves"] == 0).all()
    assert rows["inferred_zero"].all()


def test_fixture_migration_secret_cell_stays_unknown(mini_migration: pd.DataFrame) -> None:
    rows = mini_migration[mini_migration["region_key"] == "06532019"]
    unknown = rows[rows["moves"].isna()]
    assert len(unknown) == 1
    assert unknown[["direction", "sex", "age_order"]].iloc[0].tolist() == ["in", "männlich", 5]
    assert cell(rows, "moves", direction="in", sex="insgesamt", age_order=6) == 93


def test_fixture_migration_dissolved_row_unknown(mini_migration: pd.DataFrame) -> None:
    rows = mini_migration[mini_migration["region_key"] == "14627160"]
    assert rows["moves"].isna().all()


# ---------------------------------------------------------------------------------------------
# Births and deaths on the fixtures
# ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def mini_natural() -> pd.DataFrame:
    return rs.natural_change(rs.read_births(MINI_BIRTHS), rs.read_deaths(MINI_DEATHS))


def test_fixture_vital_levels_and_balance(mini_natural: pd.DataFrame) -> None:
    levels = mini_natural.drop_duplicates("region_key").set_index("region_key")["level"]
    assert levels["DG"] == rs.COUNTRY
    assert levels["03241001"] == rs.DISTRICT_CITY
    assert levels["031"] == rs.REGION
    assert levels["14627"] == rs.DISTRICT
    row = mini_natural[(mini_natural["region_key"] == "14627") & (mini_natural["year"] == 2015)]
    # births 2015: 11·11 + 10·11 = 231; deaths 2015: 11·13 + 10·13 = 273.
    assert row[["births", "deaths", "balance"]].iloc[0].tolist() == [231, 273, -42]
    assert row["balance_female"].iloc[0] == 110 - 130
    gone = mini_natural[mini_natural["region_key"] == "03159"]
    assert gone["births"].isna().all() and gone["balance"].isna().all()


def test_fixture_vital_sums_on_2015_status(mini_natural: pd.DataFrame) -> None:
    checks = rs.status_2015_sum_check(mini_natural)
    # Niedersachsen: 03241 + 03152 (the city row 03241001 is inside 03241 and not added).
    assert (checks["difference"] == 0).all()
    assert set(checks["parent_key"]) == {"DG", "03", "14"}
    assert len(checks) == 2 * 2 * 3


def test_vital_sex_mismatch_raises(tmp_path: Path) -> None:
    text = MINI_BIRTHS.read_text(encoding="utf-8")
    broken = tmp_path / "births_bad.csv"
    broken.write_text(text.replace("2015;02;  Hamburg;605;", "2015;02;  Hamburg;606;"), "utf-8")
    with pytest.raises(DataValidationError, match=r"births_bad\.csv: male \+ female"):
        rs.read_births(broken)


# ---------------------------------------------------------------------------------------------
# Footnotes
# ---------------------------------------------------------------------------------------------


def test_footnotes_parsed_and_rejoined() -> None:
    table = rs.read_table(MINI_MIGRATION)
    notes = rs.parse_footnotes("12711-01-03-5", table.footnotes)
    texts = [n["text"] for n in notes]
    assert texts[0] == (
        "2015: Differenzen resultieren aus Korrekturen in der Bundesveröffentlichung für ein "
        "ausgeglichenen Binnenwanderungssaldo innerhalb Deutschlands."
    )
    saxony = [n for n in notes if n["state_key"] == "14"]
    assert saxony[0]["text"].startswith("Sachsen: ohne die im Hinblick auf das Herkunfts- bzw. ")
    assert "Zielgebiet" in saxony[0]["text"]
    assert (saxony[1]["year_from"], saxony[1]["year_to"]) == (2012, 2012)
    rlp = next(n for n in notes if n["state_key"] == "07")
    assert (rlp["year_from"], rlp["year_to"]) == (2011, None)


def test_territorial_status_notes_for_2015() -> None:
    notes = rs.parse_footnotes("12411-02-03-5", rs.read_table(MINI_AGE).footnotes)
    assert rs.territorial_status_notes(notes, 2015) == {
        "08": "Baden-Württemberg (ab Berichtsjahr 2011): Gebietsstand 01.01.2011",
        "07": "Rheinland-Pfalz (ab 2011): Gebietsstand des Folgejahres",
    }
    assert "15" in rs.territorial_status_notes(notes, 2013)
    census = notes[0]
    assert census["state_key"] is None and census["year_from"] == 2011
    births = rs.parse_footnotes(
        "12612-01-01-4", rs.read_table(MINI_BIRTHS, year_column=True).footnotes
    )
    sh = next(n for n in births if n["state_key"] == "01")
    assert (sh["year_from"], sh["year_to"]) == (2002, 2003)
    berlin = next(n for n in births if n["state_key"] == "11")
    assert (berlin["year_from"], berlin["year_to"]) == (1995, 2000)


# ---------------------------------------------------------------------------------------------
# Build step on the fixtures
# ---------------------------------------------------------------------------------------------


def test_build_on_fixtures(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    folder = raw / rs.RAW_FOLDER
    folder.mkdir(parents=True)
    for source, target in (
        (MINI_AGE, rs.AGE_FILE),
        (MINI_MIGRATION, rs.MIGRATION_FILE),
        (MINI_BIRTHS, rs.BIRTHS_FILE),
        (MINI_DEATHS, rs.DEATHS_FILE),
    ):
        (folder / target).write_bytes(source.read_bytes())
    out = tmp_path / "out"
    out.mkdir()
    counts = rs.build_regional_stats(raw, out)
    age = pd.read_parquet(out / "municipal_age_2015.parquet")
    assert list(age.columns) == rs.OUTPUT_AGE_COLUMNS
    assert counts["municipal_age_2015.parquet"] == len(age)
    # Without GV-ISys only rows with values are kept: no dissolved Nauwalde, no Giebel.
    assert "14627160" not in set(age["ags"]) and "03151501" not in set(age["ags"])
    assert not set(age["level"]) & {rs.ASSOCIATION, rs.BERLIN_BOROUGH, rs.REGION}
    rlp = age[age["ags"].str.startswith("07")]
    assert (
        rlp["territorial_note"] == "Rheinland-Pfalz (ab 2011): Gebietsstand des Folgejahres"
    ).all()
    assert age.loc[age["ags"] == "14627050", "territorial_note"].isna().all()
    notes = json.loads((out / "regional_stats_notes.json").read_text(encoding="utf-8"))
    assert {n["table"] for n in notes["footnotes"]} == set(rs.TABLE_IDS.values())
    assert notes["checks"]["natural_change_sums_2015_status"]["different"] == []


def test_region_rows_of_the_committed_data_cover_germany_and_all_states():
    from ksg_dashboard.data import datastore

    age = datastore.read_region_age_2015()
    migration = datastore.read_region_migration_2015()
    expected = {"DG", *(f"{i:02d}" for i in range(1, 17))}
    assert set(age["ags"]) == expected and set(migration["ags"]) == expected
    total = age[(age["ags"] == "DG") & (age["sex"] == "insgesamt") & age["is_total"]]
    assert int(total["population"].iloc[0]) == 82_175_684
