"""`geoevents list`: its output formats, through the CLI as a user runs it."""

from __future__ import annotations

import csv
import io
import json

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
    assert set(rows[0]) == {*geoevents.schema.COLUMNS, "lon", "lat"}
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
