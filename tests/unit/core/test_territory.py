"""The territory of 31.12.2022: crosswalk, change register, re-keyed population, polygons.

Expected numbers are computed by hand from the GV-ISys files (population 31.12., area km²):
- Gröditz 14627050 absorbed Nauwalde 14627160 in 2013. 2012: Gröditz 6,619 + Nauwalde 1,007
  = 7,626; 2018: 7,125; 2022: 6,877. Like for like 2012→2018: 7,125 / 7,626 − 1 = −6.57 %;
  as published: 7,125 / 6,619 − 1 = +7.64 %.
- Langelsheim got a new key 03153019 in 2021 (Hahausen 03153006, Langelsheim 03153007,
  Lutter am Barenberge 03153009, Wallmoden 03153014). 2012: 801 + 11,876 + 2,417 + 946 =
  16,040; 2022: 15,043 → −6.22 %. Areas 2020: 9.73 + 48.81 + 33.33 + 16.90 = 108.77 km²,
  2021: 108.76 km².
- Schwedt/Oder 12073532 absorbed Schöneberg 12073505 in 2021 and Berkholz-Meyenburg 12073032,
  Mark Landin 12073386 and Passow 12073603 in 2022. 2012: 31,042 + 863 + 1,266 + 1,054 + 1,533
  = 35,758; 2022: 33,495 → −6.33 % (as published: 33,495 / 31,042 − 1 = +7.90 %).
- Eisenach was renumbered in 2021 (16056000 → 16063105, 104.17 km² before and after):
  2012: 41,744; 2022: 42,408 → +1.59 %.
"""

from __future__ import annotations

import json

import geopandas as gpd
import pandas as pd
import pytest

from databuild import territory as build
from ksg_dashboard.core import territory
from ksg_dashboard.core.config import REPO_ROOT
from ksg_dashboard.data import datastore
from ksg_dashboard.demography.model import INDICATORS, fixed_set_series, municipality_table
from ksg_dashboard.demography.views import ranking

DATA = REPO_ROOT / "data"
GROEDITZ, NAUWALDE = "14627050", "14627160"
LANGELSHEIM = "03153019"
SCHWEDT = "12073532"
EISENACH_OLD, EISENACH = "16056000", "16063105"
KEYS_WITHOUT_POLYGON = {"07000999", "10042999", "13000999"}


@pytest.fixture(scope="module")
def published() -> pd.DataFrame:
    return datastore.read_population(DATA)


@pytest.fixture(scope="module")
def consistent() -> pd.DataFrame:
    return datastore.read_population_2022(DATA)


@pytest.fixture(scope="module")
def crosswalk() -> pd.DataFrame:
    return datastore.read_crosswalk(DATA)


@pytest.fixture(scope="module")
def changes() -> pd.DataFrame:
    return datastore.read_territorial_changes(DATA)


@pytest.fixture(scope="module")
def register() -> pd.DataFrame:
    return datastore.read_municipalities(DATA)


def value(frame: pd.DataFrame, ags: str, year: int, column: str = "population"):
    rows = frame[(frame["ags"] == ags) & (frame["year"] == year)]
    return None if rows.empty else rows[column].iloc[0]


# --- crosswalk ---------------------------------------------------------------------------------


def test_crosswalk_covers_every_key_of_every_year(crosswalk, published) -> None:
    keys = set(zip(published["year"], published["ags"], strict=True))
    assert set(zip(crosswalk["year"], crosswalk["ags"], strict=True)) == keys
    shares = crosswalk.groupby(["year", "ags"])[["pop_share", "area_share"]].sum()
    assert ((shares - 1).abs() < 1e-4).all().all()
    targets = set(published.loc[published["year"] == 2022, "ags"])
    assert set(crosswalk["ags22"]) <= targets
    # 2022 keys map to themselves.
    latest = crosswalk[crosswalk["year"] == 2022]
    assert (latest["ags"] == latest["ags22"]).all()


@pytest.mark.parametrize(
    ("year", "old", "new"),
    [
        (2012, NAUWALDE, GROEDITZ),
        (2012, GROEDITZ, GROEDITZ),
        (2020, "03153006", LANGELSHEIM),
        (2020, "03153007", LANGELSHEIM),
        (2021, "12073603", SCHWEDT),
        (2020, EISENACH_OLD, EISENACH),
        (2015, "03152009", "03159013"),  # Friedland, renumbered in the Göttingen reform 2016
    ],
)
def test_crosswalk_successors(crosswalk, year: int, old: str, new: str) -> None:
    rows = crosswalk[(crosswalk["year"] == year) & (crosswalk["ags"] == old)]
    assert rows["ags22"].tolist() == [new]
    assert rows["pop_share"].tolist() == [1.0]


