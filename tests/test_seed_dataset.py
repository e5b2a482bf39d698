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


#: Ids of records dropped or merged when the store was recoded by docs/coding.md (issue 14). A
#: record's id is its identity, so these are never reused (docs/coding.md §10).
RETIRED = {
    "seed-000-03", "seed-000-06", "seed-000-08", "seed-000-11", "seed-000-12", "seed-000-14",
    "seed-000-15", "seed-000-17", "seed-000-21", "seed-000-22", "seed-000-23", "seed-001-02",
    "seed-001-03", "seed-002-01", "seed-003-01", "seed-003-02", "seed-003-03", "seed-003-04",
    "seed-004-03", "seed-004-04",
}  # fmt: skip


def test_at_least_twenty_incidents() -> None:
    # 21 since the recoding: 38 records, of which 20 were non-events, aggregates or doubles.
    assert len(FEATURES) >= 20


def test_retired_ids_are_not_reused() -> None:
    assert not RETIRED & set(FEATURE_IDS)


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


@pytest.mark.parametrize("feature", FEATURES, ids=FEATURE_IDS)
def test_date_precision_fits_the_interval(feature: dict) -> None:
    """docs/coding.md §5.1: day one day; week 2-7 days; month / year the whole calendar unit."""
    props = feature["properties"]
    start, end = date.fromisoformat(props["date_start"]), date.fromisoformat(props["date_end"])
    days = (end - start).days + 1
    next_month = date(end.year + end.month // 12, end.month % 12 + 1, 1)
    fits = {
        "day": days == 1,
        "week": 2 <= days <= 7,
        "month": start.day == 1
        and (start.year, start.month) == (end.year, end.month)
        and (next_month - end).days == 1,
        "year": (start.month, start.day, end.month, end.day) == (1, 1, 12, 31)
        and start.year == end.year,
    }
    assert fits[props["date_precision"]], (props["date_precision"], start, end)


@pytest.mark.parametrize("feature", FEATURES, ids=FEATURE_IDS)
def test_strategic_other_carries_a_reason(feature: dict) -> None:
    props = feature["properties"]
    if (props["event_type"], props["sub_event_type"]) == ("Strategic developments", "Other"):
        assert any(t.startswith("reason:") and len(t) > 7 for t in props["tags"]), props["tags"]


def test_no_two_records_share_place_dates_type_and_actors() -> None:
    """docs/coding.md §1.6: one event, one record."""
    seen: dict[tuple, str] = {}
    for feature in FEATURES:
        props = feature["properties"]
        for place in (
            tuple(feature["geometry"]["coordinates"]),
            (props["location"], props["iso3"]),
        ):
            key = (
                place,
                props["date_start"],
                props["date_end"],
                props["event_type"],
                frozenset(filter(None, (props["actor1"], props["actor2"]))),
            )
            assert key not in seen, f"{props['id']} doubles {seen[key]}"
            seen[key] = props["id"]


def test_background_records_are_tagged_and_old() -> None:
    """Background events (docs/coding.md §2) are the ones from before the seed articles' time."""
    for feature in FEATURES:
        props = feature["properties"]
        background = "background" in props["tags"]
        assert background == (props["date_end"] < "2017-01-01"), props["id"]


# ------------------------------------------------------------------ the incidents we rely on

# id: (pattern the title must match, date_start, date_end, lon, lat, max distance in km)
REQUIRED = {
    "seed-000-16": (r"take over Kirkuk", "2017-10-16", "2017-10-16", 44.39, 35.47, 5),
    "seed-000-01": (r"Black Stadium.*Raqqa", "2017-10-17", "2017-10-20", 39.01, 35.95, 5),
    # Tongo Tongo village (GeoNames/Wikipedia 15.053N 1.836E, ~28 km south of the Malian border).
    "seed-000-09": (r"ambush.*Tongo Tongo", "2017-10-04", "2017-10-04", 1.84, 15.05, 5),
    "seed-001-01": (r"assault.*US embassy.*Baghdad", "2019-12-31", "2020-01-01", 44.40, 33.30, 3),
    # The deadliest events of seeds 001, 002 and 004, whose sentences name no place (issue 14).
    "seed-001-04": (
        r"US air strikes.*Kata'ib Hezbollah",
        "2019-12-29",
        "2019-12-29",
        40.99,
        34.39,
        5,
    ),
    "seed-002-04": (r"kills Qassem Soleimani", "2020-01-03", "2020-01-03", 44.23, 33.26, 5),
    "seed-002-05": (r"Camp Taji.*three coalition", "2020-03-11", "2020-03-11", 44.26, 33.53, 5),
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
    assert _by_id("seed-002-04")["properties"]["fatalities"] == 2  # the two the sources name
    assert _by_id("seed-002-05")["properties"]["fatalities"] == 3  # "three coalition personnel"
    assert _by_id("seed-001-01")["properties"]["fatalities"] is None  # not stated, not zero


def test_kirkuk_takeover_is_one_record() -> None:
    """16 Oct 2017 in and around Kirkuk city is one operation (docs/coding.md §1.2)."""
    around = [
        f["properties"]["id"]
        for f in FEATURES
        if f["properties"]["date_start"] <= "2017-10-16" <= f["properties"]["date_end"]
        and _km(*f["geometry"]["coordinates"], 44.39, 35.47) <= 30
    ]
    assert around == ["seed-000-16"]
