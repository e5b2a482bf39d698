"""GeoParquet: one file, or a store of many (a directory, hive-partitioned or not, or a glob).

Every file is written with one explicit Arrow type per schema column, whatever the data (a
column that is empty everywhere is still ``string``, never Arrow's ``null`` type), so that
pyarrow.dataset, DuckDB or Spark read any number of our files together. Files are GeoParquet
1.1 with ``bbox`` covering columns, which readers (ours included) use to skip rows outside a
bounding box. ``sources`` is JSON text; the other lists are native ``list<string>``.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.parquet as pq

from geoevents import schema
from geoevents._gc import gc_paused
from geoevents.errors import GeoeventsError, InputError, UsageError
from geoevents.filters import Criteria
from geoevents.io.atomic import atomic_directory, check_target, refuse_overwrite
from geoevents.io.columns import arrow_dtype, as_checked_before, as_table, is_list_type, reading
from geoevents.io.pushdown import bbox_covering, pushdown_filter
from geoevents.io.stores import FORMATS, Store
from geoevents.validation.text import is_text_dtype

__all__ = [
    "ARROW_TYPES",
    "PARTITION_KEYS",
    "read_parquet",
    "rows_kept",
    "write_parquet",
    "write_partitioned",
]

_KIND_TYPES: dict[str, pa.DataType] = {
    "str": pa.string(),
    "date": pa.string(),  # ISO text, as in memory (see geoevents.schema)
    "int": pa.int64(),
    "list[str]": pa.list_(pa.string()),
    "list[source]": pa.string(),  # JSON text: the source objects have optional keys
}
#: The Arrow type of every schema column in a GeoParquet file we write.
ARROW_TYPES: dict[str, pa.DataType] = {f.name: _KIND_TYPES[f.kind] for f in schema.FIELDS}
#: What ``write_incidents(..., partition_by=)`` can split a store by: a folder per value.
PARTITION_KEYS = schema.PARTITION_KEYS
_MUST_AGREE = ("encoding", "crs", "edges")
_INT_COLUMNS = tuple(name for name, t in ARROW_TYPES.items() if pa.types.is_integer(t))


# -- writing ----------------------------------------------------------------------------------


def _typed(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The schema's columns, every one of them, each with its Arrow type."""
    table = as_table(gdf, ("sources",))
    n = len(table)
    for position, (name, t) in enumerate(ARROW_TYPES.items()):
        values: Any = table[name] if name in table.columns else pd.Series([None] * n)
        try:
            if name in _INT_COLUMNS:
                # pandas' own nullable ints: the file's pandas metadata then reads back as before.
                column = pd.Series(values, index=table.index).astype("Int64")
            else:
                array = pa.array(values, type=t, from_pandas=True)
                column = pd.Series(pd.arrays.ArrowExtensionArray(array), index=table.index)
        except (pa.ArrowException, TypeError, ValueError):
            # Values of another type (a table that was never validated): write what they are;
            # reading the file reports them.
            continue
        if name in table.columns:
            table[name] = column
        else:
            table.insert(position, name, column)
    return table


def write_parquet(gdf: gpd.GeoDataFrame, path: str | os.PathLike[str]) -> None:
    """Write incidents to one GeoParquet 1.1 file, with bbox covering columns (not atomic:
    :func:`geoevents.io.write_incidents` writes through a temporary file)."""
    _typed(gdf).to_parquet(path, index=False, schema_version="1.1.0", write_covering_bbox=True)


def write_partitioned(
    gdf: gpd.GeoDataFrame,
    dest: Path,
    by: str,
    *,
    overwrite: bool = True,
    inputs: Iterable[str | os.PathLike[str]] = (),
) -> None:
    """Write incidents as a hive-partitioned GeoParquet store: ``dest/year=2019/part-0.parquet``.

    The directory is built next to ``dest`` and moved into place whole, replacing an earlier
    store there (with ``overwrite``). Rows without a ``date_start`` go to the folder that
    hive readers take for a null key.

    Raises
    ------
    UsageError
        For a key not in :data:`PARTITION_KEYS`, or a ``dest`` named like a file of another
        format.
    OutputError
        When ``dest`` exists (and ``overwrite`` is False), cannot be written, or holds
        something other than a GeoParquet store.
    """
    if by not in PARTITION_KEYS:
        raise UsageError(f"cannot partition by {by!r}; use one of {', '.join(PARTITION_KEYS)}")
    if dest.suffix.lower() in FORMATS and FORMATS[dest.suffix.lower()] != "parquet":
        raise UsageError(
            f"{dest}: a partitioned store is a directory of GeoParquet files; name a directory "
            f"(e.g. {dest.with_suffix('')})"
        )
    check_target(dest, inputs=inputs, directory=True)
    refuse_overwrite(dest, overwrite)
    years = pd.Series(gdf["date_start"], dtype=object).str[:4]
    keys = years.where(years.str.fullmatch(r"\d{4}").fillna(False), None)
    with atomic_directory(dest, what="the store", inputs=inputs) as tmp:
        for value in sorted(set(keys.dropna())) + ([None] if keys.isna().any() else []):
            rows = keys.isna() if value is None else keys == value
            # The key's folder; pyarrow and DuckDB read this name for a null key.
            folder = tmp / f"{by}={value if value is not None else '__HIVE_DEFAULT_PARTITION__'}"
            folder.mkdir()
            write_parquet(gdf[rows.to_numpy()], folder / "part-0.parquet")


