"""The page's store holds exactly what the GeoDataFrame holds.

A small Python decoder reads the buffers the way ``assets/store.js`` does (lengths into
offsets, dictionary codes, day numbers from a base or from the start, sentinels for missing),
from ``encode_incidents`` or from a rendered page, and every row is compared with records
computed here from the frame (``expected_records``: the cell converters of ``values.py``, the
anchor point and shape of each geometry).
"""

from __future__ import annotations

import base64
import datetime as dt
import gzip
import json
import math
import re
from types import SimpleNamespace
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pytest
import shapely
from browser import FIXTURES, read_incidents
from hypothesis import given, settings
from hypothesis import strategies as st
from shapely.geometry import LineString, Point, Polygon, mapping

from geoevents.render import build_map, payload, values
from geoevents.render.categories import categorize
from geoevents.render.columnar import NO_DAY, Joined, encode_incidents
from geoevents.render.legend import precision_code
from geoevents.render.payload import Compressor, EmbeddedColumns, compress, expected_bytes
from geoevents.render.save import render_html
from geoevents.schema import COLUMNS, FIELDS

_CONVERTERS = {
    "str": values.text,
    "date": values.date_text,
    "int": values.number_or_text,
    "list[str]": values.text_list,
    "list[source]": values.sources,
}


def _finite(coords: Any) -> bool:
    if isinstance(coords, (int, float)):
        return math.isfinite(coords)
    return all(_finite(c) for c in coords)


def geometry_fields(geom: Any) -> dict[str, Any]:
    """``point`` ([lat, lon], where it is drawn) and, for a line or polygon, ``shape``."""
    if geom is None or geom.is_empty:
        return {}
    if geom.geom_type == "Point":
        if not (math.isfinite(geom.x) and math.isfinite(geom.y)):
            return {}
        return {"point": [geom.y, geom.x]}
    shape = mapping(geom)
    if shape["type"] == "GeometryCollection" or not _finite(shape["coordinates"]):
        return {}
    anchor = geom.representative_point()
    # The page carries the exact shape, as the GeoJSON writer gives it (the export needs it).
    return {"point": [anchor.y, anchor.x], "shape": json.loads(shapely.to_geojson(geom))}


def expected_records(gdf: gpd.GeoDataFrame, codes: list[int]) -> list[dict[str, Any]]:
    """What the store must hold for each row: the fields with a value, ``c`` and geometry."""
    columns = [
        (f.name, _CONVERTERS[f.kind], gdf[f.name].tolist()) for f in FIELDS if f.name in gdf.columns
    ]
    out = []
    for row, (code, geom) in enumerate(zip(codes, gdf.geometry.values, strict=True)):
        record: dict[str, Any] = {"c": int(code)}
        for name, convert, cells in columns:
            value = convert(cells[row])
            if value is not None and value != []:
                record[name] = value
        record.update(geometry_fields(geom))
        out.append(record)
    return out


def date_span(records: list[dict[str, Any]]) -> tuple[str, str] | None:
    starts = [r["date_start"] for r in records if "date_start" in r]
    ends = [r.get("date_end", r["date_start"]) for r in records if "date_start" in r]
    return (min(starts), max(ends)) if starts else None


def precision_counts(records: list[dict[str, Any]]) -> dict[int, int]:
    counts = {1: 0, 2: 0, 3: 0}
    for record in records:
        if "point" in record:
            counts[precision_code(record.get("geo_precision", 1))] += 1
    return counts


DTYPES = {"f32": "<f4", "f64": "<f8", "i32": "<i4", "u8": "<u1", "u16": "<u2", "bytes": "<u1"}
DAY0 = np.datetime64("1970-01-01", "D")


