"""AppTest: every page on the small fixture folder (KSG_DATA_DIR=tests/fixtures/small).

The expected figures are computed here from the fixture's files, so the pages show the
fixture's data and not the committed data/ (whose figures are far larger).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
import yaml

from ksg_dashboard.core import territory
from ksg_dashboard.core.navigation import PAGES
from tests.app.pages import OVERVIEW, open_app, run_page

GROEDITZ, NAUWALDE = "14627050", "14627160"
RIB = "region-in-bewegung"
CHANGE = "Veränderung seit Basisjahr (%)"

pytestmark = pytest.mark.usefixtures("small_data_env")


def german(number: int) -> str:
    return f"{number:,}".replace(",", ".")


def population_2022(small_data: Path) -> pd.DataFrame:
    frame = pd.read_parquet(small_data / "population_2022.parquet")
    return frame[frame["year"] == 2022]


def municipalities(frame: pd.DataFrame) -> pd.DataFrame:
    return frame[~territory.is_unincorporated(frame["type"])]


def members(small_data: Path, cooperation: str) -> list[str]:
    records = yaml.safe_load((small_data / "cooperations.yaml").read_text(encoding="utf-8"))
    return next(r["member_ags"] for r in records if r["id"] == cooperation)


@pytest.mark.parametrize("spec", PAGES, ids=[p.url_path or "overview" for p in PAGES])
def test_every_page_runs_on_the_fixture(spec) -> None:
    at = run_page(spec.file)
    assert not at.exception, at.exception
    assert at.title, f"{spec.file} shows no title"


def test_overview_shows_the_fixtures_totals(small_data: Path) -> None:
    at = open_app()
    assert not at.exception, at.exception
    now = population_2022(small_data)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Gemeinden"] == german(len(municipalities(now)))
    assert metrics["Einwohner 2022"] == german(int(now["population"].sum()))


def test_overview_counts_region_in_bewegung(small_data: Path) -> None:
    at = run_page(OVERVIEW, region=RIB)
    assert not at.exception, at.exception
    keys = members(small_data, RIB)
    now = population_2022(small_data)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Gemeinden"] == str(len(keys)) == "5"
    assert metrics["Einwohner 2022"] == german(int(now[now["ags"].isin(keys)]["population"].sum()))


def test_overview_union_of_region_in_bewegung_and_brandenburg(small_data: Path) -> None:
    at = run_page(OVERVIEW, region=RIB, land="12")
    assert not at.exception, at.exception
    now = municipalities(population_2022(small_data))
    union = set(now.loc[now["state_key"] == "12", "ags"]) | set(members(small_data, RIB))
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Gemeinden"] == german(len(union))
    assert metrics["Einwohner 2022"] == german(int(now[now["ags"].isin(union)]["population"].sum()))


def test_tour_page_renders_its_stops(small_data: Path) -> None:
    at = run_page("app_pages/tour.py")
    assert not at.exception, at.exception
    stops = yaml.safe_load((small_data / "tour.yaml").read_text(encoding="utf-8"))["stops"]
    table = at.dataframe[0].value
    assert table["Nr."].tolist() == [str(n) for n in range(1, len(stops) + 1)]
    assert table["Ort"].iloc[0] == "Gröditz"


def test_demographics_ranks_the_fixtures_municipalities(small_data: Path) -> None:
    at = run_page("app_pages/demographics.py")
    assert not at.exception, at.exception
    ranking = at.dataframe[0].value
    assert sorted(ranking["AGS"]) == sorted(municipalities(population_2022(small_data))["ags"])


def test_demographics_shows_groeditz_like_for_like(small_data: Path) -> None:
    at = run_page("app_pages/demographics.py", ags=GROEDITZ, jahr="2018")
    assert not at.exception, at.exception
    published = pd.read_parquet(small_data / "population.parquet")

    def value(ags: str, year: int) -> int:
        row = published[(published["ags"] == ags) & (published["year"] == year)]
        return int(row["population"].item())

    base = value(GROEDITZ, 2012) + value(NAUWALDE, 2012)
    expected = (value(GROEDITZ, 2018) / base - 1) * 100
    table = at.dataframe[0].value.set_index("AGS")
    assert table.at[GROEDITZ, CHANGE] == pytest.approx(expected, abs=0.005)
    captions = "\n".join(c.value for c in at.caption)
    assert "Gröditz, Stadt 2013: Zusammenschluss/Eingliederung (Nauwalde)" in captions


def test_examples_lists_the_fixtures_cooperations_and_measures(small_data: Path) -> None:
    at = run_page("app_pages/examples.py")
    assert not at.exception, at.exception
    names = {}
    for name in ("cooperations.yaml", "measures.yaml"):
        for record in yaml.safe_load((small_data / name).read_text(encoding="utf-8")):
            names.setdefault(record["id"], record["name"])
    markdown = [m.value for m in at.markdown]
    assert f"**{len(names)}** von {len(names)} Beispielen" in markdown
    headings = [m.splitlines()[0] for m in markdown if m.startswith("#### ")]
    assert sorted(h.removeprefix("#### ") for h in headings) == sorted(names.values())