# -- reading ----------------------------------------------------------------------------------


def _text_columns(file_schema: pa.Schema) -> list[str]:
    """Text columns to read dictionary-encoded: one Python string per distinct value, not per
    row. Free text and ids are (nearly) all distinct, so encoding them would only cost time."""
    names = []
    for field in file_schema:
        t = field.type
        if is_list_type(t):
            t = t.value_type
            name = f"{field.name}.list.element"
        else:
            name = field.name
        if field.name not in ("id", "summary") and arrow_dtype(t) is not None:
            names.append(name)
    return names


def _covering_columns(file_schema: pa.Schema) -> set[str]:
    """The top-level columns of the GeoParquet 1.1 ``bbox`` covering that are not schema
    fields: only the row filter reads them."""
    covering = bbox_covering(file_schema) or {}
    return {path[0] for path in covering.values()} - set(schema.COLUMNS)


def _geo(file_schema: pa.Schema) -> dict[str, Any] | None:
    try:
        geo = json.loads((file_schema.metadata or {})[b"geo"])
        geo["columns"][geo["primary_column"]]
    except (KeyError, TypeError, ValueError):
        return None
    return geo


def _geometry_meta(geo: dict[str, Any] | None) -> dict[str, Any] | None:
    """What must agree between the files of a store: geometry column, encoding, CRS, edges."""
    if geo is None:
        return None
    column = geo["columns"][geo["primary_column"]]
    return {"primary_column": geo["primary_column"], **{k: column.get(k) for k in _MUST_AGREE}}


def _without_covering(unified: pa.Schema, geo: dict[str, Any]) -> pa.Schema:
    """The schema without bbox covering columns, for files that do not all have the same ones
    (older files of ours have none): they are then neither read nor used to push down."""
    column = geo["columns"][geo["primary_column"]]
    covering = column.pop("covering", None) or {}
    for paths in covering.values():
        for path in paths.values() if isinstance(paths, dict) else ():
            if isinstance(path, list) and path and unified.get_field_index(path[0]) >= 0:
                unified = unified.remove(unified.get_field_index(path[0]))
    metadata = dict(unified.metadata or {})
    metadata[b"geo"] = json.dumps(geo).encode()
    return unified.with_metadata(metadata)


def _hive_keys(store: Store) -> list[str]:
    """The ``key=value`` folder names below a directory store's root, in order of depth."""
    if store.root is None:
        return []
    keys: list[str] = []
    for part in store.files:
        for segment in part.relative_to(store.root).parts[:-1]:
            key, eq, _ = segment.partition("=")
            if eq and key not in keys:
                keys.append(key)
    return keys


def _dataset_schema(store: Store) -> tuple[pa.Schema, ds.Partitioning | None]:
    """One schema for all the files of a store, and its hive partitioning.

    Types are unified permissively: a column that is null-typed (empty) in one file takes the
    type it has in the others, as older files of ours need. Files must agree on the geometry.
    """
    schemas = []
    for part in store.files:
        with reading(part, "parquet"):
            schemas.append(pq.read_schema(part))
    geos = [_geo(file_schema) for file_schema in schemas]
    first = _geometry_meta(geos[0])
    for part, geo in zip(store.files[1:], geos[1:], strict=True):
        if _geometry_meta(geo) != first:
            raise InputError(
                f"{store.path}: {part} stores its geometry differently from {store.files[0]} "
                "(column, encoding or CRS); convert them to one layout, e.g. "
                "with geoevents convert"
            )
    try:
        unified = pa.unify_schemas(schemas, promote_options="permissive")
    except (pa.ArrowTypeError, pa.ArrowInvalid) as exc:
        raise InputError(
            f"{store.path}: its files give a column different types ({exc}); convert them to "
            "one schema, e.g. with geoevents convert"
        ) from None
    coverings = [geo["columns"][geo["primary_column"]].get("covering") for geo in geos if geo]
    if geos[0] is not None and any(c != coverings[0] for c in coverings):
        unified = _without_covering(unified, geos[0])
    keys = _hive_keys(store)
    if not keys:
        return unified, None
    fields = [pa.field(k, ARROW_TYPES.get(k, pa.string())) for k in keys]
    # A key that is a schema column the files leave out (country=SYR/) comes from the folders;
    # any other key (year=2019/) only names the folders and is not read as a column.
    extra = [f for f in fields if f.name in ARROW_TYPES and unified.get_field_index(f.name) < 0]
    for f in extra:
        unified = unified.append(f)
    return unified, ds.partitioning(pa.schema(fields), flavor="hive")


