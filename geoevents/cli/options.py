"""Click options shared by several commands, and the flags the library's fixes become.

The input path, the filters (one ``criteria`` argument), ``--skip-invalid``, ``-o/--output`` and
``--force`` are declared here once. :data:`FLAGS` turns the keyword arguments a library message
names as its fix (:attr:`GeoeventsError.options <geoevents.errors.GeoeventsError.options>`) into
the flags a user types here; :func:`with_flags` applies it, for the error mapper and for the
usage errors raised while options are turned into library values.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import os
import re
import sys
from collections.abc import Callable, Iterator
from typing import Any

import click

from geoevents import schema
from geoevents.criteria import Criteria, parse_bbox, parse_latlon, parse_partial_date
from geoevents.errors import GeoeventsError, UsageError

__all__ = [
    "DEFAULT_STORE",
    "FLAGS",
    "end_when_done",
    "exit_when_done",
    "filter_options",
    "force_option",
    "input_argument",
    "output_option",
    "scheduler_option",
    "skip_invalid_option",
    "usage_errors",
    "with_flags",
]

DEFAULT_STORE = "data/incidents.geojson"

#: A library message's fix, as a call spells it -> as this command line spells it. A library
#: error lists the spellings its message uses in ``options``; add each new one here (a test
#: checks that every spelling the library raises has its flag).
FLAGS: dict[str, str] = {
    # io.formats
    "skip_invalid=True": "--skip-invalid",
    "overwrite=True": "--force",
    # criteria
    "near=(35.47, 44.39), within_km=50": "--near 35.47,44.39 --within 50",
    # io.memory
    "start=..., end=..., bbox=..., countries=...": "--start/--end, --bbox, --country",
    "geoevents.aggregate": "geoevents aggregate",
    "max_points=N": "--max-points N",
    # render.build
    "cluster=True": "--cluster",
    'engine="classic"': "--engine classic",
    "tiles_key=KEY": "--tiles-key KEY (or GEOEVENTS_TILES_KEY)",
    'tiles_key={"NAME": KEY}': "--tiles-key NAME=KEY (once per field)",
    # store
    "id=...": "--id",
    "allow_duplicate=True": "--allow-duplicate",
    "place": "--place",
    "lonlat": "--lonlat",
    "place=NAME": "--place NAME",
    "source_name": "--source-name",
    "source_url": "--source-url",
    "source_quote": "--source-quote",
    # gazetteer (and store)
    'country="IRQ"': "--country IRQ",
    'country="ISO3"': "--country ISO3",
    "country=...": "--country",
    "lonlat=...": "--lonlat",
    "lonlat=(lon, lat)": "--lonlat LON,LAT",
    # extract
    'published="YYYY-MM-DD"': "--published YYYY-MM-DD",
    'published="2017-10-24"': "--published 2017-10-24",
}


def with_flags(exc: GeoeventsError) -> str:
    """Return the message of ``exc`` with each fix it names spelled as a flag.

    Only the spellings the error lists in ``options`` are replaced, and only as whole words, so
    a message that merely mentions a word (``place``) keeps it.
    """
    message = str(exc)
    for spelling in sorted(exc.options, key=len, reverse=True):
        flag = FLAGS.get(spelling)
        if flag is None:
            continue  # an unknown spelling stays as the library wrote it (the test catches it)
        head = r"(?<![\w-])" if re.match(r"\w", spelling) else ""
        tail = r"(?![\w=])" if re.search(r"\w$", spelling) else ""
        message = re.sub(head + re.escape(spelling) + tail, lambda _, flag=flag: flag, message)
    return message


@contextlib.contextmanager
def usage_errors() -> Iterator[None]:
    """Report a library :class:`UsageError` raised while options become library values as a
    usage error of the running command (Click prints that command's usage line)."""
    try:
        yield
    except UsageError as exc:
        raise click.UsageError(with_flags(exc)) from None


def output_option(*, help: str, metavar: str = "FILE", **kwargs: Any) -> Callable[..., Any]:
    """``-o/--output``: where the command writes; ``help`` and ``metavar`` say what it takes."""
    return click.option("-o", "--output", metavar=metavar, help=help, **kwargs)


def force_option(what: str = "OUTPUT", *, help: str | None = None) -> Callable[..., Any]:
    """``--force``: replace ``what`` (a metavar) if it exists."""
    return click.option("--force", is_flag=True, help=help or f"Replace {what} if it exists.")


def input_argument(func: Callable[..., Any]) -> Callable[..., Any]:
    """``PATH``: the incident store, default ``data/incidents.geojson``."""
    return click.argument(
        "path",
        type=click.Path(dir_okay=True, path_type=str),
        default=DEFAULT_STORE,
        required=False,
    )(func)


def _date(end: bool) -> Callable[[click.Context, click.Parameter, str | None], str | None]:
    def convert(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
        if value is None:
            return None
        try:
            parse_partial_date(value, end=end)
        except UsageError as exc:
            raise click.BadParameter(str(exc)) from None
        return value

    return convert


def _via(parse: Callable[[str], Any]) -> Callable[[click.Context, click.Parameter, Any], Any]:
    def convert(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
        if value is None:
            return None
        try:
            return parse(value)
        except UsageError as exc:
            raise click.BadParameter(str(exc)) from None

    return convert


_FILTERS = [
    click.option(
        "--start",
        callback=_date(False),
        metavar="DATE",
        help="Keep incidents on or after DATE (YYYY, YYYY-MM or YYYY-MM-DD).",
    ),
    click.option(
        "--end",
        callback=_date(True),
        metavar="DATE",
        help="Keep incidents on or before DATE; YYYY-MM means the whole month.",
    ),
    click.option(
        "--type",
        "types",
        multiple=True,
        metavar="TYPE",
        help="ACLED event type, case-insensitive; repeat for several. "
        f"One of: {'; '.join(schema.EVENT_TYPES)}.",
    ),
    click.option(
        "--actor",
        "actors",
        multiple=True,
        metavar="TEXT",
        help="Actor name (substring, case-insensitive); repeatable.",
    ),
    click.option(
        "--country",
        "countries",
        multiple=True,
        metavar="NAME|ISO3",
        help="Country name or ISO3 code; repeatable.",
    ),
    click.option(
        "--bbox",
        callback=_via(parse_bbox),
        metavar="W,S,E,N",
        help="Keep incidents inside this box (degrees).",
    ),
    click.option(
        "--near",
        callback=_via(parse_latlon),
        metavar="LAT,LON",
        help="With --within: keep incidents near this point.",
    ),
    click.option(
        "--within",
        "within_km",
        type=click.FloatRange(min=0),
        metavar="KM",
        help="Geodesic distance in km from --near.",
    ),
    click.option(
        "--min-fatalities",
        type=click.IntRange(min=0),
        metavar="N",
        help="Keep incidents with at least N reported deaths.",
    ),
    click.option(
        "--max-precision",
        type=click.IntRange(1, 3),
        metavar="1|2|3",
        help="Keep incidents located at least this well (1 = exact place).",
    ),
    click.option(
        "--text",
        metavar="TEXT",
        help="Search titles, summaries, locations, actors and sources (case-insensitive).",
    ),
    click.option(
        "--sub-type",
        "sub_types",
        multiple=True,
        metavar="SUBTYPE",
        help="ACLED sub-event type, whole name, case-insensitive; repeatable.",
    ),
    click.option(
        "--max-fatalities",
        type=click.IntRange(min=0),
        metavar="N",
        help="Keep incidents with at most N reported deaths.",
    ),
    click.option(
        "--include-unreported",
        is_flag=True,
        help="With --min/--max-fatalities: keep incidents whose deaths are not reported too.",
    ),
    click.option(
        "--date-precision",
        "date_precisions",
        multiple=True,
        type=click.Choice(schema.DATE_PRECISIONS, case_sensitive=False),
        help="Keep incidents dated this precisely; repeatable.",
    ),
    click.option(
        "--confidence",
        "confidences",
        multiple=True,
        type=click.Choice(schema.CONFIDENCE, case_sensitive=False),
        help="Keep incidents of this confidence; repeatable.",
    ),
]

_FILTER_NAMES = (
    "start",
    "end",
    "types",
    "actors",
    "countries",
    "bbox",
    "near",
    "within_km",
    "min_fatalities",
    "max_precision",
    "text",
    "sub_types",
    "max_fatalities",
    "include_unreported",
    "date_precisions",
    "confidences",
)


def filter_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """Add the filter options; the command receives one ``criteria`` argument."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        values = {name: kwargs.pop(name) for name in _FILTER_NAMES}
        with usage_errors():
            kwargs["criteria"] = Criteria(**values)
        return func(*args, **kwargs)

    for option in reversed(_FILTERS):
        wrapper = option(wrapper)
    return wrapper


def skip_invalid_option(func: Callable[..., Any]) -> Callable[..., Any]:
    """``--skip-invalid``: drop incidents with errors instead of refusing the whole store."""
    return click.option(
        "--skip-invalid",
        is_flag=True,
        help="Leave out incidents that fail validation (they are counted on stderr) instead "
        "of refusing the whole file.",
    )(func)


# -- on a Dask cluster (geoevents.cluster) ------------------------------------------------------


def scheduler_option(func: Callable[..., Any]) -> Callable[..., Any]:
    """``--scheduler ADDRESS`` (or ``$DASK_SCHEDULER_ADDRESS``): run on that Dask cluster."""
    return click.option(
        "--scheduler",
        metavar="ADDRESS",
        envvar="DASK_SCHEDULER_ADDRESS",
        show_envvar=True,
        help="Run on the Dask cluster of this scheduler (tcp://host:8786), partition by "
        "partition over a GeoParquet store (a directory, glob or fsspec URL); see "
        "docs/cluster.md. Default: in-process.",
    )(func)


class _Ending:
    """Whether a command may end the process as soon as its output is written."""

    now = False


def exit_when_done() -> None:
    """Let :func:`end_when_done` end the process (the console entry's call, never a test's:
    CliRunner runs commands inside the test's own process)."""
    _Ending.now = True


def end_when_done() -> None:
    """End the process now, after flushing, when the console entry allows it.

    A command that held a million incidents would otherwise spend a second or more freeing
    them one Python object at a time on its way out; the kernel takes the memory back at once.
    Only a command whose output is complete (written, logged, echoed) calls this.
    """
    if not _Ending.now:
        return
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)
