"""Broken versions of every data file (missing, truncated, garbage, wrong schema) for the fault
tests in tests/unit/data/test_data_faults.py and tests/app/test_fault_matrix.py."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from ksg_dashboard.data import datastore
from ksg_dashboard.programme import model as programme

MODES = ("fehlt", "abgeschnitten", "Datenmüll", "falsches Schema")

# Valid in their format, wrong in their structure.
WRONG_SCHEMA_TEXT = {
    "cooperations.yaml": "- id: x\n  name: 5\n  member_ags: [123]\n",
    "measures.yaml": "kein: Liste\n",
    "tour.yaml": "- das ist\n- keine Rundfahrt\n",
    "programme.yaml": "title: Programm\ndays: [1, 2]\n",
    "sources.json": '{"population": {"title": 5}}',
    "municipalities_web.json": '{"ags": ["1"], "geometry": ["x"], "precision": 3}',
    "regional_stats_notes.json": '{"footnotes": "keine Liste"}',
}


def _wrong_parquet() -> bytes:
    buffer = io.BytesIO()
    pd.DataFrame({"unerwartet": ["a", "b"]}).to_parquet(buffer)
    return buffer.getvalue()


def break_file(path: Path, mode: str) -> None:
    """Replace a data file by a broken version (mode one of MODES)."""
    if mode == "fehlt":
        path.unlink()
    elif mode == "abgeschnitten":
        content = path.read_bytes()
        path.write_bytes(content[: len(content) // 2])
    elif mode == "Datenmüll":
        path.write_bytes(b"\x00\xff\xfe garbage \x89PNG" * 200)
    elif path.suffix == ".parquet":
        path.write_bytes(_wrong_parquet())
    else:
        path.write_text(WRONG_SCHEMA_TEXT[path.name], encoding="utf-8")


# Every file of data/ the app reads, with its checked reader.
READERS: dict[str, Callable[[Path], object]] = {
    "population.parquet": datastore.read_population,
    "municipalities.parquet": datastore.read_municipalities,
    "municipalities_overview.parquet": lambda d: datastore.read_municipality_shapes("overview", d),
    "municipalities_regional.parquet": lambda d: datastore.read_municipality_shapes("regional", d),
    "districts.parquet": datastore.read_districts,
    "states.parquet": datastore.read_states,
    "district_age.parquet": datastore.read_district_age,
    "dependency_ratios.parquet": datastore.read_dependency_ratios,
    "municipalities_web.json": datastore.read_web_layer,
    "cooperations.yaml": datastore.read_cooperations,
    "measures.yaml": datastore.read_measures,
    "sources.json": datastore.read_sources,
    "tour.yaml": datastore.read_tour,
    "programme.yaml": programme.read_programme,
    "municipal_age_2015.parquet": datastore.read_municipal_age_2015,
    "migration_2015.parquet": datastore.read_migration_2015,
    "age_regions_2015.parquet": datastore.read_region_age_2015,
    "age_2015_gebiet2022.parquet": datastore.read_age_2015_territory,
    "migration_2015_gebiet2022.parquet": datastore.read_migration_2015_territory,
    "migration_regions_2015.parquet": datastore.read_region_migration_2015,
    "natural_change.parquet": datastore.read_natural_change,
    "regional_stats_notes.json": datastore.read_regional_stats_notes,
}
