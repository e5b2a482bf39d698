"""A strict JSON reader for GeoJSON input.

Python's ``json`` module accepts ``NaN``, ``Infinity`` and numbers that overflow to infinity, keeps
the last of duplicate keys, and needs the caller to handle encodings. RFC 8259 and RFC 7946 want
UTF-8 text and finite numbers, and duplicate member names make an object ambiguous. This module
reads bytes under those rules and reports where a file breaks them.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

from geoevents.errors import InputError
from geoevents.problems import Problem

__all__ = ["parse_json"]

_BOM = b"\xef\xbb\xbf"


class _NonFinite(ValueError):
    def __init__(self, token: str) -> None:
        super().__init__(token)
        self.token = token


def _reject_constant(token: str) -> Any:
    raise _NonFinite(token)


def _finite_float(token: str) -> float:
    value = float(token)
    if math.isinf(value):
        raise _NonFinite(token)
    return value


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
        The parsed value (objects are :class:`JSONObject`) and warnings that do not stop reading
        (a UTF-8 byte order mark) and, per ``duplicates``, duplicate member names.

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
    if not data.strip():
        raise InputError(f"{source}: the file is empty; expected a GeoJSON FeatureCollection")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise InputError(
            f"{source}: line {line}: byte 0x{data[exc.start]:02X} is not UTF-8 (RFC 7946 requires "
            "UTF-8); re-save the file as UTF-8, e.g. iconv -f latin1 -t utf-8"
        ) from None
    dup_objects: list[tuple[dict[str, Any], list[str]]] = []

    def hook(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
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
        )
    except _NonFinite as exc:
        line = _line_of(text, exc.token)
        at = f"line {line}: " if line else ""
        raise InputError(
            f"{source}: {at}{exc.token[:40]} is not a finite JSON number (NaN, Infinity and "
            "overflowing numbers are not JSON); write null for an unknown value"
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
