"""File digests: the SHA-256 a map and a benchmark record of their input."""

from __future__ import annotations

import hashlib
import os

from geoevents.errors import InputError

__all__ = ["file_sha256"]


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
