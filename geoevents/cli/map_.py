"""``geoevents map``: the selected incidents as one self-contained HTML map."""

from __future__ import annotations

import datetime as dt
import os
import time
from pathlib import Path

import click

from geoevents.cli.options import (
    filter_options,
    force_option,
    input_argument,
    output_option,
    skip_invalid_option,
)
from geoevents.cli.output import counted, progress
from geoevents.cli.reading import inputs_of, select
from geoevents.criteria import Criteria
from geoevents.errors import OutputError

__all__ = ["command"]


def _is_geoevents_map(path: Path) -> bool:
    """True when ``path`` holds a map geoevents wrote (safe to replace without --force)."""
    try:
        with open(path, "rb") as fh:
            return b"geoeventsReady" in fh.read()
    except OSError:
        return False


def _timestamp(given: str | None) -> str | None:
    """--timestamp wins; else SOURCE_DATE_EPOCH (reproducible builds); else none at all."""
    if given:
        return given
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if not epoch:
        return None
    try:
        moment = dt.datetime.fromtimestamp(int(epoch), tz=dt.timezone.utc)
    except (ValueError, OverflowError, OSError):
        raise click.UsageError(
            f"SOURCE_DATE_EPOCH={epoch!r} is not a Unix time in seconds"
        ) from None
    return moment.strftime("%Y-%m-%d %H:%M UTC")


@click.command("map")
@input_argument
@filter_options
@skip_invalid_option
@output_option(
    default="output/incidents.html",
    show_default=True,
    help="The HTML file to write (its folder is created).",
)
@click.option(
    "--layer-by",
    default="event_type",
    show_default=True,
    metavar="FIELD",
    help="One overlay per value of FIELD (e.g. country, actor1, confidence, date_precision).",
)
@click.option("--cluster", is_flag=True, help="Cluster nearby incidents (per category).")
@click.option("--heatmap", is_flag=True, help="Add a heat-map overlay.")
@click.option("--timeline", is_flag=True, help="Add a date-range slider to the map.")
@click.option(
    "--tiles",
    default="osm",
    show_default=True,
    metavar="NAME",
    help="Background tiles: osm, none, or an xyzservices provider name. Tiles need the network; "
    "borders and incidents do not.",
)
@click.option("--title", default=None, help="Title shown on the map (default: the file name).")
@click.option(
    "--timestamp",
    default=None,
    metavar="TEXT",
    help="Show when the map was made (default: nothing, or SOURCE_DATE_EPOCH if set), so the "
    "same input gives the same bytes.",
)
@click.option(
    "--engine",
    type=click.Choice(["auto", "classic", "large"]),
    default="auto",
    show_default=True,
    help="classic: one Leaflet layer per incident; large: compressed columns drawn on a canvas "
    "(for tens of thousands to millions of incidents); auto: large from 10,001 incidents on.",
)
@force_option(help="Replace OUTPUT even if it is not a geoevents map.")
def command(
    path: str,
    criteria: Criteria,
    skip_invalid: bool,
    output: str,
    layer_by: str,
    cluster: bool,
    heatmap: bool,
    timeline: bool,
    tiles: str,
    title: str | None,
    timestamp: str | None,
    engine: str,
    force: bool,
) -> None:
    """Draw the incidents as a layered map in one self-contained HTML file.

    The file opens from disk with no network: scripts, styles and country borders are inside it.
    Each category (event type by default) is an overlay you can switch off; popups show every
    field and source as text; incidents known only to a region are drawn as areas.

    \b
    Example:
      geoevents map --start 2017-10 --end 2017-10 --timeline -o output/oct-2017.html
    """
    from geoevents.io.atomic import check_target
    from geoevents.io.digest import file_sha256
    from geoevents.render import MapInfo, build_map, save_map
    from geoevents.render.build import LARGE_ENGINE_MIN, choose_engine

    dest = Path(output)
    if dest.is_dir():
        raise OutputError(f"{dest}: is a directory; name an .html file, e.g. {dest}/map.html")
    # Never the input, a device or a FIFO, with or without --force (and before reading it).
    check_target(dest, inputs=inputs_of(path))
    if dest.exists() and not force and not _is_geoevents_map(dest):
        raise OutputError(
            f"{dest}: exists and is not a geoevents map; pass --force to replace it, or choose "
            "another -o"
        )
    stamp = _timestamp(timestamp)
    choose_engine(engine, 0, cluster=cluster)  # refuse --engine large --cluster before reading
    started = time.perf_counter()
    # Free text stays arrow-backed from the reader to the encoder: it is only encoded here.
    gdf = select(path, criteria, skip_invalid, arrow_text=True)
    large = len(gdf) >= LARGE_ENGINE_MIN
    if large:
        progress(f"{path}: {len(gdf)} incidents read in {time.perf_counter() - started:.1f} s")
    info = MapInfo(
        source_name=Path(path).name,
        sha256=file_sha256(path),
        filters=tuple(criteria.describe()),
        timestamp=stamp,
    )
    m = build_map(
        gdf,
        layer_by=layer_by,
        cluster=cluster,
        heatmap=heatmap,
        timeline=timeline,
        tiles=tiles,
        title=title or Path(path).name,
        info=info,
        engine=engine,
    )
    save_map(m, dest)
    if large:
        size = dest.stat().st_size / 1e6
        progress(f"{dest}: {size:.1f} MB written in {time.perf_counter() - started:.1f} s in all")
    click.echo(f"{dest}: {counted(len(gdf))}")
