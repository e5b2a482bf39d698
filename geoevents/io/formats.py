"""Format dispatch: every command reads and writes incident stores chosen by file extension.

GeoJSON goes through our strict reader; GeoParquet and GeoPackage through pyarrow / pyogrio; CSV
through pandas (``lon``/``lat`` columns). All of them then pass the same schema checks. List
fields (``sources``, ``assoc_actors``, ``tags``) are stored as JSON text in the tabular formats,
so that no format loses a field.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import shapely

from geoevents import schema
from geoevents.errors import InputError, OutputError, UsageError, ValidationError
from geoevents.io.atomic import atomic_write
from geoevents.io.geojson import read_geojson, write_geojson
from geoevents.io.memory import check_memory
from geoevents.problems import ValidationReport, first_lines
from geoevents.validation import check_frame, validate_frame

__all__ = [
    "FORMATS",
    "format_for",
    "load",
    "read_incidents",
    "usable_incidents",
    "validate",
    "write_incidents",
]

#: The fixes messages name, as a call spells them (see GeoeventsError.options).
_SKIP_INVALID = "skip_invalid=True"
_OVERWRITE = "overwrite=True"

#: File extension -> format name.
FORMATS: dict[str, str] = {
    ".geojson": "geojson",
    ".json": "geojson",
    ".parquet": "parquet",
    ".geoparquet": "parquet",
    ".gpkg": "gpkg",
    ".csv": "csv",
}


def format_for(path: str | os.PathLike[str]) -> str:
    """Return the format name for ``path`` from its extension.

    Raises
    ------
    UsageError
        For an extension geoevents does not know.
    """
    suffix = Path(path).suffix.lower()
    try:
        return FORMATS[suffix]
    except KeyError:
        known = ", ".join(sorted(FORMATS))
        raise UsageError(
            f"{path}: unknown file type {suffix or '(no extension)'!r}; use one of {known}"
        ) from None


def _check_readable(path: Path) -> None:
    if not path.exists():
        raise InputError(f"{path}: no such file; check the path")
    if path.is_dir():
        raise InputError(f"{path}: is a directory, not an incident file; name a file inside it")
    if not os.access(path, os.R_OK):
        raise InputError(f"{path}: permission denied; check the file's permissions")


def read_incidents(
    path: str | os.PathLike[str], *, incidents: bool = True
) -> tuple[gpd.GeoDataFrame | None, ValidationReport, set[int]]:
    """Read an incident store and check it, without raising for validation problems.

    Parameters
    ----------
    path : path-like
        A ``.geojson``/``.json``, ``.parquet``, ``.gpkg`` or ``.csv`` file.
    incidents : bool, default True
        Check the incident schema (GeoJSON only may skip it, to check plain RFC 7946).

    Returns
    -------
    gdf, report, bad_rows
        The incidents (None when the file is too broken to build a table), the report of every
        problem, and the positions of rows that have errors. From a table store, rows whose
        ``sources`` text is the same share the source dicts (every row has its own list, as
        imports do): copy one before changing it in place.

    Raises
    ------
    InputError
        When the file is missing, unreadable, not UTF-8 or not parseable at all.
    """
    path = Path(path)
    fmt = format_for(path)
    _check_readable(path)
    # Refuse up front what would not fit: better one clear line than a swap storm.
    check_memory(path, fmt)
    source = str(path)
    if fmt == "geojson":
        return read_geojson(path.read_bytes(), source, incidents=incidents)
    if fmt == "csv":
        raw, geoms = _read_csv(path)
    else:
        raw, geoms = _read_table(path, fmt)
    report = ValidationReport(source=source, count=len(raw))
    gdf, bad = check_frame(raw, geoms, report, json_text=schema.LIST_FIELDS, consume=True)
    del raw, geoms
    # The arrow pool keeps what the columns read held, to reuse; nothing will reuse it now.
    pa.default_memory_pool().release_unused()
    return gdf, report, bad


def validate(
    source: str | os.PathLike[str] | gpd.GeoDataFrame, *, incidents: bool = True
) -> ValidationReport:
    """Validate an incident file (or table) and report every problem at once.

    Parameters
    ----------
    source : path or GeoDataFrame
        A GeoJSON, GeoParquet, GeoPackage or CSV store, or a table in memory.
    incidents : bool, default True
        Check the incident schema. With False, only check that the file is RFC 7946 GeoJSON
        with valid, in-range geometries (any GeoJSON object is accepted).

    Returns
    -------
    ValidationReport
        ``report.ok`` is True when there is no error (warnings allowed).

    Raises
    ------
    InputError
        When the file cannot be read at all (missing, not UTF-8, not JSON).
    """
    if isinstance(source, gpd.GeoDataFrame):
        return validate_frame(source)
    _, report, _ = read_incidents(source, incidents=incidents)
    return report


def load(path: str | os.PathLike[str], *, skip_invalid: bool = False) -> gpd.GeoDataFrame:
    """Read and validate an incident store; return its incidents.

    Parameters
    ----------
    path : path-like
        A ``.geojson``, ``.parquet``, ``.gpkg`` or ``.csv`` store.
    skip_invalid : bool, default False
        Drop the incidents that have errors instead of refusing the whole file. Problems of the
        file as a whole (bad JSON, a legacy ``crs``) still raise.

    Returns
    -------
    geopandas.GeoDataFrame
        One row per incident, the columns of :data:`geoevents.schema.COLUMNS` plus ``geometry``,
        in EPSG:4326.

    Raises
    ------
    InputError
        When the file cannot be read.
    ValidationError
        When it has errors (the exception's ``report`` lists them all).

    Examples
    --------
    >>> import geoevents
    >>> gdf = geoevents.load("data/incidents.geojson")  # doctest: +SKIP
    """
    return usable_incidents(*read_incidents(path), skip_invalid=skip_invalid)


def usable_incidents(
    gdf: gpd.GeoDataFrame | None,
    report: ValidationReport,
    bad: set[int],
    *,
    skip_invalid: bool = False,
) -> gpd.GeoDataFrame:
    """Decide what :func:`read_incidents` gave: the incidents to use, or a ValidationError.

    Errors of the file as a whole always refuse it; errors of single incidents refuse it
    unless ``skip_invalid``, which drops those incidents instead.
    """
    file_level = [p for p in report.errors if p.index is None]
    if gdf is None or file_level or (report.errors and not skip_invalid):
        errors = report.errors
        shown = "\n".join(first_lines([p.format(report.source) for p in errors], 10))
        can_skip = gdf is not None and not file_level
        hint = f" (or pass {_SKIP_INVALID} to use the rest)" if can_skip else ""
        raise ValidationError(
            f"{report.source} has {len(errors)} error(s); fix them{hint}:\n{shown}",
            report,
            options=(_SKIP_INVALID,) if can_skip else (),
        )
    if bad:
        gdf = gdf.drop(index=sorted(bad)).reset_index(drop=True)
    return gdf


# -- tabular formats --------------------------------------------------------------------------


def _is_text(t: pa.DataType) -> bool:
    if pa.types.is_dictionary(t):
        t = t.value_type
    return pa.types.is_string(t) or pa.types.is_large_string(t) or pa.types.is_string_view(t)


def _arrow_dtype(t: pa.DataType) -> pd.ArrowDtype | None:
    """Keep text and lists of text in arrow memory: the checks read them there in bulk."""
    is_list = pa.types.is_list(t) or pa.types.is_large_list(t)
    if _is_text(t) or (is_list and _is_text(t.value_type)):
        return pd.ArrowDtype(t)
    return None  # pandas' own conversion


def _text_columns(path: Path) -> list[str]:
    """Text columns to read dictionary-encoded: one Python string per distinct value, not per
    row. Free text and ids are (nearly) all distinct, so encoding them would only cost time."""
    try:
        fields = pq.read_schema(path)
    except (pa.ArrowException, OSError):
        return []  # the reader proper reports what is wrong
    names = []
    for field in fields:
        t = field.type
        if pa.types.is_list(t) or pa.types.is_large_list(t):
            t = t.value_type
            name = f"{field.name}.list.element"
        else:
            name = field.name
        if field.name not in ("id", "summary") and _arrow_dtype(t) is not None:
            names.append(name)
    return names


def _as_checked_before(raw: pd.DataFrame) -> pd.DataFrame:
    """Turn the columns the checks do not read in bulk into Python objects, as they always were.

    Numbers and (lists of) text stay typed: the checks read them as they are, null being no
    value either way. A list column that holds a null item is converted too, so that its
    error message shows the value as it always has.
    """
    for name, dtype in raw.dtypes.items():
        column = raw[name]
        if isinstance(dtype, pd.ArrowDtype):
            t = dtype.pyarrow_dtype
            if not (pa.types.is_list(t) or pa.types.is_large_list(t)):
                continue
            items = pa.array(column.array)
            if isinstance(items, pa.ChunkedArray):
                items = items.combine_chunks()
            if not items.flatten().null_count:
                continue
            item = t.value_type.value_type if pa.types.is_dictionary(t.value_type) else t.value_type
            plain = pa.large_list(item) if pa.types.is_large_list(t) else pa.list_(item)
            column = pd.Series(items.cast(plain).to_pandas(), index=raw.index, name=name)
        elif isinstance(dtype, pd.StringDtype) or pd.api.types.is_numeric_dtype(dtype):
            continue
        column = column.astype(object)
        raw[name] = column.where(column.notna(), None)
    return raw


def _read_table(path: Path, fmt: str) -> tuple[pd.DataFrame, gpd.GeoSeries]:
    try:
        if fmt == "parquet":
            gdf = gpd.read_parquet(
                path,
                read_dictionary=_text_columns(path),
                to_pandas_kwargs={"types_mapper": _arrow_dtype},
            )
        else:
            gdf = gpd.read_file(path, engine="pyogrio")
    except (ValueError, OSError) as exc:
        raise InputError(f"{path}: cannot read as {fmt}: {exc}; check the file") from None
    except Exception as exc:  # pyarrow / GDAL raise their own error classes for corrupt files
        if type(exc).__module__.split(".")[0] in ("pyarrow", "pyogrio", "shapely"):
            raise InputError(f"{path}: cannot read as {fmt}: {exc}; check the file") from None
        raise
    if gdf.crs is not None and not gdf.crs.equals("EPSG:4326"):
        gdf = gdf.to_crs("EPSG:4326")
    raw = _as_checked_before(pd.DataFrame(gdf.drop(columns=gdf.geometry.name)))
    return raw, gdf.geometry


def _read_csv(path: Path) -> tuple[pd.DataFrame, list[Any]]:
    try:
        raw = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise InputError(f"{path}: not UTF-8 text; re-save it as UTF-8") from None
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise InputError(f"{path}: not a readable CSV ({exc}); check the file") from None
    raw = raw.astype(object).where(raw != "", None)
    geoms: list[Any] = []
    wkt = raw.pop("wkt") if "wkt" in raw.columns else pd.Series([None] * len(raw))
    if not {"lon", "lat"} <= set(raw.columns) and wkt.isna().all():
        raise InputError(f"{path}: the CSV needs 'lon' and 'lat' columns (WGS84 degrees)")
    lons = raw.pop("lon") if "lon" in raw.columns else pd.Series([None] * len(raw))
    lats = raw.pop("lat") if "lat" in raw.columns else pd.Series([None] * len(raw))
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


# -- writing ----------------------------------------------------------------------------------


def _as_table(gdf: gpd.GeoDataFrame, lists_as_json: tuple[str, ...]) -> gpd.GeoDataFrame:
    out = gdf[[*[c for c in schema.COLUMNS if c in gdf.columns], gdf.geometry.name]].copy()
    for name in lists_as_json:
        if name in out.columns:
            out[name] = [
                json.dumps(list(v) if v is not None else [], ensure_ascii=False) for v in out[name]
            ]
    return out


def write_incidents(
    gdf: gpd.GeoDataFrame, path: str | os.PathLike[str], *, overwrite: bool = True
) -> Path:
    """Write incidents to ``path`` in the format its extension names, atomically.

    Parameters
    ----------
    gdf : geopandas.GeoDataFrame
        Incidents with the schema's columns.
    path : path-like
        ``.geojson``, ``.parquet``, ``.gpkg`` or ``.csv``.
    overwrite : bool, default True
        With False, refuse to replace an existing file.

    Returns
    -------
    pathlib.Path
        The path written.

    Raises
    ------
    OutputError
        When the file exists (and ``overwrite`` is False) or cannot be written.
    """
    dest = Path(path)
    fmt = format_for(dest)
    if dest.exists() and not overwrite:
        raise OutputError(
            f"{dest}: already exists; pass {_OVERWRITE} to replace it", options=(_OVERWRITE,)
        )
    if dest.is_dir():
        raise OutputError(f"{dest}: is a directory; name a file")
    with atomic_write(dest) as tmp:
        if fmt == "geojson":
            write_geojson(gdf, tmp)
        elif fmt == "parquet":
            _as_table(gdf, ("sources",)).to_parquet(tmp, index=False)
        elif fmt == "gpkg":
            table = _as_table(gdf, schema.LIST_FIELDS)
            table.to_file(tmp, driver="GPKG", layer="incidents", engine="pyogrio")
        else:
            table = _as_table(gdf, schema.LIST_FIELDS)
            points = table.geometry.geom_type == "Point"
            frame = pd.DataFrame(table.drop(columns=table.geometry.name))
            frame["lon"] = shapely.get_x(table.geometry.values).round(7)
            frame["lat"] = shapely.get_y(table.geometry.values).round(7)
            frame.loc[~points, ["lon", "lat"]] = None
            frame["wkt"] = table.geometry.to_wkt().where(~points)
            frame.to_csv(tmp, index=False)
    return dest
