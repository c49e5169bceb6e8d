"""AppTest: broken data files and garbage URL parameters never show a traceback."""

from __future__ import annotations

import shutil

import pytest
from streamlit.testing.v1 import AppTest

from ksg_dashboard.core.config import REPO_ROOT
from ksg_dashboard.core.navigation import PAGES
from tests.app.pages import run_page


@pytest.fixture
def data_copy(tmp_path, monkeypatch):
    """A private copy of data/ that a test may break; the app reads it via KSG_DATA_DIR."""
    target = tmp_path / "data"
    shutil.copytree(REPO_ROOT / "data", target)
    monkeypatch.setenv("KSG_DATA_DIR", str(target))
    return target


def open_page(file: str, **params: str) -> AppTest:
    return run_page(file, **params)


def errors(at: AppTest) -> str:
    return "\n".join(e.value for e in at.error)


def test_corrupt_age_table_breaks_only_the_age_section(data_copy):
    (data_copy / "district_age.parquet").write_bytes(b"not a parquet file")
    # The district age section belongs to the theme "Altersstruktur".
    at = run_page("app_pages/demographics.py", region="ag-bachtal", bereich="altersstruktur")
    assert not at.exception
    assert "district_age.parquet" in errors(at) and "make data" in errors(at)
    assert at.get("plotly_chart"), "the theme's chart above the age section still renders"
    overview = open_page("app_pages/overview.py")
    assert not overview.exception and not overview.error
    assert overview.metric[0].label == "Gemeinden"


def test_missing_measures_file_stops_only_pages_that_need_it(data_copy):
    (data_copy / "measures.yaml").unlink()
    overview = open_page("app_pages/overview.py")
    assert not overview.exception
    assert "measures.yaml" in errors(overview) and "Datei fehlt" in errors(overview)
    demographics = open_page("app_pages/demographics.py", region="ag-bachtal")
    assert not demographics.exception and not demographics.error
    assert demographics.get("plotly_chart")


def test_missing_register_keeps_the_app_running(data_copy):
    (data_copy / "municipalities.parquet").unlink()
    at = open_page("app_pages/programme.py")
    assert not at.exception
    assert "municipalities.parquet" in errors(at)
    assert at.title, "the programme page itself still renders"


GARBAGE = {
    "region": "<script>alert(1)</script>",
    "ags": "abc",
    "land": "99",
    "praesentation": "vielleicht",
    "eigene": "12,xyz",
    "indikator": "nichts",
    "jahr": "1800",
    "basis": "-1",
    "ansicht": "mond",
    "stopp": "999",
    "beispiel": "gibt-es-nicht",
    "thema": "%%%",
    "von": "abc",
    "bis": "1",
    "punkt": "x",
}


@pytest.mark.parametrize("spec", PAGES, ids=[p.url_path or "overview" for p in PAGES])
def test_garbage_parameters_give_notes_not_errors(spec):
    at = open_page(spec.file, **GARBAGE)
    assert not at.exception, at.exception
    assert not at.error, errors(at)
    assert at.title or at.markdown, "page content missing"
