"""Counts over time for a report: incidents per period, stacked by category.

The periods and the rule are those of ``geoevents stats --by PERIOD``
(:func:`geoevents.stats.period_counts`): incidents whose dates do not fall within one period
are drawn apart, hatched, as "imprecise", never guessed into a period.
"""

from __future__ import annotations

import math
import os
from typing import TYPE_CHECKING

from geoevents.figures.style import DPI

if TYPE_CHECKING:  # pragma: no cover
    import geopandas as gpd
    from matplotlib.figure import Figure

__all__ = ["counts_figure", "plot_counts"]

#: At most this many period labels on the time axis.
MAX_TICKS = 12


def counts_figure(
    gdf: gpd.GeoDataFrame,
    *,
    by: str = "month",
    category: str = "event_type",
    title: str | None = None,
    source: str | os.PathLike[str] | None = None,
    size: str | tuple[float, float] = "slide",
) -> Figure:
    """Draw the stacked counts of ``gdf`` and return the figure (see :func:`plot_counts`)."""
    import matplotlib
    from matplotlib.figure import Figure
    from matplotlib.patches import Patch
    from matplotlib.ticker import MaxNLocator

    from geoevents.figures.caption import draw_caption
    from geoevents.figures.style import (
        RC,
        category_codes,
        category_colors,
        figure_size,
        font,
        side_legend,
    )
    from geoevents.render.symbols import field_title
    from geoevents.stats import IMPRECISE, period_counts

    table = period_counts(gdf, by, category)
    _, order = category_codes(gdf, category)
    table = table[order]
    colors = category_colors(order)
    periods = [p for p in table.index if p != IMPRECISE]
    x = list(range(len(periods))) + ([len(periods) + 1] if IMPRECISE in table.index else [])
    with matplotlib.rc_context(RC):
        fig = Figure(figsize=figure_size(size))
        ax = fig.add_axes((0.07, 0.16, 0.70, 0.70))
        bottom = [0] * len(x)
        for name in order:
            heights = table[name].tolist()
            bars = ax.bar(x, heights, bottom=bottom, width=0.8, color=colors[name], linewidth=0)
            if IMPRECISE in table.index:
                bars[-1].set_hatch("///")
                bars[-1].set_edgecolor("white")
            bottom = [b + h for b, h in zip(bottom, heights, strict=True)]
        step = max(1, math.ceil(len(periods) / MAX_TICKS))
        labels = [*periods, IMPRECISE]
        shown = list(range(0, len(periods), step)) + (
            [len(periods)] if len(x) > len(periods) else []
        )
        ticks, names = [x[i] for i in shown], [labels[i] for i in shown]
        ax.set_xticks(ticks, names, fontproperties=font(8), rotation=45, ha="right")
        top = max(bottom) if bottom else 1
        yticks = [v for v in MaxNLocator(integer=True).tick_values(0, max(top, 1)) if v >= 0]
        ax.set_yticks(yticks, [f"{v:g}" for v in yticks], fontproperties=font(8))
        ax.set_ylim(0, max(top, 1) * 1.05)
        ax.set_xlim(-0.6, x[-1] + 0.6)
        ax.set_ylabel(f"incidents per {by}", fontproperties=font(9))
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
        handles = [Patch(color=colors[name], label=name) for name in order]
        if IMPRECISE in table.index:
            handles.append(
                Patch(
                    facecolor="#bbbbbb",
                    hatch="///",
                    edgecolor="white",
                    label=f"{IMPRECISE} (not within one {by})",
                )
            )
        side_legend(ax, handles, field_title(category))
        note = f"; an incident counts in a {by} only when its dates fall within it"
        draw_caption(fig, 0.07, gdf, title or f"Incidents per {by}", source, note)
    return fig


def plot_counts(
    gdf: gpd.GeoDataFrame,
    path: str | os.PathLike[str],
    *,
    by: str = "month",
    category: str = "event_type",
    title: str | None = None,
    source: str | os.PathLike[str] | None = None,
    size: str | tuple[float, float] = "slide",
    dpi: float = DPI,
    overwrite: bool = False,
) -> None:
    """Write incidents per period, stacked by category, as PNG, SVG or PDF.

    Parameters
    ----------
    gdf : geopandas.GeoDataFrame
        Incidents.
    path : path-like
        ``.png``, ``.svg`` or ``.pdf``.
    by : {"day", "week", "month", "year"}
        The period; every period from the first to the last is drawn, empty ones too.
    category : str, default "event_type"
        The field the bars are stacked by.
    title, source, size, dpi, overwrite
        As for :func:`geoevents.figures.figure`.

    Raises
    ------
    UsageError
        For a ``by`` that is not a period, an unknown size or extension.
    OutputError
        If the file exists (without ``overwrite``) or cannot be written.
    """
    from geoevents.figures.save import figure_format, save_figure

    figure_format(path)
    fig = counts_figure(gdf, by=by, category=category, title=title, source=source, size=size)
    save_figure(fig, path, dpi=dpi, overwrite=overwrite)
