"""Protocol-level load generator: many Streamlit sessions without browsers, loopback only.

Each session does what a visitor does: fetch the page's HTML (which also picks up nginx's sticky
cookie in a cluster), open the websocket, run the page's script, rerun it with one interaction
(a click or a choice, see `harness.protocol.PAGE_INTERACTIONS`) and close. A round starts N
sessions at once; the curve runs rounds of increasing N. Everything is bounded: sessions per round,
a deadline per session and for the whole run, and a round stops early when errors pile up.

    python -m harness.loadgen --start --curve 1,10,25,50,100
    python -m harness.loadgen --url http://127.0.0.1:8080 --curve 200 --reconnect
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import signal
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidHandshake

from harness import stats
from harness.protocol import (
    PAGE_INTERACTIONS,
    STREAM_PATH,
    Interaction,
    RunTrace,
    SessionReader,
    rerun_message,
    subprotocols,
)
from harness.server import (
    LOCAL_HOSTS,
    REPO_ROOT,
    page_url,
    process_tree_cpu_seconds,
    process_tree_rss,
    running_server,
)

REPLICA_HEADER = "x-ksg-replica"
MAX_SESSIONS = 500  # per round: a hard bound whatever the command line says
MAX_FRAME = 64 * 1024 * 1024


class LoadgenError(RuntimeError):
    """A session failed (the message says where)."""


class CountingConnection(ClientConnection):
    """A websocket connection that also counts the bytes that arrive on the wire (compressed)."""

    wire_bytes = 0

    def data_received(self, data: bytes) -> None:
        self.wire_bytes += len(data)
        super().data_received(data)


def require_loopback(url: str) -> None:
    """Refuse any target that is not this machine."""
    host = urlsplit(url).hostname or ""
    if host not in LOCAL_HOSTS:
        raise SystemExit(f"load tests talk to loopback only, not {host!r}")


@dataclass
class Target:
    """What every session of a run visits."""

    base_url: str
    page: str = ""  # url_path, "" for the default page
    query: str = ""
    interaction: Interaction | None = None
    session_timeout: float = 120.0
    reconnect: bool = False  # reconnect (once per failure, at most 3 times) when a socket drops
    fetch_html: bool = True


@dataclass
class SessionResult:
    """Outcome of one session."""

    index: int
    ok: bool = False
    error: str | None = None
    open_seconds: float = float("nan")  # connect until the first run finished
    interact_seconds: float = float("nan")  # interaction sent until its run finished
    total_seconds: float = float("nan")
    replica: str = ""  # upstream that served the websocket (cluster only)
    html_replica: str = ""  # upstream that served the page's HTML (cluster only)
    replicas: list[str] = field(default_factory=list)  # every upstream, in order (reconnects)
    reconnects: int = 0
    payload_bytes: int = 0  # websocket payload after decompression
    wire_bytes: int = 0  # websocket bytes on the wire (permessage-deflate as negotiated)
    html_bytes: int = 0


async def http_get(url: str, cookie: str = "", timeout: float = 30.0) -> tuple[int, dict, bytes]:
    """A minimal HTTP/1.1 GET (loopback only): status, lower-case headers (lists), body."""
    parts = urlsplit(url)
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    port = parts.port or 80
    async with asyncio.timeout(timeout):
        reader, writer = await asyncio.open_connection(parts.hostname, port)
        try:
            request = f"GET {path} HTTP/1.1\r\nHost: {parts.netloc}\r\nConnection: close\r\n"
            request += "User-Agent: ksg-loadgen\r\nAccept: text/html\r\n"
            if cookie:
                request += f"Cookie: {cookie}\r\n"
            writer.write((request + "\r\n").encode())
            raw = await reader.read()
        finally:
            writer.close()
            with contextlib.suppress(OSError):
                await writer.wait_closed()
    return parse_http_response(raw)


def parse_http_response(raw: bytes) -> tuple[int, dict[str, list[str]], bytes]:
    """Split a raw HTTP/1.1 response (Connection: close, possibly chunked) into its parts."""
    head, _, body = raw.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    try:
        status = int(lines[0].split()[1])
    except (IndexError, ValueError) as exc:
        raise LoadgenError(f"not an HTTP response: {lines[0][:80]!r}") from exc
    headers: dict[str, list[str]] = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers.setdefault(name.strip().lower(), []).append(value.strip())
    if "chunked" in ",".join(headers.get("transfer-encoding", [])).lower():
        body = _dechunk(body)
    return status, headers, body


def _dechunk(body: bytes) -> bytes:
    out, rest = b"", body
    while rest:
        size_line, _, rest = rest.partition(b"\r\n")
        size = int(size_line.split(b";")[0] or b"0", 16)
        if size == 0:
            break
        out += rest[:size]
        rest = rest[size + 2 :]
    return out


def cookies_from(headers: dict[str, list[str]]) -> str:
    """A Cookie header value from Set-Cookie headers (name=value pairs only)."""
    pairs = [value.split(";", 1)[0].strip() for value in headers.get("set-cookie", [])]
    return "; ".join(p for p in pairs if "=" in p)


def stream_url(base_url: str) -> str:
    """ws://HOST/_stcore/stream for an http://HOST base URL."""
    parts = urlsplit(base_url)
    scheme = "wss" if parts.scheme == "https" else "ws"
    return f"{scheme}://{parts.netloc}{parts.path.rstrip('/')}/{STREAM_PATH}"


