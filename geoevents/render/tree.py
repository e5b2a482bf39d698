"""The branca element tree: the one place that reaches into it.

branca keeps an element's children in ``Element._children`` and its id in ``Element._id``, with
no public way to read the children or to set the id. geoevents needs both: to find its own
layers in a built map, to drop what an earlier render added, and to number ids
deterministically (branca draws them at random, which would make every build differ). Every such
access goes through these functions, so a change in branca is mended here alone.
"""

from __future__ import annotations

from collections import OrderedDict

from branca.element import Element

__all__ = ["children", "set_children", "set_id"]


def children(element: Element) -> OrderedDict[str, Element]:
    """Return the live mapping of ``element``'s children (name -> child), in render order."""
    return element._children  # noqa: SLF001 - branca has no public accessor


def set_children(element: Element, mapping: OrderedDict[str, Element]) -> None:
    """Replace ``element``'s children with ``mapping`` (name -> child)."""
    element._children = mapping  # noqa: SLF001 - branca has no public setter


def set_id(element: Element, ident: str) -> None:
    """Give ``element`` the id its variable name is made from (``map_<id>``, ...)."""
    element._id = ident  # noqa: SLF001 - branca draws ids at random and has no setter
