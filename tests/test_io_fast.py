"""The fast GeoJSON read path gives exactly what the strict, one-by-one path gives.

Reading a store has a fast path (jiter instead of ``json`` with hooks; plain Point features
checked and built all at once) and the strict path it falls back to. Each test reads the same
bytes both ways, the strict way being forced by switching the fast parts off, and compares the
table, every problem (wording, feature index, order) and the bad rows.
"""

from __future__ import annotations

import contextlib
import copy
import json

import numpy as np
import pytest
import shapely
from helpers import CASES, SMALL, require_shared, shared_params

import geoevents.io.geojson as geojson_mod
import geoevents.io.strictjson as strictjson
import geoevents.rfc7946 as rfc7946
from geoevents.errors import InputError
from geoevents.io.geojson import read_geojson
from geoevents.io.strictjson import parse_json
from geoevents.rfc7946 import PlainPoints, check_geojson, plain_points

N = 7500


def _none_plain(features):
    n = len(features)
    return PlainPoints(np.zeros(n, dtype=bool), np.empty(0, dtype=np.intp), np.empty((0, 2)))


@contextlib.contextmanager
def forced_strict():
    """Switch the fast parts off: jiter, and the all-at-once handling of plain Points."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(strictjson, "_fast_parse", lambda data: strictjson._UNSURE)
        patch.setattr(rfc7946, "plain_points", _none_plain)
        patch.setattr(geojson_mod, "plain_points", _none_plain)
        yield


@pytest.fixture
def strict_calls(monkeypatch):
    """Record each run of the strict parser."""
    calls = []
    real = strictjson._strict_parse

    def spy(*args, **kwargs):
        calls.append(args[1])
        return real(*args, **kwargs)

    monkeypatch.setattr(strictjson, "_strict_parse", spy)
    return calls


def big_doc(n: int = N) -> dict:
    """n incidents made from the small fixture, each with its own id and place."""
    base = json.loads(SMALL.read_text(encoding="utf-8"))["features"]
    rng = np.random.default_rng(7)
    features = []
    for i in range(n):
        feat = copy.deepcopy(base[i % len(base)])
        feat["properties"]["id"] = f"gen-{i}"
        lon, lat = feat["geometry"]["coordinates"][:2]
        feat["geometry"]["coordinates"] = [
            round(lon + rng.uniform(-0.01, 0.01), 5),
            round(lat + rng.uniform(-0.01, 0.01), 5),
        ]
        features.append(feat)
    return {"type": "FeatureCollection", "features": features}


def dump(doc: dict) -> str:
    """Compact JSON, one feature per line (as large stores are usually written)."""
    feats = ",\n".join(
        json.dumps(f, ensure_ascii=False, separators=(",", ":")) for f in doc["features"]
    )
    return '{"type":"FeatureCollection","features":[\n' + feats + "\n]}\n"


def outcome(data: bytes, incidents: bool = True):
    """Everything read_geojson gives, in comparable form (or the error it raises)."""
    try:
        gdf, report, bad = read_geojson(data, "store.geojson", incidents=incidents)
    except InputError as exc:
        return ("error", str(exc))
    table = None
    if gdf is not None:
        plain = gdf.drop(columns=gdf.geometry.name)
        table = (
            list(gdf.columns),
            [str(t) for t in gdf.dtypes],
            plain.to_dict(orient="list"),
            # equality alone would take 3 for 3.0
            [[type(v).__name__ for v in plain[c]] for c in plain.columns],
            list(shapely.to_wkb(np.asarray(gdf.geometry.values, dtype=object))),
        )
    return (
        "ok",
        table,
        report.problems,
        [p.format("store.geojson") for p in report.problems],
        report.count,
        sorted(bad),
    )


def both_ways(data: bytes, incidents: bool = True):
    fast = outcome(data, incidents)
    with forced_strict():
        slow = outcome(data, incidents)
    assert fast == slow
    return fast


@pytest.fixture(scope="module")
def doc():
    return big_doc()


def test_plain_store_takes_the_fast_path_and_matches(doc, strict_calls):
    data = dump(doc).encode()
    result = both_ways(data)
    assert len(strict_calls) == 1  # only the forced run
    assert result[0] == "ok" and result[4] == N and result[5] == []
    assert plain_points(doc["features"]).mask.all()


def test_duplicate_member_in_feature_5000_falls_back(doc, strict_calls):
    text = dump(doc)
    lines = text.split("\n")
    lines[5001] = lines[5001].replace('"title":', '"title":"first","title":', 1)
    data = "\n".join(lines).encode()
    result = both_ways(data)
    assert len(strict_calls) == 2  # the fast run fell back too
    problems = [p for p in result[2] if "appears more than once" in p.message]
    assert [(p.severity, p.field) for p in problems] == [("error", "$.features[5000].properties")]
    assert 'member "title" appears more than once' in result[3][0]


def test_duplicate_member_is_a_warning_outside_incidents(doc):
    text = dump(doc).replace('"type":"Point"', '"type":"Point","type":"Point"', 1)
    result = both_ways(text.encode(), incidents=False)
    assert [p.severity for p in result[2] if "appears more" in p.message] == ["warning"]


@pytest.mark.parametrize(
    ("token", "where"),
    [
        ("NaN", "coordinates"),
        ("-Infinity", "property"),
        ("1e400", "property"),
        ("1.5E+0400", "coordinates"),
        ("9" * 400 + ".5", "property"),
    ],
)
def test_non_finite_number_in_feature_7000_is_refused_alike(doc, token, where):
    lines = dump(doc).split("\n")
    if where == "coordinates":
        lines[7001] = lines[7001].replace('"coordinates":[', f'"coordinates":[{token},', 1)
    else:
        lines[7001] = lines[7001].replace('"fatalities":', f'"fatalities":{token},"x":', 1)
    result = both_ways("\n".join(lines).encode())
    assert result[0] == "error"
    assert "line 7002:" in result[1] and "is not a finite JSON number" in result[1]


def test_exponents_that_stay_finite_take_the_fast_path(strict_calls):
    data = b'{"a":[1.5e-05,2E5,1e+300,-3e-400],"b":"text 1e400 inside a string"}'
    # "1e400" in a string makes the scan give up (safe); without it jiter is trusted
    assert parse_json(data, "x")[0]["a"] == [1.5e-05, 2e5, 1e300, -0.0]
    assert len(strict_calls) == 1
    assert parse_json(data.replace(b"1e400", b"word"), "x")[0]["a"][2] == 1e300
    assert len(strict_calls) == 1


def test_mixed_geometries_and_odd_features_match(doc):
    d = copy.deepcopy(doc)
    feats = d["features"]
    feats[3000]["geometry"] = {"type": "LineString", "coordinates": [[44.0, 35.0], [44.1, 35.1]]}
    feats[3001]["geometry"] = {
        "type": "Polygon",
        "coordinates": [[[44.0, 35.0], [44.1, 35.0], [44.1, 35.1], [44.0, 35.0]]],
    }
    feats[3002]["geometry"] = None
    feats[3003]["geometry"] = {"type": "Point", "coordinates": [44.0, 35.0, 120.0]}
    feats[3004]["geometry"] = {"type": "Point", "coordinates": [44.0, 35.0, 1, 2]}
    feats[3005]["geometry"] = {"type": "Point", "coordinates": [239.0, 35.9]}
    feats[3006]["geometry"] = {"type": "Point", "coordinates": ["44", 35.0]}
    feats[3007]["geometry"] = {"type": "Point", "coordinates": [True, 35.0]}
    feats[3008]["geometry"] = {"type": "Point", "coordinates": [10**30, 35.0]}
    feats[3009]["bbox"] = [1, 2, 3]
    feats[3010]["id"] = True
    feats[3011]["id"] = 17
    feats[3012]["properties"] = None
    del feats[3013]["properties"]
    feats[3014]["type"] = "feature"
    feats[3015]["geometry"] = {"coordinates": [44.0, 35.0], "type": "Point"}  # order is free
    feats[3016]["crs"] = {"type": "name"}
    feats[3017] = None
    feats[3018]["geometry"]["crs"] = {}
    feats[3019]["foo"] = "a foreign member"
    feats[3020].pop("properties")
    feats[3020]["foo"] = {}  # as many members as a plain feature, but not the right ones
    feats[3021]["geometry"] = {"type": "Point", "coordinates": [180, -90]}
    result = both_ways(dump(d).encode())
    assert result[0] == "ok"
    indices = {p.index for p in result[2] if p.kind in ("structure", "geometry")}
    assert {3004, 3005, 3006, 3007, 3008, 3009, 3010, 3013, 3014, 3016, 3017, 3018} <= indices
    plain = set(np.flatnonzero(plain_points(feats).mask[3000:3022]) + 3000)
    assert plain == {3003, 3011, 3012, 3015, 3021}


def test_geojson_only_mode_matches(doc):
    d = copy.deepcopy(doc)
    d["features"][10]["geometry"] = {
        "type": "Polygon",
        "coordinates": [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]],  # self-intersecting
    }
    d["features"][11]["properties"]["id"] = d["features"][12]["properties"]["id"]
    result = both_ways(dump(d).encode(), incidents=False)
    assert any("not a valid shape" in line for line in result[3])


@pytest.mark.parametrize(
    "data",
    [
        b"\xef\xbb\xbf" + SMALL.read_bytes(),  # a byte order mark
        SMALL.read_bytes().replace(b'"title": "', b'"title": "\\ud800', 1),  # lone surrogate
        SMALL.read_bytes().replace(b'"title": "', b'"title": "\xed\xa0\x80', 1),  # not UTF-8
        SMALL.read_bytes().replace(b'"title": "', b'"title": "\xff', 1),
        SMALL.read_bytes()[:-40],  # truncated
        SMALL.read_bytes().replace(b'"tags"', b'"deep": ' + b"[" * 300 + b"]" * 300 + b', "tags"'),
        b"",
        b" \n",
        b"null",
        b"[1, 2]",
        b'{"type": "FeatureCollection", "features": {}}',
        b'{"type": "FeatureCollection", "features": [], "crs": {}}',
        json.dumps(json.loads(SMALL.read_text("utf-8"))["features"][0]).encode(),
    ],
    ids=lambda d: repr(d[:20]),
)
def test_edge_files_match(data):
    both_ways(data)
    both_ways(data, incidents=False)


@pytest.mark.parametrize(
    "path", shared_params(CASES, lambda: sorted(CASES.rglob("*.*json"))), ids=lambda p: p.name
)
def test_corpus_matches(path):
    require_shared(CASES)
    data = path.read_bytes()
    both_ways(data)
    both_ways(data, incidents=False)


# -- the parser on its own ---------------------------------------------------------------------


def same(a, b) -> bool:
    """Equal values of the same types all the way down (3 is not 3.0, -0.0 is not 0.0)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, float):
        return repr(a) == repr(b)
    return a == b


