"""AppTest of /programm: both days, links to the views, guiding questions, the 'now' item."""

from __future__ import annotations

import re

import pytest
from streamlit.testing.v1 import AppTest

from ksg_dashboard.programme.panels import KEY_POINT, KEY_STATE
from tests.app.pages import param
from tests.app.pages import run_page as open_page

PAGE = "app_pages/programme.py"


def run_page(**params: str) -> AppTest:
    return open_page(PAGE, **params)


def markdown(at: AppTest) -> str:
    return "\n".join(str(m.value) for m in at.markdown)


def hrefs(at: AppTest) -> list[str]:
    return [h.replace("&amp;", "&") for h in re.findall(r'href="([^"]+)"', markdown(at))]


def test_both_days_with_all_items_and_sections():
    at = run_page()
    assert not at.exception, at.exception
    assert at.title[0].value == "Programm der Transferwerkstatt"
    headers = [s.value for s in at.subheader]
    assert headers[:2] == ["Montag, 11. März 2019", "Dienstag, 12. März 2019"]
    assert {"Leitfragen", "Thementische"} <= set(headers)
    text = markdown(at)
    for snippet in (
        "12.30–13.00 Uhr",
        "14.00–17.00 Uhr",
        "Jochen Reinicke, Bürgermeister, Stadt Gröditz",
        "Bernd Fuhrmann, Bürgermeister, Stadt Bad Berleburg",
        "Welchen Unterstützungsbedarf haben Kooperationen",
        "Externe Partner im Kooperationsprozess",
    ):
        assert snippet in text, snippet


def test_items_link_to_the_right_views():
    at = run_page()
    assert hrefs(at) == [
        "/?region=region-in-bewegung",
        "/?land=14",
        "/tour",
        "/?region=region-in-bewegung",
        "/?region=kurstadtregion-elbe-elster",
        "/beispiele",
        "/?region=mittelbereich-templin",
        "/?region=ag-bachtal",
        "/?region=bad-berleburg",
    ]
    assert 'target="_self"' in markdown(at)


def test_presenter_links_keep_presenter_mode():
    at = run_page(praesentation="1")
    assert all(h.endswith("praesentation=1") for h in hrefs(at))


def test_point_param_highlights_the_item_and_shows_it_on_top_in_presenter_mode():
    at = run_page(praesentation="1", punkt="di-0900")
    assert not at.exception, at.exception
    assert at.session_state[KEY_STATE] == "di-0900"
    assert at.selectbox(key=KEY_POINT).value == "di-0900"
    assert "Jetzt" in markdown(at)
    captions = [c.value for c in at.caption]
    assert any(c.startswith("Danach: 10.30–12.30 Uhr – Thementische") for c in captions)


def test_choosing_the_now_item_writes_the_url():
    at = run_page(praesentation="1")
    at.selectbox(key=KEY_POINT).select("mo-1400").run()
    assert param(at, "punkt") == "mo-1400"
    assert at.session_state[KEY_STATE] == "mo-1400"
    at.selectbox(key=KEY_POINT).select(None).run()
    assert "punkt" not in at.query_params


def test_no_chooser_outside_presenter_mode():
    at = run_page()
    with pytest.raises(KeyError):
        at.selectbox(key=KEY_POINT)


def test_unknown_point_gives_a_note():
    at = run_page(punkt="mo-0300")
    assert not at.exception, at.exception
    assert any("Unbekannter Programmpunkt „mo-0300“" in i.value for i in at.info)
    assert at.session_state[KEY_STATE] is None
