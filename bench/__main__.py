"""Benchmark the dashboard against a bare Streamlit page in headless Chromium.

Per page: time from navigation start until fully drawn (median of fresh loads, as a ratio to the
bare page), bytes received over HTTP and the websocket; interactions (choosing a cooperation, the
next tour stop, a filter, another indicator) until the map/chart shows the new state, as a ratio
to the bare page's widget rerun (see bench/interactions.py); server memory with 1 and 10 open
sessions; 20 sessions loading the overview at once. Prints a table and writes bench/results.json.
Everything runs against 127.0.0.1: non-local host names do not even resolve in this browser.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import platform
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path
from typing import Any

from playwright.async_api import BrowserContext, async_playwright
from playwright.async_api import TimeoutError as PlaywrightTimeout

from bench import interactions as interaction_bench
from bench import profile as profile_bench
from harness import stats
from harness.server import (
    CHROMIUM,
    CHROMIUM_ARGS,
    DEFAULT_APP,
    FOLIUM_IFRAME,
    LOCALE,
    READY_JS,
    REPO_ROOT,
    VIEWPORT,
    StreamlitServer,
    is_external,
    page_url,
    process_tree_cpu_seconds,
    process_tree_rss,
    running_server,
)

RESULTS = Path(__file__).with_name("results.json")
BARE_PAGE = Path(__file__).with_name("bare_page.py")
LOG_DIR = REPO_ROOT / ".cache" / "bench"
BARE = "bare"
OVERVIEW = "overview"
GERMANY = "demografie-deutschland"
POLL_MS = 20

# Targets, all upper limits (issue #17): page load vs. the bare page, with and without a map;
# an interaction vs. the bare page's widget rerun.
MAX_RATIO_TO_BARE = 1.5
MAX_RATIO_TO_BARE_WITH_MAP = 2.0
MAX_INTERACTION_RATIO = 2.0
MAX_OVERVIEW_MAP_BYTES = 1_000_000
MAX_GERMANY_MAP_BYTES = 3_000_000
MAX_GERMANY_SECONDS = 3.0
MAX_CONCURRENT_ERRORS = 0
MAX_EXTERNAL_REQUESTS = 0

# Records when the first script run finished (window.__ksgScriptDone, ms since navigation start).
SCRIPT_DONE_JS = """
const ATTR = 'data-test-script-state';
new MutationObserver((records, observer) => {
  for (const r of records) {
    const el = r.target;
    if (el.dataset.testid === 'stApp' && el.getAttribute(ATTR) === 'notRunning') {
      window.__ksgScriptDone = performance.now();
      observer.disconnect();
      return;
    }
  }
}).observe(document, {attributes: true, subtree: true, attributeFilter: [ATTR]});
"""

# A stray CDN URL fails at once instead of waiting for a network that is not there.
NO_EXTERNAL_DNS = "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1"


@dataclass(frozen=True)
class Entry:
    """One URL to measure: a page of the app, optionally with a query string."""

    name: str
    url_path: str = ""
    query: str = ""


@dataclass
class Load:
    """Outcome of loading one URL in a fresh page."""

    seconds: float  # navigation start until drawn; nan on timeout
    error: str | None = None  # "timeout" or "exception"
    http_bytes: int = 0
    ws_bytes: int = 0
    ws_largest: int = 0
    script_done: float = math.nan  # navigation start until the script run finished
    has_map: bool = False  # a folium map was drawn
    external: list[str] = field(default_factory=list)


def default_entries() -> list[Entry]:
    """Every page of the app plus the Germany-wide view of the demography page."""
    from ksg_dashboard.core.navigation import PAGES

    entries = [Entry(spec.url_path or OVERVIEW, spec.url_path) for spec in PAGES]
    entries.append(Entry(GERMANY, "demografie", "ansicht=deutschland"))
    return entries


def parse_entry(text: str) -> Entry:
    """Parse "NAME=URL_PATH[?QUERY]", e.g. "overview=" or "de=demografie?ansicht=deutschland"."""
    name, sep, target = text.partition("=")
    if not name or not sep:
        raise argparse.ArgumentTypeError(f"expected NAME=URL_PATH[?QUERY], got {text!r}")
    url_path, _, query = target.partition("?")
    return Entry(name, url_path.strip("/"), query)


def ws_payload_bytes(frame: dict[str, Any]) -> int:
    """Size of a websocket message as reported by CDP (binary payloads arrive base64-encoded)."""
    payload = frame.get("payloadData", "")
    if frame.get("opcode") == 2:
        return len(payload) * 3 // 4 - payload[-2:].count("=")
    return len(payload.encode())


async def load_page(
    context: BrowserContext, url: str, timeout_ms: int, *, cold: bool = False
) -> Load:
    """Load `url` in a new page, wait until drawn, count bytes via CDP, then close the page."""
    page = await context.new_page()
    cdp = await context.new_cdp_session(page)
    load = Load(seconds=math.nan)
    ws_sizes: list[int] = []

    def on_finished(event: dict[str, Any]) -> None:
        load.http_bytes += int(event.get("encodedDataLength", 0))

    cdp.on("Network.loadingFinished", on_finished)
    cdp.on(
        "Network.webSocketFrameReceived", lambda e: ws_sizes.append(ws_payload_bytes(e["response"]))
    )
    page.on("request", lambda r: load.external.append(r.url) if is_external(r.url) else None)
    await cdp.send("Network.enable")
    if cold:
        await cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    started = time.monotonic()
    try:
        await page.goto(url, wait_until="commit", timeout=timeout_ms)
        remaining = max(1, timeout_ms - int((time.monotonic() - started) * 1000))
        handle = await page.wait_for_function(
            READY_JS, arg=FOLIUM_IFRAME, polling=POLL_MS, timeout=remaining
        )
        ready = await handle.json_value()
        load.seconds = ready["t"] / 1000
        load.error = "exception" if ready["exception"] else None
        load.script_done = (await page.evaluate("window.__ksgScriptDone ?? NaN")) / 1000
        load.has_map = await page.locator(FOLIUM_IFRAME).count() > 0
    except PlaywrightTimeout:
        load.error = "timeout"
    finally:
        await page.close()
    load.ws_bytes = sum(ws_sizes)
    load.ws_largest = max(ws_sizes, default=0)
    return load


def summarize(
    url: str, first: Load, runs: list[Load], cold: Load | None, server_cpu: list[float]
) -> dict[str, Any]:
    """Statistics of one page's loads."""
    everything = [first, *runs, *([cold] if cold else [])]
    good = [r for r in runs if r.error is None]
    return {
        "url": url,
        "has_map": any(r.has_map for r in everything),
        "first_load_s": first.seconds,
        "cold_load_s": cold.seconds if cold else math.nan,
        "times_s": [r.seconds for r in runs],
        "median_s": stats.median([r.seconds for r in good]) if good else math.nan,
        "script_done_median_s": stats.median([r.script_done for r in good]) if good else math.nan,
        "server_cpu_s_per_load": stats.median(server_cpu) if server_cpu else math.nan,
        "errors": sum(r.error is not None for r in everything),
        "error_kinds": sorted({r.error for r in everything if r.error}),
        "http_bytes_warm": stats.median([r.http_bytes for r in runs]) if runs else math.nan,
        "http_bytes_cold": cold.http_bytes if cold else math.nan,
        "ws_bytes": stats.median([r.ws_bytes for r in runs]) if runs else first.ws_bytes,
        "ws_largest_message": max(r.ws_largest for r in everything),
        "external_requests": sorted({u for r in everything for u in r.external}),
    }


