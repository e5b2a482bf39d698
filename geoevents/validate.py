"""Incident validation: schema, geometry and plausibility checks that report every problem.

Readers hand :func:`check_frame` the raw properties of every feature (as parsed from GeoJSON, or
as read from a table) and the geometries. It returns the normalised incident table (defaults
filled, types fixed) and adds every problem it finds to a :class:`ValidationReport`, one per bad
value, each naming the feature, the field, the value and the fix.
"""

from __future__ import annotations

import datetime as dt
import difflib
import math
import os
import re
from collections.abc import Sequence
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geoevents import schema
from geoevents.problems import ValidationReport, show_value

__all__ = ["check_frame", "suggest", "validate", "validate_frame"]

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_DMY = re.compile(r"(\d{1,2})[/.](\d{1,2})[/.](\d{4})")
_ISO3 = re.compile(r"[A-Z]{3}")
# Natural Earth 1:110m borders are off by up to ~20 km; a point farther out than this from the
# country it names is very likely misplaced (swapped lat/lon, wrong sign, wrong country).
_BORDER_MARGIN_DEG = 0.25


def suggest(value: str, choices: Sequence[str]) -> str | None:
    """Return the choice closest to ``value`` (case-insensitive), or None when nothing is close."""
    lowered = {c.lower(): c for c in choices}
    match = difflib.get_close_matches(value.lower(), list(lowered), n=1, cutoff=0.5)
    return lowered[match[0]] if match else None


def _missing(value: Any) -> bool:
    if value is None or value is pd.NA:
        return True
    return isinstance(value, float) and math.isnan(value)


