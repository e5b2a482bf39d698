"""A strict JSON reader for GeoJSON input.

Python's ``json`` module accepts ``NaN``, ``Infinity`` and numbers that overflow to infinity, keeps
the last of duplicate keys, and needs the caller to handle encodings. RFC 8259 and RFC 7946 want
UTF-8 text and finite numbers, and duplicate member names make an object ambiguous. This module
reads bytes under those rules and reports where a file breaks them.

Two parsers give the same result. jiter (Rust, no per-object Python callbacks) reads a
well-formed file several times faster than ``json`` with the hooks that enforce the rules. It
refuses everything the strict parser refuses except numbers that overflow to infinity, which a
scan of the bytes rules out beforehand. Whenever jiter refuses a file, or the scan cannot rule
an overflow out, the strict parser reads the file again: it alone words the error, names the
objects with duplicate members, and decides the cases jiter refuses while ``json`` accepts them
(duplicate members where they are only a warning, lone surrogate escapes, nesting deeper than
200 levels).
"""

from __future__ import annotations

import json
import math
import re
import resource
import sys
from typing import Any

import jiter
import numpy as np

from geoevents._gc import gc_paused
from geoevents.errors import InputError
from geoevents.problems import Problem

__all__ = ["parse_json"]

_BOM = b"\xef\xbb\xbf"
# The scan reads the bytes this many at a time, so that its scratch arrays stay small and in
# cache; a multiple of 64, so that no aligned 64-byte block straddles two chunks.
_SCAN_CHUNK = 1 << 18
_EIGHT_DIGITS = np.uint64(0x0101010101010101)
_NUMBER_BYTES = frozenset(b"0123456789+-.eE")
# Marks "jiter's answer cannot be trusted for this file"; None is a valid JSON value.
_UNSURE = object()
#: The longest integer literal read (Python's own limit for int() of a text is 4,300 digits).
_MAX_DIGITS = 4300
# A lone surrogate can only come from a \u escape (as bytes it is not UTF-8): D800-DFFF.
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")


class _NonFinite(ValueError):
    def __init__(self, token: str) -> None:
        super().__init__(token)
        self.token = token


class _NotUnicodeName(ValueError):
    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.name = name


