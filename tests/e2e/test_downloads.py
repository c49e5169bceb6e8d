"""Browser: the downloads deliver files that name their source (CSV, GeoJSON, Regionsprofil
PDF), and every chart's camera button saves a 1600 × 900 PNG or an SVG, offline."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

from pypdf import PdfReader

from ksg_dashboard.data.datastore import read_sources
from tests.e2e.browser import external_requests, open_page, save_screenshot, wait_until_rendered

# The machine running the suite is shared: cold pages get more than the default minute.
SLOW_MS = 180_000
MEMBERS = ("Gröditz", "Wülknitz", "Röderaue", "Bad Liebenwerda", "Elsterwerda")


def _download(page, label: str) -> Path:
    with page.expect_download(timeout=120_000) as info:
        page.get_by_test_id("stDownloadButton").filter(has_text=label).click()
    return Path(info.value.path()), info.value.suggested_filename


def test_overview_downloads_carry_the_source_line(app_server, browser_page):
    page = browser_page
    sources = read_sources()
    open_page(page, app_server.url, query="region=region-in-bewegung", timeout_ms=SLOW_MS)
    assert not wait_until_rendered(page, SLOW_MS)

    path, name = _download(page, "CSV")
    text = path.read_text(encoding="utf-8-sig")
    first = text.splitlines()[0]
    assert name == "ksg_auswahl.csv"
    assert first.startswith("# Quelle: " + sources["population"]["attribution"])
    assert "# Gebietsstand: Gebietsstand 31.12.2022" in text
    assert "# Lizenz: " + sources["population"]["licence"] in text
    assert all(key in text for key in ("14627050", "12062124"))

    path, _ = _download(page, "GeoJSON")
    collection = json.loads(path.read_text(encoding="utf-8"))
    assert sources["boundaries"]["attribution"] in collection["properties"]["Quelle"]
    assert collection["properties"]["Gebietsstand"] == "Gebietsstand 31.12.2022"
    assert len(collection["features"]) == len(MEMBERS)

    path, name = _download(page, "Regionsprofil (PDF)")
    assert name == "regionsprofil_region-in-bewegung.pdf"
    reader = PdfReader(io.BytesIO(path.read_bytes()))
    assert len(reader.pages) == 2
    text = re.sub(r"\s+", " ", " ".join(p.extract_text() for p in reader.pages))
    assert "Region in Bewegung" in text and all(m in text for m in MEMBERS)
    assert sources["population"]["attribution"] in text and "Quellen und Lizenzen" in text
    assert f"{app_server.url.rstrip('/')}/?region=region-in-bewegung" in text  # the permalink
    assert external_requests(page) == []


def test_demographics_profile_and_chart_images(app_server, browser_page):
    page = browser_page
    open_page(page, app_server.url, "demografie", "ags=14627050", timeout_ms=SLOW_MS)
    assert not wait_until_rendered(page, SLOW_MS)
    path, name = _download(page, "Regionsprofil (PDF)")
    assert name.startswith("regionsprofil_groeditz")
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(path.read_bytes())).pages)
    assert "AGS 14627050" in text and "/demografie?" in text

    # PNG: the camera button of the time chart saves the slide-sized image.
    chart = page.get_by_test_id("stPlotlyChart").first
    chart.hover()
    with page.expect_download(timeout=60_000) as info:
        chart.locator(".modebar-btn[data-title^='Download plot']").click()
    assert info.value.suggested_filename == "ksg_veraenderung_pct_zeitreihe.png"
    png = Path(info.value.path()).read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
    assert (width, height) == (1600, 900)

    # SVG: chosen in the sidebar, the same button saves a vector image.
    page.get_by_test_id("stSidebar").get_by_text("SVG", exact=True).click()
    wait_until_rendered(page, SLOW_MS)
    chart = page.get_by_test_id("stPlotlyChart").first
    chart.hover()
    with page.expect_download(timeout=60_000) as info:
        chart.locator(".modebar-btn[data-title^='Download plot']").click()
    assert info.value.suggested_filename == "ksg_veraenderung_pct_zeitreihe.svg"
    svg = Path(info.value.path()).read_text(encoding="utf-8")
    assert svg.lstrip().startswith("<svg") and 'width="1600"' in svg and 'height="900"' in svg
    assert external_requests(page) == []
    save_screenshot(page, "demografie-bildformat")


def test_demographics_ranking_csv_is_made_on_the_click(app_server, browser_page):
    """The ranking's CSV is generated when clicked (not with every page view) and still names
    its source, territory and the selected municipalities."""
    page = browser_page
    sources = read_sources()
    open_page(page, app_server.url, "demografie", "region=region-in-bewegung", timeout_ms=SLOW_MS)
    assert not wait_until_rendered(page, SLOW_MS)
    path, name = _download(page, "CSV herunterladen")
    text = path.read_text(encoding="utf-8-sig")
    assert name.startswith("ksg_") and name.endswith(".csv")
    assert sources["population"]["attribution"] in text
    assert "Gebietsstand 31.12.2022" in text
    assert all(member in text for member in MEMBERS)
