"""Browser: /beispiele – filter keeps cards and map markers in step, details from URL and map."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from playwright.sync_api import Page, expect

from harness.server import StreamlitServer
from ksg_dashboard.examples.map import MARKER_CLASS
from ksg_dashboard.examples.panels import PAGE_SIZE
from tests.e2e.browser import (
    choose_option,
    collapse_sidebar,
    external_requests,
    folium_frame,
    open_page,
    save_screenshot,
    script_runs,
    wait_for_rerun,
    wait_until_rendered,
)

CARDS = "[class*='st-key-beispiele-card-']"
PHONE = {"width": 390, "height": 844}
PRESENTER = {"width": 1280, "height": 720}


def markers(page: Page):
    return folium_frame(page).locator(f"path.{MARKER_CLASS}")


def query_of(page: Page) -> dict[str, list[str]]:
    return parse_qs(urlsplit(page.url).query)


def test_filter_changes_cards_and_markers_consistently(
    app_server: StreamlitServer, browser_page: Page
) -> None:
    page = browser_page
    open_page(page, app_server.url, "beispiele")
    assert not wait_until_rendered(page)
    # Cards come PAGE_SIZE at a time; the map shows every match.
    expect(page.locator(CARDS)).to_have_count(PAGE_SIZE)
    expect(markers(page)).to_have_count(61)
    save_screenshot(page, "examples-desktop")
    save_screenshot(page, "examples-desktop-tall", height=2600)

    runs = script_runs(page)
    land = page.locator(".st-key-beispiele-land").get_by_test_id("stMultiSelect")
    choose_option(page, land, "Brandenburg (BB)")
    page.keyboard.press("Escape")
    wait_for_rerun(page, runs)
    wait_until_rendered(page)
    expect(page.locator(CARDS)).to_have_count(8)
    expect(markers(page)).to_have_count(8)
    # The page's Land is the sidebar's state: written as land=12.
    page.wait_for_function("() => location.search.includes('land=12')")

    search = page.get_by_placeholder("z. B. Ärztehaus, Syrgenstein, Bürgerhaus …")
    runs = script_runs(page)
    search.fill("Templin")
    search.press("Enter")
    wait_for_rerun(page, runs)
    wait_until_rendered(page)
    expect(page.locator(CARDS)).to_have_count(1)
    expect(markers(page)).to_have_count(1)
    assert query_of(page)["suche"] == ["Templin"]
    assert query_of(page)["land"] == ["12"]
    expect(page.locator(CARDS).first).to_contain_text("Mittelbereich Templin")
    save_screenshot(page, "examples-filtered")
    assert external_requests(page) == []


def test_filter_from_url_survives_a_reload(app_server: StreamlitServer, browser_page: Page):
    page = browser_page
    open_page(page, app_server.url, "beispiele", "thema=gesundheit&nur_kooperationen=1")
    wait_until_rendered(page)
    # Gesundheit: Templin, Kurstadtregion (cooperations), Legden, Geisa, Erfde (single towns)
    expect(page.locator(CARDS)).to_have_count(2)
    expect(markers(page)).to_have_count(2)
    page.reload(wait_until="domcontentloaded")
    page.wait_for_selector("[data-testid=stApp][data-test-script-state=notRunning]")
    wait_until_rendered(page)
    expect(page.locator(CARDS)).to_have_count(2)
    assert query_of(page)["thema"] == ["gesundheit"]


def test_example_param_opens_the_detail(app_server: StreamlitServer, browser_page: Page):
    page = browser_page
    open_page(page, app_server.url, "beispiele", "beispiel=ag-bachtal")
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible()
    expect(dialog.get_by_text("Arbeitsgemeinschaft Bachtal").first).to_be_visible()
    expect(dialog.get_by_test_id("stPlotlyChart")).to_have_count(1)
    expect(dialog.get_by_test_id("stDataFrame")).to_be_visible()
    expect(dialog.locator('a[href="/?region=ag-bachtal"]')).to_have_count(1)
    save_screenshot(page, "examples-detail")
    dialog.get_by_label("Close").click()
    expect(dialog).to_have_count(0)
    # The selection stays: members outlined on the map, the URL keeps the example.
    wait_until_rendered(page)
    assert query_of(page)["beispiel"] == ["ag-bachtal"]
    polygons = folium_frame(page).locator("path.leaflet-interactive")
    expect(polygons).to_have_count(61 + 3)
    save_screenshot(page, "examples-selected-map")


def test_clicking_a_marker_opens_its_detail(app_server: StreamlitServer, browser_page: Page):
    page = browser_page
    open_page(page, app_server.url, "beispiele", "suche=Berleburg")
    wait_until_rendered(page)
    expect(markers(page)).to_have_count(1)
    runs = script_runs(page)
    markers(page).first.click()
    wait_for_rerun(page, runs)
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible()
    expect(dialog.get_by_text("Bad Berleburg", exact=False).first).to_be_visible()
    page.wait_for_function("() => location.search.includes('beispiel=bad-berleburg')")


def test_phone_cards_stack_readably(app_server: StreamlitServer, browser_page: Page) -> None:
    page = browser_page
    page.set_viewport_size(PHONE)
    open_page(page, app_server.url, "beispiele", "bundesland=SL")
    wait_until_rendered(page)
    collapse_sidebar(page)
    cards = page.locator(CARDS)
    expect(cards).to_have_count(2)
    first, second = (cards.nth(i).bounding_box() for i in range(2))
    assert first["width"] > PHONE["width"] * 0.8  # one card per row, nearly full width
    assert abs(first["x"] - second["x"]) < 2 and second["y"] >= first["y"] + first["height"]
    font = cards.first.locator("p").first.evaluate("p => parseFloat(getComputedStyle(p).fontSize)")
    assert font >= 14
    save_screenshot(page, "examples-phone")
    save_screenshot(page, "examples-phone-tall", height=2400)


def test_presenter_layout(app_server: StreamlitServer, browser_page: Page) -> None:
    page = browser_page
    page.set_viewport_size(PRESENTER)
    open_page(page, app_server.url, "beispiele", "praesentation=1&thema=gesundheit")
    assert not wait_until_rendered(page)
    expect(page.locator(CARDS)).to_have_count(5)
    expect(markers(page)).to_have_count(5)
    expect(page.get_by_test_id("stSidebar")).to_be_hidden()
    expect(page.get_by_text("Beispiele mit Quellen – nicht die").first).to_be_visible()
    save_screenshot(page, "examples-presenter")
