"""The incident list, the search box and the layout in a real browser (issue 11, items 3 and 6).

Headless Chromium from file://, every http(s) request blocked. The list must hold exactly the
shown incidents (``visible()``) in the order of each sort, follow toggles and the timeline, open
a row's incident by mouse and keyboard, and scroll to the end of a 50,000-incident canvas map;
the search finds places and ids; hostile text stays text; and at 390 x 844 and 1280 x 800 no
control covers another.
"""

from __future__ import annotations

from itertools import combinations
from pathlib import Path
from typing import Any

import pytest
from browser import (
    FIXTURES,
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
from geoevents.testing import synthetic

pytestmark = pytest.mark.browser

LISTED = "document.documentElement.dataset.geoeventsList === 'true'"
LIST = "geoevents.list()"
SHOWN_ROW_IDS = "(rows) => rows.map((r) => r.dataset.id)"
HIDE_ALL = (
    """() => Object.keys(geoevents.counts()).forEach((name) => geoevents.toggle(name, false))"""
)
NEXT_FRAME = "() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))"
ACTIVE_DESCENDANT = "document.activeElement.getAttribute('aria-activedescendant')"
TITLE_OF = """(id) => {
    const store = Object.values(geoevents.maps)[0].store;
    return store.record(store.rowOf(id)).title;
}"""
INJECTED = """() => [window.__pwned,
    document.querySelectorAll("img, iframe, object, embed, body style").length]"""
N_LARGE = 50_000


@pytest.fixture(scope="module")
def context() -> Any:
    with offline_context() as context:
        yield context


@pytest.fixture(scope="module")
def maps(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    folder = tmp_path_factory.mktemp("list")
    seed = read_incidents(seed_path())
    hostile = read_incidents(FIXTURES / "hostile.geojson")
    built = {
        "seed": build_map(seed, timeline=True, heatmap=True, tiles="none"),
        "canvas": build_map(seed, timeline=True, tiles="none", engine="large"),
        "hostile": build_map(hostile, timeline=True, tiles="none"),
        "hex": build_map(seed, timeline=True, tiles="none", view="both"),
    }
    out: dict[str, Any] = {name: save_map(m, folder / f"{name}.html") for name, m in built.items()}
    _, codes = categorize(seed["event_type"].tolist(), "event_type")
    out["seed_records"] = expected_records(seed, codes)
    _, codes = categorize(hostile["event_type"].tolist(), "event_type")
    out["hostile_records"] = expected_records(hostile, codes)
    return out


@pytest.fixture(scope="module")
def large_map(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """50,000 generated incidents: "auto" draws them with the canvas drawer."""
    folder = tmp_path_factory.mktemp("list-large")
    gdf = synthetic.incidents(N_LARGE, seed=3)
    return save_map(build_map(gdf, timeline=True, tiles="none"), folder / "large.html")


def listed(context: Any, path: Path, **size: int) -> MapPage:
    opened = open_map(context, path, **size)
    opened.page.wait_for_function(LISTED, timeout=30_000)
    return opened


def _component(value: Any) -> tuple[int, Any]:
    return (1, 0) if value is None else (0, value)


def expected_order(records: list[dict], shown: list[str], key: str, ascending: bool) -> list[str]:
    """The list's rule: by the key (missing last), ties in store order, groups reversed."""
    row_of = {r["id"]: i for i, r in enumerate(records)}
    rows = [row_of[i] for i in shown]

    def keys(row: int) -> tuple:
        r = records[row]
        if key == "date":
            return (_component(r.get("date_start")), _component(r.get("date_end")))
        return (_component(r.get("fatalities")),)

    asc = sorted(rows, key=lambda row: (keys(row), row))
    present = [row for row in asc if keys(row)[0][0] == 0]
    missing = [row for row in asc if keys(row)[0][0] == 1]
    if ascending:
        order = present + missing
    else:
        groups: list[list[int]] = []
        for row in present:
            if groups and keys(groups[-1][0]) == keys(row):
                groups[-1].append(row)
            else:
                groups.append([row])
        order = [row for group in reversed(groups) for row in group] + missing
    return [records[row]["id"] for row in order]


# --- the list ------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["seed", "canvas"])
@pytest.mark.parametrize("key", ["date", "fatalities"])
@pytest.mark.parametrize("ascending", [True, False])
def test_list_is_visible_in_the_order_of_each_sort(context, maps, name, key, ascending):
    opened = listed(context, maps[name])
    page = opened.page
    move_timeline(page, "2014-01-01", "2020-12-31")
    assert page.evaluate("([k, a]) => geoevents.sortBy(k, a)", [key, ascending]) == {
        "key": key,
        "ascending": ascending,
    }
    shown = page.evaluate("geoevents.visible()")
    assert 0 < len(shown) < len(maps["seed_records"])
    assert page.evaluate(LIST) == expected_order(maps["seed_records"], shown, key, ascending)
    assert opened.errors == []


COLLATED_STEPS = """(titles) => {
    const c = new Intl.Collator(undefined, {sensitivity: "base", numeric: true});
    return titles.slice(1).map((t, k) => Math.sign(c.compare(titles[k], t)));
}"""


def title_steps(opened: MapPage, records: list[dict]) -> list[int]:
    """How each listed title compares with the next (-1, 0, 1), by the browser's collator."""
    titles = {r["id"]: r["title"] for r in records}
    return opened.page.evaluate(COLLATED_STEPS, [titles[i] for i in opened.page.evaluate(LIST)])


@pytest.mark.parametrize("ascending", [True, False])
def test_title_sort_is_locale_aware_over_the_shown_incidents(context, maps, ascending):
    opened = listed(context, maps["seed"])
    page = opened.page
    page.evaluate("(a) => geoevents.sortBy('title', a)", ascending)
    assert sorted(page.evaluate(LIST)) == sorted(page.evaluate("geoevents.visible()"))
    steps = title_steps(opened, maps["seed_records"])
    assert all(step <= 0 for step in steps) if ascending else all(step >= 0 for step in steps)
    # The sort buttons say which key is on, and a click on it flips the direction.
    button = page.locator(".ge-list-sort-button[data-key='title']")
    assert button.get_attribute("aria-pressed") == "true"
    assert button.inner_text() == ("Title \u25b2" if ascending else "Title \u25bc")
    button.click()
    steps = title_steps(opened, maps["seed_records"])
    assert all(step >= 0 for step in steps) if ascending else all(step <= 0 for step in steps)


def count_text(opened: MapPage) -> str:
    return opened.page.locator(".ge-list-count").inner_text()


def test_list_follows_a_toggle_and_a_timeline_step(context, maps):
    opened = listed(context, maps["seed"])
    page = opened.page
    total = len(maps["seed_records"])
    assert count_text(opened) == f"{total:,} of {total:,} shown"
    page.evaluate("geoevents.toggle('Strategic developments', false)")
    shown = page.evaluate("geoevents.visible()")
    assert sorted(page.evaluate(LIST)) == sorted(shown)
    assert count_text(opened) == f"{len(shown):,} of {total:,} shown"
    move_timeline(page, "2017-10-01", "2017-10-31")
    shown_now = page.evaluate("geoevents.visible()")
    assert 0 < len(shown_now) < len(shown)
    assert page.evaluate(LIST) == expected_order(maps["seed_records"], shown_now, "date", False)
    assert count_text(opened) == f"{len(shown_now):,} of {total:,} shown"
    rendered = page.locator(".ge-list-row:visible").evaluate_all(SHOWN_ROW_IDS)
    assert rendered == page.evaluate(LIST)[: len(rendered)]
    page.evaluate(HIDE_ALL)
    assert page.evaluate(LIST) == []
    assert page.locator(".ge-list-empty").inner_text() == "No incidents shown"


def test_a_click_on_a_row_opens_its_incident(context, maps):
    opened = listed(context, maps["seed"])
    page = opened.page
    ids = page.evaluate(LIST)
    titles = {r["id"]: r["title"] for r in maps["seed_records"]}
    page.locator(".ge-list-row").nth(1).click()
    assert titles[ids[1]] in current_popup(opened)
    assert opened.state("(s) => s.map.getZoom()") >= 9


def test_the_list_is_reached_with_tab_and_driven_with_keys(context, maps):
    opened = listed(context, maps["seed"])
    page = opened.page
    for _ in range(60):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.classList.contains('ge-list-scroll')"):
            break
    else:
        pytest.fail("Tab never reached the list")
    for _ in range(3):
        page.keyboard.press("ArrowDown")
    ids = page.evaluate(LIST)
    active = page.locator(".ge-list-row.ge-active")
    assert active.get_attribute("data-id") == ids[2]
    assert page.evaluate(ACTIVE_DESCENDANT) == active.get_attribute("id")
    page.keyboard.press("Enter")
    titles = {r["id"]: r["title"] for r in maps["seed_records"]}
    assert titles[ids[2]] in current_popup(opened)
    page.locator(".ge-list-scroll").focus()
    page.keyboard.press("End")
    assert page.locator(".ge-list-row.ge-active").get_attribute("data-id") == ids[-1]


def test_a_50000_incident_canvas_list_scrolls_to_the_end_and_opens_the_last_row(context, large_map):
    opened = listed(context, large_map)
    page = opened.page
    assert opened.state("(s) => s.meta.drawer") == "canvas"
    ids = page.evaluate(LIST)
    assert len(ids) == page.evaluate("geoevents.visible().length") > 40_000
    page.evaluate(
        """() => new Promise((done) => {
            const scroller = document.querySelector(".ge-list-scroll");
            scroller.scrollTop = scroller.scrollHeight;
            requestAnimationFrame(() => requestAnimationFrame(done));
        })"""
    )
    rows = page.locator(".ge-list-row:visible")
    last = rows.nth(rows.count() - 1)
    assert last.get_attribute("data-id") == ids[-1]
    box = last.bounding_box()
    view = page.locator(".ge-list-scroll").bounding_box()
    assert box["y"] + box["height"] <= view["y"] + view["height"] + 1
    last.click()
    assert page.evaluate(TITLE_OF, ids[-1]) in current_popup(opened)
    assert opened.errors == []


# --- search --------------------------------------------------------------------------------


def test_search_finds_a_place_accent_and_case_insensitively(context, maps):
    opened = listed(context, maps["seed"])
    page = opened.page
    matches = page.evaluate("geoevents.search('KÍRKUK')")
    assert matches[0]["type"] == "place" and matches[0]["place"] == "Kirkuk"
    places = [m["place"] for m in matches if m["type"] == "place"]
    assert places[0] == "Kirkuk"  # a prefix match before the substring ones
    # The other places holding the word, from the data (the store is recoded now and then).
    holding = {
        r["location"]
        for r in maps["seed_records"]
        if r.get("location") and "kirkuk" in r["location"].lower() and r["location"] != "Kirkuk"
    }
    assert holding and holding <= set(places[1:])
    kirkuk = [r for r in maps["seed_records"] if r.get("location") == "Kirkuk"]
    assert matches[0]["count"] == len(kirkuk)
    box = page.locator(".ge-search-input")
    box.fill("tongo tongo")
    items = page.locator(".ge-search-result")
    assert items.count() >= 1  # the place itself first, then any place holding the name
    assert items.first.locator(".ge-search-label").inner_text() == "Tongo Tongo"
    page.keyboard.press("Enter")
    assert page.locator(".ge-search-results").is_hidden()
    inside = opened.state(
        "(s, p) => s.map.getBounds().contains(p)",
        next(r for r in maps["seed_records"] if r.get("location") == "Tongo Tongo")["point"],
    )
    assert inside and opened.state("(s) => s.map.getZoom()") >= 9
    box.fill("tongo")
    page.keyboard.press("Escape")
    assert page.locator(".ge-search-results").is_hidden()
    assert opened.errors == []


def test_search_by_id_opens_the_incident_with_the_keyboard(context, maps):
    opened = listed(context, maps["seed"])
    page = opened.page
    matches = page.evaluate("geoevents.search('seed-000-09')")
    assert matches[0] == {
        "type": "incident",
        "id": "seed-000-09",
        "title": next(r["title"] for r in maps["seed_records"] if r["id"] == "seed-000-09"),
    }
    page.locator(".ge-search-input").fill("SEED-000-0")
    labels = page.locator(".ge-search-result .ge-search-detail").all_inner_texts()
    prefixed = [r["id"] for r in maps["seed_records"] if r["id"].startswith("seed-000-0")]
    assert labels == prefixed[:20]  # in store order
    for _ in range(labels.index("seed-000-09")):
        page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    assert "ambushes US and Nigerien patrol" in current_popup(opened)
    # Only shown incidents match.
    page.evaluate("geoevents.toggle('Battles', false)")
    battles = {r["id"] for r in maps["seed_records"] if r.get("event_type") == "Battles"}
    assert not battles & {m.get("id") for m in page.evaluate("geoevents.search('seed')")}


# --- hostile text --------------------------------------------------------------------------


def test_hostile_text_in_list_rows_and_search_results_is_shown_literally(context, maps):
    opened = listed(context, maps["hostile"])
    page = opened.page
    page.evaluate("geoevents.sortBy('title', true)")
    records = {r["id"]: r for r in maps["hostile_records"]}
    ids = page.evaluate(LIST)
    names = page.locator(".ge-list-row:visible .ge-list-name").all_inner_texts()
    assert names == [records[i].get("title", "(no title)") for i in ids]
    places = page.locator(".ge-list-row:visible .ge-list-place").all_inner_texts()
    assert "&lt;not a tag&gt; &amp; co" in " ".join(places)
    page.locator(".ge-search-input").fill("&lt;")
    labels = page.locator(".ge-search-result .ge-search-label").all_inner_texts()
    assert labels == ["&lt;not a tag&gt; &amp; co"]
    page.locator(".ge-search-input").fill("<")
    labels = page.locator(".ge-search-result .ge-search-label").all_inner_texts()
    assert '<img src=x onerror="window.__pwned=(window.__pwned||0)+1">' in labels
    assert page.evaluate(INJECTED) == [None, 0]
    assert opened.dialogs == []
    assert opened.errors == []


# --- layout --------------------------------------------------------------------------------

ADD_FILTERS = """() => {
    const map = Object.values(geoevents.maps)[0].map;
    const box = L.control({position: "topright"});
    box.onAdd = () => {
        const node = geoevents.el("details", "ge-box ge-filters");
        node.appendChild(geoevents.el("summary", "ge-box-title", "Filters"));
        const body = geoevents.el("div", null, "a stand-in for the filter panel");
        body.style.height = "120px";
        node.appendChild(body);
        node.open = !geoevents.isNarrow();
        return node;
    };
    box.addTo(map);
}"""

# What the analyst sees of each control: its box, cut to its corner of the map when the corner
# clips it (a corner whose controls are taller than its room scrolls; a fixed sheet is not cut).
CONTROL_BOXES = """() => Array.from(document.querySelectorAll(".leaflet-control"))
    .map((node) => {
        const r = node.getBoundingClientRect();
        let [x, y, right, bottom] = [r.left, r.top, r.right, r.bottom];
        const corner = node.closest(".leaflet-top, .leaflet-bottom");
        if (corner && getComputedStyle(node).position !== "fixed") {
            const c = corner.getBoundingClientRect();
            [x, y, right, bottom] = [Math.max(x, c.left), Math.max(y, c.top),
                                     Math.min(right, c.right), Math.min(bottom, c.bottom)];
        }
        return {name: node.className, x, y, right, bottom,
                shown: right > x && bottom > y && getComputedStyle(node).visibility !== "hidden"};
    })
    .filter((box) => box.shown)"""


def assert_no_overlap(opened: MapPage, width: int, height: int) -> list[str]:
    opened.page.evaluate(NEXT_FRAME)
    boxes = opened.page.evaluate(CONTROL_BOXES)
    names = [b["name"] for b in boxes]
    for b in boxes:
        assert b["x"] >= 0 and b["right"] <= width, b
        assert b["y"] >= 0 and b["bottom"] <= height, b
    for a, b in combinations(boxes, 2):
        beside = a["right"] <= b["x"] or b["right"] <= a["x"]
        apart = beside or a["bottom"] <= b["y"] or b["bottom"] <= a["y"]
        assert apart, (a, b)
    return names


CONTROLS = (
    *("ge-list", "ge-search", "ge-legend", "ge-panel", "ge-timeline", "ge-filters"),
    *("leaflet-control-layers", "leaflet-control-zoom", "leaflet-control-scale"),
)


@pytest.mark.parametrize(("width", "height"), [(390, 844), (1280, 800)])
def test_no_control_covers_another(context, maps, width, height):
    opened = listed(context, maps["seed"], width=width, height=height)
    page = opened.page
    page.evaluate(ADD_FILTERS)
    names = assert_no_overlap(opened, width, height)
    for control in CONTROLS:
        assert any(control in name for name in names), control
    narrow = width < 640
    collapsed = page.locator(".ge-list").evaluate("(n) => n.classList.contains('ge-collapsed')")
    assert collapsed == narrow
    # Open everything that can be opened: the list, the layer control, the search results.
    if narrow:
        page.locator(".ge-list-toggle").click()
        assert_no_overlap(opened, width, height)
        page.locator(".leaflet-control-layers-toggle").click()
        assert page.locator(".leaflet-control-layers-list").is_visible()
        assert_no_overlap(opened, width, height)
    page.locator(".ge-search-input").fill("a")
    assert page.locator(".ge-search-result").count() > 5
    assert_no_overlap(opened, width, height)
    assert opened.errors == []


@pytest.mark.parametrize(("width", "height"), [(390, 844), (1280, 800)])
def test_the_open_hexagon_box_covers_no_control(context, maps, width, height):
    """The hexagon view's box, open, with a cell listed, beside every other control."""
    opened = listed(context, maps["hex"], width=width, height=height)
    page = opened.page
    top = page.evaluate("geoevents.hexes()[0]")
    page.evaluate("(cell) => geoevents.selectCell(cell)", top["cell"])
    page.evaluate("document.querySelector('.ge-hexbox').open = true")
    names = assert_no_overlap(opened, width, height)
    assert any("ge-hexbox" in name for name in names)
    if width < 640:
        page.locator(".ge-list-toggle").click()  # the sheet up, the box still clear of it
        names = assert_no_overlap(opened, width, height)
        assert any("ge-hexbox" in name for name in names)
    # Every box open at once (legend, panel, time control, filters...): still apart.
    page.evaluate("document.querySelectorAll('details.ge-box').forEach((b) => { b.open = true; })")
    assert_no_overlap(opened, width, height)
    assert opened.errors == []


def test_the_map_is_byte_identical_run_to_run(maps, tmp_path):
    seed = read_incidents(seed_path())
    rebuilt = build_map(seed, timeline=True, heatmap=True, tiles="none")
    again = save_map(rebuilt, tmp_path / "again.html")
    assert again.read_bytes() == maps["seed"].read_bytes()
