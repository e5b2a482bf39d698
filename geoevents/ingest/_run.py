"""The import loop: read chunks, convert them, and assemble one incident table."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from geoevents import schema
from geoevents.errors import UsageError, ValidationError
from geoevents.ingest._base import Importer
from geoevents.ingest._common import Batch
from geoevents.ingest._detect import guess_format
from geoevents.ingest._read import open_input, read_chunks, sniff
from geoevents.ingest.acled import AcledImporter
from geoevents.ingest.gdelt import GdeltImporter
from geoevents.ingest.report import (
    ImportResult,
    RejectedRow,
    SuspectRow,
    list_rejected,
    problems_report,
)
from geoevents.ingest.table import TableImporter
from geoevents.ingest.ucdp import UcdpImporter

__all__ = ["FORMATS", "detect_format", "import_file"]

FORMATS: tuple[str, ...] = ("acled", "ucdp", "gdelt", "csv")

_IMPORTERS: dict[str, type[Importer]] = {
    "acled": AcledImporter,
    "ucdp": UcdpImporter,
    "gdelt": GdeltImporter,
    "csv": TableImporter,
}
_COMMON_OPTIONS: dict[str, Any] = {
    "chunksize": 50_000,
    "encoding": "utf-8",
    "id_prefix": "",
    "na_values": None,
}

ProgressCallback = Callable[[int, int, int], None]


def import_file(
    fmt: str,
    path: str | os.PathLike[str],
    *,
    strict: bool = False,
    on_progress: ProgressCallback | None = None,
    **options: Any,
) -> ImportResult:
    """Import a file of ACLED, UCDP GED or GDELT events, or a table of your own.

    The file is read in chunks, so memory grows with the number of imported incidents, not with
    the file's size. Rows that cannot be imported are left out and listed in
    ``ImportResult.rejected`` with their line number and the reason.

    Parameters
    ----------
    fmt : {"acled", "ucdp", "gdelt", "csv"}
        The layout of the file. ACLED's API, export and version-7 layouts, UCDP's CSV (from
        the download page or the API) and HDX's repackaging of it, and GDELT 2.0 and 1.0 event
        files, with or without a header, are told apart automatically.
    path : path-like
        The file; a ZIP archive holding one table is read without unpacking.
    strict : bool, default False
        Raise instead of leaving out rows that cannot be imported.
    on_progress : callable, optional
        Called after each chunk as ``on_progress(rows_done, bytes_done, bytes_total)`` (bytes of
        the uncompressed text), and once more at the end with ``bytes_done == bytes_total``.
    **options
        Common to every format: ``chunksize`` (rows per chunk, default 50,000), ``encoding``
        (default ``"utf-8"``; a byte-order mark is skipped) and ``id_prefix`` (put before every
        id, e.g. ``"ucdp:"``, to keep ids from different datasets apart in one store) and
        ``na_values`` (whole cells that mean a blank; default ``["NA"]``, as R writes blanks,
        for ACLED, UCDP and GDELT files with a header, none for GDELT's own files and for
        ``csv``; give ``[]`` to keep every text).
        ``gdelt``: ``keep_other`` (keep non-conflict CAMEO events as Strategic developments).
        ``csv``: ``lat``, ``lon``, ``date`` and any schema field name, each naming a column;
        ``source`` and ``url`` columns; ``mapping`` (a dict or JSON file of field to column);
        ``defaults`` (a dict of field to a value for every row); ``date_format`` (a
        ``strptime`` format); ``delimiter``; ``list_separator`` (default ``";"``).

    Returns
    -------
    ImportResult
        Its ``suspect`` rows are the warnings ``geoevents validate`` gives on the incidents
        (the validator is run on them), each with the line it came from.

    Raises
    ------
    UsageError
        For an unknown format or option.
    InputError
        When the file is missing, unreadable, not text, or of another layout (the message
        names the missing columns and the format the file looks like).
    ValidationError
        When no row could be imported, or, with ``strict``, when any row could not.

    Examples
    --------
    >>> result = import_file("ucdp", "ged191.csv")  # doctest: +SKIP
    >>> result.summary()  # doctest: +SKIP
    'ged191.csv: 3,194 of 3,194 rows imported (ucdp-ged), 0 rejected'
    """
    name = fmt.strip().lower() if isinstance(fmt, str) else fmt
    if name not in _IMPORTERS:
        raise UsageError(f"unknown import format {fmt!r}; use one of: {', '.join(FORMATS)}")
    cls = _IMPORTERS[name]
    accepted = {**_COMMON_OPTIONS, **cls.OPTIONS}
    unknown = sorted(set(options) - set(accepted))
    if unknown:
        raise UsageError(
            f"unknown option{'s' if len(unknown) > 1 else ''} {', '.join(unknown)} for format "
            f"{name!r}; it takes: {', '.join(sorted(accepted))}"
        )
    common = {k: options.pop(k, v) for k, v in _COMMON_OPTIONS.items()}
    chunksize = common["chunksize"]
    if not isinstance(chunksize, int) or isinstance(chunksize, bool) or chunksize < 1:
        raise UsageError(f"chunksize must be a whole number >= 1, not {chunksize!r}")
    if on_progress is not None and not callable(on_progress):
        raise UsageError("on_progress must be a function (rows_done, bytes_done, bytes_total)")
    na_values = _na_values(common["na_values"])

    source = open_input(path)
    first = sniff(source, common["encoding"], options.get("delimiter") or None)
    importer = cls(source, first, options)
    if na_values is not None:
        importer.na_values = na_values

    parts: list[pd.DataFrame] = []
    rejected: list[RejectedRow] = []
    suspects: list[SuspectRow] = []
    rows_read = 0
    for chunk in read_chunks(
        source,
        delimiter=importer.delimiter,
        names=importer.names,
        quoting=importer.quoting,
        chunksize=chunksize,
        encoding=common["encoding"],
    ):
        if chunk.hxl:
            importer.saw_hxl()
        rows_read += chunk.rows
        rejected.extend(RejectedRow(line, reason) for line, reason in chunk.bad)
        batch = Batch(importer.prepare(chunk.frame), chunk.lines)
        if batch.n:
            importer.convert(batch)
            part, bad, odd = batch.finish(common["id_prefix"])
            parts.append(part)
            rejected.extend(bad)
            suspects.extend(odd)
        if on_progress is not None:
            on_progress(rows_read, chunk.bytes_done, source.size)
    if on_progress is not None:
        on_progress(rows_read, source.size, source.size)

    table, lines = _assemble(parts, rejected, suspects)
    del parts
    suspects.extend(_plausibility(table, lines))
    rejected.sort(key=lambda r: r.line)
    suspects.sort(key=lambda s: s.line)
    result = ImportResult(
        incidents=table,
        rejected=rejected,
        suspect=suspects,
        rows_read=rows_read,
        detected_format=importer.detected,
        source=source.name,
        skipped=importer.skipped,
    )
    _check_outcome(result, importer, strict)
    return result


def _na_values(value: Any) -> tuple[str, ...] | None:
    """The ``na_values`` option as a tuple of texts (None: the format's own default)."""
    if value is None:
        return None
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list | tuple | set | frozenset) and all(isinstance(v, str) for v in value):
        return tuple(value)
    raise UsageError(
        f"na_values must be a text or a list of texts that mean a blank cell (e.g. ['NA']), "
        f"not {value!r}"
    )


