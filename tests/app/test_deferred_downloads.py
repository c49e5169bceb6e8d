"""AppTest: every table download is generated on the download request, not on each rerun
(a page view then encodes no CSV or Excel file nobody asked for)."""

from __future__ import annotations

import pytest

from tests.app.pages import run_page


@pytest.mark.parametrize(
    ("page", "params", "labels"),
    [
        ("app_pages/overview.py", {"region": "region-in-bewegung"}, {"CSV", "GeoJSON"}),
        (
            "app_pages/comparison.py",
            {"vergleich": "14627050,12062124"},
            {"CSV herunterladen", "Excel herunterladen (.xlsx)"},
        ),
        ("app_pages/demographics.py", {"region": "region-in-bewegung"}, {"CSV herunterladen"}),
        (
            "app_pages/demographics.py",
            {"region": "region-in-bewegung", "bereich": "altersstruktur"},
            {"CSV herunterladen"},
        ),
    ],
)
def test_table_downloads_are_deferred(page, params, labels):
    at = run_page(page, **params)
    assert not at.exception
    buttons = {b.proto.label: b for b in at.get("download_button")}
    assert labels <= set(buttons), sorted(buttons)
    for label in labels:
        assert buttons[label].proto.HasField("deferred_file_id"), label
        assert not buttons[label].proto.url, label  # no file stored with the page
