"""Local Streamlit server and Chromium settings shared by the browser tests and the benchmark."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO
from urllib.parse import urlsplit

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_APP = REPO_ROOT / "dashboard.py"
CHROMIUM = Path("/usr/bin/chromium")
# Measured on this machine: the flags Debian's chromium needs to run headless in a container.
CHROMIUM_ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)
VIEWPORT = {"width": 1400, "height": 1000}
LOCALE = "de-DE"
FOLIUM_IFRAME = 'iframe[title="streamlit_folium.st_folium"]'
APP_DONE = "[data-testid=stApp][data-test-script-state=notRunning]"
LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
# Schemes that never leave the browser.
_INTERNAL_SCHEMES = frozenset({"data", "blob", "about", "chrome-extension", "chrome", "devtools"})

# In-page predicate: returns false while the page is still loading, otherwise
# {t: ms since navigation start, exception: bool}. "Loaded" means the script run finished and
# every folium map shows a vector feature or marker and every plotly chart has drawn its SVG.
# Pass the selector of the folium iframe as the argument.
READY_JS = """
(foliumSelector) => {
  const app = document.querySelector('[data-testid="stApp"]');
  if (!app || app.getAttribute('data-test-script-state') !== 'notRunning') return false;
  const shown = (el) => {
    const r = el.getBoundingClientRect();
    return r.width > 0 || r.height > 0;  // a straight line or a point-like path may be 0 wide
  };
  const anyShown = (root, selector) => [...root.querySelectorAll(selector)].some(shown);
  const exception = document.querySelector('[data-testid="stException"]') !== null;
  if (!exception) {
    for (const frame of document.querySelectorAll(foliumSelector)) {
      const doc = frame.contentDocument;
      if (!doc || frame.getBoundingClientRect().height === 0) return false;
      // A map updated in place stays hidden until it shows the new view (map_cache).
      if (getComputedStyle(frame).visibility === 'hidden') return false;
      // SVG vector features, markers, or the canvas of the Germany-wide layer.
      const drawn = 'path.leaflet-interactive, .leaflet-marker-pane > *, '
        + 'canvas.leaflet-zoom-animated';
      if (!anyShown(doc, drawn)) return false;
    }
    for (const chart of document.querySelectorAll('[data-testid="stPlotlyChart"]')) {
      if (!anyShown(chart, '.js-plotly-plot .main-svg')) return false;
    }
    if (document.querySelector('[data-testid="stSkeleton"]')) return false;
  }
  return {t: performance.now(), exception};
}
"""


def is_external(url: str) -> bool:
    """True if the URL would leave the machine (not localhost/127.0.0.1, not data:/blob:/...)."""
    parts = urlsplit(url)
    if parts.scheme in _INTERNAL_SCHEMES:
        return False
    return (parts.hostname or "") not in LOCAL_HOSTS


def page_url(base_url: str, url_path: str = "", query: str = "") -> str:
    """URL of a page of the app; `query` without the leading "?"."""
    url = f"{base_url.rstrip('/')}/{url_path.strip('/')}"
    return f"{url}?{query.lstrip('?')}" if query else url


class ServerStartError(RuntimeError):
    """The Streamlit server exited or did not become healthy in time."""


@dataclass
class StreamlitServer:
    """A running `streamlit run` process on 127.0.0.1."""

    script: Path
    port: int
    process: subprocess.Popen[bytes]
    log_path: Path

    @property
    def url(self) -> str:
        """Base URL without trailing slash, e.g. ``http://127.0.0.1:8765``."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def pid(self) -> int:
        """Process id of the server (also its process group id)."""
        return self.process.pid

    def stop(self, timeout: float = 10.0) -> None:
        """Terminate the server's process group, killing it if it does not exit in time."""
        if self.process.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=timeout)