class Decoder:
    """Reads ``ColumnarIncidents`` back into records, following store.js line by line."""

    def __init__(self, encoded: Any) -> None:
        self.encoded = encoded
        self.arrays = [np.frombuffer(bytes(b.data), dtype=DTYPES[b.dtype]) for b in encoded.buffers]

    def days(self, desc: dict) -> np.ndarray:
        raw = self.arrays[desc["data"]].astype(np.int64)
        base = desc["base"]
        start = self.days(self.encoded.columns[base]) if isinstance(base, str) else base
        out = np.asarray(start + raw, dtype=np.int64)
        return np.where(raw == desc["missing"], NO_DAY, out)

    def column(self, desc: dict) -> Any:
        kind = desc["kind"]
        if kind == "num":
            data, missing = self.arrays[desc["data"]], desc.get("missing")
            scale = desc.get("scale")

            def number(i: int) -> Any:
                v = data[i].item()
                if v != v or v == missing:
                    return None
                return v / 10**scale if scale is not None else v

            return number
        if kind == "day":
            days = self.days(desc)
            return lambda i: None if days[i] == NO_DAY else str(DAY0 + int(days[i]))
        if kind == "str":
            offsets = np.concatenate([[0], np.cumsum(self.arrays[desc["lengths"]], dtype=np.int64)])
            data = bytes(self.encoded.buffers[desc["data"]].data)

            def text(i: int) -> Any:
                start, end = offsets[i], offsets[i + 1]
                return bytes(data[start:end]).decode("utf-8") if end > start else None

            return text
        if kind == "dict":
            codes, values = (
                self.arrays[desc["codes"]],
                self.column({**desc["values"], "kind": "str"}),
            )
            return lambda i: values(int(codes[i]) - 1) if codes[i] else None
        if kind == "numbered":
            codes, digits = self.arrays[desc["codes"]], self.arrays[desc["digits"]]
            heads = self.column({**desc["prefixes"], "kind": "str"})
            numbers = np.cumsum(self.arrays[desc["data"]].astype(np.int64))

            def numbered(i: int) -> Any:
                if not codes[i]:
                    return None
                tail = str(int(numbers[i])).zfill(int(digits[i])) if digits[i] else ""
                return (heads(int(codes[i]) - 1) or "") + tail

            return numbered
        offsets = np.concatenate([[0], np.cumsum(self.arrays[desc["lengths"]], dtype=np.int64)])
        if kind == "list":
            items = self.column(desc["items"])

            def listed(i: int) -> Any:
                out = [items(j) for j in range(offsets[i], offsets[i + 1])]
                return [v for v in out if v is not None] or None

            return listed
        assert kind == "sources"
        keys = {key: self.column(sub) for key, sub in desc["keys"].items()}

        def sources(i: int) -> Any:
            out = []
            for j in range(offsets[i], offsets[i + 1]):
                entry = {k: v for k, read in keys.items() if (v := read(j)) is not None}
                if entry:
                    out.append(entry)
            return out or None

        return sources

    def records(self) -> list[dict[str, Any]]:
        columns = {n: self.column(d) for n, d in self.encoded.columns.items()}
        shapes = {entry[0]: entry[1] for entry in self.encoded.shapes}
        out = []
        for i in range(self.encoded.count):
            record: dict[str, Any] = {"c": columns["_cat"](i)}
            for name, read in columns.items():
                if not name.startswith("_") and (value := read(i)) is not None:
                    record[name] = value
            if columns["_prec"](i):
                record["point"] = [columns["_lat"](i), columns["_lon"](i)]
            if i in shapes:
                record["shape"] = shapes[i]
            out.append(record)
        return out


def page_store(page: str) -> Decoder:
    """The store of a rendered page, decoded from its JSON and base64 blocks."""
    blocks = dict(
        re.findall(r'<script type="application/[\w-]+" id="([^"]+)">([^<]*)</script>', page)
    )
    meta_id = next(key for key in blocks if key.endswith("_meta"))
    meta = json.loads(blocks[meta_id])
    buffers = []
    for spec in meta["buffers"]:
        data = b"".join(gzip.decompress(base64.b64decode(blocks[p])) for p in spec["parts"])
        buffers.append(SimpleNamespace(dtype=spec["dtype"], data=data[: spec["size"]]))
    shapes = json.loads(blocks[meta_id[: -len("_meta")] + "_shapes"])
    encoded = SimpleNamespace(
        count=meta["count"], buffers=buffers, columns=meta["columns"], shapes=shapes
    )
    return Decoder(encoded)


def page_records(page: str) -> list[dict[str, Any]]:
    """Every incident of a rendered page as a record (``c``, fields, ``point``, ``shape``)."""
    return page_store(page).records()


