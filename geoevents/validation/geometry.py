"""Geometry: every incident has one, not empty, and a valid shape.

shapely judges all geometries at once, and the problems it finds are reported in bulk, through
the rules :meth:`RowRules.geometry` reports row by row.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import geopandas as gpd
import numpy as np
import shapely

from geoevents.problems import Problem
from geoevents.validation.rules import EMPTY_GEOMETRY, INVALID_GEOMETRY, NO_GEOMETRY, RowRules
from geoevents.validation.text import objects

__all__ = ["check_geometries", "check_shapes", "representative_points"]


def check_geometries(rules: RowRules, geometry: Sequence[Any] | gpd.GeoSeries) -> np.ndarray:
    """Check one geometry per row; return them (None where there is none)."""
    geoms = _geometry_array(geometry)
    none = ~shapely.is_geometry(geoms)
    shapes = np.flatnonzero(~none)
    empty = np.zeros(len(geoms), bool)
    empty[shapes] = shapely.is_empty(geoms[shapes])
    invalid = np.zeros(len(geoms), bool)
    invalid[shapes] = ~empty[shapes] & ~shapely.is_valid(geoms[shapes])
    rows = np.flatnonzero(invalid)
    kinds = shapely.get_type_id(geoms[rows])
    rules.record(
        rules.batch(NO_GEOMETRY, "geometry", np.flatnonzero(none)),
        rules.batch(EMPTY_GEOMETRY, "geometry", np.flatnonzero(empty)),
        rules.batch(
            INVALID_GEOMETRY,
            "geometry",
            rows,
            np.array(_GEOM_TYPES, dtype=object)[kinds],
            shapely.is_valid_reason(geoms[rows]),
        ),
    )
    out = geoms.copy()
    out[none | empty] = None  # invalid shapes are kept, reported
    return out


# shapely's type ids, as ``geom_type`` names them.
_GEOM_TYPES = (
    "Point",
    "LineString",
    "LinearRing",
    "Polygon",
    "MultiPoint",
    "MultiLineString",
    "MultiPolygon",
    "GeometryCollection",
)


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


def check_shapes(geometry: Sequence[Any], *, ids: Sequence[Any] | None = None) -> list[Problem]:
    """Check built shapes (shapely geometries) for what RFC 7946 forbids in their coordinates.

    A writer calls this on what it is about to write, so that nothing we write is refused when
    read back: every coordinate finite and inside lon -180..180 / lat -90..90.

    Parameters
    ----------
    geometry : sequence of shapely geometries or None
        One per incident (None is left to the schema checks).
    ids : sequence, optional
        The incidents' ids, to name them.

    Returns
    -------
    list of Problem
        One error per geometry out of range, with its index.
    """
    geoms = np.asarray(list(geometry), dtype=object)
    if not len(geoms):
        return []
    present = shapely.is_geometry(geoms)
    present[present] &= ~shapely.is_empty(geoms[present])
    bounds = np.full((len(geoms), 4), 0.0)
    bounds[present] = shapely.bounds(geoms[present])
    with np.errstate(invalid="ignore"):
        inside = (
            (bounds[:, 0] >= -180)
            & (bounds[:, 2] <= 180)
            & (bounds[:, 1] >= -90)
            & (bounds[:, 3] <= 90)
        )
    problems = []
    for i in np.flatnonzero(present & ~inside).tolist():
        west, south, east, north = bounds[i]
        ident = ids[i] if ids is not None else None
        problems.append(
            Problem(
                "error",
                f"the {geoms[i].geom_type} spans lon {west:g}..{east:g} / lat "
                f"{south:g}..{north:g}, outside lon -180..180 / lat -90..90 (or not finite)",
                "give WGS84 degrees: lon -180..180, lat -90..90",
                index=i,
                feature_id=str(ident) if ident is not None else None,
                field="geometry",
                kind="geometry",
            )
        )
    return problems
