"""Invariants of the committed data in data/, read through ksg_dashboard.data.datastore."""

from __future__ import annotations

import hashlib
import json

import geopandas as gpd
import pandas as pd
import pytest

from ksg_dashboard.core.config import REPO_ROOT
from ksg_dashboard.core.validation import GERMANY_LAT, GERMANY_LON
from ksg_dashboard.data import datastore

# The committed data, independent of KSG_DATA_DIR (other tests point that at temporary dirs).
DATA = REPO_ROOT / "data"
META_FILES = {"sources.json", "SOURCES.md", "manifest.json"}
MAX_DATA_BYTES = 40 * 1024 * 1024


@pytest.fixture(scope="module")
def population() -> pd.DataFrame:
    return datastore.read_population(DATA)


@pytest.fixture(scope="module")
def municipalities() -> pd.DataFrame:
    return datastore.read_municipalities(DATA)


@pytest.fixture(scope="module")
def district_age() -> pd.DataFrame:
    return datastore.read_district_age(DATA)


@pytest.fixture(scope="module", params=["overview", "regional"])
def shapes(request: pytest.FixtureRequest) -> gpd.GeoDataFrame:
    return datastore.read_municipality_shapes(request.param, DATA)


# ---------------------------------------------------------------------------------------------
# Population totals
# ---------------------------------------------------------------------------------------------

# Published national totals (Destatis, 31.12.), 2010–2011 register-based, from 2012 census-based.
# 2016 is the published 82,521,653 minus the six NRW municipalities GV-ISys leaves blank.
NATIONAL_TOTALS = {
    2010: 81_751_602,
    2011: 81_843_743,
    2012: 80_523_746,
    2013: 80_767_463,
    2014: 81_197_537,
    2015: 82_175_684,
    2016: 82_521_653 - 136_515,
    2017: 82_792_351,
    2018: 83_019_213,
    2019: 83_166_711,
    2020: 83_155_031,
    2021: 83_237_124,
    2022: 84_358_845,
}
AGE_YEARS = range(2015, 2021)
# GV-ISys 2016 publishes '/' for six NRW municipalities; 12411-0018 has their districts complete.
# Difference (municipality sum - district table) per district, 2016 only.
GAP_2016_BY_DISTRICT = {
    "05154": -12_350,  # Kleve: Kerken
    "05554": -6_609,  # Borken: Schöppingen
    "05762": -26_897,  # Höxter: Bad Driburg + Borgentreich
    "05962": -33_779,  # Märkischer Kreis: Hemer
    "05978": -56_880,  # Unna: Unna
}


def test_national_total_per_year(population: pd.DataFrame) -> None:
    totals = population.groupby("year")["population"].sum()
    assert {int(y): int(v) for y, v in totals.items()} == NATIONAL_TOTALS
    assert totals.loc[2018] == 83_019_213


def test_national_totals_match_district_table(
    population: pd.DataFrame, district_age: pd.DataFrame
) -> None:
    municipal = population[population["year"].isin(AGE_YEARS)].groupby("year")["population"].sum()
    published = district_age.groupby("year")["population"].sum()
    difference = (municipal - published).to_dict()
    assert difference == {2015: 0, 2016: -136_515, 2017: 0, 2018: 0, 2019: 0, 2020: 0}
    assert published.loc[2016] == 82_521_653


def _compare(population: pd.DataFrame, district_age: pd.DataFrame, level: str) -> pd.DataFrame:
    age = district_age.assign(state_key=district_age["district_key"].str[:2])
    municipal = (
        population[population["year"].isin(AGE_YEARS)].groupby([level, "year"])["population"].sum()
    )
    published = age.groupby([level, "year"])["population"].sum()
    return pd.concat({"municipal": municipal, "published": published}, axis=1)


def test_state_totals_match_district_table(
    population: pd.DataFrame, district_age: pd.DataFrame
) -> None:
    both = _compare(population, district_age, "state_key")
    assert both.notna().all().all()
    assert len(both) == 16 * 6
    diff = both["municipal"] - both["published"]
    assert diff[diff != 0].to_dict() == {("05", 2016): -136_515}


