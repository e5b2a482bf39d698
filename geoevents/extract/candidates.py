"""Candidates: one per place mention and date a sentence of the article supports.

:func:`extract` splits the article into sentences (:mod:`~geoevents.extract.sentences`), finds
their dates (:mod:`~geoevents.extract.dates`), event types (:mod:`~geoevents.extract.events`)
and place mentions (:mod:`~geoevents.extract.places`), and pairs each accepted mention with the
nearest date, borrowing a date or a place from the sentences just before when its own has none.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
from shapely.geometry import Point
from shapely.geometry.base import BaseGeometry

from geoevents.errors import InputError
from geoevents.extract.actors import UNIDENTIFIED, find_actors
from geoevents.extract.article import parse_published
from geoevents.extract.dates import DateRef, DateResolver
from geoevents.extract.events import classify
from geoevents.extract.places import AREA_ONLY, Mention, PlaceFinder, accept, context_countries
from geoevents.extract.sentences import Sentence, split_sentences
from geoevents.gazetteer import TIER_NAME
from geoevents.schema import COLUMNS, CRS, SUB_EVENT_TYPES

__all__ = ["CONTEXT_SENTENCES", "VIOLENT_TYPES", "document_hash", "extract"]


@dataclass
class _Candidate:
    mention: Mention
    sentence: Sentence
    index: int  # of the sentence
    date: DateRef | None
    date_source: str  # "sentence" | "context" | "statement" | "publication"
    event_type: str
    sub_event_type: str
    place_from_context: bool = False


def _nearest(refs: list[DateRef], start: int, end: int) -> DateRef | None:
    if not refs:
        return None

    def distance(r: DateRef) -> int:
        if r.end <= start:
            return start - r.end
        if r.start >= end:
            return r.start - end
        return 0

    return min(refs, key=distance)


#: How many sentences back a date or a place may be borrowed from ("It fell last Friday").
CONTEXT_SENTENCES = 2


def extract(
    text: str,
    *,
    published: dt.date,
    document: str | None = None,
    source_name: str | None = None,
) -> gpd.GeoDataFrame:
    """Propose candidate incidents from the text of an article.

    Parameters
    ----------
    text : str
        The article (as returned by :func:`read_article`).
    published : datetime.date
        Publication date; relative dates ("last Friday", "on Sunday", "October 4") are resolved
        against it, preferring the past.
    document : str, optional
        Name of the article file, stored in each ``sources`` entry.
    source_name : str, optional
        The ``name`` of each ``sources`` entry (the outlet); defaults to ``document`` or
        ``"article"``.

    Returns
    -------
    geopandas.GeoDataFrame
        One row per incident (possibly none: sentences about one place, date and event type
        merge, one ``sources`` entry each), columns :data:`geoevents.schema.COLUMNS` plus
        ``geometry`` (EPSG:4326: points, or the country's outline for a country-only
        candidate); ids ``cand-<8 hex of the text's SHA-256>-<sentence>`` (``cand-3f2a9c01-07``,
        ``-07b`` for a second one of that sentence), stable and unique across articles; actors
        from the vocabulary in ``actor1``/``actor2``/``assoc_actors``; dates as ISO strings;
        ``confidence`` ``"possible"``. Tags: ``extracted``, ``mention:<place as written>``,
        and ``date-from-context`` / ``date-from-statement`` / ``date-from-publication`` when
        the sentence itself has no event date (with ``date-from-publication`` the date is the
        publication date and ``date_precision`` is ``year``: only "on or before publication"
        is known), ``place-from-context`` when the place was named in a preceding sentence,
        ``place-loose-match`` for a vowel-blind spelling match, ``date-after-publication``
        when the text gives a later date explicitly, ``merged``, ``country-only``,
        ``actor-unnamed`` and ``alleged:<group>``.

    Raises
    ------
    UsageError
        If ``published`` is missing or not a date.
    InputError
        If the text is empty.
    """
    published = parse_published(published)
    if not isinstance(text, str) or not text.strip():
        name = document or "the article"
        raise InputError(f"{name}: the article is empty; give the text of an article")

    sentences = split_sentences(text)
    resolver = DateResolver(published)
    dates = [resolver.find(s.text) for s in sentences]
    events = [classify(s.text) for s in sentences]
    mentions = _mentions(sentences, PlaceFinder())
    context = context_countries((m for ms in mentions for m in ms), text)
    if context:
        # Look again with the article's countries as a hint: "Sinjar" in an article about
        # Syria is Syria's Sinjar.
        mentions = _mentions(sentences, PlaceFinder(prefer=tuple(sorted(context))))
        context = context_countries((m for ms in mentions for m in ms), text)

    candidates: list[_Candidate] = []
    recent: list[tuple[int, Mention]] = []  # place-like mentions: (sentence index, mention)
    for i, s in enumerate(sentences):
        event_type, sub, cue = events[i]
        dated = any(r.precision in ("day", "week") and r.role != "background" for r in dates[i])
        ordered = sorted(mentions[i], key=lambda m: m.start)
        accepted = _one_place_per_event([m for m in ordered if accept(m, cue, dated, context)], s)
        for m in accepted:
            ref, source = _date_for(dates, sentences, i, m)
            candidates.append(_Candidate(m, s, i, ref, source, event_type, sub))
        event_refs = [r for r in dates[i] if r.role == "event"]
        if not accepted and cue and event_refs:
            # "... when it fell last Friday": the place was named just before.
            prior = [m for k, m in recent if i - k <= CONTEXT_SENTENCES]
            if prior:
                m = prior[-1]
                ref = _nearest(event_refs, 0, len(s.text))
                candidates.append(
                    _Candidate(m, s, i, ref, "sentence", event_type, sub, place_from_context=True)
                )
        recent.extend(
            (i, m)
            for m in mentions[i]
            if m.place.kind != "country" and accept(m, True, True, context)
        )

    return _frame(candidates, published, document, source_name, text)


def _mentions(sentences: list[Sentence], finder: PlaceFinder) -> list[list[Mention]]:
    return [finder.mentions(s, i) for i, s in enumerate(sentences)]


# "Afgooye, west of Mogadishu", "Zaranj, the capital of Nimroz": the second place only locates
# the first.
_REFERENCE_BEFORE = re.compile(
    r"(?:\b(?:north|south|east|west)(?:east|west)?(?:ern)? of|\boutside|\bnear|"
    r"\bthe (?:provincial |regional )?capital of|\bin (?:the )?(?:\w+ )?(?:province|region|state|"
    r"governorate) of)\s+(?:the\s+)?$",
    re.IGNORECASE,
)


#: A province written at most this many characters after a town in it only locates the town.
LOCATING_GAP = 30


def _locates(area: Mention, town: Mention) -> bool:
    """Whether a province mention is the town's own, written just after it."""
    same = (area.place.iso3, area.place.admin1) == (town.place.iso3, town.place.admin1)
    return same and 0 <= area.start - town.end <= LOCATING_GAP


