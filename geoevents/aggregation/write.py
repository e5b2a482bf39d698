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


def _rows(gdf: gpd.GeoDataFrame) -> list[dict[str, Any]]:
    columns = [c for c in gdf.columns if c != gdf.geometry.name]
    return [
        {c: _plain(v) for c, v in zip(columns, values, strict=True)}
        for values in gdf[columns].itertuples(index=False, name=None)
    ]


def _geojson(gdf: gpd.GeoDataFrame, path: Path) -> None:
    from shapely.geometry import mapping

    features = [
        {
            "type": "Feature",
            "properties": props,
            "geometry": None if shape is None else mapping(shape),
        }
        for props, shape in zip(_rows(gdf), gdf.geometry, strict=True)
    ]
    doc = {"type": "FeatureCollection", "features": features}
    path.write_text(json.dumps(doc, ensure_ascii=False) + "\n", encoding="utf-8")


def _csv(gdf: gpd.GeoDataFrame, path: Path) -> None:
    import csv

    rows = _rows(gdf)
    centres = gdf.geometry.representative_point()
    columns = [*(c for c in gdf.columns if c != gdf.geometry.name), "lon", "lat", "wkt"]
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(columns)
        for row, shape, centre in zip(rows, gdf.geometry, centres, strict=True):
            place = (
                ["", "", ""]
                if shape is None
                else [round(centre.x, 6), round(centre.y, 6), shape.wkt]
            )
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
