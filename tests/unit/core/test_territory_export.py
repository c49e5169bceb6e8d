"""Downloads name territory, source and licence (CSV columns, GeoJSON top-level metadata)."""

from __future__ import annotations

import io
import json

import pandas as pd

from ksg_dashboard.core import territory
from ksg_dashboard.core.config import REPO_ROOT
from ksg_dashboard.core.export import csv_bytes, geojson_bytes, selection_table
from ksg_dashboard.data import datastore

DATA = REPO_ROOT / "data"
GROEDITZ = "14627050"


def test_selection_download_names_territory_source_and_licence() -> None:
    population = datastore.read_population_2022(DATA)
    register = datastore.read_municipalities(DATA)
    metadata = territory.metadata_columns(
        territory.CONSISTENT, "Destatis GV-ISys; BBSR Umstiegsschlüssel", "mit Quellenangabe"
    )
    table = selection_table(population, register, [GROEDITZ], metadata=metadata)
    assert table.at[0, "einwohner_2012"] == 7_626  # Gröditz + Nauwalde, 2022 territory
    assert table.at[0, "veraenderung_pct_2012_2022"] == -9.82  # 6,877 / 7,626 − 1
    text = csv_bytes(table).decode("utf-8-sig")
    frame = pd.read_csv(io.StringIO(text), sep=";", dtype=str)
    assert frame.at[0, "gebietsstand"] == "Gebietsstand 31.12.2022"
    assert "BBSR" in frame.at[0, "quelle"] and frame.at[0, "lizenz"] == "mit Quellenangabe"
    shapes = datastore.read_municipality_shapes("regional", DATA)
    collection = json.loads(geojson_bytes(shapes, table, metadata))
    assert collection["type"] == "FeatureCollection"
    assert collection["metadata"]["gebietsstand"] == "Gebietsstand 31.12.2022"
    (feature,) = collection["features"]
    assert feature["properties"]["gebietsstand"] == "Gebietsstand 31.12.2022"