def free_port() -> int:
    """A TCP port on 127.0.0.1 that is free right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def log_tail(path: Path, lines: int = 40) -> str:
    """The last `lines` lines of a log file ("" if it does not exist)."""
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except FileNotFoundError:
        return ""
    return "\n".join(text.splitlines()[-lines:])


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as resp:
            return resp.status == 200
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return False


def spawn_streamlit(
    script: Path,
    port: int,
    log: IO[bytes],
    *,
    cwd: Path,
    python: str = sys.executable,
    env: Mapping[str, str] | None = None,
    options: Sequence[str] = (),
) -> subprocess.Popen:
    """`streamlit run script` on 127.0.0.1:port in its own process group, output to `log`
    (not waited for; the caller checks health)."""
    cmd = [python, "-m", "streamlit", "run", str(script)]
    cmd += ["--server.port", str(port), "--server.address", "127.0.0.1", *options]
    return subprocess.Popen(
        cmd,
        cwd=cwd,
        stdout=log,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        start_new_session=True,
        env={**os.environ, **(env or {})},
    )


def start_server(
    script: Path = DEFAULT_APP,
    log_path: Path | None = None,
    *,
    cwd: Path | None = None,
    python: str = sys.executable,
    timeout: float = 60.0,
    env: Mapping[str, str] | None = None,
) -> StreamlitServer:
    """Start `streamlit run script` headless on a free port and wait until it is healthy.

    The server runs in its own process group (so `stop()` also ends any children), with cwd
    defaulting to the script's directory (the repository root for the dashboard). Its output goes
    to `log_path`. Raises ServerStartError, including the log tail, if it is not healthy in time.
    """
    script = Path(script).resolve()
    cwd = cwd or script.parent
    log_path = log_path or REPO_ROOT / "tests" / "e2e" / "artifacts" / "streamlit-server.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    port = free_port()
    headless = ["--server.headless", "true", "--browser.gatherUsageStats", "false"]
    with log_path.open("wb") as log:
        process = spawn_streamlit(
            script,
            port,
            log,
            cwd=cwd,
            python=python,
            env=env,
            options=[*headless, "--server.fileWatcherType", "none"],
        )
    server = StreamlitServer(script=script, port=port, process=process, log_path=log_path)
    deadline = time.monotonic() + timeout
    delay = 0.05
    while True:
        if process.poll() is not None:
            raise ServerStartError(
                f"streamlit exited with code {process.returncode} before becoming healthy.\n"
                f"--- {log_path} (tail) ---\n{log_tail(log_path)}"
            )
        if _healthy(server.url):
            return server
        if time.monotonic() > deadline:
            server.stop()
            raise ServerStartError(
                f"streamlit not healthy after {timeout:.0f} s at {server.url}.\n"
                f"--- {log_path} (tail) ---\n{log_tail(log_path)}"
            )
        time.sleep(delay)  # poll interval, not a fixed wait
        delay = min(delay * 2, 0.5)


@contextlib.contextmanager
def running_server(
    script: Path = DEFAULT_APP, log_path: Path | None = None, **kwargs
) -> Iterator[StreamlitServer]:
    """Context manager around start_server() that always stops the server."""
    server = start_server(script, log_path, **kwargs)
    try:
        yield server
    finally:
        server.stop()


def _stat_fields(pid: int) -> list[str]:
    """Fields of /proc/<pid>/stat after the command name (which may contain spaces or ")")."""
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()


def process_tree(pid: int) -> list[int]:
    """A process and all its descendants (found via the ppid field of /proc/*/stat)."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, ValueError, IndexError):
            children.setdefault(int(_stat_fields(int(stat.parent.name))[1]), []).append(
                int(stat.parent.name)
            )
    tree, todo = [], [pid]
    while todo:
        current = todo.pop()
        if current not in tree:
            tree.append(current)
            todo += children.get(current, [])
    return tree


def process_tree_rss(pid: int) -> int:
    """Resident memory in bytes of a process and all its descendants (VmRSS in /proc/*/status)."""
    total = 0
    for member in process_tree(pid):
        with contextlib.suppress(OSError):
            for line in Path(f"/proc/{member}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1]) * 1024
                    break
    return total


def process_tree_cpu_seconds(pid: int) -> float:
    """User + system CPU seconds used so far by a process and its live descendants."""
    ticks = 0
    for member in process_tree(pid):
        with contextlib.suppress(OSError, ValueError, IndexError):
            fields = _stat_fields(member)
            ticks += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15)
    return ticks / os.sysconf("SC_CLK_TCK")
