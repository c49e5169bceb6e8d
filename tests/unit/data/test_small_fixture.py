"""The small fixture folder (tests/fixtures/small): in sync with data/, readable by every reader,
and large enough for the union rule (a cooperation across a state border) and a merger.

Expected values are computed here from the fixture's own files, not copied from the app.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from ksg_dashboard.core import indicators, territory
from ksg_dashboard.core.config import REPO_ROOT
from ksg_dashboard.core.selection import Selection, selected_ags
from ksg_dashboard.data import datastore
from ksg_dashboard.demography.model import municipality_table
from tests.fixtures import small_data as generator

DATA = REPO_ROOT / "data"
RIB = "region-in-bewegung"
GROEDITZ, NAUWALDE = "14627050", "14627160"

READERS = [
    datastore.read_population,
    datastore.read_population_2022,
    datastore.read_crosswalk,
    datastore.read_official_totals,
    datastore.read_territorial_changes,
    datastore.read_municipalities,
    datastore.read_municipality_shapes,
    datastore.read_districts,
    datastore.read_states,
    datastore.read_district_age,
    datastore.read_dependency_ratios,
    datastore.read_municipal_age_2015,
    datastore.read_migration_2015,
    datastore.read_age_2015_territory,
    datastore.read_migration_2015_territory,
    datastore.read_region_age_2015,
    datastore.read_region_migration_2015,
    datastore.read_natural_change,
    datastore.read_regional_stats_notes,
    datastore.read_associations,
    datastore.read_association_outlines,
    datastore.read_cooperations,
    datastore.read_measures,
    datastore.read_sources,
    datastore.read_web_layer,
    datastore.read_tour,
]


def test_regenerating_gives_identical_bytes(small_data: Path, tmp_path: Path) -> None:
    fresh = generator.build(tmp_path / "small")
    names = sorted(p.name for p in fresh.iterdir())
    assert names == sorted(p.name for p in small_data.iterdir())
    differ = [n for n in names if (fresh / n).read_bytes() != (small_data / n).read_bytes()]
    assert not differ, (
        f"tests/fixtures/small is out of sync with data/ ({differ}); rerun "
        "`python -m tests.fixtures.small_data tests/fixtures/small` and commit the result"
    )


def test_fixture_is_small(small_data: Path) -> None:
    assert sum(p.stat().st_size for p in small_data.iterdir()) < 2_000_000


@pytest.mark.parametrize("reader", READERS, ids=lambda r: r.__name__)
def test_every_reader_reads_the_fixture(reader, small_data: Path) -> None:
    result = reader(directory=small_data)  # all checks of the reader pass
    assert result is not None
    if isinstance(result, pd.DataFrame):
        assert len(result) > 0


def test_only_the_fixture_districts_and_all_their_municipalities(small_data: Path) -> None:
    small = datastore.read_municipalities(small_data)
    full = datastore.read_municipalities(DATA)
    assert set(small["district_key"]) == set(generator.DISTRICTS)
    expected = full[full["district_key"].isin(generator.DISTRICTS)]
    assert sorted(small["ags"]) == sorted(expected["ags"])
    for level in ("overview", "regional"):
        shapes = datastore.read_municipality_shapes(level, small_data)
        assert set(shapes["district_key"]) == set(generator.DISTRICTS)
    assert sorted(datastore.read_states(small_data)["state_key"]) == ["12", "14"]
    ags, _ = datastore.read_web_layer(small_data)
    current = datastore.read_population_2022(small_data)
    assert set(ags) == set(current["ags"])


@pytest.mark.parametrize(
    "name", ["population.parquet", "population_2022.parquet", "crosswalk.parquet"]
)
def test_every_row_is_a_row_of_data(small_data: Path, name: str) -> None:
    small, full = pd.read_parquet(small_data / name), pd.read_parquet(DATA / name)
    merged = small.merge(full, how="left", indicator=True)
    assert len(merged) == len(small)
    assert (merged["_merge"] == "both").all()


def test_yaml_records_keep_their_text(small_data: Path) -> None:
    for name in generator.YAML_RECORDS:
        text = (DATA / name).read_text(encoding="utf-8")
        for block in (small_data / name).read_text(encoding="utf-8").split("\n- id:")[1:]:
            assert block in text


# --- the union rule -----------------------------------------------------------------------


def _cooperations(small_data: Path, register: pd.DataFrame) -> list[dict]:
    return territory.resolve_members(
        datastore.read_cooperations(small_data), territory.successor_map(register)
    )


def test_region_in_bewegung_spans_two_states(small_data: Path) -> None:
    register = datastore.read_municipalities(small_data)
    rib = next(c for c in _cooperations(small_data, register) if c["id"] == RIB)
    states = set(register.set_index("ags").loc[rib["member_ags"], "state_key"])
    assert states == {"12", "14"}
    assert sorted(rib["states"]) == ["12", "14"]


def test_region_in_bewegung_plus_brandenburg_counts_each_municipality_once(
    small_data: Path,
) -> None:
    register = datastore.read_municipalities(small_data)
    coops = _cooperations(small_data, register)
    rib = next(c for c in coops if c["id"] == RIB)
    keys = selected_ags(Selection(states=("12",), regions=(RIB,)), coops, register)
    assert len(keys) == len(set(keys))
    current = register[register["last_year"] == register["last_year"].max()]
    brandenburg = set(current.loc[current["state_key"] == "12", "ags"])
    assert set(keys) == brandenburg | set(rib["member_ags"])
    # two members (Bad Liebenwerda, Elsterwerda) lie in Brandenburg: counted once
    assert len(set(rib["member_ags"]) & brandenburg) == 2
    pop = datastore.read_population_2022(small_data)
    now = pop[(pop["year"] == 2022) & pop["ags"].isin(keys)]
    then = pop[(pop["year"] == 2012) & pop["ags"].isin(keys)]
    headline = indicators.union_headline(pop, keys)
    assert headline.municipalities == int((~territory.is_unincorporated(now["type"])).sum())
    assert headline.population == int(now["population"].sum())
    assert headline.change_abs == int(now["population"].sum()) - int(then["population"].sum())


# --- the merger ---------------------------------------------------------------------------


def _population(frame: pd.DataFrame, ags: str, year: int) -> int:
    return int(frame.loc[(frame["ags"] == ags) & (frame["year"] == year), "population"].item())


def test_merger_is_like_for_like_on_2022_territory_and_flagged_as_published(
    small_data: Path,
) -> None:
    changes = datastore.read_territorial_changes(small_data)
    merger = changes[(changes["old_ags"] == NAUWALDE) & (changes["new_ags"] == GROEDITZ)]
    assert merger[["year", "kind"]].values.tolist() == [[2013, "merger"]]
    consistent = datastore.read_population_2022(small_data)
    published = datastore.read_population(small_data)
    # 2012 on the 2022 territory: Gröditz and Nauwalde together, as published separately
    base = _population(published, GROEDITZ, 2012) + _population(published, NAUWALDE, 2012)
    assert _population(consistent, GROEDITZ, 2012) == base
    now = _population(consistent, GROEDITZ, 2018)
    assert now == _population(published, GROEDITZ, 2018)
    like = municipality_table(consistent, 2018, 2012).set_index("ags")
    assert like.at[GROEDITZ, "veraenderung_pct"] == pytest.approx((now / base - 1) * 100, abs=5e-3)
    assert like.at[GROEDITZ, "veraenderung_pct"] < 0  # Gröditz shrank like for like
    as_published = municipality_table(published, 2018, 2012).set_index("ags")
    assert as_published.at[GROEDITZ, "veraenderung_pct"] > 0  # the merger looks like growth
    events = territory.change_events(changes, datastore.read_crosswalk(small_data))
    spans = territory.flags(events, [GROEDITZ, "14627240"], 2018, 2012)
    assert spans == {GROEDITZ: "⚑ 2013"}  # Röderaue had no change
