"""Click options shared by several commands: the input path and the filters."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import click

from geoevents import schema
from geoevents.errors import UsageError
from geoevents.filters import Criteria, parse_bbox, parse_latlon, parse_partial_date

DEFAULT_STORE = "data/incidents.geojson"


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
        "--text", metavar="TEXT", help="Search titles, summaries and sources (case-insensitive)."
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
)


def filter_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """Add the filter options; the command receives one ``criteria`` argument."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        values = {name: kwargs.pop(name) for name in _FILTER_NAMES}
        try:
            kwargs["criteria"] = Criteria(**values)
        except UsageError as exc:
            raise click.UsageError(str(exc)) from None
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
