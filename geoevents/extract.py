"""Candidate incidents from article text, for an analyst to review.

:func:`extract` reads an English news article and proposes one incident per place mention and
date it can support with a sentence of the article:

* the text is split into paragraphs (lines) and sentences, keeping character offsets, so every
  quote is an exact substring of the text;
* place mentions are runs of capitalised words (``Deir ez-Zor``, ``Ain al Issa``, a dateline such
  as ``RAQQA, Syria``), looked up in the offline gazetteer (:mod:`geoevents.gazetteer`); small
  places must sit in a country the article is otherwise about, and common words, person names
  and titles are filtered out;
* dates are found with patterns (``October 4``, ``last Friday``, ``on Sunday``, ``in August
  2014``, ``earlier this week``, ``2005 to 2011``) and resolved with `dateparser`_ against the
  publication date, preferring the past: no date falls after publication unless the text gives
  a year after it;
* the event type is guessed from keywords of the sentence (ACLED vocabulary), defaulting to
  ``Strategic developments`` / ``Other``.

Every candidate has ``confidence`` ``possible`` and a ``sources`` entry whose ``quote`` is the
supporting sentence verbatim. The output is a GeoDataFrame with the columns of
:data:`geoevents.schema.COLUMNS` plus ``geometry`` (EPSG:4326).

.. _dateparser: https://pypi.org/project/dateparser/
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import geopandas as gpd
from shapely.geometry import Point

from geoevents import gazetteer
from geoevents.errors import InputError, UsageError
from geoevents.schema import COLUMNS, CRS, SUB_EVENT_TYPES

__all__ = ["classify", "extract", "parse_published", "read_article"]


def _words(text: str) -> list[str]:
    """Split a whitespace-separated word list (long vocabularies read better as prose)."""
    return text.split()


#: Default event classification when no keyword fires.
DEFAULT_EVENT = ("Strategic developments", "Other")

#: Gazetteer places with at least this ranking weight (population) are accepted anywhere; smaller
#: ones only in a country the article is otherwise about.
BIG_PLACE = 100_000


# --------------------------------------------------------------------------------------------
# Reading
# --------------------------------------------------------------------------------------------


def read_article(path: str | Path) -> str:
    """Read an article as UTF-8 text.

    Parameters
    ----------
    path : str or Path
        A plain-text file.

    Returns
    -------
    str
        The text, byte for byte as decoded (a UTF-8 byte-order mark is dropped).

    Raises
    ------
    InputError
        If the file is missing or unreadable, is binary (contains NUL bytes), is not UTF-8, or
        holds no text; the message names the path and says what to do.
    """
    p = Path(path)
    try:
        data = p.read_bytes()
    except FileNotFoundError:
        raise InputError(f"{p}: no such article file; check the path") from None
    except IsADirectoryError:
        raise InputError(f"{p}: is a directory, not an article; give a .txt file") from None
    except OSError as exc:
        raise InputError(f"{p}: cannot read the article ({exc.strerror or exc})") from None
    if b"\x00" in data:
        raise InputError(
            f"{p}: looks like a binary file (it contains NUL bytes), not article text; "
            "give a plain-text UTF-8 file (save a PDF or Word document as text first)"
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{p}: is not UTF-8 text (byte 0x{data[exc.start]:02x} at offset {exc.start}); "
            "convert it first, e.g. iconv -f WINDOWS-1252 -t UTF-8"
        ) from None
    if not text.strip():
        raise InputError(f"{p}: the article is empty; give a file with the article's text")
    return text


def parse_published(value: str | dt.date | None) -> dt.date:
    """Check and convert a publication date given as ``YYYY-MM-DD`` (or a date).

    Raises
    ------
    UsageError
        If the value is missing or not a valid calendar date.
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        raise UsageError(
            "the publication date is required (--published YYYY-MM-DD): relative dates such "
            "as 'last Friday' are resolved against it"
        )
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise UsageError(
        f"publication date {value!r} is not a date; give it as YYYY-MM-DD, "
        "e.g. --published 2017-10-24"
    )


# --------------------------------------------------------------------------------------------
# Sentences
# --------------------------------------------------------------------------------------------


@dataclass
class _Sentence:
    start: int
    end: int
    text: str
    paragraph: int
    first_in_paragraph: bool


_SENTENCE_END = re.compile(r"[.!?]+[\"”’')\]]*(?=\s+[\"“‘'(\[]?[A-Z0-9])")
_ABBREVIATIONS = frozenset(
    _words(
        """
        mr mrs ms dr gen lt col sgt maj capt cpt st jr sr no inc co corp ltd vs etc prof rep sen gov
        mt ft adm brig cmdr pvt jan feb mar apr jun jul aug sep sept oct nov dec approx
        """
    )
)
_INITIALS = re.compile(r"(?:\b[A-Za-z]\.)+$")