async def read_run(ws: ClientConnection, reader: SessionReader) -> RunTrace:
    """Read frames until the current script run has finished (not one cut short for a rerun)."""
    while not reader.run.finished:
        frame = await ws.recv(decode=False)
        if isinstance(frame, str):
            raise LoadgenError("text frame from the server")
        reader.feed(frame)
    return reader.run


async def run_session(
    index: int,
    target: Target,
    hold: asyncio.Event | None = None,
    arrive: Any = None,
) -> SessionResult:
    """One visitor: HTML, websocket, first run, interaction, (wait for the round), close.

    `arrive(result)` is called once the session's work is done (ok or not), before it waits on
    `hold` with its socket still open.
    """
    result = SessionResult(index)
    start = time.perf_counter()
    url = page_url(target.base_url, target.page, target.query)
    arrived = False
    try:
        async with asyncio.timeout(target.session_timeout):
            cookie = ""
            if target.fetch_html:
                status, headers, body = await http_get(url)
                if status != 200:
                    raise LoadgenError(f"GET {url}: HTTP {status}")
                cookie = cookies_from(headers)
                result.html_bytes = len(body)
                result.html_replica = (headers.get(REPLICA_HEADER) or [""])[-1]
            reader = SessionReader()
            while True:
                try:
                    await _session_steps(target, reader, result, cookie, url)
                    break
                except (ConnectionClosed, InvalidHandshake, OSError) as exc:
                    if not target.reconnect or result.reconnects >= 3:
                        raise LoadgenError(f"socket: {exc!r}") from exc
                    # A browser reconnects with its old session id; a replica that does not
                    # know it starts a new session, so the page runs again from the start.
                    result.reconnects += 1
                    await asyncio.sleep(0.2 * result.reconnects)
            result.ok = True
            result.total_seconds = time.perf_counter() - start
        arrived = True
        if arrive is not None:
            arrive(result)
        if hold is not None:
            await hold.wait()
    except TimeoutError:
        result.error = f"timeout after {target.session_timeout:.0f} s"
    except LoadgenError as exc:
        result.error = str(exc)
    except asyncio.CancelledError:
        result.error = "cancelled"
    except Exception as exc:  # report, never crash the round
        result.error = f"{type(exc).__name__}: {exc}"
    finally:
        ws = getattr(result, "_ws", None)
        if ws is not None:
            with contextlib.suppress(Exception):
                await ws.close()
            result.wire_bytes += ws.wire_bytes
            del result._ws  # type: ignore[attr-defined]
    if not result.ok:
        result.total_seconds = time.perf_counter() - start
    if not arrived and arrive is not None:
        arrive(result)
    return result


