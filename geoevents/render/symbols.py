"""What the map and the figures call an incident's symbol and a field's heading.

Plain Python and numpy, without folium: the static figures (:mod:`geoevents.figures`) share
these rules with the map and should not wait for folium's import (about a second).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np

__all__ = ["field_title", "precision_code", "precision_codes"]


def field_title(field: str) -> str:
    """Return a field name as a heading: ``event_type`` -> ``Event type``."""
    words = field.replace("_", " ")
    return words[:1].upper() + words[1:]


def precision_code(value: object) -> int:
    """The symbol an incident gets: 2 or 3 as given, a larger number 3, anything else 1.

    Mirrors ``GE.precisionOf`` in ``assets/styles.js`` and the precision codes of
    ``columnar.py``; out-of-range codes are drawn as the least precise rather than as an
    exact pin.
    """
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return 1
    if value in (2, 3):
        return int(value)
    return 3 if value > 3 else 1


def precision_codes(values: Iterable[object]) -> np.ndarray:
    """:func:`precision_code` of every value, as an array (uint8).

    A numeric column (what validation gives: ``Int64``) is classified in whole arrays; any
    other is classified value by value.
    """
    import numpy as np
    import pandas as pd

    series = values if isinstance(values, pd.Series) else pd.Series(list(values), dtype=object)
    dtype = series.dtype
    if pd.api.types.is_numeric_dtype(dtype) and not pd.api.types.is_bool_dtype(dtype):
        numbers = series.to_numpy(dtype="float64", na_value=np.nan)
        codes = np.ones(len(numbers), dtype=np.uint8)
        codes[numbers == 2] = 2
        codes[(numbers == 3) | (numbers > 3)] = 3
        return codes
    return np.fromiter(map(precision_code, series), dtype=np.uint8, count=len(series))