def _sentences(text: str) -> list[_Sentence]:
    """Split text into sentences with offsets; a line break always ends a sentence."""
    out: list[_Sentence] = []
    paragraph = -1
    for line in re.finditer(r"[^\r\n]+", text):
        if not line.group().strip():
            continue
        paragraph += 1
        pieces: list[tuple[int, int]] = []
        pos = line.start()
        for m in _SENTENCE_END.finditer(text, line.start(), line.end()):
            word = re.search(r"(\w+)$", text[pos : m.start()])
            if _INITIALS.search(text[pos : m.start() + 1]) or (
                word and word.group(1).lower() in _ABBREVIATIONS
            ):
                continue  # U.S. officials, Gen. Dunford
            pieces.append((pos, m.end()))
            pos = m.end()
        pieces.append((pos, line.end()))
        first = True
        for start, end in pieces:
            got = _span(text, start, end, paragraph, first)
            out.extend(got)
            first = first and not got
    return out


def _span(text: str, start: int, end: int, paragraph: int, first: bool) -> list[_Sentence]:
    chunk = text[start:end]
    stripped = chunk.strip()
    if not stripped or not re.search(r"\w", stripped):
        return []
    s = start + (len(chunk) - len(chunk.lstrip()))
    e = s + len(stripped)
    return [_Sentence(s, e, text[s:e], paragraph, first)]


# --------------------------------------------------------------------------------------------
# Dates
# --------------------------------------------------------------------------------------------

_MONTHS = {m.lower(): i for i, m in enumerate(calendar.month_name) if m}
_MONTHS.update({m.lower(): i for i, m in enumerate(calendar.month_abbr) if m})
_MONTHS["sept"] = 9
_MONTH_RE = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|December|"
    r"Jan\.?|Feb\.?|Mar\.?|Apr\.?|Jun\.?|Jul\.?|Aug\.?|Sept?\.?|Oct\.?|Nov\.?|Dec\.?)"
)
_WEEKDAY_RE = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_DAY_RE = r"(?:3[01]|[12]\d|0?[1-9])(?:st|nd|rd|th)?(?!\d)"
_YEAR_RE = r"(?:19[0-9]{2}|20[0-9]{2})"
_NUMBER_WORDS = r"(?:\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten|a few|several)"

_DATE_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("dmy_numeric", re.compile(rf"\b\d{{1,2}}/\d{{1,2}}/{_YEAR_RE}\b")),
    ("iso", re.compile(rf"\b{_YEAR_RE}-[01]\d-[0-3]\d\b")),
    ("month_day", re.compile(rf"\b{_MONTH_RE} {_DAY_RE}(?:,? {_YEAR_RE}\b)?")),
    ("day_month", re.compile(rf"\b{_DAY_RE} (?:of )?{_MONTH_RE}(?:,? {_YEAR_RE}\b)?")),
    ("part_month", re.compile(rf"\b(?:early|mid|late)[- ]{_MONTH_RE}(?:,? {_YEAR_RE}\b)?")),
    ("month_year", re.compile(rf"\b{_MONTH_RE},? {_YEAR_RE}\b")),
    (
        "month",
        re.compile(
            rf"\b(?:[Ii]n|[Ss]ince|[Dd]uring|until|by|[Ff]rom|this|last|of)"
            rf" (?:(?:early|late|mid)[- ])?(?P<month>{_MONTH_RE})\b(?! \d)"
        ),
    ),
    (
        "weekday",
        re.compile(
            rf"\b(?:(?:[Ll]ast|[Oo]n|[Tt]his|[Pp]ast) )?{_WEEKDAY_RE}"
            r"(?:'s|’s)?(?: (?:morning|afternoon|evening|night))?\b"
        ),
    ),
    (
        "relative_day",
        re.compile(
            r"\b(?:yesterday|today|tonight|last night|this morning|this afternoon|this evening|"
            r"earlier today)\b",
            re.IGNORECASE,
        ),
    ),
    (
        "ago",
        re.compile(
            rf"\b{_NUMBER_WORDS} (?:days?|weeks?|months?|years?) ago\b",
            re.IGNORECASE,
        ),
    ),
    (
        "past_days",
        re.compile(
            r"\b(?:over )?the (?:past|last) (?:couple of|few|two|three|several) days\b",
            re.IGNORECASE,
        ),
    ),
    (
        "relative_week",
        re.compile(
            r"\b(?:(?:earlier|later) this week|this week|last week|last weekend|this weekend|"
            r"over the weekend|the past week)\b",
            re.IGNORECASE,
        ),
    ),
    (
        "relative_month",
        re.compile(r"\b(?:earlier this month|this month|last month)\b", re.IGNORECASE),
    ),
    (
        "relative_year",
        re.compile(r"\b(?:earlier this year|this year|last year)\b", re.IGNORECASE),
    ),
    (
        "year_range",
        re.compile(rf"(?<![\d$])({_YEAR_RE}) ?(?:-|–|to|and) ?({_YEAR_RE})(?![\d%])"),
    ),
    ("year", re.compile(rf"(?<![\d$/\-.,])({_YEAR_RE})(?![\d%]|-page|-year|,\d|\.\d)")),
]


@dataclass(frozen=True)
class _DateRef:
    start: int  # offsets within the sentence
    end: int
    text: str
    first: dt.date
    last: dt.date
    precision: str  # day | week | month | year
    after_publication: bool = False


