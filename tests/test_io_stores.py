"""GeoParquet stores of many files, pushdown, and the format points of issue 15 (3, 4, 7).

- every GeoParquet column has its schema type, so that files read together (point 3);
- CSV ``wkt`` keeps every coordinate (point 4);
- GeoPackage 1.2, which GDAL reads without a warning (point 7);
- directories, globs and hive-partitioned stores read as one, with the date, type and bbox
  filters pushed down, giving exactly what reading everything then filtering gives.
"""

from __future__ import annotations

import json
import sqlite3
import warnings
from typing import Any

import geopandas as gpd
import pandas as pd
import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.parquet as pq
import pyogrio
import pytest
import shapely
from click.testing import CliRunner

import geoevents.io.formats as formats
import geoevents.io.memory as memory
from geoevents import schema
from geoevents.cli import cli
from geoevents.errors import InputError, OutputError, UsageError
from geoevents.filters import Criteria, filter_incidents
from geoevents.io import load, read_incidents, write_incidents
from geoevents.io.parquet import ARROW_TYPES
from geoevents.io.pushdown import bbox_covering, pushdown_filter
from geoevents.testing import synthetic


def store_frame(tmp_path, n: int = 600) -> gpd.GeoDataFrame:
    """Valid incidents with every schema column, some lines and polygons, some at 180°."""
    first = write_incidents(synthetic.incidents(n), tmp_path / "seed.parquet")
    gdf = load(first)
    first.unlink()
    geoms = list(gdf.geometry)
    for i in range(10, 20):
        x, y = geoms[i].x, geoms[i].y
        geoms[i] = shapely.LineString([(x, y), (x + 0.712345678, y + 0.3123456789)])
    for i in range(20, 30):
        x, y = geoms[i].x, geoms[i].y
        geoms[i] = shapely.box(x, y, x + 0.5, y + 0.25)
    for i in range(30, 35):  # around the antimeridian
        geoms[i] = shapely.Point(179.5 if i % 2 else -179.25, -17.0 - i / 10)
    gdf = gdf.set_geometry(gpd.GeoSeries(geoms, crs=schema.CRS))
    gdf["confidence"] = [schema.CONFIDENCE[i % 3] if i % 4 else None for i in range(len(gdf))]
    gdf["tags"] = [[f"t{i % 5}"] if i % 2 else [] for i in range(len(gdf))]
    gdf["assoc_actors"] = [["Ally"] if i % 9 == 0 else [] for i in range(len(gdf))]
    return gdf


@pytest.fixture(scope="module")
def frame(tmp_path_factory):
    return store_frame(tmp_path_factory.mktemp("frame"))


def same(a: gpd.GeoDataFrame, b: gpd.GeoDataFrame) -> None:
    pd.testing.assert_frame_equal(
        pd.DataFrame(a.drop(columns="geometry")), pd.DataFrame(b.drop(columns="geometry"))
    )
    assert list(a.geometry.to_wkb()) == list(b.geometry.to_wkb())
    assert a.crs == b.crs


