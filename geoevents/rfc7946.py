"""Structural checks of GeoJSON against RFC 7946, before any GIS library sees the data.

GDAL accepts much that the RFC forbids (lower-case types, properties that are arrays, unclosed
rings, legacy ``crs`` members), and silently drops or reinterprets it. These checks say exactly
what is wrong and where, so that a file is fixed rather than misread.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np

from geoevents.problems import Batch, Problem, Rule, ValidationReport, show_value

__all__ = [
    "GEOMETRY_TYPES",
    "MAX_NESTED_COLLECTIONS",
    "PlainPoints",
    "check_geojson",
    "flat_coordinates",
    "plain_points",
    "report_geojson",
]

GEOMETRY_TYPES = (
    "Point",
    "MultiPoint",
    "LineString",
    "MultiLineString",
    "Polygon",
    "MultiPolygon",
    "GeometryCollection",
)
#: How deep GeometryCollections may nest in one another (RFC 7946 advises against any nesting).
MAX_NESTED_COLLECTIONS = 8
_ALL_TYPES = (*GEOMETRY_TYPES, "Feature", "FeatureCollection")
# Nesting depth of "coordinates" for each geometry type: 0 is a position.
_DEPTH = {
    "Point": 0,
    "MultiPoint": 1,
    "LineString": 1,
    "MultiLineString": 2,
    "Polygon": 2,
    "MultiPolygon": 3,
}


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


# Exact types, not isinstance: a bool is an int to isinstance, and never a valid id or number.
_ID_TYPES = frozenset({str, int, float, type(None)})
_NUMBER_TYPES = frozenset({int, float})
_ABSENT = object()


@dataclass(frozen=True)
class PlainPoints:
    """The features of a collection that are plain Points, which no structural check can fault.

    A plain Point feature has exactly the members ``type`` ("Feature"), ``properties`` (an object
    or null), ``geometry`` and optionally ``id`` (a string, a number or null); its geometry has
    exactly ``type`` ("Point") and ``coordinates``, 2 or 3 numbers in range. Nearly every incident
    is one, so they are checked all at once and only the others one by one.

    Attributes
    ----------
    mask : numpy.ndarray of bool
        One per feature: True for a plain Point.
    index : numpy.ndarray of int
        The positions of the plain Points, ascending.
    xy : numpy.ndarray of float, shape (len(index), 2)
        Their longitude and latitude, in the order of ``index``.
    """

    mask: np.ndarray
    index: np.ndarray
    xy: np.ndarray


def _plain_coordinates(feat: Any) -> Any:
    """Return the coordinates of a feature shaped like a plain Point (not yet checked), or None."""
    # Counting the members and finding each expected one pins the exact set of members, with
    # less work than comparing key sets.
    if type(feat) is not dict:
        return None
    size = len(feat)
    if size != 3 and (size != 4 or type(feat.get("id", _ABSENT)) not in _ID_TYPES):
        return None
    props = feat.get("properties", _ABSENT)
    geom = feat.get("geometry", _ABSENT)
    if (
        feat.get("type") != "Feature"
        or (props is not None and type(props) is not dict)
        or type(geom) is not dict
        or len(geom) != 2
        or geom.get("type") != "Point"
    ):
        return None
    coords = geom.get("coordinates")
    if type(coords) is not list or not 2 <= len(coords) <= 3:
        return None
    return coords


def _plain_position(coords: list[Any]) -> bool:
    """Tell whether a position is numbers only and in range (the one-by-one form of the test)."""
    if not all(type(v) in _NUMBER_TYPES for v in coords):
        return False
    lon, lat = coords[0], coords[1]
    return -180 <= lon <= 180 and -90 <= lat <= 90


def plain_points(features: list[Any]) -> PlainPoints:
    """Find the plain Point features of a FeatureCollection, and their coordinates.

    Parameters
    ----------
    features : list
        The ``features`` array of a parsed FeatureCollection.

    Returns
    -------
    PlainPoints
        Which features are plain Points; :func:`check_geojson` reports nothing for them.
    """
    found = [_plain_coordinates(f) for f in features]
    if found.count(None):
        index = [i for i, c in enumerate(found) if c is not None]
        found = [found[i] for i in index]
    else:
        index = range(len(found))
    lon = lat = None
    if set(map(type, itertools.chain.from_iterable(found))) <= _NUMBER_TYPES:
        try:
            lon = np.array([c[0] for c in found], dtype=np.float64)
            lat = np.array([c[1] for c in found], dtype=np.float64)
        except OverflowError:  # an integer beyond any double: out of range anyway
            lon = lat = None
    if lon is not None and lat is not None:
        inside = (lon >= -180) & (lon <= 180) & (lat >= -90) & (lat <= 90)
    else:
        # Rare (a string, a bool or a huge integer among the coordinates): test one by one.
        inside = np.array([_plain_position(c) for c in found], dtype=bool)
        lon = np.array([c[0] if ok else np.nan for c, ok in zip(found, inside, strict=True)])
        lat = np.array([c[1] if ok else np.nan for c, ok in zip(found, inside, strict=True)])
    keep = np.flatnonzero(inside)
    plain = np.asarray(index, dtype=np.intp)[keep]
    mask = np.zeros(len(features), dtype=bool)
    mask[plain] = True
    xy = np.empty((len(keep), 2))
    xy[:, 0] = lon[keep]
    xy[:, 1] = lat[keep]
    return PlainPoints(mask=mask, index=plain, xy=xy)


class _Checker:
    def __init__(self) -> None:
        self.problems: list[Problem] = []
        self.index: int | None = None
        self.feature_id: str | None = None

    def add(self, severity: str, field: str, message: str, fix: str, kind: str) -> None:
        # Inside a collection the feature is named by index and id; the field reads from there.
        field = field.removeprefix("feature.")
        self.problems.append(
            Problem(
                severity,  # type: ignore[arg-type]
                message,
                fix,
                index=self.index,
                feature_id=self.feature_id,
                field=field,
                kind=kind,
            )
        )

    def error(self, field: str, message: str, fix: str, kind: str = "structure") -> None:
        self.add("error", field, message, fix, kind)

    def warn(self, field: str, message: str, fix: str, kind: str = "structure") -> None:
        self.add("warning", field, message, fix, kind)

    # -- members shared by every GeoJSON object -------------------------------------------------
    def common(self, obj: dict[str, Any], path: str) -> None:
        if "crs" in obj:
            self.error(
                f"{path}.crs" if path != "$" else "crs",
                "has a legacy 'crs' member; RFC 7946 removed it and requires WGS84 lon/lat",
                "reproject to EPSG:4326 (e.g. ogr2ogr -t_srs EPSG:4326) and drop 'crs'",
            )
        if "bbox" in obj:
            bbox = obj["bbox"]
            if not (
                isinstance(bbox, list) and len(bbox) in (4, 6) and all(_is_number(v) for v in bbox)
            ):
                self.error(
                    f"{path}.bbox",
                    f"bbox {show_value(bbox)} must be 4 or 6 numbers",
                    "write [west, south, east, north] or remove it",
                )

    def type_of(self, obj: Any, path: str, allowed: tuple[str, ...]) -> str | None:
        if not isinstance(obj, dict):
            self.error(
                path,
                f"expected a GeoJSON object, found {show_value(obj)}",
                f'write an object with a "type" of {" / ".join(allowed)}',
            )
            return None
        kind = obj.get("type")
        if kind in allowed:
            return kind
        if not isinstance(kind, str):
            self.error(
                f"{path}.type" if path != "$" else "type",
                'has no "type" member' if kind is None else f"type {show_value(kind)} is invalid",
                f'add "type": one of {", ".join(allowed)}',
            )
            return None
        near = [t for t in _ALL_TYPES if t.lower() == kind.lower()]
        if near and near[0] in allowed:
            self.error(
                f"{path}.type" if path != "$" else "type",
                f'type "{kind}" has the wrong case (GeoJSON types are case-sensitive)',
                f'write "{near[0]}"',
            )
        else:
            self.error(
                f"{path}.type" if path != "$" else "type",
                f'unknown type "{kind}"',
                f"use one of {', '.join(allowed)}",
            )
        return None

    # -- geometries -----------------------------------------------------------------------------
    def geometry(self, geom: Any, path: str, nested: int = 0) -> None:
        kind = self.type_of(geom, path, GEOMETRY_TYPES)
        if kind is None:
            return
        if nested > MAX_NESTED_COLLECTIONS:
            self.error(
                path,
                f"GeometryCollections are nested more than {MAX_NESTED_COLLECTIONS} deep",
                "flatten them into one collection",
            )
            return
        self.common(geom, path)
        if kind == "GeometryCollection":
            members = geom.get("geometries")
            if not isinstance(members, list):
                self.error(
                    f"{path}.geometries",
                    'a GeometryCollection needs a "geometries" array',
                    "add the member geometries as an array",
                )
                return
            if nested:
                self.warn(
                    path,
                    "GeometryCollection nested in a GeometryCollection (RFC 7946 says avoid it)",
                    "flatten it into one collection",
                )
            if not members:
                self.warn(
                    f"{path}.geometries",
                    "empty GeometryCollection: the feature has no location",
                    "give the feature a geometry or null",
                    kind="geometry",
                )
            for i, member in enumerate(members):
                self.geometry(member, f"{path}.geometries[{i}]", nested=nested + 1)
            return
        if "coordinates" not in geom:
            self.error(
                f"{path}.coordinates",
                f'the {kind} has no "coordinates"',
                "add the coordinates as [lon, lat]",
            )
            return
        self.coordinates(kind, geom["coordinates"], f"{path}.coordinates")

    def coordinates(self, kind: str, coords: Any, path: str) -> None:
        depth = _DEPTH[kind]
        if not self.array_of_depth(coords, depth, path):
            return
        if depth and len({min(len(p), 3) for p in _positions(coords, depth)}) > 1:
            self.error(
                path,
                f"the {kind} mixes positions of 2 and 3 numbers (2D and 3D)",
                "give every position of the geometry the same dimension (drop the heights, "
                "or give every position one)",
                kind="geometry",
            )
            return
        if kind == "LineString":
            self.line(coords, path)
        elif kind == "MultiLineString":
            for i, line in enumerate(coords):
                self.line(line, f"{path}[{i}]")
        elif kind == "Polygon":
            self.polygon(coords, path)
        elif kind == "MultiPolygon":
            for i, poly in enumerate(coords):
                self.polygon(poly, f"{path}[{i}]")

    def array_of_depth(self, value: Any, depth: int, path: str) -> bool:
        if depth == 0:
            return self.position(value, path)
        if not isinstance(value, list):
            self.error(path, f"expected an array, found {show_value(value)}", "fix the nesting")
            return False
        ok = True
        for i, item in enumerate(value):
            ok = self.array_of_depth(item, depth - 1, f"{path}[{i}]") and ok
        return ok

    def position(self, pos: Any, path: str) -> bool:
        if not isinstance(pos, list) or len(pos) < 2 or not all(_is_number(v) for v in pos):
            self.error(
                path,
                f"position {show_value(pos)} is not 2 or 3 numbers",
                "write [lon, lat] with numbers (not strings)",
            )
            return False
        if len(pos) > 3:
            self.warn(
                path,
                f"position has {len(pos)} numbers; RFC 7946 allows at most 3 (lon, lat, height)",
                "drop the extra numbers (they are ignored)",
            )
        lon, lat = pos[0], pos[1]
        if not (-180 <= lon <= 180 and -90 <= lat <= 90):
            swapped = -180 <= lat <= 180 and -90 <= lon <= 90
            self.error(
                path,
                f"position [{lon}, {lat}] is outside lon -180..180 / lat -90..90",
                "write [lon, lat] in WGS84 degrees"
                + (" (lat and lon look swapped)" if swapped else "; unwrap or split the shape"),
                kind="geometry",
            )
            return False
        return True

    def line(self, line: list[Any], path: str) -> None:
        if len(line) < 2:
            self.error(path, "a line needs at least 2 positions", "add positions or drop it")
            return
        self.antimeridian(line, path)

    def polygon(self, rings: list[Any], path: str) -> None:
        if not rings:
            self.error(path, "a polygon needs at least one ring", "add the exterior ring")
            return
        for i, ring in enumerate(rings):
            where = f"{path}[{i}]"
            if len(ring) < 4:
                self.error(where, "a ring needs at least 4 positions", "close the ring")
                continue
            if ring[0][:2] != ring[-1][:2]:
                self.error(
                    where,
                    f"ring is not closed: first {show_value(ring[0])} != last "
                    f"{show_value(ring[-1])}",
                    "repeat the first position exactly at the end",
                )
                continue
            self.antimeridian(ring, where)
            area = _signed_area(ring)
            if (i == 0 and area < 0) or (i > 0 and area > 0):
                self.warn(
                    where,
                    f"{'exterior' if i == 0 else 'interior'} ring winds "
                    f"{'clockwise' if i == 0 else 'counter-clockwise'} (RFC 7946 §3.1.6 asks "
                    "for exterior rings counter-clockwise, holes clockwise)",
                    "reverse the ring (it is read anyway)",
                )

    def antimeridian(self, positions: list[Any], path: str) -> None:
        for a, b in itertools.pairwise(positions):
            if abs(a[0] - b[0]) > 180:
                self.warn(
                    path,
                    f"segment {show_value(a)} -> {show_value(b)} crosses the antimeridian; read "
                    "naively it wraps the whole world",
                    "split the shape at 180° (RFC 7946 §3.1.9)",
                    kind="geometry",
                )
                return

    # -- features -------------------------------------------------------------------------------
    def feature(self, feat: Any, path: str) -> None:
        kind = self.type_of(feat, path, ("Feature",))
        if kind is None:
            return
        fid = feat.get("id")
        if fid is not None:
            if isinstance(fid, str) or _is_number(fid):
                self.feature_id = str(fid)
            else:
                self.error(
                    f"{path}.id",
                    f"feature id {show_value(fid)} must be a string or a number",
                    "write a string id",
                )
        props = feat.get("properties", ...)
        if props is ...:
            self.error(f"{path}.properties", 'the feature has no "properties" member', "add one")
        elif props is not None and not isinstance(props, dict):
            self.error(
                f"{path}.properties",
                f"properties must be an object or null, found {show_value(props)}",
                "write the properties as an object",
            )
        elif isinstance(props, dict) and self.feature_id is None:
            pid = props.get("id")
            if isinstance(pid, str):
                self.feature_id = pid
        self.common(feat, path)
        if "geometry" not in feat:
            self.error(
                f"{path}.geometry",
                'the feature has no "geometry" member',
                "add the geometry, or null",
            )
        elif feat["geometry"] is not None:
            self.geometry(feat["geometry"], f"{path}.geometry")


def _positions(coords: list[Any], depth: int) -> Iterator[list[Any]]:
    """Every position of coordinates nested ``depth`` arrays deep (already checked)."""
    if depth == 1:
        yield from coords
    else:
        for part in coords:
            yield from _positions(part, depth - 1)


def flat_coordinates(geom: dict[str, Any]) -> dict[str, Any]:
    """A structurally checked geometry with every position cut to its lon and lat.

    shapely refuses positions of more than 3 numbers (RFC 7946 only advises against them) and
    incidents are 2D: heights are dropped here, before any shape is built.
    """
    kind = geom["type"]
    if kind == "GeometryCollection":
        return {"type": kind, "geometries": [flat_coordinates(g) for g in geom["geometries"]]}

    def cut(value: Any, depth: int) -> Any:
        return value[:2] if depth == 0 else [cut(v, depth - 1) for v in value]

    return {"type": kind, "coordinates": cut(geom["coordinates"], _DEPTH[kind])}


def _signed_area(ring: list[list[float]]) -> float:
    return sum(a[0] * b[1] - b[0] * a[1] for a, b in itertools.pairwise(ring)) / 2.0


def check_geojson(doc: Any, *, plain: PlainPoints | None = None) -> list[Problem]:
    """Check any GeoJSON object against RFC 7946.

    Parameters
    ----------
    doc : object
        A parsed JSON value.
    plain : PlainPoints, optional
        :func:`plain_points` of ``doc["features"]`` when the caller has it already; computed
        here otherwise. Only used when ``doc`` is a FeatureCollection.

    Returns
    -------
    list of Problem
        Errors for what the RFC forbids, warnings for what it advises against. Problems inside a
        FeatureCollection carry the feature's index and id.
    """
    report = ValidationReport()
    report_geojson(doc, report, plain=plain)
    return list(report.problems)


# A feature that is not an object, or has no "type": the commonest damage by far (a file of
# millions of `{}`), recorded as values, not as written problems.
_NOT_AN_OBJECT = Rule(
    "error",
    lambda value: (
        f"expected a GeoJSON object, found {show_value(value)}",
        'write an object with a "type" of Feature',
    ),
    kind="structure",
)
_NO_TYPE = Rule(
    "error", lambda: ('has no "type" member', 'add "type": one of Feature'), kind="structure"
)


def report_geojson(doc: Any, report: ValidationReport, *, plain: PlainPoints | None = None) -> None:
    """Add what :func:`check_geojson` finds to ``report`` (in the same order).

    A report holds the problems of a million broken features compactly; this is the form a
    reader uses.

    Parameters
    ----------
    doc : object
        A parsed JSON value.
    report : ValidationReport
        Where the problems go.
    plain : PlainPoints, optional
        As for :func:`check_geojson`.
    """
    checker = _Checker()
    # Runs of features that are not objects, or have no "type", gathered as rows (and values)
    # and recorded as one batch each; the checker's written problems go in between, in order.
    typeless: list[int] = []
    not_objects: tuple[list[int], list[Any]] = ([], [])

    def flush() -> None:
        if typeless:
            report.record(Batch(_NO_TYPE, "type", typeless))
            typeless.clear()
        if not_objects[0]:
            rows, values = not_objects
            report.record(Batch(_NOT_AN_OBJECT, "feature", rows, list(values)))
            rows.clear()
            values.clear()
        if checker.problems:
            report.add_problems(checker.problems)
            checker.problems = []

    kind = checker.type_of(doc, "$", _ALL_TYPES)
    if kind is None:
        flush()
        return
    checker.common(doc, "$")
    if kind == "FeatureCollection":
        features = doc.get("features")
        if not isinstance(features, list):
            checker.error(
                "features",
                f'"features" must be an array, found {show_value(features)}',
                "list the features in an array",
            )
            flush()
            return
        if plain is None:
            plain = plain_points(features)
        # A plain Point gives no problem, so checking only the others keeps the order of the
        # problems: by feature, then as found within each.
        for i in np.flatnonzero(~plain.mask).tolist():
            feat = features[i]
            if type(feat) is not dict:
                if typeless or checker.problems:
                    flush()
                not_objects[0].append(i)
                not_objects[1].append(feat)
            elif "type" not in feat:
                if not_objects[0] or checker.problems:
                    flush()
                typeless.append(i)
            else:
                if typeless or not_objects[0]:
                    flush()
                checker.index, checker.feature_id = i, None
                checker.feature(feat, "feature")
    elif kind == "Feature":
        checker.feature(doc, "$")
    else:
        checker.geometry(doc, "$")
    flush()
