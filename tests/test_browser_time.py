"""The map's time control in headless Chromium, offline (issue 12, items 1-3 and 6).

Maps are built the way an analyst builds them (``geoevents map STORE --timeline``, through
Click's CliRunner) from the seed store and from a generated store with week- and
month-precision and multi-day incidents. The histogram's bars must be what ``geoevents stats
--by month|week|year`` counts for the same filters (imprecise incidents apart); the brush
selects with the overlap rule at its edges; playback steps move the window by its length; a
week can be reached in the seed's 37 years with the mouse; the keys work.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from browser import MapPage, move_timeline, offline_context, open_map, seed_path
from click.testing import CliRunner
from incident_maker import incident, write_store

from geoevents.cli import cli
from geoevents.testing.synthetic import incident_columns, write_geojson

pytestmark = pytest.mark.browser

VISIBLE_IDS = "(s) => s.visible()"


def cli_run(*args: Any) -> Any:
    result = CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result


@pytest.fixture(scope="module")
def maps(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("time")
    generated = folder / "generated.geojson"
    write_geojson(incident_columns(600, seed=7), generated)
    edges = write_store(
        folder / "edges.geojson",
        [
            incident("before", "2020-01-01", "2020-01-09"),
            incident("ends-on-first", "2020-01-01", "2020-01-10"),
            incident("inside", "2020-01-15"),
            incident("starts-on-last", "2020-01-20", "2020-01-25"),
            incident("day-after", "2020-01-21"),
            incident("later", "2020-03-02", "2020-03-31", event_type="Riots"),
        ],
    )
    out: dict[str, Path] = {"seed_store": seed_path(), "generated_store": generated}
    for name, store in (("seed", seed_path()), ("generated", generated), ("edges", edges)):
        html = folder / f"{name}.html"
        cli_run("map", store, "-o", html, "--timeline", "--tiles", "none")
        out[name] = html
    return out


@pytest.fixture(scope="module")
def context() -> Any:
    with offline_context() as ctx:
        yield ctx


def stats_counts(store: Path, by: str, *options: str) -> dict[str, int]:
    """``geoevents stats --by BY`` as {period label or "imprecise": incidents}, zeros left out."""
    rows = json.loads(cli_run("stats", store, "--by", by, "--format", "json", *options).stdout)
    return {r[by]: r["incidents"] for r in rows if r[by] != "total" and r["incidents"]}


def page_counts(opened: MapPage, unit: str) -> dict[str, int]:
    """The histogram's bars over the whole span in unit, zeros left out, imprecise apart."""
    shown = opened.page.evaluate("(u) => geoevents.histogram({unit: u, view: null})", unit)
    assert shown["unit"] == unit and shown["choice"] == unit
    counts = {b["label"]: b["count"] for b in shown["bins"] if b["count"]}
    if shown["imprecise"]:
        counts["imprecise"] = shown["imprecise"]
    # The label under the bars says the same.
    text = opened.page.locator(".ge-hist-imprecise").inner_text()
    assert text == f"{shown['imprecise']} imprecise"
    return counts


@pytest.mark.parametrize("name", ["seed", "generated"])
def test_histogram_counts_are_the_stats_periods(context, maps, name):
    store = maps[f"{name}_store"]
    opened = open_map(context, maps[name])
    for by in ("month", "week", "year"):
        assert page_counts(opened, by) == stats_counts(store, by), by
    if name == "generated":
        assert "imprecise" in stats_counts(store, "week")  # the rule is exercised
        assert page_counts(opened, "day") == stats_counts(store, "day")
    # The bars follow the other filters (and not the brush).
    criteria, options = (
        ({"types": ["Battles"]}, ["--type", "Battles"])
        if name == "seed"
        else (
            {"countries": ["Iraq"], "min_fatalities": 1},
            ["--country", "Iraq", "--min-fatalities", "1"],
        )
    )
    opened.page.evaluate("(c) => geoevents.filter(c)", criteria)
    opened.page.evaluate("geoevents.timeRange(['2018-01-01', '2018-01-31'])")
    for by in ("month", "year"):
        assert page_counts(opened, by) == stats_counts(store, by, *options), by
    # A category switched off leaves the bars as --type of the others would.
    opened.page.evaluate("geoevents.clearFilters()")
    battles = opened.page.evaluate("Object.keys(geoevents.counts()).indexOf('Battles')")
    assert battles >= 0
    opened.page.evaluate("geoevents.toggle('Battles', false)")
    others = [t for t in opened.page.evaluate("Object.keys(geoevents.counts())") if t != "Battles"]
    typed = [option for t in others for option in ("--type", t)]
    assert page_counts(opened, "month") == stats_counts(store, "month", *typed)
    assert opened.errors == []
    opened.page.close()


