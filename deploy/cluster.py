"""N app processes on loopback ports behind nginx on one port: `make cluster` / `make cluster-stop`.

    python -m deploy.cluster start --replicas 4 --port 8080 [--host 0.0.0.0]
    python -m deploy.cluster status
    python -m deploy.cluster stop

Each replica is a `streamlit run dashboard.py` on 127.0.0.1 (ports from --base-port), started
in its own process group, with one shared cookie secret (so XSRF tokens stay valid when nginx
moves a visitor to another replica) and websocket compression on. Each replica is warmed up
(harness.warmup) before nginx starts. Streamlit's frontend bundles are copied once per
Streamlit version into .cache/ and precompressed (gzip, brotli when the `brotli` tool exists),
so nginx serves them from disk. The state (pids, ports) is kept in RUN_DIR/cluster.json.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gzip
import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from importlib.metadata import version
from pathlib import Path
from string import Template

from harness.server import spawn_streamlit

REPO_ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = Path(__file__).with_name("nginx.conf.template")
DEFAULT_RUN_DIR = REPO_ROOT / ".cache" / "cluster"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
MODULES_DIR = Path("/usr/lib/nginx/modules")
BROTLI_MODULES = ("ngx_http_brotli_filter_module.so", "ngx_http_brotli_static_module.so")
MIME_TYPES = Path("/etc/nginx/mime.types")
COMPRESSIBLE = (".js", ".mjs", ".css", ".json", ".svg", ".html", ".txt", ".map", ".ttf", ".otf")
MIN_COMPRESS = 512
TEXT_TYPES = (
    "text/css text/plain text/javascript application/javascript application/json "
    "application/manifest+json image/svg+xml application/xml font/ttf font/otf"
)


class ConfigTemplate(Template):
    """string.Template that fills only ${name}: nginx's own $variables stay as they are."""

    pattern = r"""
    \$(?:
      (?P<escaped>(?!))|
      (?P<named>(?!))|
      \{(?P<braced>[a-z_][a-z0-9_]*)\}|
      (?P<invalid>(?!))
    )
    """


@dataclass
class NginxSettings:
    """Everything the template needs."""

    listen_port: int
    replica_ports: list[int]
    run_dir: Path
    static_root: Path
    app_static_root: Path
    listen_address: str = "127.0.0.1"
    brotli: bool = False
    modules_dir: Path = MODULES_DIR
    mime_types: Path = MIME_TYPES
    user: str | None = None
    worker_processes: str = "auto"
    extra: dict[str, str] = field(default_factory=dict)


def render_config(settings: NginxSettings, template: str | None = None) -> str:
    """The nginx.conf for these settings (the template's ${...} fields filled in)."""
    text = TEMPLATE.read_text(encoding="utf-8") if template is None else template
    if not settings.replica_ports:
        raise ValueError("a cluster needs at least one replica")
    servers = "\n".join(
        f"        server 127.0.0.1:{port} max_fails=1 fail_timeout=10s;"
        for port in settings.replica_ports
    )
    health = "\n".join(
        f"        location = /healthz/replica/{i} {{\n"
        f"            proxy_pass http://127.0.0.1:{port}/_stcore/health;\n"
        "            access_log off;\n        }"
        for i, port in enumerate(settings.replica_ports)
    )
    modules = ""
    brotli_block = ""
    brotli_static = ""
    if settings.brotli:
        modules = "\n".join(f"load_module {settings.modules_dir / m};" for m in BROTLI_MODULES)
        brotli_block = (
            "    brotli on;\n    brotli_comp_level 5;\n    brotli_min_length 512;\n"
            f"    brotli_types {TEXT_TYPES};\n"
        )
        brotli_static = "            brotli_static on;"
    values = {
        "replica_count": str(len(settings.replica_ports)),
        "listen_port": str(settings.listen_port),
        "listen_address": settings.listen_address,
        "run_dir": str(settings.run_dir),
        "load_modules": modules,
        "user_directive": f"user {settings.user};" if settings.user else "",
        "worker_processes": settings.worker_processes,
        "mime_types": str(settings.mime_types),
        "brotli_block": brotli_block,
        "brotli_static": brotli_static,
        "upstream_servers": servers,
        "replica_health": health,
        "static_root": str(settings.static_root),
        "app_static_root": str(settings.app_static_root),
        **settings.extra,
    }
    return ConfigTemplate(text).substitute(values)


def brotli_available(modules_dir: Path = MODULES_DIR) -> bool:
    """True if Debian's nginx brotli modules are installed."""
    return all((modules_dir / m).exists() for m in BROTLI_MODULES)


def streamlit_static_dir() -> Path:
    """Streamlit's frontend build (index.html, static/js, static/css, ...)."""
    import streamlit

    return Path(streamlit.__file__).parent / "static"


