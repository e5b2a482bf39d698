"""``geoevents stats``: counts and reported fatalities by a field."""

from __future__ import annotations

import click

from geoevents.cli.options import filter_options, input_argument, skip_invalid_option
from geoevents.cli.output import csv_text, echo_json, table_text
from geoevents.cli.reading import select
from geoevents.criteria import Criteria
from geoevents.stats import STATS_BY

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
def command(path: str, criteria: Criteria, by: str, fmt: str, skip_invalid: bool) -> None:
    """Count incidents and reported fatalities by type, country, year, month or actor.

    Fatalities sum the reported figures only; incidents with no reported figure are counted
    in the "unreported" column, not as zero.

    \b
    Example:
      geoevents stats --by country --start 2017
    """
    from geoevents.stats import incident_stats

    table = incident_stats(select(path, criteria, skip_invalid), by)
    rows = table.to_dict("records")
    if fmt == "json":
        echo_json(rows)
    elif fmt == "csv":
        click.echo(csv_text(rows, list(table.columns)), nl=False)
    else:
        right = set(range(1, len(table.columns)))
        click.echo(table_text([list(r.values()) for r in rows], list(table.columns), right))
