"""GeoJSON: our own strict reader (RFC 7946), and a writer that emits clean, stable GeoJSON."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, NamedTuple

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geoevents import schema
from geoevents._gc import gc_paused
from geoevents.io.census import check_columns
from geoevents.io.strictjson import parse_json
from geoevents.problems import Problem, ValidationReport
from geoevents.rfc7946 import PlainPoints, flat_coordinates, plain_points, report_geojson
from geoevents.validation import check_frame
from geoevents.validation.rules import NO_GEOMETRY

__all__ = ["read_geojson", "to_feature_collection", "to_shape", "write_geojson"]


def read_geojson(
    data: bytes, source: str, *, incidents: bool = True
) -> tuple[gpd.GeoDataFrame | None, ValidationReport, set[int]]:
    """Parse and check GeoJSON bytes.

    Parameters
    ----------
    data : bytes
        The file content.
    source : str
        The file name, for messages.
    incidents : bool
        Check the incident schema too (the root must then be a FeatureCollection).

    Returns
    -------
    gdf, report, bad_rows
        The incident table (None when the structure is too broken to build one, or when
        ``incidents`` is False), the report, and the positions of features with errors.

    Raises
    ------
    InputError
        When the bytes are not UTF-8 JSON with finite numbers.
    """
    # The collector would walk the whole parsed tree again and again while it is built and
    # taken apart (see gc_paused); check_frame runs after the tree is gone, with it on.
    with gc_paused():
        built = _read_collection(data, source, incidents)
    if isinstance(built, ValidationReport):
        return None, built, set()
    report = built.report
    sub_report = ValidationReport(source=source)
    gdf, bad = check_frame(built.raw, built.shapes, sub_report, ids=built.ids)
    sub_report.discard(NO_GEOMETRY, built.missing_ok)  # already reported as broken
    report.extend(sub_report)
    bad |= built.broken
    return gdf, report, bad


class _Collection(NamedTuple):
    """A FeatureCollection read and structurally checked, ready for check_frame."""

    report: ValidationReport
    #: The properties of every feature, as parsed (an empty row where there are none).
    raw: pd.DataFrame
    #: One shape per feature, None where there is none.
    shapes: list[Any]
    #: The feature ids, to name features whose properties have no id.
    ids: list[str | None]
    #: Features with structural errors.
    broken: set[int]
    #: Broken features whose missing geometry was already reported.
    missing_ok: set[int]


def _collection_features(doc: Any) -> list[Any] | None:
    """Return the features of a FeatureCollection, or None when ``doc`` is not one."""
    if isinstance(doc, dict) and doc.get("type") == "FeatureCollection":
        features = doc.get("features")
        if isinstance(features, list):
            return features
    return None


def _read_collection(data: bytes, source: str, incidents: bool) -> ValidationReport | _Collection:
    """Parse and check the structure; build what check_frame needs, or return the final report.

    The report alone comes back when there is nothing to build: ``incidents`` is False, or the
    root is not a FeatureCollection of features.
    """
    doc, json_problems = parse_json(data, source, duplicates="error" if incidents else "warning")
    report = ValidationReport(source=source)
    report.problems.extend(json_problems)
    collection = _collection_features(doc)
    plain = plain_points(collection) if collection is not None else None
    report_geojson(doc, report, plain=plain)
    if not incidents:
        features = doc.get("features") if isinstance(doc, dict) else None
        if isinstance(features, list):
            report.count = len(features)
            _warn_duplicate_ids(features, report)
            _geometry_validity(features, report, True, plain)
        elif isinstance(doc, dict):
            report.count = 1
            _geometry_validity(
                [doc if doc.get("type") == "Feature" else {"geometry": doc}], report, False
            )
        return report

    if not (isinstance(doc, dict) and doc.get("type") == "FeatureCollection"):
        if report.ok:
            kind = doc.get("type") if isinstance(doc, dict) else type(doc).__name__
            report.add(
                "error",
                f"the root is a {kind}, not a FeatureCollection of incidents",
                'wrap the features in {"type": "FeatureCollection", "features": [...]}',
                kind="structure",
            )
        return report
    if collection is None or plain is None:
        return report
    features = collection
    del doc, collection  # the tree goes as soon as the table is built
    report.count = len(features)
    broken = report.rows_with("error")
    # A file-level structural error (legacy crs, duplicate members at the root) makes every
    # coordinate suspect: report the schema problems too, but build nothing usable.
    props_rows = [
        props if isinstance(f, dict) and isinstance(props := f.get("properties"), dict) else {}
        for f in features
    ]
    ids = [
        str(fid)
        if isinstance(f, dict) and isinstance(fid := f.get("id"), str | int | float)
        else None
        for f in features
    ]
    names: set[str] = set()
    for props in props_rows:
        names.update(props)
    check_columns(source, len(names))  # each name is a column of the table built below
    shapes, missing_ok = _shapes(features, plain, broken)
    del features
    # object dtype keeps what the file said: 3 stays 3 (not 3.0), null stays None.
    raw = pd.DataFrame(props_rows, dtype=object, index=range(len(props_rows)))
    return _Collection(report, raw, shapes, ids, broken, missing_ok)


def _shapes(
    features: list[Any], plain: PlainPoints, broken: set[int]
) -> tuple[list[Any], set[int]]:
    """Build one shape per feature (None for none), and the features whose geometry is broken.

    Structurally broken geometries were already reported, so their shape is None and
    check_frame's "no geometry" for them is dropped.
    """
    shapes = np.full(len(features), None, dtype=object)
    shapes[plain.index] = shapely.points(plain.xy)
    missing_ok: set[int] = set()
    for i in np.flatnonzero(~plain.mask).tolist():
        feat = features[i]
        ok = i not in broken and isinstance(feat, dict)
        geom = feat.get("geometry") if ok else None
        if geom is not None:
            shapes[i] = to_shape(geom)
        elif not ok:
            missing_ok.add(i)
    return shapes.tolist(), missing_ok


def to_shape(geom: dict[str, Any]) -> Any:
    """The 2D shapely shape of a GeoJSON geometry that passed the RFC 7946 checks."""
    if geom.get("type") == "Point":
        x, y = geom["coordinates"][:2]
        return shapely.Point(x, y)
    return shapely.geometry.shape(flat_coordinates(geom))


def _warn_duplicate_ids(features: list[Any], report: ValidationReport) -> None:
    """Warn about repeated ids, and missing ones where the other features have ids."""
    found: list[tuple[int, Any]] = []
    for i, feat in enumerate(features):
        if not isinstance(feat, dict):
            continue
        props = feat.get("properties")
        fid = feat.get("id")
        if fid is None and isinstance(props, dict):
            fid = props.get("id")
        if fid is None or isinstance(fid, str | int | float):
            found.append((i, fid))
    if not any(fid is not None for _, fid in found):
        return
    seen: dict[Any, int] = {}
    for i, fid in found:
        if fid is None:
            report.add(
                "warning",
                "the feature has no id while others have one",
                "give every feature an id",
                index=i,
                field="id",
            )
        elif fid in seen:
            report.add(
                "warning",
                f"id {fid!r} is also used by feature {seen[fid]}",
                "give every feature its own id",
                index=i,
                field="id",
            )
        else:
            seen[fid] = i


def _geometry_validity(
    features: list[Any],
    report: ValidationReport,
    collection: bool,
    plain: PlainPoints | None = None,
) -> None:
    """Add OGC validity errors (self-intersections, spikes) for structurally sound geometries."""
    if any(p.index is None for p in report.errors):
        return
    broken = {p.index for p in report.errors}
    # A Point with finite coordinates is always a valid shape.
    skip = plain.mask if plain is not None else np.zeros(len(features), dtype=bool)
    for i, feat in enumerate(features):
        if skip[i]:
            continue
        geom = feat.get("geometry") if isinstance(feat, dict) else None
        if not isinstance(geom, dict) or i in broken:
            continue
        shape = to_shape(geom)
        if not shape.is_empty and not shape.is_valid:
            report.problems.append(
                Problem(
                    "error",
                    f"the {shape.geom_type} is not a valid shape: {shapely.is_valid_reason(shape)}",
                    "repair it (e.g. shapely.make_valid, or QGIS 'Fix geometries')",
                    index=i if collection else None,
                    field="geometry",
                    kind="geometry",
                )
            )


def _clean(value: Any) -> Any:
    """Turn pandas/numpy scalars and missing values into plain JSON values."""
    if value is None or value is pd.NA:
        return None
    if isinstance(value, float) and np.isnan(value):
        return None
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return float(value)
    if isinstance(value, np.ndarray):
        return [_clean(v) for v in value]
    if isinstance(value, list):
        return [_clean(v) for v in value]
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    return value


def to_feature_collection(gdf: gpd.GeoDataFrame) -> dict[str, Any]:
    """Return the incidents as a GeoJSON FeatureCollection (a dict), properties in schema order."""
    columns = [c for c in schema.COLUMNS if c in gdf.columns]
    geo = shapely.to_geojson(np.asarray(gdf.geometry.values, dtype=object))
    features = []
    for row, geom in zip(gdf[columns].itertuples(index=False, name=None), geo, strict=True):
        props = {c: _clean(v) for c, v in zip(columns, row, strict=True)}
        features.append(
            {
                "type": "Feature",
                "properties": props,
                "geometry": json.loads(geom) if geom is not None else None,
            }
        )
    return {"type": "FeatureCollection", "features": features}


def write_geojson(gdf: gpd.GeoDataFrame, path: Path) -> None:
    """Write incidents as UTF-8 GeoJSON (RFC 7946) to ``path`` (not atomically; see io.formats)."""
    doc = to_feature_collection(gdf)
    with open(path, "w", encoding="utf-8") as fh:
        json.dump(doc, fh, ensure_ascii=False, indent=2, allow_nan=False)
        fh.write("\n")
