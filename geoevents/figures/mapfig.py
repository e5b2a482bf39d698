"""A static map of incidents for a report: borders, place labels, incidents by category with
the precision symbols of the interactive map, legend, title, date range, scale bar, source line.

The symbols follow the map's (``render/assets/styles.js``): geo_precision 1 a filled dot, 2 a
ring, 3 a dashed ring, 2 and 3 with a translucent area of uncertainty around them.
"""

from __future__ import annotations

import math
import os
from typing import TYPE_CHECKING

from geoevents.figures.style import DPI

if TYPE_CHECKING:  # pragma: no cover
    import geopandas as gpd
    import numpy as np
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = ["AREA_RADIUS_KM", "figure", "map_figure"]

#: Radius of the area of uncertainty of geo_precision 2 and 3, in km: the same visual convention
#: as the interactive map (``S.AREA_RADIUS`` in ``render/assets/styles.js``), not a measured error.
AREA_RADIUS_KM = {2: 15.0, 3: 75.0}

#: Areas of uncertainty are drawn up to this many incidents (beyond, they would hide the map).
AREA_MAX = 5000

_LAND, _SEA, _BORDER, _NEUTRAL = "#f2efe9", "#dde8f0", "#9a9a9a", "#4d5660"
#: Where the map sits in the figure (left, bottom, width, height as fractions).
_MAP_BOX = (0.03, 0.09, 0.70, 0.78)
_PRECISION_LABELS = {1: "exact place", 2: "near the place", 3: "only the region"}


def _extent(gdf: gpd.GeoDataFrame, box: tuple[float, float]) -> tuple[float, ...]:
    """The incidents' bounds, padded, then widened to fill a box of ``box`` (width, height)
    inches at the aspect of a lon/lat map at its middle latitude; and that aspect."""
    west, south, east, north = gdf.total_bounds
    pad_x = max((east - west) * 0.12, 1.0)
    pad_y = max((north - south) * 0.12, 1.0)
    west, south, east, north = west - pad_x, south - pad_y, east + pad_x, north + pad_y
    aspect = 1 / max(math.cos(math.radians((south + north) / 2)), 0.01)
    width, height = east - west, (north - south) * aspect
    if width / height < box[0] / box[1]:
        grow = (height * box[0] / box[1] - width) / 2
        west, east = west - grow, east + grow
    else:
        grow = (width * box[1] / box[0] - height) / 2 / aspect
        south, north = south - grow, north + grow
    return west, south, east, north, aspect


def _marker_size(n: int) -> float:
    return 40.0 if n <= 1000 else 12.0 if n <= 50_000 else 3.0


def _draw_areas(ax: Axes, x, y, color: str, code: int) -> None:
    from matplotlib.collections import PatchCollection
    from matplotlib.patches import Ellipse

    radius = AREA_RADIUS_KM[code]
    patches = [
        Ellipse(
            (px, py),
            width=2 * radius / (111.32 * max(math.cos(math.radians(py)), 0.01)),
            height=2 * radius / 110.57,
        )
        for px, py in zip(x, y, strict=True)
    ]
    ax.add_collection(
        PatchCollection(
            patches,
            facecolor=color,
            edgecolor=color,
            alpha=0.15,
            linewidth=0.8,
            linestyle="--",
            zorder=3,
        )
    )


def _draw_incidents(ax: Axes, gdf: gpd.GeoDataFrame, cats: np.ndarray, colors: dict) -> None:
    """Each category's shapes, then its points (least precise first), as one collection per
    category and symbol: whole arrays, never a Python call per incident."""
    import numpy as np
    import shapely

    from geoevents.render.symbols import precision_codes

    geometry = np.asarray(gdf.geometry.values)
    is_point = shapely.get_type_id(geometry) == 0
    codes = precision_codes(gdf["geo_precision"])
    # NaN for anything but a point; only the points' are used.
    xs, ys = shapely.get_x(geometry), shapely.get_y(geometry)
    size = _marker_size(len(gdf))
    areas = int((is_point & (codes > 1)).sum()) <= AREA_MAX
    shaped = not is_point.all()
    for index, color in enumerate(colors.values()):
        mine = cats == index
        if shaped:
            _draw_shapes(ax, gdf, mine & ~is_point, codes, color)
        for code in (3, 2, 1):  # exact places on top
            rows = np.flatnonzero(mine & is_point & (codes == code))
            if not len(rows):
                continue
            x, y = xs[rows], ys[rows]
            if code > 1 and areas:
                _draw_areas(ax, x, y, color, code)
            ax.scatter(
                x,
                y,
                s=size if code < 3 else size * 0.8,
                marker="o",
                facecolor=color if code == 1 else "white",
                edgecolor="white" if code == 1 else color,
                linewidths=0.6 if code == 1 else 1.6 if code == 2 else 1.2,
                linestyles="solid" if code < 3 else (0, (1.5, 1.5)),
                zorder=5 + (3 - code),
            )


