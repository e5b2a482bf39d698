"""Page furniture: caption, credit and link lines, which are not the article's prose.

A photo caption ("Photo: A street in Hajin in 2019."), a link line ("Related: ...", "Read more",
a bare URL) or a line ending in an image credit ("... Getty Images file") never holds an
incident: reading it as one turned captions and "Related reading" boxes into records dated by
the photo. Their patterns are data, ``vocabulary/furniture.txt``.
"""

from __future__ import annotations

import functools
import re

from geoevents.extract.lexicon import blocks

__all__ = ["is_furniture"]


@functools.cache
def _patterns() -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(pattern, re.IGNORECASE) for _, pattern in blocks("furniture"))


def is_furniture(line: str) -> bool:
    """Return whether a line of an article is a caption, a credit or a link line.

    Parameters
    ----------
    line : str
        One line of the article (a paragraph).

    Returns
    -------
    bool
    """
    text = line.strip()
    return bool(text) and any(p.search(text) for p in _patterns())
