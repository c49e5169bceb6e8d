"""The two population series are held with their repeated labels as categories (sorted, so that
sorting and grouping follow the text): the figures computed from them are the same as from the
plain text columns of the committed files."""

from __future__ import annotations

import pandas as pd
import pytest

from ksg_dashboard.core import indicators, territory
from ksg_dashboard.core.config import REPO_ROOT
from ksg_dashboard.data import datastore
from ksg_dashboard.data.compact import compact
from ksg_dashboard.demography import model as demography

DATA = REPO_ROOT / "data"
READERS = {
    "population.parquet": datastore.read_population,
    "population_2022.parquet": datastore.read_population_2022,
}
REGION_IN_BEWEGUNG = next(
    c["member_ags"] for c in datastore.read_cooperations(DATA) if c["id"] == "region-in-bewegung"
)


def _as_text(frame: pd.DataFrame) -> pd.DataFrame:
    """The categorical columns back as text (pandas' `str`), everything else untouched."""
    labels = [c for c in frame.columns if isinstance(frame[c].dtype, pd.CategoricalDtype)]
    return frame.astype(dict.fromkeys(labels, "str"))


@pytest.fixture(scope="module", params=sorted(READERS))
def storages(request) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(as held by the app, as written in data/)."""
    return READERS[request.param](DATA), pd.read_parquet(DATA / request.param)


def test_labels_are_sorted_categories_with_the_same_text(storages) -> None:
    held, plain = storages
    for column in datastore.POPULATION_CATEGORIES:
        dtype = held[column].dtype
        assert isinstance(dtype, pd.CategoricalDtype), column
        assert list(dtype.categories) == sorted(plain[column].unique()), column
    pd.testing.assert_frame_equal(_as_text(held), plain)


def test_labels_take_a_fraction_of_the_text_columns(storages) -> None:
    held, plain = storages
    labels = list(datastore.POPULATION_CATEGORIES)
    held_bytes = held[labels].memory_usage(deep=True).sum()
    assert held_bytes < plain[labels].memory_usage(deep=True).sum() / 5


def test_municipality_table_is_the_same(storages) -> None:
    held, plain = storages
    for year, base_year in ((2022, 2011), (2015, 2011), (2011, 2022)):
        pd.testing.assert_frame_equal(
            _as_text(demography.municipality_table(held, year, base_year)),
            demography.municipality_table(plain, year, base_year),
        )


def test_headlines_and_states_are_the_same(storages) -> None:
    held, plain = storages
    brandenburg = plain.loc[(plain["year"] == 2022) & (plain["state_key"] == "12"), "ags"]
    selections = [
        REGION_IN_BEWEGUNG,
        [*brandenburg, "14627050"],  # a whole state plus one municipality beyond it
        ["14627050", "99999999"],  # an unknown key stays missing
    ]
    for ags in selections:
        assert indicators.union_headline(held, ags) == indicators.union_headline(plain, ags)
        assert indicators.whole_states(held, ags) == indicators.whole_states(plain, ags)
    assert indicators.whole_states(held, [*brandenburg]) == ["12"]
    for states in ((), ("12",), ("14", "16")):
        assert indicators.territory_headline(held, states) == indicators.territory_headline(
            plain, states
        )


def test_series_and_latest_values_are_the_same(storages) -> None:
    held, plain = storages
    pd.testing.assert_frame_equal(
        demography.territory_series(held, ["12"]), demography.territory_series(plain, ["12"])
    )
    pd.testing.assert_frame_equal(
        demography.fixed_set_series(held, REGION_IN_BEWEGUNG),
        demography.fixed_set_series(plain, REGION_IN_BEWEGUNG),
    )
    pd.testing.assert_frame_equal(
        _as_text(indicators.latest_population(held)), indicators.latest_population(plain)
    )
    pd.testing.assert_frame_equal(
        _as_text(indicators.territorial_changes(held)), indicators.territorial_changes(plain)
    )


def test_a_missing_type_counts_as_a_municipality_on_both_storages() -> None:
    plain = pd.read_parquet(DATA / "population_2022.parquet")
    plain = plain[plain["ags"].isin(REGION_IN_BEWEGUNG)].reset_index(drop=True)
    plain["type"] = plain["type"].where(plain["ags"] != "14627050")  # Gröditz: type unknown
    held = compact(plain, datastore.POPULATION_CATEGORIES, sorted_categories=True)
    assert held["type"].isna().any()
    for frame in (plain, held):
        assert not territory.is_unincorporated(frame["type"]).any()
        figures = indicators.union_headline(frame, REGION_IN_BEWEGUNG)
        assert figures.municipalities == len(REGION_IN_BEWEGUNG)
        saxony = plain.loc[plain["year"] == 2022, "ags"].str.startswith("14").sum()
        assert indicators.territory_headline(frame, ("14",)).municipalities == saxony
