"""Plausibility: warnings for values that are valid but probably wrong.

A start date in the future; a point at 0,0 (a common placeholder); a point far outside the
country it names, or in no country at all (the sea), often with latitude and longitude swapped.
Each distinct country is tested once against all its points (prepared, so cheap), and every
problem is confirmed in bulk (one swapped-point array, one spatial query): the same
problems as :meth:`RowRules.future` and :meth:`RowRules.place` report row by row, stored through
the same rules as arrays.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any, overload

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geoevents.borders import countries
from geoevents.validation.geometry import representative_points
from geoevents.validation.rules import (
    AT_SEA,
    AT_ZERO,
    BORDER_MARGIN_DEG,
    IN_FUTURE,
    OUTSIDE_COUNTRY,
    RowRules,
)
from geoevents.validation.text import Text

__all__ = ["check_plausibility"]


def check_plausibility(
    rules: RowRules, gdf: gpd.GeoDataFrame, text: dict[str, Text], today: dt.date | None
) -> None:
    """Warn about implausible dates and places of the checked table ``gdf``.

    ``text`` holds the checked text columns (``date_start``, ``iso3``, ``country``); ``today``
    is the day after which a date is in the future (default: today).
    """
    count = len(gdf)
    future = (today or dt.date.today()).isoformat()
    world = countries()
    start = text["date_start"]
    late = np.flatnonzero(start.per_distinct(lambda s: isinstance(s, str) and s > future))
    rules.record(rules.batch(IN_FUTURE, "date_start", late, start.at(late)))

    by_iso = dict(zip(world["iso3"], world.geometry, strict=True))
    by_name = {n.lower(): g for n, g in zip(world["name"], world.geometry, strict=True)}
    points, xs, ys, present = representative_points(np.asarray(gdf.geometry.values))
    zero = present & (xs == 0) & (ys == 0)

    # The country each row names, decided once per distinct (iso3, country) pair.
    iso3_codes, iso3_uniques = text["iso3"].factor()
    c_codes, c_uniques = text["country"].factor()
    width = len(c_uniques) + 1
    # In int64: the codes may be int32, and the pairs of many distinct values pass 2**31.
    inverse, pairs = pd.factorize((iso3_codes.astype(np.int64) + 1) * width + c_codes + 1)
    named_u: list[Any] = []
    shape_u: list[Any] = []
    for key in pairs.tolist():
        i_code, c_code = key // width - 1, key % width - 1
        iso3 = iso3_uniques[i_code] if i_code >= 0 else None
        name = c_uniques[c_code] if c_code >= 0 else None
        named = iso3 if isinstance(iso3, str) and iso3 in by_iso else name
        named_u.append(named)
        shape_u.append(
            by_iso.get(named) or (by_name.get(named.lower()) if isinstance(named, str) else None)
        )
    shape_ids = [k if s is not None else -1 for k, s in enumerate(shape_u)]
    shape_id = np.array(shape_ids, dtype=np.int64)[inverse]
    # A million rows' arrays are let go of as soon as they are done with: the double counts
    # are worked out beside these checks, and the two together make the command's peak.
    del iso3_codes, c_codes

    # A point inside (or on) the country it names is fine; so is one within the margin of it.
    # Only those tests run on every point (prepared shapes make them cheap); how far outside
    # a point is goes into its message, so it is measured only when the message is written.
    outside = np.zeros(count, bool)
    rows = np.flatnonzero(present & ~zero & (shape_id >= 0))
    rows = rows[_grouped(shape_id[rows])]
    for group in np.split(rows, np.flatnonzero(np.diff(shape_id[rows])) + 1):
        if len(group):
            shape = shape_u[shape_id[group[0]]]
            shapely.prepare(shape)  # kept with the cached borders: later runs gain too
            away = group[~shapely.intersects_xy(shape, xs[group], ys[group])]
            near = _near_box(shape, xs[away], ys[away])
            outside[away[~near]] = True  # beyond the margin of the country's bounding box
            close = away[near]
            outside[close] = ~shapely.dwithin(shape, points[close], BORDER_MARGIN_DEG)
    del rows

    unnamed = np.flatnonzero((shape_id < 0) & shapely.is_geometry(points))
    sea = np.zeros(count, bool)
    sea[unnamed] = True
    if len(unnamed):
        tree = shapely.STRtree(np.asarray(world.geometry.values))
        hits = tree.query(points[unnamed], predicate="dwithin", distance=BORDER_MARGIN_DEG)
        sea[unnamed[hits[0]]] = False  # on (or near) land, in no country named
    sea &= present & ~zero
    del points, present

    # The swap hint: would the point be in its country with latitude and longitude swapped?
    far = np.flatnonzero(outside & ~zero)
    del outside
    far_shape = shape_id[far]
    del shape_id
    shapes = np.array([*shape_u, None], dtype=object)[far_shape]
    inside = _swapped_inside(far, far_shape, shape_u, xs, ys)
    del far_shape
    named = np.array([*named_u, None], dtype=object)[inverse[far]]
    del inverse
    far_x, far_y = xs[far], ys[far]
    distance = _Distances(shapes, far_x, far_y)
    rows_zero, rows_sea = np.flatnonzero(zero), np.flatnonzero(sea)
    sea_x, sea_y = xs[rows_sea], ys[rows_sea]
    del xs, ys, zero, sea
    rules.record(
        rules.batch(AT_ZERO, "geometry", rows_zero),
        rules.batch(AT_SEA, "geometry", rows_sea, sea_x, sea_y),
        rules.batch(OUTSIDE_COUNTRY, "geometry", far, far_x, far_y, distance, named, inside),
    )


def _near_box(shape: Any, xs: np.ndarray, ys: np.ndarray) -> np.ndarray:
    """Which points are within the margin of the shape's bounding box (the others are farther
    than the margin from the shape itself)."""
    x0, y0, x1, y1 = shapely.bounds(shape)
    m = BORDER_MARGIN_DEG
    return (xs >= x0 - m) & (xs <= x1 + m) & (ys >= y0 - m) & (ys <= y1 + m)


def _swapped_inside(
    rows: np.ndarray, shape_id: np.ndarray, shape_u: list[Any], xs: np.ndarray, ys: np.ndarray
) -> np.ndarray:
    """For each row, is (y, x) within the margin of its shape? Points are built only for the
    few near the shape's box, so a million hints cost no million geometries."""
    inside = np.zeros(len(rows), bool)
    order = _grouped(shape_id)
    for group in np.split(order, np.flatnonzero(np.diff(shape_id[order])) + 1):
        if not len(group):
            continue
        shape = shape_u[shape_id[group[0]]]
        x, y = ys[rows[group]], xs[rows[group]]  # swapped
        near = np.flatnonzero(_near_box(shape, x, y))
        hit = shapely.intersects_xy(shape, x[near], y[near])
        rest = near[~hit]
        inside[group[near[hit]]] = True
        # The points for the distance test a slice at a time: a GEOS point is about 100
        # bytes, and a store of swapped coordinates has a million of them.
        for at in range(0, len(rest), _POINTS_AT_ONCE):
            part = rest[at : at + _POINTS_AT_ONCE]
            points = shapely.points(x[part], y[part])
            inside[group[part[shapely.dwithin(shape, points, BORDER_MARGIN_DEG)]]] = True
    return inside