def precompress(source: Path, dest: Path) -> Path:
    """Copy `source` to `dest` with .gz (and .br if the brotli tool exists) beside text files.

    Done once per destination (a marker file records completion).
    """
    marker = dest / ".precompressed"
    if marker.exists():
        return dest
    if dest.exists():
        shutil.rmtree(dest)
    shutil.copytree(source, dest)
    files = [
        p for p in dest.rglob("*") if p.suffix in COMPRESSIBLE and p.stat().st_size > MIN_COMPRESS
    ]
    brotli = shutil.which("brotli")

    def one(path: Path) -> None:
        data = path.read_bytes()
        path.with_name(path.name + ".gz").write_bytes(gzip.compress(data, 9, mtime=0))
        if brotli:
            subprocess.run([brotli, "-q", "11", "-f", "-k", str(path)], check=True)

    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        list(pool.map(one, files))
    marker.write_text(f"{len(files)} files, brotli={'yes' if brotli else 'no'}\n")
    return dest


def healthy(url: str, timeout: float = 2.0) -> bool:
    """True if GET url answers 200."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as resp:
            return resp.status == 200
    except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
        return False


def wait_healthy(url: str, timeout: float, process: subprocess.Popen | None = None) -> None:
    """Poll until healthy; raise RuntimeError on timeout or if the process exits."""
    deadline = time.monotonic() + timeout
    delay = 0.05
    while not healthy(url):
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"{url}: process exited with {process.returncode}")
        if time.monotonic() > deadline:
            raise RuntimeError(f"{url}: not healthy after {timeout:.0f} s")
        time.sleep(delay)
        delay = min(delay * 2, 0.5)


def replica_env(cookie_secret: str) -> dict[str, str]:
    """Settings every replica shares (Streamlit reads STREAMLIT_<SECTION>_<OPTION>)."""
    return {
        "STREAMLIT_SERVER_COOKIE_SECRET": cookie_secret,
        "STREAMLIT_SERVER_ENABLE_WEBSOCKET_COMPRESSION": "true",
        "STREAMLIT_SERVER_HEADLESS": "true",
        "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false",
        "STREAMLIT_SERVER_FILE_WATCHER_TYPE": "none",
        # Each session's script runs in its own thread; glibc's per-thread malloc arenas then
        # fragment. Two arenas: ~30 MB less resident memory after 10 x 50 sessions (measured).
        "MALLOC_ARENA_MAX": "2",
    }


def start_replica(
    port: int, log_path: Path, env: dict[str, str], python: str = sys.executable
) -> subprocess.Popen:
    """`streamlit run dashboard.py` on 127.0.0.1:port in its own process group (not waited)."""
    log = log_path.open("wb")  # stays open with the replica, closed when it exits
    script = REPO_ROOT / "dashboard.py"
    return spawn_streamlit(script, port, log, cwd=REPO_ROOT, python=python, env=env)


def state_path(run_dir: Path) -> Path:
    return run_dir / "cluster.json"


def read_state(run_dir: Path) -> dict | None:
    """The running cluster's state, or None."""
    try:
        return json.loads(state_path(run_dir).read_text())
    except (FileNotFoundError, json.JSONDecodeError):
        return None


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def start(
    replicas: int,
    port: int,
    *,
    base_port: int = 8601,
    host: str = "127.0.0.1",
    run_dir: Path = DEFAULT_RUN_DIR,
    warm: bool = True,
    timeout: float = 120.0,
) -> dict:
    """Start the replicas, warm them up, render the config and start nginx; returns the state."""
    if read_state(run_dir) and any(alive(p) for p in _pids(read_state(run_dir))):
        raise RuntimeError(f"a cluster is already running ({state_path(run_dir)}); stop it first")
    if not Path(NGINX).exists():
        raise RuntimeError("nginx is not installed (make nginx, or apt-get install nginx)")
    run_dir.mkdir(parents=True, exist_ok=True)
    for sub in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (run_dir / "tmp" / sub).mkdir(parents=True, exist_ok=True)
    static_root = precompress(
        streamlit_static_dir(), REPO_ROOT / ".cache" / f"streamlit-static-{version('streamlit')}"
    )
    env = replica_env(secrets.token_hex(32))
    ports = [base_port + i for i in range(replicas)]
    processes = [start_replica(p, run_dir / f"replica-{i}.log", env) for i, p in enumerate(ports)]
    state = {
        "port": port,
        "host": host,
        "run_dir": str(run_dir),
        "replicas": [
            {"port": p, "pid": proc.pid} for p, proc in zip(ports, processes, strict=True)
        ],
        "nginx_pid": None,
        "started": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }
    state_path(run_dir).write_text(json.dumps(state, indent=2))
    try:
        for p, proc in zip(ports, processes, strict=True):
            wait_healthy(f"http://127.0.0.1:{p}/_stcore/health", timeout, proc)
        if warm:
            from harness.warmup import default_views, warm_up

            t0 = time.perf_counter()

            async def warm_all() -> list[str]:
                views = default_views()
                results = await asyncio.gather(
                    *(warm_up(f"http://127.0.0.1:{p}", views) for p in ports)
                )
                return [e for errors in results for e in errors]

            print(f"replicas healthy; warming up {len(ports)} replicas", file=sys.stderr)
            errors = asyncio.run(warm_all())
            state["warmup_seconds"] = round(time.perf_counter() - t0, 1)
            if errors:
                print("warm-up errors:\n  " + "\n  ".join(errors[:10]), file=sys.stderr)
        settings = NginxSettings(
            listen_port=port,
            replica_ports=ports,
            run_dir=run_dir,
            static_root=static_root,
            app_static_root=REPO_ROOT / "static",
            listen_address=host,
            brotli=brotli_available(),
            user="www-data" if os.geteuid() == 0 else None,
        )
        conf = run_dir / "nginx.conf"
        conf.write_text(render_config(settings))
        subprocess.run([NGINX, "-t", "-q", "-c", str(conf), "-p", str(run_dir)], check=True)
        subprocess.run([NGINX, "-c", str(conf), "-p", str(run_dir)], check=True)
        wait_healthy(f"http://127.0.0.1:{port}/healthz", 20)
        state["nginx_pid"] = int((run_dir / "nginx.pid").read_text().strip())
        state["brotli"] = settings.brotli
        state_path(run_dir).write_text(json.dumps(state, indent=2))
    except BaseException:
        stop(run_dir)
        raise
    return state


