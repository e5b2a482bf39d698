"""Property-based fuzzing of every reader and of ``add --from-json`` (issue 16, build 6).

The property, for every generated or mutated input: a clean rejection (a GeoeventsError) or a
usable result, never any other exception, within a time bound. ``add`` must moreover leave a
store that geoevents reads back.

Sized by a hypothesis profile chosen with ``HYPOTHESIS_PROFILE``: ``ci`` (the default, a few
seconds in ``make test``) or ``fuzz`` (``make fuzz``, minutes). Each test counts its cases,
rejections and acceptances; the module prints the totals when it ends (``pytest -s`` shows
them; docs/reliability.md records a run).
"""

from __future__ import annotations

import collections
import json
import os
import time
import warnings
from pathlib import Path

import pytest
from helpers import FIXTURES, SMALL

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

import geoevents  # noqa: E402
from geoevents.errors import GeoeventsError  # noqa: E402
from geoevents.ingest import import_file  # noqa: E402
from geoevents.io.geojson import read_geojson  # noqa: E402
from geoevents.io.strictjson import parse_json  # noqa: E402
from geoevents.rfc7946 import check_geojson  # noqa: E402

_COMMON: dict = {"deadline": None, "suppress_health_check": list(HealthCheck), "database": None}
settings.register_profile("ci", max_examples=10, derandomize=True, **_COMMON)
settings.register_profile("fuzz", max_examples=100_000, **_COMMON)
PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "ci")
#: How long one fuzz test runs under the fuzz profile (seconds), whatever max_examples says.
BUDGET = float(os.environ.get("GEOEVENTS_FUZZ_SECONDS", "25"))
#: No single input may take longer than this (seconds): no hang, however hostile.
TIME_BOUND = 10.0

TALLY: collections.Counter[str] = collections.Counter()
INGEST = FIXTURES / "ingest"


def explore(strategy, prop) -> None:
    """Check ``prop`` on examples of ``strategy`` under the active profile.

    ``ci`` runs its few examples once (derandomized: the same every run); ``fuzz`` runs rounds
    of fresh random examples until BUDGET seconds have passed.
    """

    def checked(value) -> None:
        prop(value)

    test = given(strategy)(checked)
    if PROFILE != "fuzz":
        settings(settings.get_profile(PROFILE))(test)()
        return
    stop = time.monotonic() + BUDGET
    round_ = 0
    while time.monotonic() < stop:
        hypothesis.seed(int(time.time() * 1000) + round_)(
            settings(settings.get_profile("fuzz"), max_examples=25)(given(strategy)(checked))
        )()
        round_ += 1


def judged(what: str, call):
    """Run ``call``: count a result as accepted, a GeoeventsError as rejected; time it."""
    started = time.monotonic()
    try:
        with warnings.catch_warnings():
            # A library's warning about a damaged file is not a crash (GDAL warns, then fails).
            warnings.simplefilter("ignore")
            result = call()
    except GeoeventsError:
        TALLY[f"{what}: rejected"] += 1
        result = None
    else:
        TALLY[f"{what}: accepted"] += 1
    elapsed = time.monotonic() - started
    assert elapsed < TIME_BOUND, f"{what}: one input took {elapsed:.1f} s"
    return result


@pytest.fixture(scope="module", autouse=True)
def _report_tally():
    yield
    if TALLY:
        cases = sum(TALLY.values())
        rejected = sum(v for k, v in TALLY.items() if k.endswith("rejected"))
        lines = [
            f"fuzz ({PROFILE}): {cases} cases, {rejected} rejected, {cases - rejected} accepted"
        ]
        lines += [f"  {k}: {v}" for k, v in sorted(TALLY.items())]
        print("\n" + "\n".join(lines))


# -- strategies -------------------------------------------------------------------------------

_NUMBERS = st.one_of(
    st.integers(-(2**70), 2**70),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from([0, -0.0, 180, -180, 90, -91, 200, 999, 1e308, 2**63]),
)
_TEXT = st.one_of(
    st.text(max_size=12),
    st.sampled_from(["", " ", "\n", "Battles", "2017-10-16", "IRQ", "day", "\u202e", "<b>"]),
)
_SCALARS = st.one_of(st.none(), st.booleans(), _NUMBERS, _TEXT)
_JSON = st.recursive(
    _SCALARS,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(_TEXT, inner, max_size=4)),
    max_leaves=20,
)
_POSITION = st.one_of(
    st.lists(_NUMBERS, min_size=2, max_size=2),
    st.lists(_NUMBERS, min_size=1, max_size=5),
    _JSON,
)
_GEOMETRY_TYPES = st.sampled_from(
    [
        "Point",
        "MultiPoint",
        "LineString",
        "MultiLineString",
        "Polygon",
        "MultiPolygon",
        "GeometryCollection",
        "point",
        "Blob",
    ]
)


