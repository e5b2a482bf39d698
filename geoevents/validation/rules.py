"""The rules: the one message of each problem, and every check of one value (or one row).

Each kind of problem is a :class:`~geoevents.problems.Rule` here (``MISSING``, ``NOT_ISO_DATE``,
``OUTSIDE_COUNTRY``...): its severity and the one place its message is written, from the values
a check stores. :class:`RowRules` defines what is valid, one value at a time, and reports
through those rules. The vectorised checks of the other modules find the same problems in bulk
and store them through the same rules (as arrays, written only when read), so a plain loop over
every row through :class:`RowRules` reports exactly what
:func:`geoevents.validation.check_frame` reports (the tests' oracle does that).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

import numpy as np
import shapely

from geoevents import schema
from geoevents.problems import Batch, Rule, ValidationReport, printable, show_value, suggest
from geoevents.validation.text import is_missing
from geoevents.validation.values import (
    INT64_MAX,
    LINE_BREAKS,
    ONE_LINE_FIELDS,
    PRECISION_MAX_DAYS,
    REASON_TAG,
    date_exists,
    date_ok,
    dmy_hint,
    has_reason,
    is_iso3,
    iso_shaped,
    line_break_or_control,
    lone_surrogate,
    precision_fits,
)

__all__ = [
    "AT_SEA",
    "AT_ZERO",
    "BORDER_MARGIN_DEG",
    "EMPTY_GEOMETRY",
    "END_BEFORE_START",
    "HTTP",
    "ID_REPEATED",
    "INVALID_GEOMETRY",
    "IN_FUTURE",
    "LIKELY_DOUBLE",
    "MISSING",
    "NOT_CHOICE",
    "NOT_INTEGER",
    "NOT_ISO3",
    "NOT_ISO_DATE",
    "NOT_ONE_LINE",
    "NOT_STRING_LIST",
    "NOT_TEXT",
    "NOT_UNICODE",
    "NO_DATE",
    "NO_GEOMETRY",
    "OTHER_WITHOUT_REASON",
    "OUTSIDE_COUNTRY",
    "PRECISION_MISFIT",
    "SUB_OUTSIDE_TYPE",
    "TOO_LARGE",
    "Names",
    "RowRules",
    "date_ok",
    "dmy_hint",
    "is_iso3",
    "iso_shaped",
]

HTTP = re.compile(r"https?://", re.IGNORECASE)
# Natural Earth 1:110m borders are off by up to ~20 km; a point farther out than this from the
# country it names is very likely misplaced (swapped lat/lon, wrong sign, wrong country).
BORDER_MARGIN_DEG = 0.25


@lru_cache(maxsize=4096)
def _near(value: str, allowed: tuple[str, ...]) -> str | None:
    # Bad values repeat (a million rows of one typo): ask difflib once per distinct value.
    return suggest(value, allowed)


def _did_you_mean(value: str, allowed: Sequence[str]) -> str:
    near = _near(value, tuple(allowed))
    return f'did you mean "{near}"? ' if near else ""


def _range(low: int, high: int | None) -> str:
    return f"{low}..{high}" if high is not None else f">= {low}"


# -- the problems, each with its one message ----------------------------------------------------
UNKNOWN_PROPERTY = Rule(
    "warning",
    lambda name: (
        f"property {show_value(name)} is not part of the incident schema (ignored)",
        "see docs/schema.md for the fields",
    ),
)
MISSING = Rule("error", lambda name: (f"{name} is missing", "every incident needs one"))
NOT_TEXT = Rule(
    "error",
    lambda name, value: (
        f"{name} must be text, found {show_value(value)}",
        f'write it as a string, e.g. "{value}"',
    ),
)
NOT_CHOICE = Rule(
    "error",
    lambda name, allowed, value: (
        f"{name} {show_value(value)} is not one of {', '.join(allowed)}",
        f"{_did_you_mean(value, allowed)}use one of the listed values",
    ),
)
NO_DATE = Rule(
    "error",
    lambda name, value: (
        f"{name} {show_value(value)} is not a date that exists",
        "check the day and month (YYYY-MM-DD)",
    ),
)
NOT_ISO_DATE = Rule(
    "error", lambda name, value: (f"{name} {show_value(value)} is not an ISO date", dmy_hint(value))
)
#: ``whole`` says whether the value was a whole number (then it is out of range).
NOT_INTEGER = Rule(
    "error",
    lambda name, low, high, value, whole: (
        f"{name} {show_value(value)} is not {'in range' if whole else 'a whole number'} "
        f"({_range(low, high)})",
        f"write a whole number {_range(low, high)}"
        + (", or null when not reported" if name == "fatalities" else ""),
    ),
)
NOT_STRING_LIST = Rule(
    "error",
    lambda name, value: (
        f"{name} must be a list of strings, found {show_value(value)}",
        'write it as ["...", "..."]',
    ),
)
SOURCES_NOT_LIST = Rule(
    "error",
    lambda value: (
        f"sources must be a list of objects, found {show_value(value)}",
        'write [{"name": "...", "url": "...", "quote": "..."}]',
    ),
)
SOURCE_NOT_OBJECT = Rule(
    "error", lambda value: (f"a source must be an object, found {show_value(value)}", "")
)
SOURCE_NOT_TEXT = Rule(
    "error",
    lambda key, value: (f"{key} must be text, found {show_value(value)}", "write it as a string"),
)
SOURCE_NO_NAME = Rule("error", lambda: ("the source has no name", "add its name"))
SOURCE_UNKNOWN_KEY = Rule(
    "warning",
    lambda key: (
        f"unknown source key {show_value(key)} (ignored)",
        f"use {', '.join(schema.SOURCE_KEYS)}",
    ),
)
SOURCE_NOT_HTTP = Rule(
    "warning",
    lambda url: (
        f"url {show_value(url)} is not http(s); maps show it as text, not a link",
        "use an http(s) address",
    ),
)
END_BEFORE_START = Rule(
    "error",
    lambda end, start: (
        f"date_end {end} is before date_start {start}",
        "swap them, or fix the wrong one",
    ),
)
SUB_OUTSIDE_TYPE = Rule(
    "error",
    lambda etype, sub: (
        f'sub_event_type {show_value(sub)} does not belong to "{etype}"',
        _did_you_mean(sub, schema.SUB_EVENT_TYPES[etype])
        + f"use one of {', '.join(schema.SUB_EVENT_TYPES[etype])}",
    ),
)
NOT_ISO3 = Rule(
    "error",
    lambda iso3: (
        f"iso3 {show_value(iso3)} is not an ISO 3166-1 alpha-3 code",
        'write three capital letters, e.g. "IRQ"',
    ),
)
ID_REPEATED = Rule(
    "error",
    lambda ident, first: (
        f'id "{ident}" is also used by feature {first}',
        "give every incident its own id",
    ),
    rows_in=(1,),
)
NO_GEOMETRY = Rule(
    "error",
    lambda: (
        "the incident has no geometry",
        "give it a location ([lon, lat] Point), or drop it",
    ),
    kind="geometry",
)
EMPTY_GEOMETRY = Rule(
    "error", lambda: ("the geometry is empty", "give it a location"), kind="geometry"
)
INVALID_GEOMETRY = Rule(
    "error",
    lambda geom_type, reason: (
        f"the {geom_type} is not a valid shape: {reason}",
        "repair it (e.g. shapely.make_valid, or QGIS 'Fix geometries')",
    ),
    kind="geometry",
)
IN_FUTURE = Rule(
    "warning",
    lambda start: (f"date_start {start} is in the future", "check the year"),
    kind="plausibility",
)
AT_ZERO = Rule(
    "warning",
    lambda: (
        "the incident is at 0,0 (the Gulf of Guinea), a common placeholder",
        "give its real location",
    ),
    kind="plausibility",
)
AT_SEA = Rule(
    "warning",
    lambda x, y: (
        f"point ({x:.4f}, {y:.4f}) is not in or near any country (sea?)",
        "check the coordinates ([lon, lat] order?)",
    ),
    kind="plausibility",
)
#: ``swapped_inside``: with latitude and longitude swapped, the point would be in the country.
OUTSIDE_COUNTRY = Rule(
    "warning",
    lambda x, y, distance, named, swapped_inside: (
        f"point ({x:.4f}, {y:.4f}) is about {distance * 111:.0f} km outside {named}"
        + (
            " (with lat and lon swapped it would be inside: write [lon, lat])"
            if swapped_inside
            else ""
        ),
        "check the coordinates and the country",
    ),
    kind="plausibility",
)


NOT_UNICODE = Rule(
    "error",
    lambda name, value: (
        f"{name} {show_value(value)} is not Unicode text (a lone surrogate, "
        f"{printable(lone_surrogate(value) or '')})",
        "remove it, or fix the text it came from (a \\ud800-\\udfff escape on its own is no "
        "character)",
    ),
)
#: ``char``: the first line break or control character.
NOT_ONE_LINE = Rule(
    "error",
    lambda name, value, char: (
        f"{name} {show_value(value)} holds "
        + ("a line break" if char in LINE_BREAKS else f"a control character (U+{ord(char):04X})")
        + f"; {name} is one line",
        "put it on one line" if char in LINE_BREAKS else "remove the control character",
    ),
)
TOO_LARGE = Rule(
    "error",
    lambda name, value: (
        f"{name} {show_value(value)} is not a count of deaths (larger than {INT64_MAX:,})",
        "write the number reported, or null when not reported",
    ),
)


def _precision_text(precision: str, start: str, end: str) -> tuple[str, str]:
    s, e = dt.date.fromisoformat(start), dt.date.fromisoformat(end)
    days = (e - s).days + 1
    limit = PRECISION_MAX_DAYS[precision]
    coarser = [p for p, most in PRECISION_MAX_DAYS.items() if most >= days]
    fix = (
        f'give the precision the dates have ("{coarser[0]}")'
        if coarser
        else ("split it into incidents of at most a year each")
    )
    return (
        f'date_precision "{precision}" does not fit {start}..{end} ({days} days): '
        f'"{precision}" holds at most {limit} days',
        f"{fix}, or correct the dates",
    )


PRECISION_MISFIT = Rule("warning", _precision_text, kind="plausibility")
OTHER_WITHOUT_REASON = Rule(
    "warning",
    lambda: (
        'a Strategic development of sub-type "Other" without a reason tag',
        f'say why it is an event in a tag "{REASON_TAG}..." (e.g. "{REASON_TAG}curfew '
        'declared"), or choose a listed sub_event_type (docs/schema.md)',
    ),
    kind="plausibility",
)
LIKELY_DOUBLE = Rule(
    "warning",
    lambda first, first_id: (
        f"likely the same event as feature {first}"
        + (f" (id {show_value(first_id)})" if first_id else "")
        + ": same place, dates, event type and actors",
        "merge them into one incident, or record what tells them apart",
    ),
    kind="plausibility",
    rows_in=(0,),
)


class Names:
    """The name of each row in messages: its ``id`` property when that is text, else the
    feature id the reader found (``ids``), else None."""

    __slots__ = ("_ids", "_prop_ids")

    def __init__(self, prop_ids: np.ndarray, ids: Any):
        self._prop_ids = prop_ids
        self._ids = ids

    def __call__(self, i: int) -> str | None:
        prop = self._prop_ids[i]
        name = str(prop) if isinstance(prop, str) else (self._ids[i] if self._ids else None)
        # A name is shown (in lines and in JSON): text that is not Unicode gets escaped.
        return printable(name) if name is not None else None


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
        self.name = Names(prop_ids, ids)

    def add(self, i: int, rule: Rule, field: str | None, *values: Any) -> None:
        """Report one problem of ``rule`` at row ``i`` (written only when read)."""
        if rule.severity == "error":
            self.bad_rows.add(i)
        self.report.add_row(rule, field, i, self.name, values)

    def batch(
        self,
        rule: Rule,
        field: str | Sequence[str] | None,
        rows: Any,
        *columns: Sequence[Any],
        args: tuple[Any, ...] = (),
        minor: np.ndarray | None = None,
    ) -> Batch:
        """Problems of ``rule`` at ``rows`` (ascending), with their values, named as rows."""
        return Batch(rule, field, rows, *columns, args=args, names=self.name, minor=minor)

    def record(self, *batches: Batch) -> None:
        """Report the problems of one check (see :meth:`ValidationReport.record`)."""
        for b in batches:
            if b.rule.severity == "error" and len(b):
                self.bad_rows.update(b.rows.tolist())
        self.report.record(*batches)

    def unknown_property(self, name: str) -> None:
        """A column that is not an incident field (ignored)."""
        self.report.add_problems([UNKNOWN_PROPERTY.problem(name, None, None, name)])

    # -- field kinds ----------------------------------------------------------------------------
    def string(self, i: int, name: str, required: bool, value: Any) -> str | None:
        # An empty string is no value: CSV cannot tell them apart, so no format may.
        if is_missing(value) or (isinstance(value, str) and not value.strip()):
            if required:
                self.add(i, MISSING, name, name)
            return None
        if not isinstance(value, str):
            self.add(i, NOT_TEXT, name, name, value)
            return None
        if lone_surrogate(value):
            self.add(i, NOT_UNICODE, name, name, value)
            return None
        if name in ONE_LINE_FIELDS:
            char = line_break_or_control(value)
            if char is not None:
                self.add(i, NOT_ONE_LINE, name, name, value, char)
                return None
        return value

    def choice(
        self, i: int, name: str, value: str | None, allowed: Sequence[str], default: str | None
    ) -> str | None:
        if value is None:
            return default
        if value in allowed:
            return value
        self.add(i, NOT_CHOICE, name, name, allowed, value)
        return None

    def date(self, i: int, name: str, value: str | None) -> str | None:
        if value is None:
            return None
        if iso_shaped(value):
            if not date_exists(value):
                self.add(i, NO_DATE, name, name, value)
                return None
            return value
        self.add(i, NOT_ISO_DATE, name, name, value)
        return None

    def integer(
        self, i: int, name: str, value: Any, low: int, high: int | None, default: int | None
    ) -> int | None:
        if is_missing(value):
            return default
        number: int | None = None
        if isinstance(value, bool | np.bool_):
            number = None
        elif isinstance(value, int | np.integer) or (
            isinstance(value, float | np.floating) and float(value).is_integer()
        ):
            number = int(value)
        if number is not None and high is None and number > INT64_MAX:
            self.add(i, TOO_LARGE, name, name, value)
            return None
        if number is None or number < low or (high is not None and number > high):
            self.add(i, NOT_INTEGER, name, name, low, high, value, number is not None)
            return None
        return number

    def string_list(self, i: int, name: str, value: Any) -> list[str]:
        if is_missing(value):
            return []
        if not (
            isinstance(value, list | tuple | np.ndarray) and all(isinstance(v, str) for v in value)
        ):
            self.add(i, NOT_STRING_LIST, name, name, value)
            return []
        for j, item in enumerate(value):
            if lone_surrogate(item):
                self.add(i, NOT_UNICODE, f"{name}[{j}]", f"{name}[{j}]", item)
                return []
        return list(value)

    def sources(self, i: int, value: Any) -> list[dict[str, str]]:
        if is_missing(value):
            return []
        if not isinstance(value, list | tuple | np.ndarray):
            self.add(i, SOURCES_NOT_LIST, "sources", value)
            return []
        cleaned = []
        for j, src in enumerate(value):
            where = f"sources[{j}]"
            if not isinstance(src, dict):
                self.add(i, SOURCE_NOT_OBJECT, where, src)
                continue
            entry = {k: v for k, v in src.items() if not is_missing(v)}
            bad = [k for k, v in entry.items() if not isinstance(v, str)]
            if bad:
                self.add(i, SOURCE_NOT_TEXT, f"{where}.{bad[0]}", bad[0], entry[bad[0]])
                continue
            odd = [k for k, v in entry.items() if lone_surrogate(k) or lone_surrogate(v)]
            if odd:
                key = odd[0]
                value = key if lone_surrogate(key) else entry[key]
                place = f"{where}.{printable(key)}"
                self.add(i, NOT_UNICODE, place, place, value)
                continue
            if not entry.get("name", "").strip():
                self.add(i, SOURCE_NO_NAME, f"{where}.name")
                continue
            unknown = sorted(set(entry) - set(schema.SOURCE_KEYS))
            if unknown:
                self.add(i, SOURCE_UNKNOWN_KEY, f"{where}.{printable(unknown[0])}", unknown[0])
                entry = {k: v for k, v in entry.items() if k in schema.SOURCE_KEYS}
            url = entry.get("url")
            if url is not None and not HTTP.match(url):
                self.add(i, SOURCE_NOT_HTTP, f"{where}.url", url)
            if "published" in entry:
                self.date(i, f"{where}.published", entry["published"])
            cleaned.append(entry)
        return cleaned

    def across(self, i: int, cols: dict[str, np.ndarray], first: dict[Any, int]) -> None:
        """The rules between fields of one row (date_end is already defaulted)."""
        start, end = cols["date_start"][i], cols["date_end"][i]
        if start and end and end < start:
            self.add(i, END_BEFORE_START, "date_end", end, start)
        etype, sub = cols["event_type"][i], cols["sub_event_type"][i]
        if etype and sub and sub not in schema.SUB_EVENT_TYPES[etype]:
            self.add(i, SUB_OUTSIDE_TYPE, "sub_event_type", etype, sub)
        iso3 = cols["iso3"][i]
        if iso3 is not None and not is_iso3(iso3):
            self.add(i, NOT_ISO3, "iso3", iso3)
        ident = cols["id"][i]
        if ident is not None and first.get(ident, i) != i:
            self.add(i, ID_REPEATED, "id", ident, first[ident])
        precision = cols["date_precision"][i]
        end = cols["date_end"][i]
        fits = not (precision and start and end and end >= start) or precision_fits(
            precision, start, end
        )
        if not fits:
            self.add(i, PRECISION_MISFIT, "date_precision", precision, start, end)
        if (etype, sub) == ("Strategic developments", "Other") and not has_reason(cols["tags"][i]):
            self.add(i, OTHER_WITHOUT_REASON, "tags")

    def double_count(self, i: int, keys: Sequence[Any], seen: dict[Any, int]) -> None:
        """Is row ``i`` likely an event an earlier row counts (``keys``: its
        :func:`double_count_keys`; ``seen``: each key of the rows before, with its first row)?"""
        earlier = [seen[k] for k in keys if k in seen]
        if earlier:
            first = min(earlier)
            self.add(i, LIKELY_DOUBLE, None, first, self.name(first))
        for k in keys:
            seen.setdefault(k, i)

    def geometry(self, i: int, geom: Any) -> Any:
        if geom is None or (not isinstance(geom, shapely.Geometry) and is_missing(geom)):
            self.add(i, NO_GEOMETRY, "geometry")
            return None
        if geom.is_empty:
            self.add(i, EMPTY_GEOMETRY, "geometry")
            return None
        if not geom.is_valid:
            self.add(i, INVALID_GEOMETRY, "geometry", geom.geom_type, shapely.is_valid_reason(geom))
        return geom

    def future(self, i: int, start: Any, future: str) -> None:
        if isinstance(start, str) and start > future:
            self.add(i, IN_FUTURE, "date_start", start)

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
            self.add(i, AT_ZERO, "geometry")
        elif shape is None:
            if not on_land:
                self.add(i, AT_SEA, "geometry", point.x, point.y)
        elif distance > BORDER_MARGIN_DEG:
            inside = shape.distance(swapped) <= BORDER_MARGIN_DEG
            self.add(i, OUTSIDE_COUNTRY, "geometry", point.x, point.y, distance, named, inside)
