"""Free text kept in arrow memory (``check_frame(arrow_text=True)``, as ``geoevents map`` reads a
GeoParquet store) gives the same problems in the same order, the same values and the same map
bytes as Python strings do."""

from __future__ import annotations

import contextlib

import pandas as pd
import pyarrow as pa
import pytest
from helpers import CASES
from test_validate_fast import DIRTY_RULES, TODAY, dirty_store, same_value

import geoevents.errors
from geoevents import schema
from geoevents.io.formats import read_incidents, usable_incidents, write_incidents
from geoevents.problems import ValidationReport
from geoevents.render import build_map, save_map
from geoevents.testing import synthetic
from geoevents.validation import check_frame
from geoevents.validation.frame import ARROW_FIELDS


def as_arrow(raw: pd.DataFrame) -> pd.DataFrame:
    """Text columns as the GeoParquet reader gives them: arrow text, every other one
    dictionary-encoded (both kinds of arrow column are read)."""
    out = raw.copy()
    for k, name in enumerate(raw.columns):
        values = raw[name].tolist()
        if name not in schema.COLUMNS or not all(v is None or isinstance(v, str) for v in values):
            continue
        try:
            array = pa.array(values, type=pa.large_string())
        except (pa.ArrowException, UnicodeEncodeError):  # lone surrogates: not UTF-8
            continue
        if k % 2:
            array = array.dictionary_encode()
        out[name] = pd.Series(pd.arrays.ArrowExtensionArray(array), index=raw.index)
    return out


def both_ways(raw: pd.DataFrame, geoms, **kwargs):
    runs = []
    for arrow_text in (False, True):
        report = ValidationReport(source="store")
        gdf, bad = check_frame(
            raw.copy(), list(geoms), report, today=TODAY, arrow_text=arrow_text, **kwargs
        )
        runs.append((gdf, bad, report))
    return runs


def assert_same_run(plain, arrow) -> None:
    (g1, b1, r1), (g2, b2, r2) = plain, arrow
    assert r1.problems == r2.problems  # the same problems, in the same order
    assert [p.message for p in r1.problems] == [p.message for p in r2.problems]
    assert b1 == b2
    assert list(g1.columns) == list(g2.columns)
    for column in g1.columns:
        right = g2[column]
        if isinstance(right.dtype, pd.ArrowDtype) and column == "sources":
            # Sources given as JSON text are parsed by arrow: a struct per source, a null
            # for each key it lacks.
            values = [[_present(s) for s in row] for row in right.tolist()]
        elif isinstance(right.dtype, pd.ArrowDtype) and column in ("assoc_actors", "tags"):
            values = right.tolist()  # arrow lists of text stay arrow lists
        elif isinstance(right.dtype, pd.ArrowDtype | pd.CategoricalDtype):
            # Arrow text, or (read as an arrow dictionary) a Categorical of arrow text.
            assert column in ARROW_FIELDS, column
            values = right.to_numpy(dtype=object, na_value=None).tolist()
        else:
            values = right.tolist()
        for i, (x, y) in enumerate(zip(g1[column].tolist(), values, strict=True)):
            if column == "sources" and isinstance(right.dtype, pd.ArrowDtype):
                assert x == y, (column, i, x, y)  # the keys' order is not kept
            elif not (x is None and y is None) and not (x is pd.NA and y is pd.NA):
                assert same_value(x, y), (column, i, x, y)


def _present(source: dict) -> dict:
    return {k: v for k, v in source.items() if v is not None}


#: ``sources`` as JSON text (as a GeoParquet store keeps it), good and bad: the texts arrow
#: parses, those it refuses (a key given twice), and every problem the per-row rule reports.
SOURCE_TEXTS = [
    '[{"name": "Air Info", "published": "2024-05-02"}]',
    '[{"url": "https://a.example/x", "name": "Radio", "quote": "\\u00e9 \\"q\\" \\/ \\n"}]',
    '[\n  {"name": "two lines",\r\n "document": "d"},\t{"name": "b"}\n]',
    "[]",
    " [ ] ",
    '[{"name": "x", "url": "http://a.example", "url": "http://b.example"}]',
    '[{"name": "ftp", "url": "ftp://a.example"}]',
    '[{"name": "bad day", "published": "2019-02-30"}]',
    '[{"name": "  "}]',
    '[{"name": "k", "colour": "red"}]',
    '[{"name": 3}]',
    '[{"name": "\\ud800"}]',
    '[{"name": "\\ud83d\\ude00 pair"}]',
    '["just text"]',
    '{"name": "not a list"}',
    "not json",
    "",
    None,
]