async def measure_pages(
    context: BrowserContext,
    targets: list[tuple[Entry, StreamlitServer]],
    loads: int,
    timeout_ms: int,
) -> dict[str, dict[str, Any]]:
    """Per page: one warm-up load, `loads` measured loads (browser cache warm), one with cache off.

    The measured loads go round-robin over the pages, so drift from anything else running on the
    machine spreads evenly over all pages instead of skewing their ratios to the bare page.
    """
    urls = {e.name: page_url(s.url, e.url_path, e.query) for e, s in targets}
    first: dict[str, Load] = {}
    runs: dict[str, list[Load]] = {e.name: [] for e, _ in targets}
    cpu: dict[str, list[float]] = {e.name: [] for e, _ in targets}
    cold: dict[str, Load] = {}
    for entry, _ in targets:
        log(f"warm-up {entry.name} ...")
        first[entry.name] = await load_page(context, urls[entry.name], timeout_ms)
    # Do not spend minutes on a page that never draws.
    active = [(e, s) for e, s in targets if first[e.name].error != "timeout"]
    for round_no in range(1, loads + 1):
        log(f"round {round_no}/{loads} over {len(active)} pages ...")
        for entry, server in active:
            before = process_tree_cpu_seconds(server.pid)
            runs[entry.name].append(await load_page(context, urls[entry.name], timeout_ms))
            cpu[entry.name].append(process_tree_cpu_seconds(server.pid) - before)
    log("cold loads ...")
    for entry, _ in active:
        cold[entry.name] = await load_page(context, urls[entry.name], timeout_ms, cold=True)
    return {
        e.name: summarize(urls[e.name], first[e.name], runs[e.name], cold.get(e.name), cpu[e.name])
        for e, _ in targets
    }


