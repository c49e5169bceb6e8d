"""Bytes on the wire as the shipped deployment serves them, measured at nginx.

Drives headless Chromium against a running cluster (`make cluster`) and adds up nginx's
`bytes=$bytes_sent` of every request a step started (HTTP responses compressed as served; the
websocket as one line with all its compressed frames, logged when it closes). Steps:
a cold first visit of the overview, one visitor opening all five pages (warm cache after the
first), and a page switch with a warm cache.

    python -m harness.wire_bytes --url http://127.0.0.1:8080 --run-dir .cache/cluster
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from deploy.cluster import DEFAULT_RUN_DIR
from harness.loadgen import require_loopback
from harness.server import (
    CHROMIUM,
    CHROMIUM_ARGS,
    FOLIUM_IFRAME,
    LOCALE,
    READY_JS,
    VIEWPORT,
    page_url,
)

LINE = re.compile(
    r'"(?P<request>[^"]*)" (?P<status>\d+) bytes=(?P<bytes>\d+) '
    r".*?msec=(?P<msec>[\d.]+) rt=(?P<rt>[\d.]+)"
)
PAGES = ("", "tour", "demografie", "beispiele", "programm")


@dataclass
class LogLine:
    """One access-log entry: when its request started and what it sent."""

    request: str
    status: int
    bytes: int
    start: float


def parse_log(text: str) -> list[LogLine]:
    """Entries of the cluster's access log (format `replica` in deploy/nginx.conf.template)."""
    lines = []
    for match in LINE.finditer(text):
        end, duration = float(match["msec"]), float(match["rt"])
        lines.append(
            LogLine(match["request"], int(match["status"]), int(match["bytes"]), end - duration)
        )
    return lines


def bytes_between(lines: list[LogLine], start: float, end: float) -> dict[str, int]:
    """Bytes of requests that started within [start, end): total, websocket, HTTP."""
    chosen = [line for line in lines if start <= line.start < end]
    ws = sum(line.bytes for line in chosen if "/_stcore/stream" in line.request)
    total = sum(line.bytes for line in chosen)
    return {"total": total, "websocket": ws, "http": total - ws, "requests": len(chosen)}


async def measure(base_url: str, log_path: Path, timeout_ms: int = 90_000) -> dict:
    from playwright.async_api import async_playwright

    steps: list[tuple[str, float, float]] = []
    with tempfile.TemporaryDirectory() as profile:
        async with async_playwright() as pw:
            context = await pw.chromium.launch_persistent_context(
                profile,
                executable_path=str(CHROMIUM),
                headless=True,
                args=list(CHROMIUM_ARGS),
                viewport=VIEWPORT,
                locale=LOCALE,
            )
            page = context.pages[0] if context.pages else await context.new_page()

            async def visit(name: str, url_path: str) -> None:
                start = time.time()
                await page.goto(page_url(base_url, url_path), wait_until="commit")
                await page.wait_for_function(
                    READY_JS, arg=FOLIUM_IFRAME, polling=50, timeout=timeout_ms
                )
                await asyncio.sleep(1.0)  # late requests (fonts, component files)
                steps.append((name, start, time.time()))

            await visit("cold overview", "")
            for url_path in PAGES[1:]:
                await visit(f"page {url_path}", url_path)
            await visit("warm switch to overview", "")
            await visit("warm switch to tour", "tour")
            await page.goto("about:blank")  # closes the last websocket
            await context.close()
    await asyncio.sleep(1.5)  # nginx writes the websocket lines when they close
    lines = parse_log(log_path.read_text(encoding="utf-8", errors="replace"))
    out = {name: bytes_between(lines, start, end) for name, start, end in steps}
    five = [name for name, _, _ in steps[:5]]
    out["all five pages"] = {
        key: sum(out[name][key] for name in five) for key in ("total", "websocket", "http")
    }
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m harness.wire_bytes", description=__doc__)
    parser.add_argument("--url", default="http://127.0.0.1:8080")
    parser.add_argument("--run-dir", type=Path, default=DEFAULT_RUN_DIR)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    require_loopback(args.url)
    result = asyncio.run(measure(args.url.rstrip("/"), args.run_dir / "access.log"))
    for name, row in result.items():
        print(
            f"{name:28s} {row['total'] / 1e6:6.2f} MB  (http {row['http'] / 1e6:.2f}, "
            f"websocket {row['websocket'] / 1e6:.2f})",
            file=sys.stderr,
        )
    text = json.dumps(result, indent=2)
    if args.json:
        args.json.write_text(text)
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