def test_split_shares_come_from_the_bbsr(crosswalk) -> None:
    # 14522610 (2010) was split between two successors; the BBSR gives 0.680166 / 0.319834.
    rows = crosswalk[(crosswalk["year"] == 2010) & (crosswalk["ags"] == "14522610")]
    assert dict(zip(rows["ags22"], rows["pop_share"].round(6), strict=True)) == {
        "14522080": 0.680166,
        "14522570": 0.319834,
    }
    assert rows["estimated"].eq(False).all()


# --- change register ---------------------------------------------------------------------------


def test_changes_after_the_bbsr_crosswalk_are_derived_with_evidence(changes) -> None:
    late = changes[changes["year"] > 2020]
    kept = late[late["kind"] != "boundary_shift"]
    found = set(zip(kept["year"], kept["old_ags"], kept["new_ags"], kept["kind"], strict=True))
    assert found == {
        (2021, "03153006", LANGELSHEIM, "merger"),
        (2021, "03153007", LANGELSHEIM, "merger"),
        (2021, "03153009", LANGELSHEIM, "merger"),
        (2021, "03153014", LANGELSHEIM, "merger"),
        (2021, "07132074", "07132502", "merger"),
        (2021, "07132084", "07132502", "merger"),
        (2021, "12073505", SCHWEDT, "merger"),
        (2021, EISENACH_OLD, EISENACH, "renumbering"),
        (2021, "16065023", "16065089", "merger"),
        (2021, "16065082", "16065089", "merger"),
        (2021, "16065084", "16065089", "merger"),
        (2022, "09273454", "09273137", "merger"),
        (2022, "12073032", SCHWEDT, "merger"),
        (2022, "12073386", SCHWEDT, "merger"),
        (2022, "12073603", SCHWEDT, "merger"),
    }
    assert (late["source"] == build.SOURCE_DERIVED).all()
    langelsheim = kept[kept["new_ags"] == LANGELSHEIM]
    assert langelsheim["area_old_km2"].sum() == pytest.approx(108.77)
    assert langelsheim["area_successor_after_km2"].iloc[0] == pytest.approx(108.76)
    # Dammbach gained 5.66 km² from the unincorporated Rohrbrunner Forst: a boundary shift.
    shifts = late[late["kind"] == "boundary_shift"]
    dammbach = shifts[shifts["new_ags"] == "09671160"]
    assert dammbach["old_ags"].tolist() == ["09671456"]


def test_area_is_conserved_per_change_or_the_reason_is_given(changes) -> None:
    merged = changes[changes["kind"].isin(["merger", "renumbering", "split"])]
    late = merged[merged["year"] > 2020]
    assert (late["area_balance_km2"].abs() <= 0.1).all()
    unbalanced = merged[merged["area_balance_km2"].abs() > 0.1]
    assert len(unbalanced) < 0.15 * len(merged)
    assert unbalanced["note"].str.contains("Flächenbilanz").all()
    # Up to 2020 every change is either confirmed by the BBSR crosswalk or says it is not.
    early = merged[merged["year"] <= 2020]
    unconfirmed = early[early["confirmed_by_bbsr"].astype(str) == "False"]
    assert unconfirmed["note"].str.contains("BBSR").all()


def test_derivation_agrees_with_the_bbsr_crosswalk() -> None:
    """The figures the README reports (re-derived from raw in tests/raw/test_territory_raw.py)."""
    report = json.loads((DATA / "territory_validation.json").read_text(encoding="utf-8"))
    assert report["pairs"] == 112_120
    assert report["agreement"] == pytest.approx(0.9982, abs=5e-5)
    assert report["changed_pairs"] == 5_166
    assert report["changed_agreement"] == pytest.approx(0.9609, abs=5e-5)
    assert len(report["disagreements"]) == report["pairs"] - report["agree"]
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    assert "99,82 %" in readme and "96,09 %" in readme


# --- population on the 2022 territory -----------------------------------------------------------


def test_germany_total_per_year_is_the_same_in_both_views(published, consistent) -> None:
    for column in ("population", "male", "female"):
        a = published.groupby("year")[column].sum()
        b = consistent.groupby("year")[column].sum()
        assert (a == b).all(), column
    assert consistent.groupby("year")["population"].sum()[2018] == 83_019_213


