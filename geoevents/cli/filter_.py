"""``geoevents filter``: write the selected incidents to a new store."""

from __future__ import annotations

import click

from geoevents.cli.on_cluster import select_on
from geoevents.cli.options import (
    filter_options,
    force_option,
    input_argument,
    output_option,
    scheduler_option,
    skip_invalid_option,
)
from geoevents.cli.output import counted, echo_geojson
from geoevents.cli.reading import inputs_of
from geoevents.criteria import Criteria

__all__ = ["command"]


@click.command("filter")
@input_argument
@filter_options
@skip_invalid_option
@output_option(
    required=True,
    metavar="FILE|-",
    help="Where to write the selection: a .geojson/.parquet/.gpkg/.csv file, or - for "
    "GeoJSON on stdout.",
)
@force_option()
@scheduler_option
def command(
    path: str,
    criteria: Criteria,
    output: str,
    force: bool,
    skip_invalid: bool,
    scheduler: str | None,
) -> None:
    """Write the incidents that match the filters to a new store.

    \b
    Example:
      geoevents filter --type Battles --start 2017 -o output/battles-2017.geojson
    """
    from geoevents.io.atomic import check_target
    from geoevents.io.formats import write_incidents

    inputs = inputs_of(path)
    if output != "-":
        check_target(output, inputs=inputs)  # before the work: never an input or a device
    gdf = select_on(scheduler, path, criteria, skip_invalid)
    if output == "-":
        echo_geojson(gdf)
        return
    write_incidents(gdf, output, overwrite=force, inputs=inputs)
    click.echo(f"{output}: {counted(len(gdf))}", err=True)