def _draw_shapes(
    ax: Axes, gdf: gpd.GeoDataFrame, mask: np.ndarray, codes: np.ndarray, color: str
) -> None:
    """A category's lines and areas, solid for precision 1 and dashed otherwise."""
    for code in (1, 2, 3):
        rows = gdf[mask & (codes == code)]
        if len(rows):
            rows.plot(
                ax=ax,
                color=color,
                facecolor=color if rows.geom_type.str.contains("Polygon").any() else "none",
                alpha=0.6,
                linewidth=2,
                linestyle="-" if code == 1 else "--",
                zorder=4,
            )


def _legend(ax: Axes, order: list[str], colors: dict, counts: dict, by: str) -> None:
    from matplotlib.lines import Line2D

    from geoevents.figures.style import side_legend
    from geoevents.render.symbols import field_title

    handles = [
        Line2D(
            [],
            [],
            marker="o",
            linestyle="",
            markersize=8,
            markerfacecolor=colors[name],
            markeredgecolor="white",
            label=f"{name} ({counts[name]:,})",
        )
        for name in order
    ]
    first = side_legend(ax, handles, field_title(by))
    ax.add_artist(first)
    symbols = [
        Line2D(
            [],
            [],
            marker="o",
            linestyle="",
            markersize=8,
            label=_PRECISION_LABELS[code],
            markerfacecolor=_NEUTRAL if code == 1 else "white",
            markeredgecolor=_NEUTRAL,
            markeredgewidth=0.6 if code == 1 else 1.6,
        )
        for code in (1, 2, 3)
    ]
    side_legend(ax, symbols, "Location", bottom=True)


def map_figure(
    gdf: gpd.GeoDataFrame,
    *,
    title: str | None = None,
    source: str | os.PathLike[str] | None = None,
    by: str = "event_type",
    size: str | tuple[float, float] = "slide",
) -> Figure:
    """Draw the static map of ``gdf`` and return the matplotlib figure (not yet written).

    Parameters are those of :func:`figure`, without the output.
    """
    import matplotlib
    import numpy as np
    from matplotlib.figure import Figure

    from geoevents.borders import countries
    from geoevents.errors import EmptySelectionError
    from geoevents.figures.caption import draw_caption
    from geoevents.figures.labels import add_place_labels
    from geoevents.figures.scalebar import add_scale_bar
    from geoevents.figures.style import RC, category_codes, category_colors, figure_size

    if not len(gdf):
        raise EmptySelectionError("there are no incidents to draw")
    cats, order = category_codes(gdf, by)
    given = category_colors(order)
    colors = {name: given[name] for name in order}
    tally = np.bincount(cats, minlength=len(order)).tolist()
    counts = dict(zip(order, tally, strict=True))
    with matplotlib.rc_context(RC):
        fig = Figure(figsize=figure_size(size))
        ax = fig.add_axes(_MAP_BOX)
        ax.set_facecolor(_SEA)
        inches = fig.get_size_inches()
        box = (inches[0] * _MAP_BOX[2], inches[1] * _MAP_BOX[3])
        west, south, east, north, aspect = _extent(gdf, box)
        countries().plot(ax=ax, facecolor=_LAND, edgecolor=_BORDER, linewidth=0.5, zorder=1)
        ax.set_xlim(west, east)
        ax.set_ylim(south, north)
        ax.set_aspect(aspect, adjustable="box")
        ax.set_xlabel("")
        ax.set_ylabel("")
        ax.set_xticks([])
        ax.set_yticks([])
        for spine in ax.spines.values():
            spine.set_color(_BORDER)
        _draw_incidents(ax, gdf, cats, colors)
        add_place_labels(ax, gdf)
        add_scale_bar(ax)
        _legend(ax, order, colors, counts, by)
        draw_caption(fig, 0.03, gdf, title or "Incidents", source)
    return fig


def figure(
    gdf: gpd.GeoDataFrame,
    path: str | os.PathLike[str],
    *,
    title: str | None = None,
    source: str | os.PathLike[str] | None = None,
    by: str = "event_type",
    size: str | tuple[float, float] = "slide",
    dpi: float = DPI,
    overwrite: bool = False,
) -> None:
    """Write a static map of the incidents for a report, as PNG, SVG or PDF.

    The same incidents and options give the same bytes (no date in the file's metadata unless
    ``SOURCE_DATE_EPOCH`` is set; bundled fonts).

    Parameters
    ----------
    gdf : geopandas.GeoDataFrame
        Incidents in EPSG:4326.
    path : path-like
        ``.png``, ``.svg`` or ``.pdf``.
    title : str, optional
        Defaults to "Incidents".
    source : path-like, optional
        The input file, named with the start of its SHA-256 in the source line.
    by : str, default "event_type"
        The field whose categories get the colours.
    size : {"slide", "a4"} or (float, float)
        A 16:9 slide (13.3 x 7.5 in), a landscape A4 page, or (width, height) in inches.
    dpi : float
        Pixels per inch of a PNG.
    overwrite : bool, default False
        Replace an existing file.

    Raises
    ------
    EmptySelectionError
        With no incidents.
    UsageError
        For an unknown size or extension.
    OutputError
        If the file exists (without ``overwrite``) or cannot be written.
    """
    from geoevents.figures.save import figure_format, save_figure

    figure_format(path)  # before drawing: a wrong extension is found at once
    save_figure(
        map_figure(gdf, title=title, source=source, by=by, size=size),
        path,
        dpi=dpi,
        overwrite=overwrite,
    )
