"""Likely double counts: two records of one event (same place, dates, event type and actors).

The per-row rule (:meth:`RowRules.double_count` over :func:`double_count_keys`) remembers the
first row of every key. Here each key becomes a number (one factorisation per column, then of
the combined codes), so the first row of each key is found in bulk: a row is a double count
when the first row of one of its keys is an earlier row, and the message names the earliest.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, overload

import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow as pa
import shapely

from geoevents.validation.rules import LIKELY_DOUBLE, RowRules
from geoevents.validation.text import distinct_texts, objects

__all__ = ["double_counts", "record_double_counts"]


def record_double_counts(rules: RowRules, found: tuple[np.ndarray, np.ndarray]) -> None:
    """Warn about each record that repeats an earlier one's place, dates, type and actors:
    ``found`` is what :func:`double_counts` gave (the rows, and the first record of each)."""
    rows, firsts = found
    if len(rows):
        rules.record(rules.batch(LIKELY_DOUBLE, None, rows, firsts, _Names(firsts, rules.name)))


def double_counts(
    gdf: gpd.GeoDataFrame, numbered: Mapping[str, tuple[np.ndarray, Sequence[Any]]] | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """The rows that repeat an earlier record of ``gdf`` and, for each, the first such record.

    ``numbered``: text columns of ``gdf`` already numbered, as ``(codes, distinct texts)``
    (codes -1 where the column holds None, the texts possibly repeated), e.g. by the checks
    that made them: a million dates or types are not numbered again.

    Only reads ``gdf``, and mostly in numpy and arrow (which let go of the GIL): it can run in
    a thread while another check runs.
    """
    n = len(gdf)
    none = np.zeros(0, dtype=np.int64)
    if n < 2:
        return none, none
    given = numbered or {}

    def codes(name: str) -> np.ndarray:
        if name in given:
            return _distinct_codes(*given[name])
        return _codes(gdf[name])

    # Each array is let go of once used: this runs beside the plausibility checks, and the
    # two together make a dirty million's peak.
    starts, types = codes("date_start"), codes("event_type")
    # No key without a date_start and an event type (they are blank where they had errors).
    usable = (starts >= 0) & (types >= 0)
    # Not renumbered from 0: only combined again, which renumbers when it must.
    event = _combine(
        [starts, codes("date_end"), types, *_actor_pair(gdf["actor1"], gdf["actor2"])],
        compact=False,
    )
    del starts, types
    # Only records dated to the day and placed exactly (see double_count_keys).
    if "date_precision" in given:
        found, texts = given["date_precision"]
        day = np.fromiter((t == "day" for t in texts), bool, len(texts))
        by_day = np.append(day, True)[found]  # -1: no precision given, taken as a day
    else:
        dates = gdf["date_precision"].to_numpy(dtype=object)
        by_day = pd.isna(dates) | (dates == "day")
    places = pd.to_numeric(gdf["geo_precision"], errors="coerce").to_numpy(dtype=float)
    usable &= by_day & (np.isnan(places) | (places == 1))
    del by_day, places
    geoms = np.asarray(gdf.geometry.values, dtype=object)
    present = shapely.is_geometry(geoms)
    present[present] = ~shapely.is_empty(geoms[present])
    first = _first_of(_place_codes(geoms, present, event), usable & present)
    del geoms, present
    location, iso3 = _codes(gdf["location"]), _codes(gdf["iso3"])
    in_ok = usable & (location >= 0) & (iso3 >= 0)
    place = _combine([location, iso3, event])
    del location, iso3, event
    np.minimum(first, _first_of(place, in_ok), out=first)
    del place, in_ok
    rows = np.flatnonzero(first < np.arange(n))
    return rows, first[rows]


class _Names(Sequence[str | None]):
    """The name of each earlier record, made when its message is (a store of copies has a
    million of them: naming each here was a Python call per row, and their strings)."""

    def __init__(self, rows: np.ndarray, name: Callable[[int], str | None]):
        self._rows, self._name = rows, name

    def __len__(self) -> int:
        return len(self._rows)

    @overload
    def __getitem__(self, k: int) -> str | None: ...
    @overload
    def __getitem__(self, k: slice | np.ndarray) -> _Names: ...
    def __getitem__(self, k: int | slice | np.ndarray) -> str | _Names | None:
        if isinstance(k, slice | np.ndarray):
            return _Names(self._rows[k], self._name)
        return self._name(int(self._rows[k]))

    def gather(self, ks: np.ndarray) -> list[str | None]:
        """The names at ``ks``."""
        return [self._name(int(j)) for j in self._rows[ks].tolist()]


# Odd 64-bit multipliers that spread the bits of a point's coordinates and its event's number
# over one key (any collision is caught and undone, see _place_codes).
_MIX = (np.uint64(0x9E3779B97F4A7C15), np.uint64(0xC2B2AE3D27D4EB4F), np.uint64(0x165667B19E3779F9))


def _place_codes(geoms: np.ndarray, present: np.ndarray, event: np.ndarray) -> np.ndarray:
    """A number per distinct (geometry, event) pair, geometries compared as by their WKB.

    A store of 2-d points is numbered in one pass: the bits of x, y and the event's number
    mixed into one 64-bit key, factorised once, then checked (every row against one row of
    its number); a collision, which the check finds, falls back to numbering the geometries
    first. At a million points the factorisations of x, y and the pairs were 110 MB and
    0.2 s beside the plausibility checks.
    """
    rows = np.flatnonzero(present)
    shown = geoms[rows]
    if len(shown) and (shapely.get_type_id(shown) == 0).all() and not shapely.has_z(shown).any():
        bits = shapely.get_coordinates(shown).view(np.uint64)
        x, y = bits[:, 0], bits[:, 1]
        ev = event[rows]
        del shown
        with np.errstate(over="ignore"):  # in place: three fewer arrays of a million keys
            key = x * _MIX[0]
            key += y * _MIX[1]
            key += ev.astype(np.uint64) * _MIX[2]
        sub = pd.factorize(key)[0]
        del key
        one = np.empty(int(sub.max(initial=-1)) + 1, dtype=np.int64)
        one[sub] = np.arange(len(sub))  # a row of each number (which one does not matter)
        of = one[sub]
        if (x[of] == x).all() and (y[of] == y).all() and (ev[of] == ev).all():
            # Every row agrees with a row of its number: the numbers are the pairs'.
            codes = np.full(len(geoms), -1, dtype=np.int64)
            codes[rows] = sub
            return codes
    return _combine([_geometry_codes(geoms, present), event])


def _geometry_codes(geoms: np.ndarray, present: np.ndarray) -> np.ndarray:
    """A number per distinct geometry (-1 where none): equal numbers, equal WKB.

    Two 2-d points have the same WKB exactly when their coordinates have the same bits, so
    a store of points is numbered from its coordinates (no WKB made, no bytes hashed).
    """
    n = len(geoms)
    codes = np.full(n, -1, dtype=np.int64)
    shown = geoms[present]
    if not len(shown):
        return codes
    kinds = shapely.get_type_id(shown)
    if (kinds == 0).all() and not shapely.has_z(shown).any():
        xy = shapely.get_coordinates(shown)
        bits = np.ascontiguousarray(xy).view(np.int64)
        codes[present] = _combine([pd.factorize(bits[:, 0])[0], pd.factorize(bits[:, 1])[0]])
        return codes
    codes[present] = pd.factorize(shapely.to_wkb(shown))[0]
    return codes


def _distinct_codes(codes: np.ndarray, texts: Sequence[Any]) -> np.ndarray:
    """Codes into ``texts`` made codes of distinct values (equal texts, one number)."""
    once = pd.factorize(objects(texts, len(texts)))[0]
    return np.append(once, -1).astype(np.int32)[codes]


def _codes(column: pd.Series) -> np.ndarray:
    """A number per distinct value (-1 for None)."""
    if isinstance(column.dtype, pd.ArrowDtype):  # arrow text: numbered in arrow memory
        return _arrow_codes(pa.array(column.array))
    if isinstance(column.dtype, pd.CategoricalDtype):  # distinct categories: their codes
        return column.cat.codes.to_numpy().astype(np.int32)
    values = column.to_numpy(dtype=object)
    try:
        # Text (or None) throughout, as after the checks: numbered in arrow memory, where
        # hashing a million strings is several times faster than pandas' object hashing.
        return _arrow_codes(pa.array(values, type=pa.string()))
    except (pa.ArrowException, UnicodeEncodeError):  # other values, lone surrogates
        return pd.factorize(values)[0].astype(np.int32)


def _arrow_codes(array: pa.Array | pa.ChunkedArray) -> np.ndarray:
    """A number per distinct value of an arrow column (-1 for null), as int32.

    A chunked column is encoded as it is (arrow numbers its chunks from one shared table):
    joining them first copied the text.
    """
    if isinstance(array, pa.Array):
        array = pa.chunked_array([array])
    if array.num_chunks and all(pa.types.is_dictionary(c.type) for c in array.chunks):
        firsts = array.chunk(0).dictionary
        shared = all(c.dictionary.equals(firsts) for c in array.chunks)
        if not (shared and distinct_texts(firsts)):
            array = array.cast(array.type.value_type)  # one number per distinct value
    if not pa.types.is_dictionary(array.type):
        array = array.dictionary_encode()
    if not array.num_chunks:
        return np.zeros(0, dtype=np.int32)
    return np.concatenate(
        [c.indices.fill_null(-1).to_numpy(zero_copy_only=False) for c in array.chunks]
    ).astype(np.int32, copy=False)


def _actor_pair(actor1: pd.Series, actor2: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """The two actors as an unordered pair of numbers (-1 for none): no direction implied."""
    n = len(actor1)
    if isinstance(actor1.dtype, pd.CategoricalDtype) and isinstance(
        actor2.dtype, pd.CategoricalDtype
    ):
        # Categoricals of distinct texts (geoevents map): each column's codes put into the
        # numbering of both columns' categories, no text made per row.
        union = actor1.cat.categories.append(actor2.cat.categories).unique()
        pair = []
        for column in (actor1, actor2):
            own = column.cat.codes.to_numpy()
            into = union.get_indexer(column.cat.categories)
            pair.append(np.where(own >= 0, into[np.maximum(own, 0)], -1).astype(np.int32))
        a, b = pair
        return np.minimum(a, b), np.maximum(a, b)
    try:
        # Numbered together in arrow memory, the chunks of both as they are (no copy).
        both = pa.chunked_array([*_chunks(actor1), *_chunks(actor2)], pa.string())
        codes = _arrow_codes(both)
    except (pa.ArrowException, UnicodeEncodeError, TypeError):  # other values
        codes = _codes(pd.concat([actor1, actor2], ignore_index=True))
    a, b = codes[:n], codes[n:]
    return np.minimum(a, b), np.maximum(a, b)


def _chunks(column: pd.Series) -> list[pa.Array]:
    """The arrow text chunks of a column (arrow's own, or made of its Python values)."""
    if isinstance(column.dtype, pd.ArrowDtype | pd.CategoricalDtype):
        array = pa.array(column.array)  # a Categorical's is a dictionary, cast below
    else:
        array = pa.array(column.to_numpy(dtype=object), type=pa.string())
    if isinstance(array, pa.ChunkedArray):
        return [c.cast(pa.string()) for c in array.chunks]
    return [array.cast(pa.string())]


def _combine(columns: list[np.ndarray], *, compact: bool = True) -> np.ndarray:
    """One number per distinct combination of the columns' numbers (each >= -1).

    The numbers are combined by mixed-radix arithmetic as long as the result fits in 62 bits
    (dates, types and actors have few distinct values: usually all of them at once), and
    renumbered (one hash pass) only when it would not, and at the end unless not
    ``compact`` (then the numbers are >= 0 but may run up to 2**62).
    """
    if len(columns) == 1:
        return columns[0].astype(np.int64)
    key = columns[0].astype(np.int64)
    key += 1  # from 0, below ``bound``
    bound = int(key.max(initial=0)) + 1
    for column in columns[1:]:
        size = int(column.max(initial=-1)) + 2
        if bound * size >= 2**62:
            key = pd.factorize(key)[0].astype(np.int64, copy=False)
            bound = int(key.max(initial=0)) + 1
            if bound * size >= 2**62:  # numbers not from 0 (an uncompacted combination)
                column = pd.factorize(column)[0].astype(np.int64, copy=False)
                size = int(column.max(initial=-1)) + 2
        # In place (a million keys are 8 MB an array): key * size + column + 1.
        key *= size
        key += column
        key += 1
        bound *= size
    if not compact:
        return key
    return pd.factorize(key)[0].astype(np.int64, copy=False)


def _first_of(key: np.ndarray, ok: np.ndarray) -> np.ndarray:
    """For each row, the first row with its key (n where the row has no key)."""
    n = len(key)
    first = np.full(n, n, dtype=np.int64)
    rows = np.flatnonzero(ok)
    firsts = np.full(int(key.max(initial=-1)) + 1, n, dtype=np.int64)
    # The least row of each key, in one unbuffered pass (sorting the keys to find it took
    # 0.14 s a million, twice per store).
    np.minimum.at(firsts, key[rows], rows)
    first[rows] = firsts[key[rows]]
    return first