def frame(rows: list[dict]) -> gpd.GeoDataFrame:
    records = []
    for i, row in enumerate(rows):
        record = {c: None for c in COLUMNS}
        record.update(id=f"t{i}", title=f"Incident {i}", date_start="2020-01-01")
        record.update({k: v for k, v in row.items() if k != "geometry"})
        record["geometry"] = row.get("geometry", Point(44.0 + i / 10, 33.0 + i / 100))
        records.append(record)
    return gpd.GeoDataFrame(records, geometry="geometry", crs="EPSG:4326")


def same_records(gdf: gpd.GeoDataFrame) -> None:
    _, codes = categorize(gdf["event_type"], "event_type")
    expected = expected_records(gdf, codes)
    encoded = encode_incidents(gdf, np.asarray(codes))
    assert encoded.date_span == date_span(expected)
    assert encoded.precision_counts == precision_counts(expected)
    decoded = [Decoder(encoded).records()]
    # The page carries the same store: decode it from the rendered HTML too.
    decoded.append(page_records(render_html(build_map(gdf, tiles="none"))))
    for got in decoded:
        for want, have in zip(expected, got, strict=True):
            # Coordinates travel as float32: a metre or two, far below any geocoding precision.
            if "point" in want:
                assert have["point"] == pytest.approx(want["point"], abs=2e-5)
                have["point"] = want["point"]
            assert have == want


EDGE_ROWS = [
    {},
    {"title": "  ", "summary": "\u00a0", "actor1": "", "country": " Iraq "},
    {"title": 'Ünïcödé «quotes» </script><img src=x onerror="alert(1)"> {{ 7*7 }}'},
    {"fatalities": 0, "geo_precision": 2, "date_end": "2020-01-03"},
    {"fatalities": 12345678, "geo_precision": 3},
    {"fatalities": 2.5, "geo_precision": 7},
    {"date_start": "1850-03-01", "date_end": "2150-12-31"},
    {"assoc_actors": ["A", " ", "B"], "tags": ["x"]},
    {"assoc_actors": [], "tags": None},
    {"sources": [{"name": "N", "url": "https://example.org/a?b=<c>"}, {"name": "M"}]},
    {"sources": [{"name": "Q", "quote": "“quoted”", "published": "2020-01-02", "document": "d"}]},
    {"geometry": LineString([(44, 33), (45, 34)]), "event_type": "Battles"},
    {"geometry": Polygon([(40, 30), (41, 30), (41, 31), (40, 30)]), "geo_precision": 3},
    {"geometry": Point()},
    {"geometry": None},
    {"geometry": Point(float("nan"), 3)},
    {"event_type": "Riots", "id": 17},
    {"event_type": "Protests", "iso3": "IRQ", "confidence": "confirmed"},
]


def test_edge_cases_decode_to_the_frame():
    same_records(frame(EDGE_ROWS))


def test_fixture_incidents_decode_to_the_frame():
    same_records(read_incidents(FIXTURES / "incidents.geojson"))
    same_records(read_incidents(FIXTURES / "hostile.geojson"))


def test_many_rows_use_dictionaries_and_narrow_types():
    n = 20_000
    rng = np.random.default_rng(3)
    gdf = frame(
        [
            {
                "actor1": f"Actor {i % 40}",
                "summary": f"Summary number {i} " + "x" * int(rng.integers(0, 300)),
                "date_start": str(np.datetime64("2017-01-01") + int(rng.integers(0, 2000))),
                "geo_precision": int(rng.integers(1, 4)),
                "fatalities": None if i % 3 else int(rng.integers(0, 90)),
            }
            for i in range(n)
        ]
    )
    encoded = encode_incidents(gdf, np.zeros(n, dtype=np.int64))
    kinds = {name: desc["kind"] for name, desc in encoded.columns.items()}
    assert kinds["actor1"] == "dict" and kinds["summary"] == "str" and kinds["id"] == "numbered"
    dtypes = {
        name: encoded.buffers[desc["data"]].dtype
        for name, desc in encoded.columns.items()
        if "data" in desc and desc["kind"] in ("num", "day")
    }
    assert dtypes["geo_precision"] == "u8" and dtypes["fatalities"] == "u8"
    assert dtypes["date_end"] == "u8"  # stored from date_start: all zeros
    assert dtypes["date_start"] == "u16"
    sample = Decoder(encoded).records()[:50]
    assert sample == [
        {k: v for k, v in r.items() if k != "point"} | {"point": sample[i]["point"]}
        for i, r in enumerate(expected_records(gdf.iloc[:50], [0] * 50))
    ]


