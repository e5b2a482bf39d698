"""The per-row rules: every check of one value (or one row), and the one message for each.

:class:`RowRules` defines what is valid. The vectorised screens of the other modules only pick
the rows to hand to these methods (the rows these would pass unchanged skip them), so each
message is written once, here, and a plain loop over every row through these methods reports
exactly what :func:`geoevents.validation.check_frame` reports.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from typing import Any

import numpy as np
import shapely

from geoevents import schema
from geoevents.problems import ValidationReport, show_value, suggest
from geoevents.validation.text import is_missing

__all__ = ["BORDER_MARGIN_DEG", "HTTP", "RowRules", "date_ok", "is_iso3"]

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_DMY = re.compile(r"(\d{1,2})[/.](\d{1,2})[/.](\d{4})")
_ISO3 = re.compile(r"[A-Z]{3}")
HTTP = re.compile(r"https?://", re.IGNORECASE)
# Natural Earth 1:110m borders are off by up to ~20 km; a point farther out than this from the
# country it names is very likely misplaced (swapped lat/lon, wrong sign, wrong country).
BORDER_MARGIN_DEG = 0.25


def _date_exists(value: str) -> bool:
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        return False
    return True


def date_ok(value: str) -> bool:
    """Is ``value`` an ISO date (``YYYY-MM-DD``) that exists?"""
    return bool(_ISO_DATE.fullmatch(value)) and _date_exists(value)


def is_iso3(text: str) -> bool:
    """Is ``text`` shaped like an ISO 3166-1 alpha-3 code (three capital letters)?"""
    return _ISO3.fullmatch(text) is not None


class RowRules:
    """The rules for one table of raw properties, one value (or row) at a time.

    Each method checks one value and adds what is wrong to the report, against the feature's
    index and id; the value methods return the value to keep (None where it is dropped). They
    define validation: the vectorised screens only decide which rows can skip them, because
    these would find nothing and keep the value. Tests run every row through them to check
    that the screens skip nothing they should not.

    Parameters
    ----------
    report : ValidationReport
        Receives every problem.
    prop_ids : numpy.ndarray
        The ``id`` property of each row as given (messages name a feature by it when it is text).
    ids : list of str or None, optional
        Feature ids to name a row by when its ``id`` property is not text.
    """

    def __init__(self, report: ValidationReport, prop_ids: np.ndarray, ids: Any):
        self.report = report
        self.bad_rows: set[int] = set()
        self._prop_ids = prop_ids
        self._ids = ids

    def name(self, i: int) -> str | None:
        prop = self._prop_ids[i]
        return str(prop) if isinstance(prop, str) else (self._ids[i] if self._ids else None)

    def error(self, i: int, field: str, message: str, fix: str, kind: str = "schema") -> None:
        self.bad_rows.add(i)
        self.report.add(
            "error", message, fix, index=i, feature_id=self.name(i), field=field, kind=kind
        )

    def warn(self, i: int | None, field: str, message: str, fix: str, kind: str = "schema"):
        fid = self.name(i) if i is not None else None
        self.report.add("warning", message, fix, index=i, feature_id=fid, field=field, kind=kind)

    def unknown_property(self, name: str) -> None:
        """A column that is not an incident field (ignored)."""
        self.warn(
            None,
            name,
            f"property {show_value(name)} is not part of the incident schema (ignored)",
            "see docs/schema.md for the fields",
        )

    # -- field kinds ----------------------------------------------------------------------------
    def string(self, i: int, name: str, required: bool, value: Any) -> str | None:
        # An empty string is no value: CSV cannot tell them apart, so no format may.
        if is_missing(value) or (isinstance(value, str) and not value.strip()):
            if required:
                self.error(i, name, f"{name} is missing", "every incident needs one")
            return None
        if isinstance(value, str):
            return value
        self.error(
            i,
            name,
            f"{name} must be text, found {show_value(value)}",
            f'write it as a string, e.g. "{value}"',
        )
        return None

    def choice(
        self, i: int, name: str, value: str | None, allowed: Sequence[str], default: str | None
    ) -> str | None:
        if value is None:
            return default
        if value in allowed:
            return value
        near = suggest(value, allowed)
        hint = f'did you mean "{near}"? ' if near else ""
        self.error(
            i,
            name,
            f"{name} {show_value(value)} is not one of {', '.join(allowed)}",
            f"{hint}use one of the listed values",
        )
        return None

    def date(self, i: int, name: str, value: str | None) -> str | None:
        if value is None:
            return None
        if _ISO_DATE.fullmatch(value):
            if not _date_exists(value):
                self.error(
                    i,
                    name,
                    f"{name} {show_value(value)} is not a date that exists",
                    "check the day and month (YYYY-MM-DD)",
                )
                return None
            return value
        dmy = _DMY.fullmatch(value)
        fix = (
            f"write it as YYYY-MM-DD, e.g. {dmy[3]}-{int(dmy[2]):02d}-{int(dmy[1]):02d} if "
            "it is day/month/year"
            if dmy
            else "write it as YYYY-MM-DD"
        )
        self.error(i, name, f"{name} {show_value(value)} is not an ISO date", fix)
        return None

    def integer(
        self, i: int, name: str, value: Any, low: int, high: int | None, default: int | None
    ) -> int | None:
        rng = f"{low}..{high}" if high is not None else f">= {low}"
        if is_missing(value):
            return default
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
            return None
        return number

    def string_list(self, i: int, name: str, value: Any) -> list[str]:
        if is_missing(value):
            return []
        if isinstance(value, list | tuple | np.ndarray) and all(isinstance(v, str) for v in value):
            return list(value)
        self.error(
            i,
            name,
            f"{name} must be a list of strings, found {show_value(value)}",
            'write it as ["...", "..."]',
        )
        return []

    def sources(self, i: int, value: Any) -> list[dict[str, str]]:
        if is_missing(value):
            return []
        if not isinstance(value, list | tuple | np.ndarray):
            self.error(
                i,
                "sources",
                f"sources must be a list of objects, found {show_value(value)}",
                'write [{"name": "...", "url": "...", "quote": "..."}]',
            )
            return []
        cleaned = []
        for j, src in enumerate(value):
            where = f"sources[{j}]"
            if not isinstance(src, dict):
                self.error(i, where, f"a source must be an object, found {show_value(src)}", "")
                continue
            entry = {k: v for k, v in src.items() if not is_missing(v)}
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
            if url is not None and not HTTP.match(url):
                self.warn(
                    i,
                    f"{where}.url",
                    f"url {show_value(url)} is not http(s); maps show it as text, not a link",
                    "use an http(s) address",
                )
            if "published" in entry:
                self.date(i, f"{where}.published", entry["published"])
            cleaned.append(entry)
        return cleaned

    def across(self, i: int, cols: dict[str, np.ndarray], first: dict[Any, int]) -> None:
        """The rules between fields of one row (date_end is already defaulted)."""
        start, end = cols["date_start"][i], cols["date_end"][i]
        if start and end and end < start:
            self.error(
                i,
                "date_end",
                f"date_end {end} is before date_start {start}",
                "swap them, or fix the wrong one",
            )
        etype, sub = cols["event_type"][i], cols["sub_event_type"][i]
        if etype and sub and sub not in schema.SUB_EVENT_TYPES[etype]:
            near = suggest(sub, schema.SUB_EVENT_TYPES[etype])
            self.error(
                i,
                "sub_event_type",
                f'sub_event_type {show_value(sub)} does not belong to "{etype}"',
                (f'did you mean "{near}"? ' if near else "")
                + f"use one of {', '.join(schema.SUB_EVENT_TYPES[etype])}",
            )
        iso3 = cols["iso3"][i]
        if iso3 is not None and not _ISO3.fullmatch(iso3):
            self.error(
                i,
                "iso3",
                f"iso3 {show_value(iso3)} is not an ISO 3166-1 alpha-3 code",
                'write three capital letters, e.g. "IRQ"',
            )
        ident = cols["id"][i]
        if ident is not None and first.get(ident, i) != i:
            self.error(
                i,
                "id",
                f'id "{ident}" is also used by feature {first[ident]}',
                "give every incident its own id",
            )

    def geometry(self, i: int, geom: Any) -> Any:
        if geom is None or (not isinstance(geom, shapely.Geometry) and is_missing(geom)):
            self.error(
                i,
                "geometry",
                "the incident has no geometry",
                "give it a location ([lon, lat] Point), or drop it",
                kind="geometry",
            )
            return None
        if geom.is_empty:
            self.error(
                i, "geometry", "the geometry is empty", "give it a location", kind="geometry"
            )
            return None
        if not geom.is_valid:
            reason = shapely.is_valid_reason(geom)
            self.error(
                i,
                "geometry",
                f"the {geom.geom_type} is not a valid shape: {reason}",
                "repair it (e.g. shapely.make_valid, or QGIS 'Fix geometries')",
                kind="geometry",
            )
        return geom

    def future(self, i: int, start: Any, future: str) -> None:
        if isinstance(start, str) and start > future:
            self.warn(
                i,
                "date_start",
                f"date_start {start} is in the future",
                "check the year",
                kind="plausibility",
            )

    def place(
        self,
        i: int,
        point: Any,
        shape: Any,
        named: Any,
        distance: float,
        swapped: Any,
        on_land: bool,
    ) -> None:
        """Is the point where its country says it is? (``distance`` to that country.)"""
        if point is None or point.is_empty:
            return
        if point.x == 0 and point.y == 0:
            self.warn(
                i,
                "geometry",
                "the incident is at 0,0 (the Gulf of Guinea), a common placeholder",
                "give its real location",
                kind="plausibility",
            )
        elif shape is None:
            if not on_land:
                self.warn(
                    i,
                    "geometry",
                    f"point ({point.x:.4f}, {point.y:.4f}) is not in or near any country (sea?)",
                    "check the coordinates ([lon, lat] order?)",
                    kind="plausibility",
                )
        elif distance > BORDER_MARGIN_DEG:
            hint = (
                " (with lat and lon swapped it would be inside: write [lon, lat])"
                if shape.distance(swapped) <= BORDER_MARGIN_DEG
                else ""
            )
            self.warn(
                i,
                "geometry",
                f"point ({point.x:.4f}, {point.y:.4f}) is about {distance * 111:.0f} km "
                f"outside {named}{hint}",
                "check the coordinates and the country",
                kind="plausibility",
            )
