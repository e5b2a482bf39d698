"""What the gazetteer holds and answers: index records, countries and the :class:`Place`.

A :class:`Record` is one row of the index as it is built and cached (a NamedTuple: compact, and
one row of the cached index's ``records`` table); a :class:`Place` is what a lookup returns, with
the country spelled out and the match score.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, NamedTuple

__all__ = ["AREA_KINDS", "POINT_KINDS", "Country", "Place", "Record"]

#: Kinds of record. Populated places and sites are points (geo_precision 1); provinces, regions
#: and countries are areas, for which only the region is known (geo_precision 3).
POINT_KINDS = ("populated place", "site")
AREA_KINDS = ("admin1", "region", "country")


class Record(NamedTuple):
    """One place of the index.

    Parameters
    ----------
    name : str
        The primary name (GeoNames' spelling, or the curated one).
    lat, lon : float
        WGS84 latitude and longitude.
    iso2 : str
        ISO 3166-1 alpha-2 code of the country (a key of the index's countries).
    admin1 : str or None
        First-order administrative unit, where curated.
    population : int or None
        Population as the source gives it; None when not known (not zero).
    weight : int
        Ranking weight: the population, or more for a curated place (see ``CURATED_WEIGHT``).
    kind : str
        One of :data:`POINT_KINDS` or :data:`AREA_KINDS`.
    source : str
        Where the record and its coordinate come from.
    """

    name: str
    lat: float
    lon: float
    iso2: str
    admin1: str | None
    population: int | None
    weight: int
    kind: str
    source: str


class Country(NamedTuple):
    """A country of the index: English short name and ISO 3166-1 alpha-3 code."""

    name: str
    iso3: str


@dataclass(frozen=True)
class Place:
    """One gazetteer answer.

    Parameters
    ----------
    name : str
        The gazetteer's name for the place (GeoNames' own spelling, diacritics included).
    lat, lon : float
        WGS84 latitude and longitude.
    country : str
        Country name (GeoNames' English short name, e.g. ``"Iraq"``).
    iso3 : str
        ISO 3166-1 alpha-3 code of the country.
    admin1 : str or None
        First-order administrative unit, where known (curated for Iraq, Syria and Niger).
    population : int or None
        Population as the source gives it; None when not known (not zero).
    score : float
        Match score in 0..1: 0.8 and above for a normalised spelling match (higher for an exact
        match and for a larger population), below 0.8 for a loose (vowel-blind) match.
    source : str
        Where the record and its coordinate come from.
    kind : str
        ``"populated place"``, ``"site"``, ``"admin1"``, ``"region"`` or ``"country"``.
    """

    name: str
    lat: float
    lon: float
    country: str
    iso3: str
    admin1: str | None
    population: int | None
    score: float
    source: str
    kind: str = "populated place"

    @property
    def geo_precision(self) -> int:
        """ACLED geo_precision for an incident placed here: 1 for a point, 3 for an area."""
        return 1 if self.kind in POINT_KINDS else 3

    def to_dict(self) -> dict[str, Any]:
        """Return the place as a JSON-ready dict (field order as declared, plus geo_precision)."""
        out = asdict(self)
        out["geo_precision"] = self.geo_precision
        return out

    def describe(self) -> str:
        """Return a one-line description for messages: name, admin1, country and lat/lon."""
        where = ", ".join(p for p in (self.admin1, self.country) if p)
        kind = "" if self.kind == "populated place" else f"{self.kind}, "
        return f"{self.name} ({kind}{where}; lat {self.lat:.4f}, lon {self.lon:.4f})"
