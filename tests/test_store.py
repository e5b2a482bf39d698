"""Incident assembly and adding to a store, called as a notebook would (no CLI)."""

from __future__ import annotations

import pytest
import shapely
from helpers import SMALL

import geoevents
from geoevents.errors import UsageError, ValidationError
from geoevents.store import NewIncident, add_incidents, new_incident

BATTLE = {"title": "Clashes", "date_start": "2017-10-16", "event_type": "Battles"}


def test_by_coordinates():
    incident = new_incident(lonlat=(44.39, 35.47), country="IRQ", **BATTLE)
    assert isinstance(incident, NewIncident)
    assert incident.geometry.equals(shapely.Point(44.39, 35.47))
    assert incident.place is None
    assert incident.properties == {**BATTLE, "country": "IRQ", "iso3": "IRQ"}


def test_by_place_name_takes_the_gazetteer_fields():
    incident = new_incident(place="Tuz Kharmato", country="IRQ", **BATTLE)
    place = incident.place
    assert place is not None and place.iso3 == "IRQ"
    assert incident.geometry.equals(shapely.Point(place.lon, place.lat))
    props = incident.properties
    assert props["location"] == place.name and props["admin1"] == place.admin1
    assert (props["country"], props["iso3"]) == (place.country, "IRQ")
    assert props["geo_precision"] == place.geo_precision


def test_given_fields_win_over_the_gazetteer():
    incident = new_incident(place="Kirkuk", location="Kirkuk citadel", geo_precision=2, **BATTLE)
    assert incident.properties["location"] == "Kirkuk citadel"
    assert incident.properties["geo_precision"] == 2


def test_from_a_feature_or_properties_with_lon_lat():
    feature = {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [39.0, 35.9]},
        "properties": {**BATTLE, "tags": ["old"]},
    }
    incident = new_incident(feature, title="Renamed", tags=("a", "b"))
    assert incident.geometry.equals(shapely.Point(39.0, 35.9))
    assert incident.properties["title"] == "Renamed"
    assert incident.properties["tags"] == ["a", "b"]
    flat = new_incident({**BATTLE, "lon": 1.5, "lat": 2.5})
    assert flat.geometry.equals(shapely.Point(1.5, 2.5))
    assert "lon" not in flat.properties and "lat" not in flat.properties


def test_empty_or_missing_values_leave_the_base_as_it_is():
    incident = new_incident({**BATTLE, "tags": ["keep"], "lon": 0, "lat": 0}, tags=(), summary=None)
    assert incident.properties["tags"] == ["keep"]
    assert "summary" not in incident.properties
    assert new_incident(lonlat=(0, 0), fatalities=0, **BATTLE).properties["fatalities"] == 0


def test_one_source_and_an_id():
    incident = new_incident(
        lonlat=(0, 0), id="x-1", source_name="Reuters", source_quote="q", **BATTLE
    )
    assert incident.properties["sources"] == [{"name": "Reuters", "quote": "q"}]
    assert incident.properties["id"] == "x-1"


@pytest.mark.parametrize(
    ("kwargs", "message", "options"),
    [
        (
            {"lonlat": (0, 0), "source_url": "http://x"},
            "source_url/source_quote need source_name",
            ("source_url", "source_quote", "source_name"),
        ),
        (
            {"lonlat": (0, 0), "source_published": "2017-10-17"},
            "source_url/source_quote need source_name",
            ("source_url", "source_quote", "source_name"),
        ),
        (
            {"lonlat": (0, 0), "place": "Kirkuk"},
            "give place or lonlat, not both",
            ("place", "lonlat"),
        ),
        ({}, "say where: place=NAME or lonlat=(lon, lat)", ("place=NAME", "lonlat=(lon, lat)")),
    ],
)
def test_what_does_not_go_together_is_a_usage_error(kwargs, message, options):
    with pytest.raises(UsageError) as info:
        new_incident(**kwargs, **BATTLE)
    assert str(info.value) == message
    assert info.value.options == options
    assert info.value.exit_code == 2


def test_added_incident_gets_an_id_and_defaults(tmp_path):
    store = tmp_path / "s.geojson"
    incident = new_incident(lonlat=(44.39, 35.47), **BATTLE)
    added = add_incidents(store, [incident.properties], [incident.geometry])
    assert list(added["id"]) == ["inc-000001"]
    back = geoevents.load(store)
    assert back.loc[0, "date_end"] == "2017-10-16"


def test_a_taken_id_names_the_keyword_and_leaves_the_store(tmp_path):
    store = tmp_path / "s.geojson"
    store.write_bytes(SMALL.read_bytes())
    incident = new_incident(lonlat=(44.39, 35.47), id="t-kirkuk", **BATTLE)
    with pytest.raises(ValidationError) as info:
        add_incidents(store, [incident.properties], [incident.geometry])
    assert "choose another id=..., or leave it out for a new one" in str(info.value)
    assert info.value.options == ("id=...",)
    assert store.read_bytes() == SMALL.read_bytes()
