"""Spelling comparisons of the lookups: same name as English writes it, longer names, similarity."""

from __future__ import annotations

import difflib
import re

from geoevents.gazetteer.normalise import simple_form

__all__ = [
    "ARTICLE_WORDS",
    "LONGER_NAME_LETTERS",
    "longer_name",
    "plain_form",
    "same_name",
    "similarity",
]

#: A loose match whose name is the query plus at least this many more letters is a different,
#: longer name ("Incirlik" is not İncirlikuyu) and no match at all.
LONGER_NAME_LETTERS = 3

# English usage drops the Arabic article and the final h of a transliteration: "Basra" is
# GeoNames' "Al Başrah", while "Samara" is still not "Samarra".
ARTICLE_WORDS = frozenset({"al", "el", "ar", "as", "az", "ad", "an", "ash", "at"})


def plain_form(name: str) -> str:
    """Return the :func:`simple_form` without a leading article word and a final h after a vowel."""
    words = simple_form(name).split()
    if len(words) > 1 and words[0] in ARTICLE_WORDS:
        words = words[1:]
    return re.sub(r"(?<=[aeiou])h$", "", " ".join(words))


def same_name(a: str, b: str) -> bool:
    """Whether two names are the same spelling, as English usage writes it.

    Case, accents and punctuation aside, and also a leading Arabic article and a final h after
    a vowel (``Basra`` is ``Al Başrah``); doubled letters and vowels count (``Samara`` is not
    ``Samarra``).

    Parameters
    ----------
    a, b : str
        Two names.

    Returns
    -------
    bool
    """
    return simple_form(a) == simple_form(b) or plain_form(a) == plain_form(b)


def longer_name(query: str, key: str) -> bool:
    """Return whether index key ``key`` is ``query`` with a longer ending or start.

    Such a name is another name, not a spelling variant (``İncirlikuyu`` is not ``Incirlik``).
    """
    q, k = query.replace(" ", ""), key.replace(" ", "")
    if len(k) - len(q) < LONGER_NAME_LETTERS:
        return False
    return k.startswith(q) or k.endswith(q)


def similarity(a: str, b: str) -> float:
    """Return the spelling similarity of two keys, 0..1 (difflib's ratio)."""
    return difflib.SequenceMatcher(None, a, b, autojunk=False).ratio()
