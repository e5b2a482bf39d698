"""The ``geoevents`` command line: a thin client of the library.

One module per command (``list_``, ``filter_``, ``map_`` and ``import_`` end in ``_`` because
their names are Python's); shared options in :mod:`~geoevents.cli.options`, printers and stderr
logging in :mod:`~geoevents.cli.output`. Every command leaves through :class:`_Group`, the one
error mapper: a library error becomes ``Error: <message>`` on stderr (its fixes spelled as
flags) and its exit code; usage mistakes stay Click's (exit 2).

Nothing heavy is imported here or by the command modules at import time (geopandas, pyarrow,
folium, ...): ``geoevents --help`` starts fast, and each command imports what it uses.
"""

from __future__ import annotations

import signal
from typing import Any

import click

from geoevents._version import __version__
from geoevents.cli import (
    add,
    aggregate,
    convert,
    extract,
    figure,
    filter_,
    geocode,
    import_,
    list_,
    map_,
    stats,
    validate,
)
from geoevents.cli.options import end_when_done, exit_when_done, with_flags
from geoevents.cli.output import set_up_logging
from geoevents.errors import GeoeventsError

__all__ = ["cli", "main"]


class _Group(click.Group):
    """Maps every :class:`GeoeventsError` to one line on stderr and its exit code; a command
    that completes ends the console entry's process at once."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            result = super().invoke(ctx)
        except GeoeventsError as exc:
            message = with_flags(exc)
            if exc.exit_code == 2:
                raise click.UsageError(message, ctx) from None
            if message:  # no message: the command has printed the report itself (validate)
                click.echo(f"Error: {message}", err=True)
            ctx.exit(exc.exit_code)
        # Its output is complete (written, echoed): not a second spent freeing a million
        # incidents' objects on the way out. A no-op under CliRunner and in notebooks.
        end_when_done()
        return result


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="geoevents")
@click.option("-v", "--verbose", count=True, help="Say more on stderr (repeatable).")
@click.option("-q", "--quiet", is_flag=True, help="Only errors on stderr.")
def cli(verbose: int, quiet: bool) -> None:
    """Turn geocoded conflict incidents into layered, offline, interactive maps.

    Incidents live in a GeoJSON store (default data/incidents.geojson); every command that reads
    them takes the same filters. Run `geoevents COMMAND --help` for each command.
    """
    set_up_logging(verbose, quiet)


# The one place commands are registered.
for _module in (
    list_,
    filter_,
    stats,
    aggregate,
    figure,
    validate,
    convert,
    map_,
    geocode,
    add,
    extract,
    import_,
):
    cli.add_command(_module.command)


def _terminated(signum: int, frame: Any) -> None:
    # Unwind as for Ctrl-C, so that a writer removes its temporary file on the way out. A
    # second SIGTERM while unwinding (or while the interpreter waits for threads at exit)
    # would raise again where nothing catches it: a traceback on stderr, and the temporary
    # file left behind. The first one is already ending the process.
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    raise SystemExit(128 + signum)


def main() -> None:
    """Console-script entry point.

    ``kill`` (SIGTERM) ends the command as an exception does: a write in progress removes its
    temporary file and leaves the target as it was.
    """
    signal.signal(signal.SIGTERM, _terminated)
    exit_when_done()
    cli(prog_name="geoevents")
