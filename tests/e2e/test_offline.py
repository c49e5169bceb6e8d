"""Every page renders in a real browser without errors and without asking any external host."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from harness.server import StreamlitServer
from ksg_dashboard.core.navigation import PAGES, PageSpec
from tests.e2e.browser import external_requests, open_page, save_screenshot, wait_until_rendered


@pytest.mark.parametrize("spec", PAGES, ids=lambda spec: Path(spec.file).stem)
def test_page_renders_offline(
    app_server: StreamlitServer, browser_page: Page, spec: PageSpec
) -> None:
    open_page(browser_page, app_server.url, spec.url_path)
    # Maps and charts load their scripts after the script run: wait for them before judging.
    # A map whose scripts point at a CDN never draws offline, so name the requests on timeout.
    try:
        wait_until_rendered(browser_page)
        drawn = True
    except PlaywrightTimeout:
        drawn = False
    assert drawn, f"maps/charts not drawn; external requests: {external_requests(browser_page)}"

    nav = browser_page.locator("[data-testid=stSidebarNav]")
    expect(nav.get_by_text(spec.title, exact=True)).to_be_visible()
    expect(browser_page.locator("[data-testid=stException]")).to_have_count(0)
    assert external_requests(browser_page) == []
    save_screenshot(browser_page, f"page-{Path(spec.file).stem}", height=1900)
