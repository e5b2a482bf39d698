"""Reading an article and checking its publication date: the extractor's two inputs."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from geoevents.errors import InputError, UsageError

__all__ = ["parse_published", "read_article"]

# The keyword spellings the messages name as fixes; each is listed in the error's ``options``.
_PUBLISHED_FORMAT = 'published="YYYY-MM-DD"'
_PUBLISHED_EXAMPLE = 'published="2017-10-24"'


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

    Parameters
    ----------
    value : str, datetime.date or None
        An ISO date string, a date, or a datetime (its date is used).

    Returns
    -------
    datetime.date

    Raises
    ------
    UsageError
        If the value is missing or not a valid calendar date; the message names the fix as the
        keyword of :func:`~geoevents.extract.extract` (``published="2017-10-24"``), listed in the
        error's ``options``.
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        raise UsageError(
            f"the publication date is required ({_PUBLISHED_FORMAT}): relative dates such "
            "as 'last Friday' are resolved against it",
            options=[_PUBLISHED_FORMAT],
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
        f"e.g. {_PUBLISHED_EXAMPLE}",
        options=[_PUBLISHED_EXAMPLE],
    )
