"""The scalar fields (strings, dates, choices, whole numbers) and the rules between fields.

Each function screens one column in bulk and confirms the rows it flags in bulk too (array
comparisons, and Python only once per distinct value): it reports what the per-row rule
(:class:`RowRules`) would report for each row, through the same rules (``MISSING``,
``NOT_ISO_DATE``...), and returns the checked column.
"""

from __future__ import annotations

import operator
from collections.abc import Sequence
from itertools import repeat
from typing import Any

import numpy as np
import pandas as pd

from geoevents import schema
from geoevents.validation.rules import (
    END_BEFORE_START,
    ID_REPEATED,
    MISSING,
    NO_DATE,
    NOT_CHOICE,
    NOT_INTEGER,
    NOT_ISO3,
    NOT_ISO_DATE,
    NOT_TEXT,
    SUB_OUTSIDE_TYPE,
    RowRules,
    date_ok,
    is_iso3,
    iso_shaped,
)
from geoevents.validation.text import (
    NONE_TYPE,
    Text,
    as_objects,
    is_missing,
    objects,
    of_types,
    types_of,
)

__all__ = ["check_across", "check_choice", "check_dates", "check_integers", "check_strings"]


def check_strings(rules: RowRules, name: str, required: bool, t: Text, out: np.ndarray) -> Text:
    """Check a text field: its values go into ``out``; return the column of kept texts."""
    blank = t.blank()
    other = ~t.is_text & ~t.missing
    flag = other | (t.missing | blank) if required else other
    keep = t.is_text & ~blank & ~flag
    absent = np.flatnonzero(flag & ~other)  # missing or blank, and required
    wrong = np.flatnonzero(other)
    rules.record(
        rules.batch(MISSING, name, absent, args=(name,)),
        rules.batch(NOT_TEXT, name, wrong, t.at(wrong), args=(name,)),
    )
    values = t.copy_into(out)
    values[~keep] = None
    return t.keep(keep, values)


def check_dates(rules: RowRules, name: str, t: Text) -> Text:
    """Check a date field (texts already checked as strings); return the kept dates."""
    bad = t.is_text & ~t.per_distinct(date_ok)
    shaped = t.per_distinct(iso_shaped)
    values = t.values
    no_date, not_iso = np.flatnonzero(bad & shaped), np.flatnonzero(bad & ~shaped)
    rules.record(
        rules.batch(NO_DATE, name, no_date, values[no_date], args=(name,)),
        rules.batch(NOT_ISO_DATE, name, not_iso, values[not_iso], args=(name,)),
    )
    values[bad] = None
    return t.keep(t.is_text & ~bad, values)


def check_choice(
    rules: RowRules, name: str, t: Text, allowed: Sequence[str], default: str | None
) -> Text:
    """Check a field with a vocabulary; rows without a value get ``default``."""
    bad = t.is_text & ~t.per_distinct(allowed.__contains__)
    values = t.values
    rows = np.flatnonzero(bad)
    rules.record(rules.batch(NOT_CHOICE, name, rows, values[rows], args=(name, allowed)))
    values[rows] = None
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
    values = objects(series.iloc[rows].tolist(), len(rows))
    judged = _judge_integers(values, low, high)
    if judged is None:  # beyond 64 bits: the per-row rule decides, and the column fails as ever
        return _integers_one_by_one(rules, name, values, rows, data, na, (low, high, default))
    numbers, kept, whole, absent_here = judged
    data[rows[kept]], na[rows[kept]] = numbers[kept], False
    if default is not None:
        data[rows[absent_here]], na[rows[absent_here]] = default, False
    bad = ~kept & ~absent_here
    rules.record(
        rules.batch(NOT_INTEGER, name, rows[bad], values[bad], whole[bad], args=(name, low, high))
    )
    return pd.arrays.IntegerArray(data, na)


