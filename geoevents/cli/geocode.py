"""``geoevents geocode``: look a place name up in the offline gazetteer."""

from __future__ import annotations

import click

from geoevents.cli.output import echo_json, progress, table_text

__all__ = ["command"]

HEADERS = ["name", "kind", "lat", "lon", "iso3", "admin1", "population", "score"]


@click.command("geocode")
@click.argument("name")
@click.option("--country", metavar="ISO3|NAME", help="Only places in this country.")
@click.option("--limit", type=click.IntRange(min=1), default=10, show_default=True)
@click.option(
    "--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True
)
def command(name: str, country: str | None, limit: int, fmt: str) -> None:
    """Look a place name up in the offline gazetteer (GeoNames + a curated supplement).

    Spelling variants are matched the way analysts write them (Sulaimaniya / Slemani,
    Tuz Kharmato, Ar-Raqqah, Ayn Isa, Deir Ezzor, Abu Kamal, ...); best match first.

    \b
    Example:
      geoevents geocode "Tuz Kharmato" --country IRQ
    """
    from geoevents.gazetteer import geocode, index_ready

    if not index_ready():
        # Long work, once: said on a terminal (or with -v), as other progress is.
        progress("building the gazetteer index (once; it is cached for later lookups) ...")
    places = geocode(name, country=country, limit=limit)
    if fmt == "json":
        echo_json([p.to_dict() for p in places])
        return
    rows = [
        (
            p.name,
            p.kind,  # Aleppo the city and Aleppo the province look alike without it
            f"{p.lat:.4f}",
            f"{p.lon:.4f}",
            p.iso3,
            p.admin1,
            p.population,
            f"{p.score:.2f}",
        )
        for p in places
    ]
    click.echo(table_text(rows, HEADERS, right={2, 3, 6, 7}))
