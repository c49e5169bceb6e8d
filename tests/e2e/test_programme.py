"""Browser: /programm – items link to the right views; the 'now' item in presenter mode."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, expect

from harness.server import StreamlitServer
from tests.e2e.browser import (
    collapse_sidebar,
    external_requests,
    open_page,
    save_screenshot,
    wait_until_rendered,
)

LINKS = "a.ksg-programme-link"
EXPECTED_HREFS = [
    "/?region=region-in-bewegung",
    "/?land=14",
    "/tour",
    "/?region=region-in-bewegung",
    "/?region=kurstadtregion-elbe-elster",
    "/beispiele",
    "/?region=mittelbereich-templin",
    "/?region=ag-bachtal",
    "/?region=bad-berleburg",
]


def path_and_query(page: Page) -> str:
    parts = urlsplit(page.url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def test_programme_items_carry_permalinks(app_server: StreamlitServer, browser_page: Page):
    page = browser_page
    open_page(page, app_server.url, "programm")
    assert not wait_until_rendered(page)
    expect(page.locator(LINKS)).to_have_count(len(EXPECTED_HREFS))
    assert page.locator(LINKS).evaluate_all("as => as.map(a => a.getAttribute('href'))") == (
        EXPECTED_HREFS
    )
    assert set(page.locator(LINKS).evaluate_all("as => as.map(a => a.target)")) == {"_self"}
    expect(page.get_by_role("heading", name="Leitfragen")).to_be_visible()
    save_screenshot(page, "programme-desktop", height=2600)
    assert external_requests(page) == []


@pytest.mark.parametrize(
    ("label", "target", "check"),
    [
        ("AG Bachtal auf der Übersichtskarte", "/?region=ag-bachtal", "AG Bachtal"),
        ("Sachsen auf der Übersichtskarte", "/?land=14", "Sachsen"),
        ("Zur Rundfahrt", "/tour", "Rundfahrt durch die Kooperationsräume"),
        ("Zu den Beispielen aus der Programmumsetzung", "/beispiele", "Beispiele aus der"),
    ],
)
def test_clicking_an_item_link_opens_that_view(
    app_server: StreamlitServer, browser_page: Page, label: str, target: str, check: str
):
    page = browser_page
    open_page(page, app_server.url, "programm")
    page.get_by_role("link", name=label).click()
    page.wait_for_url(f"**{target}")
    page.wait_for_selector("[data-testid=stApp][data-test-script-state=notRunning]")
    assert path_and_query(page) == target
    expect(page.get_by_role("heading", name=check).first).to_be_visible()
    if target.startswith("/?region="):
        sidebar = page.get_by_test_id("stSidebar")
        expect(sidebar.get_by_test_id("stMultiSelect").first).to_contain_text(check)


def test_presenter_highlights_the_now_item(app_server: StreamlitServer, browser_page: Page):
    page = browser_page
    page.set_viewport_size({"width": 1280, "height": 720})
    open_page(page, app_server.url, "programm", "praesentation=1&punkt=mo-1400")
    wait_until_rendered(page)
    box = page.locator(".st-key-programm-item-mo-1400")
    expect(box).to_have_css("background-color", "rgb(255, 244, 214)")
    expect(page.locator(".st-key-programm-item-mo-1300")).not_to_have_css(
        "background-color", "rgb(255, 244, 214)"
    )
    banner = page.locator(".st-key-programm-jetzt")
    expect(banner).to_contain_text("Rundfahrt")
    expect(banner).to_contain_text("Danach: 17.00–17.30 Uhr")
    hrefs = page.locator(LINKS).evaluate_all("as => as.map(a => a.getAttribute('href'))")
    assert hrefs and all(h.endswith("praesentation=1") for h in hrefs)
    save_screenshot(page, "programme-presenter")


def test_phone_programme(app_server: StreamlitServer, browser_page: Page):
    page = browser_page
    page.set_viewport_size({"width": 390, "height": 844})
    open_page(page, app_server.url, "programm")
    collapse_sidebar(page)
    monday = page.locator(".st-key-programm-item-mo-1230").bounding_box()
    tuesday = page.locator(".st-key-programm-item-di-0900").bounding_box()
    assert tuesday["y"] > monday["y"] and abs(tuesday["x"] - monday["x"]) < 2  # days stacked
    save_screenshot(page, "programme-phone", height=2400)
