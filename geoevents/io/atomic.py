"""Atomic writes: a crash or an error mid-write leaves the old file (or store), or none, behind."""

from __future__ import annotations

import contextlib
import os
import shutil
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path

from geoevents.errors import OutputError

__all__ = ["OVERWRITE", "atomic_directory", "atomic_write", "refuse_overwrite"]

#: The fix a refusal to overwrite names, as a call spells it (see GeoeventsError.options).
OVERWRITE = "overwrite=True"


def refuse_overwrite(dest: Path, overwrite: bool) -> None:
    """Raise OutputError when ``dest`` exists and the caller did not ask to replace it.

    Parameters
    ----------
    dest : Path
        The file or store about to be written.
    overwrite : bool
        The caller's ``overwrite`` argument.

    Raises
    ------
    OutputError
        ``dest`` exists and ``overwrite`` is False; the message names ``overwrite=True``.
    """
    if dest.exists() and not overwrite:
        raise OutputError(
            f"{dest}: already exists; pass {OVERWRITE} to replace it", options=(OVERWRITE,)
        )


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


def _is_store_directory(path: Path) -> bool:
    """Does ``path`` hold only a GeoParquet store (``.parquet`` files, hidden files, folders)?"""
    for _, _, filenames in os.walk(path):
        for name in filenames:
            if not (name.startswith((".", "_")) or name.lower().endswith(".parquet")):
                return False
    return True


@contextlib.contextmanager
def atomic_directory(path: str | os.PathLike[str], *, what: str = "") -> Iterator[Path]:
    """Yield a temporary directory next to ``path``; put it in place of ``path`` on success.

    For stores made of many files (a partitioned GeoParquet store). An existing directory is
    replaced only when it holds nothing but such a store, so that a mistyped path never deletes
    an analyst's folder. The swap is two renames: a reader may find no store for that instant,
    never a mix of old and new files.

    Raises
    ------
    OutputError
        If ``path`` is a file, a directory with other files, or cannot be written.
    """
    dest = Path(path)
    writing = f"cannot write {what}".rstrip()
    if dest.exists() and not dest.is_dir():
        raise OutputError(f"{dest}: is a file; name a directory for a partitioned store")
    if dest.is_dir() and not _is_store_directory(dest):
        raise OutputError(
            f"{dest}: holds files that are not GeoParquet; choose a new or empty directory"
        )
    try:
        dest.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{dest.name}.", suffix=".tmp", dir=dest.parent))
    except OSError as exc:
        raise OutputError(
            f"{dest}: {writing} here ({exc.strerror or exc}); choose another output path"
        ) from exc
    old = tmp.with_name(tmp.name[: -len(".tmp")] + ".old")
    try:
        yield tmp
        umask = os.umask(0)
        os.umask(umask)
        for dirpath, _, filenames in os.walk(tmp):
            os.chmod(dirpath, 0o777 & ~umask)
            for name in filenames:
                os.chmod(os.path.join(dirpath, name), 0o666 & ~umask)
        if dest.exists():
            os.replace(dest, old)
        os.replace(tmp, dest)
    except OSError as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        if old.exists() and not dest.exists():
            os.replace(old, dest)  # put the old store back
        if isinstance(exc, OutputError):
            raise
        raise OutputError(f"{dest}: {writing} ({exc.strerror or exc})") from exc
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    shutil.rmtree(old, ignore_errors=True)