@pytest.mark.parametrize("dictionary", [False, True])
def test_sources_as_json_text_give_the_same_problems_in_arrow(dictionary):
    """JSON text sources parsed by arrow (geoevents map from GeoParquet): the same problems in
    the same order and the same sources as Python's json and the per-row rule give."""
    raw, geoms = dirty_store("coding", 400)
    texts = [SOURCE_TEXTS[k % len(SOURCE_TEXTS)] for k in range(len(raw))]
    array = pa.array(texts, pa.string())
    array = array.dictionary_encode() if dictionary else array
    raw["sources"] = pd.Series(pd.arrays.ArrowExtensionArray(array), index=raw.index)
    plain, arrow = both_ways(raw, geoms, json_text=("sources",))
    assert isinstance(arrow[0]["sources"].dtype, pd.ArrowDtype)
    assert plain[0]["sources"].dtype == object
    assert any(p.field and p.field.startswith("sources") for p in plain[2].problems)
    assert_same_run(plain, arrow)


#: Lists of text as a GeoParquet store holds them (list<string>): null items, null lists.
LIST_VALUES = [
    ["Subnational"],
    [],
    None,
    ["a", None, "b"],
    [None],
    ["reason: a ceasefire"],
    ["reason:  "],
    ["x", "y", "z"],
]


@pytest.mark.parametrize("value_type", [pa.string(), pa.large_string()])
def test_arrow_lists_give_the_same_problems_and_lists(value_type):
    """Lists of text kept as arrow lists (geoevents map from GeoParquet): the same problems in
    the same order (null items; Strategic developments / Other without a reason tag) and the
    same lists as Python lists give."""
    raw, geoms = dirty_store("coding", 400)
    raw["event_type"] = ["Strategic developments" if k % 3 else "Battles" for k in range(400)]
    raw["sub_event_type"] = ["Other" if k % 2 else "Armed clash" for k in range(400)]
    for name, shift in (("tags", 0), ("assoc_actors", 3)):
        lists = [LIST_VALUES[(k + shift) % len(LIST_VALUES)] for k in range(len(raw))]
        array = pa.array(lists, pa.list_(value_type))
        raw[name] = pd.Series(pd.arrays.ArrowExtensionArray(array), index=raw.index)
    plain, arrow = both_ways(raw, geoms)
    for name in ("tags", "assoc_actors"):
        assert isinstance(arrow[0][name].dtype, pd.ArrowDtype)
        assert plain[0][name].dtype == object
    fields = {p.field for p in plain[2].problems}
    assert "tags" in fields and "assoc_actors" in fields
    assert_same_run(plain, arrow)


@pytest.mark.parametrize("rule", DIRTY_RULES)
def test_dirty_data_gives_the_same_problems_with_arrow_text(rule):
    raw, geoms = dirty_store(rule, 2000)
    arrow_raw = as_arrow(raw)
    plain, arrow = both_ways(arrow_raw, geoms)
    assert_same_run(plain, arrow)
    kept = [c for c in ARROW_FIELDS if isinstance(arrow[0][c].dtype, pd.ArrowDtype)]
    assert kept and not any(isinstance(plain[0][c].dtype, pd.ArrowDtype) for c in kept)


def test_dictionary_columns_are_kept_as_categoricals_of_their_own_texts():
    # A free-text field read as an arrow dictionary (a GeoParquet store's repeated text) is
    # kept as a Categorical of its distinct texts: a code per row, not a string per row
    # (at a million incidents 130 MB less at the map's peak), the same values either way.
    raw, geoms = dirty_store(DIRTY_RULES[0], 2000)
    arrow_raw = as_arrow(raw)
    plain, arrow = both_ways(arrow_raw, geoms)
    assert_same_run(plain, arrow)
    encoded = [
        c
        for c in ARROW_FIELDS
        if c in arrow_raw.columns
        and isinstance(arrow_raw[c].dtype, pd.ArrowDtype)
        and pa.types.is_dictionary(arrow_raw[c].dtype.pyarrow_dtype)
    ]
    assert encoded
    for name in encoded:
        column = arrow[0][name]
        assert isinstance(column.dtype, pd.CategoricalDtype), name
        assert isinstance(column.dtype.categories.dtype, pd.ArrowDtype), name
        assert len(column.cat.categories) <= column.nunique() + 1