def drag(opened: MapPage, handle: str, day: str) -> None:
    """Drag a brush handle (".ge-brush-handle" nth 0 or 1) onto the middle of an ISO day."""
    page = opened.page
    box = page.locator(".ge-brush-handle").nth(int(handle)).bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.down()
    page.mouse.move(day_x(opened, day), box["y"] + box["height"] / 2, steps=4)
    page.mouse.up()
    page.wait_for_function(
        "([k, d]) => geoevents.histogram().window[k] === d", arg=[int(handle), day]
    )


def day_x(opened: MapPage, day: str) -> float:
    """The page x of the middle of an ISO day on the histogram's axis."""
    return opened.page.evaluate(
        """(day) => {
            const rect = document.querySelector(".ge-hist-canvas").getBoundingClientRect();
            const view = geoevents.histogram().view;
            const d = (iso) => Date.parse(iso + "T00:00:00Z") / 864e5;
            const v0 = d(view[0]);
            const v1 = d(view[1]) + 1;
            return rect.left + ((d(day) + 0.5 - v0) / (v1 - v0)) * rect.width;
        }""",
        day,
    )


def test_the_brush_selects_with_the_overlap_rule_at_its_edges(context, maps):
    opened = open_map(context, maps["edges"])
    page = opened.page
    page.evaluate("geoevents.histogram({view: ['2020-01-01', '2020-01-31']})")
    drag(opened, "1", "2020-01-20")
    drag(opened, "0", "2020-01-10")
    assert page.evaluate("geoevents.timeRange()") == ["2020-01-10", "2020-01-20"]
    assert opened.state(VISIBLE_IDS) == ["ends-on-first", "inside", "starts-on-last"]
    assert page.locator(".ge-range-start").inner_text() == "2020-01-10"
    assert page.locator(".ge-range-end").inner_text() == "2020-01-20"
    assert page.locator(".ge-visible-count").inner_text() == "3 of 6 incidents shown"
    # Dragging the window's body keeps its length: one day later, "before" never comes in.
    body = page.locator(".ge-brush").bounding_box()
    y = body["y"] + 5
    start = day_x(opened, "2020-01-15")
    page.mouse.move(start, y)
    page.mouse.down()
    page.mouse.move(day_x(opened, "2020-01-16"), y, steps=3)
    page.mouse.up()
    page.wait_for_function("geoevents.histogram().window[0] === '2020-01-11'")
    assert page.evaluate("geoevents.histogram().window") == ["2020-01-11", "2020-01-21"]
    assert opened.state(VISIBLE_IDS) == ["inside", "starts-on-last", "day-after"]
    # The bars do not follow the brush: January still holds its five.
    january = page.evaluate("geoevents.histogram({unit: 'month', view: null}).bins[0]")
    assert (january["label"], january["count"]) == ("2020-01", 5)
    # timeRange moves the brush.
    assert page.evaluate("geoevents.timeRange(['2020-03-01', '2020-03-31'])") == [
        "2020-03-01",
        "2020-03-31",
    ]
    assert page.evaluate("geoevents.histogram().window") == ["2020-03-01", "2020-03-31"]
    assert opened.state(VISIBLE_IDS) == ["later"]
    assert opened.errors == [] and opened.requests == [maps["edges"].resolve().as_uri()]
    page.close()


