"""Checks on the seed dataset ``data/incidents.geojson``.

Every incident must be traceable to a verbatim passage in one of the seed articles in
``../shared/seeds`` (next to the repository), and the incidents the project demos rely on must be
present with the right dates and places.
"""

from __future__ import annotations

import json
import math
import re
from datetime import date
from pathlib import Path

import pytest
from helpers import SEEDS, require_shared

from geoevents.schema import (
    CONFIDENCE,
    DATE_PRECISIONS,
    FIELDS,
    GEO_PRECISIONS,
    SOURCE_KEYS,
    SUB_EVENT_TYPES,
)

ROOT = Path(__file__).resolve().parents[1]
DATASET = ROOT / "data" / "incidents.geojson"

ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
SEED_ID = re.compile(r"^seed-(\d{3})-\d{2}$")


def _load() -> dict:
    # utf-8-sig so that a stray BOM fails its own test below instead of breaking collection.
    return json.loads(DATASET.read_bytes().decode("utf-8-sig"))


COLLECTION = _load()
FEATURES: list[dict] = COLLECTION.get("features", [])
FEATURE_IDS = [str(f.get("properties", {}).get("id")) for f in FEATURES]


def _by_id(incident_id: str) -> dict:
    matches = [f for f in FEATURES if f["properties"]["id"] == incident_id]
    assert len(matches) == 1, f"expected exactly one incident {incident_id!r}, got {len(matches)}"
    return matches[0]


def _km(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Great-circle distance in kilometres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(a))


def _seed_text(document: str) -> str:
    path = SEEDS / document
    assert path.is_file(), f"source document {document!r} not found in {SEEDS}"
    return path.read_text(encoding="utf-8")


# ------------------------------------------------------------------ the collection as a whole


def test_file_is_utf8_json_without_bom_or_crs() -> None:
    raw = DATASET.read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf"), "the file starts with a UTF-8 BOM"
    raw.decode("utf-8")
    assert COLLECTION.get("type") == "FeatureCollection"
    assert "crs" not in COLLECTION, "RFC 7946 removed the crs member"


def test_at_least_thirty_incidents() -> None:
    assert len(FEATURES) >= 30


def test_ids_are_unique_and_well_formed() -> None:
    duplicates = sorted({i for i in FEATURE_IDS if FEATURE_IDS.count(i) > 1})
    assert not duplicates, f"duplicate ids: {duplicates}"
    bad = [i for i in FEATURE_IDS if not SEED_ID.match(i)]
    assert not bad, f"ids not of the form seed-<doc>-<nn>: {bad}"


# ------------------------------------------------------------------ each incident


@pytest.mark.parametrize("feature", FEATURES, ids=FEATURE_IDS)
def test_feature_has_every_schema_field(feature: dict) -> None:
    assert feature.get("type") == "Feature"
    props = feature["properties"]
    missing = [f.name for f in FIELDS if f.name not in props]
    assert not missing, f"missing fields: {missing}"
    unknown = sorted(set(props) - {f.name for f in FIELDS})
    assert not unknown, f"fields not in the schema: {unknown}"
    for name in ("title", "summary", "country", "iso3", "location"):
        assert isinstance(props[name], str) and props[name].strip(), name
    assert "\n" not in props["title"]
    assert "<" not in props["summary"], "summary must be plain text"
    assert re.fullmatch(r"[A-Z]{3}", props["iso3"])
    assert props["confidence"] in CONFIDENCE
    assert isinstance(props["assoc_actors"], list)
    assert isinstance(props["tags"], list) and props["tags"]


@pytest.mark.parametrize("feature", FEATURES, ids=FEATURE_IDS)
def test_geometry_is_a_lon_lat_point(feature: dict) -> None:
    geom = feature["geometry"]
    assert geom["type"] == "Point"
    lon, lat = geom["coordinates"]
    assert -180 <= lon <= 180 and -90 <= lat <= 90
    assert feature["properties"]["geo_precision"] in GEO_PRECISIONS


@pytest.mark.parametrize("feature", FEATURES, ids=FEATURE_IDS)
def test_event_type_pair_is_acled(feature: dict) -> None:
    props = feature["properties"]
    assert props["event_type"] in SUB_EVENT_TYPES, props["event_type"]
    assert props["sub_event_type"] in SUB_EVENT_TYPES[props["event_type"]], (
        f"{props['sub_event_type']!r} is not a sub-event type of {props['event_type']!r}"
    )


