"""The ``geoevents`` command line: a thin client of the library.

Each command is one short function. Library errors are mapped to ``Error: <message>`` on stderr
and the error's exit code in one place, :class:`_Group`; usage mistakes stay Click's (exit 2).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import logging
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import click
import geopandas as gpd

from geoevents import schema
from geoevents._options import filter_options, input_argument, skip_invalid_option
from geoevents._version import __version__
from geoevents.errors import GeoeventsError, OutputError, ValidationError
from geoevents.filters import Criteria, filter_incidents
from geoevents.io import read_incidents, write_incidents
from geoevents.io.digest import file_sha256
from geoevents.io.formats import usable_incidents
from geoevents.io.geojson import to_feature_collection
from geoevents.problems import first_lines
from geoevents.stats import STATS_BY, incident_stats

log = logging.getLogger("geoevents")


class _Group(click.Group):
    """Maps every :class:`GeoeventsError` to one line on stderr and its exit code."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except GeoeventsError as exc:
            if exc.exit_code == 2:
                raise click.UsageError(str(exc), ctx) from None
            click.echo(f"Error: {exc}", err=True)
            ctx.exit(exc.exit_code)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="geoevents")
@click.option("-v", "--verbose", count=True, help="Say more on stderr (repeatable).")
@click.option("-q", "--quiet", is_flag=True, help="Only errors on stderr.")
def cli(verbose: int, quiet: bool) -> None:
    """Turn geocoded conflict incidents into layered, offline, interactive maps.

    Incidents live in a GeoJSON store (default data/incidents.geojson); every command that reads
    them takes the same filters. Run `geoevents COMMAND --help` for each command.
    """
    level = logging.ERROR if quiet else logging.WARNING - 10 * min(verbose, 2)
    logging.basicConfig(level=level, format="%(message)s", stream=sys.stderr, force=True)


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="geoevents")


# -- helpers ----------------------------------------------------------------------------------


#: Problems listed one per line before a summary line.
SHOWN_PROBLEMS = 20


def _load(path: str, *, skip_invalid: bool = False) -> gpd.GeoDataFrame:
    """Read and validate a store; log its warnings; raise on errors (unless skipping them)."""
    gdf, report, bad = read_incidents(path)
    for line in [p.format(report.source) for p in report.warnings][:SHOWN_PROBLEMS]:
        log.info("%s", line)
    if report.warnings:
        log.warning(
            "%s: %d warning(s); run `geoevents validate %s` to see them",
            path,
            len(report.warnings),
            path,
        )
    usable = usable_incidents(gdf, report, bad, skip_invalid=skip_invalid)
    if bad:
        # Name what was left out: an analyst must be able to find and fix those rows.
        errors = [p.format(report.source) for p in report.errors]
        then = f"; run `geoevents validate {path}` to see them all"
        for line in first_lines(errors, SHOWN_PROBLEMS, then=then):
            log.warning("%s", line)
        log.warning("%s: skipped %d invalid incident(s)", path, len(bad))
    return usable


def _progress(message: str) -> None:
    """Report a step of long work: on a terminal always, otherwise with -v."""
    if sys.stderr.isatty():
        click.echo(message, err=True)
    else:
        log.info("%s", message)


def _select(path: str, criteria: Criteria, skip_invalid: bool = False) -> gpd.GeoDataFrame:
    gdf = _load(path, skip_invalid=skip_invalid)
    return filter_incidents(gdf, criteria, allow_empty=False)


def _records(gdf: gpd.GeoDataFrame) -> list[dict[str, Any]]:
    """Every property plus lon and lat (of a representative point for lines and areas)."""
    doc = to_feature_collection(gdf)
    points = gdf.geometry.representative_point()
    out = []
    for feat, point in zip(doc["features"], points, strict=True):
        row = dict(feat["properties"])
        row["lon"], row["lat"] = round(point.x, 6), round(point.y, 6)
        out.append(row)
    return out


