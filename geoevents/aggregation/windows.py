"""Change windows: the window of interest and the previous window of the same length.

A window of whole calendar months (from the 1st of a month to the last day of a month) is
compared with as many whole months before it (October with September, 2019 with 2018); any other
window with the same number of days just before it. Pure Python, so the command line checks a
``--window`` before it reads any data.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re

from geoevents.errors import UsageError

__all__ = ["Window", "parse_length", "previous_window", "window_ending"]

#: A window: its first and its last day, both inclusive.
Window = tuple[dt.date, dt.date]

_LENGTH = re.compile(r"^\s*(\d+)\s*([dwmy])\s*$", re.IGNORECASE)


def parse_length(text: str) -> tuple[int, str]:
    """``"30d"``, ``"12w"``, ``"3m"``, ``"1y"`` -> ``(count, unit)``.

    Raises
    ------
    UsageError
        For anything else, or a count of 0.
    """
    match = _LENGTH.match(text)
    if not match or int(match.group(1)) == 0:
        raise UsageError(
            f"window {text!r} is not a length; write a whole number and d, w, m or y "
            "(30d, 12w, 3m, 1y)"
        )
    return int(match.group(1)), match.group(2).lower()


def _month_index(day: dt.date) -> int:
    return day.year * 12 + day.month - 1


def _month_start(index: int) -> dt.date:
    return dt.date(index // 12, index % 12 + 1, 1)


def _month_end(index: int) -> dt.date:
    year, month = index // 12, index % 12 + 1
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def _whole_months(window: Window) -> bool:
    start, end = window
    return start.day == 1 and end == _month_end(_month_index(end))


def window_ending(end: dt.date, length: str) -> Window:
    """The window of ``length`` (``"3m"``) that ends with ``end``.

    Days and weeks end on ``end``; months and years are whole calendar periods ending with the
    month (or year) of ``end``: ``"3m"`` ending 2020-01-01 is November 2019 to January 2020.
    """
    count, unit = parse_length(length)
    if unit in "dw":
        days = count * (7 if unit == "w" else 1)
        return end - dt.timedelta(days=days - 1), end
    months = count * (12 if unit == "y" else 1)
    last = _month_index(end) if unit == "m" else end.year * 12 + 11
    return _month_start(last - months + 1), _month_end(last)


def previous_window(window: Window) -> Window:
    """The window of the same length just before ``window`` (see the module docstring)."""
    start, end = window
    if _whole_months(window):
        months = _month_index(end) - _month_index(start) + 1
        first = _month_index(start) - months
        return _month_start(first), _month_end(first + months - 1)
    days = (end - start).days + 1
    return start - dt.timedelta(days=days), start - dt.timedelta(days=1)