def detect_format(path: str | os.PathLike[str]) -> str | None:
    """Return the format a file looks like (``"acled"``, ``"ucdp"``, ``"gdelt"``) or None.

    Raises
    ------
    InputError
        When the file cannot be read.
    """
    return guess_format(sniff(open_input(path)))


def _plausibility(table: gpd.GeoDataFrame, lines: np.ndarray) -> list[SuspectRow]:
    """The warnings ``geoevents validate`` will give on the imported incidents, by line.

    Running the validator itself (not a copy of its checks) keeps the import summary and every
    later command saying the same thing: a point far outside its country is reported here, at
    the line it came from, instead of first turning up as "N warning(s)" in the next command.
    """
    # The package root re-exports the validator wherever it lives; imported here, not at the
    # top, because the package root is still being imported when this module is.
    from geoevents import validate_frame

    ids = table["id"].to_numpy(dtype=object)
    out = []
    for p in validate_frame(table).warnings:
        # Every column is the schema's, so each warning is about one row (index not None).
        at = p.index if p.index is not None else 0
        reason = f"{p.message}; {p.fix}" if p.fix else p.message
        out.append(SuspectRow(int(lines[at]), str(ids[at]), reason, p.kind))
    return out


def _assemble(
    parts: list[pd.DataFrame], rejected: list[RejectedRow], suspects: list[SuspectRow]
) -> tuple[gpd.GeoDataFrame, np.ndarray]:
    if not parts:
        parts = [Batch(pd.DataFrame(), np.zeros(0, dtype=np.int64)).finish()[0]]
    # Column by column, dropping each from the parts once copied, so that at most one column
    # exists twice at a time.
    cols: dict[str, Any] = {}
    for name in (*schema.COLUMNS, "_line", "geometry"):
        pieces = [p.pop(name) for p in parts]
        if name in schema.LIST_FIELDS or name == "geometry":
            cols[name] = np.concatenate([p.to_numpy(dtype=object) for p in pieces])
        elif name == "_line":
            cols[name] = np.concatenate([p.to_numpy() for p in pieces])
        else:
            cols[name] = pd.concat(pieces, ignore_index=True)
        del pieces
    parts.clear()
    lines = cols.pop("_line")
    geometry = gpd.GeoSeries(cols.pop("geometry"), crs=schema.CRS)
    table = gpd.GeoDataFrame(cols, geometry=geometry, crs=schema.CRS)
    del cols
    dup = table["id"].duplicated(keep="first").to_numpy(dtype=bool)
    if dup.any():
        first_line = pd.Series(lines[~dup], index=table["id"][~dup].to_numpy())
        for ident, line in zip(table["id"][dup], lines[dup], strict=True):
            rejected.append(
                RejectedRow(
                    int(line),
                    f'id "{ident}" is already used by line {int(first_line[ident])}; '
                    "the file has the same event twice (only the first is imported)",
                    None,
                    None,
                    str(ident),
                )
            )
        dropped = set(lines[dup].tolist())
        suspects[:] = [s for s in suspects if s.line not in dropped]
        table = table.loc[~dup].reset_index(drop=True)
        lines = lines[~dup]
    return table, lines


def _check_outcome(result: ImportResult, importer: Importer, strict: bool) -> None:
    name = result.source
    if result.rejected and strict:
        n = len(result.rejected)
        raise ValidationError(
            f"{name}: {n:,} row{'s' if n != 1 else ''} could not be imported (strict mode; "
            f"without it they are left out and reported):\n{list_rejected(result.rejected)}",
            problems_report(name, result.rejected, [], result.rows_read),
        )
    if len(result.incidents):
        return
    if result.rows_read == 0:
        msg = f"{name}: nothing to import: the file has no data rows under the header"
    elif result.rejected:
        msg = (
            f"{name}: nothing could be imported: all {result.rows_read:,} rows were rejected"
            + (f" or skipped ({result.skipped:,} skipped)" if result.skipped else "")
            + f":\n{list_rejected(result.rejected)}"
        )
    else:
        msg = f"{name}: nothing could be imported: {importer.nothing_imported_hint()}"
    raise ValidationError(msg, problems_report(name, result.rejected, [], result.rows_read))
