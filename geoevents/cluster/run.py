"""What the commands run on a cluster: a store's partitions read, checked, filtered and counted
on the workers (:mod:`~geoevents.cluster.partitions`), combined on the client in store order
(:mod:`~geoevents.cluster.gather`).

The filters are pushed into the partition reads (:mod:`geoevents.io.pushdown`), so only rows
that can match are read and checked, as ``geoevents.load(path, criteria=...)`` does in-process;
``validate`` reads every row.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from geoevents.cluster import partitions as tasks
from geoevents.cluster.gather import Merged, combined_steps, merge_reports, partition_of
from geoevents.errors import ClusterError, GeoeventsError, ValidationError

if TYPE_CHECKING:  # pragma: no cover
    import geopandas as gpd
    import pandas as pd
    from distributed import Client, Future

    from geoevents.criteria import Criteria
    from geoevents.problems import ValidationReport

__all__ = ["Selection", "gather_results", "select", "validate"]

#: Errors named in a refusal, with the partition file and row each is in.
_LOCATED = 10


def gather_results(client: Client, futures: Sequence[Future]) -> list[Any]:
    """The futures' results in order. Dask recomputes what a lost worker held (up to its
    ``allowed-failures``); when it gives up, one line says so.

    Raises
    ------
    ClusterError
        When the scheduler gave up on a task, or the connection to it was lost.
    """
    from distributed import KilledWorker
    from distributed.comm.core import CommClosedError

    try:
        return client.gather(list(futures))
    except GeoeventsError:
        raise  # a task's own error (a bad partition or source): its message says it all
    except KilledWorker as exc:
        raise ClusterError(
            f"the cluster lost the worker running {exc.task!r} too many times (the partition "
            "may need more memory than a worker has); nothing was written: give the workers "
            "more memory, or split the store into smaller partitions"
        ) from None
    except (CommClosedError, OSError, TimeoutError) as exc:
        raise ClusterError(
            f"the connection to the Dask scheduler was lost ({exc}); nothing was written: "
            "check the cluster and run the command again"
        ) from None


@dataclasses.dataclass
class _Reads:
    """A store's partitions and the futures of their reads (held by the workers)."""

    client: Client
    path: str
    partitions: list[tasks.Partition]
    reads: list[Future]
    pushed: bool

    @classmethod
    def open(cls, client: Client, path: str, criteria: Criteria | None) -> _Reads:
        parts = tasks.list_partitions(path)
        reads = [client.submit(tasks.read_partition, p, criteria) for p in parts]
        return cls(client, path, parts, reads, criteria is not None)

    def each(self, func: Any, inputs: Sequence[Future], *args: Any) -> list[Any]:
        """``func(input, *args)`` for each partition, gathered in order."""
        futures = [self.client.submit(func, x, *args) for x in inputs]
        return gather_results(self.client, futures)

    def merged(self) -> Merged:
        """The store's report (see :func:`merge_reports`), ids shared by partitions included."""
        import numpy as np

        checks = self.each(tasks.check_of, self.reads)
        shared = None
        if len(checks) > 1:
            hashes = np.concatenate([c.hashes for c in checks])
            values, counts = np.unique(hashes, return_counts=True)
            # Each partition's hashes are distinct: a hash counted twice is in two partitions.
            twice = values[counts > 1]
            if len(twice):
                shared = self.each(tasks.id_rows, self.reads, twice)
        return merge_reports(checks, str(self.partitions[0].source), shared)


def _refuse(merged: Merged, reads: _Reads, skip_invalid: bool) -> None:
    """Raise the in-process refusal of a store with errors, each error's partition named."""
    import geopandas as gpd

    from geoevents.io.formats import usable_incidents

    try:
        # The in-process decision and message, made on the merged report.
        usable_incidents(gpd.GeoDataFrame(), merged.report, set(), skip_invalid=skip_invalid)
    except ValidationError as exc:
        rows = sorted({p.index for p in merged.report.errors[:_LOCATED] if p.index is not None})
        where = [
            f"  feature {r} is {partition_of(reads.partitions, merged.offsets, r)}" for r in rows
        ]
        # The in-process error itself (its fixes, its report), with the partitions named.
        exc.args = ("\n".join([str(exc), *where]),)
        raise


