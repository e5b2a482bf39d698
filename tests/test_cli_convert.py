"""`geoevents convert`: every format pair round-trips every field."""

from __future__ import annotations

import itertools

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