async def measure_memory(
    context: BrowserContext, server: StreamlitServer, timeout_ms: int, counts: tuple[int, ...]
) -> dict[str, Any]:
    """Server RSS (with children) when idle and with `counts` sessions open on the default page."""
    result: dict[str, Any] = {"idle": process_tree_rss(server.pid), "errors": 0}
    pages = []
    try:
        for n in counts:
            while len(pages) < n:
                page = await context.new_page()
                pages.append(page)
                try:
                    await page.goto(server.url, wait_until="commit", timeout=timeout_ms)
                    await page.wait_for_function(
                        READY_JS, arg=FOLIUM_IFRAME, polling=POLL_MS, timeout=timeout_ms
                    )
                except PlaywrightTimeout:
                    result["errors"] += 1
            result[f"sessions_{n}"] = process_tree_rss(server.pid)
    finally:
        for page in pages:
            await page.close()
    return result


async def measure_concurrency(
    context: BrowserContext, server: StreamlitServer, sessions: int, timeout_ms: int
) -> dict[str, Any]:
    """`sessions` fresh pages loading the default page at the same time."""
    url = server.url
    started, cpu_before = time.monotonic(), process_tree_cpu_seconds(server.pid)
    loads = await asyncio.gather(*(load_page(context, url, timeout_ms) for _ in range(sessions)))
    wall = time.monotonic() - started
    server_cpu = process_tree_cpu_seconds(server.pid) - cpu_before
    good = [r.seconds for r in loads if r.error is None]
    done = [r.script_done for r in loads if r.error is None]
    return {
        "url": url,
        "sessions": sessions,
        "script_done_p50_s": stats.percentile(done, 50) if done else math.nan,
        "errors": sum(r.error is not None for r in loads),
        "error_kinds": sorted({r.error for r in loads if r.error}),
        "p50_s": stats.percentile(good, 50) if good else math.nan,
        "p95_s": stats.percentile(good, 95) if good else math.nan,
        "max_s": max(good, default=math.nan),
        "wall_s": wall,
        "server_cpu_s": server_cpu,
        "times_s": [r.seconds for r in loads],
    }


def machine_info() -> dict[str, Any]:
    """Where and when the benchmark ran."""
    meminfo = Path("/proc/meminfo").read_text().splitlines()
    mem_kb = next((int(line.split()[1]) for line in meminfo if line.startswith("MemTotal:")), 0)
    try:
        chromium = subprocess.run(
            [str(CHROMIUM), "--version"], capture_output=True, text=True, timeout=30
        ).stdout.strip()
    except (OSError, subprocess.TimeoutExpired):
        chromium = "?"
    return {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "nproc": os.cpu_count(),
        "cpus_usable": len(os.sched_getaffinity(0)),
        "loadavg_1min_at_start": os.getloadavg()[0],
        "mem_total_bytes": mem_kb * 1024,
        "platform": platform.platform(),
        "python": platform.python_version(),
        "streamlit": version("streamlit"),
        "playwright": version("playwright"),
        "chromium": chromium,
    }


def log(message: str) -> None:
    """Progress goes to stderr, the report to stdout."""
    print(message, file=sys.stderr, flush=True)


