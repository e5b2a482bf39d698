"""Our outputs, read by independent readers: what other GIS tools will see.

GDAL (through pyogrio) for GeoJSON and GeoPackage, pyarrow.dataset and DuckDB for GeoParquet
(one file, several files, a partitioned store), pandas and shapely for CSV, and
geojson-validator as a GeoJSON linter. Each reader must take the file without a warning and
find every incident with its values.
"""

from __future__ import annotations

import importlib
import json
import warnings

import geopandas as gpd
import pandas as pd
import pyarrow as pa
import pyarrow.dataset as ds
import pyogrio
import pytest
import shapely
from helpers import unavailable

from geoevents import schema
from geoevents.io import load, write_incidents
from geoevents.testing import synthetic

N = 300


def need(name: str):
    """Import a test-only reader (the ``test`` extra); skip without it, except under CI."""
    try:
        return importlib.import_module(name)
    except ImportError:
        unavailable(f"{name} is not installed (pip install -e '.[test]')")


@pytest.fixture(scope="module")
def incidents(tmp_path_factory) -> gpd.GeoDataFrame:
    base = tmp_path_factory.mktemp("seed")
    gdf = load(write_incidents(synthetic.incidents(N), base / "seed.parquet"))
    geoms = list(gdf.geometry)
    geoms[5] = shapely.LineString([(40.123456789, 33.1), (40.987654321, 33.55555555)])
    geoms[6] = shapely.box(41.0, 34.0, 41.123456789, 34.3)
    gdf = gdf.set_geometry(gpd.GeoSeries(geoms, crs=schema.CRS))
    gdf["confidence"] = None  # an empty column in every file (issue 15, point 3)
    gdf["tags"] = [["a", "b"] if i % 3 else [] for i in range(len(gdf))]
    return gdf


@pytest.fixture(scope="module")
def out(tmp_path_factory, incidents):
    base = tmp_path_factory.mktemp("out")
    for suffix in ("geojson", "gpkg", "csv", "parquet"):
        write_incidents(incidents, base / f"incidents.{suffix}")
    write_incidents(incidents.iloc[:100], base / "many" / "a.parquet")
    write_incidents(incidents.iloc[100:], base / "many" / "b.parquet")
    write_incidents(incidents, base / "by-year", partition_by="year")
    return base


def quietly(read, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        return read(*args, **kwargs)


# -- GDAL -------------------------------------------------------------------------------------


@pytest.mark.parametrize("suffix", ["geojson", "gpkg"])
def test_gdal_reads_geojson_and_geopackage(out, incidents, suffix):
    path = out / f"incidents.{suffix}"
    info = quietly(pyogrio.read_info, path)
    assert info["features"] == N
    assert info["crs"] == "EPSG:4326"
    frame = quietly(pyogrio.read_dataframe, path)
    assert list(frame["id"]) == list(incidents["id"])
    # GDAL takes ISO date text in GeoJSON for dates: compare the day.
    days = [str(v)[:10] for v in frame["date_start"]]
    assert days == list(incidents["date_start"])
    assert shapely.equals_exact(frame.geometry.values, incidents.geometry.values, 1e-12).all()
    if suffix == "gpkg":
        assert pyogrio.list_layers(path)[0][0] == "incidents"
        assert json.loads(frame["tags"][1]) == incidents["tags"][1]


def test_geojson_linter(out):
    validator = need("geojson_validator")
    validator.configure_logging(enabled=False)
    doc = json.loads((out / "incidents.geojson").read_text(encoding="utf-8"))
    assert validator.validate_structure(doc) == {}
    result = validator.validate_geometries(doc)
    assert result["invalid"] == {}


# -- GeoParquet -------------------------------------------------------------------------------


@pytest.mark.parametrize("store", ["incidents.parquet", "many", "by-year"])
def test_pyarrow_dataset(out, incidents, store):
    partitioning = "hive" if store == "by-year" else None
    table = ds.dataset(out / store, format="parquet", partitioning=partitioning).to_table()
    assert table.num_rows == N
    assert table.schema.field("confidence").type == pa.string()
    assert table.schema.field("tags").type == pa.list_(pa.string())
    assert table.schema.field("bbox").type.num_fields == 4
    assert sorted(table["id"].to_pylist()) == sorted(incidents["id"])
    geo = json.loads(table.schema.metadata[b"geo"])
    assert geo["version"] == "1.1.0"
    assert geo["columns"]["geometry"]["covering"]["bbox"]["xmin"] == ["bbox", "xmin"]


def test_pyarrow_reads_our_files_together(out):
    files = [out / "many" / "a.parquet", out / "many" / "b.parquet", out / "incidents.parquet"]
    assert ds.dataset(list(map(str, files))).to_table().num_rows == 2 * N


@pytest.fixture(scope="module")
def duckdb():
    module = need("duckdb")
    with module.connect() as db:
        yield db


def test_duckdb_single_and_many(out, incidents, duckdb):
    one = str(out / "incidents.parquet")
    assert duckdb.execute("SELECT count(*) FROM read_parquet(?)", [one]).fetchone()[0] == N
    files = [str(out / "many" / "a.parquet"), str(out / "many" / "b.parquet"), one]
    count = duckdb.execute("SELECT count(*) FROM read_parquet(?)", [files]).fetchone()[0]
    assert count == 2 * N  # a ConversionException when an empty column was null-typed
    glob = str(out / "many" / "*.parquet")
    rows = duckdb.execute(
        "SELECT id, confidence, len(tags), bbox.xmin FROM read_parquet(?) ORDER BY id", [glob]
    ).fetchall()
    expected = incidents.sort_values("id")
    assert [r[0] for r in rows] == list(expected["id"])
    assert {r[1] for r in rows} == {None}
    assert [r[2] for r in rows] == [len(t) for t in expected["tags"]]
    assert [r[3] for r in rows] == list(expected.geometry.bounds["minx"])


def test_duckdb_partitioned(out, incidents, duckdb):
    glob = str(out / "by-year" / "**" / "*.parquet")
    rows = duckdb.execute(
        "SELECT year, count(*) FROM read_parquet(?, hive_partitioning = true) GROUP BY year "
        "ORDER BY year",
        [glob],
    ).fetchall()
    counts = incidents["date_start"].str[:4].astype(int).value_counts().sort_index()
    assert [(int(y), n) for y, n in rows] == list(counts.items())


# -- CSV --------------------------------------------------------------------------------------


def test_pandas_reads_csv(out, incidents):
    frame = pd.read_csv(out / "incidents.csv", dtype=str, keep_default_na=False)
    assert list(frame["id"]) == list(incidents["id"])
    points = incidents.geometry.geom_type == "Point"
    for i in range(N):
        if points[i]:
            geometry = shapely.Point(float(frame["lon"][i]), float(frame["lat"][i]))
        else:
            geometry = shapely.from_wkt(frame["wkt"][i])
        assert shapely.equals_exact(geometry, incidents.geometry[i], tolerance=0), i
    assert json.loads(frame["sources"][0]) == incidents["sources"][0]
