"""Benchmark of the shipped deployment (`make bench-cluster`): nginx + replicas, loopback only.

1. Start `--replicas` replicas (default 4) behind nginx, warmed up.
2. `--sessions` sessions (default 200, open overview + choose a cooperation) at once through nginx.
3. The same with one replica killed (SIGKILL) two seconds in: its sessions reconnect elsewhere.
4. 100 sessions opening the overview at once (no interaction): time until all are drawn.
5. Bytes on the wire in headless Chromium, read from nginx's access log (harness.wire_bytes).
Writes bench/cluster.json and stops the cluster (also on errors).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import time
from pathlib import Path

from deploy import cluster
from harness import loadgen
from harness.protocol import PAGE_INTERACTIONS

RESULTS = cluster.REPO_ROOT / "bench" / "cluster.json"


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


async def rounds(base_url: str, state: dict, sessions: int, kill_pid: int | None) -> dict:
    pids = [r["pid"] for r in state["replicas"]]
    probe = loadgen.Probe(pids)
    out: dict = {}
    target = loadgen.Target(base_url, "", "", PAGE_INTERACTIONS[""], 240.0, reconnect=True)
    row, _ = await loadgen.run_round(sessions, target, probe, max_errors=sessions)
    out["sessions"] = row
    log("through nginx: " + loadgen.format_round(row))
    open_only = loadgen.Target(base_url, "", "", None, 240.0, reconnect=True)
    row, _ = await loadgen.run_round(100, open_only, probe, hold=False, max_errors=100)
    out["overview_100_at_once"] = row
    log("100 overview at once: " + loadgen.format_round(row))
    if kill_pid:
        killer = loadgen._killer(kill_pid, 2.0)
        row, results = await loadgen.run_round(
            sessions, target, probe, max_errors=sessions, on_start=killer
        )
        killed = next(f"127.0.0.1:{r['port']}" for r in state["replicas"] if r["pid"] == kill_pid)
        moved = [r for r in results if r.reconnects]
        row["killed_replica"] = killed
        row["sessions_on_killed_replica"] = sum(1 for r in results if killed in r.replicas)
        row["moved_sessions_ok"] = sum(1 for r in moved if r.ok)
        row["moved_to"] = sorted({r.replica for r in moved if r.ok})
        row["unaffected_errors"] = sum(1 for r in results if not r.ok and killed not in r.replicas)
        out["replica_killed"] = row
        log("replica killed: " + loadgen.format_round(row))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m deploy.cluster_bench", description=__doc__)
    parser.add_argument("--replicas", type=int, default=int(os.environ.get("REPLICAS", 4)))
    parser.add_argument("--port", type=int, default=int(os.environ.get("CLUSTER_PORT", 8080)))
    parser.add_argument("--base-port", type=int, default=8601)
    parser.add_argument("--sessions", type=int, default=200)
    parser.add_argument("--no-kill", action="store_true")
    parser.add_argument("--no-browser", action="store_true")
    parser.add_argument(
        "--run-dir", type=Path, default=cluster.REPO_ROOT / ".cache" / "bench-cluster"
    )
    parser.add_argument("--json", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    t0 = time.perf_counter()
    state = cluster.start(args.replicas, args.port, base_port=args.base_port, run_dir=args.run_dir)
    log(f"cluster up in {time.perf_counter() - t0:.0f} s (warm-up {state.get('warmup_seconds')} s)")
    base_url = f"http://127.0.0.1:{args.port}"
    results: dict = {
        "date": time.strftime("%Y-%m-%d %H:%M %Z"),
        "replicas": args.replicas,
        "cpus": os.cpu_count(),
        "loadavg_start": os.getloadavg(),
        "startup_seconds": round(time.perf_counter() - t0, 1),
        "warmup_seconds": state.get("warmup_seconds"),
        "brotli": state.get("brotli"),
    }
    try:
        probe = loadgen.Probe([r["pid"] for r in state["replicas"]])
        results["rss_warm_mb"] = probe.rss() / 1e6
        kill = None if args.no_kill else state["replicas"][-1]["pid"]

        async def bounded() -> dict:
            async with asyncio.timeout(1200):
                return await rounds(base_url, state, args.sessions, kill)

        results.update(asyncio.run(bounded()))
        if not args.no_browser:
            from harness.wire_bytes import measure

            results["wire_bytes"] = asyncio.run(measure(base_url, args.run_dir / "access.log"))
            for name, row in results["wire_bytes"].items():
                log(
                    f"bytes {name}: {row['total'] / 1e6:.2f} MB "
                    f"(websocket {row['websocket'] / 1e6:.2f})"
                )
    finally:
        results["loadavg_end"] = os.getloadavg()
        cluster.stop(args.run_dir)
        args.json.write_text(json.dumps(results, indent=2, default=str))
        log(f"results in {args.json}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
