"""`geoevents aggregate` and `geoevents.aggregate`: counts per cell or country, change classes."""

from __future__ import annotations

import datetime as dt
import json

import geopandas as gpd
import h3
import numpy as np
import pandas as pd
import pytest
import shapely
from incident_maker import incident, write_store

import geoevents
from geoevents.aggregation import aggregate, change_classes, previous_window, window_ending
from geoevents.errors import UsageError

KIRKUK, RAQQA, NIAMEY = (44.39, 35.47), (39.01, 35.95), (2.11, 13.51)
OCT = (dt.date(2017, 10, 1), dt.date(2017, 10, 31))


def _store(tmp_path):
    features = [
        # Kirkuk: 6 in October, 2 in September -> sharp rise
        *[
            incident(f"k{i}", f"2017-10-{i + 10:02d}", lonlat=KIRKUK, fatalities=i)
            for i in range(5)
        ],
        incident("k5", "2017-09-30", "2017-10-02", lonlat=KIRKUK),  # overlaps both windows
        incident("k6", "2017-09-12", lonlat=KIRKUK, fatalities=1),
        # Raqqa: 5 in October, 5 in September -> stable
        *[incident(f"r{i}", f"2017-10-0{i + 1}", lonlat=RAQQA, iso3="SYR") for i in range(5)],
        *[incident(f"q{i}", f"2017-09-0{i + 1}", lonlat=RAQQA, iso3="SYR") for i in range(5)],
        # Niamey: none in October, 6 in September -> sharp fall
        *[incident(f"n{i}", f"2017-09-1{i}", lonlat=NIAMEY, iso3="NER") for i in range(6)],
        # Outside both windows: counted by neither
        incident("old", "2016-01-01", lonlat=NIAMEY, iso3="NER"),
    ]
    return write_store(tmp_path / "agg.geojson", features)


@pytest.fixture
def store(tmp_path):
    return _store(tmp_path)


@pytest.fixture
def gdf(store):
    return geoevents.load(store)


def test_change_classes_and_the_minimum():
    current = np.array([10, 6, 5, 4, 3, 0, 4, 1, 0])
    previous = np.array([5, 4, 5, 5, 6, 6, 0, 0, 0])
    assert change_classes(current, previous).tolist() == [
        "sharp rise",  # x2
        "rise",  # x1.5
        "stable",
        "fall",  # x0.8
        "sharp fall",  # x0.5
        "sharp fall",  # to nothing
        "too few",  # 0 -> 4 is below the minimum of 5
        "too few",  # 0 -> 1 is not "+100 %"
        "too few",
    ]
    # Symmetric: swapping the windows swaps rises and falls.
    assert change_classes(np.array([4]), np.array([5]), min_count=1).tolist() == ["fall"]
    assert change_classes(np.array([5]), np.array([4]), min_count=1).tolist() == ["rise"]


def test_windows():
    assert previous_window(OCT) == (dt.date(2017, 9, 1), dt.date(2017, 9, 30))
    year = (dt.date(2019, 1, 1), dt.date(2019, 12, 31))
    assert previous_window(year) == (dt.date(2018, 1, 1), dt.date(2018, 12, 31))
    days = (dt.date(2017, 10, 10), dt.date(2017, 10, 19))
    assert previous_window(days) == (dt.date(2017, 9, 30), dt.date(2017, 10, 9))
    assert window_ending(dt.date(2020, 1, 1), "3m") == (dt.date(2019, 11, 1), dt.date(2020, 1, 31))
    assert window_ending(dt.date(2020, 1, 14), "2w") == (dt.date(2020, 1, 1), dt.date(2020, 1, 14))
    with pytest.raises(UsageError, match="not a length"):
        window_ending(dt.date(2020, 1, 1), "0d")


def test_hex_counts_fatalities_change_and_dates(gdf):
    table = aggregate(gdf, "hex", resolution=5, window=OCT)
    assert isinstance(table, gpd.GeoDataFrame) and table.crs == "EPSG:4326"
    rows = {r["cell"]: r for r in table.drop(columns="geometry").to_dict("records")}
    kirkuk = rows[h3.latlng_to_cell(KIRKUK[1], KIRKUK[0], 5)]
    assert kirkuk == {
        "cell": h3.latlng_to_cell(KIRKUK[1], KIRKUK[0], 5),
        "incidents": 6,
        "fatalities": 10,
        "unreported": 1,
        "previous": 2,
        "change": "sharp rise",
        "first_date": "2017-09-30",
        "last_date": "2017-10-14",
    }
    assert rows[h3.latlng_to_cell(RAQQA[1], RAQQA[0], 5)]["change"] == "stable"
    niamey = rows[h3.latlng_to_cell(NIAMEY[1], NIAMEY[0], 5)]
    assert (niamey["incidents"], niamey["previous"], niamey["change"]) == (0, 6, "sharp fall")
    assert niamey["first_date"] is None and niamey["last_date"] is None
    assert table["incidents"].tolist() == [6, 5, 0]  # most first
    cell = table.geometry.iloc[0]
    assert cell.geom_type == "Polygon" and cell.exterior.is_ccw
    assert cell.contains(gpd.points_from_xy([KIRKUK[0]], [KIRKUK[1]])[0])


