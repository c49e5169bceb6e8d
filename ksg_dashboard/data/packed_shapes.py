"""Polygons held as WKB bytes and decoded per use, for tables kept for the whole process.

A decoded GEOS polygon takes several times the bytes of its WKB: the two municipality layers
(10,990 polygons each) held about 50–75 MB resident as GeoDataFrames against 18 MB of WKB
(measured 02.12.2026). The pages draw a few hundred of them at a time, so decoding those rows
(milliseconds) is cheaper than keeping every polygon decoded. Rows, index, columns and CRS of
what `select`, `in_view` and `frame` return are those of the original GeoDataFrame.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

_BOX = ("_west", "_south", "_east", "_north")


@dataclass(frozen=True, eq=False)
class PackedShapes:
    """A GeoDataFrame's attributes, bounding boxes and geometries as WKB."""

    attributes: pd.DataFrame  # every column but the geometry, plus the bounding box (_BOX)
    wkb: np.ndarray  # one WKB bytes object per row (None for a missing geometry)
    columns: tuple[str, ...]  # the original column order, geometry included
    geometry_name: str
    crs: object

    @classmethod
    def from_frame(cls, frame: gpd.GeoDataFrame) -> PackedShapes:
        """Pack a GeoDataFrame (it is not changed)."""
        geometry = frame.geometry
        attributes = pd.DataFrame(frame.drop(columns=geometry.name))
        box = geometry.bounds.to_numpy()
        for position, name in enumerate(_BOX):
            attributes[name] = box[:, position]
        return cls(
            attributes=attributes,
            wkb=shapely.to_wkb(geometry.values),
            columns=tuple(frame.columns),
            geometry_name=geometry.name,
            crs=geometry.crs,
        )

    def __len__(self) -> int:
        return len(self.attributes)

    def select(self, ags: Iterable[str], by: str = "ags") -> gpd.GeoDataFrame:
        """The rows whose `by` column (the AGS unless told) holds one of the values, in the
        table's order."""
        return self._decoded(self.attributes[by].isin(list(ags)).to_numpy())

    def districts_of(self, ags: Iterable[str]) -> gpd.GeoDataFrame:
        """Every municipality of the districts these municipalities lie in."""
        attributes = self.attributes
        return self.select(
            attributes.loc[attributes["ags"].isin(list(ags)), "district_key"], by="district_key"
        )

    def in_view(self, bounds: tuple[tuple, tuple]) -> gpd.GeoDataFrame:
        """The rows whose polygon intersects the view ((south, west), (north, east))."""
        (south, west), (north, east) = bounds
        box = self.attributes[list(_BOX)].to_numpy()
        near = (
            (box[:, 0] <= east) & (box[:, 2] >= west) & (box[:, 1] <= north) & (box[:, 3] >= south)
        )
        candidates = self._decoded(near)
        return candidates[candidates.intersects(shapely.box(west, south, east, north))]

    def frame(self) -> gpd.GeoDataFrame:
        """Every row decoded (a fresh GeoDataFrame)."""
        return self._decoded(np.ones(len(self), dtype=bool))

    def _decoded(self, mask: np.ndarray) -> gpd.GeoDataFrame:
        rows = self.attributes.loc[mask].drop(columns=list(_BOX))
        geometry = gpd.GeoSeries(shapely.from_wkb(self.wkb[mask]), index=rows.index, crs=self.crs)
        rows[self.geometry_name] = geometry
        return gpd.GeoDataFrame(rows[list(self.columns)], geometry=self.geometry_name, crs=self.crs)