class _DateResolver:
    """Resolves date expressions against a publication date with dateparser."""

    def __init__(self, published: dt.date) -> None:
        from dateparser.date import DateDataParser

        self.published = published
        base = dt.datetime.combine(published, dt.time(12, 0))
        self._parser = DateDataParser(
            languages=["en"],
            settings={
                "RELATIVE_BASE": base,
                "PREFER_DATES_FROM": "past",
                "PREFER_DAY_OF_MONTH": "first",
                "RETURN_AS_TIMEZONE_AWARE": False,
                "DATE_ORDER": "DMY",
            },
        )

    def parse(self, expr: str) -> dt.date | None:
        data = self._parser.get_date_data(expr)
        return data.date_obj.date() if data and data.date_obj else None

    def find(self, sentence: str) -> list[_DateRef]:
        """All date references of a sentence, left to right, without overlaps."""
        taken: list[tuple[int, int]] = []
        refs: list[_DateRef] = []
        for kind, pattern in _DATE_PATTERNS:
            for m in pattern.finditer(sentence):
                if any(m.start() < e and s < m.end() for s, e in taken):
                    continue
                ref = self._resolve(kind, m)
                if ref is not None:
                    taken.append((m.start(), m.end()))
                    refs.append(ref)
        return sorted(refs, key=lambda r: r.start)

    def _resolve(self, kind: str, m: re.Match[str]) -> _DateRef | None:
        text = m.group(0)
        pub = self.published
        clean = re.sub(r"^(?:[Oo]n|[Pp]ast) ", "", text)
        clean = re.sub(r"(?:'s|’s)", "", clean)
        explicit_year = re.search(_YEAR_RE, text)
        if kind in ("dmy_numeric", "iso", "month_day", "day_month"):
            day = self.parse(clean)
            if day is None:
                return None
            if not explicit_year and day > pub:  # dateparser's past preference, made certain
                day = _shift_year(day, -1)
            return self._ref(m, day, day, "day")
        if kind in ("part_month", "month_year", "month"):
            words = m.group("month") if kind == "month" else clean
            words = re.sub(r"^(?:early|mid|late)[- ]", "", words)
            first = self.parse(words)
            if first is None:
                return None
            first = first.replace(day=1)
            if not explicit_year and first > pub:
                first = _shift_year(first, -1)
            last = first.replace(day=calendar.monthrange(first.year, first.month)[1])
            return self._ref(m, first, last, "month")
        if kind == "weekday":
            day = self.parse(re.sub(r" (?:morning|afternoon|evening|night)$", "", clean))
            if day is None:
                return None
            return self._ref(m, day, day, "day")
        if kind == "relative_day":
            low = text.lower()
            day = pub - dt.timedelta(days=1) if low in ("yesterday", "last night") else pub
            return self._ref(m, day, day, "day")
        if kind == "ago":
            day = self.parse(text)
            if day is None:
                return None
            unit = re.search(r"(day|week|month|year)", text.lower())
            precision = unit.group(1) if unit else "day"
            return self._ref(m, day, day, precision)
        if kind == "past_days":
            return self._ref(m, pub - dt.timedelta(days=3), pub, "week")
        if kind == "relative_week":
            low = text.lower()
            monday = pub - dt.timedelta(days=pub.weekday())
            if "last week" in low:
                first = monday - dt.timedelta(days=7)
                return self._ref(m, first, first + dt.timedelta(days=6), "week")
            if "weekend" in low and "this" not in low:
                saturday = pub - dt.timedelta(days=(pub.weekday() - 5) % 7 or 7)
                return self._ref(m, saturday, saturday + dt.timedelta(days=1), "week")
            if "past week" in low:
                return self._ref(m, pub - dt.timedelta(days=7), pub, "week")
            return self._ref(m, monday, monday + dt.timedelta(days=6), "week")
        if kind == "relative_month":
            first = pub.replace(day=1)
            if "last" in text.lower():
                first = (first - dt.timedelta(days=1)).replace(day=1)
            last = first.replace(day=calendar.monthrange(first.year, first.month)[1])
            return self._ref(m, first, last, "month")
        if kind == "relative_year":
            year = pub.year - 1 if "last" in text.lower() else pub.year
            return self._ref(m, dt.date(year, 1, 1), dt.date(year, 12, 31), "year")
        if kind == "year_range":
            y1, y2 = int(m.group(1)), int(m.group(2))
            if y2 < y1:
                return None
            return self._ref(m, dt.date(y1, 1, 1), dt.date(y2, 12, 31), "year")
        if kind == "year":
            year = int(m.group(1))
            return self._ref(m, dt.date(year, 1, 1), dt.date(year, 12, 31), "year")
        return None  # pragma: no cover - every pattern kind is handled above

    def _ref(self, m: re.Match[str], first: dt.date, last: dt.date, precision: str) -> _DateRef:
        pub = self.published
        after = first > pub
        if not after:
            last = min(last, pub)  # never past the publication date unless the text says so
        return _DateRef(m.start(), m.end(), m.group(0), first, last, precision, after)


