"""Browser: phones (390×844) and projectors (1280×720, presenter mode) – issue #14.

Stop text under the tour controls, a short examples page, the sidebar closing after a choice,
fonts of at least 18 px in presenter mode, legends above the fold, arrow keys after a click
on the map, next/previous programme item, region chooser, QR code and 'Link kopieren'.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Page, expect

from harness.server import StreamlitServer
from ksg_dashboard.charts.presenter import PRESENTER_MIN_PX
from ksg_dashboard.core import share
from ksg_dashboard.core.navigation import PAGES
from tests.e2e.browser import (
    after_rerun,
    choose_option,
    collapse_sidebar,
    folium_frame,
    open_page,
    open_sidebar,
    save_screenshot,
    script_runs,
    wait_for_rerun,
    wait_until_rendered,
)

PHONE = {"width": 390, "height": 844}
PRESENTER = {"width": 1280, "height": 720}
DESKTOP = {"width": 1440, "height": 900}
MAP = "iframe[title='streamlit_folium.st_folium']"
# The smallest font of every visible text of every plotly chart on the page.
MIN_CHART_FONT_JS = """() => {
  const sizes = [];
  for (const t of document.querySelectorAll('.js-plotly-plot text')) {
    const box = t.getBoundingClientRect();
    if (!t.textContent.trim() || box.width === 0 || box.height === 0) continue;
    sizes.push([parseFloat(getComputedStyle(t).fontSize), t.textContent.trim()]);
  }
  sizes.sort((a, b) => a[0] - b[0]);
  return sizes;
}"""


def show(page: Page, server: StreamlitServer, path: str, query: str, size: dict) -> None:
    page.set_viewport_size(size)
    open_page(page, server.url, path, query)
    assert not wait_until_rendered(page), f"/{path}?{query} shows an exception"


def query_of(page: Page) -> dict[str, list[str]]:
    return parse_qs(urlsplit(page.url).query)


# --- phones -------------------------------------------------------------------------------------


def test_tour_stop_text_follows_the_controls_on_a_phone(app_server, browser_page: Page) -> None:
    page = browser_page
    show(page, app_server, "tour", "stopp=2", PHONE)
    collapse_sidebar(page)
    controls = page.get_by_role("button", name="Nächster Halt").bounding_box()
    heading = page.get_by_role("heading", name="2 Elsterwerda").bounding_box()
    figures = page.get_by_text(re.compile(r"Einw\. \(20\d\d\)")).first.bounding_box()
    tour_map = page.locator(MAP).bounding_box()
    save_screenshot(page, "phone-tour-stop2")
    # Right under the controls (the position line between), not ~1,150 px further down.
    assert 0 < heading["y"] - (controls["y"] + controls["height"]) < 160, (controls, heading)
    assert figures["y"] < controls["y"] + 400
    assert tour_map["y"] > heading["y"], "the map should follow the stop's text"


def test_examples_page_is_short_on_a_phone(app_server, browser_page: Page) -> None:
    page = browser_page
    show(page, app_server, "beispiele", "", PHONE)
    collapse_sidebar(page)
    height = page.evaluate(
        "() => document.querySelector('[data-testid=stMainBlockContainer]').scrollHeight"
    )
    assert height < 12_000, f"/beispiele is {height} px long on a phone"
    cards = page.locator("[class*='st-key-beispiele-card-']")
    expect(cards).to_have_count(12)
    # Details on demand: the summary is in a closed expander.
    first = cards.first
    expect(first.get_by_text("Mitglieder:", exact=False)).to_be_hidden()
    first.get_by_text("Mehr zum Beispiel").click()
    expect(first.get_by_text("Mitglieder:", exact=False)).to_be_visible()
    after_rerun(page, lambda: page.get_by_role("button", name="12 weitere anzeigen").click())
    expect(cards).to_have_count(24)
    save_screenshot(page, "phone-examples")


def test_example_link_beyond_the_first_page_shows_it(app_server, browser_page: Page) -> None:
    page = browser_page
    # The 42nd example in the default order, far beyond the first page of 12 cards.
    show(page, app_server, "beispiele", "beispiel=samtgemeinde-aue", DESKTOP)
    expect(page.get_by_role("dialog")).to_be_visible()
    page.get_by_role("dialog").get_by_label("Close").click()
    expect(page.locator(".st-key-beispiele-card-samtgemeinde-aue")).to_be_visible()


def test_time_chart_uses_the_width_of_a_phone(app_server, browser_page: Page) -> None:
    page = browser_page
    show(page, app_server, "demografie", "region=region-in-bewegung", PHONE)
    layout = page.evaluate(
        "() => { const g = document.querySelector('.js-plotly-plot')._fullLayout;"
        " return {range: g.xaxis.range, left: g._size.l, width: g._size.w}; }"
    )
    # The years 2010–2022 fill the plot (the line labels once widened the axis back to 1993).
    assert layout["range"] == [2009.5, 2022.5]
    assert layout["width"] > 250
    expect(page.get_by_text("Zensus 2011: Bruch der Reihe")).to_be_visible()
    expect(page.get_by_text("Basisjahr 2012")).to_be_visible()
    save_screenshot(page, "phone-time-chart")


def test_sidebar_closes_after_choosing_on_a_phone(app_server, browser_page: Page) -> None:
    page = browser_page
    show(page, app_server, "", "", PHONE)
    sidebar = open_sidebar(page)
    runs = script_runs(page)
    choose_option(page, sidebar.get_by_test_id("stMultiSelect").first, "AG Bachtal")
    wait_for_rerun(page, runs)
    expect(sidebar).to_have_attribute("data-collapsed", "true")
    page.wait_for_function(
        "() => document.querySelector('[data-testid=stSidebar]').getBoundingClientRect().right <= 1"
    )
    assert "region=ag-bachtal" in page.url
    save_screenshot(page, "phone-after-choice")


# --- presenters ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "query"),
    [
        ("tour", "praesentation=1&stopp=2"),
        ("demografie", "praesentation=1&region=region-in-bewegung"),
        ("demografie", "praesentation=1&bereich=altersstruktur&region=region-in-bewegung"),
        ("beispiele", "praesentation=1"),
    ],
)
def test_presenter_chart_text_is_at_least_18_px(app_server, browser_page, path, query) -> None:
    page = browser_page
    show(page, app_server, path, query, PRESENTER)
    page.wait_for_timeout(500)
    sizes = page.evaluate(MIN_CHART_FONT_JS)
    assert sizes, "no chart text found"
    assert sizes[0][0] >= PRESENTER_MIN_PX, f"smallest chart texts: {sizes[:5]}"
    for legend in page.locator(".ksg-legend").all():
        size = legend.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")
        assert size >= PRESENTER_MIN_PX


def test_presenter_dependency_table_shows_every_row(app_server, browser_page: Page) -> None:
    page = browser_page
    query = "praesentation=1&bereich=altersstruktur&region=region-in-bewegung"
    show(page, app_server, "demografie", query, PRESENTER)
    heading = page.get_by_text("Jugend- und Altenquotient 2018", exact=False)
    heading.scroll_into_view_if_needed()
    table = page.get_by_test_id("stDataFrame").last
    box = table.bounding_box()
    # Region in Bewegung lies in two districts (Elbe-Elster, Meißen): header + two rows.
    assert box["height"] >= 3 * 44, box
    save_screenshot(page, "presenter-dependency-table")


@pytest.mark.parametrize(
    ("path", "query"),
    [
        ("", ""),
        ("tour", "&stopp=2"),
        ("beispiele", ""),
        ("demografie", "&region=region-in-bewegung"),
        ("demografie", "&bereich=altersstruktur&region=region-in-bewegung"),
        ("demografie", "&bereich=natuerliche_bewegung&region=region-in-bewegung"),
    ],
)
def test_presenter_map_legend_is_above_the_fold(app_server, browser_page, path, query) -> None:
    page = browser_page
    show(page, app_server, path, "praesentation=1" + query, PRESENTER)
    legend = page.locator(".ksg-legend").first.bounding_box()
    assert legend["y"] + legend["height"] <= PRESENTER["height"], legend
    save_screenshot(page, f"presenter-legend-{path or 'overview'}")


def test_arrow_keys_change_the_stop_after_a_click_on_the_map(app_server, browser_page) -> None:
    page = browser_page
    show(page, app_server, "tour", "praesentation=1&stopp=2", PRESENTER)
    frame = folium_frame(page)
    container = frame.locator(".leaflet-container")
    box = container.bounding_box()
    container.click(position={"x": box["width"] * 0.85, "y": box["height"] * 0.85})
    page.wait_for_timeout(300)
    after_rerun(page, lambda: page.keyboard.press("ArrowRight"))
    expect(page.get_by_role("heading", name="3 Bad Liebenwerda")).to_be_visible()
    expect(page).to_have_url(re.compile(r"[?&]stopp=3(&|$)"))


def test_arrow_keys_step_back_with_the_redrawn_map_focused(app_server, browser_page) -> None:
    page = browser_page
    show(page, app_server, "tour", "praesentation=1&stopp=2", PRESENTER)
    after_rerun(page, lambda: page.keyboard.press("ArrowRight"))
    expect(page.get_by_role("heading", name="3 Bad Liebenwerda")).to_be_visible()
    container = folium_frame(page).locator(".leaflet-container")
    box = container.bounding_box()
    container.click(position={"x": box["width"] * 0.85, "y": box["height"] * 0.85})
    page.wait_for_timeout(300)
    after_rerun(page, lambda: page.keyboard.press("ArrowLeft"))
    expect(page.get_by_role("heading", name="2 Elsterwerda")).to_be_visible()


def test_programme_items_step_with_buttons_and_keys(app_server, browser_page: Page) -> None:
    page = browser_page
    show(page, app_server, "programm", "praesentation=1", PRESENTER)
    after_rerun(page, lambda: page.get_by_role("button", name="Nächster Punkt").click())
    first = query_of(page)["punkt"][0]
    after_rerun(page, lambda: page.keyboard.press("ArrowRight"))
    second = query_of(page)["punkt"][0]
    assert second != first
    after_rerun(page, lambda: page.get_by_role("button", name="Vorheriger Punkt").click())
    assert query_of(page)["punkt"] == [first]


def test_presenter_changes_the_region_on_the_tour(app_server, browser_page: Page) -> None:
    page = browser_page
    show(page, app_server, "tour", "praesentation=1&stopp=2", PRESENTER)
    page.get_by_role("button", name="🗺️ Region").click()
    after_rerun(page, lambda: page.get_by_role("radio", name="Kurstadtregion").click(force=True))
    assert query_of(page)["region"] == ["kurstadtregion-elbe-elster"]
    assert query_of(page)["praesentation"] == ["1"]
    assert query_of(page)["stopp"] == ["2"]


def test_presenter_qr_code_encodes_the_participants_link(app_server, browser_page) -> None:
    page = browser_page
    show(page, app_server, "tour", "praesentation=1&stopp=2&region=ag-bachtal", PRESENTER)
    page.get_by_role("button", name="▦ QR").click()
    image = page.locator(".ksg-qr img")
    expect(image).to_be_visible()
    text = page.locator(".ksg-qr-url").inner_text().strip()
    assert text == f"{app_server.url}/tour?stopp=2&region=ag-bachtal" or text == (
        f"{app_server.url}/tour?region=ag-bachtal&stopp=2"
    ), text
    assert "praesentation" not in text
    # The image is the QR symbol of exactly the text under it.
    assert image.get_attribute("src") == share.qr_data_uri(text)
    box = image.bounding_box()
    assert box["width"] >= 200 and box["y"] + box["height"] <= PRESENTER["height"]
    save_screenshot(page, "presenter-qr")


@pytest.mark.parametrize("spec", PAGES, ids=lambda s: s.url_path or "overview")
def test_every_page_offers_link_kopieren(app_server, browser_page, spec) -> None:
    page = browser_page
    show(page, app_server, spec.url_path, "region=ag-bachtal", DESKTOP)
    button = page.get_by_role("button", name="🔗 Link kopieren")
    expect(button).to_have_count(1)
    button.click()
    code = page.get_by_test_id("stPopoverBody").get_by_test_id("stCode")
    expect(code).to_be_visible()
    assert code.inner_text().strip() == f"{app_server.url}/{spec.url_path}?region=ag-bachtal"


def test_presenter_navigation_shows_every_page_beside_the_tools(app_server, browser_page) -> None:
    page = browser_page
    show(page, app_server, "", "praesentation=1&region=kurstadtregion-elbe-elster", PRESENTER)
    # Streamlit folds links that do not fit into an English "N more" menu.
    expect(page.get_by_text(re.compile(r"^\d+ more$"))).to_have_count(0)
    tools = page.locator(".st-key-ksg-tools").bounding_box()
    for spec in PAGES:
        link = page.get_by_role("link", name=spec.title_for(True)).first
        expect(link).to_be_visible()
        box = link.bounding_box()
        assert box["x"] + box["width"] <= tools["x"], (spec.title_for(True), box, tools)
    legend = page.locator(".ksg-legend").first.bounding_box()
    assert legend["y"] + legend["height"] <= PRESENTER["height"], legend
    save_screenshot(page, "presenter-navigation")
