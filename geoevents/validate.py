"""Incident validation: schema, geometry and plausibility checks that report every problem.

Readers hand :func:`check_frame` the raw properties of every feature (as parsed from GeoJSON, or
as read from a table) and the geometries. It returns the normalised incident table (defaults
filled, types fixed) and adds every problem it finds to a :class:`ValidationReport`, one per bad
value, each naming the feature, the field, the value and the fix.

How it stays fast on a million rows: each check is written once, for one value of one row (the
``_Checker`` methods). A vectorised pass per column (numpy, pyarrow, shapely) finds the rows that
the per-row code would pass unchanged, and only the other rows go through the per-row code. The
rows of one check are visited in order, and the checks run in a fixed order, so the report lists
the problems exactly as a plain loop over every row would.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import operator
import os
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from itertools import chain, compress, repeat
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import shapely

from geoevents import schema
from geoevents._gc import gc_paused
from geoevents.problems import ValidationReport, show_value, suggest

__all__ = ["check_frame", "suggest", "validate", "validate_frame"]

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_DMY = re.compile(r"(\d{1,2})[/.](\d{1,2})[/.](\d{4})")
_ISO3 = re.compile(r"[A-Z]{3}")
_HTTP = re.compile(r"https?://", re.IGNORECASE)
# Natural Earth 1:110m borders are off by up to ~20 km; a point farther out than this from the
# country it names is very likely misplaced (swapped lat/lon, wrong sign, wrong country).
_BORDER_MARGIN_DEG = 0.25
# Every character for which str.isspace() is true (tests check the list against Python's own).
_WHITESPACE = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006"
    "\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)
_SOURCE_KEYS = frozenset(schema.SOURCE_KEYS)
_NONE = type(None)

# A JSON text that is one list of strings or of flat objects with string values. Each pattern
# below only accepts what json.loads accepts, so texts that match can be decoded together in one
# call (much faster than one call per row); anything else is decoded on its own, as always.
_W = r"[ \t\n\r]*"
_JSON_CHAR = r'(?:[^"\\\x00-\x1f]|\\["\\/bfnrt]|\\u[0-9a-fA-F]{4})'
_JSON_STR = f'"{_JSON_CHAR}*"'
_JSON_PAIR = f"{_JSON_STR}{_W}:{_W}{_JSON_STR}{_W}"
_JSON_OBJ = rf"\{{{_W}(?:{_JSON_PAIR}(?:,{_W}{_JSON_PAIR})*)?\}}"


def _json_list(item: str) -> str:
    return rf"^{_W}\[{_W}(?:{item}{_W}(?:,{_W}{item}{_W})*)?\]{_W}$"


def _json_member(key: str, value: str) -> str:
    return f'"{key}"{_W}:{_W}{value}{_W}'


_JSON_LIST = _json_list(f"(?:{_JSON_STR}|{_JSON_OBJ})")
# Texts that decode to values the checks pass unchanged, so that no row of them needs a look.
# A list of strings:
_GOOD_STRINGS = _json_list(_JSON_STR)
# A list of sources with a name holding a character str.strip() keeps (visible ASCII other than
# the quote and backslash JSON escapes, a letter or a digit: tests check none is whitespace),
# only known keys, an http(s) url and a date that exists as ``published``.
_VISIBLE = r"(?:[!#-\[\]-~]|\p{L}|\p{N})"
_YEAR = r"(?:[0-9]{3}[1-9]|[0-9]{2}[1-9][0-9]|[0-9][1-9][0-9]{2}|[1-9][0-9]{3})"
_LEAP_YEAR = r"(?:[0-9]{2}(?:0[48]|[2468][048]|[13579][26])|(?:0[48]|[2468][048]|[13579][26])00)"
_MONTH_DAY = (
    r"(?:(?:0[1-9]|1[0-2])-(?:0[1-9]|1[0-9]|2[0-8])"
    r"|(?:0[13-9]|1[0-2])-(?:29|30)|(?:0[13578]|1[02])-31)"
)
_DATE = f"(?:{_YEAR}-{_MONTH_DAY}|{_LEAP_YEAR}-02-29)"
_HTTP_STR = f'"[hH][tT][tT][pP][sS]?://{_JSON_CHAR}*"'
_SOURCE_OPTIONAL = (
    f"(?:{_json_member('url', _HTTP_STR)}"
    f"|{_json_member('published', chr(34) + _DATE + chr(34))}"
    f"|{_json_member('(?:quote|document)', _JSON_STR)})"
)
_SOURCE_NAME = _json_member("name", f'"{_JSON_CHAR}*{_VISIBLE}{_JSON_CHAR}*"')
_GOOD_SOURCES = _json_list(
    rf"\{{{_W}(?:{_SOURCE_OPTIONAL},{_W})*{_SOURCE_NAME}(?:,{_W}{_SOURCE_OPTIONAL})*\}}"
)


def _missing(value: Any) -> bool:
    if value is None or value is pd.NA:
        return True
    return isinstance(value, float) and math.isnan(value)


def _date_exists(value: str) -> bool:
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        return False
    return True


def _date_ok(value: str) -> bool:
    return bool(_ISO_DATE.fullmatch(value)) and _date_exists(value)


def _objects(values: Iterable[Any], count: int) -> np.ndarray:
    """A 1-d object array of ``values`` as they are (lists stay elements, never a 2nd axis)."""
    return np.fromiter(values, dtype=object, count=count)


def _fresh_empty_lists(count: int) -> np.ndarray:
    return _objects(map(list, repeat((), count)), count)


def _split(flat: np.ndarray, lengths: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """Cut ``flat`` into consecutive new lists of the given lengths (into ``out``)."""
    out = np.empty(len(lengths), dtype=object) if out is None else out
    ends = np.cumsum(lengths)
    starts = ends - lengths
    empty = np.flatnonzero(lengths == 0)
    out[empty] = _fresh_empty_lists(len(empty))
    # Most lists hold one item: zip makes those without slicing (three times faster).
    one = np.flatnonzero(lengths == 1)
    out[one] = _objects(map(list, zip(flat[starts[one]])), len(one))
    many = np.flatnonzero(lengths > 1)
    if len(many):
        items = flat.tolist()
        cuts = map(slice, starts[many].tolist(), ends[many].tolist())
        out[many] = _objects(map(items.__getitem__, cuts), len(many))
    return out


def _share_items(templates: np.ndarray, codes: np.ndarray, out: np.ndarray, rows: np.ndarray):
    """Set ``out[rows[k]]`` to a new list holding the items of the list ``templates[codes[k]]``
    (the items themselves are shared; a None template gives an empty list)."""
    # Made in template order: at a million rows, reaching the templates in row order would miss
    # the CPU cache at nearly every row.
    order = np.argsort(codes, kind="stable")
    codes, rows = codes[order], rows[order]
    present = np.fromiter(map(operator.is_not, templates, repeat(None)), bool, len(templates))
    sizes = np.zeros(len(templates), dtype=np.intp)
    sizes[present] = np.fromiter(map(len, templates[present]), np.intp, int(present.sum()))
    lengths = sizes[codes]
    empty = np.flatnonzero(lengths == 0)
    out[rows[empty]] = _fresh_empty_lists(len(empty))
    # Most lists hold one item: make those through zip, with no per-row Python call.
    one = np.flatnonzero(lengths == 1)
    firsts = _objects(map(next, map(iter, templates[sizes == 1])), int((sizes == 1).sum()))
    position = np.cumsum(sizes == 1) - 1
    out[rows[one]] = _objects(map(list, zip(firsts[position[codes[one]]])), len(one))
    many = np.flatnonzero(lengths > 1)
    out[rows[many]] = _objects(map(list, templates[codes[many]]), len(many))


def _copy_each(
    values: np.ndarray, item_copy: Callable[[Any], Any] | None, out: np.ndarray, rows: np.ndarray
) -> None:
    """Set ``out[rows[k]]`` to a new list of (``item_copy`` of) the items of ``values[k]``
    (a list, or None for an empty one)."""
    none = np.fromiter(map(operator.is_, values, repeat(None)), bool, len(values))
    out[rows[none]] = _fresh_empty_lists(int(none.sum()))
    lists: Iterable[Any] = values[~none]
    if item_copy is not None:
        lists = map(map, repeat(item_copy), lists)
    out[rows[~none]] = _objects(map(list, lists), len(rows) - int(none.sum()))


def _types(values: np.ndarray) -> np.ndarray:
    return _objects(map(type, values), len(values))


# -- one column of text -------------------------------------------------------------------------


def _is_text_dtype(dtype: Any) -> bool:
    if isinstance(dtype, pd.StringDtype):
        return True
    if isinstance(dtype, pd.ArrowDtype):
        t = dtype.pyarrow_dtype
        if pa.types.is_dictionary(t):
            t = t.value_type
        return pa.types.is_string(t) or pa.types.is_large_string(t) or pa.types.is_string_view(t)
    return False


def _as_objects(series: pd.Series) -> np.ndarray:
    """The column's values, one Python object per row, as ``Series.tolist()`` gives them."""
    if series.dtype == object:
        return series.to_numpy()
    return _objects(series.tolist(), len(series))


