"""Writing a figure so that the same input gives the same bytes.

matplotlib stamps a creation date into SVG and PDF files and its own name and version into every
format. Here the date is left out, unless ``SOURCE_DATE_EPOCH`` is set (the reproducible-builds
convention), and the creator is "geoevents <version>". Writes are atomic.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from geoevents._version import __version__
from geoevents.errors import UsageError
from geoevents.figures.style import DPI, RC

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

__all__ = ["FIGURE_FORMATS", "figure_format", "save_figure"]

FIGURE_FORMATS = ("png", "svg", "pdf")

_CREATOR = f"geoevents {__version__}"


def figure_format(path: str | os.PathLike[str]) -> str:
    """``png``, ``svg`` or ``pdf``, from the file name.

    Raises
    ------
    UsageError
        For any other extension.
    """
    fmt = Path(path).suffix.lower().lstrip(".")
    if fmt not in FIGURE_FORMATS:
        raise UsageError(
            f"{path}: cannot draw a figure as {fmt or 'a file without extension'}; "
            f"use .{', .'.join(FIGURE_FORMATS)}"
        )
    return fmt


def _source_date() -> dt.datetime | None:
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if not epoch:
        return None
    try:
        return dt.datetime.fromtimestamp(int(epoch), tz=dt.timezone.utc)
    except ValueError:
        raise UsageError(
            f"SOURCE_DATE_EPOCH {epoch!r} is not a whole number of seconds; unset it or fix it"
        ) from None


def _metadata(fmt: str) -> dict[str, Any]:
    date = _source_date()
    if fmt == "png":
        meta: dict[str, Any] = {"Software": _CREATOR}
        if date is not None:
            meta["Creation Time"] = date.strftime("%Y-%m-%dT%H:%M:%SZ")
        return meta
    if fmt == "svg":
        return {"Creator": _CREATOR, "Date": None if date is None else date.isoformat()}
    return {"Creator": _CREATOR, "Producer": _CREATOR, "CreationDate": date, "ModDate": None}


def save_figure(
    fig: Figure, path: str | os.PathLike[str], *, dpi: float = DPI, overwrite: bool = False
) -> None:
    """Write ``fig`` as PNG, SVG or PDF (by extension), the same bytes for the same figure.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        The figure.
    path : path-like
        ``.png``, ``.svg`` or ``.pdf``.
    dpi : float
        Pixels per inch of a PNG.
    overwrite : bool, default False
        Replace an existing file.

    Raises
    ------
    UsageError
        For another extension, or an unreadable ``SOURCE_DATE_EPOCH``.
    OutputError
        If the file exists (without ``overwrite``) or cannot be written.
    """
    import matplotlib

    fmt = figure_format(path)
    dest = Path(path)
    metadata = _metadata(fmt)
    # Imported here: geoevents.io brings pandas and pyarrow, which `--help` must not wait for.
    from geoevents.io.atomic import atomic_write, refuse_overwrite

    refuse_overwrite(dest, overwrite)
    with matplotlib.rc_context(RC), atomic_write(dest, what="the figure") as tmp:
        fig.savefig(tmp, format=fmt, dpi=dpi, metadata=metadata)
