"""Change classes: a window's count against the previous window's, after ACLED's Trendfinder.

The classes compare ``current`` with ``previous``, the counts of two windows of the same
length, by their ratio. The thresholds are symmetric on a log scale, so that swapping the two
windows swaps "rise" and "fall":

==============  ============================================
class           when (``ratio = current / previous``)
==============  ============================================
``sharp rise``  ratio >= 2 (at least doubled; also 0 -> any)
``rise``        1.25 <= ratio < 2
``stable``      0.8 < ratio < 1.25
``fall``        0.5 < ratio <= 0.8
``sharp fall``  ratio <= 0.5 (at least halved; also any -> 0)
``too few``     the larger count is below ``min_count``
==============  ============================================

The minimum (default 5 incidents in the busier window) keeps one event from reading as
"+100 %": 1 -> 2 or 0 -> 3 says nothing about a trend.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np

__all__ = [
    "CHANGE_CLASSES",
    "FALL",
    "MIN_COUNT",
    "RISE",
    "SHARP_FALL",
    "SHARP_RISE",
    "TOO_FEW",
    "change_classes",
]

#: Ratios (current / previous) at which a change becomes a rise / a sharp rise; a fall and a
#: sharp fall are their reciprocals.
RISE = 1.25
SHARP_RISE = 2.0
FALL = 1 / RISE
SHARP_FALL = 1 / SHARP_RISE

#: The busier window needs at least this many incidents for a class other than "too few".
MIN_COUNT = 5

TOO_FEW = "too few"

#: Every class, from the sharpest rise to the sharpest fall, then "too few".
CHANGE_CLASSES = ("sharp rise", "rise", "stable", "fall", "sharp fall", TOO_FEW)


def change_classes(
    current: np.ndarray, previous: np.ndarray, *, min_count: int = MIN_COUNT
) -> np.ndarray:
    """Classify each pair of counts (see the module docstring for the thresholds).

    Parameters
    ----------
    current, previous : numpy.ndarray
        Whole counts of the current window and of the previous one, element by element.
    min_count : int, default 5
        Below this in both windows, the class is ``"too few"``.

    Returns
    -------
    numpy.ndarray
        One class name per element (object dtype).
    """
    import numpy as np

    cur = np.asarray(current, dtype="float64")
    prev = np.asarray(previous, dtype="float64")
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(prev > 0, cur / np.where(prev > 0, prev, 1), np.inf)
    out = np.select(
        [
            np.maximum(cur, prev) < min_count,
            ratio >= SHARP_RISE,
            ratio >= RISE,
            ratio > FALL,
            ratio > SHARP_FALL,
        ],
        ["too few", "sharp rise", "rise", "stable", "fall"],
        default="sharp fall",
    )
    return out.astype(object)
