"""AppTest: hostile link values and uploaded names reach the page only as escaped text, long
links are cut when they are read, and thousands of bad values give one note."""

from __future__ import annotations

import re

import pytest

from ksg_dashboard.app.sidebar import KEY_UPLOAD_RESULT
from ksg_dashboard.core import text
from ksg_dashboard.core.selection import MAX_VALUES
from ksg_dashboard.data.datastore import read_municipalities
from ksg_dashboard.upload.reader import parse_upload
from tests.app.pages import run_page

LINK = "[Hier neu anmelden](http://evil.example/)"
IMAGE = "![b](http://evil.example/x.png)"
PAGES_AND_PARAMS = [
    ("app_pages/overview.py", {"region": LINK, "land": IMAGE}),
    ("app_pages/tour.py", {"stopp": LINK}),
    ("app_pages/demographics.py", {"indikator": LINK, "ansicht": IMAGE}),
    ("app_pages/examples.py", {"thema": LINK, "bundesland": IMAGE, "beispiel": LINK}),
    ("app_pages/programme.py", {"punkt": LINK}),
    ("app_pages/comparison.py", {"vergleich": LINK}),
]


def infos(at) -> list[str]:
    return [i.value for i in at.info]


@pytest.mark.parametrize(("page", "params"), PAGES_AND_PARAMS, ids=lambda p: str(p)[:24])
def test_notes_show_link_values_escaped(page, params):
    at = run_page(page, **params)
    assert not at.exception
    notes = [n for n in infos(at) if "evil" in n]
    assert notes, infos(at)
    for note in notes:
        assert not re.search(r"(?<!\\)[\[\]!]", note), note  # every bracket escaped
        assert text.plain(LINK) in note or text.plain(IMAGE) in note


def test_five_thousand_keys_in_a_link_are_cut_when_read():
    keys = read_municipalities()["ags"].head(5_000).tolist()
    at = run_page("app_pages/overview.py", eigene=",".join(keys), region="eigene-auswahl")
    assert not at.exception and not at.error
    selection = at.session_state["filter.selection"]
    assert len(selection.custom) <= MAX_VALUES
    assert sum("„eigene“ ist zu lang" in n for n in infos(at)) == 1


@pytest.mark.parametrize("key", ["region", "ags", "land", "eigene"])
def test_thousands_of_bad_values_give_one_note(key):
    values = ",".join(f"x{i}" for i in range(5_000))
    at = run_page("app_pages/overview.py", **{key: values})
    assert not at.exception and not at.error
    assert len(infos(at)) <= 2  # the cut note and one summary
    assert all(len(n) < 700 for n in infos(at))


@pytest.mark.parametrize("key", ["thema", "bundesland"])
def test_thousands_of_bad_example_filters_give_one_note(key):
    values = ",".join(f"x{i}" for i in range(5_000))
    at = run_page("app_pages/examples.py", **{key: values})
    assert not at.exception
    assert len([n for n in infos(at) if "weitere" in n]) == 1


def test_uploaded_names_and_file_name_are_escaped():
    content = f"AGS;Name\n14627050;{LINK}\n12062024;**fett**\n".encode()
    name = "**liste** [x](http://evil.example).csv"
    result = parse_upload(name, content, {"14627050", "12062024"})
    from streamlit.testing.v1 import AppTest

    from tests.conftest import APP_FILE

    at = AppTest.from_file(APP_FILE, default_timeout=60)
    at.session_state[KEY_UPLOAD_RESULT] = (name, result)
    at.query_params["eigene"] = "14627050,12062024"
    at.query_params["region"] = "eigene-auswahl"
    at.run()
    assert not at.exception
    captions = [c.value for c in at.caption if "liste" in c.value]
    assert captions and all("\\*\\*liste\\*\\*" in c for c in captions)
    assert not any(re.search(r"(?<!\\)[\[\]*]", c) for c in captions), captions
    cells = at.table[0].value.to_numpy().ravel().tolist()
    assert text.plain(LINK, 80) in cells and "\\*\\*fett\\*\\*" in cells