ODD_IDS = [
    "NER0001",  # leading zeros
    "0",
    "007",
    "SOM12",
    "ABC1234567890",  # more digits than a number holds: the first stay in the prefix
    "Ünï42",  # non-ASCII prefix
    "٣٤",  # Arabic-Indic digits are not ASCII digits: all prefix
    "plain",  # no number at all
    "-5",
    "1e3",
    "NER0001",  # a repeated id
    "NER999999999",
    "NER2",
]


def test_odd_ids_split_into_prefix_and_number_and_back():
    n = 400
    ids = [f"NER{i:04d}" if i % 3 else f"SOM{i}" for i in range(n)]
    ids[: len(ODD_IDS)] = ODD_IDS
    rows = [{"id": value} for value in ids]
    rows[50] = {"id": None}
    rows[51] = {"id": "  "}  # blank: no id
    encoded = encode_incidents(frame(rows), np.zeros(n, dtype=np.int64))
    assert encoded.columns["id"]["kind"] == "numbered"
    same_records(frame(rows))


def test_ids_with_mostly_distinct_prefixes_stay_text():
    rows = [{"id": f"{i:x}-{i * 7919 % 1000:03d}-event"} for i in range(300)]
    encoded = encode_incidents(frame(rows), np.zeros(300, dtype=np.int64))
    assert encoded.columns["id"]["kind"] == "str"
    same_records(frame(rows))


def test_dates_that_are_not_iso_stay_text():
    gdf = frame([{"date_start": "2020-01-01"}, {"date_start": "spring 2020"}])
    encoded = encode_incidents(gdf, np.zeros(2, dtype=np.int64))
    assert encoded.columns["date_start"]["kind"] in ("dict", "str")
    same_records(gdf)


def test_pandas_own_text_columns_concatenated_in_a_notebook_are_encoded():
    # pandas 3 keeps text as its ``str`` dtype; pd.concat of such frames gives chunked arrow
    # arrays, which the page's text encoder took for one array (an AttributeError).
    one = read_incidents(FIXTURES / "hostile.geojson")
    for name in ("id", "title", "summary", "location", "actor1", "country", "event_type"):
        one[name] = one[name].astype("str")
    gdf = gpd.GeoDataFrame(pd.concat([one, one, one], ignore_index=True), crs=one.crs)
    gdf["id"] = gdf["id"] + [f"-{i}" for i in range(len(gdf))]
    assert gdf["title"].dtype == "str"
    same_records(gdf)


def test_pieces_are_gzip_members_that_round_trip():
    data = bytes(range(256)) * 1000
    assert gzip.decompress(base64.b64decode(compress(data, 6))) == data
    assert compress(data, 4) == compress(data, 4)


@pytest.mark.parametrize("large_from", [10**9, 200_000, 0])
def test_a_compressor_fed_as_buffers_are_added_embeds_the_same_pieces(monkeypatch, large_from):
    # The payload below is about 0.6 MB: every buffer is compressed as it is added, at the
    # large level from the start (0), at the small one throughout (10**9), or at the small
    # one until 200,000 bytes are added and then, those before too, at the large one.
    monkeypatch.setattr(payload, "LARGE_DATA_BYTES", large_from)
    monkeypatch.setattr(payload, "PIECE_BYTES", 64 * 1024)  # several pieces per buffer
    gdf = read_incidents(FIXTURES / "hostile.geojson")
    gdf = gpd.GeoDataFrame(pd.concat([gdf] * 400, ignore_index=True), crs=gdf.crs)
    gdf["summary"] = [f"summary {i} " * (20 + i % 50) for i in range(len(gdf))]
    codes = np.zeros(len(gdf), dtype=np.int64)
    plain = EmbeddedColumns(encode_incidents(gdf, codes), "p")
    compressor = Compressor()
    data = encode_incidents(gdf, codes, on_add=compressor.added)
    started = compressor.started  # before the page is rendered
    fed = EmbeddedColumns(data, "p", compressor)
    assert fed.pieces == plain.pieces and fed.buffers() == plain.buffers()
    assert sum(len(texts) for texts in fed.encoded) > len(data.buffers)
    assert started == len(data.buffers)
    assert data.on_add is None and all(b.data == b"" for b in data.buffers)