def _store_schema(store: Store) -> tuple[pa.Schema, ds.Partitioning | None]:
    """The schema a store is read with, and its hive partitioning (None for one file)."""
    if store.is_dataset:
        return _dataset_schema(store)
    return pq.read_schema(store.path), None


def rows_kept(store: Store, criteria: Criteria) -> int | None:
    """How many rows of a GeoParquet store its filter for ``criteria`` keeps, counted from
    the columns the filter tests alone (see :mod:`geoevents.io.pushdown`): at least as many
    as the selection. None when nothing is pushed down, or the store cannot be read (the
    reader says why)."""
    try:
        with reading(store.path, "parquet"):
            unified, partitioning = _store_schema(store)
            expression = pushdown_filter(criteria, unified)
            if expression is None:
                return None
            files = list(map(str, store.files)) if store.is_dataset else str(store.path)
            dataset = ds.dataset(files, schema=unified, partitioning=partitioning)
            return dataset.count_rows(filter=expression)
    except GeoeventsError:
        return None


def read_parquet(
    store: Store, criteria: Criteria | None = None
) -> tuple[pd.DataFrame, gpd.GeoSeries]:
    """Read a GeoParquet store's columns and geometries, before any check.

    Parameters
    ----------
    store : Store
        One file, or the files of a directory or glob, read as one table.
    criteria : Criteria, optional
        Leave out rows that cannot match (see :mod:`geoevents.io.pushdown`); the caller still
        filters exactly.

    Returns
    -------
    raw, geometry
        The columns as read (text as arrow, the rest as Python objects) and the geometries,
        in EPSG:4326.
    """
    to_pandas = {"types_mapper": arrow_dtype}
    # A shapely geometry per row is a container to the collector: a million of them read with
    # it on cost nine full collections (0.45 s), and they form no cycles (see gc_paused).
    with gc_paused():
        with reading(store.path, "parquet"):
            unified, partitioning = _store_schema(store)
            if store.is_dataset:
                # The files, not the directory: pyarrow would take any other file in it for data.
                source: Any = list(map(str, store.files))
                extra: dict[str, Any] = {"schema": unified, "partitioning": partitioning}
            else:
                source = store.path
                extra = {"read_dictionary": _text_columns(unified)}
            expression = pushdown_filter(criteria, unified)
            if expression is not None:
                extra["filters"] = expression
            skipped = _covering_columns(unified)
            if skipped:
                # geopandas would turn the covering into a dict per row (a third of the read at a
                # million rows, and 300 MB), then drop it; the filter above still reads it.
                extra["columns"] = [name for name in unified.names if name not in skipped]
            if store.is_dataset:
                # A file at a time: given them all, pyarrow reads several at once, each whole
                # before the filter (3.6 GB to keep 1.8 of 5 million rows in five files; 2.4 GB
                # and a third of the time one by one).
                parts = []
                repeated = [n for n in _text_columns(unified) if n in unified.names]
                for name in source:
                    part = gpd.read_parquet([name], to_pandas_kwargs=to_pandas, **extra)
                    _check_text(part)
                    parts.append(_as_dictionaries(part, repeated))
                    # The pool keeps the whole file's decoded columns, which no part reuses.
                    pa.default_memory_pool().release_unused()
                gdf = parts[0] if len(parts) == 1 else pd.concat(parts, ignore_index=True)
                del parts
            else:
                gdf = gpd.read_parquet(source, to_pandas_kwargs=to_pandas, **extra)
                _check_text(gdf)
        if gdf.crs is not None and not gdf.crs.equals("EPSG:4326"):
            gdf = gdf.to_crs("EPSG:4326")
        raw = as_checked_before(pd.DataFrame(gdf.drop(columns=gdf.geometry.name)))
    return raw, gdf.geometry


def _as_dictionaries(gdf: gpd.GeoDataFrame, names: list[str]) -> gpd.GeoDataFrame:
    """``gdf`` with its text columns ``names`` dictionary-encoded, as ``read_dictionary``
    reads one file's (pyarrow ignores it when given a dataset's schema): the checks then make
    one Python string per distinct value, not one per row."""
    for name in names:
        series = gdf[name]
        if isinstance(series.dtype, pd.ArrowDtype) and is_text_dtype(series.dtype):
            encoded = pa.array(series.array).dictionary_encode()
            gdf[name] = pd.Series(pd.arrays.ArrowExtensionArray(encoded), index=gdf.index)
    return gdf


def _check_text(gdf: gpd.GeoDataFrame) -> None:
    """Make sure every text column is UTF-8, as Parquet requires: pyarrow reads the bytes as
    they are and fails only later, when a value is turned into a Python string."""
    for name in gdf.columns:
        series = gdf[name]
        if isinstance(series.dtype, pd.ArrowDtype):
            pa.array(series.array).validate(full=True)  # ArrowInvalid: reading() words it