class _Checker:
    """Checks one table of raw properties, recording problems against feature index and id."""

    def __init__(self, raw: pd.DataFrame, ids: list[str | None], report: ValidationReport):
        self.raw = raw
        self.ids = ids
        self.report = report
        self.bad_rows: set[int] = set()

    def error(self, i: int, field: str, message: str, fix: str, kind: str = "schema") -> None:
        self.bad_rows.add(i)
        self.report.add(
            "error", message, fix, index=i, feature_id=self.ids[i], field=field, kind=kind
        )

    def warn(self, i: int | None, field: str, message: str, fix: str, kind: str = "schema"):
        fid = self.ids[i] if i is not None else None
        self.report.add("warning", message, fix, index=i, feature_id=fid, field=field, kind=kind)

    def column(self, name: str) -> list[Any]:
        if name in self.raw.columns:
            return self.raw[name].tolist()
        return [None] * len(self.raw)

    # -- field kinds ----------------------------------------------------------------------------
    def strings(self, name: str, required: bool) -> list[str | None]:
        out: list[str | None] = []
        for i, value in enumerate(self.column(name)):
            # An empty string is no value: CSV cannot tell them apart, so no format may.
            if _missing(value) or (isinstance(value, str) and not value.strip()):
                if required:
                    self.error(i, name, f"{name} is missing", "every incident needs one")
                out.append(None)
            elif isinstance(value, str):
                out.append(value)
            else:
                self.error(
                    i,
                    name,
                    f"{name} must be text, found {show_value(value)}",
                    f'write it as a string, e.g. "{value}"',
                )
                out.append(None)
        return out

    def choice(
        self, name: str, values: list[str | None], allowed: Sequence[str], default: str | None
    ) -> list[str | None]:
        out: list[str | None] = []
        for i, value in enumerate(values):
            if value is None:
                out.append(default)
            elif value in allowed:
                out.append(value)
            else:
                near = suggest(value, allowed)
                hint = f'did you mean "{near}"? ' if near else ""
                self.error(
                    i,
                    name,
                    f"{name} {show_value(value)} is not one of {', '.join(allowed)}",
                    f"{hint}use one of the listed values",
                )
                out.append(None)
        return out

    def dates(self, name: str, values: list[str | None]) -> list[str | None]:
        out: list[str | None] = []
        for i, value in enumerate(values):
            if value is None:
                out.append(None)
                continue
            if _ISO_DATE.fullmatch(value):
                try:
                    dt.date.fromisoformat(value)
                except ValueError:
                    self.error(
                        i,
                        name,
                        f"{name} {show_value(value)} is not a date that exists",
                        "check the day and month (YYYY-MM-DD)",
                    )
                    out.append(None)
                    continue
                out.append(value)
                continue
            dmy = _DMY.fullmatch(value)
            fix = (
                f"write it as YYYY-MM-DD, e.g. {dmy[3]}-{int(dmy[2]):02d}-{int(dmy[1]):02d} if "
                "it is day/month/year"
                if dmy
                else "write it as YYYY-MM-DD"
            )
            self.error(i, name, f"{name} {show_value(value)} is not an ISO date", fix)
            out.append(None)
        return out

    def integers(
        self, name: str, low: int, high: int | None, default: int | None
    ) -> list[int | None]:
        out: list[int | None] = []
        rng = f"{low}..{high}" if high is not None else f">= {low}"
        for i, value in enumerate(self.column(name)):
            if _missing(value):
                out.append(default)
                continue
            number: int | None = None
            if isinstance(value, bool | np.bool_):
                number = None
            elif isinstance(value, int | np.integer) or (
                isinstance(value, float | np.floating) and float(value).is_integer()
            ):
                number = int(value)
            if number is None or number < low or (high is not None and number > high):
                what = "a whole number" if number is None else "in range"
                self.error(
                    i,
                    name,
                    f"{name} {show_value(value)} is not {what} ({rng})",
                    f"write a whole number {rng}"
                    + (", or null when not reported" if name == "fatalities" else ""),
                )
                out.append(None)
            else:
                out.append(number)
        return out

    def string_lists(self, name: str) -> list[list[str]]:
        out: list[list[str]] = []
        for i, value in enumerate(self.column(name)):
            if _missing(value):
                out.append([])
            elif isinstance(value, list | tuple | np.ndarray) and all(
                isinstance(v, str) for v in value
            ):
                out.append(list(value))
            else:
                self.error(
                    i,
                    name,
                    f"{name} must be a list of strings, found {show_value(value)}",
                    'write it as ["...", "..."]',
                )
                out.append([])
        return out

    def sources(self) -> list[list[dict[str, str]]]:
        out: list[list[dict[str, str]]] = []
        for i, value in enumerate(self.column("sources")):
            if _missing(value):
                out.append([])
                continue
            if not isinstance(value, list | tuple | np.ndarray):
                self.error(
                    i,
                    "sources",
                    f"sources must be a list of objects, found {show_value(value)}",
                    'write [{"name": "...", "url": "...", "quote": "..."}]',
                )
                out.append([])
                continue
            cleaned = []
            for j, src in enumerate(value):
                where = f"sources[{j}]"
                if not isinstance(src, dict):
                    self.error(i, where, f"a source must be an object, found {show_value(src)}", "")
                    continue
                entry = {k: v for k, v in src.items() if not _missing(v)}
                bad = [k for k, v in entry.items() if not isinstance(v, str)]
                if bad:
                    self.error(
                        i,
                        f"{where}.{bad[0]}",
                        f"{bad[0]} must be text, found {show_value(entry[bad[0]])}",
                        "write it as a string",
                    )
                    continue
                if not entry.get("name", "").strip():
                    self.error(i, f"{where}.name", "the source has no name", "add its name")
                    continue
                unknown = sorted(set(entry) - set(schema.SOURCE_KEYS))
                if unknown:
                    self.warn(
                        i,
                        f"{where}.{unknown[0]}",
                        f"unknown source key {show_value(unknown[0])} (ignored)",
                        f"use {', '.join(schema.SOURCE_KEYS)}",
                    )
                    entry = {k: v for k, v in entry.items() if k in schema.SOURCE_KEYS}
                url = entry.get("url")
                if url is not None and not re.match(r"https?://", url, re.IGNORECASE):
                    self.warn(
                        i,
                        f"{where}.url",
                        f"url {show_value(url)} is not http(s); maps show it as text, not a link",
                        "use an http(s) address",
                    )
                if "published" in entry:
                    self.dates(f"{where}.published", [entry["published"]])
                cleaned.append(entry)
            out.append(cleaned)
        return out


