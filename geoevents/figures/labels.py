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
    import pandas as pd
    import shapely

    names = pd.Series(gdf["location"].astype("object").to_numpy())
    named = names.map(lambda n: isinstance(n, str) and bool(n.strip()), na_action="ignore")
    keep = named.fillna(False).to_numpy(dtype=bool)
    if not keep.any():
        return []
    # Whole columns, not a loop over a million rows: the count of each name and the row where
    # it first appears (its point is the label's place).
    kept = names[keep].reset_index(drop=True)
    rows = keep.nonzero()[0]
    counts = kept.value_counts(sort=False)
    first = pd.Series(rows, index=kept.to_numpy()).groupby(level=0, sort=False).first()
    ranked = sorted(counts.index, key=lambda n: (-counts[n], n))[: limit * 3]
    points = shapely.point_on_surface(gdf.geometry.values[[int(first[n]) for n in ranked]])
    return [
        (n, float(x), float(y))
        for n, x, y in zip(ranked, shapely.get_x(points), shapely.get_y(points), strict=True)
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
