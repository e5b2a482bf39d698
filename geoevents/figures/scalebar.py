"""A scale bar for a map drawn in longitude/latitude: a round length, measured on the ellipsoid."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes

__all__ = ["add_scale_bar", "nice_length"]


def nice_length(km: float) -> float:
    """The largest of 1, 2 or 5 times a power of ten that is at most ``km``."""
    if km <= 0:
        return 0.0
    power = 10 ** math.floor(math.log10(km))
    return max(step * power for step in (1, 2, 5) if step * power <= km)


def add_scale_bar(ax: Axes, *, fontsize: float = 8) -> None:
    """Draw a bar about a fifth of the map's width, in the lower left corner of ``ax``.

    The length is measured along the parallel at the bar's latitude (WGS84, pyproj), where
    degrees of longitude are what the bar spans.
    """
    from pyproj import Geod

    from geoevents.figures.style import font

    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    lat = y0 + 0.06 * (y1 - y0)
    start = x0 + 0.04 * (x1 - x0)
    geod = Geod(ellps="WGS84")
    per_degree = geod.line_length([start, start + 1], [lat, lat]) / 1000
    km = nice_length(per_degree * 0.2 * (x1 - x0))
    if km == 0:
        return
    end = start + km / per_degree
    ax.plot([start, end], [lat, lat], color="#222222", linewidth=2.5, solid_capstyle="butt")
    label = f"{km:g} km"
    ax.text(
        (start + end) / 2,
        lat + 0.012 * (y1 - y0),
        label,
        ha="center",
        va="bottom",
        fontproperties=font(fontsize),
        color="#222222",
    )
