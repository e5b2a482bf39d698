"""The ``geoevents`` process: what the console script and ``python -m geoevents`` run.

It sets what must be set before numpy and pyarrow are imported, then hands over to
:func:`geoevents.cli.main`. The library never changes the process's settings: a notebook
keeps its own.
"""

from __future__ import annotations

import os
import sys

__all__ = ["main"]


def main() -> None:
    """Console-script entry point (see :func:`geoevents.cli.main`)."""
    # numpy asks Linux for transparent huge pages for every array of 4 MB or more; each is then
    # a 2 MB page zeroed by the kernel at first touch. A map of a million incidents makes
    # hundreds of such arrays for a moment each: with them, 2.0-3.4 s of system time and
    # 0.7-1.7 s more wall time (benchmarks/ab.sh, docs/benchmarks.md "Session 9"). A value the
    # user set is kept.
    os.environ.setdefault("NUMPY_MADVISE_HUGEPAGE", "0")
    if sys.platform.startswith("linux"):
        # Arrow's jemalloc pool (pyarrow's Linux wheels have it) instead of its default,
        # mimalloc: a million incidents' GeoParquet is read in 0.44 s instead of 0.8-1.0 s
        # (mimalloc's first use of fresh memory costs twice the system time), and the map is
        # 0.9 s sooner and 140 MB smaller at its peak. Read when pyarrow first allocates.
        os.environ.setdefault("ARROW_DEFAULT_MEMORY_POOL", "jemalloc")
        # jemalloc keeps freed pages for ten seconds by default, for reuse: reading a million
        # incidents' GeoParquet frees 590 MB of decoding buffers that the checks never reuse
        # (932 MB resident for 345 MB allocated). Returned at once, the map's peak is 1.29 GB
        # instead of 1.52-1.57, for at most 0.1 s (docs/benchmarks.md "Session 10").
        os.environ.setdefault("JE_ARROW_MALLOC_CONF", "dirty_decay_ms:0,muzzy_decay_ms:0")
    from geoevents.cli import main as run

    run()
