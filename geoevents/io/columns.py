"""Columns of the table formats (GeoParquet, GeoPackage, CSV): as written, and as read.

Every table store holds the schema's columns in the schema's order; list fields that a format
cannot hold natively are JSON text. What a reader hands to the checks keeps text in arrow
memory (the checks read it there in bulk) and everything else as Python objects.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyarrow as pa

from geoevents import schema
from geoevents.errors import InputError
from geoevents.validation.text import is_text_dtype

__all__ = ["arrow_dtype", "as_checked_before", "as_table", "is_list_type", "reading"]


def is_list_type(t: pa.DataType) -> bool:
    """Is ``t`` an arrow list (plain or large)?"""
    return pa.types.is_list(t) or pa.types.is_large_list(t)


def arrow_dtype(t: pa.DataType) -> pd.ArrowDtype | None:
    """Keep text and lists of text in arrow memory: the checks read them there in bulk."""
    if is_text_dtype(pd.ArrowDtype(t)) or (
        is_list_type(t) and is_text_dtype(pd.ArrowDtype(t.value_type))
    ):
        return pd.ArrowDtype(t)
    return None  # pandas' own conversion


def as_checked_before(raw: pd.DataFrame) -> pd.DataFrame:
    """Turn the columns the checks do not read in bulk into Python objects, as they always were.

    Numbers and (lists of) text stay typed: the checks read them as they are, null being no
    value either way. A list column that holds a null item is converted too, so that its
    error message shows the value as it always has.
    """
    for name, dtype in raw.dtypes.items():
        column = raw[name]
        if isinstance(dtype, pd.ArrowDtype):
            t = dtype.pyarrow_dtype
            if not is_list_type(t):
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


# The libraries that read table files: what they raise for a corrupt file is about the file.
_READERS = ("pyarrow", "pyogrio", "shapely", "pyproj", "geopandas", "pandas", "fiona")


def _raised_by_reader(exc: BaseException) -> bool:
    """Did ``exc`` come from inside a reading library (not from geoevents)?

    A corrupt file makes them raise their own classes, and sometimes a bare KeyError or
    TypeError deep in their metadata handling: the innermost frame tells which.
    """
    if type(exc).__module__.split(".")[0] in _READERS:
        return True
    tb = exc.__traceback__
    while tb is not None and tb.tb_next is not None:
        tb = tb.tb_next
    if tb is None:
        return False
    filename = tb.tb_frame.f_code.co_filename.replace("\\", "/")
    return "/geoevents/" not in filename and any(f"/{name}/" in filename for name in _READERS)


@contextmanager
def reading(path: str | Path, fmt: str) -> Iterator[None]:
    """Turn what the libraries raise for a file they cannot read into one InputError."""
    try:
        yield
    except (ValueError, OSError) as exc:
        if isinstance(exc, InputError):
            raise
        raise InputError(f"{path}: cannot read as {fmt}: {_brief(exc)}; check the file") from None
    except Exception as exc:  # pyarrow / GDAL raise their own error classes for corrupt files
        if _raised_by_reader(exc):
            raise InputError(
                f"{path}: cannot read as {fmt}: {_brief(exc)}; check the file (is it truncated "
                "or damaged? write it again from its source)"
            ) from None
        raise


def _brief(exc: BaseException) -> str:
    """The library's reason on one line, cut short (some quote whole metadata blocks)."""
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text if len(text) <= 200 else text[:199] + "…"


def as_table(gdf: gpd.GeoDataFrame, lists_as_json: tuple[str, ...]) -> gpd.GeoDataFrame:
    """The schema's columns of ``gdf`` in order, with the named list fields as JSON text."""
    out = gdf[[*[c for c in schema.COLUMNS if c in gdf.columns], gdf.geometry.name]].copy()
    for name in lists_as_json:
        if name in out.columns:
            out[name] = [
                json.dumps(list(v) if v is not None else [], ensure_ascii=False) for v in out[name]
            ]
    return out
