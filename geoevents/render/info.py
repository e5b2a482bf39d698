"""What a map says about itself: where its data came from and how it was selected."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from geoevents._version import __version__
from geoevents.io.digest import file_sha256

__all__ = ["MapInfo"]


@dataclass(frozen=True)
class MapInfo:
    """The provenance a map shows in its panel.

    Parameters
    ----------
    source_name : str or None
        The input file's name (a name, not a path: the map may travel by e-mail).
    sha256 : str or None
        The input file's SHA-256, hex.
    filters : tuple of str
        The filters applied, each a human-readable phrase (``"from 2017-10-01"``); a list is
        accepted and stored as a tuple.
    version : str
        The geoevents version; defaults to ``geoevents.__version__``.
    timestamp : str or None
        When the map was made, as the caller wants it shown. ``None`` (the default) keeps the
        output byte-identical from run to run.
    """

    source_name: str | None = None
    sha256: str | None = None
    filters: tuple[str, ...] = ()
    version: str = __version__
    timestamp: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "filters", tuple(str(f) for f in self.filters))

    @classmethod
    def for_file(
        cls,
        path: str | os.PathLike[str],
        *,
        filters: tuple[str, ...] | list[str] = (),
        timestamp: str | None = None,
    ) -> MapInfo:
        """Return the provenance of a map drawn from the file at ``path``.

        Parameters
        ----------
        path : path-like
            The input file; its name and SHA-256 are recorded.
        filters : sequence of str
            The filters applied, as phrases.
        timestamp : str, optional
            Shown as given.

        Raises
        ------
        InputError
            If the file cannot be read.
        """
        return cls(
            source_name=Path(path).name,
            sha256=file_sha256(path),
            filters=tuple(filters),
            timestamp=timestamp,
        )
