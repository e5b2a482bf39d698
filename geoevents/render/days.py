"""Dates as the page holds them: day numbers since 1970-01-01, parsed from ISO text in bulk."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from geoevents.render.arrowtext import string_offsets, text_array

__all__ = ["EPOCH", "NO_DAY", "date_span", "day_numbers"]

#: Day number that stands for "no date" in the ``int32`` date columns.
NO_DAY = -(2**31)
#: Day 0.
EPOCH = np.datetime64("1970-01-01", "D")


def day_numbers(cells: pd.Series) -> np.ndarray | None:
    """Dates as days since 1970-01-01.

    Parameters
    ----------
    cells : pandas.Series
        ISO dates (``YYYY-MM-DD``) as text; missing or blank cells have no date.

    Returns
    -------
    numpy.ndarray or None
        One int32 per cell (:data:`NO_DAY` where missing), or None when a cell is not an ISO
        day that exists.
    """
    if isinstance(cells, pd.Series) and cells.dtype == object:
        # A column of Python strings (as the checks leave dates) repeats a few thousand
        # dates: each distinct one is read once (a million made arrow text, matched and
        # parsed cost 0.25 s a column).
        codes, uniques = pd.factorize(cells.to_numpy(dtype=object))
        if all(isinstance(u, str) for u in uniques):
            distinct = _iso_days(text_array(pd.Series(list(uniques), dtype=object)))
            if distinct is None:
                return None
            numbers = np.full(len(codes), NO_DAY, dtype="<i4")
            numbers[codes >= 0] = distinct[codes[codes >= 0]]
            return numbers
    return _iso_days(text_array(cells))


def _iso_days(array: pa.Array) -> np.ndarray | None:
    """:func:`day_numbers` of an arrow string array (null: no date)."""
    numbers = np.full(len(array), NO_DAY, dtype="<i4")
    present = array.is_valid().to_numpy(zero_copy_only=False)
    valid = array.drop_null()
    if len(valid) == 0:
        return numbers
    valid = pa.concat_arrays([valid])
    lengths = np.diff(string_offsets(valid))
    if not (lengths == 10).all() or not pc.all(pc.match_substring_regex(valid, _ISO)).as_py():
        return None
    text = np.frombuffer(valid.buffers()[2], dtype="S10", count=len(valid))
    try:
        days = text.astype("datetime64[D]")
    except ValueError:  # a day that does not exist, such as 2017-02-30
        return None
    numbers[present] = (days - EPOCH).astype("int64")
    return numbers


_ISO = r"^\d{4}-\d{2}-\d{2}$"


def date_span(gdf: pd.DataFrame, days: dict[str, np.ndarray]) -> tuple[str, str] | None:
    """First ``date_start`` and last ``date_end`` of the incidents (a missing end is the start).

    Parameters
    ----------
    gdf : pandas.DataFrame
        The incidents.
    days : dict
        The day numbers (:func:`day_numbers`) of ``date_start`` and ``date_end`` where they
        were ISO days: the span is worked out from them, else from the text.

    Returns
    -------
    tuple of str or None
        ``(first, last)`` as ISO text; None without dates.
    """
    if "date_start" not in gdf.columns:
        return None
    if "date_start" in days and ("date_end" in days or "date_end" not in gdf.columns):
        # The text was read once, into the numbers (a million dates made into arrow text
        # twice more cost 0.1 s).
        start = days["date_start"]
        end = days.get("date_end", start)
        dated = start != NO_DAY
        if not dated.any():
            return None
        last = np.where(end != NO_DAY, end, start)[dated].max()
        first = start[dated].min()
        return str(EPOCH + np.timedelta64(int(first), "D")), str(
            EPOCH + np.timedelta64(int(last), "D")
        )
    starts = text_array(gdf["date_start"])
    if starts.null_count == len(starts):
        return None
    ends = text_array(gdf["date_end"]) if "date_end" in gdf.columns else starts
    ends = pc.if_else(pc.is_null(starts), pa.scalar(None, pa.string()), pc.coalesce(ends, starts))
    first = pc.min(starts).as_py()
    last = pc.max(ends).as_py()
    return (first, last) if first is not None and last is not None else None
