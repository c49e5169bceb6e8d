"""Browser: /demografie – time chart and map for a cooperation and for all of Germany, offline."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Frame, Locator, Page, expect

from harness.server import APP_DONE, FOLIUM_IFRAME, READY_JS, StreamlitServer
from tests.e2e.browser import (
    TIMEOUT_MS,
    choose_option,
    external_requests,
    folium_frame,
    open_page,
    save_screenshot,
    script_runs,
    wait_for_rerun,
    wait_until_rendered,
)

KURSTADT = "region=kurstadtregion-elbe-elster"
GERMANY = "ansicht=deutschland"
MUNICIPALITIES_IN_WEB_LAYER = 10_990
PRESENTER = {"width": 1280, "height": 720}
CHART = "[data-testid=stPlotlyChart] .js-plotly-plot .main-svg"
NOT_FOUND = "Page not found"


@pytest.fixture
def page(browser_page: Page) -> Page:
    """The browser page (short name used throughout this module)."""
    return browser_page


def query_of(page: Page) -> dict[str, list[str]]:
    return parse_qs(urlsplit(page.url).query)


def map_frame(page: Page) -> Frame:
    """The folium map's frame (a Frame, so that wait_for_function runs inside it)."""
    frame = page.wait_for_selector(FOLIUM_IFRAME, timeout=TIMEOUT_MS).content_frame()
    assert frame is not None
    return frame


def wait_for_canvas_layer(page: Page) -> Frame:
    """Wait until the script run ended, the chart is drawn and the canvas layer has all polygons."""
    page.wait_for_selector(APP_DONE, timeout=TIMEOUT_MS)
    expect(page.locator(CHART).first).to_be_visible(timeout=TIMEOUT_MS)
    frame = map_frame(page)
    frame.wait_for_function(
        "(n) => window.ksgEncodedLayerCount === n",
        arg=MUNICIPALITIES_IN_WEB_LAYER,
        timeout=TIMEOUT_MS,
    )
    return frame


def hover_map(page: Page, frame: Frame, fx: float, fy: float) -> Locator:
    """Move the mouse to a point of the map (fractions of its size); return the tooltip."""
    box = page.locator(FOLIUM_IFRAME).bounding_box()
    assert box is not None
    x, y = box["x"] + box["width"] * fx, box["y"] + box["height"] * fy
    page.mouse.move(x, y)
    page.mouse.move(x + 2, y + 1)  # a sticky tooltip follows mouse movement
    tooltip = frame.locator(".leaflet-tooltip")
    expect(tooltip).to_have_count(1)
    return tooltip


def test_cooperation_chart_map_and_legend(app_server: StreamlitServer, page: Page) -> None:
    open_page(page, app_server.url, "demografie", KURSTADT)
    assert not wait_until_rendered(page)
    expect(page.get_by_text(NOT_FOUND)).to_have_count(0)

    chart = page.locator(CHART).first
    expect(chart).to_be_visible()
    # The first plotly chart is the time chart (the age pyramid follows further down).
    time_chart = page.get_by_test_id("stPlotlyChart").first
    traces = time_chart.locator(".legendtext").all_text_contents()
    assert traces == ["Kurstadtregion", "Brandenburg", "Deutschland"]
    expect(page.get_by_text("Zensus 2011: Bruch der Reihe")).to_be_visible()

    polygons = folium_frame(page).locator("path.leaflet-interactive")
    expect(polygons).to_have_count(4)  # the four member municipalities
    legend = page.locator(".ksg-legend")
    expect(legend).to_be_visible()
    expect(legend).to_contain_text("keine Angabe")
    expect(legend).to_contain_text("unter ")

    assert query_of(page) == {"region": ["kurstadtregion-elbe-elster"]}
    expect(page.get_by_test_id("stException")).to_have_count(0)
    save_screenshot(page, "demographics-kurstadtregion")
    save_screenshot(page, "demographics-kurstadtregion-tall", height=2200)

    polygons.first.hover(force=True)
    tooltip = folium_frame(page).locator(".leaflet-tooltip")
    expect(tooltip).to_contain_text("Veränderung seit Basisjahr")
    expect(tooltip).to_contain_text("%")
    assert external_requests(page) == []


def test_indicator_choice_goes_into_the_url_and_back(
    app_server: StreamlitServer, page: Page
) -> None:
    open_page(page, app_server.url, "demografie", KURSTADT)
    wait_until_rendered(page)
    runs = script_runs(page)
    indicator = page.locator(".st-key-demografie-indikator").get_by_test_id("stSelectbox")
    choose_option(page, indicator, "Bevölkerungsdichte (Einw./km²)")
    wait_for_rerun(page, runs)
    page.wait_for_function("() => location.search.includes('indikator=dichte')")
    assert query_of(page)["region"] == ["kurstadtregion-elbe-elster"]

    page.reload()
    page.wait_for_selector(APP_DONE)
    wait_until_rendered(page)
    selectbox = page.locator(".st-key-demografie-indikator").get_by_role("combobox")
    expect(selectbox).to_have_value("Bevölkerungsdichte (Einw./km²)")
    expect(page.locator("[data-testid=stPlotlyChart]").first).to_contain_text("Bevölkerungsdichte")
    assert external_requests(page) == []


