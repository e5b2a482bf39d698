"""The large-data layer in a real browser: 50,000 generated incidents, mapped by the CLI.

The map is built the way an analyst builds it (``geoevents map store.parquet --timeline
--heatmap``; above 10,000 incidents "auto" picks the large engine) and opened from file://
in headless Chromium with every http(s) request blocked. The tests check what the classic
layer's tests check: categories toggle, popups open on a real click and show hostile text
as text, the timeline applies the --start/--end overlap rule, the heat map follows.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pytest
from browser import HEAT_PIXELS, MapPage, current_popup, move_timeline, offline_context, open_map

from geoevents.cli import cli
from geoevents.io.formats import write_incidents
from geoevents.render.palette import EVENT_TYPE_COLORS
from geoevents.testing import synthetic

pytestmark = pytest.mark.browser

N = 50_000
HOSTILE = 4  # the first incidents carry hostile text and sit apart (in Chad)
PWNED = "window.__pwned"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    from click.testing import CliRunner

    folder = tmp_path_factory.mktemp("large")
    gdf = synthetic.incidents(N, seed=11, hostile=HOSTILE)
    store = write_incidents(gdf, folder / "incidents.parquet")
    out = folder / "map.html"
    result = CliRunner().invoke(
        cli,
        # --view points: "auto" shows hexagons alone from 10,001 on; these tests are the points'.
        [
            *("map", str(store), "-o", str(out), "--timeline", "--heatmap", "--tiles", "none"),
            *("--view", "points"),
        ],
    )
    assert result.exit_code == 0, result.output
    assert f"{N:,} incidents" in result.output
    return {"gdf": gdf, "map": out}


@pytest.fixture(scope="module")
def context() -> Any:
    with offline_context() as context:
        yield context


def colour_pixels(opened: MapPage, hex_colour: str) -> int:
    """How many pixels of the incident canvas have exactly this colour."""
    rgb = [int(hex_colour[i : i + 2], 16) for i in (1, 3, 5)]
    return opened.page.evaluate(
        """(rgb) => {
            const canvas = document.querySelector("canvas.ge-large");
            const ctx = canvas.getContext("2d");
            const data = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
            let n = 0;
            for (let i = 0; i < data.length; i += 4) {
                if (data[i] === rgb[0] && data[i + 1] === rgb[1] && data[i + 2] === rgb[2]
                    && data[i + 3] === 255) n++;
            }
            return n;
        }""",
        rgb,
    )


def checkbox(opened: MapPage, name: str, count: int) -> Any:
    """The layer-control checkbox of a category (its label says "shown / total")."""
    labels = opened.page.locator(".leaflet-control-layers-overlays label").all_inner_texts()
    pattern = re.compile(rf"{re.escape(name)} \([\d,]+ / {count:,}\)")
    index = next(i for i, label in enumerate(labels) if pattern.fullmatch(label.strip()))
    return opened.page.locator(".leaflet-control-layers-overlays input").nth(index)


def overlaps(gdf: gpd.GeoDataFrame, start: str, end: str) -> int:
    return int(((gdf["date_start"] <= end) & (gdf["date_end"] >= start)).sum())


def test_large_map_draws_every_incident_offline(context, built):
    page_html = built["map"].read_text(encoding="utf-8")
    assert "geoevents.drawLarge(" in page_html
    assert built["map"].stat().st_size < 12_000_000
    opened = open_map(context, built["map"])
    assert opened.errors == []
    assert [u for u in opened.requests if u.startswith(("http:", "https:"))] == []
    assert opened.state("(s) => [s.meta.drawer, s.visibleCount(), s.drawnCount()]") == [
        "canvas",
        N,
        N,
    ]
    counter = opened.page.locator(".ge-visible-count").inner_text()
    assert counter == f"{N:,} of {N:,} incidents shown"
    counts = built["gdf"]["event_type"].value_counts()
    legend = opened.page.locator(".ge-legend").inner_text()
    for name, count in counts.items():
        assert re.search(rf"{re.escape(name)}\s+{count:,} / {count:,}", legend)
    precision = built["gdf"]["geo_precision"].value_counts()
    assert re.search(rf"exact place\s+{precision[1]:,}", legend)
    opened.page.close()


def test_unchecking_a_category_removes_its_incidents(context, built):
    opened = open_map(context, built["map"])
    counts = built["gdf"]["event_type"].value_counts()
    battles, riots = "Battles", "Riots"
    assert colour_pixels(opened, EVENT_TYPE_COLORS[battles]) > 0
    checkbox(opened, battles, counts[battles]).uncheck()
    assert opened.state("(s) => s.visibleCount()") == N - counts[battles]
    assert colour_pixels(opened, EVENT_TYPE_COLORS[battles]) == 0
    assert colour_pixels(opened, EVENT_TYPE_COLORS[riots]) > 0
    assert (
        opened.page.locator(".ge-visible-count")
        .inner_text()
        .startswith(f"{N - counts[battles]:,} of {N:,}")
    )
    checkbox(opened, battles, counts[battles]).check()
    assert opened.state("(s) => s.visibleCount()") == N
    assert colour_pixels(opened, EVENT_TYPE_COLORS[battles]) > 0
    assert opened.errors == []
    opened.page.close()


def test_timeline_applies_the_overlap_rule(context, built):
    gdf = built["gdf"]
    start, end = "2018-03-01", "2018-06-30"
    opened = open_map(context, built["map"])
    page = opened.page
    move_timeline(page, start, end)
    expected = overlaps(gdf, start, end)
    assert 0 < expected < N
    assert opened.state("(s) => s.visibleCount()") == expected
    counter = page.locator(".ge-visible-count").inner_text()
    assert counter == f"{expected:,} of {N:,} incidents shown"
    # The same rule, row by row: every visible incident overlaps, every hidden one does not.
    shown = opened.state(
        "(s) => { const out = []; for (let i = 0; i < s.count; i++) out.push(s.isVisible(i)); "
        "return out; }"
    )
    want = ((gdf["date_start"] <= end) & (gdf["date_end"] >= start)).tolist()
    assert shown == want
    opened.state("(s) => s.timeline.setDates('2016-01-01', '2030-01-01')")
    assert opened.state("(s) => s.visibleCount()") == N
    assert opened.errors == []
    page.close()


def test_click_opens_a_popup_that_shows_hostile_text_as_text(context, built):
    gdf = built["gdf"]
    opened = open_map(context, built["map"])
    page = opened.page
    x, y = opened.state(
        """(s, p) => {
            s.map.setView(p, 12, {animate: false});
            const pt = s.map.latLngToContainerPoint(p);
            const box = s.map.getContainer().getBoundingClientRect();
            return [box.left + pt.x, box.top + pt.y];
        }""",
        [13.0, 17.0],
    )
    assert opened.state("(s) => s.mode") == "symbols"
    page.mouse.move(x, y)
    page.mouse.click(x, y)
    popup = page.locator(".leaflet-popup-content .ge-popup")
    popup.wait_for(state="visible", timeout=10_000)
    text = popup.inner_text()
    assert gdf["title"][0] in text
    assert gdf["summary"][0] in text
    assert '<a href="javascript:window.__pwned=3">x</a>' in text
    assert "Address (not a web link): javascript:1" in text
    assert page.locator(".leaflet-popup-content img, .leaflet-popup-content b").count() == 0
    hrefs = page.locator(".leaflet-popup-content a").evaluate_all("(a) => a.map((x) => x.href)")
    assert hrefs == []
    # Hovering shows the title and the dates, as text too.
    page.mouse.move(x + 1, y)
    tooltip = page.locator(".leaflet-tooltip .ge-tooltip")
    tooltip.wait_for(state="visible", timeout=5_000)
    assert gdf["title"][0] in tooltip.inner_text()
    assert gdf["date_start"][0] in tooltip.inner_text()
    assert page.evaluate(f"() => {PWNED}") is None
    assert opened.errors == []
    page.close()


def test_zooming_in_draws_the_precision_symbols(context, built):
    gdf = built["gdf"]
    opened = open_map(context, built["map"])
    assert opened.state("(s) => s.mode") == "stamps"
    row = int(np.flatnonzero(gdf["geo_precision"].to_numpy() == 3)[HOSTILE])
    point = [gdf.geometry.y[row], gdf.geometry.x[row]]
    opened.state("(s, p) => s.map.setView(p, 10, {animate: false})", point)
    assert opened.state("(s) => s.mode") == "symbols"
    assert 0 < opened.state("(s) => s.drawnInView") <= 15_000
    # A region-only incident opens with its record, which says how precise it is.
    opened.state(f"(s) => s.openRow({row})")
    assert "3 – only the region is known" in current_popup(opened)
    assert opened.errors == []
    opened.page.close()


def test_heat_map_follows_the_category_toggles(context, built):
    opened = open_map(context, built["map"])
    page = opened.page
    assert page.evaluate(HEAT_PIXELS) > 0
    counts = built["gdf"]["event_type"].value_counts()
    for name in counts.index:
        checkbox(opened, name, counts[name]).uncheck()
    assert opened.state("(s) => s.visibleCount()") == 0
    assert page.evaluate(HEAT_PIXELS) == 0
    first = counts.index[0]
    checkbox(opened, first, counts[first]).check()
    assert page.evaluate(HEAT_PIXELS) > 0
    assert opened.errors == []
    page.close()


def test_the_same_store_gives_the_same_bytes(built, tmp_path):
    from click.testing import CliRunner

    store = Path(built["map"]).parent / "incidents.parquet"
    again = tmp_path / "again.html"
    args = ["map", str(store), "-o", str(again), "--timeline", "--heatmap", "--tiles", "none"]
    args += ["--view", "points"]
    assert CliRunner().invoke(cli, args).exit_code == 0
    assert again.read_bytes() == built["map"].read_bytes()


def test_a_browser_without_decompression_says_so_instead_of_failing(context, built):
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.add_init_script("delete window.DecompressionStream;")
    page.goto(built["map"].resolve().as_uri())
    page.wait_for_function("document.documentElement.dataset.geoeventsError", timeout=15_000)
    notice = page.locator(".ge-notice").inner_text()
    assert "lacks DecompressionStream" in notice and "current Firefox, Chrome" in notice
    assert page.evaluate("document.documentElement.dataset.geoeventsReady") is None
    assert errors == []
    page.close()


# --- every incident reachable, with either drawer ----------------------------------------------

HIT_RADIUS = 6  # pixels: GE.HIT_RADIUS in assets/hits.js
MAX_LAT = 85.0511287798


def mercator(lat: np.ndarray, lon: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    phi = np.radians(np.clip(lat, -MAX_LAT, MAX_LAT))
    return lon / 360 + 0.5, 0.5 - np.log(np.tan(np.pi / 4 + phi / 2)) / (2 * np.pi)


def python_at(gdf: gpd.GeoDataFrame, lat: float, lon: float, zoom: int) -> tuple[list, float]:
    """Ids within HIT_RADIUS pixels at zoom (rows at their float32 coordinates), and the
    smallest distance to the radius (to skip cases too close to call)."""
    rx, ry = mercator(
        gdf.geometry.y.to_numpy().astype("<f4").astype(float),
        gdf.geometry.x.to_numpy().astype("<f4").astype(float),
    )
    qx, qy = mercator(np.array(lat), np.array(lon))
    distance = np.hypot(rx - qx, ry - qy) * 256 * 2**zoom
    inside = np.flatnonzero(distance <= HIT_RADIUS)
    return gdf["id"].to_numpy()[inside].tolist(), float(np.abs(distance - HIT_RADIUS).min())


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """A 200-incident map: "auto" draws it with the vector drawer."""
    from geoevents.render import build_map, save_map

    gdf = synthetic.incidents(200, seed=5)
    path = save_map(build_map(gdf, tiles="none"), tmp_path_factory.mktemp("small") / "m.html")
    return {"gdf": gdf, "map": path}


@pytest.mark.parametrize(
    ("which", "drawer", "zoom"), [("small", "vector", 5), ("large", "canvas", 9)]
)
def test_at_and_a_click_list_every_incident_under_the_pointer(
    context, built, small, which, drawer, zoom
):
    data = small if which == "small" else built
    gdf = data["gdf"]
    opened = open_map(context, data["map"])
    assert opened.state("(s) => s.meta.drawer") == drawer
    stacked = 0
    for row in range(HOSTILE, HOSTILE + 40):
        lat, lon = float(gdf.geometry.y[row]), float(gdf.geometry.x[row])
        want, edge = python_at(gdf, lat, lon, zoom)
        if edge < 1e-3:
            continue
        got = opened.state(
            "(s, q) => { s.map.setView([q[0], q[1]], q[2], {animate: false}); "
            "return s.at(q[0], q[1]); }",
            [lat, lon, zoom],
        )
        assert got == want, row
        if len(want) > 1 and not stacked:
            # A real click at that pixel lists the same incidents.
            # (The mouse lands on a whole pixel: compare with what lies around that pixel.)
            x, y, at = opened.state(
                """(s, p) => { const pt = s.map.latLngToContainerPoint(p);
                    const box = s.map.getContainer().getBoundingClientRect();
                    const here = s.map.containerPointToLatLng(pt);
                    return [box.left + pt.x, box.top + pt.y, [here.lat, here.lng]]; }""",
                [lat, lon],
            )
            ids, edge = python_at(gdf, at[0], at[1], zoom)
            if len(ids) < 2 or edge < 1e-3:
                continue
            opened.page.mouse.click(x, y)
            text = current_popup(opened)
            assert text.startswith(f"{len(ids)} incidents here")
            titles = set(gdf.set_index("id").loc[ids, "title"])
            shown = opened.page.locator(".leaflet-popup-content .ge-stack-name").all_inner_texts()
            assert set(shown) == titles
            stacked += 1
    assert stacked
    assert opened.errors == []
    opened.page.close()


CANVAS = """async () => {
    await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
    return document.querySelector("canvas.ge-large").toDataURL();
}"""


def test_clearing_the_filters_draws_what_was_drawn_before(context, built):
    # The drawer keeps the rows and stamps of "everything shown" per view (store.catAll): a
    # clear re-reads them, and a move while filtered must not let stale ones through.
    opened = open_map(context, built["map"])
    page = opened.page
    before = page.evaluate(CANVAS)
    page.evaluate("geoevents.filter({types: ['Battles']})")
    assert page.evaluate(CANVAS) != before
    page.evaluate("geoevents.clearFilters()")
    assert page.evaluate(CANVAS) == before
    page.evaluate("geoevents.filter({min_fatalities: 3})")
    page.evaluate("Object.values(geoevents.maps)[0].map.panBy([120, 80], {animate: false})")
    page.evaluate("geoevents.clearFilters()")
    cleared = page.evaluate(CANVAS)
    page.evaluate("Object.values(geoevents.maps)[0].map.panBy([-120, -80], {animate: false})")
    assert page.evaluate(CANVAS) == before
    page.evaluate("Object.values(geoevents.maps)[0].map.panBy([120, 80], {animate: false})")
    assert page.evaluate(CANVAS) == cleared
    assert opened.errors == []
    page.close()
