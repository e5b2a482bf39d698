"""The vectorised validation gives exactly what the per-row rules give, only faster.

The oracle (``validation_oracle.rowwise_check``) runs every row through the per-row rules
(``RowRules``), the slow, plainly complete way; every test here plants bad values among many
good rows and compares ``check_frame`` with it: the same problems in the same order, the same
bad rows, the same table. The last tests show the oracle fails when screens and rules disagree.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import re

import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pytest
import shapely
from helpers import CASES
from validation_oracle import rowwise_check

import geoevents
import geoevents.errors
from geoevents import schema
from geoevents.io.formats import read_columns, read_incidents, usable_incidents, write_incidents
from geoevents.problems import Rule, ValidationReport
from geoevents.validation import RowRules, check_frame, fields, jsontext, rules
from geoevents.validation import text as text_view

TODAY = dt.date(2025, 6, 1)
N = 30_000

# (country, iso3, admin1, location, lon, lat)
PLACES = [
    ("Iraq", "IRQ", "Kirkuk", "Kirkuk", 44.3922, 35.4681),
    ("Syria", "SYR", "Ar-Raqqa", "Ar-Raqqa", 39.0079, 35.9528),
    ("Niger", "NER", "Niamey", "Niamey", 2.1098, 13.5116),
    ("Yemen", "YEM", "Taizz", "Taizz", 44.0209, 13.5795),
]
ACTORS = ["Islamic State", "Military Forces of Iraq", "Protesters (Niger)", "QSD"]
OUTLETS = ["Rudaw", "SOHR", "Air Info", "Saba"]


def make_store(n: int = N, seed: int = 7) -> tuple[pd.DataFrame, list]:
    """``n`` good incidents, as the GeoJSON reader hands them over (object columns)."""
    rng = np.random.default_rng(seed)
    types = list(schema.EVENT_TYPES)
    # No two rows share place, type and date (they would be likely double counts).
    etype = np.arange(n) % len(types)
    place = (np.arange(n) // len(types)) % len(PLACES)
    start = np.datetime64("2017-01-01") + np.arange(n) // (len(types) * len(PLACES))
    start = start + rng.permutation(n) % 2 * 1500  # and not all in order
    end = start + np.where(rng.random(n) < 0.1, rng.integers(1, 5, n), 0)
    # A month-precision incident spans its whole calendar month.
    month = np.arange(n) % 3 == 2
    start[month] = start[month].astype("datetime64[M]").astype("datetime64[D]")
    end[month] = (start[month].astype("datetime64[M]") + 1).astype("datetime64[D]") - 1
    rows = []
    for i in range(n):
        country, iso3, admin1, location, _, _ = PLACES[place[i]]
        event_type = types[etype[i]]
        subs = schema.SUB_EVENT_TYPES[event_type]
        published = str(end[i])
        source = {"name": OUTLETS[i % 4], "published": published}
        if i % 3 == 0:
            source["url"] = f"https://news.example/{i}"
        rows.append(
            {
                "id": f"ev{i}",
                "title": f"{subs[i % len(subs)]} in {location}",
                "date_start": str(start[i]),
                "date_end": str(end[i]) if i % 2 or month[i] else None,
                "date_precision": ["day", "week", "month"][i % 3],
                "event_type": event_type,
                "sub_event_type": subs[i % len(subs)],
                "actor1": ACTORS[i % 4],
                # Month rows share their month's dates: their actors tell them apart.
                "actor2": f"Local unit {i}" if month[i] else ACTORS[(i + 1) % 4] if i % 5 else None,
                "assoc_actors": [ACTORS[(i + 2) % 4]] if i % 7 == 0 else [],
                "country": country,
                "iso3": iso3,
                "admin1": admin1,
                "location": location,
                "geo_precision": 1 + i % 3,
                "fatalities": None if i % 4 == 0 else int(rng.integers(0, 20)),
                "summary": f"Incident {i} near {location}.",
                "sources": [source],
                "confidence": ["confirmed", "probable", None][i % 3],
                "tags": (["checked"] if i % 2 else [])
                + (["reason:test event"] if subs[i % len(subs)] == "Other" else []),
            }
        )
    jitter = rng.normal(0, 0.02, (n, 2))
    geoms = [
        shapely.Point(PLACES[place[i]][4] + jitter[i, 0], PLACES[place[i]][5] + jitter[i, 1])
        for i in range(n)
    ]
    return pd.DataFrame(rows, dtype=object, index=range(n)), geoms


# Row -> the properties to change (None deletes); the geometry gets its own table below.
PLANTED: dict[int, dict] = {
    11: {"date_start": "2021-02-30"},
    12: {"date_start": "16/10/2017"},
    13: {"date_end": "2001-01-01"},
    14: {"event_type": "Battle"},
    15: {"sub_event_type": "Mob violence", "event_type": "Battles"},
    16: {"id": None},
    17: {"id": "ev3"},
    18: {"geo_precision": 7},
    19: {"fatalities": -2},
    20: {"fatalities": 2.5},
    21: {"fatalities": 4.0},
    22: {"iso3": "iq"},
    23: {"title": "   "},
    24: {"title": 42},
    25: {"assoc_actors": ["ok", 3]},
    26: {"tags": "not a list"},
    27: {"sources": [{"url": "https://x.example"}]},
    28: {"sources": [{"name": "A", "url": "ftp://x.example"}]},
    29: {"sources": [{"name": "A", "via": "wire"}]},
    30: {"sources": [{"name": "A", "published": "2019-13-01"}]},
    31: {"sources": "Rudaw"},
    32: {"confidence": "sure"},
    33: {"date_precision": "fortnight"},
    34: {"date_start": "2099-01-01", "date_end": "2099-01-02"},
    35: {"country": None, "iso3": None},
    36: {"summary": ""},
    37: {"date_end": ""},
    38: {"sources": [{"name": "A", "quote": None}, 5]},
    39: {"actor2": float("nan")},
    N - 1: {"id": "ev0"},
}
GEOMETRY = {
    40: None,
    41: shapely.Point(),
    42: shapely.Polygon([(0, 0), (1, 1), (1, 0), (0, 1)]),
    43: shapely.Point(0, 0),
    44: shapely.Point(-30, 0),
    45: shapely.Point(35.4681, 44.3922),
    46: shapely.LineString([(44.0, 35.0), (44.5, 35.5)]),
}


def planted_store(n: int = N) -> tuple[pd.DataFrame, list]:
    raw, geoms = make_store(n)
    for row, changes in PLANTED.items():
        for field, value in changes.items():
            if row < n:
                raw.at[row, field] = value
    for row, geom in GEOMETRY.items():
        geoms[row] = geom
    return raw, geoms


def run(raw: pd.DataFrame, geoms, **kwargs):
    """``check_frame``, as the readers call it."""
    report = ValidationReport(source="store")
    gdf, bad = check_frame(raw.copy(), list(geoms), report, today=TODAY, **kwargs)
    return gdf, bad, report


def oracle(raw: pd.DataFrame, geoms, **kwargs):
    """What ``check_frame`` must give: every row through the per-row rules."""
    report = ValidationReport(source="store")
    gdf, bad = rowwise_check(raw.copy(), list(geoms), report, today=TODAY, **kwargs)
    return gdf, bad, report


def same_value(a, b) -> bool:
    if type(a) is not type(b):
        return False
    if isinstance(a, list):
        return len(a) == len(b) and all(same_value(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict):
        return list(a) == list(b) and all(same_value(a[k], b[k]) for k in a)
    if isinstance(a, shapely.Geometry):
        return a.equals_exact(b, 0) or (a.is_empty and b.is_empty)
    return a is b or a == b


def assert_same(fast, slow) -> None:
    (g1, b1, r1), (g2, b2, r2) = fast, slow
    assert r1.problems == r2.problems
    assert b1 == b2
    assert list(g1.columns) == list(g2.columns) == [*schema.COLUMNS, "geometry"]
    assert list(g1.dtypes) == list(g2.dtypes)
    assert g1.crs == g2.crs
    for column in g1.columns:
        left, right = g1[column].tolist(), g2[column].tolist()
        for i, (x, y) in enumerate(zip(left, right, strict=True)):
            if not (x is None and y is None) and not (x is pd.NA and y is pd.NA):
                assert same_value(x, y), (column, i, x, y)


def test_planted_rows_match_the_per_row_checks():
    raw, geoms = planted_store()
    fast, slow = run(raw, geoms), oracle(raw, geoms)
    assert_same(fast, slow)
    _, bad, report = fast
    flagged = {p.index for p in report.errors}
    assert bad == flagged
    assert bad == {*PLANTED, *GEOMETRY} - {21, 28, 29, 34, 35, 36, 37, 39, 43, 44, 45, 46}


def test_planted_messages_name_the_feature_and_field():
    raw, geoms = planted_store()
    _, _, report = run(raw, geoms)
    lines = report.lines()
    expected = [
        'feature 11 (id "ev11"): date_start: date_start "2021-02-30" is not a date that exists',
        'feature 12 (id "ev12"): date_start: date_start "16/10/2017" is not an ISO date; '
        "write it as YYYY-MM-DD, e.g. 2017-10-16 if it is day/month/year",
        'feature 13 (id "ev13"): date_end: date_end 2001-01-01 is before date_start',
        'feature 14 (id "ev14"): event_type: event_type "Battle" is not one of',
        'feature 15 (id "ev15"): sub_event_type: sub_event_type "Mob violence" does not belong '
        'to "Battles"',
        "feature 16: id: id is missing; every incident needs one",
        'feature 17 (id "ev3"): id: id "ev3" is also used by feature 3',
        'feature 18 (id "ev18"): geo_precision: geo_precision 7 is not in range (1..3)',
        'feature 19 (id "ev19"): fatalities: fatalities -2 is not in range (>= 0)',
        'feature 20 (id "ev20"): fatalities: fatalities 2.5 is not a whole number (>= 0)',
        'feature 22 (id "ev22"): iso3: iso3 "iq" is not an ISO 3166-1 alpha-3 code',
        'feature 23 (id "ev23"): title: title is missing',
        'feature 24 (id "ev24"): title: title must be text, found 42',
        'feature 25 (id "ev25"): assoc_actors: assoc_actors must be a list of strings, found '
        "['ok', 3]",
        'feature 27 (id "ev27"): sources[0].name: the source has no name',
        'feature 28 (id "ev28"): sources[0].url: warning: url "ftp://x.example" is not http(s)',
        'feature 29 (id "ev29"): sources[0].via: warning: unknown source key "via" (ignored)',
        'feature 30 (id "ev30"): sources[0].published: sources[0].published "2019-13-01" is '
        "not a date that exists",
        'feature 34 (id "ev34"): date_start: warning: date_start 2099-01-01 is in the future',
        'feature 38 (id "ev38"): sources[1]: a source must be an object, found 5',
        'feature 40 (id "ev40"): geometry: the incident has no geometry',
        'feature 41 (id "ev41"): geometry: the geometry is empty',
        'feature 42 (id "ev42"): geometry: the Polygon is not a valid shape: Self-intersection',
        'feature 43 (id "ev43"): geometry: warning: the incident is at 0,0',
        'feature 45 (id "ev45"): geometry: warning: point (35.4681, 44.3922) is about',
        f'feature {N - 1} (id "ev0"): id: id "ev0" is also used by feature 0',
    ]
    for needle in expected:
        assert any(needle in line for line in lines), needle
    # Warnings for rows that are otherwise fine: the sea point names a country it is not in.
    assert any(line.startswith("store: feature 44 ") and " km outside " in line for line in lines)


def test_clean_rows_never_reach_the_per_row_checks(monkeypatch):
    raw, geoms = make_store()
    calls: list[str] = []
    checker = RowRules
    for name in ("string", "date", "choice", "integer", "string_list", "sources", "across"):
        original = getattr(checker, name)

        def spy(self, i, *args, _name=name, _original=original):
            calls.append(_name)
            return _original(self, i, *args)

        monkeypatch.setattr(checker, name, spy)
    _, bad, report = run(raw, geoms)
    assert report.problems == [] and bad == set()
    assert calls == []


def test_skip_invalid_drops_exactly_the_bad_rows():
    raw, geoms = planted_store()
    gdf, bad, report = run(raw, geoms)
    kept = usable_incidents(gdf, report, bad, skip_invalid=True)
    assert len(kept) == N - len(bad)
    assert not set(kept["id"].dropna()) & {f"ev{i}" for i in bad if i not in (16, 17, N - 1)}


@pytest.mark.parametrize("suffix", [".parquet", ".gpkg", ".csv"])
def test_stores_read_like_the_per_row_checks(tmp_path, suffix):
    raw, geoms = make_store(3000)
    good = gpd.GeoDataFrame(raw, geometry=geoms, crs=schema.CRS)
    good["fatalities"] = good["fatalities"].astype("Int64")
    good["geo_precision"] = good["geo_precision"].astype("Int64")
    path = write_incidents(good, tmp_path / f"store{suffix}")
    gdf, report, bad = read_incidents(path)
    assert report.problems == [] and bad == set()
    assert len(gdf) == 3000
    assert gdf["sources"][0] == raw["sources"][0]
    assert gdf["assoc_actors"][0] == raw["assoc_actors"][0]
    assert str(gdf["fatalities"].dtype) == "Int64"

    if suffix == ".csv":
        return
    # The same store with planted problems, written by plain pandas and pyarrow.
    table, geometry = read_columns(path)
    for name in table.columns:
        if not pd.api.types.is_numeric_dtype(table[name]):
            table[name] = table[name].astype(object).where(table[name].notna(), None)
    table.at[5, "date_start"] = "2017-02-30"
    table.at[6, "event_type"] = "Protest"
    table.at[7, "id"] = None
    table.at[8, "sources"] = '[{"name": ""}]'
    table.at[9, "sources"] = "not json"
    table.at[10, "tags"] = ["ok", None] if suffix == ".parquet" else '["ok", 1]'
    bad_store = gpd.GeoDataFrame(table, geometry=geometry, crs=schema.CRS)
    bad_path = tmp_path / f"bad{suffix}"
    if suffix == ".parquet":
        bad_store.to_parquet(bad_path)
    else:
        bad_store.to_file(bad_path, driver="GPKG", engine="pyogrio")
    assert_same_read(bad_path, suffix[1:], {5, 6, 7, 8, 9, 10})


def assert_same_read(path, fmt: str, bad_rows: set[int]) -> None:
    gdf, report, bad = read_incidents(path)
    raw, geometry = read_columns(path)
    slow_report = ValidationReport(source=str(path), count=len(raw))
    slow_gdf, slow_bad = rowwise_check(raw, geometry, slow_report, json_text=schema.LIST_FIELDS)
    assert_same((gdf, bad, report), (slow_gdf, slow_bad, slow_report))
    assert bad == bad_rows


def test_typed_parquet_columns(tmp_path):
    """A table store may carry any dtype: pandas ints, float NaN, strings, categories."""
    raw, geoms = make_store(2000)
    frame = gpd.GeoDataFrame(raw.drop(columns=["sources", "assoc_actors", "tags"]), geometry=geoms)
    frame = frame.set_crs(schema.CRS)
    frame["fatalities"] = frame["fatalities"].astype(float)  # NaN where not reported
    frame.loc[3, "fatalities"] = 7.0
    frame.loc[4, "fatalities"] = -1.0
    frame.loc[5, "fatalities"] = 1.5
    frame["geo_precision"] = frame["geo_precision"].astype(np.int64)
    frame.loc[6, "geo_precision"] = 9
    frame["title"] = frame["title"].astype("str")
    frame["country"] = frame["country"].astype("category")
    frame["iso3"] = frame["iso3"].astype(pd.StringDtype("python"))
    frame.loc[7, "iso3"] = "xx"
    frame["tags"] = [["a", "b"] if i % 2 else [] for i in range(len(frame))]
    frame["sources"] = [json.dumps([{"name": "X"}])] * len(frame)
    frame.loc[8, "sources"] = "[1, 2]"
    frame["flag"] = True
    path = tmp_path / "typed.parquet"
    frame.to_parquet(path)

    assert_same_read(path, "parquet", {4, 5, 6, 7, 8})
    gdf, report, _ = read_incidents(path)
    assert gdf["fatalities"][3] == 7 and gdf["fatalities"][0] is pd.NA
    assert str(gdf["fatalities"].dtype) == "Int64" and str(gdf["geo_precision"].dtype) == "Int64"
    assert gdf["title"].dtype == object and isinstance(gdf["title"][0], str)
    assert gdf["country"][0] in {p[0] for p in PLACES}
    assert gdf["tags"][1] == ["a", "b"] and gdf["tags"][0] == []
    assert gdf["sources"][0] == [{"name": "X"}]
    assert gdf["sources"][0] is not gdf["sources"][1]
    messages = [p.message for p in report.problems]
    assert 'property "flag" is not part of the incident schema (ignored)' in messages
    assert "fatalities -1.0 is not in range (>= 0)" in messages
    assert "fatalities 1.5 is not a whole number (>= 0)" in messages
    assert "geo_precision 9 is not in range (1..3)" in messages
    assert "a source must be an object, found 1" in messages


def test_typed_frames_in_memory():
    """validate_frame and check_frame take typed columns (string, Int64, arrow) as they are."""
    raw, geoms = planted_store(2000)
    variants = {
        "str": lambda c: c.astype("str") if _texts(c) else c,
        "arrow": lambda c: (
            pd.Series(
                pa.array(c.tolist(), pa.large_string()), dtype=pd.ArrowDtype(pa.large_string())
            )
            if _texts(c)
            else c
        ),
        "Int64": lambda c: c.astype("Int64") if _ints(c) else c,
        "float": lambda c: (
            pd.to_numeric(c.where(c.notna(), np.nan)).astype(float) if _ints(c) else c
        ),
    }
    for convert in variants.values():
        frame = raw.apply(convert)
        assert_same(run(frame, geoms), oracle(frame, geoms))


def _texts(column: pd.Series) -> bool:
    return all(v is None or type(v) is str for v in column)


def _ints(column: pd.Series) -> bool:
    return all(v is None or type(v) is int for v in column)


def test_json_text_lists_decode_like_json_loads():
    """Table stores keep lists as JSON text: odd texts decode (or not) one by one, as always."""
    raw, geoms = make_store(400)
    odd = [
        '[{"name": "A", "name": ""}]',
        '[{"n\\u0061me": "A"}]',
        '[{"name": "\\u00a0"}]',
        '[{"name": "\u0661"}]',
        '[{"name": "A", "url": "HTTPS://X"}]',
        '[{"name": "A", "published": "2000-02-29"}]',
        '[{"name": "A", "published": "1900-02-29"}]',
        '[{"name": "A", "quote": null}]',
        '[{"name": "A"}] x',
        '["a"], ["b"]',
        "[NaN]",
        "",
        "5",
        '{"name": "A"}',
        '[{"name": "A\x01"}]',
        '[{"name":"A"},{"name":"B","document":"d.pdf"}]',
    ]
    raw["sources"] = [
        odd[i % len(odd)] if i % 3 == 0 else json.dumps(v) for i, v in enumerate(raw["sources"])
    ]
    raw["tags"] = [json.dumps(v) if i % 2 else '["x", 1]' for i, v in enumerate(raw["tags"])]
    kwargs = {"json_text": schema.LIST_FIELDS}
    assert_same(run(raw, geoms, **kwargs), oracle(raw, geoms, **kwargs))


def test_batched_json_decoding_is_sound():
    """Texts decoded together must each be one JSON value on its own."""
    texts = ['["a"]', '["a"], ["b"]', '["x', 'y"]', "[]", ' [ "c" ] ', '["\\u00e9", "d"]', "[1]"]
    assert jsontext.decode_json(texts) == [_loads(t) for t in texts]
    pattern = re.compile(r"[ \t\n\r]*\[.*\][ \t\n\r]*", re.S)
    matched = jsontext.matches(texts, jsontext.JSON_LIST)
    for text, ok in zip(texts, matched, strict=True):
        if ok:
            assert pattern.fullmatch(text) and isinstance(json.loads(text), list)


def _loads(text: str):
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return text


def test_date_pattern_is_exactly_a_date_that_exists():
    years = ["0000", "0001", "0004", "0100", "0400", "1900", "2000", "2023", "2024", "2100", "9999"]
    texts = [f"{y}-{m:02d}-{d:02d}" for y in years for m in range(0, 14) for d in range(0, 33)] + [
        "2017-1-01",
        "17-01-01",
        "2017-01-01 ",
        "٢٠١٧-١٠-١٦",
    ]
    found = jsontext.matches(texts, f"^{jsontext.DATE}$")
    assert found.tolist() == [rules.date_ok(t) for t in texts]


def test_whitespace_and_visible_characters():
    """The blank test and the name pattern rely on Python's own idea of whitespace."""
    every = [chr(c) for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF]
    assert set(text_view.WHITESPACE) == {c for c in every if c.isspace()}
    visible = pc.match_substring_regex(pa.array(every), f"^{jsontext.VISIBLE}$")
    shown = [c for c, ok in zip(every, visible.to_pylist(), strict=True) if ok]
    assert shown and not any(c.isspace() or c in '"\\' for c in shown)


