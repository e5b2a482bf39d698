"""The incidents in compact columnar form: how every map carries them.

A JSON record per incident would cost a full parse before the first point is drawn, and beyond
a few hundred thousand incidents it no longer fits in one JavaScript string. Here every field
becomes one or two little-endian binary buffers instead, built with numpy and pyarrow without
a Python loop over the rows (``payload.py`` compresses them into the page, ``assets/store.js``
decodes them into the page's store):

- coordinates once, exactly (scaled ``int32``, else ``float64``), dates as day numbers,
  categories and precision codes as small integers: what the page needs to draw and filter;
- text as Arrow-style UTF-8 data plus ``int32`` offsets, dictionary-encoded (codes into a list
  of distinct values) when values repeat, as actor, place and type names do;
- list fields and sources as offsets into flattened child columns.

The page decodes a string only when a popup or tooltip shows it, so text is never parsed as a
whole, and text never becomes markup: the browser reads it with ``TextDecoder`` and inserts it
with ``textContent``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow as pa
import shapely

from geoevents.io.csv import shape_wkt
from geoevents.render import values
from geoevents.render.arrowtext import text_array, whole_array
from geoevents.render.coords import COORD_DIGITS
from geoevents.render.days import NO_DAY, date_span, day_numbers
from geoevents.render.joined import Joined
from geoevents.render.numbered import split_numbered
from geoevents.render.textcolumns import (
    add_counts,
    code_dtype,
    string_buffers,
    text_column,
    text_field,
)
from geoevents.schema import FIELDS, SOURCE_KEYS

__all__ = ["Buffer", "ColumnarIncidents", "Joined", "encode_incidents"]

#: Fields the page draws and filters with, encoded as numbers rather than text.
_NUMERIC = {"date_start", "date_end", "geo_precision", "fatalities"}


@dataclass
class Buffer:
    """One binary array of the payload.

    Parameters
    ----------
    dtype : str
        The JavaScript typed array it becomes: ``"f32"``, ``"f64"``, ``"i32"``, ``"u8"``,
        ``"u16"`` or ``"bytes"`` (UTF-8 text).
    data : bytes, memoryview or Joined
        Little-endian contents (views of arrow memory for text).
    """

    dtype: str
    data: bytes | memoryview | Joined


@dataclass
class ColumnarIncidents:
    """The incidents as buffers plus a JSON-ready description of the columns.

    Attributes
    ----------
    count : int
        Number of incidents.
    buffers : list of Buffer
        Referred to by index from ``columns``.
    columns : dict
        Field name -> description (``kind`` and buffer indexes), JSON-ready.
    shapes : list of [row, geometry]
        GeoJSON geometries of the incidents that are lines or polygons.
    date_span : tuple of str, optional
        First ``date_start`` and last ``date_end`` (ISO), when there are dates.
    precision_counts : dict
        Drawable incidents per precision symbol (1, 2, 3).
    drawable : numpy.ndarray
        Whether each incident can be drawn (it has a usable location).
    bounds : list, optional
        ``[[south, west], [north, east]]`` of the drawable incidents.
    extra : dict
        More JSON-ready descriptions of buffers the page's own parts read (``"hex"``: the
        cells of ``hexview.add_hex_cells``), merged into the page's description of the store.
    on_add : callable, optional
        Called with the index and contents (``Buffer.data``) of each buffer as it is added (not
        for a buffer equal to one already there): see ``encode_incidents``.
    """

    count: int
    buffers: list[Buffer] = field(default_factory=list)
    columns: dict[str, Any] = field(default_factory=dict)
    shapes: list[list[Any]] = field(default_factory=list)
    date_span: tuple[str, str] | None = None
    precision_counts: dict[int, int] = field(default_factory=dict)
    bounds: list[list[float]] | None = None
    drawable: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))
    extra: dict[str, Any] = field(default_factory=dict)
    on_add: Callable[[int, bytes | memoryview | Joined], None] | None = field(
        default=None, repr=False
    )
    _same: dict[tuple[str, int], list[int]] = field(default_factory=dict, repr=False)

    def add(self, dtype: str, array: np.ndarray | bytes | memoryview | Joined) -> int:
        """Append a buffer and return its index (an equal buffer already added is reused).

        Columns that hold the same codes (``country`` and ``iso3``, ``geo_precision`` and the
        drawn precision) are then embedded once. A memoryview (of arrow text, which nothing
        changes) is kept as it is: a million summaries are not copied into a ``bytes``.
        """
        if isinstance(array, np.ndarray):
            data: bytes | memoryview | Joined = np.ascontiguousarray(array).tobytes()
        elif isinstance(array, bytes | Joined):
            data = array
        else:
            data = memoryview(array).cast("B")
        # Equal buffers have equal sizes: only those are compared (hashing every buffer read
        # each byte of a million summaries once more).
        key = (dtype, len(data))
        for index in self._same.get(key, []):
            if _same_bytes(self.buffers[index].data, data):
                return index
        self.buffers.append(Buffer(dtype, data))
        index = len(self.buffers) - 1
        self._same.setdefault(key, []).append(index)
        if self.on_add is not None:
            self.on_add(index, data)
        return index


def _same_bytes(a: bytes | memoryview | Joined, b: bytes | memoryview | Joined) -> bool:
    """Whether two buffers of one size hold the same bytes."""
    if isinstance(a, Joined) or isinstance(b, Joined):
        return bytes(a) == bytes(b)  # pieces of text of equal size: rare, so copied
    return bool(np.array_equal(np.frombuffer(a, np.uint8), np.frombuffer(b, np.uint8)))


# -- text -------------------------------------------------------------------------------------


_LIST_TYPE = pa.list_(pa.string())


def _arrow_lists(
    cells: pd.Series, arrow_type: pa.DataType, per_value: Callable[[Any], Any]
) -> pa.Array:
    """A list column as one contiguous Arrow array, a missing list an empty one.

    An Arrow column of that type is taken as it is; Python values are converted whole, or value
    by value through ``per_value`` (the reading rule) when Arrow refuses them whole.
    """
    if isinstance(cells.dtype, pd.ArrowDtype) and cells.dtype.pyarrow_dtype == arrow_type:
        array = pa.array(cells.array)
    else:
        try:
            array = pa.array(cells, type=arrow_type, from_pandas=True)
        except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError):
            array = pa.array([per_value(v) for v in cells], type=arrow_type)
    array = whole_array(array)
    return whole_array(array.fill_null([])) if array.null_count else array


def _list_column(out: ColumnarIncidents, cells: pd.Series) -> dict[str, Any]:
    """A list-of-text column: offsets into one flattened text column."""
    # Arrow lists were checked in arrow memory (validation.lists.check_string_lists_arrow).
    array = _arrow_lists(cells, _LIST_TYPE, values.text_list)
    offsets = array.offsets.to_numpy().astype("<i4")
    items = text_array(array.values.slice(offsets[0], offsets[-1] - offsets[0]))
    return {
        "kind": "list",
        "lengths": add_counts(out, np.diff(offsets)),
        "items": text_column(out, items),
    }


_SOURCE_TYPE = pa.list_(pa.struct([(key, pa.string()) for key in SOURCE_KEYS]))


def _sources_column(out: ColumnarIncidents, cells: pd.Series) -> dict[str, Any]:
    """Sources: offsets into flattened source entries, one text column per source key."""
    # Arrow sources were checked in arrow memory (validation.lists.check_sources_arrow).
    array = _arrow_lists(cells, _SOURCE_TYPE, values.sources)
    offsets = array.offsets.to_numpy().astype("<i4")
    entries = array.values.slice(offsets[0], offsets[-1] - offsets[0])
    keys = {key: text_column(out, text_array(entries.field(key))) for key in SOURCE_KEYS}
    return {"kind": "sources", "lengths": add_counts(out, np.diff(offsets)), "keys": keys}


def _id_column(out: ColumnarIncidents, array: pa.Array) -> dict[str, Any]:
    """The ids: a prefix code, the number's change and its digits (``numbered.py``) when they
    are a few prefixes plus numbers, as event ids mostly are; else a text column."""
    split = split_numbered(array)
    if split is None:
        return text_column(out, array)
    dtype, numpy_dtype = code_dtype(len(split.prefixes) + 1)
    return {
        "kind": "numbered",
        "codes": out.add(dtype, split.codes.astype(numpy_dtype)),
        "prefixes": string_buffers(out, split.prefixes),
        "data": out.add("i32", split.deltas),
        "digits": out.add("u8", split.digits),
    }


# -- numbers and dates ------------------------------------------------------------------------


def _num_column(out: ColumnarIncidents, numbers: np.ndarray) -> dict[str, Any]:
    """Numbers (NaN = missing) in the smallest type that holds them exactly.

    Whole numbers from 0 up get an unsigned or 32-bit type whose largest value (or -2**31)
    stands for "missing"; anything else stays float64 with NaN.
    """
    present = numbers[~np.isnan(numbers)]
    whole = bool(
        len(present) == 0
        or (np.all(present == np.round(present)) and present.min() >= 0 and present.max() < 2**31)
    )
    if not whole:
        return {"kind": "num", "data": out.add("f64", numbers.astype("<f8"))}
    top = int(present.max()) if len(present) else 0
    dtype, numpy_dtype = code_dtype(top + 2)
    missing = {"u8": 255, "u16": 65535, "i32": NO_DAY}[dtype]
    encoded = np.where(np.isnan(numbers), missing, numbers).astype(numpy_dtype)
    return {"kind": "num", "data": out.add(dtype, encoded), "missing": missing}


def _day_column(
    out: ColumnarIncidents, days: np.ndarray, start: np.ndarray | None = None
) -> dict[str, Any]:
    """Day numbers as small offsets: from the earliest day, or (an end) from its start.

    Offsets of a few thousand days, or the zeros of one-day events, compress to a fraction of
    absolute 32-bit day numbers.
    """
    present = days != NO_DAY
    if start is not None:
        both = present & (start != NO_DAY)
        if (present == both).all() and (days[both] >= start[both]).all():
            delta = np.where(both, days - np.where(both, start, 0), -1).astype(np.int64)
            column = _num_column(out, np.where(delta < 0, np.nan, delta.astype(float)))
            return {**column, "kind": "day", "base": "date_start"}
    base = int(days[present].min()) if present.any() else 0
    offsets = np.where(present, days.astype(np.int64) - base, -1)
    column = _num_column(out, np.where(offsets < 0, np.nan, offsets.astype(float)))
    return {**column, "kind": "day", "base": base}


def _numbers(cells: pd.Series) -> np.ndarray | None:
    """Numbers as float64 (NaN where missing), or None when a cell is not a number."""
    series = pd.Series(cells)
    if pd.api.types.is_numeric_dtype(series.dtype) and not pd.api.types.is_bool_dtype(series):
        return series.to_numpy(dtype="float64", na_value=np.nan)
    if not all(
        values.is_missing(v) or (isinstance(v, (int, float)) and not isinstance(v, bool))
        for v in series
    ):
        return None
    return pd.to_numeric(series.astype(object), errors="coerce").to_numpy(dtype="float64")


def _precision_codes(cells: pd.Series | None, n: int) -> np.ndarray:
    """The precision symbol of each incident, as ``legend.precision_code`` decides it."""
    if cells is None:
        return np.ones(n, dtype="<u1")
    numbers = _numbers(cells)
    if numbers is None:
        numbers = np.array(
            [
                v if isinstance(v, (int, float)) and not isinstance(v, bool) else np.nan
                for v in cells
            ],
            dtype="float64",
        )
    codes = np.ones(n, dtype="<u1")
    codes[(numbers == 2) | (numbers == 3)] = numbers[(numbers == 2) | (numbers == 3)]
    codes[numbers > 3] = 3
    return codes


# -- geometry ---------------------------------------------------------------------------------


def _anchors(
    out: ColumnarIncidents, geoms: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Where each incident is drawn (lat, lon; NaN when it cannot be), and which are shapes."""
    n = len(geoms)
    present = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
    kinds = shapely.get_type_id(geoms)
    points = present & (kinds == 0)
    others = present & ~points & (kinds != 7)  # a GeometryCollection cannot be drawn
    lat = np.full(n, np.nan)
    lon = np.full(n, np.nan)
    lon[points] = shapely.get_x(geoms[points])
    lat[points] = shapely.get_y(geoms[points])
    shape_rows = np.flatnonzero(others)
    if len(shape_rows):
        anchors = shapely.point_on_surface(geoms[shape_rows])
        coords_ok = [np.isfinite(shapely.get_coordinates(g)).all() for g in geoms[shape_rows]]
        # Exact geometry (as the GeoJSON writer gives it) and WKT (as `list --format csv`
        # gives it): the page draws the one and exports both.
        exact = shapely.to_geojson(geoms[shape_rows])
        wkt = shape_wkt(gpd.GeoSeries(geoms[shape_rows]))
        for row, anchor, ok, geo, text in zip(
            shape_rows, anchors, coords_ok, exact, wkt, strict=True
        ):
            if not ok:
                continue
            lon[row], lat[row] = anchor.x, anchor.y
            out.shapes.append([int(row), json.loads(geo), text])
    bad = ~(np.isfinite(lat) & np.isfinite(lon))
    lat[bad] = np.nan
    lon[bad] = np.nan
    is_shape = np.zeros(n, dtype=bool)
    is_shape[[entry[0] for entry in out.shapes]] = True
    return lat, lon, is_shape


