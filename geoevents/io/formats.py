"""Format dispatch: every command reads and writes incident stores chosen by file extension.

GeoJSON goes through our strict reader (:mod:`geoevents.io.geojson`); GeoParquet, GeoPackage and
CSV through their own modules (:mod:`~geoevents.io.parquet`, :mod:`~geoevents.io.gpkg`,
:mod:`~geoevents.io.csv`). All of them then pass the same schema checks. A GeoParquet store may
also be many files (a directory, hive-partitioned or not, or a glob), read as one table; given a
:class:`~geoevents.filters.Criteria`, rows that cannot match are left out as it is read.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow as pa

from geoevents import schema
from geoevents._heap import release_freed_memory
from geoevents.errors import InputError, ValidationError
from geoevents.filters import Criteria, filter_incidents
from geoevents.io.atomic import atomic_write, check_target, refuse_overwrite
from geoevents.io.csv import read_csv, write_csv
from geoevents.io.geojson import read_geojson, write_geojson
from geoevents.io.gpkg import read_gpkg, write_gpkg
from geoevents.io.memory import check_memory
from geoevents.io.parquet import read_parquet, write_parquet, write_partitioned
from geoevents.io.stores import FORMATS, Store, format_for, resolve_store
from geoevents.problems import ValidationReport, first_lines
from geoevents.validation import check_frame, validate_frame

__all__ = [
    "FORMATS",
    "format_for",
    "load",
    "read_columns",
    "read_incidents",
    "usable_incidents",
    "validate",
    "write_incidents",
]

#: The fix a refusal of invalid incidents names, as a call spells it (GeoeventsError.options).
_SKIP_INVALID = "skip_invalid=True"


def _columns(store: Store, criteria: Criteria | None) -> tuple[pd.DataFrame, Any]:
    if store.fmt == "csv":
        return read_csv(store.path)
    if store.fmt == "gpkg":
        return read_gpkg(store.path)
    return read_parquet(store, criteria)


def read_columns(path: str | os.PathLike[str]) -> tuple[pd.DataFrame, Any]:
    """Read a table store's columns and geometries as they are, before any check.

    For tests and tools that compare readers: :func:`read_incidents` is this plus the checks.

    Parameters
    ----------
    path : path-like
        A GeoParquet (file, directory or glob), GeoPackage or CSV store.

    Returns
    -------
    raw, geometry
        One row per incident, one column per property as stored (text as arrow, lists of a
        GeoParquet store as arrow lists, JSON text as text); and the geometries.
    """
    store = resolve_store(path)
    if store.fmt == "geojson":
        raise ValueError(f"{path}: read_columns reads table stores; use read_incidents")
    return _columns(store, None)


def read_incidents(
    path: str | os.PathLike[str] | Store,
    *,
    incidents: bool = True,
    criteria: Criteria | None = None,
    arrow_text: bool = False,
) -> tuple[gpd.GeoDataFrame | None, ValidationReport, set[int]]:
    """Read an incident store and check it, without raising for validation problems.

    Parameters
    ----------
    path : path-like
        A ``.geojson``/``.json``, ``.parquet``, ``.gpkg`` or ``.csv`` file; or a GeoParquet
        store of many files: a directory (``year=2019/`` folders included) or a glob
        (``data/*.parquet``); or a :class:`~geoevents.io.stores.Store` already resolved (one
        partition of a store, as :mod:`geoevents.cluster` reads it).
    incidents : bool, default True
        Check the incident schema (GeoJSON only may skip it, to check plain RFC 7946).
    criteria : Criteria, optional
        Leave out, before they are read, rows of a GeoParquet store that cannot match (by date,
        event type, and bounding box where the store has bbox columns). The rows returned may
        still include some that do not match: filter them with
        :func:`geoevents.filter_incidents` (:func:`load` does). Rows left out are not checked.
    arrow_text : bool, default False
        From a GeoParquet store, keep the free-text columns as pandas ``ArrowDtype`` strings
        (see :func:`geoevents.validation.check_frame`): for a caller that only encodes them,
        such as the map's columnar encoder. Other formats give Python strings either way.

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
    given = isinstance(path, Store)
    store = path if given else resolve_store(path)
    # Refuse up front what would not fit: better one clear line than a swap storm. A store
    # given resolved is a partition: its files are what is read, not all of its root's.
    check_memory(store.files[0] if given and len(store.files) == 1 else store.path, store.fmt)
    try:
        return _read_checked(store, incidents, criteria, arrow_text)
    except MemoryError:
        # The estimate was short (or other work took the memory): what was built is gone by
        # now, and one line is better than a traceback.
        raise InputError(
            f"{store.path}: ran out of memory while reading it; free memory (or raise ulimit "
            "-v), or split or filter it into smaller files (e.g. by country or by year)"
        ) from None


def _read_checked(
    store: Store, incidents: bool, criteria: Criteria | None, arrow_text: bool
) -> tuple[gpd.GeoDataFrame | None, ValidationReport, set[int]]:
    source = str(store.path)
    if store.fmt == "geojson":
        return read_geojson(store.path.read_bytes(), source, incidents=incidents)
    raw, geoms = _columns(store, criteria)
    report = ValidationReport(source=source, count=len(raw))
    gdf, bad = check_frame(
        raw, geoms, report, json_text=schema.LIST_FIELDS, consume=True, arrow_text=arrow_text
    )
    del raw, geoms
    # Arrow's pool and the C heap keep what the columns read and the checks held, to reuse;
    # nothing will reuse it now.
    release_freed_memory()
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


def load(
    path: str | os.PathLike[str],
    *,
    skip_invalid: bool = False,
    criteria: Criteria | None = None,
) -> gpd.GeoDataFrame:
    """Read and validate an incident store; return its incidents.

    Parameters
    ----------
    path : path-like
        A ``.geojson``, ``.parquet``, ``.gpkg`` or ``.csv`` store; or a GeoParquet store of
        many files (a directory, hive-partitioned or not, or a glob).
    skip_invalid : bool, default False
        Drop the incidents that have errors instead of refusing the whole file. Problems of the
        file as a whole (bad JSON, a legacy ``crs``) still raise.
    criteria : Criteria, optional
        Return only the incidents that match: the same rows as ``filter_incidents(load(path),
        criteria)``, but a GeoParquet store skips what cannot match as it is read (only the
        rows read are checked).

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
    >>> syria = geoevents.load("store/", criteria=Criteria(start="2019"))  # doctest: +SKIP
    """
    found = read_incidents(path, criteria=criteria)
    gdf = usable_incidents(*found, skip_invalid=skip_invalid)
    return gdf if criteria is None else filter_incidents(gdf, criteria)


def usable_incidents(
    gdf: gpd.GeoDataFrame | None,
    report: ValidationReport,
    bad: set[int],
    *,
    skip_invalid: bool = False,
    consume: bool = False,
) -> gpd.GeoDataFrame:
    """Decide what :func:`read_incidents` gave: the incidents to use, or a ValidationError.

    Errors of the file as a whole always refuse it; errors of single incidents refuse it
    unless ``skip_invalid``, which drops those incidents instead. ``consume``: the caller
    gives ``gdf`` away, and each of its columns is let go of once its rows are copied (a
    million incidents' columns are then not held twice).
    """
    file_level = report.file_level("error")
    if gdf is None or file_level or (report.errors and not skip_invalid):
        errors = report.errors
        shown = "\n".join(first_lines(errors.formatted(report.source), 10))
        can_skip = gdf is not None and not file_level
        hint = f" (or pass {_SKIP_INVALID} to use the rest)" if can_skip else ""
        raise ValidationError(
            f"{report.source} has {len(errors)} error(s); fix them{hint}:\n{shown}",
            report,
            options=(_SKIP_INVALID,) if can_skip else (),
        )
    if bad:
        gdf = _without_rows(gdf, bad, consume)
    return gdf


def _without_rows(gdf: gpd.GeoDataFrame, bad: set[int], consume: bool) -> gpd.GeoDataFrame:
    """``gdf`` without the rows at positions ``bad``, from 0 again."""
    keep = np.ones(len(gdf), dtype=bool)
    keep[np.fromiter(bad, dtype=np.int64, count=len(bad))] = False
    if not consume:
        # A boolean mask, not positions: arrow columns are filtered chunk by chunk (a take
        # joins the chunks first, a copy of a million summaries before the copy).
        return gdf[keep].reset_index(drop=True)
    name, crs = gdf.geometry.name, gdf.crs
    order = list(gdf.columns)
    # The large arrow columns (a million summaries: 210 MB) one after another in a thread,
    # each let go of once copied; the others meanwhile here, each let go of by the frame once
    # copied. A column read from one row group is slices of one buffer, freed only when the
    # whole column is: copied beside another large one, both were held twice at once (the
    # dirty million's peak).
    large = [(c, gdf.pop(c)) for c in order if c != name and _arrow_bytes(gdf[c]) >= _LARGE_COLUMN]

    def copy_large() -> dict[str, pd.Series]:
        copied = {}
        while large:
            column, series = large.pop(0)
            copied[column] = _rows_of(series, keep)
            del series
        return copied

    columns: dict[str, Any] = {}
    with ThreadPoolExecutor(max_workers=1) as pool:
        copying = pool.submit(copy_large)
        for column in list(gdf.columns):
            columns[column] = _rows_of(gdf[column], keep)
            if column != name:  # the geometries' shapely objects are shared, not copied
                del gdf[column]
        columns.update(copying.result())
    release_freed_memory()
    return gpd.GeoDataFrame({c: columns[c] for c in order}, geometry=name, crs=crs, copy=False)


#: Arrow columns of this many bytes are copied one at a time (see _without_rows).
_LARGE_COLUMN = 32 << 20


def _arrow_bytes(series: pd.Series) -> int:
    """The bytes of an arrow-backed column's data (0 for any other column)."""
    if not isinstance(series.dtype, pd.ArrowDtype):
        return 0
    return pa.array(series.array).nbytes


def _rows_of(series: pd.Series, keep: np.ndarray) -> pd.Series:
    """The rows ``keep`` of ``series``, in its dtype (pandas would infer one for object
    columns: str for text)."""
    return pd.Series(series.array[keep], dtype=series.dtype, copy=False)


# -- writing ----------------------------------------------------------------------------------


def write_incidents(
    gdf: gpd.GeoDataFrame,
    path: str | os.PathLike[str],
    *,
    overwrite: bool = True,
    partition_by: str | None = None,
    inputs: Iterable[str | os.PathLike[str]] = (),
) -> Path:
    """Write incidents to ``path`` in the format its extension names, atomically.

    Parameters
    ----------
    gdf : geopandas.GeoDataFrame
        Incidents with the schema's columns.
    path : path-like
        ``.geojson``, ``.parquet``, ``.gpkg`` or ``.csv``; with ``partition_by``, a directory.
    overwrite : bool, default True
        With False, refuse to replace an existing file.
    partition_by : {"year"}, optional
        Write a hive-partitioned GeoParquet store instead: a directory with a
        ``year=2019/part-0.parquet`` file per year of ``date_start``, which :func:`load` reads
        back as one store (and pyarrow.dataset, DuckDB or Spark too).
    inputs : iterable of path-like
        What the caller read to make ``gdf``: ``path`` may be none of them (even with
        ``overwrite``), nor a device, a FIFO or a directory (see
        :func:`geoevents.io.atomic.check_target`). A symbolic link is written through.

    Returns
    -------
    pathlib.Path
        The path written.

    Raises
    ------
    OutputError
        When the file exists (and ``overwrite`` is False), is one of ``inputs`` or not a regular
        file, or cannot be written.
    """
    inputs = tuple(inputs)
    check_target(path, inputs=inputs, directory=partition_by is not None)  # "" is not "."
    dest = Path(path)
    if partition_by is not None:
        write_partitioned(gdf, dest, partition_by, overwrite=overwrite, inputs=inputs)
        return dest
    fmt = format_for(dest)
    refuse_overwrite(dest, overwrite)
    with atomic_write(dest, inputs=inputs) as tmp:
        if fmt == "geojson":
            write_geojson(gdf, tmp)
        elif fmt == "parquet":
            write_parquet(gdf, tmp)
        elif fmt == "gpkg":
            write_gpkg(gdf, tmp)
        else:
            write_csv(gdf, tmp)
    return dest
