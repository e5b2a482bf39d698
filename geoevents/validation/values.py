"""Tests of one value (or a few of one row) that the rules and their screens share.

Text that is not Unicode (lone surrogates), text that is not one line, whether a
``date_precision`` fits its interval, the reason tag of a Strategic development of sub-type
Other, and the keys under which two records are likely one event counted twice.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from typing import Any

import shapely

from geoevents.validation.text import is_missing

__all__ = [
    "INT64_MAX",
    "LINE_BREAKS",
    "NOT_ONE_LINE_RE2",
    "ONE_LINE_FIELDS",
    "PRECISION_MAX_DAYS",
    "REASON_TAG",
    "SHORT_PRECISION_DAYS",
    "date_exists",
    "date_ok",
    "dmy_hint",
    "double_count_keys",
    "has_reason",
    "is_iso3",
    "is_precise",
    "iso_shaped",
    "line_break_or_control",
    "lone_surrogate",
    "month_end",
    "precision_fits",
]

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_DMY = re.compile(r"(\d{1,2})[/.](\d{1,2})[/.](\d{4})")
_ISO3 = re.compile(r"[A-Z]{3}")

#: The largest whole number a table column holds (``Int64``): a larger count cannot be stored.
INT64_MAX = 2**63 - 1
#: Fields that hold one line of text: no line break, no control character (tabs included: a
#: tab in an id or title is invisible in a table and breaks tab-separated output).
ONE_LINE_FIELDS = ("id", "title")
#: The tag that says why a Strategic development of sub-type Other is an event.
REASON_TAG = "reason:"
#: ``day`` and ``week`` fit intervals of at most this many days (date_start..date_end).
SHORT_PRECISION_DAYS = 7
#: The longest interval (days, both ends counted) each date_precision can hold. A precision
#: says how well the date is known: an interval longer than its unit contradicts it. Shorter
#: ones are fine (UCDP's "8-30 days" ranges are "month"; ACLED widens a week or a month
#: itself), so imported data keeps the interval its source gave.
PRECISION_MAX_DAYS = {
    "day": SHORT_PRECISION_DAYS,
    "week": SHORT_PRECISION_DAYS,
    "month": 31,
    "year": 366,
}

# A surrogate code point in a str is never part of a character: JSON's "\ud800" escapes (or
# bytes decoded with surrogateescape) that no encoder can write.
_SURROGATE = re.compile("[\ud800-\udfff]")
# What splits a line (as str.splitlines does) or is a control character (C0, DEL, C1).
_NOT_ONE_LINE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")
# The same, for arrow (RE2) over UTF-8 text.
NOT_ONE_LINE_RE2 = r"[\x00-\x1f\x7f-\x{9f}\x{2028}\x{2029}]"
LINE_BREAKS = frozenset("\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")


def lone_surrogate(text: str) -> str | None:
    """The first surrogate code point in ``text`` (text that is not Unicode), or None."""
    found = _SURROGATE.search(text)
    return found.group() if found else None


def line_break_or_control(text: str) -> str | None:
    """The first line break or control character in ``text``, or None."""
    found = _NOT_ONE_LINE.search(text)
    return found.group() if found else None


def has_reason(tags: Sequence[str]) -> bool:
    """Does a tag say why the record is an event (``reason:`` and some text)?"""
    return any(t.startswith(REASON_TAG) and t[len(REASON_TAG) :].strip() for t in tags)


def month_end(day: dt.date) -> dt.date:
    following = day.replace(day=28) + dt.timedelta(days=4)
    return following - dt.timedelta(days=following.day)


def precision_fits(precision: str, start: str, end: str) -> bool:
    """Does ``date_precision`` fit the interval ``start``..``end`` (both ISO dates, in order)?

    The precision's unit must be able to hold the interval: ``day`` and ``week`` at most 7
    days, ``month`` at most 31, ``year`` at most 366 (:data:`PRECISION_MAX_DAYS`).
    """
    s, e = dt.date.fromisoformat(start), dt.date.fromisoformat(end)
    limit = PRECISION_MAX_DAYS.get(precision)
    return limit is None or (e - s).days + 1 <= limit


def is_precise(date_precision: Any, geo_precision: Any) -> bool:
    """Is a record dated to the day and placed exactly (a missing precision is the default)?"""
    day = date_precision is None or date_precision == "day"
    exact = geo_precision is None or is_missing(geo_precision) or geo_precision == 1
    return bool(day and exact)


def double_count_keys(
    geom: Any,
    location: Any,
    iso3: Any,
    start: Any,
    end: Any,
    etype: Any,
    actor1: Any,
    actor2: Any,
    date_precision: Any = None,
    geo_precision: Any = None,
) -> tuple[tuple[Any, ...], ...]:
    """The keys under which two records are likely one event counted twice.

    Two records share a key when they have the same dates (start and end), event type and
    actors (actor1 and actor2 in either order), and the same place: the same geometry, or the
    same location and iso3. No key without a date_start and an event type, and none for a
    record whose date or place is only roughly known (``date_precision`` other than ``day``,
    ``geo_precision`` other than 1): two such records share dates and a place because both are
    vague (UCDP codes many events of a month at a province's centre), not because they are one.
    """
    if start is None or etype is None or not is_precise(date_precision, geo_precision):
        return ()
    actors = tuple(sorted(a for a in (actor1, actor2) if a is not None))
    event = (start, end, etype, actors)
    keys: list[tuple[Any, ...]] = []
    if isinstance(geom, shapely.Geometry) and not geom.is_empty:
        keys.append(("at", shapely.to_wkb(geom), *event))
    if location is not None and iso3 is not None:
        keys.append(("in", location, iso3, *event))
    return tuple(keys)


def date_exists(value: str) -> bool:
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        return False
    return True


def date_ok(value: str) -> bool:
    """Is ``value`` an ISO date (``YYYY-MM-DD``) that exists?"""
    return bool(_ISO_DATE.fullmatch(value)) and date_exists(value)


def iso_shaped(value: str) -> bool:
    """Is ``value`` written as ``YYYY-MM-DD`` (whether or not that date exists)?"""
    return _ISO_DATE.fullmatch(value) is not None


def is_iso3(text: str) -> bool:
    """Is ``text`` shaped like an ISO 3166-1 alpha-3 code (three capital letters)?"""
    return _ISO3.fullmatch(text) is not None


def dmy_hint(value: str) -> str:
    """The fix for a date that is not ISO: the ISO form when it reads as day/month/year."""
    dmy = _DMY.fullmatch(value)
    if dmy:
        return (
            f"write it as YYYY-MM-DD, e.g. {dmy[3]}-{int(dmy[2]):02d}-{int(dmy[1]):02d} if "
            "it is day/month/year"
        )
    return "write it as YYYY-MM-DD"
