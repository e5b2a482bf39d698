"""Plausibility: warnings for values that are valid but probably wrong.

A start date in the future; a point at 0,0 (a common placeholder); a point far outside the
country it names, or in no country at all (the sea), often with latitude and longitude swapped.
The distances are measured once per distinct country and only for points outside it; the rows
found go through :meth:`RowRules.future` and :meth:`RowRules.place`, in row order.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geoevents.borders import countries
from geoevents.validation.geometry import representative_points
from geoevents.validation.rules import BORDER_MARGIN_DEG, RowRules
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
    late = start.per_distinct(lambda s: isinstance(s, str) and s > future)
    for i in np.flatnonzero(late).tolist():
        rules.future(i, start.values[i], future)

    by_iso = dict(zip(world["iso3"], world.geometry, strict=True))
    by_name = {n.lower(): g for n, g in zip(world["name"], world.geometry, strict=True)}
    points, xs, ys, present = representative_points(np.asarray(gdf.geometry.values))
    zero = present & (xs == 0) & (ys == 0)

    # The country each row names, decided once per distinct (iso3, country) pair.
    iso3_codes, iso3_uniques = text["iso3"].factor()
    c_codes, c_uniques = text["country"].factor()
    width = len(c_uniques) + 1
    inverse, pairs = pd.factorize((iso3_codes + 1) * width + c_codes + 1)
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
    shape_id = np.array([k if s is not None else -1 for k, s in enumerate(shape_u)])[inverse]

    # A point inside (or on) the country it names is at distance 0: measure only the others.
    distance = np.full(count, np.nan)
    rows = np.flatnonzero(present & ~zero & (shape_id >= 0))
    rows = rows[np.argsort(shape_id[rows], kind="stable")]
    for group in np.split(rows, np.flatnonzero(np.diff(shape_id[rows])) + 1):
        if len(group):
            shape = shape_u[shape_id[group[0]]]
            away = group[~shapely.intersects_xy(shape, xs[group], ys[group])]
            distance[away] = shapely.distance(shape, points[away])
    with np.errstate(invalid="ignore"):
        outside = distance > BORDER_MARGIN_DEG

    unnamed = np.flatnonzero((shape_id < 0) & shapely.is_geometry(points))
    on_land: set[int] = set()
    if len(unnamed):
        tree = shapely.STRtree(np.asarray(world.geometry.values))
        hits = tree.query(points[unnamed], predicate="dwithin", distance=BORDER_MARGIN_DEG)
        on_land = set(unnamed[hits[0]].tolist())
    sea = np.zeros(count, bool)
    sea[unnamed] = True
    sea &= present & ~zero
    for i in np.flatnonzero(sea).tolist():
        sea[i] = i not in on_land

    for i in np.flatnonzero(zero | sea | outside).tolist():
        point = points[i]
        shape = shape_u[shape_id[i]] if shape_id[i] >= 0 else None
        swapped = shapely.points(shapely.get_y(point), shapely.get_x(point))
        rules.place(i, point, shape, named_u[inverse[i]], distance[i], swapped, i in on_land)