def _one_place_per_event(accepted: list[Mention], s: Sentence) -> list[Mention]:
    """The mentions of one sentence that each stand for an incident of their own.

    A sentence about one event names its place and often others that only locate it: a
    country or province around a town it names ("Bosso in Niger's Diffa region"), a city it is
    west of ("near Afgooye, west of Mogadishu"), the dateline of the report ("MAIDUGURI,
    Nigeria — ... raided Kautikari near Chibok"). Those are dropped, so one sentence about one
    event gives one candidate.
    """
    points = [m for m in accepted if m.place.kind not in ("country", *AREA_ONLY) and not m.dateline]
    countries = {m.place.iso3 for m in points}
    out = []
    for m in accepted:
        p = m.place
        if p.kind == "country" and p.iso3 in countries:
            continue  # the country of a town named in the same sentence
        if p.kind in AREA_ONLY and any(_locates(m, town) for town in points):
            continue  # "Saraqib in Idlib province": the province only locates the town
        if m.dateline and points:
            continue  # where the report was filed, not where the event was
        before = s.text[: m.start - s.start]
        if out and m.place.kind not in ("country", *AREA_ONLY) and _REFERENCE_BEFORE.search(before):
            continue  # a landmark for the place named before it
        out.append(m)
    return out


def _date_for(
    dates: list[list[DateRef]], sentences: list[Sentence], i: int, m: Mention
) -> tuple[DateRef | None, str]:
    """The date of a mention: the nearest event date in its sentence, else from the sentences
    just before, else the week up to the statement reporting it, else none.

    Statement dates ("officials said on Monday") and background spans ("since 2015") do not
    date an event.
    """
    s = sentences[i]
    own = [r for r in dates[i] if r.role == "event"]
    ref = _nearest(own, m.start - s.start, m.end - s.start)
    if ref is not None:
        return ref, "sentence"
    for k in range(i - 1, max(-1, i - 1 - CONTEXT_SENTENCES), -1):
        earlier = [r for r in dates[k] if r.role == "event"]
        if earlier:
            return earlier[-1], "context"
    statements = [r for r in dates[i] if r.role == "statement" and r.precision == "day"]
    if statements:
        said = statements[0]
        first = said.first - dt.timedelta(days=6)
        week = DateRef(said.start, said.end, said.text, first, said.last, "week")
        return week, "statement"
    return None, "publication"


