"""The list fields (``assoc_actors``, ``tags``: lists of strings; ``sources``: source objects).

Each row's value becomes a new list (rows never share one). The screens here find the rows whose
values the per-row rules (:meth:`RowRules.string_list`, :meth:`RowRules.sources`) would pass
unchanged and build their lists in bulk. The other lists of strings are confirmed in bulk too;
the other ``sources`` values go through :meth:`RowRules.sources` one by one (their problems are
still stored compactly). JSON text (from table stores) is decoded once per distinct text.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterable
from itertools import chain, compress, repeat
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.json as pj

from geoevents import schema
from geoevents.validation.jsontext import GOOD_SOURCES, GOOD_STRINGS, decode_json, matches
from geoevents.validation.rules import (
    HTTP,
    NOT_STRING_LIST,
    NOT_UNICODE,
    RowRules,
    date_ok,
)
from geoevents.validation.text import (
    NONE_TYPE,
    Text,
    as_objects,
    is_blank,
    is_text_dtype,
    missing_of,
    objects,
    types_of,
)
from geoevents.validation.values import lone_surrogate

__all__ = [
    "LIST_TYPE",
    "SOURCE_TYPE",
    "ArrowLists",
    "check_sources",
    "check_sources_arrow",
    "check_string_lists",
    "check_string_lists_arrow",
]

_SOURCE_KEYS = frozenset(schema.SOURCE_KEYS)
#: The Arrow type of a checked ``sources`` column: a list of sources, one text per key.
#: The Arrow type of a checked list-of-strings column.
LIST_TYPE = pa.list_(pa.string())
SOURCE_TYPE = pa.list_(pa.struct([(key, pa.string()) for key in schema.SOURCE_KEYS]))


def check_string_lists(
    rules: RowRules,
    name: str,
    series: pd.Series | None,
    out: np.ndarray,
    *,
    json_text: bool,
    rows: np.ndarray | None = None,
) -> None:
    """Check a list-of-strings field into ``out`` (one new list per row).

    ``json_text`` says that text values are JSON to decode first (as table stores keep lists).
    ``rows``: the row numbers the problems name, when ``series`` holds only some rows.
    """
    at = rows

    def confirm(rows: np.ndarray, values: np.ndarray) -> np.ndarray:
        """:meth:`RowRules.string_list` of each of these rows, in bulk."""
        rows = rows if at is None else at[rows]
        missing = missing_of(values)
        shaped = ~missing & _fine_string_lists(values, sequences=True, unicode=False)
        bad = ~missing & ~shaped
        odd = np.flatnonzero(shaped)
        odd = odd[_surrogate_lists(values[odd])]
        good = shaped.copy()
        good[odd] = False
        # The first item that is not Unicode text, in each of those lists.
        firsts = [
            next(j for j, v in enumerate(value) if lone_surrogate(v)) for value in values[odd]
        ]
        items = objects(map(operator.getitem, values[odd], firsts), len(odd))
        fields = [f"{name}[{j}]" for j in firsts]
        rules.record(
            rules.batch(NOT_STRING_LIST, name, rows[bad], values[bad], args=(name,)),
            rules.batch(NOT_UNICODE, fields, rows[odd], fields, items),
        )
        lists = _fresh_empty_lists(len(values))
        lists[good] = objects(map(list, values[good]), int(good.sum()))
        return lists

    if series is not None and _is_list_of_text(series.dtype):
        flag = np.flatnonzero(_arrow_string_lists(pa.array(series.array), out))
        out[flag] = confirm(flag, objects(series.iloc[flag].tolist(), len(flag)))
        return
    _list_field(name, series, out, json_text, GOOD_STRINGS, _fine_string_lists, None, confirm)


def check_string_lists_arrow(rules: RowRules, name: str, series: pd.Series) -> pa.Array | None:
    """Check a list-of-strings field held as an arrow list of text; return the checked lists
    as a :data:`LIST_TYPE` array (a missing list is empty), or None for any other column
    (then use :func:`check_string_lists`).

    The same problems, in the same order, as :func:`check_string_lists`: arrow text is
    Unicode text, so only the lists holding a null item need the per-row look.
    """
    if not _is_list_of_text(series.dtype):
        return None
    arr = pa.array(series.array)
    arr = arr.combine_chunks() if isinstance(arr, pa.ChunkedArray) else arr
    arr = arr.cast(LIST_TYPE)
    arr = arr.fill_null(pa.scalar([], LIST_TYPE)) if arr.null_count else arr
    items = arr.flatten()
    if not items.null_count:
        return arr
    parents = pc.list_parent_indices(arr).to_numpy(zero_copy_only=False)
    flag = np.unique(parents[items.is_null().to_numpy(zero_copy_only=False)])
    out = np.empty(len(arr), dtype=object)
    check_string_lists(
        rules,
        name,
        series.iloc[flag].reset_index(drop=True),
        out[: len(flag)],
        json_text=False,
        rows=flag,
    )
    at = np.arange(len(arr))
    at[flag] = len(arr) + np.arange(len(flag))
    confirmed = pa.array(out[: len(flag)].tolist(), type=LIST_TYPE)
    return pa.concat_arrays([arr, confirmed]).take(pa.array(at))


class ArrowLists:
    """Python lists of the rows of an arrow list column, made only for the rows asked for
    (``lists[rows]``), as the checks across fields read the tags of a few rows."""

    def __init__(self, array: pa.Array):
        self._array = array

    def __len__(self) -> int:
        return len(self._array)

    def __getitem__(self, rows: np.ndarray) -> np.ndarray:
        taken = self._array.take(pa.array(np.asarray(rows, dtype=np.int64)))
        return objects(taken.to_pylist(), len(taken))


def check_sources(
    rules: RowRules, series: pd.Series | None, out: np.ndarray, *, json_text: bool
) -> None:
    """Check the ``sources`` field into ``out`` (one new list of source dicts per row)."""

    def one_by_one(rows: np.ndarray, values: np.ndarray) -> np.ndarray:
        checked = map(rules.sources, rows.tolist(), values)
        return objects(checked, len(rows))

    _list_field(
        "sources", series, out, json_text, GOOD_SOURCES, _fine_sources, dict.copy, one_by_one
    )


def check_sources_arrow(rules: RowRules, series: pd.Series) -> pa.Array | None:
    """Check ``sources`` held as arrow JSON text; return the checked lists as an arrow
    :data:`SOURCE_TYPE` array, or None when the column is not such text (then use
    :func:`check_sources`).

    The same problems, in the same order, as :func:`check_sources`: the texts that match
    :data:`GOOD_SOURCES` (nothing to report) are parsed by Arrow's JSON reader, once per
    distinct text, and never become Python objects; the other rows go through
    :func:`check_sources` as they would have.
    """
    if not is_text_dtype(series.dtype):
        return None
    arr = pa.array(series.array)
    arr = arr.combine_chunks() if isinstance(arr, pa.ChunkedArray) else arr
    if not pa.types.is_dictionary(arr.type):
        arr = arr.dictionary_encode()
    distinct = arr.dictionary
    if pa.types.is_large_string(distinct.type) or pa.types.is_string_view(distinct.type):
        distinct = distinct.cast(pa.large_string())
    if distinct.null_count:
        return None
    good = pc.match_substring_regex(distinct, GOOD_SOURCES).to_numpy(zero_copy_only=False)
    chosen = np.flatnonzero(good)
    parsed, refused = _parse_each(distinct.take(pa.array(chosen)))
    # What Arrow refuses (a key given twice, which json.loads takes) is judged as before.
    good[chosen[refused]] = False
    codes = arr.indices.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.intp)
    position = np.full(len(distinct) + 1, -1, dtype=np.intp)  # the last: a null row
    position[np.flatnonzero(good)] = np.arange(int(good.sum()))
    at = position[codes]
    rest = np.flatnonzero(at < 0)
    if len(rest):
        # Rows of other texts (or none) as before: decoded, judged, confirmed one by one.
        values = pd.Series(
            objects(arr.take(pa.array(rest)).cast(distinct.type).to_pylist(), len(rest)),
            dtype=object,
        )
        checked = np.empty(len(rest), dtype=object)

        def one_by_one(rows: np.ndarray, items: np.ndarray) -> np.ndarray:
            return objects(map(rules.sources, rest[rows].tolist(), items), len(rows))

        _list_field("sources", values, checked, True, GOOD_SOURCES, _fine_sources, None, one_by_one)
        others = pa.array(checked.tolist(), type=SOURCE_TYPE)
        at[rest] = len(parsed) + np.arange(len(rest))
        parsed = pa.concat_arrays([parsed, others])
    return parsed.take(pa.array(at))


def _parse_each(texts: pa.Array) -> tuple[pa.Array, np.ndarray]:
    """The texts Arrow parses (see :func:`_parse_sources`), and which ones it refuses.

    Refused texts are rare, so they are found by halving: the texts around one are parsed
    about twice in all.
    """
    whole = _parse_sources(texts)
    if whole is not None:
        return whole, np.zeros(len(texts), bool)
    if len(texts) == 1:
        return pa.array([], SOURCE_TYPE), np.ones(1, bool)
    half = len(texts) // 2
    first, refused_first = _parse_each(texts.slice(0, half))
    second, refused_second = _parse_each(texts.slice(half))
    return pa.concat_arrays([first, second]), np.concatenate([refused_first, refused_second])


def _parse_sources(texts: pa.Array) -> pa.Array | None:
    """Arrow's JSON reader over JSON texts of lists of sources, into :data:`SOURCE_TYPE`
    (None where it refuses one of them)."""
    if len(texts) == 0:
        return pa.array([], SOURCE_TYPE)
    texts = texts.cast(pa.large_string())  # no 2 GB limit on the joined lines
    # One JSON object per line, {"s": <text>}: the reader's input.
    big = pa.large_string()
    lines = pc.binary_join_element_wise(
        pa.scalar('{"s":', big), texts, pa.scalar("}\n", big), pa.scalar("", big)
    )
    lines = pa.concat_arrays([lines]) if lines.offset else lines
    offsets = np.frombuffer(lines.buffers()[1], dtype="<i8", count=len(lines) + 1)
    data = lines.buffers()[2][int(offsets[0]) : int(offsets[-1])]
    # The texts may hold line breaks between tokens (never inside a string: JSON escapes them).
    breaks = bool(pc.any(pc.match_substring(texts, "\n")).as_py())
    options = pj.ParseOptions(
        explicit_schema=pa.schema([("s", SOURCE_TYPE)]),
        newlines_in_values=breaks,
        unexpected_field_behavior="error",
    )
    read = pj.ReadOptions(use_threads=True, block_size=max(1 << 20, min(len(data) + 1, 1 << 28)))
    try:
        table = pj.read_json(pa.BufferReader(data), read_options=read, parse_options=options)
    except pa.ArrowInvalid:
        return None
    column = table.column("s").combine_chunks()
    if len(column) != len(texts) or column.null_count:
        return None
    return column


def _list_field(
    name: str,
    series: pd.Series | None,
    out: np.ndarray,
    json_text: bool,
    good_json: str,
    fine_of: Callable[[np.ndarray], np.ndarray],
    item_copy: Callable[[Any], Any] | None,
    confirm: Callable[[np.ndarray, np.ndarray], np.ndarray],
) -> None:
    """Shared by the list fields: clear the good rows in bulk, ``confirm`` the rest.

    ``fine_of`` tells the values that need no per-row check, ``good_json`` the JSON texts
    that decode to such values; their rows get new lists of (``item_copy`` of) the items.
    ``confirm(rows, values)`` reports the problems of the other rows and returns their lists.
    """
    n = len(out)
    if series is None:
        out[:] = _fresh_empty_lists(n)
        return
    fine = np.zeros(n, bool)
    # Only JSON text needs the text view; other values are judged as the objects they are.
    t = Text.of(series, n) if json_text else Text(as_objects(series), np.zeros(n, bool))
    texts = t.is_text
    parsed = np.empty(0, dtype=object)
    codes = np.full(n, -1)
    if texts.any():
        # JSON text: decode and judge each distinct text once.
        codes, distinct = t.factor()
        uniques = list(distinct)
        good = matches(uniques, good_json)
        parsed = objects(decode_json(uniques, good), len(uniques))
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
    rest = np.flatnonzero(~fine)
    values = np.empty(len(rest), dtype=object)
    decoded = texts[rest]
    values[decoded] = parsed[codes[rest[decoded]]]
    values[~decoded] = t.at(rest[~decoded])
    out[rest] = confirm(rest, values)


def _fresh_empty_lists(count: int) -> np.ndarray:
    return objects(map(list, repeat((), count)), count)


def _split(flat: np.ndarray, lengths: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """Cut ``flat`` into consecutive new lists of the given lengths (into ``out``)."""
    out = np.empty(len(lengths), dtype=object) if out is None else out
    ends = np.cumsum(lengths)
    starts = ends - lengths
    empty = np.flatnonzero(lengths == 0)
    out[empty] = _fresh_empty_lists(len(empty))
    # Most lists hold one item: zip makes those without slicing (three times faster).
    one = np.flatnonzero(lengths == 1)
    out[one] = objects(map(list, zip(flat[starts[one]])), len(one))
    many = np.flatnonzero(lengths > 1)
    if len(many):
        items = flat.tolist()
        cuts = map(slice, starts[many].tolist(), ends[many].tolist())
        out[many] = objects(map(items.__getitem__, cuts), len(many))
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
    firsts = objects(map(next, map(iter, templates[sizes == 1])), int((sizes == 1).sum()))
    position = np.cumsum(sizes == 1) - 1
    out[rows[one]] = objects(map(list, zip(firsts[position[codes[one]]])), len(one))
    many = np.flatnonzero(lengths > 1)
    out[rows[many]] = objects(map(list, templates[codes[many]]), len(many))


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
    out[rows[~none]] = objects(map(list, lists), len(rows) - int(none.sum()))


def _is_list_of_text(dtype: Any) -> bool:
    if not isinstance(dtype, pd.ArrowDtype):
        return False
    t = dtype.pyarrow_dtype
    if not (pa.types.is_list(t) or pa.types.is_large_list(t)):
        return False
    return is_text_dtype(pd.ArrowDtype(t.value_type))


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
    _split(Text.of_arrow(items).values, lengths, out)
    return flag


def _surrogate_lists(values: np.ndarray) -> np.ndarray:
    """Which values (each None or a sequence of str) hold an item that is not Unicode text."""
    texts = [v for v in values if v is not None]
    # One search over all the items at once: most columns hold none at all.
    if not lone_surrogate("".join(chain.from_iterable(texts))):
        return np.zeros(len(values), bool)
    return np.fromiter(
        (v is not None and any(map(lone_surrogate, v)) for v in values), bool, len(values)
    )


def _fine_string_lists(
    values: np.ndarray, *, sequences: bool = False, unicode: bool = True
) -> np.ndarray:
    """Rows that are None or a list of str (these need no per-row check); with ``sequences``,
    also a tuple or numpy array of str (which the rule takes too); with ``unicode``, only
    lists whose items are all Unicode text (no lone surrogate)."""
    types = types_of(values)
    fine = np.equal(types, NONE_TYPE)
    found = set(types.tolist())
    kinds = {k for k in found if issubclass(k, list | tuple | np.ndarray)} if sequences else {list}
    rows = np.flatnonzero(np.fromiter(map(kinds.__contains__, types), bool, len(types)))
    lists = values[rows]
    item_types = set(map(type, chain.from_iterable(lists)))
    if item_types <= {str}:
        fine[rows] = True
    else:
        lengths = np.fromiter(map(len, lists), np.intp, len(rows))
        items = objects(chain.from_iterable(lists), int(lengths.sum()))
        # The rule asks isinstance(item, str): with ``sequences``, subclasses (numpy's str_)
        # pass.
        texts = {k for k in item_types if k is str or (sequences and issubclass(k, str))}
        ok = np.fromiter(map(texts.__contains__, types_of(items)), bool, len(items))
        fine[rows] = True
        fine[np.repeat(rows, lengths)[~ok]] = False
    if unicode:
        lists = np.flatnonzero(fine)
        fine[lists[_surrogate_lists(values[lists])]] = False
    return fine


def _fine_sources(values: np.ndarray) -> np.ndarray:
    """Rows that are None or a list of good sources (nothing to report, nothing to drop).

    A good source is a dict of str values with a non-blank name, only known keys, an http(s)
    url if any, and a date that exists as ``published`` if any.
    """
    types = types_of(values)
    fine = np.equal(types, NONE_TYPE)
    rows = np.flatnonzero(np.equal(types, list))
    lists = values[rows]
    lengths = np.fromiter(map(len, lists), np.intp, len(rows))
    items = objects(chain.from_iterable(lists), int(lengths.sum()))
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
    every = chain(chain.from_iterable(items), chain.from_iterable(map(dict.values, items)))
    if lone_surrogate("".join(every)):
        return False
    names = list(map(dict.get, items, repeat("name")))
    if None in names or not all(map(str.strip, names)):
        return False
    urls = list(map(dict.get, items, repeat("url")))
    if not all(map(HTTP.match, compress(urls, map(operator.is_not, urls, repeat(None))))):
        return False
    dates = list(map(dict.get, items, repeat("published")))
    return all(map(date_ok, set(compress(dates, map(operator.is_not, dates, repeat(None))))))


def _good_sources(items: np.ndarray) -> np.ndarray:
    """Which items are good sources (see :func:`_fine_sources`)."""
    good = np.equal(types_of(items), dict)
    dicts = items[good]
    sizes = np.fromiter(map(len, dicts), np.intp, len(dicts))
    total = int(sizes.sum())
    keys = objects(chain.from_iterable(dicts), total)
    texts = objects(chain.from_iterable(map(dict.values, dicts)), total)
    pair_ok = np.fromiter(map(_SOURCE_KEYS.__contains__, keys), bool, total)
    pair_ok &= np.equal(types_of(texts), str)
    pair_ok[pair_ok] = ~_surrogate_lists(
        objects(zip(keys[pair_ok], texts[pair_ok], strict=True), int(pair_ok.sum()))
    )
    ok = np.ones(len(dicts), bool)
    ok[np.repeat(np.arange(len(dicts)), sizes)[~pair_ok]] = False
    # From here on every value is a str.
    _key_passes(dicts, ok, "name", _is_named, required=True)
    _key_passes(dicts, ok, "url", _is_http)
    _key_passes(dicts, ok, "published", date_ok, distinct=True)
    good[good] = ok
    return good


def _is_named(text: str) -> bool:
    return not is_blank(text)


def _is_http(text: str) -> bool:
    return HTTP.match(text) is not None


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
    found = objects(map(dict.get, dicts[rows], repeat(key)), len(rows))
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
