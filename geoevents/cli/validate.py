"""``geoevents validate``: every problem of a store at once, one per line."""

from __future__ import annotations

import click

from geoevents.cli.options import input_argument, scheduler_option
from geoevents.cli.output import echo_json
from geoevents.errors import ValidationError

__all__ = ["PER_RULE", "command"]

#: Lines shown of each kind of problem (a rule at a field) before one line counts the rest.
PER_RULE = 5
_THEN = " (--all lists every one)"


@click.command("validate")
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
@click.option(
    "--all",
    "show_all",
    is_flag=True,
    help=f"List every problem; by default each kind of problem shows its first {PER_RULE} "
    "lines and a count of the rest (--format json always lists every one).",
)
@scheduler_option
def command(path: str, geojson_only: bool, fmt: str, show_all: bool, scheduler: str | None) -> None:
    """Check a store and report every problem at once, one per line.

    Exit status 0 when valid (warnings allowed), 4 when there are errors, 3 when the file cannot
    be read at all.

    \b
    Example:
      geoevents validate data/incidents.geojson
    """
    from geoevents.io.formats import read_incidents

    if scheduler and geojson_only:
        raise click.UsageError("--geojson-only checks GeoJSON files, in-process; drop --scheduler")
    if scheduler:
        from geoevents.cli.on_cluster import client_of
        from geoevents.cluster.run import validate

        with client_of(scheduler) as client:
            report = validate(client, path)
    else:
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
        echo_json({"ok": report.ok, "count": report.count, "problems": problems})
    else:
        lines = report.lines() if show_all else report.summarised(PER_RULE, then=_THEN)
        for line in lines:
            click.echo(line)
        click.echo(("valid: " if report.ok else "invalid: ") + report.summary())
    if not report.ok:
        # The report above is the message: the error mapper only sets the exit status.
        raise ValidationError("", report)
