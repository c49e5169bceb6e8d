"""Warm a fresh app process before visitors come: every page once, the five cooperations, the
tour stops, so the per-process caches (data, rendered maps) are built at start-up and not by
the first visitor. Speaks the websocket protocol like `harness.loadgen` (loopback only).

    python -m harness.warmup http://127.0.0.1:8601
"""

from __future__ import annotations

import asyncio
import sys
import time
from dataclasses import dataclass

from harness.loadgen import Target, require_loopback, run_session
from harness.protocol import PAGE_INTERACTIONS, Interaction


@dataclass(frozen=True)
class View:
    """One page view to warm: page url_path, query and optional interaction."""

    page: str
    query: str = ""
    interaction: Interaction | None = None


def default_views() -> list[View]:
    """The views a workshop room opens first: defaults, each cooperation, each tour stop."""
    from ksg_dashboard.data import datastore

    cooperations = [c["id"] for c in datastore.read_cooperations()]
    stops = len(datastore.read_tour().stops)
    views = [View(page, "", PAGE_INTERACTIONS.get(page)) for page in PAGE_INTERACTIONS]
    views += [View("", f"region={c}") for c in cooperations]
    views += [View("demografie", f"region={c}") for c in cooperations]
    views += [View("tour", f"stopp={i}") for i in range(1, stops + 1)]
    views.append(View("demografie", "ansicht=deutschland"))
    return views


async def warm_up(base_url: str, views: list[View], timeout: float = 120.0) -> list[str]:
    """Visit each view once, one after another; returns the errors (empty when all rendered)."""
    require_loopback(base_url)
    errors = []
    for i, view in enumerate(views):
        target = Target(base_url, view.page, view.query, view.interaction, timeout)
        result = await run_session(i, target)
        if not result.ok:
            errors.append(f"/{view.page}?{view.query}: {result.error}")
    return errors


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if not args:
        print("usage: python -m harness.warmup BASE_URL [BASE_URL ...]", file=sys.stderr)
        return 2
    views = default_views()
    start = time.perf_counter()

    async def all_replicas() -> list[str]:
        results = await asyncio.gather(*(warm_up(url, views) for url in args))
        return [e for errors in results for e in errors]

    errors = asyncio.run(all_replicas())
    seconds = time.perf_counter() - start
    print(f"warmed {len(args)} process(es), {len(views)} views each, in {seconds:.1f} s")
    for error in errors:
        print(f"warm-up error: {error}", file=sys.stderr)
    return 1 if errors else 0


if __name__ == "__main__":
    raise SystemExit(main())