def test_district_totals_match_district_table(
    population: pd.DataFrame, district_age: pd.DataFrame
) -> None:
    both = _compare(population, district_age, "district_key")
    # Only the pseudo-districts of two uninhabited unincorporated areas (07000999 German-
    # Luxembourg condominium, 13000999) are not in the district table; they hold nobody.
    only_municipal = both[both["published"].isna()]
    assert set(only_municipal.index.get_level_values(0)) == {"07000", "13000"}
    assert (only_municipal["municipal"] == 0).all()
    assert both["municipal"].notna().all()
    matched = both.dropna()
    diff = matched["municipal"] - matched["published"]
    assert {k: int(v) for k, v in diff[diff != 0].items()} == {
        (key, 2016): value for key, value in GAP_2016_BY_DISTRICT.items()
    }
    # Göttingen/Osterode (2015) and Göttingen new (2016 on) are matched as well.
    assert ("03152", 2015) in matched.index
    assert ("03159", 2016) in matched.index


def test_state_and_district_keys_follow_ags(population: pd.DataFrame) -> None:
    assert (population["ags"].str[:2] == population["state_key"]).all()
    assert (population["ags"].str[:5] == population["district_key"]).all()


# ---------------------------------------------------------------------------------------------
# Series break, gaps, zeros
# ---------------------------------------------------------------------------------------------


def test_census_break_marked(population: pd.DataFrame) -> None:
    assert population["census_based"].dtype == bool
    not_census = sorted(population.loc[~population["census_based"], "year"].unique().tolist())
    assert not_census == [2010, 2011]
    assert population.loc[population["year"] >= 2012, "census_based"].all()
    assert sorted(population["year"].unique().tolist()) == list(range(2010, 2023))


def test_gaps_stay_missing(population: pd.DataFrame) -> None:
    gaps = population[population["population"].isna()]
    assert sorted(gaps["ags"]) == [
        "05154028",
        "05554052",
        "05762004",
        "05762012",
        "05962016",
        "05978036",
    ]
    assert set(gaps["year"]) == {2016}
    assert gaps["male"].isna().all()
    assert gaps["female"].isna().all()
    # The same municipalities have values in the neighbouring years.
    around = population[population["ags"].isin(gaps["ags"]) & population["year"].isin([2015, 2017])]
    assert len(around) == 12
    assert (around["population"] > 0).all()


def test_zero_only_for_uninhabited_unincorporated_areas(population: pd.DataFrame) -> None:
    zero = population["population"] == 0
    uninhabited = population["type"] == "Gemeindefreies Gebiet, unbewohnt"
    assert (zero.fillna(False) == uninhabited).all()
    assert zero.sum() == 1_514
    inhabited = population[population["type"] == "Gemeindefreies Gebiet, bewohnt"]
    assert (inhabited["population"] > 0).all()


def test_male_plus_female_is_total(population: pd.DataFrame) -> None:
    known = population.dropna(subset=["population"])
    assert (known["male"] + known["female"] == known["population"]).all()


def test_counts_per_year(population: pd.DataFrame) -> None:
    counts = population.groupby("year").size()
    assert counts.loc[2011] == 11_368
    assert counts.loc[2018] == 11_089  # 11,097 Satzart-60 rows minus 8 verbatim repeats
    assert counts.loc[2022] == 10_993


# ---------------------------------------------------------------------------------------------
# Register and workshop towns
# ---------------------------------------------------------------------------------------------

WORKSHOP_TOWNS = {
    "14627050": "Gröditz",
    "14627340": "Wülknitz",
    "14627240": "Röderaue",
    "12062124": "Elsterwerda",
    "12062024": "Bad Liebenwerda",
    "12062128": "Falkenberg/Elster",
    "12062341": "Mühlberg/Elbe",
    "12062500": "Uebigau-Wahrenbrück",
    "12073572": "Templin",
    "09773170": "Syrgenstein",
    "09773112": "Bachhagel",
    "09773187": "Zöschingen",
    "05970004": "Bad Berleburg",
}


