"""Give the memory of closed sessions back: collect cyclic garbage, then return freed heap
pages to the operating system (glibc's `malloc_trim`).

The app turns off Streamlit's full `gc.collect(2)` after every script run (`runner.postScriptGC
= false`, it cost a third of the CPU under load), so the reference cycles a closed session leaves
(session, script runner, widget states, ~2–3 MB each) waited for Python's rare full collection;
and glibc keeps freed pages in its arenas, so the resident memory stayed at its peak. A daemon
thread does both every KSG_MALLOC_TRIM_SECONDS (default 20 s, 0 = off). On other C libraries
(musl, macOS) only the collection runs.

glibc also raises its mmap threshold each time a large block is freed (up to 32 MB), so later
large blocks (data frames, rendered maps, the protobuf messages of a page) come from the heap,
where a small block left behind keeps the pages around it: resident memory after the same load
varied by ±15 MB from run to run. `fix_mmap_threshold()` sets it to 128 KiB for good, so blocks
from 128 KiB on are mapped on their own and unmapped when freed (KSG_MMAP_THRESHOLD in bytes,
0 = glibc's default; glibc's own MALLOC_MMAP_THRESHOLD_ or GLIBC_TUNABLES setting wins).

Arrow's own allocator (mimalloc in the pyarrow wheels) keeps the pages it freed for itself, out of
reach of `malloc_trim`: the app's strings live in Arrow buffers (pandas' `str` dtype), so
`use_system_arrow_pool()` lets Arrow allocate from glibc instead (about 95 MB less resident memory
after the warm-up, measured 01.12.2026). ARROW_DEFAULT_MEMORY_POOL, when set, is respected.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
import logging
import os
import threading
import time

DEFAULT_SECONDS = 20.0
DEFAULT_MMAP_THRESHOLD = 128 * 1024
# Below 16 KiB most blocks would get their own mapping; 32 MiB is glibc's own maximum.
MMAP_THRESHOLD_RANGE = (16 * 1024, 32 * 1024 * 1024)
_M_MMAP_THRESHOLD = -3  # mallopt parameter number in glibc's malloc.h
_lock = threading.Lock()
_mmap_threshold: int | None = None  # the size set by fix_mmap_threshold, once per process
_thread: threading.Thread | None = None


def _glibc_function(name: str):
    library = ctypes.util.find_library("c")
    if not library:
        return None
    try:
        return getattr(ctypes.CDLL(library), name)
    except (OSError, AttributeError):
        return None


_TRIM = _glibc_function("malloc_trim")
_MALLOPT = _glibc_function("mallopt")
if _MALLOPT is not None:
    _MALLOPT.argtypes = [ctypes.c_int, ctypes.c_int]
    _MALLOPT.restype = ctypes.c_int


def trim() -> bool:
    """Return freed heap pages to the OS now; False where glibc's malloc_trim is missing."""
    if _TRIM is None:
        return False
    _TRIM(0)
    return True


def collect_and_trim() -> float:
    """A full garbage collection, then `trim()`; returns the seconds it took."""
    start = time.perf_counter()
    gc.collect()
    trim()
    seconds = time.perf_counter() - start
    logging.getLogger(__name__).debug("gc + malloc_trim: %.3f s", seconds)
    return seconds


def mmap_threshold_from_env() -> int:
    """Bytes from KSG_MMAP_THRESHOLD (0: keep glibc's adjusting default), within
    MMAP_THRESHOLD_RANGE: a value outside it (a size in KiB, say) gives the default."""
    try:
        size = int(os.environ.get("KSG_MMAP_THRESHOLD", DEFAULT_MMAP_THRESHOLD))
    except ValueError:
        return DEFAULT_MMAP_THRESHOLD
    low, high = MMAP_THRESHOLD_RANGE
    return size if size == 0 or low <= size <= high else DEFAULT_MMAP_THRESHOLD


def _glibc_sets_mmap_threshold() -> bool:
    """glibc's own setting (MALLOC_MMAP_THRESHOLD_ or the tunable) wins over ours."""
    tunables = os.environ.get("GLIBC_TUNABLES", "")
    return "MALLOC_MMAP_THRESHOLD_" in os.environ or "glibc.malloc.mmap_threshold" in tunables


def fix_mmap_threshold(size: int | None = None) -> bool:
    """Fix glibc's mmap threshold at `size` bytes (default from the environment); False where
    it is left alone: no glibc, size 0 or out of range, or glibc's own setting present."""
    global _mmap_threshold
    size = mmap_threshold_from_env() if size is None else size
    low, high = MMAP_THRESHOLD_RANGE
    if _MALLOPT is None or not low <= size <= high or _glibc_sets_mmap_threshold():
        return False
    # dashboard.py runs on every rerun; mallopt also consolidates the main arena, so only once.
    with _lock:
        if _mmap_threshold != size:
            if not _MALLOPT(_M_MMAP_THRESHOLD, size):
                return False
            _mmap_threshold = size
    return True


def use_system_arrow_pool() -> str:
    """Make Arrow allocate with the C library's malloc (so freed pages can be trimmed) unless
    ARROW_DEFAULT_MEMORY_POOL chooses a pool; returns the backend now in use."""
    import pyarrow as pa

    if not os.environ.get("ARROW_DEFAULT_MEMORY_POOL"):
        pa.set_memory_pool(pa.system_memory_pool())
    return pa.default_memory_pool().backend_name


def interval_from_env() -> float:
    """Seconds between trims from KSG_MALLOC_TRIM_SECONDS (0 or less: off)."""
    try:
        return float(os.environ.get("KSG_MALLOC_TRIM_SECONDS", DEFAULT_SECONDS))
    except ValueError:
        return DEFAULT_SECONDS


def start_trimmer(every: float | None = None) -> bool:
    """Start the collecting/trimming thread once per process (later calls do nothing);
    True if it runs."""
    global _thread
    seconds = interval_from_env() if every is None else every
    if seconds <= 0:
        return False
    with _lock:
        if _thread is None:
            stop = threading.Event()

            def loop() -> None:
                while not stop.wait(seconds):
                    collect_and_trim()

            _thread = threading.Thread(target=loop, name="ksg-malloc-trim", daemon=True)
            _thread.start()
    return True