@pytest.mark.parametrize("path", sorted(CASES.rglob("*.*json")), ids=lambda p: p.name)
def test_corpus_gives_the_same_problems_with_arrow_text(path, monkeypatch):
    """Every corpus file, its properties as arrow text: the same report either way."""
    import geoevents.io.geojson as geojson_mod

    def compare(raw, geometry, report, **kwargs):
        kwargs.pop("consume", None)
        plain, arrow = both_ways(as_arrow(raw), geometry, **kwargs)
        assert_same_run(plain, arrow)
        return check_frame(raw, geometry, report, **kwargs)

    monkeypatch.setattr(geojson_mod, "check_frame", compare)
    with contextlib.suppress(geoevents.errors.InputError):
        read_incidents(path)


@pytest.mark.parametrize("shape", ["clean", "dirty"])
@pytest.mark.parametrize("engine", ["classic", "large"])
def test_the_map_is_byte_identical_with_arrow_text(tmp_path, shape, engine):
    gdf = synthetic.incidents(600, seed=5, hostile=3)
    if shape == "dirty":
        gdf = synthetic.dirty(gdf, seed=5, invalid=0.05)
    store = tmp_path / "store.parquet"
    write_incidents(gdf, store)
    pages = []
    for arrow_text in (False, True):
        found = read_incidents(store, arrow_text=arrow_text)
        table = usable_incidents(*found, skip_invalid=True)
        assert isinstance(table["summary"].dtype, pd.ArrowDtype) == arrow_text
        out = tmp_path / f"map-{arrow_text}.html"
        m = build_map(table, layer_by="actor1", timeline=True, tiles="none", engine=engine)
        save_map(m, out)
        pages.append(out.read_bytes())
    assert pages[0] == pages[1]


def test_the_map_command_reads_arrow_text(tmp_path, monkeypatch):
    """`geoevents map` asks for arrow text; its page is the one Python strings give."""
    from click.testing import CliRunner

    import geoevents.io.formats as formats
    from geoevents.cli import cli

    store = tmp_path / "store.parquet"
    write_incidents(synthetic.incidents(300, seed=2), store)
    asked = []
    read = formats.read_incidents

    def spy(path, **kwargs):
        asked.append(kwargs.get("arrow_text"))
        return read(path, **kwargs)

    monkeypatch.setattr(formats, "read_incidents", spy)
    pages = []
    for name in ("a.html", "b.html"):
        result = CliRunner().invoke(cli, ["map", str(store), "-o", str(tmp_path / name)])
        assert result.exit_code == 0, result.output
        pages.append((tmp_path / name).read_bytes())
        # The second run reads Python strings, to compare.
        monkeypatch.setattr(
            formats, "read_incidents", lambda path, **kwargs: read(path, incidents=True)
        )
    assert asked == [True] and pages[0] == pages[1]


def test_a_lazy_arrow_column_gives_the_values_of_any_rows_across_chunks():
    """Rows asked of a column in several chunks, in any order, repeated, none at all, and rows
    whose text was not kept, give what the Python strings give."""
    import numpy as np

    from geoevents.validation.text import Text

    values = ["a", None, "b", "c", "", "é", None, "d", "e"]
    chunked = pa.chunked_array(
        [
            pa.array(values[:3]),
            pa.array([], pa.string()),
            pa.array(values[3:7]),
            pa.array(values[7:]),
        ]
    )
    lazy = Text.of_arrow(chunked, lazy=True)
    for rows in ([], [0], [8, 0, 3, 3, 5], list(range(9))[::-1], np.array([2, 7])):
        assert lazy.at(np.asarray(rows, dtype=np.int64)).tolist() == [values[r] for r in rows]
    kept = lazy.keep(np.array([v not in (None, "c") for v in values]), None)
    assert kept.at(np.arange(9)).tolist() == [None if v == "c" else v for v in values]
    assert lazy.at(4) == ""


def test_double_counts_of_dictionary_actors_are_those_of_their_text():
    # Both actor columns read as arrow dictionaries (Categoricals once checked): the pairs are
    # numbered from the two columns' categories, the same double counts as from their text,
    # the pair unordered (actor2 of one record can be actor1 of its copy).
    import numpy as np
    import shapely

    n = 400
    one = [f"actor {i % 7}" if i % 5 else None for i in range(n)]
    two = [f"actor {(i + 3) % 7}" if i % 3 else None for i in range(n)]
    swapped = [two[i] if i % 2 else one[i] for i in range(n)]
    other = [one[i] if i % 2 else two[i] for i in range(n)]
    raw = pd.DataFrame(
        {
            "id": [f"c{i}" for i in range(n)],
            "date_start": ["2020-01-01"] * n,
            "event_type": ["Battles"] * n,
            "actor1": swapped,
            "actor2": other,
            "country": ["Iraq"] * n,
            "iso3": ["IRQ"] * n,
        },
        dtype=object,
    )
    for name in ("actor1", "actor2"):
        array = pa.array(raw[name].tolist(), pa.string()).dictionary_encode()
        raw[name] = pd.Series(pd.arrays.ArrowExtensionArray(array))
    geoms = shapely.points(np.full(n, 44.0), np.full(n, 33.0))
    plain, arrow = both_ways(raw, geoms)
    assert_same_run(plain, arrow)
    assert isinstance(arrow[0]["actor1"].dtype, pd.CategoricalDtype)
    doubles = [p for p in arrow[2].warnings if "likely the same event" in p.message]
    assert len(doubles) > n // 2