def _summaries_store() -> gpd.GeoDataFrame:
    gdf = read_incidents(FIXTURES / "hostile.geojson")
    gdf = gpd.GeoDataFrame(pd.concat([gdf] * 400, ignore_index=True), crs=gdf.crs)
    gdf["summary"] = [f"summary {i} " * (20 + i % 50) for i in range(len(gdf))]
    return gdf


@pytest.mark.parametrize("guess", ["right", "too small", "too large"])
def test_a_compressor_told_the_payloads_size_compresses_each_piece_once(monkeypatch, guess):
    # The level depends on the payload's total, known only at the end: told what it will
    # be, the compressor starts at the right level and compresses each piece once (at a
    # million incidents, the first 64 MB at level 6 were half a second lost). A wrong guess
    # costs work, never bytes.
    monkeypatch.setattr(payload, "LARGE_DATA_BYTES", 200_000)
    monkeypatch.setattr(payload, "PIECE_BYTES", 64 * 1024)
    gdf = _summaries_store()
    codes = np.zeros(len(gdf), dtype=np.int64)
    plain = EmbeddedColumns(encode_incidents(gdf, codes), "p")
    total = sum(plain.sizes)
    assert total > 2 * payload.LARGE_DATA_BYTES
    levels: list[int] = []
    real = payload.compress
    monkeypatch.setattr(
        payload, "compress", lambda piece, level: levels.append(level) or real(piece, level)
    )
    expected = {"right": expected_bytes(gdf), "too small": 0, "too large": 10 * total}[guess]
    compressor = Compressor(expected=expected)
    fed = EmbeddedColumns(encode_incidents(gdf, codes, on_add=compressor.added), "p", compressor)
    assert fed.pieces == plain.pieces and fed.buffers() == plain.buffers()
    pieces = len(plain.pieces)
    if guess == "too small":  # some pieces compressed at the small levels first
        assert len(levels) > pieces
    else:
        assert len(levels) == pieces and set(levels) == {payload.LARGE_LEVEL}


def test_the_payloads_size_is_guessed_from_its_text_arrow_or_not():
    gdf = _summaries_store()
    real = sum(EmbeddedColumns(encode_incidents(gdf, np.zeros(len(gdf), np.int64)), "p").sizes)
    assert 0.5 * real < expected_bytes(gdf) < 2 * real
    arrow = gdf.copy()
    arrow["summary"] = pd.Series(pd.arrays.ArrowExtensionArray(pa.array(gdf["summary"])))
    assert 0.5 * real < expected_bytes(arrow) < 2 * real
    assert expected_bytes(gdf.iloc[:0]) == 0
    # A Categorical (a dictionary column as geoevents map keeps it) counts its codes and its
    # distinct texts, as the page embeds it, not a text per row.
    repeated = gdf.copy()
    words = pa.array([f"{'long country name ' * 5}{i % 3}" for i in range(len(gdf))])
    repeated["country"] = pd.Series(pd.arrays.ArrowExtensionArray(words))
    kept = repeated.copy()
    kept["country"] = repeated["country"].astype(
        pd.CategoricalDtype(pd.Index(pd.arrays.ArrowExtensionArray(pa.array(pc.unique(words)))))
    )
    as_text, as_codes = expected_bytes(repeated), expected_bytes(kept)
    assert as_text - as_codes > 90 * len(gdf) * 0.9


@pytest.mark.parametrize("engine", ["classic", "large"])
def test_every_page_embeds_base64_pieces_and_no_json_records(engine):
    gdf = read_incidents(FIXTURES / "hostile.geojson")
    page = render_html(build_map(gdf, tiles="none", engine=engine))
    entry = {"classic": "drawIncidents", "large": "drawLarge"}[engine]
    assert page.count("geoevents.drawIncidents(") + page.count("geoevents.drawLarge(") == 1
    assert f"geoevents.{entry}(" in page
    blocks = re.findall(
        r'<script type="application/octet-stream" id="[^"]+">([^<]*)</script>', page
    )
    assert blocks and all(re.fullmatch(r"[A-Za-z0-9+/]*={0,2}", b) for b in blocks)
    meta = re.search(r'<script type="application/json" id="[^"]+_meta">([^<]*)</script>', page)
    assert json.loads(meta.group(1))["count"] == len(gdf)
    # Hostile text is inside the compressed buffers only: never in the page as markup.
    assert "onerror" not in page.split("<script>")[0]


