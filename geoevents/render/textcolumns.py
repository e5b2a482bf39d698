"""Text columns as the page embeds them: lengths and UTF-8 bytes, or codes and distinct values.

Whatever pandas holds (arrow text, a Categorical of arrow text, Python strings), a field gives
the same buffers: a dictionary when its values repeat enough, the text as it lies otherwise.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any, Protocol

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from geoevents.render.arrowtext import (
    is_arrow_categorical,
    string_offsets,
    text_array,
    text_chunks,
    whole_array,
)
from geoevents.render.joined import Joined

__all__ = [
    "DICTIONARY_SHARE",
    "SAMPLE_ROWS",
    "SHORT_TEXT",
    "Adds",
    "add_counts",
    "code_dtype",
    "string_buffers",
    "text_column",
    "text_field",
]

#: A text column is dictionary-encoded when it has at most this share of distinct values.
DICTIONARY_SHARE = 0.5

#: Average length in bytes up to which a text column is always tried as a dictionary.
SHORT_TEXT = 16

#: Rows looked at to decide whether a text column repeats enough for a dictionary.
SAMPLE_ROWS = 4096


class Adds(Protocol):
    """What the encoders add buffers to (``columnar.ColumnarIncidents``)."""

    def add(self, dtype: str, array: Any) -> int:
        """Append a buffer; return its index."""
        ...


def text_field(out: Adds, cells: pd.Series) -> dict[str, Any]:
    """The description of a text field's buffers (added to ``out``), however pandas holds
    it: arrow text, a Categorical of arrow text, or Python strings.

    Parameters
    ----------
    out : ColumnarIncidents
        Where the buffers go.
    cells : pandas.Series
        The field, one cell per incident.

    Returns
    -------
    dict
        ``{"kind": "str", ...}`` (lengths and UTF-8 data) or ``{"kind": "dict", ...}`` (codes
        and the distinct values), JSON-ready.
    """
    if is_arrow_categorical(cells):
        return _categorical_column(out, cells)
    if cells.dtype == object:
        return _object_text_column(out, cells)
    return text_column(out, text_chunks(cells))


def string_buffers(out: Adds, array: pa.Array | pa.ChunkedArray) -> dict[str, Any]:
    """Offsets and UTF-8 data of a string array; a null is an empty range (blank = missing).

    The text of a chunked column is embedded chunk by chunk, as it lies in arrow memory.
    """
    chunks = array.chunks if isinstance(array, pa.ChunkedArray) else [array]
    lengths, segments = [], []
    for chunk in chunks:
        if chunk.null_count and _null_bytes(chunk):
            chunk = chunk.fill_null("")  # a copy, only where a null keeps bytes
        offsets = string_offsets(chunk)
        lengths.append(np.diff(offsets))
        data_buffer = chunk.buffers()[2]
        start, end = int(offsets[0]), int(offsets[-1])
        if data_buffer is not None and end > start:
            segments.append(memoryview(data_buffer)[start:end])
    data: memoryview | Joined | bytes = (
        segments[0] if len(segments) == 1 else Joined(segments) if segments else b""
    )
    counts = np.concatenate(lengths) if lengths else np.zeros(0, dtype=np.int64)
    return {"lengths": add_counts(out, counts), "data": out.add("bytes", data)}


def _null_bytes(array: pa.Array) -> bool:
    """Whether a null of the string array spans bytes (arrow builds them empty, and then the
    array's own buffers are embedded as they are)."""
    nulls = ~array.is_valid().to_numpy(zero_copy_only=False)
    return bool(np.diff(string_offsets(array))[nulls].any())


def code_dtype(size: int) -> tuple[str, str]:
    """The smallest typed array that holds the numbers ``0 .. size - 1``."""
    if size <= 2**8:
        return "u8", "<u1"
    if size <= 2**16:
        return "u16", "<u2"
    return "i32", "<i4"


def add_counts(out: Adds, counts: np.ndarray) -> int:
    """Add non-negative counts (text lengths, list sizes) in the smallest integer type.

    Lengths compress far better than the running offsets they replace; the page adds them up.
    """
    dtype, numpy_dtype = code_dtype(int(counts.max(initial=0)) + 1)
    return out.add(dtype, counts.astype(numpy_dtype))


def text_column(out: Adds, array: pa.Array | pa.ChunkedArray) -> dict[str, Any]:
    """A text column, dictionary-encoded when values repeat enough to make that smaller."""
    # Hashing every long, unique text (summaries) costs more than it saves: judge those by a
    # sample. Short texts (ids, dates) are cheap to hash, and worth it when they repeat.
    sample = array.slice(0, SAMPLE_ROWS)
    varied = pc.count_distinct(sample).as_py() > DICTIONARY_SHARE * len(sample)
    if varied and (pc.sum(pc.binary_length(array)).as_py() or 0) > SHORT_TEXT * len(array):
        return {"kind": "str", **string_buffers(out, array)}
    array = whole_array(array)
    encoded = array.dictionary_encode()
    distinct = len(encoded.dictionary)
    if distinct > DICTIONARY_SHARE * len(array):
        return {"kind": "str", **string_buffers(out, array)}
    codes = encoded.indices.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int64) + 1
    return _dictionary(out, codes, encoded.dictionary)


