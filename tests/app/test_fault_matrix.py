"""AppTest fault matrix: every data file broken in turn; each page shows its content or a
message naming the file and `make data`, pages that do not need the file render normally.

Every file is tried missing and with a wrong schema on all five pages (truncated and garbage
versions of every file are covered reader by reader in tests/unit/data/test_data_faults.py, and on
the pages for cooperations.yaml, the file the whole frame uses). The matrix is printed.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from ksg_dashboard.core.config import REPO_ROOT
from ksg_dashboard.core.navigation import PAGES
from tests.app import pages
from tests.conftest import APP_FILE
from tests.faults import MODES, READERS, break_file

SHELL = {"municipalities.parquet"}  # the sidebar's municipality search: a note on every page
OVERVIEW = {
    "municipalities_regional.parquet",
    "municipalities_overview.parquet",
    "states.parquet",
    "districts.parquet",
    "population.parquet",
    "cooperations.yaml",
    "measures.yaml",
    "sources.json",
}
# Which files each page cannot do without (it then shows the message, possibly after content).
NEEDS = {
    "overview": SHELL | OVERVIEW,
    "tour": SHELL
    | {
        "tour.yaml",
        "cooperations.yaml",
        "municipalities_regional.parquet",
        "population.parquet",
        "states.parquet",
        "districts.parquet",
        "sources.json",
    },
    # The default theme (Bevölkerung, on the 2022 territory: population_2022.parquet); the age
    # files belong to the theme Altersstruktur.
    "demografie": SHELL | {"states.parquet", "sources.json"},
    "beispiele": SHELL
    | {"measures.yaml", "cooperations.yaml", "population.parquet", "states.parquet"}
    | {"sources.json"},
    # The comparison needs the population and the 2015 tables of its rows (natural change and
    # the official totals only add to the reference rows). The matrix opens it empty, so its
    # map (regional shapes, states) is not drawn.
    "vergleich": SHELL
    | {"sources.json", "age_2015_gebiet2022.parquet", "age_regions_2015.parquet"}
    | {"migration_2015_gebiet2022.parquet", "migration_regions_2015.parquet"},
    "programm": SHELL | {"programme.yaml"},
    "indikatoren": SHELL | {"sources.json"},
}
# Every file once, the four kinds of damage in turn, and all four for the cooperations file.
CASES = [(name, MODES[i % len(MODES)]) for i, name in enumerate(sorted(READERS))] + [
    ("cooperations.yaml", mode) for mode in MODES if mode != "fehlt"
]
PAGE_IDS = {p.url_path or "overview": p for p in PAGES}


def run_page(file: str) -> AppTest:
    return pages.run_page(file, 90)


def visit_all_pages() -> Iterator[tuple[str, AppTest]]:
    """One session that opens the overview and then every other page, as a visitor would
    (yields the same AppTest after each page: read it before the next step)."""
    at = AppTest.from_file(APP_FILE, default_timeout=90).run()
    yield "overview", at
    for page_id, spec in PAGE_IDS.items():
        if page_id != "overview":
            yield page_id, at.switch_page(spec.file).run()


def outcome(at: AppTest, name: str) -> str:
    """'ok' (content, no message) or 'Meldung' (a message naming the file and make data) in the
    page area, '+Hinweis' when the sidebar names the file; anything else is a failure."""
    if at.exception:
        return "EXCEPTION"
    messages = "\n".join(e.value for e in [*at.main.error, *at.main.warning])
    content = bool(at.title or at.markdown or at.get("plotly_chart"))
    if name in messages and "make data" in messages:
        result = "Meldung"
    elif at.main.error:
        result = "fremde Meldung"
    else:
        result = "ok" if content else "leer"
    if any(name in w.value and "make data" in w.value for w in at.sidebar.warning):
        result += "+Hinweis"
    return result


def expected(name: str, page_id: str) -> str:
    base = "Meldung" if name in NEEDS[page_id] else "ok"
    # The sidebar names a broken cooperations file (filter dropped) or register (search).
    sidebar = name in {"cooperations.yaml", "municipalities.parquet"}
    return base + ("+Hinweis" if sidebar else "")


def test_fault_matrix(tmp_path, monkeypatch, capsys):
    data = tmp_path / "data"
    shutil.copytree(REPO_ROOT / "data", data)
    # Without the manifest the readers' own format and schema checks have to find the damage
    # (with it, the size check would find all of it first; see tests/unit/data/test_data_faults.py).
    # A truncated YAML file can still be valid YAML with fewer records: catching that is the
    # manifest's job, so truncation is checked with the manifest in place.
    manifest = (data / "manifest.json").read_bytes()
    monkeypatch.setenv("KSG_DATA_DIR", str(data))
    rows, failures = [], []
    for name, mode in CASES:
        if mode == "abgeschnitten":
            (data / "manifest.json").write_bytes(manifest)
        else:
            (data / "manifest.json").unlink(missing_ok=True)
        backup = (data / name).read_bytes()
        break_file(data / name, mode)
        st.cache_resource.clear()
        cells = []
        for page_id, at in visit_all_pages():
            spec = PAGE_IDS[page_id]
            result = outcome(at, name)
            wanted = expected(name, page_id)
            cells.append(result if result == wanted else f"{result}≠{wanted}")
            if result != wanted:
                failures.append(f"{name} {mode} /{spec.url_path}: {result}, expected {wanted}")
        rows.append((name, mode, cells))
        (data / name).write_bytes(backup)
    header = f"{'Datei':34}{'Fehler':17}" + "".join(f"{p:18}" for p in PAGE_IDS)
    lines = [header] + [f"{n:34}{m:17}" + "".join(f"{c:18}" for c in cells) for n, m, cells in rows]
    with capsys.disabled():
        print(
            "\n\nFehlermatrix (ok = Seite normal; Meldung = Datei und make data genannt; "
            "+Hinweis = Kooperationsfilter entfällt mit einem Hinweis in der Seitenleiste)"
        )
        print("\n".join(lines))
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("mode", MODES)
def test_broken_cooperations_file_removes_only_the_cooperation_filter(tmp_path, monkeypatch, mode):
    data = tmp_path / "data"
    shutil.copytree(REPO_ROOT / "data", data)
    monkeypatch.setenv("KSG_DATA_DIR", str(data))
    break_file(data / "cooperations.yaml", mode)
    at = run_page("app_pages/programme.py")
    assert not at.exception and not at.error
    sidebar_notes = [w.value for w in at.sidebar.warning]
    assert len(sidebar_notes) == 1 and "cooperations.yaml" in sidebar_notes[0]
    assert "make data" in sidebar_notes[0]
    labels = [m.label for m in at.sidebar.multiselect]
    assert "Kooperation" not in labels and "Land" in labels
    assert at.title and at.title[0].value == "Programm der Transferwerkstatt"
