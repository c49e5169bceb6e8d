"""Browser: the Germany map of 2022 on the territory of 31.12.2022 – no merged municipality grey."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from playwright.sync_api import Page, expect

from harness.server import StreamlitServer
from ksg_dashboard.core.config import REPO_ROOT
from ksg_dashboard.data import datastore
from tests.e2e.browser import open_page, save_screenshot
from tests.e2e.test_demographics import GERMANY, wait_for_canvas_layer

# Municipalities that absorbed others (or got a new key) between 2016 and 2022.
MERGED_SINCE_2016 = ["03153019", "12073532", "16065089", "07132502", "16063105", "09273137"]


@pytest.fixture
def page(browser_page: Page) -> Page:
    return browser_page


@pytest.fixture(scope="module")
def layer_ags() -> list[str]:
    layer = json.loads((REPO_ROOT / "data" / "municipalities_web.json").read_text("utf-8"))
    return layer["ags"]


@pytest.mark.parametrize("indicator", ["einwohner", "veraenderung_pct"])
def test_no_merged_municipality_is_grey(
    app_server: StreamlitServer, page: Page, layer_ags: list[str], indicator: str
) -> None:
    open_page(page, app_server.url, "demografie", f"{GERMANY}&indikator={indicator}")
    frame = wait_for_canvas_layer(page)
    missing = frame.evaluate("() => window.ksgEncodedLayerMissing")
    grey = {layer_ags[i] for i in missing}
    register = datastore.read_municipalities().set_index("ags")
    types = register["type"].reindex(sorted(grey))
    # Only unincorporated, uninhabited areas can lack a value (0 inhabitants: no change rate).
    assert types.fillna("").str.startswith("Gemeindefreies Gebiet").all(), types[
        ~types.fillna("").str.startswith("Gemeindefreies Gebiet")
    ]
    if indicator == "einwohner":
        assert grey == set()
    assert not grey & set(MERGED_SINCE_2016)
    # No municipality that absorbed a former one is grey (unincorporated successors aside).
    successors = set(pd.unique(register.loc[register["last_year"] < 2022, "successor_2022"]))
    kinds = register["type"].reindex(sorted(successors)).fillna("")
    merged = set(kinds[~kinds.str.startswith("Gemeindefreies Gebiet")].index)
    assert len(merged) > 900
    assert not grey & merged
    expect(page.get_by_text("Gebietsstand 31.12.2022").first).to_be_visible()
    save_screenshot(page, f"territory-germany-{indicator}")