async def _session_steps(
    target: Target,
    reader: SessionReader,
    result: SessionResult,
    cookie: str,
    url: str,
) -> None:
    """Connect (or reconnect) and run the remaining steps of a session on that socket."""
    old = getattr(result, "_ws", None)
    if old is not None:
        result.wire_bytes += old.wire_bytes
        with contextlib.suppress(Exception):
            await old.close()
    parts = urlsplit(target.base_url)
    ws = await connect(
        stream_url(target.base_url),
        subprotocols=subprotocols(reader.session_id if result.reconnects else None),
        origin=f"{parts.scheme}://{parts.netloc}",
        additional_headers={"Cookie": cookie} if cookie else None,
        max_size=MAX_FRAME,
        proxy=None,
        open_timeout=target.session_timeout,
        ping_interval=None,
        create_connection=CountingConnection,
        user_agent_header="ksg-loadgen",
    )
    result._ws = ws  # type: ignore[attr-defined]
    replica = ws.response.headers.get(REPLICA_HEADER, "") if ws.response else ""
    result.replica = replica
    result.replicas.append(replica)
    before = reader.total_bytes
    try:
        t0 = time.perf_counter()
        reader.new_run()
        await ws.send(rerun_message(query_string=target.query, page_name=target.page, url=url))
        first = await read_run(ws, reader)
        if not first.ok:
            raise LoadgenError(f"open: status {first.status}, exceptions {first.exceptions[:2]}")
        result.open_seconds = time.perf_counter() - t0
        if target.interaction:
            interaction = target.interaction
            assert interaction is not None
            widget = interaction.find(first.widgets)
            if widget is None:
                raise LoadgenError(f"interact: no widget for {interaction} on the page")
            t1 = time.perf_counter()
            reader.new_run()
            await ws.send(
                rerun_message(
                    query_string=target.query,
                    page_name=target.page,
                    url=url,
                    widgets=[interaction.state(widget)],
                )
            )
            second = await read_run(ws, reader)
            if not second.ok:
                raise LoadgenError(
                    f"interact: status {second.status}, exceptions {second.exceptions[:2]}"
                )
            result.interact_seconds = time.perf_counter() - t1
    finally:
        result.payload_bytes += reader.total_bytes - before


@dataclass
class Probe:
    """CPU and memory of the server processes (their process trees), sampled during a round."""

    pids: list[int]
    peak_rss: int = 0

    def _total(self, measure: Callable[[int], float]) -> float:
        """A measure summed over the server processes that are still running."""
        total = 0.0
        for pid in self.pids:
            with contextlib.suppress(OSError):
                total += measure(pid)
        return total

    def rss(self) -> int:
        """Resident memory of all server processes now (bytes)."""
        return int(self._total(process_tree_rss))

    def cpu(self) -> float:
        """CPU seconds used so far by all server processes."""
        return self._total(process_tree_cpu_seconds)

    async def sample(self, stop: asyncio.Event, every: float = 0.25) -> None:
        """Track the peak resident memory until `stop` is set."""
        while not stop.is_set():
            self.peak_rss = max(self.peak_rss, self.rss())
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), every)