def test_published_date_problems_name_their_own_feature():
    raw, geoms = make_store(10)
    raw.at[7, "sources"] = [{"name": "A", "published": "2019-02-29"}]
    _, bad, report = run(raw, geoms)
    (problem,) = report.errors
    assert (problem.index, problem.feature_id, problem.field) == (7, "ev7", "sources[0].published")
    assert bad == {7}


def test_validate_a_path(tmp_path):
    raw, geoms = make_store(50)
    gdf = gpd.GeoDataFrame(raw, geometry=geoms, crs=schema.CRS)
    path = write_incidents(gdf, tmp_path / "store.parquet")
    report = geoevents.validate(path)
    assert report.ok and report.count == 50


def test_check_frame_with_feature_ids_and_no_id_column():
    raw, geoms = make_store(20)
    raw = raw.drop(columns=["id"])
    ids = [f"f{i}" if i % 3 else None for i in range(20)]
    report = ValidationReport()
    gdf, bad = check_frame(raw.copy(), geoms, report, ids=ids, today=TODAY)
    slow = oracle(raw, geoms, ids=ids)
    assert_same((gdf, bad, report), slow)
    assert [p.feature_id for p in report.errors] == [None] * 7


KIRKUK = Rule("error", lambda: ("title names Kirkuk", ""))


