"""Many source files into one hive-partitioned GeoParquet store (``year=2019/month=03/``),
idempotent per source: a store records in its manifest what it imported, with each source's
SHA-256, and a run skips what is recorded.

Each source is imported on its own (:func:`import_one`: the importer of
:func:`~geoevents.ingest.import_file`, then one file per partition, named by the source's
digest), in-process or on the workers of a Dask cluster (the ``runner`` of
:func:`import_partitioned`, see :mod:`geoevents.cluster.importer`). Nothing is visible in the
store until every source has been imported: the files are written under a temporary prefix
beside it, then moved in, and the manifest is written last.
"""

from __future__ import annotations

import glob
import json
import os
import shutil
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from geoevents.errors import InputError, OutputError, UsageError
from geoevents.io.stores import is_hidden, is_pattern

__all__ = [
    "IMPORT_PARTITION_KEYS",
    "MANIFEST",
    "ImportRun",
    "SourceResult",
    "import_one",
    "import_partitioned",
    "parse_partition_by",
    "read_manifest",
    "source_files",
]

#: The store's record of what it holds (readers skip names that start with ``_``).
MANIFEST = "_geoevents_import.json"
#: The folder levels an imported store can have, outermost first.
IMPORT_PARTITION_KEYS = ("year", "month")
_NULL_KEY = "__HIVE_DEFAULT_PARTITION__"  # the name hive readers take for a null key

#: ``runner(func, argument_tuples)`` yields ``func(*args)`` of each, in any order, as they finish.
Runner = Callable[[Callable[..., Any], list[tuple[Any, ...]]], Iterator[Any]]


def parse_partition_by(text: str) -> tuple[str, ...]:
    """``"year,month"`` -> ``("year", "month")``; the keys must be a leading run of
    :data:`IMPORT_PARTITION_KEYS`.

    Raises
    ------
    UsageError
        For another key or order.
    """
    keys = tuple(k.strip() for k in text.split(",") if k.strip())
    if not keys or keys != IMPORT_PARTITION_KEYS[: len(keys)]:
        raise UsageError(
            f"cannot partition by {text!r}; use year or year,month (folders year=2019/month=03/)"
        )
    return keys


def source_files(src: str | os.PathLike[str]) -> list[Path]:
    """The files a source names: one file, the files of a directory (not its hidden ones), or
    a glob's matches; sorted.

    Raises
    ------
    InputError
        When it names no file.
    """
    text = os.fspath(src)
    if is_pattern(text):
        found = [Path(p) for p in glob.glob(text, recursive=True)]
    elif Path(text).is_dir():
        found = [p for p in Path(text).iterdir() if not is_hidden(p.name)]
    else:
        found = [Path(text)] if Path(text).exists() else []
    files = sorted(p for p in found if p.is_file())
    if not files:
        raise InputError(f"{text}: no file to import there; check the path or pattern")
    return files


def read_manifest(dest: Path) -> dict[str, Any]:
    """The manifest of an imported store (``{"sources": {...}}``), empty for a new store.

    Raises
    ------
    OutputError
        When ``dest`` exists but is not a store this importer made.
    """
    path = dest / MANIFEST
    if not dest.exists():
        return {"version": 1, "partition_by": None, "sources": {}}
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
        manifest["sources"]
    except (OSError, ValueError, KeyError, TypeError):
        raise OutputError(
            f"{dest}: exists and is not a store made by geoevents import --partition-by (no "
            f"readable {MANIFEST}); choose another -o, or pass --force to replace it"
        ) from None
    return manifest


@dataclass
class SourceResult:
    """One source imported: its digest, counts, summary line and the files written."""

    source: str
    sha256: str
    rows_read: int
    incidents: int
    rejected: int
    summary: str
    files: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def _keys_of(dates: Any, by: Sequence[str]) -> list[list[str]]:
    import pandas as pd

    text = pd.Series(dates, dtype=object).astype("string")
    ok = text.str.fullmatch(r"\d{4}-\d{2}-\d{2}").fillna(False).to_numpy(dtype=bool)
    columns = []
    for key in by:
        part = text.str[:4] if key == "year" else text.str[5:7]
        columns.append([v if good else _NULL_KEY for v, good in zip(part, ok, strict=True)])
    return columns


def import_one(
    fmt: str, source: str, staging: str, by: Sequence[str], options: dict[str, Any]
) -> SourceResult:
    """Import one source file and write its incidents under ``staging``, one file per
    partition (``year=2019/month=03/part-<digest>.parquet``).

    Raises
    ------
    InputError, ValidationError
        As :func:`geoevents.ingest.import_file` does for the source.
    """
    import pandas as pd

    from geoevents.ingest import import_file
    from geoevents.io.digest import file_sha256
    from geoevents.io.parquet import write_parquet
    from geoevents.problems import first_lines

    sha = file_sha256(source)
    result = import_file(fmt, source, **options)
    gdf = result.incidents
    files: list[str] = []
    if len(gdf):
        keys = _keys_of(gdf["date_start"], by)
        groups = pd.Series(list(zip(*keys, strict=True)), dtype=object)
        for value in sorted(set(groups)):
            rows = (groups == value).to_numpy()
            folder = Path(*(f"{k}={v}" for k, v in zip(by, value, strict=True)))
            name = str(folder / f"part-{sha[:16]}.parquet")
            (Path(staging) / folder).mkdir(parents=True, exist_ok=True)
            write_parquet(gdf[rows].reset_index(drop=True), Path(staging) / name)
            files.append(name)
    problems = list(first_lines(result.report().problems.formatted(result.source), 5))
    return SourceResult(
        source,
        sha,
        result.rows_read,
        len(gdf),
        len(result.rejected),
        result.summary(),
        files,
        problems,
    )