def test_every_2022_municipality_has_the_full_series(consistent, published) -> None:
    keys = set(published.loc[published["year"] == 2022, "ags"])
    assert set(consistent["ags"]) == keys
    assert list(consistent.columns[: len(published.columns)]) == list(published.columns)
    counts = consistent.groupby("ags")["year"].nunique()
    # Only two uninhabited areas lack early years: 13000999 (coastal waters, listed from 2011)
    # and 10042999 (listed from 2019).
    assert counts[counts < 13].to_dict() == {"10042999": 4, "13000999": 12}


@pytest.mark.parametrize(
    ("ags", "year", "expected", "published_value"),
    [
        (GROEDITZ, 2012, 6_619 + 1_007, 6_619),
        (GROEDITZ, 2018, 7_125, 7_125),
        (LANGELSHEIM, 2012, 801 + 11_876 + 2_417 + 946, None),
        (LANGELSHEIM, 2022, 15_043, 15_043),
        (SCHWEDT, 2012, 31_042 + 863 + 1_266 + 1_054 + 1_533, 31_042),
        (SCHWEDT, 2022, 33_495, 33_495),
        (EISENACH, 2012, 41_744, None),
    ],
)
def test_hand_computed_values(consistent, published, ags, year, expected, published_value) -> None:
    assert value(consistent, ags, year) == expected
    assert value(published, ags, year) == published_value


def test_groeditz_declines_on_the_2022_territory(consistent, published) -> None:
    like_for_like = municipality_table(consistent, 2018, 2012).set_index("ags")
    as_published = municipality_table(published, 2018, 2012).set_index("ags")
    assert like_for_like.at[GROEDITZ, "veraenderung_pct"] == pytest.approx(-6.57, abs=0.005)
    assert as_published.at[GROEDITZ, "veraenderung_pct"] == pytest.approx(7.64, abs=0.005)
    table = municipality_table(consistent, 2022, 2012).set_index("ags")
    assert table.at[LANGELSHEIM, "veraenderung_pct"] == pytest.approx(-6.22, abs=0.005)
    assert table.at[SCHWEDT, "veraenderung_pct"] == pytest.approx(-6.33, abs=0.005)
    assert table.at[EISENACH, "veraenderung_pct"] == pytest.approx(1.59, abs=0.005)


def test_ranking_is_no_longer_topped_by_mergers(consistent, published) -> None:
    """As published, 45 of the top 100 growers 2012→2022 changed their area by over 1 %."""

    def area_jumps(frame: pd.DataFrame) -> int:
        table = municipality_table(frame, 2022, 2012)
        top = ranking(table, [], INDICATORS["veraenderung_pct"], {}).head(100)["AGS"]
        area = frame.pivot_table(index="ags", columns="year", values="area_km2")
        change = (area[2022] / area[2012] - 1).abs().reindex(top)
        return int((change > 0.01).sum())

    assert area_jumps(published) >= 40
    assert area_jumps(consistent) <= 5


# --- polygons -------------------------------------------------------------------------------


@pytest.mark.parametrize("level", ["overview", "regional"])
def test_every_2022_municipality_has_exactly_one_polygon(level, register) -> None:
    shapes = gpd.read_parquet(DATA / f"municipalities_{level}.parquet")
    assert shapes["ags"].is_unique
    current = register[register["last_year"] == 2022]
    municipalities = current[~territory.is_unincorporated(current["type"])]
    assert set(municipalities["ags"]) <= set(shapes["ags"])
    assert set(current["ags"]) - set(shapes["ags"]) == KEYS_WITHOUT_POLYGON
    # Merged units are one polygon of the successor's area (GV-ISys 2022 area within 3 %).
    by_ags = shapes.set_index("ags")
    area = by_ags.to_crs(3035).geometry.area / 1e6
    for key, expected in ((GROEDITZ, 28.94), (LANGELSHEIM, 108.76), (SCHWEDT, 360.74)):
        assert area[key] == pytest.approx(expected, rel=0.03), key
    assert by_ags.at[SCHWEDT, "n_polygons_2016"] == 5
    assert by_ags.at[GROEDITZ, "name"] == "Gröditz"


def test_web_layer_has_the_2022_keys() -> None:
    layer = json.loads((DATA / "municipalities_web.json").read_text(encoding="utf-8"))
    shapes = gpd.read_parquet(DATA / "municipalities_overview.parquet")
    assert layer["ags"] == shapes["ags"].tolist()
    assert NAUWALDE not in layer["ags"] and EISENACH in layer["ags"]
    assert EISENACH_OLD not in layer["ags"]


