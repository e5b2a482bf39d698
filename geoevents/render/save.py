"""``save_map``: write a map as one self-contained HTML file, atomically."""

from __future__ import annotations

import os
import re
import secrets
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import folium
from branca.element import Element

from geoevents.io.atomic import atomic_write
from geoevents.render.layers import IncidentLayer
from geoevents.render.tree import children

__all__ = ["render_html", "save_map"]


def render_html(m: folium.Map) -> str:
    """Return the complete HTML page of ``m`` (as ``save_map`` writes it)."""
    return m.get_root().render()


def _incident_layers(element: Element) -> Iterator[IncidentLayer]:
    for child in children(element).values():
        if isinstance(child, IncidentLayer):
            yield child
        yield from _incident_layers(child)


def save_map(m: folium.Map, path: str | os.PathLike[str]) -> Path:
    """Write ``m`` to ``path`` as one offline HTML file.

    The file is written to a temporary file in the same directory and then renamed over
    ``path``, so a reader never sees half a map and a failed write leaves no partial file.
    Missing parent directories are created. An existing file is replaced and keeps its
    permissions: refusing to overwrite is the caller's decision. The bytes are those of
    ``render_html(m)``.

    Parameters
    ----------
    m : folium.Map
        A map from ``build_map`` (any folium map can be written, but only those from
        ``build_map`` are guaranteed to work offline).
    path : path-like
        Where to write the HTML.

    Returns
    -------
    pathlib.Path
        ``path``.

    Raises
    ------
    OutputError
        If the directory cannot be created or the file cannot be written.
    """
    path = Path(path)
    # The page is rendered with a stand-in for each embedded piece and the pieces written
    # where their stand-ins are: the page is never one string with its payload (at a million
    # incidents three copies of 53 MB, and the peak of the whole run). The mark is drawn at
    # random so that no text of the page can pass for a stand-in.
    mark = f"\0{secrets.token_hex(16)}:"
    texts: list[str] = []
    with ExitStack() as stack:
        for layer in _incident_layers(m.get_root()):
            texts.extend(stack.enter_context(layer.embedded.stand_ins(mark, len(texts))))
        page = render_html(m)
    # Text, number of a piece, text, ...
    parts = re.split(re.escape(mark) + r"(\d+)\0", page)
    with atomic_write(path, what="the map") as tmp, open(tmp, "wb") as out:
        out.write(parts[0].encode("utf-8"))
        for k in range(1, len(parts), 2):
            out.write(texts[int(parts[k])].encode("ascii"))
            out.write(parts[k + 1].encode("utf-8"))
    return path
