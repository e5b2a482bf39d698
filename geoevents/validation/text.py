"""One column of values as the checks read it: per-row objects, arrow text, distinct values.

The vectorised screens ask a column questions in bulk (which rows hold text, which texts are
blank, which distinct values pass a test); :class:`Text` answers them from arrow memory or from
a dictionary encoding where it can, and gives the per-row rules the values as they were given.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from itertools import chain, repeat
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

__all__ = [
    "NONE_TYPE",
    "WHITESPACE",
    "Text",
    "as_objects",
    "distinct_texts",
    "is_blank",
    "is_missing",
    "is_text_dtype",
    "missing_of",
    "objects",
    "of_types",
    "types_of",
]

# Every character for which str.isspace() is true (tests check the list against Python's own).
WHITESPACE = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006"
    "\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)
NONE_TYPE = type(None)


def is_missing(value: Any) -> bool:
    """Is ``value`` no value at all (None, NA or a float NaN)? NaT and Decimal NaN are values."""
    if value is None or value is pd.NA:
        return True
    return isinstance(value, float) and math.isnan(value)


def of_types(types: np.ndarray, kinds: Collection[type]) -> np.ndarray:
    """Which of ``types`` (from :func:`types_of`) are one of ``kinds`` (exactly)."""
    wanted = frozenset(kinds)
    return np.fromiter(map(wanted.__contains__, types), bool, len(types))


def missing_of(values: np.ndarray) -> np.ndarray:
    """:func:`is_missing` of each value, in bulk."""
    n = len(values)
    types = types_of(values)
    missing = np.equal(types, NONE_TYPE)
    missing |= np.fromiter(map(operator.is_, values, repeat(pd.NA)), bool, n)
    for kind in set(types.tolist()):
        if issubclass(kind, float):
            rows = np.flatnonzero(of_types(types, [kind]))
            missing[rows] = np.isnan(values[rows].astype(np.float64))
    return missing


def objects(values: Iterable[Any], count: int) -> np.ndarray:
    """A 1-d object array of ``values`` as they are (lists stay elements, never a 2nd axis)."""
    return np.fromiter(values, dtype=object, count=count)


def types_of(values: np.ndarray) -> np.ndarray:
    """The type of each value, as an object array (to compare with ``np.equal``)."""
    return objects(map(type, values), len(values))


def is_text_dtype(dtype: Any) -> bool:
    """Is ``dtype`` a pandas string dtype or arrow text (also dictionary-encoded)?"""
    if isinstance(dtype, pd.StringDtype):
        return True
    if isinstance(dtype, pd.ArrowDtype):
        t = dtype.pyarrow_dtype
        if pa.types.is_dictionary(t):
            t = t.value_type
        return pa.types.is_string(t) or pa.types.is_large_string(t) or pa.types.is_string_view(t)
    return False


def as_objects(series: pd.Series) -> np.ndarray:
    """The column's values, one Python object per row, as ``Series.tolist()`` gives them."""
    if series.dtype == object:
        return series.to_numpy()
    return objects(series.tolist(), len(series))


