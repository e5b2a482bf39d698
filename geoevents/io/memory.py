"""Refuse to load a store that cannot fit in memory, before trying to.

Loading a store builds Python objects for every value of every incident: several times the
file's size. When that is more than the machine (or the container) can give, the process is
killed by the out-of-memory killer without a word, or the machine swaps for minutes. One line
that says how big the file is, what loading it would need and what to do is better.

The estimate is a fixed amount for the libraries plus the larger of two figures: a multiple of
the input's bytes (of the file, or for GeoParquet of the uncompressed column data, which its
footer records), and a cost per thing the input holds, as :func:`geoevents.io.census.count_store`
counts them (GeoJSON: objects and values; CSV: cells; GeoParquet and GeoPackage: rows). The
second is what a file of millions of tiny features (``{}``, 3 bytes each and a kilobyte each in
memory) needs; the first is what real incidents need. Both were fitted to the growth of the
resident set while :func:`geoevents.io.read_incidents` reads the benchmark stores
(``benchmarks/generate.py``, seed 42) and files of empty features (``{}``), and rounded up
(the per-cell and per-row figures are floors, not fitted); re-measure them when the readers or
``check_frame`` change:

==========  ==================  ====================  ====================
format      multiple of         measured growth       estimate
                                100k / 1M rows        100k / 1M rows
==========  ==================  ====================  ====================
GeoJSON     file, 4.8           486 MB / 4.03 GB      556 MB / 4.13 GB
GeoParquet  uncompressed, 6.0   351 MB / 2.11 GB      361 MB / 2.15 GB
GeoPackage  file, 6.0           451 MB                530 MB
CSV         file, 7.0           440 MB                518 MB
==========  ==================  ====================  ====================

==========  =====================  ================================  =================
format      per thing held         measured peak                     estimate
==========  =====================  ================================  =================
GeoJSON     object 950 B,          1M ``{}`` features: 1.11 GB       1.12 GB
            value 5 B              3M ``{}`` features: 3.05 GB       3.04 GB
                                   200k incidents (133 MB): 0.83 GB  0.95 GB
CSV         cell 80 B              (a floor, not fitted)
GeoParquet  row 300 B              (a floor, not fitted)
GeoPackage  row 300 B              (a floor, not fitted)
==========  =====================  ================================  =================

A process may also be held to less address space than the machine has (``ulimit -v``,
``RLIMIT_AS``). An allocation that fails there is an error Python can report, except inside
the Rust JSON parser, which aborts (and, printing its backtrace without memory, can hang):
so the estimate is also held against the address space left, and the strict JSON reader
does not use that parser under such a limit (:mod:`geoevents.io.strictjson`).
"""

from __future__ import annotations

import os
import resource
from pathlib import Path

from geoevents.errors import InputError, UsageError
from geoevents.io.census import Census, bound_store, check_columns, count_store
from geoevents.io.stores import parquet_parts

__all__ = [
    "MAP_MAX_INCIDENTS",
    "MEMORY_FIXED",
    "MEMORY_PER_BYTE",
    "MEMORY_PER_ITEM",
    "address_space_left",
    "available_memory",
    "check_map_size",
    "check_memory",
    "estimate_memory",
]

#: Peak memory per byte of input (see the module docstring): of the file, or for GeoParquet of
#: the uncompressed column data.
MEMORY_PER_BYTE: dict[str, float] = {
    "geojson": 4.8,
    "parquet": 6.0,
    "gpkg": 6.0,
    "csv": 7.0,
}
#: Peak memory per thing the input holds (see the module docstring): GeoJSON per object and per
#: value, CSV per cell, GeoParquet and GeoPackage per row.
MEMORY_PER_ITEM: dict[str, tuple[float, float]] = {
    # (per row or object, per value or cell)
    "geojson": (950.0, 5.0),
    "parquet": (300.0, 0.0),
    "gpkg": (300.0, 0.0),
    "csv": (0.0, 80.0),
}
# A file's bytes bound what it can hold: a GeoJSON object takes 2 bytes ("{}") and a value 1
# more (","), a CSV cell 1; under this many bytes of memory per byte of file nothing needs to
# be counted.
_MOST_PER_BYTE = {"geojson": 950.0 / 2 + 5.0, "csv": 80.0}
#: The most incidents one map holds unless told otherwise. The large engine is built and
#: measured for 1,000,000 (docs/benchmarks.md: about 60 MB of HTML, 1.5 s to the first frame in
#: Chromium); at 5,000,000 the page is 294 MB, more text than a browser holds in one string
#: comfortably, and building it took 55 s and 8 GB.
MAP_MAX_INCIDENTS = 2_000_000
# Bytes of HTML per incident of a large-engine map, measured at 5,000,000 (294 MB).
_HTML_PER_INCIDENT = 59
# The fixes the refusal names, as a call spells them (the CLI swaps in its flags).
_MAP_FILTERS = "start=..., end=..., bbox=..., countries=..."
_MAP_AGGREGATE = "geoevents.aggregate"
_MAP_OVERRIDE = "max_points=N"
#: Memory that loading takes whatever the size: the libraries' buffers and first-use caches.
MEMORY_FIXED = 160_000_000

