"""``geoevents convert``: a store from one format to another."""

from __future__ import annotations

import click

from geoevents import schema
from geoevents.cli.options import force_option
from geoevents.cli.output import counted
from geoevents.cli.reading import inputs_of, load_store

__all__ = ["command"]


@click.command("convert")
@click.argument("src", type=click.Path(dir_okay=True, path_type=str))
@click.argument("dest", type=click.Path(path_type=str))
@force_option("DEST")
@click.option(
    "--partition-by",
    type=click.Choice(schema.PARTITION_KEYS),
    help="Write DEST as a folder of GeoParquet files, one key=value/ folder per value "
    "(year: of date_start); every command reads it back as one store.",
)
def command(src: str, dest: str, force: bool, partition_by: str | None) -> None:
    """Convert a store between GeoJSON, GeoParquet (.parquet), GeoPackage (.gpkg) and CSV.

    The format is chosen by each file's extension; every field survives the round trip.
    SRC may also be a folder or a glob of GeoParquet files, read as one store.

    \b
    Examples:
      geoevents convert data/incidents.geojson output/incidents.parquet
      geoevents convert data/incidents.geojson output/by-year --partition-by year
    """
    from geoevents.io.atomic import check_target
    from geoevents.io.formats import write_incidents

    inputs = inputs_of(src)
    check_target(dest, inputs=inputs, directory=partition_by is not None)  # before the work
    gdf = load_store(src)
    write_incidents(gdf, dest, overwrite=force, partition_by=partition_by, inputs=inputs)
    click.echo(f"{dest}: {counted(len(gdf))}", err=True)
