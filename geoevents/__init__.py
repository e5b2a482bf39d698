"""geoevents: geocoded conflict incidents to layered, offline, interactive maps.

The public API, usable from a notebook::

    import geoevents
    gdf = geoevents.load("data/incidents.geojson")
    oct17 = geoevents.filter_incidents(gdf, start="2017-10", end="2017-10")
    m = geoevents.build_map(oct17)          # a folium.Map; displays inline in Jupyter
    geoevents.save_map(m, "output/oct17.html")
"""

from typing import Any

from geoevents._version import __version__
from geoevents.errors import (
    EmptySelectionError,
    GeoeventsError,
    InputError,
    OutputError,
    UsageError,
    ValidationError,
)
from geoevents.filters import Criteria, filter_incidents
from geoevents.io import load, read_incidents, validate, write_incidents
from geoevents.problems import Problem, ValidationReport
from geoevents.stats import incident_stats
from geoevents.validation import validate_frame

__all__ = [
    "Criteria",
    "EmptySelectionError",
    "GeoeventsError",
    "InputError",
    "MapInfo",
    "OutputError",
    "Problem",
    "UsageError",
    "ValidationError",
    "ValidationReport",
    "__version__",
    "build_map",
    "filter_incidents",
    "incident_stats",
    "load",
    "read_incidents",
    "save_map",
    "validate",
    "validate_frame",
    "write_incidents",
]

_RENDER = ("build_map", "save_map", "MapInfo")


def __getattr__(name: str) -> Any:
    # folium is slow to import; commands that draw no map should not pay for it.
    if name in _RENDER:
        from geoevents import render

        return getattr(render, name)
    raise AttributeError(f"module 'geoevents' has no attribute {name!r}")