def test_country_aggregates_and_no_window(gdf):
    table = aggregate(gdf, "country")
    assert table["iso3"].tolist() == ["SYR", "IRQ", "NER"]
    assert table["country"].tolist() == ["Syria", "Iraq", "Niger"]
    by = dict(zip(table["iso3"], table["incidents"], strict=True))
    assert by == {"IRQ": 7, "SYR": 10, "NER": 7}
    assert table["previous"].isna().all() and table["change"].isna().all()
    assert table.loc[table["iso3"] == "NER", "first_date"].item() == "2016-01-01"
    windowed = aggregate(gdf, "country", window=OCT)
    assert dict(zip(windowed["iso3"], windowed["change"], strict=True)) == {
        "IRQ": "sharp rise",
        "SYR": "stable",
        "NER": "sharp fall",
    }
    assert all(g is not None and g.area > 1 for g in windowed.geometry)


def test_bad_arguments(gdf):
    with pytest.raises(UsageError, match="cannot aggregate by 'admin1'"):
        aggregate(gdf, "admin1")
    with pytest.raises(UsageError, match="resolution 16 is out of range"):
        aggregate(gdf, "hex", resolution=16)


@pytest.mark.parametrize("ext", ["geojson", "parquet", "csv"])
def test_cli_writes_each_format_and_it_reads_back(run, store, tmp_path, ext):
    out = tmp_path / f"out.{ext}"
    result = run("aggregate", store, "--start", "2017-10", "--end", "2017-10", "-o", out)
    assert result.exit_code == 0, result.output
    assert result.stderr == (
        f"{out}: 3 cells (H3 resolution 5), 11 incidents, window 2017-10-01 to 2017-10-31\n"
    )
    if ext == "csv":
        back = pd.read_csv(out, keep_default_na=False)
        assert list(back.columns)[-3:] == ["lon", "lat", "wkt"]
        assert back["wkt"].str.startswith("POLYGON").all()
    elif ext == "parquet":
        back = gpd.read_parquet(out)
        assert back.crs == "EPSG:4326" and back.geometry.geom_type.eq("Polygon").all()
    else:
        doc = json.loads(out.read_text(encoding="utf-8"))
        back = pd.DataFrame([f["properties"] for f in doc["features"]])
        assert doc["features"][0]["geometry"]["type"] == "Polygon"
    assert back["incidents"].tolist() == [6, 5, 0]
    assert back["change"].tolist() == ["sharp rise", "stable", "sharp fall"]
    assert back["previous"].tolist() == [2, 5, 6]


def test_cli_window_length_and_country(run, store, tmp_path):
    out = tmp_path / "c.csv"
    result = run("aggregate", store, "--by", "country", "--window", "1m", "-o", out)
    assert result.exit_code == 0, result.output
    assert "window 2017-10-01 to 2017-10-31" in result.stderr
    back = pd.read_csv(out)
    assert back[["iso3", "incidents", "previous"]].values.tolist() == [
        ["IRQ", 6, 2],
        ["SYR", 5, 5],
        ["NER", 0, 6],
    ]


def test_cli_errors(run, store, tmp_path):
    out = tmp_path / "x.csv"
    bad = run("aggregate", store, "--window", "3x", "-o", out)
    assert bad.exit_code == 2 and "window '3x' is not a length" in bad.stderr
    both = run("aggregate", store, "--window", "3m", "--start", "2017", "-o", out)
    assert both.exit_code == 2 and "--window sets the start of the window" in both.stderr
    empty = run("aggregate", store, "--start", "2030", "-o", out)
    assert empty.exit_code == 5 and "no incident left after the filter date" in empty.stderr
    ext = run("aggregate", store, "-o", tmp_path / "x.gpkg")
    assert ext.exit_code == 2 and "cannot write aggregates as .gpkg" in ext.stderr
    assert run("aggregate", store, "-o", out).exit_code == 0
    again = run("aggregate", store, "-o", out)
    assert again.exit_code == 6 and "already exists; pass --force" in again.stderr
    assert run("aggregate", store, "-o", out, "--force").exit_code == 0