@pytest.mark.parametrize(("ags", "name"), WORKSHOP_TOWNS.items())
def test_workshop_towns_resolve(municipalities: pd.DataFrame, ags: str, name: str) -> None:
    row = municipalities[municipalities["ags"] == ags]
    assert len(row) == 1
    official = row["name"].iloc[0]
    # Official names may append the status: "Gröditz, Stadt".
    assert official.split(",")[0] == name, official
    assert row["last_year"].iloc[0] == 2022
    assert bool(row["in_boundaries_2016"].iloc[0])


def test_register_matches_population(
    population: pd.DataFrame, municipalities: pd.DataFrame
) -> None:
    assert set(municipalities["ags"]) == set(population["ags"])
    years = population.groupby("ags")["year"].agg(["min", "max"])
    register = municipalities.set_index("ags").loc[years.index]
    assert (register["first_year"] == years["min"]).all()
    assert (register["last_year"] == years["max"]).all()
    nauwalde = municipalities.set_index("ags").loc["14627160"]
    assert (nauwalde["name"], nauwalde["last_year"]) == ("Nauwalde", 2012)


def test_register_centres_inside_germany(municipalities: pd.DataFrame) -> None:
    placed = municipalities.dropna(subset=["lon", "lat"])
    assert placed["lon"].between(*GERMANY_LON).all()
    assert placed["lat"].between(*GERMANY_LAT).all()
    current = municipalities[municipalities["last_year"] == 2022]
    assert current["lon"].notna().mean() > 0.99


# ---------------------------------------------------------------------------------------------
# Curated cooperations and measures
# ---------------------------------------------------------------------------------------------

WORKSHOP_COOPERATIONS = {
    "region-in-bewegung",
    "kurstadtregion-elbe-elster",
    "mittelbereich-templin",
    "ag-bachtal",
    "bad-berleburg",
}


def test_workshop_cooperations_exist() -> None:
    ids = [record["id"] for record in datastore.read_cooperations(DATA)]
    assert len(ids) == len(set(ids))
    assert set(ids) >= WORKSHOP_COOPERATIONS


def test_cooperations_have_sources_and_known_members(municipalities: pd.DataFrame) -> None:
    known = set(municipalities["ags"])
    for record in datastore.read_cooperations(DATA):
        sources = record.get("sources")
        assert sources, record["id"]
        assert all(source.get("title") for source in sources), record["id"]
        assert any(source.get("url") for source in sources), record["id"]
        assert record["member_ags"], record["id"]
        assert set(record["member_ags"]) <= known, record["id"]
        # lead_ags is null where no lead municipality is documented (curated/cooperations.yaml).
        assert record["lead_ags"] in {None, *record["member_ags"]}, record["id"]
        listed = {m["ags"] for m in record["members"] if m.get("ags")}
        assert listed == set(record["member_ags"]), record["id"]
        for member in record["members"]:
            assert member.get("source"), (record["id"], member["name"])


def test_kurstadtregion_members() -> None:
    records = {r["id"]: r for r in datastore.read_cooperations(DATA)}
    assert sorted(records["kurstadtregion-elbe-elster"]["member_ags"]) == [
        "12062024",
        "12062128",
        "12062341",
        "12062500",
    ]
    assert sorted(records["ag-bachtal"]["member_ags"]) == ["09773112", "09773170", "09773187"]


def test_measures_have_sources_and_known_members(municipalities: pd.DataFrame) -> None:
    known = set(municipalities["ags"])
    measures = datastore.read_measures(DATA)
    assert measures
    ids = [record["id"] for record in measures]
    assert len(ids) == len(set(ids))
    for record in measures:
        source = record.get("source")
        assert source and source.get("title") and source.get("url"), record["id"]
        assert set(record["member_ags"]) <= known, record["id"]
        listed = {m["ags"] for m in record["members"] if m.get("ags")}
        assert listed == set(record["member_ags"]), record["id"]


# ---------------------------------------------------------------------------------------------
# Boundaries
# ---------------------------------------------------------------------------------------------

# Uninhabited unincorporated areas of GV-ISys 2022 without a VG250 polygon (a condominium with
# Luxembourg and coastal waters); every other 2022 key has exactly one polygon.
KEYS_WITHOUT_POLYGON = {"07000999", "10042999", "13000999"}


