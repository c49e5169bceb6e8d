"""Time to build the Regionsprofil PDF of a cooperation, in process (no server, no browser).

`python -m bench.profile` prints the median; `make bench` includes it as a target (≤ 3 s).
The first build after loading the data is a warm-up (matplotlib and fpdf2 load fonts once
per process, as a server does on its first profile).
"""

from __future__ import annotations

import statistics
import sys
import time

from ksg_dashboard.core import territory
from ksg_dashboard.core.selection import Selection, selected_ags
from ksg_dashboard.data import datastore
from ksg_dashboard.data.packed_shapes import PackedShapes
from ksg_dashboard.overview import model as overview
from ksg_dashboard.profile import model as profile
from ksg_dashboard.profile import pdf as profile_pdf

COOPERATION = "region-in-bewegung"
MAX_SECONDS = 3.0


def _frames() -> tuple[overview.OverviewData, dict, dict]:
    register = datastore.read_municipalities()
    successors = territory.successor_map(register)
    data = overview.OverviewData(
        shapes=PackedShapes.from_frame(datastore.read_municipality_shapes("regional")),
        shapes_overview=PackedShapes.from_frame(datastore.read_municipality_shapes("overview")),
        states=datastore.read_states(),
        districts=datastore.read_districts(),
        register=register,
        population=datastore.read_population_2022(),
        latest=None,
        cooperations=territory.resolve_members(datastore.read_cooperations(), successors),
        measures=[],
    )
    extra = {
        "age": datastore.read_age_2015_territory(),
        "migration": datastore.read_migration_2015_territory(),
        "region_age": datastore.read_region_age_2015(),
        "region_migration": datastore.read_region_migration_2015(),
    }
    return data, extra, datastore.read_sources()


def measure(loads: int = 5, region: str = COOPERATION) -> dict:
    """Median/max seconds (model + PDF) over `loads` builds after one warm-up, and the size."""
    data, extra, sources = _frames()
    selection = Selection(regions=(region,))
    ags = selected_ags(selection, data.cooperations, data.register)
    link = f"http://localhost:8501/?region={region}"

    def build() -> bytes:
        model = profile.build_profile(data, selection, ags, sources, permalink=link, **extra)
        return profile_pdf.render_pdf(model)

    build()
    times, cpu, size = [], [], 0
    for _ in range(loads):
        start, start_cpu = time.perf_counter(), time.process_time()
        size = len(build())
        times.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    # CPU seconds beside wall time: on a shared machine the wall time mostly measures the others.
    return {
        "region": region,
        "loads": loads,
        "median_s": statistics.median(times),
        "max_s": max(times),
        "median_cpu_s": statistics.median(cpu),
        "bytes": size,
    }


if __name__ == "__main__":
    result = measure()
    print(
        f"Regionsprofil {result['region']}: median {result['median_s']:.2f} s (CPU "
        f"{result['median_cpu_s']:.2f} s), max {result['max_s']:.2f} s over {result['loads']} "
        f"builds, {result['bytes'] / 1000:.0f} kB "
        f"(target ≤ {MAX_SECONDS:.0f} s)"
    )
    sys.exit(0 if result["median_s"] <= MAX_SECONDS else 1)
