"""A real 2-replica cluster behind nginx: pages render through it and sessions stay sticky."""

from __future__ import annotations

import asyncio
import os
import shutil
from concurrent.futures import ThreadPoolExecutor

import pytest

from deploy import cluster
from harness import loadgen
from harness.protocol import PAGE_INTERACTIONS
from harness.server import free_port

pytestmark = pytest.mark.skipif(
    not shutil.which("nginx"), reason="nginx is not installed (run `make nginx`)"
)


def run(coroutine):
    """asyncio.run in a thread of its own: the browser tests' Playwright keeps a loop running."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


@pytest.fixture(scope="module")
def two_replicas():
    # Under the repository (world-readable), not pytest's 0700 tmp: nginx workers run as
    # www-data when started by root and must reach their temp directories.
    run_dir = cluster.REPO_ROOT / ".cache" / f"test-cluster-{os.getpid()}"
    port, base = free_port(), free_port()
    state = cluster.start(2, port, base_port=base, run_dir=run_dir, warm=False)
    try:
        yield state
    finally:
        cluster.stop(run_dir)
        shutil.rmtree(run_dir, ignore_errors=True)


def test_two_sessions_render_through_nginx_and_stay_sticky(two_replicas):
    base_url = f"http://127.0.0.1:{two_replicas['port']}"
    target = loadgen.Target(base_url, "", "", PAGE_INTERACTIONS[""], session_timeout=120)

    async def two_sessions():
        return await asyncio.gather(*(loadgen.run_session(i, target) for i in range(2)))

    results = run(two_sessions())
    replica_ports = {f"127.0.0.1:{r['port']}" for r in two_replicas["replicas"]}
    for result in results:
        assert result.ok, result.error
        assert result.payload_bytes > 10_000, "the page and its map came through"
        assert result.replica in replica_ports
        assert result.html_replica == result.replica, "websocket on the replica of the page"

    async def repeated_gets():
        status, headers, _ = await loadgen.http_get(base_url + "/")
        cookie = loadgen.cookies_from(headers)
        assert status == 200 and cookie.startswith("ksg_replica=")
        first = headers["x-ksg-replica"][-1]
        seen = set()
        for _ in range(6):
            _, again, _ = await loadgen.http_get(base_url + "/tour", cookie=cookie)
            seen.add(again["x-ksg-replica"][-1])
            assert "set-cookie" not in again or not any(
                c.startswith("ksg_replica=") for c in again["set-cookie"]
            )
        return first, seen

    first, seen = run(repeated_gets())
    assert seen == {first}, "the same cookie always reaches the same replica"
    status = cluster.status(run_dir=cluster.Path(two_replicas["run_dir"]))
    assert status["nginx_healthy"] and all(r["healthy"] for r in status["replicas"])
