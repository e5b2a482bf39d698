"""``geoevents map``: the selected incidents as one self-contained HTML map."""

from __future__ import annotations

import datetime as dt
import os
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import click

from geoevents.aggregation.hexes import DEFAULT_RESOLUTION
from geoevents.cli.options import (
    filter_options,
    force_option,
    input_argument,
    output_option,
    scheduler_option,
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


def _tiles_key(given: tuple[str, ...]) -> str | dict[str, str] | None:
    """--tiles-key KEY for a provider's one key field, NAME=KEY (repeated) for several."""
    if not given:
        return None
    if len(given) == 1 and "=" not in given[0]:
        return given[0]
    named = {}
    for item in given:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise click.BadParameter(
                f"{item!r}: give one KEY, or NAME=KEY for each key field", param_hint="--tiles-key"
            )
        named[name.strip()] = value
    return named


@click.command("map")
@input_argument
@filter_options
@skip_invalid_option
@output_option(
    default="output/incidents.html",
    show_default=True,
    help="The HTML file to write (its folder is created); - writes the page to stdout.",
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
@click.option(
    "--timeline",
    is_flag=True,
    help="Add the time control: a histogram of the incidents with a brush, playback, compare.",
)
@click.option(
    "--tiles",
    default="none",
    show_default=True,
    metavar="NAME",
    help="Background tiles: none (the offline basemap: the file contacts no host), osm, or an "
    "xyzservices provider name. A tile layer tells its host which region you look at.",
)
@click.option(
    "--tiles-key",
    "tiles_key",
    multiple=True,
    envvar="GEOEVENTS_TILES_KEY",
    metavar="KEY",
    help="API key of a --tiles provider that needs one (NAME=KEY for each field of one that "
    "needs several); or set GEOEVENTS_TILES_KEY. It is written into the map file.",
)
@click.option(
    "--style",
    type=click.Choice(["light", "dark"]),
    default="light",
    show_default=True,
    help="The offline basemap: land, sea, borders and place names.",
)
@click.option(
    "--size-by",
    type=click.Choice(["fatalities"]),
    default=None,
    help="Size points by their deaths (area grows with the count, capped); not reported is "
    "drawn apart from 0; adds a size legend.",
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
@click.option(
    "--view",
    type=click.Choice(["auto", "points", "hex", "both"]),
    default="auto",
    show_default=True,
    help="points: the incidents; hex: H3 hexagons counting the shown incidents; both; auto: "
    "hex from 10,001 incidents on. The page switches between them.",
)
@click.option(
    "--hex-resolution",
    type=click.IntRange(0, 15),
    default=DEFAULT_RESOLUTION,
    show_default=True,
    help="H3 resolution of the hexagons (as geoevents aggregate --resolution); below 200,000 "
    "incidents the map also carries the resolutions two steps coarser and finer, for other "
    "zooms.",
)
@click.option(
    "--max-points",
    type=click.IntRange(min=1),
    default=None,
    metavar="N",
    help="Map up to N incidents (default 2,000,000: a larger page is more than a browser "
    "holds well; with --scheduler, what the map brings in from the cluster); for a machine "
    "and browser you know can take more.",
)
@force_option(help="Replace OUTPUT even if it is not a geoevents map.")
@scheduler_option
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
    tiles_key: tuple[str, ...],
    style: str,
    size_by: str | None,
    title: str | None,
    timestamp: str | None,
    engine: str,
    view: str,
    hex_resolution: int,
    max_points: int | None,
    force: bool,
    scheduler: str | None,
) -> None:
    """Draw the incidents as a layered map in one self-contained HTML file.

    The file opens from disk with no network: scripts, styles and country borders are inside it.
    Each category (event type by default) is an overlay you can switch off; popups show every
    field and source as text; incidents known only to a region are drawn as areas.

    \b
    Example:
      geoevents map --start 2017-10 --end 2017-10 --timeline -o output/oct-2017.html
    """
    from geoevents._gc import gc_paused
    from geoevents.io.atomic import check_target
    from geoevents.io.census import matching_rows, stored_rows
    from geoevents.io.digest import store_sha256
    from geoevents.io.memory import MAP_MAX_INCIDENTS, check_map_size
    from geoevents.render.engines import LARGE_ENGINE_MIN, choose_engine
    from geoevents.render.info import MapInfo
    from geoevents.render.tiles import tile_source

    dest = Path(output)
    to_stdout = output == "-"  # as filter and extract take it, not a file named "-"
    if not to_stdout and dest.is_dir():
        raise OutputError(f"{dest}: is a directory; name an .html file, e.g. {dest}/map.html")
    # Never the input, a device or a FIFO, with or without --force (and before reading it).
    if not to_stdout:
        check_target(dest, inputs=inputs_of(path))
    if not to_stdout and dest.exists() and not force and not _is_geoevents_map(dest):
        raise OutputError(
            f"{dest}: exists and is not a geoevents map; pass --force to replace it, or choose "
            "another -o"
        )
    stamp = _timestamp(timestamp)
    choose_engine(engine, 0, cluster=cluster)  # refuse --engine large --cluster before reading
    tile_source(tiles, _tiles_key(tiles_key))  # and unknown tiles, or a missing key
    # The page's modules (folium, branca, jinja) once the options are known good, and before
    # the store is read: imported after it, the collector walked the million incidents'
    # objects again while their modules were made (0.13 s).
    from geoevents.render import build_map, save_map
    from geoevents.render.save import render_html

    # Too many to map: refused before reading when the metadata tells and no filter (nor
    # --skip-invalid) can make the selection smaller.
    filtered = criteria.describe() or skip_invalid
    stored = stored_rows(path) if not (filtered or scheduler) else None
    if stored is not None:
        check_map_size(stored, path, max_points=max_points)
    elif criteria.describe() and not (skip_invalid or scheduler):
        # Filtered by dates, event types or a box alone: the files' own filter counts (at
        # least) the selection from those columns, before gigabytes are read and checked.
        kept = matching_rows(path, criteria)
        if kept is not None:
            check_map_size(kept, path, max_points=max_points, at_most=True)
    # The collector is off for the whole command: the store read is a million shapely objects
    # and the checks and the page make millions of containers more, none in a cycle; walked
    # again and again (as they were once the reader let the collector go on), they cost
    # 0.2-0.4 s at a million. The process ends at once when the map is written.
    with gc_paused():
        started = time.perf_counter()
        if scheduler:
            from geoevents.cli.on_cluster import cluster_points

            limit = max_points or MAP_MAX_INCIDENTS
            gdf, sha256 = cluster_points(scheduler, path, criteria, skip_invalid, limit)
        else:
            # The store's digest (for the provenance panel) is read in a thread while the
            # store is read and checked (hashlib lets go of the GIL): a second at five
            # million rows.
            with ThreadPoolExecutor(max_workers=1) as pool:
                digest = pool.submit(store_sha256, path)
                # Free text stays arrow-backed from the reader to the encoder: it is only
                # encoded here.
                gdf = select(path, criteria, skip_invalid, arrow_text=True)
                sha256 = digest.result()
        check_map_size(len(gdf), path, max_points=max_points)
        large = len(gdf) >= LARGE_ENGINE_MIN
        if large:
            progress(f"{path}: {counted(len(gdf))} read in {time.perf_counter() - started:.1f} s")
        info = MapInfo(
            source_name=Path(path).name,
            sha256=sha256,
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
            tiles_key=_tiles_key(tiles_key),
            style=style,
            size_by=size_by,
            title=title or Path(path).name,
            info=info,
            engine=engine,
            view=view,
            hex_resolution=hex_resolution,
        )
        if to_stdout:
            # The page is the output; what is said about it goes to stderr.
            click.echo(render_html(m), nl=False)
            click.echo(f"<stdout>: {counted(len(gdf))}", err=True)
            return
        save_map(m, dest)
        if large:
            size = dest.stat().st_size / 1e6
            progress(
                f"{dest}: {size:.1f} MB written in {time.perf_counter() - started:.1f} s in all"
            )
    click.echo(f"{dest}: {counted(len(gdf))}")
