"""The tests' oracle for validation: every row of every check through the per-row rules.

:func:`geoevents.validation.check_frame` screens each column in bulk and hands only the rows it
cannot clear to :class:`geoevents.validation.RowRules`. :func:`rowwise_check` is the plain,
obviously complete way: one loop over every row per check, in the order ``check_frame`` runs
the checks, with no screen at all. Tests compare the two: the same problems in the same order,
the same bad rows, the same table. It shares nothing with the screens but the rules themselves.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import math
from collections.abc import Sequence
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geoevents import schema
from geoevents.borders import countries
from geoevents.problems import ValidationReport
from geoevents.validation import RowRules
from geoevents.validation.rules import BORDER_MARGIN_DEG
from geoevents.validation.values import double_count_keys

INTEGERS = {"geo_precision": (1, 3, 1), "fatalities": (0, None, None)}
CHOICES = {
    "date_precision": (schema.DATE_PRECISIONS, "day"),
    "confidence": (schema.CONFIDENCE, None),
    "event_type": (schema.EVENT_TYPES, None),
}


def rowwise_check(
    raw: pd.DataFrame,
    geometry: Sequence[Any],
    report: ValidationReport,
    *,
    ids: list[str | None] | None = None,
    today: dt.date | None = None,
    json_text: Sequence[str] = (),
) -> tuple[gpd.GeoDataFrame, set[int]]:
    """What ``check_frame`` must return, found by running the rules on every row."""
    raw = raw.reset_index(drop=True)
    n = len(raw)

    def column(name: str) -> list[Any]:
        return raw[name].tolist() if name in raw.columns else [None] * n

    rules = RowRules(report, _objects(column("id")), ids)
    for name in sorted(set(raw.columns) - set(schema.COLUMNS)):
        rules.unknown_property(name)

    text: dict[str, list[Any]] = {}
    given: dict[str, list[Any]] = {}
    if "id" not in raw.columns and ids is not None:
        given["id"] = [str(x) if x is not None else None for x in ids]
    for field in schema.FIELDS:
        if field.kind == "str":
            values = given.get(field.name) or column(field.name)
            text[field.name] = [
                rules.string(i, field.name, field.required, v) for i, v in enumerate(values)
            ]
    for name, required in (("date_start", True), ("date_end", False)):
        values = [rules.string(i, name, required, v) for i, v in enumerate(column(name))]
        text[name] = [rules.date(i, name, v) for i, v in enumerate(values)]
    for name, (allowed, default) in CHOICES.items():
        text[name] = [rules.choice(i, name, v, allowed, default) for i, v in enumerate(text[name])]

    ints = {}
    for name, (low, high, default) in INTEGERS.items():
        values = column(name) if name in raw.columns else [default] * n
        if name in raw.columns:
            values = [rules.integer(i, name, v, low, high, default) for i, v in enumerate(values)]
        ints[name] = pd.array(values, dtype="Int64")

    lists: dict[str, list[Any]] = {}
    for name in ("assoc_actors", "tags"):
        values = _decoded(column(name), name in json_text)
        lists[name] = [rules.string_list(i, name, v) for i, v in enumerate(values)]
    values = _decoded(column("sources"), "sources" in json_text)
    lists["sources"] = [rules.sources(i, v) for i, v in enumerate(values)]

    # date_end defaults to date_start where it is absent (a blank or bad one stays None).
    end_missing = [_missing(v) for v in column("date_end")]
    text["date_end"] = [
        s if missing else e
        for s, e, missing in zip(text["date_start"], text["date_end"], end_missing, strict=True)
    ]
    first: dict[Any, int] = {}
    for i, ident in enumerate(text["id"]):
        if ident is not None:
            first.setdefault(ident, i)
    cols = {**text, "tags": lists["tags"]}
    for i in range(n):
        rules.across(i, cols, first)

    geoms = [rules.geometry(i, g) for i, g in enumerate(geometry)]
    columns = {name: pd.Series(_objects(v), dtype=object) for name, v in {**text, **lists}.items()}
    frame = pd.DataFrame({name: columns.get(name, ints.get(name)) for name in schema.COLUMNS})
    gdf = gpd.GeoDataFrame(frame, geometry=gpd.GeoSeries(geoms, crs=schema.CRS))
    _plausibility(rules, gdf, (today or dt.date.today()).isoformat())
    seen: dict[Any, int] = {}
    for i, row in enumerate(zip(gdf.geometry, *(gdf[c] for c in _DOUBLE_COUNT), strict=True)):
        rules.double_count(i, double_count_keys(*row), seen)
    return gdf, rules.bad_rows


_DOUBLE_COUNT = (
    "location",
    "iso3",
    "date_start",
    "date_end",
    "event_type",
    "actor1",
    "actor2",
    "date_precision",
    "geo_precision",
)


def _objects(values: list[Any]) -> np.ndarray:
    out = np.empty(len(values), dtype=object)
    for i, value in enumerate(values):  # one by one: a list value stays one element
        out[i] = value
    return out


def _missing(value: Any) -> bool:
    if value is None or value is pd.NA:
        return True
    return isinstance(value, float) and math.isnan(value)


def _decoded(values: list[Any], json_text: bool) -> list[Any]:
    """Text values decoded as JSON where they are JSON (as table stores keep lists)."""
    if not json_text:
        return values
    out = []
    for value in values:
        if isinstance(value, str):
            with contextlib.suppress(json.JSONDecodeError):  # not JSON: stays text
                value = json.loads(value)
        out.append(value)
    return out


def _plausibility(rules: RowRules, gdf: gpd.GeoDataFrame, future: str) -> None:
    world = countries()
    for i, start in enumerate(gdf["date_start"]):
        rules.future(i, start, future)
    by_iso = dict(zip(world["iso3"], world.geometry, strict=True))
    by_name = {n.lower(): g for n, g in zip(world["name"], world.geometry, strict=True)}
    points = np.asarray(gdf.geometry.representative_point().values, dtype=object)
    named = [
        iso3 if isinstance(iso3, str) and iso3 in by_iso else country
        for iso3, country in zip(gdf["iso3"], gdf["country"], strict=True)
    ]
    shapes = np.array(
        [by_iso.get(n) or (by_name.get(n.lower()) if isinstance(n, str) else None) for n in named],
        dtype=object,
    )
    distance = shapely.distance(shapes, points)
    swapped = shapely.points(shapely.get_y(points), shapely.get_x(points))
    tree = shapely.STRtree(np.asarray(world.geometry.values))
    unnamed = np.flatnonzero(
        [s is None and p is not None for s, p in zip(shapes, points, strict=True)]
    )
    on_land = set()
    if len(unnamed):
        hits = tree.query(points[unnamed], predicate="dwithin", distance=BORDER_MARGIN_DEG)
        on_land = set(unnamed[hits[0]].tolist())
    for i, point in enumerate(points):
        rules.place(i, point, shapes[i], named[i], distance[i], swapped[i], i in on_land)
