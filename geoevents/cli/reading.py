"""Reading a store for a command: validated, its warnings and skipped rows logged on stderr."""

from __future__ import annotations

from typing import TYPE_CHECKING

from geoevents.cli.output import SHOWN_PROBLEMS, log
from geoevents.problems import first_lines

if TYPE_CHECKING:  # pragma: no cover
    import geopandas as gpd

    from geoevents.criteria import Criteria
    from geoevents.problems import ValidationReport

__all__ = ["inputs_of", "load_store", "log_skipped", "log_warnings", "select"]


def inputs_of(path: str) -> list[str]:
    """What a command reading ``path`` reads: the path, and each file a glob names.

    A writer is handed these so that it never replaces one of them (see
    :func:`geoevents.io.atomic.check_target`).
    """
    from geoevents.io.stores import is_pattern, parquet_parts

    if is_pattern(path):
        return [path, *map(str, parquet_parts(path))]
    return [path]


def log_warnings(path: str, report: ValidationReport) -> None:
    """Log the first warnings of a store's report, and how many there are."""
    # Formatted only as far as shown: a store can draw a million warnings.
    for line in report.warnings.formatted(report.source)[:SHOWN_PROBLEMS]:
        log.info("%s", line)
    if report.warnings:
        log.warning(
            "%s: %d warning(s); run `geoevents validate %s` to see them",
            path,
            len(report.warnings),
            path,
        )


def log_skipped(path: str, report: ValidationReport, skipped: int) -> None:
    """Name the incidents left out for their errors (with --skip-invalid)."""
    if skipped:
        # Name what was left out: an analyst must be able to find and fix those rows.
        errors = report.errors.formatted(report.source)
        then = f"; run `geoevents validate {path}` to see them all"
        for line in first_lines(errors, SHOWN_PROBLEMS, then=then):
            log.warning("%s", line)
        log.warning("%s: skipped %d invalid incident(s)", path, skipped)


def load_store(
    path: str,
    *,
    skip_invalid: bool = False,
    arrow_text: bool = False,
    criteria: Criteria | None = None,
) -> gpd.GeoDataFrame:
    """Read and validate a store; log its warnings; raise on errors (unless skipping them).

    ``arrow_text``: free text may stay arrow-backed (see :func:`geoevents.io.read_incidents`).
    ``criteria``: a GeoParquet store's rows that cannot match are not read (nor checked);
    the caller still filters exactly.
    """
    from geoevents.io.formats import read_incidents, usable_incidents

    gdf, report, bad = read_incidents(path, arrow_text=arrow_text, criteria=criteria)
    log_warnings(path, report)
    usable = usable_incidents(gdf, report, bad, skip_invalid=skip_invalid, consume=True)
    del gdf
    log_skipped(path, report, len(bad))
    return usable


def select(
    path: str, criteria: Criteria, skip_invalid: bool = False, *, arrow_text: bool = False
) -> gpd.GeoDataFrame:
    """The incidents of ``path`` that match ``criteria``; an empty selection is an error."""
    from geoevents.filters import filter_incidents

    # As on a cluster: what the files' filter leaves out is neither read nor checked (a
    # month of a five-million-row store is read in seconds, not the whole store).
    gdf = load_store(path, skip_invalid=skip_invalid, arrow_text=arrow_text, criteria=criteria)
    return filter_incidents(gdf, criteria, allow_empty=False)
