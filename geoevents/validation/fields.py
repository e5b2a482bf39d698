"""The scalar fields (strings, dates, choices, whole numbers) and the rules between fields.

Each function screens one column in bulk, hands the rows the screen cannot clear to the per-row
rule (:class:`RowRules`), in row order, and returns the checked column.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from geoevents import schema
from geoevents.validation.rules import RowRules, date_ok, is_iso3
from geoevents.validation.text import NONE_TYPE, Text, as_objects, is_missing, types_of

__all__ = ["check_across", "check_choice", "check_dates", "check_integers", "check_strings"]


def check_strings(rules: RowRules, name: str, required: bool, t: Text, out: np.ndarray) -> Text:
    """Check a text field: its values go into ``out``; return the column of kept texts."""
    blank = t.blank()
    other = ~t.is_text & ~t.missing
    flag = other | (t.missing | blank) if required else other
    keep = t.is_text & ~blank & ~flag
    rows = np.flatnonzero(flag).tolist()
    originals = t.at(rows)
    values = t.copy_into(out)
    values[~keep] = None
    for i, value in zip(rows, originals, strict=True):
        values[i] = rules.string(i, name, required, value)
    return t.keep(keep, values)


def check_dates(rules: RowRules, name: str, t: Text) -> Text:
    """Check a date field (texts already checked as strings); return the kept dates."""
    bad = t.is_text & ~t.per_distinct(date_ok)
    values = t.values
    for i in np.flatnonzero(bad).tolist():
        values[i] = rules.date(i, name, values[i])
    return t.keep(t.is_text & ~bad, values)


def check_choice(
    rules: RowRules, name: str, t: Text, allowed: Sequence[str], default: str | None
) -> Text:
    """Check a field with a vocabulary; rows without a value get ``default``."""
    bad = t.is_text & ~t.per_distinct(allowed.__contains__)
    values = t.values
    for i in np.flatnonzero(bad).tolist():
        values[i] = rules.choice(i, name, values[i], allowed, default)
    kept = t.keep(t.is_text & ~bad, values)
    if default is None:
        return kept
    return kept.filled(~t.is_text, default)


def check_integers(
    rules: RowRules,
    name: str,
    series: pd.Series | None,
    n: int,
    low: int,
    high: int | None,
    default: int | None,
) -> pd.api.extensions.ExtensionArray:
    """Check a whole-number field; return it as an ``Int64`` array (NA where dropped)."""
    data = np.zeros(n, dtype=np.int64)
    na = np.ones(n, dtype=bool)
    if series is None:
        if default is not None:
            data[:], na[:] = default, False
        return pd.arrays.IntegerArray(data, na)
    fine, numbers, absent, flag = _integers(series, low, high)
    data[fine], na[fine] = numbers[fine], False
    if default is not None:
        data[absent], na[absent] = default, False
    rows = np.flatnonzero(flag)
    checked = {
        i: rules.integer(i, name, value, low, high, default)
        for i, value in zip(rows.tolist(), series.iloc[rows].tolist(), strict=True)
    }
    for i, number in checked.items():
        if number is None:
            na[i] = True
        elif -(2**63) <= number < 2**63:
            data[i], na[i] = number, False
        else:  # too big for Int64: fail as building the column from a list always did
            whole = [None if m else int(d) for d, m in zip(data, na, strict=True)]
            return pd.array([*whole[:i], number, *whole[i + 1 :]], dtype="Int64")
    return pd.arrays.IntegerArray(data, na)


def check_across(rules: RowRules, text: dict[str, Text], end_missing: np.ndarray) -> None:
    """The rules between fields of one row; defaults ``text["date_end"]`` to date_start.

    ``end_missing`` marks the rows that gave no date_end at all.
    """
    start, end = text["date_start"], text["date_end"]
    # The distinct dates as given, before date_end is defaulted below.
    dates = (start.factor(), end.factor())
    # date_end defaults to date_start (only when absent; a blank or bad date_end stays None).
    end.values[end_missing] = start.values[end_missing]
    text["date_end"] = Text(end.values, end.is_text | (end_missing & start.is_text))
    cols = {name: t.values for name, t in text.items()}
    flag = _end_before_start(*dates, end_missing)
    flag |= _sub_outside_type(text["event_type"], text["sub_event_type"])
    flag |= text["iso3"].is_text & ~text["iso3"].per_distinct(is_iso3)
    repeated, first = _repeated_ids(text["id"])
    flag |= repeated
    for i in np.flatnonzero(flag).tolist():
        rules.across(i, cols, first)


def _sub_outside_type(etype: Text, sub: Text) -> np.ndarray:
    """Rows whose sub_event_type is not one of their event_type's."""
    e_codes, e_uniques = etype.factor()
    s_codes, s_uniques = sub.factor()
    bad = np.zeros(len(e_codes), bool)
    has_sub = s_codes >= 0
    for k, event_type in enumerate(e_uniques):
        allowed = schema.SUB_EVENT_TYPES.get(event_type)
        if allowed is None:  # a value no row keeps (it was not an event type)
            continue
        ok = np.fromiter(map(allowed.__contains__, s_uniques), bool, len(s_uniques))
        bad |= (e_codes == k) & has_sub & ~np.append(ok, True)[s_codes]
    return bad


