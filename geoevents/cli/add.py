"""``geoevents add``: one incident, assembled by the library, appended to a store."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from geoevents import schema
from geoevents.cli.options import DEFAULT_STORE, usage_errors
from geoevents.errors import InputError

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


def _json_bases(path: str | None) -> list[dict[str, Any] | None]:
    """The incidents in the --from-json file (``-``: stdin), read strictly; [None] without."""
    if path is None:
        return [None]
    from geoevents.io.fromjson import read_new_incidents

    if path == "-":
        return list(read_new_incidents(click.open_file("-", "rb").read(), "<stdin>"))
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot read it ({exc.strerror or exc}); check the path") from exc
    return list(read_new_incidents(data, path))


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
    metavar="FILE|-",
    type=click.Path(allow_dash=True, path_type=str),
    help="Read the incident (a GeoJSON Feature, or its properties plus lon/lat) from a file, "
    "or - for stdin; a FeatureCollection (e.g. reviewed `geoevents extract` candidates) adds "
    "all its features or none.",
)
@click.option(
    "--allow-duplicate",
    is_flag=True,
    help="Add an incident even if the store has one at the same place, date and type.",
)
def command(
    store: str,
    from_json: str | None,
    ident: str | None,
    allow_duplicate: bool,
    **fields: Any,
) -> None:
    """Add incidents to a store: validated, then appended atomically under a file lock.

    Locate it with --place NAME (an ambiguous name lists the candidates: add --country or use
    --lonlat) or --lonlat LON,LAT. With --from-json a FeatureCollection, every feature is added
    or none (the other options then apply to each), and a feature at the same place, date and
    type as an incident in the store is refused unless --allow-duplicate. A failed add leaves
    the store unchanged.

    \b
    Example:
      geoevents add --title "Clashes in Tuz Khurmatu" --date 2017-10-16 \\
        --type Battles --sub-type "Armed clash" --place "Tuz Kharmato" --country IRQ
    """
    from geoevents.store import add_incidents, new_incident, store_countries

    bases = _json_bases(from_json)
    # A store about Iraq implies that "Sinjar" is the Iraqi town (the gazetteer's prefer rule).
    prefer = store_countries(store) if fields["place"] and not fields["country"] else ()
    if len(bases) > 1 and (ident or fields["place"] or fields["lonlat"]):
        raise click.UsageError("--id, --place and --lonlat name one incident, not a collection")
    with usage_errors():  # options that do not go together are this command's usage errors
        incidents = [new_incident(base, id=ident, prefer=prefer, **fields) for base in bases]
    for incident in incidents:
        if incident.place is not None:
            click.echo(f"place: {incident.place.describe()}", err=True)
    added = add_incidents(
        store,
        [i.properties for i in incidents],
        [i.geometry for i in incidents],
        # One incident is added as before; a collection (reviewed candidates) is checked.
        allow_duplicate=allow_duplicate or len(bases) == 1,
        inputs=[from_json] if from_json not in (None, "-") else (),
    )
    click.echo(f"{store}: added {', '.join(added['id'])}")
