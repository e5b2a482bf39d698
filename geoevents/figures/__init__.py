"""Figures for reports, drawn with geopandas and matplotlib: a static map
(:func:`figure`) and counts over time stacked by category (:func:`plot_counts`).

Both write PNG, SVG or PDF with the same bytes for the same input, in colour-blind-safe colours
(:mod:`~geoevents.figures.style`) and matplotlib's bundled fonts.
"""

from __future__ import annotations

from geoevents.figures.counts import counts_figure, plot_counts
from geoevents.figures.mapfig import figure, map_figure
from geoevents.figures.save import FIGURE_FORMATS, save_figure
from geoevents.figures.style import FIGURE_EVENT_COLORS, FIGURE_SIZES, category_colors

__all__ = [
    "FIGURE_EVENT_COLORS",
    "FIGURE_FORMATS",
    "FIGURE_SIZES",
    "category_colors",
    "counts_figure",
    "figure",
    "map_figure",
    "plot_counts",
    "save_figure",
]