def _judge_integers(
    values: np.ndarray, low: int, high: int | None
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray] | None:
    """What :meth:`RowRules.integer` makes of each value, in bulk: (numbers, kept, whole,
    missing); None when a number does not fit in 64 bits."""
    n = len(values)
    types = types_of(values)
    numbers = np.zeros(n, dtype=np.int64)
    kept, whole, missing = np.zeros(n, bool), np.zeros(n, bool), np.zeros(n, bool)
    missing |= np.equal(types, NONE_TYPE)
    missing |= np.fromiter(map(operator.is_, values, repeat(pd.NA)), bool, n)
    for kind in set(types.tolist()):
        rows = np.flatnonzero(of_types(types, [kind]))
        if issubclass(kind, bool | np.bool_) or not issubclass(
            kind, int | np.integer | float | np.floating
        ):
            continue  # not a whole number (the default for every row)
        if issubclass(kind, int | np.integer):
            try:
                found = values[rows].astype(np.int64)
            except OverflowError:
                return None
            integral = np.ones(len(rows), bool)
            as_float = None
        else:
            as_float = values[rows].astype(np.float64)
            missing[rows] |= np.isnan(as_float) & issubclass(kind, float)
            with np.errstate(invalid="ignore"):
                integral = np.isfinite(as_float) & (np.floor(as_float) == as_float)
            found = np.where(integral & (np.abs(as_float) < 2.0**63), as_float, 0)
            found = found.astype(np.int64)
        ok = integral & ((found if as_float is None else as_float) >= low)
        if high is not None:
            ok &= (found if as_float is None else as_float) <= high
        if as_float is not None and (ok & (np.abs(as_float) >= 2.0**63)).any():
            return None
        numbers[rows], kept[rows], whole[rows] = found, ok, integral
    kept &= ~missing
    return numbers, kept, whole & ~missing, missing


def _integers_one_by_one(
    rules: RowRules,
    name: str,
    values: np.ndarray,
    rows: np.ndarray,
    data: np.ndarray,
    na: np.ndarray,
    bounds: tuple[int, int | None, int | None],
) -> pd.api.extensions.ExtensionArray:
    """The per-row rule for every flagged row (only when some number needs more than 64 bits)."""
    low, high, default = bounds
    checked = {
        i: rules.integer(i, name, value, low, high, default)
        for i, value in zip(rows.tolist(), values.tolist(), strict=True)
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
    before = np.flatnonzero(_end_before_start(*dates, end_missing))
    sub_bad = np.flatnonzero(_sub_outside_type(text["event_type"], text["sub_event_type"]))
    iso3 = text["iso3"]
    iso3_bad = np.flatnonzero(iso3.is_text & ~iso3.per_distinct(is_iso3))
    repeated, first = _repeated_ids(text["id"])
    ident = text["id"].values
    rules.record(
        rules.batch(
            END_BEFORE_START,
            "date_end",
            before,
            text["date_end"].values[before],
            start.values[before],
        ),
        rules.batch(
            SUB_OUTSIDE_TYPE,
            "sub_event_type",
            sub_bad,
            text["event_type"].values[sub_bad],
            text["sub_event_type"].values[sub_bad],
        ),
        rules.batch(NOT_ISO3, "iso3", iso3_bad, iso3.values[iso3_bad]),
        rules.batch(ID_REPEATED, "id", repeated, ident[repeated], first),
    )


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


def _repeated_ids(ident: Text) -> tuple[np.ndarray, np.ndarray]:
    """Rows whose id an earlier row has, and for each of them the first row with that id."""
    codes, uniques = ident.factor()
    counts = np.bincount(codes[codes >= 0], minlength=len(uniques))
    shared = np.flatnonzero(np.append(counts > 1, False)[codes])
    if not len(shared):
        return shared, shared
    # A stable sort by id puts the first row of each id first among its equals.
    order = shared[np.argsort(codes[shared], kind="stable")]
    sorted_codes = codes[order]
    starts = np.ones(len(order), bool)
    starts[1:] = sorted_codes[1:] != sorted_codes[:-1]
    first = np.empty(len(codes), dtype=np.int64)
    first[order] = order[np.maximum.accumulate(np.where(starts, np.arange(len(order)), 0))]
    later = shared[first[shared] != shared]
    return later, first[later]


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
