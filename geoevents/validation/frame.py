"""The run over one table: every check, in the order its problems are reported.

:func:`check_frame` is what every reader calls (the GeoJSON reader with parsed properties, the
table readers with their columns); :func:`validate_frame` checks a table already in memory.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow as pa

from geoevents import schema
from geoevents._gc import gc_paused
from geoevents._heap import release_freed_memory
from geoevents.problems import ValidationReport
from geoevents.validation.duplicates import double_counts, record_double_counts
from geoevents.validation.fields import (
    check_across,
    check_choice,
    check_dates,
    check_integers,
    check_strings,
)
from geoevents.validation.geometry import check_geometries
from geoevents.validation.lists import (
    ArrowLists,
    check_sources,
    check_sources_arrow,
    check_string_lists,
    check_string_lists_arrow,
)
from geoevents.validation.plausibility import check_plausibility
from geoevents.validation.rules import RowRules
from geoevents.validation.text import Text

__all__ = ["ARROW_FIELDS", "check_frame", "validate_frame"]


def check_frame(
    raw: pd.DataFrame,
    geometry: Sequence[Any] | gpd.GeoSeries,
    report: ValidationReport,
    *,
    ids: list[str | None] | None = None,
    today: dt.date | None = None,
    json_text: Sequence[str] = (),
    consume: bool = False,
    arrow_text: bool = False,
) -> tuple[gpd.GeoDataFrame, set[int]]:
    """Check raw incident properties and geometries; return the normalised table.

    Parameters
    ----------
    raw : pandas.DataFrame
        One row per feature, one column per property, values as read (not yet typed). Columns
        may be of any dtype (object, string, integer, float, pyarrow-backed).
    geometry : sequence of shapely geometries or None
        One per row.
    report : ValidationReport
        Receives every problem found.
    ids : list of str or None, optional
        Feature ids to name in messages when a row has no ``id`` property.
    today : datetime.date, optional
        The day after which a date counts as in the future (default: today).
    json_text : sequence of str, optional
        List fields whose text values are JSON to decode first (table stores keep lists as
        JSON text); a text that does not decode stays text and is reported as such. Rows with
        the same text share the decoded items (each row gets its own list).
    consume : bool, default False
        Let the run delete each column from ``raw`` once it has read it, so that a reader with
        no other use for ``raw`` does not hold the whole input in memory next to the result.
    arrow_text : bool, default False
        Keep the free-text fields (:data:`ARROW_FIELDS`) that ``raw`` holds as arrow text as
        pandas ``ArrowDtype`` string columns in the result, instead of a Python ``str`` per
        row: the same values (None is null), for a reader whose caller only encodes them
        (``geoevents map``), or, for such a field read as an arrow dictionary, as a pandas
        ``Categorical`` of its distinct texts (NaN is null); and arrow lists of text
        (``assoc_actors``, ``tags``) and ``sources`` given as arrow JSON text as arrow list
        columns (``validation.lists.LIST_TYPE``, ``SOURCE_TYPE``). The problems reported are
        the same.

    Returns
    -------
    geopandas.GeoDataFrame, set of int
        The incidents with the columns of :data:`geoevents.schema.COLUMNS` plus ``geometry``
        (rows with errors are kept, with the bad values blanked) and the positions of the rows
        that have at least one error.
    """
    with gc_paused():
        run = _Run(raw, geometry, report, ids, today, frozenset(json_text), consume, arrow_text)
        return run.run()


def validate_frame(gdf: gpd.GeoDataFrame, *, source: str | None = None) -> ValidationReport:
    """Validate an incident table that is already in memory (e.g. built in a notebook).

    Parameters
    ----------
    gdf : geopandas.GeoDataFrame
        Incidents with the schema's columns.
    source : str, optional
        A name for messages.

    Returns
    -------
    ValidationReport
    """
    report = ValidationReport(source=source, count=len(gdf))
    props = pd.DataFrame(gdf.drop(columns=gdf.geometry.name))
    check_frame(props, gdf.geometry, report)
    return report


_DTYPES = {"fatalities": "Int64", "geo_precision": "Int64"}
# Columns not in the schema that the run deletes from a ``raw`` given away (``consume``).
_DELETED_UNKNOWN = 64
_OBJECT_COLUMNS = tuple(name for name in schema.COLUMNS if name not in _DTYPES)
# Text fields that no later check reads: their arrow copies can go as soon as they are checked.
_TEXT_ONLY = ("title", "actor1", "actor2", "admin1", "location", "summary")
#: Fields of Python strings in the checked table that the double counts number.
_NUMBERED = ("date_start", "date_end", "event_type", "date_precision")
#: The text fields ``check_frame(arrow_text=True)`` keeps in arrow memory: free text, checked
#: as it is given (fields with a vocabulary or a default, and dates, stay Python strings).
ARROW_FIELDS = (
    "id", "title", "sub_event_type", "actor1", "actor2", "country", "iso3", "admin1",
    "location", "summary",
)  # fmt: skip


class _Run:
    """One call of :func:`check_frame`: the checks in the order their problems are reported.

    The object columns of the result are arrays made when a check first writes one
    (``slot``) and filled in place; the frame is built from them without a copy (pandas'
    copy-on-write keeps each as its own block). A field kept in arrow (``arrow_text``) never
    gets one: a million rows' object column is 8 MB of pointers, for ten fields 80 MB.
    """

    def __init__(
        self,
        raw: pd.DataFrame,
        geometry: Sequence[Any] | gpd.GeoSeries,
        report: ValidationReport,
        ids: list[str | None] | None,
        today: dt.date | None,
        json_text: frozenset[str],
        consume: bool,
        arrow_text: bool = False,
    ):
        self.n = n = len(raw)
        plain = isinstance(raw.index, pd.RangeIndex) and raw.index.start == 0
        self.raw = raw if consume and plain else raw.reset_index(drop=True)
        self.consume = consume
        self.geometry = geometry
        self.ids = ids
        self.today = today
        self.json_text = json_text
        self.columns = set(self.raw.columns)
        self.slots: dict[str, np.ndarray] = {}
        self.arrow_text = arrow_text
        # The kept texts of ARROW_FIELDS, when arrow_text (they replace the block's rows).
        self.arrow: dict[str, pa.ChunkedArray] = {}
        # The kept texts of ARROW_FIELDS that came as arrow dictionaries, as Categoricals.
        self.categories: dict[str, pd.Categorical] = {}
        self.id_text = Text.of(self.column("id"), n, lazy=arrow_text)
        self.end_missing = np.ones(n, bool)
        self.rules = RowRules(report, self.id_text.row_values(), ids)

    def column(self, name: str) -> pd.Series | None:
        return self.raw[name] if name in self.columns else None

    def take(self, name: str) -> pd.Series | None:
        """The input column, let go of by ``raw`` when the caller gave ``raw`` away."""
        series = self.column(name)
        if self.consume and name in self.raw.columns:
            del self.raw[name]
        return series

    def return_memory(self) -> None:
        """Give the memory of the input columns let go of back to the system now, not later:
        the Python objects made next would otherwise add to it (Arrow's pool and glibc's heap
        hold on to freed memory, see :func:`geoevents._heap.release_freed_memory`)."""
        if self.consume:
            release_freed_memory()

    def slot(self, name: str) -> np.ndarray:
        """The result's object column ``name`` (None in every row until written, in place)."""
        if name not in self.slots:
            self.slots[name] = np.full(self.n, None, dtype=object)
        return self.slots[name]

    def strings(self, name: str, required: bool, given: Text | None = None) -> Text:
        series = self.take(name)
        lazy = self.arrow_text and name in ARROW_FIELDS
        t = given or Text.of(series, self.n, lazy=lazy)
        del series
        if name == "date_end":
            self.end_missing = t.missing
        if lazy and t.in_arrow:
            kept = check_strings(self.rules, name, required, t, None)
            categorical = kept.categorical()
            if categorical is not None:
                self.categories[name] = categorical
                return kept
            arrow = kept.arrow_kept()
            if arrow is not None:
                self.arrow[name] = arrow
            else:  # more text than one arrow string array holds: Python strings after all
                kept.copy_into(self.slot(name))
            return kept
        return check_strings(self.rules, name, required, t, self.slot(name))

    def run(self) -> tuple[gpd.GeoDataFrame, set[int]]:
        rules, n = self.rules, self.n
        unknown = sorted(self.columns - set(schema.COLUMNS))
        for name in unknown:
            rules.unknown_property(name)
        if len(unknown) <= _DELETED_UNKNOWN:
            for name in unknown:
                self.take(name)
        else:
            # Deleting thousands of columns one at a time is quadratic (pandas rebuilds its
            # blocks at each deletion): the run reads a frame of the schema's columns instead,
            # and ``raw`` keeps the others until the reader lets it go.
            self.raw = self.raw[[c for c in self.raw.columns if c in schema.COLUMNS]]
            self.columns = set(self.raw.columns)
        if "id" not in self.columns and self.ids is not None:
            given = pd.Series([str(x) if x is not None else None for x in self.ids], dtype=object)
            self.id_text = Text.of(given, n)
        text: dict[str, Text] = {}
        for field in schema.FIELDS:
            if field.kind == "str":
                source = self.id_text if field.name == "id" else None
                text[field.name] = self.strings(field.name, field.required, source)
                if field.name in _TEXT_ONLY:
                    text[field.name].release()
                    self.return_memory()
        for name, required in (("date_start", True), ("date_end", False)):
            text[name] = check_dates(rules, name, self.strings(name, required))
        text["date_precision"] = check_choice(
            rules, "date_precision", text["date_precision"], schema.DATE_PRECISIONS, "day"
        )
        text["confidence"] = check_choice(
            rules, "confidence", text["confidence"], schema.CONFIDENCE, None
        )
        text["event_type"] = check_choice(
            rules, "event_type", text["event_type"], schema.EVENT_TYPES, None
        )
        ints = {
            "geo_precision": check_integers(
                rules, "geo_precision", self.column("geo_precision"), n, 1, 3, 1
            ),
            "fatalities": check_integers(
                rules, "fatalities", self.column("fatalities"), n, 0, None, None
            ),
        }
        tags: np.ndarray | ArrowLists = self.slot("tags")
        for name in ("assoc_actors", "tags"):
            json_text = name in self.json_text
            series = self.take(name)
            lists = None
            if self.arrow_text and series is not None:
                # Arrow lists of text stay arrow lists: no Python list per row.
                lists = check_string_lists_arrow(rules, name, series)
            if lists is not None:
                self.arrow[name] = pa.chunked_array([lists])
                if name == "tags":
                    tags = ArrowLists(lists)
            else:
                check_string_lists(rules, name, series, self.slot(name), json_text=json_text)
            del series, lists
        json_text = "sources" in self.json_text
        sources = self.take("sources")
        arrow = None
        if self.arrow_text and json_text and sources is not None:
            # JSON text in arrow memory: parsed by arrow, never a Python dict per row.
            arrow = check_sources_arrow(rules, sources)
        if arrow is not None:
            self.arrow["sources"] = pa.chunked_array([arrow])
        else:
            check_sources(rules, sources, self.slot("sources"), json_text=json_text)
        del sources, arrow
        self.return_memory()
        check_across(rules, text, self.end_missing, tags)
        geoms = check_geometries(rules, self.geometry)
        columns: dict[str, Any] = {}
        for name in schema.COLUMNS:
            if name in _DTYPES:
                columns[name] = pd.Series(ints[name], dtype=_DTYPES[name])
            elif name in self.arrow:
                columns[name] = pd.Series(pd.arrays.ArrowExtensionArray(self.arrow[name]))
            elif name in self.categories:
                columns[name] = pd.Series(self.categories.pop(name), copy=False)
            else:
                columns[name] = pd.Series(self.slot(name), dtype=object, copy=False)
        frame = pd.DataFrame(columns, copy=False)
        del columns
        geometry = gpd.GeoSeries(geoms, crs=schema.CRS)
        gdf = gpd.GeoDataFrame(frame, geometry=geometry, copy=False)
        # The double counts are worked out in a thread while the plausibility checks run
        # (numpy, arrow and GEOS let go of the GIL: 0.3 s at a million), and reported after
        # them, in the order of the rules.
        with ThreadPoolExecutor(max_workers=1) as pool:
            # The fields the checks numbered as read (dictionary columns) are not again.
            numbered = {
                name: found
                for name in _NUMBERED
                if name in text and (found := text[name].given_factor()) is not None
            }
            doubles = pool.submit(double_counts, gdf, numbered)
            check_plausibility(rules, gdf, text, self.today)
            record_double_counts(rules, doubles.result())
        return gdf, rules.bad_rows