@pytest.mark.parametrize("way", ["one pass", "distinct positions first", "two threads"])
def test_cells_in_bulk_are_h3s_own_cell_of_each_point(monkeypatch, way):
    """The whole-array H3 (h3ronpy) gives what h3's per-point call gives, poles and 180
    included: for the positions as they are, or their distinct ones first (when a sample says
    many repeat), in one thread or in two halves."""
    from geoevents.aggregation import hex_cells, hexes

    if way == "distinct positions first":
        monkeypatch.setattr(hexes, "_DISTINCT_SHARE", 1.0)
    elif way == "one pass":
        monkeypatch.setattr(hexes, "_DISTINCT_SHARE", 0.0)
    else:
        monkeypatch.setattr(hexes, "_THREADED_POSITIONS", 10)

    rng = np.random.default_rng(7)
    lon = np.concatenate([rng.uniform(-180, 180, 2000), [180.0, -180.0, 0.0, 179.9999]])
    lat = np.concatenate([rng.uniform(-90, 90, 2000), [90.0, -90.0, 0.0, -0.0001]])
    lon, lat = np.concatenate([lon, lon[:500]]), np.concatenate([lat, lat[:500]])  # repeats
    # Lines and areas count at a point on their surface, as the page draws them.
    geometry = [
        *gpd.points_from_xy(lon, lat),
        shapely.box(10, 10, 11, 11),
        shapely.LineString([(30, 5), (31, 6)]),
    ]
    gdf = gpd.GeoDataFrame(geometry=geometry, crs="EPSG:4326")
    points = shapely.point_on_surface(np.asarray(gdf.geometry.values))
    for resolution in (0, 3, 5, 9, 15):
        expected = [
            h3.latlng_to_cell(y, x, resolution)
            for x, y in zip(shapely.get_x(points), shapely.get_y(points), strict=True)
        ]
        assert hex_cells(gdf, resolution).tolist() == expected


@pytest.mark.parametrize("at_once", [None, 7])
def test_cell_polygons_in_bulk_are_h3s_boundaries(monkeypatch, at_once):
    """The polygons built in whole arrays are each cell's boundary, counter-clockwise, in one
    piece across the antimeridian; pentagons and cells cut by icosahedron edges included; also
    when H3 is asked for a few rings at a time."""
    from geoevents.aggregation import hexes

    if at_once:
        monkeypatch.setattr(hexes, "_RINGS_AT_ONCE", at_once)
    from shapely.geometry import Polygon
    from shapely.geometry.polygon import orient

    from geoevents.aggregation import cell_polygons

    cells = sorted({c for r in h3.get_res0_cells() for c in h3.cell_to_children(r, 1)})
    assert any(h3.is_pentagon(c) for c in cells)
    for cell, shape in zip(cells, cell_polygons(cells), strict=True):
        ring = [(lon, lat) for lat, lon in h3.cell_to_boundary(cell)]
        if max(x for x, _ in ring) - min(x for x, _ in ring) > 180:
            ring = [(x + 360 if x < 0 else x, y) for x, y in ring]
        assert shape.wkt == orient(Polygon(ring), sign=1.0).wkt
    assert cell_polygons([]) == []


def test_cell_rings_are_the_polygons_open_rings():
    """The map's hexagon boundaries (cell_rings) are the polygons' exterior rings without the
    closing vertex, a cell around a pole and cells across the antimeridian included."""
    from geoevents.aggregation.hexes import cell_polygons, cell_rings

    cells = sorted({c for r in h3.get_res0_cells() for c in h3.cell_to_children(r, 1)})
    sizes, coords = cell_rings(cells)
    starts = np.concatenate([[0], np.cumsum(sizes)])
    for k, shape in enumerate(cell_polygons(cells)):
        ring = np.asarray(shape.exterior.coords)[:-1]
        assert sizes[k] == len(ring)
        assert coords[starts[k] : starts[k + 1]].tolist() == ring.tolist()
    assert [len(a) for a in cell_rings([])] == [0, 0]


def test_dates_count_windows_as_the_date_filter_does(gdf):
    """Windows on date ranks select what filter_incidents' date filter selects, open ends and
    spans included; bounds are the first date_start and the last date_end."""
    from geoevents.aggregation.dates import incident_dates

    dates = incident_dates(gdf)
    for window in [OCT, previous_window(OCT), (dt.date(2017, 10, 2), dt.date(2017, 10, 2))]:
        mine = gdf[dates.within(window)]["id"].tolist()
        kept = geoevents.filter_incidents(gdf, start=window[0], end=window[1])["id"].tolist()
        assert mine == kept
    assert dates.bounds() == ("2016-01-01", "2017-10-14")
    assert dates.bounds(np.zeros(len(gdf), dtype=bool)) == (None, None)


def test_country_keys_merge_missing_and_given_unknown():
    from geoevents.aggregation.build import aggregate_parts

    gdf = gpd.GeoDataFrame(
        {
            "iso3": ["IRQ", None, "(unknown)", "IRQ", "SYR"],
            "country": [None, "?", None, "Iraq", "Syria"],
            "fatalities": pd.array([1, None, 2, 3, None], dtype="Int64"),
            "date_start": ["2017-10-01"] * 5,
            "date_end": ["2017-10-01", "2017-10-03", None, "2017-10-02", "2017-10-01"],
        },
        geometry=gpd.points_from_xy([44] * 5, [35] * 5),
        crs="EPSG:4326",
    )
    parts = aggregate_parts(gdf, "country")
    table = parts.table
    assert table.index.tolist() == ["(unknown)", "IRQ", "SYR"]
    assert table["incidents"].tolist() == [2, 2, 1]
    assert table["fatalities"].tolist() == [2, 4, 0]
    assert table["unreported"].tolist() == [1, 0, 1]
    assert table["last_date"].tolist() == ["2017-10-03", "2017-10-02", "2017-10-01"]
    # The first name given, skipping missing ones.
    assert parts.names.to_dict() == {"(unknown)": "?", "IRQ": "Iraq", "SYR": "Syria"}
