"""Any delimited table: the caller names the columns (``lat``, ``lon``, ``date``, ...), directly or
through a mapping (a dict, or a JSON file of ``{"field": "column"}``).

Columns named like a schema field (``country``, ``fatalities``, ...) are used without being
named, so a CSV written by geoevents reads back; list fields may hold a JSON array or
``;``-separated values.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from geoevents import schema
from geoevents.errors import InputError, UsageError
from geoevents.ingest._base import Importer
from geoevents.ingest._common import (
    Batch,
    date_range,
    iso3_from_name,
    join_text,
    parse_dates,
    parse_day_month_name,
    per_unique,
    url_host,
)
from geoevents.ingest._detect import describe, guess_format
from geoevents.ingest._read import Opened, Sniff
from geoevents.ingest.acled import normalise_event_type
from geoevents.problems import show_value

__all__ = ["FIELD_OPTIONS", "TableImporter", "load_mapping"]

#: Options naming the column of a schema field (plus lat, lon, date, source and url).
FIELD_OPTIONS = (
    "lat",
    "lon",
    "date",
    "source",
    "url",
    *(f for f in schema.COLUMNS if f not in ("date_start", "sources")),
)
_GUESSES = {
    "lat": ("lat", "latitude", "y"),
    "lon": ("lon", "lng", "long", "longitude", "x"),
    "date": ("date", "date_start", "event_date", "start_date"),
}
_ALIASES = {"date_start": "date", "latitude": "lat", "longitude": "lon", "sources": "source"}
_PARTIAL = re.compile(r"(\d{4})(?:-(\d{1,2}))?(?:-(\d{1,2}))?(?:[T ][0-9:.+\-Z]*)?")
_SLASHED = re.compile(r"\d{1,2}[/.]\d{1,2}[/.]\d{4}")


def load_mapping(mapping: dict[str, str] | str | Path | None) -> dict[str, str]:
    """Return a ``{field: column}`` mapping from a dict or a JSON file.

    Raises
    ------
    UsageError
        When the file cannot be read, is not a JSON object of strings, or names an unknown
        field.
    """
    if mapping is None:
        return {}
    if isinstance(mapping, str | Path):
        path = Path(mapping)
        try:
            mapping = json.loads(path.read_text(encoding="utf-8"))
        except OSError as exc:
            raise UsageError(f"mapping file {path}: cannot be read ({exc.strerror})") from exc
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise UsageError(
                f'mapping file {path}: not JSON ({exc}); write {{"lat": "Latitude", ...}}'
            ) from exc
    if not isinstance(mapping, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in mapping.items()
    ):
        raise UsageError("a mapping must be a JSON object of field names to column names")
    out = {}
    for key, column in mapping.items():
        name = _ALIASES.get(key, key)
        if name not in FIELD_OPTIONS:
            raise UsageError(
                f"mapping names an unknown field {key!r}; use {', '.join(FIELD_OPTIONS)}"
            )
        out[name] = column
    return out


def _partial_iso(value: str) -> tuple[dt.date, str] | None:
    found = _PARTIAL.fullmatch(value)
    if not found:
        return None
    year, month, day = found[1], found[2], found[3]
    try:
        if day:
            return dt.date(int(year), int(month), int(day)), "day"
        if month:
            return dt.date(int(year), int(month), 1), "month"
        return dt.date(int(year), 1, 1), "year"
    except ValueError:
        return None


class TableImporter(Importer):
    """A table of the user's own; see the module docstring for the options."""

    name = "csv"
    OPTIONS: ClassVar[dict[str, Any]] = {
        **dict.fromkeys(FIELD_OPTIONS),
        "mapping": None,
        "defaults": None,
        "date_format": None,
        "delimiter": None,
        "list_separator": ";",
    }

    def __init__(self, source: Opened, sniff: Sniff, options: dict[str, Any]) -> None:
        super().__init__(source, sniff, options)
        opts = self.options
        header = [c.strip() for c in sniff.first]
        # Explicit options win over the mapping, which wins over guesses.
        columns: dict[str, str] = {}
        lowered = {c.lower(): c for c in header}
        for name in (*schema.COLUMNS, "source", "url"):
            if name.lower() in lowered:
                columns[_ALIASES.get(name, name)] = lowered[name.lower()]
        for name, guesses in _GUESSES.items():
            for g in guesses:
                if g in lowered:
                    columns[name] = lowered[g]
                    break
        columns.update(load_mapping(opts["mapping"]))
        columns.update({k: opts[k] for k in FIELD_OPTIONS if opts.get(k)})
        missing = [f"{k}={v!r}" for k, v in columns.items() if v not in header]
        if missing:
            raise self._layout_error(f"has no column {', '.join(missing)}", header)
        for needed in ("lat", "lon", "date"):
            if needed not in columns:
                raise self._layout_error(
                    f"no {needed} column was named or found (give {needed}='COLUMN')", header
                )
        defaults = opts["defaults"] or {}
        if not isinstance(defaults, dict):
            raise UsageError("defaults must be a dict of field names to values")
        unknown = sorted(set(defaults) - set(schema.COLUMNS))
        if unknown:
            raise UsageError(
                f"defaults names unknown fields {', '.join(unknown)}; "
                f"use {', '.join(schema.COLUMNS)}"
            )
        if "event_type" not in columns and "event_type" not in defaults:
            raise UsageError(
                f"{source.name}: name the event type column (event_type='COLUMN') or give one "
                "type for every row (defaults={'event_type': 'Battles'}); types are ACLED's: "
                + ", ".join(schema.EVENT_TYPES)
            )
        self.columns = columns
        self.defaults = defaults
        self.detected = "csv"

    def _layout_error(self, what: str, header: list[str]) -> InputError:
        msg = f"{self.source.name}: the table {what}; its columns are: {', '.join(header)}"
        guess = guess_format(self.sniff)
        if guess:
            msg += f". It looks like {describe(guess)}: import it with format '{guess}'"
        return InputError(msg)

    def _col(self, b: Batch, field: str) -> pd.Series:
        """The mapped column as text (NA where blank), with the field's default filled in."""
        column = self.columns.get(field)
        s = b.text(column) if column else pd.Series([None] * b.n, dtype="str")
        default = self.defaults.get(field)
        if default is not None:
            s = s.fillna(str(default))
        return s

    def convert(self, b: Batch) -> None:
        cols = self.columns
        sep = self.options["list_separator"]
        if "id" in cols:
            ids = self._col(b, "id")
            b.reject(ids.isna(), cols["id"], f"{cols['id']} (the id column) is blank")
        else:
            # Stable while the file is unchanged: the line the row starts on.
            ids = pd.Series([f"{self.source.path.stem}-{n}" for n in b.lines], dtype="str")
        b.set_ids(ids)

        self._dates(b)
        etype, sub = self._col(b, "event_type"), self._col(b, "sub_event_type")
        types = per_unique(
            etype.fillna("") + "\x1f" + sub.fillna(""),
            lambda key: normalise_event_type(*key.split("\x1f")),
        )
        errors = np.array([t[2] for t in types], dtype=object)
        b.reject(errors != None, cols.get("event_type"), errors, etype)  # noqa: E711
        event_type = pd.Series([t[0] for t in types], dtype="str")
        sub_type = pd.Series([t[1] for t in types], dtype="str")
        b.out["event_type"], b.out["sub_event_type"] = event_type, sub_type

        for field in ("actor1", "actor2", "country", "admin1", "location", "summary"):
            b.out[field] = self._col(b, field)
        iso3 = self._col(b, "iso3").str.upper()
        bad_iso = iso3.notna() & ~iso3.str.fullmatch(r"[A-Z]{3}").fillna(False).astype(bool)
        b.reject(
            bad_iso.to_numpy(dtype=bool),
            cols.get("iso3"),
            "iso3 {value} is not an ISO 3166-1 alpha-3 code; write three letters, e.g. IRQ",
            iso3,
        )
        by_name = pd.Series(per_unique(b.out["country"], iso3_from_name), dtype="str")
        b.out["iso3"] = iso3.fillna(by_name)
        confidence = self._col(b, "confidence").str.lower()
        b.reject(
            (confidence.notna() & ~confidence.isin(schema.CONFIDENCE)).to_numpy(dtype=bool),
            cols.get("confidence"),
            f"confidence {{value}} is not one of {', '.join(schema.CONFIDENCE)}",
            confidence,
        )
        b.out["confidence"] = confidence

        b.coordinates(cols["lat"], cols["lon"])
        b.out["geo_precision"] = self._integers(b, "geo_precision", 1, 3, 1)
        b.out["fatalities"] = self._integers(b, "fatalities", 0, None, None)
        b.out["assoc_actors"] = self._lists(b, "assoc_actors", sep)
        b.out["tags"] = self._lists(b, "tags", sep)
        b.out["sources"] = self._sources(b, sep)

        title = self._col(b, "title")
        actors = join_text([b.out["actor1"], b.out["actor2"]], " – ")
        head = join_text([sub_type.fillna(event_type), actors], ": ")
        built = join_text([head, "(" + b.out["location"] + ")"], " ")
        b.out["title"] = title.fillna(built)

    def _integers(
        self, b: Batch, field: str, low: int, high: int | None, default: int | None
    ) -> pd.Series:
        column = self.columns.get(field)
        if column is None:
            value = self.defaults.get(field, default)
            return pd.Series(pd.array([value] * b.n, dtype="Int64"))
        out = b.integers(column, low=low, high=high, default=self.defaults.get(field, default))
        return out

    def _dates(self, b: Batch) -> None:
        cols = self.columns
        fmt = self.options["date_format"]
        raw = self._col(b, "date")

        def parse(value: str) -> tuple[dt.date, str] | None:
            if fmt:
                try:
                    return dt.datetime.strptime(value, fmt).date(), "day"
                except ValueError:
                    return None
            found = _partial_iso(value)
            if found:
                return found
            day = parse_day_month_name(value)
            return (day, "day") if day else None

        parsed = per_unique(raw, lambda v: parse(v.strip()) if isinstance(v, str) else None)
        day = np.array(
            [np.datetime64(p[0], "D") if p else np.datetime64("NaT", "D") for p in parsed],
            dtype="datetime64[D]",
        )
        implied = np.array([p[1] if p else "day" for p in parsed], dtype=object)
        values = raw.to_numpy(dtype=object, na_value=None)
        messages = np.full(b.n, None, dtype=object)
        for i in np.flatnonzero(np.isnat(day) & b.ok):
            v = values[i]
            if v is None:
                messages[i] = f"{cols['date']} is blank; every incident needs a date"
            elif not fmt and _SLASHED.fullmatch(v):
                messages[i] = (
                    f"{cols['date']} {show_value(v)} is ambiguous; pass date_format='%d/%m/%Y' "
                    "(day first) or '%m/%d/%Y' (month first), or write YYYY-MM-DD"
                )
            else:
                want = f"date_format {fmt!r}" if fmt else "YYYY-MM-DD (or 2017-10, 2017)"
                messages[i] = f"{cols['date']} {show_value(v)} is not a date in {want}"
        b.reject(np.isnat(day), cols["date"], messages, raw)
        given = self._col(b, "date_precision").str.lower()
        b.reject(
            (given.notna() & ~given.isin(schema.DATE_PRECISIONS)).to_numpy(dtype=bool),
            cols.get("date_precision"),
            f"date_precision {{value}} is not one of {', '.join(schema.DATE_PRECISIONS)}",
            given,
        )
        precision = given.where(given.isin(schema.DATE_PRECISIONS)).to_numpy(
            dtype=object, na_value=None
        )
        precision = np.where(pd.isna(precision), implied, precision)
        start, end = date_range(day, precision)
        if "date_end" in cols or "date_end" in self.defaults:
            raw_end = self._col(b, "date_end")
            end_day = parse_dates(raw_end, lambda v: (parse(v) or (None, None))[0] if v else None)
            b.reject(
                np.isnat(end_day) & raw_end.notna().to_numpy(dtype=bool),
                cols.get("date_end"),
                "date_end {value} is not a date; write YYYY-MM-DD",
                raw_end,
            )
            with np.errstate(invalid="ignore"):
                b.reject(
                    end_day < day,
                    cols.get("date_end"),
                    "date_end {value} is before the start date; swap them or fix the wrong one",
                    raw_end,
                )
            given_end = pd.Series(
                np.datetime_as_string(end_day, unit="D").astype(object), dtype="str"
            ).where(~np.isnat(end_day))
            end = given_end.fillna(end)
        b.out["date_start"], b.out["date_end"] = start, end
        b.out["date_precision"] = pd.Series(precision, dtype="str")

    def _lists(self, b: Batch, field: str, sep: str) -> list[list[str]]:
        s = self._col(b, field)

        def one(v: Any) -> tuple[str, ...]:
            if not isinstance(v, str):
                return ()
            if v.startswith("["):
                try:
                    items = json.loads(v)
                except json.JSONDecodeError:
                    items = None
                if isinstance(items, list) and all(isinstance(x, str) for x in items):
                    return tuple(items)
            return tuple(dict.fromkeys(p.strip() for p in v.split(sep) if p.strip()))

        return [list(t) for t in per_unique(s, one)]

    def _sources(self, b: Batch, sep: str) -> list[list[dict[str, str]]]:
        names = self._col(b, "source").to_numpy(dtype=object, na_value=None)
        urls = self._col(b, "url").to_numpy(dtype=object, na_value=None)
        column = self.columns.get("source")
        out: list[list[dict[str, str]]] = []
        bad = np.zeros(b.n, dtype=bool)
        for i, (name, url) in enumerate(zip(names, urls, strict=True)):
            sources: list[dict[str, str]] = []
            if name and name.startswith("["):
                sources = _json_sources(name)
                bad[i] = not sources
            elif name:
                sources = [{"name": n.strip()} for n in name.split(sep) if n.strip()]
            if url:
                if len(sources) == 1 and "url" not in sources[0]:
                    sources[0]["url"] = url
                else:
                    host = url_host(url) or url
                    sources.append({"name": host.removeprefix("www."), "url": url})
            out.append(sources)
        b.reject(
            bad,
            column,
            f'{column} {{value}} is not a JSON list of {{"name": ..., "url": ...}} objects',
            names,
        )
        return out


def _json_sources(text: str) -> list[dict[str, str]]:
    try:
        items = json.loads(text)
    except json.JSONDecodeError:
        return []
    if not isinstance(items, list):
        return []
    out = []
    for item in items:
        if not isinstance(item, dict) or not isinstance(item.get("name"), str):
            return []
        out.append({k: str(v) for k, v in item.items() if k in schema.SOURCE_KEYS and v})
    return out