_LABELS = {"geojson": "GeoJSON", "parquet": "GeoParquet", "gpkg": "GeoPackage", "csv": "CSV"}
# cgroup v1 writes "no limit" as the largest page-aligned 63-bit number.
_NO_LIMIT = 1 << 60


def estimate_memory(
    path: str | os.PathLike[str], fmt: str, *, census: Census | None = None
) -> int | None:
    """Estimate the memory that loading a store will need.

    Parameters
    ----------
    path : path-like
        The store: a file, or for GeoParquet also a directory or glob of files (their sizes
        add up).
    fmt : {"geojson", "parquet", "gpkg", "csv"}
        Its format, as :func:`geoevents.io.format_for` names it.
    census : Census, optional
        What the store holds, when the caller has counted it already
        (:func:`geoevents.io.census.count_store`).

    Returns
    -------
    int or None
        Bytes, or None when the file cannot be examined (the reader then reports why).

    Raises
    ------
    UsageError
        For a format geoevents does not read.
    """
    if fmt not in MEMORY_PER_BYTE:
        known = ", ".join(sorted(MEMORY_PER_BYTE))
        raise UsageError(f"unknown format {fmt!r}; use one of {known}")
    if fmt == "parquet":
        parts = parquet_parts(path)
        sizes = [_parquet_data_size(part) for part in parts]
        if not parts or None in sizes:
            return None
        base = sum(s for s in sizes if s is not None)
    else:
        try:
            base = Path(path).stat().st_size
        except OSError:
            return None
    if census is None:
        census = count_store(path, fmt)
    per_row, per_value = MEMORY_PER_ITEM[fmt]
    held = census.rows * per_row + census.values * per_value if census is not None else 0
    return int(max(base * MEMORY_PER_BYTE[fmt], held)) + MEMORY_FIXED


def _parquet_data_size(path: Path) -> int | None:
    """Return the uncompressed size of a Parquet file's column data, from its footer."""
    import pyarrow
    import pyarrow.parquet as pq

    try:
        meta = pq.ParquetFile(path).metadata
    except (OSError, ValueError, pyarrow.ArrowException):  # a corrupt footer: the reader says so
        return None
    return sum(meta.row_group(i).total_byte_size for i in range(meta.num_row_groups))


def _store_size(path: str | os.PathLike[str], fmt: str) -> tuple[int, int]:
    """The bytes on disk and the number of files of a store."""
    parts = parquet_parts(path) if fmt == "parquet" else [Path(path)]
    return sum(p.stat().st_size for p in parts), len(parts)


def available_memory(
    *,
    meminfo: str | os.PathLike[str] = "/proc/meminfo",
    proc_cgroup: str | os.PathLike[str] = "/proc/self/cgroup",
    cgroup_root: str | os.PathLike[str] = "/sys/fs/cgroup",
) -> int | None:
    """Return the memory this process can still take, in bytes.

    The smaller of ``MemAvailable`` (free memory plus what the kernel can reclaim) and what the
    process's memory cgroup still allows: its limit minus its usage, not counting inactive page
    cache, which the kernel reclaims before it kills anything. Inside a container MemAvailable
    describes the whole host, so the cgroup limit is the one that counts.

    Parameters
    ----------
    meminfo, proc_cgroup, cgroup_root : path-like
        Where to read; tests point them at made-up files.

    Returns
    -------
    int or None
        Bytes, or None when neither figure can be read.
    """
    figures = [
        v
        for v in (_meminfo_available(Path(meminfo)), _cgroup_available(proc_cgroup, cgroup_root))
        if v is not None
    ]
    return min(figures) if figures else None


