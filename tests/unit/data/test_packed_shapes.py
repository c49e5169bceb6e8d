"""Packed polygons give back exactly the rows, index, columns, geometries and CRS of the
GeoDataFrame they were packed from, and hold fewer bytes."""

from __future__ import annotations

import geopandas as gpd
import pytest
from geopandas.testing import assert_geodataframe_equal

from ksg_dashboard.core.config import REPO_ROOT
from ksg_dashboard.data import datastore
from ksg_dashboard.data.packed_shapes import PackedShapes
from ksg_dashboard.maps import layers

DATA = REPO_ROOT / "data"
# Großenhain, Finsterwalde, Elsterwerda, Doberlug-Kirchhain
SOME_MUNICIPALITIES = ["14627060", "12062140", "12062124", "12062092"]


@pytest.fixture(scope="module", params=["overview", "regional"])
def shapes(request: pytest.FixtureRequest) -> gpd.GeoDataFrame:
    return datastore.read_municipality_shapes(request.param, DATA)


@pytest.fixture(scope="module")
def packed(shapes: gpd.GeoDataFrame) -> PackedShapes:
    return PackedShapes.from_frame(shapes)


def test_select_equals_the_filtered_frame(shapes: gpd.GeoDataFrame, packed: PackedShapes) -> None:
    wanted = [*SOME_MUNICIPALITIES, "00000000"]
    expected = shapes[shapes["ags"].isin(wanted)]
    got = packed.select(wanted)
    assert len(got) == 4
    assert_geodataframe_equal(got, expected)
    assert got.crs == shapes.crs


def test_select_nothing_is_an_empty_frame_with_the_columns(
    shapes: gpd.GeoDataFrame, packed: PackedShapes
) -> None:
    got = packed.select([])
    assert got.empty
    assert list(got.columns) == list(shapes.columns)


def test_in_view_equals_the_exact_intersection(
    shapes: gpd.GeoDataFrame, packed: PackedShapes
) -> None:
    bounds = ((51.3, 13.2), (51.6, 13.7))  # around Gröditz and Elsterwerda
    expected = layers.in_view(shapes, bounds)
    got = packed.in_view(bounds)
    assert 10 < len(got) < 200
    assert_geodataframe_equal(got, expected)


def test_frame_equals_the_original(shapes: gpd.GeoDataFrame, packed: PackedShapes) -> None:
    assert_geodataframe_equal(packed.frame(), shapes)
    assert len(packed) == len(shapes)


def test_wkb_holds_two_doubles_a_point_and_small_headers(
    shapes: gpd.GeoDataFrame, packed: PackedShapes
) -> None:
    wkb_bytes = sum(len(b) for b in packed.wkb)
    coordinates = int(shapes.geometry.count_coordinates().sum())
    assert wkb_bytes < 17 * coordinates + 100 * len(shapes)  # 16 bytes a point, small headers


def test_districts_of_gives_every_municipality_of_the_members_districts(
    shapes: gpd.GeoDataFrame, packed: PackedShapes
) -> None:
    members = ["14627050", "12062124"]  # Gröditz (district Meißen), Elsterwerda (Elbe-Elster)
    districts = set(shapes.loc[shapes["ags"].isin(members), "district_key"])
    assert districts == {"14627", "12062"}
    expected = shapes[shapes["district_key"].isin(districts)]
    assert_geodataframe_equal(packed.districts_of(members), expected)
    assert_geodataframe_equal(
        packed.select(["14627"], by="district_key"), shapes[shapes["district_key"] == "14627"]
    )