def _in_process(func: Callable[..., Any], calls: list[tuple[Any, ...]]) -> Iterator[Any]:
    for args in calls:
        yield func(*args)


@dataclass
class ImportRun:
    """What :func:`import_partitioned` did."""

    dest: Path
    imported: list[SourceResult]
    skipped: list[str]
    incidents: int

    def summary(self) -> str:
        """One line: sources imported and skipped, incidents written."""
        n = len(self.imported)
        return (
            f"{self.dest}: {n} source{'s' if n != 1 else ''} imported "
            f"({self.incidents:,} incidents), {len(self.skipped)} already imported"
        )


def import_partitioned(
    fmt: str,
    src: str | os.PathLike[str],
    dest: str | os.PathLike[str],
    partition_by: Sequence[str] = IMPORT_PARTITION_KEYS,
    *,
    runner: Runner | None = None,
    on_progress: Callable[[SourceResult, int, int], None] | None = None,
    overwrite: bool = False,
    **options: Any,
) -> ImportRun:
    """Import every file of ``src`` into the partitioned store ``dest``, skipping the sources
    its manifest records (by SHA-256).

    Parameters
    ----------
    fmt : str
        The importer (``"gdelt"``, ``"acled"``, ``"ucdp"``, ``"csv"``).
    src : path-like
        A file, a directory of files or a glob.
    dest : path-like
        The store directory (created, or added to).
    partition_by : sequence of str
        ``("year",)`` or ``("year", "month")`` of ``date_start``.
    runner : callable, optional
        Runs :func:`import_one` for each source (default: one after the other, here).
    on_progress : callable, optional
        ``on_progress(result, done, total)`` after each source.
    overwrite : bool, default False
        Replace a ``dest`` that is not an imported store (or start it again).
    **options
        Passed to the importer (``strict``, ``id_prefix``, ...).

    Raises
    ------
    OutputError
        When ``dest`` exists and is not an imported store (and not ``overwrite``), or was
        partitioned otherwise.
    InputError, ValidationError
        When a source cannot be imported: nothing is added to the store.
    """
    from geoevents.io.atomic import atomic_write, check_target
    from geoevents.io.digest import file_sha256

    files = source_files(src)
    target = Path(dest)
    check_target(target, inputs=[str(f) for f in files], directory=True)
    fresh = overwrite or not target.exists()
    if overwrite and target.is_dir():
        _refuse_foreign(target)
    manifest = read_manifest(target) if not fresh else read_manifest(Path("\0absent"))
    recorded = manifest.get("partition_by")
    if recorded is not None and tuple(recorded) != tuple(partition_by):
        raise OutputError(
            f"{target}: is partitioned by {','.join(recorded)}, not {','.join(partition_by)}; "
            f"import with --partition-by {','.join(recorded)}, or into another -o"
        )
    known = {entry["sha256"] for entry in manifest["sources"].values()}
    todo, skipped = [], []
    for f in files:
        (skipped if file_sha256(f) in known else todo).append(f)
    staging = target.parent / f".{target.name}.importing-{uuid.uuid4().hex[:12]}"
    staging.mkdir(parents=True)
    run = runner or _in_process
    results: list[SourceResult] = []
    try:
        calls = [(fmt, str(f), str(staging), tuple(partition_by), options) for f in todo]
        for result in run(import_one, calls):
            results.append(result)
            if on_progress is not None:
                on_progress(result, len(results), len(calls))
        results.sort(key=lambda r: r.source)
        manifest["partition_by"] = list(partition_by)
        for r in results:
            manifest["sources"][r.source] = {
                k: v for k, v in asdict(r).items() if k not in ("source", "problems")
            }
        if fresh:
            (staging / MANIFEST).write_text(json.dumps(manifest, indent=1, sort_keys=True))
            _swap_in(staging, target)
        else:
            for r in results:
                for name in r.files:
                    (target / name).parent.mkdir(parents=True, exist_ok=True)
                    os.replace(staging / name, target / name)
            # Last: a run stopped before this line leaves files the manifest does not list,
            # under the names the next run writes them to again.
            with atomic_write(target / MANIFEST) as tmp:
                tmp.write_text(json.dumps(manifest, indent=1, sort_keys=True))
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    total = sum(r.incidents for r in results)
    return ImportRun(target, results, [str(f) for f in skipped], total)


def _swap_in(staging: Path, target: Path) -> None:
    """Put the staged store in place of ``target`` (replaced whole, when there is one)."""
    if not target.exists():
        os.replace(staging, target)
        return
    old = target.parent / f".{target.name}.replaced-{uuid.uuid4().hex[:12]}"
    os.replace(target, old)
    os.replace(staging, target)
    shutil.rmtree(old, ignore_errors=True)


def _refuse_foreign(target: Path) -> None:
    """A directory replaced with --force must hold nothing but a store: never an analyst's
    folder named by mistake."""
    for path in target.rglob("*"):
        if path.is_file() and path.suffix != ".parquet" and path.name != MANIFEST:
            raise OutputError(
                f"{target}: holds {path.name}, which is not part of a store; it is not replaced "
                "even with --force: choose another -o"
            )