@st.composite
def geometries(draw, depth=0):
    kind = draw(_GEOMETRY_TYPES)
    if kind == "GeometryCollection" and depth < 3:
        members = draw(st.lists(geometries(depth + 1), max_size=3))
        return {"type": kind, "geometries": members}
    nesting = {
        "Point": 0,
        "MultiPoint": 1,
        "LineString": 1,
        "MultiLineString": 2,
        "Polygon": 2,
        "MultiPolygon": 3,
    }.get(kind, draw(st.integers(0, 3)))
    coords = draw(_POSITION)
    for _ in range(nesting):
        coords = (
            draw(st.lists(st.just(coords), min_size=0, max_size=5))
            if draw(st.booleans())
            else [coords] * draw(st.integers(1, 5))
        )
    geom = {"type": kind, "coordinates": coords}
    if draw(st.booleans()) and kind == "Polygon" and coords and isinstance(coords[0], list):
        geom["coordinates"] = [[*coords[0], coords[0][0]]] if coords[0] else coords
    return geom


_FIELDS = st.sampled_from(
    [
        "id",
        "title",
        "date_start",
        "date_end",
        "date_precision",
        "event_type",
        "country",
        "iso3",
        "geo_precision",
        "fatalities",
        "sources",
        "tags",
        "assoc_actors",
        "confidence",
        "lon",
        "lat",
    ]
)
_BATTLE = {"title": "Clashes", "date_start": "2017-10-16", "event_type": "Battles"}


@st.composite
def properties(draw):
    props = dict(_BATTLE) if draw(st.booleans()) else {}
    for name in draw(st.lists(_FIELDS, max_size=4)):
        props[name] = draw(_JSON)
    return props


@st.composite
def features(draw):
    feat = {"type": "Feature", "properties": draw(properties()), "geometry": draw(geometries())}
    if draw(st.integers(0, 9)) == 0:
        feat["properties"] = draw(_JSON)
    if draw(st.integers(0, 9)) == 0:
        del feat[draw(st.sampled_from(["type", "properties", "geometry"]))]
    return feat


@st.composite
def near_valid(draw):
    """A valid incident Feature with one field or the geometry changed: most should pass."""
    lon = draw(st.floats(-180, 180))
    lat = draw(st.floats(-90, 90))
    props = dict(_BATTLE)
    props["date_start"] = draw(st.sampled_from(["2017-10-16", "2019-01-01", "2020-02-29"]))
    if draw(st.booleans()):
        props[draw(_FIELDS)] = draw(_JSON)
    geometry = {"type": "Point", "coordinates": [lon, lat]}
    if draw(st.integers(0, 3)) == 0:
        geometry = draw(geometries())
    return {"type": "Feature", "properties": props, "geometry": geometry}


@st.composite
def documents(draw):
    """A Feature, a FeatureCollection, a flat object with lon/lat, or any JSON value."""
    choice = draw(st.integers(0, 7))
    if choice >= 6:
        return draw(near_valid())
    if choice == 0:
        return draw(_JSON)
    if choice == 1:
        return {**draw(properties()), "lon": draw(_JSON), "lat": draw(_NUMBERS)}
    if choice in (2, 3):
        return draw(features())
    members = st.one_of(features(), near_valid())
    return {"type": "FeatureCollection", "features": draw(st.lists(members, max_size=4))}


_SPECIALS = [
    b"\\ud800",
    b"NaN",
    b"1e999",
    b"9" * 5000,
    b"[" * 300,
    b'"x":1,"x":2',
    b"\xef\xbb\xbf",
    b"\xff",
    b"\x00",
    b"-",
    b"{",
    b"}",
    b"]",
    b",",
    b'"',
    b"\\",
]


@st.composite
def mutations(draw, base: bytes):
    """``base`` with bytes flipped, cut, or hostile fragments put in."""
    data = bytearray(base)
    for _ in range(draw(st.integers(1, 4))):
        how = draw(st.integers(0, 3))
        at = draw(st.integers(0, max(len(data) - 1, 0)))
        if how == 0 and data:
            data[at] = draw(st.integers(0, 255))
        elif how == 1:
            data = data[:at]
        elif how == 2:
            data[at:at] = draw(st.sampled_from(_SPECIALS))
        else:
            del data[at : at + draw(st.integers(1, 64))]
    return bytes(data)