def test_shapes_complete_and_valid(shapes: gpd.GeoDataFrame) -> None:
    assert len(shapes) == 10_990
    assert shapes["ags"].is_unique
    assert shapes.crs is not None
    assert shapes.crs.to_epsg() == 4326
    assert shapes.geometry.notna().all()
    assert not shapes.geometry.is_empty.any()
    assert shapes.geometry.is_valid.all()
    assert set(shapes.geom_type) <= {"Polygon", "MultiPolygon"}
    assert (shapes.to_crs(25832).geometry.area > 10_000).all()  # > 1 ha each


def test_shapes_inside_germany(shapes: gpd.GeoDataFrame) -> None:
    minx, miny, maxx, maxy = shapes.total_bounds
    assert GERMANY_LON[0] <= minx < maxx <= GERMANY_LON[1]
    assert GERMANY_LAT[0] <= miny < maxy <= GERMANY_LAT[1]


def test_shapes_match_register(shapes: gpd.GeoDataFrame, municipalities: pd.DataFrame) -> None:
    current = municipalities[municipalities["last_year"] == 2022]
    assert set(shapes["ags"]) == set(current["ags"]) - KEYS_WITHOUT_POLYGON
    without = current[current["ags"].isin(KEYS_WITHOUT_POLYGON)]
    assert (without["type"] == "Gemeindefreies Gebiet, unbewohnt").all()
    # Every historic key points to a successor with a polygon (or to one of the three above).
    assert municipalities["successor_2022"].notna().all()
    assert (
        municipalities["has_polygon_2022"]
        | municipalities["successor_2022"].isin(KEYS_WITHOUT_POLYGON)
    ).all()
    assert len(municipalities.loc[municipalities["in_boundaries_2016"]]) == 11_294


def test_neighbours_share_an_edge(shapes: gpd.GeoDataFrame) -> None:
    by_ags = shapes.set_index("ags").geometry
    groeditz, roederaue = by_ags.loc["14627050"], by_ags.loc["14627240"]
    assert groeditz.touches(roederaue)  # common boundary, no overlap
    shared = groeditz.intersection(roederaue)
    assert shared.geom_type in {"LineString", "MultiLineString"}
    assert shared.length > 0.01  # degrees, i.e. kilometres of common border
    assert groeditz.intersection(roederaue).area == 0


def test_levels_have_same_keys_and_less_detail_in_overview() -> None:
    overview = datastore.read_municipality_shapes("overview", DATA)
    regional = datastore.read_municipality_shapes("regional", DATA)
    assert set(overview["ags"]) == set(regional["ags"])
    coords = {
        name: frame.geometry.count_coordinates().sum()
        for name, frame in (("overview", overview), ("regional", regional))
    }
    assert coords["overview"] < coords["regional"]


# ---------------------------------------------------------------------------------------------
# Regional statistics 2015 (municipal age, migration, natural change)
# ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def municipal_age() -> pd.DataFrame:
    return datastore.read_municipal_age_2015(DATA)


@pytest.fixture(scope="module")
def migration() -> pd.DataFrame:
    return datastore.read_migration_2015(DATA)


def _groups_sum_to_total(frame: pd.DataFrame, keys: list[str], value: str) -> None:
    """Where every group and the total are known, the groups sum to the total."""
    groups = frame[~frame["is_total"]].groupby(keys)[value]
    complete = groups.count() == groups.size()
    totals = frame[frame["is_total"]].set_index(keys)[value].reindex(complete.index)
    checked = complete & totals.notna()
    assert checked.sum() > 0
    assert (groups.sum()[checked] == totals[checked]).all()


def test_municipal_age_sums_and_sexes(municipal_age: pd.DataFrame) -> None:
    _groups_sum_to_total(municipal_age, ["ags", "sex"], "population")
    wide = municipal_age.pivot_table(
        index=["ags", "age_order"], columns="sex", values="population", aggfunc="first"
    ).dropna()
    assert (wide["männlich"] + wide["weiblich"] == wide["insgesamt"]).all()


