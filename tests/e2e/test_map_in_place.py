"""Browser: a selection change updates the map inside the same iframe (no reload of Leaflet),
the map then shows the new state, and a map click acts once (no stale click on later reruns)."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from playwright.sync_api import Page, expect

from harness.server import FOLIUM_IFRAME
from tests.e2e.browser import (
    choose_option,
    folium_frame,
    open_page,
    script_runs,
    wait_for_rerun,
    wait_until_rendered,
)

# Marks the visible map iframe and its window; a new iframe (or a reloaded one) has no mark.
MARK_JS = """
(selector) => {
  const frame = [...document.querySelectorAll(selector)]
    .find(f => f.getBoundingClientRect().height > 0);
  frame.__ksgMark = 'kept';
  frame.contentWindow.__ksgMark = 'kept';
  return document.querySelectorAll(selector).length;
}
"""

# What the visible map iframe is: whether it carries the mark, and what its map shows.
STATE_JS = """
(selector) => {
  const frames = [...document.querySelectorAll(selector)];
  const frame = frames.find(f => f.getBoundingClientRect().height > 0);
  const doc = frame.contentDocument;
  const scope = doc.querySelector('[data-ksg-scope]');
  return {
    frames: frames.length,
    element: frame.__ksgMark || null,
    window: frame.contentWindow.__ksgMark || null,
    scope: scope ? scope.dataset.ksgScope : null,
    fills: [...new Set([...doc.querySelectorAll('path.leaflet-interactive')]
      .map(p => p.getAttribute('fill')))].sort(),
  };
}
"""


def mark(page: Page) -> int:
    return page.evaluate(MARK_JS, FOLIUM_IFRAME)


def state(page: Page) -> dict:
    return page.evaluate(STATE_JS, FOLIUM_IFRAME)


def assert_same_iframe(page: Page, frames_before: int) -> dict:
    now = state(page)
    assert now["element"] == "kept", "the map iframe was replaced by a new one"
    assert now["window"] == "kept", "the map iframe was reloaded"
    assert now["frames"] == frames_before, "another map iframe was mounted"
    return now


def rerun(page: Page, action) -> None:
    runs = script_runs(page)
    action()
    wait_for_rerun(page, runs)
    wait_until_rendered(page)


def query_of(page: Page) -> dict[str, list[str]]:
    return parse_qs(urlsplit(page.url).query)


def test_overview_selection_and_map_click_keep_the_iframe(app_server, browser_page):
    page = browser_page
    open_page(page, app_server.url)
    wait_until_rendered(page)
    assert state(page)["scope"] == "Deutschland"
    frames = mark(page)

    rerun(page, lambda: page.get_by_role("button", name="Kurstadtregion", exact=True).click())
    page.wait_for_function(
        "(s) => { const f = [...document.querySelectorAll(s)]"
        ".find(f => f.getBoundingClientRect().height > 0);"
        " const el = f.contentDocument.querySelector('[data-ksg-scope]');"
        " return el && el.dataset.ksgScope === 'Kurstadtregion'; }",
        arg=FOLIUM_IFRAME,
    )
    assert_same_iframe(page, frames)

    # A click on the map drills down to a municipality, in the same iframe.
    box = page.locator(FOLIUM_IFRAME).first.bounding_box()
    rerun(page, lambda: page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2))
    page.wait_for_function("() => location.search.includes('ags=')")
    ags = query_of(page)["ags"][0]
    page.wait_for_function(
        "(s) => { const f = [...document.querySelectorAll(s)]"
        ".find(f => f.getBoundingClientRect().height > 0);"
        " const el = f.contentDocument.querySelector('[data-ksg-scope]');"
        " return el && el.dataset.ksgScope !== 'Kurstadtregion'; }",
        arg=FOLIUM_IFRAME,
    )
    assert_same_iframe(page, frames)

    # The click is used once: resetting the selection is not undone by the old click value.
    sidebar = page.get_by_test_id("stSidebar")
    rerun(page, lambda: sidebar.get_by_role("button", name="Auswahl zurücksetzen").click())
    page.wait_for_timeout(1500)  # a stale click would trigger another rerun by now
    wait_for_rerun(page)
    wait_until_rendered(page)
    assert "ags" not in query_of(page) and "region" not in query_of(page), (ags, page.url)
    now = assert_same_iframe(page, frames)
    assert now["scope"] == "Deutschland"


def test_next_tour_stop_keeps_the_iframe(app_server, browser_page):
    page = browser_page
    open_page(page, app_server.url, "tour", query="stopp=2")
    wait_until_rendered(page)
    active = folium_frame(page).locator(".ksg-stop-active")
    expect(active).to_have_attribute("data-stop", "2")
    frames = mark(page)
    rerun(page, lambda: page.get_by_role("button", name="Nächster Halt").click())
    expect(folium_frame(page).locator(".ksg-stop-active")).to_have_attribute("data-stop", "3")
    assert_same_iframe(page, frames)


def test_examples_filter_keeps_the_iframe(app_server, browser_page):
    page = browser_page
    open_page(page, app_server.url, "beispiele")
    wait_until_rendered(page)
    markers = folium_frame(page).locator("path.leaflet-interactive.ksg-example")
    before = markers.count()
    frames = mark(page)
    land = page.locator(".st-key-beispiele-land").get_by_test_id("stMultiSelect")

    def choose():
        choose_option(page, land, "Brandenburg (BB)")
        page.keyboard.press("Escape")

    rerun(page, choose)
    expect(markers).to_have_count(8)
    assert before > 8
    assert_same_iframe(page, frames)


def test_demographics_indicator_keeps_the_iframe(app_server, browser_page):
    page = browser_page
    open_page(page, app_server.url, "demografie", query="region=kurstadtregion-elbe-elster")
    wait_until_rendered(page)
    fills_before = state(page)["fills"]
    frames = mark(page)
    indicator = page.locator(".st-key-demografie-indikator").get_by_test_id("stSelectbox")
    rerun(page, lambda: choose_option(page, indicator, "Bevölkerungsdichte (Einw./km²)"))
    page.wait_for_function("() => location.search.includes('indikator=dichte')")
    now = assert_same_iframe(page, frames)
    assert now["fills"] and now["fills"] != fills_before, "the map still shows the old indicator"
