"""The colour-blind-safe colours every output shares: the map, its hexagons and the figures.

Event types get the Okabe-Ito colours (Okabe and Ito, "Color Universal Design", 2008), chosen to
stay apart under protanopia, deuteranopia and tritanopia, each with its usual hue where they
allow (Battles red-orange, Protests blue, Strategic developments green, ...). Other categories
take the rest of Okabe-Ito, then Paul Tol's "muted" scheme (also designed for colour-blind
readers). Pure Python, so any module can import it without pulling in a plotting or map library.
"""

from __future__ import annotations

from geoevents.schema import EVENT_TYPES

__all__ = ["CATEGORY_PALETTE", "EVENT_TYPE_COLORS", "OKABE_ITO", "UNKNOWN_COLOR"]

#: The eight Okabe-Ito colours, by name.
OKABE_ITO: dict[str, str] = {
    "vermillion": "#D55E00",
    "orange": "#E69F00",
    "reddish purple": "#CC79A7",
    "blue": "#0072B2",
    "yellow": "#F0E442",
    "bluish green": "#009E73",
    "sky blue": "#56B4E9",
    "black": "#000000",
}

#: The ACLED event types (order of ``schema.EVENT_TYPES``).
EVENT_TYPE_COLORS: dict[str, str] = dict(
    zip(EVENT_TYPES, list(OKABE_ITO.values())[:6], strict=True)
)

#: For any other category: the event types' six first (so they can be left out), the other two
#: Okabe-Ito colours, then Tol's muted scheme.
CATEGORY_PALETTE: tuple[str, ...] = (
    *OKABE_ITO.values(),
    "#882255",
    "#44AA99",
    "#332288",
    "#999933",
    "#AA4499",
    "#117733",
    "#88CCEE",
    "#DDCC77",
)

#: The category of incidents without a value.
UNKNOWN_COLOR = "#7f7f7f"
