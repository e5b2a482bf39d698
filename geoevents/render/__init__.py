"""The map renderer: incidents to a layered, offline, self-describing Leaflet map.

``build_map`` returns a ``folium.Map`` (it displays inline in Jupyter); ``save_map`` writes it
as one HTML file that opens from ``file://`` with no network. See ``docs/architecture.md``.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from geoevents.render.build import build_map
    from geoevents.render.info import MapInfo
    from geoevents.render.save import save_map

__all__ = ["MapInfo", "build_map", "save_map"]

# Imported on first use: folium takes about a second, and the figures use only the folium-free
# modules of this package (symbols, palette).
_HOMES = {"MapInfo": "geoevents.render.info", "build_map": "geoevents.render.build"}
_HOMES["save_map"] = "geoevents.render.save"


def __getattr__(name: str) -> Any:
    if name in _HOMES:
        value = getattr(importlib.import_module(_HOMES[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'geoevents.render' has no attribute {name!r}")
