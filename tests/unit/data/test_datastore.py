"""Tests for the data readers (ksg_dashboard.data.datastore) on broken files in a temp dir."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import box

from ksg_dashboard.core.validation import DataValidationError
from ksg_dashboard.data import datastore


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty data directory that the readers use through KSG_DATA_DIR."""
    directory = tmp_path / "data"
    directory.mkdir()
    monkeypatch.setenv("KSG_DATA_DIR", str(directory))
    return directory


def population_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "ags": ["14627050", "14627050"],
            "year": [2011, 2012],
            "name": ["Gröditz, Stadt", "Gröditz, Stadt"],
            "population": pd.array([6919, 6619], dtype="Int64"),
            "male": pd.array([3405, 3217], dtype="Int64"),
            "female": pd.array([3514, 3402], dtype="Int64"),
            "census_based": [False, True],
        }
    )


def shapes_frame() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {
            "ags": ["14627050"],
            "ars": ["146270050050"],
            "name": ["Gröditz, Stadt"],
            "type": ["Stadt"],
            "district_key": ["14627"],
            "district_name": ["Meißen"],
            "state_key": ["14"],
            "state_name": ["Sachsen"],
        },
        geometry=[box(13.40, 51.39, 13.49, 51.43)],
        crs="EPSG:4326",
    )


READERS: list[tuple[str, Callable[[], object]]] = [
    ("population.parquet", datastore.read_population),
    ("municipalities.parquet", datastore.read_municipalities),
    ("district_age.parquet", datastore.read_district_age),
    ("dependency_ratios.parquet", datastore.read_dependency_ratios),
    ("municipalities_overview.parquet", lambda: datastore.read_municipality_shapes("overview")),
    ("municipalities_regional.parquet", lambda: datastore.read_municipality_shapes("regional")),
    ("districts.parquet", datastore.read_districts),
    ("states.parquet", datastore.read_states),
    ("cooperations.yaml", datastore.read_cooperations),
    ("measures.yaml", datastore.read_measures),
    ("sources.json", datastore.read_sources),
]
PARQUET_READERS = [(name, reader) for name, reader in READERS if name.endswith(".parquet")]
YAML_READERS = [(name, reader) for name, reader in READERS if name.endswith(".yaml")]


def ids(readers: list[tuple[str, Callable]]) -> list[str]:
    return [name for name, _ in readers]


@pytest.mark.parametrize(("name", "reader"), READERS, ids=ids(READERS))
def test_missing_file_names_file(data_dir: Path, name: str, reader: Callable) -> None:
    with pytest.raises(DataValidationError) as info:
        reader()
    assert info.value.file == name
    assert str(info.value).startswith(f"{name}: ")
    assert "fehlt" in str(info.value)


@pytest.mark.parametrize(("name", "reader"), PARQUET_READERS, ids=ids(PARQUET_READERS))
def test_corrupt_parquet_names_file(data_dir: Path, name: str, reader: Callable) -> None:
    (data_dir / name).write_bytes(b"PAR1 this is not really a parquet file \x00\xff")
    with pytest.raises(DataValidationError, match=re.escape(f"{name}: nicht lesbar")):
        reader()


def test_plain_parquet_where_geoparquet_expected(data_dir: Path) -> None:
    pd.DataFrame({"ags": ["14627050"], "name": ["x"], "type": ["Stadt"]}).to_parquet(
        data_dir / "municipalities_overview.parquet"
    )
    with pytest.raises(
        DataValidationError, match=r"municipalities_overview\.parquet: nicht lesbar"
    ):
        datastore.read_municipality_shapes("overview")


def test_valid_files_are_read_from_env_dir(data_dir: Path) -> None:
    population_frame().to_parquet(data_dir / "population.parquet")
    shapes_frame().to_parquet(data_dir / "municipalities_regional.parquet")
    frame = datastore.read_population()
    assert frame["population"].tolist() == [6919, 6619]
    shapes = datastore.read_municipality_shapes("regional")
    assert shapes["ags"].tolist() == ["14627050"]
    assert shapes.crs.to_epsg() == 4326


def test_directory_argument_overrides_env(data_dir: Path, tmp_path: Path) -> None:
    other = tmp_path / "other"
    other.mkdir()
    population_frame().to_parquet(other / "population.parquet")
    assert len(datastore.read_population(other)) == 2
    with pytest.raises(DataValidationError, match="fehlt"):
        datastore.read_population()


