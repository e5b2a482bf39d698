"""What a store holds, counted cheaply before it is read: rows, values and columns.

The memory guard (:mod:`geoevents.io.memory`) estimates from these counts, not from the file's
size alone: a GeoJSON of three million ``{}`` features is 9 MB on disk and millions of Python
objects in memory. Each count is a pass that allocates little: GeoParquet and GeoPackage from
their metadata, GeoJSON and CSV from one vectorised scan of the bytes, a chunk at a time,
that counts the characters that make values, outside quoted text.

It also holds the one limit on a store's shape, :data:`MAX_COLUMNS`, checked before anything is
parsed, so that a table of a hundred thousand columns is one line, not minutes of work.
"""

from __future__ import annotations

import csv
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from geoevents import schema
from geoevents.errors import GeoeventsError, InputError
from geoevents.io.stores import parquet_parts, resolve_store

if TYPE_CHECKING:
    from geoevents.filters import Criteria

__all__ = [
    "MAX_COLUMNS",
    "Census",
    "bound_store",
    "check_columns",
    "count_store",
    "csv_columns",
    "matching_rows",
    "stored_rows",
]

#: The most columns (CSV, GeoParquet, GeoPackage) or distinct property names (GeoJSON) a store
#: may have. The schema has 20 fields; a store a hundred times wider is not incidents, and
#: every column costs fixed work in the readers and the checks.
MAX_COLUMNS = 2_000

# The scan reads this many bytes at a time: its scratch arrays stay a few megabytes.
_CHUNK = 1 << 22
_QUOTE, _BACKSLASH = ord('"'), ord("\\")


@dataclass(frozen=True)
class Census:
    """What a store holds, as far as a cheap pass can tell.

    Attributes
    ----------
    rows : int
        Features (GeoJSON: objects, an upper bound) or rows.
    values : int
        Values the reader will make objects of (GeoJSON: every object, array and scalar;
        CSV: every cell); for GeoParquet and GeoPackage, rows times columns.
    columns : int
        Columns or, for GeoJSON, 0 (property names are counted as they are read).
    """

    rows: int
    values: int
    columns: int = 0


def check_columns(path: str | os.PathLike[str], columns: int) -> None:
    """Refuse a store with more than :data:`MAX_COLUMNS` columns (or property names).

    Raises
    ------
    InputError
        Naming the file, its number of columns, the limit and the fix.
    """
    if columns > MAX_COLUMNS:
        raise InputError(
            f"{path}: {columns:,} columns, more than the {MAX_COLUMNS:,} geoevents reads (an "
            f"incident has {len(schema.COLUMNS)} fields, see docs/schema.md); keep the schema's "
            "columns and drop the others (e.g. csvcut -c, or ogr2ogr -select)"
        )


def csv_columns(path: Path) -> int:
    """The number of fields in a CSV file's header (its first record; 0 when it has none).

    Parameters
    ----------
    path : pathlib.Path
        The file.

    Returns
    -------
    int
    """
    with open(path, newline="", encoding="utf-8-sig", errors="replace") as fh:
        try:
            return len(next(csv.reader(fh)))
        except (StopIteration, csv.Error):  # empty or broken: the reader says so
            return 0


def _scan(path: Path, marks: bytes, escapes: bool) -> list[int]:
    """Count each byte of ``marks`` in ``path`` where it lies outside double-quoted text.

    JSON escapes a quote with a backslash (``escapes``); CSV doubles it, which leaves the
    parity of quotes, and so what is inside text, as it is.
    """
    size = path.stat().st_size
    found = [0] * len(marks)
    if size == 0:
        return found
    inside = 0  # parity of the real quotes seen so far
    carry = 0  # backslashes that end the previous chunk
    chunk = bytearray(_CHUNK)
    with open(path, "rb") as fh:
        while n := fh.readinto(chunk):
            a = np.frombuffer(chunk, dtype=np.uint8, count=n)
            quotes = np.flatnonzero(a == _QUOTE)
            if escapes and len(quotes):
                quotes, carry = _unescaped(a, quotes, carry)
            elif escapes:
                carry = _trailing_backslashes(a, carry)
            for k, mark in enumerate(marks):
                # Outside text: an even number of real quotes comes before it.
                before = np.searchsorted(quotes, np.flatnonzero(a == mark)) + inside
                found[k] += int(np.count_nonzero(before % 2 == 0))
            inside = (inside + len(quotes)) % 2
    return found


def _unescaped(a: np.ndarray, quotes: np.ndarray, carry: int) -> tuple[np.ndarray, int]:
    """The quotes not escaped by an odd run of backslashes, and the chunk's trailing run."""
    slashes = np.flatnonzero(a == _BACKSLASH)
    trailing = _trailing_backslashes(a, carry, slashes)
    if not len(slashes):
        if carry % 2 and quotes[0] == 0:
            quotes = quotes[1:]
        return quotes, trailing
    # Where the run of backslashes that each backslash belongs to starts.
    new_run = np.ones(len(slashes), bool)
    new_run[1:] = np.diff(slashes) != 1
    run_start = slashes[np.maximum.accumulate(np.where(new_run, np.arange(len(slashes)), 0))]
    # For a quote right after a backslash, the length of that run (plus the carry when the run
    # starts the chunk).
    k = np.searchsorted(slashes, quotes - 1)
    k_ok = np.minimum(k, len(slashes) - 1)
    after = (k < len(slashes)) & (slashes[k_ok] == quotes - 1)
    length = np.where(after, quotes - run_start[k_ok], 0)
    length = length + np.where(after & (run_start[k_ok] == 0), carry, 0)
    length = np.where((quotes == 0) & ~after, carry, length)
    return quotes[length % 2 == 0], trailing


