"""Small incident stores built in a test: only the fields a test cares about vary."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from geoevents.schema import SUB_EVENT_TYPES

COUNTRIES = {"IRQ": "Iraq", "SYR": "Syria", "NER": "Niger"}


def incident(
    id: str,
    start: str,
    end: str | None = None,
    *,
    precision: str = "day",
    event_type: str = "Battles",
    lonlat: tuple[float, float] = (44.39, 35.47),
    iso3: str = "IRQ",
    fatalities: int | None = None,
    geo_precision: int = 1,
    location: str = "Kirkuk",
    actors: tuple[str | None, str | None] = ("A", None),
) -> dict[str, Any]:
    """One valid incident Feature."""
    return {
        "type": "Feature",
        "properties": {
            "id": id,
            "title": f"Incident {id}",
            "date_start": start,
            "date_end": end or start,
            "date_precision": precision,
            "event_type": event_type,
            "sub_event_type": SUB_EVENT_TYPES[event_type][0],
            "actor1": actors[0],
            "actor2": actors[1],
            "assoc_actors": [],
            "country": COUNTRIES[iso3],
            "iso3": iso3,
            "admin1": None,
            "location": location,
            "geo_precision": geo_precision,
            "fatalities": fatalities,
            "summary": "",
            "sources": [{"name": "Test"}],
            "tags": [],
        },
        "geometry": {"type": "Point", "coordinates": list(lonlat)},
    }


def write_store(path: Path, features: list[dict[str, Any]]) -> Path:
    """Write ``features`` as a GeoJSON store at ``path``; return the path."""
    doc = {"type": "FeatureCollection", "features": features}
    path.write_text(json.dumps(doc, indent=1) + "\n", encoding="utf-8")
    return path
