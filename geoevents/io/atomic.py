"""Atomic file writes: a crash or an error mid-write leaves the old file, or no file, behind."""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path

from geoevents.errors import OutputError

__all__ = ["atomic_write"]


def _mode_for(dest: Path) -> int:
    # mkstemp creates private (0600) files. A replaced file keeps its mode, so a store an analyst
    # made private stays private; a new file gets the usual permissions (0666 less the umask).
    try:
        return stat.S_IMODE(dest.stat().st_mode)
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


@contextlib.contextmanager
def atomic_write(
    path: str | os.PathLike[str], *, make_dirs: bool = True, what: str = ""
) -> Iterator[Path]:
    """Yield a temporary path next to ``path``; move it over ``path`` only on success.

    This is the only way geoevents writes a file: stores, maps and caches all go through it.
    A file it replaces keeps its permissions; a new one gets 0666 less the umask.

    The temporary file lives in the destination's directory so that the final ``os.replace`` is
    a rename on one file system, which POSIX makes atomic.

    Parameters
    ----------
    path : path-like
        The destination.
    make_dirs : bool
        Create missing parent directories.
    what : str
        What is being written (``"the map"``), for the error message.

    Raises
    ------
    OutputError
        If the directory cannot be created or written to.
    """
    dest = Path(path)
    writing = f"cannot write {what}".rstrip()
    try:
        if make_dirs:
            dest.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(
            prefix=f".{dest.name}.", suffix=f".tmp{dest.suffix}", dir=dest.parent
        )
    except OSError as exc:
        raise OutputError(
            f"{dest}: {writing} here ({exc.strerror or exc}); choose another output path"
        ) from exc
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        yield tmp
        os.chmod(tmp, _mode_for(dest))
        os.replace(tmp, dest)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        if isinstance(exc, OutputError):
            raise
        raise OutputError(f"{dest}: {writing} ({exc.strerror or exc})") from exc
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
