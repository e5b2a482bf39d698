"""Counts and fatalities of a selection, grouped by one field or by period.

Periods follow one rule, **assign or set apart**: an incident counts in a period (day, ISO week,
month, year) only when everything its date says lies inside that period. Its extent is
``[date_start, date_end]`` widened to its ``date_precision`` (a ``month``-precision incident
spans its whole month, a ``year``-precision one its whole year). An incident whose extent lies
inside one period counts there once; any other (it spans two months, or it is known only to the
year while counting by month) counts in the ``imprecise`` row, never in a guessed period. Every
incident is counted exactly once, and the periods between the first and the last are all listed,
empty ones as zero.

Spreading an incident evenly over the periods it touches was the other candidate. It was not
chosen: fractional incidents read as data that nobody reported, and a year-precision incident
would put 1/12 of an event in months where nothing is known to have happened.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    import geopandas as gpd
    import numpy as np
    import pandas as pd

__all__ = [
    "IMPRECISE",
    "PERIODS",
    "STATS_BY",
    "TOTAL",
    "count_note",
    "incident_stats",
    "merge_stats",
    "period_counts",
    "period_labels",
    "with_total",
]

#: The periods of time ``incident_stats`` can group by, finest first.
PERIODS = ("day", "week", "month", "year")

STATS_BY = ("event_type", "country", *PERIODS, "actor")

#: The row of incidents whose dates do not fall within one period.
IMPRECISE = "imprecise"

#: The label of the total row.
TOTAL = "total"

# pandas period frequencies: "W" is a week from Monday to Sunday, as ISO 8601 weeks are.
_FREQ = {"day": "D", "week": "W", "month": "M", "year": "Y"}

# Days from 0001-01-01 (date.toordinal() == 1) to 1970-01-01, where pandas' day ordinals start.
_EPOCH_ORDINAL = dt.date(1970, 1, 1).toordinal()


def _day_ordinals(dates: pd.Series) -> np.ndarray:
    """ISO date strings as days since 1970-01-01 (numpy's dates reach far beyond pandas')."""
    import numpy as np

    return np.asarray(dates.astype(str), dtype="datetime64[D]").astype("int64")


def _widen(days: np.ndarray, precision: pd.Series, how: str) -> np.ndarray:
    """Move each day to the start (or end) of the period its precision stands for."""
    import pandas as pd

    out = days.copy()
    for name in PERIODS[1:]:
        rows = (precision == name).to_numpy()
        if rows.any():
            periods = pd.PeriodIndex.from_ordinals(days[rows], freq="D").asfreq(_FREQ[name])
            out[rows] = periods.asfreq("D", how=how).asi8
    return out


def _label(period: pd.Period, by: str) -> str:
    if by == "week":
        monday = dt.date.fromordinal(period.asfreq("D", how="start").ordinal + _EPOCH_ORDINAL)
        year, week, _ = monday.isocalendar()
        return f"{year}-W{week:02d}"
    return str(period)


def _period_ordinals(gdf: gpd.GeoDataFrame, by: str) -> tuple[np.ndarray, np.ndarray]:
    """(the period ordinal of each incident, whether its extent lies inside that period)."""
    import pandas as pd

    precision = gdf["date_precision"].astype("object").where(gdf["date_precision"].notna(), "day")
    starts = _widen(_day_ordinals(gdf["date_start"]), precision, "start")
    ends = _widen(_day_ordinals(gdf["date_end"].fillna(gdf["date_start"])), precision, "end")
    freq = _FREQ[by]
    first = pd.PeriodIndex.from_ordinals(starts, freq="D").asfreq(freq).asi8
    last = pd.PeriodIndex.from_ordinals(ends, freq="D").asfreq(freq).asi8
    return first, first == last


def period_labels(gdf: gpd.GeoDataFrame, by: str) -> tuple[pd.Series, list[str]]:
    """The period each incident counts in, by the rule of the module docstring.

    Parameters
    ----------
    gdf : geopandas.GeoDataFrame
        Incidents (``date_start``, ``date_end``, ``date_precision``).
    by : {"day", "week", "month", "year"}
        The period. Weeks are ISO 8601 weeks (Monday to Sunday), labelled ``2017-W42``.

    Returns
    -------
    labels : pandas.Series
        One label per incident (``2017-10``), or ``"imprecise"``.
    order : list of str
        Every period from the first to the last one an incident counts in, in order (empty
        ones included), then ``"imprecise"`` when an incident counts there.
    """
    import numpy as np
    import pandas as pd

    ordinals, inside = _period_ordinals(gdf, by)
    freq = _FREQ[by]
    order: list[str] = []
    labels = np.full(len(gdf), IMPRECISE, dtype=object)
    if inside.any():
        low, high = int(ordinals[inside].min()), int(ordinals[inside].max())
        span = pd.period_range(
            pd.Period(ordinal=low, freq=freq), pd.Period(ordinal=high, freq=freq), freq=freq
        )
        order = [_label(p, by) for p in span]
        labels[inside] = np.asarray(order, dtype=object)[ordinals[inside] - low]
    if not inside.all():
        order.append(IMPRECISE)
    return pd.Series(labels, index=gdf.index, dtype=object), order


def _actor_lists(gdf: gpd.GeoDataFrame) -> list[list[str]]:
    actors = [
        sorted({a for a in (a1, a2, *assoc) if isinstance(a, str) and a})
        for a1, a2, assoc in zip(gdf["actor1"], gdf["actor2"], gdf["assoc_actors"], strict=True)
    ]
    return [a or ["(none)"] for a in actors]


def incident_stats(
    gdf: gpd.GeoDataFrame, by: str = "event_type", *, total: bool = False
) -> pd.DataFrame:
    """Count incidents and reported fatalities per group.

    Parameters
    ----------
    gdf : geopandas.GeoDataFrame
        Incidents.
    by : {"event_type", "country", "day", "week", "month", "year", "actor"}
        A period groups by the rule of the module docstring: an incident counts in the period
        that holds its whole date extent, otherwise in the ``imprecise`` row; every period from
        the first to the last is listed, empty ones as zero. ``actor`` counts an incident once
        for each actor it names (actor1, actor2, assoc_actors), so the counts add up to more
        than the number of incidents (see :func:`count_note`).
    total : bool, default False
        Append a ``total`` row: the sum of each column.

    Returns
    -------
    pandas.DataFrame
        Columns ``by``, ``incidents``, ``fatalities`` (sum of reported figures) and
        ``unreported`` (incidents with no reported figure). Periods in time order (then
        ``imprecise``); other groups largest count first.
    """
    if by not in STATS_BY:
        from geoevents.errors import UsageError

        raise UsageError(f"cannot group by {by!r}; use one of {', '.join(STATS_BY)}")
    # Imported here: the command line reads STATS_BY for its options before any data is loaded.
    import pandas as pd

    frame = pd.DataFrame({"fatalities": gdf["fatalities"].astype("Int64"), "row": range(len(gdf))})
    order: list[str] | None = None
    if by in PERIODS:
        labels, order = period_labels(gdf, by)
        frame[by] = labels.to_numpy()
    elif by == "actor":
        frame[by] = _actor_lists(gdf)
        frame = frame.explode(by)
    else:
        frame[by] = gdf[by].astype("object").to_numpy()
    frame[by] = frame[by].fillna("(unknown)")
    grouped = frame.groupby(by, sort=True, dropna=False)
    out = pd.DataFrame(
        {
            "incidents": grouped["row"].count(),
            "fatalities": grouped["fatalities"].sum(min_count=0).astype("int64"),
            "unreported": grouped["fatalities"].apply(lambda s: int(s.isna().sum())),
        }
    )
    if order is not None:
        out = out.reindex(pd.Index(order, name=by), fill_value=0).reset_index()
    else:
        out = out.reset_index().sort_values(
            ["incidents", by], ascending=[False, True], kind="stable"
        )
    out = out.reset_index(drop=True).astype({c: "int64" for c in ("incidents", "fatalities")})
    out[by] = out[by].astype("object")
    return with_total(out, by) if total else out


def with_total(table: pd.DataFrame, by: str) -> pd.DataFrame:
    """``table`` (of :func:`incident_stats` or :func:`merge_stats`) with a ``total`` row: the
    sum of each column."""
    import pandas as pd

    sums = {c: int(table[c].sum()) for c in ("incidents", "fatalities", "unreported")}
    return pd.concat([table, pd.DataFrame([{by: TOTAL, **sums}])], ignore_index=True)


def _period_of(label: str, by: str) -> pd.Period:
    import pandas as pd

    if by == "week":
        year, week = label.split("-W")
        return pd.Period(dt.date.fromisocalendar(int(year), int(week), 1), freq=_FREQ[by])
    return pd.Period(label, freq=_FREQ[by])


def merge_stats(tables: list[pd.DataFrame], by: str) -> pd.DataFrame:
    """One :func:`incident_stats` table from the tables of parts of a selection (no total row).

    ``merge_stats([incident_stats(a, by), incident_stats(b, by)], by)`` equals
    ``incident_stats(pd.concat([a, b]), by)``: the counts add up, periods are listed from the
    first to the last (empty ones as zero) and other groups largest count first.
    """
    import pandas as pd

    columns = [by, "incidents", "fatalities", "unreported"]
    used = [t for t in tables if len(t)]
    if not used:
        return tables[0] if tables else pd.DataFrame({c: [] for c in columns})
    summed = pd.concat(used, ignore_index=True).groupby(by, sort=True)[columns[1:]].sum()
    if by in PERIODS:
        busy = summed[summed["incidents"] > 0].index
        dated = sorted(str(label) for label in busy if label != IMPRECISE)
        order: list[str] = []
        if dated:
            freq = _FREQ[by]
            span = pd.period_range(_period_of(dated[0], by), _period_of(dated[-1], by), freq=freq)
            order = [_label(p, by) for p in span]
        if IMPRECISE in busy:
            order.append(IMPRECISE)
        out = summed.reindex(pd.Index(order, name=by), fill_value=0).reset_index()
    else:
        out = summed.reset_index().sort_values(
            ["incidents", by], ascending=[False, True], kind="stable"
        )
    out = out.reset_index(drop=True).astype({c: "int64" for c in columns[1:]})
    out[by] = out[by].astype("object")
    return out[columns]


def count_note(by: str, table: pd.DataFrame, incidents: int) -> str | None:
    """What the counts of a stats table count, when that is not plain incidents.

    Parameters
    ----------
    by : str
        The grouping of ``table``.
    table : pandas.DataFrame
        The result of :func:`incident_stats` (without its total row).
    incidents : int
        How many incidents were counted.

    Returns
    -------
    str or None
        A sentence for the reader under the table, or None when each incident counts once in
        one row.
    """
    if by == "actor":
        counted = int(table["incidents"][table["actor"] != TOTAL].sum())
        return (
            f"An incident counts once per actor it names: the column total ({counted}) exceeds "
            f"the number of incidents ({incidents})."
            if counted > incidents
            else f"An incident counts once per actor it names ({incidents} incidents)."
        )
    if by in PERIODS and IMPRECISE in set(table[by]):
        return (
            f"imprecise: incidents whose dates (span or precision) do not fall within one {by}; "
            "each incident counts once."
        )
    return None


def period_counts(gdf: gpd.GeoDataFrame, by: str, category: str = "event_type") -> pd.DataFrame:
    """Incidents per period and category, by the same rule as :func:`incident_stats`.

    Parameters
    ----------
    gdf : geopandas.GeoDataFrame
        Incidents.
    by : {"day", "week", "month", "year"}
        The period.
    category : str, default "event_type"
        The field the counts are split by; a missing value is ``(unknown)``.

    Returns
    -------
    pandas.DataFrame
        One row per period label (every period from the first to the last, then
        ``imprecise`` when any), one column per category (sorted), whole counts.
    """
    if by not in PERIODS:
        from geoevents.errors import UsageError

        raise UsageError(f"cannot count by period {by!r}; use one of {', '.join(PERIODS)}")
    import pandas as pd

    labels, order = period_labels(gdf, by)
    categories = gdf[category].astype("object").fillna("(unknown)").to_numpy()
    table = pd.crosstab(pd.Series(labels.to_numpy(), name=by), pd.Series(categories, name=None))
    table = table.reindex(pd.Index(order, name=by), fill_value=0)
    table = table.reindex(sorted(table.columns), axis=1).astype("int64")
    table.columns.name = None
    return table
