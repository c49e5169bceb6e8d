"""Tour page in a real browser: route and stops on the map, step-through, URL, presenter mode."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from harness.server import StreamlitServer
from ksg_dashboard.data.datastore import read_tour
from tests.e2e.browser import (
    after_rerun,
    external_requests,
    folium_frame,
    open_page,
    save_screenshot,
    wait_until_rendered,
)

N_STOPS = len(read_tour().stops)
PRESENTER_VIEWPORT = {"width": 1280, "height": 720}


def open_tour(page: Page, server: StreamlitServer, query: str = "") -> None:
    open_page(page, server.url, "tour", query)
    assert not wait_until_rendered(page), "the tour page shows an exception"


def inside(inner: dict, outer: dict) -> bool:
    return (
        inner["x"] >= outer["x"] - 1
        and inner["y"] >= outer["y"] - 1
        and inner["x"] + inner["width"] <= outer["x"] + outer["width"] + 1
        and inner["y"] + inner["height"] <= outer["y"] + outer["height"] + 1
    )


def overlap(a: dict, b: dict) -> bool:
    return (
        a["x"] < b["x"] + b["width"]
        and b["x"] < a["x"] + a["width"]
        and a["y"] < b["y"] + b["height"]
        and b["y"] < a["y"] + a["height"]
    )


def test_route_and_every_stop_marker_are_visible(app_server, browser_page: Page) -> None:
    open_tour(browser_page, app_server)
    frame = folium_frame(browser_page)
    expect(frame.locator("path.ksg-route")).to_be_visible()
    stops = frame.locator(".ksg-stop")
    expect(stops).to_have_count(N_STOPS)
    map_box = frame.locator(".leaflet-container").bounding_box()
    for index in range(N_STOPS):
        marker = stops.nth(index)
        expect(marker).to_be_visible()
        expect(marker).to_have_attribute("data-stop", str(index + 1))
        assert inside(marker.bounding_box(), map_box), f"stop {index + 1} is outside the map view"
    expect(frame.locator(".ksg-stop-active")).to_have_count(0)
    expect(frame.locator(".ksg-arrow")).to_have_count(N_STOPS - 1)
    # Labels are readable: inside the map, clear of other markers and of each other.
    markers = [stops.nth(i).bounding_box() for i in range(N_STOPS)]
    labels = frame.locator(".ksg-stop-label")
    boxes = [labels.nth(i).bounding_box() for i in range(labels.count())]
    assert len(boxes) == N_STOPS - 1  # start and end share Gröditz and one label
    for i, box in enumerate(boxes):
        assert inside(box, map_box), f"label {labels.nth(i).inner_text()} is cut off"
        assert not any(overlap(box, m) for m in markers), f"label {i} covers a marker"
        assert not any(overlap(box, other) for other in boxes[i + 1 :]), "labels overlap"
    assert external_requests(browser_page) == []


def test_next_and_previous_move_the_highlight_and_the_url(app_server, browser_page: Page) -> None:
    page = browser_page
    open_tour(page, app_server, "stopp=2")
    active = folium_frame(page).locator(".ksg-stop-active")
    expect(active).to_have_attribute("data-stop", "2")

    after_rerun(page, lambda: page.get_by_role("button", name="Nächster Halt").click())
    expect(page).to_have_url(re.compile(r"[?&]stopp=3(&|$)"))
    expect(folium_frame(page).locator(".ksg-stop-active")).to_have_attribute("data-stop", "3")
    expect(page.get_by_role("heading", name="3 Bad Liebenwerda")).to_be_visible()

    after_rerun(page, lambda: page.get_by_role("button", name="Vorheriger Halt").click())
    expect(page).to_have_url(re.compile(r"[?&]stopp=2(&|$)"))
    expect(folium_frame(page).locator(".ksg-stop-active")).to_have_attribute("data-stop", "2")

    # Presenters use the arrow keys (or a clicker sending them).
    after_rerun(page, lambda: page.keyboard.press("ArrowRight"))
    expect(page).to_have_url(re.compile(r"[?&]stopp=3(&|$)"))

    after_rerun(page, lambda: page.get_by_role("button", name="Gesamte Route").click())
    expect(page).not_to_have_url(re.compile(r"stopp="))
    expect(folium_frame(page).locator(".ksg-stop-active")).to_have_count(0)
    assert external_requests(page) == []


def test_timeline_bar_and_list_row_select_a_stop(app_server, browser_page: Page) -> None:
    page = browser_page
    open_tour(page, app_server, "stopp=2")

    def click_stay_of_falkenberg() -> None:
        chart = page.locator("[data-testid=stPlotlyChart]")
        chart.scroll_into_view_if_needed()
        # Third bar trace = stays in the Kurstadtregion: Bad Liebenwerda, Falkenberg, Mühlberg.
        box = chart.locator("g.trace.bars").nth(2).locator("path").nth(1).bounding_box()
        page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)

    after_rerun(page, click_stay_of_falkenberg)
    expect(page).to_have_url(re.compile(r"[?&]stopp=5(&|$)"))
    expect(folium_frame(page).locator(".ksg-stop-active")).to_have_attribute("data-stop", "5")

    def click_second_row() -> None:
        grid = page.locator("[data-testid=stDataFrame]")
        grid.scroll_into_view_if_needed()
        box = grid.bounding_box()
        row_height = 35  # Streamlit's default row height; the header row has the same height
        page.mouse.click(box["x"] + 14, box["y"] + row_height * 2.5)

    after_rerun(page, click_second_row)
    expect(page).to_have_url(re.compile(r"[?&]stopp=2(&|$)"))


def test_presenter_mode_shows_map_and_stop_without_scrolling(
    app_server, browser_page: Page
) -> None:
    page = browser_page
    page.set_viewport_size(PRESENTER_VIEWPORT)
    open_tour(page, app_server, "praesentation=1&stopp=2")
    viewport = {"x": 0, "y": 0, **PRESENTER_VIEWPORT}
    header = page.locator("header[data-testid=stHeader]").bounding_box()
    below_header = {
        "x": 0,
        "y": header["y"] + header["height"],
        "width": PRESENTER_VIEWPORT["width"],
        "height": PRESENTER_VIEWPORT["height"] - header["y"] - header["height"],
    }

    iframe = page.locator("iframe[title='streamlit_folium.st_folium']").bounding_box()
    assert inside(iframe, below_header), f"map not fully visible: {iframe}"
    for name in ("Vorheriger Halt", "Nächster Halt"):
        button = page.get_by_role("button", name=name).bounding_box()
        assert inside(button, below_header), f"{name} hidden: {button}"
    note = page.get_by_text("Rekonstruierte Route", exact=False).first.bounding_box()
    assert inside(note, below_header), "the reconstruction note is hidden"
    for heading in ("2 Elsterwerda",):
        box = page.get_by_role("heading", name=heading).bounding_box()
        assert inside(box, viewport), f"{heading} needs scrolling"
    figures = page.get_by_text(re.compile(r"Einw\. \(20\d\d\)")).first.bounding_box()
    assert inside(figures, viewport), "key figures need scrolling"

    frame = folium_frame(page)
    map_box = frame.locator(".leaflet-container").bounding_box()
    active = frame.locator(".ksg-stop-active")
    expect(active).to_have_attribute("data-stop", "2")
    assert inside(active.bounding_box(), map_box)
    label = frame.locator(".ksg-stop-active + .ksg-stop-label")
    expect(label).to_have_text("Elsterwerda")
    assert inside(label.bounding_box(), map_box), "the stop's label is cut off"
    path = save_screenshot(page, "tour-presenter-stop2")
    assert path.exists()
    assert external_requests(page) == []
