"""The derivation of territorial changes, run on the raw GV-ISys files and the BBSR crosswalk.

Skipped with a reason when ../shared/raw is missing. Reading all 13 GV-ISys files takes
~30 s, so they are read once for the module.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from databuild import population, territory
from ksg_dashboard.core.config import REPO_ROOT, raw_dir

GVISYS = raw_dir() / "destatis-gv-isys"
BBSR = raw_dir() / "bbsr-umstiegsschluessel" / "xm20_2010_2020.csv"

pytestmark = [
    pytest.mark.raw,
    pytest.mark.skipif(
        not (GVISYS / "2022_12_31_Auszug_GV.xlsx").exists() or not BBSR.exists(),
        reason=f"raw sources not available under {raw_dir()} (set KSG_RAW_DIR)",
    ),
]


@pytest.fixture(scope="module")
def all_years() -> pd.DataFrame:
    return population.read_all_years(GVISYS)


@pytest.fixture(scope="module")
def bbsr() -> pd.DataFrame:
    return territory.read_bbsr(BBSR)


@pytest.fixture(scope="module")
def steps(all_years: pd.DataFrame) -> dict[int, territory.Step]:
    return territory.derive_all(all_years)


def test_bbsr_crosswalk_is_read_and_normalised(bbsr: pd.DataFrame) -> None:
    assert sorted(bbsr["year"].unique()) == list(range(2010, 2021))
    groeditz = bbsr[(bbsr["year"] == 2012) & (bbsr["ags"].isin(["14627050", "14627160"]))]
    assert set(groeditz["ags20"]) == {"14627050"}
    shares = bbsr.groupby(["year", "ags"])["pop_share"].sum()
    assert np.allclose(shares, 1.0)
    # Split unincorporated areas carry pop_conv 1.0 for every part: area shares are used.
    part = bbsr[(bbsr["year"] == 2010) & (bbsr["ags"] == "09172444")]
    assert part["pop_share"].round(6).tolist() == [0.425532, 0.574468]
    assert part["estimated"].all()


def test_derived_2022_changes(steps: dict[int, territory.Step]) -> None:
    links = steps[2022].links
    assert dict(zip(links["old_ags"], links["new_ags"], strict=True)) == {
        "09273454": "09273137",  # Hienheimer Forst → Kelheim
        "12073032": "12073532",  # Berkholz-Meyenburg → Schwedt/Oder
        "12073386": "12073532",  # Mark Landin → Schwedt/Oder
        "12073603": "12073532",  # Passow → Schwedt/Oder
    }
    assert (links["pop_share"] == 1.0).all()


def test_derived_2021_changes_include_a_renumbering(steps: dict[int, territory.Step]) -> None:
    records = steps[2021].records
    eisenach = records[records["old_ags"] == "16056000"]
    assert eisenach[["new_ags", "kind"]].values.tolist() == [["16063105", "renumbering"]]
    langelsheim = records[records["new_ags"] == "03153019"]
    assert sorted(langelsheim["old_ags"]) == ["03153006", "03153007", "03153009", "03153014"]
    assert set(langelsheim["kind"]) == {"merger"}


def test_derivation_reproduces_the_bbsr_crosswalk(all_years, steps, bbsr) -> None:
    """Re-derive 2010–2020 from GV-ISys alone and compare with the BBSR: the agreement the
    README and data/territory_validation.json report."""
    report = territory.validate_against_bbsr(all_years, steps, bbsr)
    assert report["pairs"] == 112_120
    assert report["agreement"] >= 0.998
    assert report["changed_agreement"] >= 0.96
    committed = json.loads((REPO_ROOT / "data" / "territory_validation.json").read_text())
    assert committed["agree"] == report["agree"]
    assert committed["changed_agree"] == report["changed_agree"]


def test_crosswalk_and_population_from_raw(all_years, steps, bbsr) -> None:
    table = territory.crosswalk(all_years, steps, bbsr)
    territory.validate_crosswalk(table, all_years)
    published = population.population_table(all_years)
    consistent = territory.population_on_2022(published, table)
    territory.check_sums_unchanged(published, consistent)
    row = consistent[(consistent["ags"] == "14627050") & (consistent["year"] == 2012)]
    assert int(row["population"].iloc[0]) == 6_619 + 1_007
    assert float(row["area_km2"].iloc[0]) == pytest.approx(8.54 + 20.35)


def test_allocation_keeps_totals() -> None:
    values = np.array([10.0, 10.0, 7.0])
    shares = np.array([0.5, 0.5, 1.0])
    groups = np.array(["a", "a", "b"])
    parts = territory._allocate(values, shares, groups)
    assert parts.tolist() == [5.0, 5.0, 7.0]
    odd = territory._allocate(np.array([7.0, 7.0]), np.array([0.68, 0.32]), np.array(["a", "a"]))
    assert odd.sum() == 7 and odd.tolist() == [5.0, 2.0]