def parse_both(data: bytes, duplicates: str = "warning"):
    def run():
        try:
            return parse_json(data, "f", duplicates=duplicates)
        except InputError as exc:
            return str(exc)

    fast = run()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(strictjson, "_fast_parse", lambda data: strictjson._UNSURE)
        slow = run()
    if isinstance(slow, str):
        assert fast == slow
    else:
        assert not isinstance(fast, str), fast
        assert same(fast[0], slow[0]) and fast[1] == slow[1]


@pytest.mark.parametrize(
    "data",
    [
        b'{"a": 1, "b": [1.0, -0.0, 1E5, 12345678901234567890123, 0.1, 5e-324], "c": null}',
        '{"t": "Kirkûk — 😀", "u": "\\u00e9\\ud83d\\ude00\\n\\"\\\\\\/"}'.encode(),
        b'{"a": 1, "a": 2}',
        b'{"a": {"b": {"c": 1, "c": 2}}, "a2": [{"x": 1, "x": 1}]}',
        b'{"\\u0061": 1, "a": 2}',
        b'{"a": "he said \\":\\" here", "b": 1}',
        b"[NaN]",
        b"[Infinity]",
        b"[1e400]",
        b"[-1e400]",
        b"1e400",
        b"[1.7976931348623157e308, 1.8e308]",
        b"[1e-400]",
        b"[" + b"1" * 400 + b"]",
        b"[" + b"1" * 400 + b".0]",
        b"[1,]",
        b"{} x",
        b"\x0c{}",
        b'["\x01"]',
        b'"\\ud800"',
        b"[01]",
        b"[1.]",
    ],
    ids=lambda d: repr(d[:24]),
)
def test_parser_matches(data):
    parse_both(data)
    parse_both(data, duplicates="error")


