"""Incidents to add, read from JSON (``geoevents add --from-json``) by the strict reader.

The document is read as every GeoJSON store is (:func:`~geoevents.io.strictjson.parse_json`:
UTF-8, finite numbers, no duplicate members) and its structure checked by the RFC 7946 checks,
so that a malformed document is refused with the file, the feature and the field named, and
never reaches the shape builder half-checked.
"""

from __future__ import annotations

from typing import Any

from geoevents.errors import InputError, ValidationError
from geoevents.io.strictjson import parse_json
from geoevents.problems import Problem, ValidationReport, first_lines, show_value
from geoevents.rfc7946 import check_geojson

__all__ = ["read_new_incidents"]

#: How many problems a refusal lists before "... and N more".
_SHOWN = 10
_KINDS = "a GeoJSON Feature, a FeatureCollection of them, or an object of properties with lon/lat"


def _flat_problems(doc: dict[str, Any]) -> list[Problem]:
    """Problems of a flat object: properties plus optional ``lon`` and ``lat``."""
    problems = []
    given = [name for name in ("lon", "lat") if name in doc]
    if len(given) == 1:
        other = "lat" if given[0] == "lon" else "lon"
        problems.append(
            Problem(
                "error",
                f"{given[0]} is given without {other}",
                f"give both {given[0]} and {other}",
                field=other,
                kind="structure",
            )
        )
    limits = {"lon": 180, "lat": 90}
    for name in given:
        value = doc[name]
        number = isinstance(value, int | float) and not isinstance(value, bool)
        if not number or not -limits[name] <= value <= limits[name]:
            problems.append(
                Problem(
                    "error",
                    f"{name} {show_value(value)} is not a number from -{limits[name]} to "
                    f"{limits[name]}",
                    f"write the {'longitude' if name == 'lon' else 'latitude'} in WGS84 degrees",
                    field=name,
                    kind="geometry",
                )
            )
    return problems


def read_new_incidents(data: bytes, source: str) -> list[dict[str, Any]]:
    """Read the incidents of a JSON document, strictly, for :func:`geoevents.store.new_incident`.

    Parameters
    ----------
    data : bytes
        The document: a GeoJSON Feature, a FeatureCollection of Features (as
        ``geoevents extract`` writes its candidates), or a JSON object of properties with
        optional ``lon`` and ``lat``.
    source : str
        The file name, for messages.

    Returns
    -------
    list of dict
        One base per incident, as :func:`~geoevents.store.new_incident` takes it: a Feature, or
        the flat object.

    Raises
    ------
    InputError
        When the bytes are not UTF-8 JSON, or the document is none of the three kinds.
    ValidationError
        When its structure breaks RFC 7946 (an unknown geometry type, coordinates that are not
        numbers or out of range, properties that are not an object, duplicate members, ...):
        every such problem, one per line.
    """
    doc, problems = parse_json(data, source, duplicates="error")
    if isinstance(doc, dict) and doc.get("type") in ("Feature", "FeatureCollection"):
        problems.extend(check_geojson(doc))
        if doc["type"] == "FeatureCollection" and isinstance(doc.get("features"), list):
            if not doc["features"]:
                raise InputError(f"{source}: the FeatureCollection has no features; nothing to add")
            bases = doc["features"]
        else:
            bases = [doc]
    elif isinstance(doc, dict) and "type" not in doc:
        problems.extend(_flat_problems(doc))
        bases = [doc]
    else:
        found = f"a {doc.get('type')!r} object" if isinstance(doc, dict) else show_value(doc)
        raise InputError(f"{source}: found {found}; expected {_KINDS}")
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        report = ValidationReport(source=source, count=len(bases))
        report.problems.extend(errors)
        lines = first_lines([p.format(source) for p in errors], _SHOWN)
        raise ValidationError(
            f"{source} has {len(errors)} error(s); nothing was added:\n" + "\n".join(lines), report
        )
    return bases
