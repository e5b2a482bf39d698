"""What a figure says about itself: the date range it covers and the source line."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from geoevents._version import __version__

if TYPE_CHECKING:  # pragma: no cover
    import geopandas as gpd
    from matplotlib.figure import Figure

__all__ = ["date_range", "draw_caption", "source_line"]

#: Hex digits of the input's SHA-256 shown on a figure (enough to tell two files apart).
SHA_PREFIX = 12


def date_range(gdf: gpd.GeoDataFrame) -> str:
    """``"2017-10-04 to 2020-01-01"``: the first ``date_start`` to the last ``date_end``."""
    from geoevents.aggregation.dates import incident_dates

    first, last = incident_dates(gdf).bounds() if len(gdf) else (None, None)
    if first is None or last is None:
        return "no dates"
    return first if first == last else f"{first} to {last}"


def source_line(source: str | os.PathLike[str] | None) -> str:
    """``"Source: incidents.geojson (SHA-256 1a2b3c4d5e6f…) · geoevents 0.1.0"``.

    A file gets its name and the start of its SHA-256; a folder or glob of files its name
    only; no source, the version only.
    """
    from geoevents.io.digest import file_sha256

    made = f"geoevents {__version__}"
    if source is None:
        return made
    path = Path(source)
    if path.is_file():
        return f"Source: {path.name} (SHA-256 {file_sha256(path)[:SHA_PREFIX]}…) · {made}"
    return f"Source: {path.name} · {made}"


def draw_caption(
    fig: Figure,
    x: float,
    gdf: gpd.GeoDataFrame,
    title: str,
    source: str | os.PathLike[str] | None,
    note: str = "",
) -> None:
    """Write a figure's title, its date range and count (and ``note``), and its source line.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        The figure.
    x : float
        Left edge of the text, in figure coordinates.
    gdf : GeoDataFrame
        The incidents drawn (for the date range and the count).
    title : str
        The title.
    source : path-like or None
        The input, for :func:`source_line`.
    note : str
        Appended to the subtitle (``"; an incident counts in a month only when ..."``).
    """
    from geoevents.figures.style import font

    n = len(gdf)
    fig.text(x, 0.945, title, fontproperties=font(16, bold=True))
    subtitle = f"{date_range(gdf)} · {n:,} incident{'s' if n != 1 else ''}{note}"
    fig.text(x, 0.905, subtitle, fontproperties=font(10), color="#333333")
    fig.text(x, 0.03, source_line(source), fontproperties=font(7.5), color="#555555")
