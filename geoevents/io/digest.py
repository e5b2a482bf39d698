"""File digests: the SHA-256 a map and a benchmark record of their input."""

from __future__ import annotations

import hashlib
import os

from geoevents.errors import InputError

__all__ = ["combine_digests", "file_sha256", "store_sha256"]


def file_sha256(path: str | os.PathLike[str]) -> str:
    """Return the SHA-256 of a file as 64 hex digits, reading it in blocks.

    Blocks keep a large store from being held in memory twice.

    Parameters
    ----------
    path : path-like
        The file.

    Returns
    -------
    str
        The digest as 64 lowercase hex digits.

    Raises
    ------
    InputError
        If the file cannot be read.
    """
    digest = hashlib.sha256()
    try:
        with open(path, "rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    except OSError as exc:
        raise InputError(f"{path}: cannot read it to compute its SHA-256: {exc.strerror}") from exc
    return digest.hexdigest()


def combine_digests(parts: list[tuple[str, str]]) -> str:
    """The SHA-256 of a store of many files, from each file's name (below the store) and digest.

    Parameters
    ----------
    parts : list of (str, str)
        (relative name, SHA-256) of each file, in store order.
    """
    digest = hashlib.sha256()
    for name, sha in parts:
        digest.update(f"{name}\t{sha}\n".encode())
    return digest.hexdigest()


def store_sha256(path: str | os.PathLike[str]) -> str:
    """The SHA-256 of a store: of its file, or for a GeoParquet store of many files (a directory
    or a glob) :func:`combine_digests` of theirs.

    Raises
    ------
    InputError
        If a file cannot be read.
    """
    from pathlib import Path

    from geoevents.io.stores import is_pattern, parquet_parts

    if not (is_pattern(path) or Path(path).is_dir()):
        return file_sha256(path)
    root = None if is_pattern(path) else Path(path)
    return combine_digests(
        [
            (str(f.relative_to(root)) if root else f.name, file_sha256(f))
            for f in parquet_parts(path)
        ]
    )
