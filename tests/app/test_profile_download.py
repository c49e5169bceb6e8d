"""AppTest: the Regionsprofil (PDF) download on the overview and the demographics page."""

from __future__ import annotations

import pytest

from tests.app.pages import run_page

LABEL = "Regionsprofil (PDF)"


def _profile_buttons(at) -> list:
    return [b for b in at.get("download_button") if b.proto.label == LABEL]


@pytest.mark.parametrize(
    ("page", "key", "params"),
    [
        ("app_pages/overview.py", "download.profile", {"region": "region-in-bewegung"}),
        ("app_pages/demographics.py", "demografie.profile", {"region": "region-in-bewegung"}),
        (
            "app_pages/demographics.py",
            "demografie.profile",
            {"ags": "14627050", "bereich": "altersstruktur"},
        ),
        ("app_pages/overview.py", "download.profile", {"land": "12"}),
    ],
)
def test_profile_button_is_offered(page, key, params):
    at = run_page(page, **params)
    assert not at.exception
    (button,) = _profile_buttons(at)
    assert button.proto.id.endswith(key)
    # Generated on the download request only, not on every rerun of the page.
    assert button.proto.HasField("deferred_file_id")


def test_no_profile_without_a_selection():
    at = run_page("app_pages/overview.py")
    assert not at.exception
    assert not _profile_buttons(at)
    assert any("Regionsprofil (PDF): zuerst" in c.value for c in at.caption)