class _Text:
    """One text column: per-row values, which rows hold text, and its distinct values.

    ``values`` holds what the per-row checks see for each row (the value as given, None for a
    null of a typed column). ``arrow`` holds the same texts for vectorised string work where they
    could be converted. ``factor()`` numbers the distinct texts, so that a check judges each of
    them once; a dictionary-encoded column comes with its numbers.
    """

    def __init__(
        self,
        values: np.ndarray | None,
        is_text: np.ndarray,
        missing: np.ndarray | None = None,
        *,
        codes: np.ndarray | None = None,
        uniques: Sequence[Any] | None = None,
        arrow: pa.ChunkedArray | None = None,
    ):
        self._values = values
        self._lookup: np.ndarray | None = None
        self.is_text = is_text
        self.missing = ~is_text if missing is None else missing
        self._codes = codes
        self._uniques = uniques
        self._arrow = arrow

    @classmethod
    def of(cls, series: pd.Series | None, n: int) -> _Text:
        """Read a column."""
        if series is None:
            return cls(np.full(n, None, dtype=object), np.zeros(n, bool))
        if _is_text_dtype(series.dtype):
            return cls._of_arrow(pa.array(series.array))
        values = _as_objects(series)
        if pd.api.types.infer_dtype(values, skipna=True) in ("string", "empty"):
            try:
                # Raises for anything but str and None (NaN, NA, NaT), so nulls are exactly None.
                arr = pa.array(values, type=pa.large_string(), from_pandas=False)
            except (pa.ArrowException, UnicodeEncodeError):  # lone surrogates are not UTF-8
                pass
            else:
                is_text = arr.is_valid().to_numpy(zero_copy_only=False)
                return cls(values, is_text, arrow=pa.chunked_array([arr]))
            na = pd.isna(values)
            missing = na.copy()
            # isna also catches NaT, Decimal("NaN") and float32 NaN, which are not "no value".
            rows = np.flatnonzero(na)
            missing[rows] = np.fromiter(map(_missing, values[rows]), bool, len(rows))
            return cls(values, ~na, missing)
        is_text = np.fromiter(map(isinstance, values, repeat(str)), bool, n)
        missing = np.fromiter(map(_missing, values), bool, n)
        return cls(values, is_text, missing)

    @classmethod
    def _of_arrow(cls, arr: pa.Array | pa.ChunkedArray) -> _Text:
        # Chunks stay apart: joining them would copy the column (a quarter GB of summaries).
        if isinstance(arr, pa.Array):
            arr = pa.chunked_array([arr])
        if pa.types.is_dictionary(arr.type):
            if any(chunk.dictionary.null_count for chunk in arr.chunks):
                arr = arr.cast(arr.type.value_type)
            else:
                codes, uniques = _codes(arr)
                # Built on first use, with equal strings sharing one object (far less memory).
                return cls(None, codes >= 0, codes=codes, uniques=uniques)
        if pa.types.is_string_view(arr.type):
            arr = arr.cast(pa.large_string())
        is_text = arr.is_valid().to_numpy(zero_copy_only=False)
        return cls(arr.to_numpy(zero_copy_only=False), is_text, arrow=arr)

    @property
    def values(self) -> np.ndarray:
        if self._values is None:
            self._values = self.at(slice(None))
        return self._values

    def at(self, rows: Any) -> Any:
        """The values of some rows (without building them all)."""
        if self._values is not None:
            return self._values[rows]
        assert self._codes is not None
        return self.lookup()[self._codes[rows]]

    def lookup(self) -> np.ndarray:
        """The distinct texts, then None: indexed by the codes, it gives the values."""
        if self._lookup is None:
            assert self._uniques is not None
            self._lookup = _objects(chain(self._uniques, [None]), len(self._uniques) + 1)
        return self._lookup

    def factor(self) -> tuple[np.ndarray, Sequence[Any]]:
        """Codes (-1 for rows without text) and the distinct texts they point to."""
        if self._codes is None:
            if self._arrow is not None:
                # One dictionary for the whole column: encoding chunk by chunk and unifying
                # the dictionaries afterwards is several times slower.
                whole = self._arrow.combine_chunks().dictionary_encode()
                codes, uniques = _codes(pa.chunked_array([whole]))
            else:
                codes = np.full(len(self.is_text), -1, dtype=np.int64)
                rows = np.flatnonzero(self.is_text)
                sub, found = pd.factorize(self.values[rows])
                codes[rows] = sub
                uniques: Sequence[Any] = list(found)
            codes[~self.is_text] = -1
            self._codes, self._uniques = codes, uniques
        assert self._uniques is not None
        return self._codes, self._uniques

    def per_distinct(self, test: Callable[[Any], bool]) -> np.ndarray:
        """``test`` of each row's text, asked once per distinct text (False where no text)."""
        codes, uniques = self.factor()
        verdict = np.fromiter(map(test, uniques), bool, len(uniques))
        return np.append(verdict, False)[codes]

    def blank(self) -> np.ndarray:
        """Rows whose text is empty or only whitespace."""
        if self._codes is not None:
            return self.per_distinct(_is_blank)
        blank = np.zeros(len(self.is_text), bool)
        if self._arrow is not None:
            # Only text that starts with whitespace (or is empty) can be blank; let Python decide
            # for those few, by the same rule as the per-row check.
            first = pc.utf8_slice_codeunits(self._arrow, 0, 1)
            maybe = pc.is_in(first, value_set=pa.array(["", *_WHITESPACE], first.type))
            rows = np.flatnonzero(maybe.fill_null(False).to_numpy(zero_copy_only=False))
        else:
            rows = np.flatnonzero(self.is_text)
        if len(rows):
            blank[rows] = np.fromiter(map(_is_blank, self.values[rows]), bool, len(rows))
        return blank

    def copy_into(self, out: np.ndarray) -> np.ndarray:
        """Write the values into ``out`` (without building them first); return ``out``."""
        if self._values is None:
            assert self._codes is not None
            np.take(self.lookup(), self._codes, out=out)
        else:
            out[:] = self._values
        return out

    def release(self) -> None:
        """Drop the arrow copy of the texts (no check will look at them again)."""
        self._arrow = None

    def keep(self, rows: np.ndarray, values: np.ndarray) -> _Text:
        """The column with only ``rows`` keeping their text (unchanged), and ``values``."""
        codes = None if self._codes is None else np.where(rows, self._codes, -1)
        return _Text(values, rows, codes=codes, uniques=self._uniques, arrow=self._arrow)

    def filled(self, rows: np.ndarray, value: str) -> _Text:
        """The column with ``value`` in ``rows`` (which hold no text)."""
        codes, uniques = self.factor()
        values = self.values
        values[rows] = value
        if value not in uniques:
            uniques = [*uniques, value]
        codes = np.where(rows, uniques.index(value), codes)
        return _Text(values, self.is_text | rows, codes=codes, uniques=uniques)


