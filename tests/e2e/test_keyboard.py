"""Keyboard only: what the maps do on a click (a tour stop, a municipality of a cooperation) can
be done with Tab, typing and Enter."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from ksg_dashboard.data.datastore import read_tour
from tests.e2e.browser import open_page, script_runs, wait_for_rerun, wait_until_rendered

MAX_TABS = 60
STOPS = read_tour().stops


def tab_to(page: Page, label: str) -> None:
    """Press Tab until the element labelled `label` has the focus (fails after MAX_TABS)."""
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        focused = page.evaluate(
            "() => { const e = document.activeElement;"
            " return (e.getAttribute('aria-label') || e.innerText || '').trim(); }"
        )
        if focused == label:
            return
    raise AssertionError(f"{label!r} not reached with {MAX_TABS} × Tab")


def press_and_wait(page: Page, key: str) -> None:
    runs = script_runs(page)
    page.keyboard.press(key)
    wait_for_rerun(page, runs)
    wait_until_rendered(page)


def test_tour_stop_by_keyboard(app_server, browser_page: Page) -> None:
    page = browser_page
    open_page(page, app_server.url, "tour")
    assert not wait_until_rendered(page)
    tab_to(page, "Halt wählen")
    target = STOPS[2]
    page.keyboard.type(target.place)  # the select filters as one types
    press_and_wait(page, "Enter")
    expect(page).to_have_url(f"{app_server.url}/tour?stopp=3")
    heading = page.get_by_role("heading", name=f"3 {target.place}")
    expect(heading).to_be_visible()
    expect(page.get_by_text("Halt 3 von", exact=False).first).to_be_visible()


def test_municipality_by_keyboard(app_server, browser_page: Page) -> None:
    page = browser_page
    open_page(page, app_server.url)
    assert not wait_until_rendered(page)
    tab_to(page, "Region in Bewegung")
    press_and_wait(page, "Enter")
    expect(page).to_have_url(f"{app_server.url}/?region=region-in-bewegung")
    tab_to(page, "Gemeinde wählen")
    page.keyboard.type("Gröditz")
    press_and_wait(page, "Enter")
    # As a click on the map: the municipality replaces the cooperation.
    expect(page).to_have_url(f"{app_server.url}/?ags=14627050")
    expect(page.get_by_role("heading", name="Gröditz, Stadt")).to_be_visible()