def _repeated_ids(ident: Text) -> tuple[np.ndarray, dict[Any, int]]:
    """Rows whose id an earlier row has, and the first row of each such id."""
    codes, uniques = ident.factor()
    counts = np.bincount(codes[codes >= 0], minlength=len(uniques))
    shared = np.append(counts > 1, False)[codes]
    first: dict[Any, int] = {}
    if not shared.any():
        return shared, first
    by_code: dict[int, int] = {}
    later = np.zeros(len(codes), bool)
    for i in np.flatnonzero(shared).tolist():
        if by_code.setdefault(int(codes[i]), i) != i:
            later[i] = True
    for i in by_code.values():
        first[ident.values[i]] = i
    return later, first


def _end_before_start(
    start: tuple[np.ndarray, Sequence[Any]], end: tuple[np.ndarray, Sequence[Any]], missing: Any
) -> np.ndarray:
    """Rows whose date_end (date_start where it is ``missing``) is before their date_start."""
    (s_codes, s_uniques), (e_codes, e_uniques) = start, end
    # Rank every distinct date among all of them, so that rows compare as numbers.
    rank = {v: k for k, v in enumerate(sorted(set(s_uniques) | set(e_uniques)))}
    s_rank = np.array([rank[v] for v in s_uniques] + [-1], dtype=np.int64)[s_codes]
    e_rank = np.array([rank[v] for v in e_uniques] + [-1], dtype=np.int64)[e_codes]
    e_rank = np.where(missing, s_rank, e_rank)
    return (s_rank >= 0) & (e_rank >= 0) & (e_rank < s_rank)


def _integers(
    series: pd.Series, low: int, high: int | None
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Whole numbers in range, in bulk: (fine, numbers, absent, rows to check one by one)."""
    n = len(series)
    dtype = series.dtype
    numbers = np.zeros(n, dtype=np.int64)
    if dtype == np.dtype(object):
        values = series.to_numpy()
        types = types_of(values)
        absent = np.equal(types, NONE_TYPE)
        flag = ~absent
        exact = np.flatnonzero(np.equal(types, int))
        try:
            found = np.array(values[exact].tolist(), dtype=np.int64)
        except OverflowError:  # beyond 64 bits: let the per-row check judge them
            return np.zeros(n, bool), numbers, absent, flag
        numbers[exact] = found
        in_range = found >= low
        if high is not None:
            in_range &= found <= high
        flag[exact[in_range]] = False
        return ~absent & ~flag, numbers, absent, flag
    if pd.api.types.is_bool_dtype(dtype) or not pd.api.types.is_numeric_dtype(dtype):
        absent = np.fromiter(map(is_missing, as_objects(series)), bool, n)
        return np.zeros(n, bool), numbers, absent, ~absent
    absent = series.isna().to_numpy(dtype=bool)
    if pd.api.types.is_integer_dtype(dtype):
        unsigned = pd.api.types.is_unsigned_integer_dtype(dtype)
        as_int = series.to_numpy(dtype=np.uint64 if unsigned else np.int64, na_value=0)
        ok = ~absent & (as_int >= low) & (as_int < 2**63 if unsigned else True)
        if high is not None:
            ok &= as_int <= high
    else:
        as_float = series.to_numpy(dtype=np.float64, na_value=np.nan)
        with np.errstate(invalid="ignore"):
            ok = ~absent & np.isfinite(as_float) & (np.floor(as_float) == as_float)
            ok &= (as_float >= low) & (np.abs(as_float) < 2.0**63)
            if high is not None:
                ok &= as_float <= high
        as_int = np.where(ok, as_float, 0)
    numbers[ok] = as_int[ok].astype(np.int64)
    return ok, numbers, absent, ~ok & ~absent
