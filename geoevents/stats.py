"""Counts and fatalities of a selection, grouped by one field."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    import geopandas as gpd
    import pandas as pd

__all__ = ["STATS_BY", "incident_stats"]

STATS_BY = ("event_type", "country", "year", "month", "actor")


def incident_stats(gdf: gpd.GeoDataFrame, by: str = "event_type") -> pd.DataFrame:
    """Count incidents and reported fatalities per group.

    Parameters
    ----------
    gdf : geopandas.GeoDataFrame
        Incidents.
    by : {"event_type", "country", "year", "month", "actor"}
        ``year``/``month`` use ``date_start``; ``actor`` counts an incident once for each of
        its actors (actor1, actor2, assoc_actors), so the counts may add up to more than the
        number of incidents.

    Returns
    -------
    pandas.DataFrame
        Columns ``by``, ``incidents``, ``fatalities`` (sum of reported figures) and
        ``unreported`` (incidents with no reported figure), largest count first.
    """
    if by not in STATS_BY:
        from geoevents.errors import UsageError

        raise UsageError(f"cannot group by {by!r}; use one of {', '.join(STATS_BY)}")
    # Imported here: the command line reads STATS_BY for its options before any data is loaded.
    import pandas as pd

    frame = pd.DataFrame({"fatalities": gdf["fatalities"].astype("Int64"), "row": range(len(gdf))})
    if by == "year":
        frame[by] = gdf["date_start"].str[:4]
    elif by == "month":
        frame[by] = gdf["date_start"].str[:7]
    elif by == "actor":
        actors = [
            sorted({a for a in (a1, a2, *assoc) if isinstance(a, str) and a})
            for a1, a2, assoc in zip(gdf["actor1"], gdf["actor2"], gdf["assoc_actors"], strict=True)
        ]
        frame[by] = [a or ["(none)"] for a in actors]
        frame = frame.explode(by)
    else:
        frame[by] = gdf[by]
    frame[by] = frame[by].fillna("(unknown)")
    grouped = frame.groupby(by, sort=True, dropna=False)
    out = pd.DataFrame(
        {
            "incidents": grouped["row"].count(),
            "fatalities": grouped["fatalities"].sum(min_count=0).astype("int64"),
            "unreported": grouped["fatalities"].apply(lambda s: int(s.isna().sum())),
        }
    ).reset_index()
    ascending = by in ("year", "month")
    if ascending:
        return out.sort_values(by, kind="stable").reset_index(drop=True)
    return out.sort_values(["incidents", by], ascending=[False, True], kind="stable").reset_index(
        drop=True
    )
