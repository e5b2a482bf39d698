"""The error model: one root class, subclasses that also derive from the matching builtin.

Every error carries an ``exit_code`` that the CLI maps in one place. Messages are written for
the person at the keyboard: they name the file, the feature, the field, the bad value and the fix.

The library is used from notebooks as well as from the CLI, so a message says what to do in the
library's terms: the keyword argument, spelled as a call would spell it (``skip_invalid=True``).
The error lists those spellings in ``options``; the CLI swaps each one for its flag
(``--skip-invalid``) before it prints the message, so both readers get a fix they can type.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from geoevents.problems import ValidationReport

__all__ = [
    "AmbiguousPlaceError",
    "ClusterError",
    "EmptySelectionError",
    "GeoeventsError",
    "InputError",
    "OutputError",
    "PlaceNotFoundError",
    "UsageError",
    "ValidationError",
]


class GeoeventsError(Exception):
    """Root of every error geoevents raises on purpose.

    Parameters
    ----------
    message : str
        The one-line message (file, feature, field, value, fix).
    options : sequence of str
        The keyword-argument spellings the message names as a fix (``"skip_invalid=True"``),
        each appearing verbatim in ``message``; an interface with other spellings (the CLI's
        flags) replaces them there.
    """

    exit_code = 1

    def __init__(self, message: str = "", *, options: Sequence[str] = ()) -> None:
        super().__init__(message)
        self.options = tuple(options)


class UsageError(GeoeventsError, ValueError):
    """A bad option value detected by the library (the CLI reports it as a usage error)."""

    exit_code = 2


class InputError(GeoeventsError, OSError):
    """The input is missing, unreadable, not UTF-8 or not GeoJSON at all."""

    exit_code = 3


class ValidationError(GeoeventsError, ValueError):
    """The input was read but its incidents break the schema; carries the full report."""

    exit_code = 4

    def __init__(
        self,
        message: str,
        report: ValidationReport | None = None,
        *,
        options: Sequence[str] = (),
    ) -> None:
        super().__init__(message, options=options)
        self.report = report


class EmptySelectionError(GeoeventsError):
    """The filters left no incident."""

    exit_code = 5


class OutputError(GeoeventsError, OSError):
    """The output cannot be written, or writing it would overwrite something it should not."""

    exit_code = 6


class PlaceNotFoundError(GeoeventsError, LookupError):
    """No place in the gazetteer matches the name (the message lists the nearest names).

    Parameters
    ----------
    message : str
        The message (the name, the nearest names, the fix).
    name : str
        The name looked up.
    suggestions : sequence of str
        The nearest gazetteer names, closest first.
    options : sequence of str
        Keyword spellings the message names as a fix (see :class:`GeoeventsError`).
    """

    exit_code = 7

    def __init__(
        self,
        message: str,
        name: str,
        suggestions: Sequence[str] = (),
        *,
        options: Sequence[str] = (),
    ) -> None:
        super().__init__(message, options=options)
        self.name = name
        self.suggestions = list(suggestions)


class AmbiguousPlaceError(GeoeventsError, LookupError):
    """Several places match the name and none clearly ranks first (the message lists them).

    Parameters
    ----------
    message : str
        The message (the candidates and the fix).
    name : str
        The name looked up.
    candidates : sequence of geoevents.gazetteer.Place
        The places listed in the message, best first (typed loosely so that this module
        imports nothing of the gazetteer).
    options : sequence of str
        Keyword spellings the message names as a fix (see :class:`GeoeventsError`).
    """

    exit_code = 8

    def __init__(
        self,
        message: str,
        name: str,
        candidates: Sequence[object] = (),
        *,
        options: Sequence[str] = (),
    ) -> None:
        super().__init__(message, options=options)
        self.name = name
        self.candidates = list(candidates)


class ClusterError(GeoeventsError, ConnectionError):
    """A Dask scheduler cannot be reached, or a computation on it failed (exit 9)."""

    exit_code = 9
