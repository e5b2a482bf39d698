"""Helpers for the map tests: reading incident fixtures, and a headless Chromium via Playwright.

The browser is Debian's ``/usr/bin/chromium`` (never a downloaded one). Every http(s) request
is blocked and recorded, so a test sees at once if a map tries to reach the network.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import geopandas as gpd
from helpers import unavailable

from geoevents.schema import COLUMNS
from geoevents.testing.chromium import CHROMIUM, CHROMIUM_ARGS

HERE = Path(__file__).parent
FIXTURES = HERE / "fixtures" / "render"
SEED = HERE.parent / "data" / "incidents.geojson"
READY = "document.documentElement.dataset.geoeventsReady === 'true'"


def read_incidents(path: Path) -> gpd.GeoDataFrame:
    """Read a GeoJSON file of incidents into a frame with every schema column.

    ``geoevents.load`` is the real reader; this keeps the renderer's tests independent of it
    and keeps nested values (sources, lists) as Python objects.
    """
    collection = json.loads(Path(path).read_text(encoding="utf-8"))
    features = []
    for feature in collection["features"]:
        properties = dict(feature.get("properties") or {})
        properties.setdefault("id", feature.get("id"))
        features.append({**feature, "properties": properties})
    gdf = gpd.GeoDataFrame.from_features(features, crs="EPSG:4326")
    for column in COLUMNS:
        if column not in gdf.columns:
            gdf[column] = None
    return gdf[[*COLUMNS, "geometry"]]


def seed_path() -> Path:
    """The seed dataset, or the renderer's own small fixture until the seed lands."""
    return SEED if SEED.is_file() else FIXTURES / "incidents.geojson"


def sync_playwright() -> Any:
    """Return Playwright's ``sync_playwright()``, or skip (fail on CI) if it cannot run here."""
    if not CHROMIUM.is_file():
        unavailable(f"{CHROMIUM} is missing: install Debian's chromium package")
    try:
        from playwright.sync_api import sync_playwright as start
    except ImportError:
        unavailable("playwright is not installed: pip install -e '.[test]'")
    return start()


@dataclass
class MapPage:
    """An opened map and everything the page did that a test may want to assert on."""

    page: Any
    errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)

    def state(self, expression: str, arg: Any = None) -> Any:
        """Evaluate ``(state, arg) => expression`` on the map's geoevents state."""
        script = (
            "(arg) => { const state = Object.values(window.geoevents.maps)[0]; "
            f"return ({expression})(state, arg); }}"
        )
        return self.page.evaluate(script, arg)


def open_map(context: Any, path: Path, *, width: int = 1200, height: int = 800) -> MapPage:
    """Open a saved map from ``file://`` in a new page and wait until it is drawn."""
    page = context.new_page()
    page.set_viewport_size({"width": width, "height": height})
    opened = MapPage(page)
    page.on("console", lambda m: opened.errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda exc: opened.errors.append(f"page error: {exc}"))

    def on_dialog(dialog: Any) -> None:
        opened.dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    page.on("request", lambda r: opened.requests.append(r.url))
    page.goto(path.resolve().as_uri())
    page.wait_for_function(READY, timeout=15_000)
    return opened


def block_network(context: Any) -> list[str]:
    """Abort every http(s) request of ``context``; return the list they are recorded in."""
    blocked: list[str] = []

    def abort(route: Any) -> None:
        blocked.append(route.request.url)
        route.abort()

    context.route(re.compile(r"^https?://"), abort)
    return blocked


HEAT_PIXELS = """() => {
    const canvas = document.querySelector("canvas.ge-heat");
    const data = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
    let painted = 0;
    for (let i = 3; i < data.length; i += 4) if (data[i]) painted++;
    return painted;
}"""


OPEN_POPUP = """() => {
    const page = Object.values(window.geoevents.maps)[0];
    const popup = page.popup;
    return popup && popup.isOpen() && !popup.getElement().querySelector(".ge-loading");
}"""


def current_popup(opened: MapPage) -> str:
    """The text of the map's open popup once its content is in (a closed one may still fade)."""
    opened.page.wait_for_function(OPEN_POPUP, timeout=10_000)
    return opened.state(
        "(s) => s.popup.getElement().querySelector('.leaflet-popup-content').innerText"
    )


def move_timeline(page: Any, start: str, end: str) -> None:
    """Set the time control's window to ISO dates as an analyst types them: the "From" and
    "To" date fields, each followed by its "change" event."""
    page.evaluate(
        """([start, end]) => {
            for (const [name, iso] of [["from", start], ["to", end]]) {
                const input = document.querySelector(".ge-timeline .ge-range-" + name);
                input.value = iso;
                input.dispatchEvent(new Event("change", {bubbles: true}));
            }
        }""",
        [start, end],
    )


@contextmanager
def offline_context() -> Iterator[Any]:
    """A Chromium browser context in which every http(s) request is blocked (and recorded)."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=list(CHROMIUM_ARGS)
        )
        context = browser.new_context()
        block_network(context)
        yield context
        browser.close()