def summarize_round(
    sessions: int, results: list[SessionResult], seconds: float, extra: dict[str, Any]
) -> dict[str, Any]:
    """Percentiles and counts of one round (times of successful sessions only)."""
    good = [r for r in results if r.ok]
    errors = [r for r in results if not r.ok]

    def pct(values: list[float], p: float) -> float:
        values = [v for v in values if v == v]
        return stats.percentile(values, p) if values else float("nan")

    totals = [r.total_seconds for r in good]
    summary = {
        "sessions": sessions,
        "ok": len(good),
        "errors": len(errors),
        "error_samples": sorted({r.error or "" for r in errors})[:5],
        "p50_s": pct(totals, 50),
        "p95_s": pct(totals, 95),
        "max_s": max(totals) if totals else float("nan"),
        "open_p50_s": pct([r.open_seconds for r in good], 50),
        "open_p95_s": pct([r.open_seconds for r in good], 95),
        "interact_p50_s": pct([r.interact_seconds for r in good], 50),
        "interact_p95_s": pct([r.interact_seconds for r in good], 95),
        "round_s": seconds,
        "payload_bytes_per_session": (
            sum(r.payload_bytes for r in good) / len(good) if good else 0
        ),
        "wire_bytes_per_session": sum(r.wire_bytes for r in good) / len(good) if good else 0,
        "replicas": dict(Counter(r.replica for r in results if r.replica)),
        "reconnects": sum(r.reconnects for r in results),
        "reconnected_sessions": sum(1 for r in results if r.reconnects and r.ok),
    }
    summary.update(extra)
    return summary


async def run_round(
    sessions: int,
    target: Target,
    probe: Probe | None,
    *,
    hold: bool = True,
    max_errors: int = 10,
    ramp_seconds: float = 0.0,
    on_start: Any = None,
) -> tuple[dict[str, Any], list[SessionResult]]:
    """Start `sessions` sessions at once (or spread over `ramp_seconds`) and wait for all.

    With `hold`, finished sessions keep their socket open until every session of the round is
    done, so the resident memory then shows what N open sessions cost.
    """
    sessions = max(1, min(sessions, MAX_SESSIONS))
    held = asyncio.Event() if hold else None
    everyone = asyncio.Event()
    stop = asyncio.Event()
    counts = {"arrived": 0, "failed": 0}
    rss_before = probe.rss() if probe else 0
    cpu_before = probe.cpu() if probe else 0.0
    if probe:
        probe.peak_rss = rss_before
    sampler = asyncio.create_task(probe.sample(stop)) if probe else None

    def arrive(result: SessionResult) -> None:
        counts["arrived"] += 1
        counts["failed"] += not result.ok
        if counts["arrived"] >= sessions or counts["failed"] > max_errors:
            everyone.set()

    async def delayed(i: int) -> SessionResult:
        if ramp_seconds and sessions > 1:
            await asyncio.sleep(ramp_seconds * i / (sessions - 1))
        return await run_session(i, target, held, arrive)

    start = time.perf_counter()
    tasks = [asyncio.create_task(delayed(i)) for i in range(sessions)]
    if on_start is not None:
        on_start()
    await everyone.wait()
    seconds = time.perf_counter() - start
    rss_held = probe.rss() if probe else 0
    if counts["failed"] > max_errors:
        for task in tasks:
            task.cancel()
    if held is not None:
        held.set()
    results = list(await asyncio.gather(*tasks))
    await asyncio.sleep(1.0)  # let the server notice the closed sockets
    cpu = (probe.cpu() - cpu_before) if probe else float("nan")
    stop.set()
    if sampler:
        await sampler
    extra = {
        "rss_before_mb": rss_before / 1e6,
        "rss_held_mb": rss_held / 1e6,
        "rss_peak_mb": (probe.peak_rss / 1e6) if probe else 0,
        "rss_after_mb": (probe.rss() / 1e6) if probe else 0,
        "server_cpu_s": cpu,
        "server_cpu_per_session_s": cpu / sessions,
        "mb_per_extra_session": ((rss_held - rss_before) / 1e6 / sessions) if probe else 0,
    }
    return summarize_round(sessions, results, seconds, extra), results


async def cpu_per_render(target: Target, probe: Probe, renders: int = 5) -> dict[str, float]:
    """Server CPU seconds per first run and per interaction rerun (sessions one after another)."""
    open_only = Target(**{**asdict_shallow(target), "interaction": None})
    cpu0 = probe.cpu()
    for i in range(renders):
        result = await run_session(i, open_only, None)
        if not result.ok:
            raise LoadgenError(f"cpu-per-render: {result.error}")
    open_cpu = (probe.cpu() - cpu0) / renders
    out = {"open_cpu_s": open_cpu}
    if target.interaction:
        cpu1 = probe.cpu()
        for i in range(renders):
            result = await run_session(i, target, None)
            if not result.ok:
                raise LoadgenError(f"cpu-per-render: {result.error}")
        out["interaction_cpu_s"] = (probe.cpu() - cpu1) / renders - open_cpu
    return out