def test_parquet_missing_required_column(data_dir: Path) -> None:
    population_frame().drop(columns=["census_based"]).to_parquet(data_dir / "population.parquet")
    with pytest.raises(DataValidationError) as info:
        datastore.read_population()
    assert info.value.file == "population.parquet"
    assert "census_based" in str(info.value)


def test_geoparquet_missing_required_column(data_dir: Path) -> None:
    shapes_frame().drop(columns=["type"]).to_parquet(data_dir / "municipalities_overview.parquet")
    with pytest.raises(DataValidationError, match=r"municipalities_overview.parquet: .*'type'"):
        datastore.read_municipality_shapes("overview")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"ags": ["1462705", "1462705"]}, "8-digit"),
        ({"year": [2012, 2012]}, "duplicate"),
        ({"population": pd.array([6919, -1], dtype="Int64")}, "negative"),
    ],
)
def test_population_invariants_checked_on_load(data_dir: Path, change: dict, message: str) -> None:
    population_frame().assign(**change).to_parquet(data_dir / "population.parquet")
    with pytest.raises(DataValidationError, match=f"population.parquet: .*{message}"):
        datastore.read_population()


def test_numeric_ags_rejected(data_dir: Path) -> None:
    # Keys must stay strings: an integer AGS has lost its leading zero.
    population_frame().assign(ags=[5154028, 5154028]).to_parquet(data_dir / "population.parquet")
    with pytest.raises(DataValidationError, match="8-digit"):
        datastore.read_population()


@pytest.mark.parametrize(("name", "reader"), YAML_READERS, ids=ids(YAML_READERS))
def test_invalid_yaml_names_file(data_dir: Path, name: str, reader: Callable) -> None:
    (data_dir / name).write_text("- id: a\n  members: [unclosed\n", encoding="utf-8")
    with pytest.raises(DataValidationError, match=re.escape(f"{name}: kein gültiges YAML")):
        reader()


@pytest.mark.parametrize(("name", "reader"), YAML_READERS, ids=ids(YAML_READERS))
def test_non_utf8_yaml_names_file(data_dir: Path, name: str, reader: Callable) -> None:
    (data_dir / name).write_bytes("- id: gröditz\n".encode("latin-1"))
    with pytest.raises(DataValidationError, match=re.escape(f"{name}: kein gültiges YAML")):
        reader()


@pytest.mark.parametrize(
    "text",
    ["id: a\nname: b\n", "", "just a string\n", "- a\n- b\n", "- id: a\n- 3\n"],
    ids=["mapping", "empty", "scalar", "list-of-strings", "mixed-list"],
)
@pytest.mark.parametrize(("name", "reader"), YAML_READERS, ids=ids(YAML_READERS))
def test_yaml_not_a_list_of_records(data_dir: Path, name: str, reader: Callable, text: str) -> None:
    (data_dir / name).write_text(text, encoding="utf-8")
    with pytest.raises(DataValidationError, match=re.escape(f"{name}: erwartet eine Liste")):
        reader()


def test_yaml_record_without_id(data_dir: Path) -> None:
    (data_dir / "cooperations.yaml").write_text("- id: a\n- name: b\n", encoding="utf-8")
    with pytest.raises(DataValidationError, match=r"cooperations\.yaml: Eintrag ohne id"):
        datastore.read_cooperations()


def test_valid_yaml(data_dir: Path) -> None:
    # The smallest record the schema accepts: id, name, state and member keys.
    (data_dir / "measures.yaml").write_text(
        "- id: templin\n  name: Templin\n  state_key: '12'\n  member_ags: ['12073572']\n",
        encoding="utf-8",
    )
    assert datastore.read_measures() == [
        {"id": "templin", "name": "Templin", "state_key": "12", "member_ags": ["12073572"]}
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [("{not json", "kein gültiges JSON"), ("[1, 2]", "erwartet ein Objekt")],
)
def test_invalid_sources_json(data_dir: Path, text: str, message: str) -> None:
    (data_dir / "sources.json").write_text(text, encoding="utf-8")
    with pytest.raises(DataValidationError, match=re.escape(f"sources.json: {message}")):
        datastore.read_sources()
