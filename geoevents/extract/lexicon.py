"""The extractor's vocabulary, read once from the text files in ``vocabulary/``.

Word lists, phrases, the demonyms and the event-type cue tables are data, not code: an analyst
extends them without reading Python. Three formats, all UTF-8, ``#`` starting a comment line:

* word lists (:func:`words`): words separated by white space;
* line lists (:func:`lines`, :func:`pairs`): one entry a line (a phrase; a word and a code);
* pattern blocks (:func:`blocks`): blocks separated by a blank line, each a header line and a
  regular expression written over one or more lines, joined with nothing between them.

Every loader is cached: each file is read at most once per process.
"""

from __future__ import annotations

import functools
from pathlib import Path

__all__ = ["VOCABULARY_DIR", "blocks", "lines", "pairs", "words"]

VOCABULARY_DIR = Path(__file__).parent / "vocabulary"


@functools.cache
def _content_lines(name: str) -> tuple[str, ...]:
    """The lines of ``vocabulary/<name>.txt`` without comment lines (blank lines kept)."""
    text = (VOCABULARY_DIR / f"{name}.txt").read_text(encoding="utf-8")
    return tuple(line for line in text.splitlines() if not line.startswith("#"))


@functools.cache
def words(name: str) -> frozenset[str]:
    """Return the word list ``vocabulary/<name>.txt`` as a set.

    Parameters
    ----------
    name : str
        The file name without ``.txt`` (``"stopwords"``, ``"titles"`` ...).

    Returns
    -------
    frozenset of str
    """
    return frozenset(word for line in _content_lines(name) for word in line.split())


@functools.cache
def lines(name: str) -> tuple[str, ...]:
    """Return the non-blank lines of ``vocabulary/<name>.txt``, stripped, in file order."""
    return tuple(line.strip() for line in _content_lines(name) if line.strip())


@functools.cache
def pairs(name: str) -> dict[str, str]:
    """Return ``vocabulary/<name>.txt`` read as ``key value`` lines, in file order."""
    out: dict[str, str] = {}
    for line in lines(name):
        key, value = line.split()
        out[key] = value
    return out


@functools.cache
def blocks(name: str) -> tuple[tuple[str, str], ...]:
    """Return the pattern blocks of ``vocabulary/<name>.txt`` as (header, pattern), in order.

    Parameters
    ----------
    name : str
        The file name without ``.txt`` (``"event_rules"``, ``"event_qualifiers"``).

    Returns
    -------
    tuple of (str, str)
        Each block's first line (stripped) and the lines after it joined as written, with
        nothing between them (break a long expression after a ``|``: a space at the end of a
        line is easily lost).
    """
    out: list[tuple[str, str]] = []
    current: list[str] = []
    for line in (*_content_lines(name), ""):
        if line.strip():
            current.append(line)
        elif current:
            header, *body = current
            out.append((header.strip(), "".join(body)))
            current = []
    return tuple(out)
