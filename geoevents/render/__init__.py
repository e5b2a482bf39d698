"""The map renderer: incidents to a layered, offline, self-describing Leaflet map.

``build_map`` returns a ``folium.Map`` (it displays inline in Jupyter); ``save_map`` writes it
as one HTML file that opens from ``file://`` with no network. See ``docs/architecture.md``.
"""

from __future__ import annotations

from geoevents.render.build import build_map
from geoevents.render.info import MapInfo
from geoevents.render.save import save_map

__all__ = ["MapInfo", "build_map", "save_map"]
