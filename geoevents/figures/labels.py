"""Place labels for a static map: the incidents' most frequent locations, none overlapping."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    import geopandas as gpd
    from matplotlib.axes import Axes

__all__ = ["MAX_LABELS", "add_place_labels", "label_places"]

#: At most this many place names on a map.
MAX_LABELS = 8


def label_places(gdf: gpd.GeoDataFrame, limit: int = MAX_LABELS) -> list[tuple[str, float, float]]:
    """Candidate labels: each ``location`` with its first point, most incidents first.

    Ties are broken by name, so the same incidents give the same labels.
    """
    if "location" not in gdf or not len(gdf):
        return []
    import numpy as np
    import pandas as pd
    import shapely

    # By distinct name, not row by row: a million incidents name a few thousand places.
    # pandas numbers the names in the order they first appear.
    try:
        codes, uniques = pd.factorize(gdf["location"], use_na_sentinel=True)
    except TypeError:  # unhashable cells (lists): they name no place
        located = gdf["location"].map(lambda n: n if isinstance(n, str) else None)
        codes, uniques = pd.factorize(located, use_na_sentinel=True)
    names = uniques.tolist()
    named = np.array([isinstance(n, str) and bool(n.strip()) for n in names], dtype=bool)
    if not named.any():
        return []
    kept = codes >= 0
    counts = np.bincount(codes[kept], minlength=len(names))
    _, first = np.unique(codes, return_index=True)
    first = first[-len(names) :]  # the sentinel -1 sorts first; drop it
    ranked = sorted(np.flatnonzero(named).tolist(), key=lambda k: (-counts[k], names[k]))
    ranked = ranked[: limit * 3]
    points = shapely.point_on_surface(np.asarray(gdf.geometry.values)[first[ranked]])
    return [
        (names[k], float(x), float(y))
        for k, x, y in zip(ranked, shapely.get_x(points), shapely.get_y(points), strict=True)
    ]


def add_place_labels(
    ax: Axes, gdf: gpd.GeoDataFrame, *, fontsize: float = 8, limit: int = MAX_LABELS
) -> list[str]:
    """Write up to ``limit`` place names beside their points, skipping any that would overlap.

    Overlap is judged on boxes estimated from the text length (no renderer is needed, so the
    choice does not depend on the machine's fonts). Returns the names written.
    """
    from geoevents.figures.style import font

    fig = ax.figure
    width_px, height_px = fig.get_size_inches() * 72  # points
    boxes: list[tuple[float, float, float, float]] = []
    written: list[str] = []
    for name, x, y in label_places(gdf, limit):
        if len(written) >= limit:
            break
        fx, fy = ax.transLimits.transform((x, y))  # 0-1 within the axes
        if not (0 <= fx <= 1 and 0 <= fy <= 1):
            continue
        box_w = (len(name) * 0.6 * fontsize + 6) / (width_px * ax.get_position().width)
        box_h = (fontsize * 1.4) / (height_px * ax.get_position().height)
        box = (fx, fy, fx + box_w, fy + box_h)
        if any(
            not (b[2] < box[0] or box[2] < b[0] or b[3] < box[1] or box[3] < b[1]) for b in boxes
        ):
            continue
        boxes.append(box)
        written.append(name)
        ax.annotate(
            name,
            (x, y),
            xytext=(5, 3),
            textcoords="offset points",
            fontproperties=font(fontsize),
            color="#333333",
            zorder=6,
        )
    return written
