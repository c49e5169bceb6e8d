"""Browser: a planner uploads an own list; it is drawn and listed, and names stay plain text."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from ksg_dashboard.core.selection import CUSTOM_ID
from ksg_dashboard.maps.layers import CUSTOM_COLOUR
from tests.e2e.browser import (
    folium_frame,
    open_page,
    save_screenshot,
    script_runs,
    wait_for_rerun,
    wait_until_rendered,
)

XSS_NAME = "<img src=x onerror=alert(1)>"


def upload(page, path: Path) -> None:
    sidebar = page.get_by_test_id("stSidebar")
    sidebar.get_by_text("Eigene Auswahl hochladen").click()
    runs = script_runs(page)
    sidebar.locator("input[type=file]").set_input_files(str(path))
    wait_for_rerun(page, runs)
    page.wait_for_function("() => location.search.includes('eigene=')")


def test_uploaded_list_is_drawn_listed_and_linked(app_server, browser_page, tmp_path):
    page = browser_page
    csv = tmp_path / "meine_gemeinden.csv"
    # Latin-1, ';' separated, one key without its leading zero, one unknown key.
    rows = ["AGS;Name;Gruppe", "5970004;Bad Berleburg;West", "14627050;Gröditz;Ost"]
    rows.append("99999999;Nirgendwo;X")
    csv.write_bytes("\n".join(rows).encode("latin-1"))
    open_page(page, app_server.url)
    upload(page, csv)
    wait_until_rendered(page)
    sidebar = page.get_by_test_id("stSidebar")
    assert (
        sidebar.get_by_test_id("stAlertContentSuccess")
        .get_by_text("2 Gemeinden übernommen")
        .is_visible()
    )
    assert sidebar.get_by_text("99999999", exact=True).is_visible()
    query = parse_qs(urlsplit(page.url).query)
    assert query["eigene"] == ["05970004,14627050"]
    assert query["region"] == [CUSTOM_ID]
    colour = CUSTOM_COLOUR.lower()
    strokes = (
        folium_frame(page)
        .locator("path.leaflet-interactive")
        .evaluate_all("paths => paths.map(p => (p.getAttribute('stroke') || '').toLowerCase())")
    )
    assert strokes.count(colour) >= 2, "the two uploaded municipalities are not drawn"
    table = page.get_by_test_id("stTable")
    assert table.get_by_text("Gröditz, Stadt").is_visible()
    assert table.get_by_text("Bad Berleburg, Stadt").is_visible()
    save_screenshot(page, "planner-upload")


def test_names_from_uploads_are_never_html(app_server, browser_page, tmp_path):
    page = browser_page
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    csv = tmp_path / "boese.csv"
    csv.write_text(f"AGS,Name\n14627050,{XSS_NAME}\n", encoding="utf-8")
    open_page(page, app_server.url)
    upload(page, csv)
    wait_until_rendered(page)
    assert page.get_by_test_id("stTable").get_by_text(XSS_NAME, exact=True).is_visible()
    assert page.locator("img[src=x]").count() == 0
    assert folium_frame(page).locator("img[src=x]").count() == 0
    page.wait_for_timeout(500)
    assert dialogs == []