def test_parser_matches_under_random_mutation():
    rng = np.random.default_rng(42)
    seed = SMALL.read_bytes()[:1500] + b'"]}}]}'
    pieces = [b"\xff", b"\xed\xa0\x80", b'"', b"\\", b"\\u", b",", b":", b"}", b"]", b"1e400"]
    pieces += [b"NaN", b"-", b"0", b"e", b"E+", b" ", b"\x00", b'"a":1,"a":2,', b"1e-400"]
    for _ in range(400):
        data = bytearray(seed)
        for _ in range(int(rng.integers(1, 4))):
            pos = int(rng.integers(0, len(data)))
            data[pos:pos] = pieces[int(rng.integers(0, len(pieces)))]
        parse_both(bytes(data))


@pytest.mark.parametrize("offset", [-3, -2, -1, 0, 1, 2])
def test_scan_sees_numbers_across_chunk_boundaries(offset):
    chunk = strictjson._SCAN_CHUNK
    for token in (b"1e400", b"2" * 130):
        pad = b" " * (chunk + offset - 1)
        data = b"[" + pad + token + b"]"
        assert not strictjson._numbers_surely_finite(data)
    data = b"[" + b" " * (chunk + offset - 1) + b"1e40, 1e-400, 2" * 3 + b"]"
    assert strictjson._numbers_surely_finite(data)


