"""Corrupt and hostile inputs end in one line naming the file and the fix (issue 16, build 1:
the parts outside validation and rendering). Each test failed before its fix.
"""

from __future__ import annotations

import json

import geopandas as gpd
import pytest
from helpers import FIXTURES, SMALL

import geoevents


def collection_with(geometry=None, **props):
    doc = json.loads(SMALL.read_text(encoding="utf-8"))
    feat = doc["features"][0]
    feat["properties"].update(props)
    if geometry is not None:
        feat["geometry"] = geometry
    return doc


def write(tmp_path, doc, name="x.geojson"):
    path = tmp_path / name
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


def test_a_number_of_more_than_4300_digits(run, tmp_path):
    path = tmp_path / "long.geojson"
    text = SMALL.read_text(encoding="utf-8").replace(
        '"fatalities": ', '"fatalities": 9' + "9" * 4400 + ', "x": ', 1
    )
    path.write_text(text, encoding="utf-8")
    result = run("validate", path)
    assert result.exit_code == 3
    assert "a number has 4,401 digits, more than the 4,300 geoevents reads" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_linestring_mixing_2d_and_3d(run, tmp_path):
    line = {"type": "LineString", "coordinates": [[44.0, 35.0], [44.1, 35.1, 100.0]]}
    path = write(tmp_path, collection_with(line))
    result = run("validate", path)
    assert result.exit_code == 4, result.output
    assert (
        'feature 0 (id "t-kirkuk"): geometry.coordinates: the LineString mixes positions of 2 '
        "and 3 numbers (2D and 3D); give every position of the geometry the same dimension"
    ) in result.stdout


def test_positions_of_four_numbers_are_read(run, tmp_path):
    line = {"type": "LineString", "coordinates": [[44.0, 35.0, 1, 2], [44.1, 35.1, 1, 2]]}
    path = write(tmp_path, collection_with(line))
    result = run("validate", path)
    assert result.exit_code == 0, result.output
    assert "RFC 7946 allows at most 3" in result.stdout


def test_a_lone_surrogate_in_a_property_name(run, tmp_path):
    path = tmp_path / "s.geojson"
    text = SMALL.read_text(encoding="utf-8").replace('"title"', '"ti\\ud800tle"', 1)
    path.write_text(text, encoding="utf-8")
    result = run("validate", path)
    assert result.exit_code == 3
    assert 'member name "ti\\ud800tle" holds a lone surrogate escape' in result.stderr


@pytest.fixture
def parquet_with_bad_text(tmp_path):
    """A GeoParquet store whose first title holds a byte that is not UTF-8."""
    gdf = geoevents.load(SMALL)
    path = tmp_path / "bad.parquet"
    gpd.GeoDataFrame(gdf).to_parquet(path, compression=None)
    data = path.read_bytes()
    title = gdf["title"][0].encode()
    assert title in data
    path.write_bytes(data.replace(title, b"\xff" + title[1:], 1))
    return path


def test_a_parquet_store_with_bytes_that_are_not_utf8(run, parquet_with_bad_text):
    result = run("validate", parquet_with_bad_text)
    assert result.exit_code == 3, result.output
    assert result.stderr.startswith(f"Error: {parquet_with_bad_text}: cannot read as parquet: ")
    assert "check the file" in result.stderr and result.stderr.count("\n") == 1


@pytest.mark.parametrize("ext", ["parquet", "gpkg", "csv"])
def test_truncated_table_stores(run, tmp_path, ext):
    whole = geoevents.write_incidents(geoevents.load(SMALL), tmp_path / f"w.{ext}").read_bytes()
    cut = tmp_path / f"cut.{ext}"
    cut.write_bytes(whole[: len(whole) // 2])
    result = run("validate", cut)
    assert result.exit_code in (3, 4), result.output
    assert "Traceback" not in result.stderr + result.stdout


def test_an_import_cut_inside_its_first_quoted_field(run, tmp_path):
    src = tmp_path / "a.csv"
    text = (FIXTURES / "ingest" / "acled_export.csv").read_text(encoding="utf-8")
    quote = text.index('"', text.index("\n"))
    src.write_text(text[: quote + 10], encoding="utf-8")  # cut inside row 1's quoted field
    result = run("import", "acled", src, "-o", tmp_path / "out.geojson")
    assert result.exit_code == 3, result.output
    assert "a quoted field opens there and is never closed" in result.stderr


def test_an_import_with_a_stray_carriage_return_in_the_header(run, tmp_path):
    src = tmp_path / "a.csv"
    text = (FIXTURES / "ingest" / "acled_export.csv").read_text(encoding="utf-8")
    src.write_text(text.replace(",", ",\r", 1), encoding="utf-8")
    result = run("import", "acled", src, "-o", tmp_path / "out.geojson")
    assert result.exit_code in (0, 3, 4), result.output
    assert "Traceback" not in result.stderr


def test_an_acled_iso_code_of_5000_digits(run, tmp_path):
    src = tmp_path / "a.csv"
    text = (FIXTURES / "ingest" / "acled_export.csv").read_text(encoding="utf-8")
    src.write_text(text.replace(",368,", "," + "9" * 5000 + ",", 1), encoding="utf-8")
    result = run("import", "acled", src, "-o", tmp_path / "out.geojson")
    assert result.exit_code == 0, result.output  # read by its country name instead


def test_a_gdelt_url_that_is_not_a_url(tmp_path):
    from geoevents.ingest import import_file

    src = tmp_path / "20191231150000.export.CSV"
    text = (FIXTURES / "ingest" / "20191231150000.export.CSV").read_text(encoding="utf-8")
    src.write_text(text.replace("https://", "https://[[", 1), encoding="utf-8")
    result = import_file("gdelt", src)
    assert len(result.incidents)