@dataclasses.dataclass
class Selection:
    """A store's selection, held by the workers partition by partition.

    Attributes
    ----------
    report : ValidationReport
        The problems of the rows read (the rows that can match).
    skipped : int
        Rows with errors left out (with ``skip_invalid``).
    total, count : int
        Incidents before the filters, and selected.
    """

    reads: _Reads
    selected: list[Future]
    report: ValidationReport
    skipped: int
    total: int
    count: int

    def frame(self) -> gpd.GeoDataFrame:
        """The selected incidents, gathered in store order."""
        import pandas as pd

        frames = self.reads.each(tasks.frame_of, self.selected)
        used = [f for f in frames if len(f)] or frames[:1]
        return pd.concat(used, ignore_index=True) if len(used) > 1 else used[0]

    def stats(self, by: str) -> pd.DataFrame:
        """:func:`geoevents.stats.incident_stats` of the selection (no total row)."""
        from geoevents.stats import merge_stats

        return merge_stats(self.reads.each(tasks.stats_of, self.selected, by), by)

    def dates(self) -> tuple[str | None, str | None]:
        """The earliest ``date_start`` and the latest end of the selection."""
        found = self.reads.each(tasks.dates_of, self.selected)
        starts = [s for s, _ in found if s is not None]
        ends = [e for _, e in found if e is not None]
        return (min(starts) if starts else None), (max(ends) if ends else None)

    def aggregate(self, by: str, resolution: int, window: Any, min_count: int) -> gpd.GeoDataFrame:
        """:func:`geoevents.aggregation.aggregate` of the selection."""
        from geoevents.aggregation.build import combine_aggregates

        parts = self.reads.each(tasks.aggregate_of, self.selected, by, resolution, window)
        return combine_aggregates(parts, by, min_count=min_count)

    def months(self) -> pd.Series:
        """Selected incidents per month of their last day, in time order."""
        import pandas as pd

        counts = [c for c in self.reads.each(tasks.months_of, self.selected) if len(c)]
        if not counts:
            return pd.Series(dtype="int64")
        return pd.concat(counts).groupby(level=0).sum().sort_index()

    def sha256(self) -> str:
        """The store's SHA-256 (:func:`geoevents.io.digest.store_sha256`), read by the workers."""
        from geoevents.io.digest import combine_digests

        futures = [self.reads.client.submit(tasks.digest_of, p) for p in self.reads.partitions]
        parts = gather_results(self.reads.client, futures)
        from geoevents.io.stores import is_pattern

        single = not is_pattern(self.reads.path) and self.reads.partitions[0].root is None
        if single and len(parts) == 1:
            return parts[0][1]
        return combine_digests(parts)

    def refine(self, criteria: Criteria, *, allow_empty: bool = True) -> Selection:
        """The incidents of this selection that match ``criteria`` too."""
        futures = [self.reads.client.submit(_refined, s, criteria) for s in self.selected]
        return _finish(self.reads, futures, self.report, self.skipped, criteria, allow_empty)


def _refined(selected: tasks.Selected, criteria: Criteria) -> tasks.Selected:
    read = _as_read(selected.gdf)
    return tasks.select_part(read, criteria, frozenset())


def _as_read(gdf: gpd.GeoDataFrame) -> tasks.PartRead:
    from geoevents.problems import ValidationReport

    return tasks.PartRead(gdf, ValidationReport(count=len(gdf)), set())


def _finish(
    reads: _Reads,
    selected: list[Future],
    report: ValidationReport,
    skipped: int,
    criteria: Criteria,
    allow_empty: bool,
) -> Selection:
    total, steps, count = combined_steps(reads.each(tasks.summary_of, selected))
    if not count and not allow_empty:
        if not reads.pushed:
            from geoevents.filters import empty_selection

            raise empty_selection(total, steps)
        raise _empty(reads, criteria)
    return Selection(reads, selected, report, skipped, total, count)


def _empty(reads: _Reads, criteria: Criteria) -> Exception:
    """The in-process error for an empty selection: its counts are of every row, so the
    partitions are read again without the pushdown (only on this path)."""
    from geoevents.filters import empty_selection

    whole = _Reads.open(reads.client, reads.path, None)
    merged = whole.merged()
    futures = [
        whole.client.submit(tasks.select_part, r, criteria, extra)
        for r, extra in zip(whole.reads, merged.extra_bad, strict=True)
    ]
    total, steps, _ = combined_steps(whole.each(tasks.summary_of, futures))
    return empty_selection(total, steps)


def select(
    client: Client,
    path: str,
    criteria: Criteria,
    *,
    skip_invalid: bool = False,
    read_criteria: Criteria | None = None,
    allow_empty: bool = False,
) -> Selection:
    """The incidents of a store that match ``criteria``, as ``select`` finds them in-process.

    Parameters
    ----------
    client : distributed.Client
        The cluster.
    path : str
        A GeoParquet store: a directory (hive folders included), a glob, a file, or an fsspec
        URL of one (``s3://bucket/store/``: the workers need its filesystem's package).
    criteria : Criteria
        The filters, applied exactly to each partition.
    skip_invalid : bool, default False
        Leave out incidents with errors instead of refusing the store.
    read_criteria : Criteria, optional
        What to push into the reads (default ``criteria``).
    allow_empty : bool, default False
        With False, an empty selection raises the in-process error (naming the filter).

    Raises
    ------
    ValidationError
        For errors in the rows read (unless ``skip_invalid``); the message names each error's
        partition file and row there.
    EmptySelectionError
        When nothing matches (and not ``allow_empty``).
    ClusterError
        When the cluster gives up on a task.
    """
    reads = _Reads.open(client, path, criteria if read_criteria is None else read_criteria)
    merged = reads.merged()
    _refuse(merged, reads, skip_invalid)
    futures = [
        client.submit(tasks.select_part, r, criteria, extra)
        for r, extra in zip(reads.reads, merged.extra_bad, strict=True)
    ]
    # The reads can go once their selections are computed: workers then hold the selections
    # only (Dask still knows how to read a partition again if a worker is lost).
    reads.reads = []
    bad = len({p.index for p in merged.report.errors if p.index is not None})
    return _finish(reads, futures, merged.report, bad, criteria, allow_empty)


def validate(client: Client, path: str) -> ValidationReport:
    """The report of every problem in a store, as :func:`geoevents.validate` gives it."""
    return _Reads.open(client, path, None).merged().report