def test_numbers_stored_as_text_in_a_frame_still_show():
    gdf = frame([{"fatalities": "about 10"}, {"fatalities": 3}])
    encoded = encode_incidents(gdf, np.zeros(2, dtype=np.int64))
    assert encoded.columns["fatalities"]["kind"] in ("dict", "str")
    # The popup shows a count as text either way.
    assert [r["fatalities"] for r in Decoder(encoded).records()] == ["about 10", "3"]


def test_missing_columns_count_as_missing():
    gdf = frame([{}, {}])[["id", "title", "date_start", "geometry"]]
    same_records(gdf.assign(event_type=pd.Series([None, None], dtype=object)))


def test_coordinates_travel_once_exactly_in_the_fewest_decimals():
    gdf = frame([{"geometry": Point(44.123456, 33.5)}, {"geometry": Point(-0.0447, 16.2717)}])
    encoded = encode_incidents(gdf, np.zeros(2, dtype=np.int64))
    columns = encoded.columns
    # The page draws with float32 copies of the exact columns: one buffer each.
    assert columns["_lat"] == columns["_xlat"] and columns["_lon"] == columns["_xlon"]
    assert columns["_xlat"]["scale"] == 4 and columns["_xlon"]["scale"] == 6
    assert encoded.buffers[columns["_xlat"]["data"]].dtype == "i32"
    decoder = Decoder(encoded)
    lat, lon = decoder.column(columns["_xlat"]), decoder.column(columns["_xlon"])
    assert [lat(0), lat(1), lon(0), lon(1)] == [33.5, 16.2717, 44.123456, -0.0447]
    # More digits than int32 ten-millionths hold: float64, still exact.
    gdf = frame([{"geometry": Point(44.123456789012, 33.1)}])
    encoded = encode_incidents(gdf, np.zeros(1, dtype=np.int64))
    desc = encoded.columns["_xlon"]
    assert encoded.buffers[desc["data"]].dtype == "f64" and "scale" not in desc
    assert Decoder(encoded).column(desc)(0) == 44.123456789012


def test_columns_with_equal_codes_share_one_buffer():
    gdf = frame([{"country": "Iraq", "iso3": "IRQ"}, {"country": "Mali", "iso3": "MLI"}] * 3)
    encoded = encode_incidents(gdf, np.zeros(6, dtype=np.int64))
    columns = encoded.columns
    assert columns["country"]["codes"] == columns["iso3"]["codes"]
    assert columns["country"]["values"] != columns["iso3"]["values"]
    same_records(gdf)


def chunked_text(texts: list[str | None], size: int) -> pd.Series:
    """``texts`` as an arrow column in chunks of ``size`` rows, each a slice of one array (so
    every chunk but the first starts at an offset), as a GeoParquet read gives them."""
    whole = pa.array(texts, pa.string())
    chunks = [whole.slice(s, size) for s in range(0, len(whole), size)]
    return pd.Series(pd.arrays.ArrowExtensionArray(pa.chunked_array(chunks, pa.string())))


