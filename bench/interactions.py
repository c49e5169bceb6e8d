"""Interaction timings: from the user's input until the map/chart shows the new state.

Each interaction keeps one page open (one session) and repeats a step: the bare page's button
rerun, choosing a cooperation on the overview, the next/previous tour stop, a search filter on
the examples page, another indicator on the demographics page. The clock starts at the input
event inside the page (the first pointerdown/keydown after arming) and stops when the script
has finished, every map and chart is drawn and the map's signature (scope, active stop, number
and colours of the drawn features) differs from the one before the step. The steps go
round-robin over the interactions, so machine load affects all of them alike.
"""

from __future__ import annotations

import math
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from playwright.async_api import BrowserContext, Page
from playwright.async_api import TimeoutError as PlaywrightTimeout

from harness import stats
from harness.server import FOLIUM_IFRAME, READY_JS, StreamlitServer, page_url

BARE_RERUN = "bare-rerun"
POLL_MS = 20

# Records the time of the first input event after arming (window.__ksgArmed).
ARM_JS = """
() => {
  if (!window.__ksgListening) {
    window.__ksgListening = true;
    const mark = () => {
      if (window.__ksgArmed && window.__ksgT0 == null) window.__ksgT0 = performance.now();
    };
    document.addEventListener('pointerdown', mark, {capture: true});
    document.addEventListener('keydown', mark, {capture: true});
    // When the script run after the input finished (the rest is the browser drawing).
    const ATTR = 'data-test-script-state';
    new MutationObserver((records) => {
      for (const r of records) {
        if (r.target.getAttribute(ATTR) === 'notRunning' && window.__ksgT0 != null) {
          window.__ksgRunEnd = performance.now();
        }
      }
    }).observe(document, {attributes: true, subtree: true, attributeFilter: [ATTR]});
  }
  window.__ksgRunEnd = null;
  window.__ksgT0 = null;
  window.__ksgArmed = true;
}
"""

# What the page shows: for the maps, per visible folium iframe its scope, active tour stop,
# number of drawn features and their fill colours; without a map, the main block's text.
SIGNATURE_JS = """
(selector) => {
  const frames = [...document.querySelectorAll(selector)]
    .filter(f => f.getBoundingClientRect().height > 0);
  if (!frames.length) {
    const main = document.querySelector('[data-testid=stMain]');
    return main ? main.innerText : '';
  }
  return JSON.stringify(frames.map(f => {
    const doc = f.contentDocument;
    if (!doc) return null;
    const scope = doc.querySelector('[data-ksg-scope]');
    const stop = doc.querySelector('.ksg-stop-active');
    const paths = [...doc.querySelectorAll('path.leaflet-interactive')];
    return [scope && scope.dataset.ksgScope, stop && stop.dataset.stop, paths.length,
      [...new Set(paths.map(p => p.getAttribute('fill')))].sort().join(',')];
  }));
}
"""

DONE_JS = f"""
(a) => {{
  const ready = ({READY_JS})(a.selector);
  if (!ready || window.__ksgT0 == null) return false;
  const signature = ({SIGNATURE_JS})(a.selector);
  if (signature === a.before) return false;
  window.__ksgArmed = false;
  const frames = [...document.querySelectorAll(a.selector)]
    .filter(f => f.getBoundingClientRect().height > 0);
  const now = performance.now();
  return {{ms: now - window.__ksgT0, exception: ready.exception,
    script_ms: window.__ksgRunEnd == null ? null : window.__ksgRunEnd - window.__ksgT0,
    kept: frames.length ? frames.every(f => f.__ksgKept === true) : null}};
}}
"""

# Marks the visible map iframe: a step that mounts a new one loses the mark.
KEEP_JS = """
(selector) => { for (const f of document.querySelectorAll(selector)) f.__ksgKept = true; }
"""


Step = Callable[[Page, int], Awaitable[None]]


@dataclass(frozen=True)
class Interaction:
    """A page and a repeatable step on it (`prepare` untimed, `act` timed)."""

    name: str
    url_path: str
    query: str
    act: Step
    prepare: Step | None = None  # untimed, before arming (e.g. open a dropdown, reset)
    bare: bool = False


async def _click_button(page: Page, name: str, exact: bool = True) -> None:
    await page.get_by_role("button", name=name, exact=exact).click()


# The bare page: a button that reruns the script and shows a counter.
async def _bare_act(page: Page, i: int) -> None:
    await _click_button(page, "Weiter")


COOPERATIONS = ("Kurstadtregion", "AG Bachtal", "Mittelbereich Templin")


async def _overview_prepare(page: Page, i: int) -> None:
    reset = page.get_by_test_id("stSidebar").get_by_role("button", name="Auswahl zurücksetzen")
    if await reset.count():
        await _untimed(page, lambda: reset.click())


async def _overview_act(page: Page, i: int) -> None:
    await _click_button(page, COOPERATIONS[i % len(COOPERATIONS)])


async def _tour_act(page: Page, i: int) -> None:
    await _click_button(page, "Nächster Halt" if i % 2 == 0 else "Vorheriger Halt", exact=False)


SEARCH_PLACEHOLDER = "z. B. Ärztehaus, Syrgenstein, Bürgerhaus …"