def asdict_shallow(obj: Any) -> dict[str, Any]:
    """Dataclass fields as a dict without deep-copying the values."""
    return {name: getattr(obj, name) for name in obj.__dataclass_fields__}


def format_round(row: dict[str, Any]) -> str:
    """One line of the curve table."""
    fs = stats.format_seconds
    replicas = ""
    if row.get("replicas"):
        replicas = " replicas " + ",".join(f"{v}" for _, v in sorted(row["replicas"].items()))
    return (
        f"{row['sessions']:>4} sessions  ok {row['ok']:>4}  errors {row['errors']:>3}  "
        f"p50 {fs(row['p50_s'])}  p95 {fs(row['p95_s'])}  "
        f"interact p50 {fs(row['interact_p50_s'])}  "
        f"cpu {row['server_cpu_s']:.1f} s  rss {row['rss_before_mb']:.0f}→{row['rss_held_mb']:.0f}"
        f"→{row['rss_after_mb']:.0f} MB  {row['mb_per_extra_session']:.1f} MB/session  "
        f"wire {stats.format_bytes(row['wire_bytes_per_session'])}/session{replicas}"
        + (f"  reconnected {row['reconnected_sessions']}" if row.get("reconnects") else "")
    )


def capacity(curve: list[dict[str, Any]], single: float, factor: float = 3.0) -> int:
    """Largest round size with 0 errors and p95 ≤ factor × the single-session time."""
    held = 0
    for row in curve:
        if row["errors"] == 0 and row["p95_s"] <= factor * single:
            held = max(held, row["sessions"])
    return held


async def search_capacity(
    measure: Any, single: float, factor: float = 3.0, limit: int = 64, tries: int = 12
) -> tuple[int, list[dict[str, Any]]]:
    """Largest round size with 0 errors and p95 ≤ factor × `single`, and the rounds it ran.

    `measure(n)` runs one round of n sessions and returns its row. One session is the
    reference (held by definition); sizes double from 2 until a round fails (or `limit`), then
    bisect between the last clean size and the first failing one; at most `tries` rounds.
    Assumes p95 grows with n (it does when renders are serial).
    """
    rows: list[dict[str, Any]] = []

    async def holds(n: int) -> bool:
        row = await measure(n)
        rows.append(row)
        return row["errors"] == 0 and row["p95_s"] <= factor * single

    good, bad, n = 1, None, 2
    while n <= limit and len(rows) < tries:
        if not await holds(n):
            bad = n
            break
        good, n = n, n * 2
    while bad is not None and bad - good > 1 and len(rows) < tries:
        middle = (good + bad) // 2
        if await holds(middle):
            good = middle
        else:
            bad = middle
    return good, rows


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m harness.loadgen",
        description="Streamlit sessions over the websocket protocol, without browsers "
        "(loopback only, bounded in sessions and time).",
    )
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--url", help="base URL of a running app or cluster (127.0.0.1 only)")
    where.add_argument(
        "--start", action="store_true", help="start one app process on a free port (default)"
    )
    parser.add_argument("--app", type=Path, default=REPO_ROOT / "dashboard.py")
    parser.add_argument("--page", default="", help="url_path of the page ('' = overview)")
    parser.add_argument("--query", default="", help="query string without '?'")
    parser.add_argument(
        "--interaction",
        default="auto",
        help="'auto' (the page's default), 'none', 'click:KEY' or 'choose:KEY[:OPTION]'",
    )
    parser.add_argument(
        "--curve", default="1,10,25,50,100", help="comma-separated round sizes (≤ 500 each)"
    )
    parser.add_argument("--rounds", type=int, default=1, help="repeat the whole curve")
    parser.add_argument("--ramp", type=float, default=0.0, help="spread starts over N seconds")
    parser.add_argument("--no-hold", action="store_true", help="close each session at once")
    parser.add_argument("--session-timeout", type=float, default=180.0)
    parser.add_argument(
        "--settle",
        type=_settle_seconds,
        default=0.0,
        help="after the curve's rounds (not with --capacity), wait N seconds (one memory "
        "release cycle) and read rss again",
    )
    parser.add_argument("--run-timeout", type=float, default=1500.0, help="whole run, seconds")
    parser.add_argument("--max-errors", type=int, default=10, help="stop a round after this")
    parser.add_argument("--pid", type=int, action="append", default=[], help="server pid(s)")
    parser.add_argument("--cpu-renders", type=int, default=0, help="measure CPU per render")
    parser.add_argument("--reconnect", action="store_true", help="reconnect dropped sockets")
    parser.add_argument("--kill-pid", type=int, help="SIGKILL this (own) replica mid-round")
    parser.add_argument("--kill-after", type=float, default=2.0, help="seconds into the round")
    parser.add_argument("--no-html", action="store_true", help="skip the HTML GET")
    parser.add_argument(
        "--warmup", action="store_true", help="visit every page and view once before measuring"
    )
    parser.add_argument(
        "--capacity",
        action="store_true",
        help="search the sessions held at p95 ≤ 3× the single-session time (median of 3 "
        "single sessions), instead of the curve",
    )
    parser.add_argument("--json", type=Path, help="write the results here")
    parser.add_argument("--env", action="append", default=[], help="KEY=VALUE for --start")
    return parser.parse_args(argv)