def test_a_chunked_text_column_is_embedded_chunk_by_chunk_without_a_copy(monkeypatch):
    # A million summaries read from GeoParquet come in chunks: joining them was a copy of a
    # quarter of a gigabyte. Each chunk's bytes are embedded from arrow memory as they lie.
    monkeypatch.setattr(payload, "PIECE_BYTES", 1000)  # pieces cut inside the chunks too
    gdf = read_incidents(FIXTURES / "hostile.geojson")
    gdf = gpd.GeoDataFrame(pd.concat([gdf] * 60, ignore_index=True), crs=gdf.crs)
    texts = [None if i % 17 == 0 else f"summary {i} " + "é" * (i % 40) for i in range(len(gdf))]
    texts[5] = "   "  # blank: missing, as in one array (its chunk is then a copy)
    gdf["summary"] = chunked_text(texts, 37)
    codes = np.zeros(len(gdf), dtype=np.int64)
    encoded = encode_incidents(gdf, codes)
    desc = encoded.columns["summary"]
    assert desc["kind"] == "str"
    data = encoded.buffers[desc["data"]].data
    chunks = pa.array(gdf["summary"].array).chunks
    assert isinstance(data, Joined) and len(data.segments) == len(chunks)
    # The segments are views of the chunks' own data buffer, not copies (nulls too: arrow
    # makes them empty), but for the blank text's chunk.
    base = np.frombuffer(chunks[1].buffers()[2], np.uint8)
    views = [np.shares_memory(np.frombuffer(seg, np.uint8), base) for seg in data.segments]
    assert views == [False] + [True] * (len(chunks) - 1)
    # The page reads what one contiguous array gives.
    gdf_whole = gdf.copy()
    gdf_whole["summary"] = pd.Series(texts, dtype=object)
    whole = encode_incidents(gdf_whole, codes)
    assert Decoder(encoded).records() == Decoder(whole).records()

    # And embeds as the same pieces: cut where one contiguous buffer is, whatever the chunks
    # (a cluster's gather, a filter or another read of the same data chunks it otherwise).
    pieces = EmbeddedColumns(encoded, "p").encoded[desc["data"]]
    assert len(pieces) > 1
    assert pieces == EmbeddedColumns(whole, "p").encoded[whole.columns["summary"]["data"]]


def _regex_split(ids: list[str | None]) -> tuple[list[str | None], list[int], list[int]]:
    """The split by its definition: the shortest prefix before at most 9 ASCII digits."""
    prefixes, widths, numbers = [], [], []
    for text in ids:
        if text is None:
            prefixes.append(None), widths.append(0), numbers.append(0)
            continue
        found = re.fullmatch(r"(?s)(.*?)([0-9]{0,9})", text)
        assert found is not None
        prefixes.append(found.group(1))
        widths.append(len(found.group(2)))
        numbers.append(int(found.group(2) or 0))
    return prefixes, widths, numbers


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.none(),
            st.text(alphabet=st.sampled_from("ab-é٣\n0123456789"), max_size=14),
            st.from_regex(r"[A-Z]{2,4}[0-9]{1,12}", fullmatch=True),
        ),
        min_size=1,
        max_size=40,
    ),
    st.integers(0, 3),
)
def test_ids_split_byte_by_byte_as_the_rule_says(ids, skip):
    # The prefix, digit count and number of each id, found over the whole array at once,
    # are what the rule (a regular expression per id) gives; an array that is a slice too.
    from geoevents.render.numbered import split_digits

    array = pa.array(["pad"] * skip + ids, pa.string()).slice(skip)
    prefix, widths, numbers = split_digits(array)
    want_prefix, want_widths, want_numbers = _regex_split(ids)
    keep = [i for i, text in enumerate(ids) if text is not None]
    assert [prefix[i].as_py() for i in keep] == [want_prefix[i] for i in keep]
    assert [int(widths[i]) for i in keep] == [want_widths[i] for i in keep]
    assert [int(numbers[i]) for i in keep] == [want_numbers[i] for i in keep]
    assert [prefix[i].as_py() for i in range(len(ids)) if ids[i] is None] == [None] * (
        len(ids) - len(keep)
    )  # a missing id has no prefix (no empty one among the distinct prefixes)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.one_of(st.none(), st.dates(dt.date(1, 1, 1), dt.date(9999, 12, 31))),
            st.one_of(st.none(), st.dates(dt.date(1, 1, 1), dt.date(9999, 12, 31))),
        ),
        max_size=30,
    )
)
def test_the_date_span_from_day_numbers_is_the_spans_text(rows):
    # The page's date span is worked out from the day numbers the encoder made (the text
    # was read once): the same first and last day as from the text, a missing end being
    # its start, and none without a start.
    from geoevents.render.days import date_span, day_numbers

    frame_ = pd.DataFrame(
        {
            "date_start": [s.isoformat() if s else None for s, _ in rows],
            "date_end": [e.isoformat() if e else None for _, e in rows],
        },
        dtype=object,
    )
    days = {name: day_numbers(frame_[name]) for name in ("date_start", "date_end")}
    assert date_span(frame_, days) == date_span(frame_, {})
    assert date_span(frame_[["date_start"]], {"date_start": days["date_start"]}) == date_span(
        frame_[["date_start"]], {}
    )


