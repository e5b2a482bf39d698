"""Cell-level clean-up of source text before an importer reads it.

Files reach analysts through other tools, which leave their marks on the cells: R writes a blank
as the text ``NA``; pandas writes a column of whole numbers that had a blank in it as floats
(``1.0``, ``300380.0``). Both are undone here, on whole columns, before any field is parsed, so
that every importer sees the values the dataset's publisher wrote.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable

import pandas as pd

__all__ = ["blank_na", "whole_numbers"]

#: ``1.0``, ``-3.00``, ``300380.0``: a whole number written as a float (not ``1.5``, not ``1e3``).
_INTEGRAL_FLOAT = r"^(\s*[+-]?\d+)\.0+(\s*)$"


def blank_na(frame: pd.DataFrame, values: Collection[str]) -> pd.DataFrame:
    """Blank every cell whose whole text, stripped of surrounding white space, is in ``values``.

    Parameters
    ----------
    frame : pandas.DataFrame
        Source rows, all text.
    values : collection of str
        The texts that mean "no value" (``{"NA"}`` for files written by R). Matching is exact
        and case-sensitive, and only whole cells match: ``NAKURU`` and ``N/A`` stay as they are.

    Returns
    -------
    pandas.DataFrame
        ``frame`` itself, with the matching cells set to ``""``.
    """
    if not values or not len(frame):
        return frame
    wanted = list(values)
    for col in frame.columns:
        s = frame[col]
        hit = s.isin(wanted)
        # Most cells are longer than any marker; strip only where a padded marker could hide.
        short = ~hit & (s.str.len() <= max(len(v) for v in wanted) + 4)
        if short.any():
            hit |= short & s.where(short, "").str.strip().isin(wanted)
        if hit.any():
            frame[col] = s.mask(hit, "")
    return frame


def whole_numbers(frame: pd.DataFrame, columns: Iterable[str]) -> pd.DataFrame:
    """Rewrite whole numbers written as floats (``1.0`` -> ``1``) in the named columns.

    A column of codes or ids that pandas read with a blank in it is saved as floats; the codes
    are still whole numbers and are read as such. Any other value (``1.5``, ``many``) is left as
    it is, for the importer to reject with its own message.

    Returns
    -------
    pandas.DataFrame
        ``frame`` itself, changed in place.
    """
    for col in columns:
        if col not in frame.columns:
            continue
        s = frame[col]
        if not s.str.contains(".", regex=False).any():
            continue
        frame[col] = s.str.replace(_INTEGRAL_FLOAT, r"\1\2", regex=True)
    return frame
