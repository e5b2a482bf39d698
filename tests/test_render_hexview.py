"""The hexagon view as built: the view chosen, the cells embedded, ``geoevents map --view``."""

from __future__ import annotations

import json
import re

import numpy as np
import pytest
from helpers import SEED_STORE

from geoevents.aggregation import hex_cells
from geoevents.errors import UsageError
from geoevents.render import build_map
from geoevents.render.categories import categorize
from geoevents.render.columnar import encode_incidents
from geoevents.render.describe import describe_map
from geoevents.render.hexview import (
    HEX_VIEW_MIN,
    SEQUENTIAL_COLORS,
    add_hex_cells,
    choose_view,
    hex_resolutions,
)
from geoevents.testing import synthetic

SEED = SEED_STORE


def test_auto_shows_hexagons_alone_from_the_threshold_on():
    assert choose_view("auto", HEX_VIEW_MIN - 1) == "points"
    assert choose_view("auto", HEX_VIEW_MIN) == "hex"
    assert choose_view("both", 3) == "both"
    with pytest.raises(UsageError, match="unknown view 'dots'"):
        choose_view("dots", 3)


def test_the_map_carries_the_chosen_resolution_and_two_steps_either_side():
    assert hex_resolutions(5) == (3, 5, 7)
    assert hex_resolutions(0) == (0, 2)
    assert hex_resolutions(15) == (13, 15)
    # A large map carries one resolution: each costs bytes per incident.
    assert hex_resolutions(5, 200_000) == (5,)
    assert hex_resolutions(5, 199_999) == (3, 5, 7)
    with pytest.raises(UsageError, match="out of range"):
        hex_resolutions(16)


def test_each_incident_carries_the_cell_aggregate_counts_it_in():
    gdf = synthetic.incidents(300, seed=4)
    _, codes = categorize(gdf["event_type"], "event_type")
    data = encode_incidents(gdf, np.asarray(codes))
    described = add_hex_cells(data, gdf, (5,))
    (level,) = described["levels"]
    per_row = np.frombuffer(data.buffers[level["codes"]].data, dtype="<u2")
    ids = data.buffers[level["cells"]].data.decode("ascii")
    cells = [ids[15 * k : 15 * k + 15] for k in range(level["count"])]
    assert [cells[c - 1] for c in per_row] == hex_cells(gdf, 5).tolist()
    sizes = np.frombuffer(data.buffers[level["sizes"]].data, dtype="u1")
    assert set(sizes) <= {5, 6, 7, 8, 9, 10} and len(sizes) == len(cells)
    verts = np.frombuffer(data.buffers[level["verts"]].data, dtype="<f4")
    assert len(verts) == 2 * sizes.sum()


def test_the_count_colours_are_matplotlibs_viridis():
    from matplotlib import colormaps
    from matplotlib.colors import to_hex

    viridis = colormaps["viridis"].resampled(len(SEQUENTIAL_COLORS))
    assert list(SEQUENTIAL_COLORS) == [to_hex(viridis(i)) for i in range(7)][::-1]


def _hex_config(html: str) -> dict:
    match = re.search(r"geoevents\.hexLayer\(\s*\w+, (\{.*?\})\);", html, re.S)
    return json.loads(match.group(1))


def test_cli_view_and_hex_resolution(run, tmp_path):
    out = tmp_path / "m.html"
    assert run("map", SEED, "-o", out, "--tiles", "none").exit_code == 0
    assert _hex_config(out.read_text(encoding="utf-8"))["view"] == "points"
    result = run(
        "map", SEED, "-o", out, "--tiles", "none", "--view", "hex", "--hex-resolution", "4"
    )
    assert result.exit_code == 0, result.output
    config = _hex_config(out.read_text(encoding="utf-8"))
    assert (config["view"], config["resolution"]) == ("hex", 4)
    assert config["change"]["minCount"] == 5
    bad = run("map", SEED, "-o", tmp_path / "b.html", "--view", "dots")
    assert bad.exit_code == 2 and "'dots' is not one of" in bad.output
    assert not (tmp_path / "b.html").exists()
    assert run("map", SEED, "-o", tmp_path / "b.html", "--hex-resolution", "16").exit_code == 2


def test_build_map_view():
    gdf = synthetic.incidents(50, seed=2)
    described = describe_map(build_map(gdf, tiles="none", view="both", hex_resolution=6))
    assert (described["view"], described["hex_resolution"]) == ("both", 6)
    assert described["overlays"][-1] == "Hexagons"
    with pytest.raises(UsageError, match="unknown view"):
        build_map(gdf, view="grid")
