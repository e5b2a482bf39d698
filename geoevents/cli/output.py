"""What the commands print: tables, CSV and JSON on stdout; logs and progress on stderr.

Every printer is here once, so that ``list``, ``stats`` and ``geocode`` format alike.
"""

from __future__ import annotations

import csv
import io
import json
import logging
import numbers
import os
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:  # pragma: no cover
    import geopandas as gpd

__all__ = [
    "SHOWN_PROBLEMS",
    "counted",
    "csv_text",
    "echo_geojson",
    "echo_json",
    "log",
    "progress",
    "records",
    "set_up_logging",
    "show_progress",
    "spreadsheet_text",
    "table_text",
]

log = logging.getLogger("geoevents")

#: Problems listed one per line before a summary line.
SHOWN_PROBLEMS = 20

#: The last column of a table is cut to this many characters (titles can be long).
LAST_COLUMN_MAX = 60


def set_up_logging(verbose: int, quiet: bool) -> None:
    """Log on stderr: warnings by default, more with each ``-v``, only errors with ``-q``."""
    level = logging.ERROR if quiet else logging.WARNING - 10 * min(verbose, 2)
    logging.basicConfig(level=level, format="%(message)s", stream=sys.stderr, force=True)


def progress(message: str) -> None:
    """Report a step of long work: on a terminal always, otherwise with -v."""
    if sys.stderr.isatty():
        click.echo(message, err=True)
    else:
        log.info("%s", message)


def show_progress() -> bool:
    """Whether to draw a progress bar: on a terminal, and not in CI logs."""
    return sys.stderr.isatty() and os.environ.get("CI", "").lower() not in ("true", "1")


def counted(count: int, noun: str = "incident") -> str:
    """``"1 incident"``, ``"6 incidents"``, ``"29,997 incidents"`` (thousands separated, as the
    map page counts)."""
    return f"{count:,} {noun}{'s' if count != 1 else ''}"


def echo_json(value: Any) -> None:
    """Print ``value`` as indented JSON, non-ASCII text as it is."""
    click.echo(json.dumps(value, ensure_ascii=False, indent=2))


def echo_geojson(gdf: gpd.GeoDataFrame) -> None:
    """Print incidents as a GeoJSON FeatureCollection."""
    from geoevents.io.geojson import to_feature_collection

    echo_json(to_feature_collection(gdf))


#: The columns ``records`` adds to the properties.
PLACE_COLUMNS = ("lon", "lat", "wkt")


def records(gdf: gpd.GeoDataFrame) -> list[dict[str, Any]]:
    """Every property plus lon and lat, and the exact WKT of a line or an area.

    lon/lat are a representative point (for a spreadsheet to plot every row); ``wkt`` is None
    for points and the whole geometry otherwise, so a route or an area is not lost.
    """
    from geoevents.io.csv import shape_wkt
    from geoevents.io.geojson import to_feature_collection

    doc = to_feature_collection(gdf)
    points = gdf.geometry.representative_point()
    out = []
    for feat, point, wkt in zip(doc["features"], points, shape_wkt(gdf.geometry), strict=True):
        row = dict(feat["properties"])
        row["lon"], row["lat"] = round(point.x, 6), round(point.y, 6)
        row["wkt"] = wkt
        out.append(row)
    return out


#: A text cell starting with one of these is read as a formula by spreadsheets (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_text(value: str) -> str:
    """``value`` with a leading ``'`` when it starts like a formula, so spreadsheets show text.

    Only text cells are changed (numbers such as a negative longitude are written as they
    are); the map's CSV export (``assets/export.js``) applies the same rule.
    """
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def csv_text(rows: Sequence[dict[str, Any]], columns: Sequence[str]) -> str:
    """CSV with a header line; lists and dicts as JSON text; formula-like text quoted as text."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        cells = []
        for v in (row.get(c) for c in columns):
            if isinstance(v, list | dict):
                v = json.dumps(v, ensure_ascii=False)
            cells.append(spreadsheet_text(v) if isinstance(v, str) else v)
        writer.writerow(cells)
    return buf.getvalue()


def table_text(rows: Sequence[Sequence[Any]], headers: Sequence[str], right: set[int]) -> str:
    """An aligned text table for people to read.

    Columns in ``right`` (positions) are right-aligned, None is blank and whole numbers carry
    thousands separators, as the map page counts (CSV and JSON stay plain for programs).
    """
    cells = [[_cell_text(v) for v in r] for r in rows]
    widths = [max([len(h)] + [len(r[i]) for r in cells]) for i, h in enumerate(headers)]
    widths[-1] = min(widths[-1], LAST_COLUMN_MAX)

    def fmt(values: Sequence[str]) -> str:
        parts = []
        for i, (v, w) in enumerate(zip(values, widths, strict=True)):
            v = v if len(v) <= w else v[: w - 1] + "…"
            parts.append(v.rjust(w) if i in right else v.ljust(w))
        return "  ".join(parts).rstrip()

    lines = [fmt(headers), fmt(["-" * w for w in widths])]
    lines += [fmt(r) for r in cells]
    return "\n".join(lines)


def _cell_text(value: Any) -> str:
    """A table cell: blank for None, an integer with thousands separators, else ``str``."""
    if value is None:
        return ""
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        return f"{int(value):,}"
    return str(value)
