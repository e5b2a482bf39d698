"""``aggregate``: incidents per H3 cell or per country, with the change against the last window.

Counting follows the library's date rule: an incident counts in a window when its
``[date_start, date_end]`` overlaps it (as ``--start``/``--end`` and the map's timeline select),
in the cell of its point (:mod:`~geoevents.aggregation.hexes`) or in the country of its ``iso3``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from geoevents.aggregation.change import MIN_COUNT, change_classes
from geoevents.aggregation.dates import IncidentDates, incident_dates
from geoevents.aggregation.hexes import DEFAULT_RESOLUTION, cell_codes, cell_polygons
from geoevents.aggregation.windows import Window, previous_window

if TYPE_CHECKING:  # pragma: no cover
    import geopandas as gpd
    import numpy as np
    import pandas as pd

__all__ = [
    "AGGREGATE_BY",
    "AGGREGATE_COLUMNS",
    "AggregateParts",
    "aggregate",
    "aggregate_parts",
    "combine_aggregates",
]

AGGREGATE_BY = ("hex", "country")

#: The key of incidents without an ``iso3``.
UNKNOWN_ISO3 = "(unknown)"

#: The columns after the key (``cell``, or ``iso3`` and ``country``), before ``geometry``.
AGGREGATE_COLUMNS = (
    "incidents",
    "fatalities",
    "unreported",
    "previous",
    "change",
    "first_date",
    "last_date",
)


def _keys(gdf: gpd.GeoDataFrame, by: str, resolution: int) -> tuple[np.ndarray, list[str]]:
    """Each incident's key (an index into the second value), and the keys: H3 cells (sorted),
    or ``iso3`` codes (``(unknown)`` for none)."""
    import numpy as np
    import pandas as pd

    if by == "hex":
        cells, codes = cell_codes(gdf, resolution)
        return codes, cells
    codes, uniques = pd.factorize(gdf["iso3"], use_na_sentinel=True)
    given = [*(str(code) for code in uniques.tolist()), UNKNOWN_ISO3]  # -1 is the last
    # Number the codes again, in order: "(unknown)" may also be given as a code.
    keys, where = np.unique(np.array(given, dtype=object), return_inverse=True)
    return where.reshape(-1)[codes], keys.tolist()


def _labelled(values: np.ndarray, labels: list[str], present: np.ndarray) -> pd.Series:
    """``values`` of the keys ``present`` (indexes into ``labels``), indexed by their labels."""
    import numpy as np
    import pandas as pd

    index = pd.Index(np.array(labels, dtype=object)[present], dtype=object)
    return pd.Series(values[present], index=index)


def _counts(
    keys: np.ndarray, fatalities: np.ndarray, dates: IncidentDates, labels: list[str]
) -> pd.DataFrame:
    """Incidents, fatalities, unreported, first and last date per key with an incident.

    ``fatalities`` is float64 with NaN where unreported; ``keys`` and ``dates`` are those of
    the same incidents.
    """
    import numpy as np
    import pandas as pd

    groups = len(labels)
    unknown = np.isnan(fatalities)
    incidents = np.bincount(keys, minlength=groups)
    # Float sums of whole numbers are exact up to 2**53 deaths.
    summed = np.bincount(keys, weights=np.where(unknown, 0.0, fatalities), minlength=groups)
    unreported = np.bincount(keys[unknown], minlength=groups)
    first, last = dates.group_bounds(keys, groups)
    present = np.flatnonzero(incidents)
    columns = {
        "incidents": incidents,
        "fatalities": np.rint(summed).astype("int64"),
        "unreported": unreported,
        "first_date": np.array(first, dtype=object),
        "last_date": np.array(last, dtype=object),
    }
    return pd.DataFrame({k: _labelled(v, labels, present) for k, v in columns.items()})


def _first_names(gdf: gpd.GeoDataFrame, keys: np.ndarray, labels: list[str]) -> pd.Series:
    """The first ``country`` the incidents give each ``iso3`` key, in store order."""
    import numpy as np
    import pandas as pd

    codes, names = pd.factorize(gdf["country"], use_na_sentinel=True)
    named = np.flatnonzero(codes >= 0)
    found, first = np.unique(keys[named], return_index=True)
    given = np.array(names.tolist(), dtype=object)
    index = pd.Index(np.array(labels, dtype=object)[found], dtype=object)
    return pd.Series(given[codes[named[first]]], index=index, dtype=object)


def _country_shapes(iso3: list[str]) -> tuple[list[object], list[str | None]]:
    from geoevents.borders import countries

    world = countries().drop_duplicates("iso3").set_index("iso3")
    shapes = [world.geometry.get(code) for code in iso3]
    names = [world["name"].get(code) for code in iso3]
    return shapes, names


@dataclass
class AggregateParts:
    """What :func:`aggregate` counts in one part of a store, before the parts are combined.

    Attributes
    ----------
    table : pandas.DataFrame
        Per key (the index): incidents, fatalities, unreported, first_date, last_date of the
        incidents in the window (all of them without one).
    previous : pandas.Series or None
        Incidents per key in the previous window (None without a window).
    names : pandas.Series or None
        For ``by="country"``: the first ``country`` the incidents give each ``iso3``.
    """

    table: pd.DataFrame
    previous: pd.Series | None
    names: pd.Series | None


def aggregate_parts(
    gdf: gpd.GeoDataFrame,
    by: str = "hex",
    *,
    resolution: int = DEFAULT_RESOLUTION,
    window: Window | None = None,
) -> AggregateParts:
    """Count one part of the incidents (see :func:`aggregate`); :func:`combine_aggregates` adds
    the parts of a store up.

    Raises
    ------
    UsageError
        For an unknown ``by``.
    """
    from geoevents.errors import UsageError

    if by not in AGGREGATE_BY:
        raise UsageError(f"cannot aggregate by {by!r}; use one of {', '.join(AGGREGATE_BY)}")
    import numpy as np

    keys, labels = _keys(gdf, by, resolution)
    dates = incident_dates(gdf)
    fatalities = gdf["fatalities"].astype("Float64").to_numpy(dtype="float64", na_value=np.nan)
    previous = None
    if window is None:
        table = _counts(keys, fatalities, dates, labels)
    else:
        now = dates.within(window)
        table = _counts(keys[now], fatalities[now], dates.take(now), labels)
        counted = np.bincount(keys[dates.within(previous_window(window))], minlength=len(labels))
        previous = _labelled(counted, labels, np.flatnonzero(counted))
    names = _first_names(gdf, keys, labels) if by == "country" else None
    return AggregateParts(table, previous, names)


def _combined(parts: list[AggregateParts]) -> AggregateParts:
    import pandas as pd

    if len(parts) == 1:
        return parts[0]
    tables = pd.concat([p.table for p in parts])
    grouped = tables.groupby(level=0, sort=True)
    table = pd.DataFrame(
        {
            "incidents": grouped["incidents"].sum(),
            "fatalities": grouped["fatalities"].sum().astype("int64"),
            "unreported": grouped["unreported"].sum(),
            "first_date": grouped["first_date"].min(),
            "last_date": grouped["last_date"].max(),
        }
    )
    previous = None
    if parts[0].previous is not None:
        counts = pd.concat([p.previous for p in parts if p.previous is not None])
        previous = counts.groupby(level=0, sort=True).sum()
    names = None
    if parts[0].names is not None:
        # The first name in store order: the parts come in that order.
        given = pd.concat([p.names for p in parts if p.names is not None])
        names = given.groupby(level=0, sort=True).first()
    return AggregateParts(table, previous, names)


def aggregate(
    gdf: gpd.GeoDataFrame,
    by: str = "hex",
    *,
    resolution: int = DEFAULT_RESOLUTION,
    window: Window | None = None,
    min_count: int = MIN_COUNT,
) -> gpd.GeoDataFrame:
    """Count incidents and fatalities per H3 cell or per country, with their change class.

    Parameters
    ----------
    gdf : geopandas.GeoDataFrame
        Incidents in EPSG:4326. With a ``window``, pass the incidents of both windows (the
        filters without their dates): the previous window is counted from them too.
    by : {"hex", "country"}
        H3 cells (``cell``, polygons from H3) or countries (``iso3``, ``country``, the Natural
        Earth polygon; None for a code Natural Earth does not draw at 1:110m).
    resolution : int, default 5
        H3 resolution for ``by="hex"``.
    window : (datetime.date, datetime.date), optional
        The window counted, both ends inclusive. Its change is measured against the previous
        window of the same length (:func:`~geoevents.aggregation.windows.previous_window`).
        Without it every incident counts and ``previous`` and ``change`` are null.
    min_count : int, default 5
        Fewer incidents than this in both windows is the class ``"too few"``.

    Returns
    -------
    geopandas.GeoDataFrame
        One row per cell or country with an incident in the window or in the previous one:
        the key, then ``incidents``, ``fatalities`` (reported, summed), ``unreported``,
        ``previous`` (incidents in the previous window), ``change`` (a class of
        :data:`~geoevents.aggregation.change.CHANGE_CLASSES`), ``first_date`` (earliest
        ``date_start``) and ``last_date`` (latest ``date_end``) of the counted incidents, and
        ``geometry``. Most incidents first, then by key.

    Raises
    ------
    UsageError
        For an unknown ``by`` or a resolution outside 0-15.
    """
    parts = aggregate_parts(gdf, by, resolution=resolution, window=window)
    return combine_aggregates([parts], by, min_count=min_count)


def combine_aggregates(
    parts: list[AggregateParts], by: str = "hex", *, min_count: int = MIN_COUNT
) -> gpd.GeoDataFrame:
    """The :func:`aggregate` table of the incidents counted in ``parts`` (in store order; all
    counted with the same ``by``, resolution and window), as if counted at once."""
    import geopandas as gpd
    import pandas as pd

    combined = _combined(parts)
    table = combined.table
    if combined.previous is not None:
        previous = combined.previous
        table = table.reindex(table.index.union(previous.index), fill_value=None)
        table["incidents"] = table["incidents"].fillna(0).astype("int64")
        table["fatalities"] = table["fatalities"].fillna(0).astype("int64")
        table["unreported"] = table["unreported"].fillna(0).astype("int64")
        table["previous"] = previous.reindex(table.index, fill_value=0).astype("int64")
        table["change"] = change_classes(
            table["incidents"].to_numpy(), table["previous"].to_numpy(), min_count=min_count
        )
    else:
        table["previous"] = pd.array([None] * len(table), dtype="Int64")
        table["change"] = pd.Series([None] * len(table), index=table.index, dtype=object)
    table.index.name = "key"
    table = table.reset_index().sort_values(
        ["incidents", "key"], ascending=[False, True], kind="stable"
    )
    keys = table["key"].tolist()
    columns: dict[str, object] = {}
    if by == "hex":
        columns["cell"] = keys
        shapes: list[object] = list(cell_polygons(keys))
    else:
        shapes, names = _country_shapes(keys)
        # A code Natural Earth does not know keeps the name the incidents give it.
        given = combined.names if combined.names is not None else pd.Series(dtype=object)
        columns["iso3"] = keys
        columns["country"] = [
            n if n is not None else given.get(k) for k, n in zip(keys, names, strict=True)
        ]
    for name in AGGREGATE_COLUMNS:
        values = table[name].to_numpy()
        if name in ("first_date", "last_date", "change"):
            # Object dtype: a missing date or class stays None (pandas' str dtype makes it NaN).
            values = pd.Series([None if pd.isna(v) else str(v) for v in values], dtype=object)
        columns[name] = values
    return gpd.GeoDataFrame(columns, geometry=shapes, crs="EPSG:4326")
