"""Sentences with their offsets, so that every quote is an exact substring of the article."""

from __future__ import annotations

import re
from dataclasses import dataclass

from geoevents.extract.furniture import is_furniture
from geoevents.extract.lexicon import words

__all__ = ["Sentence", "split_sentences"]


@dataclass
class Sentence:
    """One sentence of an article.

    Parameters
    ----------
    start, end : int
        Offsets in the article: ``text == article[start:end]``.
    text : str
        The sentence verbatim, without surrounding white space.
    paragraph : int
        Index of its paragraph (a non-blank line of the article).
    first_in_paragraph : bool
        Whether it opens its paragraph (where a dateline such as ``RAQQA, Syria—`` sits).
    """

    start: int
    end: int
    text: str
    paragraph: int
    first_in_paragraph: bool


_SENTENCE_END = re.compile(r"[.!?]+[\"”’')\]]*(?=\s+[\"“‘'(\[]?[A-Z0-9])")
_INITIALS = re.compile(r"(?:\b[A-Za-z]\.)+$")


def split_sentences(text: str) -> list[Sentence]:
    """Split text into sentences with offsets; a line break always ends a sentence.

    A full stop after an abbreviation (``vocabulary/abbreviations.txt``: ``Gen.``, ``Oct.``) or
    initials (``U.S.``) does not end a sentence. Caption, credit and link lines
    (:func:`~geoevents.extract.furniture.is_furniture`) are left out.

    Parameters
    ----------
    text : str
        The article.

    Returns
    -------
    list of Sentence
        In text order; pieces without a word character are dropped.
    """
    abbreviations = words("abbreviations")
    out: list[Sentence] = []
    paragraph = -1
    for line in re.finditer(r"[^\r\n]+", text):
        if not line.group().strip() or is_furniture(line.group()):
            continue
        paragraph += 1
        pieces: list[tuple[int, int]] = []
        pos = line.start()
        for m in _SENTENCE_END.finditer(text, line.start(), line.end()):
            word = re.search(r"(\w+)$", text[pos : m.start()])
            if _INITIALS.search(text[pos : m.start() + 1]) or (
                word and word.group(1).lower() in abbreviations
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


def _span(text: str, start: int, end: int, paragraph: int, first: bool) -> list[Sentence]:
    chunk = text[start:end]
    stripped = chunk.strip()
    if not stripped or not re.search(r"\w", stripped):
        return []
    s = start + (len(chunk) - len(chunk.lstrip()))
    e = s + len(stripped)
    return [Sentence(s, e, text[s:e], paragraph, first)]
