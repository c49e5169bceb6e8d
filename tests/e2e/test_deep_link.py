"""Browser: a permalink to a sub-page works as the very first visit after a server start."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Page

from harness.server import DEFAULT_APP, StreamlitServer, start_server
from tests.e2e.browser import (
    ARTIFACTS,
    external_requests,
    folium_frame,
    open_page,
    wait_until_rendered,
)


@pytest.fixture(scope="module")
def fresh_server() -> Iterator[StreamlitServer]:
    """A server of its own that no other test has visited yet."""
    server = start_server(DEFAULT_APP, ARTIFACTS / "streamlit-fresh-server.log")
    try:
        yield server
    finally:
        server.stop()


def test_first_visit_is_a_deep_link(fresh_server: StreamlitServer, browser_page: Page):
    """Streamlit treats a folder named `pages/` beside the entry script as an old-style
    multipage app until st.navigation has run once; a first visit to /tour then ran the page
    without dashboard.py (no navigation, maps from CDNs). The page folder is therefore called
    app_pages/. This test guards that."""
    page = browser_page
    open_page(page, fresh_server.url, "tour", "stopp=2")
    assert not wait_until_rendered(page)
    assert page.get_by_text("Page not found").count() == 0
    assert page.get_by_test_id("stSidebarNav").get_by_text("Demografie").is_visible()
    assert folium_frame(page).locator("path.leaflet-interactive").count() > 0
    assert external_requests(page) == []
