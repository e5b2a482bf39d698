"""CSV: ``lon``/``lat`` columns for points, a ``wkt`` column for lines and polygons.

Every list field is JSON text. Coordinates are written in full (the shortest text that reads
back as the same float), so that a route or an area survives the round trip exactly.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
import shapely

from geoevents import schema
from geoevents.errors import InputError
from geoevents.io.census import check_columns, csv_columns
from geoevents.io.columns import as_table

__all__ = ["read_csv", "shape_wkt", "write_csv"]


def shape_wkt(geometry: Any) -> pd.Series:
    """The exact WKT of every line and polygon, None for points (they have lon/lat columns).

    Parameters
    ----------
    geometry : GeoSeries
        The incidents' geometries.

    Returns
    -------
    pandas.Series
        Object dtype, same index; every digit GEOS needs for the floats to read back unchanged.
    """
    points = (geometry.geom_type == "Point").to_numpy()
    wkt = shapely.to_wkt(geometry.values, rounding_precision=-1, trim=True)
    return pd.Series(wkt, index=geometry.index, dtype=object).where(~points, None)


def write_csv(gdf: gpd.GeoDataFrame, path: str | os.PathLike[str]) -> None:
    """Write incidents as CSV (not atomic: ``write_incidents`` is)."""
    table = as_table(gdf, schema.LIST_FIELDS)
    geometry = table.geometry.values
    points = (table.geometry.geom_type == "Point").to_numpy()
    frame = pd.DataFrame(table.drop(columns=table.geometry.name))
    frame["lon"] = shapely.get_x(geometry)
    frame["lat"] = shapely.get_y(geometry)
    frame.loc[~points, ["lon", "lat"]] = None
    frame["wkt"] = shape_wkt(table.geometry).to_numpy()
    frame.to_csv(path, index=False)


def read_csv(path: Path) -> tuple[pd.DataFrame, list[Any]]:
    """Read a CSV store's columns (as text) and geometries, before any check.

    Raises
    ------
    InputError
        When the file is not UTF-8 CSV with lon/lat (or wkt) columns, or has more than
        :data:`~geoevents.io.census.MAX_COLUMNS` columns (refused before it is parsed).
    """
    check_columns(path, csv_columns(path))
    try:
        raw = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise InputError(f"{path}: not UTF-8 text; re-save it as UTF-8") from None
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise InputError(f"{path}: not a readable CSV ({exc}); check the file") from None
    # One object array for the whole table, and a frame of one block built from it: per-column
    # work on a frame of thousands of columns (astype, where, pop) is quadratic in pandas.
    names = [str(c) for c in raw.columns]
    cells = raw.to_numpy(dtype=object)
    if not cells.flags.writeable:  # one column: pandas hands out its own array, read-only
        cells = cells.copy()
    del raw
    cells[cells == ""] = None
    n = len(cells)
    wkt, lons, lats = (
        cells[:, names.index(name)].tolist() if name in names else [None] * n
        for name in ("wkt", "lon", "lat")
    )
    if not {"lon", "lat"} <= set(names) and all(v is None for v in wkt):
        raise InputError(f"{path}: the CSV needs 'lon' and 'lat' columns (WGS84 degrees)")
    keep = [i for i, name in enumerate(names) if name not in ("wkt", "lon", "lat")]
    raw = pd.DataFrame(
        cells[:, keep], columns=[names[i] for i in keep], index=range(n), dtype=object
    )
    del cells
    geoms: list[Any] = []
    for lon, lat, text in zip(lons, lats, wkt, strict=True):
        if text is not None:
            geoms.append(shapely.from_wkt(text, on_invalid="ignore"))
            continue
        try:
            x, y = float(lon), float(lat)
        except (TypeError, ValueError):
            geoms.append(None)
            continue
        ok = -180 <= x <= 180 and -90 <= y <= 90
        geoms.append(shapely.Point(x, y) if ok else None)
    for name in ("fatalities", "geo_precision"):
        if name in raw.columns:
            raw[name] = [_maybe_int(v) for v in raw[name]]
    return raw, geoms


def _maybe_int(value: Any) -> Any:
    if isinstance(value, str):
        try:
            return int(value)
        except ValueError:
            return value
    return value
