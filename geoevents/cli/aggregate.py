"""``geoevents aggregate``: incidents per H3 cell or per country, for other tools."""

from __future__ import annotations

import dataclasses
import datetime as dt

import click

from geoevents.aggregation.build import AGGREGATE_BY
from geoevents.aggregation.change import MIN_COUNT
from geoevents.aggregation.hexes import DEFAULT_RESOLUTION
from geoevents.aggregation.windows import parse_length
from geoevents.cli.options import (
    filter_options,
    force_option,
    input_argument,
    output_option,
    scheduler_option,
    skip_invalid_option,
)
from geoevents.cli.output import counted
from geoevents.cli.reading import load_store
from geoevents.criteria import Criteria
from geoevents.errors import UsageError

__all__ = ["command"]


def _length(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    if value is not None:
        try:
            parse_length(value)
        except UsageError as exc:
            raise click.BadParameter(str(exc)) from None
    return value


@click.command("aggregate")
@input_argument
@filter_options
@skip_invalid_option
@output_option(
    required=True,
    help="Where to write the aggregates: a .geojson, .parquet (GeoParquet) or .csv file.",
)
@force_option()
@click.option(
    "--by",
    type=click.Choice(AGGREGATE_BY),
    default="hex",
    show_default=True,
    help="H3 hexagons, or countries (by iso3, Natural Earth polygons).",
)
@click.option(
    "--resolution",
    type=click.IntRange(0, 15),
    default=DEFAULT_RESOLUTION,
    show_default=True,
    help="H3 resolution of --by hex (5: cells of about 250 km²).",
)
@click.option(
    "--window",
    callback=_length,
    metavar="LENGTH",
    help="The change window: the last LENGTH (30d, 12w, 3m, 1y) up to --end or the latest "
    "incident, against the LENGTH before it. Default: the --start/--end range, if given.",
)
@click.option(
    "--min-count",
    type=click.IntRange(min=1),
    default=MIN_COUNT,
    show_default=True,
    help='Fewer incidents than this in both windows is the change class "too few".',
)
@scheduler_option
def command(
    path: str,
    criteria: Criteria,
    output: str,
    force: bool,
    skip_invalid: bool,
    by: str,
    resolution: int,
    window: str | None,
    min_count: int,
    scheduler: str | None,
) -> None:
    """Write incidents per H3 cell or per country: count, fatalities, change, first and last date.

    The change class compares the window (the --start/--end range, or --window) with the
    previous window of the same length: sharp rise, rise, stable, fall, sharp fall, or too few.

    \b
    Example:
      geoevents aggregate --start 2017-10 --end 2017-10 --by country -o output/countries.csv
    """
    from geoevents.aggregation import aggregate, write_aggregates
    from geoevents.filters import filter_incidents

    if window is not None and criteria.start is not None:
        raise click.UsageError("--window sets the start of the window; drop --start")
    pool_criteria = dataclasses.replace(criteria, start=None, end=None)
    if scheduler:
        read = _pushed(criteria, window, by, pool_criteria)
        from geoevents.cli.on_cluster import client_of, cluster_selection

        with (
            client_of(scheduler) as client,
            cluster_selection(
                client, path, pool_criteria, skip_invalid, allow_empty=True, read_criteria=read
            ) as pool_on,
        ):
            span = _span(criteria, window, *pool_on.dates())
            current = _current(criteria, span)
            selected = pool_on.refine(current, allow_empty=False).count
            table = pool_on.aggregate(by, resolution, span, min_count)
        write_aggregates(table, output, overwrite=force)
    else:
        from geoevents._gc import gc_frozen
        from geoevents.aggregation.dates import incident_dates

        gdf = load_store(path, skip_invalid=skip_invalid)
        with gc_frozen():
            pool = gdf if pool_criteria.is_empty() else filter_incidents(gdf, pool_criteria)
            dated = window is not None or criteria.start is not None or criteria.end is not None
            # The data's first and last dates close an open window; only then are they needed.
            first, last = incident_dates(pool).bounds() if dated and len(pool) else (None, None)
            span = _span(criteria, window, first, last)
            table = aggregate(pool, by, resolution=resolution, window=span, min_count=min_count)
            selected = int(table["incidents"].sum())
            if not selected or (span is None and dated):
                # Nothing counted, or a range beyond the data: the filter names what emptied it.
                current = _current(criteria, span)
                selected = len(filter_incidents(gdf, current, allow_empty=False))
            write_aggregates(table, output, overwrite=force)
    what = f"{counted(len(table), 'cell')} (H3 resolution {resolution})" if by == "hex" else None
    what = what or f"{len(table):,} countr{'y' if len(table) == 1 else 'ies'}"
    window_text = f", window {span[0]} to {span[1]}" if span else ""
    click.echo(f"{output}: {what}, {counted(selected)}{window_text}", err=True)


def _span(
    criteria: Criteria, window: str | None, first: str | None, last: str | None
) -> tuple[dt.date, dt.date] | None:
    """The change window: ``--window`` up to --end or the latest incident; else the
    --start/--end range, open ends closed by the earliest (``first``) and latest (``last``)
    dates of the incidents."""
    from geoevents.aggregation import window_ending

    if window is not None:
        end = criteria.end_date
        if end is None and last:
            end = last
        return window_ending(Criteria(end=end).end_date, window) if end else None
    if criteria.start is not None or criteria.end is not None:
        start, end = criteria.start or first, criteria.end or last
        if start and end:
            low, high = Criteria(start=start).start_date, Criteria(end=end).end_date
            # A range beyond the data selects nothing: the filter says so.
            return (low, high) if low <= high else None
    return None


def _pushed(criteria: Criteria, window: str | None, by: str, pool: Criteria) -> Criteria:
    """What a cluster reads of the store: with --start and --end (and cells, whose output
    depends on nothing else) the window is known before reading, so the partitions need only
    the rows of it and of the previous window; otherwise every row the other filters keep."""
    from geoevents.aggregation import previous_window

    known = _span(criteria, window, None, None) if window is None and by == "hex" else None
    if known is None or criteria.start is None or criteria.end is None:
        return pool
    return dataclasses.replace(criteria, start=previous_window(known)[0], end=known[1])


def _current(criteria: Criteria, span: tuple[dt.date, dt.date] | None) -> Criteria:
    """The filters of the window counted."""
    if span is None:
        return criteria
    return dataclasses.replace(criteria, start=span[0], end=span[1])
