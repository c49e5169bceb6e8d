"""Browser: hostile link parameters on every page and a hostile uploaded file: no dialog opens,
no link, image or formatting is made from them, nothing is fetched, the text is shown as text."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import pytest
from playwright.sync_api import Page

from harness.server import StreamlitServer
from ksg_dashboard.core.navigation import PAGES, PageSpec
from tests.e2e.browser import external_requests, open_page, wait_until_rendered
from tests.e2e.test_planner import upload

LINK = "[Hier neu anmelden](http://evil.example/login)"
IMAGE = "![b](http://evil.example/x.png)"
BOLD = "**fett**"
SCRIPT = "<img src=x onerror=alert(1)>"
HOSTILE = (LINK, IMAGE, BOLD, SCRIPT)
# The parameters each page echoes in its notes (the global filter's on every page that shows
# them; region gets all four values, so one note must summarise them).
PAGE_PARAMS = {
    "": {"region": ",".join(HOSTILE), "land": LINK, "ags": IMAGE},
    "tour": {"region": ",".join(HOSTILE), "stopp": LINK},
    "demografie": {"region": ",".join(HOSTILE), "indikator": LINK, "ansicht": IMAGE},
    "beispiele": {"thema": ",".join(HOSTILE), "bundesland": LINK, "beispiel": IMAGE},
    "indikatoren": {"region": ",".join(HOSTILE), "indikator": LINK},
    "programm": {"punkt": LINK},
    "vergleich": {"region": ",".join(HOSTILE), "vergleich": LINK},
}


def assert_nothing_rendered(page: Page, dialogs: list[str]) -> None:
    main = page.get_by_test_id("stMain")
    assert main.locator("a[href*='evil.example']").count() == 0
    assert page.locator("img[src*='evil.example'], img[src=x]").count() == 0
    assert main.locator("strong", has_text="fett").count() == 0
    seen = page.requests_seen  # type: ignore[attr-defined]
    assert [u for u in seen if urlsplit(u).hostname == "evil.example"] == []
    assert external_requests(page) == []
    page.wait_for_timeout(300)
    assert dialogs == []


@pytest.mark.parametrize("spec", PAGES, ids=lambda spec: Path(spec.file).stem)
def test_hostile_parameters_are_shown_as_text(
    app_server: StreamlitServer, browser_page: Page, spec: PageSpec
) -> None:
    page = browser_page
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    open_page(page, app_server.url, spec.url_path, urlencode(PAGE_PARAMS[spec.url_path]))
    wait_until_rendered(page)
    assert page.get_by_test_id("stException").count() == 0
    notes = page.get_by_test_id("stAlertContentInfo").all_inner_texts()
    shown = "\n".join(notes).replace("\u2060", "")
    assert LINK in shown, notes  # literally, brackets and all
    assert_nothing_rendered(page, dialogs)
    if "region" in PAGE_PARAMS[spec.url_path]:
        region_notes = [n for n in notes if "Region" in n]
        assert len(region_notes) == 1 and all(h in region_notes[0] for h in (BOLD, SCRIPT))


def test_hostile_upload_is_shown_as_text_everywhere(
    app_server: StreamlitServer, browser_page: Page, tmp_path: Path
) -> None:
    page = browser_page
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    path = tmp_path / "liste **fett** [x](http:__evil.example).csv"
    rows = ["AGS;Name", f"14627050;{LINK}", f"12062024;{IMAGE}", f"05970004;{BOLD}"]
    rows += ['09162000;"=HYPERLINK(""http://evil.example"",""x"")"', "11000000;@SUM(A1)"]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    open_page(page, app_server.url)
    upload(page, path)
    wait_until_rendered(page)
    # Shown literally (plain() puts an invisible word joiner after "http:", which stops GFM
    # from turning the text into a link).
    cells = page.get_by_test_id("stTable").locator("td").all_inner_texts()
    cells = [c.replace("\u2060", "").strip() for c in cells]
    for name in (LINK, IMAGE, BOLD):
        assert name in cells, (name, cells)
    captions = "\n".join(page.get_by_test_id("stCaptionContainer").all_inner_texts())
    assert path.name.replace("\u2060", "") in captions.replace("\u2060", "")
    assert_nothing_rendered(page, dialogs)
    # The CSV download: formulas neutralised, the source line in every row.
    with page.expect_download() as info:
        page.get_by_test_id("stDownloadButton").filter(has_text="CSV").click()
    text = Path(info.value.path()).read_text(encoding="utf-8-sig")
    assert text.startswith("# Quelle: ")  # header lines (export.comment_lines), then the table
    text = "".join(line for line in text.splitlines(True) if not line.startswith("# "))
    table_rows = list(csv.DictReader(io.StringIO(text), delimiter=";"))
    assert len(table_rows) == 5 and all(r["quelle"].startswith("Quelle:") for r in table_rows)
    in_file = {r["ags"]: r["name_in_datei"] for r in table_rows}
    assert in_file["09162000"] == '\'=HYPERLINK("http://evil.example","x")'
    assert in_file["11000000"] == "'@SUM(A1)" and in_file["05970004"] == BOLD
    with page.expect_download() as info:
        page.get_by_test_id("stDownloadButton").filter(has_text="GeoJSON").click()
    collection = json.loads(Path(info.value.path()).read_text(encoding="utf-8"))
    assert collection["quelle"].startswith("Quelle:") and len(collection["features"]) == 5
    names = {
        f["properties"]["ags"]: f["properties"]["name_in_datei"] for f in collection["features"]
    }
    assert names["11000000"] == "'@SUM(A1)"