def _trailing_backslashes(a: np.ndarray, carry: int, slashes: np.ndarray | None = None) -> int:
    """How many backslashes end the chunk (counting the carry when the chunk is all of them)."""
    if slashes is None:
        slashes = np.flatnonzero(a == _BACKSLASH)
    if not len(slashes) or slashes[-1] != len(a) - 1:
        return 0
    gaps = np.flatnonzero(np.diff(slashes) != 1)
    first = slashes[gaps[-1] + 1] if len(gaps) else slashes[0]
    run = len(a) - int(first)
    return run + carry if first == 0 else run


def bound_store(path: str | os.PathLike[str], fmt: str) -> Census | None:
    """At least what :func:`count_store` counts in a GeoJSON or CSV file, counted faster.

    The marks are counted wherever they are, inside text too (a byte search, several times
    as fast as telling text apart: 0.26 s of a 100,000-incident GeoJSON map's 3.1): a bound
    for a caller that needs the exact count only when the bound is too high.

    Parameters
    ----------
    path : path-like
        The file.
    fmt : {"geojson", "csv"}
        Its format.

    Returns
    -------
    Census or None
        None for another format, or a file that cannot be examined.
    """
    marks = _MARKS.get(fmt)
    if marks is None:
        return None
    found = [0] * len(marks)
    # Each mark compared over a chunk at once, into one reused buffer (numpy's comparison and
    # count use the vector unit: 0.04 s for a 100,000-incident GeoJSON, against 0.14 s for
    # bytes.count of each mark).
    chunk = bytearray(_CHUNK)
    same = np.empty(_CHUNK, dtype=bool)
    try:
        with open(path, "rb") as fh:
            while got := fh.readinto(chunk):
                data = np.frombuffer(chunk, dtype=np.uint8, count=got)
                for k, mark in enumerate(marks):
                    np.equal(data, mark, out=same[:got])
                    found[k] += int(np.count_nonzero(same[:got]))
        return _census_of(Path(path), fmt, found)
    except (OSError, ValueError):
        return None


#: The bytes counted in a file of each text format: JSON's objects, arrays and commas; CSV's
#: separators and line ends.
_MARKS = {"geojson": b"{[,", "csv": b",\n"}


def _census_of(path: Path, fmt: str, found: list[int]) -> Census:
    """What the counts of a file's :data:`_MARKS` say it holds."""
    if fmt == "geojson":
        objects, arrays, commas = found
        return Census(rows=objects, values=objects + arrays + commas)
    columns = csv_columns(path)
    cells = sum(found)
    return Census(rows=max(cells // max(columns, 1), 1), values=cells, columns=columns)


def count_store(path: str | os.PathLike[str], fmt: str) -> Census | None:
    """Count what a store holds, without reading it.

    Parameters
    ----------
    path : path-like
        The store (GeoParquet: also a directory or a glob).
    fmt : {"geojson", "parquet", "gpkg", "csv"}
        Its format.

    Returns
    -------
    Census or None
        None when the file cannot be examined (the reader then says why).
    """
    try:
        if fmt in _MARKS:
            p = Path(path)
            return _census_of(p, fmt, _scan(p, _MARKS[fmt], escapes=fmt == "geojson"))
        if fmt == "parquet":
            return _parquet_census(path)
        if fmt == "gpkg":
            return _gpkg_census(Path(path))
    except (OSError, ValueError):
        return None
    return None


def stored_rows(path: str | os.PathLike[str]) -> int | None:
    """The number of incidents a store holds when its metadata says (GeoParquet, GeoPackage),
    without reading them; None for other formats, or a file whose metadata cannot be read.

    Parameters
    ----------
    path : path-like
        The store, as a command names it (a GeoParquet directory or glob too).
    """
    try:
        store = resolve_store(path)
    except GeoeventsError:  # the reader words it
        return None
    if store.fmt not in ("parquet", "gpkg"):
        return None
    census = count_store(store.path, store.fmt)
    return census.rows if census is not None else None


def matching_rows(path: str | os.PathLike[str], criteria: Criteria) -> int | None:
    """At most how many incidents of a GeoParquet store ``criteria`` select, counted before
    the store is read, when the criteria are all pushed down to the files (dates, event types,
    a bounding box); None otherwise.

    Parameters
    ----------
    path : path-like
        The store, as a command names it.
    criteria : Criteria
        The command's filters.
    """
    from geoevents.io.parquet import rows_kept
    from geoevents.io.pushdown import only_pushed_down

    if not only_pushed_down(criteria):
        return None
    try:
        store = resolve_store(path)
    except GeoeventsError:  # the reader words it
        return None
    return rows_kept(store, criteria) if store.fmt == "parquet" else None


def _parquet_census(path: str | os.PathLike[str]) -> Census | None:
    import pyarrow
    import pyarrow.parquet as pq

    rows = columns = 0
    parts = parquet_parts(path)
    if not parts:
        return None
    for part in parts:
        try:
            meta = pq.ParquetFile(part).metadata
        except (OSError, ValueError, pyarrow.ArrowException):  # the reader words it
            return None
        rows += meta.num_rows
        columns = max(columns, meta.num_columns)
    return Census(rows=rows, values=rows * columns, columns=columns)


def _gpkg_census(path: Path) -> Census | None:
    import pyogrio
    import pyogrio.errors

    try:
        info = pyogrio.read_info(path)
    except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError):
        return None
    rows = max(int(info.get("features") or 0), 0)
    columns = len(info.get("fields", ())) + 1
    return Census(rows=rows, values=rows * columns, columns=columns)
