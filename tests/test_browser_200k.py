"""The analyst's workspace on a generated 200,000-incident map (issue 11, "done when").

One map, generated once for the module (``geoevents.testing.synthetic``, written as GeoParquet,
read back with ``geoevents.load`` as the CLI reads it, built with ``build_map``), opened from
file:// in headless Chromium with every http(s) request blocked. On it: a stack of incidents
at one point lists every one and opens the chosen one; the list sorts and a row opens its
incident; filters select what ``geoevents list`` selects; counts follow a toggle and a filter;
search finds a place and an id; a permalink restores the same ``visible()``; both exports parse
back to what ``geoevents filter`` and ``list --format csv`` write.
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path
from typing import Any

import pytest
import shapely
from browser import current_popup, offline_context, open_map
from click.testing import CliRunner

import geoevents
from geoevents.cli import cli
from geoevents.testing import synthetic

pytestmark = pytest.mark.browser

N = 200_000
#: Four incidents at one point, far from the generator's towns (in Chad): a stack.
STACK_ROWS = [10, 11, 12, 13]
STACK_POINT = (13.1234, 19.8765)
LISTED = "document.documentElement.dataset.geoeventsList === 'true'"
LIST_COLUMNS = ("assoc_actors", "sources", "tags")
#: Selective criteria (a few hundred incidents), as the page and as CLI options.
SELECTIVE: list[tuple[dict[str, Any], list[str]]] = [
    (
        {"countries": ["mali"], "types": ["battles"], "min_fatalities": 8},
        ["--country", "mali", "--type", "battles", "--min-fatalities", "8"],
    ),
    (
        {"text": "checkpoint", "confidences": ["possible"], "start": "2023-07"},
        ["--text", "checkpoint", "--confidence", "possible", "--start", "2023-07"],
    ),
]


def cli_run(*args: Any) -> Any:
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    folder = tmp_path_factory.mktemp("map200k")
    gdf = synthetic.incidents(N, seed=21)
    geometry = gdf.geometry.values.copy()
    geometry[STACK_ROWS] = shapely.Point(STACK_POINT[1], STACK_POINT[0])
    gdf = gdf.set_geometry(geometry)
    gdf.loc[STACK_ROWS, "title"] = [f"Stacked incident {k}" for k in range(len(STACK_ROWS))]
    gdf.loc[STACK_ROWS, ["country", "iso3", "admin1", "location"]] = ["Chad", "TCD", None, None]
    store = Path(geoevents.write_incidents(gdf, folder / "incidents.parquet"))
    loaded = geoevents.load(store)
    # The points (from 10,001 incidents on the default view is the hexagons alone), mapped
    # by the CLI from the GeoParquet: its 200,000 summaries are read in two chunks, embedded
    # chunk by chunk (render/columnar.Joined), and the exports below read them back.
    path = folder / "map.html"
    made = cli_run("map", store, "-o", path, "--timeline", "--tiles", "none", "--view", "points")
    assert made.exit_code == 0, made.output
    return {"store": store, "map": path, "gdf": loaded}


@pytest.fixture(scope="module")
def context() -> Any:
    with offline_context() as context:
        yield context


def cli_ids(store: Path, options: list[str]) -> list[str]:
    result = cli_run("list", store, *options, "--format", "json")
    assert result.exit_code == 0, result.output
    return [row["id"] for row in json.loads(result.stdout)]


def test_the_map_draws_every_incident_on_the_canvas(context, built):
    opened = open_map(context, built["map"])
    assert opened.state("(s) => [s.meta.drawer, s.visibleCount()]") == ["canvas", N]
    assert opened.errors == []
    assert not [u for u in opened.requests if u.startswith(("http:", "https:"))]
    opened.page.close()


def test_a_stack_lists_every_incident_there_and_opens_the_chosen_one(context, built):
    gdf = built["gdf"]
    stack = gdf.iloc[STACK_ROWS]
    opened = open_map(context, built["map"])
    x, y = opened.state(
        """(s, p) => {
            s.map.setView(p, 10, {animate: false});
            const pt = s.map.latLngToContainerPoint(p);
            const box = s.map.getContainer().getBoundingClientRect();
            return [box.left + pt.x, box.top + pt.y];
        }""",
        list(STACK_POINT),
    )
    assert opened.page.evaluate("(p) => geoevents.at(p[0], p[1])", list(STACK_POINT)) == list(
        stack["id"]
    )
    opened.page.mouse.click(x, y)
    assert current_popup(opened).startswith(f"{len(STACK_ROWS)} incidents here")
    items = opened.page.locator(".leaflet-popup-content .ge-stack-item").all_inner_texts()
    assert [text.split("\n")[2] for text in items] == list(stack["title"])
    opened.page.locator(".ge-stack-item").nth(2).click()
    text = current_popup(opened)
    assert stack["title"].iloc[2] in text and re.search(rf"ID\s+{stack['id'].iloc[2]}", text)
    assert opened.errors == []
    opened.page.close()


def test_the_list_sorts_and_a_row_opens_its_incident(context, built):
    gdf = built["gdf"]
    opened = open_map(context, built["map"])
    page = opened.page
    page.wait_for_function(LISTED, timeout=30_000)
    page.evaluate("geoevents.sortBy('fatalities')")  # most first, not reported last
    fatalities = gdf["fatalities"]
    present = fatalities.notna()
    ranked = gdf[present].assign(_f=fatalities[present].astype(int), _row=gdf.index[present])
    expected = list(ranked.sort_values(["_f", "_row"], ascending=[False, True])["id"])
    expected += list(gdf.loc[~present, "id"])
    assert page.evaluate("geoevents.list()") == expected
    assert page.locator(".ge-list-count").inner_text() == f"{N:,} of {N:,} shown"
    first = page.locator(".ge-list-row").first
    chosen = first.get_attribute("data-id")
    assert chosen == expected[0]
    first.click()
    assert re.search(rf"ID\s+{chosen}", current_popup(opened))
    page.close()


def test_filters_select_what_list_selects_and_counts_follow(context, built):
    opened = open_map(context, built["map"])
    page = opened.page
    totals = page.evaluate("geoevents.counts()")
    assert sum(total for _, total in totals.values()) == N
    for criteria, options in SELECTIVE:
        page.evaluate("(c) => geoevents.filter(c)", criteria)
        shown = page.evaluate("geoevents.visible()")
        expected = cli_ids(built["store"], options)
        assert shown == expected and 0 < len(shown) < N / 10, criteria
        # Live counts: shown / total per category, in the API and the layer control.
        counts = page.evaluate("geoevents.counts()")
        types = built["gdf"].set_index("id").loc[expected, "event_type"].value_counts()
        assert {name: shown for name, (shown, _) in counts.items() if shown} == types.to_dict()
        labels = page.locator(".leaflet-control-layers-overlays label").all_inner_texts()
        for name, (count, total) in counts.items():
            assert any(f"{name} ({count:,} / {total:,})" in label for label in labels), labels
    page.evaluate("geoevents.clearFilters()")
    name = next(iter(totals))
    page.evaluate("(name) => geoevents.toggle(name, false)", name)
    counts = page.evaluate("geoevents.counts()")
    assert counts[name] == [0, totals[name][1]]
    assert page.evaluate("geoevents.visible().length") == N - totals[name][1]
    assert opened.errors == []
    page.close()


def test_search_finds_a_place_and_an_id(context, built):
    gdf = built["gdf"]
    opened = open_map(context, built["map"])
    page = opened.page
    page.wait_for_function(LISTED, timeout=30_000)
    results = page.evaluate("geoevents.search('kirkuk')")
    place = results[0]
    assert place["type"] == "place" and place["place"] == "Kirkuk"
    assert place["count"] == int((gdf["location"] == "Kirkuk").sum())
    wanted = gdf["id"].iloc[N - 7]
    box = page.locator(".ge-search-input")
    box.fill(wanted)
    page.locator(".ge-search-result").first.wait_for(timeout=10_000)
    box.press("Enter")
    assert re.search(rf"ID\s+{wanted}", current_popup(opened))
    assert page.evaluate("geoevents.state().open") == wanted
    page.close()


def test_the_permalink_restores_the_same_visible(context, built):
    opened = open_map(context, built["map"])
    page = opened.page
    state = {
        "view": {"center": [15.0, 2.0], "zoom": 6},
        "range": ["2019-01-01", "2020-06-30"],
        "filters": {"countries": ["mali", "niger"], "min_fatalities": 1},
        "hidden": [page.evaluate("Object.keys(geoevents.counts())[0]")],
        "open": None,
    }
    page.evaluate("(s) => geoevents.setState(s)", state)
    ids = page.evaluate("geoevents.visible()")
    assert 0 < len(ids) < N
    page.wait_for_function(
        "() => JSON.stringify(geoevents.stateFromHash(location.hash)) === "
        "JSON.stringify(geoevents.state())"
    )
    again = context.new_page()
    again.set_viewport_size({"width": 1200, "height": 800})
    again.goto(page.url)
    again.wait_for_function("document.documentElement.dataset.geoeventsReady === 'true'")
    assert again.evaluate("geoevents.visible()") == ids
    restored = again.evaluate("geoevents.state()")
    saved = page.evaluate("geoevents.state()")
    assert restored["filters"] == saved["filters"] and restored["hidden"] == saved["hidden"]
    assert restored["range"] == saved["range"] and restored["view"] == saved["view"]
    again.close()
    page.close()


def parsed_csv(text: str) -> list[dict[str, Any]]:
    rows = list(csv.DictReader(io.StringIO(text)))
    for row in rows:
        for name in LIST_COLUMNS:
            row[name] = json.loads(row[name]) if row[name] else None
    return rows


def test_both_exports_parse_back_as_the_cli_writes_them(context, built):
    criteria, options = SELECTIVE[0]
    opened = open_map(context, built["map"])
    page = opened.page
    page.evaluate("(c) => geoevents.filter(c)", criteria)
    exported = json.loads(page.evaluate("geoevents.exportSelection('geojson')"))
    expected = json.loads(cli_run("filter", built["store"], *options, "-o", "-").stdout)
    # Exact coordinates: the page's export gives back the input's, not the drawn float32.
    assert exported["features"] == expected["features"]
    assert exported["geoevents"]["filters"] == criteria
    text = page.evaluate("geoevents.exportSelection('csv')")
    cli_csv = cli_run("list", built["store"], *options, "--format", "csv").stdout
    assert text.splitlines()[0] == cli_csv.splitlines()[0]
    assert parsed_csv(text) == parsed_csv(cli_csv)
    assert opened.errors == []
    page.close()
