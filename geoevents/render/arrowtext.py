"""Columns of a frame as contiguous arrow string arrays, for the page's encoder.

One rule for what counts as text: a missing or blank cell is null, a pandas ``ArrowDtype``
column is taken as it is (no Python strings made), pandas' own ``str`` columns and chunked
arrays are joined into one array from offset 0.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from geoevents.render import values

__all__ = ["is_arrow_categorical", "string_offsets", "text_array", "text_chunks", "whole_array"]


def is_arrow_categorical(cells: Any) -> bool:
    """Whether ``cells`` is a pandas ``Categorical`` of arrow text (as ``geoevents map`` keeps
    a column read as an arrow dictionary)."""
    if not isinstance(cells, pd.Series) or not isinstance(cells.dtype, pd.CategoricalDtype):
        return False
    kinds = cells.dtype.categories.dtype
    return isinstance(kinds, pd.ArrowDtype) and pa.types.is_string(kinds.pyarrow_dtype)


def _arrow_text(cells: Any) -> pa.ChunkedArray | None:
    """The Arrow string chunks a pandas ``ArrowDtype`` text column holds, or a ``Categorical``
    of arrow text makes (no Python strings made), or None for any other column."""
    if isinstance(cells, pd.Series) and isinstance(cells.dtype, pd.CategoricalDtype):
        if is_arrow_categorical(cells):
            # The texts of the rows, made from the codes one column at a time (geoevents map
            # keeps dictionary columns so until they are encoded).
            return pa.chunked_array([pa.array(cells.array).cast(pa.string())])
        return None
    if not isinstance(cells, pd.Series) or not isinstance(cells.dtype, pd.ArrowDtype):
        return None
    t = cells.dtype.pyarrow_dtype
    if not (pa.types.is_string(t) or pa.types.is_large_string(t) or pa.types.is_string_view(t)):
        return None
    array = pa.array(cells.array)
    chunks = array if isinstance(array, pa.ChunkedArray) else pa.chunked_array([array])
    return chunks if pa.types.is_string(t) else chunks.cast(pa.string())


def string_offsets(array: pa.Array) -> np.ndarray:
    """The ``len(array) + 1`` offsets of a string array into its data buffer (a view, no copy;
    a slice's start where it starts, not 0)."""
    count = array.offset + len(array) + 1
    return np.frombuffer(array.buffers()[1], dtype="<i4", count=count)[array.offset :]


def whole_array(array: pa.Array | pa.ChunkedArray) -> pa.Array:
    """One contiguous array from offset 0 (pandas' own ``str`` columns, as made by
    ``pd.concat``, give chunked arrays)."""
    if isinstance(array, pa.ChunkedArray):
        array = array.combine_chunks()
    return pa.concat_arrays([array]) if array.offset else array


def text_array(cells: pd.Series | list[Any] | pa.Array) -> pa.Array:
    """Text of one column as an Arrow string array; missing and blank cells are null."""
    return whole_array(text_chunks(cells))


def text_chunks(cells: pd.Series | list[Any] | pa.Array | pa.ChunkedArray) -> pa.ChunkedArray:
    """:func:`text_array` in the chunks the column holds: a column read from GeoParquet comes
    in chunks, and joining a million summaries' is a copy of a quarter of a gigabyte."""
    arrow = _arrow_text(cells)
    if isinstance(cells, pa.ChunkedArray):
        chunks = cells
    elif isinstance(cells, pa.Array):
        chunks = pa.chunked_array([cells])
    elif arrow is not None:
        chunks = arrow
    else:
        try:
            array = pa.array(cells, type=pa.string(), from_pandas=True)
        except (pa.ArrowInvalid, pa.ArrowTypeError):
            # Not all text (a notebook frame with numbers or dates in a text column).
            array = pa.array([values.text(v) for v in cells], type=pa.string())
        chunks = pa.chunked_array([array])
    if not pa.types.is_string(chunks.type):
        chunks = chunks.cast(pa.string())
    return pa.chunked_array([_blanks_null(chunk) for chunk in chunks.chunks], pa.string())


def _blanks_null(array: pa.Array) -> pa.Array:
    """``array`` with its blank texts null."""
    if len(array) == 0:
        return array
    # Only an empty text or one that starts with white space (ASCII, or a multi-byte character
    # that may be a Unicode space) can be blank; look closer only at those.
    offsets = string_offsets(array)
    data = array.buffers()[2]
    if data is None or len(data) == 0:
        maybe_blank = np.ones(len(array), dtype=bool)
    else:
        raw = np.frombuffer(data, dtype=np.uint8)
        starts = offsets[:-1]
        empty = offsets[1:] == starts
        first = raw[np.minimum(starts, len(raw) - 1)]
        maybe_blank = empty | np.isin(first, _SPACE_STARTS) | (first >= 0x80)
    if array.null_count:  # a null is no blank text: nothing to replace
        maybe_blank &= array.is_valid().to_numpy(zero_copy_only=False)
    if not maybe_blank.any():
        return array
    blank = pc.fill_null(pc.match_substring_regex(array, _BLANK), False)
    blank = pc.and_(blank, pa.array(maybe_blank))
    return pc.if_else(blank, pa.scalar(None, pa.string()), array)


# What Python's str.strip() removes: ASCII white space, the separators \x1c-\x1f, NEL and the
# Unicode space, line and paragraph separators.
_BLANK = r"^[\s\x{0b}\x{1c}-\x{1f}\x{85}\p{Z}]*$"
_SPACE_STARTS = np.frombuffer(b" \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f", dtype=np.uint8)
