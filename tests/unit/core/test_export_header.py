"""Downloads carry source, reference date, territory and licence: CSV header comment lines
(which the app's own upload skips) and GeoJSON `properties` of the FeatureCollection."""

from __future__ import annotations

import io
import json

import pandas as pd
import pytest

from ksg_dashboard.core import export, territory
from ksg_dashboard.core.config import REPO_ROOT
from ksg_dashboard.data import datastore
from ksg_dashboard.upload.reader import parse_upload

DATA = REPO_ROOT / "data"
KEYS = ["14627050", "14627340", "14627240", "12062024", "12062124"]  # Region in Bewegung


@pytest.fixture(scope="module")
def frames():
    return (
        datastore.read_population_2022(DATA),
        datastore.read_municipalities(DATA),
        datastore.read_sources(DATA),
    )


def _header(sources):
    return export.download_header(
        sources,
        ["population", "crosswalk", "boundaries"],
        territory.MODES[territory.CONSISTENT],
        "Einwohner 31.12.2022",
    )


def _comment_lines(raw: bytes) -> list[str]:
    text = raw.decode("utf-8-sig")
    return [line for line in text.splitlines() if line.startswith("# ")]


def test_header_comes_from_the_source_records(frames):
    sources = frames[2]
    header = _header(sources)
    assert header["Quelle"].startswith(sources["population"]["attribution"])
    assert sources["boundaries"]["attribution"] in header["Quelle"]
    assert header["Stand"].startswith("Einwohner 31.12.2022 · 31.12.2010 bis 31.12.2022")
    assert header["Gebietsstand"] == "Gebietsstand 31.12.2022"
    assert sources["population"]["licence"] in header["Lizenz"]


def test_csv_starts_with_comment_lines_and_the_table_still_reads(frames):
    population, register, sources = frames
    table = export.selection_table(population, register, KEYS)
    raw = export.csv_bytes(table, "Quelle: Destatis", _header(sources))
    lines = _comment_lines(raw)
    assert [line.split(":")[0] for line in lines] == [
        "# Quelle",
        "# Stand",
        "# Gebietsstand",
        "# Lizenz",
    ]
    assert raw.decode("utf-8-sig").splitlines()[len(lines)].startswith("ags;name;")
    frame = pd.read_csv(io.BytesIO(raw), sep=";", dtype=str, skiprows=len(lines))
    assert list(frame["ags"]) == KEYS
    assert frame.at[0, "einwohner_2022"] == "6877"


def test_the_apps_upload_reads_its_own_download(frames):
    population, register, sources = frames
    table = export.selection_table(population, register, KEYS)
    raw = export.csv_bytes(table, "Quelle: Destatis", _header(sources))
    result = parse_upload("ksg_auswahl.csv", raw, set(register["ags"]))
    assert result.error is None
    assert list(result.ags) == KEYS and not result.invalid
    assert any("4 Kopfzeile(n)" in note for note in result.notes)


def test_a_column_named_hash_is_still_a_header():
    raw = "#;AGS;Name\n1;14627050;Gröditz\n2;12062024;Bad Liebenwerda\n".encode()
    result = parse_upload("liste.csv", raw, {"14627050", "12062024"})
    assert result.error is None and list(result.ags) == ["14627050", "12062024"]
    assert not any("Kopfzeile" in note for note in result.notes)


def test_geojson_collection_has_the_header_as_properties(frames):
    population, register, sources = frames
    shapes = datastore.read_municipality_shapes("overview", DATA)
    table = export.selection_table(population, register, KEYS)
    collection = json.loads(export.geojson_bytes(shapes, table, header=_header(sources)))
    properties = collection["properties"]
    assert set(properties) == {"Quelle", "Stand", "Gebietsstand", "Lizenz"}
    assert sources["boundaries"]["attribution"] in properties["Quelle"]
    assert len(collection["features"]) == len(KEYS)