def _codes(arr: pa.ChunkedArray) -> tuple[np.ndarray, _Uniques]:
    """Codes (-1 for null) and distinct values of a dictionary-encoded column."""
    if arr.num_chunks == 0:
        return np.zeros(0, dtype=np.int64), _Uniques(pa.array([], arr.type.value_type))
    arr = arr.unify_dictionaries()
    codes = [c.indices.fill_null(-1).to_numpy(zero_copy_only=False) for c in arr.chunks]
    return np.concatenate(codes).astype(np.int64), _Uniques(arr.chunk(0).dictionary)


class _Uniques(Sequence[Any]):
    """The distinct values of an arrow dictionary, made Python strings only when asked for."""

    def __init__(self, dictionary: pa.Array):
        self._dictionary = dictionary
        self._list: list[Any] | None = None

    def _values(self) -> list[Any]:
        if self._list is None:
            self._list = self._dictionary.to_pylist()
        return self._list

    def __len__(self) -> int:
        return len(self._dictionary)

    def __getitem__(self, i: Any) -> Any:
        return self._values()[i]

    def __iter__(self) -> Iterator[Any]:
        return iter(self._values())


def _is_blank(text: str) -> bool:
    return not text.strip()


def _is_iso3(text: str) -> bool:
    return _ISO3.fullmatch(text) is not None


# -- the checks, one row at a time --------------------------------------------------------------


