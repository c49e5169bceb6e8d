"""Browser: /demografie themes – a cooperation's age pyramid and migration map are drawn."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from harness.server import StreamlitServer
from tests.e2e.browser import (
    TIMEOUT_MS,
    external_requests,
    folium_frame,
    open_page,
    save_screenshot,
    script_runs,
    wait_for_rerun,
    wait_until_rendered,
)

COOPERATION = "region=region-in-bewegung"
MEMBERS = 5


@pytest.fixture
def page(browser_page: Page) -> Page:
    return browser_page


def test_age_pyramid_and_map_for_a_cooperation(page: Page, app_server: StreamlitServer) -> None:
    page.set_viewport_size({"width": 1440, "height": 900})
    open_page(page, app_server.url, "demografie", f"{COOPERATION}&bereich=altersstruktur")
    assert not wait_until_rendered(page)
    expect(page.get_by_text("Altersaufbau Region in Bewegung")).to_be_visible()
    pyramid = page.locator("[data-testid=stPlotlyChart]").first
    # 17 age groups × 2 sexes drawn as horizontal bars.
    expect(pyramid.locator("g.trace.bars path")).to_have_count(34, timeout=TIMEOUT_MS)
    expect(pyramid.locator(".legendtext")).to_have_text(["Männer", "Frauen"])
    polygons = folium_frame(page).locator("path.leaflet-interactive")
    expect(polygons).to_have_count(MEMBERS, timeout=TIMEOUT_MS)
    # The point of the page (pyramid and map) is on screen without scrolling.
    box = pyramid.bounding_box()
    assert box is not None and box["y"] + box["height"] / 2 < 900
    save_screenshot(page, "demografie-altersstruktur-1440")
    assert external_requests(page) == []


def test_migration_theme_by_widget_draws_bars_and_a_diverging_map(
    page: Page, app_server: StreamlitServer
) -> None:
    open_page(page, app_server.url, "demografie", COOPERATION)
    assert not wait_until_rendered(page)
    runs = script_runs(page)
    page.locator("[data-testid=stButtonGroup] button", has_text="Wanderungen").click()
    wait_for_rerun(page, runs)
    assert not wait_until_rendered(page)
    expect(page.get_by_text("Wanderungssaldo nach Alter")).to_be_visible()
    chart = page.locator("[data-testid=stPlotlyChart]").first
    expect(chart.locator(".xtick text")).to_have_text(
        ["unter 18", "18–24", "25–29", "30–49", "50–64", "65+"]
    )
    polygons = folium_frame(page).locator("path.leaflet-interactive")
    expect(polygons).to_have_count(MEMBERS, timeout=TIMEOUT_MS)
    fills = {polygons.nth(i).get_attribute("fill") for i in range(MEMBERS)}
    assert len(fills) >= 2, "members should fall into different migration classes"
    assert "bereich=wanderungen" in page.url
    save_screenshot(page, "demografie-wanderungen")
