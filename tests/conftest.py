"""Shared test fixtures: repository paths and Streamlit caches that behave like one server.

A server process reads data/ once and keeps it (st.cache_resource); the tests do the same, so
the committed data is read once per test run instead of once per test. A test that points the
app at other files (any KSG_* environment variable differs) or patches anything (uses
`monkeypatch`) starts and ends with empty caches, so nothing it built leaks into other tests.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import streamlit as st

from ksg_dashboard.core.config import REPO_ROOT
from ksg_dashboard.maps import render_cache as map_cache

APP_FILE = str(REPO_ROOT / "dashboard.py")


def _ksg_environment() -> tuple[tuple[str, str], ...]:
    return tuple(sorted((k, v) for k, v in os.environ.items() if k.startswith("KSG_")))


BASELINE_ENVIRONMENT = _ksg_environment()


def clear_caches() -> None:
    """Empty every cache of the app (Streamlit's and the rendered maps)."""
    st.cache_data.clear()
    st.cache_resource.clear()
    map_cache.CACHE.clear()  # rendered maps are cached outside Streamlit's caches


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_call(item: pytest.Item):
    """Record the KSG_* environment the test body ran with (after its fixtures set it up)."""
    seen = {_ksg_environment()}
    yield
    seen.add(_ksg_environment())
    item.ksg_environments = seen


@pytest.fixture(autouse=True)
def _streamlit_caches(request: pytest.FixtureRequest):
    """Warm caches for tests on the committed data; empty ones around tests that change it."""
    isolated = "monkeypatch" in request.fixturenames
    if isolated:
        clear_caches()
    yield
    seen = getattr(request.node, "ksg_environments", set())
    if isolated or any(env != BASELINE_ENVIRONMENT for env in seen):
        clear_caches()


SMALL_DATA = REPO_ROOT / "tests" / "fixtures" / "small"


@pytest.fixture(scope="session")
def small_data() -> Path:
    """The small fixture data folder (tests/fixtures/small_data.py; two districts, a merger,
    a cooperation across a state border), read-only."""
    return SMALL_DATA


@pytest.fixture
def small_data_env(small_data: Path, monkeypatch: pytest.MonkeyPatch):
    """The app reads the fixture folder (KSG_DATA_DIR); caches are empty before and after."""
    monkeypatch.setenv("KSG_DATA_DIR", str(small_data))
    clear_caches()
    yield small_data
    clear_caches()
