"""Memory helpers: glibc trimming and the compact, cached 2015 tables behind the key figures."""

from __future__ import annotations

import ctypes.util

import pandas as pd
import pytest

from ksg_dashboard.app import cache as loaders
from ksg_dashboard.app import memory
from ksg_dashboard.data import datastore
from ksg_dashboard.demography.themes import model as dv
from ksg_dashboard.demography.themes import views

GROEDITZ_ROEDERAUE = ("14627050", "14627240")  # Gröditz, Röderaue

glibc = pytest.mark.skipif(
    ctypes.util.find_library("c") is None or memory._TRIM is None, reason="no glibc malloc_trim"
)


@glibc
def test_trim_calls_malloc_trim() -> None:
    assert memory.trim() is True


def test_collect_and_trim_frees_reference_cycles() -> None:
    import gc
    import weakref

    class Node:
        pass

    was_enabled = gc.isenabled()
    gc.disable()  # only the explicit collection may free the cycle
    try:
        a, b = Node(), Node()
        a.other, b.other = b, a
        probe = weakref.ref(a)
        del a, b
        assert probe() is not None
        assert memory.collect_and_trim() >= 0
        assert probe() is None
    finally:
        if was_enabled:
            gc.enable()


def test_trimmer_off_with_zero_seconds(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KSG_MALLOC_TRIM_SECONDS", "0")
    assert memory.interval_from_env() == 0
    assert memory.start_trimmer() is False


def test_interval_falls_back_on_garbage(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KSG_MALLOC_TRIM_SECONDS", "soon")
    assert memory.interval_from_env() == memory.DEFAULT_SECONDS


@glibc
def test_trimmer_starts_one_thread(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(memory, "_thread", None)
    assert memory.start_trimmer(3600) is True
    first = memory._thread
    assert memory.start_trimmer(3600) is True
    assert memory._thread is first and first.daemon and first.is_alive()


def test_cached_2015_tables_drop_only_unread_columns() -> None:
    age, migration = loaders.load_municipal_age(), loaders.load_migration()
    full_age = datastore.read_age_2015_territory()
    full_migration = datastore.read_migration_2015_territory()
    for frame, full in ((age, full_age), (migration, full_migration)):
        assert "territorial_note" not in frame.columns and "level" not in frame.columns
        kept = [c for c in full.columns if c not in ("territorial_note", "level")]
        assert list(frame.columns) == kept
        assert frame.astype(full[kept].dtypes.to_dict()).equals(full[kept])


def test_cached_2015_tables_hold_labels_as_categories_and_counters_as_small_ints() -> None:
    age, migration = loaders.load_municipal_age(), loaders.load_migration()
    for frame in (age, migration):
        assert isinstance(frame["ags"].dtype, pd.CategoricalDtype)
        assert isinstance(frame["sex"].dtype, pd.CategoricalDtype)
        assert isinstance(frame["age_group"].dtype, pd.CategoricalDtype)
        assert frame["age_order"].dtype == "int8"
    assert isinstance(migration["direction"].dtype, pd.CategoricalDtype)
    assert set(migration["direction"].cat.categories) == {"in", "out"}
    # ~600,000 and ~460,000 rows: 62 and 52 MB as read, about a fifth now (12 and 10 MB)
    assert age.memory_usage(deep=True).sum() < 15e6
    assert migration.memory_usage(deep=True).sum() < 12e6


def test_key_figure_values_equal_the_uncached_computation() -> None:
    age = datastore.read_age_2015_territory()
    migration = datastore.read_migration_2015_territory()
    expected = {
        **views.age_values(dv.age_profile(age, GROEDITZ_ROEDERAUE)),
        **views.migration_values(dv.migration_profile(migration, age, GROEDITZ_ROEDERAUE)),
    }
    values = loaders.load_key_figure_values(GROEDITZ_ROEDERAUE)
    assert values == expected
    assert values["altenquotient"] is not None and values["zuzuege"] > 0
    assert loaders.load_key_figure_values(GROEDITZ_ROEDERAUE) is values  # cached


def test_member_table_cache_answers_each_territory_with_its_own_table() -> None:
    from ksg_dashboard.core import territory
    from ksg_dashboard.overview import model as overview
    from ksg_dashboard.overview import panels

    p22 = loaders.load_population_2022()
    merged = p22[(p22["year"] == p22["year"].max()) & (p22["n_predecessors"] > 1)]["ags"]
    ags = [GROEDITZ_ROEDERAUE[0], *merged.head(3)]
    tables = {}
    for mode in (territory.DEFAULT_MODE, territory.PUBLISHED):
        data = loaders.load_overview_data(mode)
        tables[mode] = panels._member_table(data, ags)
        assert tables[mode].equals(overview.member_table(data, ags))
    assert not tables[territory.DEFAULT_MODE].equals(tables[territory.PUBLISHED])


def _mimalloc_pool():
    import pyarrow as pa

    try:
        return pa.mimalloc_memory_pool()
    except (NotImplementedError, pa.ArrowException):
        pytest.skip("this pyarrow has no mimalloc pool to start from")


def test_arrow_allocates_with_the_c_library_so_freed_pages_can_be_trimmed(monkeypatch):
    import pyarrow as pa

    previous = pa.default_memory_pool()
    pa.set_memory_pool(_mimalloc_pool())  # start from another pool, so the switch must happen
    monkeypatch.delenv("ARROW_DEFAULT_MEMORY_POOL", raising=False)
    try:
        assert memory.use_system_arrow_pool() == "system"
        assert pa.default_memory_pool().backend_name == "system"
    finally:
        pa.set_memory_pool(previous)


def test_an_explicit_arrow_pool_choice_is_respected(monkeypatch):
    import pyarrow as pa

    previous = pa.default_memory_pool()
    pa.set_memory_pool(_mimalloc_pool())
    monkeypatch.setenv("ARROW_DEFAULT_MEMORY_POOL", "mimalloc")
    try:
        assert memory.use_system_arrow_pool() == "mimalloc"
    finally:
        pa.set_memory_pool(previous)


@pytest.mark.parametrize(
    "ags",
    [GROEDITZ_ROEDERAUE, ("14627050",), ("14627050", "99999999"), ("12062124", "12062024")],
)
def test_profiles_on_the_compact_tables_equal_those_on_the_published_ones(ags) -> None:
    """The model functions give the same tables, with the same dtypes, on the cached compact
    frames as on the frames read from the files."""
    age, migration = loaders.load_municipal_age(), loaders.load_migration()
    full_age = datastore.read_age_2015_territory()
    full_migration = datastore.read_migration_2015_territory()
    compact_pyramid, compact_missing = dv.pyramid(age, ags)
    full_pyramid, full_missing = dv.pyramid(full_age, ags)
    pd.testing.assert_frame_equal(compact_pyramid, full_pyramid)
    assert compact_missing == full_missing
    compact_moves = dv.migration_profile(migration, age, ags)
    full_moves = dv.migration_profile(full_migration, full_age, ags)
    pd.testing.assert_frame_equal(compact_moves.table, full_moves.table)
    assert compact_moves.missing == full_moves.missing
    assert dv.age_profile(age, ags) == dv.age_profile(full_age, ags)


def test_municipal_indicator_table_on_the_compact_tables_equals_the_published_one() -> None:
    """Same rows, order, values and dtypes (the AGS as text, not as the cache's categories)."""
    from ksg_dashboard.demography.themes import views as dv_views

    full = dv_views.municipal_table(
        datastore.read_age_2015_territory(), datastore.read_migration_2015_territory()
    )
    compact = dv_views.municipal_table(loaders.load_municipal_age(), loaders.load_migration())
    pd.testing.assert_frame_equal(compact, full)
    assert compact["ags"].dtype == full["ags"].dtype


def test_district_profiles_on_the_compact_tables_equal_the_published_ones() -> None:
    """District sums (over the AGS prefixes) equal those of the published tables."""
    from ksg_dashboard.comparison import model as comparison

    full = comparison.district_profiles(
        datastore.read_age_2015_territory(), datastore.read_migration_2015_territory()
    )
    compact = comparison.district_profiles(loaders.load_municipal_age(), loaders.load_migration())
    pd.testing.assert_frame_equal(compact, full)
    assert compact.index.dtype == "str"


# In a fresh interpreter: free a mapped 8 MB block (glibc's adjusting threshold rises to 8 MB),
# then ask for 1 MB and report whether it was mapped on its own (mallinfo2's count of mapped
# blocks). A fresh process, since in this one a free 1 MB chunk may already sit in the heap.
_MAPPED_PROBE = """
import ctypes, ctypes.util, sys
from ksg_dashboard.app import memory

class Info(ctypes.Structure):
    _fields_ = [(n, ctypes.c_size_t) for n in (
        "arena ordblks smblks hblks hblkhd usmblks fsmblks uordblks fordblks keepcost".split())]

libc = ctypes.CDLL(ctypes.util.find_library("c"))
if not hasattr(libc, "mallinfo2"):
    print("skip"); sys.exit()
libc.mallinfo2.restype = Info
libc.malloc.restype = ctypes.c_void_p
libc.free.argtypes = [ctypes.c_void_p]
if sys.argv[1] == "fixed":
    memory.fix_mmap_threshold()
libc.free(libc.malloc(8 * 1024 * 1024))
before = libc.mallinfo2().hblks
block = libc.malloc(1024 * 1024)
print("mapped" if libc.mallinfo2().hblks == before + 1 else "heap")
"""


def _one_megabyte_block(mode: str) -> str:
    import os
    import subprocess
    import sys

    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("MALLOC_", "KSG_MMAP", "GLIBC_TUNABLES"))
    }
    result = subprocess.run(
        [sys.executable, "-c", _MAPPED_PROBE, mode],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=True,
    )
    if result.stdout.strip() == "skip":
        pytest.skip("glibc without mallinfo2 (before 2.33)")
    return result.stdout.strip()


@glibc
def test_fixed_mmap_threshold_maps_large_blocks_even_after_a_large_free() -> None:
    assert _one_megabyte_block("default") == "heap"  # what the fix is for
    assert _one_megabyte_block("fixed") == "mapped"


def test_mmap_threshold_is_set_once_per_process(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = []
    monkeypatch.delenv("MALLOC_MMAP_THRESHOLD_", raising=False)
    monkeypatch.setattr(memory, "_MALLOPT", lambda *args: calls.append(args) or 1)
    monkeypatch.setattr(memory, "_mmap_threshold", None)
    assert memory.fix_mmap_threshold(131072) is True
    assert memory.fix_mmap_threshold(131072) is True
    assert calls == [(-3, 131072)]
    assert memory.fix_mmap_threshold(262144) is True
    assert calls == [(-3, 131072), (-3, 262144)]


def test_mmap_threshold_is_left_alone_when_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    assert memory.fix_mmap_threshold(0) is False
    monkeypatch.setenv("MALLOC_MMAP_THRESHOLD_", "65536")
    assert memory.fix_mmap_threshold(memory.DEFAULT_MMAP_THRESHOLD) is False
    monkeypatch.setenv("KSG_MMAP_THRESHOLD", "0")
    assert memory.mmap_threshold_from_env() == 0
    monkeypatch.setenv("KSG_MMAP_THRESHOLD", "big")
    assert memory.mmap_threshold_from_env() == memory.DEFAULT_MMAP_THRESHOLD
    for slip in ("128", "4294967396", "-1"):  # KiB for bytes; beyond a C int; negative
        monkeypatch.setenv("KSG_MMAP_THRESHOLD", slip)
        assert memory.mmap_threshold_from_env() == memory.DEFAULT_MMAP_THRESHOLD
    monkeypatch.setenv("KSG_MMAP_THRESHOLD", "1048576")
    assert memory.mmap_threshold_from_env() == 1048576
    assert memory.fix_mmap_threshold(2**32 + 100) is False
    monkeypatch.delenv("MALLOC_MMAP_THRESHOLD_")
    monkeypatch.setenv("GLIBC_TUNABLES", "glibc.malloc.mmap_threshold=65536")
    assert memory.fix_mmap_threshold(memory.DEFAULT_MMAP_THRESHOLD) is False
