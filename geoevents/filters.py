"""Selecting incidents: one :class:`Criteria` for the library, the same options on every command.

Every filter is a vectorised mask over the incident table. Date ranges mean overlap: an incident
is kept when ``date_start <= end`` and ``date_end >= start``, both ends inclusive, and a partial
date stands for its whole period (``2017-10`` is the whole of October 2017).
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, fields

import geopandas as gpd
import numpy as np
import pandas as pd
from pyproj import Geod

from geoevents import schema
from geoevents.errors import EmptySelectionError, UsageError
from geoevents.problems import suggest

__all__ = [
    "Criteria",
    "filter_incidents",
    "parse_bbox",
    "parse_latlon",
    "parse_partial_date",
    "selection_steps",
]

_PARTIAL = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")
_WGS84 = Geod(ellps="WGS84")


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
        Keep incidents with at least this many reported deaths (unreported ones are dropped).
    max_precision : int, optional
        Keep incidents whose ``geo_precision`` is at most this (1 = exact places only).
    text : str, optional
        Case-insensitive substring of the title, summary, or a source's name or quote.
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

    def __post_init__(self) -> None:
        start, end = self.start_date, self.end_date
        if start and end and start > end:
            raise UsageError(f"start {self.start} is after end {self.end}; swap them")
        if (self.near is None) != (self.within_km is None):
            raise UsageError(
                "near and within go together: give both, e.g. --near 35.47,44.39 --within 50"
            )
        if self.within_km is not None and self.within_km < 0:
            raise UsageError(f"within {self.within_km} km must be >= 0")
        if self.max_precision is not None and self.max_precision not in schema.GEO_PRECISIONS:
            raise UsageError(f"max precision {self.max_precision} must be 1, 2 or 3")
        if self.min_fatalities is not None and self.min_fatalities < 0:
            raise UsageError(f"min fatalities {self.min_fatalities} must be >= 0")
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
        for name in ("actors", "countries"):
            object.__setattr__(self, name, tuple(getattr(self, name)))

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
        }
        for f in fields(self):
            value = getattr(self, f.name)
            if f.name in labels and value not in (None, ()):
                shown = ", ".join(map(str, value)) if isinstance(value, tuple) else value
                out.append(f"{labels[f.name]} {shown}")
        if self.near is not None:
            out.append(f"within {self.within_km:g} km of {self.near[0]:g},{self.near[1]:g}")
        return out

    def is_empty(self) -> bool:
        """True when no filter is set."""
        return not self.describe()


def _contains(series: pd.Series, needle: str) -> np.ndarray:
    return series.astype("string").str.contains(needle, case=False, regex=False).fillna(False)


def _list_contains(series: pd.Series, needle: str, keys: tuple[str, ...] = ()) -> np.ndarray:
    needle = needle.lower()

    def hit(items: object) -> bool:
        if not isinstance(items, list | tuple | np.ndarray):
            return False
        for item in items:
            values = [item.get(k) for k in keys] if isinstance(item, dict) else [item]
            if any(isinstance(v, str) and needle in v.lower() for v in values):
                return True
        return False

    return np.fromiter((hit(v) for v in series), dtype=bool, count=len(series))


def _masks(gdf: gpd.GeoDataFrame, c: Criteria) -> list[tuple[str, np.ndarray]]:
    """Return (description, mask) for every filter in use, in a fixed order."""
    out: list[tuple[str, np.ndarray]] = []
    start, end = c.start_date, c.end_date
    if start is not None or end is not None:
        mask = np.ones(len(gdf), dtype=bool)
        # ISO dates compare correctly as text.
        if end is not None:
            mask &= (gdf["date_start"].astype("string") <= end.isoformat()).fillna(False).to_numpy()
        if start is not None:
            mask &= (gdf["date_end"].astype("string") >= start.isoformat()).fillna(False).to_numpy()
        out.append((f"date {start or '…'} to {end or '…'}", mask))
    if c.types:
        out.append((f"type {', '.join(c.types)}", gdf["event_type"].isin(c.types).to_numpy()))
    if c.actors:
        mask = np.zeros(len(gdf), dtype=bool)
        for actor in c.actors:
            mask |= _contains(gdf["actor1"], actor).to_numpy(dtype=bool)
            mask |= _contains(gdf["actor2"], actor).to_numpy(dtype=bool)
            mask |= _list_contains(gdf["assoc_actors"], actor)
        out.append((f"actor {', '.join(c.actors)}", mask))
    if c.countries:
        wanted = {v.lower() for v in c.countries}
        mask = (
            gdf["country"].astype("string").str.lower().isin(wanted).fillna(False)
            | gdf["iso3"].astype("string").str.lower().isin(wanted).fillna(False)
        ).to_numpy(dtype=bool)
        out.append((f"country {', '.join(c.countries)}", mask))
    points = None
    if c.bbox is not None or c.near is not None:
        points = gdf.geometry.representative_point()
    if c.bbox is not None:
        west, south, east, north = c.bbox
        x, y = points.x.to_numpy(), points.y.to_numpy()
        in_lon = (x >= west) & (x <= east) if west <= east else (x >= west) | (x <= east)
        out.append(
            (f"bbox {','.join(f'{v:g}' for v in c.bbox)}", in_lon & (y >= south) & (y <= north))
        )
    if c.near is not None and c.within_km is not None:
        lat, lon = c.near
        x, y = points.x.to_numpy(), points.y.to_numpy()
        _, _, dist = _WGS84.inv(np.full_like(x, lon), np.full_like(y, lat), x, y)
        out.append((f"within {c.within_km:g} km of {lat:g},{lon:g}", dist <= c.within_km * 1000.0))
    if c.min_fatalities is not None:
        mask = (gdf["fatalities"] >= c.min_fatalities).fillna(False).to_numpy(dtype=bool)
        out.append((f"fatalities >= {c.min_fatalities}", mask))
    if c.max_precision is not None:
        mask = (gdf["geo_precision"] <= c.max_precision).fillna(False).to_numpy(dtype=bool)
        out.append((f"geo precision <= {c.max_precision}", mask))
    if c.text:
        mask = (
            _contains(gdf["title"], c.text).to_numpy(dtype=bool)
            | _contains(gdf["summary"], c.text).to_numpy(dtype=bool)
            | _list_contains(gdf["sources"], c.text, ("name", "quote"))
        )
        out.append((f"text {c.text!r}", mask))
    return out


def selection_steps(gdf: gpd.GeoDataFrame, criteria: Criteria) -> list[tuple[str, int]]:
    """Apply the filters one after another and count what is left after each.

    Returns
    -------
    list of (description, remaining)
        Useful to say which filter emptied a selection.
    """
    mask = np.ones(len(gdf), dtype=bool)
    steps = []
    for label, m in _masks(gdf, criteria):
        mask &= m
        steps.append((label, int(mask.sum())))
    return steps


def filter_incidents(
    gdf: gpd.GeoDataFrame, criteria: Criteria | None = None, *, allow_empty: bool = True, **kw
) -> gpd.GeoDataFrame:
    """Return the incidents that match every filter.

    Parameters
    ----------
    gdf : geopandas.GeoDataFrame
        Incidents, as returned by :func:`geoevents.load`.
    criteria : Criteria, optional
        The filters; or pass them as keyword arguments (``start="2017-10"``, ``types=[...]``).
    allow_empty : bool, default True
        With False, raise :class:`EmptySelectionError` naming the filter that emptied the
        selection.

    Returns
    -------
    geopandas.GeoDataFrame
        The matching rows, in their original order, with a fresh index.

    Examples
    --------
    >>> oct17 = filter_incidents(gdf, start="2017-10", end="2017-10")  # doctest: +SKIP
    """
    if criteria is None:
        criteria = Criteria(**kw)
    elif kw:
        raise TypeError("pass either a Criteria or keyword filters, not both")
    mask = np.ones(len(gdf), dtype=bool)
    for label, m in _masks(gdf, criteria):
        before = int(mask.sum())
        mask &= m
        if not allow_empty and before and not mask.any():
            raise EmptySelectionError(
                f"no incident left after the filter {label} ({before} matched the filters "
                "before it); widen or drop that filter"
            )
    if not allow_empty and not mask.any():
        raise EmptySelectionError("there are no incidents to select from")
    return gdf[mask].reset_index(drop=True)
