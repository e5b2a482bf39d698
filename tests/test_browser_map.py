"""The map in a real browser: headless Chromium, from file://, with every http(s) request blocked.

One browser per module; each test opens a fresh page (a saved map loads in a fraction of a
second) and waits for ``<html data-geoevents-ready="true">`` rather than sleeping. Every map
has one store and one page API (docs/map.md); the tests drive both drawers through it: the
vector drawer (the seed map) and the canvas drawer (the seed map with ``engine="large"``).
"""

from __future__ import annotations

import math
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from browser import (
    FIXTURES,
    HEAT_PIXELS,
    MapPage,
    current_popup,
    move_timeline,
    offline_context,
    open_map,
    read_incidents,
    seed_path,
)
from test_render_columnar import expected_records

from geoevents.render import build_map, save_map
from geoevents.render.categories import categorize
from geoevents.render.describe import describe_map

pytestmark = pytest.mark.browser

HOSTILE = FIXTURES / "hostile.geojson"
VISIBLE_IDS = "(s) => s.visible()"
HIT_RADIUS = 6  # pixels: GE.HIT_RADIUS in assets/hits.js


@pytest.fixture(scope="module")
def context() -> Any:
    with offline_context() as context:
        yield context


@pytest.fixture(scope="module")
def maps(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Saved maps (seed with timeline; seed clustered with heat map; hostile; seed with OSM)."""
    folder = tmp_path_factory.mktemp("maps")
    seed = read_incidents(seed_path())
    hostile = read_incidents(HOSTILE)
    built = {
        "seed": build_map(seed, timeline=True, tiles="none"),
        "cluster": build_map(seed, cluster=True, heatmap=True, tiles="none"),
        "hostile": build_map(hostile, timeline=True, cluster=False, heatmap=True, tiles="none"),
        "osm": build_map(seed, tiles="osm"),
        "canvas": build_map(seed, timeline=True, tiles="none", engine="large"),
        # Every hostile incident on one spot: the stack list shows all their text.
        "hostile_stack": build_map(hostile.assign(geometry=hostile.geometry.iloc[0]), tiles="none"),
    }
    out: dict[str, Any] = {name: save_map(m, folder / f"{name}.html") for name, m in built.items()}
    out["describe"] = {name: describe_map(m) for name, m in built.items()}
    _, codes = categorize(seed["event_type"].tolist(), "event_type")
    out["seed_records"] = expected_records(seed, codes)
    _, codes = categorize(hostile["event_type"].tolist(), "event_type")
    out["hostile_records"] = expected_records(hostile, codes)
    return out


def web_requests(opened: MapPage) -> list[str]:
    return [url for url in opened.requests if url.startswith(("http:", "https:"))]


def category_box(opened: MapPage, name: str) -> Any:
    """The layer-control checkbox of a category, whatever its live count says."""
    pattern = re.compile(rf"{re.escape(name)} \(\d+ / \d+\)")
    index = next(i for i, label in enumerate(overlay_labels(opened)) if pattern.fullmatch(label))
    return opened.page.locator(".leaflet-control-layers-overlays input").nth(index)


def overlay_labels(opened: MapPage) -> list[str]:
    labels = opened.page.locator(".leaflet-control-layers-overlays label").all_inner_texts()
    return [label.strip() for label in labels]


def drawn_points(records: list[dict]) -> list[dict]:
    return [r for r in records if "point" in r and "shape" not in r]


def overlaps(record: dict, start: str, end: str) -> bool:
    first = record["date_start"]
    return first <= end and record.get("date_end", first) >= start


def click_incident(opened: MapPage, record: dict) -> None:
    """Centre the map on an incident at a close zoom and click its marker with the mouse."""
    x, y = opened.state(
        """(s, p) => {
            s.map.setView(p, 12, {animate: false});
            const pt = s.map.latLngToContainerPoint(p);
            const box = s.map.getContainer().getBoundingClientRect();
            return [box.left + pt.x, box.top + pt.y];
        }""",
        record["point"],
    )
    opened.page.mouse.click(x, y)


def popup_text(opened: MapPage) -> str:
    return current_popup(opened)


def isolated_point(records: list[dict]) -> dict:
    """A point incident far from every other one, preferring one with sources and no count."""
    points = drawn_points(records)

    def distance_to_others(record: dict) -> float:
        return min(
            (math.dist(record["point"], other["point"]) for other in points if other is not record),
            default=math.inf,
        )

    def preference(record: dict) -> tuple:
        return (
            distance_to_others(record) > 0.05,
            bool(record.get("sources")),
            "fatalities" not in record,
            distance_to_others(record),
        )

    return max(points, key=preference)


# --- the seed map ----------------------------------------------------------------------------


def test_seed_map_loads_offline_without_errors(context, maps):
    opened = open_map(context, maps["seed"])
    assert opened.errors == []
    assert web_requests(opened) == []
    page = opened.page
    assert page.locator("path.ge-border").count() > 100  # the basemap, without any tiles
    drawn = opened.state("(s) => s.drawnCount()")
    assert opened.state("(s) => s.visibleCount()") == drawn
    assert drawn == sum("point" in r for r in maps["seed_records"])
    panel = page.locator(".ge-panel").inner_text()
    assert f"{len(maps['seed_records'])} incident" in panel
    assert "geoevents" in panel
    legend = page.locator(".ge-legend").inner_text()
    for category in maps["describe"]["seed"]["categories"]:
        assert category["name"] in legend
    assert "only the region is known" in legend
    page.close()


def test_layer_control_lists_each_category(context, maps):
    opened = open_map(context, maps["seed"])
    assert overlay_labels(opened) == maps["describe"]["seed"]["overlays"]
    opened.page.close()


def live_counts(opened: MapPage) -> dict[str, Any]:
    """What the page says it shows, per category: counts(), legend, layer control, panel."""
    return opened.page.evaluate(
        """() => {
            const texts = (selector) => Array.from(document.querySelectorAll(selector),
                (node) => node.textContent.trim());
            return {
                api: geoevents.counts(),
                legend: texts(".ge-legend > ul:not(.ge-precision-list) .ge-legend-count"),
                panel: texts(".ge-panel-categories .ge-legend-count"),
                total: document.querySelector(".ge-panel-total").textContent,
                labels: texts(".leaflet-control-layers-overlays label span span"),
            };
        }"""
    )


def assert_live_counts(opened: MapPage, categories: list[dict], shown: list[int]) -> None:
    counts = live_counts(opened)
    pairs = [[n, c["count"]] for n, c in zip(shown, categories, strict=True)]
    assert counts["api"] == {c["name"]: p for c, p in zip(categories, pairs, strict=True)}
    assert counts["legend"] == counts["panel"] == [f"{a:,} / {b:,}" for a, b in pairs]
    assert counts["labels"][: len(categories)] == [
        f"{c['name']} ({a:,} / {b:,})" for c, (a, b) in zip(categories, pairs, strict=True)
    ]
    total = sum(c["count"] for c in categories)
    assert counts["total"] == f"Shown: {sum(shown):,} of {total:,} incidents"


def test_counts_are_written_with_thousands_separators(context, maps):
    """What a reader sees says "12,345 of 1,000,000"; what the API returns stays a number."""
    opened = open_map(context, maps["seed"])
    written = opened.page.evaluate(
        "() => [0, 7, 999, 1000, 12345, 1000000, 1234567890].map(geoevents.countText)"
    )
    assert written == ["0", "7", "999", "1,000", "12,345", "1,000,000", "1,234,567,890"]
    assert all(isinstance(pair[0], int) for pair in opened.state("(s) => s.counts()").values())
    assert isinstance(opened.state("(s) => s.visibleCount()"), int)


def test_unchecking_a_category_removes_its_incidents(context, maps):
    opened = open_map(context, maps["seed"])
    page = opened.page
    categories = maps["describe"]["seed"]["categories"]
    drawn = [
        sum(r["c"] == k and "point" in r for r in maps["seed_records"])
        for k in range(len(categories))
    ]
    k = max(range(len(categories)), key=drawn.__getitem__)
    paths = page.locator(f"path.ge-cat-{k}")
    before, visible = paths.count(), opened.state("(s) => s.visibleCount()")
    assert before >= drawn[k] > 0
    assert_live_counts(opened, categories, drawn)

    category_box(opened, categories[k]["name"]).uncheck()
    assert paths.count() == 0
    assert opened.state("(s) => s.visibleCount()") == visible - drawn[k]
    for other in range(len(categories)):
        if other != k and drawn[other]:
            assert page.locator(f"path.ge-cat-{other}").count() > 0
    assert_live_counts(opened, categories, [0 if j == k else n for j, n in enumerate(drawn)])

    category_box(opened, categories[k]["name"]).check()
    assert paths.count() == before
    assert opened.state("(s) => s.visibleCount()") == visible
    assert_live_counts(opened, categories, drawn)
    assert opened.errors == []
    page.close()


def test_clicking_an_incident_opens_its_popup(context, maps):
    record = isolated_point(maps["seed_records"])
    opened = open_map(context, maps["seed"])
    click_incident(opened, record)
    text = popup_text(opened)
    assert record["title"] in text
    assert record["date_start"] in text
    fatalities = "not reported" if "fatalities" not in record else str(record["fatalities"])
    assert re.search(rf"Fatalities\s+{fatalities}", text)
    assert f"Date precision\t{record.get('date_precision', 'day')}" in text.replace("\n", "\t")
    for field in ("location", "actor1", "summary"):
        if field in record:
            assert record[field] in text
    for source in record.get("sources", []):
        if "name" in source:
            assert source["name"] in text
        if "quote" in source:
            assert source["quote"] in text
    hrefs = opened.page.evaluate(POPUP_LINKS)
    web_urls = [
        s["url"] for s in record.get("sources", []) if re.match(r"https?://", s.get("url", ""))
    ]
    assert len(hrefs) == len(web_urls)
    assert all(href.startswith(("http://", "https://")) for href in hrefs)
    assert opened.errors == []
    opened.page.close()


def test_hovering_an_incident_shows_title_and_date(context, maps):
    record = isolated_point(maps["seed_records"])
    opened = open_map(context, maps["seed"])
    x, y = opened.state(
        """(s, p) => {
            s.map.setView(p, 12, {animate: false});
            const pt = s.map.latLngToContainerPoint(p);
            return [pt.x, pt.y];
        }""",
        record["point"],
    )
    opened.page.mouse.move(x, y)
    tooltip = opened.page.locator(".leaflet-tooltip")
    tooltip.wait_for(state="visible", timeout=5_000)
    assert tooltip.inner_text().split("\n") == [
        record["title"],
        record["date_start"]
        if record.get("date_end", record["date_start"]) == record["date_start"]
        else f"{record['date_start']} to {record['date_end']}",
    ]
    opened.page.close()


def test_imprecise_incidents_are_drawn_with_an_area_not_a_pin(context, maps):
    opened = open_map(context, maps["seed"])
    page = opened.page
    points = drawn_points(maps["seed_records"])
    by_code = {code: [r for r in points if r.get("geo_precision", 1) == code] for code in (1, 2, 3)}
    assert page.locator("path.ge-area").count() == len(by_code[2]) + len(by_code[3])
    for code in (1, 2, 3):
        assert page.locator(f"path.ge-incident.ge-p{code}").count() == len(by_code[code])
    radii = opened.state(
        """(s) => {
            const out = [];
            s.map.eachLayer((layer) => {
                const name = (layer.options && layer.options.className) || "";
                if (name.includes("ge-area")) out.push([+name.slice(-1), layer.getRadius()]);
            });
            return out;
        }"""
    )
    assert {code: radius for code, radius in radii} in (
        {},
        {2: 15000},
        {3: 75000},
        {2: 15000, 3: 75000},
    )
    page.close()


def test_timeline_hides_incidents_outside_the_chosen_range(context, maps):
    records = [r for r in maps["seed_records"] if "point" in r]
    starts = sorted({r["date_start"] for r in records})
    start, end = starts[len(starts) // 3], starts[(2 * len(starts)) // 3]
    opened = open_map(context, maps["seed"])
    page = opened.page
    first, last = maps["describe"]["seed"]["timeline"]
    assert page.locator(".ge-range-start").inner_text() == first
    assert page.locator(".ge-range-end").inner_text() == last

    # Move both handles as a drag would: set the value, fire "input".
    move_timeline(page, start, end)
    expected = [r["id"] for r in records if overlaps(r, start, end)]
    assert 0 < len(expected) < len(records)
    assert opened.state(VISIBLE_IDS) == expected
    assert page.locator(".ge-range-start").inner_text() == start
    assert page.locator(".ge-range-end").inner_text() == end
    assert (
        page.locator(".ge-visible-count").inner_text()
        == f"{len(expected):,} of {len(records):,} incidents shown"
    )
    shown_points = [r for r in drawn_points(records) if overlaps(r, start, end)]
    assert page.locator("path.ge-incident").count() == len(shown_points)
    categories = maps["describe"]["seed"]["categories"]
    shown = [
        sum(r["c"] == k and overlaps(r, start, end) for r in records)
        for k in range(len(categories))
    ]
    assert_live_counts(opened, categories, shown)

    # The keyboard works too: Home on the last-date handle pulls it down onto the first one.
    page.locator(".ge-range-input").nth(1).focus()
    page.keyboard.press("Home")
    only_start = [r["id"] for r in records if overlaps(r, start, start)]
    assert opened.state(VISIBLE_IDS) == only_start
    assert page.locator(".ge-range-end").inner_text() == start
    assert opened.errors == []
    page.close()


# --- clusters and heat map -------------------------------------------------------------------


def test_a_cluster_bubble_counts_with_thousands_separators(context, tmp_path):
    """1,200 battles around Kirkuk, zoomed out: one bubble reading "1,200", as the legend and
    the counts read, not "1200"."""
    from incident_maker import incident, write_store

    features = [
        incident(f"k-{k}", "2017-10-16", lonlat=(44.39 + (k % 40) * 1e-4, 35.47 + (k // 40) * 1e-4))
        for k in range(1200)
    ]
    gdf = read_incidents(write_store(tmp_path / "kirkuk.geojson", features))
    opened = open_map(
        context, save_map(build_map(gdf, cluster=True, tiles="none"), tmp_path / "k.html")
    )
    opened.state("(s) => s.map.setView([35.47, 44.39], 6, {animate: false})")
    bubbles = opened.page.locator(".ge-cluster")
    bubbles.first.wait_for()
    assert bubbles.all_inner_texts() == ["1,200"]
    assert opened.errors == []
    opened.page.close()


def test_clusters_and_heat_map_follow_the_category_toggles(context, maps):
    opened = open_map(context, maps["cluster"])
    page = opened.page
    assert opened.errors == []
    assert page.locator(".ge-cluster").count() + page.locator("path.ge-incident").count() > 0
    assert page.evaluate(HEAT_PIXELS) > 0
    categories = maps["describe"]["cluster"]["categories"]
    for category in categories:
        category_box(opened, category["name"]).uncheck()
    assert page.locator(".ge-cluster").count() == 0
    assert page.locator("path.ge-incident").count() == 0
    assert page.evaluate(HEAT_PIXELS) == 0
    first = categories[0]
    category_box(opened, first["name"]).check()
    assert page.evaluate(HEAT_PIXELS) > 0
    page.get_by_role("checkbox", name="Heatmap").uncheck()
    assert page.locator("canvas.ge-heat").count() == 0
    assert opened.errors == []
    page.close()


def test_osm_tiles_are_the_only_network_use_and_borders_remain(context, maps):
    opened = open_map(context, maps["osm"])
    assert web_requests(opened)
    assert all(url.startswith("https://tile.openstreetmap.org/") for url in web_requests(opened))
    # The only errors are the tiles the blocked network could not deliver.
    assert all(error.startswith("Failed to load resource") for error in opened.errors)
    assert opened.page.locator("path.ge-border").count() > 100
    opened.page.get_by_role("radio", name="No tiles (borders only)").check()
    assert opened.page.locator(".leaflet-tile").count() == 0
    opened.page.close()


# --- hostile text ----------------------------------------------------------------------------

ATTRIBUTE_HANDLERS = """() => Array.from(document.querySelectorAll("*")).flatMap((node) =>
    Array.from(node.attributes)
        .filter((a) => a.name.toLowerCase().startsWith("on"))
        .map((a) => node.tagName + " " + a.name))"""
POPUP_LINKS = """() => Array.from(
    Object.values(geoevents.maps)[0].popup.getElement()
        .querySelectorAll(".leaflet-popup-content a"),
    (a) => a.href)"""
INJECTED = "() => [window.__pwned, document.querySelectorAll('img, iframe, object, embed').length]"


class _ScriptCounter(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.scripts = 0

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self.scripts += tag == "script"


def assert_nothing_ran(opened: MapPage, html: Path) -> None:
    assert opened.dialogs == []
    assert opened.page.evaluate(INJECTED) == [None, 0]
    assert opened.page.evaluate(ATTRIBUTE_HANDLERS) == []
    parser = _ScriptCounter()
    parser.feed(html.read_text(encoding="utf-8"))
    assert opened.page.evaluate("() => document.scripts.length") == parser.scripts
    assert opened.errors == []


def test_hostile_map_shows_text_literally_and_runs_nothing(context, maps):
    opened = open_map(context, maps["hostile"])
    page = opened.page
    assert_nothing_ran(opened, maps["hostile"])
    hostile_name = '<svg onload="window.__pwned=(window.__pwned||0)+1">'
    hostile_label = f"{hostile_name} (1 / 1)"
    assert overlay_labels(opened) == maps["describe"]["hostile"]["overlays"]
    assert hostile_label in overlay_labels(opened)
    assert hostile_name in page.locator(".ge-legend").inner_text()

    # A real click on the first incident: its markup-laden title is shown as text.
    click_incident(opened, maps["hostile_records"][0])
    assert maps["hostile_records"][0]["title"] in popup_text(opened)

    for record in maps["hostile_records"]:
        assert opened.state("(s, id) => s.open(id)", record["id"]) is True
        popup = opened.state("(s) => s.popup.getElement().textContent")
        opened.page.mouse.move(1, 1)
        x, y = opened.state(
            """(s, p) => {
                const pt = s.map.latLngToContainerPoint(p);
                const box = s.map.getContainer().getBoundingClientRect();
                return [box.left + pt.x, box.top + pt.y];
            }""",
            record["point"],
        )
        opened.page.mouse.move(x, y)
        tooltip_box = page.locator(".leaflet-tooltip")
        tooltip_box.wait_for(state="visible", timeout=5_000)
        tooltip = tooltip_box.text_content()
        assert record["title"] in popup and record["title"] in tooltip
        for field in ("summary", "actor1", "actor2", "sub_event_type", "confidence", "id"):
            if field in record:
                assert record[field] in popup, field
        for source in record.get("sources", []):
            for key in ("name", "quote", "document", "published"):
                if key in source:
                    assert source[key] in popup, key
        hrefs = page.evaluate(POPUP_LINKS)
        assert all(href.startswith(("http://", "https://")) for href in hrefs)
        for source in record.get("sources", []):
            if not source.get("url", "").strip().lower().startswith(("http://", "https://")):
                assert f"Address (not a web link): {source['url']}" in popup
    # The one real link survives, normalised and percent-encoded, never as markup.
    assert opened.state("(s, id) => s.open(id)", maps["hostile_records"][0]["id"]) is True
    hrefs = page.evaluate(POPUP_LINKS)
    assert hrefs == ["https://example.org/a?b=%3Cc%3E&d=%22e%22"]

    # Narrow the timeline, toggle the hostile category off and on: redrawn, still inert.
    day = maps["hostile_records"][0]["date_start"]
    opened.state("(s, day) => s.timeRange([day, day])", day)
    assert opened.state("(s) => s.visibleCount()") == 1
    category_box(opened, hostile_name).uncheck()
    assert opened.state("(s) => s.visibleCount()") == 0
    category_box(opened, hostile_name).check()
    assert opened.state("(s) => s.visibleCount()") == 1
    assert_nothing_ran(opened, maps["hostile"])
    assert web_requests(opened) == []
    page.close()


# --- stacked incidents, at() and open() ------------------------------------------------------

MAX_LAT = 85.0511287798


def mercator(lat: Any, lon: Any) -> tuple[Any, Any]:
    """Normalised Web Mercator, as the store computes it."""
    phi = np.radians(np.clip(lat, -MAX_LAT, MAX_LAT))
    return np.asarray(lon) / 360 + 0.5, 0.5 - np.log(np.tan(np.pi / 4 + phi / 2)) / (2 * np.pi)


def python_at(records: list[dict], lat: float, lon: float, zoom: float) -> tuple[list, float]:
    """The ids within HIT_RADIUS pixels of (lat, lon) at zoom, and the distance nearest the edge.

    Rows are at their float32 coordinates, as the page stores them.
    """
    scale = 256 * 2**zoom
    qx, qy = mercator(lat, lon)
    ids, edge = [], math.inf
    for record in drawn_points(records):
        rlat, rlon = (float(np.float32(v)) for v in record["point"])
        rx, ry = mercator(rlat, rlon)
        distance = math.hypot((rx - qx) * scale, (ry - qy) * scale)
        edge = min(edge, abs(distance - HIT_RADIUS))
        if distance <= HIT_RADIUS:
            ids.append(record["id"])
    return ids, edge


def date_text(record: dict) -> str:
    end = record.get("date_end", record["date_start"])
    return (
        record["date_start"] if end == record["date_start"] else f"{record['date_start']} to {end}"
    )


def stack_of(records: list[dict], anchor: str) -> list[dict]:
    point = next(r["point"] for r in records if r["id"] == anchor)
    return [r for r in drawn_points(records) if r["point"] == point]


def stack_rows(opened: MapPage) -> list[list[str]]:
    buttons = opened.page.locator(".leaflet-popup-content .ge-stack-item").all_inner_texts()
    return [text.split("\n") for text in buttons]


@pytest.mark.parametrize("name", ["seed", "canvas"])
@pytest.mark.parametrize("chosen", ["seed-000-01", "seed-000-09"])  # Black Stadium, Tongo Tongo
def test_a_click_on_a_stack_lists_every_incident_there(context, maps, name, chosen):
    records = maps["seed_records"]
    stack = stack_of(records, chosen)
    assert len(stack) >= 2
    opened = open_map(context, maps[name])
    click_incident(opened, stack[0])  # a real mouse click at the marker's pixel
    assert current_popup(opened).startswith(f"{len(stack)} incidents here")
    assert stack_rows(opened) == [[date_text(r), r["event_type"], r["title"]] for r in stack]
    # Choose one: its own popup, with a way back to the list.
    position = [r["id"] for r in stack].index(chosen)
    opened.page.locator(".ge-stack-item").nth(position).click()
    text = current_popup(opened)
    assert next(r["title"] for r in stack if r["id"] == chosen) in text
    assert re.search(rf"ID\s+{chosen}", text)
    opened.page.locator(".ge-stack-back").click()
    # The list comes back in the same popup; under load that can take a frame or two.
    opened.page.locator(".leaflet-popup-content .ge-stack-item").first.wait_for(timeout=5_000)
    assert len(stack_rows(opened)) == len(stack)
    # The API says the same: at() lists the stack, open() opens the chosen one.
    assert opened.state("(s, p) => s.at(p[0], p[1])", stack[0]["point"]) == [r["id"] for r in stack]
    assert opened.state("(s, id) => s.open(id)", chosen) is True
    assert re.search(rf"ID\s+{chosen}", current_popup(opened))
    # Hovering says how many are there.
    opened.page.mouse.move(1, 1)
    x, y = opened.state(
        """(s, p) => { const pt = s.map.latLngToContainerPoint(p);
            const box = s.map.getContainer().getBoundingClientRect();
            return [box.left + pt.x, box.top + pt.y]; }""",
        stack[0]["point"],
    )
    opened.page.mouse.move(x, y)
    tooltip = opened.page.locator(".leaflet-tooltip")
    tooltip.wait_for(state="visible", timeout=5_000)
    assert tooltip.inner_text().startswith(f"{len(stack)} incidents here")
    assert opened.errors == []
    opened.page.close()


@pytest.mark.parametrize("name", ["seed", "canvas"])
def test_at_lists_what_is_within_the_hit_radius_at_every_zoom(context, maps, name):
    records = maps["seed_records"]
    opened = open_map(context, maps[name])
    points = sorted({tuple(r["point"]) for r in drawn_points(records)})
    checked = 0
    for zoom in (3, 6, 12):
        for lat, lon in points:
            # The point itself and 4 pixels east of it.
            for dx in (0.0, 4.0):
                qlon = lon + dx * 360 / (256 * 2**zoom)
                want, edge = python_at(records, lat, qlon, zoom)
                if edge < 1e-3:
                    continue  # too close to the radius to call
                got = opened.state(
                    "(s, q) => { s.map.setView([q[0], q[1]], q[2], {animate: false}); "
                    "return s.at(q[0], q[1]); }",
                    [lat, qlon, zoom],
                )
                assert got == want, (lat, qlon, zoom)
                checked += 1
    assert checked > 3 * len(points)
    opened.page.close()


def test_the_page_api_drives_the_map(context, maps):
    records = maps["seed_records"]
    categories = maps["describe"]["seed"]["categories"]
    opened = open_map(context, maps["seed"])
    page = opened.page
    all_ids = [r["id"] for r in records if "point" in r]
    assert page.evaluate("() => geoevents.visible()") == all_ids
    page.evaluate("() => { window.changes = 0; geoevents.onChange(() => window.changes++); }")
    battles = next(c["name"] for c in categories if c["name"] == "Battles")
    assert page.evaluate("(c) => geoevents.toggle(c, false)", battles) is False
    k = [c["name"] for c in categories].index(battles)
    shown = [r["id"] for r in records if "point" in r and r["c"] != k]
    assert page.evaluate("() => geoevents.visible()") == shown
    assert page.evaluate("(c) => geoevents.counts()[c]", battles) == [0, categories[k]["count"]]
    start, end = "2017-10-01", "2017-10-16"
    assert page.evaluate("(r) => geoevents.timeRange(r)", [start, end]) == [start, end]
    dated = [r["id"] for r in records if "point" in r and r["c"] != k and overlaps(r, start, end)]
    assert page.evaluate("() => geoevents.visible()") == dated
    assert page.locator(".ge-range-start").inner_text() == start
    page.evaluate("(c) => geoevents.toggle(c, true)", battles)
    assert page.evaluate("() => window.changes") >= 3
    assert page.evaluate("() => geoevents.open('no such id')") is False
    assert page.evaluate("() => geoevents.maps[Object.keys(geoevents.maps)[0]].count") == len(
        records
    )
    assert opened.errors == []
    page.close()


def test_the_stack_list_shows_hostile_text_literally(context, maps):
    opened = open_map(context, maps["hostile_stack"])
    records = maps["hostile_records"]
    click_incident(opened, records[0])
    assert current_popup(opened).startswith(f"{len(records)} incidents here")
    rows = stack_rows(opened)
    assert [row[-1] for row in rows] == [r["title"] for r in records]
    assert [row[1] for row in rows] == [r.get("event_type", "") for r in records]
    opened.page.locator(".ge-stack-item").nth(0).click()
    assert records[0]["title"] in current_popup(opened)
    ids = opened.state("(s, p) => s.at(p[0], p[1])", records[0]["point"])
    assert ids == [r["id"] for r in records]
    assert_nothing_ran(opened, maps["hostile_stack"])
    opened.page.close()
