"""The first view in a real browser: the incidents fit the part of the map no control covers.

Headless Chromium from file://, every http(s) request blocked. On the seed map at 1280 x 800 the
incident list (top right) used to cover Iraq; the page now fits the incidents' bounds into the
largest rectangle the controls leave free (``GE.fitFree`` in ``assets/layout.js``), on a phone
(390 x 844) too, and a permalink's view still wins over it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from browser import READY, offline_context, open_map, read_incidents, seed_path

from geoevents.render import build_map, save_map

pytestmark = pytest.mark.browser

#: Every shown incident's container point, and every control's rectangle.
GEOMETRY = """() => {
    const page = Object.values(geoevents.maps)[0];
    const store = page.store;
    const box = page.map.getContainer().getBoundingClientRect();
    const points = [];
    for (let i = 0; i < store.n; i++) {
        if (!store.mask[i]) continue;
        const p = page.map.latLngToContainerPoint([store.lat[i], store.lon[i]]);
        points.push([p.x, p.y]);
    }
    const controls = [];
    document.querySelectorAll(".leaflet-control-container .leaflet-control").forEach((node) => {
        const r = node.getBoundingClientRect();
        if (r.width && r.height) controls.push({
            name: node.className, left: r.left - box.left, top: r.top - box.top,
            right: r.right - box.left, bottom: r.bottom - box.top});
    });
    return {points, controls, width: box.width, height: box.height, shown: page.visibleCount()};
}"""

LISTED = "document.documentElement.dataset.geoeventsList === 'true'"


@pytest.fixture(scope="module")
def context() -> Any:
    with offline_context() as context:
        yield context


@pytest.fixture(scope="module")
def seed_map(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("fit")
    m = build_map(read_incidents(seed_path()), timeline=True, tiles="none")
    return save_map(m, folder / "seed.html")


def covered_points(geometry: dict[str, Any]) -> list[tuple[list[float], str]]:
    """The incidents' points that lie under a control (or outside the map)."""
    out = []
    for x, y in geometry["points"]:
        if not (0 <= x <= geometry["width"] and 0 <= y <= geometry["height"]):
            out.append(([x, y], "outside the map"))
            continue
        for c in geometry["controls"]:
            if c["left"] <= x <= c["right"] and c["top"] <= y <= c["bottom"]:
                out.append(([x, y], c["name"]))
    return out


@pytest.mark.parametrize(("width", "height"), [(1280, 800), (390, 844)])
def test_the_first_view_shows_every_incident_outside_the_controls(context, seed_map, width, height):
    opened = open_map(context, seed_map, width=width, height=height)
    # The list fills after "ready": it must not grow over the incidents then either.
    opened.page.wait_for_function(LISTED)
    geometry = opened.page.evaluate(GEOMETRY)
    assert len(geometry["points"]) == geometry["shown"] > 20
    assert covered_points(geometry) == []
    # Still a useful view: the incidents span a good part of the free width or height.
    xs = [p[0] for p in geometry["points"]]
    ys = [p[1] for p in geometry["points"]]
    assert max(max(xs) - min(xs), max(ys) - min(ys)) > min(width, height) / 4
    assert opened.errors == []
    assert not [u for u in opened.requests if u.startswith(("http:", "https:"))]
    opened.page.close()


def test_the_unpadded_fit_would_have_hidden_incidents_under_the_list(context, seed_map):
    """The test above would fail without the free-area fit: Leaflet's own fit covers some."""
    opened = open_map(context, seed_map, width=1280, height=800)
    opened.page.wait_for_function(LISTED)
    opened.page.evaluate(
        """() => {
            const page = Object.values(geoevents.maps)[0];
            page.map.fitBounds(page.fit.bounds, page.fit.options);
        }"""
    )
    assert covered_points(opened.page.evaluate(GEOMETRY)) != []
    opened.page.close()


def test_a_permalinks_view_wins_over_the_fit(context, seed_map):
    state = {"view": {"center": [33.3, 44.4], "zoom": 7}}
    page = context.new_page()
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(seed_map.resolve().as_uri() + "#geoevents=" + quote(json.dumps(state)))
    page.wait_for_function(READY)
    view = page.evaluate("geoevents.state().view")
    assert view["zoom"] == 7
    assert view["center"] == pytest.approx([33.3, 44.4], abs=1e-3)
    page.close()