MAX_SETTLE_SECONDS = 120.0


def _settle_seconds(text: str) -> float:
    """--settle: 0 to MAX_SETTLE_SECONDS (the run stays bounded)."""
    try:
        seconds = float(text)
    except ValueError:
        seconds = -1.0
    if not 0 <= seconds <= MAX_SETTLE_SECONDS:
        raise argparse.ArgumentTypeError(f"0 to {MAX_SETTLE_SECONDS:.0f} seconds, not {text!r}")
    return seconds


async def _main(args: argparse.Namespace, base_url: str, pids: list[int]) -> dict[str, Any]:
    page = args.page.strip("/")
    if args.interaction == "auto":
        interaction = PAGE_INTERACTIONS.get(page)
    elif args.interaction == "none":
        interaction = None
    else:
        interaction = Interaction.parse(args.interaction)
    target = Target(
        base_url,
        page,
        args.query,
        interaction,
        args.session_timeout,
        args.reconnect,
        not args.no_html,
    )
    probe = Probe(pids) if pids else None
    out: dict[str, Any] = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "url": base_url,
        "page": page,
        "interaction": str(interaction) if interaction else None,
        "machine": {"cpus": os.cpu_count(), "loadavg_start": os.getloadavg()},
        "rss_idle_mb": probe.rss() / 1e6 if probe else None,
    }
    if args.warmup:
        from harness.warmup import default_views, warm_up

        t0 = time.perf_counter()
        errors = await warm_up(base_url, default_views())
        out["warmup"] = {"seconds": time.perf_counter() - t0, "errors": errors}
        out["rss_warm_mb"] = probe.rss() / 1e6 if probe else None
        log(f"warm-up {out['warmup']['seconds']:.1f} s, errors {errors[:3]}")
    # First visitor (not part of the curve): shows whether caches were warm at start-up.
    first, _ = await run_round(1, target, probe, hold=False)
    out["first_visit"] = first
    log("first visit: " + format_round(first))
    if args.cpu_renders and probe:
        out["cpu_per_render"] = await cpu_per_render(target, probe, args.cpu_renders)
        log(f"cpu per render: {out['cpu_per_render']}")
    if args.capacity:
        out["capacity"] = await _capacity(target, probe, args)
        out["curve"] = []
        out["rss_end_mb"] = probe.rss() / 1e6 if probe else None
        out["machine"]["loadavg_end"] = os.getloadavg()
        return out
    curve = []
    sizes = [int(s) for s in args.curve.split(",") if s.strip()]
    for round_no in range(args.rounds):
        for size in sizes:
            on_start = None
            if args.kill_pid and round_no == 0 and size == sizes[0]:
                on_start = _killer(args.kill_pid, args.kill_after)
            row, _ = await run_round(
                size,
                target,
                probe,
                hold=not args.no_hold,
                max_errors=args.max_errors,
                ramp_seconds=args.ramp,
                on_start=on_start,
            )
            row["round"] = round_no
            curve.append(row)
            log(format_round(row))
    out["curve"] = curve
    single = first["p95_s"] if curve else float("nan")
    ones = [r for r in curve if r["sessions"] == 1 and r["errors"] == 0]
    if ones:
        single = ones[0]["p95_s"]
    out["single_session_s"] = single
    out["sessions_held_at_3x"] = capacity(curve, single)
    out["rss_end_mb"] = probe.rss() / 1e6 if probe else None
    if args.settle > 0 and probe:
        # The readings above come 1 s after a round closed, at any point of the server's
        # release cycle (gc + malloc_trim every KSG_MALLOC_TRIM_SECONDS): wait one cycle.
        await asyncio.sleep(args.settle)
        out["rss_settled_mb"] = probe.rss() / 1e6
        out["settle_s"] = args.settle
        log(f"{args.settle:.0f} s after the last round: rss {out['rss_settled_mb']:.0f} MB")
    out["machine"]["loadavg_end"] = os.getloadavg()
    return out