#: Exact coordinates with at most this many decimals travel as integers (10**d * degrees).
EXACT_DIGITS = 7


def _exact_coordinates(
    out: ColumnarIncidents, lat: np.ndarray, lon: np.ndarray, is_shape: np.ndarray
) -> None:
    """``_xlat``/``_xlon``: the coordinates the export writes, exactly; ``_lat``/``_lon`` too.

    A point's own coordinates; for a line or an area, its anchor rounded as ``list`` rounds
    lon/lat (6 decimals; the export takes the exact shape from the shapes block). When every
    value has at most ``EXACT_DIGITS`` decimals, they travel as int32 ``k`` with ``scale`` d,
    the fewest decimals that hold them (k / 10**d in the page gives the same double), else as
    float64. The page draws with float32 copies it makes of these, so the drawn and the
    exported coordinates are embedded once (a separate float32 pair cost 16 % of the HTML).
    """
    exact_lat, exact_lon = lat.copy(), lon.copy()
    for row in np.flatnonzero(is_shape):
        exact_lat[row] = round(float(lat[row]), COORD_DIGITS)
        exact_lon[row] = round(float(lon[row]), COORD_DIGITS)
    for name, exact in (("_xlat", exact_lat), ("_xlon", exact_lon)):
        column = _scaled_ints(out, exact)
        out.columns[name] = column or {"kind": "num", "data": out.add("f64", exact.astype("<f8"))}
        out.columns[name.replace("x", "", 1)] = out.columns[name]