class _Checker:
    """Checks one table of raw properties, recording problems against feature index and id.

    Each method checks one value (or row) and reports what is wrong, and the value methods
    return the value to keep. They define the checks: the vectorised passes of ``_Run`` only
    decide which rows can skip them, because these would find nothing and keep the value.
    """

    def __init__(self, report: ValidationReport, prop_ids: np.ndarray, ids: Any):
        self.report = report
        self.bad_rows: set[int] = set()
        self._prop_ids = prop_ids
        self._ids = ids

    def name(self, i: int) -> str | None:
        prop = self._prop_ids[i]
        return str(prop) if isinstance(prop, str) else (self._ids[i] if self._ids else None)

    def error(self, i: int, field: str, message: str, fix: str, kind: str = "schema") -> None:
        self.bad_rows.add(i)
        self.report.add(
            "error", message, fix, index=i, feature_id=self.name(i), field=field, kind=kind
        )

    def warn(self, i: int | None, field: str, message: str, fix: str, kind: str = "schema"):
        fid = self.name(i) if i is not None else None
        self.report.add("warning", message, fix, index=i, feature_id=fid, field=field, kind=kind)

    # -- field kinds ----------------------------------------------------------------------------
    def string(self, i: int, name: str, required: bool, value: Any) -> str | None:
        # An empty string is no value: CSV cannot tell them apart, so no format may.
        if _missing(value) or (isinstance(value, str) and not value.strip()):
            if required:
                self.error(i, name, f"{name} is missing", "every incident needs one")
            return None
        if isinstance(value, str):
            return value
        self.error(
            i,
            name,
            f"{name} must be text, found {show_value(value)}",
            f'write it as a string, e.g. "{value}"',
        )
        return None

    def choice(
        self, i: int, name: str, value: str | None, allowed: Sequence[str], default: str | None
    ) -> str | None:
        if value is None:
            return default
        if value in allowed:
            return value
        near = suggest(value, allowed)
        hint = f'did you mean "{near}"? ' if near else ""
        self.error(
            i,
            name,
            f"{name} {show_value(value)} is not one of {', '.join(allowed)}",
            f"{hint}use one of the listed values",
        )
        return None

    def date(self, i: int, name: str, value: str | None) -> str | None:
        if value is None:
            return None
        if _ISO_DATE.fullmatch(value):
            if not _date_exists(value):
                self.error(
                    i,
                    name,
                    f"{name} {show_value(value)} is not a date that exists",
                    "check the day and month (YYYY-MM-DD)",
                )
                return None
            return value
        dmy = _DMY.fullmatch(value)
        fix = (
            f"write it as YYYY-MM-DD, e.g. {dmy[3]}-{int(dmy[2]):02d}-{int(dmy[1]):02d} if "
            "it is day/month/year"
            if dmy
            else "write it as YYYY-MM-DD"
        )
        self.error(i, name, f"{name} {show_value(value)} is not an ISO date", fix)
        return None

    def integer(
        self, i: int, name: str, value: Any, low: int, high: int | None, default: int | None
    ) -> int | None:
        rng = f"{low}..{high}" if high is not None else f">= {low}"
        if _missing(value):
            return default
        number: int | None = None
        if isinstance(value, bool | np.bool_):
            number = None
        elif isinstance(value, int | np.integer) or (
            isinstance(value, float | np.floating) and float(value).is_integer()
        ):
            number = int(value)
        if number is None or number < low or (high is not None and number > high):
            what = "a whole number" if number is None else "in range"
            self.error(
                i,
                name,
                f"{name} {show_value(value)} is not {what} ({rng})",
                f"write a whole number {rng}"
                + (", or null when not reported" if name == "fatalities" else ""),
            )
            return None
        return number

    def string_list(self, i: int, name: str, value: Any) -> list[str]:
        if _missing(value):
            return []
        if isinstance(value, list | tuple | np.ndarray) and all(isinstance(v, str) for v in value):
            return list(value)
        self.error(
            i,
            name,
            f"{name} must be a list of strings, found {show_value(value)}",
            'write it as ["...", "..."]',
        )
        return []

    def sources(self, i: int, value: Any) -> list[dict[str, str]]:
        if _missing(value):
            return []
        if not isinstance(value, list | tuple | np.ndarray):
            self.error(
                i,
                "sources",
                f"sources must be a list of objects, found {show_value(value)}",
                'write [{"name": "...", "url": "...", "quote": "..."}]',
            )
            return []
        cleaned = []
        for j, src in enumerate(value):
            where = f"sources[{j}]"
            if not isinstance(src, dict):
                self.error(i, where, f"a source must be an object, found {show_value(src)}", "")
                continue
            entry = {k: v for k, v in src.items() if not _missing(v)}
            bad = [k for k, v in entry.items() if not isinstance(v, str)]
            if bad:
                self.error(
                    i,
                    f"{where}.{bad[0]}",
                    f"{bad[0]} must be text, found {show_value(entry[bad[0]])}",
                    "write it as a string",
                )
                continue
            if not entry.get("name", "").strip():
                self.error(i, f"{where}.name", "the source has no name", "add its name")
                continue
            unknown = sorted(set(entry) - set(schema.SOURCE_KEYS))
            if unknown:
                self.warn(
                    i,
                    f"{where}.{unknown[0]}",
                    f"unknown source key {show_value(unknown[0])} (ignored)",
                    f"use {', '.join(schema.SOURCE_KEYS)}",
                )
                entry = {k: v for k, v in entry.items() if k in schema.SOURCE_KEYS}
            url = entry.get("url")
            if url is not None and not _HTTP.match(url):
                self.warn(
                    i,
                    f"{where}.url",
                    f"url {show_value(url)} is not http(s); maps show it as text, not a link",
                    "use an http(s) address",
                )
            if "published" in entry:
                self.date(i, f"{where}.published", entry["published"])
            cleaned.append(entry)
        return cleaned

    def across(self, i: int, cols: dict[str, np.ndarray], first: dict[Any, int]) -> None:
        """The rules between fields of one row (date_end is already defaulted)."""
        start, end = cols["date_start"][i], cols["date_end"][i]
        if start and end and end < start:
            self.error(
                i,
                "date_end",
                f"date_end {end} is before date_start {start}",
                "swap them, or fix the wrong one",
            )
        etype, sub = cols["event_type"][i], cols["sub_event_type"][i]
        if etype and sub and sub not in schema.SUB_EVENT_TYPES[etype]:
            near = suggest(sub, schema.SUB_EVENT_TYPES[etype])
            self.error(
                i,
                "sub_event_type",
                f'sub_event_type {show_value(sub)} does not belong to "{etype}"',
                (f'did you mean "{near}"? ' if near else "")
                + f"use one of {', '.join(schema.SUB_EVENT_TYPES[etype])}",
            )
        iso3 = cols["iso3"][i]
        if iso3 is not None and not _ISO3.fullmatch(iso3):
            self.error(
                i,
                "iso3",
                f"iso3 {show_value(iso3)} is not an ISO 3166-1 alpha-3 code",
                'write three capital letters, e.g. "IRQ"',
            )
        ident = cols["id"][i]
        if ident is not None and first.get(ident, i) != i:
            self.error(
                i,
                "id",
                f'id "{ident}" is also used by feature {first[ident]}',
                "give every incident its own id",
            )

    def geometry(self, i: int, geom: Any) -> Any:
        if geom is None or (not isinstance(geom, shapely.Geometry) and _missing(geom)):
            self.error(
                i,
                "geometry",
                "the incident has no geometry",
                "give it a location ([lon, lat] Point), or drop it",
                kind="geometry",
            )
            return None
        if geom.is_empty:
            self.error(
                i, "geometry", "the geometry is empty", "give it a location", kind="geometry"
            )
            return None
        if not geom.is_valid:
            reason = shapely.is_valid_reason(geom)
            self.error(
                i,
                "geometry",
                f"the {geom.geom_type} is not a valid shape: {reason}",
                "repair it (e.g. shapely.make_valid, or QGIS 'Fix geometries')",
                kind="geometry",
            )
        return geom

    def future(self, i: int, start: Any, future: str) -> None:
        if isinstance(start, str) and start > future:
            self.warn(
                i,
                "date_start",
                f"date_start {start} is in the future",
                "check the year",
                kind="plausibility",
            )

    def place(
        self,
        i: int,
        point: Any,
        shape: Any,
        named: Any,
        distance: float,
        swapped: Any,
        on_land: bool,
    ) -> None:
        """Is the point where its country says it is? (``distance`` to that country.)"""
        if point is None or point.is_empty:
            return
        if point.x == 0 and point.y == 0:
            self.warn(
                i,
                "geometry",
                "the incident is at 0,0 (the Gulf of Guinea), a common placeholder",
                "give its real location",
                kind="plausibility",
            )
        elif shape is None:
            if not on_land:
                self.warn(
                    i,
                    "geometry",
                    f"point ({point.x:.4f}, {point.y:.4f}) is not in or near any country (sea?)",
                    "check the coordinates ([lon, lat] order?)",
                    kind="plausibility",
                )
        elif distance > _BORDER_MARGIN_DEG:
            hint = (
                " (with lat and lon swapped it would be inside: write [lon, lat])"
                if shape.distance(swapped) <= _BORDER_MARGIN_DEG
                else ""
            )
            self.warn(
                i,
                "geometry",
                f"point ({point.x:.4f}, {point.y:.4f}) is about {distance * 111:.0f} km "
                f"outside {named}{hint}",
                "check the coordinates and the country",
                kind="plausibility",
            )


# -- the table ----------------------------------------------------------------------------------


def check_frame(
    raw: pd.DataFrame,
    geometry: Sequence[Any] | gpd.GeoSeries,
    report: ValidationReport,
    *,
    ids: list[str | None] | None = None,
    today: dt.date | None = None,
) -> tuple[gpd.GeoDataFrame, set[int]]:
    """Check raw incident properties and geometries; return the normalised table.

    Parameters
    ----------
    raw : pandas.DataFrame
        One row per feature, one column per property, values as read (not yet typed). Columns
        may be of any dtype (object, string, integer, float, pyarrow-backed).
    geometry : sequence of shapely geometries or None
        One per row.
    report : ValidationReport
        Receives every problem found.
    ids : list of str or None, optional
        Feature ids to name in messages when a row has no ``id`` property.
    today : datetime.date, optional
        The day after which a date counts as in the future (default: today).

    Returns
    -------
    geopandas.GeoDataFrame, set of int
        The incidents with the columns of :data:`geoevents.schema.COLUMNS` plus ``geometry``
        (rows with errors are kept, with the bad values blanked) and the positions of the rows
        that have at least one error.
    """
    return _check_frame(raw, geometry, report, ids=ids, today=today)


def _check_frame(
    raw: pd.DataFrame,
    geometry: Sequence[Any] | gpd.GeoSeries,
    report: ValidationReport,
    *,
    ids: list[str | None] | None = None,
    today: dt.date | None = None,
    json_text: Sequence[str] = (),
    reference: bool = False,
    consume: bool = False,
) -> tuple[gpd.GeoDataFrame, set[int]]:
    """:func:`check_frame`, with the options that only readers and tests need.

    ``json_text`` names list fields whose text values are JSON to decode first (tabular stores
    keep lists as JSON text); a text that does not decode stays text and is reported as such.
    Rows with the same text share the decoded items (each row gets its own list).
    ``reference`` runs the per-row checks on every row, skipping all vectorised passes: the
    slow, obviously-complete way that tests compare the fast one against. ``consume`` lets the
    run delete each column from ``raw`` once it has read it, so that a reader that has no other
    use for ``raw`` does not hold the whole input in memory next to the result.
    """
    with gc_paused():
        run = _Run(raw, geometry, report, ids, today, frozenset(json_text), reference, consume)
        return run.run()


