"""``save_map``: write a map as one self-contained HTML file, atomically."""

from __future__ import annotations

import os
from pathlib import Path

import folium

from geoevents.io.atomic import atomic_write

__all__ = ["render_html", "save_map"]


def render_html(m: folium.Map) -> str:
    """Return the complete HTML page of ``m`` (as ``save_map`` writes it)."""
    return m.get_root().render()


def save_map(m: folium.Map, path: str | os.PathLike[str]) -> Path:
    """Write ``m`` to ``path`` as one offline HTML file.

    The file is written to a temporary file in the same directory and then renamed over
    ``path``, so a reader never sees half a map and a failed write leaves no partial file.
    Missing parent directories are created. An existing file is replaced and keeps its
    permissions: refusing to overwrite is the caller's decision.

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
    html = render_html(m).encode("utf-8")
    with atomic_write(path, what="the map") as tmp:
        tmp.write_bytes(html)
    return path
