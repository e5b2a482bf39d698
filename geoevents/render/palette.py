"""Category colours that stay the same from one map to the next.

ACLED event types have fixed colours. Any other category gets a colour from its own name (a
hash), so "Kirkuk" is drawn in the same colour on every map where it appears; two categories
of one map that want the same colour are separated by probing for the next free one.
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING

from geoevents.schema import EVENT_TYPES

if TYPE_CHECKING:  # pragma: no cover
    from collections.abc import Iterable

__all__ = ["EVENT_TYPE_COLORS", "OTHER_EVENT_PALETTE", "PALETTE", "UNKNOWN_COLOR", "assign_colors"]

#: Fixed colours for the ACLED event types (order of ``schema.EVENT_TYPES``).
EVENT_TYPE_COLORS: dict[str, str] = dict(
    zip(
        EVENT_TYPES,
        ("#c0392b", "#e67e22", "#8e44ad", "#2471a3", "#d4ac0d", "#1e8449"),
        strict=True,
    )
)

#: Colours for other categories: distinct on a light basemap and from the grey of "unknown".
PALETTE: tuple[str, ...] = (
    "#1f77b4",
    "#ff7f0e",
    "#2ca02c",
    "#d62728",
    "#9467bd",
    "#8c564b",
    "#e377c2",
    "#17becf",
    "#bcbd22",
    "#393b79",
    "#ad494a",
    "#637939",
    "#7b4173",
    "#3182bd",
    "#e6550d",
    "#31a354",
)

UNKNOWN_COLOR = "#7f7f7f"

#: For event types outside the ACLED six: the palette without the hues the six already use.
OTHER_EVENT_PALETTE: tuple[str, ...] = PALETTE[5:]


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
