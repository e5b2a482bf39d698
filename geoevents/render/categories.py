"""Which field the overlays are split by, and the categories of one map.

Each category becomes one overlay in the layer control and one line of the legend. Incidents
whose field is missing go to the ``(unknown)`` category, drawn last and in grey.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from geoevents.errors import UsageError
from geoevents.render.palette import (
    EVENT_TYPE_COLORS,
    OTHER_EVENT_PALETTE,
    UNKNOWN_COLOR,
    assign_colors,
)
from geoevents.render.values import is_missing
from geoevents.schema import EVENT_TYPES

if TYPE_CHECKING:  # pragma: no cover
    from collections.abc import Iterable

__all__ = ["LAYER_FIELDS", "UNKNOWN", "Category", "categorize", "check_layer_by"]

#: Fields an analyst can split the map by: the single-valued, categorical ones.
LAYER_FIELDS: tuple[str, ...] = (
    "event_type",
    "sub_event_type",
    "actor1",
    "actor2",
    "country",
    "iso3",
    "admin1",
    "location",
    "date_precision",
    "geo_precision",
    "confidence",
)

UNKNOWN = "(unknown)"


@dataclass(frozen=True)
class Category:
    """One overlay of the map.

    Parameters
    ----------
    name : str
        The category as shown to the analyst (plain text, not escaped).
    color : str
        ``#rrggbb``.
    count : int
        How many incidents it holds.
    """

    name: str
    color: str
    count: int

    def as_json(self) -> dict[str, str | int]:
        """The category as the page's scripts read it."""
        return {"name": self.name, "color": self.color, "count": self.count}


def check_layer_by(layer_by: str) -> None:
    """Raise ``UsageError`` unless ``layer_by`` is a field the map can be split by.

    Parameters
    ----------
    layer_by : str
        The field name.

    Raises
    ------
    UsageError
        Naming the bad value and listing the valid fields.
    """
    if layer_by not in LAYER_FIELDS:
        raise UsageError(
            f"cannot split the map by {layer_by!r}: not a categorical incident field; "
            f"choose one of: {', '.join(LAYER_FIELDS)}"
        )


def category_label(value: object) -> str:
    """Return the category name of one field value (``UNKNOWN`` when missing).

    Parameters
    ----------
    value : object
        A cell of the ``layer_by`` column.

    Returns
    -------
    str
        The label; whole floats (``2.0`` from a nullable integer column) lose the ``.0``.
    """
    if is_missing(value):
        return UNKNOWN
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value).strip()
    return text if text else UNKNOWN


def categorize(values: Iterable[object], layer_by: str) -> tuple[list[Category], list[int]]:
    """Split incidents into categories.

    Parameters
    ----------
    values : iterable
        The ``layer_by`` value of each incident, in row order.
    layer_by : str
        The field name, which decides the order and the colours.

    Returns
    -------
    categories : list of Category
        In display order: ACLED order for event types, then sorted, with ``(unknown)`` last.
    codes : list of int
        For each incident (row order), the index of its category in ``categories``.
    """
    # Label each distinct value once: a million rows hold a few dozen categories.
    cells = values if isinstance(values, pd.Series) else pd.Series(list(values), dtype=object)
    if isinstance(cells.dtype, pd.ArrowDtype | pd.CategoricalDtype):
        # Arrow text or a Categorical of it (geoevents map): the values as Python strings,
        # None for null, so that the categories come out exactly as from any other table.
        cells = pd.Series(cells.to_numpy(dtype=object, na_value=None), dtype=object)
    try:
        row_codes, distinct = pd.factorize(cells, use_na_sentinel=False)
    except TypeError:  # unhashable cells (lists): label them one by one
        row_codes, distinct = pd.factorize(pd.Series([category_label(v) for v in cells]))
    distinct_labels = [category_label(v) for v in distinct]
    tally = np.bincount(row_codes, minlength=len(distinct)) if len(row_codes) else []
    counts: dict[str, int] = {}
    for label, count in zip(distinct_labels, tally, strict=True):
        counts[label] = counts.get(label, 0) + int(count)
    known = [name for name in counts if name != UNKNOWN]
    if layer_by == "event_type":
        rank = {name: i for i, name in enumerate(EVENT_TYPES)}
        order = sorted(known, key=lambda n: (rank.get(n, len(rank)), n))
        colors = assign_colors(known, fixed=EVENT_TYPE_COLORS, palette=OTHER_EVENT_PALETTE)
    else:
        order = sorted(known, key=_natural_key)
        colors = assign_colors(known)
    if UNKNOWN in counts:
        order.append(UNKNOWN)
        colors[UNKNOWN] = UNKNOWN_COLOR
    categories = [Category(name, colors[name], counts[name]) for name in order]
    index = {c.name: i for i, c in enumerate(categories)}
    lookup = np.array([index[label] for label in distinct_labels], dtype=np.int64)
    return categories, lookup[row_codes].tolist() if len(row_codes) else []


def _natural_key(name: str) -> tuple[int, float, str]:
    # Numbers in numeric order (geo_precision "1", "2", "3", ...), then text.
    try:
        number = float(name)
    except ValueError:
        number = math.nan
    if math.isfinite(number):
        return (0, number, name)
    return (1, 0.0, name.casefold())