@settings(max_examples=80, deadline=None)
@given(
    st.lists(st.text(min_size=1, max_size=40).filter(str.strip), min_size=1, max_size=12),
    st.lists(st.integers(-1, 11), max_size=300),
    st.integers(1, 8),
)
def test_a_categorical_of_arrow_text_is_encoded_as_its_text_would_be(words, picks, repeat):
    # geoevents map keeps a dictionary column as a Categorical of its distinct texts; the
    # page gets the buffers the same texts as a string per row get (dictionary or not: long,
    # varied values go in as text), from the codes.
    categories = list(dict.fromkeys(w * repeat for w in words))
    codes = np.array([p if p < len(categories) else -1 for p in picks], dtype=np.int8)
    cat = pd.Categorical.from_codes(
        codes, categories=pd.Index(pd.arrays.ArrowExtensionArray(pa.array(categories)))
    )
    texts = pa.array([categories[c] if c >= 0 else None for c in codes], pa.string())
    objects = pd.Series([categories[c] if c >= 0 else None for c in codes], dtype=object)
    columns = (pd.Series(cat), pd.Series(pd.arrays.ArrowExtensionArray(texts)), objects)
    encoded = [_one_field_encoded("location", column) for column in columns]
    assert encoded[0] == encoded[1] == encoded[2]


def _one_field_encoded(name: str, column: pd.Series) -> tuple[dict, list[tuple[str, bytes]]]:
    """The column descriptions and buffers of a store holding one field (points at 0,0)."""
    points = shapely.points(np.zeros(len(column)), np.zeros(len(column)))
    gdf = gpd.GeoDataFrame({name: column}, geometry=points, crs="EPSG:4326")
    data = encode_incidents(gdf, np.zeros(len(column), dtype=np.int64))
    buffers = [
        (b.dtype, b"".join(b.data.segments) if isinstance(b.data, Joined) else bytes(b.data))
        for b in data.buffers
    ]
    return data.columns, buffers


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.none(),
            st.just(float("nan")),
            st.sampled_from(["", "  ", "2017-02-30", "2017-10", "16/10/2017", "2017-10-16 "]),
            st.dates(dt.date(1, 1, 1), dt.date(9999, 12, 31)).map(dt.date.isoformat),
        ),
        max_size=40,
    )
)
def test_dates_are_read_once_per_distinct_text_as_every_text(cells):
    # The checks leave dates as Python strings that repeat: each distinct one is read once.
    # The same day numbers (or the same refusal: a text that is no ISO day) as reading each.
    from geoevents.render.days import day_numbers

    column = pd.Series(cells, dtype=object)
    got = day_numbers(column)
    one_by_one = day_numbers(
        pd.Series(
            pd.arrays.ArrowExtensionArray(
                pa.array(
                    [
                        None if c is None or (isinstance(c, float) and math.isnan(c)) else c
                        for c in cells
                    ],
                    pa.string(),
                )
            )
        )
    )
    assert (got is None) == (one_by_one is None)
    if got is not None:
        assert got.dtype == one_by_one.dtype and got.tolist() == one_by_one.tolist()


@pytest.mark.parametrize(
    "cells",
    [
        ["Battles", "  ", None, "Riots", "", "Battles", float("nan")] * 50,
        ["a", 3, "a", None] * 50,  # not all text: as any column
        [f"unique {i}" for i in range(300)],  # varied: as text
        [None] * 20,
        [],
    ],
    ids=["blanks", "numbers", "varied", "none", "empty"],
)
def test_python_strings_are_encoded_as_their_arrow_text_would_be(cells):
    # Fields with a vocabulary come from the checks as Python strings: numbered by pandas,
    # the distinct ones made arrow text; a blank is missing, as in any text column.
    from geoevents.render.arrowtext import text_chunks

    columns = (
        pd.Series(cells, dtype=object),
        pd.Series(pd.arrays.ArrowExtensionArray(text_chunks(pd.Series(cells, dtype=object)))),
    )
    encoded = [_one_field_encoded("event_type", column) for column in columns]
    assert encoded[0] == encoded[1]