def test_the_oracle_catches_a_rule_the_screens_do_not_know(monkeypatch):
    """A rule that finds more than its screen lets through: the oracle sees the difference."""
    raw, geoms = make_store(200)
    string = RowRules.string

    def stricter(self, i, name, required, value):
        if name == "title" and isinstance(value, str) and "Kirkuk" in value:
            self.add(i, KIRKUK, name)
            return None
        return string(self, i, name, required, value)

    monkeypatch.setattr(RowRules, "string", stricter)
    fast, slow = run(raw, geoms), oracle(raw, geoms)
    assert fast[2].problems == [] and slow[2].errors
    with pytest.raises(AssertionError):
        assert_same(fast, slow)


def test_the_oracle_catches_a_screen_that_lets_a_bad_row_through(monkeypatch):
    """A screen that clears a row its rule would report: the oracle sees the difference."""
    raw, geoms = planted_store(200)
    assert_same(run(raw, geoms), oracle(raw, geoms))
    monkeypatch.setattr(fields, "date_ok", lambda value: True)
    fast, slow = run(raw, geoms), oracle(raw, geoms)
    missed = {11, 12} - {p.index for p in fast[2].errors if p.field == "date_start"}
    assert missed == {11, 12}
    with pytest.raises(AssertionError):
        assert_same(fast, slow)