_DTYPES = {"fatalities": "Int64", "geo_precision": "Int64"}


_OBJECT_COLUMNS = tuple(name for name in schema.COLUMNS if name not in _DTYPES)
# Text fields that no later check reads: their arrow copies can go as soon as they are checked.
_TEXT_ONLY = ("title", "actor1", "actor2", "admin1", "location", "summary")


class _Run:
    """One call of :func:`check_frame`: the checks in the order their problems are reported.

    The object columns of the result are the rows of one 2-d array (``block``), filled in
    place: a DataFrame built from it needs no copy (building one from separate columns would
    copy them all into such an array).
    """

    def __init__(
        self,
        raw: pd.DataFrame,
        geometry: Sequence[Any] | gpd.GeoSeries,
        report: ValidationReport,
        ids: list[str | None] | None,
        today: dt.date | None,
        json_text: frozenset[str],
        reference: bool,
        consume: bool,
    ):
        self.n = n = len(raw)
        plain = isinstance(raw.index, pd.RangeIndex) and raw.index.start == 0
        self.raw = raw if consume and plain else raw.reset_index(drop=True)
        self.consume = consume
        self.geometry = geometry
        self.ids = ids
        self.today = today
        self.json_text = json_text
        self.reference = reference
        self.columns = set(self.raw.columns)
        self.block = np.empty((len(_OBJECT_COLUMNS), n), dtype=object)
        self.id_text = _Text.of(self.column("id"), n)
        self.end_missing = np.ones(n, bool)
        self.chk = _Checker(report, self.id_text.values, ids)

    def column(self, name: str) -> pd.Series | None:
        return self.raw[name] if name in self.columns else None

    def done(self, name: str) -> None:
        """The input column is read: let go of it early when the caller gave it away."""
        if self.consume and name in self.raw.columns:
            del self.raw[name]

    def return_memory(self) -> None:
        """Give the memory of the input columns let go of back to the system now, not later:
        the Python objects made next would otherwise add to it (the arrow pool holds on to
        freed memory for a while)."""
        if self.consume:
            pa.default_memory_pool().release_unused()

    def slot(self, name: str) -> np.ndarray:
        """The result's column ``name`` (a row of ``block``, written in place)."""
        return self.block[_OBJECT_COLUMNS.index(name)]

    def flagged(self, rows: np.ndarray) -> Iterator[int]:
        """Rows to run the per-row check on: all of them in reference mode."""
        return iter(range(self.n)) if self.reference else iter(np.flatnonzero(rows).tolist())

    def run(self) -> tuple[gpd.GeoDataFrame, set[int]]:
        chk, n = self.chk, self.n
        for name in sorted(self.columns - set(schema.COLUMNS)):
            chk.warn(
                None,
                name,
                f"property {show_value(name)} is not part of the incident schema (ignored)",
                "see docs/schema.md for the fields",
            )
            self.done(name)
        if "id" not in self.columns and self.ids is not None:
            given = pd.Series([str(x) if x is not None else None for x in self.ids], dtype=object)
            self.id_text = _Text.of(given, n)
        text: dict[str, _Text] = {}
        for field in schema.FIELDS:
            if field.kind == "str":
                source = self.id_text if field.name == "id" else None
                text[field.name] = self.strings(field.name, field.required, source)
                if field.name in _TEXT_ONLY:
                    text[field.name].release()
                    self.return_memory()
        for name, required in (("date_start", True), ("date_end", False)):
            text[name] = self.dates(name, self.strings(name, required))
        text["date_precision"] = self.choice(
            "date_precision", text["date_precision"], schema.DATE_PRECISIONS, "day"
        )
        text["confidence"] = self.choice("confidence", text["confidence"], schema.CONFIDENCE, None)
        text["event_type"] = self.choice("event_type", text["event_type"], schema.EVENT_TYPES, None)
        ints = {
            "geo_precision": self.integers("geo_precision", 1, 3, 1),
            "fatalities": self.integers("fatalities", 0, None, None),
        }
        self.string_lists("assoc_actors")
        self.string_lists("tags")
        self.sources()
        self.return_memory()
        self.across(text)
        geoms = self.geometries()
        frame = pd.DataFrame(self.block.T, columns=list(_OBJECT_COLUMNS), dtype=object, copy=False)
        for name in sorted(_DTYPES, key=schema.COLUMNS.index):
            series = pd.Series(ints[name], dtype=_DTYPES[name])
            frame.insert(schema.COLUMNS.index(name), name, series)
        geometry = gpd.GeoSeries(geoms, crs=schema.CRS)
        gdf = gpd.GeoDataFrame(frame, geometry=geometry, copy=False)
        self.plausibility(gdf, text)
        return gdf, chk.bad_rows

    # -- field kinds ----------------------------------------------------------------------------
    def strings(self, name: str, required: bool, given: _Text | None = None) -> _Text:
        t = given or _Text.of(self.column(name), self.n)
        self.done(name)
        if name == "date_end":
            self.end_missing = t.missing
        blank = np.zeros(self.n, bool) if self.reference else t.blank()
        other = ~t.is_text & ~t.missing
        flag = other | (t.missing | blank) if required else other
        keep = t.is_text & ~blank & ~flag
        rows = list(self.flagged(flag))
        originals = t.at(rows)
        values = t.copy_into(self.slot(name))
        values[~keep] = None
        for i, value in zip(rows, originals, strict=True):
            values[i] = self.chk.string(i, name, required, value)
        if self.reference:
            is_text = np.fromiter(map(isinstance, values, repeat(str)), bool, self.n)
            return _Text(values, is_text)
        return t.keep(keep, values)

    def dates(self, name: str, t: _Text) -> _Text:
        bad = np.zeros(self.n, bool) if self.reference else t.is_text & ~t.per_distinct(_date_ok)
        values = t.values
        for i in self.flagged(bad):
            values[i] = self.chk.date(i, name, values[i])
        if self.reference:
            return _Text(values, values != None)  # noqa: E711
        return t.keep(t.is_text & ~bad, values)

    def choice(self, name: str, t: _Text, allowed: Sequence[str], default: str | None) -> _Text:
        bad = (
            np.zeros(self.n, bool)
            if self.reference
            else t.is_text & ~t.per_distinct(allowed.__contains__)
        )
        values = t.values
        for i in self.flagged(bad):
            values[i] = self.chk.choice(i, name, values[i], allowed, default)
        if self.reference:
            return _Text(values, values != None)  # noqa: E711
        kept = t.keep(t.is_text & ~bad, values)
        if default is None:
            return kept
        return kept.filled(~t.is_text, default)

    def integers(
        self, name: str, low: int, high: int | None, default: int | None
    ) -> pd.api.extensions.ExtensionArray:
        series = self.column(name)
        n = self.n
        data = np.zeros(n, dtype=np.int64)
        na = np.ones(n, dtype=bool)
        if series is None:
            if default is not None:
                data[:], na[:] = default, False
            return pd.arrays.IntegerArray(data, na)
        if self.reference:
            flag = np.ones(n, dtype=bool)
        else:
            fine, numbers, absent, flag = _integers(series, low, high)
            data[fine], na[fine] = numbers[fine], False
            if default is not None:
                data[absent], na[absent] = default, False
        rows = np.flatnonzero(flag)
        checked = {
            i: self.chk.integer(i, name, value, low, high, default)
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

    def values_of(self, name: str) -> np.ndarray:
        """A list field's values per row, JSON text decoded as the table readers always did."""
        series = self.column(name)
        if series is None:
            return np.full(self.n, None, dtype=object)
        values = _as_objects(series)
        if name in self.json_text:
            values = values.copy()
            for i, value in enumerate(values):
                if isinstance(value, str):
                    values[i] = _loads(value)
        return values

    def string_lists(self, name: str) -> None:
        out = self.slot(name)
        if self.reference:
            values = self.values_of(name)
            out[:] = _objects(
                (self.chk.string_list(i, name, v) for i, v in enumerate(values)), self.n
            )
            return
        series = self.column(name)
        if series is not None and _is_list_of_text(series.dtype):
            flag = _arrow_string_lists(pa.array(series.array), out)
            for i in np.flatnonzero(flag).tolist():
                out[i] = self.chk.string_list(i, name, series.iloc[i])
            self.done(name)
            return
        self.list_field(name, _GOOD_STRINGS, _fine_string_lists, None, self.chk.string_list)

    def sources(self) -> None:
        if self.reference:
            values = self.values_of("sources")
            checked = (self.chk.sources(i, v) for i, v in enumerate(values))
            self.slot("sources")[:] = _objects(checked, self.n)
            return

        def row(i: int, name: str, value: Any) -> list[dict[str, str]]:
            return self.chk.sources(i, value)

        self.list_field("sources", _GOOD_SOURCES, _fine_sources, dict.copy, row)

    def list_field(
        self,
        name: str,
        good_json: str,
        fine_of: Callable[[np.ndarray], np.ndarray],
        item_copy: Callable[[Any], Any] | None,
        row: Callable[[int, str, Any], Any],
    ) -> None:
        """Shared by the list fields: clear the good rows in bulk, check the rest one by one.

        ``fine_of`` tells the values that need no per-row check, ``good_json`` the JSON texts
        that decode to such values; their rows get new lists of (``item_copy`` of) the items.
        """
        n = self.n
        out = self.slot(name)
        series = self.column(name)
        if series is None:
            out[:] = _fresh_empty_lists(n)
            return
        fine = np.zeros(n, bool)
        if name in self.json_text:
            t = _Text.of(series, n)
        else:
            t = _Text(_as_objects(series), np.zeros(n, bool))
        self.done(name)
        texts = t.is_text
        parsed = np.empty(0, dtype=object)
        codes = np.full(n, -1)
        if texts.any():
            # JSON text: decode and judge each distinct text once.
            codes, distinct = t.factor()
            uniques = list(distinct)
            good = _matches(uniques, good_json)
            parsed = _objects(_decode_json(uniques, good), len(uniques))
            rest = np.flatnonzero(~good)
            if len(rest):
                good[rest] = fine_of(parsed[rest])
            rows = np.flatnonzero(texts & np.append(good, False)[codes])
            kept = np.flatnonzero(good)
            renumber = np.zeros(len(good), dtype=np.intp)
            renumber[kept] = np.arange(len(kept))
            # Rows with the same text share the decoded items (each row has its own list), as
            # imports share source dicts: a million fresh dicts would be the largest thing in
            # memory. A row's items are the caller's to copy before changing them in place.
            _share_items(parsed[kept], renumber[codes[rows]], out, rows)
            fine[rows] = True
        others = np.flatnonzero(~texts)
        if len(others):
            values = t.at(others)
            ok = np.flatnonzero(fine_of(values))
            _copy_each(values[ok], item_copy, out, others[ok])
            fine[others[ok]] = True
        for i in np.flatnonzero(~fine).tolist():
            out[i] = row(i, name, parsed[codes[i]] if texts[i] else t.at(i))

    # -- rules between fields -------------------------------------------------------------------
    def across(self, text: dict[str, _Text]) -> None:
        start, end = text["date_start"], text["date_end"]
        missing = self.end_missing
        # The distinct dates as given, before date_end is defaulted below.
        dates = (start.factor(), end.factor()) if not self.reference else None
        # date_end defaults to date_start (only when absent; a blank or bad date_end stays None).
        end.values[missing] = start.values[missing]
        text["date_end"] = _Text(end.values, end.is_text | (missing & start.is_text))
        cols = {name: t.values for name, t in text.items()}
        if dates is None:  # reference mode
            first: dict[Any, int] = {}
            for i, ident in enumerate(cols["id"]):
                if ident is not None:
                    first.setdefault(ident, i)
            for i in range(self.n):
                self.chk.across(i, cols, first)
            return
        flag = _end_before_start(*dates, missing)
        flag |= self.sub_outside_type(text["event_type"], text["sub_event_type"])
        flag |= text["iso3"].is_text & ~text["iso3"].per_distinct(_is_iso3)
        repeated, first = self.repeated_ids(text["id"])
        flag |= repeated
        for i in np.flatnonzero(flag).tolist():
            self.chk.across(i, cols, first)

    def sub_outside_type(self, etype: _Text, sub: _Text) -> np.ndarray:
        e_codes, e_uniques = etype.factor()
        s_codes, s_uniques = sub.factor()
        bad = np.zeros(self.n, bool)
        has_sub = s_codes >= 0
        for k, event_type in enumerate(e_uniques):
            allowed = schema.SUB_EVENT_TYPES.get(event_type)
            if allowed is None:  # a value no row keeps (it was not an event type)
                continue
            ok = np.fromiter(map(allowed.__contains__, s_uniques), bool, len(s_uniques))
            bad |= (e_codes == k) & has_sub & ~np.append(ok, True)[s_codes]
        return bad

    def repeated_ids(self, ident: _Text) -> tuple[np.ndarray, dict[Any, int]]:
        codes, uniques = ident.factor()
        counts = np.bincount(codes[codes >= 0], minlength=len(uniques))
        shared = np.append(counts > 1, False)[codes]
        first: dict[Any, int] = {}
        if not shared.any():
            return shared, first
        by_code: dict[int, int] = {}
        later = np.zeros(self.n, bool)
        for i in np.flatnonzero(shared).tolist():
            if by_code.setdefault(int(codes[i]), i) != i:
                later[i] = True
        for i in by_code.values():
            first[ident.values[i]] = i
        return later, first

    # -- geometry -------------------------------------------------------------------------------
    def geometries(self) -> np.ndarray:
        geoms = _geometry_array(self.geometry)
        if self.reference:
            bad = np.ones(len(geoms), bool)
        else:
            bad = ~shapely.is_geometry(geoms)
            shapes = np.flatnonzero(~bad)
            bad[shapes] = shapely.is_empty(geoms[shapes]) | ~shapely.is_valid(geoms[shapes])
        out = geoms.copy()
        for i in np.flatnonzero(bad).tolist():
            out[i] = self.chk.geometry(i, geoms[i])
        return out

    def plausibility(self, gdf: gpd.GeoDataFrame, text: dict[str, _Text]) -> None:
        from geoevents.borders import countries

        future = (self.today or dt.date.today()).isoformat()
        world = countries()
        if self.reference:
            _reference_plausibility(self.chk, gdf, future, world)
            return
        start = text["date_start"]
        late = start.per_distinct(lambda s: isinstance(s, str) and s > future)
        for i in np.flatnonzero(late).tolist():
            self.chk.future(i, start.values[i], future)

        by_iso = dict(zip(world["iso3"], world.geometry, strict=True))
        by_name = {n.lower(): g for n, g in zip(world["name"], world.geometry, strict=True)}
        points, xs, ys, present = _representative_points(np.asarray(gdf.geometry.values))
        zero = present & (xs == 0) & (ys == 0)

        # The country each row names, decided once per distinct (iso3, country) pair.
        iso3_codes, iso3_uniques = text["iso3"].factor()
        c_codes, c_uniques = text["country"].factor()
        width = len(c_uniques) + 1
        inverse, pairs = pd.factorize((iso3_codes + 1) * width + c_codes + 1)
        named_u: list[Any] = []
        shape_u: list[Any] = []
        for key in pairs.tolist():
            i_code, c_code = key // width - 1, key % width - 1
            iso3 = iso3_uniques[i_code] if i_code >= 0 else None
            name = c_uniques[c_code] if c_code >= 0 else None
            named = iso3 if isinstance(iso3, str) and iso3 in by_iso else name
            named_u.append(named)
            shape_u.append(
                by_iso.get(named)
                or (by_name.get(named.lower()) if isinstance(named, str) else None)
            )
        shape_id = np.array([k if s is not None else -1 for k, s in enumerate(shape_u)])[inverse]

        # A point inside (or on) the country it names is at distance 0: measure only the others.
        distance = np.full(self.n, np.nan)
        rows = np.flatnonzero(present & ~zero & (shape_id >= 0))
        rows = rows[np.argsort(shape_id[rows], kind="stable")]
        for group in np.split(rows, np.flatnonzero(np.diff(shape_id[rows])) + 1):
            if len(group):
                shape = shape_u[shape_id[group[0]]]
                away = group[~shapely.intersects_xy(shape, xs[group], ys[group])]
                distance[away] = shapely.distance(shape, points[away])
        with np.errstate(invalid="ignore"):
            outside = distance > _BORDER_MARGIN_DEG

        unnamed = np.flatnonzero((shape_id < 0) & shapely.is_geometry(points))
        on_land: set[int] = set()
        if len(unnamed):
            tree = shapely.STRtree(np.asarray(world.geometry.values))
            hits = tree.query(points[unnamed], predicate="dwithin", distance=_BORDER_MARGIN_DEG)
            on_land = set(unnamed[hits[0]].tolist())
        sea = np.zeros(self.n, bool)
        sea[unnamed] = True
        sea &= present & ~zero
        for i in np.flatnonzero(sea).tolist():
            sea[i] = i not in on_land

        for i in np.flatnonzero(zero | sea | outside).tolist():
            point = points[i]
            shape = shape_u[shape_id[i]] if shape_id[i] >= 0 else None
            swapped = shapely.points(shapely.get_y(point), shapely.get_x(point))
            self.chk.place(i, point, shape, named_u[inverse[i]], distance[i], swapped, i in on_land)


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
        types = _types(values)
        absent = np.equal(types, _NONE)
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
        absent = np.fromiter(map(_missing, _as_objects(series)), bool, n)
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


def _is_list_of_text(dtype: Any) -> bool:
    if not isinstance(dtype, pd.ArrowDtype):
        return False
    t = dtype.pyarrow_dtype
    if not (pa.types.is_list(t) or pa.types.is_large_list(t)):
        return False
    return _is_text_dtype(pd.ArrowDtype(t.value_type))


def _arrow_string_lists(arr: pa.Array | pa.ChunkedArray, out: np.ndarray) -> np.ndarray:
    """Python lists (into ``out``) from an arrow list-of-text column; returns the rows that hold
    a null item (to check one by one)."""
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    lengths = pc.list_value_length(arr).fill_null(0).to_numpy(zero_copy_only=False)
    items = arr.flatten()
    flag = np.zeros(len(arr), bool)
    if items.null_count:
        parents = pc.list_parent_indices(arr).to_numpy(zero_copy_only=False)
        flag[parents[items.is_null().to_numpy(zero_copy_only=False)]] = True
    _split(_Text._of_arrow(items).values, lengths, out)
    return flag


def _loads(text: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return text


def _matches(texts: list[str], pattern: str) -> np.ndarray:
    """Which texts match ``pattern`` (an RE2 regular expression), in one vectorised pass."""
    try:
        found = pc.match_substring_regex(pa.array(texts, pa.large_string()), pattern)
    except UnicodeEncodeError:  # lone surrogates are not UTF-8, so not for arrow: none match
        return np.zeros(len(texts), bool)
    return found.to_numpy(zero_copy_only=False)


def _decode_json(texts: list[str], simple: np.ndarray | None = None) -> list[Any]:
    """``json.loads`` of each text, or the text itself where it is not JSON.

    ``simple`` marks texts already known to match ``_JSON_LIST``.
    """
    known = np.zeros(len(texts), bool) if simple is None else simple.copy()
    rest = np.flatnonzero(~known)
    if len(rest):
        known[rest] = _matches([texts[i] for i in rest.tolist()], _JSON_LIST)
    out: list[Any] = [None] * len(texts)
    batch = np.flatnonzero(known).tolist()
    if batch:
        # Each of these texts is one JSON value on its own, so joined they are one JSON list.
        values = json.loads("[" + ",".join([texts[i] for i in batch]) + "]")
        for i, value in zip(batch, values, strict=True):
            out[i] = value
    for i in np.flatnonzero(~known).tolist():
        out[i] = _loads(texts[i])
    return out


def _fine_string_lists(values: np.ndarray) -> np.ndarray:
    """Rows that are None or a list of str (these need no per-row check)."""
    types = _types(values)
    fine = np.equal(types, _NONE)
    rows = np.flatnonzero(np.equal(types, list))
    lists = values[rows]
    if set(map(type, chain.from_iterable(lists))) <= {str}:
        fine[rows] = True
        return fine
    lengths = np.fromiter(map(len, lists), np.intp, len(rows))
    items = _objects(chain.from_iterable(lists), int(lengths.sum()))
    fine[rows] = True
    fine[np.repeat(rows, lengths)[~np.equal(_types(items), str)]] = False
    return fine


def _fine_sources(values: np.ndarray) -> np.ndarray:
    """Rows that are None or a list of good sources (nothing to report, nothing to drop).

    A good source is a dict of str values with a non-blank name, only known keys, an http(s)
    url if any, and a date that exists as ``published`` if any.
    """
    types = _types(values)
    fine = np.equal(types, _NONE)
    rows = np.flatnonzero(np.equal(types, list))
    lists = values[rows]
    lengths = np.fromiter(map(len, lists), np.intp, len(rows))
    items = _objects(chain.from_iterable(lists), int(lengths.sum()))
    fine[rows] = True
    if not _all_good_sources(items):
        fine[np.repeat(rows, lengths)[~_good_sources(items)]] = False
    return fine


def _all_good_sources(items: np.ndarray) -> bool:
    """Are all items good sources? Set operations decide it in a few C-level passes."""
    if not set(map(type, items)) <= {dict}:
        return False
    if not set(chain.from_iterable(items)) <= _SOURCE_KEYS:
        return False
    if not set(map(type, chain.from_iterable(map(dict.values, items)))) <= {str}:
        return False
    names = list(map(dict.get, items, repeat("name")))
    if None in names or not all(map(str.strip, names)):
        return False
    urls = list(map(dict.get, items, repeat("url")))
    if not all(map(_HTTP.match, compress(urls, map(operator.is_not, urls, repeat(None))))):
        return False
    dates = list(map(dict.get, items, repeat("published")))
    return all(map(_date_ok, set(compress(dates, map(operator.is_not, dates, repeat(None))))))


def _good_sources(items: np.ndarray) -> np.ndarray:
    """Which items are good sources (see :func:`_fine_sources`)."""
    good = np.equal(_types(items), dict)
    dicts = items[good]
    sizes = np.fromiter(map(len, dicts), np.intp, len(dicts))
    total = int(sizes.sum())
    keys = _objects(chain.from_iterable(dicts), total)
    texts = _objects(chain.from_iterable(map(dict.values, dicts)), total)
    pair_ok = np.fromiter(map(_SOURCE_KEYS.__contains__, keys), bool, total)
    pair_ok &= np.equal(_types(texts), str)
    ok = np.ones(len(dicts), bool)
    ok[np.repeat(np.arange(len(dicts)), sizes)[~pair_ok]] = False
    # From here on every value is a str.
    _key_passes(dicts, ok, "name", _is_named, required=True)
    _key_passes(dicts, ok, "url", _is_http)
    _key_passes(dicts, ok, "published", _date_ok, distinct=True)
    good[good] = ok
    return good


def _is_named(text: str) -> bool:
    return not _is_blank(text)


def _is_http(text: str) -> bool:
    return _HTTP.match(text) is not None


def _key_passes(
    dicts: np.ndarray,
    ok: np.ndarray,
    key: str,
    test: Callable[[str], bool],
    *,
    required: bool = False,
    distinct: bool = False,
) -> None:
    """Clear ``ok`` for the dicts whose ``key`` fails ``test`` (or is absent, if required)."""
    rows = np.flatnonzero(ok)
    found = _objects(map(dict.get, dicts[rows], repeat(key)), len(rows))
    has = np.fromiter(map(operator.is_not, found, repeat(None)), bool, len(rows))
    if required:
        ok[rows[~has]] = False
    rows, found = rows[has], found[has]
    if distinct:
        codes, uniques = pd.factorize(found)
        passed = np.fromiter(map(test, uniques), bool, len(uniques))[codes]
    else:
        passed = np.fromiter(map(test, found), bool, len(found))
    ok[rows[~passed]] = False


def _geometry_array(geometry: Sequence[Any] | gpd.GeoSeries) -> np.ndarray:
    if isinstance(geometry, gpd.GeoSeries):
        return np.asarray(geometry.values, dtype=object)
    if isinstance(geometry, np.ndarray) and geometry.dtype == object and geometry.ndim == 1:
        return geometry
    return _objects(geometry, len(geometry))


def _representative_points(
    geoms: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """``representative_point`` of each geometry (a finite Point is its own), its x and y, and
    which rows have a non-empty one."""
    kinds = shapely.get_type_id(geoms)
    xs, ys = shapely.get_x(geoms), shapely.get_y(geoms)
    with np.errstate(invalid="ignore"):
        simple = (kinds == 0) & np.isfinite(xs) & np.isfinite(ys)
    points = geoms.copy()
    present = simple.copy()
    others = np.flatnonzero((kinds >= 0) & ~simple)
    if len(others):
        found = shapely.point_on_surface(geoms[others])
        points[others] = found
        xs[others], ys[others] = shapely.get_x(found), shapely.get_y(found)
        present[others] = shapely.is_geometry(found) & ~shapely.is_empty(found)
    return points, xs, ys, present


def _reference_plausibility(
    chk: _Checker, gdf: gpd.GeoDataFrame, future: str, world: gpd.GeoDataFrame
) -> None:
    for i, start in enumerate(gdf["date_start"]):
        chk.future(i, start, future)
    by_iso = dict(zip(world["iso3"], world.geometry, strict=True))
    by_name = {n.lower(): g for n, g in zip(world["name"], world.geometry, strict=True)}
    points = np.asarray(gdf.geometry.representative_point().values, dtype=object)
    named = [
        iso3 if isinstance(iso3, str) and iso3 in by_iso else country
        for iso3, country in zip(gdf["iso3"], gdf["country"], strict=True)
    ]
    shapes = np.array(
        [by_iso.get(n) or (by_name.get(n.lower()) if isinstance(n, str) else None) for n in named],
        dtype=object,
    )
    distance = shapely.distance(shapes, points)
    swapped = shapely.points(shapely.get_y(points), shapely.get_x(points))
    tree = shapely.STRtree(np.asarray(world.geometry.values))
    unnamed = np.flatnonzero(
        [s is None and p is not None for s, p in zip(shapes, points, strict=True)]
    )
    on_land = set()
    if len(unnamed):
        hits = tree.query(points[unnamed], predicate="dwithin", distance=_BORDER_MARGIN_DEG)
        on_land = set(unnamed[hits[0]].tolist())
    for i, point in enumerate(points):
        chk.place(i, point, shapes[i], named[i], distance[i], swapped[i], i in on_land)


def validate_frame(gdf: gpd.GeoDataFrame, *, source: str | None = None) -> ValidationReport:
    """Validate an incident table that is already in memory (e.g. built in a notebook).

    Parameters
    ----------
    gdf : geopandas.GeoDataFrame
        Incidents with the schema's columns.
    source : str, optional
        A name for messages.

    Returns
    -------
    ValidationReport
    """
    report = ValidationReport(source=source, count=len(gdf))
    props = pd.DataFrame(gdf.drop(columns=gdf.geometry.name))
    check_frame(props, gdf.geometry, report)
    return report


def validate(
    source: str | os.PathLike[str] | gpd.GeoDataFrame, *, incidents: bool = True
) -> ValidationReport:
    """Validate an incident file (or table) and report every problem at once.

    Parameters
    ----------
    source : path or GeoDataFrame
        A GeoJSON, GeoParquet, GeoPackage or CSV store, or a table in memory.
    incidents : bool, default True
        Check the incident schema. With False, only check that the file is RFC 7946 GeoJSON
        with valid, in-range geometries (any GeoJSON object is accepted).

    Returns
    -------
    ValidationReport
        ``report.ok`` is True when there is no error (warnings allowed).

    Raises
    ------
    InputError
        When the file cannot be read at all (missing, not UTF-8, not JSON).
    """
    if isinstance(source, gpd.GeoDataFrame):
        return validate_frame(source)
    from geoevents.io.formats import read_incidents

    _, report, _ = read_incidents(source, incidents=incidents)
    return report
