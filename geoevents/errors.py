"""The error model: one root class, subclasses that also derive from the matching builtin.

Every error carries an ``exit_code`` that the CLI maps in one place. Messages are written for
the person at the keyboard: they name the file, the feature, the field, the bad value and the fix.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from geoevents.validate import ValidationReport

__all__ = [
    "EmptySelectionError",
    "GeoeventsError",
    "InputError",
    "OutputError",
    "UsageError",
    "ValidationError",
]


class GeoeventsError(Exception):
    """Root of every error geoevents raises on purpose."""

    exit_code = 1


class UsageError(GeoeventsError, ValueError):
    """A bad option value detected by the library (the CLI reports it as a usage error)."""

    exit_code = 2


class InputError(GeoeventsError, OSError):
    """The input is missing, unreadable, not UTF-8 or not GeoJSON at all."""

    exit_code = 3


class ValidationError(GeoeventsError, ValueError):
    """The input was read but its incidents break the schema; carries the full report."""

    exit_code = 4

    def __init__(self, message: str, report: ValidationReport | None = None) -> None:
        super().__init__(message)
        self.report = report


class EmptySelectionError(GeoeventsError):
    """The filters left no incident."""

    exit_code = 5


class OutputError(GeoeventsError, OSError):
    """The output cannot be written, or writing it would overwrite something it should not."""

    exit_code = 6
