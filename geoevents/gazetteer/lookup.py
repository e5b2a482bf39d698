"""Lookups: ranked candidates, the one place a name clearly means, nearest names.

:func:`geocode` returns ranked candidates, :func:`resolve` the one place a name clearly means
(or :class:`~geoevents.errors.AmbiguousPlaceError` / :class:`~geoevents.errors.PlaceNotFoundError`),
:func:`suggest` the nearest names, and :func:`best_match` the extractor's best guess (which
never raises). Names are matched on their :func:`~geoevents.gazetteer.normalise.index_key`
(tier 1) and, as a weaker second tier, on their consonant skeleton (tier 2).

Messages name their fixes as keyword arguments (``country="ISO3"``, ``lonlat=(lon, lat)``) and
list those spellings in the error's ``options``, for the CLI to swap for its flags.
"""

from __future__ import annotations

import difflib
import math
from dataclasses import dataclass
from typing import NamedTuple

from geoevents.errors import AmbiguousPlaceError, PlaceNotFoundError, UsageError
from geoevents.gazetteer.index import current_index
from geoevents.gazetteer.normalise import index_key, query_keys, simple_form, skeleton
from geoevents.gazetteer.records import AREA_KINDS, POINT_KINDS, Place, Record
from geoevents.gazetteer.spelling import longer_name, plain_form, similarity

__all__ = [
    "NEAR_IDENTICAL",
    "SAME_PLACE_KM",
    "TIER_LOOSE",
    "TIER_NAME",
    "BestMatch",
    "best_match",
    "country_code",
    "geocode",
    "resolve",
    "suggest",
]

#: Tier 1: a normalised spelling matches; tier 2: only the consonant skeleton matches.
TIER_NAME = 1
TIER_LOOSE = 2

# The keyword spellings messages name as fixes; each is listed in the error's ``options``.
_COUNTRY_EXAMPLE = 'country="IRQ"'
_COUNTRY_ISO3 = 'country="ISO3"'
_DROP_COUNTRY = "country=..."
_LONLAT = "lonlat=(lon, lat)"
_LONLAT_BARE = "lonlat=..."