def _is_unicode(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _reject_constant(token: str) -> Any:
    raise _NonFinite(token)


def _finite_float(token: str) -> float:
    value = float(token)
    if math.isinf(value):
        raise _NonFinite(token)
    return value


class _TooLong(ValueError):
    def __init__(self, token: str) -> None:
        super().__init__(token)
        self.token = token


def _bounded_int(token: str) -> int:
    # Python refuses to turn more than 4,300 digits into an int (a guard against quadratic
    # work); no field of an incident needs a tenth of that.
    if len(token) > _MAX_DIGITS:
        raise _TooLong(token)
    return int(token)


def _line_of(text: str, token: str) -> int | None:
    match = re.search(re.escape(token), text)
    return text.count("\n", 0, match.start()) + 1 if match else None


def parse_json(data: bytes, source: str, *, duplicates: str = "error") -> tuple[Any, list[Problem]]:
    """Parse ``data`` as strict JSON.

    Parameters
    ----------
    data : bytes
        The file's bytes.
    source : str
        The file name, for messages.
    duplicates : {"error", "warning"}
        How to report a member name that appears twice in one object. JSON allows it (the last
        one wins), but in GeoJSON it makes a feature ambiguous, so incident files reject it.

    Returns
    -------
    value, problems
        The parsed value (objects are dicts, members in file order) and warnings that do not stop
        reading (a UTF-8 byte order mark) and, per ``duplicates``, duplicate member names.

    Raises
    ------
    InputError
        For an empty file, bytes that are not UTF-8, a syntax error, or a number that is not
        finite (``NaN``, ``Infinity``, an overflowing exponent).
    """
    problems: list[Problem] = []
    if data.startswith(_BOM):
        problems.append(
            Problem(
                "warning",
                "starts with a UTF-8 byte order mark, which RFC 8259 forbids (it was ignored)",
                "save the file as UTF-8 without BOM",
                kind="json",
            )
        )
        data = data[len(_BOM) :]
    # Not data.strip(): that copies the whole file when it ends with a newline.
    if not data or data.isspace():
        raise InputError(f"{source}: the file is empty; expected a GeoJSON FeatureCollection")
    with gc_paused():
        value = _fast_parse(data)
        if value is not _UNSURE:
            return value, problems
        return _strict_parse(data, source, duplicates, problems)


def _fast_parse(data: bytes) -> Any:
    """Parse ``data`` with jiter, or return ``_UNSURE`` when the strict parser must decide."""
    # jiter (Rust) aborts the process when an allocation fails, and printing its backtrace
    # without memory can hang it for good; under an address-space limit (ulimit -v), where
    # allocations do fail, only Python's parser, which raises MemoryError, is used.
    if _address_space_limited() or not _numbers_surely_finite(data):
        return _UNSURE
    try:
        return jiter.from_json(data, allow_inf_nan=False, catch_duplicate_keys=True)
    except ValueError:
        return _UNSURE


def _address_space_limited() -> bool:
    return resource.getrlimit(resource.RLIMIT_AS)[0] != resource.RLIM_INFINITY


def _numbers_surely_finite(data: bytes) -> bool:
    """Tell whether no number in ``data`` can overflow to infinity (False: one may).

    jiter reads ``1e400`` as ``inf`` where the strict parser refuses it. A float overflows only
    through its exponent or with more than 300 digits before the point. So every exponent marker
    that follows a digit and is not followed by a minus sign is checked exactly, and any run of
    127 or more digits (it always covers an aligned block of 64) gives up.
    """
    buf = np.frombuffer(data, dtype=np.uint8)
    scratch = np.empty(_SCAN_CHUNK + 2, dtype=np.uint8)
    digit = np.empty(_SCAN_CHUNK + 2, dtype=bool)
    marker = np.empty(_SCAN_CHUNK + 2, dtype=bool)
    hit = np.empty(_SCAN_CHUNK, dtype=bool)
    words = np.empty(_SCAN_CHUNK // 8, dtype=bool)
    for start in range(0, len(buf), _SCAN_CHUNK):
        # Two bytes of overlap: a candidate is a digit, then e/E, then anything but "-".
        a = buf[start : start + _SCAN_CHUNK + 2]
        k = len(a)
        np.subtract(a, ord("0"), out=scratch[:k])  # wraps around below "0"
        np.less(scratch[:k], 10, out=digit[:k])
        np.bitwise_or(a, 0x20, out=scratch[:k])  # E -> e
        np.equal(scratch[:k], ord("e"), out=marker[:k])
        # An "e" as the very last byte cannot end a valid number: jiter refuses the file.
        if k > 2:
            candidates = hit[: k - 2]
            np.logical_and(digit[: k - 2], marker[1 : k - 1], out=candidates)
            if candidates.any():
                np.logical_and(candidates, a[2:k] != ord("-"), out=candidates)
                for pos in np.flatnonzero(candidates).tolist():
                    if _overflows(data, start + pos + 1):
                        return False
        # Eight digit flags in a row read as one machine word of 0x01 bytes.
        blocks = min(k, _SCAN_CHUNK) // 64 * 64
        all_digits = words[: blocks // 8]
        np.equal(digit[:blocks].view(np.uint64), _EIGHT_DIGITS, out=all_digits)
        if all_digits.reshape(-1, 8).all(axis=1).any():
            return False
    return True


def _overflows(data: bytes, pos: int) -> bool:
    """Tell whether the number whose exponent marker is at ``pos`` overflows to infinity."""
    # A JSON number is delimited by bytes that cannot be part of one (",", "]", "}", ":", "[",
    # white space), so the run of number bytes around the marker is the whole token. A run that
    # float() refuses is not a number at all but text inside a string.
    start = pos
    while start > 0 and data[start - 1] in _NUMBER_BYTES:
        start -= 1
    end = pos + 1
    while end < len(data) and data[end] in _NUMBER_BYTES:
        end += 1
    try:
        return math.isinf(float(data[start:end]))
    except ValueError:
        return False


def _strict_parse(
    data: bytes, source: str, duplicates: str, problems: list[Problem]
) -> tuple[Any, list[Problem]]:
    """Parse with ``json`` and hooks that enforce the rules and say where a file breaks them."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise InputError(
            f"{source}: line {line}: byte 0x{data[exc.start]:02X} is not UTF-8 (RFC 7946 requires "
            "UTF-8); re-save the file as UTF-8, e.g. iconv -f latin1 -t utf-8"
        ) from None
    dup_objects: list[tuple[dict[str, Any], list[str]]] = []
    # Member names become column names, which pyarrow and every output must encode: a name
    # that is not Unicode text is refused here. (A value that holds one is the validator's.)
    names_to_check = _SURROGATE_ESCAPE.search(text) is not None

    def hook(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        if names_to_check:
            for key, _ in pairs:
                if not _is_unicode(key):
                    raise _NotUnicodeName(key)
        obj = dict(pairs)
        if len(obj) != len(pairs):
            keys = [k for k, _ in pairs]
            dup_objects.append((obj, sorted({k for k in keys if keys.count(k) > 1})))
        return obj

    try:
        value = json.loads(
            text,
            object_pairs_hook=hook,
            parse_constant=_reject_constant,
            parse_float=_finite_float,
            parse_int=_bounded_int,
        )
    except _TooLong as exc:
        line = _line_of(text, exc.token[:100])
        at = f"line {line}: " if line else ""
        raise InputError(
            f"{source}: {at}a number has {len(exc.token):,} digits, more than the "
            f"{_MAX_DIGITS:,} geoevents reads; write a number of sensible size (or null)"
        ) from None
    except _NotUnicodeName as exc:
        shown = exc.name.encode("utf-8", "backslashreplace").decode("ascii", "backslashreplace")
        raise InputError(
            f'{source}: member name "{shown[:60]}" holds a lone surrogate escape (\\ud800 to '
            "\\udfff alone), which is not Unicode text; fix the name (write the character "
            "itself, or a complete surrogate pair)"
        ) from None
    except _NonFinite as exc:
        line = _line_of(text, exc.token)
        at = f"line {line}: " if line else ""
        raise InputError(
            f"{source}: {at}{exc.token[:40]} is not a finite JSON number (NaN, Infinity and "
            "overflowing numbers are not JSON); write null for an unknown value"
        ) from None
    except RecursionError:
        raise InputError(
            f"{source}: arrays or objects are nested too deeply to be GeoJSON (more than "
            f"{sys.getrecursionlimit()} levels); check the file"
        ) from None
    except json.JSONDecodeError as exc:
        truncated = exc.pos >= len(text.rstrip()) - 1 or exc.msg.startswith("Unterminated")
        what = f"{exc.msg}: the file ends too early (truncated?)" if truncated else exc.msg
        raise InputError(
            f"{source}: line {exc.lineno} column {exc.colno}: not valid JSON: {what}; "
            "fix the syntax (a JSON linter shows the exact spot)"
        ) from None
    if dup_objects:
        problems.extend(_duplicate_problems(value, dup_objects, duplicates))
    return value, problems


def _duplicate_problems(
    value: Any, dup_objects: list[tuple[dict[str, Any], list[str]]], severity: str
) -> list[Problem]:
    """Report duplicate member names with the JSON path of the object that holds them."""
    wanted = {id(obj): keys for obj, keys in dup_objects}
    found: list[Problem] = []
    stack: list[tuple[Any, str]] = [(value, "$")]
    while stack and len(found) < len(wanted):
        node, where = stack.pop()
        if isinstance(node, dict):
            found.extend(
                Problem(
                    severity,  # type: ignore[arg-type]
                    f'member "{key}" appears more than once, so the object is ambiguous '
                    "(a JSON reader keeps only the last one)",
                    "keep exactly one of them",
                    kind="json",
                    field=where,
                )
                for key in wanted.get(id(node), ())
            )
            stack.extend((v, f"{where}.{k}") for k, v in node.items() if isinstance(v, dict | list))
        elif isinstance(node, list):
            stack.extend(
                (v, f"{where}[{i}]") for i, v in enumerate(node) if isinstance(v, dict | list)
            )
    return found
