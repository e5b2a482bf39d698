"""Deterministic element names, so that the same map renders to the same bytes.

branca gives every element a random 128-bit ``_id`` and folium derives JavaScript variable
names from it. ``assign_ids`` renumbers a finished element tree in tree order, which depends
only on how the map was built.
"""

from __future__ import annotations

from collections import OrderedDict
from itertools import count
from typing import TYPE_CHECKING

from geoevents.render.tree import children, set_children, set_id

if TYPE_CHECKING:  # pragma: no cover
    from collections.abc import Iterator

    from branca.element import Element

__all__ = ["assign_ids"]


def assign_ids(root: Element) -> None:
    """Give ``root`` and every element below it an id that counts up in tree order.

    Children stored under their (old, random) variable name are re-keyed under the new one;
    children stored under an explicit name keep it.

    Parameters
    ----------
    root : branca.element.Element
        The top of the tree, usually a ``folium.Map``.
    """
    _renumber(root, count(1))


def _renumber(element: Element, counter: Iterator[int]) -> None:
    set_id(element, str(next(counter)))
    renamed: OrderedDict[str, Element] = OrderedDict()
    for key, child in children(element).items():
        keyed_by_name = key == child.get_name()
        _renumber(child, counter)
        renamed[child.get_name() if keyed_by_name else key] = child
    set_children(element, renamed)
