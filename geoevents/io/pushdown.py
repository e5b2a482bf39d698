"""Which rows of a GeoParquet store can match a :class:`~geoevents.filters.Criteria`, as a
pyarrow filter expression, so that the rest are never read.

The expression keeps every row that :func:`geoevents.filters.filter_incidents` could keep (a
superset): the exact filter still runs on what was read. Only what can be decided on the raw
columns is pushed down: the date range (ISO text compares as dates), the event types and the
bounding box, the last one through GeoParquet 1.1 ``bbox`` covering columns when the store has
them. A column of another type than the schema's (a foreign file's ``date32`` dates, say) is
not pushed down: the checks report it.
"""

from __future__ import annotations

import json

import pyarrow as pa
import pyarrow.dataset as ds

from geoevents.filters import Criteria

__all__ = ["bbox_covering", "only_pushed_down", "pushdown_filter"]


def _is_text(schema: pa.Schema, name: str) -> bool:
    index = schema.get_field_index(name)
    if index < 0:
        return False
    t = schema.field(index).type
    if pa.types.is_dictionary(t):
        t = t.value_type
    return pa.types.is_string(t) or pa.types.is_large_string(t) or pa.types.is_string_view(t)


def bbox_covering(schema: pa.Schema) -> dict[str, list[str]] | None:
    """The GeoParquet 1.1 ``bbox`` covering of the primary geometry column, when the store has one.

    Returns
    -------
    dict or None
        ``{"xmin": ["bbox", "xmin"], ...}``: each bound's column path, as the ``geo`` metadata
        names it; None when there is no covering or its columns are not double-typed fields.
    """
    try:
        geo = json.loads((schema.metadata or {})[b"geo"])
        covering = geo["columns"][geo["primary_column"]]["covering"]["bbox"]
    except (KeyError, TypeError, ValueError):
        return None
    if not isinstance(covering, dict) or set(covering) != {"xmin", "ymin", "xmax", "ymax"}:
        return None
    for path in covering.values():
        if not (isinstance(path, list) and path and all(isinstance(p, str) for p in path)):
            return None
        t: pa.DataType | None = None
        fields: pa.Schema | pa.StructType = schema
        for part in path:
            index = fields.get_field_index(part)
            if index < 0:
                return None
            t = fields.field(index).type
            fields = t if pa.types.is_struct(t) else pa.struct([])
        if t is None or not pa.types.is_floating(t):
            return None
    return covering


def only_pushed_down(criteria: Criteria) -> bool:
    """Whether ``criteria`` filter only by what :func:`pushdown_filter` can push down (dates,
    event types, a bounding box): the rows the store's filter keeps are then the selection,
    less only rows the checks refuse."""
    c = criteria
    return c == Criteria(start=c.start, end=c.end, types=c.types, bbox=c.bbox)


def pushdown_filter(criteria: Criteria | None, schema: pa.Schema) -> ds.Expression | None:
    """A pyarrow expression that keeps every row ``criteria`` could keep, or None.

    Parameters
    ----------
    criteria : Criteria or None
        The filters the caller will apply exactly afterwards.
    schema : pyarrow.Schema
        The store's schema (with its ``geo`` metadata).

    Returns
    -------
    pyarrow.dataset.Expression or None
        None when nothing can be pushed down.
    """
    if criteria is None:
        return None
    parts: list[ds.Expression] = []
    start, end = criteria.start_date, criteria.end_date
    has_end = _is_text(schema, "date_end")
    if end is not None and _is_text(schema, "date_start"):
        parts.append(ds.field("date_start") <= end.isoformat())
    if start is not None and _is_text(schema, "date_start"):
        # A missing date_end defaults to date_start; a column that is not there is missing.
        from_start = ds.field("date_start") >= start.isoformat()
        if has_end:
            end_field = ds.field("date_end")
            parts.append((end_field >= start.isoformat()) | (end_field.is_null() & from_start))
        elif schema.get_field_index("date_end") < 0:
            parts.append(from_start)
    if criteria.types and _is_text(schema, "event_type"):
        parts.append(ds.field("event_type").isin(list(criteria.types)))
    covering = bbox_covering(schema) if criteria.bbox is not None else None
    if criteria.bbox is not None and covering is not None:
        west, south, east, north = criteria.bbox
        xmin, ymin, xmax, ymax = (ds.field(*covering[k]) for k in ("xmin", "ymin", "xmax", "ymax"))
        # The filter keeps an incident whose representative point is in the box: a point of the
        # geometry, so inside its bounds, which then meet the box.
        inside = (xmin <= east) & (xmax >= west)
        crossing = (xmax >= west) | (xmin <= east)  # a box across the antimeridian
        lon = inside if west <= east else crossing
        parts.append(lon & (ymin <= north) & (ymax >= south))
    if not parts:
        return None
    out = parts[0]
    for part in parts[1:]:
        out = out & part
    return out