def test_germany_canvas_layer_renders(app_server: StreamlitServer, page: Page) -> None:
    open_page(page, app_server.url, "demografie", GERMANY)
    frame = wait_for_canvas_layer(page)
    expect(page.get_by_text(NOT_FOUND)).to_have_count(0)
    expect(page.get_by_test_id("stException")).to_have_count(0)

    assert frame.evaluate("() => window.ksgEncodedLayerCount") == MUNICIPALITIES_IN_WEB_LAYER
    canvas = frame.locator("canvas")
    expect(canvas).to_have_count(1)
    box = canvas.bounding_box()
    assert box and box["width"] > 200 and box["height"] > 200
    # Not an empty map: most of the canvas centre is painted.
    painted = canvas.evaluate(
        """(c) => {
          const ctx = c.getContext('2d');
          const w = Math.floor(c.width / 4), h = Math.floor(c.height / 4);
          const data = ctx.getImageData(w + w / 2, h, w, 2 * h).data;
          let n = 0;
          for (let i = 3; i < data.length; i += 4) if (data[i] > 0) n++;
          return n / (data.length / 4);
        }"""
    )
    assert painted > 0.5, f"only {painted:.0%} of the map centre is painted"

    legend = page.locator(".ksg-legend")
    expect(legend.locator(".swatch")).to_have_count(7)
    expect(page.locator(CHART).first).to_be_visible()
    traces = page.get_by_test_id("stPlotlyChart").first.locator(".scatterlayer .trace")
    expect(traces).to_have_count(1)  # Deutschland only: nothing is selected

    assert query_of(page) == {"ansicht": ["deutschland"]}
    save_screenshot(page, "demographics-germany")

    # Tooltips work on the canvas too: "Name (AGS)" and the value on a second line (the
    # indicator's name is in the legend caption, not repeated 11,000 times).
    tooltip = hover_map(page, frame, 0.5, 0.55)
    assert re.search(r"\(\d{8}\)\n(−|-)?\d+,\d %", tooltip.inner_text()), tooltip.inner_text()
    assert external_requests(page) == []


@pytest.mark.parametrize(("fx", "fy"), [(0.3, 0.5), (0.5, 0.55), (0.6, 0.4)])
def test_germany_tooltip_fits_in_the_map(
    app_server: StreamlitServer, page: Page, fx: float, fy: float
) -> None:
    open_page(page, app_server.url, "demografie", GERMANY)
    frame = wait_for_canvas_layer(page)
    tooltip = hover_map(page, frame, fx, fy)
    expect(tooltip).to_contain_text("%")
    left, right, width = tooltip.evaluate(
        "(t) => { const r = t.getBoundingClientRect(); return [r.left, r.right, innerWidth]; }"
    )
    if left < 0 or right > width:
        save_screenshot(page, f"demographics-germany-tooltip-{fx}-{fy}")
    assert left >= 0 and right <= width, (
        f"tooltip {tooltip.inner_text()!r} spans {left:.0f}…{right:.0f} px "
        f"in a map {width} px wide: cut off"
    )


def test_germany_view_counts_as_rendered_for_the_benchmark(
    app_server: StreamlitServer, page: Page
) -> None:
    """The benchmark entry demografie-deutschland waits for READY_JS; the canvas layer must
    satisfy it, or every measured load of that entry ends in a timeout."""
    open_page(page, app_server.url, "demografie", GERMANY)
    wait_for_canvas_layer(page)
    ready = page.evaluate(f"({READY_JS})({FOLIUM_IFRAME!r})")
    assert ready, "READY_JS still false although the canvas layer has drawn every municipality"


def test_presenter_mode_at_1280x720(app_server: StreamlitServer, page: Page) -> None:
    page.set_viewport_size(PRESENTER)
    open_page(page, app_server.url, "demografie", f"{KURSTADT}&praesentation=1")
    assert not wait_until_rendered(page)
    expect(page.get_by_test_id("stSidebar")).to_be_hidden()
    expect(page.get_by_role("heading", name="Demografische Entwicklung")).to_have_count(0)
    chart = page.locator(CHART).first
    map_box = page.locator(FOLIUM_IFRAME).bounding_box()
    chart_box = chart.bounding_box()
    assert chart_box and map_box
    # Chart and map side by side, both inside the 1280 px width.
    assert chart_box["x"] + chart_box["width"] <= map_box["x"] + 1
    assert map_box["x"] + map_box["width"] <= PRESENTER["width"]
    assert external_requests(page) == []
    save_screenshot(page, "demographics-presenter-1280x720")

    page.set_viewport_size(PRESENTER)
    open_page(page, app_server.url, "demografie", f"{GERMANY}&praesentation=1")
    wait_for_canvas_layer(page)
    save_screenshot(page, "demographics-germany-presenter-1280x720")
