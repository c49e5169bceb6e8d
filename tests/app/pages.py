"""Opening a page in AppTest the way a browser session does: the shell first, then the page."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from ksg_dashboard.core.selection import FILTER_PARAMS
from tests.conftest import APP_FILE

TIMEOUT = 60


def param(at: AppTest, key: str) -> str:
    """A query parameter the page wrote (AppTest keeps it as a string or a list of strings)."""
    value = at.query_params[key]
    return value if isinstance(value, str) else value[-1]


def run_page(page: str, **params: str) -> AppTest:
    """Open the app (global parameters such as praesentation), then the page with its own.

    Starting AppTest with switch_page alone would run the page without the shell (no
    presenter mode, no local Leaflet).
    """
    at = AppTest.from_file(APP_FILE, default_timeout=TIMEOUT)
    for key in FILTER_PARAMS:
        if key in params:
            at.query_params[key] = params[key]
    at.run()
    for key, value in params.items():
        at.query_params[key] = value
    return at.switch_page(page).run()
