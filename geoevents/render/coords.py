"""Coordinates as the page carries them: rounded, as plain lists."""

from __future__ import annotations

from typing import Any

__all__ = ["COORD_DIGITS", "round_coords"]

#: Decimal places kept for coordinates: 6 is about 0.1 m, well below any geocoding precision.
COORD_DIGITS = 6


def round_coords(coords: Any, digits: int) -> Any:
    """Return GeoJSON ``coordinates`` (nested sequences) rounded to ``digits`` places, as lists."""
    if isinstance(coords, (int, float)):
        return round(float(coords), digits)
    return [round_coords(c, digits) for c in coords]
