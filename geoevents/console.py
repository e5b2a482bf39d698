"""The ``geoevents`` process: what the console script and ``python -m geoevents`` run.

It sets what must be set before numpy is imported, then hands over to
:func:`geoevents.cli.main`. The library never changes the process's settings: a notebook
keeps its own.
"""

from __future__ import annotations

import os

__all__ = ["main"]


def main() -> None:
    """Console-script entry point (see :func:`geoevents.cli.main`)."""
    # numpy asks Linux for transparent huge pages for every array of 4 MB or more; each is then
    # a 2 MB page zeroed by the kernel at first touch. A map of a million incidents makes
    # hundreds of such arrays for a moment each: with them, 2.0-3.4 s of system time and
    # 0.7-1.7 s more wall time (benchmarks/ab.sh, docs/benchmarks.md "Session 9"). A value the
    # user set is kept.
    os.environ.setdefault("NUMPY_MADVISE_HUGEPAGE", "0")
    from geoevents.cli import main as run

    run()
