"""Category colours that stay the same from one map to the next.

ACLED event types have fixed colours, the colour-blind-safe ones of ``geoevents.colors`` that
the figures use too. Any other category gets a colour from its own name (a
hash), so "Kirkuk" is drawn in the same colour on every map where it appears; two categories
of one map that want the same colour are separated by probing for the next free one.
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING

from geoevents import colors

if TYPE_CHECKING:  # pragma: no cover
    from collections.abc import Iterable

__all__ = ["EVENT_TYPE_COLORS", "OTHER_EVENT_PALETTE", "PALETTE", "UNKNOWN_COLOR", "assign_colors"]

#: Fixed colours for the ACLED event types: Okabe-Ito, as the figures draw them.
EVENT_TYPE_COLORS: dict[str, str] = dict(colors.EVENT_TYPE_COLORS)

#: Colours for other categories: colour-blind safe, distinct on a light basemap and from the
#: grey of "unknown" (``geoevents.colors``).
PALETTE: tuple[str, ...] = colors.CATEGORY_PALETTE

UNKNOWN_COLOR = colors.UNKNOWN_COLOR

#: For event types outside the ACLED six: the palette without the hues the six already use.
OTHER_EVENT_PALETTE: tuple[str, ...] = PALETTE[len(EVENT_TYPE_COLORS) :]


def _preferred_slot(name: str, size: int) -> int:
    # A cryptographic hash only because Python's hash() is salted per process.
    digest = hashlib.sha256(name.encode("utf-8")).digest()
    return int.from_bytes(digest[:4], "big") % size


def assign_colors(
    names: Iterable[str],
    *,
    fixed: dict[str, str] | None = None,
    palette: tuple[str, ...] = PALETTE,
) -> dict[str, str]:
    """Return a colour for each category name.

    Parameters
    ----------
    names : iterable of str
        The categories of one map (the unknown category is not among them).
    fixed : dict, optional
        Colours that are not negotiable (the ACLED event types).
    palette : tuple of str
        The colours to choose from for the others.

    Returns
    -------
    dict
        ``name -> "#rrggbb"``. Names are resolved in sorted order, so the result does not
        depend on the order of ``names``.
    """
    fixed = fixed or {}
    colors: dict[str, str] = {}
    taken: set[int] = set()
    for name in sorted(set(names)):
        if name in fixed:
            colors[name] = fixed[name]
            continue
        slot = _preferred_slot(name, len(palette))
        if len(taken) < len(palette):
            while slot in taken:
                slot = (slot + 1) % len(palette)
        taken.add(slot)
        colors[name] = palette[slot]
    return colors
