"""Selecting incidents: one :class:`Criteria` for the library, the same options on every command.

Every filter is a vectorised mask over the incident table. Date ranges mean overlap: an incident
is kept when ``date_start <= end`` and ``date_end >= start``, both ends inclusive, and a partial
date stands for its whole period (``2017-10`` is the whole of October 2017). The
:class:`Criteria` and its parsers live in :mod:`geoevents.criteria` (pure Python) and are
re-exported here.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
from pyproj import Geod

from geoevents.criteria import Criteria, parse_bbox, parse_latlon, parse_partial_date
from geoevents.errors import EmptySelectionError

__all__ = [
    "Criteria",
    "empty_selection",
    "filter_incidents",
    "parse_bbox",
    "parse_latlon",
    "parse_partial_date",
    "selection_steps",
]

_WGS84 = Geod(ellps="WGS84")


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
    if c.sub_types:
        wanted = {v.lower() for v in c.sub_types}
        column = gdf["sub_event_type"].astype("string").str.lower()
        mask = column.isin(wanted).fillna(False).to_numpy(dtype=bool)
        out.append((f"sub-type {', '.join(c.sub_types)}", mask))
    if c.min_fatalities is not None or c.max_fatalities is not None:
        fatalities = gdf["fatalities"]
        # Unknown is not 0: an unreported count matches no bound unless asked for.
        mask = np.ones(len(gdf), dtype=bool)
        labels = []
        if c.min_fatalities is not None:
            mask &= (fatalities >= c.min_fatalities).fillna(False).to_numpy(dtype=bool)
            labels.append(f"fatalities >= {c.min_fatalities}")
        if c.max_fatalities is not None:
            mask &= (fatalities <= c.max_fatalities).fillna(False).to_numpy(dtype=bool)
            labels.append(f"fatalities <= {c.max_fatalities}")
        if c.include_unreported:
            mask |= fatalities.isna().to_numpy(dtype=bool)
            labels.append("or not reported")
        out.append((" ".join(labels), mask))
    if c.max_precision is not None:
        mask = (gdf["geo_precision"] <= c.max_precision).fillna(False).to_numpy(dtype=bool)
        out.append((f"geo precision <= {c.max_precision}", mask))
    if c.text:
        # Free text: what an analyst reads of an incident (the page's filter does the same).
        mask = _list_contains(gdf["sources"], c.text, ("name", "quote"))
        mask |= _list_contains(gdf["assoc_actors"], c.text)
        for column in ("title", "summary", "location", "actor1", "actor2"):
            mask |= _contains(gdf[column], c.text).to_numpy(dtype=bool)
        out.append((f"text {c.text!r}", mask))
    for name, column, label in (
        ("date_precisions", "date_precision", "date precision"),
        ("confidences", "confidence", "confidence"),
    ):
        wanted = getattr(c, name)
        if wanted:
            mask = gdf[column].isin(wanted).fillna(False).to_numpy(dtype=bool)
            out.append((f"{label} {', '.join(wanted)}", mask))
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
            raise empty_selection(before, [(label, 0)])
    if not allow_empty and not mask.any():
        raise empty_selection(0, [])
    return gdf[mask].reset_index(drop=True)


def empty_selection(total: int, steps: list[tuple[str, int]]) -> EmptySelectionError:
    """The error for a selection left empty: it names the first filter that emptied it.

    Parameters
    ----------
    total : int
        Incidents before any filter.
    steps : list of (description, remaining)
        As :func:`selection_steps` counts them (summed over the parts of a store, say).
    """
    before = total
    for label, remaining in steps:
        if before and not remaining:
            return EmptySelectionError(
                f"no incident left after the filter {label} ({before} matched the filters "
                "before it); widen or drop that filter"
            )
        before = remaining
    return EmptySelectionError("there are no incidents to select from")