class BestMatch(NamedTuple):
    """The extractor's best guess for a name (see :func:`best_match`)."""

    place: Place
    tier: int  # TIER_NAME or TIER_LOOSE
    score: float  # unrounded
    weight: int  # ranking weight of the record (population, or more when curated)


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

    Parameters
    ----------
    country : str
        ``"IRQ"``, ``"IQ"`` or ``"Iraq"`` (case and accents aside).

    Returns
    -------
    str
        The ISO 3166-1 alpha-2 code, as the index keys its countries.

    Raises
    ------
    UsageError
        If the country is not known, with examples of accepted values (``country="IRQ"``, in
        the error's ``options``).
    """
    index = current_index()
    c = country.strip()
    upper = c.upper()
    if len(upper) == 3:
        for iso2, known in index.countries.items():
            if known.iso3 == upper:
                return iso2
    if len(upper) == 2 and upper in index.countries:
        return upper
    wanted = simple_form(c)
    for iso2, known in index.countries.items():
        if simple_form(known.name) == wanted:
            return iso2
    raise UsageError(
        f"country {country!r} is not an ISO 3166-1 alpha-3 code (or alpha-2 code or English "
        f"country name) that the gazetteer knows; pass e.g. {_COUNTRY_EXAMPLE}, SYR or NER",
        options=[_COUNTRY_EXAMPLE],
    )


def _popfactor(weight: int) -> float:
    return min(1.0, math.log10(1 + max(weight, 0)) / 7.0)


#: A loose (tier 2) match is listed beside normalised-spelling (tier 1) matches only when its
#: spelling is at least this similar to the query ("Tal Afar" does not list Telfer, AUS).
NEAR_IDENTICAL = 0.9


def _sort_key(
    m: _Match, prefer: frozenset[str], records: tuple[Record, ...] | list[Record]
) -> tuple[int, bool, float, int, str]:
    # A hint ranks after the tier only: a loose spelling in the expected country does not beat
    # a normalised spelling elsewhere.
    rec = records[m.rid]
    return (m.tier, rec.iso2 not in prefer, -m.score, -m.weight, rec.name)


def _candidates(
    name: str,
    iso2: str | None,
    kinds: tuple[str, ...] | None,
    loose: bool = True,
    prefer: frozenset[str] = frozenset(),
) -> list[_Match]:
    index = current_index()
    strict, guessed = query_keys(name)
    if not strict:
        return []
    qsimple = simple_form(name)
    qplain = plain_form(name)
    found: dict[int, _Match] = {}
    for k in strict:
        for rid in index.named(k):
            rec = index.records[rid]
            if (iso2 and rec.iso2 != iso2) or (kinds and rec.kind not in kinds):
                continue
            exact = simple_form(rec.name) == qsimple or plain_form(rec.name) == qplain  # same_name
            score = 0.8 + 0.1 * exact + 0.1 * _popfactor(rec.weight)
            found[rid] = _Match(rid, TIER_NAME, score, rec.weight, exact)
    if not loose:
        _rank_cities_before_their_province(found)
        return sorted(found.values(), key=lambda m: _sort_key(m, prefer, index.records))
    have_name = bool(found)
    loose_ids: list[int] = []
    for k in guessed:
        loose_ids.extend(index.named(k))
    sk = skeleton(strict[0])
    if sk:
        loose_ids.extend(index.loosely_named(sk))
    for rid in loose_ids:
        if rid in found:
            continue
        rec = index.records[rid]
        if (iso2 and rec.iso2 != iso2) or (kinds and rec.kind not in kinds):
            continue
        rkey = index_key(rec.name)
        if longer_name(strict[0], rkey):
            continue
        sim = similarity(strict[0], rkey)
        if have_name and sim < NEAR_IDENTICAL:
            continue  # a weak spelling match beside real ones is noise
        score = 0.5 + 0.2 * sim + 0.1 * _popfactor(rec.weight)
        found[rid] = _Match(rid, TIER_LOOSE, score, rec.weight)
    _rank_cities_before_their_province(found)
    return sorted(found.values(), key=lambda m: _sort_key(m, prefer, index.records))


def _rank_cities_before_their_province(found: dict[int, _Match]) -> None:
    """A province that shares its name with a matched city in it ranks just after that city.

    ``Raqqa`` means the city before the governorate; ``Raqqa province`` asks for the latter.
    """
    records = current_index().records
    provinces = [m for m in found.values() if records[m.rid].kind == "admin1"]
    for prov in provinces:
        prec = records[prov.rid]
        cities = [
            m
            for m in found.values()
            if m.tier == prov.tier
            and records[m.rid].kind in POINT_KINDS
            and records[m.rid].iso2 == prec.iso2
            and records[m.rid].admin1 == prec.admin1
        ]
        if cities:
            top = max(m.score for m in cities)
            if prov.score >= top:
                found[prov.rid] = _Match(prov.rid, prov.tier, top - 0.001, prov.weight, prov.exact)


def _place(match: _Match) -> Place:
    index = current_index()
    rec = index.records[match.rid]
    country = index.countries[rec.iso2]
    return Place(
        name=rec.name,
        lat=rec.lat,
        lon=rec.lon,
        country=country.name,
        iso3=country.iso3,
        admin1=rec.admin1,
        population=rec.population,
        score=round(match.score, 3),
        source=rec.source,
        kind=rec.kind,
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


def _match(
    name: str, iso2: str | None, *, loose: bool = True, prefer: frozenset[str] = frozenset()
) -> list[_Match]:
    """All matches for a name, best first; a trailing "province"/"city"... narrows the kind."""
    split = _split_suffix(name)
    if split is not None and split[0]:
        base, kinds = split
        if kinds == AREA_KINDS:
            found = _candidates(base, iso2, kinds, loose, prefer)
            return found or _candidates(name, iso2, None, loose, prefer)
        found = _candidates(name, iso2, None, loose, prefer)  # "Sadr City" is a name of its own
        return found or _candidates(base, iso2, kinds, loose, prefer)
    return _candidates(name, iso2, None, loose, prefer)


def _preferred(prefer: tuple[str, ...] | list[str] | None) -> frozenset[str]:
    """The ISO2 codes of the countries a caller expects (ISO3, ISO2 or names).

    Unknown ones are skipped: a hint, unlike ``country``, is not checked.
    """
    out: set[str] = set()
    for country in prefer or ():
        if not country:
            continue
        try:
            out.add(country_code(country))
        except UsageError:
            continue  # a hint, not a filter: a code the gazetteer lacks just does not help
    return frozenset(out)


def _check_name(name: str) -> str:
    if not isinstance(name, str) or not name.strip():
        raise UsageError(
            f"the place name is empty; give a name such as 'Kirkuk' or use {_LONLAT_BARE}",
            options=[_LONLAT_BARE],
        )
    if not index_key(name):
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
    index = current_index()
    iso2 = country_code(country) if country else None
    key = index_key(name)
    if not key:
        return []
    pool = index.near.get(key[0], [])
    scored: list[tuple[float, int, int]] = []
    matcher = difflib.SequenceMatcher(None, autojunk=False)
    matcher.set_seq2(key)
    for cand_key, rid in pool:
        rec = index.records[rid]
        if iso2 and rec.iso2 != iso2:
            continue
        if abs(len(cand_key) - len(key)) > max(3, len(key) // 2):
            continue
        matcher.set_seq1(cand_key)
        if matcher.real_quick_ratio() < 0.6 or matcher.quick_ratio() < 0.6:
            continue
        ratio = matcher.ratio()
        if ratio >= 0.6:
            scored.append((ratio + 0.05 * _popfactor(rec.weight), rec.weight, rid))
    scored.sort(key=lambda t: (-t[0], -t[1]))
    out: list[str] = []
    for _, _, rid in scored:
        rec = index.records[rid]
        where = ", ".join(p for p in (rec.admin1, index.countries[rec.iso2].name) if p)
        text = f"{rec.name} ({where})"
        if text not in out:
            out.append(text)
        if len(out) >= limit:
            break
    return out


def geocode(
    name: str,
    *,
    country: str | None = None,
    limit: int = 10,
    prefer: tuple[str, ...] | list[str] | None = None,
) -> list[Place]:
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
    prefer : sequence of str, optional
        Countries the caller expects (ISO3, ISO2 or names; e.g. the article's or the store's):
        within a tier, their places rank first. A hint, not a filter.

    Returns
    -------
    list of Place
        Candidates best first: every normalised-spelling match before any loose (vowel-blind)
        match (loose ones are listed beside normalised ones only when near-identical in
        spelling), then places in a ``prefer`` country, then by score, which rises with
        population (the city of Kirkuk before a hamlet called Kirkuk elsewhere).

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
    matches = _match(name, iso2, prefer=_preferred(prefer))
    if not matches:
        raise _not_found(name, country)
    return [_place(m) for m in matches[:limit]]


def _not_found(name: str, country: str | None) -> PlaceNotFoundError:
    near = suggest(name, country=country)
    where = f" in {country}" if country else ""
    hint = f"nearest names: {'; '.join(near)}" if near else "no similar names either"
    fixes = "check the spelling"
    options = [_LONLAT]
    if country:
        fixes += f", drop {_DROP_COUNTRY}"
        options.insert(0, _DROP_COUNTRY)
    return PlaceNotFoundError(
        f"no place named {name!r}{where} in the offline gazetteer ({hint}); {fixes}, "
        f"or give the position with {_LONLAT}",
        name,
        near,
        options=options,
    )


def _distance_km(a: Record, b: Record) -> float:
    lat1, lon1, lat2, lon2 = map(math.radians, (a.lat, a.lon, b.lat, b.lon))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(h)))


#: Two matches closer than this are taken to be the same place (GeoNames has duplicates).
SAME_PLACE_KM = 25.0


def _rivals(matches: list[_Match]) -> list[_Match]:
    """Matches that are real alternatives to the best one (not duplicates or its province)."""
    index = current_index()
    best = index.records[matches[0].rid]
    out = []
    for m in matches[1:]:
        rec = index.records[m.rid]
        if (
            rec.kind in POINT_KINDS
            and best.kind in POINT_KINDS
            and _distance_km(best, rec) < SAME_PLACE_KM
        ):
            continue  # a duplicate record or a neighbourhood of the same place
        if (
            rec.kind == "admin1"
            and best.kind in POINT_KINDS
            and (best.iso2, best.admin1) == (rec.iso2, rec.admin1)
        ):
            continue  # the city and its own province: the city is meant
        if best.kind == "country" and rec.iso2 == best.iso2:
            continue  # "Kuwait" the country and Kuwait City: the country is meant
        out.append(m)
    return out


def _clear_winner(best: _Match, rivals: list[_Match], prefer: frozenset[str]) -> bool:
    """The one ambiguity rule (see :func:`resolve`)."""
    records = current_index().records
    second = rivals[0]
    if best.tier < second.tier:
        return True
    if prefer and records[best.rid].iso2 in prefer:
        same_tier = [r for r in rivals if r.tier == best.tier]
        if not any(records[r.rid].iso2 in prefer for r in same_tier):
            return True  # the caller's hint decides between namesakes in different countries
    if best.exact and not any(r.exact for r in rivals if r.tier == best.tier):
        return True  # "Samarra" is the Iraqi city, "Samara" the Russian one
    # Ten times as populous, against a rival whose population is known: a place GeoNames has
    # no count for is not thereby small (Sinjar, Syria), so it is not outweighed.
    if second.weight > 0 and best.weight >= 10 * second.weight:
        return True
    return (
        best.tier == TIER_LOOSE
        and best.score - second.score >= 0.02
        and (best.weight >= second.weight)
    )


def resolve(
    name: str,
    *,
    country: str | None = None,
    prefer: tuple[str, ...] | list[str] | None = None,
) -> Place:
    """Resolve a place name to the one place it clearly means.

    One rule, used by every caller (``geocode``'s table aside, which only ranks): the best
    candidate of :func:`geocode` wins when it matches at a better tier than every alternative,
    or is in a ``prefer`` country and no alternative of its tier is, or is the only one spelled
    exactly as asked (accents and case aside: ``Samarra`` is not ``Samara``), or is at least ten
    times as populous as an alternative whose population is known, or (for a loose match) is
    clearly closer in spelling and at least as populous. Otherwise the name is ambiguous and
    refused, whether the alternatives are in one country or several (``Sinjar``: Iraq, and
    Syria's Idlib province; ``Kobani``). Candidates within 25 km of it (duplicate records), the
    province named after a city (``Kirkuk``) and the cities of a country named like it
    (``Kuwait``) are not counted as alternatives.

    Parameters
    ----------
    name : str
        Place name, as for :func:`geocode`.
    country : str, optional
        Restrict to one country (ISO3, ISO2 or English name).
    prefer : sequence of str, optional
        Countries the caller expects (e.g. the countries of the store an incident joins): a
        candidate there beats namesakes elsewhere, but not one in another preferred country.

    Returns
    -------
    Place

    Raises
    ------
    PlaceNotFoundError
        If nothing matches (the message lists the nearest names).
    AmbiguousPlaceError
        If several places match and none clearly wins; the message lists them (name, admin1,
        country, lat/lon) and asks for ``country="ISO3"`` or the position
        (``lonlat=(lon, lat)``), the spellings it lists in ``options``.
    UsageError
        If the name is empty or the country unknown.
    """
    name = _check_name(name)
    iso2 = country_code(country) if country else None
    preferred = _preferred(prefer)
    matches = _match(name, iso2, prefer=preferred)
    if not matches:
        raise _not_found(name, country)
    rivals = _rivals(matches)
    if not rivals or _clear_winner(matches[0], rivals, preferred):
        return _place(matches[0])
    # List the alternatives of the winning tier (loose matches only when nothing better).
    tied = [m for m in rivals if m.tier == matches[0].tier]
    shown = [_place(m) for m in [matches[0], *tied][:8]]
    more = len(tied) + 1 - len(shown)
    listing = "; ".join(p.describe() for p in shown) + (f"; and {more} more" if more > 0 else "")
    countries = sorted({p.iso3 for p in shown})
    if len(countries) > 1:
        hint = (
            f"pass {_COUNTRY_ISO3} (one of {', '.join(countries)}) or give the position with "
            f"{_LONLAT}"
        )
        options = [_COUNTRY_ISO3, _LONLAT]
    else:
        hint = f"give the position with {_LONLAT} (they are all in the same country)"
        options = [_LONLAT]
    raise AmbiguousPlaceError(
        f"{name!r} matches {len(tied) + 1} places and none clearly ranks first: {listing}; {hint}",
        name,
        shown,
        options=options,
    )


def best_match(
    name: str,
    *,
    loose: bool = True,
    kinds: tuple[str, ...] | None = None,
    prefer: tuple[str, ...] | list[str] | None = None,
) -> BestMatch | None:
    """Return the best match for a name, for the extractor, or None; never raises.

    Unlike :func:`resolve` there is no ambiguity check and no country filter: the extractor
    weighs the answer against the rest of the article itself.

    Parameters
    ----------
    name : str
        The mention as written.
    loose : bool
        Also consider loose (vowel-blind, tier 2) matches; False keeps normalised-spelling
        (tier 1) matches only.
    kinds : tuple of str, optional
        Only records of these kinds (e.g. :data:`~geoevents.gazetteer.records.AREA_KINDS`).
    prefer : sequence of str, optional
        Countries the article is about: within a tier, their places rank first.

    Returns
    -------
    BestMatch or None
        The best candidate with its tier, unrounded score and ranking weight; None when the
        name has no letters or nothing matches.
    """
    if not name.strip() or not index_key(name):
        return None
    matches = _candidates(name, None, kinds, loose, _preferred(prefer))
    if not matches:
        return None
    m = matches[0]
    return BestMatch(_place(m), m.tier, m.score, m.weight)