async def run(
    app: Path,
    entries: list[Entry],
    loads: int,
    sessions: int,
    timeout_ms: int,
    rounds: int = 5,
    interactions_only: bool = False,
) -> dict:
    """Start both servers and a browser, take every measurement, return the raw results."""
    LOG_DIR.mkdir(parents=True, exist_ok=True)
    results: dict[str, Any] = {
        "machine": machine_info(),
        "app": str(app),
        "loads": loads,
        "interaction_rounds": rounds,
        "server_logs": [str(LOG_DIR / "app.log"), str(LOG_DIR / "bare.log")],
    }
    if not interactions_only:
        log("Regionsprofil PDF of a cooperation (in process) ...")
        results["profile"] = profile_bench.measure(loads)
    log("starting servers ...")
    with (
        running_server(BARE_PAGE, LOG_DIR / "bare.log", cwd=REPO_ROOT) as bare,
        running_server(app, LOG_DIR / "app.log") as server,
        tempfile.TemporaryDirectory(prefix="bench-chromium-") as profile,
    ):
        async with async_playwright() as pw:
            context = await pw.chromium.launch_persistent_context(
                profile,
                executable_path=str(CHROMIUM),
                headless=True,
                args=[*CHROMIUM_ARGS, NO_EXTERNAL_DNS],
                viewport=VIEWPORT,
                locale=LOCALE,
            )
            await context.add_init_script(SCRIPT_DONE_JS)
            try:
                if rounds:
                    results["interactions"] = await interaction_bench.measure_interactions(
                        context, bare, server, rounds, timeout_ms, log=log
                    )
                if not interactions_only:
                    log("memory: 1 and 10 sessions ...")
                    results["memory"] = {
                        "app": await measure_memory(context, server, timeout_ms, (1, 10)),
                        "bare": await measure_memory(context, bare, timeout_ms, (1, 10)),
                    }
                    targets = [(Entry(BARE), bare), *((entry, server) for entry in entries)]
                    results["pages"] = await measure_pages(context, targets, loads, timeout_ms)
                    log(f"{sessions} concurrent sessions ...")
                    results["concurrency"] = await measure_concurrency(
                        context, server, sessions, timeout_ms
                    )
            finally:
                await context.close()
    pages = results.get("pages", {})
    bare_median = pages[BARE]["median_s"] if pages else math.nan
    for page in pages.values():
        page["ratio_to_bare"] = stats.ratio(page["median_s"], bare_median)
    results["machine"]["loadavg_1min_at_end"] = os.getloadavg()[0]
    results["targets"] = evaluate_targets(results)
    return results


def target(label: str, value: float, limit: float, unit: str) -> dict[str, Any]:
    """One target check (all targets are upper limits; a missing value fails)."""
    ok = math.isfinite(value) and value <= limit
    return {"target": label, "value": value, "limit": limit, "unit": unit, "ok": ok}


def evaluate_targets(results: dict[str, Any]) -> list[dict[str, Any]]:
    """Compare the measurements with the project's targets."""
    pages = results.get("pages", {})
    checks = [
        target(
            f"{name} load time vs. bare" + (" (map)" if page["has_map"] else ""),
            page["ratio_to_bare"],
            MAX_RATIO_TO_BARE_WITH_MAP if page["has_map"] else MAX_RATIO_TO_BARE,
            "ratio",
        )
        for name, page in pages.items()
        if name not in (BARE, GERMANY)
    ]
    for name, step in results.get("interactions", {}).items():
        if name == interaction_bench.BARE_RERUN:
            continue
        checks.append(
            target(
                f"{name} vs. bare rerun",
                step["ratio_to_bare_rerun"],
                MAX_INTERACTION_RATIO,
                "ratio",
            )
        )
        kept = [k for k in step["iframe_kept"] if k is not None]
        if kept:
            replaced = sum(not k for k in kept)
            checks.append(target(f"{name}: map iframes replaced", replaced, 0, "count"))
    if OVERVIEW in pages:
        largest = pages[OVERVIEW]["ws_largest_message"]
        checks.append(target("overview largest map payload", largest, MAX_OVERVIEW_MAP_BYTES, "B"))
    if GERMANY in pages:
        germany = pages[GERMANY]
        checks.append(
            target(
                f"{GERMANY} map payload", germany["ws_largest_message"], MAX_GERMANY_MAP_BYTES, "B"
            )
        )
        checks.append(target(f"{GERMANY} load time", germany["median_s"], MAX_GERMANY_SECONDS, "s"))
    if "profile" in results:
        checks.append(
            target(
                "Regionsprofil PDF (cooperation)",
                results["profile"]["median_s"],
                profile_bench.MAX_SECONDS,
                "s",
            )
        )
    if "concurrency" in results:
        conc = results["concurrency"]
        checks.append(
            target(f"{conc['sessions']} concurrent sessions: errors", conc["errors"], 0, "count")
        )
    if pages:
        external = sum(len(page["external_requests"]) for page in pages.values())
        checks.append(
            target("external requests (all pages)", external, MAX_EXTERNAL_REQUESTS, "count")
        )
    return checks