def test_playback_steps_move_the_window_by_its_length(context, maps):
    opened = open_map(context, maps["seed"])
    page = opened.page
    move_timeline(page, "2017-10-04", "2017-10-04")
    settings = page.evaluate("geoevents.playback({window: 'week'})")
    # A week window is the ISO week (Monday to Sunday) holding the window's start.
    assert settings["range"] == ["2017-10-02", "2017-10-08"]
    assert page.evaluate("geoevents.step(1)") == ["2017-10-09", "2017-10-15"]
    page.locator(".ge-time-forward").click()
    assert page.evaluate("geoevents.histogram().window") == ["2017-10-16", "2017-10-22"]
    assert page.evaluate("geoevents.step(-2)") == ["2017-10-02", "2017-10-08"]
    page.evaluate("geoevents.playback({window: 'month'})")
    assert page.evaluate("geoevents.step(1)") == ["2017-11-01", "2017-11-30"]
    assert page.evaluate("geoevents.step(1)") == ["2017-12-01", "2017-12-31"]
    page.evaluate("geoevents.playback({window: 10})")
    assert page.evaluate("geoevents.step(1)") == ["2017-12-11", "2017-12-20"]
    # Accumulating, the start stays on the first day and the end moves by the length.
    page.evaluate("geoevents.playback({window: 'year', accumulate: true})")
    assert page.evaluate("geoevents.histogram().window") == ["1983-12-12", "2017-12-31"]
    assert page.evaluate("geoevents.step(1)") == ["1983-12-12", "2018-12-31"]
    shown = opened.state(VISIBLE_IDS)
    assert page.evaluate("geoevents.timeRange()") == ["1983-12-12", "2018-12-31"]
    assert len(shown) == page.evaluate("geoevents.visible().length")
    # Playing steps on its own and stops at the end; pause stops it.
    page.evaluate("geoevents.playback({accumulate: false, window: 'year', speed: 20})")
    page.evaluate("geoevents.timeRange(['2017-01-01', '2017-12-31'])")
    assert page.evaluate("geoevents.play()")["playing"] is True
    page.wait_for_function("geoevents.histogram().window[1] === '2020-03-29'", timeout=10_000)
    page.wait_for_function("!geoevents.playback().playing", timeout=10_000)
    assert page.evaluate("geoevents.histogram().window") == ["2020-01-01", "2020-03-29"]
    page.evaluate("geoevents.playback({speed: 0.5})")
    page.evaluate("geoevents.play()")
    assert page.evaluate("geoevents.pause()")["playing"] is False
    # Played again from the end, it starts from the first window.
    assert page.evaluate("geoevents.histogram().window") == ["1983-12-12", "1983-12-31"]
    assert opened.errors == []
    page.close()


def whole_count(opened: MapPage) -> int:
    return opened.state("(s) => s.drawnCount()")


def test_a_week_can_be_selected_in_the_seed_span_with_the_mouse(context, maps):
    opened = open_map(context, maps["seed"])
    page = opened.page
    whole = page.evaluate("geoevents.histogram()")
    assert whole["view"] == ["1983-12-12", "2020-03-29"] and whole["unit"] == "year"
    ticks = page.locator(".ge-hist-tick").all_inner_texts()
    assert 2 <= len(ticks) <= 10 and all(t.isdigit() for t in ticks)
    canvas = page.locator(".ge-hist-canvas").bounding_box()
    y = canvas["y"] + canvas["height"] / 2
    # Wheel turns over the week's end zoom in around it, down to days.
    for _ in range(8):
        page.mouse.move(day_x(opened, "2017-10-22"), y)
        page.mouse.wheel(0, -100)
    zoomed = page.evaluate("geoevents.histogram()")
    assert zoomed["unit"] == "day"
    assert zoomed["view"][0] <= "2017-10-16" and zoomed["view"][1] >= "2017-10-22"
    ticks = page.locator(".ge-hist-tick").all_inner_texts()
    assert ticks and all("2017" in t for t in ticks)
    # The handles wait at the view's edges: drag them onto the week.
    drag(opened, "0", "2017-10-16")
    drag(opened, "1", "2017-10-22")
    assert page.evaluate("geoevents.timeRange()") == ["2017-10-16", "2017-10-22"]
    assert page.locator(".ge-range-length").inner_text() == " (7 days)"
    listed = cli_run(
        "list",
        maps["seed_store"],
        "--start",
        "2017-10-16",
        "--end",
        "2017-10-22",
        "--format",
        "json",
    )
    expected = sorted(r["id"] for r in json.loads(listed.stdout))
    assert expected and sorted(opened.state(VISIBLE_IDS)) == expected
    assert page.locator(".ge-visible-count").inner_text() == (
        f"{len(expected):,} of {whole_count(opened):,} incidents shown"
    )
    # The zoom buttons, and "All" back to the whole span.
    page.locator(".ge-time-fit").click()
    assert page.evaluate("geoevents.histogram().view") == whole["view"]
    assert page.evaluate("geoevents.timeRange()") == ["2017-10-16", "2017-10-22"]
    page.locator(".ge-time-zoom-in").click()
    narrower = page.evaluate("geoevents.histogram().view")
    assert narrower[0] > whole["view"][0] and narrower[0] <= "2017-10-16" <= narrower[1]
    assert opened.errors == []
    page.close()


