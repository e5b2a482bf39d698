"""The offline basemap and the symbols in a real browser (issue 12, items 4 and 5).

Maps are opened from file:// in headless Chromium with every http(s) request blocked and
counted. The basemap tests check that a map made with the default options contacts no host and
names places (labels that never pile up and never cover a popup), that a tile layer is named in
the panel, and the dark style. The symbol tests read what the page drew, through its API
(``symbols()``) and in screenshot pixels: sizes by fatalities grow with the count in both
drawers and "not reported" is drawn apart from 0; the three precision symbols differ.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pytest
from browser import MapPage, block_network, offline_context, open_map, sync_playwright
from click.testing import CliRunner
from helpers import SEED_STORE
from PIL import Image
from shapely.geometry import Point

from geoevents.cli import cli
from geoevents.render import build_map, save_map
from geoevents.schema import COLUMNS
from geoevents.testing.chromium import CHROMIUM, CHROMIUM_ARGS

pytestmark = pytest.mark.browser

LABELS = "(s) => s.labels()"
SYMBOLS = "(s) => s.symbols()"
#: Deaths of the sized points, in the order they stand west to east (None: not reported).
DEATHS = [None, 0, 1, 5, 40, 300]
#: Where the synthetic points stand: the Karoo, where no place of 15,000 people is near.
WEST, SOUTH = 20.0, -30.0


def points(specs: list[tuple[int, int | None]], step: float = 0.25) -> gpd.GeoDataFrame:
    """One Battles incident per (geo_precision, fatalities), in a row from west to east."""
    records = []
    for i, (precision, deaths) in enumerate(specs):
        record = {c: None for c in COLUMNS}
        record.update(
            id=f"s{i}",
            title=f"precision {precision}, deaths {deaths}",
            date_start="2020-01-01",
            event_type="Battles",
            geo_precision=precision,
            fatalities=deaths,
        )
        record["geometry"] = Point(WEST + i * step, SOUTH)
        records.append(record)
    return gpd.GeoDataFrame(records, geometry="geometry", crs="EPSG:4326")


@pytest.fixture(scope="module")
def context() -> Any:
    with offline_context() as context:
        yield context


@pytest.fixture(scope="module")
def maps(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("basemap")
    # The default map, made as an analyst makes it: `geoevents map` with no options.
    default = folder / "default.html"
    result = CliRunner().invoke(cli, ["map", str(SEED_STORE), "-o", str(default)])
    assert result.exit_code == 0, result.output
    sized = points([(1, d) for d in DEATHS])
    precise = points([(1, 3), (2, 3), (3, 3)])
    europe = points([(1, 1)] * 3)
    europe["geometry"] = [Point(2.35, 48.85), Point(-0.12, 51.5), Point(13.4, 52.5)]
    built = {
        "europe": build_map(europe),
        "osm": build_map(sized, tiles="osm"),
        "dark": build_map(sized, style="dark", heatmap=True),
        "sized_vector": build_map(sized, size_by="fatalities", engine="classic"),
        "sized_canvas": build_map(sized, size_by="fatalities", engine="large"),
        "precision_vector": build_map(precise, engine="classic"),
        "precision_canvas": build_map(precise, engine="large"),
    }
    out = {name: save_map(m, folder / f"{name}.html") for name, m in built.items()}
    out["default"] = default
    return out


def web_requests(opened: MapPage) -> list[str]:
    return [url for url in opened.requests if url.startswith(("http:", "https:"))]


def show(opened: MapPage, lat: float, lon: float, zoom: int) -> None:
    """Set the view and wait until the basemap's labels and the drawers have followed."""
    opened.state(
        "(s, v) => { s.map.setView([v[0], v[1]], v[2], {animate: false}); }", [lat, lon, zoom]
    )
    opened.page.wait_for_function(
        "(z) => Object.values(geoevents.maps)[0].map.getZoom() === z", arg=zoom
    )


def crop(opened: MapPage, x: float, y: float, half: int) -> np.ndarray:
    """The screenshot pixels (RGB) of a square of side 2 * half around a container point."""
    left, top = opened.state(
        "(s) => { const r = s.map.getContainer().getBoundingClientRect(); return [r.left, r.top]; }"
    )
    clip = {"x": left + x - half, "y": top + y - half, "width": 2 * half, "height": 2 * half}
    png = opened.page.screenshot(clip=clip)
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).astype(int)


def hide_labels(opened: MapPage) -> None:
    """Take the place names off, so that pixels show the symbols only."""
    opened.page.evaluate("() => geoevents.labelLayers.forEach((e) => e.layer.remove())")


# --- the offline basemap ---------------------------------------------------------------------


