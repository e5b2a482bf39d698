"""What a path names: one incident file, or a GeoParquet store of several files.

A store is one file (its format chosen by extension), or GeoParquet spread over files: a
directory of ``.parquet`` files (hive-style ``year=2019/`` folders included) or a glob
(``data/*.parquet``). The readers, the memory guard and the writers all ask this module, so
that they agree on which files a path means.
"""

from __future__ import annotations

import glob
import os
from dataclasses import dataclass
from pathlib import Path

from geoevents.errors import InputError, UsageError

__all__ = [
    "FORMATS",
    "PARQUET_SUFFIXES",
    "Store",
    "format_for",
    "is_hidden",
    "is_pattern",
    "parquet_parts",
    "resolve_store",
]

#: File extension -> format name.
FORMATS: dict[str, str] = {
    ".geojson": "geojson",
    ".json": "geojson",
    ".parquet": "parquet",
    ".geoparquet": "parquet",
    ".gpkg": "gpkg",
    ".csv": "csv",
}
PARQUET_SUFFIXES: tuple[str, ...] = tuple(s for s, f in FORMATS.items() if f == "parquet")
_GLOB_CHARS = frozenset("*?[")


def format_for(path: str | os.PathLike[str]) -> str:
    """Return the format name for ``path`` from its extension.

    Raises
    ------
    UsageError
        For an extension geoevents does not know.
    """
    suffix = Path(path).suffix.lower()
    try:
        return FORMATS[suffix]
    except KeyError:
        known = ", ".join(sorted(FORMATS))
        raise UsageError(
            f"{path}: unknown file type {suffix or '(no extension)'!r}; use one of {known}"
        ) from None


def is_pattern(path: str | os.PathLike[str]) -> bool:
    """Is ``path`` a glob (``*``, ``?`` or ``[``) rather than the name of something that exists?"""
    text = os.fspath(path)
    return bool(_GLOB_CHARS & set(text)) and not os.path.lexists(text)


def is_hidden(part: str) -> bool:
    """Is this file or folder name one that readers skip (``.tmp``, ``_SUCCESS``)?"""
    # What writers leave beside the data: temporary files (ours start with "."), Spark's
    # _SUCCESS and _metadata; pyarrow's dataset discovery skips the same prefixes.
    return part.startswith((".", "_"))


def parquet_parts(path: str | os.PathLike[str]) -> list[Path]:
    """The GeoParquet files that ``path`` names, sorted; ``[path]`` for a single file.

    Never raises: a path that names nothing gives ``[]`` (:func:`resolve_store` says why).
    """
    text = os.fspath(path)
    if is_pattern(text):
        found = [Path(p) for p in glob.glob(text, recursive=True)]
        return sorted(p for p in found if p.is_file() and p.suffix.lower() in PARQUET_SUFFIXES)
    root = Path(text)
    if not root.is_dir():
        return [root] if root.exists() else []
    found = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not is_hidden(d))
        found.extend(
            Path(dirpath, name)
            for name in filenames
            if not is_hidden(name) and Path(name).suffix.lower() in PARQUET_SUFFIXES
        )
    return sorted(found)


@dataclass(frozen=True)
class Store:
    """An incident store: its format and the files it is made of.

    Attributes
    ----------
    path : pathlib.Path
        The path as given (a glob stays a pattern).
    fmt : str
        ``"geojson"``, ``"parquet"``, ``"gpkg"`` or ``"csv"``.
    files : tuple of pathlib.Path
        Its files: ``(path,)`` for a single file.
    root : pathlib.Path or None
        For a directory store, the directory (hive ``key=value`` folders are read below it).
    """

    path: Path
    fmt: str
    files: tuple[Path, ...]
    root: Path | None = None

    @property
    def is_dataset(self) -> bool:
        """True for a directory or a glob: read as one table with pyarrow.dataset."""
        return self.root is not None or self.files != (self.path,)


def _check_readable(path: Path) -> None:
    if not path.exists():
        raise InputError(f"{path}: no such file; check the path")
    if path.is_dir():
        raise InputError(f"{path}: is a directory, not an incident file; name a file inside it")
    if not os.access(path, os.R_OK):
        raise InputError(f"{path}: permission denied; check the file's permissions")


def resolve_store(path: str | os.PathLike[str]) -> Store:
    """Find what ``path`` names: a file, or the GeoParquet files of a directory or glob.

    Raises
    ------
    UsageError
        For an unknown extension, or a glob that matches files of another format.
    InputError
        When nothing is there, a directory holds no GeoParquet file, or a file is unreadable.
    """
    text = os.fspath(path)
    given = Path(text)
    if is_pattern(text):
        matches = sorted(Path(p) for p in glob.glob(text, recursive=True) if Path(p).is_file())
        if not matches:
            raise InputError(f"{text}: no file matches; check the pattern")
        other = [p for p in matches if p.suffix.lower() not in PARQUET_SUFFIXES]
        if other:
            raise UsageError(
                f"{text}: matches {other[0]}, which is not GeoParquet; a pattern must name "
                ".parquet files only"
            )
        for part in matches:
            _check_readable(part)
        return Store(given, "parquet", tuple(matches))
    suffix = given.suffix.lower()
    if given.is_dir() and FORMATS.get(suffix, "parquet") == "parquet":
        parts = parquet_parts(given)
        if not parts:
            raise InputError(
                f"{given}: is a directory with no GeoParquet (.parquet) file; name an incident "
                "file, or a directory of .parquet files"
            )
        for part in parts:
            _check_readable(part)
        return Store(given, "parquet", tuple(parts), root=given)
    fmt = format_for(given)
    _check_readable(given)
    return Store(given, fmt, (given,))
