"""GeoJSON: our own strict reader (RFC 7946), and a writer that emits clean, stable GeoJSON."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geoevents import schema
from geoevents.io.strictjson import parse_json
from geoevents.problems import Problem, ValidationReport
from geoevents.rfc7946 import check_geojson
from geoevents.validate import check_frame

__all__ = ["read_geojson", "to_feature_collection", "write_geojson"]


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
    doc, json_problems = parse_json(data, source, duplicates="error" if incidents else "warning")
    report = ValidationReport(source=source)
    report.problems.extend(json_problems)
    report.problems.extend(check_geojson(doc))
    if not incidents:
        features = doc.get("features") if isinstance(doc, dict) else None
        if isinstance(features, list):
            report.count = len(features)
            _warn_duplicate_ids(features, report)
            _geometry_validity(features, report, True)
        elif isinstance(doc, dict):
            report.count = 1
            _geometry_validity(
                [doc if doc.get("type") == "Feature" else {"geometry": doc}], report, False
            )
        return None, report, set()

    if not (isinstance(doc, dict) and doc.get("type") == "FeatureCollection"):
        if report.ok:
            kind = doc.get("type") if isinstance(doc, dict) else type(doc).__name__
            report.add(
                "error",
                f"the root is a {kind}, not a FeatureCollection of incidents",
                'wrap the features in {"type": "FeatureCollection", "features": [...]}',
                kind="structure",
            )
        return None, report, set()
    features = doc.get("features")
    if not isinstance(features, list):
        return None, report, set()
    report.count = len(features)
    broken = {p.index for p in report.errors if p.index is not None}
    # A file-level structural error (legacy crs, duplicate members at the root) makes every
    # coordinate suspect: report the schema problems too, but build nothing usable.
    props_rows: list[dict[str, Any]] = []
    geoms: list[Any] = []
    ids: list[str | None] = []
    for i, feat in enumerate(features):
        ok = i not in broken and isinstance(feat, dict)
        props = feat.get("properties") if isinstance(feat, dict) else None
        props_rows.append(props if isinstance(props, dict) else {})
        fid = feat.get("id") if isinstance(feat, dict) else None
        ids.append(str(fid) if isinstance(fid, str | int | float) else None)
        geom = feat.get("geometry") if ok else None
        geoms.append(_to_shape(geom) if geom is not None else ("broken" if not ok else None))
    # object dtype keeps what the file said: 3 stays 3 (not 3.0), null stays None.
    raw = pd.DataFrame(props_rows, dtype=object, index=range(len(props_rows)))
    # Structurally broken geometries were already reported; do not report them again as missing.
    shapes = [None if g == "broken" else g for g in geoms]
    missing_ok = {i for i, g in enumerate(geoms) if isinstance(g, str)}
    sub_report = ValidationReport(source=source)
    gdf, bad = check_frame(raw, shapes, sub_report, ids=ids)
    report.problems.extend(
        p
        for p in sub_report.problems
        if not (p.index in missing_ok and p.field == "geometry" and "no geometry" in p.message)
    )
    bad |= broken
    return gdf, report, bad


def _to_shape(geom: dict[str, Any]) -> Any:
    if geom.get("type") == "Point":
        x, y = geom["coordinates"][:2]
        return shapely.Point(x, y)
    return shapely.force_2d(shapely.geometry.shape(geom))


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


def _geometry_validity(features: list[Any], report: ValidationReport, collection: bool) -> None:
    """Add OGC validity errors (self-intersections, spikes) for structurally sound geometries."""
    if any(p.index is None for p in report.errors):
        return
    broken = {p.index for p in report.errors}
    for i, feat in enumerate(features):
        geom = feat.get("geometry") if isinstance(feat, dict) else None
        if not isinstance(geom, dict) or i in broken:
            continue
        shape = _to_shape(geom)
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
