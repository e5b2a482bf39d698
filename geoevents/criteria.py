"""What to select: the :class:`Criteria` and the parsers of its values, in pure Python.

Kept apart from :mod:`geoevents.filters` (which applies them to a table with pandas and pyproj)
so that the command line can check every filter option before anything heavy is imported.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, fields

from geoevents import schema
from geoevents.errors import UsageError
from geoevents.problems import suggest

__all__ = ["Criteria", "parse_bbox", "parse_latlon", "parse_partial_date"]

_PARTIAL = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")

#: The fix for a near without within (or the reverse), as a call spells it.
_NEAR_WITHIN = "near=(35.47, 44.39), within_km=50"


def parse_partial_date(text: str, *, end: bool = False) -> dt.date:
    """Turn ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` into the first (or, with ``end``, last) day.

    Raises
    ------
    UsageError
        For anything else, or a date that does not exist (``2020-13``, ``2017-02-30``).
    """
    match = _PARTIAL.fullmatch(text.strip())
    if not match:
        raise UsageError(f"{text!r} is not a date; use YYYY, YYYY-MM or YYYY-MM-DD")
    year, month, day = int(match[1]), match[2], match[3]
    try:
        if month is None:
            return dt.date(year, 12, 31) if end else dt.date(year, 1, 1)
        m = int(month)
        if day is None:
            last = calendar.monthrange(year, m)[1] if 1 <= m <= 12 else 0
            return dt.date(year, m, last if end else 1)
        return dt.date(year, m, int(day))
    except ValueError:
        raise UsageError(f"{text!r} is not a date that exists; check the month and day") from None


def parse_bbox(text: str) -> tuple[float, float, float, float]:
    """Parse ``W,S,E,N`` in degrees.

    Raises
    ------
    UsageError
        For anything but four numbers in range with south <= north.
    """
    try:
        west, south, east, north = (float(v) for v in text.split(","))
    except ValueError:
        raise UsageError(f"bbox {text!r} must be four numbers W,S,E,N, e.g. 38,34,46,37") from None
    if not (-180 <= west <= 180 and -180 <= east <= 180 and -90 <= south <= north <= 90):
        raise UsageError(
            f"bbox {text!r} is out of range: W,E in -180..180, S<=N in -90..90 (W>E crosses 180°)"
        )
    return west, south, east, north


def parse_latlon(text: str) -> tuple[float, float]:
    """Parse ``"LAT,LON"`` in degrees.

    Raises
    ------
    UsageError
        For anything but two numbers in range.
    """
    try:
        lat, lon = (float(v) for v in text.split(","))
    except ValueError:
        raise UsageError(f"{text!r} must be LAT,LON in degrees, e.g. 35.47,44.39") from None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise UsageError(f"{text!r} is out of range: LAT in -90..90, LON in -180..180")
    return lat, lon


def _choices(name: str, given: Sequence[str], choices: Sequence[str]) -> tuple[str, ...]:
    """``given`` as the vocabulary spells it (case-insensitive), or a UsageError listing it."""
    known = {c.lower(): c for c in choices}
    out = []
    for value in given:
        if str(value).lower() not in known:
            label = name.rstrip("s").replace("_", " ")
            raise UsageError(f"unknown {label} {value!r}; valid values: " + ", ".join(choices))
        out.append(known[str(value).lower()])
    return tuple(out)


@dataclass(frozen=True)
class Criteria:
    """What to keep. Every field left at its default keeps everything.

    Parameters
    ----------
    start, end : str or datetime.date, optional
        Date range, inclusive; ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``. An incident is kept when
        its ``[date_start, date_end]`` overlaps the range.
    types : sequence of str
        ACLED event types (case-insensitive).
    actors : sequence of str
        Case-insensitive substrings of ``actor1``, ``actor2`` or ``assoc_actors``.
    countries : sequence of str
        Country names or ISO3 codes (case-insensitive).
    bbox : (west, south, east, north), optional
        Keep incidents whose location falls inside; ``west > east`` crosses the antimeridian.
    near : (lat, lon), optional
        With ``within_km``: keep incidents within that geodesic distance of the point.
    within_km : float, optional
    min_fatalities : int, optional
        Keep incidents with at least this many reported deaths (unreported ones are dropped,
        unless ``include_unreported``).
    max_precision : int, optional
        Keep incidents whose ``geo_precision`` is at most this (1 = exact places only).
    text : str, optional
        Case-insensitive substring of the title, summary, or a source's name or quote.
    sub_types : sequence of str
        ACLED sub-event types (case-insensitive, whole names).
    max_fatalities : int, optional
        Keep incidents with at most this many reported deaths (unreported ones are dropped,
        unless ``include_unreported``).
    include_unreported : bool, default False
        With ``min_fatalities`` or ``max_fatalities``: keep incidents whose fatalities are not
        reported too (unknown is not 0). Alone it changes nothing.
    date_precisions : sequence of str
        Keep incidents whose ``date_precision`` is one of these (``day``, ``week``, ``month``,
        ``year``; case-insensitive).
    confidences : sequence of str
        Keep incidents whose ``confidence`` is one of these (``confirmed``, ``probable``,
        ``possible``; case-insensitive); an incident without one is dropped.
    """

    start: str | dt.date | None = None
    end: str | dt.date | None = None
    types: Sequence[str] = ()
    actors: Sequence[str] = ()
    countries: Sequence[str] = ()
    bbox: tuple[float, float, float, float] | None = None
    near: tuple[float, float] | None = None
    within_km: float | None = None
    min_fatalities: int | None = None
    max_precision: int | None = None
    text: str | None = None
    sub_types: Sequence[str] = ()
    max_fatalities: int | None = None
    include_unreported: bool = False
    date_precisions: Sequence[str] = ()
    confidences: Sequence[str] = ()

    def __post_init__(self) -> None:
        start, end = self.start_date, self.end_date
        if start and end and start > end:
            raise UsageError(f"start {self.start} is after end {self.end}; swap them")
        if (self.near is None) != (self.within_km is None):
            raise UsageError(
                f"near and within go together: give both, e.g. {_NEAR_WITHIN}",
                options=(_NEAR_WITHIN,),
            )
        if self.within_km is not None and self.within_km < 0:
            raise UsageError(f"within {self.within_km} km must be >= 0")
        if self.max_precision is not None and self.max_precision not in schema.GEO_PRECISIONS:
            raise UsageError(f"max precision {self.max_precision} must be 1, 2 or 3")
        if self.min_fatalities is not None and self.min_fatalities < 0:
            raise UsageError(f"min fatalities {self.min_fatalities} must be >= 0")
        if self.max_fatalities is not None and self.max_fatalities < 0:
            raise UsageError(f"max fatalities {self.max_fatalities} must be >= 0")
        low, high = self.min_fatalities, self.max_fatalities
        if low is not None and high is not None and low > high:
            raise UsageError(f"min fatalities {low} is above max fatalities {high}; swap them")
        canonical = []
        for name in self.types:
            known = {t.lower(): t for t in schema.EVENT_TYPES}
            if name.lower() not in known:
                near = suggest(name, schema.EVENT_TYPES)
                hint = f'did you mean "{near}"? ' if near else ""
                raise UsageError(
                    f"unknown event type {name!r}; {hint}valid types: "
                    + "; ".join(schema.EVENT_TYPES)
                )
            canonical.append(known[name.lower()])
        object.__setattr__(self, "types", tuple(canonical))
        for name, choices in (
            ("date_precisions", schema.DATE_PRECISIONS),
            ("confidences", schema.CONFIDENCE),
        ):
            object.__setattr__(self, name, _choices(name, getattr(self, name), choices))
        for name in ("actors", "countries", "sub_types"):
            object.__setattr__(self, name, tuple(getattr(self, name)))
        object.__setattr__(self, "include_unreported", bool(self.include_unreported))

    @property
    def start_date(self) -> dt.date | None:
        """The first day of the range."""
        if self.start is None or isinstance(self.start, dt.date):
            return self.start
        return parse_partial_date(self.start)

    @property
    def end_date(self) -> dt.date | None:
        """The last day of the range."""
        if self.end is None or isinstance(self.end, dt.date):
            return self.end
        return parse_partial_date(self.end, end=True)

    def describe(self) -> list[str]:
        """Human-readable lines, one per filter in use (for map panels and messages)."""
        out = []
        if self.start is not None or self.end is not None:
            out.append(f"date {self.start_date or '…'} to {self.end_date or '…'}")
        labels = {
            "types": "type",
            "actors": "actor",
            "countries": "country",
            "bbox": "bbox",
            "min_fatalities": "fatalities >=",
            "max_precision": "geo precision <=",
            "text": "text",
            "sub_types": "sub-type",
            "max_fatalities": "fatalities <=",
            "date_precisions": "date precision",
            "confidences": "confidence",
        }
        for f in fields(self):
            value = getattr(self, f.name)
            if f.name in labels and value not in (None, ()):
                shown = ", ".join(map(str, value)) if isinstance(value, tuple) else value
                out.append(f"{labels[f.name]} {shown}")
        if self.near is not None:
            out.append(f"within {self.within_km:g} km of {self.near[0]:g},{self.near[1]:g}")
        bounded = self.min_fatalities is not None or self.max_fatalities is not None
        if self.include_unreported and bounded:
            out.append("fatalities not reported included")
        return out

    def is_empty(self) -> bool:
        """True when no filter is set."""
        return not self.describe()
