"""AppTest: every comparison on the territory of 31.12.2022 by default, the published series
with flags on request (`gebiet=jeweilig`), old keys in links resolved to their successor.

Expected values are computed by hand from the GV-ISys files (see tests/unit/core/test_territory.py).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from tests.app.test_demographics_page import open_page, time_chart, values
from tests.conftest import APP_FILE

GROEDITZ, NAUWALDE = "14627050", "14627160"
LANGELSHEIM, SCHWEDT = "03153019", "12073532"
CHANGE = "Veränderung seit Basisjahr (%)"


def ranking(at: AppTest) -> pd.DataFrame:
    return at.dataframe[0].value.set_index("AGS")


def captions(at: AppTest) -> str:
    return "\n".join(c.value for c in at.caption)


def series_value(at: AppTest, name: str, year: int) -> float:
    chart = time_chart(at)
    trace = next(t for t in chart.data if t.name.startswith(name))
    x, y = list(values(trace.x)), values(trace.y)
    return float(y[x.index(year)])


def test_groeditz_declines_like_for_like_by_default() -> None:
    at = open_page(ags=GROEDITZ, jahr="2018")
    assert not at.exception, at.exception
    assert at.radio(key="filter.territory_widget").value == "2022"
    table = ranking(at)
    # 2012: Gröditz 6,619 + Nauwalde 1,007 = 7,626; 2018: 7,125 → −6.57 %
    assert table.at[GROEDITZ, CHANGE] == pytest.approx(-6.57, abs=0.005)
    assert "Gebietsänderung" not in table.columns
    assert series_value(at, "Gröditz", 2018) == pytest.approx(-6.57, abs=0.005)
    text = captions(at)
    assert "Gebietsstand 31.12.2022" in text
    assert "Gröditz, Stadt 2013: Zusammenschluss/Eingliederung (Nauwalde)" in text
    assert "gebiet" not in at.query_params  # the default stays out of the URL


def test_published_series_is_flagged() -> None:
    at = open_page(ags=GROEDITZ, jahr="2018", gebiet="jeweilig")
    assert not at.exception, at.exception
    assert at.radio(key="filter.territory_widget").value == "jeweilig"
    table = ranking(at)
    assert table.at[GROEDITZ, CHANGE] == pytest.approx(7.64, abs=0.005)  # 7,125 / 6,619 − 1
    assert table.at[GROEDITZ, "Gebietsänderung"] == "⚑ 2013"
    chart = time_chart(at)
    groeditz = next(t for t in chart.data if t.name.startswith("Gröditz"))
    symbols = dict(zip(values(groeditz.x).tolist(), groeditz.marker.symbol, strict=False))
    assert symbols[2013] == "diamond-open" and symbols[2014] == "circle"
    assert "Jeweiliger Gebietsstand" in captions(at)
    assert at.query_params["gebiet"] in ("jeweilig", ["jeweilig"])


@pytest.mark.parametrize(
    ("ags", "like_for_like", "published", "flag"),
    [
        # new key 2021: 16,040 (2012, four predecessors) → 15,043 (2022)
        (LANGELSHEIM, -6.22, None, None),
        # absorbed four municipalities 2021/2022: 35,758 → 33,495; as published 31,042 → 33,495
        (SCHWEDT, -6.33, 7.90, "⚑ 2021, 2022"),
    ],
)
def test_mergers_after_the_bbsr_crosswalk(ags, like_for_like, published, flag) -> None:
    at = open_page(ags=ags)
    assert not at.exception, at.exception
    assert ranking(at).at[ags, CHANGE] == pytest.approx(like_for_like, abs=0.005)
    at = open_page(ags=ags, gebiet="jeweilig")
    table = ranking(at)
    if published is None:
        assert pd.isna(table.at[ags, CHANGE])  # the key did not exist in 2012
    else:
        assert table.at[ags, CHANGE] == pytest.approx(published, abs=0.005)
        assert table.at[ags, "Gebietsänderung"] == flag


def test_germany_ranking_is_like_for_like() -> None:
    at = open_page()
    table = ranking(at)
    # As published, Wiedemar (+170 %) and Moltzow (+156 %) top the list through mergers.
    assert table.at["14730340", CHANGE] == pytest.approx(2.39, abs=0.005)
    assert table.at["13071103", CHANGE] == pytest.approx(4.38, abs=0.005)
    # Now the top is Friedland (reception camp), whose area hardly changed (75.68 → 75.87 km²).
    assert table.index[0] == "03159013"
    assert "209 gemeindefreie Gebiete" in captions(at)
    at = open_page(gebiet="jeweilig")
    published = ranking(at)
    assert published.index[0] == "14730340"
    assert published[CHANGE].iloc[0] == pytest.approx(170.31, abs=0.005)
    assert published["Gebietsänderung"].iloc[0].startswith("⚑")


def test_germany_and_nrw_2016_are_drawn_with_a_note() -> None:
    at = open_page(land="05")
    assert not at.exception, at.exception
    for name in ("Nordrhein-Westfalen", "Deutschland"):
        assert not np.isnan(series_value(at, name, 2016)), name
    text = captions(at)
    assert "12411-0018" in text and "eingeschränkt" in text
    assert "keine Summe für NRW" not in text


def test_old_key_in_a_link_resolves_to_its_successor() -> None:
    at = open_page(ags=NAUWALDE)
    assert not at.exception, at.exception
    notes = [i.value for i in at.info]
    assert any("14627160 (Nauwalde) gilt bis 2012" in n and "Gröditz" in n for n in notes), notes
    assert at.query_params["ags"] in (GROEDITZ, [GROEDITZ])
    assert GROEDITZ in ranking(at).index


def test_overview_key_figures_on_the_2022_territory() -> None:
    at = AppTest.from_file(APP_FILE, default_timeout=90)
    at.query_params["ags"] = GROEDITZ
    at.run()
    assert not at.exception, at.exception
    metrics = {m.label: m for m in at.metric}
    change = metrics["Veränderung seit 2012"]
    assert change.value == "−749"  # 6,877 − 7,626
    assert "Gebietsstand 31.12.2022" in "\n".join(m.value for m in at.markdown)
    at = AppTest.from_file(APP_FILE, default_timeout=90)
    at.query_params.update({"ags": GROEDITZ, "gebiet": "jeweilig"})
    at.run()
    metrics = {m.label: m for m in at.metric}
    assert metrics["Veränderung seit 2012"].value == "+258"  # 6,877 − 6,619, as published
    assert "⚑ Gebietsänderung im Zeitraum" in captions(at)
