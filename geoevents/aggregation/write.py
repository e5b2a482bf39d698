"""Writing aggregates for other tools: GeoJSON, GeoParquet or CSV, by the file's extension.

Every write goes through :func:`geoevents.io.atomic.atomic_write` and refuses to replace a file
unless asked. GeoJSON is RFC 7946 (counter-clockwise exteriors, lon/lat); CSV carries the
polygon as WKT and the cell's centre as ``lon``/``lat`` so a spreadsheet can plot the rows.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from geoevents.errors import UsageError

if TYPE_CHECKING:  # pragma: no cover
    import geopandas as gpd

__all__ = ["AGGREGATE_FORMATS", "write_aggregates"]

#: Output extensions and the format each writes.
AGGREGATE_FORMATS = {".geojson": "GeoJSON", ".parquet": "GeoParquet", ".csv": "CSV"}


def _plain(value: Any) -> Any:
    """A cell of the table as JSON/CSV takes it (numpy ints as ints, missing as None)."""
    if value is None:
        return None
    if hasattr(value, "item"):
        value = value.item()
    try:
        import pandas as pd

        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    return value


def _values(column: Any) -> list[Any]:
    """A column as :func:`_plain` gives its cells: whole numpy columns at once, others (text,
    nullable numbers) cell by cell."""
    import numpy as np
    import pandas as pd

    values = column.to_numpy()
    if values.dtype.kind in "iub":
        return values.tolist()
    if values.dtype.kind == "f":
        return [None if np.isnan(v) else v for v in values.tolist()]
    # Text or None nearly always: only other cells go through _plain.
    missing = pd.isna(values).tolist()
    return [
        None if gone else v if isinstance(v, str) else _plain(v)
        for v, gone in zip(values.tolist(), missing, strict=True)
    ]


def _rows(gdf: gpd.GeoDataFrame) -> list[dict[str, Any]]:
    columns = [c for c in gdf.columns if c != gdf.geometry.name]
    cells = [_values(gdf[c]) for c in columns]
    return [dict(zip(columns, values, strict=True)) for values in zip(*cells, strict=True)]


def _features(gdf: gpd.GeoDataFrame) -> list[dict[str, Any] | None]:
    """Each shape as GeoJSON: polygons without holes from whole coordinate arrays (the hexagons
    are all such), anything else by shapely's ``mapping``; None for no shape."""
    import numpy as np
    import shapely
    from shapely.geometry import mapping

    shapes = np.asarray(gdf.geometry.values, dtype=object)
    out: list[dict[str, Any] | None] = [None] * len(shapes)
    simple = (shapely.get_type_id(shapes) == 3) & (shapely.get_num_interior_rings(shapes) == 0)
    rows = np.flatnonzero(simple)
    if len(rows):
        coords = shapely.get_coordinates(shapes[rows]).tolist()
        ends = np.cumsum(shapely.get_num_coordinates(shapes[rows])).tolist()
        begin = 0
        for row, end in zip(rows.tolist(), ends, strict=True):
            # Tuples, as mapping() gives them: json writes both as arrays.
            ring = tuple(tuple(xy) for xy in coords[begin:end])
            out[row] = {"type": "Polygon", "coordinates": (ring,)}
            begin = end
    for row in np.flatnonzero(~simple).tolist():
        shape = shapes[row]
        out[row] = None if shape is None else mapping(shape)
    return out


def _geojson(gdf: gpd.GeoDataFrame, path: Path) -> None:
    features = [
        {"type": "Feature", "properties": props, "geometry": shape}
        for props, shape in zip(_rows(gdf), _features(gdf), strict=True)
    ]
    doc = {"type": "FeatureCollection", "features": features}
    path.write_text(json.dumps(doc, ensure_ascii=False) + "\n", encoding="utf-8")


def _csv(gdf: gpd.GeoDataFrame, path: Path) -> None:
    import csv

    import numpy as np
    import shapely

    rows = _rows(gdf)
    shapes = np.asarray(gdf.geometry.values, dtype=object)
    drawn = ~shapely.is_missing(shapes)
    centres = shapely.point_on_surface(shapes)
    # Python's round, not numpy's: numpy's can differ in the last digit written.
    lons = [round(x, 6) for x in shapely.get_x(centres).tolist()]
    lats = [round(y, 6) for y in shapely.get_y(centres).tolist()]
    wkts = shapely.to_wkt(shapes, rounding_precision=-1).tolist()
    columns = [*(c for c in gdf.columns if c != gdf.geometry.name), "lon", "lat", "wkt"]
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(columns)
        for row, there, lon, lat, wkt in zip(rows, drawn, lons, lats, wkts, strict=True):
            place = [lon, lat, wkt] if there else ["", "", ""]
            writer.writerow([*("" if v is None else v for v in row.values()), *place])


def write_aggregates(
    gdf: gpd.GeoDataFrame, path: str | os.PathLike[str], *, overwrite: bool = False
) -> None:
    """Write the result of :func:`~geoevents.aggregation.aggregate` by ``path``'s extension.

    Parameters
    ----------
    gdf : geopandas.GeoDataFrame
        Aggregates.
    path : path-like
        ``.geojson``, ``.parquet`` (GeoParquet) or ``.csv``.
    overwrite : bool, default False
        Replace an existing file.

    Raises
    ------
    UsageError
        For another extension.
    OutputError
        If the file exists (without ``overwrite``) or cannot be written.
    """
    dest = Path(path)
    suffix = dest.suffix.lower()
    if suffix not in AGGREGATE_FORMATS:
        raise UsageError(
            f"{dest}: cannot write aggregates as {suffix or 'a file without extension'}; "
            f"use {', '.join(AGGREGATE_FORMATS)}"
        )
    # Imported here: geoevents.io brings pandas and pyarrow, which `--help` must not wait for.
    from geoevents.io.atomic import atomic_write, refuse_overwrite

    refuse_overwrite(dest, overwrite)
    with atomic_write(dest, what="the aggregates") as tmp:
        if suffix == ".geojson":
            _geojson(gdf, tmp)
        elif suffix == ".csv":
            _csv(gdf, tmp)
        else:
            gdf.to_parquet(tmp, index=False)
