"""Browser: the overview's switchable layer of Gemeindeverbände (outlines, legend, tooltip)."""

from __future__ import annotations

from tests.e2e.browser import (
    external_requests,
    folium_frame,
    open_page,
    save_screenshot,
    script_runs,
    wait_for_rerun,
    wait_until_rendered,
)


def test_layer_toggle_draws_outlines_with_name_and_type(app_server, browser_page):
    page = browser_page
    open_page(page, app_server.url, query="region=mittelbereich-templin")
    assert not wait_until_rendered(page)
    frame = folium_frame(page)
    assert frame.locator("path.ksg-association").count() == 0
    runs = script_runs(page)
    page.get_by_text("Gemeindeverbände anzeigen").click()
    wait_for_rerun(page, runs)
    assert not wait_until_rendered(page)
    frame = folium_frame(page)
    outlines = frame.locator("path.ksg-association")
    frame.locator("path.ksg-association").first.wait_for(state="attached")
    assert outlines.count() >= 3  # Amt Gerswalde and neighbouring Ämter in view
    dashed = outlines.evaluate_all("ps => ps.map(p => p.getAttribute('stroke-dasharray'))")
    assert all(d == "6 4" for d in dashed)
    # Hovering a point on the outline of Amt Gerswalde shows its name and type. The points are
    # taken from the SVG paths themselves (a third along each line), in page coordinates.
    box = page.locator('iframe[title="streamlit_folium.st_folium"]').first.bounding_box()
    points = outlines.evaluate_all(
        """ps => ps.map(p => {
            const pt = p.getPointAtLength(p.getTotalLength() / 3);
            const m = p.getScreenCTM();
            return [pt.x * m.a + pt.y * m.c + m.e, pt.x * m.b + pt.y * m.d + m.f];
        })"""
    )
    tips = []
    for x, y in points:
        page.mouse.move(box["x"] + x, box["y"] + y)
        page.wait_for_timeout(150)
        shown = frame.locator(".leaflet-tooltip").evaluate_all("ts => ts.map(t => t.innerText)")
        tips.extend(shown)
        if any("Amt Gerswalde" in t for t in shown):
            break
    assert any("Amt Gerswalde" in t for t in tips), tips
    assert any("Gemeindeverband" in t and "Art" in t for t in tips), tips
    legend = page.locator(".ksg-legend").last.inner_text()
    assert "Amt" in legend and "Verwaltungsgemeinschaft" in legend
    assert page.get_by_text("Gemeindeverbände: Destatis").first.is_visible()
    assert external_requests(page) == []
    save_screenshot(page, "overview-associations")
