"""How figures look: sizes, the colour-blind-safe colours, the bundled fonts, matplotlib settings.

Event types get the Okabe-Ito colours of :mod:`geoevents.colors`, as on the map: chosen to
survive protanopia, deuteranopia and tritanopia (the map's earlier colours put "Violence against
civilians" and "Protests" less than 5 CIELAB units apart under simulated deuteranopia).

Text uses the DejaVu fonts that ship inside matplotlib, by file, so the output does not depend
on the fonts a machine has installed.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from geoevents.colors import EVENT_TYPE_COLORS
from geoevents.schema import EVENT_TYPES

if TYPE_CHECKING:  # pragma: no cover
    from collections.abc import Iterable

    import geopandas as gpd
    import numpy as np
    from matplotlib.font_manager import FontProperties

__all__ = [
    "DPI",
    "FIGURE_EVENT_COLORS",
    "FIGURE_PALETTE",
    "FIGURE_SIZES",
    "RC",
    "category_codes",
    "category_colors",
    "figure_size",
    "font",
    "side_legend",
]

#: Inches (width, height): a 16:9 slide and a landscape A4 page.
FIGURE_SIZES: dict[str, tuple[float, float]] = {"slide": (40 / 3, 7.5), "a4": (11.69, 8.27)}

#: Pixels per inch of a PNG (vector formats keep the size in inches).
DPI = 150

#: Okabe-Ito colours for the ACLED event types (the map's: ``geoevents.colors``).
FIGURE_EVENT_COLORS: dict[str, str] = dict(EVENT_TYPE_COLORS)

#: For any other category: the rest of Okabe-Ito, then darker tones of it.
FIGURE_PALETTE: tuple[str, ...] = (
    "#56B4E9",
    "#000000",
    "#0072B2",
    "#009E73",
    "#D55E00",
    "#CC79A7",
    "#E69F00",
    "#8C6D00",
)

#: matplotlib settings for every figure. ``svg.hashsalt`` makes the SVG's element ids the same
#: from run to run; the rest keep lines crisp and text editable.
RC: dict[str, object] = {
    "svg.hashsalt": "geoevents",
    "svg.fonttype": "path",
    "pdf.fonttype": 42,
    "path.simplify": True,
    "axes.linewidth": 0.6,
    "hatch.linewidth": 0.6,
}

_FONTS = Path("fonts") / "ttf"

#: The category of an incident without one.
UNKNOWN = "(unknown)"


def figure_size(size: str | tuple[float, float]) -> tuple[float, float]:
    """Inches of a named size (``"slide"``, ``"a4"``) or of a (width, height) given in inches.

    Raises
    ------
    UsageError
        For an unknown name or a non-positive size.
    """
    from geoevents.errors import UsageError

    if isinstance(size, str):
        if size not in FIGURE_SIZES:
            raise UsageError(f"size {size!r} is unknown; use one of {', '.join(FIGURE_SIZES)}")
        return FIGURE_SIZES[size]
    width, height = (float(v) for v in size)
    if width <= 0 or height <= 0:
        raise UsageError(f"size {size!r} must be positive inches (width, height)")
    return width, height


def font(size: float, *, bold: bool = False) -> FontProperties:
    """The bundled DejaVu Sans at ``size`` points (by file, never a system font)."""
    import matplotlib
    from matplotlib.font_manager import FontProperties

    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    return FontProperties(fname=Path(matplotlib.get_data_path()) / _FONTS / name, size=size)


def side_legend(ax: Any, handles: list[Any], title: str, *, bottom: bool = False) -> Any:
    """A legend to the right of ``ax``, top- or bottom-aligned, in the figures' fonts.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        The plot the legend stands beside.
    handles : list of matplotlib artists
        Its entries.
    title : str
        Its heading.
    bottom : bool
        Align it with the plot's bottom instead of its top.

    Returns
    -------
    matplotlib.legend.Legend
        The legend (add it with ``ax.add_artist`` to keep it beside another one).
    """
    return ax.legend(
        handles=handles,
        title=title,
        loc="lower left" if bottom else "upper left",
        bbox_to_anchor=(1.02, 0.0 if bottom else 1.0),
        frameon=False,
        prop=font(9),
        title_fontproperties=font(10, bold=True),
        alignment="left",
    )


def category_colors(names: Iterable[str]) -> dict[str, str]:
    """Figure colours for categories: event types fixed, others stable by name.

    The unknown category gets the map's grey (:data:`geoevents.render.palette.UNKNOWN_COLOR`).
    """
    from geoevents.render.palette import UNKNOWN_COLOR, assign_colors

    names = list(names)
    known = [n for n in names if n != UNKNOWN]
    colors = assign_colors(known, fixed=FIGURE_EVENT_COLORS, palette=FIGURE_PALETTE)
    if len(known) < len(names):
        colors[UNKNOWN] = UNKNOWN_COLOR
    return colors


def category_codes(gdf: gpd.GeoDataFrame, by: str) -> tuple[np.ndarray, list[str]]:
    """The category of each incident (an index into the second value), and the categories in
    legend order.

    Event types in the ACLED order, other values sorted, a missing value (or anything but a
    non-empty string) ``(unknown)`` last. The column is classified by its distinct values, not
    row by row: a million incidents have a handful of categories.
    """
    import numpy as np
    import pandas as pd

    column = gdf[by]
    try:
        codes, uniques = pd.factorize(column, use_na_sentinel=True)
    except TypeError:  # unhashable cells (lists): they are no category
        codes, uniques = pd.factorize(column.map(lambda v: v if isinstance(v, str) else None))
    names = [v if isinstance(v, str) and v else UNKNOWN for v in uniques.tolist()]
    present = set(names) | ({UNKNOWN} if (codes < 0).any() else set())
    order = [t for t in EVENT_TYPES if t in present] if by == "event_type" else []
    order += sorted(present - set(order) - {UNKNOWN})
    order += [UNKNOWN] if UNKNOWN in present else []
    where = {name: i for i, name in enumerate(order)}
    # One more slot for the missing values' sentinel (-1 indexes the last element).
    lookup = np.array([*(where[name] for name in names), where.get(UNKNOWN, 0)], dtype=np.int64)
    return lookup[codes], order
