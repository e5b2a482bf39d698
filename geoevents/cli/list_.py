"""``geoevents list``: the selected incidents, one per line (or as CSV, JSON, GeoJSON)."""

from __future__ import annotations

from typing import Any

import click

from geoevents import schema
from geoevents.cli.on_cluster import select_on
from geoevents.cli.options import (
    filter_options,
    input_argument,
    scheduler_option,
    skip_invalid_option,
)
from geoevents.cli.output import (
    PLACE_COLUMNS,
    counted,
    csv_text,
    echo_geojson,
    echo_json,
    records,
    table_text,
)
from geoevents.criteria import Criteria

__all__ = ["command"]

HEADERS = ["id", "date", "type", "place", "deaths", "title"]


def _row(r: dict[str, Any]) -> tuple[Any, ...]:
    same_day = r["date_end"] == r["date_start"]
    return (
        r["id"],
        r["date_start"] if same_day else f"{r['date_start']}..{r['date_end']}",
        r["event_type"],
        ", ".join(v for v in (r["location"], r["iso3"] or r["country"]) if v),
        "n/r" if r["fatalities"] is None else r["fatalities"],
        r["title"],
    )


@click.command("list")
@input_argument
@filter_options
@skip_invalid_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "csv", "json", "geojson"]),
    default="table",
    show_default=True,
    help="table for reading; csv/json (every property plus lon, lat, and wkt for lines and "
    "areas) or geojson for tools.",
)
@scheduler_option
def command(
    path: str, criteria: Criteria, fmt: str, skip_invalid: bool, scheduler: str | None
) -> None:
    """List incidents, one per line.

    \b
    Example:
      geoevents list --start 2017-10 --end 2017-10 --country IRQ
    """
    gdf = select_on(scheduler, path, criteria, skip_invalid)
    if fmt == "geojson":
        echo_geojson(gdf)
        return
    rows = records(gdf)
    if fmt == "json":
        echo_json(rows)
    elif fmt == "csv":
        click.echo(csv_text(rows, [*schema.COLUMNS, *PLACE_COLUMNS]), nl=False)
    else:
        click.echo(table_text([_row(r) for r in rows], HEADERS, right={4}))
        click.echo(counted(len(rows)), err=True)
