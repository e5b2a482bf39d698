"""``geoevents add``: one incident, assembled by the library, appended to a store."""

from __future__ import annotations

import json
from typing import IO, Any

import click

from geoevents import schema
from geoevents.cli.options import DEFAULT_STORE, usage_errors

__all__ = ["command"]


def _lonlat(ctx: click.Context, param: click.Parameter, value: str | None) -> Any:
    if value is None:
        return None
    try:
        lon, lat = (float(v) for v in value.split(","))
    except ValueError:
        raise click.BadParameter(f"{value!r} must be LON,LAT, e.g. 44.39,35.47") from None
    if not (-180 <= lon <= 180 and -90 <= lat <= 90):
        raise click.BadParameter(f"{value!r} is out of range: LON -180..180, LAT -90..90")
    return lon, lat


def _json_object(file: IO[str] | None) -> dict[str, Any] | None:
    """The object in the --from-json file, or None without one."""
    if file is None:
        return None
    try:
        doc = json.load(file)
    except json.JSONDecodeError as exc:
        raise click.BadParameter(f"not JSON: {exc}", param_hint="--from-json") from None
    if not isinstance(doc, dict):
        raise click.BadParameter("expected a JSON object", param_hint="--from-json")
    return doc


@click.command("add")
@click.argument("store", default=DEFAULT_STORE, required=False)
@click.option("--title", help="One-line title (required unless --from-json).")
@click.option("--date", "date_start", metavar="YYYY-MM-DD", help="First day (required).")
@click.option("--date-end", metavar="YYYY-MM-DD", help="Last day (default: --date).")
@click.option("--date-precision", type=click.Choice(schema.DATE_PRECISIONS))
@click.option("--type", "event_type", metavar="TYPE", help="ACLED event type (required).")
@click.option("--sub-type", "sub_event_type", metavar="SUBTYPE", help="ACLED sub-event type.")
@click.option("--place", metavar="NAME", help="Locate by place name (offline gazetteer).")
@click.option("--lonlat", callback=_lonlat, metavar="LON,LAT", help="Locate by coordinates.")
@click.option("--country", metavar="ISO3|NAME", help="Country (also narrows --place).")
@click.option("--admin1")
@click.option("--location", help="Place name to record (default: the gazetteer's name).")
@click.option("--geo-precision", type=click.IntRange(1, 3))
@click.option("--actor1")
@click.option("--actor2")
@click.option("--assoc-actor", "assoc_actors", multiple=True)
@click.option(
    "--fatalities", type=click.IntRange(min=0), help="Reported deaths (omit if none reported)."
)
@click.option("--summary")
@click.option("--source-name", help="Where it was reported.")
@click.option("--source-url")
@click.option("--source-quote", help="The supporting passage, verbatim.")
@click.option("--source-published", metavar="YYYY-MM-DD")
@click.option("--confidence", type=click.Choice(schema.CONFIDENCE))
@click.option("--tag", "tags", multiple=True)
@click.option("--id", "ident", help="Incident id (default: a new unique inc-NNNNNN).")
@click.option(
    "--from-json",
    type=click.File("r", encoding="utf-8"),
    help="Read the incident (a GeoJSON Feature, or its properties plus lon/lat) from a file, "
    "or - for stdin.",
)
def command(store: str, from_json: IO[str] | None, ident: str | None, **fields: Any) -> None:
    """Add one incident to a store: validated, then appended atomically under a file lock.

    Locate it with --place NAME (an ambiguous name lists the candidates: add --country or use
    --lonlat) or --lonlat LON,LAT. A failed add leaves the store unchanged.

    \b
    Example:
      geoevents add --title "Clashes in Tuz Khurmatu" --date 2017-10-16 \\
        --type Battles --sub-type "Armed clash" --place "Tuz Kharmato" --country IRQ
    """
    from geoevents.store import add_incidents, new_incident

    with usage_errors():  # options that do not go together are this command's usage errors
        incident = new_incident(_json_object(from_json), id=ident, **fields)
    if incident.place is not None:
        click.echo(f"place: {incident.place.describe()}", err=True)
    added = add_incidents(store, [incident.properties], [incident.geometry])
    click.echo(f"{store}: added {added['id'][0]}")
