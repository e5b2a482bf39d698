"""Turn the cells of an incident table into plain JSON values.

The table may come from GeoJSON, GeoParquet or a notebook, so a missing value can be ``None``,
``NaN``, ``pd.NA`` or an empty string, and a list can be a list, a tuple or a numpy array.
Everything that is missing becomes ``None`` (and is left out of the page); nothing else is
reinterpreted.
"""

from __future__ import annotations

import datetime
import json
import math
from typing import Any

import numpy as np
import pandas as pd

from geoevents.schema import SOURCE_KEYS

__all__ = ["date_text", "is_missing", "number_or_text", "sources", "text", "text_list"]

_SEQUENCES = (list, tuple, np.ndarray)


def is_missing(value: Any) -> bool:
    """Return True for ``None``, NaN, ``pd.NA``, ``NaT`` (never for a list or a dict)."""
    if value is None:
        return True
    if isinstance(value, (*_SEQUENCES, dict, str)):
        return False
    try:
        result = pd.isna(value)
    except (TypeError, ValueError):
        return False
    return result is True or (isinstance(result, np.bool_) and bool(result))


def text(value: Any) -> str | None:
    """Return ``value`` as text, or ``None`` when it is missing or blank."""
    if is_missing(value):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    out = str(value)
    return out if out.strip() else None


def number_or_text(value: Any) -> int | float | str | None:
    """Return a count as an int (``3.0`` -> ``3``), keep other numbers, and text as text.

    ``None`` means missing, which for fatalities means "not reported", never 0.
    """
    if is_missing(value):
        return None
    if isinstance(value, (bool, np.bool_)):
        return str(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        number = float(value)
        if not math.isfinite(number):
            return None
        return int(number) if number.is_integer() else number
    return text(value)


def date_text(value: Any) -> str | None:
    """Return a date as ``YYYY-MM-DD`` (dates and timestamps lose their time), text as is."""
    if is_missing(value):
        return None
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return text(value)


def text_list(value: Any) -> list[str]:
    """Return a list of non-blank strings (a lone string is a one-item list)."""
    if is_missing(value):
        return []
    if not isinstance(value, _SEQUENCES):
        value = [value]
    return [t for t in (text(v) for v in value) if t is not None]


def sources(value: Any) -> list[dict[str, str]]:
    """Return the ``sources`` of one incident as a list of ``{key: text}`` dicts.

    Only the keys of ``schema.SOURCE_KEYS`` are kept. A source given as a bare string is taken
    as its name; a JSON array in a string (as some drivers store nested values) is parsed.
    """
    if is_missing(value):
        return []
    if isinstance(value, str):
        stripped = value.strip()
        if stripped.startswith("["):
            try:
                value = json.loads(stripped)
            except json.JSONDecodeError:
                value = [value]
        else:
            value = [value]
    if isinstance(value, dict):
        value = [value]
    out: list[dict[str, str]] = []
    for item in value if isinstance(value, _SEQUENCES) else [value]:
        if isinstance(item, dict):
            entry = {key: t for key in SOURCE_KEYS if (t := text(item.get(key))) is not None}
        else:
            name = text(item)
            entry = {"name": name} if name is not None else {}
        if entry:
            out.append(entry)
    return out