def test_keys_drive_the_time_control(context, maps):
    opened = open_map(context, maps["seed"])
    page = opened.page
    page.evaluate("geoevents.playback({window: 'month'})")
    page.evaluate("geoevents.timeRange(['2017-10-01', '2017-10-31'])")
    page.locator(".ge-hist").focus()
    page.keyboard.press("ArrowRight")
    assert page.evaluate("geoevents.timeRange()") == ["2017-11-01", "2017-11-30"]
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("ArrowLeft")
    assert page.evaluate("geoevents.timeRange()") == ["2017-09-01", "2017-09-30"]
    page.keyboard.press("End")
    assert page.evaluate("geoevents.timeRange()") == ["2020-03-01", "2020-03-29"]
    page.keyboard.press("Home")
    assert page.evaluate("geoevents.timeRange()") == ["1983-12-12", "1983-12-31"]
    view = page.evaluate("geoevents.histogram().view")
    page.keyboard.press("+")
    assert page.evaluate("geoevents.histogram().view") != view
    page.keyboard.press("0")
    assert page.evaluate("geoevents.histogram().view") == ["1983-12-12", "2020-03-29"]
    page.keyboard.press("]")
    assert page.evaluate("geoevents.playback().speed") == 4
    page.keyboard.press("a")
    assert page.evaluate("geoevents.playback().accumulate") is True
    page.keyboard.press("a")
    page.keyboard.press(" ")
    assert page.evaluate("geoevents.playback().playing") is True
    page.keyboard.press(" ")
    assert page.evaluate("geoevents.playback().playing") is False
    # On a handle the arrows move that handle by a day.
    page.evaluate("geoevents.timeRange(['2017-10-01', '2017-10-31'])")
    page.locator(".ge-brush-handle").nth(0).focus()
    page.keyboard.press("ArrowRight")
    assert page.evaluate("geoevents.timeRange()") == ["2017-10-02", "2017-10-31"]
    assert opened.errors == []
    page.close()


def test_compare_counts_the_previous_window(context, maps):
    opened = open_map(context, maps["edges"])
    page = opened.page
    page.evaluate("geoevents.timeRange(['2020-01-11', '2020-01-20'])")
    # The ten days before: 2020-01-01 to 2020-01-10.
    assert page.evaluate("geoevents.compare()") == {"Battles": [2, 2], "Riots": [0, 0]}
    page.locator(".ge-compare-on").check()
    assert page.locator(".ge-compare-caption").inner_text() == (
        "2020-01-11 to 2020-01-20 against 2020-01-01 to 2020-01-10"
    )
    assert page.locator(".ge-compare-change").first.inner_text() == "= 0"
    # A calendar month is compared with the month before; March against February.
    page.evaluate("geoevents.timeRange(['2020-03-01', '2020-03-31'])")
    assert page.evaluate("geoevents.compare()") == {"Battles": [0, 0], "Riots": [1, 0]}
    assert "against 2020-02-01 to 2020-02-29" in page.locator(".ge-compare-caption").inner_text()
    riots = page.locator(".ge-compare-item", has_text="Riots").locator(".ge-compare-change")
    assert riots.inner_text() == "\u25b2 +1 (none before)"
    page.evaluate("geoevents.timeRange(['2020-01-21', '2020-01-31'])")
    battles = page.evaluate("geoevents.compare(false)")["Battles"]
    assert battles == [2, 3]
    assert opened.errors == []
    page.close()


def test_a_map_without_the_time_control_says_what_it_needs(context, maps, tmp_path):
    plain = tmp_path / "plain.html"
    cli_run("map", maps["seed_store"], "-o", plain, "--tiles", "none")
    opened = open_map(context, plain)
    assert opened.page.locator(".ge-timeline").count() == 0
    message = opened.page.evaluate(
        "() => { try { geoevents.play(); return null; } catch (e) { return e.message; } }"
    )
    assert message == "geoevents: this map has no play(): the time control needs --timeline"
    opened.page.close()
