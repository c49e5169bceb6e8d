"""Fixtures for the browser tests: one app server per session, a fresh headless Chromium per test.

Set KSG_E2E_APP to another Streamlit script to run the tests against it (default: dashboard.py).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext, Page, Playwright, Route, sync_playwright

from harness.server import (
    CHROMIUM,
    CHROMIUM_ARGS,
    DEFAULT_APP,
    LOCALE,
    VIEWPORT,
    ServerStartError,
    StreamlitServer,
    is_external,
    start_server,
)
from tests.e2e.browser import ARTIFACTS, COUNT_RUNS_JS, TIMEOUT_MS

E2E_DIR = Path(__file__).resolve().parent
APP_ENV = "KSG_E2E_APP"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark every test in tests/e2e as e2e, and skip them all when chromium is missing."""
    skip = None
    if not CHROMIUM.exists():
        skip = pytest.mark.skip(
            reason=f"browser tests need Debian's chromium at {CHROMIUM} "
            "(run `make chromium` or `apt-get install chromium`)"
        )
    for item in items:
        if E2E_DIR in item.path.resolve().parents:
            item.add_marker(pytest.mark.e2e)
            if skip:
                item.add_marker(skip)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):
    """Keep each phase's report on the item so fixtures can see whether the test failed."""
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture(scope="session")
def app_server() -> Iterator[StreamlitServer]:
    """The app served headless on a free port of 127.0.0.1 for the whole session (`.url`).

    No warm-up visit: the first test may open a deep link, as a real first visitor would.
    """
    script = Path(os.environ.get(APP_ENV, DEFAULT_APP))
    try:
        server = start_server(script, ARTIFACTS / "streamlit-server.log")
    except ServerStartError as exc:
        error = str(exc)  # fail outside the except block: no chained traceback, just the log tail
    else:
        error = ""
    if error:
        pytest.fail(error, pytrace=False)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    """The Playwright driver, started once per session."""
    with sync_playwright() as pw:
        yield pw


@pytest.fixture
def browser_context(playwright: Playwright, tmp_path: Path) -> Iterator[BrowserContext]:
    """A fresh headless Chromium with its own user-data-dir (no cache or state between tests)."""
    context = playwright.chromium.launch_persistent_context(
        str(tmp_path / "chromium-profile"),
        executable_path=str(CHROMIUM),
        headless=True,
        args=list(CHROMIUM_ARGS),
        viewport=VIEWPORT,
        locale=LOCALE,
    )
    context.set_default_timeout(TIMEOUT_MS)
    context.add_init_script(COUNT_RUNS_JS)
    try:
        yield context
    finally:
        context.close()


@pytest.fixture
def browser_page(browser_context: BrowserContext, request: pytest.FixtureRequest) -> Iterator[Page]:
    """A page that records every request URL in `page.requests_seen` and blocks non-local ones.

    Blocked requests are still recorded, so tests can assert that nothing tried to leave the
    machine, while a stray CDN request fails at once instead of hanging. On failure a screenshot
    is saved to tests/e2e/artifacts/FAILED-<test>.png.
    """
    page = browser_context.pages[0] if browser_context.pages else browser_context.new_page()
    seen: list[str] = []
    page.requests_seen = seen  # type: ignore[attr-defined]
    page.on("request", lambda req: seen.append(req.url))

    def block_external(route: Route) -> None:
        if is_external(route.request.url):
            route.abort("blockedbyclient")
        else:
            route.continue_()

    page.route("**/*", block_external)
    yield page
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.name).strip("_")
        try:
            page.screenshot(path=str(ARTIFACTS / f"FAILED-{name}.png"))
        except Exception as exc:  # the page may have crashed: keep the original failure
            print(f"could not save failure screenshot: {exc}")
