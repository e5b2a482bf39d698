"""Problems found in an input, and the report that collects them.

A problem names where it is (file, feature index and id, field), what is wrong (the value) and
what to do. Reading and validation collect every problem instead of stopping at the first one, so
a user fixes a file in one pass.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

__all__ = ["Problem", "ValidationReport", "first_lines", "show_value", "suggest"]

Severity = Literal["error", "warning"]


def show_value(value: Any, limit: int = 60) -> str:
    """Return a short, printable rendering of a bad value for a one-line message."""
    text = repr(value) if not isinstance(value, str) else '"' + value + '"'
    text = text.replace("\n", "\\n").replace("\r", "\\r")
    return text if len(text) <= limit else text[: limit - 1] + "…"


def suggest(value: str, choices: Sequence[str]) -> str | None:
    """Return the choice closest to ``value`` (case-insensitive), or None when nothing is close.

    Parameters
    ----------
    value : str
        What the user wrote.
    choices : sequence of str
        The accepted values.

    Returns
    -------
    str or None
        The closest choice, spelled as in ``choices``, for a "did you mean" hint.
    """
    lowered = {c.lower(): c for c in choices}
    match = difflib.get_close_matches(value.lower(), list(lowered), n=1, cutoff=0.5)
    return lowered[match[0]] if match else None


def first_lines(lines: Sequence[str], limit: int, *, indent: str = "", then: str = "") -> list[str]:
    """Return the first ``limit`` lines, and one ``... and N more`` line for the rest.

    The one formatter for long lists of problems or rejected rows in a message: a message
    stays readable however many problems a file has.

    Parameters
    ----------
    lines : sequence of str
        Every line, in order.
    limit : int
        How many to show.
    indent : str
        Put before every line, the last one included.
    then : str
        Appended to the last line (``"; run geoevents validate to see them all"``).

    Returns
    -------
    list of str
        At most ``limit + 1`` lines.
    """
    shown = [f"{indent}{line}" for line in lines[:limit]]
    if len(lines) > limit:
        shown.append(f"{indent}... and {len(lines) - limit:,} more{then}")
    return shown


@dataclass(frozen=True)
class Problem:
    """One problem in an input.

    Parameters
    ----------
    severity : {"error", "warning"}
        Errors make the input unusable; warnings are worth a look.
    message : str
        What is wrong, including the bad value where there is one.
    fix : str
        What to do about it.
    index : int or None
        0-based feature index, or None for a problem of the whole file.
    feature_id : str or None
        The feature's id where known.
    field : str or None
        The field (property name or a geometry path such as ``geometry.coordinates[0]``).
    kind : str
        A short machine-readable label (``"json"``, ``"structure"``, ``"geometry"``,
        ``"schema"``, ``"plausibility"``).
    """

    severity: Severity
    message: str
    fix: str = ""
    index: int | None = None
    feature_id: str | None = None
    field: str | None = None
    kind: str = "schema"

    def where(self) -> str:
        """Return the location part of the message: feature and field."""
        parts = []
        if self.index is not None:
            ident = f' (id "{self.feature_id}")' if self.feature_id else ""
            parts.append(f"feature {self.index}{ident}")
        if self.field:
            parts.append(self.field)
        return ": ".join(parts)

    def format(self, source: str | None = None) -> str:
        """Return the problem as one line: ``file: feature N (id "x"): field: message; fix``."""
        head = ": ".join(p for p in (source, self.where()) if p)
        text = f"{self.message}; {self.fix}" if self.fix else self.message
        label = "warning: " if self.severity == "warning" else ""
        return f"{head}: {label}{text}" if head else f"{label}{text}"


@dataclass
class ValidationReport:
    """Every problem found in one input.

    Attributes
    ----------
    source : str or None
        The file the problems are in, for messages.
    problems : list of Problem
        In the order found.
    count : int
        The number of features read (0 when the file could not be read as GeoJSON at all).
    """

    source: str | None = None
    problems: list[Problem] = field(default_factory=list)
    count: int = 0

    @property
    def errors(self) -> list[Problem]:
        """The problems that make the input unusable."""
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        """The problems worth a look that do not stop the input being used."""
        return [p for p in self.problems if p.severity == "warning"]

    @property
    def ok(self) -> bool:
        """True when there is no error (warnings allowed)."""
        return not self.errors

    def add(self, severity: Severity, message: str, fix: str = "", **where: Any) -> None:
        """Record a problem."""
        self.problems.append(Problem(severity, message, fix, **where))

    def lines(self) -> list[str]:
        """Every problem as one line: file-level ones first, then feature by feature."""
        ordered = sorted(self.problems, key=lambda p: -1 if p.index is None else p.index)
        return [p.format(self.source) for p in ordered]

    def summary(self) -> str:
        """One line: how many errors and warnings, in which file."""
        src = f"{self.source}: " if self.source else ""
        ne, nw = len(self.errors), len(self.warnings)
        return (
            f"{src}{ne} error{'s' if ne != 1 else ''}, {nw} warning{'s' if nw != 1 else ''} "
            f"in {self.count} feature{'s' if self.count != 1 else ''}"
        )
