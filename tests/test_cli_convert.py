"""`geoevents convert`: every format pair round-trips every field."""

from __future__ import annotations

import itertools
import json

import pytest
from helpers import SMALL

import geoevents

FORMATS = ["geojson", "parquet", "gpkg", "csv"]


@pytest.mark.parametrize(("src", "dest"), list(itertools.permutations(FORMATS, 2)))
def test_convert_round_trips_every_format_pair(run, tmp_path, src, dest):
    original = geoevents.load(SMALL)
    first = tmp_path / f"a.{src}"
    second = tmp_path / f"b.{dest}"
    assert run("convert", SMALL, first).exit_code == 0
    result = run("convert", first, second)
    assert result.exit_code == 0, result.output
    back = geoevents.load(second)
    for column in geoevents.schema.COLUMNS:
        assert list(back[column].astype(object)) == list(original[column].astype(object)), column
    assert back.geometry.geom_equals_exact(original.geometry, tolerance=1e-9).all()


def test_convert_keeps_lines_and_polygons(tmp_path):
    import shapely

    gdf = geoevents.load(SMALL)
    gdf.loc[0, "geometry"] = shapely.LineString([(44.0, 35.0), (44.5, 35.5)])
    gdf.loc[1, "geometry"] = shapely.box(38.9, 35.9, 39.1, 36.0)
    for fmt in FORMATS:
        path = geoevents.write_incidents(gdf, tmp_path / f"shapes.{fmt}")
        back = geoevents.load(path)
        assert back.geometry[0].geom_type == "LineString", fmt
        assert back.geometry[1].equals(gdf.geometry[1]), fmt


def test_convert_partition_by_year_writes_a_store_every_command_reads(run, tmp_path):
    dest = tmp_path / "by-year"
    result = run("convert", SMALL, dest, "--partition-by", "year")
    assert result.exit_code == 0, result.stderr
    years = sorted(p.name for p in dest.iterdir())
    assert years and all(name.startswith("year=") for name in years)
    whole = geoevents.load(SMALL)
    assert sorted(geoevents.load(dest)["id"]) == sorted(whole["id"])
    # A folder, or a glob of its files, is one store to every command.
    listed = run("list", dest, "--format", "json", "--start", "2017", "--end", "2017")
    assert listed.exit_code == 0, listed.stderr
    expected = geoevents.filter_incidents(whole, start="2017", end="2017")
    assert sorted(r["id"] for r in json.loads(listed.stdout)) == sorted(expected["id"])
    globbed = run("list", f"{dest}/*/*.parquet", "--format", "json")
    assert len(json.loads(globbed.stdout)) == len(whole)
    # Refused without --force, as any other output; replaced with it.
    again = run("convert", SMALL, dest, "--partition-by", "year")
    assert again.exit_code == 6 and "already exists; pass --force" in again.stderr
    assert run("convert", SMALL, dest, "--partition-by", "year", "--force").exit_code == 0


def test_convert_partition_by_refuses_an_unknown_key(run, tmp_path):
    result = run("convert", SMALL, tmp_path / "x", "--partition-by", "month")
    assert result.exit_code == 2 and "'month' is not" in result.stderr
