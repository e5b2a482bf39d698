"""The work on one partition (one GeoParquet file of a store), as a Dask worker runs it.

Each function is the library's own, applied to one partition: the reader with its pushdown
(:func:`geoevents.io.formats.read_incidents`), the checks, :func:`usable_incidents`,
:func:`filter_incidents` and :func:`selection_steps`, :func:`incident_stats`,
:func:`aggregate_parts`. So a partition's answer is what an in-process run gives for its rows,
and :mod:`geoevents.cluster.gather` only adds the partitions up in store order.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from geoevents.errors import UsageError
from geoevents.io.stores import PARQUET_SUFFIXES, Store, is_hidden, resolve_store

if TYPE_CHECKING:  # pragma: no cover
    import geopandas as gpd
    import numpy as np
    import pandas as pd

    from geoevents.aggregation.build import AggregateParts
    from geoevents.criteria import Criteria
    from geoevents.problems import ValidationReport

__all__ = [
    "PartCheck",
    "PartRead",
    "Partition",
    "Selected",
    "aggregate_of",
    "check_of",
    "dates_of",
    "digest_of",
    "frame_of",
    "id_rows",
    "is_url",
    "list_partitions",
    "months_of",
    "read_partition",
    "select_part",
    "stats_of",
    "summary_of",
]


def is_url(path: str) -> bool:
    """Is ``path`` an fsspec URL (``s3://``, ``gs://``, ``file://``) rather than a local path?"""
    return "://" in path


@dataclass(frozen=True)
class Partition:
    """One file of a store, as a task reads it.

    Attributes
    ----------
    source : str
        The store as the user named it (the report's source, as in-process).
    root : str or None
        The store's directory (local path or URL) whose ``key=value`` folders are read.
    file : str
        The file: a local path, or a URL read through fsspec.
    relative : str
        ``file`` below ``root`` (its hive folders), or its name.
    """

    source: str
    root: str | None
    file: str
    relative: str


def list_partitions(path: str) -> list[Partition]:
    """The partitions of a GeoParquet store (a file, a directory or a glob; or a URL), in store
    order: the files sorted, as the in-process reader reads them.

    Raises
    ------
    UsageError
        For a store of another format (a cluster reads GeoParquet).
    InputError
        When the store has no GeoParquet file (see :func:`geoevents.io.stores.resolve_store`).
    """
    if is_url(path):
        return _url_partitions(path)
    store = resolve_store(path)
    if store.fmt != "parquet":
        raise UsageError(
            f"{path}: a cluster reads GeoParquet stores, not {store.fmt}; convert it once "
            f"(geoevents convert {path} store.parquet), or run in-process"
        )
    root = str(store.root) if store.root is not None else None
    return [
        Partition(
            str(store.path),
            root,
            str(f),
            str(f.relative_to(store.root)) if store.root is not None else f.name,
        )
        for f in store.files
    ]


def _url_partitions(url: str) -> list[Partition]:
    import fsspec

    from geoevents.errors import InputError

    fs, root = fsspec.core.url_to_fs(url)
    protocol = url.split("://", 1)[0]
    if fs.isfile(root):
        return [Partition(url, None, url, PurePosixPath(root).name)]
    if not fs.isdir(root):
        raise InputError(f"{url}: no such file or directory; check the URL")
    found = []
    for name in fs.find(root):
        relative = PurePosixPath(name).relative_to(PurePosixPath(root).as_posix())
        if relative.suffix.lower() in PARQUET_SUFFIXES and not any(
            is_hidden(p) for p in relative.parts
        ):
            found.append(str(relative))
    if not found:
        raise InputError(f"{url}: holds no GeoParquet (.parquet) file; name a store")
    base = url.rstrip("/")
    return [Partition(url, base, f"{protocol}://{root.rstrip('/')}/{r}", r) for r in sorted(found)]


@dataclass
class PartRead:
    """A partition as read and checked: :func:`read_incidents`'s three results."""

    gdf: gpd.GeoDataFrame | None
    report: ValidationReport
    bad: set[int]


def read_partition(part: Partition, criteria: Criteria | None) -> PartRead:
    """Read and check one partition, leaving out the rows ``criteria`` cannot match."""
    from geoevents.io.formats import read_incidents

    if not is_url(part.file):
        root = Path(part.root) if part.root is not None else None
        store = Store(Path(part.source), "parquet", (Path(part.file),), root=root)
        gdf, report, bad = read_incidents(store, criteria=criteria)
    else:
        import fsspec

        # A local copy, read as a local partition: the reader stays the one the library has.
        with tempfile.TemporaryDirectory(prefix="geoevents-part-") as tmp:
            local = Path(tmp, *PurePosixPath(part.relative).parts)
            local.parent.mkdir(parents=True, exist_ok=True)
            fs, remote = fsspec.core.url_to_fs(part.file)
            fs.get_file(remote, os.fspath(local))
            root = Path(tmp) if part.root is not None else None
            store = Store(Path(tmp), "parquet", (local,), root=root)
            gdf, report, bad = read_incidents(store, criteria=criteria)
    report.source = part.source
    return PartRead(gdf, report, bad)


@dataclass
class PartCheck:
    """What the client needs of a partition's checks: its report, and its ids as hashes
    (to find an id that two partitions share)."""

    report: ValidationReport
    hashes: np.ndarray


def _id_hashes(gdf: gpd.GeoDataFrame | None) -> tuple[np.ndarray, np.ndarray]:
    """(the rows that have an id, their ids' hashes)."""
    import numpy as np
    import pandas as pd

    if gdf is None or not len(gdf):
        return np.zeros(0, np.int64), np.zeros(0, np.uint64)
    ids = gdf["id"].to_numpy(dtype=object)
    rows = np.flatnonzero(pd.notna(ids))
    return rows, pd.util.hash_array(ids[rows].astype(str).astype(object))


def check_of(read: PartRead) -> PartCheck:
    """The partition's report, and the distinct hashes of its ids."""
    import numpy as np

    return PartCheck(read.report, np.unique(_id_hashes(read.gdf)[1]))


def id_rows(read: PartRead, hashes: np.ndarray) -> list[tuple[int, str]]:
    """(row, id) of the rows whose id hashes to one of ``hashes``."""
    import numpy as np

    if read.gdf is None:
        return []
    rows, found = _id_hashes(read.gdf)
    ids = read.gdf["id"].to_numpy(dtype=object)
    return [(int(i), str(ids[i])) for i in rows[np.isin(found, hashes)].tolist()]


@dataclass
class Selected:
    """A partition's selection: the usable incidents that match, and the filter steps."""

    gdf: gpd.GeoDataFrame
    total: int
    steps: list[tuple[str, int]]


def select_part(read: PartRead, criteria: Criteria, extra_bad: frozenset[int]) -> Selected:
    """The partition's incidents that match, its rows with errors left out (the client has
    refused the store already unless they are to be skipped)."""
    from geoevents.filters import filter_incidents, selection_steps
    from geoevents.io.formats import usable_incidents

    gdf = usable_incidents(read.gdf, read.report, read.bad | extra_bad, skip_invalid=True)
    return Selected(filter_incidents(gdf, criteria), len(gdf), selection_steps(gdf, criteria))


def summary_of(selected: Selected) -> tuple[int, list[tuple[str, int]], int]:
    """(incidents before the filters, the filter steps, incidents selected)."""
    return selected.total, selected.steps, len(selected.gdf)


def frame_of(selected: Selected) -> gpd.GeoDataFrame:
    """The selected incidents."""
    return selected.gdf


def stats_of(selected: Selected, by: str) -> pd.DataFrame:
    """:func:`geoevents.stats.incident_stats` of the partition's selection."""
    from geoevents.stats import incident_stats

    return incident_stats(selected.gdf, by)


def dates_of(selected: Selected) -> tuple[str | None, str | None]:
    """The earliest ``date_start`` and the latest end of the selection (None when empty)."""
    gdf = selected.gdf
    if not len(gdf):
        return None, None
    return str(gdf["date_start"].min()), str(gdf["date_end"].fillna(gdf["date_start"]).max())


def aggregate_of(selected: Selected, by: str, resolution: int, window: Any) -> AggregateParts:
    """:func:`geoevents.aggregation.build.aggregate_parts` of the partition's selection."""
    from geoevents.aggregation.build import aggregate_parts

    return aggregate_parts(selected.gdf, by, resolution=resolution, window=window)


def months_of(selected: Selected) -> pd.Series:
    """Selected incidents per month of their last day (``YYYY-MM``): ``--start M`` keeps the
    incidents of month M and later."""
    gdf = selected.gdf
    ends = gdf["date_end"].fillna(gdf["date_start"]).astype(str).str[:7]
    return ends.value_counts()


def digest_of(part: Partition) -> tuple[str, str]:
    """(the partition's name below the store, its SHA-256), for the map's record of its input."""
    import hashlib

    if not is_url(part.file):
        from geoevents.io.digest import file_sha256

        return part.relative, file_sha256(part.file)
    import fsspec

    digest = hashlib.sha256()
    with fsspec.open(part.file, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return part.relative, digest.hexdigest()
