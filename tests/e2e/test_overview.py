"""Browser: the overview map, map clicks, the sidebar filter, permalinks and presenter mode."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from ksg_dashboard.data.datastore import read_cooperations, read_municipalities
from ksg_dashboard.maps.layers import region_colours
from tests.e2e.browser import (
    choose_option,
    external_requests,
    folium_frame,
    open_page,
    save_screenshot,
    script_runs,
    wait_for_rerun,
    wait_until_rendered,
)


def query_of(page) -> dict[str, list[str]]:
    return parse_qs(urlsplit(page.url).query)


def test_overview_map_shows_every_cooperation_in_its_colour(app_server, browser_page):
    page = browser_page
    open_page(page, app_server.url)
    assert not wait_until_rendered(page)
    strokes = (
        folium_frame(page)
        .locator("path.leaflet-interactive")
        .evaluate_all("paths => paths.map(p => (p.getAttribute('stroke') || '').toLowerCase())")
    )
    cooperations = read_cooperations()
    members = sum(len(c["member_ags"]) for c in cooperations)
    assert len(strokes) >= members
    for colour in region_colours(cooperations).values():
        assert colour.lower() in strokes, f"no polygon drawn in {colour}"
    assert page.get_by_text("Gröditz (Gastgeber)").count() == 0  # label lives in the iframe
    assert folium_frame(page).get_by_text("Gröditz (Gastgeber)").is_visible()
    assert page.get_by_text("© GeoBasis-DE / BKG 2016").first.is_visible()
    assert external_requests(page) == []
    save_screenshot(page, "overview-default")


def test_clicking_the_map_selects_a_municipality_and_updates_the_url(app_server, browser_page):
    page = browser_page
    open_page(page, app_server.url, query="region=ag-bachtal")
    wait_until_rendered(page)
    frame_box = page.locator('iframe[title="streamlit_folium.st_folium"]').bounding_box()
    runs = script_runs(page)
    # The view is fitted to AG Bachtal, so the centre of the map lies on one of its members.
    page.mouse.click(
        frame_box["x"] + frame_box["width"] / 2, frame_box["y"] + frame_box["height"] / 2
    )
    wait_for_rerun(page, runs)
    page.wait_for_function("() => location.search.includes('ags=')")
    ags = query_of(page)["ags"][0]
    cooperation = next(c for c in read_cooperations() if c["id"] == "ag-bachtal")
    assert ags in cooperation["member_ags"]
    name = read_municipalities().set_index("ags").loc[ags, "name"]
    assert page.get_by_role("heading", name=name).is_visible()
    # The click drills down: the municipality replaces the cooperation (the chips show it alone).
    assert "region" not in query_of(page)
    save_screenshot(page, "overview-clicked")


def test_sidebar_search_selects_a_municipality(app_server, browser_page):
    page = browser_page
    open_page(page, app_server.url)
    sidebar = page.get_by_test_id("stSidebar")
    search = sidebar.get_by_placeholder("Name oder AGS, z. B. Gröditz")
    runs = script_runs(page)
    search.fill("Gröditz")
    search.press("Enter")
    wait_for_rerun(page, runs)
    runs = script_runs(page)
    choose_option(page, sidebar.get_by_test_id("stSelectbox"), "Gröditz, Stadt (14627050)")
    wait_for_rerun(page, runs)
    page.wait_for_function("() => location.search.includes('ags=14627050')")
    assert page.get_by_role("heading", name="Gröditz, Stadt").is_visible()


def test_permalink_reproduces_the_view(app_server, browser_page, browser_context):
    page = browser_page
    open_page(page, app_server.url, query="region=kurstadtregion-elbe-elster&land=14")
    wait_until_rendered(page)
    page.get_by_text("Link kopieren").click()
    link = page.locator("[data-testid=stCode] code").inner_text().strip()
    assert "region=kurstadtregion-elbe-elster" in link and "land=14" in link
    other = browser_context.new_page()
    other.goto(link)
    other.wait_for_selector("[data-testid=stApp][data-test-script-state=notRunning]")
    sidebar = other.get_by_test_id("stSidebar")
    # The state can read notRunning before the first run has started: wait for the chips.
    sidebar.get_by_text("Kurstadtregion", exact=True).wait_for(state="visible", timeout=30_000)
    assert sidebar.get_by_text("Sachsen", exact=True).is_visible()
    assert other.get_by_text("Kurstadtregion + Sachsen").first.is_visible()


def test_selection_holds_when_switching_pages(app_server, browser_page):
    page = browser_page
    open_page(page, app_server.url, query="region=ag-bachtal")
    runs = script_runs(page)
    page.get_by_test_id("stSidebarNav").get_by_text("Demografie").click()
    wait_for_rerun(page, runs)
    page.wait_for_url("**/demografie?**")
    # Switching pages keeps the selection in the URL.
    assert query_of(page)["region"] == ["ag-bachtal"]
    assert page.get_by_test_id("stSidebar").get_by_text("AG Bachtal", exact=True).is_visible()


@pytest.mark.parametrize("viewport", [{"width": 1280, "height": 720}])
def test_presenter_mode_hides_the_sidebar_and_shows_the_map(app_server, browser_page, viewport):
    page = browser_page
    page.set_viewport_size(viewport)
    open_page(page, app_server.url, query="praesentation=1&region=region-in-bewegung")
    wait_until_rendered(page)
    assert not page.get_by_test_id("stSidebar").is_visible()
    assert page.get_by_role("link", name="Rundfahrt").is_visible()  # navigation moved to the top
    box = page.locator('iframe[title="streamlit_folium.st_folium"]').bounding_box()
    assert box["y"] < viewport["height"] * 0.4, "map starts too low for a projector"
    # Map, key figures and the legend below the map all fit into 720 px (see
    # test_presenter_phone.test_presenter_map_legend_is_above_the_fold).
    assert box["height"] >= 260
    save_screenshot(page, "overview-presenter-1280x720")
    runs = script_runs(page)
    page.get_by_role("button", name="Präsentationsmodus beenden").click()
    wait_for_rerun(page, runs)
    page.wait_for_function("() => !location.search.includes('praesentation')")
    assert page.get_by_test_id("stSidebar").is_visible()
