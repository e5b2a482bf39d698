"""``geoevents import``: ACLED, UCDP GED, GDELT or a CSV of your own, to a new or merged store."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from geoevents.cli import output as output_module
from geoevents.cli.options import force_option, output_option, scheduler_option
from geoevents.errors import OutputError
from geoevents.problems import first_lines

__all__ = ["command"]


def _options(
    fmt: str, id_prefix: str, keep_other: bool, columns: dict[str, str | None]
) -> dict[str, Any]:
    """The importer's keyword options; an option of another format is a usage error."""
    options: dict[str, Any] = {"id_prefix": id_prefix} if id_prefix else {}
    if fmt == "csv":
        options.update({k: v for k, v in columns.items() if v})
    elif any(columns.values()):
        raise click.UsageError("--lat/--lon/--date/--mapping are for the csv format")
    if keep_other:
        if fmt != "gdelt":
            raise click.UsageError("--keep-other is for the gdelt format")
        options["keep_other"] = True
    return options


@click.command("import")
@click.argument("fmt", metavar="FORMAT", type=click.Choice(["acled", "ucdp", "gdelt", "csv"]))
@click.argument("src", type=click.Path(dir_okay=True, path_type=str))
@output_option(metavar="DEST", help="Write a new store (format by extension).")
@click.option("--merge", metavar="STORE", help="Add to (and update) an existing store by id.")
@force_option("DEST")
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
@click.option(
    "--na-value",
    "na_values",
    multiple=True,
    metavar="TEXT",
    help="A whole cell that means blank (repeatable). Default: NA for acled, ucdp and gdelt "
    "files with a header (as R writes blanks), none for csv.",
)
@click.option("--keep-na", is_flag=True, help="Keep every cell's text, NA included.")
@click.option(
    "--partition-by",
    metavar="year[,month]",
    help="Import SRC (a file, a directory of files or a glob) into the hive-partitioned "
    "GeoParquet store DEST/ (year=2019/month=03/); a source already imported (same SHA-256) "
    "is skipped, so a re-run adds only new files.",
)
@scheduler_option
def command(
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
    na_values: tuple[str, ...],
    keep_na: bool,
    partition_by: str | None,
    scheduler: str | None,
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
      geoevents import csv from-r.csv --na-value NA --lat y --lon x --date day -o out.geojson
      geoevents import gdelt 'gdelt/*.export.CSV.zip' -o output/gdelt/ --partition-by year,month
    """
    from geoevents.ingest import import_file
    from geoevents.io.formats import write_incidents
    from geoevents.store import merge_incidents

    if (output is None) == (merge is None):
        raise click.UsageError("give exactly one of -o DEST or --merge STORE")
    columns = {"lat": lat, "lon": lon, "date": date, "mapping": mapping}
    options = _options(fmt, id_prefix, keep_other, columns)
    if keep_na and na_values:
        raise click.UsageError("give --na-value or --keep-na, not both")
    if keep_na or na_values:
        options["na_values"] = list(na_values)
    given = click.get_current_context().get_parameter_source("scheduler")
    if scheduler and partition_by is None and given is click.core.ParameterSource.COMMANDLINE:
        raise click.UsageError("--scheduler imports with -o DEST --partition-by year[,month]")
    if partition_by is not None:
        if output is None:
            raise click.UsageError("--partition-by imports into -o DEST/, not --merge")
        _import_partitioned(fmt, src, output, partition_by, scheduler, force, strict, options)
        return
    from geoevents.io.atomic import check_target
    from geoevents.store import refuse_unreadable, store_target

    dest = Path(output or merge)  # type: ignore[arg-type]
    # Never the source, a device or a FIFO, with or without --force; before the work.
    check_target(output or merge or "", inputs=[src])
    if merge:
        store_target(merge, folder=True)  # a missing folder, before the import's work
    if output and dest.exists() and not force:
        raise OutputError(f"{dest}: already exists; pass --force to replace it, or --merge")

    bar = None
    if output_module.show_progress():
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
    problems = result.report().problems.formatted(src)
    for line in first_lines(problems, output_module.SHOWN_PROBLEMS):
        click.echo(line, err=True)
    click.echo(result.summary(), err=True)
    if output:
        refuse_unreadable(result.incidents, dest)
        write_incidents(result.incidents, dest, overwrite=force, inputs=[src])
        click.echo(f"{dest}: {output_module.counted(len(result.incidents))}")
    else:
        added, updated, kept = merge_incidents(dest, result.incidents, inputs=[src])
        click.echo(f"{dest}: {added} added, {updated} updated, {kept} kept (stored copy newer)")


def _import_partitioned(
    fmt: str,
    src: str,
    output: str,
    partition_by: str,
    scheduler: str | None,
    force: bool,
    strict: bool,
    options: dict[str, Any],
) -> None:
    """Many sources into one partitioned store, on the cluster when one is given."""
    import contextlib

    from geoevents.errors import UsageError
    from geoevents.ingest.partitioned import import_partitioned, parse_partition_by

    try:
        keys = parse_partition_by(partition_by)
    except UsageError as exc:
        raise click.BadParameter(str(exc), param_hint="--partition-by") from None

    def progress(result: Any, done: int, total: int) -> None:
        click.echo(f"[{done}/{total}] {result.summary}", err=True)
        for line in result.problems:
            click.echo(f"  {line}", err=True)

    with contextlib.ExitStack() as stack:
        runner = None
        if scheduler:
            from geoevents.cli.on_cluster import client_of
            from geoevents.cluster.importer import cluster_runner

            runner = cluster_runner(stack.enter_context(client_of(scheduler)))
        run = import_partitioned(
            fmt,
            src,
            output,
            keys,
            runner=runner,
            on_progress=progress,
            overwrite=force,
            strict=strict,
            **options,
        )
    click.echo(run.summary())
