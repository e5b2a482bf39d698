"""JSON text of list fields (table stores keep lists as JSON): prechecks and batched decoding.

Regular expressions (RE2, run by arrow over a whole column) recognise the texts that are one
JSON list of strings or of flat objects of strings; those decode together in one ``json.loads``
call. :data:`GOOD_STRINGS` and :data:`GOOD_SOURCES` go further and match only texts whose
values the per-row rules would pass unchanged, so that their rows need no per-row look.
"""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

__all__ = [
    "DATE",
    "GOOD_SOURCES",
    "GOOD_STRINGS",
    "JSON_LIST",
    "VISIBLE",
    "decode_json",
    "loads_or_text",
    "matches",
]

# A JSON text that is one list of strings or of flat objects with string values. Each pattern
# below only accepts what json.loads accepts, so texts that match can be decoded together in one
# call (much faster than one call per row); anything else is decoded on its own, as always.
_W = r"[ \t\n\r]*"
_JSON_CHAR = r'(?:[^"\\\x00-\x1f]|\\["\\/bfnrt]|\\u[0-9a-fA-F]{4})'
_JSON_STR = f'"{_JSON_CHAR}*"'
# The same, without the escapes of surrogates (\ud800-\udfff): alone, one is not Unicode
# text, so a text holding one needs the per-row look (a pair is fine there too).
_GOOD_CHAR = (
    r'(?:[^"\\\x00-\x1f]|\\["\\/bfnrt]'
    r"|\\u(?:[0-9a-cA-Ce-fE-F][0-9a-fA-F]{3}|[dD][0-7][0-9a-fA-F]{2}))"
)
_GOOD_STR = f'"{_GOOD_CHAR}*"'
_JSON_PAIR = f"{_JSON_STR}{_W}:{_W}{_JSON_STR}{_W}"
_JSON_OBJ = rf"\{{{_W}(?:{_JSON_PAIR}(?:,{_W}{_JSON_PAIR})*)?\}}"


def _json_list(item: str) -> str:
    return rf"^{_W}\[{_W}(?:{item}{_W}(?:,{_W}{item}{_W})*)?\]{_W}$"


def _json_member(key: str, value: str) -> str:
    return f'"{key}"{_W}:{_W}{value}{_W}'


JSON_LIST = _json_list(f"(?:{_JSON_STR}|{_JSON_OBJ})")
# Texts that decode to values the checks pass unchanged, so that no row of them needs a look.
# A list of strings:
GOOD_STRINGS = _json_list(_GOOD_STR)
# A list of sources with a name holding a character str.strip() keeps (visible ASCII other than
# the quote and backslash JSON escapes, a letter or a digit: tests check none is whitespace),
# only known keys, an http(s) url and a date that exists as ``published``.
VISIBLE = r"(?:[!#-\[\]-~]|\p{L}|\p{N})"
_YEAR = r"(?:[0-9]{3}[1-9]|[0-9]{2}[1-9][0-9]|[0-9][1-9][0-9]{2}|[1-9][0-9]{3})"
_LEAP_YEAR = r"(?:[0-9]{2}(?:0[48]|[2468][048]|[13579][26])|(?:0[48]|[2468][048]|[13579][26])00)"
_MONTH_DAY = (
    r"(?:(?:0[1-9]|1[0-2])-(?:0[1-9]|1[0-9]|2[0-8])"
    r"|(?:0[13-9]|1[0-2])-(?:29|30)|(?:0[13578]|1[02])-31)"
)
DATE = f"(?:{_YEAR}-{_MONTH_DAY}|{_LEAP_YEAR}-02-29)"
_HTTP_STR = f'"[hH][tT][tT][pP][sS]?://{_GOOD_CHAR}*"'
_SOURCE_OPTIONAL = (
    f"(?:{_json_member('url', _HTTP_STR)}"
    f"|{_json_member('published', chr(34) + DATE + chr(34))}"
    f"|{_json_member('(?:quote|document)', _GOOD_STR)})"
)
_SOURCE_NAME = _json_member("name", f'"{_GOOD_CHAR}*{VISIBLE}{_GOOD_CHAR}*"')
GOOD_SOURCES = _json_list(
    rf"\{{{_W}(?:{_SOURCE_OPTIONAL},{_W})*{_SOURCE_NAME}(?:,{_W}{_SOURCE_OPTIONAL})*\}}"
)


def loads_or_text(text: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return text


def matches(texts: list[str], pattern: str) -> np.ndarray:
    """Which texts match ``pattern`` (an RE2 regular expression), in one vectorised pass."""
    try:
        found = pc.match_substring_regex(pa.array(texts, pa.large_string()), pattern)
    except UnicodeEncodeError:  # lone surrogates are not UTF-8, so not for arrow: none match
        return np.zeros(len(texts), bool)
    return found.to_numpy(zero_copy_only=False)


def decode_json(texts: list[str], simple: np.ndarray | None = None) -> list[Any]:
    """``json.loads`` of each text, or the text itself where it is not JSON.

    ``simple`` marks texts already known to match ``JSON_LIST``.
    """
    known = np.zeros(len(texts), bool) if simple is None else simple.copy()
    rest = np.flatnonzero(~known)
    if len(rest):
        known[rest] = matches([texts[i] for i in rest.tolist()], JSON_LIST)
    out: list[Any] = [None] * len(texts)
    batch = np.flatnonzero(known).tolist()
    if batch:
        # Each of these texts is one JSON value on its own, so joined they are one JSON list.
        values = json.loads("[" + ",".join([texts[i] for i in batch]) + "]")
        for i, value in zip(batch, values, strict=True):
            out[i] = value
    for i in np.flatnonzero(~known).tolist():
        out[i] = loads_or_text(texts[i])
    return out
