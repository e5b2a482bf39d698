"""``geoevents validate``: every problem of a store at once, one per line."""

from __future__ import annotations

import click

from geoevents.cli.options import input_argument
from geoevents.cli.output import echo_json
from geoevents.errors import ValidationError

__all__ = ["command"]


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
def command(path: str, geojson_only: bool, fmt: str) -> None:
    """Check a store and report every problem at once, one per line.

    Exit status 0 when valid (warnings allowed), 4 when there are errors, 3 when the file cannot
    be read at all.

    \b
    Example:
      geoevents validate data/incidents.geojson
    """
    from geoevents.io.formats import read_incidents

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
        for line in report.lines():
            click.echo(line)
        click.echo(("valid: " if report.ok else "invalid: ") + report.summary())
    if not report.ok:
        # The report above is the message: the error mapper only sets the exit status.
        raise ValidationError("", report)
