"""``save_map``: write a map as one self-contained HTML file, atomically."""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path

import folium

from geoevents.errors import OutputError

__all__ = ["render_html", "save_map"]


def render_html(m: folium.Map) -> str:
    """Return the complete HTML page of ``m`` (as ``save_map`` writes it)."""
    return m.get_root().render()


def _mode_for(path: Path) -> int:
    # mkstemp creates a private (0600) file; a replaced map keeps its mode, a new one is 0644.
    try:
        return stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        return 0o644


def save_map(m: folium.Map, path: str | os.PathLike[str]) -> Path:
    """Write ``m`` to ``path`` as one offline HTML file.

    The file is written to a temporary file in the same directory and then renamed over
    ``path``, so a reader never sees half a map and a failed write leaves no partial file.
    Missing parent directories are created. An existing file is replaced: refusing to
    overwrite is the caller's decision.

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
    tmp: str | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        with os.fdopen(fd, "wb") as handle:
            handle.write(html)
        os.chmod(tmp, _mode_for(path))
        os.replace(tmp, path)
        tmp = None
    except OSError as exc:
        raise OutputError(f"{path}: cannot write the map: {exc.strerror or exc}") from exc
    finally:
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)
    return path