def test_the_default_map_contacts_no_host_and_names_places(maps):
    # A context of its own, so that its blocked list counts this page's requests only.
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=list(CHROMIUM_ARGS)
        )
        context = browser.new_context()
        blocked = block_network(context)
        opened = open_map(context, maps["default"])
        assert opened.errors == []
        assert "none: the map contacts no host" in opened.page.locator(".ge-panel").inner_text()
        assert opened.page.locator(".leaflet-tile").count() == 0
        labels = opened.state(LABELS)
        kinds = {label["kind"] for label in labels}
        assert {"country", "capital"} <= kinds, labels
        show(opened, 35.47, 44.39, 8)  # Kirkuk
        names = {label["name"] for label in opened.state(LABELS)}
        assert {"Kirkuk", "Erbil"} <= names  # populated places (GeoNames)
        assert {"Sulaymaniyah", "Salah ad Din"} & names  # first-level divisions, as names
        assert_no_overlap(opened)
        assert blocked == [] and web_requests(opened) == []
        browser.close()


def assert_no_overlap(opened: MapPage) -> None:
    boxes = opened.page.evaluate(
        """() => Array.from(document.querySelectorAll(".ge-label"))
            .filter((n) => n.style.display !== "none")
            .map((n) => { const r = n.getBoundingClientRect();
                          return [r.left, r.top, r.right, r.bottom]; })"""
    )
    assert len(boxes) > 10
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            apart = a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1]
            assert apart, (a, b)


def test_at_low_zoom_the_big_capitals_win_the_space(context, maps):
    """London and Paris lost to their countries' names while Vaduz had room (issue 17)."""
    opened = open_map(context, maps["europe"], width=1280, height=800)
    for zoom in (3, 4, 5):
        show(opened, 49.0, 5.0, zoom)
        names = {label["name"] for label in opened.state(LABELS)}
        assert {"London", "Paris", "Berlin"} <= names, (zoom, names)
        assert "Vaduz" not in names, zoom
        assert_no_overlap(opened)


def test_labels_are_never_over_a_popup_and_catch_no_clicks(context, maps):
    opened = open_map(context, maps["default"])
    show(opened, 33.31, 44.37, 9)  # Baghdad
    label = next(x for x in opened.state(LABELS) if x["name"] == "Baghdad")
    box = opened.page.evaluate(
        """(name) => { const node = Array.from(document.querySelectorAll(".ge-label"))
                           .find((n) => n.textContent === name);
                       const r = node.getBoundingClientRect();
                       return [r.left, r.top, r.width, r.height]; }""",
        label["name"],
    )
    clip = {"x": box[0], "y": box[1], "width": box[2], "height": box[3]}

    def darkest() -> int:
        pixels = np.asarray(Image.open(io.BytesIO(opened.page.screenshot(clip=clip))))
        return int(pixels[..., :3].min())

    assert darkest() < 100  # the name is drawn there
    # A blank popup whose white box covers the label.
    covered = opened.state(
        """(s, p) => {
            const blank = document.createElement("div");
            blank.style.width = "260px";
            blank.style.height = "90px";
            const at = s.map.containerPointToLatLng([p.x + 20, p.y + 70]);
            L.popup({autoPan: false, maxWidth: 400}).setLatLng(at).setContent(blank).openOn(s.map);
            const wrapper = document.querySelector(".leaflet-popup-content-wrapper");
            const r = wrapper.getBoundingClientRect();
            return [r.left, r.top, r.right, r.bottom];
        }""",
        label,
    )
    assert covered[0] <= box[0] and covered[1] <= box[1]
    assert covered[2] >= box[0] + box[2] and covered[3] >= box[1] + box[3]
    opened.page.wait_for_function(
        "() => getComputedStyle(document.querySelector('.leaflet-popup')).opacity === '1'"
    )
    assert darkest() > 200  # only the popup's white shows: no label over it
    pane = opened.page.evaluate(
        """() => { const p = document.querySelector(".leaflet-geoeventsLabels-pane");
                   const style = getComputedStyle(p);
                   return [Number(style.zIndex), style.pointerEvents]; }"""
    )
    assert pane[0] < 600 and pane[1] == "none"  # below markers, tooltips and popups
    opened.page.close()


def test_a_tile_layer_is_named_in_the_panel_while_it_is_on(context, maps):
    opened = open_map(context, maps["osm"])
    panel = opened.page.locator(".ge-panel")
    assert "OpenStreetMap: on, contacts tile.openstreetmap.org" in panel.inner_text()
    assert web_requests(opened)
    assert all(u.startswith("https://tile.openstreetmap.org/") for u in web_requests(opened))
    opened.page.get_by_role("radio", name="No tiles (borders only)").check()
    assert "OpenStreetMap: off (no host contacted now)" in panel.inner_text()
    assert opened.page.locator(".leaflet-tile").count() == 0
    opened.page.close()