@pytest.mark.parametrize("feature", FEATURES, ids=FEATURE_IDS)
def test_dates_are_iso_and_ordered(feature: dict) -> None:
    props = feature["properties"]
    for name in ("date_start", "date_end"):
        assert ISO_DATE.match(props[name]), f"{name}={props[name]!r}"
        date.fromisoformat(props[name])
    assert props["date_end"] >= props["date_start"]
    assert props["date_precision"] in DATE_PRECISIONS


@pytest.mark.parametrize("feature", FEATURES, ids=FEATURE_IDS)
def test_fatalities_is_null_or_non_negative_int(feature: dict) -> None:
    value = feature["properties"]["fatalities"]
    assert value is None or (type(value) is int and value >= 0), repr(value)


@pytest.mark.parametrize("feature", FEATURES, ids=FEATURE_IDS)
def test_quotes_are_verbatim_in_the_named_seed_article(feature: dict) -> None:
    require_shared(SEEDS)
    props = feature["properties"]
    sources = props["sources"]
    assert sources, "no sources"
    doc_prefix = SEED_ID.match(props["id"]).group(1)
    documents = []
    for source in sources:
        assert set(source) <= set(SOURCE_KEYS), sorted(set(source) - set(SOURCE_KEYS))
        assert source.get("name"), "a source without a name"
        document, quote = source.get("document"), source.get("quote")
        if not (document and quote):
            continue
        assert len(quote.split()) >= 8, f"quote shorter than eight words: {quote!r}"
        assert quote in _seed_text(document), f"not verbatim in {document}: {quote!r}"
        documents.append(document)
    assert documents, "no source carries both a document and a quote"
    assert any(d.startswith(doc_prefix + "_") for d in documents), (
        f"the id names seed {doc_prefix} but no quote comes from it"
    )


# ------------------------------------------------------------------ the incidents we rely on

# id: (pattern the title must match, date_start, date_end, lon, lat, max distance in km)
REQUIRED = {
    "seed-000-16": (r"take over Kirkuk", "2017-10-16", "2017-10-16", 44.39, 35.47, 5),
    "seed-000-01": (r"Black Stadium.*Raqqa", "2017-10-17", "2017-10-20", 39.01, 35.95, 5),
    # Tongo Tongo village (GeoNames/Wikipedia 15.053N 1.836E, ~28 km south of the Malian border).
    "seed-000-09": (r"ambush.*Tongo Tongo", "2017-10-04", "2017-10-04", 1.84, 15.05, 5),
    "seed-001-01": (r"assault.*US embassy.*Baghdad", "2019-12-31", "2020-01-01", 44.40, 33.30, 3),
}


@pytest.mark.parametrize("incident_id", sorted(REQUIRED))
def test_required_incident_present(incident_id: str) -> None:
    pattern, start, end, lon, lat, max_km = REQUIRED[incident_id]
    feature = _by_id(incident_id)
    props = feature["properties"]
    assert re.search(pattern, props["title"], re.IGNORECASE), props["title"]
    assert (props["date_start"], props["date_end"]) == (start, end)
    assert props["geo_precision"] in (1, 2)
    got_lon, got_lat = feature["geometry"]["coordinates"]
    distance = _km(got_lon, got_lat, lon, lat)
    assert distance <= max_km, f"{incident_id}: point is {distance:.1f} km from ({lat}N, {lon}E)"


def test_embassy_assault_is_one_multi_day_incident() -> None:
    spanning = [
        f
        for f in FEATURES
        if f["properties"]["date_start"] <= "2020-01-01"
        and f["properties"]["date_end"] >= "2019-12-31"
        and f["properties"]["event_type"] in ("Riots", "Protests", "Battles")
        and "embassy" in f["properties"]["title"].lower()
        and "assault" in f["properties"]["title"].lower()
    ]
    assert len(spanning) == 1, [f["properties"]["id"] for f in spanning]
    props = spanning[0]["properties"]
    assert props["date_start"] == "2019-12-31" and props["date_end"] == "2020-01-01"
    assert props["iso3"] == "IRQ"


def test_stated_fatalities_are_kept() -> None:
    assert _by_id("seed-000-09")["properties"]["fatalities"] == 4  # four US Green Berets
    assert _by_id("seed-001-01")["properties"]["fatalities"] is None  # not stated, not zero
