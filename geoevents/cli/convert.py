"""``geoevents convert``: a store from one format to another."""

from __future__ import annotations

from pathlib import Path

import click

from geoevents.cli.options import force_option
from geoevents.cli.output import counted
from geoevents.cli.reading import load_store
from geoevents.errors import OutputError

__all__ = ["command"]


@click.command("convert")
@click.argument("src", type=click.Path(dir_okay=True, path_type=str))
@click.argument("dest", type=click.Path(path_type=str))
@force_option("DEST")
def command(src: str, dest: str, force: bool) -> None:
    """Convert a store between GeoJSON, GeoParquet (.parquet), GeoPackage (.gpkg) and CSV.

    The format is chosen by each file's extension; every field survives the round trip.

    \b
    Example:
      geoevents convert data/incidents.geojson output/incidents.parquet
    """
    from geoevents.io.formats import write_incidents

    gdf = load_store(src)
    if Path(dest).resolve() == Path(src).resolve():
        raise OutputError(f"{dest}: is the input file; choose another destination")
    write_incidents(gdf, dest, overwrite=force)
    click.echo(f"{dest}: {counted(len(gdf))}", err=True)