def test_the_dark_style_darkens_land_sea_and_lightens_names(context, maps):
    opened = open_map(context, maps["dark"])
    colours = opened.page.evaluate(
        """() => [getComputedStyle(document.querySelector(".leaflet-container")).backgroundColor,
                  getComputedStyle(document.querySelector("path.ge-border")).fill]"""
    )
    assert colours == ["rgb(15, 28, 41)", "rgb(38, 44, 51)"]
    show(opened, 10.0, 20.0, 3)
    label = opened.page.locator(".ge-label-country").first
    assert label.evaluate("(n) => getComputedStyle(n).color") == "rgb(166, 175, 185)"
    legend = opened.page.locator(".ge-legend").inner_text()
    assert "Heat map" in legend and "low" in legend and "high" in legend and "18 px" in legend
    opened.page.close()


# --- symbols that carry weight ---------------------------------------------------------------


def ink(pixels: np.ndarray, background: np.ndarray) -> int:
    """How many pixels differ clearly from the background colour."""
    return int((np.abs(pixels - background).max(axis=2) > 60).sum())


@pytest.mark.parametrize("name", ["sized_vector", "sized_canvas"])
def test_sizes_grow_with_fatalities_and_not_reported_is_distinct(context, maps, name):
    opened = open_map(context, maps[name])
    hide_labels(opened)
    show(opened, SOUTH, WEST + 0.625, 9)
    symbols = sorted(opened.state(SYMBOLS), key=lambda s: s["x"])
    assert [s["unreported"] for s in symbols] == [d is None for d in DEATHS]
    radii = [s["radius"] for s in symbols]
    reported = radii[1:]
    assert reported == sorted(reported) and len(set(reported)) == len(reported), radii
    assert radii[0] == radii[1]  # "not reported" is drawn at the size of 0 ...
    background = crop(opened, 20, 400, 2)[0, 0]
    crops = [crop(opened, s["x"], s["y"], 30) for s in symbols]
    drawn = [ink(c, background) for c in crops]
    assert drawn[1:] == sorted(drawn[1:]) and drawn[-1] > 4 * drawn[1], drawn
    # ... and differs from it in pixels: a dashed halo around the symbol.
    assert np.abs(crops[0] - crops[1]).max(axis=2).__gt__(60).sum() > 20
    legend = opened.page.locator(".ge-size-scale").inner_text()
    for entry in ("Size: fatalities", "0", "10", "50", "245 or more", "not reported"):
        assert entry in legend
    assert opened.errors == []
    opened.page.close()


def centre(pixels: np.ndarray) -> np.ndarray:
    """The mean colour of the 3 x 3 pixels at the middle of a crop."""
    h, w = pixels.shape[0] // 2, pixels.shape[1] // 2
    return pixels[h - 1 : h + 2, w - 1 : w + 2].reshape(-1, pixels.shape[2]).mean(axis=0)


def assert_apart(crops: list[np.ndarray], least: int) -> None:
    """Every two symbols differ in their middle's tone and in at least ``least`` pixels.

    The middle is what tells a ring from a ring: the old small ring (2) and dashed ring (3)
    were both white inside, and differed only in a few edge pixels.
    """
    for i in range(len(crops)):
        for j in range(i + 1, len(crops)):
            tone = float(np.abs(centre(crops[i]) - centre(crops[j]))[:3].max())
            pixels = int((np.abs(crops[i] - crops[j])[..., :3].max(axis=2) > 80).sum())
            assert tone > 40 and pixels > least, (i + 1, j + 1, tone, pixels)


@pytest.mark.parametrize("name", ["precision_vector", "precision_canvas"])
def test_precision_symbols_differ_in_pixels_at_marker_size(context, maps, name):
    opened = open_map(context, maps[name])
    hide_labels(opened)
    # Zoom 10: the areas of uncertainty are far wider than a marker, a faint wash behind it.
    show(opened, SOUTH, WEST + 0.25, 10)
    symbols = sorted(opened.state(SYMBOLS), key=lambda s: s["x"])
    assert [s["precision"] for s in symbols] == [1, 2, 3]
    # 20 x 20 pixels around each: a sixth of them at least must tell two symbols apart.
    assert_apart([crop(opened, s["x"], s["y"], 10) for s in symbols], 60)
    # The legend's pictures (30 x 30, in one neutral grey, their areas of uncertainty faint
    # behind them) differ in their middle as clearly, and in 5 % of their pixels at least.
    pictures = [
        np.asarray(
            Image.open(io.BytesIO(opened.page.locator(f".ge-precision-{code} svg").screenshot()))
        ).astype(int)
        for code in (1, 2, 3)
    ]
    assert_apart(pictures, 45)
    assert opened.errors == []
    opened.page.close()
