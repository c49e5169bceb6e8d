"""AppTest: the overview's cooperation buttons and the sidebar's reset choose in one script run.

A button handled after it is drawn needs `st.rerun()` so the sidebar drawn before it shows the
new selection: two script runs per click. As `on_click` callbacks they run before the script.
"""

from __future__ import annotations

import pytest
import streamlit as st

from tests.app.pages import open_app


@pytest.fixture
def reruns(monkeypatch) -> list[int]:
    """Counts calls of st.rerun (AppTest runs the script in this process)."""
    calls: list[int] = []
    original = st.rerun

    def counting_rerun(*args, **kwargs):
        calls.append(1)
        return original(*args, **kwargs)

    monkeypatch.setattr(st, "rerun", counting_rerun)
    return calls


def test_cooperation_button_selects_without_a_second_run(reruns):
    at = open_app()
    at.button(key="overview.pick.kurstadtregion-elbe-elster").click().run()
    assert not at.exception, at.exception
    assert at.multiselect(key="filter.region").value == ["kurstadtregion-elbe-elster"]
    assert at.query_params["region"] in (
        "kurstadtregion-elbe-elster",
        ["kurstadtregion-elbe-elster"],
    )
    assert reruns == []


def test_reset_button_clears_the_selection_without_a_second_run(reruns):
    at = open_app(region="kurstadtregion-elbe-elster")
    reset = [b for b in at.sidebar.button if b.label == "Auswahl zurücksetzen"]
    assert len(reset) == 1
    reset[0].click().run()
    assert not at.exception, at.exception
    assert at.multiselect(key="filter.region").value == []
    assert "region" not in at.query_params
    assert not [b for b in at.sidebar.button if b.label == "Auswahl zurücksetzen"]
    assert reruns == []


def test_reset_button_keeps_presentation_mode(reruns):
    at = open_app(region="kurstadtregion-elbe-elster", praesentation="1")
    assert at.toggle(key="filter.presenter").value is True
    next(b for b in at.sidebar.button if b.label == "Auswahl zurücksetzen").click().run()
    assert not at.exception, at.exception
    assert at.multiselect(key="filter.region").value == []
    assert at.toggle(key="filter.presenter").value is True
    assert reruns == []


def test_leaving_presentation_mode_without_a_second_run(reruns):
    at = open_app(praesentation="1")
    at.button(key="presenter.exit").click().run()
    assert not at.exception, at.exception
    assert at.toggle(key="filter.presenter").value is False
    assert "praesentation" not in at.query_params
    assert not [b for b in at.button if b.label == "Präsentationsmodus beenden"]
    assert reruns == []
