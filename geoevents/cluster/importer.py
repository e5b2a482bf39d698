"""Importing many source files on a Dask cluster: one task per source file (see
:mod:`geoevents.ingest.partitioned`, which commits the store once every task has finished)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from geoevents.cluster.run import gather_results

if TYPE_CHECKING:  # pragma: no cover
    from distributed import Client

__all__ = ["cluster_runner"]


def cluster_runner(
    client: Client,
) -> Callable[[Callable[..., Any], list[tuple[Any, ...]]], Iterator[Any]]:
    """A ``runner`` for :func:`~geoevents.ingest.partitioned.import_partitioned`: each call a
    task, results yielded as they finish (a lost worker's task is run again by Dask)."""

    def run(func: Callable[..., Any], calls: list[tuple[Any, ...]]) -> Iterator[Any]:
        from distributed import as_completed, wait

        # pure=False: a source changed in place under the same name is imported again.
        futures = [client.submit(func, *args, pure=False) for args in calls]
        finished = False
        try:
            for future in as_completed(futures):
                yield gather_results(client, [future])[0]
            finished = True
        finally:
            if not finished:
                # A cancel does not stop a task that is already running: it would go on writing
                # into the staging prefix after the caller removed it. So every task ends
                # (errors included) before the failure reaches the caller.
                wait(futures)

    return run