def check_frame(
    raw: pd.DataFrame,
    geometry: Sequence[Any] | gpd.GeoSeries,
    report: ValidationReport,
    *,
    ids: list[str | None] | None = None,
    today: dt.date | None = None,
) -> tuple[gpd.GeoDataFrame, set[int]]:
    """Check raw incident properties and geometries; return the normalised table.

    Parameters
    ----------
    raw : pandas.DataFrame
        One row per feature, one column per property, values as read (not yet typed).
    geometry : sequence of shapely geometries or None
        One per row.
    report : ValidationReport
        Receives every problem found.
    ids : list of str or None, optional
        Feature ids to name in messages when a row has no ``id`` property.
    today : datetime.date, optional
        The day after which a date counts as in the future (default: today).

    Returns
    -------
    geopandas.GeoDataFrame, set of int
        The incidents with the columns of :data:`geoevents.schema.COLUMNS` plus ``geometry``
        (rows with errors are kept, with the bad values blanked) and the positions of the rows
        that have at least one error.
    """
    n = len(raw)
    raw = raw.reset_index(drop=True)
    prop_ids = raw["id"].tolist() if "id" in raw.columns else [None] * n
    names = [
        str(p) if isinstance(p, str) else (ids[i] if ids else None) for i, p in enumerate(prop_ids)
    ]
    chk = _Checker(raw, names, report)

    for name in sorted(set(raw.columns) - set(schema.COLUMNS)):
        chk.warn(
            None,
            name,
            f"property {show_value(name)} is not part of the incident schema (ignored)",
            "see docs/schema.md for the fields",
        )

    cols: dict[str, Any] = {}
    if "id" not in raw.columns and ids is not None:
        raw = raw.assign(id=[str(x) if x is not None else None for x in ids])
        chk.raw = raw
    for field in schema.FIELDS:
        if field.kind == "str":
            cols[field.name] = chk.strings(field.name, field.required)
    cols["date_start"] = chk.dates("date_start", chk.strings("date_start", True))
    cols["date_end"] = chk.dates("date_end", chk.strings("date_end", False))
    cols["date_precision"] = chk.choice(
        "date_precision", cols["date_precision"], schema.DATE_PRECISIONS, "day"
    )
    cols["confidence"] = chk.choice("confidence", cols["confidence"], schema.CONFIDENCE, None)
    cols["event_type"] = chk.choice("event_type", cols["event_type"], schema.EVENT_TYPES, None)
    cols["geo_precision"] = chk.integers("geo_precision", 1, 3, 1)
    cols["fatalities"] = chk.integers("fatalities", 0, None, None)
    cols["assoc_actors"] = chk.string_lists("assoc_actors")
    cols["tags"] = chk.string_lists("tags")
    cols["sources"] = chk.sources()

    end_missing = [_missing(v) for v in chk.column("date_end")]
    seen: dict[str, int] = {}
    for i in range(n):
        start, end = cols["date_start"][i], cols["date_end"][i]
        if end_missing[i]:
            cols["date_end"][i] = end = start
        if start and end and end < start:
            chk.error(
                i,
                "date_end",
                f"date_end {end} is before date_start {start}",
                "swap them, or fix the wrong one",
            )
        etype, sub = cols["event_type"][i], cols["sub_event_type"][i]
        if etype and sub and sub not in schema.SUB_EVENT_TYPES[etype]:
            near = suggest(sub, schema.SUB_EVENT_TYPES[etype])
            chk.error(
                i,
                "sub_event_type",
                f'sub_event_type {show_value(sub)} does not belong to "{etype}"',
                (f'did you mean "{near}"? ' if near else "")
                + f"use one of {', '.join(schema.SUB_EVENT_TYPES[etype])}",
            )
        iso3 = cols["iso3"][i]
        if iso3 is not None and not _ISO3.fullmatch(iso3):
            chk.error(
                i,
                "iso3",
                f"iso3 {show_value(iso3)} is not an ISO 3166-1 alpha-3 code",
                'write three capital letters, e.g. "IRQ"',
            )
        ident = cols["id"][i]
        if ident is not None:
            if ident in seen:
                chk.error(
                    i,
                    "id",
                    f'id "{ident}" is also used by feature {seen[ident]}',
                    "give every incident its own id",
                )
            else:
                seen[ident] = i

    geoms = _check_geometry(chk, list(geometry))
    gdf = gpd.GeoDataFrame(
        {name: pd.Series(cols[name], dtype=_DTYPES.get(name, object)) for name in schema.COLUMNS},
        geometry=gpd.GeoSeries(geoms, crs=schema.CRS),
    )
    _check_plausibility(chk, gdf, today or dt.date.today())
    return gdf, chk.bad_rows


_DTYPES = {"fatalities": "Int64", "geo_precision": "Int64"}


def _check_geometry(chk: _Checker, geoms: list[Any]) -> list[Any]:
    out = []
    for i, geom in enumerate(geoms):
        if geom is None or (not isinstance(geom, shapely.Geometry) and _missing(geom)):
            chk.error(
                i,
                "geometry",
                "the incident has no geometry",
                "give it a location ([lon, lat] Point), or drop it",
                kind="geometry",
            )
            out.append(None)
        elif geom.is_empty:
            chk.error(i, "geometry", "the geometry is empty", "give it a location", kind="geometry")
            out.append(None)
        elif not geom.is_valid:
            reason = shapely.is_valid_reason(geom)
            chk.error(
                i,
                "geometry",
                f"the {geom.geom_type} is not a valid shape: {reason}",
                "repair it (e.g. shapely.make_valid, or QGIS 'Fix geometries')",
                kind="geometry",
            )
            out.append(geom)
        else:
            out.append(geom)
    return out


