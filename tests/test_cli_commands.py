"""Each command's output formats, through the CLI as a user runs it."""

from __future__ import annotations

import csv
import io
import itertools
import json
import subprocess
import sys

import pytest
from helpers import SMALL

import geoevents
from geoevents.cli import cli

FORMATS = ["geojson", "parquet", "gpkg", "csv"]


def test_every_command_has_help_text_and_an_example(run):
    for name, command in cli.commands.items():
        result = run(name, "--help")
        assert result.exit_code == 0, name
        assert command.help and len(command.help) > 20, name
        assert "Example" in result.stdout, f"{name} --help has no example"


def test_python_dash_m_and_version():
    out = subprocess.run(
        [sys.executable, "-m", "geoevents", "--version"], capture_output=True, text=True
    )
    assert out.returncode == 0
    assert out.stdout.strip() == f"geoevents, version {geoevents.__version__}"


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


def test_filter_to_stdout_and_to_file(run, tmp_path):
    result = run("filter", SMALL, "--start", "2019", "-o", "-")
    assert result.exit_code == 0
    assert [f["properties"]["id"] for f in json.loads(result.stdout)["features"]] == [
        "t-embassy",
        "t-deir",
    ]
    out = tmp_path / "sub" / "iraq.geojson"
    result = run("filter", SMALL, "--country", "Iraq", "-o", out)
    assert result.exit_code == 0
    assert f"{out}: 3 incidents" in result.stderr
    assert len(geoevents.load(out)) == 3


def test_filter_refuses_to_overwrite_without_force(run, tmp_path):
    out = tmp_path / "x.geojson"
    out.write_text("keep me")
    result = run("filter", SMALL, "-o", out)
    assert result.exit_code == 6
    assert "already exists; pass --force" in result.stderr
    assert out.read_text() == "keep me"
    assert run("filter", SMALL, "-o", out, "--force").exit_code == 0
    assert len(geoevents.load(out)) == 6


def test_filter_never_overwrites_its_input(run, tmp_path):
    store = tmp_path / "store.geojson"
    store.write_bytes(SMALL.read_bytes())
    result = run("filter", store, "--type", "Riots", "-o", store, "--force")
    assert result.exit_code == 6
    assert store.read_bytes() == SMALL.read_bytes()


@pytest.mark.parametrize(
    ("by", "first"),
    [
        ("event_type", {"event_type": "Battles", "incidents": 3, "fatalities": 9, "unreported": 1}),
        ("country", {"country": "Iraq", "incidents": 3, "fatalities": 0, "unreported": 3}),
        ("year", {"year": "2017", "incidents": 4, "fatalities": 9, "unreported": 2}),
        ("month", {"month": "2017-10", "incidents": 4, "fatalities": 9, "unreported": 2}),
    ],
)
def test_stats_json(run, by, first):
    rows = json.loads(run("stats", SMALL, "--by", by, "--format", "json").stdout)
    assert rows[0] == first
    assert sum(r["incidents"] for r in rows) == 6


def test_stats_by_actor_counts_each_actor(run):
    rows = json.loads(run("stats", SMALL, "--by", "actor", "--format", "json").stdout)
    by_actor = {r["actor"]: r for r in rows}
    assert by_actor["ISGS"] == {"actor": "ISGS", "incidents": 1, "fatalities": 9, "unreported": 0}
    assert by_actor["(none)"]["incidents"] == 1


def test_stats_table_and_csv(run):
    table = run("stats", SMALL, "--by", "country").stdout.splitlines()
    assert table[0].split() == ["country", "incidents", "fatalities", "unreported"]
    assert table[2].split() == ["Iraq", "3", "0", "3"]
    text = run("stats", SMALL, "--by", "year", "--format", "csv").stdout
    assert text.splitlines()[:2] == ["year,incidents,fatalities,unreported", "2017,4,9,2"]


def test_validate_valid_store(run):
    result = run("validate", SMALL)
    assert result.exit_code == 0
    assert result.stdout.strip() == f"valid: {SMALL}: 0 errors, 0 warnings in 6 features"


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


def test_the_seed_store_validates_cleanly(run):
    from helpers import SEED_STORE

    result = run("validate", SEED_STORE)
    assert result.exit_code == 0, result.stdout
    assert result.stdout.startswith(f"valid: {SEED_STORE}: 0 errors, 0 warnings")