def by_id(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    return gdf.sort_values("id", kind="stable").reset_index(drop=True)


# -- point 3: every column has its schema type -----------------------------------------------


def test_empty_columns_keep_their_schema_type(tmp_path, frame):
    empty = frame.iloc[:5].copy()
    empty["confidence"] = None
    empty["assoc_actors"] = [[] for _ in range(5)]
    empty["tags"] = [[] for _ in range(5)]
    empty["fatalities"] = pd.array([None] * 5, dtype="Int64")
    a = write_incidents(empty, tmp_path / "a.parquet")
    b = write_incidents(frame.iloc[5:], tmp_path / "b.parquet")
    for path in (a, b):
        file_schema = pq.read_schema(path)
        for name, t in ARROW_TYPES.items():
            assert file_schema.field(name).type == t, (path.name, name)
    table = ds.dataset([str(a), str(b)]).to_table()  # raised "Unsupported cast from string to null"
    assert table.num_rows == len(frame)
    both = load(tmp_path / "*.parquet")
    same(by_id(both), by_id(pd.concat([load(a), load(b)], ignore_index=True)))


def test_missing_columns_are_written_typed(tmp_path, frame):
    narrow = frame[["id", "title", "date_start", "event_type", "geometry"]]
    path = write_incidents(narrow, tmp_path / "narrow.parquet")
    assert pq.read_schema(path).names[: len(schema.COLUMNS)] == list(schema.COLUMNS)
    same(load(path), load(write_incidents(narrow, tmp_path / "narrow.geojson")))


def test_old_null_typed_files_still_read_together(tmp_path, frame):
    # Files written before point 3 was fixed: pandas' inference gave empty columns Arrow's null.
    old = frame.iloc[:4].copy()
    old["confidence"] = None
    old["assoc_actors"] = [[] for _ in range(4)]
    expected = load(write_incidents(pd.concat([old, frame.iloc[4:]]), tmp_path / "all.geojson"))
    old["sources"] = old["sources"].map(json.dumps)
    old.to_parquet(tmp_path / "old.parquet", index=False)
    assert pq.read_schema(tmp_path / "old.parquet").field("confidence").type == pa.null()
    write_incidents(frame.iloc[4:], tmp_path / "new.parquet")
    both = load(tmp_path)
    assert len(both) == len(frame)
    same(by_id(both), by_id(expected))


def test_bbox_covering_columns(tmp_path, frame):
    path = write_incidents(frame, tmp_path / "s.parquet")
    file_schema = pq.read_schema(path)
    assert bbox_covering(file_schema) == {
        "xmin": ["bbox", "xmin"],
        "ymin": ["bbox", "ymin"],
        "xmax": ["bbox", "xmax"],
        "ymax": ["bbox", "ymax"],
    }
    assert b'"version": "1.1.0"' in file_schema.metadata[b"geo"]
    assert "bbox" not in load(path).columns


def test_the_covering_is_read_by_the_row_filter_only(tmp_path, frame, monkeypatch):
    # Turned into pandas, a covering is one dict per row (300 MB and a third of the read at a
    # million rows), which geopandas then drops: the reader leaves it to the filter.
    path = write_incidents(frame, tmp_path / "s.parquet")
    read = gpd.read_parquet
    asked: list[Any] = []

    def spy(*args: Any, **kwargs: Any) -> gpd.GeoDataFrame:
        asked.append(kwargs.get("columns"))
        return read(*args, **kwargs)

    monkeypatch.setattr(gpd, "read_parquet", spy)
    box = Criteria(bbox=(40.0, 31.0, 44.5, 35.0))
    some, report, _ = read_incidents(path, criteria=box)
    assert some is not None and report.ok
    assert len(some) < len(frame)  # the filter left rows out, by the covering
    assert asked and all(c is not None and "bbox" not in c and "geometry" in c for c in asked)
    whole = load(path)
    assert len(whole) == len(frame)
    same(by_id(filter_incidents(some, box)), by_id(filter_incidents(whole, box)))


# -- point 4: CSV wkt keeps every coordinate --------------------------------------------------


def test_csv_keeps_every_coordinate(tmp_path, frame):
    rows = frame.iloc[:40].copy()
    rows.loc[0, "geometry"] = shapely.Point(44.012345678901234, 33.98765432109876)
    path = write_incidents(rows, tmp_path / "s.csv")
    text = path.read_text(encoding="utf-8")
    assert "39.0123457" not in text and "0.712345678" not in text  # nothing rounded to 7 places
    back = load(path)
    assert list(back.geometry.to_wkb()) == list(rows.geometry.to_wkb())
    line = rows.geometry.iloc[10]
    assert shapely.equals_exact(back.geometry.iloc[10], line, tolerance=0)


# -- point 7: GeoPackage 1.2 -----------------------------------------------------------------


def test_geopackage_is_version_1_2(tmp_path, frame):
    path = write_incidents(frame, tmp_path / "s.gpkg")
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA application_id").fetchone()[0] == 0x47504B47  # "GPKG"
        assert db.execute("PRAGMA user_version").fetchone()[0] == 10200
        triggers = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='trigger'")}
    # The 1.2 R-tree triggers, not the 1.4 set (update5..7) that GDAL 3.6's validator rejects.
    assert {f"rtree_incidents_geom_update{i}" for i in (1, 2, 3, 4)} <= triggers
    assert not {t for t in triggers if t.endswith(("update5", "update6", "update7"))}
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert len(pyogrio.read_dataframe(path)) == len(frame)
    same(load(path), load(write_incidents(frame, tmp_path / "s.geojson")))


# -- stores of many files ---------------------------------------------------------------------


CRITERIA = [
    Criteria(),
    Criteria(start="2019"),
    Criteria(end="2018-06"),
    Criteria(start="2018-03", end="2020-02-15"),
    Criteria(types=["Battles", "riots"]),
    Criteria(bbox=(40.0, 31.0, 44.5, 35.0)),
    Criteria(bbox=(179.0, -20.0, -179.0, -16.0)),  # across the antimeridian
    Criteria(start="2019", types=["Protests"], bbox=(38, 30, 48, 37), countries=["Syria"]),
    Criteria(text="incident 1", min_fatalities=1),
    Criteria(start="2030"),
]


@pytest.fixture(scope="module")
def stores(tmp_path_factory, frame):
    base = tmp_path_factory.mktemp("stores")
    one = write_incidents(frame, base / "one.parquet")
    split = base / "split"
    write_incidents(frame.iloc[:200], split / "a.parquet")
    write_incidents(frame.iloc[200:], split / "b.parquet")
    part = write_incidents(frame, base / "part", partition_by="year")
    return {"file": one, "dir": split, "glob": split / "*.parquet", "partitioned": part}


@pytest.mark.parametrize("kind", ["file", "dir", "glob", "partitioned"])
@pytest.mark.parametrize("criteria", CRITERIA, ids=lambda c: "; ".join(c.describe()) or "none")
def test_pushdown_gives_what_filtering_gives(stores, frame, kind, criteria):
    path = stores[kind]
    everything = load(path)
    assert len(everything) == len(frame)
    same(load(path, criteria=criteria), filter_incidents(everything, criteria))


def test_pushdown_reads_less(stores):
    criteria = Criteria(start="2019", end="2019", types=["Battles"], bbox=(40, 31, 44.5, 35))
    gdf, report, bad = read_incidents(stores["partitioned"], criteria=criteria)
    assert bad == set() and report.problems == []
    everything = load(stores["partitioned"])
    assert len(filter_incidents(everything, criteria)) <= len(gdf) < len(everything) / 10


def test_pushdown_expression():
    bbox = pa.struct([(k, pa.float64()) for k in ("xmin", "ymin", "xmax", "ymax")])
    names = ("date_start", "date_end", "event_type")
    covered = pa.schema(
        [*((name, pa.string()) for name in names), ("bbox", bbox)],
        metadata={
            b"geo": b'{"primary_column": "geometry", "columns": {"geometry": {"covering": '
            b'{"bbox": {"xmin": ["bbox", "xmin"], "ymin": ["bbox", "ymin"], '
            b'"xmax": ["bbox", "xmax"], "ymax": ["bbox", "ymax"]}}}}}'
        },
    )
    assert pushdown_filter(None, covered) is None
    assert pushdown_filter(Criteria(countries=["SYR"]), covered) is None  # not pushed down
    assert pushdown_filter(Criteria(bbox=(1, 2, 3, 4)), covered) is not None
    dates = pa.schema([("date_start", pa.date32()), ("event_type", pa.string())])
    assert pushdown_filter(Criteria(start="2019", bbox=(1, 2, 3, 4)), dates) is None
    table = pa.table(
        {
            "date_start": ["2018-12-30", "2018-12-30", "2019-02-01", None],
            "date_end": ["2019-01-02", None, None, "2019-05-05"],
        }
    )
    kept = ds.dataset(table).to_table(filter=pushdown_filter(Criteria(start="2019"), table.schema))
    # Row 1 ends (by default) on 2018-12-30; row 3 has no date_start, which the checks report.
    assert kept["date_start"].to_pylist() == ["2018-12-30", "2019-02-01", None]


@pytest.mark.parametrize("kind", ["dir", "partitioned"])
def test_a_store_of_many_files_is_read_a_file_at_a_time(stores, kind, monkeypatch):
    # Given every file, pyarrow reads several at once, each whole before the filter: a file at
    # a time keeps the read's peak near one file's (the selection itself is the test above).
    read = gpd.read_parquet
    sources: list[Any] = []

    def spy(source: Any, **kwargs: Any) -> gpd.GeoDataFrame:
        sources.append(source)
        return read(source, **kwargs)

    monkeypatch.setattr(gpd, "read_parquet", spy)
    gdf, report, _ = read_incidents(stores[kind], criteria=Criteria(start="2019"))
    assert report.ok and len(gdf) > 0
    assert len(sources) > 1 and all(isinstance(s, list) and len(s) == 1 for s in sources)


def test_invalid_rows_given_away_are_dropped_column_by_column(frame, tmp_path):
    # --skip-invalid: the incidents left are the same whether the reader's frame is kept or
    # given away; given away, each column is let go of once its rows are copied, so a
    # million incidents' columns are not held twice (2.09 -> 1.62 GB at a million).
    from geoevents.io.formats import usable_incidents

    broken = frame.copy()
    broken.loc[[3, 50, 51, 599], "date_start"] = "not a date"
    store = write_incidents(broken, tmp_path / "broken.parquet")
    kept, report, bad = read_incidents(store, arrow_text=True)
    given, _, _ = read_incidents(store, arrow_text=True)
    assert bad == {3, 50, 51, 599} and len(report.errors) == 4
    expected = usable_incidents(kept, report, bad, skip_invalid=True)
    got = usable_incidents(given, report, bad, skip_invalid=True, consume=True)
    same(got, expected)
    assert list(expected["id"]) == [i for k, i in enumerate(frame["id"]) if k not in bad]
    assert list(given.columns) == ["geometry"]  # the rest let go of
    assert len(kept.columns) == len(got.columns)  # a frame kept is left as it was


@pytest.mark.parametrize("large", [1, 1 << 40])
def test_invalid_rows_are_dropped_large_columns_one_at_a_time_beside_the_others(
    frame, tmp_path, monkeypatch, large
):
    # The large arrow columns are copied one after another in a thread (arrow lets go of the
    # GIL), the others meanwhile in the main thread: the same rows, the same columns in the
    # same order, as copied one at a time; the frame given away keeps only its geometries.
    import threading

    import pandas as pd

    from geoevents.io import formats

    monkeypatch.setattr(formats, "_LARGE_COLUMN", large)
    broken = frame.copy()
    broken.loc[[3, 50, 599], "date_start"] = "not a date"
    store = write_incidents(broken, tmp_path / "broken.parquet")
    kept, report, bad = read_incidents(store, arrow_text=True)
    given, _, _ = read_incidents(store, arrow_text=True)
    arrow = [c for c in kept.columns if isinstance(kept[c].dtype, pd.ArrowDtype)]
    assert "summary" in arrow
    expected = formats.usable_incidents(kept, report, bad, skip_invalid=True)
    seen: list[tuple[str, bool]] = []
    real = formats._rows_of

    def copying(series, keep):
        seen.append((series.name, threading.current_thread() is threading.main_thread()))
        return real(series, keep)

    monkeypatch.setattr(formats, "_rows_of", copying)
    got = formats.usable_incidents(given, report, bad, skip_invalid=True, consume=True)
    same(got, expected)
    in_thread = [name for name, main in seen if not main]
    assert in_thread == (arrow if large == 1 else [])
    assert sorted(name for name, _ in seen) == sorted(kept.columns)
    assert list(got.columns) == list(kept.columns) and list(given.columns) == ["geometry"]


@pytest.mark.parametrize("kind", ["file", "partitioned"])
def test_a_store_is_read_without_the_collector_walking_its_geometries(stores, kind):
    # Each shapely geometry is a container to Python's collector: with it on, reading a
    # million cost nine full collections (0.45 s), for objects that form no cycles.
    from geoevents.io.parquet import read_parquet
    from geoevents.io.stores import resolve_store

    store = resolve_store(stores[kind])
    collections: list[int] = []

    def seen(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            collections.append(info["generation"])

    import gc

    gc.collect()
    threshold = gc.get_threshold()
    gc.set_threshold(100)  # a young generation far smaller than the store
    gc.callbacks.append(seen)
    try:
        raw, geoms = read_parquet(store)
    finally:
        gc.callbacks.remove(seen)
        gc.set_threshold(*threshold)
    assert len(geoms) == len(raw) > 100
    # At most the one young collection when the reader hands the store back (with the
    # collector on throughout: one per hundred objects made).
    assert collections in ([], [0])
    assert gc.isenabled()


@pytest.mark.parametrize("command", ["list", "map", "stats"])
def test_a_command_reads_only_what_its_filters_can_select(
    stores, frame, command, monkeypatch, tmp_path
):
    # As on a cluster, the rows the files' own filter leaves out are neither read nor
    # checked: a month of a store of millions is read in seconds.
    read = formats.read_parquet
    rows: list[int] = []

    def spy(*args: Any, **kwargs: Any) -> Any:
        raw, geoms = read(*args, **kwargs)
        rows.append(len(raw))
        return raw, geoms

    monkeypatch.setattr(formats, "read_parquet", spy)
    path = str(stores["partitioned"])
    html = str(tmp_path / "m.html")
    out = {"list": ["--format", "json"], "map": ["-o", html, "--tiles", "none"], "stats": []}
    args = [command, path, "--start", "2019", "--end", "2019", *out[command]]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    expected = filter_incidents(frame, Criteria(start="2019", end="2019"))
    assert rows and len(expected) <= rows[-1] < len(frame) / 2
    if command == "list":
        assert sorted(r["id"] for r in json.loads(result.stdout)) == sorted(expected["id"])


def test_a_map_of_too_many_is_refused_before_its_store_is_read(
    stores, frame, monkeypatch, tmp_path
):
    # The files' filter counts (at least) the selection from the columns it tests: a map of
    # more than --max-points is refused before the store is read and checked.
    def never(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("read")

    monkeypatch.setattr(formats, "read_parquet", never)
    path = str(stores["partitioned"])
    kept = len(filter_incidents(frame, Criteria(start="2019")))
    html = str(tmp_path / "m.html")
    args = ["map", path, "--start", "2019", "--max-points", "5", "-o", html]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 3, result.output
    assert f"up to {kept:,} incidents match, more than the 5 one map page" in result.stderr
    assert "--max-points N" in result.stderr and "Traceback" not in result.output
    # Filters the files cannot apply (a country) leave the count to the read.
    monkeypatch.undo()
    args = ["map", path, "--start", "2019", "--country", "Syria", "--max-points", "5"]
    result = CliRunner().invoke(cli, [*args, "-o", html])
    assert result.exit_code in (3, 5) and "up to" not in result.stderr


def test_partitioned_layout(stores, frame):
    root = stores["partitioned"]
    years = sorted({d[:4] for d in frame["date_start"]})
    assert sorted(p.name for p in root.iterdir()) == [f"year={y}" for y in years]
    for folder in root.iterdir():
        assert [p.name for p in folder.iterdir()] == ["part-0.parquet"]
    assert "year" not in load(root).columns


def test_partitioned_overwrite(tmp_path, frame):
    dest = write_incidents(frame.iloc[:50], tmp_path / "store", partition_by="year")
    with pytest.raises(OutputError, match="already exists"):
        write_incidents(frame, dest, partition_by="year", overwrite=False)
    write_incidents(frame.iloc[50:60], dest, partition_by="year")
    assert len(load(dest)) == 10
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no leftovers
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "todo.txt").write_text("keep me")
    with pytest.raises(OutputError, match="not GeoParquet"):
        write_incidents(frame, tmp_path / "notes", partition_by="year")
    assert (tmp_path / "notes" / "todo.txt").exists()
    with pytest.raises(UsageError, match="cannot partition by 'country'"):
        write_incidents(frame, tmp_path / "x", partition_by="country")
    with pytest.raises(UsageError, match="a directory of GeoParquet files"):
        write_incidents(frame, tmp_path / "x.geojson", partition_by="year")


def test_hive_key_that_is_a_schema_column(tmp_path, frame):
    # A foreign layout: iso3 only in the folder names.
    frame = frame.assign(iso3=["SYR" if x < 42 else "IRQ" for x in frame.geometry.bounds.minx])
    for iso3, rows in frame.groupby("iso3"):
        table = rows.drop(columns="iso3")
        write_incidents(table, tmp_path / "s" / f"iso3={iso3}" / "part.parquet")
    got = by_id(load(tmp_path / "s"))
    same(got, by_id(load(write_incidents(frame, tmp_path / "all.geojson"))))


def test_store_errors(tmp_path, frame):
    with pytest.raises(InputError, match="no file matches"):
        load(tmp_path / "*.parquet")
    (tmp_path / "empty").mkdir()
    with pytest.raises(InputError, match="is a directory with no GeoParquet"):
        load(tmp_path / "empty")
    write_incidents(frame.iloc[:3], tmp_path / "mixed" / "a.parquet")
    write_incidents(frame.iloc[3:6], tmp_path / "mixed" / "b.csv")
    with pytest.raises(UsageError, match="not GeoParquet"):
        load(tmp_path / "mixed" / "*")
    assert len(load(tmp_path / "mixed")) == 3  # a directory store holds its .parquet files
    projected = frame.iloc[:3].to_crs(3857)
    projected.to_parquet(tmp_path / "mixed" / "c.parquet")
    with pytest.raises(InputError, match="stores its geometry differently"):
        load(tmp_path / "mixed")
    clash = tmp_path / "clash"
    write_incidents(frame.iloc[:3], clash / "a.parquet")
    bad = pd.DataFrame(frame.iloc[3:6].drop(columns="geometry")).astype({"fatalities": float})
    bad["fatalities"] = ["many", "few", None]
    gpd.GeoDataFrame(bad, geometry=frame.geometry.iloc[3:6].values, crs=schema.CRS).pipe(
        lambda g: g.assign(sources=g["sources"].map(str))
    ).to_parquet(clash / "b.parquet", schema_version="1.1.0", write_covering_bbox=True)
    with pytest.raises(InputError, match="give a column different types"):
        load(clash)


def test_memory_guard_sees_every_file(tmp_path, frame, monkeypatch):
    split = tmp_path / "split"
    a = write_incidents(frame.iloc[:300], split / "a.parquet")
    b = write_incidents(frame.iloc[300:], split / "b.parquet")
    single = memory.estimate_memory(a, "parquet") - memory.MEMORY_FIXED
    both = single + memory.estimate_memory(b, "parquet") - memory.MEMORY_FIXED
    assert memory.estimate_memory(split, "parquet") == both + memory.MEMORY_FIXED
    assert memory.estimate_memory(split / "*.parquet", "parquet") == both + memory.MEMORY_FIXED
    monkeypatch.setattr(memory, "available_memory", lambda: 1000)
    with pytest.raises(InputError, match=r"GeoParquet store of 2 files needs about"):
        load(split / "*.parquet")
