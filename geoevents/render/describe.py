"""A plain description of a map built by ``build_map``, for tests and audits.

Tests compare this description rather than HTML bytes: it says which overlays the layer
control lists, what the legend and the provenance panel say, and which options are on.
"""

from __future__ import annotations

import html
from typing import Any

import folium
from folium.map import Layer

from geoevents.render.basemap import CountryBorders
from geoevents.render.hexview import HexLayer
from geoevents.render.layers import HeatLayer, IncidentLayer
from geoevents.render.legend import Legend
from geoevents.render.panel import ProvenancePanel
from geoevents.render.timeline import TimelineControl
from geoevents.render.tree import children

__all__ = ["describe_map"]


def _only(m: folium.Map, kind: type) -> Any:
    found = [child for child in children(m).values() if isinstance(child, kind)]
    return found[0] if found else None


def describe_map(m: folium.Map) -> dict[str, Any]:
    """Describe a map from ``build_map`` as plain Python values.

    Parameters
    ----------
    m : folium.Map
        A map returned by ``build_map``.

    Returns
    -------
    dict
        ``title``; ``incidents`` (count); ``layer_by``; ``categories`` (``name``, ``color``,
        ``count`` per overlay); ``overlays`` and ``base_layers`` (names as the layer control
        shows them); ``legend`` (``title``, ``categories``, ``precision``); ``panel``
        (``(label, text)`` lines); ``borders``, ``cluster``, ``heatmap`` (bools);
        ``timeline`` (``(start, end)`` or ``None``); ``view`` (``"points"``, ``"hex"`` or
        ``"both"``; ``None`` for a map without incidents) and ``hex_resolution``.

    Raises
    ------
    ValueError
        If ``m`` was not built by ``build_map``.
    """
    incidents = _only(m, IncidentLayer)
    if incidents is None:
        raise ValueError("describe_map needs a map built by geoevents' build_map")
    legend = _only(m, Legend)
    panel = _only(m, ProvenancePanel)
    timeline = _only(m, TimelineControl)
    hexes = _only(m, HexLayer)
    layers = [c for c in children(m).values() if isinstance(c, Layer) and c.control]
    return {
        "title": panel.title,
        "incidents": incidents.count,
        "layer_by": incidents.layer_by,
        "categories": [c.as_json() for c in incidents.categories],
        "overlays": [html.unescape(c.layer_name) for c in layers if c.overlay],
        "base_layers": [html.unescape(c.layer_name) for c in layers if not c.overlay],
        "legend": {
            "title": legend.title,
            "categories": [(c.name, c.color, c.count) for c in legend.categories],
            "shown": list(legend.shown),
            "precision": list(legend.precision),
        },
        "panel": list(panel.lines),
        "drawer": incidents.drawer,
        "borders": _only(m, CountryBorders) is not None,
        "cluster": incidents.cluster,
        "heatmap": _only(m, HeatLayer) is not None,
        "timeline": None if timeline is None else (timeline.start, timeline.end),
        "view": None if hexes is None else hexes.view,
        "hex_resolution": None if hexes is None else hexes.resolution,
    }
