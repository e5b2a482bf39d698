"""Give memory that was freed back to the system, between the stages of a large command."""

from __future__ import annotations

import ctypes
import functools
import sys
from collections.abc import Callable

__all__ = ["release_freed_memory"]


def release_freed_memory() -> None:
    """Return the pages freed since the last call to the system: Arrow's pool and the C heap.

    Both allocators keep freed memory for reuse. glibc's heap keeps it even in the middle of
    the heap, below live blocks: a million incidents' checks free hundreds of 8 MB numpy
    temporaries there, which the encoder never reuses, and the map's peak was 1.41 GB for
    about 0.65 GB in use (docs/benchmarks.md "Session 11"). ``malloc_trim`` hands those
    pages back (as dask's ``distributed`` does between tasks); elsewhere it is not called.
    """
    if "pyarrow" in sys.modules:  # nothing to release otherwise, and pyarrow is slow to load
        sys.modules["pyarrow"].default_memory_pool().release_unused()
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


@functools.cache
def _malloc_trim() -> Callable[[int], int] | None:
    """glibc's ``malloc_trim``, or None on a C library without it (musl, macOS, Windows)."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        trim = ctypes.CDLL(None).malloc_trim  # the process's own symbols: its C library's
    except (OSError, AttributeError):
        return None
    trim.argtypes, trim.restype = [ctypes.c_size_t], ctypes.c_int
    return trim