def _meminfo_available(meminfo: Path) -> int | None:
    try:
        text = meminfo.read_text()
    except OSError:
        return None
    for line in text.splitlines():
        if line.startswith("MemAvailable:"):
            fields = line.split()
            if len(fields) >= 2 and fields[1].isdigit():
                return int(fields[1]) * 1024  # the kernel writes kB and means KiB
    return None


def _read_int(path: Path) -> int | None:
    try:
        text = path.read_text().strip()
    except OSError:
        return None
    return int(text) if text.isdigit() else None  # "max" (v2): no limit


def _inactive_file(stat: Path, key: str) -> int:
    try:
        text = stat.read_text()
    except OSError:
        return 0
    for line in text.splitlines():
        name, _, value = line.partition(" ")
        if name == key and value.strip().isdigit():
            return int(value)
    return 0


def _cgroup_available(
    proc_cgroup: str | os.PathLike[str], cgroup_root: str | os.PathLike[str]
) -> int | None:
    """What the memory cgroup still allows: the tightest limit of the cgroup and its parents."""
    try:
        lines = Path(proc_cgroup).read_text().splitlines()
    except OSError:
        return None
    root = Path(cgroup_root)
    found: list[int] = []
    for line in lines:
        parts = line.split(":", 2)
        if len(parts) != 3:
            continue
        hierarchy, controllers, rel = parts
        rel = rel.lstrip("/")
        if hierarchy == "0" and controllers == "":  # v2: one unified tree
            base, names = root, ("memory.max", "memory.current", "memory.stat", "inactive_file")
        elif "memory" in controllers.split(","):  # v1: a tree per controller
            base = root / "memory"
            names = (
                "memory.limit_in_bytes",
                "memory.usage_in_bytes",
                "memory.stat",
                "total_inactive_file",
            )
        else:
            continue
        # In a container the cgroup namespace makes the container's own group the root of the
        # mount, while /proc may still show the host's path: walk up from the deepest directory
        # that exists, through every parent, since each parent's limit applies too.
        here = base / rel
        while not here.is_dir() and here != base:
            here = here.parent
        while True:
            limit = _read_int(here / names[0])
            usage = _read_int(here / names[1])
            if limit is not None and limit < _NO_LIMIT and usage is not None:
                in_use = max(usage - _inactive_file(here / names[2], names[3]), 0)
                found.append(max(limit - in_use, 0))
            if here == base:
                break
            here = here.parent
    return min(found) if found else None


def address_space_left(*, status: str | os.PathLike[str] = "/proc/self/status") -> int | None:
    """Return the address space this process may still map under its ``RLIMIT_AS`` (``ulimit
    -v``), in bytes; None when there is no such limit (the usual case) or it cannot be read.

    Parameters
    ----------
    status : path-like
        Where the process's ``VmSize`` is read; tests point it at a made-up file.
    """
    soft, _ = resource.getrlimit(resource.RLIMIT_AS)
    if soft == resource.RLIM_INFINITY:
        return None
    try:
        text = Path(status).read_text()
    except OSError:
        return None
    for line in text.splitlines():
        if line.startswith("VmSize:"):
            fields = line.split()
            if len(fields) >= 2 and fields[1].isdigit():
                return max(soft - int(fields[1]) * 1024, 0)
    return None


def _size(n: int) -> str:
    """Return a byte count for a message: 827 MB, 3.7 GB."""
    for unit, scale in (("GB", 10**9), ("MB", 10**6), ("kB", 10**3)):
        if n >= scale:
            value = n / scale
            return f"{value:.1f} {unit}" if value < 10 else f"{value:.0f} {unit}"
    return f"{n} bytes"