class Text:
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
    def of(cls, series: pd.Series | None, n: int, *, lazy: bool = False) -> Text:
        """Read a column (``lazy``: arrow text is made Python strings only where asked for)."""
        if series is None:
            return cls(np.full(n, None, dtype=object), np.zeros(n, bool))
        if is_text_dtype(series.dtype):
            return cls.of_arrow(pa.array(series.array), lazy=lazy)
        values = as_objects(series)
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
            missing[rows] = np.fromiter(map(is_missing, values[rows]), bool, len(rows))
            return cls(values, ~na, missing)
        is_text = np.fromiter(map(isinstance, values, repeat(str)), bool, n)
        missing = np.fromiter(map(is_missing, values), bool, n)
        return cls(values, is_text, missing)

    @classmethod
    def of_arrow(cls, arr: pa.Array | pa.ChunkedArray, *, lazy: bool = False) -> Text:
        """Read an arrow text column (plain, view or dictionary-encoded).

        ``lazy`` keeps plain text in arrow memory: the values of rows are made Python strings
        when :meth:`at` asks for them (a dictionary-encoded column is always read so).
        """
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
        if lazy:
            return cls(None, is_text, arrow=arr)
        return cls(arr.to_numpy(zero_copy_only=False), is_text, arrow=arr)

    @property
    def values(self) -> np.ndarray:
        """Every row's value (built on first use for a dictionary-encoded or lazy column)."""
        if self._values is None:
            if self._arrow is not None:  # a lazy column (see of_arrow)
                values = self._arrow.to_numpy(zero_copy_only=False)
                values[~self.is_text] = None  # rows whose text was not kept
                self._values = values
            else:
                self._values = self.at(slice(None))
        return self._values

    def at(self, rows: Any) -> Any:
        """The values of some rows (without building them all)."""
        if self._values is not None:
            return self._values[rows]
        if self._arrow is not None:  # a lazy column: only these rows become Python strings
            index = np.arange(len(self.is_text))[rows]
            if np.ndim(index) == 0:
                return self._arrow[int(index)].as_py() if self.is_text[index] else None
            taken = objects(_taken(self._arrow, index), len(index))
            taken[~self.is_text[index]] = None
            return taken
        return self.lookup()[self._codes[rows]]

    def row_values(self) -> Any:
        """Each row's value by index (``view[i]``), without building them all first."""
        return self._values if self._values is not None else _RowView(self)

    @property
    def in_arrow(self) -> bool:
        """Whether the texts are held in arrow memory (see :meth:`arrow_kept`)."""
        return self._arrow is not None or isinstance(self._uniques, _Uniques)

    def arrow_kept(self) -> pa.ChunkedArray | None:
        """The kept texts as one arrow string column (null where a row keeps none), or None
        when the column is not held in arrow memory."""
        taken: pa.Array | pa.ChunkedArray
        if self._arrow is not None:
            # The chunks as read: joining them copied a million summaries (a quarter of a GB,
            # while the checks still hold the input); the encoder embeds them chunk by chunk.
            taken = self._arrow
        elif self._codes is not None and isinstance(self._uniques, _Uniques):
            # A null code takes a null: rows without kept text.
            codes = pa.array(self._codes, mask=~self.is_text)
            taken = self._uniques.arrow().take(codes)
        else:
            return None
        if pa.types.is_large_string(taken.type) or pa.types.is_string_view(taken.type):
            try:
                taken = taken.cast(pa.string())
            except pa.ArrowInvalid:  # over 2 GB of text: not one string array
                return None
        # Kept rows are rows with text: when as many are null as keep none, none was dropped.
        if taken.null_count != int(np.count_nonzero(~self.is_text)):
            taken = pc.if_else(pa.array(self.is_text), taken, pa.scalar(None, pa.string()))
        return taken if isinstance(taken, pa.ChunkedArray) else pa.chunked_array([taken])

    def categorical(self) -> pd.Categorical | None:
        """The kept texts as a pandas ``Categorical`` of the column's own distinct texts (arrow
        strings, NaN where a row keeps none), or None when the column did not come as an arrow
        dictionary with distinct values.

        A million rows of a dictionary column are then 1-4 MB of codes, not the 15-25 MB of
        a string per row that :meth:`arrow_kept` makes of them.
        """
        if self._codes is None or not isinstance(self._uniques, _Uniques):
            return None
        dictionary = self._uniques.arrow()
        if not pa.types.is_string(dictionary.type):
            try:
                dictionary = dictionary.cast(pa.string())
            except pa.ArrowInvalid:  # over 2 GB of distinct text
                return None
        if not distinct_texts(dictionary):
            return None
        codes = np.where(self.is_text, self._codes, -1)
        categories = pd.Index(pd.arrays.ArrowExtensionArray(dictionary))
        return pd.Categorical.from_codes(codes, categories=categories)

    def lookup(self) -> np.ndarray:
        """The distinct texts, then None: indexed by the codes, it gives the values."""
        if self._lookup is None:
            assert self._uniques is not None
            self._lookup = objects(chain(self._uniques, [None]), len(self._uniques) + 1)
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

    def given_factor(self) -> tuple[np.ndarray, Sequence[Any]] | None:
        """:meth:`factor` when it costs nothing (the column came numbered, as a dictionary
        column does, or was numbered already), else None. The distinct texts may repeat."""
        if self._codes is None or self._uniques is None:
            return None
        return self._codes, self._uniques

    def per_distinct(self, test: Callable[[Any], bool]) -> np.ndarray:
        """``test`` of each row's text, asked once per distinct text (False where no text)."""
        codes, uniques = self.factor()
        verdict = np.fromiter(map(test, uniques), bool, len(uniques))
        return np.append(verdict, False)[codes]

    def blank(self) -> np.ndarray:
        """Rows whose text is empty or only whitespace."""
        if self._codes is not None:
            return self.per_distinct(is_blank)
        blank = np.zeros(len(self.is_text), bool)
        if self._arrow is not None:
            # Only text that starts with whitespace (or is empty) can be blank; let Python decide
            # for those few, by the same rule as the per-row check.
            first = pc.utf8_slice_codeunits(self._arrow, 0, 1)
            maybe = pc.is_in(first, value_set=pa.array(["", *WHITESPACE], first.type))
            rows = np.flatnonzero(maybe.fill_null(False).to_numpy(zero_copy_only=False))
        else:
            rows = np.flatnonzero(self.is_text)
        if len(rows):
            blank[rows] = np.fromiter(map(is_blank, self.at(rows)), bool, len(rows))
        return blank

    def matching(self, test: Callable[[str], Any], re2: str | None) -> np.ndarray:
        """Rows whose text passes ``test`` (e.g. a regular expression's ``search``).

        ``re2`` is the same test as an RE2 pattern for arrow text, or None where arrow text
        cannot pass it (lone surrogates: arrow holds only valid UTF-8). Dictionary-encoded
        text is tested once per distinct value, other text once per row.
        """
        n = len(self.is_text)
        if self._arrow is not None or self._values is None:
            if re2 is None:
                return np.zeros(n, bool)
            if self._arrow is None:
                return self.per_distinct(lambda text: test(text) is not None)
            found = pc.match_substring_regex(self._arrow, re2).fill_null(False)
            return found.to_numpy(zero_copy_only=False) & self.is_text
        rows = np.flatnonzero(self.is_text)
        hits = np.zeros(n, bool)
        hits[rows] = np.fromiter(
            map(operator.is_not, map(test, self._values[rows]), repeat(None)), bool, len(rows)
        )
        return hits

    def copy_into(self, out: np.ndarray) -> np.ndarray:
        """Write the values into ``out`` (without building them first); return ``out``."""
        if self._values is None and self._arrow is None:
            assert self._codes is not None
            np.take(self.lookup(), self._codes, out=out)
        else:
            out[:] = self.values
        return out

    def release(self) -> None:
        """Drop the arrow copy of the texts (no check will look at them again); a lazy
        column keeps it, as it holds the values."""
        if self._values is not None or self._codes is not None:
            self._arrow = None

    def keep(self, rows: np.ndarray, values: np.ndarray | None) -> Text:
        """The column with only ``rows`` keeping their text (unchanged), and ``values`` (None:
        read from arrow memory when asked for)."""
        codes = None if self._codes is None else np.where(rows, self._codes, -1)
        return Text(values, rows, codes=codes, uniques=self._uniques, arrow=self._arrow)

    def defaulted(self, rows: np.ndarray, other: Text) -> Text:
        """The column with ``other``'s values in ``rows`` (which hold no text here), its
        values already written there by the caller; numbered when both columns are (the
        double counts then number neither again)."""
        is_text = self.is_text | (rows & other.is_text)
        mine, theirs = self.given_factor(), other.given_factor()
        if mine is None or theirs is None:
            return Text(self.values, is_text)
        # One numbering of both columns' distinct texts (few: dates, a type), each text once.
        texts = [*mine[1], *theirs[1]]
        at, distinct = pd.factorize(objects(texts, len(texts)))
        into_mine = np.append(at[: len(mine[1])], -1)
        into_theirs = np.append(at[len(mine[1]) :], -1)
        codes = np.where(rows, into_theirs[theirs[0]], into_mine[mine[0]])
        return Text(self.values, is_text, codes=codes.astype(np.int32), uniques=list(distinct))

    def filled(self, rows: np.ndarray, value: str) -> Text:
        """The column with ``value`` in ``rows`` (which hold no text)."""
        codes, uniques = self.factor()
        values = self.values
        values[rows] = value
        if value not in uniques:
            uniques = [*uniques, value]
        codes = np.where(rows, uniques.index(value), codes)
        return Text(values, self.is_text | rows, codes=codes, uniques=uniques)


