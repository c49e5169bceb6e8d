"""Browser: clicks pass through the host star, the online layer says when it cannot load, and
the heading never names another region than the map shows while a view is rebuilt."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from ksg_dashboard.maps import builders as maps
from tests.e2e.browser import (
    folium_frame,
    open_page,
    save_screenshot,
    script_runs,
    wait_for_rerun,
    wait_until_rendered,
)


def test_a_click_on_the_host_star_selects_the_polygon_below(app_server, browser_page):
    page = browser_page
    open_page(page, app_server.url)
    wait_until_rendered(page)
    frame = folium_frame(page)
    star = frame.locator(".ksg-host").first.bounding_box()
    label = frame.locator(".ksg-host-label").first.bounding_box()
    assert star and label
    runs = script_runs(page)
    # The star sits on Gröditz, its label over the neighbours (Elsterwerda, Röderaue).
    page.mouse.click(star["x"] + star["width"] / 2, star["y"] + star["height"] / 2)
    wait_for_rerun(page, runs)
    page.wait_for_function("() => location.search.includes('region=')", timeout=20_000)
    regions = parse_qs(urlsplit(page.url).query)["region"]
    assert regions == ["region-in-bewegung"], regions
    # No tooltip of the star: the label alone says what it is (and the legend below the map).
    assert page.locator(".ksg-legend").get_by_text("Gröditz: Gastgeber").first.is_visible()


def test_online_layer_says_when_tiles_cannot_load(app_server, browser_page):
    page = browser_page  # every non-local request is blocked: the tiles fail as offline
    open_page(page, app_server.url, query="region=ag-bachtal")
    wait_until_rendered(page)
    runs = script_runs(page)
    page.get_by_text("Online-Hintergrundkarte (OpenStreetMap)").click()
    wait_for_rerun(page, runs)
    wait_until_rendered(page)
    notice = folium_frame(page).locator(".ksg-tile-error")
    notice.wait_for(state="visible", timeout=20_000)
    assert notice.inner_text() == maps.TILE_ERROR_NOTICE
    assert any("tile.openstreetmap.org" in url for url in page.requests_seen)
    save_screenshot(page, "overview-tiles-offline")


SAMPLE_JS = """
() => {
  window.__ksgSamples = [];
  const heading = () => {
    const strong = [...document.querySelectorAll('[data-testid=stMarkdownContainer] strong')]
      .find(s => (s.parentElement.textContent || '').includes('· Stand 31.12.'));
    return strong ? strong.textContent.trim() : null;
  };
  const mapScope = () => {
    // The visible map: Streamlit may keep a replaced component's iframe at height 0, and a map
    // updated in place is hidden until it shows the new view.
    const frame = [...document.querySelectorAll('iframe[title="streamlit_folium.st_folium"]')]
      .find(f => f.getBoundingClientRect().height > 0
        && getComputedStyle(f).visibility !== 'hidden');
    const doc = frame && frame.contentDocument;
    const el = doc && doc.querySelector('[data-ksg-scope]');
    return el ? el.dataset.ksgScope : null;
  };
  const spinner = () => !!document.querySelector('[data-testid=stSpinner]');
  window.__ksgTimer = setInterval(() => {
    window.__ksgSamples.push([heading(), mapScope(), spinner()]);
  }, 25);
}
"""


def test_heading_and_map_agree_while_a_cooperation_is_chosen(app_server, browser_page):
    page = browser_page
    open_page(page, app_server.url, query="region=ag-bachtal")
    wait_until_rendered(page)
    page.evaluate(SAMPLE_JS)
    page.wait_for_timeout(200)
    runs = script_runs(page)
    # Choose another cooperation in the sidebar: the heading and the map must follow together.
    sidebar = page.get_by_test_id("stSidebar")
    sidebar.get_by_role("button", name="Auswahl zurücksetzen").click()
    wait_for_rerun(page, runs)
    wait_until_rendered(page)
    runs = script_runs(page)
    page.get_by_role("button", name="Kurstadtregion", exact=True).click()
    wait_for_rerun(page, runs)
    wait_until_rendered(page)
    page.wait_for_timeout(300)
    samples = page.evaluate(
        "() => { clearInterval(window.__ksgTimer); return window.__ksgSamples; }"
    )
    both = [(h, m) for h, m, *_ in samples if h and m]
    seen = [h for h, _ in both]
    assert "AG Bachtal" in seen and "Deutschland" in seen and "Kurstadtregion" in seen, set(seen)
    mismatched = [(h, m) for h, m in both if h != m]
    assert not mismatched, (
        f"heading and map disagreed in {len(mismatched)} samples: {mismatched[:5]}"
    )
    assert both[-1] == ("Kurstadtregion", "Kurstadtregion")
    # Progress: a change that kept the old view for more than a second showed the spinner.
    last_old = max(
        i for i, (h, m, _) in enumerate(samples) if (h, m) == ("Deutschland", "Deutschland")
    )
    first_new = next(i for i, (h, m, _) in enumerate(samples) if (h, m) == ("Kurstadtregion",) * 2)
    if (first_new - last_old) * 25 > 1500:
        assert any(spin for _, _, spin in samples[last_old:first_new]), (
            "no spinner while rebuilding"
        )


LABELS_OUTSIDE_JS = """
() => {
  const frame = [...document.querySelectorAll('iframe[title="streamlit_folium.st_folium"]')]
    .find(f => f.getBoundingClientRect().height > 0);
  const doc = frame.contentDocument;
  const box = doc.querySelector('.leaflet-container').getBoundingClientRect();
  const labels = [...doc.querySelectorAll('.ksg-label, .ksg-host-label, .ksg-stop-label')];
  return {
    count: labels.length,
    outside: labels.filter(el => {
      const r = el.getBoundingClientRect();
      return r.left < box.left - 1 || r.right > box.right + 1
        || r.top < box.top - 1 || r.bottom > box.bottom + 1;
    }).map(el => el.textContent),
    box: [box.left, box.top, box.right, box.bottom],
    rects: labels.map(el => { const r = el.getBoundingClientRect();
      return [el.textContent, r.left, r.top, r.right, r.bottom]; }),
  };
}
"""


@pytest.mark.parametrize(
    ("path", "query"),
    [("", "region=region-in-bewegung"), ("", "region=kurstadtregion-elbe-elster"), ("tour", "")],
)
def test_map_labels_are_not_cut_at_the_edge_on_a_phone(app_server, browser_page, path, query):
    page = browser_page
    page.set_viewport_size({"width": 390, "height": 844})
    open_page(page, app_server.url, path, query=query, timeout_ms=120_000)
    wait_until_rendered(page, timeout_ms=120_000)
    page.wait_for_timeout(800)  # the labels are fitted after the map's first move
    found = page.evaluate(LABELS_OUTSIDE_JS)
    assert found["count"] >= 4
    assert found["outside"] == [], (
        f"labels cut at the map edge: {found['outside']} (map {found['box']}: {found['rects']})"
    )