# -- dirty data: most rows flagged by one rule at a time ----------------------------------------

DIRTY_N = 3000


def _dirty_values(rule: str, rng: np.random.Generator, n: int) -> dict[str, list]:
    """Column -> values for ``n`` rows, most of them drawing a problem of ``rule``."""
    pick = rng.integers(0, 1 << 30, n)

    def cycle(options: list) -> list:
        return [options[k % len(options)] for k in pick.tolist()]

    if rule == "strings":
        return {
            "title": cycle([42, None, "", "  ", 4.5, ["x"], "fine", float("nan"), True]),
            "summary": cycle([7, "", None, "ok", {"a": 1}]),
            "id": [f"d{i}" if k % 5 else k for i, k in enumerate(pick.tolist())],
        }
    if rule == "dates":
        bad = ["2021-02-30", "16/10/2017", "1.2.2019", "2017-13-01", "2017", "", "2019-02-29"]
        return {
            "date_start": cycle([*bad, "2018-05-05", 20170101]),
            "date_end": cycle([*bad, None, "2030-01-01"]),
        }
    if rule == "choices":
        return {
            "event_type": cycle(["Battle", "battles", "Riot", "Protests", "Explosion", "x"]),
            "date_precision": cycle(["fortnight", "Day", "week", None, "years"]),
            "confidence": cycle(["sure", "probably", "possible", None]),
        }
    if rule == "integers":
        values = [
            7,
            -2,
            2.5,
            4.0,
            "3",
            True,
            np.int64(9),
            np.float32(1.5),
            float("nan"),
            None,
            2,
            float("inf"),
            -0.0,
            np.uint8(2),
            pd.NA,
            [1],
        ]
        # Whole numbers beyond 64 bits: out of range, or (a count) too large to store.
        huge = [-(10**30), -1e20, 10**30, 2**63, 2**63 - 1, 1e308, 9.2e18, np.uint64(2**63)]
        return {
            "fatalities": cycle([*values, *huge]),
            "geo_precision": cycle([*values, *huge]),
        }
    if rule == "unicode":
        # Lone surrogates (not Unicode text) and line breaks or control characters where one
        # line is expected, in text fields, list items and source members.
        return {
            "title": cycle(
                ["a\ud800b", "two\nlines", "tab\there", "ok", "\udc00", "nul\x00", "\u2028"]
            ),
            "id": [f"u{i}" if k % 4 else f"u{i}\x85" for i, k in enumerate(pick.tolist())],
            "summary": cycle(["fine\nmultiline", "\ud83d", "ok"]),
            "event_type": cycle(["\ud800", "Battles", "Protests"]),
            "date_start": cycle(["2019-01-0\ud800", "2019-01-01"]),
            "tags": cycle([["ok", "\udfff"], ["fine"], ["\ud800"], []]),
            "sources": cycle(
                [
                    [{"name": "\ud800"}],
                    [{"name": "A", "quote": "x\udc00"}],
                    [{"name": "A", "\ud800": "k"}],
                    [{"name": "A"}],
                ]
            ),
        }
    if rule == "coding":
        # Precisions that do not fit their interval, Other without a reason, double counts.
        types = list(schema.EVENT_TYPES)
        return {
            "date_start": cycle(["2019-05-01", "2019-01-01", "2019-05-03", "2020-02-01"]),
            "date_end": cycle(["2019-05-31", "2019-12-31", "2019-05-20", None, "2020-02-29"]),
            "date_precision": cycle(["day", "week", "month", "year", None]),
            "event_type": cycle([*types, "Strategic developments"]),
            "sub_event_type": cycle(["Other", None]),
            "tags": cycle([[], ["reason:ceasefire"], ["reason: "], ["other"]]),
            "location": cycle(["Kirkuk", "Mosul", None]),
            "actor1": cycle(["A", "B"]),
            "actor2": cycle(["B", "A", None]),
        }
    if rule == "lists":
        values = [
            ["ok", 3],
            "not a list",
            ("a", "b"),
            np.array(["x", "y"]),
            float("nan"),
            [None],
            ["fine"],
            5,
            [np.str_("s")],
            [],
            {"a": 1},
        ]
        return {"tags": cycle(values), "assoc_actors": cycle(values)}
    if rule == "sources":
        return {
            "sources": cycle(
                [
                    [{"name": "A", "via": "wire"}],
                    [{"name": "A", "url": "ftp://x"}, {"url": "https://y"}],
                    [{"name": "A", "published": "2019-13-01", "zz": "1", "aa": "2"}],
                    [{"name": " "}],
                    "Rudaw",
                    [5, {"name": "B", "quote": None}],
                    [{"name": "A", "url": 3}],
                    [{"name": "A", "published": "1/2/2019"}],
                    [{"name": "ok"}],
                    None,
                ]
            )
        }
    if rule == "across":
        types = list(schema.EVENT_TYPES)
        return {
            "date_start": cycle(["2019-05-05", "2018-01-01"]),
            "date_end": cycle(["2019-01-01", "2019-05-05", None, "2017-12-31"]),
            "event_type": cycle(types),
            "sub_event_type": cycle(["Mob violence", "Armed clash", "Peaceful protest", None]),
            "iso3": cycle(["iq", "IRQ", "SYRIA", "Xx1", None]),
            "id": [f"d{k % 200}" for k in pick.tolist()],
        }
    raise ValueError(rule)


