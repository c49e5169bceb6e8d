"""Shared test fixtures: repository paths and a clean Streamlit cache per test."""

from __future__ import annotations

import pytest
import streamlit as st

from ksg_dashboard.core.config import REPO_ROOT
from ksg_dashboard.maps import render_cache as map_cache

APP_FILE = str(REPO_ROOT / "dashboard.py")


@pytest.fixture(autouse=True)
def _clear_streamlit_caches():
    """Each test starts with empty Streamlit caches (a test may point KSG_DATA_DIR elsewhere)."""
    st.cache_data.clear()
    st.cache_resource.clear()
    map_cache.CACHE.clear()  # rendered maps are cached outside Streamlit's caches
    yield
