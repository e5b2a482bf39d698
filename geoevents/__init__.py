"""geoevents: geocoded conflict incidents to layered, offline, interactive maps.

The public API, usable from a notebook::

    import geoevents
    gdf = geoevents.load("data/incidents.geojson")
    oct17 = geoevents.filter_incidents(gdf, start="2017-10", end="2017-10")
    m = geoevents.build_map(oct17)          # a folium.Map; displays inline in Jupyter
    geoevents.save_map(m, "output/oct17.html")
"""

import importlib
import importlib.util
from typing import TYPE_CHECKING, Any

from geoevents._version import __version__

if TYPE_CHECKING:  # pragma: no cover
    from geoevents.aggregation import aggregate
    from geoevents.criteria import Criteria
    from geoevents.errors import (
        EmptySelectionError,
        GeoeventsError,
        InputError,
        OutputError,
        UsageError,
        ValidationError,
    )
    from geoevents.figures import figure
    from geoevents.filters import filter_incidents
    from geoevents.io import load, read_incidents, validate, write_incidents
    from geoevents.problems import Problem, ValidationReport
    from geoevents.render import MapInfo, build_map, save_map
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
    "aggregate",
    "build_map",
    "figure",
    "filter_incidents",
    "incident_stats",
    "load",
    "read_incidents",
    "save_map",
    "validate",
    "validate_frame",
    "write_incidents",
]

#: Where each public name lives. They are imported on first use: geopandas, pyarrow and folium
#: are slow to import, and `geoevents --help` (or a command that draws no map) should not wait.
_HOMES: dict[str, str] = {
    "Criteria": "geoevents.criteria",
    "EmptySelectionError": "geoevents.errors",
    "GeoeventsError": "geoevents.errors",
    "InputError": "geoevents.errors",
    "OutputError": "geoevents.errors",
    "UsageError": "geoevents.errors",
    "ValidationError": "geoevents.errors",
    "filter_incidents": "geoevents.filters",
    "load": "geoevents.io",
    "read_incidents": "geoevents.io",
    "write_incidents": "geoevents.io",
    "Problem": "geoevents.problems",
    "ValidationReport": "geoevents.problems",
    "MapInfo": "geoevents.render",
    "build_map": "geoevents.render",
    "save_map": "geoevents.render",
    "incident_stats": "geoevents.stats",
    "aggregate": "geoevents.aggregation",
    "figure": "geoevents.figures",
    "validate": "geoevents.io",
    "validate_frame": "geoevents.validation",
}


def __getattr__(name: str) -> Any:
    if name in _HOMES:
        value = getattr(importlib.import_module(_HOMES[name]), name)
        globals()[name] = value  # once imported, a plain module attribute
        return value
    if not name.startswith("__") and importlib.util.find_spec(f"{__name__}.{name}") is not None:
        # `import geoevents; geoevents.schema` worked while this module imported everything.
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module 'geoevents' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
