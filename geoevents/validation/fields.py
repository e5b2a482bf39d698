"""The scalar fields (strings, dates, choices, whole numbers) and the rules between fields.

Each function screens one column in bulk and confirms the rows it flags in bulk too (array
comparisons, and Python only once per distinct value): it reports what the per-row rule
(:class:`RowRules`) would report for each row, through the same rules (``MISSING``,
``NOT_ISO_DATE``...), and returns the checked column.
"""

from __future__ import annotations

import datetime as dt
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
    NOT_ONE_LINE,
    NOT_TEXT,
    NOT_UNICODE,
    OTHER_WITHOUT_REASON,
    PRECISION_MISFIT,
    SUB_OUTSIDE_TYPE,
    TOO_LARGE,
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
from geoevents.validation.values import (
    INT64_MAX,
    NOT_ONE_LINE_RE2,
    ONE_LINE_FIELDS,
    PRECISION_MAX_DAYS,
    has_reason,
    line_break_or_control,
    lone_surrogate,
)

__all__ = ["check_across", "check_choice", "check_dates", "check_integers", "check_strings"]

#: Each row's checked list: ``lists[rows]`` gives those rows' Python lists (a numpy object
#: array, or ``validation.lists.ArrowLists`` over an arrow list column).
Rows = Any


def check_strings(
    rules: RowRules, name: str, required: bool, t: Text, out: np.ndarray | None
) -> Text:
    """Check a text field: its values go into ``out``; return the column of kept texts.

    With ``out`` None the values stay where ``t`` holds them (arrow memory): the caller takes
    the kept texts from the returned column (:meth:`Text.arrow_kept`).
    """
    blank = t.blank()
    other = ~t.is_text & ~t.missing
    flag = other | (t.missing | blank) if required else other
    keep = t.is_text & ~blank & ~flag
    absent = np.flatnonzero(flag & ~other)  # missing or blank, and required
    wrong = np.flatnonzero(other)
    odd = keep & t.matching(lone_surrogate, None)
    keep &= ~odd
    broken = np.zeros(0, np.int64)
    if name in ONE_LINE_FIELDS:
        broken = np.flatnonzero(keep & t.matching(line_break_or_control, NOT_ONE_LINE_RE2))
        keep[broken] = False
    odd_rows = np.flatnonzero(odd)
    broken_values = t.at(broken)
    chars = objects(map(line_break_or_control, broken_values), len(broken))
    rules.record(
        rules.batch(MISSING, name, absent, args=(name,)),
        rules.batch(NOT_TEXT, name, wrong, t.at(wrong), args=(name,)),
        rules.batch(NOT_UNICODE, name, odd_rows, t.at(odd_rows), args=(name,)),
        rules.batch(NOT_ONE_LINE, name, broken, broken_values, chars, args=(name,)),
    )
    if out is None:
        return t.keep(keep, None)
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
    numbers, kept, whole, absent_here, too_large = _judge_integers(values, low, high)
    data[rows[kept]], na[rows[kept]] = numbers[kept], False
    if default is not None:
        data[rows[absent_here]], na[rows[absent_here]] = default, False
    bad = ~kept & ~absent_here & ~too_large
    rules.record(
        rules.batch(NOT_INTEGER, name, rows[bad], values[bad], whole[bad], args=(name, low, high)),
        rules.batch(TOO_LARGE, name, rows[too_large], values[too_large], args=(name,)),
    )
    return pd.arrays.IntegerArray(data, na)


_TWO_63 = 2.0**63