def test_register_points_every_old_key_to_its_successor(register) -> None:
    succ = register.set_index("ags")["successor_2022"]
    assert succ[NAUWALDE] == GROEDITZ
    assert succ[EISENACH_OLD] == EISENACH
    assert succ["12073603"] == SCHWEDT
    assert succ[GROEDITZ] == GROEDITZ
    key, note = territory.successor_note(NAUWALDE, register)
    assert key == GROEDITZ
    assert "Nauwalde" in note and "bis 2012" in note and "Gröditz" in note


# --- official totals --------------------------------------------------------------------------


def test_official_totals_fill_the_2016_gap(published) -> None:
    totals = datastore.read_official_totals(DATA)
    germany = totals[totals["level"] == "germany"].set_index("year")["population"]
    states = totals[totals["level"] == "state"]
    assert germany[2018] == 83_019_213
    assert germany[2016] == states[states["year"] == 2016]["population"].sum()
    # Where every municipality has a value, the municipality sum equals the district table.
    sums = published.groupby("year")["population"].sum(min_count=1)
    assert sums[2018] == germany[2018]
    nrw = published[(published["state_key"] == "05") & (published["year"] == 2016)]
    assert nrw["population"].isna().sum() == 6
    assert int(nrw["population"].sum()) < int(
        states[(states["key"] == "05") & (states["year"] == 2016)]["population"].iloc[0]
    )
    series = pd.DataFrame(
        {"population": [1.0, None], "male": [1.0, None], "female": [0.0, None]},
        index=[2015, 2016],
    )
    filled, notes = territory.with_official_totals(series, totals, ["05"])
    assert (
        filled.at[2016, "population"]
        == states[(states["key"] == "05") & (states["year"] == 2016)]["population"].iloc[0]
    )
    assert "eingeschränkt" in notes[2016]
    assert filled.at[2015, "population"] == 1.0  # known values are never replaced


# --- app-side helpers -------------------------------------------------------------------------


def test_parse_mode() -> None:
    assert territory.parse_mode(None) == ("2022", None)
    assert territory.parse_mode("jeweilig") == ("jeweilig", None)
    assert territory.parse_mode(" 2022 ") == ("2022", None)
    mode, note = territory.parse_mode("1990")
    assert mode == "2022" and "1990" in note


def test_flags_mark_values_spanning_a_change(changes, crosswalk) -> None:
    events = territory.change_events(changes, crosswalk)
    spans = territory.flags(events, [GROEDITZ, SCHWEDT, "14627240"], 2018, 2012)
    assert spans[GROEDITZ] == "⚑ 2013"
    assert SCHWEDT not in spans  # its changes are 2021 and 2022
    assert "14627240" not in spans  # Röderaue: no change
    assert territory.flags(events, [SCHWEDT], 2022, 2012)[SCHWEDT] == "⚑ 2021, 2022"
    # A value of 2018 drawn on the 2022 polygon: Schwedt changed after 2018.
    assert territory.flags(events, [SCHWEDT, GROEDITZ], 2018, None) == {SCHWEDT: "⚑ 2021, 2022"}


def test_resolve_members_keeps_the_curated_keys() -> None:
    records = [{"id": "x", "member_ags": [NAUWALDE, GROEDITZ, "12073603"]}]
    resolved = territory.resolve_members(records, {NAUWALDE: GROEDITZ, "12073603": SCHWEDT})
    assert resolved[0]["member_ags"] == [GROEDITZ, SCHWEDT]
    assert resolved[0]["member_ags_curated"] == [NAUWALDE, GROEDITZ, "12073603"]


def test_cooperation_sums_on_the_2022_territory(consistent, published) -> None:
    """Region in Bewegung 2012 includes Nauwalde, which joined Gröditz in 2013."""
    cooperation = next(
        c for c in datastore.read_cooperations(DATA) if c["id"] == "region-in-bewegung"
    )
    members = cooperation["member_ags"]
    assert GROEDITZ in members and NAUWALDE not in members
    series = fixed_set_series(consistent, members)
    by_hand = sum(value(published, a, 2012) for a in [*members, NAUWALDE])
    assert series.at[2012, "population"] == by_hand
    # As published, the 2012 sum lacks Nauwalde's 1,007 inhabitants.
    assert fixed_set_series(published, members).at[2012, "population"] == by_hand - 1_007