def _dump(doc, draw_style: int) -> bytes:
    text = json.dumps(doc, ensure_ascii=draw_style % 2 == 0, allow_nan=True)
    return text.encode("utf-8", "surrogatepass")


# -- the strict JSON reader and the RFC 7946 checks ----------------------------------------------


def test_strict_json_reader():
    explore(
        st.one_of(st.binary(max_size=200), st.builds(_dump, _JSON, st.integers(0, 1))),
        lambda data: judged("strictjson", lambda: parse_json(data, "fuzz.json")),
    )


def test_geojson_structure_checks_never_raise():
    def prop(doc):
        problems = judged("rfc7946", lambda: check_geojson(doc))
        assert problems is not None  # check_geojson reports, it never rejects

    explore(documents(), prop)


def test_geojson_reader():
    explore(
        st.one_of(st.builds(_dump, documents(), st.integers(0, 1)), mutations(SMALL.read_bytes())),
        lambda data: judged("geojson", lambda: read_geojson(data, "fuzz.geojson")),
    )


# -- add --from-json: a clean refusal, or a store that reads back ------------------------------


def test_add_from_json(run, tmp_path_factory):
    explore(
        st.tuples(documents(), st.integers(0, 1)),
        lambda drawn: _add_once(run, tmp_path_factory, *drawn),
    )


def _add_once(run, tmp_path_factory, doc, style):
    folder = tmp_path_factory.mktemp("add")
    store = folder / "store.geojson"
    store.write_bytes(SMALL.read_bytes())
    before = store.read_bytes()
    source = folder / "in.json"
    source.write_bytes(_dump(doc, style))
    started = time.monotonic()
    where = ["--lonlat", "44.4,35.5"] if style else []
    result = run("add", store, "--from-json", source, *where)
    assert time.monotonic() - started < TIME_BOUND
    assert result.exit_code in (0, 2, 3, 4, 6, 7, 8), result.output
    if result.exit_code:
        TALLY["add --from-json: rejected"] += 1
        assert store.read_bytes() == before
        assert "Traceback" not in result.stderr
    else:
        TALLY["add --from-json: accepted"] += 1
        assert len(geoevents.load(store)) > len(geoevents.load(SMALL))  # reads back, clean


# -- importers and table stores: byte mutations of our own fixtures ----------------------------

_IMPORTS = [
    ("acled", "acled_export.csv", {}),
    ("acled", "acled_api.csv", {}),
    ("ucdp", "ucdp_ged.csv", {}),
    ("gdelt", "20191231150000.export.CSV", {}),
    ("gdelt", "gdelt_header.tsv", {}),
    ("csv", "analyst_sheet.csv", {"mapping": str(INGEST / "analyst_mapping.json")}),
]


@pytest.mark.parametrize(("fmt", "name", "options"), _IMPORTS, ids=[n for _, n, _ in _IMPORTS])
def test_importers(fmt, name, options, tmp_path_factory):
    base = (INGEST / name).read_bytes()

    def check(data):
        path = tmp_path_factory.mktemp("imp") / name
        path.write_bytes(data)
        judged(f"import {fmt}", lambda: import_file(fmt, path, **options))

    explore(mutations(base), check)


@pytest.fixture(scope="module")
def table_stores(tmp_path_factory):
    folder = tmp_path_factory.mktemp("stores")
    gdf = geoevents.load(SMALL)
    return {
        ext: geoevents.write_incidents(gdf, folder / f"base.{ext}").read_bytes()
        for ext in ("parquet", "gpkg", "csv")
    }


@pytest.mark.parametrize("ext", ["parquet", "gpkg", "csv"])
def test_table_stores(ext, table_stores, tmp_path_factory):
    def check(data):
        path = tmp_path_factory.mktemp("tbl") / f"mutated.{ext}"
        path.write_bytes(data)
        judged(f"read {ext}", lambda: geoevents.read_incidents(path))

    explore(mutations(table_stores[ext]), check)


def test_the_profiles_exist():
    assert settings.get_profile("ci").max_examples < settings.get_profile("fuzz").max_examples
    assert Path(__file__).name == "test_fuzz.py"