def test_municipal_age_matches_gvisys_2015(
    municipal_age: pd.DataFrame, population: pd.DataFrame
) -> None:
    totals = municipal_age[municipal_age["is_total"] & (municipal_age["sex"] == "insgesamt")]
    totals = totals.set_index("ags")["population"]
    gv = population[population["year"] == 2015].set_index("ags")["population"]
    both = totals.dropna().index.intersection(gv.index)
    assert (totals[both] == gv[both]).all()
    assert len(both) == 11_137
    assert totals.sum() == 82_175_684
    assert totals["14627050"] == 7409  # Gröditz


def test_municipal_age_has_no_associations(municipal_age: pd.DataFrame) -> None:
    assert set(municipal_age["level"]) == {"municipality", "district", "state", "unincorporated"}
    per_ags = municipal_age.drop_duplicates("ags")
    assert (per_ags["level"] != "unincorporated").sum() == 11_090
    assert per_ags.loc[per_ags["level"] == "state", "ags"].tolist() == ["02000000", "11000000"]


def test_migration_sums_and_sexes(migration: pd.DataFrame) -> None:
    _groups_sum_to_total(migration, ["ags", "direction", "sex"], "moves")
    wide = migration.pivot_table(
        index=["ags", "direction", "age_order"], columns="sex", values="moves", aggfunc="first"
    ).dropna()
    assert (wide["männlich"] + wide["weiblich"] == wide["insgesamt"]).all()
    assert set(migration["ags"]) == set(datastore.read_municipal_age_2015(DATA)["ags"])


def test_natural_change_balance() -> None:
    natural = datastore.read_natural_change(DATA)
    known = natural.dropna(subset=["births", "deaths"])
    assert (known["balance"] == known["births"] - known["deaths"]).all()
    germany = natural[(natural["region_key"] == "DG") & (natural["year"] == 2015)].iloc[0]
    assert (germany["births"], germany["deaths"]) == (737_575, 925_200)
    assert germany["population"] == 82_175_684


def test_regional_stats_notes() -> None:
    notes = datastore.read_regional_stats_notes(DATA)
    assert set(notes["territorial_status_2015"]["municipal_age_2015"]) == {"07", "08"}
    assert all(n["text"] for n in notes["footnotes"])


# ---------------------------------------------------------------------------------------------
# Files, size, sources
# ---------------------------------------------------------------------------------------------


def test_data_under_40_mb() -> None:
    size = sum(path.stat().st_size for path in DATA.rglob("*") if path.is_file())
    assert size < MAX_DATA_BYTES, f"data/ is {size / 1e6:.1f} MB"


def test_sources_cover_every_file() -> None:
    records = datastore.read_sources(DATA)
    listed = [name for record in records.values() for name in record["files"]]
    assert len(listed) == len(set(listed)), "file listed under two sources"
    for name in listed:
        assert (DATA / name).is_file(), name
    data_files = {p.name for p in DATA.iterdir() if p.is_file()} - META_FILES
    assert data_files == set(listed)
    for key, record in records.items():
        for field in ("title", "publisher", "licence", "attribution"):
            assert record.get(field), (key, field)


def test_manifest_matches_files() -> None:
    manifest = json.loads((DATA / "manifest.json").read_text(encoding="utf-8"))
    files = {p.name for p in DATA.iterdir() if p.is_file()} - {"manifest.json"}
    assert set(manifest["files"]) == files
    for name, entry in manifest["files"].items():
        content = (DATA / name).read_bytes()
        assert len(content) == entry["bytes"], name
        assert hashlib.sha256(content).hexdigest() == entry["sha256"], name


@pytest.mark.parametrize("level", ["overview", "regional"])
def test_polygons_carry_keys_and_names_of_district_and_state(level):
    shapes = gpd.read_parquet(DATA / f"municipalities_{level}.parquet").set_index("ags")
    assert shapes.loc["14627050", ["name", "type", "district_name", "state_name"]].tolist() == [
        "Gröditz",
        "Stadt",
        "Meißen",
        "Sachsen",
    ]
    assert shapes.loc["14627050", "ars"] == "146270050050"
    assert shapes["district_name"].notna().all() and shapes["state_name"].notna().all()
    assert (shapes.index.str[:5] == shapes["district_key"]).all()
