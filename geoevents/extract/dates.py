"""Dates: patterns for the expressions news prose uses, resolved against the publication date.

Patterns find ``October 4``, ``last Friday``, ``on Sunday``, ``in August 2014``, ``earlier this
week``, ``2005 to 2011`` ...; `dateparser`_ resolves them against the publication date,
preferring the past: no date falls after publication unless the text gives a year after it.

.. _dateparser: https://pypi.org/project/dateparser/
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

__all__ = ["ROLES", "DateRef", "DateResolver"]


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
            rf"\b(?:(?:[Ll]ast|[Oo]n|[Tt]his|[Pp]ast|[Nn]ext) )?{_WEEKDAY_RE}"
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
class DateRef:
    """A date expression of a sentence and the days it stands for.

    Parameters
    ----------
    start, end : int
        Offsets of the expression within its sentence.
    text : str
        The expression as written (``last Friday``, ``October 4``).
    first, last : datetime.date
        The days it covers, both ends inclusive (``last`` is cut at publication unless the text
        gives a later date explicitly).
    precision : str
        ``day``, ``week``, ``month`` or ``year``.
    after_publication : bool
        Whether it starts after the publication date (a year given explicitly).
    """

    start: int
    end: int
    text: str
    first: dt.date
    last: dt.date
    precision: str
    after_publication: bool = False
    role: str = "event"


#: Roles of a date expression: it dates the event, the statement reporting it ("said on
#: Monday"), or a background span ("since 2015"). Only event dates date a candidate.
ROLES = ("event", "statement", "background")

# "... officials said on Monday", "said in a statement on Wednesday", "told reporters Tuesday".
_STATEMENT_BEFORE = re.compile(
    r"\b(?:said|says|told (?:\w+ ){0,2}|announced|reported|confirmed|added|stated|claimed|"
    r"denied|warned|tweeted|wrote|statement|briefing|interview|news conference|"
    r"press conference|communiqu[eé])(?: (?:in|at|during|to) (?:a|an|the|its|his|her|their)"
    r"(?: \w+){0,3})?,? $",
    re.IGNORECASE,
)
_BACKGROUND_BEFORE = re.compile(
    r"\b(?:since|until|till|ever since)(?: (?:the|early|late|mid))? $", re.I
)
_BACKGROUND_TEXT = re.compile(r"^(?:[Ss]ince|until) ")
# Future-marked verbs: a weekday then means the coming one.
_FUTURE = re.compile(
    r"\b(?:will|shall|is due|are due|is expected|are expected|scheduled|plans? to|planned for|"
    r"is set to|are set to)\b",
    re.IGNORECASE,
)
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


class DateResolver:
    """Resolves date expressions against a publication date with dateparser.

    Parameters
    ----------
    published : datetime.date
        The publication date; relative dates are resolved against it, preferring the past.
    """

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
        """Return the day dateparser reads in ``expr``, or None."""
        data = self._parser.get_date_data(expr)
        return data.date_obj.date() if data and data.date_obj else None

    def find(self, sentence: str) -> list[DateRef]:
        """All date references of a sentence, left to right, without overlaps."""
        taken: list[tuple[int, int]] = []
        refs: list[DateRef] = []
        for kind, pattern in _DATE_PATTERNS:
            for m in pattern.finditer(sentence):
                if any(m.start() < e and s < m.end() for s, e in taken):
                    continue
                ref = self._resolve(kind, m, sentence)
                if ref is not None:
                    taken.append((m.start(), m.end()))
                    refs.append(_with_role(ref, sentence))
        return sorted(refs, key=lambda r: r.start)

    def _resolve(self, kind: str, m: re.Match[str], sentence: str = "") -> DateRef | None:
        text = m.group(0)
        pub = self.published
        clean = re.sub(r"^(?:[Oo]n|[Pp]ast|[Tt]his) ", "", text)
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
            day = self._weekday(clean, sentence[: m.start()])
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

    def _weekday(self, expr: str, before: str) -> dt.date | None:
        """The day a weekday names: the same weekday as publication is the publication day.

        News style names the day of the week for events of the past (or coming) seven days,
        and wire copy writes "on Monday" rather than "today" in a Monday story; so a weekday
        equal to the publication's is that day, "last Monday" the week before. Other weekdays
        are the latest such day before publication, or the coming one after a future-marked
        verb ("will meet on Friday").
        """
        low = expr.lower()
        match = re.search("|".join(_WEEKDAYS), low)
        if match is None:  # pragma: no cover - the pattern always holds a weekday
            return None
        pub = self.published
        wanted = _WEEKDAYS.index(match.group(0))
        back = (pub.weekday() - wanted) % 7
        if low.startswith("last "):
            return pub - dt.timedelta(days=back or 7)
        if _FUTURE.search(before) or low.startswith("next "):
            ahead = (wanted - pub.weekday()) % 7
            return pub + dt.timedelta(days=ahead or (7 if low.startswith("next ") else 0))
        return pub - dt.timedelta(days=back)

    def _ref(self, m: re.Match[str], first: dt.date, last: dt.date, precision: str) -> DateRef:
        pub = self.published
        after = first > pub
        if not after:
            last = min(last, pub)  # never past the publication date unless the text says so
        return DateRef(m.start(), m.end(), m.group(0), first, last, precision, after)


def _with_role(ref: DateRef, sentence: str) -> DateRef:
    """The ref with its role: a statement's date, a background span, or the event's."""
    before = sentence[max(0, ref.start - 80) : ref.start]
    if _BACKGROUND_TEXT.match(ref.text) or _BACKGROUND_BEFORE.search(before):
        role = "background"
    elif _STATEMENT_BEFORE.search(before):
        role = "statement"
    else:
        return ref
    return DateRef(
        ref.start,
        ref.end,
        ref.text,
        ref.first,
        ref.last,
        ref.precision,
        ref.after_publication,
        role,
    )


def _shift_year(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)