def check_memory(
    path: str | os.PathLike[str],
    fmt: str,
    *,
    available: int | None = None,
    address_space: int | None = None,
) -> None:
    """Refuse to load a store that would need more memory than there is.

    Parameters
    ----------
    path : path-like
        The store.
    fmt : {"geojson", "parquet", "gpkg", "csv"}
        Its format, as :func:`geoevents.io.format_for` names it.
    available : int, optional
        The bytes available; by default :func:`available_memory` finds out. When that cannot be
        read (neither ``/proc/meminfo`` nor a cgroup limit), nothing is refused for it.
    address_space : int, optional
        The address space left under ``ulimit -v``; by default :func:`address_space_left`
        (None when there is no such limit).

    Raises
    ------
    InputError
        When the estimate (:func:`estimate_memory`) is more than the memory available or the
        address space left, or the store has more columns than
        :data:`~geoevents.io.census.MAX_COLUMNS`. The one-line message names the file, its
        size, the estimate, what is available and what to do.
    UsageError
        For a format geoevents does not read.

    Examples
    --------
    >>> check_memory("data/incidents.geojson", "geojson")  # doctest: +SKIP
    """
    if address_space is None:
        address_space = address_space_left()
    if available is None:
        available = available_memory()
    found = ((available, "memory"), (address_space, "ulimit"))
    limits = [(v, w) for v, w in found if v is not None]
    room, which = min(limits) if limits else (None, "")
    census = None
    if fmt in ("parquet", "gpkg"):  # from the metadata: cheap, and it has the columns
        census = count_store(path, fmt)
        if census is not None:
            check_columns(path, census.columns)
    elif room is not None:
        # The scan of a GeoJSON or CSV file is skipped when its size rules out a problem.
        try:
            size = Path(path).stat().st_size
        except OSError:
            return
        if size * _MOST_PER_BYTE[fmt] + MEMORY_FIXED > room:
            # A bound first (marks counted inside text too): the exact count only when the
            # bound would refuse the file.
            census = bound_store(path, fmt)
            bound = estimate_memory(path, fmt, census=census) if census is not None else None
            if bound is None or bound > room:
                census = count_store(path, fmt)
    if room is None:
        return
    need = estimate_memory(path, fmt, census=census or Census(0, 0))
    if need is None or need <= room:
        return
    size, files = _store_size(path, fmt)
    what = f"{_LABELS[fmt]} file" if files == 1 else f"{_LABELS[fmt]} store of {files} files"
    if fmt == "geojson":
        stem = Path(path).with_suffix(".parquet").name
        fix = (
            f"split or filter it into smaller files (e.g. ogr2ogr -where \"iso3 = 'SYR'\" "
            f"part.geojson {path}), or convert it once, on a machine with more memory, to "
            f"GeoParquet, which loads in less (geoevents convert {path} {stem})"
        )
    else:
        fix = "split or filter it into smaller files (e.g. by country or by year)"
    if which == "ulimit":
        there = (
            f"more than the {_size(room)} of address space this process may still use "
            "(ulimit -v); raise the limit, or "
        )
    else:
        there = f"more than the {_size(room)} available; free memory, or "
    raise InputError(
        f"{path}: the {_size(size)} {what} needs about {_size(need)} of memory to "
        f"load, {there}{fix}"
    )


def check_map_size(
    count: int,
    source: str | os.PathLike[str],
    *,
    max_points: int | None = None,
    at_most: bool = False,
) -> None:
    """Refuse a map of more incidents than a browser page holds well.

    Called before the store is read when its metadata gives the number of rows and no filter
    can make it smaller, and again on the selection.

    Parameters
    ----------
    count : int
        The incidents the map would hold.
    source : path-like
        The store, for the message.
    max_points : int, optional
        The limit, for a user who knows their browser can take more; by default
        :data:`MAP_MAX_INCIDENTS`.
    at_most : bool, default False
        ``count`` is a bound on the selection, counted by the store's own filter before the
        store is read (:func:`geoevents.io.census.matching_rows`).

    Raises
    ------
    InputError
        One line naming the store, the count, the limit and the ways to map fewer: the
        filters, the aggregated view, and ``max_points``.
    """
    limit = MAP_MAX_INCIDENTS if max_points is None else max_points
    if count <= limit:
        return
    html = _size(count * _HTML_PER_INCIDENT)
    what = f"up to {count:,} incidents match" if at_most else f"{count:,} incidents to map"
    raise InputError(
        f"{source}: {what}, more than the {limit:,} one map page holds "
        f"well (it would be about {html} of HTML); map fewer: select them "
        f"({_MAP_FILTERS}), or map them aggregated ({_MAP_AGGREGATE}), or pass "
        f"{_MAP_OVERRIDE} to try a larger page anyway",
        options=(_MAP_FILTERS, _MAP_AGGREGATE, _MAP_OVERRIDE),
    )
