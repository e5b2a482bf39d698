"""Atomic writes: a crash or an error mid-write leaves the old file (or store), or none, behind.

Every file geoevents writes goes through :func:`atomic_write` (a store of many files through
:func:`atomic_directory`), and both first ask :func:`check_target` whether the destination may
be written at all. The rules, in one place:

- never a non-regular file (a device such as ``/dev/null``, a FIFO, a socket) and never a
  directory where a file is meant, whatever ``overwrite`` says;
- never one of the command's own inputs: the same file by device and inode, so also through
  a symbolic or hard link, and no file inside an input directory;
- a destination that is a symbolic link is written through to its target (the link stays a
  link), so that a store reached through a link is updated, not forked;
- temporaries are named ``.NAME.geoevents-PID-XXXX.tmp...`` beside the target: removed on every
  failure Python sees, and a stale one, whose process is gone (a killed run), is removed by the
  next write to the same target.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import shutil
import stat
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path

from geoevents.errors import OutputError

__all__ = [
    "OVERWRITE",
    "TEMPORARY_TAG",
    "atomic_directory",
    "atomic_write",
    "check_target",
    "refuse_overwrite",
    "remove_stale_temporaries",
    "temporaries_of",
]

#: The fix a refusal to overwrite names, as a call spells it (see GeoeventsError.options).
OVERWRITE = "overwrite=True"

#: What marks a temporary as ours: ``.NAME.geoevents-PID-XXXX.tmp...``.
TEMPORARY_TAG = "geoevents"
_TEMPORARY = re.compile(rf"\.(?P<name>.+)\.{TEMPORARY_TAG}-(?P<pid>\d+)-[^.]+\.(tmp|old)")

PathLike = str | os.PathLike[str]


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


def _kind(mode: int) -> str | None:
    """What a file of this mode is, when it is not something we may replace."""
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if not stat.S_ISREG(mode) and not stat.S_ISDIR(mode):
        return "not a regular file"
    return None


def _same_or_inside(dest: Path, dest_stat: os.stat_result | None, source: PathLike) -> bool:
    """Is ``dest`` the input ``source`` (same device and inode), or inside it (a folder)?"""
    try:
        src_stat = os.stat(source)
    except (OSError, ValueError):  # a glob, or an input that is gone: nothing to compare
        return False
    if dest_stat is not None and (dest_stat.st_dev, dest_stat.st_ino) == (
        src_stat.st_dev,
        src_stat.st_ino,
    ):
        return True
    if stat.S_ISDIR(src_stat.st_mode):
        root = os.path.realpath(source)
        return os.path.commonpath([root, os.path.realpath(dest)]) == root
    return False


def check_target(
    path: PathLike, *, inputs: Iterable[PathLike] = (), directory: bool = False
) -> Path:
    """Tell whether ``path`` may be written; return the path to write (symbolic links followed).

    Parameters
    ----------
    path : path-like
        The destination a writer was given.
    inputs : iterable of path-like
        The files (or store directories) the writer reads: the destination may be none of
        them, nor inside one.
    directory : bool
        The destination is a store directory (:func:`atomic_directory`), not a file.

    Returns
    -------
    pathlib.Path
        Where to write: ``path`` itself, or the file a symbolic link ``path`` points to.

    Raises
    ------
    OutputError
        For an empty path, a device, FIFO or socket, a directory where a file is meant, or
        one of ``inputs``. ``overwrite`` never lifts these refusals.
    """
    text = os.fspath(path)
    if not text.strip():
        raise OutputError("the output path is empty; name the file to write")
    dest = Path(os.path.realpath(text)) if os.path.islink(text) else Path(text)
    try:
        dest_stat: os.stat_result | None = os.stat(dest)
    except (FileNotFoundError, NotADirectoryError):  # a new file (the writer reports a bad folder)
        dest_stat = None
    except OSError as exc:
        raise OutputError(
            f"{path}: cannot write here ({exc.strerror or exc}); choose another output path"
        ) from exc
    if dest_stat is not None:
        kind = _kind(dest_stat.st_mode)
        if kind is not None:
            raise OutputError(
                f"{path}: is {kind}, not a regular file; geoevents writes only regular files "
                "(never devices or pipes); name a file"
            )
        if stat.S_ISDIR(dest_stat.st_mode) and not directory:
            raise OutputError(f"{path}: is a directory; name a file")
    for source in inputs:
        if _same_or_inside(dest, dest_stat, source):
            raise OutputError(
                f"{path}: is an input of this command ({source}); write to another file "
                "(an input is never replaced, with or without overwrite)"
            )
    return dest


def temporaries_of(dest: Path) -> list[Path]:
    """Our temporaries beside ``dest`` (live or stale), by name: ``.NAME.geoevents-PID-...``."""
    try:
        names = os.listdir(dest.parent)
    except OSError:
        return []
    found = []
    for name in names:
        match = _TEMPORARY.match(name)
        if match and match["name"] == dest.name:
            found.append(dest.parent / name)
    return sorted(found)


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError):
        return True  # another user's process (or a pid we cannot ask about): leave it
    return True


def remove_stale_temporaries(dest: Path) -> list[Path]:
    """Remove the temporaries a killed run left beside ``dest``; return those removed.

    A temporary is stale when the process named in it is gone; a live writer's temporary is
    left alone, so two writers of one file never remove each other's work.
    """
    removed = []
    for tmp in temporaries_of(dest):
        match = _TEMPORARY.match(tmp.name)
        if match is None or _alive(int(match["pid"])):
            continue
        with contextlib.suppress(OSError):
            if tmp.name.endswith(".old") and not os.path.lexists(dest):
                # Killed between the two renames of atomic_directory: the old store is whole.
                os.replace(tmp, dest)
                continue
            _discard(tmp)
            removed.append(tmp)
    return removed


def _prefix(dest: Path) -> str:
    return f".{dest.name}.{TEMPORARY_TAG}-{os.getpid()}-"


def _mode_for(dest: Path) -> int:
    # mkstemp creates private (0600) files. A replaced file keeps its mode, so a store an analyst
    # made private stays private; a new file gets the usual permissions (0666 less the umask).
    try:
        return stat.S_IMODE(dest.stat().st_mode)
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def _cannot(dest: PathLike, writing: str, exc: OSError, here: bool) -> OutputError:
    """The one-line error for an OSError while writing ``dest``."""
    reason = exc.strerror or str(exc)
    if exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
        fix = f"; {dest} was not changed: free some space or choose another output path"
    elif here:
        fix = "; choose another output path"
    else:
        fix = f"; {dest} was not changed"
    return OutputError(f"{dest}: {writing}{' here' if here else ''} ({reason}){fix}")


def _discard_own(dest: Path) -> None:
    """Remove this process's temporaries of ``dest``: for an interruption (Ctrl-C, SIGTERM)
    that came after one was made but before its name was known."""
    for tmp in temporaries_of(dest):
        match = _TEMPORARY.match(tmp.name)
        if match is not None and int(match["pid"]) == os.getpid():
            _discard(tmp)


def _fsync(path: Path) -> None:
    # The bytes reach the disk before the rename makes them the file: a full disk shows here
    # (some file systems report it only on flush), and never as a short file after the swap.
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@contextlib.contextmanager
def atomic_write(
    path: PathLike,
    *,
    make_dirs: bool = True,
    what: str = "",
    inputs: Iterable[PathLike] = (),
) -> Iterator[Path]:
    """Yield a temporary path next to ``path``; move it over ``path`` only on success.

    This is the only way geoevents writes a file: stores, maps and caches all go through it.
    A file it replaces keeps its permissions; a new one gets 0666 less the umask. The
    destination is first checked by :func:`check_target` (never a device, a FIFO, a directory
    or one of ``inputs``; a symbolic link is written through to its target), and stale
    temporaries of earlier, killed writes to it are removed.

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
    inputs : iterable of path-like
        What the writer read: the destination may not be one of them.

    Raises
    ------
    OutputError
        If the destination may not be written (see :func:`check_target`), or the directory
        cannot be created or written to (read-only, missing, full); the destination is then
        left as it was and the temporary removed.
    """
    dest = check_target(path, inputs=inputs)
    writing = f"cannot write {what}".rstrip()
    try:
        if make_dirs:
            dest.parent.mkdir(parents=True, exist_ok=True)
        remove_stale_temporaries(dest)
    except OSError as exc:
        raise _cannot(path, writing, exc, here=True) from exc
    try:
        fd, tmp_name = tempfile.mkstemp(
            prefix=_prefix(dest), suffix=f".tmp{dest.suffix}", dir=dest.parent
        )
    except OSError as exc:
        raise _cannot(path, writing, exc, here=True) from exc
    except BaseException:
        _discard_own(dest)  # interrupted between making the file and learning its name
        raise
    try:
        tmp = Path(tmp_name)
        os.close(fd)
        yield tmp
        os.chmod(tmp, _mode_for(dest))
        _fsync(tmp)
        os.replace(tmp, dest)
    except OSError as exc:
        _discard(Path(tmp_name))
        if isinstance(exc, OutputError):
            raise
        raise _cannot(path, writing, exc, here=False) from exc
    except BaseException:
        _discard(Path(tmp_name))
        raise


def _discard(tmp: Path) -> None:
    """Remove a temporary and what a writer left beside it (a GeoPackage's journal)."""
    for leftover in [tmp, *tmp.parent.glob(_glob_escape(tmp.name) + "-*")]:
        with contextlib.suppress(OSError):
            if leftover.is_dir() and not leftover.is_symlink():
                shutil.rmtree(leftover)
            else:
                leftover.unlink()


def _glob_escape(name: str) -> str:
    """``name`` with glob's special characters escaped."""
    return re.sub(r"([*?\[])", r"[\1]", name)


def _is_store_directory(path: Path) -> bool:
    """Does ``path`` hold only a GeoParquet store (``.parquet`` files, hidden files, folders)?"""
    for _, _, filenames in os.walk(path):
        for name in filenames:
            if not (name.startswith((".", "_")) or name.lower().endswith(".parquet")):
                return False
    return True


@contextlib.contextmanager
def atomic_directory(
    path: PathLike, *, what: str = "", inputs: Iterable[PathLike] = ()
) -> Iterator[Path]:
    """Yield a temporary directory next to ``path``; put it in place of ``path`` on success.

    For stores made of many files (a partitioned GeoParquet store). An existing directory is
    replaced only when it holds nothing but such a store, so that a mistyped path never deletes
    an analyst's folder. The swap is two renames: a reader may find no store for that instant,
    never a mix of old and new files. The same rules as :func:`atomic_write` apply to the
    destination (:func:`check_target`) and to temporaries.

    Raises
    ------
    OutputError
        If ``path`` is a file, a directory with other files, one of ``inputs``, or cannot be
        written.
    """
    dest = check_target(path, inputs=inputs, directory=True)
    writing = f"cannot write {what}".rstrip()
    if dest.exists() and not dest.is_dir():
        raise OutputError(f"{path}: is a file; name a directory for a partitioned store")
    if dest.is_dir() and not _is_store_directory(dest):
        raise OutputError(
            f"{path}: holds files that are not GeoParquet; choose a new or empty directory"
        )
    try:
        dest.parent.mkdir(parents=True, exist_ok=True)
        remove_stale_temporaries(dest)
    except OSError as exc:
        raise _cannot(path, writing, exc, here=True) from exc
    try:
        tmp = Path(tempfile.mkdtemp(prefix=_prefix(dest), suffix=".tmp", dir=dest.parent))
    except OSError as exc:
        raise _cannot(path, writing, exc, here=True) from exc
    except BaseException:
        _discard_own(dest)
        raise
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
        raise _cannot(path, writing, exc, here=False) from exc
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    shutil.rmtree(old, ignore_errors=True)