def dirty_store(rule: str, n: int = DIRTY_N, seed: int = 3) -> tuple[pd.DataFrame, list]:
    """``n`` incidents where most rows are flagged by ``rule`` (seeded)."""
    raw, geoms = make_store(n, seed)
    rng = np.random.default_rng(seed)
    if rule == "geometry":
        options = [
            None,
            shapely.Point(),
            shapely.Polygon([(0, 0), (1, 1), (1, 0), (0, 1)]),
            shapely.LineString(),
            float("nan"),
            shapely.Point(44.0, 35.0),
        ]
        geoms = [options[k % len(options)] for k in rng.integers(0, 1 << 30, n).tolist()]
        return raw, geoms
    if rule == "place":
        return raw, dirty_places(raw, rng)
    for name, values in _dirty_values(rule, rng, n).items():
        raw[name] = pd.Series(values, dtype=object)
    if rule == "coding":  # a few shared points, so that some records repeat a place
        spots = [shapely.Point(44.39, 35.47), shapely.Point(44.4, 35.5), None]
        geoms = [spots[k % 3] if k % 4 else g for k, g in zip(range(n), geoms, strict=True)]
    return raw, geoms


def dirty_places(raw: pd.DataFrame, rng: np.random.Generator) -> list:
    """Points mostly outside the country they name: spread over a region, in the sea, at 0,0,
    with latitude and longitude swapped; some named countries unknown or absent."""
    n = len(raw)
    lon, lat = rng.uniform(-30, 70, n), rng.uniform(-20, 50, n)
    kind = rng.integers(0, 10, n)
    place = np.array([(p[4], p[5]) for p in PLACES])[rng.integers(0, len(PLACES), n)]
    lon[kind == 0], lat[kind == 0] = 0.0, 0.0
    lon[kind == 1], lat[kind == 1] = place[kind == 1, 1], place[kind == 1, 0]  # swapped
    lon[kind == 2], lat[kind == 2] = -30.0, rng.uniform(-20, 20, int((kind == 2).sum()))  # sea
    raw.loc[kind == 3, ["country", "iso3"]] = None
    raw.loc[kind == 4, "iso3"] = "ZZZ"
    raw.loc[kind == 4, "country"] = "Atlantis"
    raw.loc[kind == 5, "iso3"] = None  # named by country alone
    geoms = list(shapely.points(lon, lat))
    geoms[1] = shapely.LineString([(0, 0), (60, 30)])
    geoms[2] = shapely.Polygon([(10, 10), (12, 10), (12, 12)])
    return geoms


