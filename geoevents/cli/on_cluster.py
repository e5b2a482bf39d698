"""Commands on a Dask cluster (``--scheduler``): connect, select, log as in-process."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from geoevents.cli.reading import log_skipped, log_warnings, select

if TYPE_CHECKING:  # pragma: no cover
    import geopandas as gpd
    from distributed import Client

    from geoevents.cluster.run import Selection
    from geoevents.criteria import Criteria

__all__ = ["client_of", "cluster_points", "cluster_selection", "select_on"]


@contextlib.contextmanager
def client_of(scheduler: str) -> Iterator[Client]:
    """A client of the scheduler, closed on exit (a one-line error when it is not there)."""
    from geoevents.cluster.session import connect

    with connect(scheduler) as client:
        yield client


@contextlib.contextmanager
def cluster_selection(
    client: Client, path: str, criteria: Criteria, skip_invalid: bool, **options: Any
) -> Iterator[Selection]:
    """The selection on the cluster, its warnings and skipped rows logged as in-process."""
    from geoevents.cluster.run import select
    from geoevents.errors import ValidationError

    try:
        selection = select(client, path, criteria, skip_invalid=skip_invalid, **options)
    except ValidationError as exc:
        if exc.report is not None:
            log_warnings(path, exc.report)
        raise
    log_warnings(path, selection.report)
    log_skipped(path, selection.report, selection.skipped)
    yield selection


def select_on(
    scheduler: str | None, path: str, criteria: Criteria, skip_invalid: bool = False
) -> gpd.GeoDataFrame:
    """:func:`~geoevents.cli.reading.select`, on the Dask cluster of ``scheduler`` if given."""
    if not scheduler:
        return select(path, criteria, skip_invalid)
    with (
        client_of(scheduler) as client,
        cluster_selection(client, path, criteria, skip_invalid) as selection,
    ):
        return selection.frame()


def cluster_points(
    scheduler: str, path: str, criteria: Criteria, skip_invalid: bool, max_points: int
) -> tuple[gpd.GeoDataFrame, str]:
    """The selection for a map, and the store's SHA-256; a selection of more than
    ``max_points`` is refused in one line naming a ``--start`` that brings it within."""
    import click

    with (
        client_of(scheduler) as client,
        cluster_selection(client, path, criteria, skip_invalid) as selection,
    ):
        if selection.count > max_points:
            raise click.ClickException(_too_many(selection, max_points))
        return selection.frame(), selection.sha256()


def _too_many(selection: Selection, max_points: int) -> str:
    months = selection.months()
    # Incidents from each month on: --start M keeps those whose last day is in M or later.
    from_month = months[::-1].cumsum()[::-1]
    fits = from_month[from_month <= max_points]
    hint = (
        f"e.g. --start {fits.index[0]} keeps {int(fits.iloc[0]):,}"
        if len(fits)
        else "even its last month has more: add --bbox, --country or --type"
    )
    return (
        f"{selection.count:,} incidents match, more than --max-points {max_points:,} brings "
        f"into a map; narrow the selection ({hint}), or map the counts per cell with "
        "geoevents aggregate --scheduler"
    )
