"""``geoevents extract``: candidate incidents found in an article, for an analyst to review."""

from __future__ import annotations

from pathlib import Path

import click

from geoevents.cli.options import force_option, output_option, with_flags
from geoevents.cli.output import echo_geojson
from geoevents.errors import GeoeventsError

__all__ = ["command"]


@click.command("extract")
@click.argument("article", type=click.Path(dir_okay=True, path_type=str))
@click.option(
    "--published",
    required=True,
    metavar="YYYY-MM-DD",
    help='Publication date: relative dates ("last Friday") are resolved against it.',
)
@output_option(
    metavar="FILE|-",
    default="-",
    show_default=True,
    help="Where to write the candidates (GeoJSON, or any store format by extension).",
)
@force_option()
def command(article: str, published: str, output: str, force: bool) -> None:
    """Find candidate incidents in an article, for an analyst to review.

    Each place mention is resolved through the offline gazetteer, each date against the
    publication date; every candidate carries its supporting sentence verbatim as a quote and
    confidence "possible".

    \b
    Example:
      geoevents extract report.txt --published 2017-10-20 -o output/candidates.geojson
    """
    from geoevents.extract import extract, parse_published, read_article
    from geoevents.io.formats import write_incidents

    try:
        day = parse_published(published)
    except GeoeventsError as exc:
        raise click.BadParameter(with_flags(exc), param_hint="--published") from None
    from geoevents.io.atomic import check_target

    if output != "-":
        check_target(output, inputs=[article])
    text = read_article(article)
    found = extract(text, published=day, document=Path(article).name)
    if found.empty:
        click.echo(f"{article}: no candidate incidents (no recognisable place and date)", err=True)
        return
    if output == "-":
        echo_geojson(found)
    else:
        write_incidents(found, output, overwrite=force, inputs=[article])
    click.echo(f"{article}: {len(found)} candidate incident(s)", err=True)
