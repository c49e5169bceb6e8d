"""Opening a page in AppTest the way a browser session does: the shell first, then the page."""

from __future__ import annotations

import json

from streamlit.testing.v1 import AppTest

from ksg_dashboard.core.navigation import foreign_params
from ksg_dashboard.maps import layer_files
from tests.conftest import APP_FILE

TIMEOUT = 60
OVERVIEW = "app_pages/overview.py"


def param(at: AppTest, key: str) -> str:
    """A query parameter the page wrote (AppTest keeps it as a string or a list of strings)."""
    value = at.query_params[key]
    return value if isinstance(value, str) else value[-1]


def open_app(timeout: int = TIMEOUT, **params: str) -> AppTest:
    """Run the app's default page (the overview) with `params` in the URL."""
    at = AppTest.from_file(APP_FILE, default_timeout=timeout)
    for key, value in params.items():
        at.query_params[key] = value
    return at.run()


def run_page(page: str, timeout: int = TIMEOUT, **params: str) -> AppTest:
    """Open the app (global parameters such as praesentation), then the page with its own.

    Starting AppTest with switch_page alone would run the page without the shell (no
    presenter mode, no local Leaflet). The shell's first run drops other pages' parameters
    from the URL (as the app does on navigation), so they are set again before switching,
    which is what a browser sends when it opens /page?param=... directly.
    """
    # The shell reads the app-wide parameters (filter, territory, presenter) on its first run.
    shell = {key: value for key, value in params.items() if key not in foreign_params("")}
    at = open_app(timeout, **shell)
    for key, value in params.items():
        at.query_params[key] = value
    if page == OVERVIEW:
        return at.run()
    return at.switch_page(page).run()


FOLIUM_COMPONENT = "streamlit_folium.st_folium"


def folium_args(at: AppTest) -> list[dict]:
    """The arguments of every folium map on the page, as sent. `script` has the data of the
    layers sent as files back in place (what folium rendered, see maps.layer_files);
    `wire_script` is the script as sent."""
    found = []
    for component in at.get("component_instance"):
        if component.proto.component_name != FOLIUM_COMPONENT:
            continue
        args = json.loads(component.proto.json_args)
        args["wire_script"] = args["script"]
        args["script"] = layer_files.inline_from_files(args["script"])
        found.append(args)
    return found


def folium_map_args(at: AppTest) -> dict:
    """The arguments of the page's one folium map (see `folium_args`)."""
    found = folium_args(at)
    assert len(found) == 1, f"expected exactly one folium map, found {len(found)}"
    return found[0]
