"""Ids that are a shared prefix plus a decimal number, split so that they compress.

Event ids are mostly a short prefix and a running number: ACLED's ``NIG1234``, UCDP's numeric
ids, GDELT's ``GLOBALEVENTID``, ``seed-000-21``. As text a million of them are 9 MB that gzip
only halves; split into the prefix (a code into a short list of distinct prefixes), the
number's change from the row before and its count of digits (leading zeros kept), they are a
few hundred kilobytes. The split is exact: the page puts ``prefix + number`` (padded with zeros
to its count of digits) together again and gets the same text (``assets/store.js``, kind
``"numbered"``). Ids that do not fit (most prefixes distinct, as UUIDs are) stay plain text.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from geoevents.render.arrowtext import string_offsets

__all__ = ["MAX_DIGITS", "NumberedIds", "join_numbered", "split_digits", "split_numbered"]

#: At most this many trailing digits form the number (below 2**31, and so its changes from row
#: to row fit an int32); more digits before them stay in the prefix.
MAX_DIGITS = 9

#: The ids are split only when there are at most this share of distinct prefixes.
PREFIX_SHARE = 0.05


@dataclass
class NumberedIds:
    """Ids as prefix codes, number changes and digit counts.

    Attributes
    ----------
    codes : numpy.ndarray
        Per row, 0 when the id is missing, else k + 1 for ``prefixes[k]``.
    prefixes : pyarrow.Array
        The distinct prefixes (text; one may be empty), in order of first use.
    deltas : numpy.ndarray
        int32: each row's number minus the previous row's (a row without one counts as 0).
    digits : numpy.ndarray
        uint8: how many digits each row's number is written with (0: the id has none).
    """

    codes: np.ndarray
    prefixes: pa.Array
    deltas: np.ndarray
    digits: np.ndarray


def split_numbered(array: pa.Array) -> NumberedIds | None:
    """Split ids (a string array; null = missing) into prefix, number and digit count.

    Parameters
    ----------
    array : pyarrow.Array
        The ids as text.

    Returns
    -------
    NumberedIds or None
        None when there are no ids or too many distinct prefixes for the split to pay.
    """
    n = len(array)
    if n == 0:
        return None
    prefix, widths, numbers = split_digits(array)
    encoded = prefix.dictionary_encode()
    if len(encoded.dictionary) > max(1, PREFIX_SHARE * n):
        return None
    codes = encoded.indices.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int64) + 1
    missing = array.is_null().to_numpy(zero_copy_only=False)
    codes[missing] = 0
    widths[missing] = 0  # what a null's offsets span is no id
    has = (widths > 0) & ~missing
    # A row without a number (none, or no id) repeats the one before: its change is 0, so the
    # running numbers are not broken up by it.
    last = np.maximum.accumulate(np.where(has, np.arange(n), 0))
    numbers = np.where(has[last], numbers[last], 0)
    deltas = np.diff(numbers, prepend=0)
    return NumberedIds(
        codes=codes,
        prefixes=encoded.dictionary,
        deltas=deltas.astype("<i4"),
        digits=widths.astype("<u1"),
    )


def split_digits(array: pa.Array) -> tuple[pa.Array, np.ndarray, np.ndarray]:
    """Each id's prefix (text), the count of its trailing ASCII digits (at most
    :data:`MAX_DIGITS`: the shortest prefix) and the number they write (0 for none).

    The digits are read byte by byte over the whole array (an ASCII digit is never part of a
    longer UTF-8 character): a regular expression per id took most of a map's id column.
    """
    n = len(array)
    offsets = string_offsets(array).astype(np.int64)
    starts, ends = offsets[:-1], offsets[1:]
    buffer = array.buffers()[2]
    data = np.frombuffer(buffer, dtype=np.uint8) if buffer is not None else np.zeros(0, np.uint8)
    widths = np.zeros(n, dtype=np.int64)
    numbers = np.zeros(n, dtype=np.int64)
    if len(data):
        # Back from each row's end, one byte a step, while the row's digits go on (a few
        # steps over whole arrays, buffers reused: fresh arrays of a million cost more).
        going = ends > starts
        at = np.empty(n, dtype=np.int64)
        byte = np.empty(n, dtype=np.uint8)
        for k in range(1, MAX_DIGITS + 1):
            np.subtract(ends, k, out=at)
            np.maximum(at, 0, out=at)
            np.take(data, at, out=byte)
            going &= (byte >= 0x30) & (byte <= 0x39)
            if not going.any():
                break
            widths += going
            numbers += (byte.astype(np.int64) - 0x30) * going * 10 ** (k - 1)
            going &= ends - k > starts
    if not widths.any():
        return array, widths, numbers
    # Each row's prefix is its text less its last ``widths`` bytes (ASCII digits): the bytes
    # of all of them gathered into one new buffer in one pass (taking, cutting and putting
    # back each digit count's rows cost most of the id column: 0.2 s at a million). They are
    # fewer than the text's, so their offsets fit a string array's as the text's do.
    lengths = ends - starts - widths
    validity = None
    if array.null_count:
        valid = array.is_valid()
        lengths[~valid.to_numpy(zero_copy_only=False)] = 0
        validity = valid.buffers()[1]  # from bit 0, as the new array's
    cut = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(lengths, out=cut[1:])
    at = np.repeat(starts - cut[:-1], lengths) + np.arange(int(cut[-1]))
    prefix = pa.StringArray.from_buffers(
        n, pa.py_buffer(cut.astype("<i4")), pa.py_buffer(data[at]), validity, array.null_count
    )
    return prefix, widths, numbers


def join_numbered(ids: NumberedIds) -> list[str | None]:
    """The ids back as text (None where missing): what the page decodes, for tests.

    Parameters
    ----------
    ids : NumberedIds
        From ``split_numbered``.

    Returns
    -------
    list of str or None
    """
    prefixes = ids.prefixes.to_pylist()
    numbers = np.cumsum(ids.deltas.astype(np.int64))
    out: list[str | None] = []
    for code, number, width in zip(ids.codes, numbers, ids.digits, strict=True):
        if code == 0:
            out.append(None)
            continue
        tail = str(int(number)).zfill(int(width)) if width else ""
        out.append(prefixes[code - 1] + tail)
    return out