def _taken(arr: pa.ChunkedArray, index: np.ndarray) -> list[Any]:
    """The Python values of rows ``index`` of ``arr``, taken chunk by chunk.

    ``ChunkedArray.take`` joins the chunks first, a copy of the whole column (tens of
    milliseconds for a million summaries) even for no rows at all, which the checks ask
    for again and again on a clean store.
    """
    if not len(index):
        return []
    ends = np.cumsum([len(chunk) for chunk in arr.chunks])
    which = np.searchsorted(ends, index, side="right")
    out: list[Any] = [None] * len(index)
    for k in np.unique(which).tolist():
        at = np.flatnonzero(which == k)
        start = int(ends[k] - len(arr.chunk(k)))
        rows = pa.array(index[at] - start, pa.int64())
        for slot, value in zip(at.tolist(), arr.chunk(k).take(rows).to_pylist(), strict=True):
            out[slot] = value
    return out


def _codes(arr: pa.ChunkedArray) -> tuple[np.ndarray, _Uniques]:
    """Codes (-1 for null) and distinct values of a dictionary-encoded column."""
    if arr.num_chunks == 0:
        return np.zeros(0, dtype=np.int32), _Uniques(pa.array([], arr.type.value_type))
    arr = arr.unify_dictionaries()
    codes = [c.indices.fill_null(-1).to_numpy(zero_copy_only=False) for c in arr.chunks]
    # int32 as arrow's indices are (int64 doubled each of a million rows' 4 bytes, for a
    # dozen columns held through the checks).
    return np.concatenate(codes).astype(np.int32, copy=False), _Uniques(arr.chunk(0).dictionary)


class _RowView:
    """``view[i]``: the value of row ``i`` of a :class:`Text`, made when asked for."""

    __slots__ = ("_text",)

    def __init__(self, text: Text):
        self._text = text

    def __getitem__(self, i: int) -> Any:
        return self._text.at(i)


class _Uniques(Sequence[Any]):
    """The distinct values of an arrow dictionary, made Python strings only when asked for."""

    def __init__(self, dictionary: pa.Array):
        self._dictionary = dictionary
        self._list: list[Any] | None = None

    def arrow(self) -> pa.Array:
        """The distinct values as the arrow array they came from."""
        return self._dictionary

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


def distinct_texts(dictionary: pa.Array) -> bool:
    """Whether an arrow dictionary holds each text once and no null (then its indices number
    the distinct values)."""
    return not dictionary.null_count and len(pc.unique(dictionary)) == len(dictionary)


def is_blank(text: str) -> bool:
    """Is ``text`` empty or only whitespace?"""
    return not text.strip()