def _csv_text(rows: Sequence[dict[str, Any]], columns: Sequence[str]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow(
            [
                json.dumps(v, ensure_ascii=False) if isinstance(v, list | dict) else v
                for v in (row.get(c) for c in columns)
            ]
        )
    return buf.getvalue()


def _table(rows: Sequence[Sequence[Any]], headers: Sequence[str], right: set[int]) -> str:
    cells = [[("" if v is None else str(v)) for v in r] for r in rows]
    widths = [max([len(h)] + [len(r[i]) for r in cells]) for i, h in enumerate(headers)]
    widths[-1] = min(widths[-1], 60)

    def fmt(values: Sequence[str]) -> str:
        parts = []
        for i, (v, w) in enumerate(zip(values, widths, strict=True)):
            v = v if len(v) <= w else v[: w - 1] + "…"
            parts.append(v.rjust(w) if i in right else v.ljust(w))
        return "  ".join(parts).rstrip()

    lines = [fmt(headers), fmt(["-" * w for w in widths])]
    lines += [fmt(r) for r in cells]
    return "\n".join(lines)


def _fatal(value: Any) -> str:
    return "n/r" if value is None else str(value)


# -- commands ---------------------------------------------------------------------------------


@cli.command("list")
@input_argument
@filter_options
@skip_invalid_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "csv", "json", "geojson"]),
    default="table",
    show_default=True,
    help="table for reading; csv/json (every property plus lon, lat) or geojson for tools.",
)
def list_cmd(path: str, criteria: Criteria, fmt: str, skip_invalid: bool) -> None:
    """List incidents, one per line.

    \b
    Example:
      geoevents list --start 2017-10 --end 2017-10 --country IRQ
    """
    gdf = _select(path, criteria, skip_invalid)
    if fmt == "geojson":
        click.echo(json.dumps(to_feature_collection(gdf), ensure_ascii=False, indent=2))
        return
    rows = _records(gdf)
    if fmt == "json":
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
    elif fmt == "csv":
        click.echo(_csv_text(rows, [*schema.COLUMNS, "lon", "lat"]), nl=False)
    else:
        table = [
            (
                r["id"],
                r["date_start"]
                if r["date_end"] == r["date_start"]
                else f"{r['date_start']}..{r['date_end']}",
                r["event_type"],
                ", ".join(v for v in (r["location"], r["iso3"] or r["country"]) if v),
                _fatal(r["fatalities"]),
                r["title"],
            )
            for r in rows
        ]
        headers = ["id", "date", "type", "place", "deaths", "title"]
        click.echo(_table(table, headers, right={4}))
        click.echo(f"{len(rows)} incident{'s' if len(rows) != 1 else ''}", err=True)


@cli.command("filter")
@input_argument
@filter_options
@skip_invalid_option
@click.option(
    "-o",
    "--output",
    required=True,
    metavar="FILE|-",
    help="Where to write the selection: a .geojson/.parquet/.gpkg/.csv file, or - for "
    "GeoJSON on stdout.",
)
@click.option("--force", is_flag=True, help="Replace OUTPUT if it exists.")
def filter_cmd(path: str, criteria: Criteria, output: str, force: bool, skip_invalid: bool) -> None:
    """Write the incidents that match the filters to a new store.

    \b
    Example:
      geoevents filter --type Battles --start 2017 -o output/battles-2017.geojson
    """
    gdf = _select(path, criteria, skip_invalid)
    if output == "-":
        click.echo(json.dumps(to_feature_collection(gdf), ensure_ascii=False, indent=2))
        return
    if Path(output).resolve() == Path(path).resolve():
        raise OutputError(f"{output}: is the input file; write the selection to another file")
    write_incidents(gdf, output, overwrite=force)
    click.echo(f"{output}: {len(gdf)} incident{'s' if len(gdf) != 1 else ''}", err=True)


@cli.command("stats")
@input_argument
@filter_options
@skip_invalid_option
@click.option(
    "--by",
    type=click.Choice(STATS_BY),
    default="event_type",
    show_default=True,
    help="What to group by.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "csv", "json"]),
    default="table",
    show_default=True,
)
def stats_cmd(path: str, criteria: Criteria, by: str, fmt: str, skip_invalid: bool) -> None:
    """Count incidents and reported fatalities by type, country, year, month or actor.

    Fatalities sum the reported figures only; incidents with no reported figure are counted
    in the "unreported" column, not as zero.

    \b
    Example:
      geoevents stats --by country --start 2017
    """
    table = incident_stats(_select(path, criteria, skip_invalid), by)
    rows = table.to_dict("records")
    if fmt == "json":
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
    elif fmt == "csv":
        click.echo(_csv_text(rows, list(table.columns)), nl=False)
    else:
        right = set(range(1, len(table.columns)))
        click.echo(_table([list(r.values()) for r in rows], list(table.columns), right))