def _dictionary(out: Adds, numbers: np.ndarray, values: pa.Array) -> dict[str, Any]:
    """A dictionary text column: ``numbers`` 0 for missing, k for ``values[k - 1]``."""
    dtype, numpy_dtype = code_dtype(len(values) + 1)
    return {
        "kind": "dict",
        "codes": out.add(dtype, numbers.astype(numpy_dtype)),
        "values": string_buffers(out, values),
    }


def _categorical_column(out: Adds, cells: pd.Series) -> dict[str, Any]:
    """:func:`text_column` of a Categorical of distinct arrow texts (as ``geoevents map``
    keeps a dictionary column), from its codes: the same buffers, without making a string per
    row and numbering them again."""
    codes = cells.cat.codes.to_numpy()
    categories = pa.array(cells.cat.categories.array)
    return _coded_column(out, codes, whole_array(categories), partial(text_chunks, cells))


def _object_text_column(out: Adds, cells: pd.Series) -> dict[str, Any]:
    """:func:`text_column` of Python strings that repeat (fields with a vocabulary, as the
    checks leave them): numbered by ``pd.factorize`` (their hashes are cached), the distinct
    ones made arrow text; varied text and other values go the way of any text."""
    values = cells.to_numpy(dtype=object)
    sample = values[:SAMPLE_ROWS]
    plain = partial(text_chunks, cells)  # the way of any text
    if len(pd.unique(sample)) > DICTIONARY_SHARE * len(sample):
        return text_column(out, plain())
    codes, uniques = pd.factorize(values)
    if not all(isinstance(u, str) for u in uniques):
        return text_column(out, plain())
    categories = text_array(pd.Series(list(uniques), dtype=object))  # a blank one is null
    blank = ~categories.is_valid().to_numpy(zero_copy_only=False)
    if blank.any():
        codes = np.where((codes >= 0) & blank[np.maximum(codes, 0)], -1, codes)
    return _coded_column(out, codes, categories, plain)


def _coded_column(
    out: Adds,
    codes: np.ndarray,
    categories: pa.Array,
    plain: Callable[[], pa.ChunkedArray],
) -> dict[str, Any]:
    """:func:`text_column` of the texts ``categories[codes]`` (-1: none), decided and
    dictionary-encoded from the codes (``dictionary_encode`` numbers values as they first
    come, as ``pd.factorize`` numbers the codes); ``plain`` gives the texts when they go in
    as text."""
    sizes = np.diff(string_offsets(categories))
    present = codes >= 0
    sample = codes[:SAMPLE_ROWS]
    sample = sample[sample >= 0]
    varied = len(np.unique(sample)) > DICTIONARY_SHARE * min(len(codes), SAMPLE_ROWS)
    if varied and int(sizes[codes[present]].sum()) > SHORT_TEXT * len(codes):
        return text_column(out, plain())
    renumbered, firsts = pd.factorize(codes[present])
    if len(firsts) > DICTIONARY_SHARE * len(codes):
        return text_column(out, plain())
    numbers = np.zeros(len(codes), dtype=np.int64)  # 0: missing
    numbers[present] = renumbered + 1
    return _dictionary(out, numbers, categories.take(pa.array(firsts, pa.int64())))