def test_double_counts_of_dictionary_dates_and_types_are_those_of_their_text(monkeypatch):
    # Dates, types and precisions read as arrow dictionaries come to the double counts with
    # the checks' numbers (not numbered again): the same double counts as numbering the
    # checked table's text, also when a dictionary repeats a text, holds a bad date or a null.
    import numpy as np
    import shapely

    import geoevents.validation.frame as frame

    calls: list[tuple] = []
    found = frame.double_counts

    def spy(gdf, numbered=None):
        calls.append((gdf, numbered))
        return found(gdf, numbered)

    monkeypatch.setattr(frame, "double_counts", spy)
    n = 600
    rng = np.random.default_rng(5)
    columns = {
        "date_start": ["2020-01-01", "2020-01-01", "2020-01-02", "2020-13-01", None],
        "date_end": ["2020-01-03", "2020-01-03", None],
        "event_type": ["Battles", "Battles", "Riots", "Not a type", None],
        "date_precision": ["day", "day", "month", None],
    }
    raw = pd.DataFrame(
        {"id": [f"c{i}" for i in range(n)], "country": ["Iraq"] * n, "iso3": ["IRQ"] * n},
        dtype=object,
    )
    picks = {name: rng.integers(0, len(texts), n) for name, texts in columns.items()}
    coded = raw.copy()
    for name, texts in columns.items():
        raw[name] = pd.Series([texts[k] for k in picks[name]], dtype=object)
        # Indices into a dictionary that repeats its first text; nulls by mask where None.
        dictionary = pa.array([t if t is not None else "unused" for t in texts], pa.string())
        mask = np.array([texts[k] is None for k in picks[name]])
        indices = pa.array(picks[name].astype(np.int32), mask=mask)
        array = pa.DictionaryArray.from_arrays(indices, dictionary)
        coded[name] = pd.Series(pd.arrays.ArrowExtensionArray(array))
    geoms = shapely.points(np.full(n, 44.0), np.full(n, 33.0))
    reports = []
    for table in (raw, coded):
        reports.append(ValidationReport(source="s"))
        check_frame(table, list(geoms), reports[-1], today=TODAY)
    gdf, numbered = calls[-1]
    assert {"date_start", "date_end", "event_type", "date_precision"} <= set(numbered)
    rows, firsts = found(gdf, numbered)
    again_rows, again_firsts = found(gdf)  # every field numbered from the table itself
    assert rows.tolist() == again_rows.tolist() and firsts.tolist() == again_firsts.tolist()
    assert len(rows) > n // 4
    assert [p.message for p in reports[0].problems] == [p.message for p in reports[1].problems]


def test_a_date_end_defaulted_to_its_start_keeps_numbers_of_its_values():
    # date_end defaults to date_start where absent: the numbers the double counts are given
    # name each row's value (one number per distinct text), from two columns' numberings.
    import numpy as np

    from geoevents.validation.text import Text

    rng = np.random.default_rng(3)
    n = 300
    ends = ["2020-01-02", "2020-01-05", "2020-01-02", None]
    starts = ["2020-01-01", "2020-01-02", None]
    end = Text.of_arrow(pa.array([ends[k] for k in rng.integers(0, 4, n)]).dictionary_encode())
    start = Text.of_arrow(pa.array([starts[k] for k in rng.integers(0, 3, n)]).dictionary_encode())
    missing = ~end.is_text & (rng.random(n) < 0.7)
    values = end.values
    values[missing] = start.values[missing]
    got = end.defaulted(missing, start)
    codes, texts = got.given_factor()
    assert len(set(texts)) == len(texts)
    assert [texts[c] if c >= 0 else None for c in codes] == list(values)
    assert got.is_text.tolist() == [v is not None for v in values]