def fmt(value: float, unit: str) -> str:
    """Format a value for the report."""
    if unit == "B":
        return stats.format_bytes(value) if math.isfinite(value) else "–"
    if unit == "s":
        return stats.format_seconds(value)
    if unit == "ratio":
        return stats.format_ratio(value)
    return f"{value:g}"


def report(results: dict[str, Any]) -> str:
    """The human-readable table."""
    m = results["machine"]
    lines = [
        f"Benchmark {m['date']}  nproc={m['nproc']}  {m['chromium']}  streamlit {m['streamlit']}",
        f"app: {results['app']}   load average (1 min) at start {m['loadavg_1min_at_start']:.1f}, "
        f"at end {m['loadavg_1min_at_end']:.1f} (other work on the machine skews timings)",
    ]
    if results.get("pages"):
        lines += [
            "",
            f"Page loads: median of {results['loads']} fresh pages after one warm-up (browser "
            "cache warm), navigation start until the script finished and maps/charts are drawn;",
            "script = until the script finished; first = warm-up load; cold = browser cache off;",
            "srv CPU = server CPU time per load; target ≤ "
            f"{MAX_RATIO_TO_BARE_WITH_MAP:.1f}× with a map, ≤ {MAX_RATIO_TO_BARE:.1f}× without",
            f"{'page':<24}{'map':>4}{'median':>9}{'×bare':>8}{'script':>9}{'first':>9}{'cold':>9}"
            f"{'HTTP warm':>11}{'HTTP cold':>11}{'WS total':>11}{'WS max msg':>12}{'srv CPU':>9}"
            f"{'err':>5}",
        ]
        for name, p in results["pages"].items():
            lines.append(
                f"{name:<24}{'yes' if p['has_map'] else 'no':>4}"
                f"{fmt(p['median_s'], 's'):>9}{fmt(p['ratio_to_bare'], 'ratio'):>8}"
                f"{fmt(p['script_done_median_s'], 's'):>9}"
                f"{fmt(p['first_load_s'], 's'):>9}{fmt(p['cold_load_s'], 's'):>9}"
                f"{fmt(p['http_bytes_warm'], 'B'):>11}{fmt(p['http_bytes_cold'], 'B'):>11}"
                f"{fmt(p['ws_bytes'], 'B'):>11}{fmt(p['ws_largest_message'], 'B'):>12}"
                f"{fmt(p['server_cpu_s_per_load'], 's'):>9}{p['errors']:>5}"
            )
            if p["error_kinds"] or p["external_requests"]:
                lines.append(
                    f"{'':<4}errors: {p['error_kinds']}  external: {p['external_requests']}"
                )
        if any(p["errors"] for p in results["pages"].values()):
            lines.append(f"server output (tracebacks): {results['server_logs'][0]}")
    if results.get("interactions"):
        lines += [
            "",
            f"Interactions: median of {results['interaction_rounds']} steps after one warm-up, "
            "input event until the script finished and the map/chart shows the new state;",
            "script = until the script run finished (the rest is the browser drawing);",
            f"target ≤ {MAX_INTERACTION_RATIO:.1f}× the bare page's button rerun; "
            "iframe kept = the map iframe was not replaced (steps kept/all)",
            f"{'interaction':<32}{'median':>9}{'×rerun':>8}{'script':>9}{'min':>9}{'max':>9}"
            f"{'iframe kept':>13}{'err':>5}",
        ]
        for name, x in results["interactions"].items():
            times = [t for t in x["times_s"] if math.isfinite(t)]
            kept = [k for k in x["iframe_kept"] if k is not None]
            kept_text = f"{sum(kept)}/{len(kept)}" if kept else "–"
            lines.append(
                f"{name:<32}{fmt(x['median_s'], 's'):>9}"
                f"{fmt(x['ratio_to_bare_rerun'], 'ratio'):>8}"
                f"{fmt(x['script_done_median_s'], 's'):>9}"
                f"{fmt(min(times, default=math.nan), 's'):>9}"
                f"{fmt(max(times, default=math.nan), 's'):>9}{kept_text:>13}"
                f"{len(x['errors']) + x['exceptions']:>5}"
            )
            for error in x["errors"]:
                lines.append(f"{'':<4}{error}")
    if results.get("memory"):
        lines += [
            "",
            "Server memory (RSS incl. children)",
            f"{'server':<10}{'idle':>11}{'1 session':>11}{'10 sessions':>13}",
        ]
        for name, mem in results["memory"].items():
            lines.append(
                f"{name:<10}{fmt(mem['idle'], 'B'):>11}{fmt(mem['sessions_1'], 'B'):>11}"
                f"{fmt(mem['sessions_10'], 'B'):>13}"
                + (f"  errors: {mem['errors']}" if mem["errors"] else "")
            )
    if results.get("concurrency"):
        c = results["concurrency"]
        lines += [
            "",
            f"{c['sessions']} concurrent sessions on {c['url']}: errors {c['errors']} "
            f"{c['error_kinds'] or ''}",
            f"  drawn p50 {fmt(c['p50_s'], 's')}  p95 {fmt(c['p95_s'], 's')}  "
            f"max {fmt(c['max_s'], 's')}  script done p50 {fmt(c['script_done_p50_s'], 's')}",
            f"  wall {fmt(c['wall_s'], 's')}  server CPU {fmt(c['server_cpu_s'], 's')} "
            f"of {fmt(c['wall_s'] * (results['machine']['cpus_usable'] or 1), 's')} available",
        ]
    lines += ["", "Targets"]
    for t in results["targets"]:
        value, limit = fmt(t["value"], t["unit"]), fmt(t["limit"], t["unit"])
        lines.append(f"  {t['target']:<52}{value:>11}  ≤ {limit:<9}{'ok' if t['ok'] else 'MISSED'}")
    return "\n".join(lines)


