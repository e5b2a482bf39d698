"""Name folding: the spelling keys under which the gazetteer indexes and looks up names.

:func:`normalize_name` folds the ways analysts transliterate Arabic and Kurdish names
(diacritics, ``al-``/``Ar-`` article prefixes, ``Ain``/``Ayn``, doubled letters, hyphens and
spaces); :func:`index_key` is the same key without spaces; :func:`skeleton` is a weaker,
vowel-blind key (``Tuz Kharmato`` for ``Tuz Khurmatu``); :func:`simple_form` only folds case,
diacritics and punctuation, to recognise a name spelled exactly as the gazetteer spells it.
"""

from __future__ import annotations

import itertools
import re
import unicodedata

__all__ = [
    "clear_memo",
    "index_key",
    "normalize_name",
    "query_keys",
    "simple_form",
    "skeleton",
]


def _words(text: str) -> list[str]:
    """Split a whitespace-separated word list."""
    return text.split()


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


def index_key(name: str) -> str:
    """Return the index key of a name: :func:`normalize_name` without the spaces.

    Parameters
    ----------
    name : str
        A place name in Latin or Arabic script.

    Returns
    -------
    str
        The key (``"ainisa"`` for ``Ain al-Issa``); empty when the name has no letters.
    """
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


def query_keys(name: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Keys to look a query up under: (spelling keys, guessed keys).

    The spelling keys are its key and the key keeping article words, so ``Al Qaim`` also finds a
    record spelled ``Alqaim``. The guessed key strips a glued ``al``/``el`` (``Alqaim`` ->
    ``qaim``); a match through it counts as a loose match, as the guess may be wrong.

    Parameters
    ----------
    name : str
        The name asked for.

    Returns
    -------
    (tuple of str, tuple of str)
        The spelling keys (none when the name has no letters) and the guessed keys.
    """
    toks = _tokens(name)
    a = _join(_fold(toks, keep_articles=False))
    b = _join(_fold(toks, keep_articles=True))
    strict = tuple(dict.fromkeys(k for k in (a, b) if k))
    guessed: tuple[str, ...] = ()
    if len(a) > 5 and a[:2] in ("al", "el") and a.isascii():
        guessed = (_DOUBLE.sub(r"\1", a[2:]),)
    return strict, guessed


def skeleton(key: str) -> str | None:
    """Return the vowel-blind consonant skeleton of a Latin key, or None if too short to use.

    Parameters
    ----------
    key : str
        An :func:`index_key`.

    Returns
    -------
    str or None
        The key without vowels (``q`` read as ``k``); None for a non-Latin key or one that
        leaves fewer than four consonants.
    """
    if not key.isascii():
        return None
    sk = key.translate(_SKELETON_DROP)
    return sk if len(sk) >= 4 else None


def simple_form(name: str) -> str:
    """Return the case-, diacritic- and punctuation-blind form of a name.

    Used to recognise a name spelled exactly as the gazetteer spells it (``Samarra`` is
    ``Sāmarrā’``, but ``Samara`` is not): unlike :func:`normalize_name` it keeps article words,
    doubled letters and vowels.

    Parameters
    ----------
    name : str
        A name in any script.

    Returns
    -------
    str
        The lower-case words of the name, separated by single spaces.
    """
    return " ".join(_tokens(name))


def clear_memo() -> None:
    """Forget the memoised token folds (after an index build, which folds every name once)."""
    _token_memo.clear()
