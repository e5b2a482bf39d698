"""Atomic file writes: a crash or an error mid-write leaves the old file, or no file, behind."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

from geoevents.errors import OutputError

__all__ = ["atomic_write"]


@contextlib.contextmanager
def atomic_write(path: str | os.PathLike[str], *, make_dirs: bool = True) -> Iterator[Path]:
    """Yield a temporary path next to ``path``; move it over ``path`` only on success.

    The temporary file lives in the destination's directory so that the final ``os.replace`` is
    a rename on one file system, which POSIX makes atomic.

    Parameters
    ----------
    path : path-like
        The destination.
    make_dirs : bool
        Create missing parent directories.

    Raises
    ------
    OutputError
        If the directory cannot be created or written to.
    """
    dest = Path(path)
    try:
        if make_dirs:
            dest.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(
            prefix=f".{dest.name}.", suffix=f".tmp{dest.suffix}", dir=dest.parent
        )
    except OSError as exc:
        raise OutputError(
            f"{dest}: cannot write here ({exc.strerror or exc}); choose another output path"
        ) from exc
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        yield tmp
        # mkstemp creates 0600 files; a map or store should get the usual permissions.
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, dest)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        if isinstance(exc, OutputError):
            raise
        raise OutputError(f"{dest}: cannot write ({exc.strerror or exc})") from exc
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
