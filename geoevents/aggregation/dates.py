"""Incidents' dates as ranks among their distinct values: windows, first and last dates in
whole arrays.

A million incidents carry a few thousand distinct dates. Each date column is numbered by its
distinct texts once (:func:`incident_dates`); a window is then two comparisons of integers,
and the first and last dates of a group a minimum and a maximum of integers. The comparisons
are those of :func:`geoevents.filter_incidents`: ISO dates compared as text, an incident in a
window when ``date_start <= end`` and ``date_end >= start``, a missing date never matching.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    import geopandas as gpd
    import numpy as np
    import pandas as pd

    from geoevents.aggregation.windows import Window

__all__ = ["IncidentDates", "incident_dates"]


@dataclass(frozen=True)
class IncidentDates:
    """The dates of some incidents, as ranks in ``texts``.

    Attributes
    ----------
    texts : list of str
        Every distinct ``date_start`` and ``date_end``, sorted (as text, so ISO dates in time
        order).
    start : numpy.ndarray
        Each incident's ``date_start`` (int64 index into ``texts``; ``len(texts)`` if missing).
    end : numpy.ndarray
        Each incident's ``date_end`` (-1 if missing).
    last : numpy.ndarray
        Each incident's last day: its ``date_end``, or its ``date_start`` without one (-1 if
        both are missing).
    """

    texts: list[str]
    start: np.ndarray
    end: np.ndarray
    last: np.ndarray

    def within(self, window: Window) -> np.ndarray:
        """Whether each incident counts in ``window`` (both ends inclusive)."""
        high = bisect.bisect_right(self.texts, window[1].isoformat())
        low = bisect.bisect_left(self.texts, window[0].isoformat())
        return (self.start < high) & (self.end >= low)

    def take(self, mask: np.ndarray) -> IncidentDates:
        """The dates of the incidents in ``mask`` (the same ``texts``)."""
        return IncidentDates(self.texts, self.start[mask], self.end[mask], self.last[mask])

    def bounds(self, mask: np.ndarray | None = None) -> tuple[str | None, str | None]:
        """The earliest ``date_start`` and the latest last day (of the incidents in ``mask``);
        None where there is none."""
        start = self.start if mask is None else self.start[mask]
        last = self.last if mask is None else self.last[mask]
        first = int(start.min()) if len(start) else len(self.texts)
        latest = int(last.max()) if len(last) else -1
        return (
            self.texts[first] if first < len(self.texts) else None,
            self.texts[latest] if latest >= 0 else None,
        )

    def group_bounds(
        self, keys: np.ndarray, groups: int
    ) -> tuple[list[str | None], list[str | None]]:
        """Per group (``keys`` numbers each incident's, 0 to ``groups - 1``): the earliest
        ``date_start`` and the latest last day of its incidents."""
        import numpy as np

        missing = len(self.texts)
        first = np.full(groups, missing, dtype=np.int64)
        np.minimum.at(first, keys, self.start)
        latest = np.full(groups, -1, dtype=np.int64)
        np.maximum.at(latest, keys, self.last)
        texts = [*self.texts, None]  # -1 and len(texts) both index the None
        return [texts[i] for i in first.tolist()], [texts[i] for i in latest.tolist()]


def _numbered(column: pd.Series) -> tuple[np.ndarray, list[str]]:
    """Each cell's index into the column's distinct values (-1 where missing), and those values
    as text (as ``astype("string")`` writes them)."""
    import pandas as pd

    codes, uniques = pd.factorize(column, use_na_sentinel=True)
    return codes, [str(value) for value in uniques.tolist()]


def incident_dates(gdf: gpd.GeoDataFrame) -> IncidentDates:
    """Number the incidents' ``date_start`` and ``date_end`` by their distinct values.

    Parameters
    ----------
    gdf : geopandas.GeoDataFrame
        Incidents (``date_start``, ``date_end`` as ISO text).

    Returns
    -------
    IncidentDates
        The ranks, for windows and first and last dates.
    """
    import numpy as np

    start_codes, start_texts = _numbered(gdf["date_start"])
    end_codes, end_texts = _numbered(gdf["date_end"])
    texts = sorted({*start_texts, *end_texts})
    rank = {text: i for i, text in enumerate(texts)}
    # One more entry for the missing values' -1.
    start_rank = np.array([*(rank[t] for t in start_texts), len(texts)], dtype=np.int64)
    end_rank = np.array([*(rank[t] for t in end_texts), -1], dtype=np.int64)
    start, end = start_rank[start_codes], end_rank[end_codes]
    last = np.where(end_codes >= 0, end, np.where(start_codes >= 0, start, -1))
    return IncidentDates(texts, start, end, last)