async def _examples_prepare(page: Page, i: int) -> None:
    await page.get_by_placeholder(SEARCH_PLACEHOLDER).fill("Templin" if i % 2 == 0 else "")


async def _examples_act(page: Page, i: int) -> None:
    await page.get_by_placeholder(SEARCH_PLACEHOLDER).press("Enter")


INDICATORS = ("Bevölkerungsdichte (Einw./km²)", "Veränderung seit Basisjahr (%)")


async def _demographics_prepare(page: Page, i: int) -> None:
    await page.locator(".st-key-demografie-indikator").get_by_test_id("stSelectbox").click()


async def _demographics_act(page: Page, i: int) -> None:
    await page.get_by_role("option", name=INDICATORS[i % 2], exact=True).click()


def default_interactions() -> list[Interaction]:
    """The bare page's rerun and the four interactions of issue #17."""
    return [
        Interaction(BARE_RERUN, "", "", _bare_act, bare=True),
        Interaction("overview: choose cooperation", "", "", _overview_act, _overview_prepare),
        Interaction("tour: next stop", "tour", "stopp=2", _tour_act),
        Interaction("examples: search filter", "beispiele", "", _examples_act, _examples_prepare),
        Interaction(
            "demographics: indicator",
            "demografie",
            "region=kurstadtregion-elbe-elster",
            _demographics_act,
            _demographics_prepare,
        ),
    ]


async def _ready(page: Page, timeout_ms: int = 60_000) -> None:
    await page.wait_for_function(READY_JS, arg=FOLIUM_IFRAME, polling=POLL_MS, timeout=timeout_ms)


async def _untimed(page: Page, action: Callable[[], Awaitable[Any]]) -> None:
    """Do something that reruns the script and wait until the page has drawn its new state."""
    before = await page.evaluate(SIGNATURE_JS, FOLIUM_IFRAME)
    await action()
    await page.wait_for_function(
        f"(a) => ({READY_JS})(a.selector) && ({SIGNATURE_JS})(a.selector) !== a.before",
        arg={"selector": FOLIUM_IFRAME, "before": before},
        polling=POLL_MS,
        timeout=60_000,
    )


async def _step(page: Page, interaction: Interaction, i: int, timeout_ms: int) -> dict[str, Any]:
    await page.bring_to_front()
    await _ready(page, timeout_ms)
    if interaction.prepare:
        await interaction.prepare(page, i)
    await page.evaluate(KEEP_JS, FOLIUM_IFRAME)
    before = await page.evaluate(SIGNATURE_JS, FOLIUM_IFRAME)
    await page.evaluate(ARM_JS)
    await interaction.act(page, i)
    handle = await page.wait_for_function(
        DONE_JS,
        arg={"selector": FOLIUM_IFRAME, "before": before},
        polling=POLL_MS,
        timeout=timeout_ms,
    )
    return await handle.json_value()


async def measure_interactions(
    context: BrowserContext,
    bare: StreamlitServer,
    app: StreamlitServer,
    rounds: int,
    timeout_ms: int,
    interactions: list[Interaction] | None = None,
    log: Callable[[str], None] = print,
) -> dict[str, dict[str, Any]]:
    """Per interaction: one warm-up step, then `rounds` timed steps, round-robin."""
    interactions = interactions or default_interactions()
    pages: dict[str, Page] = {}
    samples: dict[str, list[dict[str, Any]]] = {x.name: [] for x in interactions}
    errors: dict[str, list[str]] = {x.name: [] for x in interactions}
    try:
        for x in interactions:
            server = bare if x.bare else app
            page = await context.new_page()
            pages[x.name] = page
            await page.goto(page_url(server.url, x.url_path, x.query), wait_until="commit")
            await _ready(page, timeout_ms)
        for round_no in range(rounds + 1):  # round 0 warms every view up (not counted)
            log(f"interactions round {round_no}/{rounds} ...")
            for x in interactions:
                if len(errors[x.name]) >= 2:
                    continue  # do not spend minutes on a step that keeps failing
                try:
                    sample = await _step(pages[x.name], x, round_no, timeout_ms)
                except PlaywrightTimeout as error:
                    errors[x.name].append(f"timeout: {str(error).splitlines()[0]}")
                    continue
                if round_no:
                    samples[x.name].append(sample)
    finally:
        for page in pages.values():
            await page.close()
    baseline = _median([s["ms"] for s in samples[interactions[0].name]])
    results = {}
    for x in interactions:
        times = [s["ms"] / 1000 for s in samples[x.name]]
        median = _median(times) if times else math.nan
        script = [s["script_ms"] / 1000 for s in samples[x.name] if s["script_ms"] is not None]
        results[x.name] = {
            "url": page_url(app.url if not x.bare else bare.url, x.url_path, x.query),
            "times_s": times,
            "median_s": median,
            "script_done_median_s": _median(script),
            "ratio_to_bare_rerun": stats.ratio(median, baseline / 1000),
            "iframe_kept": [s["kept"] for s in samples[x.name]],
            "errors": errors[x.name],
            "exceptions": sum(bool(s["exception"]) for s in samples[x.name]),
        }
    return results


def _median(values: list[float]) -> float:
    return stats.median(values) if values else math.nan