def _shift_year(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


# --------------------------------------------------------------------------------------------
# Event types
# --------------------------------------------------------------------------------------------

_ARMED = (
    r"soldiers?|troops?|forces|militants?|fighters?|army|police|patrol|convoy|base|"
    r"militias?|peshmerga|jihadis?|insurgents?|gunmen|units?|terrorists?|bandits?"
)
_NON_STATE = (
    r"isis|isil|islamic state|daesh|militants?|jihadis?|insurgents?|rebels?|al-qaeda|al qaeda|"
    r"taliban|terror|sdf|syrian democratic forces|ypg|hashd|militias?"
)
_GOVERNMENT = r"government|army|federal|iraqi forces|security forces|police|counter[- ]terrorism"

_EVENT_RULES: list[tuple[re.Pattern[str], str, str]] = [
    (
        re.compile(r"\bchemical (?:weapons?|attacks?|agents?)\b|\bsarin\b|\bchlorine gas\b"),
        "Explosions/Remote violence",
        "Chemical weapon",
    ),
    (
        re.compile(r"\bsuicide (?:bomb\w*|attack\w*|car bomb\w*|vest)"),
        "Explosions/Remote violence",
        "Suicide bomb",
    ),
    (
        re.compile(
            r"\b(?:air ?strikes?|air raids?|air attacks?|drone strikes?|warplanes?|"
            r"(?:jets?|aircraft|planes?|drones?) (?:struck|bombed|hit)|bombing raids?|"
            r"bombing (?:shia |sunni )?(?:militias?|positions?))\b"
        ),
        "Explosions/Remote violence",
        "Air/drone strike",
    ),
    (
        re.compile(
            r"\b(?:clash(?:es|ed)?|fighting|fought|firefights?|gun ?battles?|battles?|"
            r"ambush(?:es|ed)?|skirmish\w*|exchange of fire|engaged in combat|"
            r"raids?|raided|offensive|outgunned|rebellion|uprising|insurgency)\b"
        ),
        "Battles",
        "Armed clash",
    ),
    (
        re.compile(r"\b(?:missiles?|rockets?|mortars?|shell(?:s|ing|ed)|artillery|katyushas?)\b"),
        "Explosions/Remote violence",
        "Shelling/artillery/missile attack",
    ),
    (
        re.compile(
            r"\b(?:ieds?|roadside bombs?|car bombs?|landmines?|(?:planted|laid) (?:a lot of )?"
            r"mines|booby[- ]?trap\w*|explosive devices?|explosively formed|efps?|"
            r"bomb(?:s|ing|ings|ed)?)\b"
        ),
        "Explosions/Remote violence",
        "Remote explosive/landmine/IED",
    ),
    (
        re.compile(r"(?<!rocket-propelled )(?<!rocket propelled )\bgrenades?\b"),
        "Explosions/Remote violence",
        "Grenade",
    ),
    (
        re.compile(
            r"\b(?:seiz(?:e|ed|es|ing)|captur(?:e|ed|es|ing)|took (?:over|control)|"
            r"tak(?:e|es|ing) (?:over|control)|retook|retake|recaptur\w+|overr(?:an|un)|"
            r"enter(?:ed|s)|liberat\w+|regain\w*|fell|fall of|advanc(?:e|ed|es|ing))\b"
        ),
        "Battles",
        "territory",  # decided from the actors below
    ),
    (
        re.compile(r"\b(?:rap(?:e|ed|es|ing)|sexual(?:ly)? \w+|enslav\w+|sex slaves?|slaves?)\b"),
        "Violence against civilians",
        "Sexual violence",
    ),
    (
        re.compile(
            r"\b(?:kidnap\w*|abduct\w*|hostages?|forcibly disappeared|taken captive|"
            r"human shields?)\b"
        ),
        "Violence against civilians",
        "Abduction/forced disappearance",
    ),
    (
        re.compile(
            r"\b(?:behead\w*|execut(?:ed|ion|ions|ing)|massacr\w+|tortur\w+|murder\w*|"
            r"lynch\w*|stabbed|killing (?:the )?people|killed civilians|"
            r"civilians (?:were )?killed)\b"
        ),
        "Violence against civilians",
        "Attack",
    ),
    (
        re.compile(
            r"\b(?:stormed|storming|besieg\w+|siege|set fire|torched|rioters?|riots?|mobs?|"
            r"assault on the (?:embassy|facility|compound))\b"
        ),
        "Riots",
        "Violent demonstration",
    ),
    (
        re.compile(
            r"\b(?:protest(?:s|ers|ed|ing)?|demonstrat(?:ion|ions|ors|ed)|rall(?:y|ies)|sit-ins?)\b"
        ),
        "Protests",
        "protest",  # decided from the sentence below
    ),
    (
        re.compile(r"\b(?:attack(?:s|ed|ing|ers)?|assault(?:s|ed)?|struck|shot|killed|wounded)\b"),
        "attack",  # decided from the victims below
        "attack",
    ),
    (
        re.compile(r"\b(?:arrest(?:s|ed|ing)?|detain(?:s|ed|ing)?|detention|imprison\w+)\b"),
        "Strategic developments",
        "Arrests",
    ),
    (
        re.compile(
            r"\b(?:withdr(?:ew|awn|awal|aw|awing)|handed over|hand over|transferred control|"
            r"pulled out|abandon(?:ed|ing)|stand down|evacuat\w+)\b"
        ),
        "Strategic developments",
        "Non-violent transfer of territory",
    ),
    (
        re.compile(r"\b(?:agreement|ceasefire|cease-fire|truce|peace deal|accord|signed)\b"),
        "Strategic developments",
        "Agreement",
    ),
    (
        re.compile(
            r"\b(?:loot\w*|destroyed|demolish\w*|vandali\w+|burn(?:ed|t) (?:down )?"
            r"(?:houses|homes|buildings))\b"
        ),
        "Strategic developments",
        "Looting/property destruction",
    ),
    (
        re.compile(r"\b(?:established|set up|opened) (?:a |an |its )?(?:base|headquarters)\b"),
        "Strategic developments",
        "Headquarters or base established",
    ),
    (
        re.compile(r"\b(?:intercepted|shot down|defused|dismantled)\b"),
        "Strategic developments",
        "Disrupted weapons use",
    ),
]


def classify(sentence: str) -> tuple[str, str, bool]:
    """Guess the ACLED event type and sub-event type of a sentence from its keywords.

    Returns
    -------
    (event_type, sub_event_type, cue)
        ``cue`` is False when no keyword fired and the default
        (``Strategic developments``, ``Other``) is returned.
    """
    low = sentence.lower()
    for pattern, event_type, sub in _EVENT_RULES:
        if not pattern.search(low):
            continue
        if sub == "territory":
            if re.search(rf"\b(?:{_GOVERNMENT})\b", low) and not re.search(r"\bfell to\b", low):
                return "Battles", "Government regains territory", True
            if re.search(rf"\b(?:{_NON_STATE})\b", low):
                return "Battles", "Non-state actor overtakes territory", True
            continue
        if sub == "protest":
            if re.search(r"\b(?:tear gas|live (?:fire|ammunition)|fired on|shot|killed)\b", low):
                return "Protests", "Excessive force against protesters", True
            if re.search(r"\b(?:dispersed|arrested|detained|police)\b", low):
                return "Protests", "Protest with intervention", True
            return "Protests", "Peaceful protest", True
        if event_type == "attack":
            if re.search(rf"\b(?:{_ARMED})\b", low):
                return "Battles", "Armed clash", True
            if re.search(r"\b(?:civilians?|villagers|people|residents|women|children)\b", low):
                return "Violence against civilians", "Attack", True
            continue
        return event_type, sub, True
    return (*DEFAULT_EVENT, False)


# --------------------------------------------------------------------------------------------
# Place mentions
# --------------------------------------------------------------------------------------------

_WORD = re.compile(r"\w+(?:[’'\-]\w+)*")
_CONNECTORS = frozenset(
    _words(
        """
        al el ez es ed ad ar as az an at ash ul bin ibn abu bou de del la le du des
        """
    )
)
_ARTICLE_HYPHEN = re.compile(r"^(?:al|el|ez|es|ed|ad|ar|as|az|an|at|ash|ul)-[A-Z]")
_DIRECTIONS = frozenset(
    _words(
        """
        north south east west northern southern eastern western central northeast northwest
        southeast southwest upper lower greater
        """
    )
)
_TITLES = frozenset(
    _words(
        """
        president gen general mr mrs ms dr minister governor commander colonel col lt lieutenant
        sheikh shaikh imam ayatollah cleric leader spokesman spokesperson director secretary senator
        sen rep king prince emir sultan mullah chief mayor judge brother sister father saint st
        """
    )
)
#: Words before a name that make it a place ("in Hawija", "from Dibis").
_LOCATIVE = frozenset(
    _words(
        """
        in at near from to into outside around across inside toward towards via between through
        throughout within
        """
    )
)
#: Stricter: before a country or province, "from Iran" and "to Russia" are usually actors.
_STRICT_LOCATIVE = frozenset(
    ["in", "into", "inside", "across", "throughout", "within", "near", "at"]
)
_NEAR = re.compile(
    r"\b(?:near|outside|around|outskirts of|(?:north|south|east|west)(?:east|west)? of|"
    r"\d+ (?:km|kilometers|kilometres|miles?) (?:from|of))\s+"
    r"(?:the (?:town|city|village) of\s+)?$",
    re.IGNORECASE,
)
_AREA_AFTER = re.compile(r"^\s*(?:province|governorate|region)\b", re.IGNORECASE)
_AGE_AFTER = re.compile(r"^,\s*\d{1,3}\s*[,)]")
_ORG_OF = re.compile(r"\b[A-Z][\w’'-]*\s+of\s+(?:the\s+)?$")
_PERSON_PREFIX = frozenset(["abu", "bin", "ibn", "umm", "bint"])
_FUNCTION_WORDS = frozenset(
    _words(
        """
        a an and as at but by for from if in into of on or so the then to when while with after
        before since during
        """
    )
)

#: Capitalised words that are also place names somewhere and are not meant as places in news
#: prose: function words, calendar words, titles, institutions, demonyms and languages, common
#: given names, and words of the seed articles that collide with real places.
_STOPWORDS = frozenset(
    _words(
        """
        a an the this that these those it its he she they we you i our their his her my your and or
        but if then so as at by for from in into of on to with without about after before over under
        between during since until while when where why how what who which there here all any some
        many most more much few other another each every no not only just also even january february
        march april may june july august september october november december monday tuesday
        wednesday thursday friday saturday sunday today yesterday tomorrow president general gen
        minister prime governor commander colonel leader official officials mr mrs ms dr sir lord
        king queen prince emir sheikh imam cleric police army navy forces force state states united
        union democratic republic national international islamic kingdom government ministry
        department office council party parliament congress senate court justice security service
        services intelligence agency agencies military militia brigade division battalion unit units
        group groups company companies corporation news post times daily beast journal press media
        twitter facebook google youtube north south east west northern southern eastern western
        central middle upper lower city town village province region district street square stadium
        camp base bridge river lake mountain mountains valley desert island islands coast border
        airport port new old great greater little black white red green blue golden grand royal holy
        saint american americans british english french german germans russian russians chinese
        iranian iranians iraqi iraqis syrian syrians kurdish kurds turkish turks arab arabs arabic
        persian israeli israelis palestinian lebanese jordanian saudi yemeni egyptian libyan
        tunisian moroccan algerian sudanese somali malian nigerien nigerian chadian senegalese
        afghan pakistani indian european europeans african africans asian western westerners shia
        shiite shiites sunni sunnis christian christians muslim muslims jewish druze alawite
        alawites yazidi yazidis yezidi turkmen god allah jesus christ mohammed muhammad ali hassan
        hussein hussain ahmed ahmad omar umar issa isa musa mahdi abdul abu karim kareem salim walid
        khalid mustafa mahmoud ibrahim yusuf yousef jalal massoud masoud barzani talabani sadr
        maliki abadi bafel qassem qasim soleimani suleimani solaimani hassane almou mounkaila
        dunford trump pompeo esper haftar erdogan khamenei zagros aisha jihan victory liberty
        freedom peace hope justice independence unity progress gold mobile reading split nice most
        bath sale page suit baath amni daesh hashd peshmerga quds resistance revolution awakening
        awakenings sons sahwa read related see also more image photo video source sources thread end
        """
    )
)
_STOP_PHRASES = frozenset(
    [
        "middle east",
        "near east",
        "far east",
        "west africa",
        "east africa",
        "north africa",
        "southeast asia",
        "central asia",
        "united states",
        "green berets",
    ]
)


@dataclass
class _Mention:
    sentence: int
    start: int  # offsets in the full text
    end: int
    text: str
    place: gazetteer.Place
    tier: int
    weight: int
    near: bool = False
    area_word: bool = False
    locative: bool = False
    strict_locative: bool = False
    neighbours: bool = False  # capitalised words glued to it that are not part of the place
    title_before: bool = False
    the_before: bool = False
    sentence_initial: bool = False
    exact: bool = False  # the mention is the gazetteer's own name (case and accents aside)
    dateline: bool = False


@dataclass
class _Token:
    start: int
    end: int
    text: str
    kind: str  # "cap", "connector", "acronym", "initial", "other"


def _tokens(sentence: str) -> list[_Token]:
    out = []
    for m in _WORD.finditer(sentence):
        w = m.group(0)
        if w.lower() in _CONNECTORS and w[0].islower():
            kind = "connector"
        elif _ARTICLE_HYPHEN.match(w):
            kind = "cap"
        elif w[0].isupper() or (w[0].isdigit() and w[-1].isupper()):
            letters = [c for c in w if c.isalpha()]
            if len(letters) <= 1 and not any(c.isdigit() for c in w):
                kind = "initial"
            elif all(c.isupper() for c in letters):
                kind = "acronym"
            else:
                kind = "cap"
        else:
            kind = "other"
        out.append(_Token(m.start(), m.end(), w, kind))
    return out


def _runs(sentence: str, tokens: list[_Token]) -> list[list[_Token]]:
    """Runs of capitalised words joined by single spaces or hyphens (connectors allowed)."""
    runs: list[list[_Token]] = []
    cur: list[_Token] = []
    for tok in tokens:
        if tok.kind in ("cap", "acronym", "connector"):
            if cur:
                gap = sentence[cur[-1].end : tok.start]
                possessive = re.search(r"[’']s$", cur[-1].text)
                if gap in (" ", "-") and not possessive:
                    cur.append(tok)
                    continue
                runs.append(cur)
            cur = [tok]
        else:
            if cur:
                runs.append(cur)
            cur = []
    if cur:
        runs.append(cur)
    out = []
    for run in runs:
        while run and run[0].kind == "connector":
            run = run[1:]
        while run and run[-1].kind == "connector":
            run = run[:-1]
        if run:
            out.append(run)
    return out


def _strip_possessive(text: str) -> str:
    return re.sub(r"[’']s$", "", text)


_Hit = tuple[gazetteer.Place, int, float, int]


class _PlaceFinder:
    """Looks runs of capitalised words up in the gazetteer, longest sub-run first."""

    def __init__(self) -> None:
        self._cache: dict[tuple[str, bool, bool], _Hit | None] = {}

    def lookup(self, text: str, loose: bool, area: bool = False) -> _Hit | None:
        key = (text, loose, area)
        if key not in self._cache:
            kinds = gazetteer.AREA_KINDS if area else None
            self._cache[key] = gazetteer._lookup_best(text, loose=loose, kinds=kinds)
        return self._cache[key]

    def mentions(self, sent: _Sentence, index: int) -> list[_Mention]:
        s = sent.text
        tokens = _tokens(s)
        found: list[_Mention] = []
        for run in _runs(s, tokens):
            found.extend(self._in_run(sent, index, run))
        found.extend(self._dateline(sent, index, tokens))
        return found

    def _dateline(self, sent: _Sentence, index: int, tokens: list[_Token]) -> list[_Mention]:
        """``RAQQA, Syria—`` or ``WASHINGTON —`` opening a paragraph."""
        if not sent.first_in_paragraph or not tokens or tokens[0].kind != "acronym":
            return []
        tok = tokens[0]
        after = sent.text[tok.end : tok.end + 3]
        if tok.start != 0 or len(tok.text) < 4 or not re.match(r"^\s*[,—–-]", after):
            return []
        hit = self.lookup(tok.text.title(), loose=False)
        if hit is None:
            return []
        place, tier, _, weight = hit
        return [
            _Mention(
                index,
                sent.start,
                sent.start + tok.end,
                tok.text,
                place,
                tier,
                weight,
                exact=True,
                dateline=True,
            )
        ]

    def _in_run(self, sent: _Sentence, index: int, run: list[_Token]) -> list[_Mention]:
        s = sent.text
        n = len(run)
        used = [False] * n
        out: list[_Mention] = []
        for length in range(min(n, 6), 0, -1):
            for i in range(0, n - length + 1):
                if any(used[i : i + length]):
                    continue
                part = run[i : i + length]
                if not self._plausible(part):
                    continue
                raw = s[part[0].start : part[-1].end]
                mention = _strip_possessive(raw)
                hit = self._hit(mention, s[part[-1].end :], loose=False)
                if hit is None and length >= 2 and part[0].kind == "cap":
                    hit = self._hit(mention, s[part[-1].end :], loose=True)
                if hit is None:
                    continue
                for j in range(i, i + length):
                    used[j] = True
                out.append(self._mention(sent, index, run, i, i + length, mention, hit))
        # Curated short codes (K1, K-1) that look like acronyms.
        for i, tok in enumerate(run):
            if used[i] or tok.kind != "acronym" or not any(c.isdigit() for c in tok.text):
                continue
            hit = self.lookup(tok.text, loose=False)
            if hit and hit[0].source.startswith("curated supplement"):
                used[i] = True
                out.append(self._mention(sent, index, run, i, i + 1, tok.text, hit))
        return out

    @staticmethod
    def _plausible(part: list[_Token]) -> bool:
        first, last = part[0].text.lower(), part[-1].text.lower()
        if part[0].kind == "connector" or part[-1].kind == "connector":
            return False
        if len(part) == 1:
            return part[0].kind == "cap" and _strip_possessive(first) not in _STOPWORDS
        if first in _FUNCTION_WORDS or last in _FUNCTION_WORDS:
            return False
        return " ".join(t.text.lower() for t in part) not in _STOP_PHRASES

    def _hit(self, mention: str, after: str, loose: bool) -> _Hit | None:
        if _AREA_AFTER.match(after):
            hit = self.lookup(mention, loose=loose, area=True)
            if hit is not None:
                return hit
        hit = self.lookup(mention, loose=loose)
        if hit is None or (loose and hit[1] == 1):
            return None
        return hit

    @staticmethod
    def _mention(
        sent: _Sentence, index: int, run: list[_Token], i: int, j: int, mention: str, hit: _Hit
    ) -> _Mention:
        s = sent.text
        place, tier, _, weight = hit
        part = run[i:j]
        start = sent.start + part[0].start
        before = s[: part[0].start]
        after = s[part[-1].end :]
        prev = _previous_word(before)
        return _Mention(
            index,
            start,
            start + len(mention),
            mention,
            place,
            tier,
            weight,
            near=bool(_NEAR.search(before)),
            area_word=bool(_AREA_AFTER.match(after)),
            locative=prev in _LOCATIVE,
            strict_locative=prev in _STRICT_LOCATIVE,
            neighbours=(
                _has_neighbours(run, i, j)
                or bool(_AGE_AFTER.match(after))
                or bool(_ORG_OF.search(before))  # Patriotic Union of Kurdistan
            ),
            title_before=prev in _TITLES,
            the_before=prev == "the",
            sentence_initial=not before.strip(" \t\"“‘'(*\u00a0"),
            exact=_same_spelling(mention, place.name),
        )


def _previous_word(before: str) -> str:
    """The word before a mention, skipping directions ("in northern Iraq" -> "in")."""
    words = re.findall(r"\w+", before[-60:])
    while words and words[-1].lower() in _DIRECTIONS:
        words.pop()
    return words[-1].lower() if words else ""


def _same_spelling(a: str, b: str) -> bool:
    return gazetteer._simple(a) == gazetteer._simple(b)


def _has_neighbours(run: list[_Token], i: int, j: int) -> bool:
    """Whether capitalised words other than directions are glued before or after run[i:j]."""
    before = [t for t in run[:i] if t.kind == "cap" and t.text.lower() not in _DIRECTIONS]
    after = [t for t in run[j:] if t.kind in ("cap", "acronym")]
    return bool(before or after)


# --------------------------------------------------------------------------------------------
# Candidates
# --------------------------------------------------------------------------------------------


@dataclass
class _Candidate:
    mention: _Mention
    sentence: _Sentence
    date: _DateRef | None
    date_source: str  # "sentence" | "context" | "publication"
    event_type: str
    sub_event_type: str
    place_from_context: bool = False


def _accept(m: _Mention, cue: bool, dated: bool, context: set[str]) -> bool:
    """Whether a gazetteer hit in a sentence is a place mention worth a candidate.

    ``cue``: the sentence has an event keyword; ``dated``: it has a day- or week-precise date;
    ``context``: ISO3 codes of the countries the article is about.
    """
    p = m.place
    if m.dateline:
        return cue or dated
    if m.title_before:
        return False
    if m.neighbours:
        return False  # part of a longer name: "Naim Square", "Union of Kurdistan", "Issa Xabur"
    if p.kind == "country":
        return cue and (m.strict_locative or m.near)
    if p.kind in AREA_ONLY:
        return m.area_word or m.strict_locative or m.near or cue or dated
    if m.the_before and " " not in m.text:
        return False  # "the Baath", "the Amni": an organisation, not a town
    if m.tier != 1:  # a loose (vowel-blind) spelling: only where the article is, after "in"
        first = m.text.split()[0].lower()
        return p.iso3 in context and m.strict_locative and first not in _PERSON_PREFIX
    curated = p.source.startswith("curated supplement") or "curated supplement" in p.source
    if m.sentence_initial and " " not in m.text and not (m.exact or curated):
        return False  # a capitalised first word ("Suit:") is weak evidence of a name
    if curated:
        return True
    if m.weight >= BIG_PLACE:
        if p.iso3 not in context and not m.exact:
            return False  # "Avana" is not Havana in an article about Iraq
        return cue or dated
    if p.iso3 not in context:
        return False
    return m.locative or m.near or cue or dated


AREA_ONLY = ("admin1", "region")


#: Adjectives that tie an article to a country as firmly as the country's name does.
DEMONYMS = {
    "afghan": "AFG",
    "burkinabe": "BFA",
    "chadian": "TCD",
    "egyptian": "EGY",
    "iranian": "IRN",
    "iraqi": "IRQ",
    "israeli": "ISR",
    "jordanian": "JOR",
    "lebanese": "LBN",
    "libyan": "LBY",
    "malian": "MLI",
    "nigerian": "NGA",
    "nigerien": "NER",
    "pakistani": "PAK",
    "palestinian": "PSE",
    "saudi": "SAU",
    "somali": "SOM",
    "sudanese": "SDN",
    "syrian": "SYR",
    "turkish": "TUR",
    "ukrainian": "UKR",
    "yemeni": "YEM",
}
_DEMONYM_RE = re.compile(r"\b(" + "|".join(w.capitalize() for w in DEMONYMS) + r")s?\b")


def _context_countries(mentions: Iterable[_Mention], text: str = "") -> set[str]:
    """Countries the article is about: countries and provinces it names (or their adjectives,
    "Iraqi"), and the countries of curated places and of a dateline."""
    out: set[str] = {DEMONYMS[m.group(1).lower()] for m in _DEMONYM_RE.finditer(text)}
    for m in mentions:
        p = m.place
        if m.tier != 1 or m.title_before:
            continue
        curated = "curated supplement" in p.source
        if p.kind in ("country", "admin1", "region") or curated or m.dateline:
            out.add(p.iso3)
    return out


def _nearest(refs: list[_DateRef], start: int, end: int) -> _DateRef | None:
    if not refs:
        return None

    def distance(r: _DateRef) -> int:
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

    sentences = _sentences(text)
    resolver = _DateResolver(published)
    finder = _PlaceFinder()
    dates = [resolver.find(s.text) for s in sentences]
    events = [classify(s.text) for s in sentences]
    mentions = [finder.mentions(s, i) for i, s in enumerate(sentences)]
    context = _context_countries((m for ms in mentions for m in ms), text)

    candidates: list[_Candidate] = []
    recent: list[tuple[int, _Mention]] = []  # place-like mentions: (sentence index, mention)
    for i, s in enumerate(sentences):
        event_type, sub, cue = events[i]
        dated = any(r.precision in ("day", "week") for r in dates[i])
        ordered = sorted(mentions[i], key=lambda m: m.start)
        accepted = [m for m in ordered if _accept(m, cue, dated, context)]
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
            if m.place.kind != "country" and _accept(m, True, True, context)
        )

    return _frame(candidates, published, document, source_name)


def _date_for(
    dates: list[list[_DateRef]], sentences: list[_Sentence], i: int, m: _Mention
) -> tuple[_DateRef | None, str]:
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
        if c.mention.tier != 1:
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
