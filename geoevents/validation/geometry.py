"""Geometry: every incident has one, not empty, and a valid shape.

shapely judges all geometries at once; only the rows it finds at fault go through
:meth:`RowRules.geometry`, in row order.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import geopandas as gpd
import numpy as np
import shapely

from geoevents.validation.rules import RowRules
from geoevents.validation.text import objects

__all__ = ["check_geometries", "representative_points"]


def check_geometries(rules: RowRules, geometry: Sequence[Any] | gpd.GeoSeries) -> np.ndarray:
    """Check one geometry per row; return them (None where there is none)."""
    geoms = _geometry_array(geometry)
    bad = ~shapely.is_geometry(geoms)
    shapes = np.flatnonzero(~bad)
    bad[shapes] = shapely.is_empty(geoms[shapes]) | ~shapely.is_valid(geoms[shapes])
    out = geoms.copy()
    for i in np.flatnonzero(bad).tolist():
        out[i] = rules.geometry(i, geoms[i])
    return out


def _geometry_array(geometry: Sequence[Any] | gpd.GeoSeries) -> np.ndarray:
    if isinstance(geometry, gpd.GeoSeries):
        return np.asarray(geometry.values, dtype=object)
    if isinstance(geometry, np.ndarray) and geometry.dtype == object and geometry.ndim == 1:
        return geometry
    return objects(geometry, len(geometry))


def representative_points(
    geoms: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """``representative_point`` of each geometry (a finite Point is its own), its x and y, and
    which rows have a non-empty one."""
    kinds = shapely.get_type_id(geoms)
    xs, ys = shapely.get_x(geoms), shapely.get_y(geoms)
    with np.errstate(invalid="ignore"):
        simple = (kinds == 0) & np.isfinite(xs) & np.isfinite(ys)
    points = geoms.copy()
    present = simple.copy()
    others = np.flatnonzero((kinds >= 0) & ~simple)
    if len(others):
        found = shapely.point_on_surface(geoms[others])
        points[others] = found
        xs[others], ys[others] = shapely.get_x(found), shapely.get_y(found)
        present[others] = shapely.is_geometry(found) & ~shapely.is_empty(found)
    return points, xs, ys, present
