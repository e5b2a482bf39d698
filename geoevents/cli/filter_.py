"""``geoevents filter``: write the selected incidents to a new store."""

from __future__ import annotations

from pathlib import Path

import click

from geoevents.cli.options import (
    filter_options,
    force_option,
    input_argument,
    output_option,
    skip_invalid_option,
)
from geoevents.cli.output import counted, echo_geojson
from geoevents.cli.reading import select
from geoevents.criteria import Criteria
from geoevents.errors import OutputError

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
def command(path: str, criteria: Criteria, output: str, force: bool, skip_invalid: bool) -> None:
    """Write the incidents that match the filters to a new store.

    \b
    Example:
      geoevents filter --type Battles --start 2017 -o output/battles-2017.geojson
    """
    from geoevents.io.formats import write_incidents

    gdf = select(path, criteria, skip_invalid)
    if output == "-":
        echo_geojson(gdf)
        return
    if Path(output).resolve() == Path(path).resolve():
        raise OutputError(f"{output}: is the input file; write the selection to another file")
    write_incidents(gdf, output, overwrite=force)
    click.echo(f"{output}: {counted(len(gdf))}", err=True)
