"""`geoevents list`: its output formats, through the CLI as a user runs it."""

from __future__ import annotations

import csv
import io
import json

import shapely
from helpers import SMALL

import geoevents


def test_list_table(run):
    result = run("list", SMALL)
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["id", "date", "type", "place", "deaths", "title"]
    assert len(lines) == 2 + 6
    embassy = next(ln for ln in lines if ln.startswith("t-embassy"))
    assert "2019-12-31..2020-01-01" in embassy and "n/r" in embassy
    assert result.stderr.strip() == "6 incidents"


def test_list_json_has_every_property_plus_lon_lat(run):
    rows = json.loads(run("list", SMALL, "--format", "json").stdout)
    assert len(rows) == 6
    assert set(rows[0]) == {*geoevents.schema.COLUMNS, "lon", "lat", "wkt"}
    assert rows[0]["wkt"] is None  # a point: lon/lat say it all
    kirkuk = rows[0]
    assert (kirkuk["lon"], kirkuk["lat"]) == (44.3922, 35.4681)
    assert kirkuk["fatalities"] is None and rows[1]["fatalities"] == 0
    assert kirkuk["assoc_actors"] == ["Popular Mobilization Forces"]


def test_list_csv(run):
    text = run("list", SMALL, "--format", "csv", "--country", "SYR").stdout
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [r["id"] for r in rows] == ["t-raqqa", "t-deir"]
    assert json.loads(rows[0]["sources"])[0]["name"] == "Daily Beast"
    assert rows[0]["lon"] == "39.0079"


def test_list_geojson_is_a_valid_store(run, tmp_path):
    text = run("list", SMALL, "--format", "geojson", "--type", "Riots").stdout
    path = tmp_path / "riots.geojson"
    path.write_text(text, encoding="utf-8")
    gdf = geoevents.load(path)
    assert list(gdf["id"]) == ["t-embassy"]


def test_list_csv_and_json_keep_a_route_and_an_area_whole(run, tmp_path):
    # A CSV export of a route must not lose the route: lines and polygons carry their exact WKT.
    gdf = geoevents.load(SMALL)
    route = shapely.LineString([(44.123456789, 35.1), (44.987654321, 35.55555555)])
    area = shapely.Polygon([(39.0, 35.9), (39.1234567891, 35.9), (39.1, 36.0), (39.0, 35.9)])
    gdf.loc[0, "geometry"], gdf.loc[1, "geometry"] = route, area
    store = geoevents.write_incidents(gdf, tmp_path / "shapes.geojson")
    rows = list(csv.DictReader(io.StringIO(run("list", store, "--format", "csv").stdout)))
    by_id = {r["id"]: r for r in rows}
    assert shapely.from_wkt(by_id[gdf.loc[0, "id"]]["wkt"]).equals_exact(route, 0)
    assert shapely.from_wkt(by_id[gdf.loc[1, "id"]]["wkt"]).equals_exact(area, 0)
    assert by_id[gdf.loc[2, "id"]]["wkt"] == ""
    assert all(r["lon"] and r["lat"] for r in rows)  # still plottable in a spreadsheet
    records = json.loads(run("list", store, "--format", "json").stdout)
    first = next(r for r in records if r["id"] == gdf.loc[0, "id"])
    assert shapely.from_wkt(first["wkt"]).equals_exact(route, 0)


def test_list_new_filter_options(run):
    def listed(*options: str) -> list[str]:
        rows = json.loads(run("list", SMALL, *options, "--format", "json").stdout)
        return [r["id"] for r in rows]

    assert listed("--sub-type", "armed clash") == ["t-tongo"]
    assert listed("--max-fatalities", "0", "--include-unreported") == [
        "t-kirkuk",
        "t-raqqa",
        "t-embassy",
        "t-sulay",
    ]
    assert listed("--date-precision", "month") == ["t-deir"]
    assert len(listed("--confidence", "Confirmed")) == 6
    result = run("list", SMALL, "--confidence", "sure")
    assert result.exit_code == 2 and "'sure' is not one of" in result.stderr
    result = run("list", SMALL, "--min-fatalities", "9", "--max-fatalities", "1")
    assert result.exit_code == 2 and "swap them" in result.stderr


def test_list_csv_quotes_formula_text_but_not_numbers(run, tmp_path):
    gdf = geoevents.load(SMALL)
    gdf.loc[0, "title"] = '=HYPERLINK("http://x")'
    gdf.loc[1, "title"] = "-2+3"
    gdf.loc[2, "title"] = "@SUM(A1)"
    gdf.loc[3, "summary"] = "\tTab"  # a title is one line with no control character
    gdf.loc[0, "geometry"] = shapely.Point(-44.5, -35.25)
    store = tmp_path / "evil.geojson"
    geoevents.write_incidents(gdf, store)
    rows = list(csv.DictReader(io.StringIO(run("list", store, "--format", "csv").stdout)))
    titles = [r["title"] for r in rows[:3]]
    assert titles == ['\'=HYPERLINK("http://x")', "'-2+3", "'@SUM(A1)"]
    assert rows[3]["summary"] == "'\tTab"
    assert (rows[0]["lon"], rows[0]["lat"]) == ("-44.5", "-35.25")


def test_list_table_separates_thousands_and_csv_stays_plain(run, tmp_path):
    """The table is read by people (2,500 deaths, as `stats` and the page count); CSV keeps the
    plain number programs read."""
    from incident_maker import incident, write_store

    store = write_store(
        tmp_path / "one.geojson", [incident("big-1", "2017-10-16", fatalities=2500)]
    )
    row = run("list", str(store)).stdout.splitlines()[2]
    assert "2,500" in row.split()
    (rec,) = csv.DictReader(io.StringIO(run("list", str(store), "--format", "csv").stdout))
    assert rec["fatalities"] == "2500"
