"""The hexagon view in a real browser: the page counts what ``geoevents aggregate`` counts.

Maps are built by the CLI (``geoevents map --view ...``) from stores written by the tests and
opened from file:// in headless Chromium with every http(s) request blocked. The page's
``hexes()`` is compared cell by cell with ``geoevents aggregate`` (CliRunner, the same store and
the same filters, applied in the page through ``filter(...)``); the change classes and the
previous window with the library's on constructed cases; a real click on a hexagon lists its
incidents.
"""

from __future__ import annotations

import csv
import datetime as dt
import itertools
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pytest
from browser import offline_context, open_map
from click.testing import CliRunner
from shapely.geometry import Point

from geoevents.aggregation import change_classes, hex_cells, previous_window
from geoevents.cli import cli
from geoevents.io.formats import write_incidents
from geoevents.testing import synthetic

pytestmark = pytest.mark.browser

LISTED = "document.documentElement.dataset.geoeventsList === 'true'"

#: The constructed case: (incidents in February 2020, in January 2020) per cell, with the class
#: the rule gives (aggregation/change.py: ratio thresholds 2, 1.25, 0.8, 0.5; at least 5).
PLAN = [
    ((10, 5), "sharp rise"),
    ((5, 4), "rise"),
    ((6, 6), "stable"),
    ((4, 5), "fall"),
    ((5, 10), "sharp fall"),
    ((0, 5), "sharp fall"),
    ((5, 0), "sharp rise"),
    ((2, 1), "too few"),
]


