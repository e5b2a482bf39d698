"""Combining the partitions' results on the client, in store order (the order of the files,
then of the rows in each), so that they equal an in-process run over the whole store."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np

    from geoevents.cluster.partitions import PartCheck, Partition
    from geoevents.problems import ValidationReport

__all__ = [
    "Merged",
    "combined_steps",
    "cross_partition_ids",
    "locate",
    "merge_reports",
    "partition_of",
]


@dataclass
class Merged:
    """The partitions' reports as one, and where each partition's rows start in it."""

    report: ValidationReport
    offsets: list[int]
    #: Per partition, its rows (own numbering) that have an error only the whole store shows.
    extra_bad: list[frozenset[int]]


class _Names:
    """Feature names of the rows a cross-partition check reports (by global row)."""

    def __init__(self, names: dict[int, str]):
        self.names = names

    def __call__(self, i: int) -> str | None:
        return self.names.get(i)


def cross_partition_ids(
    rows: Sequence[list[tuple[int, str]]], offsets: list[int]
) -> tuple[np.ndarray, list[str], np.ndarray]:
    """Rows whose id an earlier partition's row has: (global rows, ids, first rows), ascending.

    ``rows`` holds, per partition, (row, id) of its rows whose id may occur in another one.
    """
    import numpy as np

    by_id: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for k, found in enumerate(rows):
        for i, ident in found:
            by_id[ident].append((offsets[k] + i, k))
    out: list[tuple[int, str, int]] = []
    for ident, places in by_id.items():
        if len({k for _, k in places}) < 2:
            continue  # within one partition: its own check has reported it
        first = min(r for r, _ in places)
        out.extend((r, ident, first) for r, _ in places if r != first)
    out.sort()
    return (
        np.array([r for r, _, _ in out], np.int64),
        [i for _, i, _ in out],
        np.array([f for _, _, f in out], np.int64),
    )


def merge_reports(
    checks: Sequence[PartCheck],
    source: str,
    shared: Sequence[list[tuple[int, str]]] | None = None,
) -> Merged:
    """One report for the store: each partition's problems at its rows in the store, the
    problems of the whole file once, and an id repeated across partitions reported as the
    whole store's check reports it (the first row with the id is the one named).

    Parameters
    ----------
    checks : sequence of PartCheck
        Per partition, in store order.
    source : str
        The store as the user named it.
    shared : sequence of list of (row, id), optional
        Per partition, the rows whose id another partition may have (see
        :func:`~geoevents.cluster.partitions.id_rows`).
    """
    from geoevents.problems import ValidationReport
    from geoevents.validation.rules import ID_REPEATED

    report = ValidationReport(source=source, count=sum(c.report.count for c in checks))
    offsets: list[int] = []
    at = 0
    for check in checks:
        offsets.append(at)
        report.extend(check.report, offset=at, skip=report.file_level())
        at += check.report.count
    extra: list[set[int]] = [set() for _ in checks]
    if shared is not None:
        rows, ids, firsts = cross_partition_ids(shared, offsets)
        if len(rows):
            # A row of a later partition may also repeat an id within its own partition: the
            # store's check names the first row of the whole store instead.
            report.discard(ID_REPEATED, rows.tolist())
            from geoevents.problem_parts import Batch, printable

            names = _Names({int(r): printable(i) for r, i in zip(rows.tolist(), ids, strict=True)})

            report.record(Batch(ID_REPEATED, "id", rows, ids, firsts, names=names))
            for r in rows.tolist():
                k, local = locate(offsets, r)
                extra[k].add(local)
    return Merged(report, offsets, [frozenset(e) for e in extra])


def locate(offsets: list[int], row: int) -> tuple[int, int]:
    """(the partition, the row within it) of a row of the store."""
    import bisect

    k = bisect.bisect_right(offsets, row) - 1
    return k, row - offsets[k]


def combined_steps(
    summaries: Sequence[tuple[int, list[tuple[str, int]], int]],
) -> tuple[int, list[tuple[str, int]], int]:
    """(incidents before the filters, each filter's remaining count, selected), summed."""
    total = sum(s[0] for s in summaries)
    selected = sum(s[2] for s in summaries)
    labels = [label for label, _ in summaries[0][1]] if summaries else []
    steps = [(label, sum(s[1][j][1] for s in summaries)) for j, label in enumerate(labels)]
    return total, steps, selected


def partition_of(partitions: Sequence[Partition], offsets: list[int], row: int) -> str:
    """``FILE row N``: where a row of the store is."""
    k, local = locate(offsets, row)
    return f"{partitions[k].file} row {local}"