DIRTY_RULES = [
    "unicode",
    "coding",
    "strings",
    "dates",
    "choices",
    "integers",
    "lists",
    "sources",
    "across",
    "geometry",
    "place",
]


@pytest.mark.parametrize("rule", DIRTY_RULES)
def test_dirty_data_matches_the_per_row_rules(rule):
    raw, geoms = dirty_store(rule)
    fast, slow = run(raw, geoms), oracle(raw, geoms)
    assert_same(fast, slow)
    assert len(fast[2].problems) > DIRTY_N / 2, len(fast[2].problems)


def test_swap_hints_built_a_slice_of_points_at_a_time_match(monkeypatch):
    """The swapped points' distance test, a few points at a time, hints as the rule does."""
    from geoevents.validation import plausibility

    monkeypatch.setattr(plausibility, "_POINTS_AT_ONCE", 3)
    raw, geoms = dirty_store("place")
    fast = run(raw, geoms)
    assert_same(fast, oracle(raw, geoms))
    messages = [p.message for p in fast[2].warnings]
    assert sum("with lat and lon swapped it would be inside" in m for m in messages) > 3


def test_dirty_places_give_every_kind_of_warning():
    raw, geoms = dirty_store("place")
    _, _, report = run(raw, geoms)
    messages = [p.message for p in report.warnings]
    assert any("at 0,0" in m for m in messages)
    assert any("(sea?)" in m for m in messages)
    assert any("with lat and lon swapped it would be inside" in m for m in messages)
    assert any("km outside Iraq" in m and "swapped" not in m for m in messages)


@pytest.mark.parametrize("rule", ["place", "across", "sources", "lists", "unicode", "coding"])
def test_dirty_json_text_and_stores_match(tmp_path, rule):
    """The same dirty values as a table store keeps them (JSON text lists, a GeoParquet)."""
    raw, geoms = dirty_store(rule, 1500)
    for name in schema.LIST_FIELDS:
        raw[name] = [v if isinstance(v, str) else _json_or_none(v) for v in raw[name]]
    kwargs = {"json_text": schema.LIST_FIELDS}
    assert_same(run(raw, geoms, **kwargs), oracle(raw, geoms, **kwargs))
    if rule in ("place", "across"):
        path = tmp_path / "dirty.parquet"
        frame = gpd.GeoDataFrame(raw, geometry=geoms, crs=schema.CRS)
        frame["fatalities"] = frame["fatalities"].astype("Int64")
        frame["geo_precision"] = frame["geo_precision"].astype("Int64")
        frame.to_parquet(path)
        gdf, report, bad = read_incidents(path)
        raw_back, geometry = read_columns(path)
        slow = ValidationReport(source=str(path), count=len(raw_back))
        slow_gdf, slow_bad = rowwise_check(raw_back, geometry, slow, json_text=schema.LIST_FIELDS)
        assert_same((gdf, bad, report), (slow_gdf, slow_bad, slow))
        assert len(report.problems) > 700


