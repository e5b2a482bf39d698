"""``geoevents figure``: a static map for a report, as PNG, SVG or PDF."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click

from geoevents.cli.options import filter_options, force_option, input_argument, skip_invalid_option
from geoevents.cli.output import counted
from geoevents.cli.reading import load_store
from geoevents.criteria import Criteria
from geoevents.figures.style import FIGURE_SIZES

__all__ = ["command", "size_option"]


def size_option(func: Callable[..., Any]) -> Callable[..., Any]:
    """``--size slide|a4``: the figure's page (shared with ``stats --plot``)."""
    return click.option(
        "--size",
        type=click.Choice(list(FIGURE_SIZES)),
        default="slide",
        show_default=True,
        help="A 16:9 slide (13.3 x 7.5 in) or a landscape A4 page.",
    )(func)


@click.command("figure")
@click.argument("out", metavar="OUT.png|svg|pdf")
@input_argument
@filter_options
@skip_invalid_option
@size_option
@click.option("--title", help='The heading (default "Incidents").')
@click.option(
    "--layer-by",
    "by",
    default="event_type",
    show_default=True,
    metavar="FIELD",
    help="The field whose categories get the colours.",
)
@force_option("OUT")
def command(
    out: str,
    path: str,
    criteria: Criteria,
    skip_invalid: bool,
    size: str,
    title: str | None,
    by: str,
    force: bool,
) -> None:
    """Draw a static map of the incidents for a report (PNG, SVG or PDF, by extension).

    Borders, a few place labels, the incidents by category with the precision symbols of the
    map, legend, title, date range, scale bar and source line. The same input gives the same
    bytes.

    \b
    Example:
      geoevents figure output/oct-2017.png --start 2017-10 --end 2017-10 --size a4
    """
    from geoevents._gc import gc_frozen
    from geoevents.figures import figure
    from geoevents.figures.save import figure_format
    from geoevents.filters import filter_incidents

    figure_format(out)
    gdf = load_store(path, skip_invalid=skip_invalid, criteria=criteria)
    with gc_frozen():
        # Without filters, no copy of the whole store (filter_incidents copies what it keeps).
        if not criteria.is_empty() or not len(gdf):
            gdf = filter_incidents(gdf, criteria, allow_empty=False)
        figure(gdf, out, title=title, source=path, by=by, size=size, overwrite=force)
    click.echo(f"{out}: {counted(len(gdf))}", err=True)
