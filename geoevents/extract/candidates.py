"""Candidates: one per place mention and date a sentence of the article supports.

:func:`extract` splits the article into sentences (:mod:`~geoevents.extract.sentences`), finds
their dates (:mod:`~geoevents.extract.dates`), event types (:mod:`~geoevents.extract.events`)
and place mentions (:mod:`~geoevents.extract.places`), and pairs each accepted mention with the
nearest date, borrowing a date or a place from the sentences just before when its own has none.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
from shapely.geometry import Point

from geoevents.errors import InputError
from geoevents.extract.article import parse_published
from geoevents.extract.dates import DateRef, DateResolver
from geoevents.extract.events import classify
from geoevents.extract.places import Mention, PlaceFinder, accept, context_countries
from geoevents.extract.sentences import Sentence, split_sentences
from geoevents.gazetteer import TIER_NAME
from geoevents.schema import COLUMNS, CRS, SUB_EVENT_TYPES

__all__ = ["CONTEXT_SENTENCES", "extract"]


@dataclass
class _Candidate:
    mention: Mention
    sentence: Sentence
    date: DateRef | None
    date_source: str  # "sentence" | "context" | "publication"
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
        One row per candidate (possibly none), columns :data:`geoevents.schema.COLUMNS` plus
        ``geometry`` (points, EPSG:4326); ids ``cand-0001``...; dates as ISO strings;
        ``confidence`` ``"possible"``. Tags: ``extracted``, ``mention:<place as written>``,
        and ``date-from-context`` / ``date-from-publication`` when the sentence itself has no
        date (with ``date-from-publication`` the date is the publication date and
        ``date_precision`` is ``year``: only "on or before publication" is known),
        ``place-from-context`` when the place was named in a preceding sentence,
        ``place-loose-match`` for a vowel-blind spelling match and ``date-after-publication``
        when the text gives a later year explicitly.

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
    finder = PlaceFinder()
    dates = [resolver.find(s.text) for s in sentences]
    events = [classify(s.text) for s in sentences]
    mentions = [finder.mentions(s, i) for i, s in enumerate(sentences)]
    context = context_countries((m for ms in mentions for m in ms), text)

    candidates: list[_Candidate] = []
    recent: list[tuple[int, Mention]] = []  # place-like mentions: (sentence index, mention)
    for i, s in enumerate(sentences):
        event_type, sub, cue = events[i]
        dated = any(r.precision in ("day", "week") for r in dates[i])
        ordered = sorted(mentions[i], key=lambda m: m.start)
        accepted = [m for m in ordered if accept(m, cue, dated, context)]
        # A country next to one of its own towns in the same sentence adds nothing.
        inside = {m.place.iso3 for m in accepted if m.place.kind != "country"}
        accepted = [m for m in accepted if m.place.kind != "country" or m.place.iso3 not in inside]
        for m in accepted:
            ref, source = _date_for(dates, sentences, i, m)
            candidates.append(_Candidate(m, s, ref, source, event_type, sub))
        if not accepted and cue and dates[i]:
            # "... when it fell last Friday": the place was named just before.
            prior = [m for k, m in recent if i - k <= CONTEXT_SENTENCES]
            if prior:
                m = prior[-1]
                ref = _nearest(dates[i], 0, len(s.text))
                candidates.append(
                    _Candidate(m, s, ref, "sentence", event_type, sub, place_from_context=True)
                )
        recent.extend(
            (i, m)
            for m in mentions[i]
            if m.place.kind != "country" and accept(m, True, True, context)
        )

    return _frame(candidates, published, document, source_name)


def _date_for(
    dates: list[list[DateRef]], sentences: list[Sentence], i: int, m: Mention
) -> tuple[DateRef | None, str]:
    """The date of a mention: nearest in its sentence, else from the sentences just before."""
    s = sentences[i]
    ref = _nearest(dates[i], m.start - s.start, m.end - s.start)
    if ref is not None:
        return ref, "sentence"
    for k in range(i - 1, max(-1, i - 1 - CONTEXT_SENTENCES), -1):
        if dates[k]:
            return dates[k][-1], "context"
    return None, "publication"


def _frame(
    candidates: list[_Candidate],
    published: dt.date,
    document: str | None,
    source_name: str | None,
) -> gpd.GeoDataFrame:
    rows: list[dict[str, Any]] = []
    geoms: list[Point] = []
    seen: set[tuple[Any, ...]] = set()
    for c in candidates:
        p = c.mention.place
        if c.date is not None:
            first, last, precision = c.date.first, c.date.last, c.date.precision
        else:
            first = last = published
            precision = "year"
        key = (p.name, p.lat, p.lon, first, last, c.event_type, c.sub_event_type)
        if key in seen:
            continue
        seen.add(key)
        assert c.sub_event_type in SUB_EVENT_TYPES[c.event_type]
        tags = ["extracted", f"mention:{c.mention.text}"]
        if c.place_from_context:
            tags.append("place-from-context")
        if c.date_source != "sentence":
            tags.append(f"date-from-{c.date_source}")
        if c.date is not None and c.date.after_publication:
            tags.append("date-after-publication")
        if c.mention.tier != TIER_NAME:
            tags.append("place-loose-match")
        geo_precision = p.geo_precision
        if geo_precision == 1 and c.mention.near:
            geo_precision = 2
        summary = " ".join(c.sentence.text.split())
        title_what = c.sub_event_type if c.sub_event_type != "Other" else c.event_type
        rows.append(
            {
                "id": f"cand-{len(rows) + 1:04d}",
                "title": f"{title_what} in {p.name}",
                "date_start": first.isoformat(),
                "date_end": last.isoformat(),
                "date_precision": precision,
                "event_type": c.event_type,
                "sub_event_type": c.sub_event_type,
                "actor1": None,
                "actor2": None,
                "assoc_actors": [],
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
                        "quote": c.sentence.text,
                        "published": published.isoformat(),
                    }
                ],
                "confidence": "possible",
                "tags": tags,
            }
        )
        geoms.append(Point(p.lon, p.lat))
    frame = gpd.GeoDataFrame(
        {col: [row[col] for row in rows] for col in COLUMNS},
        geometry=gpd.GeoSeries(geoms, crs=CRS),
        crs=CRS,
    )
    return frame
