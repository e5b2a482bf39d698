"""Candidate incidents from article text, for an analyst to review.

:func:`extract` reads an English news article and proposes one incident per place mention and
date it can support with a sentence of the article:

* the text is split into paragraphs (lines) and sentences, keeping character offsets, so every
  quote is an exact substring of the text (:mod:`~geoevents.extract.sentences`);
* place mentions are runs of capitalised words (``Deir ez-Zor``, ``Ain al Issa``, a dateline such
  as ``RAQQA, Syria``), looked up in the offline gazetteer (:mod:`geoevents.gazetteer`); small
  places must sit in a country the article is otherwise about, and common words, person names
  and titles are filtered out (:mod:`~geoevents.extract.places`);
* dates are found with patterns (``October 4``, ``last Friday``, ``on Sunday``, ``in August
  2014``, ``earlier this week``, ``2005 to 2011``) and resolved with `dateparser`_ against the
  publication date, preferring the past: no date falls after publication unless the text gives
  a year after it (:mod:`~geoevents.extract.dates`);
* the event type is guessed from keywords of the sentence (ACLED vocabulary), defaulting to
  ``Strategic developments`` / ``Other`` (:mod:`~geoevents.extract.events`).

The word lists and cue tables are data files in ``geoevents/extract/vocabulary/``, read once
(:mod:`~geoevents.extract.lexicon`).

Every candidate has ``confidence`` ``possible`` and a ``sources`` entry whose ``quote`` is the
supporting sentence verbatim. The output is a GeoDataFrame with the columns of
:data:`geoevents.schema.COLUMNS` plus ``geometry`` (EPSG:4326).

.. _dateparser: https://pypi.org/project/dateparser/
"""

from __future__ import annotations

from geoevents.extract.article import parse_published, read_article
from geoevents.extract.candidates import extract
from geoevents.extract.events import classify

__all__ = ["classify", "extract", "parse_published", "read_article"]