def test_plain_points_picks_only_faultless_points():
    point = {"type": "Point", "coordinates": [44.0, 35.0]}
    features = [
        {"type": "Feature", "properties": {}, "geometry": point},
        {"type": "Feature", "id": "a", "properties": None, "geometry": point},
        {"type": "Feature", "properties": {}, "geometry": {"type": "Point", "coordinates": [1, 2]}},
        {"type": "Feature", "id": False, "properties": {}, "geometry": point},
        {"type": "Feature", "id": [1], "properties": {}, "geometry": point},
        {"type": "Feature", "properties": [], "geometry": point},
        {"type": "Feature", "properties": {}, "geometry": None},
        {"type": "Feature", "properties": {}, "bbox": None},
        {"type": "Feature", "foo": {}, "geometry": point},
        {"type": "Feature", "properties": {}, "geometry": {"type": "Point", "coordinates": [1]}},
        {
            "type": "Feature",
            "properties": {},
            "geometry": {"type": "Point", "coordinates": [1, 91]},
        },
        {"type": "feature", "properties": {}, "geometry": point},
        None,
    ]
    plain = plain_points(features)
    assert plain.index.tolist() == [0, 1, 2]
    assert plain.xy.tolist() == [[44.0, 35.0], [44.0, 35.0], [1.0, 2.0]]
    assert plain.mask.tolist() == [True] * 3 + [False] * (len(features) - 3)
    doc = {"type": "FeatureCollection", "features": features}
    assert check_geojson(doc) == check_geojson(doc, plain=_none_plain(features))