def _json_or_none(value):
    try:
        return json.dumps(value)
    except (TypeError, ValueError):
        return None


@pytest.mark.parametrize("path", sorted(CASES.rglob("*.*json")), ids=lambda p: p.name)
def test_corpus_matches_the_per_row_rules(path, monkeypatch):
    """Every corpus file: what the reader hands check_frame, checked both ways."""
    import geoevents.io.geojson as geojson_mod

    compared = []

    def both(raw, geometry, report, **kwargs):
        kwargs.pop("consume", None)
        slow = ValidationReport(source=report.source)
        slow_gdf, slow_bad = rowwise_check(raw.copy(), list(geometry), slow, **kwargs)
        gdf, bad = check_frame(raw, geometry, report, **kwargs)
        assert_same((gdf, bad, report), (slow_gdf, slow_bad, slow))
        compared.append(len(report.problems))
        return gdf, bad

    monkeypatch.setattr(geojson_mod, "check_frame", both)
    with contextlib.suppress(geoevents.errors.InputError):
        read_incidents(path)
    assert len(compared) <= 1


# -- the report holds problems compactly ---------------------------------------------------------


def _far_store(n: int) -> tuple[pd.DataFrame, np.ndarray]:
    """``n`` good incidents in Iraq, all placed in Europe (one warning each)."""
    raw = pd.DataFrame(
        {
            "id": [f"e{i}" for i in range(n)],
            "title": ["far away"] * n,
            "date_start": ["2020-01-01"] * n,
            "event_type": ["Battles"] * n,
            "country": ["Iraq"] * n,
            "iso3": ["IRQ"] * n,
        },
        dtype=object,
    )
    return raw, shapely.points(np.linspace(2, 20, n), np.full(n, 48.0))


def test_a_report_of_many_warnings_writes_none_until_read(monkeypatch):
    import tracemalloc

    written = []
    problem = Rule.problem
    monkeypatch.setattr(Rule, "problem", lambda self, *a: written.append(1) or problem(self, *a))
    n = 200_000
    raw, geoms = _far_store(n)
    report = ValidationReport(source="far", count=n)
    tracemalloc.start()
    check_frame(raw, geoms, report, today=TODAY)
    held = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    assert written == []
    assert len(report.warnings) == len(report.problems) == n and len(report.errors) == 0
    assert report.ok and bool(report.warnings)
    assert report.summary() == f"far: 0 errors, {n:,} warnings in {n:,} features"
    assert written == []
    # What stays after the run is the report (the table is dropped): arrays, ~13 MB here;
    # 200,000 written Problem objects with their texts would take several times that.
    assert held < 40_000_000
    head = report.head(20)
    assert len(written) == 20 and len(head) == 20
    assert head[0].startswith(
        'far: feature 0 (id "e0"): geometry: warning: point (2.0000, 48.0000)'
    )
    assert "km outside IRQ" in head[0]
    assert report.warnings[:3] == [report.warnings[0], report.warnings[1], report.warnings[2]]
    assert report.warnings[-1].index == n - 1
    shown = report.warnings.formatted("far")[:5]
    assert len(shown) == 5 and shown[0] == head[0]


def test_head_and_lines_keep_the_order_of_the_problems():
    raw, geoms = planted_store(300)
    _, _, report = run(raw, geoms)
    report.add("error", "file-level", "fix it")
    lines = report.lines()
    assert lines[0] == "store: file-level; fix it"
    assert report.head(7) == lines[:7]
    by_feature = sorted(report.problems, key=lambda p: -1 if p.index is None else p.index)
    assert lines == [p.format("store") for p in by_feature]
    assert report.problems[-1].message == "file-level"
    assert list(report.errors) == [p for p in report.problems if p.severity == "error"]
    copy = ValidationReport(source="store", problems=list(report.problems), count=3)
    assert copy.problems == report.problems and copy.lines() == lines
    assert copy.summary().endswith("in 3 features")


def test_discard_drops_only_the_rule_at_the_rows():
    raw, geoms = planted_store(300)
    _, _, report = run(raw, geoms)
    before = list(report.problems)
    report.discard(rules.NO_GEOMETRY, {40, 41, 42})
    after = list(report.problems)
    gone = [p for p in before if p not in after]
    assert [(p.index, p.message) for p in gone] == [(40, "the incident has no geometry")]
    assert len(report.errors) == len(before) - 1 - len(report.warnings)


def test_typed_counts_beyond_64_bits_are_errors():
    """uint64 and float64 columns (as table stores hold them) with counts no Int64 holds."""
    raw, geoms = make_store(8)
    for column in (
        pd.Series([2**63, 2**64 - 1, 3, 0, 1, 2, 5, 9], dtype="uint64"),
        pd.Series([1e308, 2.0**63, 3.0, None, 0.0, 1.0, 2.0, float("inf")], dtype="float64"),
        pd.Series([2**63, 1, None, 2, 3, 4, 5, 6], dtype=pd.ArrowDtype(pa.uint64())),
    ):
        raw["fatalities"] = column
        fast = run(raw, geoms)
        assert_same(fast, oracle(raw, geoms))
        messages = [p.message for p in fast[2].errors]
        assert sum("is not a count of deaths" in m for m in messages) >= 1
        assert fast[1] == {p.index for p in fast[2].errors}


def test_twenty_thousand_unknown_columns_take_linear_time():
    """Deleting columns one by one was quadratic (238 s at 10,000 columns)."""
    import time

    raw, geoms = make_store(1)
    extra = pd.DataFrame({f"x{i}": ["1"] for i in range(20_000)}, dtype=object)
    wide = pd.concat([raw, extra], axis=1)
    report = ValidationReport()
    started = time.perf_counter()
    check_frame(wide, geoms, report, today=TODAY, consume=True)
    assert time.perf_counter() - started < 5
    assert len(report.warnings) == 20_000 and report.ok
    assert len(report.summarised(5)) == 6


