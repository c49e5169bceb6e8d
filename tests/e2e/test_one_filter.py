"""Browser test of the one filter: the sidebar chips are exactly what is active."""

from __future__ import annotations

from playwright.sync_api import Page

from tests.e2e.browser import open_page, save_screenshot, script_runs, wait_for_rerun
from tests.e2e.browser import wait_until_rendered as rendered


def chips(page: Page, key: str) -> list[str]:
    """Texts of the chips (tags) of a sidebar multiselect."""
    box = page.get_by_test_id("stSidebar").locator(f".st-key-{key}")
    tags = box.locator("[data-tag]")
    return [tags.nth(i).get_attribute("aria-label") for i in range(tags.count())]


def active(page: Page) -> str:
    return page.locator(".st-key-filter-active").inner_text()


def metric(page: Page, label: str) -> str:
    card = page.get_by_test_id("stMetric").filter(has_text=label).first
    return card.get_by_test_id("stMetricValue").inner_text().strip()


def test_chips_match_the_active_selection_and_its_figures(app_server, browser_page: Page):
    page = browser_page
    page.set_viewport_size({"width": 1440, "height": 900})
    # A cold first visit to a state view can take over a minute on a busy 2-core machine.
    query = "land=12&region=mittelbereich-templin&ags=14627050"
    open_page(page, app_server.url, query=query, timeout_ms=180_000)
    rendered(page, timeout_ms=180_000)
    assert chips(page, "filter-region") == ["Mittelbereich Templin"]
    assert chips(page, "filter-land") == ["Brandenburg"]
    line = active(page)
    # Every chip is in the active line, and the municipality adds to them (414 = 413 + Gröditz).
    assert "Mittelbereich Templin + Brandenburg + Gröditz" in line
    assert "= 414 Gemeinden" in line
    assert metric(page, "Gemeinden") == "414"
    save_screenshot(page, "one-filter-union")

    # Removing a chip changes what is active and the figures, nothing else stays behind.
    runs = script_runs(page)
    page.get_by_test_id("stSidebar").get_by_label("Remove Brandenburg").click()
    wait_for_rerun(page, runs)
    rendered(page)
    assert chips(page, "filter-land") == []
    line = active(page)
    assert "Brandenburg" not in line and "Mittelbereich Templin + Gröditz" in line
    count = line.split("= ")[1].split(" Gemeinden")[0]
    assert metric(page, "Gemeinden") == count
    assert "land=" not in page.url