#: Event types a perpetrator is needed for: unnamed, it is an unidentified armed group.
VIOLENT_TYPES = ("Battles", "Explosions/Remote violence", "Violence against civilians")


def document_hash(text: str) -> str:
    """The 8 hexadecimal digits that name an article in its candidates' ids (SHA-256 of it)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:8]


def _frame(
    candidates: list[_Candidate],
    published: dt.date,
    document: str | None,
    source_name: str | None,
    text: str,
) -> gpd.GeoDataFrame:
    # One candidate per incident: sentences about the same place, day(s) and event type merge.
    groups: dict[tuple[Any, ...], list[_Candidate]] = {}
    for c in candidates:
        p = c.mention.place
        first, last, _ = _dates_of(c, published)
        key = (p.name, p.lat, p.lon, first, last, c.event_type)
        groups.setdefault(key, []).append(c)

    doc = document_hash(text)
    per_sentence: dict[int, int] = {}
    rows: list[dict[str, Any]] = []
    geoms: list[BaseGeometry] = []
    for group in groups.values():
        c = group[0]
        p = c.mention.place
        first, last, precision = _dates_of(c, published)
        assert c.sub_event_type in SUB_EVENT_TYPES[c.event_type]
        tags = ["extracted"]
        for g in group:
            tags.append(f"mention:{g.mention.text}")
            if g.place_from_context:
                tags.append("place-from-context")
            if g.date_source != "sentence":
                tags.append(f"date-from-{g.date_source}")
            if g.date is not None and g.date.after_publication:
                tags.append("date-after-publication")
            if g.mention.tier != TIER_NAME:
                tags.append("place-loose-match")
        sentences: list[Sentence] = []
        for g in group:
            if all(g.sentence is not x for x in sentences):
                sentences.append(g.sentence)
        if len(sentences) > 1:
            tags.append("merged")
        found = find_actors(
            " ".join(x.text for x in sentences),
            iso3=p.iso3,
            protest=c.event_type in ("Protests", "Riots"),
        )
        names = list(found.names)
        if not names and c.event_type in VIOLENT_TYPES:
            names = [UNIDENTIFIED]
            tags.append("actor-unnamed")
        tags.extend(f"alleged:{name}" for name in found.alleged)
        geo_precision = p.geo_precision
        if geo_precision == 1 and c.mention.near:
            geo_precision = 2
        geometry: BaseGeometry = Point(p.lon, p.lat)
        if p.kind == "country":
            outline = _country_outline(p.iso3)
            if outline is not None:
                geometry = outline  # drawn as the country, not as a circle round a point
            tags.append("country-only")
        n = per_sentence.get(c.index, 0)
        per_sentence[c.index] = n + 1
        suffix = "" if n == 0 else chr(ord("a") + n)
        summary = " ".join(" ".join(x.text.split()) for x in sentences)
        title_what = c.sub_event_type if c.sub_event_type != "Other" else c.event_type
        rows.append(
            {
                "id": f"cand-{doc}-{c.index:02d}{suffix}",
                "title": f"{title_what} in {p.name}",
                "date_start": first.isoformat(),
                "date_end": last.isoformat(),
                "date_precision": precision,
                "event_type": c.event_type,
                "sub_event_type": c.sub_event_type,
                "actor1": names[0] if names else None,
                "actor2": names[1] if len(names) > 1 else None,
                "assoc_actors": names[2:],
                "country": p.country,
                "iso3": p.iso3,
                "admin1": p.admin1,
                "location": p.name,
                "geo_precision": geo_precision,
                "fatalities": None,
                "summary": summary,
                "sources": [
                    {
                        "name": source_name or document or "article",
                        "document": document,
                        "quote": x.text,
                        "published": published.isoformat(),
                    }
                    for x in sentences
                ],
                "confidence": "possible",
                "tags": list(dict.fromkeys(tags)),
            }
        )
        geoms.append(geometry)
    frame = gpd.GeoDataFrame(
        {col: [row[col] for row in rows] for col in COLUMNS},
        geometry=gpd.GeoSeries(geoms, crs=CRS),
        crs=CRS,
    )
    return frame


def _dates_of(c: _Candidate, published: dt.date) -> tuple[dt.date, dt.date, str]:
    if c.date is not None:
        return c.date.first, c.date.last, c.date.precision
    return published, published, "year"


def _country_outline(iso3: str) -> BaseGeometry | None:
    """The country's Natural Earth outline, or None where the layer lacks it."""
    from geoevents.borders import countries

    world = countries()
    match = world[world["iso3"] == iso3]
    if match.empty:
        return None
    return match.geometry.iloc[0]