async def _capacity(target: Target, probe: Probe | None, args: argparse.Namespace) -> dict:
    """The single-session time (median p95 of 3 rounds of 1) and the capacity search."""
    singles = []
    for _ in range(3):
        row, _ = await run_round(1, target, probe, hold=False)
        singles.append(row["p95_s"])
        log("single: " + format_round(row))
    single = stats.percentile(sorted(singles), 50)

    async def measure(n: int) -> dict[str, Any]:
        row, _ = await run_round(n, target, probe, hold=not args.no_hold, max_errors=0)
        log(f"capacity ≤ {3 * single:.2f} s? " + format_round(row))
        return row

    held, rows = await search_capacity(measure, single, 3.0, limit=MAX_SESSIONS)
    log(f"sessions held at p95 ≤ 3 × {single:.2f} s: {held}")
    return {"single_s": single, "singles_s": singles, "factor": 3.0, "held": held, "rounds": rows}


def _killer(pid: int, after: float):
    """A callback that SIGKILLs `pid` after `after` seconds (a replica this run started)."""

    def start() -> None:
        loop = asyncio.get_running_loop()
        loop.call_later(after, lambda: _kill(pid))

    return start


def _kill(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pid, signal.SIGKILL)
        log(f"killed replica process group {pid}")


def log(message: str) -> None:
    """Progress on stderr with a timestamp."""
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)

    async def bounded(base_url: str, pids: list[int]) -> dict[str, Any]:
        async with asyncio.timeout(args.run_timeout):
            return await _main(args, base_url, pids)

    if args.url:
        require_loopback(args.url)
        results = asyncio.run(bounded(args.url.rstrip("/"), args.pid))
    else:
        env = dict(e.split("=", 1) for e in args.env)
        log_path = REPO_ROOT / ".cache" / "loadgen" / "server.log"
        with running_server(args.app, log_path, env=env) as server:
            log(f"server {server.url} pid {server.pid}")
            results = asyncio.run(bounded(server.url, [server.pid, *args.pid]))
    text = json.dumps(results, indent=2, default=str)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(text)
    print(text)
    errors = sum(row["errors"] for row in results["curve"]) + results["first_visit"]["errors"]
    return 1 if errors else 0


if __name__ == "__main__":
    raise SystemExit(main())
