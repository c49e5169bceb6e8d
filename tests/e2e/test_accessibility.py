"""Accessibility in a real browser: axe-core finds no serious or critical WCAG 2.1 A/AA violation
on any page, in normal and in presenter mode.

axe-core comes from the npm registry at install time (`make assets`, scripts/fetch_axe.sh) into
the git-ignored static/vendor/axe-core/; it is injected into the page and into every same-origin
frame (the folium maps), so their content is checked too.
"""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import Page

from harness.server import REPO_ROOT
from ksg_dashboard.core import navigation
from tests.e2e.browser import open_page, wait_until_rendered

AXE = REPO_ROOT / "static" / "vendor" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING = {"serious", "critical"}
# Every page of the navigation; the comparison page with members (its empty state is a hint).
PAGES = [spec.url_path for spec in navigation.PAGES]
QUERIES = {"vergleich": "vergleich=14627050,12062124,12062024"}
PRESENTER_VIEWPORT = {"width": 1280, "height": 720}
# A cold server builds every page's data on its first visit; on a loaded 2-core machine the
# first /beispiele took over 60 s. The check is about accessibility, not speed.
LOAD_TIMEOUT_MS = 180_000

RUN_AXE_JS = """
async (tags) => {
  const result = await axe.run(document, {
    runOnly: {type: 'tag', values: tags},
    resultTypes: ['violations'],
  });
  return result.violations.map((v) => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map((n) => ({
      target: n.target, impact: n.impact, summary: n.failureSummary, html: n.html.slice(0, 200),
    })),
  }));
}
"""


def inject_axe(page: Page) -> None:
    """axe-core in the page and in every frame (axe.run collects the frames' results)."""
    source = AXE.read_text(encoding="utf-8")
    for frame in page.frames:
        if not frame.is_detached():
            frame.evaluate(source + "\n;undefined")


def blocking_violations(page: Page) -> list[dict]:
    """The serious and critical WCAG 2.1 A/AA violations axe-core finds on the page."""
    inject_axe(page)
    violations = page.evaluate(RUN_AXE_JS, WCAG_TAGS)
    blocking = []
    for violation in violations:
        nodes = [n for n in violation["nodes"] if (n["impact"] or violation["impact"]) in BLOCKING]
        if nodes:
            blocking.append({**violation, "nodes": nodes})
    return blocking


def describe(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"{v['id']} ({v['impact']}): {v['help']} – {len(v['nodes'])} element(s)")
        for node in v["nodes"][:8]:
            lines.append(f"    {json.dumps(node['target'])}: {node['html']}")
            lines.append("      " + (node["summary"] or "").replace("\n", "\n      "))
    return "\n".join(lines)


@pytest.mark.parametrize("presenter", [False, True], ids=["normal", "praesentation"])
@pytest.mark.parametrize("url_path", PAGES, ids=[p or "uebersicht" for p in PAGES])
def test_no_serious_wcag_violations(app_server, browser_page: Page, url_path, presenter) -> None:
    if not AXE.exists():
        pytest.fail(f"axe-core missing at {AXE}: run `make assets`", pytrace=False)
    page = browser_page
    if presenter:
        page.set_viewport_size(PRESENTER_VIEWPORT)
    query = "&".join(q for q in (QUERIES.get(url_path, ""), "praesentation=1" * presenter) if q)
    open_page(page, app_server.url, url_path, query, timeout_ms=LOAD_TIMEOUT_MS)
    assert not wait_until_rendered(page, LOAD_TIMEOUT_MS), "the page shows an exception"
    page.wait_for_timeout(500)  # let transitions (fades of the map and charts) finish
    violations = blocking_violations(page)
    report = describe(violations)
    print(report)
    assert not violations, f"axe-core found serious/critical violations:\n{report}"
