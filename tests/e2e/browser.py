"""Helpers for the browser tests: open a page, wait for Streamlit, find maps, save screenshots."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from playwright.sync_api import FrameLocator, Locator, Page
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from harness.server import APP_DONE, FOLIUM_IFRAME, READY_JS, is_external, page_url

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
TIMEOUT_MS = 60_000

# Counts script runs in window.__ksgScriptRuns, so wait_for_rerun() can tell a new run from an old.
COUNT_RUNS_JS = """
window.__ksgScriptRuns = 0;
const ATTR = 'data-test-script-state';
new MutationObserver((records) => {
  for (const r of records) {
    if (r.target.getAttribute(ATTR) === 'running') window.__ksgScriptRuns += 1;
  }
}).observe(document, {attributes: true, subtree: true, attributeFilter: [ATTR]});
"""


def open_page(
    page: Page, base_url: str, url_path: str = "", query: str = "", timeout_ms: int = TIMEOUT_MS
) -> None:
    """Navigate to a page and wait until its script has finished and the app is shown.

    Before the first script run the app reports the state "initial", so waiting for
    "notRunning" cannot return early.
    """
    url = page_url(base_url, url_path, query)
    page.goto(url, wait_until="domcontentloaded", timeout=timeout_ms)
    page.wait_for_selector(APP_DONE, timeout=timeout_ms)
    page.wait_for_selector("[data-testid=stAppViewContainer]", timeout=timeout_ms)


def wait_until_rendered(page: Page, timeout_ms: int = TIMEOUT_MS) -> bool:
    """Wait until the script finished and every folium map and plotly chart has drawn.

    Returns True if an exception box is shown (the page is then considered done as well).
    """
    handle = page.wait_for_function(READY_JS, arg=FOLIUM_IFRAME, polling=50, timeout=timeout_ms)
    return bool(handle.json_value()["exception"])


def script_runs(page: Page) -> int:
    """Number of script runs the page has seen (needs the browser_page fixture's init script)."""
    return int(page.evaluate("window.__ksgScriptRuns || 0"))


def wait_for_rerun(
    page: Page, runs_before: int | None = None, timeout_ms: int = TIMEOUT_MS
) -> None:
    """Wait until a rerun has finished.

    Pass `runs_before=script_runs(page)`, taken before the interaction that triggers the rerun, so a
    run that has not started yet is waited for; without it this only waits for "notRunning".
    """
    if runs_before is not None:
        page.wait_for_function(
            "(n) => (window.__ksgScriptRuns || 0) > n", arg=runs_before, timeout=timeout_ms
        )
    page.wait_for_selector(APP_DONE, timeout=timeout_ms)


def folium_frame(page: Page, index: int = 0) -> FrameLocator:
    """Frame locator of the `index`-th streamlit-folium map on the page."""
    return page.frame_locator(FOLIUM_IFRAME).nth(index)


def save_screenshot(page: Page, name: str, height: int | None = None) -> Path:
    """Save a screenshot of the viewport to tests/e2e/artifacts/<name>.png and return its path.

    Streamlit scrolls inside its own container, so `full_page` does not help; pass `height` to
    take the shot with a taller viewport instead (the size is restored afterwards).
    """
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{re.sub(r'[^A-Za-z0-9_.-]+', '_', name).strip('_')}.png"
    size = page.viewport_size
    if height and size:
        page.set_viewport_size({"width": size["width"], "height": height})
    try:
        page.screenshot(path=str(path))
    finally:
        if height and size:
            page.set_viewport_size(size)
    return path


def external_requests(page: Page) -> list[str]:
    """Recorded request URLs (see the browser_page fixture) that went to a non-local host."""
    return [url for url in getattr(page, "requests_seen", []) if is_external(url)]


def collapse_sidebar(page: Page) -> None:
    """Close the sidebar (e.g. on a narrow screen) and wait until it is gone."""
    collapse = page.get_by_test_id("stSidebarCollapseButton").locator("button")
    if collapse.count() and collapse.first.is_visible():
        collapse.first.click()
    page.wait_for_function(
        "() => { const s = document.querySelector('[data-testid=stSidebar]');"
        " return !s || s.getBoundingClientRect().right <= 1; }"
    )
    page.wait_for_timeout(300)  # let the main column settle after the slide-out


def after_rerun(page: Page, action: Callable[[], None]) -> None:
    """Do something that reruns the script and wait until the page has drawn again."""
    runs = script_runs(page)
    action()
    wait_for_rerun(page, runs)
    wait_until_rendered(page)


def open_sidebar(page: Page) -> Locator:
    """Open the sidebar (closed by default on a phone) and wait until it has slid fully in."""
    sidebar = page.get_by_test_id("stSidebar")
    if sidebar.get_attribute("data-collapsed") != "false":
        page.get_by_test_id("stExpandSidebarButton").click()
    page.wait_for_function(
        "() => { const s = document.querySelector('[data-testid=stSidebar]');"
        " return s && s.getAttribute('data-collapsed') === 'false'"
        " && s.getBoundingClientRect().left >= 0; }"
    )
    page.wait_for_timeout(300)  # the slide-in transition ends after the attribute changes
    return sidebar


def choose_option(page: Page, select: Locator, name: str, attempts: int = 3) -> None:
    """Open a select box's list and click one option.

    On a loaded machine the first click can land while the widget is still being laid out and the
    list does not open; the click is repeated until the option shows (or the attempts run out).
    """
    option = page.get_by_role("option", name=name)
    for _ in range(attempts):
        if not option.is_visible():
            select.click()
        try:
            option.wait_for(state="visible", timeout=TIMEOUT_MS // attempts)
            break
        except PlaywrightTimeoutError:
            continue
    option.click()
