"""Place mentions: runs of capitalised words looked up in the offline gazetteer, then weighed.

Mentions are runs of capitalised words (``Deir ez-Zor``, ``Ain al Issa``, a dateline such as
``RAQQA, Syria``), looked up in :mod:`geoevents.gazetteer`, longest sub-run first. Whether a hit is
meant as a place (:func:`accept`) depends on what surrounds it: small places must sit in a country
the article is otherwise about (:func:`context_countries`), and common words, person names and
titles are filtered out. The word lists are data, in ``vocabulary/``.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass

from geoevents.extract import lexicon
from geoevents.extract.sentences import Sentence
from geoevents.gazetteer import (
    AREA_KINDS,
    TIER_NAME,
    BestMatch,
    Place,
    best_match,
    same_name,
)

__all__ = ["AREA_ONLY", "BIG_PLACE", "Mention", "PlaceFinder", "accept", "context_countries"]

#: Gazetteer places with at least this ranking weight (population) are accepted anywhere; smaller
#: ones only in a country the article is otherwise about.
BIG_PLACE = 100_000

#: Kinds of area accepted on weaker evidence than a town (a province named is a province meant).
AREA_ONLY = ("admin1", "region")

_WORD = re.compile(r"\w+(?:[’'\-]\w+)*")
_ARTICLE_HYPHEN = re.compile(r"^(?:al|el|ez|es|ed|ad|ar|as|az|an|at|ash|ul)-[A-Z]")
_NEAR = re.compile(
    r"\b(?:near|outside|around|outskirts of|(?:north|south|east|west)(?:east|west)? of|"
    r"\d+ (?:km|kilometers|kilometres|miles?) (?:from|of))\s+"
    r"(?:the (?:town|city|village) of\s+)?$",
    re.IGNORECASE,
)
_AREA_AFTER = re.compile(r"^\s*(?:province|governorate|region)\b", re.IGNORECASE)
_AGE_AFTER = re.compile(r"^,\s*\d{1,3}\s*[,)]")
_ORG_OF = re.compile(r"\b[A-Z][\w’'-]*\s+of\s+(?:the\s+)?$")


@dataclass
class Mention:
    """A gazetteer hit in a sentence, with the clues :func:`accept` weighs.

    ``sentence`` is the index of the sentence, ``start``/``end`` the offsets of the mention in
    the article, ``tier`` and ``weight`` those of the gazetteer match
    (:class:`~geoevents.gazetteer.BestMatch`); the flags say what surrounds the mention.
    """

    sentence: int
    start: int  # offsets in the full text
    end: int
    text: str
    place: Place
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
        if w.lower() in lexicon.words("connectors") and w[0].islower():
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


class PlaceFinder:
    """Looks runs of capitalised words up in the gazetteer, longest sub-run first.

    One finder serves one article: it remembers each lookup, as names repeat. ``prefer``, the
    ISO3 codes of the countries the article is about, ranks their places first among namesakes.
    """

    def __init__(self, prefer: tuple[str, ...] = ()) -> None:
        self._cache: dict[tuple[str, bool, bool], BestMatch | None] = {}
        self._prefer = prefer  # the article's countries (ISO3): a hint between namesakes

    def lookup(self, text: str, loose: bool, area: bool = False) -> BestMatch | None:
        """Return the gazetteer's best match for ``text`` (provinces and regions only with
        ``area``; loose, vowel-blind matches too with ``loose``), or None."""
        key = (text, loose, area)
        if key not in self._cache:
            kinds = AREA_KINDS if area else None
            self._cache[key] = best_match(text, loose=loose, kinds=kinds, prefer=self._prefer)
        return self._cache[key]

    def mentions(self, sent: Sentence, index: int) -> list[Mention]:
        """Return the place mentions of sentence number ``index`` (unfiltered: see accept)."""
        s = sent.text
        tokens = _tokens(s)
        found: list[Mention] = []
        for run in _runs(s, tokens):
            found.extend(self._in_run(sent, index, run))
        found.extend(self._dateline(sent, index, tokens))
        return found

    def _dateline(self, sent: Sentence, index: int, tokens: list[_Token]) -> list[Mention]:
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
        return [
            Mention(
                index,
                sent.start,
                sent.start + tok.end,
                tok.text,
                hit.place,
                hit.tier,
                hit.weight,
                exact=True,
                dateline=True,
            )
        ]

    def _in_run(self, sent: Sentence, index: int, run: list[_Token]) -> list[Mention]:
        s = sent.text
        n = len(run)
        used = [False] * n
        out: list[Mention] = []
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
            if hit and hit.place.source.startswith("curated supplement"):
                used[i] = True
                out.append(self._mention(sent, index, run, i, i + 1, tok.text, hit))
        return out

    @staticmethod
    def _plausible(part: list[_Token]) -> bool:
        first, last = part[0].text.lower(), part[-1].text.lower()
        if part[0].kind == "connector" or part[-1].kind == "connector":
            return False
        if len(part) == 1:
            return part[0].kind == "cap" and _strip_possessive(first) not in lexicon.words(
                "stopwords"
            )
        function_words = lexicon.words("function_words")
        if first in function_words or last in function_words:
            return False
        return " ".join(t.text.lower() for t in part) not in lexicon.lines("stop_phrases")

    def _hit(self, mention: str, after: str, loose: bool) -> BestMatch | None:
        if _AREA_AFTER.match(after):
            hit = self.lookup(mention, loose=loose, area=True)
            if hit is not None:
                return hit
        hit = self.lookup(mention, loose=loose)
        if hit is None or (loose and hit.tier == TIER_NAME):
            return None
        return hit

    @staticmethod
    def _mention(
        sent: Sentence, index: int, run: list[_Token], i: int, j: int, mention: str, hit: BestMatch
    ) -> Mention:
        s = sent.text
        place = hit.place
        part = run[i:j]
        start = sent.start + part[0].start
        before = s[: part[0].start]
        after = s[part[-1].end :]
        prev = _previous_word(before)
        return Mention(
            index,
            start,
            start + len(mention),
            mention,
            place,
            hit.tier,
            hit.weight,
            near=bool(_NEAR.search(before)),
            area_word=bool(_AREA_AFTER.match(after)),
            locative=prev in lexicon.words("locative"),
            strict_locative=prev in lexicon.words("strict_locative"),
            neighbours=(
                _has_neighbours(run, i, j)
                or bool(_AGE_AFTER.match(after))
                or bool(_ORG_OF.search(before))  # Patriotic Union of Kurdistan
            ),
            title_before=prev in lexicon.words("titles"),
            the_before=prev == "the",
            sentence_initial=not before.strip(" \t\"“‘'(*\u00a0"),
            exact=_same_spelling(mention, place.name),
        )


def _previous_word(before: str) -> str:
    """The word before a mention, skipping directions ("in northern Iraq" -> "in")."""
    words = re.findall(r"\w+", before[-60:])
    directions = lexicon.words("directions")
    while words and words[-1].lower() in directions:
        words.pop()
    return words[-1].lower() if words else ""


def _same_spelling(a: str, b: str) -> bool:
    return same_name(a, b)


def _has_neighbours(run: list[_Token], i: int, j: int) -> bool:
    """Whether capitalised words other than directions are glued before or after run[i:j]."""
    directions = lexicon.words("directions")
    before = [t for t in run[:i] if t.kind == "cap" and t.text.lower() not in directions]
    after = [t for t in run[j:] if t.kind in ("cap", "acronym")]
    return bool(before or after)


def accept(m: Mention, cue: bool, dated: bool, context: set[str]) -> bool:
    """Return whether a gazetteer hit in a sentence is a place mention worth a candidate.

    Parameters
    ----------
    m : Mention
        The hit.
    cue : bool
        Whether the sentence has an event keyword.
    dated : bool
        Whether the sentence has a day- or week-precise date.
    context : set of str
        ISO3 codes of the countries the article is about (:func:`context_countries`).

    Returns
    -------
    bool
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
    if m.tier != TIER_NAME:  # a loose (vowel-blind) spelling: only where the article is, after "in"
        first = m.text.split()[0].lower()
        return (
            p.iso3 in context
            and m.strict_locative
            and first not in lexicon.words("person_prefixes")
        )
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


def context_countries(mentions: Iterable[Mention], text: str = "") -> set[str]:
    """Return the countries the article is about, as ISO3 codes.

    They are the countries and provinces it names (or their adjectives, "Iraqi": see
    ``vocabulary/demonyms.txt``), and the countries of curated places and of a dateline.
    """
    demonyms = lexicon.pairs("demonyms")
    out: set[str] = {demonyms[m.group(1).lower()] for m in _demonym_pattern().finditer(text)}
    for m in mentions:
        p = m.place
        if m.tier != TIER_NAME or m.title_before:
            continue
        curated = "curated supplement" in p.source
        if p.kind in ("country", "admin1", "region") or curated or m.dateline:
            out.add(p.iso3)
    return out


@functools.cache
def _demonym_pattern() -> re.Pattern[str]:
    demonyms = lexicon.pairs("demonyms")
    return re.compile(r"\b(" + "|".join(w.capitalize() for w in demonyms) + r")s?\b")