#: Points built at once for a distance test.
_POINTS_AT_ONCE = 65_536


def _grouped(keys: np.ndarray) -> np.ndarray:
    """The stable order of ``keys`` (few distinct, at least -1): in 16 bits when they fit,
    which numpy sorts by radix (31 ms a million here, against 77 ms for 64-bit keys)."""
    if len(keys) and keys.min() >= -(2**15) and keys.max() < 2**15:
        keys = keys.astype(np.int16)
    return np.argsort(keys, kind="stable")


class _Distances(Sequence[float]):
    """The distance of each point (x, y) to its shape, measured when asked (for its message);
    it holds coordinates, not the points, so a report does not keep the table's geometries."""

    def __init__(self, shapes: np.ndarray, xs: np.ndarray, ys: np.ndarray):
        self._shapes, self._xs, self._ys = shapes, xs, ys

    def __len__(self) -> int:
        return len(self._xs)

    @overload
    def __getitem__(self, k: int) -> float: ...
    @overload
    def __getitem__(self, k: slice | np.ndarray) -> _Distances: ...
    def __getitem__(self, k: int | slice | np.ndarray) -> float | _Distances:
        if isinstance(k, slice | np.ndarray):
            return _Distances(self._shapes[k], self._xs[k], self._ys[k])
        return shapely.distance(self._shapes[k], shapely.Point(self._xs[k], self._ys[k]))

    def gather(self, ks: np.ndarray) -> np.ndarray:
        """The distances at ``ks``, measured in bulk."""
        points = shapely.points(self._xs[ks], self._ys[ks])
        return shapely.distance(self._shapes[ks], points)