def _judge_integers(
    values: np.ndarray, low: int, high: int | None
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """What :meth:`RowRules.integer` makes of each value, in bulk: (numbers, kept, whole,
    missing, too large to store)."""
    n = len(values)
    types = types_of(values)
    numbers = np.zeros(n, dtype=np.int64)
    kept, whole, missing = np.zeros(n, bool), np.zeros(n, bool), np.zeros(n, bool)
    big = np.zeros(n, bool)  # a whole number above the 64 bits of a column
    missing |= np.equal(types, NONE_TYPE)
    missing |= np.fromiter(map(operator.is_, values, repeat(pd.NA)), bool, n)
    for kind in set(types.tolist()):
        rows = np.flatnonzero(of_types(types, [kind]))
        if issubclass(kind, bool | np.bool_) or not issubclass(
            kind, int | np.integer | float | np.floating
        ):
            continue  # not a whole number (the default for every row)
        if issubclass(kind, int | np.integer):
            ints = list(map(int, values[rows]))
            integral = np.ones(len(rows), bool)
            try:
                found = np.array(ints, dtype=np.int64)
                beyond = np.zeros(len(rows), bool)
            except OverflowError:  # some need more than 64 bits: judged as Python ints
                beyond = np.fromiter(
                    (not -(2**63) <= v <= INT64_MAX for v in ints), bool, len(ints)
                )
                found = np.array(
                    [0 if b else v for v, b in zip(ints, beyond, strict=True)], np.int64
                )
            compare: np.ndarray = found
            positive = np.fromiter((v > 0 for v in ints), bool, len(ints))
        else:
            compare = values[rows].astype(np.float64)
            missing[rows] |= np.isnan(compare) & issubclass(kind, float)
            with np.errstate(invalid="ignore"):
                integral = np.isfinite(compare) & (np.floor(compare) == compare)
            beyond = integral & (np.abs(compare) >= _TWO_63)
            found = np.where(integral & ~beyond, compare, 0).astype(np.int64)
            positive = compare > 0
        ok = integral & ~beyond & (compare >= low)
        if high is not None:
            ok &= compare <= high
        numbers[rows], kept[rows], whole[rows] = found, ok, integral
        big[rows] = beyond & positive
    kept &= ~missing
    # Only a count without an upper bound can be too large; elsewhere it is out of range.
    too_large = big & ~missing if high is None else np.zeros(n, bool)
    return numbers, kept, whole & ~missing, missing, too_large


def check_across(
    rules: RowRules, text: dict[str, Text], end_missing: np.ndarray, tags: Rows
) -> None:
    """The rules between fields of one row; defaults ``text["date_end"]`` to date_start.

    ``end_missing`` marks the rows that gave no date_end at all; ``tags`` holds each row's
    checked list of tags.
    """
    start, end = text["date_start"], text["date_end"]
    # The distinct dates as given, before date_end is defaulted below.
    dates = (start.factor(), end.factor())
    # date_end defaults to date_start (only when absent; a blank or bad date_end stays None).
    end.values[end_missing] = start.values[end_missing]
    text["date_end"] = end.defaulted(end_missing, start)
    before = np.flatnonzero(_end_before_start(*dates, end_missing))
    sub_bad = np.flatnonzero(_sub_outside_type(text["event_type"], text["sub_event_type"]))
    iso3 = text["iso3"]
    iso3_bad = np.flatnonzero(iso3.is_text & ~iso3.per_distinct(is_iso3))
    repeated, first = _repeated_ids(text["id"])
    misfit = np.flatnonzero(_precision_misfits(text["date_precision"], *dates, end_missing))
    precision, ends = text["date_precision"].at(misfit), text["date_end"].values[misfit]
    unexplained = np.flatnonzero(
        _other_without_reason(text["event_type"], text["sub_event_type"], tags)
    )
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
            text["sub_event_type"].at(sub_bad),
        ),
        rules.batch(NOT_ISO3, "iso3", iso3_bad, iso3.at(iso3_bad)),
        rules.batch(ID_REPEATED, "id", repeated, text["id"].at(repeated), first),
        rules.batch(
            PRECISION_MISFIT, "date_precision", misfit, precision, start.values[misfit], ends
        ),
        rules.batch(OTHER_WITHOUT_REASON, "tags", unexplained),
    )


def _precision_misfits(
    precision: Text,
    start: tuple[np.ndarray, Sequence[Any]],
    end: tuple[np.ndarray, Sequence[Any]],
    end_missing: np.ndarray,
) -> np.ndarray:
    """Rows whose date_precision does not fit date_start..date_end (see
    :func:`~geoevents.validation.rules.precision_fits`); date_end is date_start where it is
    ``end_missing``. Each distinct date is read once."""
    (s_codes, s_uniques), (e_codes, e_uniques) = start, end
    s_ord, e_ord = _ordinals(s_uniques), _ordinals(e_uniques)
    s_at, e_at = s_codes, np.where(end_missing, -1, e_codes)

    # Where date_end is absent, it is date_start.
    so, eo = s_ord[s_at], np.where(end_missing, s_ord[s_at], e_ord[e_at])
    has = (so >= 0) & (eo >= 0) & (eo >= so)
    p_codes, p_uniques = precision.factor()
    name = objects([*p_uniques, None], len(p_uniques) + 1)[p_codes]
    days = eo - so + 1
    misfit = np.zeros(len(days), bool)
    for unit, most in PRECISION_MAX_DAYS.items():
        misfit |= np.equal(name, unit) & (days > most)
    return has & misfit


def _ordinals(uniques: Sequence[Any]) -> np.ndarray:
    """The ordinal of each distinct date, then -1 for no date (index -1); a text that is no
    date counts as none."""
    out = np.full(len(uniques) + 1, -1, np.int64)
    for k, u in enumerate(uniques):
        day = _day(u)
        if day is not None:
            out[k] = day.toordinal()
    return out


def _day(value: Any) -> dt.date | None:
    if not (isinstance(value, str) and iso_shaped(value)):
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:  # a value no row keeps (not a date that exists)
        return None


def _other_without_reason(etype: Text, sub: Text, tags: Rows) -> np.ndarray:
    """Rows of a Strategic development of sub-type Other that no reason tag explains."""
    # Asked once per distinct value: a lazy column is not made Python strings for this.
    candidates = np.flatnonzero(
        etype.per_distinct(lambda v: v == "Strategic developments")
        & sub.per_distinct(lambda v: v == "Other")
    )
    bad = np.zeros(len(tags), bool)
    bad[candidates] = ~np.fromiter(map(has_reason, tags[candidates]), bool, len(candidates))
    return bad


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
