"""The map's aggregated view: H3 hexagons counting the shown incidents (or their deaths).

The page needs no H3 library: at build time each drawable incident gets its cell at a few
resolutions (:func:`geoevents.aggregation.hexes.cell_codes`, the function ``geoevents
aggregate`` counts with, so the page's counts are the command's), and each resolution travels
as one more set of buffers of the columnar payload (``add_hex_cells``):

- ``codes``: per incident, 0 (no cell: not drawable) or k + 1 for the k-th distinct cell;
- ``cells``: the distinct cell ids, 15 ASCII bytes each;
- ``sizes`` and ``verts``: each cell's boundary, its vertex count and float32 lat/lon pairs.

``assets/hexview.js`` counts the rows of the store's mask per cell with typed arrays on every
change of the mask, colours the cells by count, deaths or change class (the rule of
:mod:`geoevents.aggregation.change`, whose thresholds it is handed) and lists a clicked cell's
incidents in the incident list.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
from folium.map import Layer
from folium.template import Template

from geoevents.aggregation.change import (
    CHANGE_CLASSES,
    MIN_COUNT,
    RISE,
    SHARP_RISE,
)
from geoevents.aggregation.hexes import (
    DEFAULT_RESOLUTION,
    RESOLUTIONS,
    cell_codes,
    check_resolution,
)
from geoevents.errors import UsageError
from geoevents.render.embed import escape_html, script_json

if TYPE_CHECKING:  # pragma: no cover
    import geopandas as gpd

    from geoevents.render.columnar import ColumnarIncidents
    from geoevents.render.layers import IncidentLayer

__all__ = [
    "CHANGE_COLORS",
    "HEX_ONE_RESOLUTION_MIN",
    "HEX_VIEW_MIN",
    "SEQUENTIAL_COLORS",
    "VIEWS",
    "HexLayer",
    "add_hex_cells",
    "choose_view",
    "hex_resolutions",
]

#: What the map shows: the incidents, the hexagons, or both ("auto" chooses by count).
VIEWS = ("auto", "points", "hex", "both")

#: From this many incidents on, "auto" shows the hexagons alone: it is where the large engine
#: starts, and where one symbol per incident stops being readable as a pattern. Below it a
#: map looks as it always did (the hexagons are one switch away in the layer control).
HEX_VIEW_MIN = 10_001

#: Counts and deaths: viridis (matplotlib's colormap at 7 even steps), light for few, dark for
#: many; perceptually even and readable with every common colour-vision deficiency.
SEQUENTIAL_COLORS = ("#fde725", "#90d743", "#35b779", "#21918c", "#31688e", "#443983", "#440154")

#: Change classes: Okabe-Ito oranges for rises, blues for falls, grey for stable, near-white
#: for too few (the order of ``CHANGE_CLASSES``).
CHANGE_COLORS = dict(
    zip(
        CHANGE_CLASSES,
        ("#D55E00", "#E69F00", "#BBBBBB", "#56B4E9", "#0072B2", "#F4F4F4"),
        strict=True,
    )
)

#: Resolutions either side of the chosen one that the page switches to by zoom.
_STEP = 2
#: From this many incidents on a map embeds one H3 resolution (see hex_resolutions).
HEX_ONE_RESOLUTION_MIN = 200_000


def choose_view(view: str, count: int) -> str:
    """Return the view ``"points"``, ``"hex"`` or ``"both"`` for ``count`` incidents.

    Parameters
    ----------
    view : {"auto", "points", "hex", "both"}
        What was asked for; ``"auto"`` is ``"hex"`` from ``HEX_VIEW_MIN`` incidents on, else
        ``"points"``.
    count : int
        Number of incidents.

    Raises
    ------
    UsageError
        For an unknown view.
    """
    if view not in VIEWS:
        raise UsageError(f"unknown view {view!r}; choose one of: {', '.join(VIEWS)}")
    if view != "auto":
        return view
    return "hex" if count >= HEX_VIEW_MIN else "points"


def hex_resolutions(resolution: int = DEFAULT_RESOLUTION, count: int = 0) -> tuple[int, ...]:
    """The resolutions a map of ``count`` incidents embeds: ``resolution`` and, for other
    zooms, two steps either side; from :data:`HEX_ONE_RESOLUTION_MIN` incidents on, only
    ``resolution`` (each resolution costs 2-4 bytes per incident, and the finer one's
    boundaries most of the rest: 9.4 MB of a million-incident map).

    Raises
    ------
    UsageError
        For a resolution outside 0-15.
    """
    check_resolution(resolution)
    if count >= HEX_ONE_RESOLUTION_MIN:
        return (resolution,)
    wanted = {resolution - _STEP, resolution, resolution + _STEP}
    return tuple(sorted(r for r in wanted if r in RESOLUTIONS))


def _boundaries(cells: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Vertex counts (uint8) and lat/lon pairs (float32) of each cell's boundary."""
    from geoevents.aggregation.hexes import cell_rings

    sizes, coords = cell_rings(cells)
    return sizes.astype("<u1"), coords[:, ::-1].reshape(-1).astype("<f4")


