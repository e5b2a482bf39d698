"""Aggregates of incidents: per H3 cell or per country, with a change class against the last
window; written for other tools (GeoJSON, GeoParquet, CSV).

:func:`aggregate` is the library call; :func:`hex_cells` gives each incident's cell (what the
map page needs to count in the same cells); :mod:`~geoevents.aggregation.change` holds the
change-class rule and its thresholds; :mod:`~geoevents.aggregation.windows` the windows.
"""

from __future__ import annotations

from geoevents.aggregation.build import AGGREGATE_BY, AGGREGATE_COLUMNS, aggregate
from geoevents.aggregation.change import CHANGE_CLASSES, MIN_COUNT, change_classes
from geoevents.aggregation.hexes import DEFAULT_RESOLUTION, cell_polygons, hex_cells
from geoevents.aggregation.windows import previous_window, window_ending
from geoevents.aggregation.write import AGGREGATE_FORMATS, write_aggregates

__all__ = [
    "AGGREGATE_BY",
    "AGGREGATE_COLUMNS",
    "AGGREGATE_FORMATS",
    "CHANGE_CLASSES",
    "DEFAULT_RESOLUTION",
    "MIN_COUNT",
    "aggregate",
    "cell_polygons",
    "change_classes",
    "hex_cells",
    "previous_window",
    "window_ending",
    "write_aggregates",
]