def _json_safe(value: Any) -> Any:
    """Replace nan/inf (not valid JSON) with null."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _json_safe(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_json_safe(v) for v in value]
    return value


def main(argv: list[str] | None = None) -> int:
    """Command line entry point."""
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--app", type=Path, default=DEFAULT_APP, help="Streamlit script to serve")
    parser.add_argument(
        "--page",
        type=parse_entry,
        action="append",
        help="NAME=URL_PATH[?QUERY] to measure (repeatable; default: every page of the app)",
    )
    parser.add_argument("--loads", type=int, default=3, help="measured loads per page")
    parser.add_argument("--sessions", type=int, default=20, help="concurrent sessions")
    parser.add_argument(
        "--interactions", type=int, default=5, help="timed steps per interaction (0: none)"
    )
    parser.add_argument(
        "--interactions-only",
        action="store_true",
        help="measure only the interactions (no page loads, memory, concurrency, PDF)",
    )
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds per page load")
    parser.add_argument("--out", type=Path, default=RESULTS, help="JSON results file")
    parser.add_argument("--check", action="store_true", help="exit 1 if a target is missed")
    args = parser.parse_args(argv)
    if args.loads < 1 or args.sessions < 1 or args.interactions < 0:
        parser.error("--loads and --sessions must be at least 1, --interactions at least 0")
    if not CHROMIUM.exists():
        print(f"{CHROMIUM} not found: run `make chromium`", file=sys.stderr)
        return 2
    entries = args.page or default_entries()
    results = asyncio.run(
        run(
            args.app.resolve(),
            entries,
            args.loads,
            args.sessions,
            int(args.timeout * 1000),
            args.interactions,
            args.interactions_only,
        )
    )
    print(report(results))
    args.out.write_text(json.dumps(_json_safe(results), indent=2, ensure_ascii=False) + "\n")
    print(f"\nwritten to {args.out}")
    missed = [t["target"] for t in results["targets"] if not t["ok"]]
    return 1 if args.check and missed else 0


if __name__ == "__main__":
    sys.exit(main())