@cli.command("validate")
@input_argument
@click.option(
    "--geojson-only",
    is_flag=True,
    help="Check RFC 7946 structure and geometry only, not the incident schema "
    "(for any GeoJSON file).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
)
def validate_cmd(path: str, geojson_only: bool, fmt: str) -> None:
    """Check a store and report every problem at once, one per line.

    Exit status 0 when valid (warnings allowed), 4 when there are errors, 3 when the file cannot
    be read at all.

    \b
    Example:
      geoevents validate data/incidents.geojson
    """
    _, report, _ = read_incidents(path, incidents=not geojson_only)
    if fmt == "json":
        problems = [
            {
                "severity": p.severity,
                "index": p.index,
                "id": p.feature_id,
                "field": p.field,
                "message": p.message,
                "fix": p.fix,
                "kind": p.kind,
            }
            for p in report.problems
        ]
        click.echo(
            json.dumps(
                {"ok": report.ok, "count": report.count, "problems": problems},
                ensure_ascii=False,
                indent=2,
            )
        )
    else:
        for line in report.lines():
            click.echo(line)
        click.echo(("valid: " if report.ok else "invalid: ") + report.summary())
    if not report.ok:
        sys.exit(ValidationError.exit_code)


@cli.command("convert")
@click.argument("src", type=click.Path(dir_okay=True, path_type=str))
@click.argument("dest", type=click.Path(path_type=str))
@click.option("--force", is_flag=True, help="Replace DEST if it exists.")
def convert_cmd(src: str, dest: str, force: bool) -> None:
    """Convert a store between GeoJSON, GeoParquet (.parquet), GeoPackage (.gpkg) and CSV.

    The format is chosen by each file's extension; every field survives the round trip.

    \b
    Example:
      geoevents convert data/incidents.geojson output/incidents.parquet
    """
    gdf = _load(src)
    if Path(dest).resolve() == Path(src).resolve():
        raise OutputError(f"{dest}: is the input file; choose another destination")
    write_incidents(gdf, dest, overwrite=force)
    click.echo(f"{dest}: {len(gdf)} incident{'s' if len(gdf) != 1 else ''}", err=True)


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


