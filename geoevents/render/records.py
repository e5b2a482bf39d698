"""The incidents as the page embeds them: one JSON object per incident, in row order.

Each record carries the schema fields that have a value (under their schema names), ``c`` the
index of its category, ``point`` a ``[lat, lon]`` where the incident is drawn, clustered and
heat-mapped, and, for a line or polygon, ``shape`` its GeoJSON geometry.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from shapely.geometry import mapping

from geoevents.render import values
from geoevents.schema import FIELDS

if TYPE_CHECKING:  # pragma: no cover
    import geopandas as gpd
    from shapely.geometry.base import BaseGeometry

__all__ = ["COORD_DIGITS", "date_span", "geometry_fields", "incident_records", "round_coords"]

#: Decimal places kept for coordinates: 6 is about 0.1 m, well below any geocoding precision.
COORD_DIGITS = 6

_CONVERTERS = {
    "str": values.text,
    "date": values.date_text,
    "int": values.number_or_text,
    "list[str]": values.text_list,
    "list[source]": values.sources,
}


def round_coords(coords: Any, digits: int) -> Any:
    """Return GeoJSON ``coordinates`` (nested sequences) rounded to ``digits`` places, as lists."""
    if isinstance(coords, (int, float)):
        return round(float(coords), digits)
    return [round_coords(c, digits) for c in coords]


def _finite(coords: Any) -> bool:
    if isinstance(coords, (int, float)):
        return math.isfinite(coords)
    return all(_finite(c) for c in coords)


def geometry_fields(geom: BaseGeometry | None, digits: int = COORD_DIGITS) -> dict[str, Any]:
    """Return ``{"point": [lat, lon]}`` plus ``"shape"`` for anything but a Point.

    Parameters
    ----------
    geom : shapely geometry or None
        In EPSG:4326 (x = longitude).
    digits : int
        Decimal places kept.

    Returns
    -------
    dict
        Empty when the geometry is missing, empty or has non-finite coordinates: such an
        incident is counted but cannot be drawn.
    """
    if geom is None or geom.is_empty:
        return {}
    if geom.geom_type == "Point":
        if not (math.isfinite(geom.x) and math.isfinite(geom.y)):
            return {}
        return {"point": [round(geom.y, digits), round(geom.x, digits)]}
    shape = mapping(geom)
    if shape["type"] == "GeometryCollection" or not _finite(shape["coordinates"]):
        return {}
    anchor = geom.representative_point()
    return {
        "point": [round(anchor.y, digits), round(anchor.x, digits)],
        "shape": {"type": shape["type"], "coordinates": round_coords(shape["coordinates"], digits)},
    }


def incident_records(gdf: gpd.GeoDataFrame, codes: list[int]) -> list[dict[str, Any]]:
    """Return one JSON-ready record per incident.

    Parameters
    ----------
    gdf : geopandas.GeoDataFrame
        The incidents in EPSG:4326; schema columns it lacks count as missing.
    codes : list of int
        The category index of each row.

    Returns
    -------
    list of dict
        Missing values are left out, so the page never shows "nan" or "None".
    """
    columns = []
    for field in FIELDS:
        if field.name in gdf.columns:
            columns.append((field.name, _CONVERTERS[field.kind], gdf[field.name].tolist()))
    geoms = list(gdf.geometry.values)
    records: list[dict[str, Any]] = []
    for row, code in enumerate(codes):
        record: dict[str, Any] = {"c": code}
        for name, convert, cells in columns:
            value = convert(cells[row])
            if value is not None and value != []:
                record[name] = value
        record.update(geometry_fields(geoms[row]))
        records.append(record)
    return records


def date_span(records: list[dict[str, Any]]) -> tuple[str, str] | None:
    """Return the first ``date_start`` and the last ``date_end`` of the records, if any.

    A record without ``date_end`` ends on its ``date_start``, as in the schema.
    """
    starts = [r["date_start"] for r in records if "date_start" in r]
    ends = [r.get("date_end", r["date_start"]) for r in records if "date_start" in r]
    if not starts:
        return None
    return min(starts), max(ends)
