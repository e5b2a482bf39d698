"""A worker plugin for tests and benchmarks of :mod:`geoevents.cluster`: a worker lost mid-run.

:class:`KillOnce` ends the worker process that starts the first task of a kind, once (a marker
file remembers it across the restarted worker), as a machine lost during a run would.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from distributed import WorkerPlugin
from distributed.utils import key_split

__all__ = ["KillOnce"]


class KillOnce(WorkerPlugin):
    """End the worker process that starts the first task named ``prefix`` (e.g.
    ``"read_partition"``); ``marker`` is created first so that it happens once."""

    name = "geoevents-kill-once"

    def __init__(self, marker: str | os.PathLike[str], prefix: str):
        self.marker = str(marker)
        self.prefix = prefix

    def transition(self, key: Any, start: str, finish: str, **kwargs: Any) -> None:
        if finish != "executing" or key_split(key) != self.prefix:
            return
        try:
            # Exclusive creation: of two workers starting at once, one is ended.
            Path(self.marker).touch(exist_ok=False)
        except FileExistsError:
            return
        os._exit(1)
