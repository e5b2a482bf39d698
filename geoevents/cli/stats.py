"""``geoevents stats``: counts and reported fatalities by a field or a period."""

from __future__ import annotations

import click

from geoevents.cli.figure import size_option
from geoevents.cli.options import (
    filter_options,
    force_option,
    input_argument,
    scheduler_option,
    skip_invalid_option,
)
from geoevents.cli.output import counted, csv_text, echo_json, table_text
from geoevents.cli.reading import select
from geoevents.criteria import Criteria
from geoevents.stats import PERIODS, STATS_BY

__all__ = ["command"]


@click.command("stats")
@input_argument
@filter_options
@skip_invalid_option
@click.option(
    "--by",
    type=click.Choice(STATS_BY),
    default="event_type",
    show_default=True,
    help="What to group by.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "csv", "json"]),
    default="table",
    show_default=True,
)
@click.option(
    "--plot",
    metavar="OUT.png|svg|pdf",
    help="Also draw the counts per period, stacked by event type (needs a period --by).",
)
@size_option
@force_option("the --plot file")
@scheduler_option
def command(
    path: str,
    criteria: Criteria,
    by: str,
    fmt: str,
    skip_invalid: bool,
    plot: str | None,
    size: str,
    force: bool,
    scheduler: str | None,
) -> None:
    """Count incidents and reported fatalities by type, country, period or actor.

    Fatalities sum the reported figures only; incidents with no reported figure are counted
    in the "unreported" column, not as zero. By period (day, week, month, year), an incident
    counts in the period that holds all of its dates (widened to its date_precision);
    the others count once in an "imprecise" row. Empty periods are listed as 0.

    \b
    Example:
      geoevents stats --by country --start 2017
    """
    from geoevents.stats import count_note, incident_stats, with_total

    if plot is not None and scheduler:
        raise click.UsageError("--plot draws in-process; drop --scheduler or --plot")
    if plot is not None:
        from geoevents.figures.save import figure_format

        if by not in PERIODS:
            raise click.UsageError(f"--plot needs --by {'|'.join(PERIODS)}")
        figure_format(plot)
    if scheduler:
        from geoevents.cli.on_cluster import client_of, cluster_selection

        with (
            client_of(scheduler) as client,
            cluster_selection(client, path, criteria, skip_invalid) as selection,
        ):
            table, count = selection.stats(by), selection.count
    else:
        gdf = select(path, criteria, skip_invalid)
        table, count = incident_stats(gdf, by), len(gdf)
    note = count_note(by, table, count)
    rows = table.to_dict("records")
    if fmt == "json":
        echo_json(rows)
    elif fmt == "csv":
        click.echo(csv_text(rows, list(table.columns)), nl=False)
    else:
        totals = with_total(table, by).to_dict("records")
        right = set(range(1, len(table.columns)))
        click.echo(table_text([list(r.values()) for r in totals], list(table.columns), right))
    if note:
        # Under the table it belongs to; apart from CSV and JSON, which programs read.
        click.echo(note, err=fmt != "table")
    if plot is not None:
        from geoevents.figures import plot_counts

        plot_counts(gdf, plot, by=by, source=path, size=size, overwrite=force)
        click.echo(f"{plot}: {by} counts of {counted(len(gdf))}", err=True)