def _check_plausibility(chk: _Checker, gdf: gpd.GeoDataFrame, today: dt.date) -> None:
    from geoevents.borders import countries

    future = today.isoformat()
    for i, start in enumerate(gdf["date_start"]):
        if isinstance(start, str) and start > future:
            chk.warn(
                i,
                "date_start",
                f"date_start {start} is in the future",
                "check the year",
                kind="plausibility",
            )
    world = countries()
    by_iso = dict(zip(world["iso3"], world.geometry, strict=True))
    by_name = {n.lower(): g for n, g in zip(world["name"], world.geometry, strict=True)}
    points = np.asarray(gdf.geometry.representative_point().values, dtype=object)
    named = [
        iso3 if isinstance(iso3, str) and iso3 in by_iso else country
        for iso3, country in zip(gdf["iso3"], gdf["country"], strict=True)
    ]
    shapes = np.array(
        [by_iso.get(n) or (by_name.get(n.lower()) if isinstance(n, str) else None) for n in named],
        dtype=object,
    )
    # Vectorised: distance from each point to the country it names (NaN where none is named).
    distance = shapely.distance(shapes, points)
    swapped = shapely.points(shapely.get_y(points), shapely.get_x(points))
    # Points that name no known country: are they near any country at all?
    tree = shapely.STRtree(np.asarray(world.geometry.values))
    unnamed = np.flatnonzero(
        [s is None and p is not None for s, p in zip(shapes, points, strict=True)]
    )
    on_land = set()
    if len(unnamed):
        hits = tree.query(points[unnamed], predicate="dwithin", distance=_BORDER_MARGIN_DEG)
        on_land = set(unnamed[hits[0]].tolist())
    for i, point in enumerate(points):
        if point is None or point.is_empty:
            continue
        if point.x == 0 and point.y == 0:
            chk.warn(
                i,
                "geometry",
                "the incident is at 0,0 (the Gulf of Guinea), a common placeholder",
                "give its real location",
                kind="plausibility",
            )
        elif shapes[i] is None:
            if i not in on_land:
                chk.warn(
                    i,
                    "geometry",
                    f"point ({point.x:.4f}, {point.y:.4f}) is not in or near any country (sea?)",
                    "check the coordinates ([lon, lat] order?)",
                    kind="plausibility",
                )
        elif distance[i] > _BORDER_MARGIN_DEG:
            hint = (
                " (with lat and lon swapped it would be inside: write [lon, lat])"
                if shapes[i].distance(swapped[i]) <= _BORDER_MARGIN_DEG
                else ""
            )
            chk.warn(
                i,
                "geometry",
                f"point ({point.x:.4f}, {point.y:.4f}) is about {distance[i] * 111:.0f} km "
                f"outside {named[i]}{hint}",
                "check the coordinates and the country",
                kind="plausibility",
            )


def validate_frame(gdf: gpd.GeoDataFrame, *, source: str | None = None) -> ValidationReport:
    """Validate an incident table that is already in memory (e.g. built in a notebook).

    Parameters
    ----------
    gdf : geopandas.GeoDataFrame
        Incidents with the schema's columns.
    source : str, optional
        A name for messages.

    Returns
    -------
    ValidationReport
    """
    report = ValidationReport(source=source, count=len(gdf))
    props = pd.DataFrame(gdf.drop(columns=gdf.geometry.name))
    check_frame(props, list(gdf.geometry), report)
    return report


def validate(
    source: str | os.PathLike[str] | gpd.GeoDataFrame, *, incidents: bool = True
) -> ValidationReport:
    """Validate an incident file (or table) and report every problem at once.

    Parameters
    ----------
    source : path or GeoDataFrame
        A GeoJSON, GeoParquet, GeoPackage or CSV store, or a table in memory.
    incidents : bool, default True
        Check the incident schema. With False, only check that the file is RFC 7946 GeoJSON
        with valid, in-range geometries (any GeoJSON object is accepted).

    Returns
    -------
    ValidationReport
        ``report.ok`` is True when there is no error (warnings allowed).

    Raises
    ------
    InputError
        When the file cannot be read at all (missing, not UTF-8, not JSON).
    """
    if isinstance(source, gpd.GeoDataFrame):
        return validate_frame(source)
    from geoevents.io.formats import read_incidents

    _, report = read_incidents(source, incidents=incidents)
    return report