def add_hex_cells(
    data: ColumnarIncidents, gdf: gpd.GeoDataFrame, resolutions: tuple[int, ...]
) -> dict[str, Any]:
    """Add each incident's cell at each resolution to ``data`` (its buffers and ``extra``).

    Parameters
    ----------
    data : ColumnarIncidents
        From ``columnar.encode_incidents(gdf, ...)``, not yet embedded.
    gdf : geopandas.GeoDataFrame
        The same incidents (EPSG:4326).
    resolutions : tuple of int
        H3 resolutions (``hex_resolutions``).

    Returns
    -------
    dict
        The JSON-ready description the page reads (also ``data.extra["hex"]``): per
        resolution, its buffers and number of cells.
    """
    drawable = np.flatnonzero(data.drawable)
    subset = gdf.iloc[drawable]
    levels = []
    for resolution in resolutions:
        cells, codes = cell_codes(subset, resolution) if len(subset) else ([], np.zeros(0))
        per_row = np.zeros(data.count, dtype=np.int64)
        per_row[drawable] = np.asarray(codes, dtype=np.int64) + 1
        dtype, numpy_dtype = ("u16", "<u2") if len(cells) < 2**16 else ("i32", "<i4")
        sizes, verts = _boundaries(cells)
        levels.append(
            {
                "resolution": resolution,
                "count": len(cells),
                "codes": data.add(dtype, per_row.astype(numpy_dtype)),
                "cells": data.add("bytes", "".join(cells).encode("ascii")),
                "sizes": data.add("u8", sizes),
                "verts": data.add("f32", verts),
            }
        )
    described = {"levels": levels}
    data.extra["hex"] = described
    return described


class HexLayer(Layer):
    """The hexagon view: an overlay of the layer control ("Hexagons") and its box of options.

    Parameters
    ----------
    incidents : IncidentLayer
        Its incidents, with ``add_hex_cells`` applied; added to the map before this layer.
    view : {"points", "hex", "both"}
        What the page shows first: the hexagons are on for "hex" and "both", the incidents'
        symbols for "points" and "both".
    resolution : int
        The resolution shown by default at the zoom it suits (the one ``geoevents aggregate
        --resolution`` would be given); the page picks the embedded one that suits the zoom.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            var {{ this.get_name() }} = geoevents.hexLayer(
                {{ this.incidents.get_name() }}, {{ this.config }});
        {% endmacro %}
        """
    )

    def __init__(self, incidents: IncidentLayer, *, view: str, resolution: int) -> None:
        super().__init__(
            name=escape_html("Hexagons"), overlay=True, control=True, show=view != "points"
        )
        self._name = "HexLayer"
        self.incidents = incidents
        self.view = view
        self.resolution = resolution

    @property
    def config(self) -> str:
        """The script-safe JSON handed to ``geoevents.hexLayer``."""
        return script_json(
            {
                "view": self.view,
                "resolution": self.resolution,
                "colors": list(SEQUENTIAL_COLORS),
                "changeColors": CHANGE_COLORS,
                # The rule of aggregation/change.py, by its own constants.
                "change": {
                    "classes": list(CHANGE_CLASSES),
                    "rise": RISE,
                    "sharpRise": SHARP_RISE,
                    "minCount": MIN_COUNT,
                },
            }
        )