def _constructed() -> gpd.GeoDataFrame:
    """Incidents in eight places of Iraq, 50 km apart, dated to give PLAN's counts."""
    rows: list[tuple[Point, str]] = []
    for k, ((now, before), _) in enumerate(PLAN):
        place = Point(43.0 + 0.5 * (k % 4), 32.0 + 0.5 * (k // 4))
        rows += [(place, f"2020-02-{d + 1:02d}") for d in range(now)]
        rows += [(place, f"2020-01-{d + 1:02d}") for d in range(before)]
    gdf = synthetic.incidents(len(rows), seed=9)
    gdf["geometry"] = [point for point, _ in rows]
    gdf["date_start"] = gdf["date_end"] = [day for _, day in rows]
    gdf["iso3"], gdf["country"] = "IRQ", "Iraq"
    gdf["geo_precision"] = 1
    return gdf


def _build(store: Path, out: Path, *options: str) -> None:
    result = CliRunner().invoke(
        cli, ["map", str(store), "-o", str(out), "--tiles", "none", *options]
    )
    assert result.exit_code == 0, result.output


def _aggregate(store: Path, out: Path, *options: str) -> dict[str, dict[str, str]]:
    result = CliRunner().invoke(cli, ["aggregate", str(store), "-o", str(out), "--force", *options])
    assert result.exit_code == 0, result.output
    with out.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    key = "cell" if "cell" in rows[0] else "iso3"
    return {row[key]: row for row in rows}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    folder = tmp_path_factory.mktemp("hex")
    gdf = synthetic.incidents(800, seed=3)
    store = write_incidents(gdf, folder / "incidents.parquet")
    _build(store, folder / "map.html", "--view", "hex", "--timeline")
    case = write_incidents(_constructed(), folder / "case.geojson")
    _build(case, folder / "case.html", "--view", "both")
    return {"gdf": gdf, "store": store, "map": folder / "map.html", "folder": folder}


@pytest.fixture(scope="module")
def context() -> Any:
    with offline_context() as context:
        yield context


def _listed(context: Any, path: Path) -> Any:
    opened = open_map(context, path)
    opened.page.wait_for_function(LISTED, timeout=30_000)
    return opened


def _page_cells(opened: Any) -> dict[str, tuple[int, int, Any, Any]]:
    cells = opened.page.evaluate("geoevents.hexes(5)")
    return {
        c["cell"]: (c["count"], int(c["fatalities"]), c["previous"], c["change"]) for c in cells
    }


def _cli_cells(rows: dict[str, dict[str, str]]) -> dict[str, tuple[int, int, Any, Any]]:
    return {
        cell: (
            int(row["incidents"]),
            int(row["fatalities"]),
            int(row["previous"]) if row["previous"] else None,
            row["change"] or None,
        )
        for cell, row in rows.items()
    }


@pytest.mark.parametrize(
    ("criteria", "options"),
    [
        ({}, []),
        (
            {"start": "2020-01", "end": "2021-12", "types": ["Battles", "Riots"]},
            ["--start", "2020-01", "--end", "2021-12", "--type", "Battles", "--type", "Riots"],
        ),
        (
            # Not whole months: against the same number of days before.
            {"start": "2022-03-05", "end": "2024-06-30", "min_fatalities": 1},
            ["--start", "2022-03-05", "--end", "2024-06-30", "--min-fatalities", "1"],
        ),
    ],
)
def test_page_hexes_equal_geoevents_aggregate(context, built, criteria, options):
    expected = _cli_cells(_aggregate(built["store"], built["folder"] / "agg.csv", *options))
    opened = _listed(context, built["map"])
    assert opened.page.evaluate("geoevents.view()") == "hex"
    if criteria:
        opened.page.evaluate("(c) => geoevents.filter(c)", criteria)
    assert _page_cells(opened) == expected
    if criteria.get("start"):
        # The change per country, too: the same rule over iso3.
        countries = _aggregate(
            built["store"], built["folder"] / "c.csv", "--by", "country", *options
        )
        page = opened.page.evaluate("geoevents.changeByCountry()")
        assert {c["iso3"]: (c["count"], c["previous"], c["change"]) for c in page} == {
            k: (int(r["incidents"]), int(r["previous"]), r["change"]) for k, r in countries.items()
        }
    assert opened.errors == []
    opened.page.close()


def test_the_change_classes_and_windows_of_the_page_are_the_librarys(context, built):
    opened = _listed(context, built["folder"] / "case.html")
    opened.page.evaluate("(c) => geoevents.filter(c)", {"start": "2020-02", "end": "2020-02"})
    cells = _page_cells(opened)
    expected = _cli_cells(
        _aggregate(
            built["folder"] / "case.geojson",
            built["folder"] / "case.csv",
            "--start",
            "2020-02",
            "--end",
            "2020-02",
        )
    )
    assert cells == expected
    assert sorted((now, before, change) for now, _, before, change in cells.values()) == sorted(
        (now, before, change) for (now, before), change in PLAN
    )
    # The rule itself, on every pair of counts up to 12 and at the thresholds' edges.
    pairs = [*itertools.product(range(13), repeat=2), (20, 10), (25, 20), (16, 20), (10, 20)]
    rule = opened.page.evaluate("geoevents.maps[Object.keys(geoevents.maps)[0]].hexConfig.change")
    page_classes = opened.page.evaluate(
        "([pairs, rule]) => pairs.map(([a, b]) => geoevents.changeClass(a, b, rule))", [pairs, rule]
    )
    current, before = np.array(pairs).T
    assert page_classes == list(change_classes(current, before))
    # The previous window: whole months against whole months, other ranges day for day.
    windows = [
        ("2020-02-01", "2020-02-29"),
        ("2019-03-01", "2019-03-31"),
        ("2020-01-01", "2020-12-31"),
        ("2021-03-01", "2021-05-31"),
        ("2020-03-01", "2020-03-30"),
        ("2020-02-10", "2020-03-09"),
        ("2017-10-01", "2017-10-01"),
    ]
    page_windows = opened.page.evaluate(
        "(ws) => ws.map(([a, b]) => geoevents.previousWindow(geoevents.isoDay(a), "
        "geoevents.isoDay(b)).map(geoevents.dayIso))",
        windows,
    )
    assert page_windows == [
        [
            d.isoformat()
            for d in previous_window((dt.date.fromisoformat(a), dt.date.fromisoformat(b)))
        ]
        for a, b in windows
    ]
    opened.page.close()


def test_a_click_on_a_hexagon_lists_its_incidents(context, built):
    gdf = built["gdf"]
    cells = hex_cells(gdf, 5)
    opened = _listed(context, built["map"])
    page = opened.page
    page.evaluate("geoevents.hexResolution(5)")
    top = page.evaluate("geoevents.hexes(5)[0]")
    expected = sorted(gdf["id"][cells == top["cell"]].astype(str))
    assert len(expected) == top["count"] > 1
    # The cell's centre at the middle of the map, where no control is, then a real click there.
    import h3

    lat, lon = h3.cell_to_latlng(top["cell"])
    point = opened.state(
        "(s, p) => { s.map.setView(p, 8, {animate: false});"
        " const c = s.map.latLngToContainerPoint(p);"
        " const r = s.map.getContainer().getBoundingClientRect();"
        " return [r.left + c.x, r.top + c.y]; }",
        [lat, lon],
    )
    page.wait_for_function("geoevents.hexResolution() === 5")
    page.mouse.click(*point)
    page.wait_for_function("(n) => geoevents.list().length === n", arg=len(expected))
    assert sorted(page.evaluate("geoevents.list()")) == expected
    scope = page.locator(".ge-list-scope")
    assert top["cell"] in scope.inner_text()
    assert (
        page.locator(".ge-list-count").inner_text()
        == f"{len(expected):,} here, of {len(gdf):,} shown"
    )
    # The way back: every shown incident again.
    page.locator(".ge-list-scope-back").click()
    page.wait_for_function("(n) => geoevents.list().length === n", arg=len(gdf))
    assert not scope.is_visible()
    # The view switches: points alone, then both.
    assert page.evaluate("geoevents.view('points')") == "points"
    assert page.locator(".ge-hexbox").is_hidden()
    assert page.evaluate("geoevents.view('both')") == "both"
    assert opened.errors == []
    page.close()


def test_the_permalink_reopens_the_same_hexagon_view(context, built):
    """The view, colouring, fixed resolution, listed cell and closed box of the hexagon view,
    and the time control's axis, unit and playback, come back from the link (a reload)."""
    opened = _listed(context, built["map"])
    page = opened.page
    page.evaluate("geoevents.playback({window: 'week', accumulate: true, speed: 4})")
    page.evaluate("geoevents.histogram({unit: 'month', view: ['2018-01-01', '2019-06-30']})")
    assert page.evaluate("geoevents.view('both')") == "both"
    page.evaluate("geoevents.hexColour('deaths')")
    page.evaluate("geoevents.hexResolution(5)")
    top = page.evaluate("geoevents.hexes(5)[0]")
    page.evaluate("(cell) => geoevents.selectCell(cell)", top["cell"])
    page.evaluate("document.querySelector('.ge-hexbox').open = false")
    page.wait_for_function("geoevents.state().hex.box === false")
    saved = page.evaluate("geoevents.state()")
    assert saved["hex"] == {
        "view": "both", "colour": "deaths", "resolution": 5, "cell": top["cell"], "box": False,
    }  # fmt: skip
    assert saved["time"]["unit"] == "month"
    assert saved["time"]["playback"] == {"window": "week", "accumulate": True, "speed": 4}
    page.wait_for_function(
        "() => JSON.stringify(geoevents.stateFromHash(location.hash)) === "
        "JSON.stringify(geoevents.state())"
    )
    listed = sorted(page.evaluate("geoevents.list()"))
    again = context.new_page()
    again.set_viewport_size({"width": 1200, "height": 800})
    again.goto(page.url)
    again.wait_for_function(LISTED, timeout=30_000)
    again.wait_for_function("(c) => (geoevents.state().hex || {}).cell === c", arg=top["cell"])
    restored = again.evaluate("geoevents.state()")
    assert restored["hex"] == saved["hex"]
    assert restored["time"] == saved["time"]
    assert restored["range"] == saved["range"]
    assert sorted(again.evaluate("geoevents.list()")) == listed
    assert again.locator(".ge-hexbox").evaluate("(box) => box.open") is False
    assert again.evaluate("geoevents.hexColour()") == "deaths"
    again.close()
    page.close()


def test_cells_a_few_pixels_wide_show_their_colour(context, tmp_path):
    # Points spread over a wide box: at the zoom that fits them, each H3 cell is a pixel or
    # two, too small for a hexagon. They are filled with their class's colour as boxes; drawn
    # as outlined rings, the white outlines covered the colours (a white block) and cost
    # 100-330 ms a frame at a million incidents.
    rng = np.random.default_rng(5)
    n = 20_000
    gdf = synthetic.incidents(n, seed=9)
    xs, ys = rng.uniform(-10, 30, n), rng.uniform(0, 20, n)
    points = [Point(x, y) for x, y in zip(xs, ys, strict=True)]
    gdf = gdf.set_geometry(gpd.GeoSeries(points, crs=gdf.crs))
    store = write_incidents(gdf, tmp_path / "spread.parquet")
    out = tmp_path / "spread.html"
    # Resolutions 7, 9 and 11: even the coarsest has cells of a pixel or two at this zoom.
    _build(store, out, "--view", "hex", "--hex-resolution", "9")
    opened = open_map(context, out)
    shares = opened.page.evaluate(
        """() => {
            const canvas = document.querySelector("canvas.ge-hex");
            const map = Object.values(geoevents.maps)[0].map;
            const a = map.latLngToContainerPoint([18, -8]);
            const b = map.latLngToContainerPoint([2, 28]);
            const data = canvas.getContext("2d").getImageData(
                a.x, a.y, b.x - a.x, b.y - a.y).data;
            let white = 0, coloured = 0, all = 0;
            for (let i = 0; i < data.length; i += 4) {
                all++;
                const [r, g, b2, alpha] = [data[i], data[i + 1], data[i + 2], data[i + 3]];
                if (alpha > 0 && r > 235 && g > 235 && b2 > 235) white++;
                else if (alpha > 0) coloured++;
            }
            return [white / all, coloured / all, b.x - a.x];
        }"""
    )
    white, coloured, width = shares
    assert width > 100  # the box is on screen, well over a hundred pixels wide
    # Of the pixels the cells paint, hardly any are white (all but a few, before).
    assert coloured > 0.1 and white < 0.05 * (white + coloured), shares
    assert opened.errors == []
