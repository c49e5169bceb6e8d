"""Give freed heap memory back to the operating system (glibc's `malloc_trim`).

A page run allocates tens of MB of short-lived frames and protobuf messages in its script
thread; after the run glibc keeps the freed pages in its arenas, so the process's resident
memory stays at its peak. A daemon thread calls `malloc_trim(0)` every
KSG_MALLOC_TRIM_SECONDS (default 20 s, 0 = off), which costs a few milliseconds. On other C
libraries (musl, macOS) it does nothing.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import threading

DEFAULT_SECONDS = 20.0
_lock = threading.Lock()
_thread: threading.Thread | None = None


def _malloc_trim():
    name = ctypes.util.find_library("c")
    if not name:
        return None
    try:
        return ctypes.CDLL(name).malloc_trim
    except (OSError, AttributeError):
        return None


_TRIM = _malloc_trim()


def trim() -> bool:
    """Return freed heap pages to the OS now; False where glibc's malloc_trim is missing."""
    if _TRIM is None:
        return False
    _TRIM(0)
    return True


def interval_from_env() -> float:
    """Seconds between trims from KSG_MALLOC_TRIM_SECONDS (0 or less: off)."""
    try:
        return float(os.environ.get("KSG_MALLOC_TRIM_SECONDS", DEFAULT_SECONDS))
    except ValueError:
        return DEFAULT_SECONDS


def start_trimmer(every: float | None = None) -> bool:
    """Start the trimming thread once per process (later calls do nothing); True if it runs."""
    global _thread
    seconds = interval_from_env() if every is None else every
    if seconds <= 0 or _TRIM is None:
        return False
    with _lock:
        if _thread is None:
            stop = threading.Event()

            def loop() -> None:
                while not stop.wait(seconds):
                    trim()

            _thread = threading.Thread(target=loop, name="ksg-malloc-trim", daemon=True)
            _thread.start()
    return True
