"""Filters, export and permalink in the page (issue 11, items 4, 7, 8), against the CLI.

Headless Chromium from file://, every http(s) request blocked. Every filter set in the page
must select exactly what ``geoevents list`` selects with the same options; both exports must
parse back to what ``geoevents filter`` and ``list --format csv`` write.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
import pytest
import shapely
from browser import offline_context, open_map
from click.testing import CliRunner

import geoevents
from geoevents.cli import cli
from geoevents.testing import synthetic

pytestmark = pytest.mark.browser

N = 20_000
EVIL_ACTOR = '=HYPERLINK("http://x")<img src=x onerror="window.__pwned=4">'
EVIL_TITLE = "@SUM(A1)</script><script>window.__pwned=5</script>"
LIST_COLUMNS = ("assoc_actors", "sources", "tags")

#: (page criteria, the same as CLI options).
CASES: list[tuple[dict[str, Any], list[str]]] = [
    ({"types": ["battles"]}, ["--type", "battles"]),
    ({"sub_types": ["Armed clash"]}, ["--sub-type", "armed clash"]),
    ({"actors": ["peshmerga"]}, ["--actor", "peshmerga"]),
    ({"actors": ["islamic state", "Niger"]}, ["--actor", "islamic state", "--actor", "Niger"]),
    ({"countries": ["iraq", "NER"]}, ["--country", "iraq", "--country", "NER"]),
    ({"text": "kirkuk"}, ["--text", "kirkuk"]),
    ({"text": "reuters"}, ["--text", "reuters"]),
    ({"text": "peshmerga"}, ["--text", "peshmerga"]),  # an actor
    ({"text": "tongo"}, ["--text", "tongo"]),  # a location
    ({"min_fatalities": 1}, ["--min-fatalities", "1"]),
    ({"max_fatalities": 3}, ["--max-fatalities", "3"]),
    (
        {"min_fatalities": 2, "max_fatalities": 20, "include_unreported": True},
        ["--min-fatalities", "2", "--max-fatalities", "20", "--include-unreported"],
    ),
    ({"max_precision": 1}, ["--max-precision", "1"]),
    (
        {"date_precisions": ["month", "year"]},
        ["--date-precision", "month", "--date-precision", "year"],
    ),
    ({"confidences": ["probable"]}, ["--confidence", "probable"]),
    ({"start": "2017-10", "end": "2017-10"}, ["--start", "2017-10", "--end", "2017-10"]),
    (
        {"start": "2017", "types": ["Battles", "Strategic developments"], "countries": ["IRQ"]},
        [
            "--start",
            "2017",
            "--type",
            "Battles",
            "--type",
            "Strategic developments",
            "--country",
            "IRQ",
        ],
    ),
]


def cli_run(*args: str) -> Any:
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


def cli_ids(store: Path, options: list[str]) -> list[str]:
    """The ids ``geoevents list`` selects (an empty selection is an error there: none)."""
    result = cli_run("list", store, *options, "--format", "json")
    if result.exit_code == 5 and "no incident left" in result.stderr:
        return []
    assert result.exit_code == 0, result.output
    return [row["id"] for row in json.loads(result.stdout)]


@pytest.fixture(scope="module")
def maps(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("filters")
    seed = geoevents.load("data/incidents.geojson")
    # The seed plus a route and an area with more digits than the page draws with.
    extra = seed.iloc[:2].copy()
    extra["id"] = ["extra-line", "extra-area"]
    extra["geometry"] = [
        shapely.LineString([(44.123456789, 35.987654321), (44.2, 36.0000001)]),
        shapely.Polygon([(43.1, 33.1), (43.3000000001, 33.1), (43.2, 33.312345678)]),
    ]
    mixed = folder / "mixed.geojson"
    both = gpd.GeoDataFrame(pd.concat([seed, extra], ignore_index=True), crs=seed.crs)
    geoevents.write_incidents(both, mixed)
    gdf = synthetic.incidents(N, seed=3, hostile=2)
    gdf.loc[2, "actor1"] = EVIL_ACTOR
    gdf.loc[3, "title"] = EVIL_TITLE
    gdf.loc[3, "location"] = "-1 +1 =1"
    big = Path(geoevents.write_incidents(gdf, folder / "synthetic.geojson"))
    # ``list`` reads the big store as the GeoParquet ``convert`` makes of it (the same
    # incidents, read in half the time for the two dozen comparisons); the map is made from
    # the GeoJSON, so each comparison also holds the two formats to the same selection.
    parquet = folder / "synthetic.parquet"
    converted = cli_run("convert", big, parquet)
    assert converted.exit_code == 0, converted.output
    out = {"seed_store": mixed, "big_store": parquet, "seed_source": mixed, "big_source": big}
    for name, store in (("seed", mixed), ("big", big)):
        html = folder / f"{name}.html"
        result = cli_run("map", store, "-o", html, "--timeline", "--tiles", "none")
        assert result.exit_code == 0, result.output
        out[name] = html
    return out


@pytest.fixture(scope="module")
def context() -> Any:
    with offline_context() as context:
        yield context


@pytest.mark.parametrize("name", ["seed", "big"])
def test_each_filter_selects_what_list_selects(context, maps, name):
    opened = open_map(context, maps[name])
    page = opened.page
    store = maps[f"{name}_store"]
    assert page.evaluate("geoevents.maps[Object.keys(geoevents.maps)[0]].meta.drawer") == (
        "vector" if name == "seed" else "canvas"
    )
    cases = list(CASES)
    if name == "big":
        cases += [
            ({"actors": ["police"]}, ["--actor", "police"]),
            ({"text": "ambush"}, ["--text", "ambush"]),
            ({"countries": ["nigeria"]}, ["--country", "nigeria"]),
        ]
    for criteria, options in cases:
        page.evaluate("(c) => geoevents.filter(c)", criteria)
        shown = page.evaluate("geoevents.visible()")
        assert shown == cli_ids(store, options), (criteria, options)
        page.evaluate("geoevents.clearFilters()")
    total = page.evaluate("geoevents.visible().length")
    assert total == len(cli_ids(store, []))
    assert not opened.errors
    assert not [u for u in opened.requests if u.startswith(("http:", "https:"))]


def test_the_filter_controls_select_what_list_selects(context, maps):
    opened = open_map(context, maps["seed"])
    page = opened.page
    total = len(geoevents.load(maps["seed_store"]))
    page.click(".ge-filters > summary")
    page.check('.ge-filters input[name="types"][value="Battles"]')
    page.fill(".ge-filter-number >> nth=0", "1")
    page.dispatch_event(".ge-filter-number >> nth=0", "change")
    page.wait_for_function(f"geoevents.visible().length < {total}")
    options = ["--type", "Battles", "--min-fatalities", "1"]
    assert page.evaluate("geoevents.visible()") == cli_ids(maps["seed_store"], options)
    page.uncheck('.ge-filters input[name="types"][value="Battles"]')
    page.fill(".ge-filter-number >> nth=0", "")
    page.check('.ge-filters input[name="confidences"][value="probable"]')
    page.select_option(".ge-filter-select >> nth=1", "Iraq")
    page.wait_for_function("geoevents.state().filters.countries !== undefined")
    options = ["--confidence", "probable", "--country", "Iraq"]
    assert page.evaluate("geoevents.visible()") == cli_ids(maps["seed_store"], options)
    assert page.evaluate("geoevents.state().filters") == {
        "confidences": ["probable"],
        "countries": ["Iraq"],
    }
    page.click(".ge-filter-clear")
    page.wait_for_function(f"geoevents.visible().length === {total}")
    assert not page.is_checked('.ge-filters input[name="confidences"][value="probable"]')


def parsed_csv(text: str) -> list[dict[str, Any]]:
    rows = list(csv.DictReader(io.StringIO(text)))
    for row in rows:
        for name in LIST_COLUMNS:
            row[name] = json.loads(row[name]) if row[name] else None
    return rows


@pytest.mark.parametrize("name", ["seed", "big"])
def test_both_exports_parse_back_as_the_cli_writes_them(context, maps, name, tmp_path):
    opened = open_map(context, maps[name])
    page = opened.page
    store = maps[f"{name}_store"]
    criteria, options = (
        ({"start": "2017-10", "max_precision": 2}, ["--start", "2017-10", "--max-precision", "2"])
        if name == "seed"
        else (
            {"confidences": ["confirmed"], "max_precision": 2},
            ["--confidence", "confirmed", "--max-precision", "2"],
        )
    )
    page.evaluate("(c) => geoevents.filter(c)", criteria)
    exported = json.loads(page.evaluate("geoevents.exportSelection('geojson')"))
    expected = json.loads(cli_run("filter", store, *options, "-o", "-").stdout)
    assert exported["features"] == expected["features"]
    meta = exported["geoevents"]
    assert meta["exported_from"] == "map"
    if name == "seed":
        # The timeline's range: from the start to the last day of the data.
        assert meta["filters"]["start"] == "2017-10-01" and meta["filters"]["max_precision"] == 2
    else:
        assert meta["filters"] == criteria
    assert meta["source"]["name"] == maps[f"{name}_source"].name  # the map's own store
    # Our own reader takes the export as a store.
    path = tmp_path / "export.geojson"
    path.write_text(json.dumps(exported), encoding="utf-8")
    assert len(geoevents.load(path)) == len(expected["features"])
    text = page.evaluate("geoevents.exportSelection('csv')")
    cli_csv = cli_run("list", store, *options, "--format", "csv").stdout
    assert text.splitlines()[0] == cli_csv.splitlines()[0]
    assert parsed_csv(text) == parsed_csv(cli_csv)
    if name == "seed":
        assert any(r["wkt"] for r in parsed_csv(text))
    assert not opened.errors


def test_a_download_is_made_in_the_page(context, maps):
    opened = open_map(context, maps["seed"])
    page = opened.page
    page.evaluate("geoevents.filter({types: ['Riots']})")
    page.click(".ge-filters > summary")
    with page.expect_download() as info:
        page.click(".ge-export-csv")
    download = info.value
    assert download.suggested_filename == "geoevents-selection.csv"
    text = Path(download.path()).read_text(encoding="utf-8")
    assert text == page.evaluate("geoevents.exportSelection('csv')")
    assert not [u for u in opened.requests if u.startswith(("http:", "https:"))]


@pytest.mark.parametrize("name", ["seed", "big"])
def test_the_permalink_restores_the_view(context, maps, name):
    opened = open_map(context, maps[name])
    page = opened.page
    first = page.evaluate("geoevents.visible()[3]")
    state = {
        "view": {"center": [34.5, 43.25], "zoom": 6},
        "range": ["2017-01-01", "2019-12-31"],
        "filters": {"max_precision": 2, "min_fatalities": 0, "include_unreported": True},
        "hidden": [page.evaluate("Object.keys(geoevents.counts())[1]")],
        "open": None,
    }
    page.evaluate("(s) => geoevents.setState(s)", state)
    ids = page.evaluate("geoevents.visible()")
    if first in ids:
        page.evaluate("(id) => geoevents.open(id)", first)
        page.wait_for_timeout(600)  # the popup may pan the map to fit
    saved = page.evaluate("geoevents.state()")
    page.wait_for_function(
        "() => JSON.stringify(geoevents.stateFromHash(location.hash)) === "
        "JSON.stringify(geoevents.state())"
    )
    url = page.url
    assert url.startswith("file://") and "#geoevents=" in url
    again = context.new_page()
    again.set_viewport_size({"width": 1200, "height": 800})
    again.goto(url)
    again.wait_for_function("document.documentElement.dataset.geoeventsReady === 'true'")
    assert again.evaluate("geoevents.visible()") == ids
    restored = again.evaluate("geoevents.state()")
    assert restored["filters"] == saved["filters"]
    assert restored["hidden"] == saved["hidden"] and restored["range"] == saved["range"]
    assert restored["view"]["zoom"] == saved["view"]["zoom"]
    assert restored["open"] == saved["open"]
    assert abs(restored["view"]["center"][0] - saved["view"]["center"][0]) < 1e-3
    again.close()


def test_hostile_text_stays_text(context, maps):
    opened = open_map(context, maps["big"])
    page = opened.page
    page.click(".ge-filters > summary")
    actor = page.locator(".ge-filters input[list]")
    actor.fill("HYPERLINK")
    options = page.evaluate(
        "() => [...document.querySelectorAll('.ge-filters datalist option')].map(o => o.value)"
    )
    assert EVIL_ACTOR in options
    actor.dispatch_event("change")
    page.wait_for_function("geoevents.visible().length === 1")
    assert page.evaluate("geoevents.state().filters.actors") == ["HYPERLINK"]
    for needle in (EVIL_TITLE[:30], "<img src=x onerror"):
        # The page selects what the CLI selects (text: title, summary, place, actors, sources).
        page.evaluate("(t) => geoevents.filter({text: t})", needle)
        expected = cli_ids(maps["big_store"], ["--text", needle])
        assert expected and page.evaluate("geoevents.visible()") == expected
    text = page.locator(".ge-filters input[type=search] >> nth=1")
    text.fill('<b onmouseover="window.__pwned=6">x</b>')
    text.dispatch_event("change")
    page.evaluate("geoevents.clearFilters()")
    page.evaluate("geoevents.filter({actors: ['HYPERLINK'], text: null})")
    rows = list(csv.DictReader(io.StringIO(page.evaluate("geoevents.exportSelection('csv')"))))
    assert rows[0]["actor1"] == "'" + EVIL_ACTOR
    page.evaluate("(t) => geoevents.filter({text: t})", "@SUM")
    rows = list(csv.DictReader(io.StringIO(page.evaluate("geoevents.exportSelection('csv')"))))
    assert rows[0]["title"] == "'" + EVIL_TITLE and rows[0]["location"] == "'-1 +1 =1"
    assert float(rows[0]["lon"]) == pytest.approx(float(rows[0]["lon"]))
    assert page.evaluate("window.__pwned") is None
    assert not page.locator(".ge-filters img, .ge-filters b, .ge-filters script").count()
    assert not opened.errors


def test_the_filter_panel_fits_a_phone(context, maps):
    opened = open_map(context, maps["seed"], width=390, height=844)
    page = opened.page
    page.click(".ge-filters > summary")
    # The layout follows a box's "toggle" event (a task after the click): let it settle.
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
    boxes = page.evaluate(
        """() => [...document.querySelectorAll('.leaflet-control')].map(node => {
            const r = node.getBoundingClientRect();
            return {name: node.className, l: r.left, t: r.top, r: r.right, b: r.bottom};
        }).filter(b => b.r > b.l && b.b > b.t)"""
    )
    mine = next(b for b in boxes if "ge-filters" in b["name"])
    assert mine["r"] <= 390 and mine["b"] <= 844
    for other in boxes:
        if other is mine or "ge-filters" in other["name"]:
            continue
        apart = (
            mine["r"] <= other["l"]
            or other["r"] <= mine["l"]
            or mine["b"] <= other["t"]
            or other["b"] <= mine["t"]
        )
        assert apart, (mine, other)


def test_the_map_is_still_the_same_bytes(maps, tmp_path):
    again = tmp_path / "again.html"
    result = cli_run("map", maps["seed_store"], "-o", again, "--timeline", "--tiles", "none")
    assert result.exit_code == 0
    assert again.read_bytes() == maps["seed"].read_bytes()