def _scaled_ints(out: ColumnarIncidents, exact: np.ndarray) -> dict[str, Any] | None:
    """The values as int32 ``k`` (``k / 10**d`` gives them back), d the fewest decimals; or None.

    The fewest decimals make the integers smaller, and smaller integers compress better.
    """
    present = np.isfinite(exact)
    values = exact[present]
    for digits in range(EXACT_DIGITS + 1):
        scale = 10.0**digits
        ints = np.rint(values * scale)
        if (np.abs(ints) >= 2**31 - 1).any():
            return None
        if (ints / scale == values).all():
            encoded = np.full(len(exact), NO_DAY, dtype="<i4")
            encoded[present] = ints.astype("<i4")
            return {
                "kind": "num",
                "data": out.add("i32", encoded),
                "missing": NO_DAY,
                "scale": digits,
            }
    return None


# -- the whole table --------------------------------------------------------------------------


def encode_incidents(
    gdf: gpd.GeoDataFrame,
    codes: np.ndarray,
    on_add: Callable[[int, bytes | memoryview | Joined], None] | None = None,
) -> ColumnarIncidents:
    """Encode incidents (EPSG:4326) into columnar buffers.

    Parameters
    ----------
    gdf : geopandas.GeoDataFrame
        The incidents; schema columns it lacks count as missing.
    codes : numpy.ndarray
        The category index of each row.
    on_add : callable, optional
        Called with each new buffer's index and bytes as it is added (and for every buffer
        added to the result later): ``payload.Compressor.added`` compresses it meanwhile.

    Returns
    -------
    ColumnarIncidents
        The buffers and their description; nothing in it is markup.
    """
    n = len(gdf)
    out = ColumnarIncidents(count=n, on_add=on_add)
    geoms = np.asarray(gdf.geometry.values, dtype=object)
    lat, lon, is_shape = _anchors(out, geoms)
    drawable = np.isfinite(lat)
    out.drawable = drawable
    category_dtype, numpy_dtype = code_dtype(int(codes.max(initial=0)) + 1)
    precision = _precision_codes(gdf.get("geo_precision"), n)
    _exact_coordinates(out, lat, lon, is_shape)
    out.columns["_cat"] = {
        "kind": "num",
        "data": out.add(category_dtype, np.asarray(codes).astype(numpy_dtype)),
    }
    # Precision 0: nothing to draw; shapes are drawn by Leaflet, not on the canvas.
    drawn_precision = np.where(drawable, precision, 0).astype("<u1")
    out.columns["_prec"] = {"kind": "num", "data": out.add("u8", drawn_precision)}
    out.columns["_shape"] = {"kind": "num", "data": out.add("u8", is_shape.astype("<u1"))}
    out.precision_counts = {
        code: int(np.count_nonzero(drawn_precision == code)) for code in (1, 2, 3)
    }
    if drawable.any():
        out.bounds = [
            [
                round(float(lat[drawable].min()), COORD_DIGITS),
                round(float(lon[drawable].min()), COORD_DIGITS),
            ],
            [
                round(float(lat[drawable].max()), COORD_DIGITS),
                round(float(lon[drawable].max()), COORD_DIGITS),
            ],
        ]

    days_start: np.ndarray | None = None
    parsed: dict[str, np.ndarray] = {}
    for spec in FIELDS:
        if spec.name not in gdf.columns:
            continue
        cells = gdf[spec.name]
        if spec.kind == "date":
            days = day_numbers(cells)
            if days is not None:
                parsed[spec.name] = days
                relative = days_start if spec.name == "date_end" else None
                out.columns[spec.name] = _day_column(out, days, relative)
                if spec.name == "date_start":
                    days_start = days
                continue
        elif spec.kind == "int":
            numbers = _numbers(cells)
            if numbers is not None and np.isfinite(numbers[~np.isnan(numbers)]).all():
                out.columns[spec.name] = _num_column(out, numbers)
                continue
        elif spec.kind == "list[str]":
            out.columns[spec.name] = _list_column(out, cells)
            continue
        elif spec.kind == "list[source]":
            out.columns[spec.name] = _sources_column(out, cells)
            continue
        if spec.name == "id":
            out.columns["id"] = _id_column(out, text_array(cells))
            continue
        out.columns[spec.name] = text_field(out, cells)
    out.date_span = date_span(gdf, parsed)
    return out