def test_a_store_of_copies_names_its_double_counts_only_when_shown(monkeypatch):
    # Every record but the first of each pair repeats it: 100,000 double counts, each naming
    # its first record. The names are made for the messages shown, not for every warning.
    named = []
    name = rules.Names.__call__
    monkeypatch.setattr(rules.Names, "__call__", lambda self, i: named.append(i) or name(self, i))
    n = 200_000
    raw = pd.DataFrame(
        {
            "id": [f"c{i}" for i in range(n)],
            "title": ["copy"] * n,
            "date_start": ["2020-01-01"] * n,
            "date_precision": ["day"] * n,
            "event_type": ["Battles"] * n,
            "actor1": [f"actor {i // 2}" for i in range(n)],
            "country": ["Iraq"] * n,
            "iso3": ["IRQ"] * n,
        },
        dtype=object,
    )
    geoms = shapely.points(np.full(n, 44.0), np.full(n, 33.0))
    report = ValidationReport(source="copies", count=n)
    check_frame(raw, geoms, report, today=TODAY)
    assert len(report.warnings) == n // 2 and report.ok
    assert len(named) < 100
    head = report.head(3)
    assert 'likely the same event as feature 0 (id "c0")' in head[0]
    assert 'likely the same event as feature 2 (id "c2")' in head[1]
    assert len(named) < 200


def test_double_counts_are_worked_out_beside_the_plausibility_checks(monkeypatch):
    # The double counts are found in a thread while the plausibility checks run (numpy,
    # arrow and GEOS let go of the GIL), and reported after them, as the rules order them.
    import threading

    import geoevents.validation.frame as frame

    ran: list[bool] = []
    found = frame.double_counts

    def spy(gdf, numbered=None):
        ran.append(threading.current_thread() is threading.main_thread())
        return found(gdf, numbered)

    monkeypatch.setattr(frame, "double_counts", spy)
    n = 1_000
    raw = pd.DataFrame(
        {
            "id": [f"c{i}" for i in range(n)],
            "date_start": ["2020-01-01"] * n,
            "event_type": ["Battles"] * n,
            "actor1": [f"actor {i // 2}" for i in range(n)],
            "country": ["Iraq"] * n,
            "iso3": ["IRQ"] * n,
        },
        dtype=object,
    )
    # Half at 0,0 (a plausibility warning each), all in pairs of copies.
    geoms = shapely.points(np.where(np.arange(n) % 4 < 2, 0.0, 44.0), np.full(n, 0.0))
    report = ValidationReport(source="copies", count=n)
    check_frame(raw, geoms, report, today=TODAY)
    assert ran == [False]
    shown = [p.message for p in report.warnings]
    doubles = [k for k, text in enumerate(shown) if "likely the same event" in text]
    assert len(doubles) == n // 2 < len(shown)
    assert doubles == list(range(len(shown) - len(doubles), len(shown)))  # reported last


@pytest.mark.parametrize("mix", ["spread", "all in one key"])
def test_points_double_counts_are_found_by_one_key_and_any_collision_undone(monkeypatch, mix):
    # A store of points is numbered by one 64-bit key of x, y and the event; a collision
    # (forced here: every multiplier 0, so every row has one key) is caught and the
    # geometries numbered as before. Points equal as WKB only: -0.0 is not 0.0.
    from geoevents.validation import duplicates

    if mix != "spread":
        monkeypatch.setattr(duplicates, "_MIX", tuple(np.uint64(0) for _ in range(3)))
    n = 400
    raw = pd.DataFrame(
        {
            "id": [f"c{i}" for i in range(n)],
            "date_start": ["2020-01-01"] * n,
            "event_type": ["Battles" if i % 8 else "Riots" for i in range(n)],
            "actor1": [f"actor {i % 5}" for i in range(n)],
            "country": ["Iraq"] * n,
            "iso3": ["IRQ"] * n,
        },
        dtype=object,
    )
    xs = np.array([[44.0, 44.5, -0.0, 0.0][i % 4] for i in range(n)])
    geoms = shapely.points(xs, np.full(n, 33.0))
    report = ValidationReport(source="copies", count=n)
    check_frame(raw, geoms, report, today=TODAY)
    got = [p.message for p in report.warnings if "likely the same event" in p.message]
    oracle = ValidationReport(source="copies", count=n)
    rowwise_check(raw, list(geoms), oracle, today=TODAY)
    assert got == [p.message for p in oracle.warnings if "likely the same event" in p.message]
    keys = {(xs[i].tobytes(), raw["event_type"][i], i % 5) for i in range(n)}
    assert len(got) == n - len(keys) > 0


@pytest.mark.parametrize("spread", [3, 2**40, 2**61])
def test_combined_numbers_part_rows_as_their_tuples_do(spread):
    # The double counts' keys: combined numbers are equal exactly when every column's are,
    # also for a column not numbered from 0 (an uncompacted combination, up to 2**62).
    from geoevents.validation.duplicates import _combine

    rng = np.random.default_rng(11)
    n = 2_000
    columns = [rng.integers(-1, 40, n), rng.integers(0, spread, n) // 3, rng.integers(-1, 5, n)]
    columns[1][::7] = columns[1][0]  # repeats of a large number
    tuples = pd.factorize(pd.Series(list(zip(*columns, strict=True))))[0]
    for compact in (True, False):
        got = _combine(columns, compact=compact)
        assert (got >= 0).all()
        assert pd.factorize(got)[0].tolist() == tuples.tolist()
        if compact:
            assert got.max() < n
    loose = _combine(columns[:2], compact=False)
    assert (
        pd.factorize(_combine([columns[2], loose]))[0].tolist()
        == pd.factorize(pd.Series(list(zip(columns[2], *columns[:2], strict=True))))[0].tolist()
    )