def _pids(state: dict | None) -> list[int]:
    if not state:
        return []
    pids = [r["pid"] for r in state.get("replicas", [])]
    return pids + ([state["nginx_pid"]] if state.get("nginx_pid") else [])


def stop(run_dir: Path = DEFAULT_RUN_DIR, timeout: float = 10.0) -> bool:
    """Stop nginx and the replicas of the cluster in run_dir; False if none was running."""
    state = read_state(run_dir)
    if not state:
        return False
    pid_file = run_dir / "nginx.pid"
    nginx_pid = state.get("nginx_pid")
    if not nginx_pid and pid_file.exists():
        with contextlib.suppress(ValueError):
            nginx_pid = int(pid_file.read_text().strip())
    if nginx_pid:
        with contextlib.suppress(ProcessLookupError):
            os.kill(nginx_pid, signal.SIGQUIT)  # graceful: finish open requests
    for replica in state.get("replicas", []):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(replica["pid"], signal.SIGTERM)
    deadline = time.monotonic() + timeout
    for pid in _pids(state):
        while alive(pid) and time.monotonic() < deadline:
            with contextlib.suppress(ChildProcessError):
                os.waitpid(pid, os.WNOHANG)
            time.sleep(0.1)
        if alive(pid):
            with contextlib.suppress(ProcessLookupError):
                os.killpg(pid, signal.SIGKILL)
    state_path(run_dir).unlink(missing_ok=True)
    return True


def status(run_dir: Path = DEFAULT_RUN_DIR) -> dict | None:
    """The state with each replica's health (None if no cluster)."""
    state = read_state(run_dir)
    if not state:
        return None
    for replica in state["replicas"]:
        replica["healthy"] = healthy(f"http://127.0.0.1:{replica['port']}/_stcore/health")
        replica["alive"] = alive(replica["pid"])
    state["nginx_healthy"] = healthy(f"http://127.0.0.1:{state['port']}/healthz")
    return state


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m deploy.cluster", description=__doc__)
    parser.add_argument("command", choices=["start", "stop", "status", "render"])
    parser.add_argument("--replicas", type=int, default=int(os.environ.get("REPLICAS", 4)))
    parser.add_argument("--port", type=int, default=int(os.environ.get("CLUSTER_PORT", 8080)))
    parser.add_argument("--base-port", type=int, default=8601, help="first replica port")
    parser.add_argument(
        "--host",
        default=os.environ.get("CLUSTER_HOST", "127.0.0.1"),
        help="address nginx listens on (0.0.0.0 on a venue laptop)",
    )
    parser.add_argument("--run-dir", type=Path, default=DEFAULT_RUN_DIR)
    parser.add_argument("--no-warmup", action="store_true")
    args = parser.parse_args(argv)
    if args.command == "start":
        if not 1 <= args.replicas <= 32:
            parser.error("--replicas must be within 1..32")
        state = start(
            args.replicas,
            args.port,
            base_port=args.base_port,
            host=args.host,
            run_dir=args.run_dir,
            warm=not args.no_warmup,
        )
        print(
            f"cluster: {len(state['replicas'])} replicas behind nginx at "
            f"http://{args.host}:{args.port}/ (warm-up {state.get('warmup_seconds', 0)} s, "
            f"brotli {'on' if state.get('brotli') else 'off'}); stop with `make cluster-stop`"
        )
        return 0
    if args.command == "stop":
        print("cluster stopped" if stop(args.run_dir) else "no cluster running")
        return 0
    if args.command == "render":
        ports = [args.base_port + i for i in range(args.replicas)]
        settings = NginxSettings(
            args.port, ports, args.run_dir, Path("/STATIC"), REPO_ROOT / "static", args.host
        )
        print(render_config(settings))
        return 0
    state = status(args.run_dir)
    print(json.dumps(state, indent=2) if state else "no cluster running")
    return 0 if state else 1


if __name__ == "__main__":
    raise SystemExit(main())