@cli.command("map")
@input_argument
@filter_options
@skip_invalid_option
@click.option(
    "-o",
    "--output",
    default="output/incidents.html",
    show_default=True,
    metavar="FILE",
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
@click.option("--force", is_flag=True, help="Replace OUTPUT even if it is not a geoevents map.")
def map_cmd(
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
    from geoevents.render import MapInfo, build_map, save_map
    from geoevents.render.build import LARGE_ENGINE_MIN, choose_engine

    dest = Path(output)
    if dest.is_dir():
        raise OutputError(f"{dest}: is a directory; name an .html file, e.g. {dest}/map.html")
    if dest.exists() and not force and not _is_geoevents_map(dest):
        raise OutputError(
            f"{dest}: exists and is not a geoevents map; pass --force to replace it, or choose "
            "another -o"
        )
    stamp = _timestamp(timestamp)
    choose_engine(engine, 0, cluster=cluster)  # refuse --engine large --cluster before reading
    started = time.perf_counter()
    gdf = _select(path, criteria, skip_invalid)
    large = len(gdf) >= LARGE_ENGINE_MIN
    if large:
        _progress(f"{path}: {len(gdf)} incidents read in {time.perf_counter() - started:.1f} s")
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
        _progress(f"{dest}: {size:.1f} MB written in {time.perf_counter() - started:.1f} s in all")
    click.echo(f"{dest}: {len(gdf)} incident{'s' if len(gdf) != 1 else ''}")


# -- from article to incident ------------------------------------------------------------------


@cli.command("geocode")
@click.argument("name")
@click.option("--country", metavar="ISO3|NAME", help="Only places in this country.")
@click.option("--limit", type=click.IntRange(min=1), default=10, show_default=True)
@click.option(
    "--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True
)
def geocode_cmd(name: str, country: str | None, limit: int, fmt: str) -> None:
    """Look a place name up in the offline gazetteer (GeoNames + a curated supplement).

    Spelling variants are matched the way analysts write them (Sulaimaniya / Slemani,
    Tuz Kharmato, Ar-Raqqah, Ayn Isa, Deir Ezzor, Abu Kamal, ...); best match first.

    \b
    Example:
      geoevents geocode "Tuz Kharmato" --country IRQ
    """
    from geoevents.gazetteer import geocode

    places = geocode(name, country=country, limit=limit)
    if fmt == "json":
        click.echo(json.dumps([p.to_dict() for p in places], ensure_ascii=False, indent=2))
        return
    rows = [
        (p.name, f"{p.lat:.4f}", f"{p.lon:.4f}", p.iso3, p.admin1, p.population, f"{p.score:.2f}")
        for p in places
    ]
    headers = ["name", "lat", "lon", "iso3", "admin1", "population", "score"]
    click.echo(_table(rows, headers, right={1, 2, 5, 6}))


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


@cli.command("add")
@click.argument("store", default="data/incidents.geojson", required=False)
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
def add_cmd(
    store: str,
    place: str | None,
    lonlat: tuple[float, float] | None,
    from_json: Any,
    ident: str | None,
    **fields: Any,
) -> None:
    """Add one incident to a store: validated, then appended atomically under a file lock.

    Locate it with --place NAME (an ambiguous name lists the candidates: add --country or use
    --lonlat) or --lonlat LON,LAT. A failed add leaves the store unchanged.

    \b
    Example:
      geoevents add --title "Clashes in Tuz Khurmatu" --date 2017-10-16 \\
        --type Battles --sub-type "Armed clash" --place "Tuz Kharmato" --country IRQ
    """
    import shapely

    from geoevents.store import add_incidents

    props: dict[str, Any] = {}
    geometry = None
    if from_json is not None:
        try:
            doc = json.load(from_json)
        except json.JSONDecodeError as exc:
            raise click.BadParameter(f"not JSON: {exc}", param_hint="--from-json") from None
        if not isinstance(doc, dict):
            raise click.BadParameter("expected a JSON object", param_hint="--from-json")
        if doc.get("type") == "Feature":
            props = dict(doc.get("properties") or {})
            if isinstance(doc.get("geometry"), dict):
                geometry = shapely.geometry.shape(doc["geometry"])
        else:
            props = dict(doc)
            if "lon" in props and "lat" in props:
                geometry = shapely.Point(props.pop("lon"), props.pop("lat"))
    sources = {k: fields.pop(f"source_{k}") for k in ("name", "url", "quote", "published")}
    for key, value in fields.items():
        if value not in (None, ()):
            props[key] = list(value) if isinstance(value, tuple) else value
    if any(sources.values()):
        if not sources["name"]:
            raise click.UsageError("--source-url/--source-quote need --source-name")
        props["sources"] = [{k: v for k, v in sources.items() if v}]
    if ident:
        props["id"] = ident
    if place and lonlat:
        raise click.UsageError("give --place or --lonlat, not both")
    if lonlat:
        geometry = shapely.Point(*lonlat)
    elif place:
        from geoevents.gazetteer import resolve

        found = resolve(place, country=fields.get("country"))
        geometry = shapely.Point(found.lon, found.lat)
        props.setdefault("location", found.name)
        props.setdefault("admin1", found.admin1)
        props.setdefault("geo_precision", found.geo_precision)
        props["iso3"] = props.get("iso3") or found.iso3
        if props.get("country") in (None, found.iso3):
            props["country"] = found.country
        click.echo(f"place: {found.describe()}", err=True)
    elif geometry is None:
        raise click.UsageError("say where: --place NAME or --lonlat LON,LAT")
    if props.get("country") and len(props["country"]) == 3 and props["country"].isupper():
        props.setdefault("iso3", props["country"])
    added = add_incidents(store, [props], [geometry])
    click.echo(f"{store}: added {added['id'][0]}")


@cli.command("extract")
@click.argument("article", type=click.Path(dir_okay=True, path_type=str))
@click.option(
    "--published",
    required=True,
    metavar="YYYY-MM-DD",
    help='Publication date: relative dates ("last Friday") are resolved against it.',
)
@click.option(
    "-o",
    "--output",
    metavar="FILE|-",
    default="-",
    show_default=True,
    help="Where to write the candidates (GeoJSON, or any store format by extension).",
)
@click.option("--force", is_flag=True, help="Replace OUTPUT if it exists.")
def extract_cmd(article: str, published: str, output: str, force: bool) -> None:
    """Find candidate incidents in an article, for an analyst to review.

    Each place mention is resolved through the offline gazetteer, each date against the
    publication date; every candidate carries its supporting sentence verbatim as a quote and
    confidence "possible".

    \b
    Example:
      geoevents extract report.txt --published 2017-10-20 -o output/candidates.geojson
    """
    from geoevents.extract import extract, parse_published, read_article

    try:
        day = parse_published(published)
    except GeoeventsError as exc:
        raise click.BadParameter(str(exc), param_hint="--published") from None
    text = read_article(article)
    found = extract(text, published=day, document=Path(article).name)
    if found.empty:
        click.echo(f"{article}: no candidate incidents (no recognisable place and date)", err=True)
        return
    if output == "-":
        click.echo(json.dumps(to_feature_collection(found), ensure_ascii=False, indent=2))
    else:
        write_incidents(found, output, overwrite=force)
    click.echo(f"{article}: {len(found)} candidate incident(s)", err=True)


# -- importing ---------------------------------------------------------------------------------


def _show_progress() -> bool:
    return sys.stderr.isatty() and os.environ.get("CI", "").lower() not in ("true", "1")


@cli.command("import")
@click.argument("fmt", metavar="FORMAT", type=click.Choice(["acled", "ucdp", "gdelt", "csv"]))
@click.argument("src", type=click.Path(dir_okay=True, path_type=str))
@click.option("-o", "--output", metavar="DEST", help="Write a new store (format by extension).")
@click.option("--merge", metavar="STORE", help="Add to (and update) an existing store by id.")
@click.option("--force", is_flag=True, help="Replace DEST if it exists.")
@click.option("--strict", is_flag=True, help="Refuse the import if any row cannot be imported.")
@click.option("--id-prefix", default="", help="Prefix for imported ids (e.g. ucdp:).")
@click.option("--lat", metavar="COLUMN", help="csv: the latitude column.")
@click.option("--lon", metavar="COLUMN", help="csv: the longitude column.")
@click.option("--date", metavar="COLUMN", help="csv: the date column.")
@click.option(
    "--mapping",
    type=click.Path(exists=True, dir_okay=False, path_type=str),
    help="csv: a JSON file mapping schema fields to your columns.",
)
@click.option("--keep-other", is_flag=True, help="gdelt: keep non-conflict CAMEO codes.")
def import_cmd(
    fmt: str,
    src: str,
    output: str | None,
    merge: str | None,
    force: bool,
    strict: bool,
    id_prefix: str,
    lat: str | None,
    lon: str | None,
    date: str | None,
    mapping: str | None,
    keep_other: bool,
) -> None:
    """Import ACLED, UCDP GED or GDELT 2.0 events, or a CSV table of your own.

    Each source's time and place precision is mapped onto the schema (docs/import.md). Rows
    that cannot be imported are listed with their line number and reason; the store is written
    atomically, or not at all.

    \b
    Examples:
      geoevents import ucdp ged191.csv -o output/ucdp.parquet
      geoevents import acled acled-iraq.csv --merge data/incidents.geojson
      geoevents import csv sheet.csv --lat y --lon x --date day -o output/sheet.geojson
    """
    from geoevents.ingest import import_file
    from geoevents.store import merge_incidents

    if (output is None) == (merge is None):
        raise click.UsageError("give exactly one of -o DEST or --merge STORE")
    options: dict[str, Any] = {"id_prefix": id_prefix} if id_prefix else {}
    if fmt == "csv":
        options.update(
            {
                k: v
                for k, v in (("lat", lat), ("lon", lon), ("date", date), ("mapping", mapping))
                if v
            }
        )
    elif lat or lon or date or mapping:
        raise click.UsageError("--lat/--lon/--date/--mapping are for the csv format")
    if keep_other:
        if fmt != "gdelt":
            raise click.UsageError("--keep-other is for the gdelt format")
        options["keep_other"] = True
    dest = Path(output or merge)  # type: ignore[arg-type]
    if output and dest.exists() and not force:
        raise OutputError(f"{dest}: already exists; pass --force to replace it, or --merge")

    bar = None
    if _show_progress():
        size = Path(src).stat().st_size if Path(src).is_file() else 0
        bar = click.progressbar(length=size, label=f"importing {Path(src).name}", file=sys.stderr)
        bar.__enter__()
    done = 0

    def progress(rows: int, bytes_done: int, bytes_total: int) -> None:
        nonlocal done
        if bar is not None:
            bar.update(bytes_done - done)
            done = bytes_done

    try:
        result = import_file(fmt, src, strict=strict, on_progress=progress, **options)
    finally:
        if bar is not None:
            bar.__exit__(None, None, None)
    problems = [p.format(src) for p in result.report().problems]
    for line in first_lines(problems, SHOWN_PROBLEMS):
        click.echo(line, err=True)
    click.echo(result.summary(), err=True)
    if output:
        write_incidents(result.incidents, dest, overwrite=force)
        click.echo(f"{dest}: {len(result.incidents)} incidents")
    else:
        added, updated, kept = merge_incidents(dest, result.incidents)
        click.echo(f"{dest}: {added} added, {updated} updated, {kept} kept (stored copy newer)")


__all__ = ["cli", "main"]
