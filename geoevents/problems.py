"""Problems found in an input, and the report that collects them.

A problem names where it is (file, feature index and id, field), what is wrong (the value) and
what to do. Reading and validation collect every problem instead of stopping at the first one, so
a user fixes a file in one pass.

A report can hold millions of problems (a store where most points lie outside the country they
name). It holds them compactly: checks store, per :class:`Rule`, the rows and the values the
message needs as arrays (a :class:`Batch`), and a :class:`Problem` is written only when it is
read. Counts, :meth:`ValidationReport.summary` and :meth:`ValidationReport.head` write nothing
(or only what they show).
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import islice
from typing import Any, Literal, overload

import numpy as np

__all__ = [
    "Batch",
    "Problem",
    "ProblemList",
    "Rule",
    "ValidationReport",
    "first_lines",
    "show_value",
    "suggest",
]

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


class Rule:
    """One kind of problem: its severity, its kind, and the one place its message is written.

    A rule's ``text`` turns the values a check stored for one problem into the message and the
    fix. Checks store the values (in bulk, as arrays, see :class:`Batch`); the text is written
    only when a problem is read, so a report of a million warnings holds arrays, not strings.

    Parameters
    ----------
    severity : {"error", "warning"}
        Of every problem of this rule.
    text : callable
        ``text(*values) -> (message, fix)``.
    kind : str
        The :attr:`Problem.kind` of its problems.
    """

    __slots__ = ("kind", "severity", "text")

    def __init__(
        self, severity: Severity, text: Callable[..., tuple[str, str]], kind: str = "schema"
    ):
        self.severity: Severity = severity
        self.text = text
        self.kind = kind

    def problem(
        self, field: str | None, index: int | None, feature_id: str | None, *values: Any
    ) -> Problem:
        """The problem of this rule with these values, at this place."""
        message, fix = self.text(*values)
        return Problem(self.severity, message, fix, index, feature_id, field, self.kind)


class Batch:
    """Problems of one rule at many rows, held as arrays until they are read.

    Parameters
    ----------
    rule : Rule
        What the problems are.
    field : str or sequence of str
        The field of every problem, or of each.
    rows : array of int
        The feature index of each problem, ascending.
    columns : sequence of sequences
        The values each problem's message needs, one sequence per value, one item per problem
        (after ``args``, which every problem shares).
    args : tuple
        Values shared by every problem (passed to the rule's text first).
    names : callable, optional
        ``names(index) -> feature id or None``.
    minor : array of int, optional
        A second sort key within a row (e.g. the position of a list item).
    """

    __slots__ = ("args", "columns", "field", "minor", "names", "rows", "rule")

    def __init__(
        self,
        rule: Rule,
        field: str | Sequence[str],
        rows: Any,
        *columns: Sequence[Any],
        args: tuple[Any, ...] = (),
        names: Callable[[int], str | None] | None = None,
        minor: np.ndarray | None = None,
    ):
        self.rule = rule
        self.field = field
        self.rows = np.asarray(rows, dtype=np.int64)
        self.columns = columns
        self.args = args
        self.names = names
        self.minor = minor

    def __len__(self) -> int:
        return len(self.rows)

    def problem(self, k: int) -> Problem:
        """The ``k``-th problem, written now."""
        i = int(self.rows[k])
        field = self.field if isinstance(self.field, str) else self.field[k]
        fid = self.names(i) if self.names is not None else None
        return self.rule.problem(field, i, fid, *self.args, *(c[k] for c in self.columns))

    def without(self, rows: np.ndarray) -> Batch:
        """The batch less the problems at ``rows``."""
        keep = ~np.isin(self.rows, rows)
        field = self.field if isinstance(self.field, str) else _take(self.field, keep)
        minor = None if self.minor is None else self.minor[keep]
        columns = [_take(c, keep) for c in self.columns]
        return Batch(
            self.rule,
            field,
            self.rows[keep],
            *columns,
            args=self.args,
            names=self.names,
            minor=minor,
        )


def _take(values: Sequence[Any], keep: np.ndarray) -> Sequence[Any]:
    if isinstance(values, list | tuple):
        return [v for v, k in zip(values, keep.tolist(), strict=True) if k]
    return values[keep]  # type: ignore[index]  # an array, or a sequence that takes a mask


class _Block:
    """The problems of one check: batches whose problems interleave row by row.

    Within a row, problems come by ``minor`` key, then in the order of the batches (the order
    in which the check's rules run for one row), then as stored.
    """

    __slots__ = ("batches", "error", "index", "pos", "which")

    def __init__(self, batches: Sequence[Batch]):
        self.batches = [b for b in batches if len(b)]
        rows = [b.rows for b in self.batches]
        if len(self.batches) == 1 and self.batches[0].minor is None:
            self.index = rows[0]
            self.which = np.zeros(len(rows[0]), dtype=np.int32)
            self.pos = np.arange(len(rows[0]))
        else:
            index = np.concatenate(rows) if rows else np.zeros(0, np.int64)
            which = np.repeat(np.arange(len(rows), dtype=np.int32), list(map(len, rows)))
            pos = np.concatenate([np.arange(len(r)) for r in rows]) if rows else index
            minor = [
                np.zeros(len(b), np.int64) if b.minor is None else b.minor for b in self.batches
            ]
            minors = np.concatenate(minor) if minor else index
            order = np.lexsort((pos, which, minors, index))
            self.index, self.which, self.pos = index[order], which[order], pos[order]
        errors = np.array([b.rule.severity == "error" for b in self.batches], bool)
        self.error = errors[self.which] if len(errors) else np.zeros(0, bool)

    def __len__(self) -> int:
        return len(self.index)

    def problem(self, k: int) -> Problem:
        return self.batches[self.which[k]].problem(int(self.pos[k]))

    def without(self, rule: Rule, rows: np.ndarray) -> _Block:
        return _Block([b.without(rows) if b.rule is rule else b for b in self.batches])


class _Rows:
    """Problems reported one at a time (by per-row rules), held as their values in the order
    found until read; consecutive ones share one part of the report."""

    __slots__ = ("_cache", "entries")

    def __init__(self) -> None:
        self.entries: list[tuple[Rule, str, int, Callable[[int], str | None] | None, tuple]] = []
        self._cache: tuple[int, np.ndarray, np.ndarray] | None = None

    def __len__(self) -> int:
        return len(self.entries)

    def _arrays(self) -> tuple[np.ndarray, np.ndarray]:
        if self._cache is None or self._cache[0] != len(self.entries):
            index = np.fromiter((e[2] for e in self.entries), np.int64, len(self.entries))
            error = np.fromiter(
                (e[0].severity == "error" for e in self.entries), bool, len(self.entries)
            )
            self._cache = (len(self.entries), index, error)
        return self._cache[1], self._cache[2]

    @property
    def index(self) -> np.ndarray:
        return self._arrays()[0]

    @property
    def error(self) -> np.ndarray:
        return self._arrays()[1]

    def problem(self, k: int) -> Problem:
        rule, field, i, names, values = self.entries[k]
        return rule.problem(field, i, names(i) if names is not None else None, *values)

    def without(self, rule: Rule, rows: np.ndarray) -> _Rows:
        drop = set(rows.tolist())
        kept = _Rows()
        kept.entries = [e for e in self.entries if not (e[0] is rule and e[2] in drop)]
        return kept


_Part = Problem | _Block | _Rows
# To copy a part: drop nothing from it.
_NOTHING = Rule("error", lambda: ("", ""))
_NO_ROWS = np.zeros(0, np.int64)


class ProblemList(Sequence[Problem]):
    """The problems of a report (all, or one severity), written only as they are read.

    A sequence: ``len()`` is counted without writing any problem, slicing writes only the
    problems in the slice, and it compares equal to a list of the same problems. The list of
    all problems also takes ``append`` and ``extend`` (they add to the report).
    """

    def __init__(self, report: ValidationReport, severity: Severity | None = None):
        self._report = report
        self._severity = severity

    def __len__(self) -> int:
        return self._report.total(self._severity)

    def __iter__(self) -> Iterator[Problem]:
        return self._report.iter_problems(self._severity)

    @overload
    def __getitem__(self, key: int) -> Problem: ...
    @overload
    def __getitem__(self, key: slice) -> list[Problem]: ...
    def __getitem__(self, key: int | slice) -> Problem | list[Problem]:
        if isinstance(key, slice):
            start, stop, step = key.start, key.stop, key.step
            if (start or 0) >= 0 and (stop is None or stop >= 0) and (step or 1) > 0:
                return list(islice(self, start, stop, step))
            return list(self)[key]
        index = key + len(self) if key < 0 else key
        if not 0 <= index < len(self):
            raise IndexError("problem index out of range")
        return next(islice(self, index, None))

    def __eq__(self, other: object) -> bool:
        if isinstance(other, ProblemList | list | tuple):
            return len(self) == len(other) and list(self) == list(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"<{len(self)} problems>" if len(self) > 20 else repr(list(self))

    def append(self, problem: Problem) -> None:
        """Add a problem to the report."""
        self.extend([problem])

    def extend(self, problems: Iterable[Problem]) -> None:
        """Add problems to the report."""
        if self._severity is not None:
            raise TypeError("add problems to report.problems, not to a view of one severity")
        self._report.add_problems(problems)

    def formatted(self, source: str | None = None) -> Sequence[str]:
        """These problems as lines (:meth:`Problem.format`), written only as they are read."""
        return _Formatted(self, source)


class _Formatted(Sequence[str]):
    def __init__(self, problems: ProblemList, source: str | None):
        self._problems, self._source = problems, source

    def __len__(self) -> int:
        return len(self._problems)

    def __getitem__(self, key: Any) -> Any:
        found = self._problems[key]
        if isinstance(found, list):
            return [p.format(self._source) for p in found]
        return found.format(self._source)

    def __iter__(self) -> Iterator[str]:
        return (p.format(self._source) for p in self._problems)


class ValidationReport:
    """Every problem found in one input.

    Parameters
    ----------
    source : str or None
        The file the problems are in, for messages.
    problems : sequence of Problem, optional
        Problems to start with.
    count : int
        The number of features read (0 when the file could not be read as GeoJSON at all).

    Notes
    -----
    ``problems``, ``errors`` and ``warnings`` are :class:`ProblemList` views: counting them
    writes nothing, reading writes only what is read. Use :meth:`head` for the first lines of
    :meth:`lines` and ``len(report.errors)`` for a count.
    """

    def __init__(
        self,
        source: str | None = None,
        problems: Iterable[Problem] | None = None,
        count: int = 0,
    ):
        self.source = source
        self.count = count
        self._parts: list[_Part] = []
        self._counts = {"error": 0, "warning": 0}
        self._sorted: tuple[np.ndarray, np.ndarray] | None = None
        if problems is not None:
            self._add_parts(list(problems))

    def __repr__(self) -> str:
        return (
            f"ValidationReport(source={self.source!r}, count={self.count}, "
            f"errors={self._counts['error']}, warnings={self._counts['warning']})"
        )

    # -- storage --------------------------------------------------------------------------------
    def _add_parts(self, parts: Sequence[_Part]) -> None:
        for part in parts:
            if isinstance(part, Problem):
                self._counts[part.severity] += 1
            else:
                errors = int(part.error.sum())
                self._counts["error"] += errors
                self._counts["warning"] += len(part) - errors
        self._parts.extend(parts)
        self._sorted = None

    def total(self, severity: Severity | None = None) -> int:
        """How many problems (of one severity) there are, counted without writing any."""
        if severity is None:
            return self._counts["error"] + self._counts["warning"]
        return self._counts[severity]

    def iter_problems(self, severity: Severity | None = None) -> Iterator[Problem]:
        """Write the problems (of one severity) one by one, in the order found."""
        for part in list(self._parts):
            if isinstance(part, Problem):
                if severity is None or part.severity == severity:
                    yield part
            else:
                ks = (
                    range(len(part))
                    if severity is None
                    else np.flatnonzero(part.error == (severity == "error")).tolist()
                )
                for k in ks:
                    yield part.problem(k)

    def add_problems(self, problems: Iterable[Problem]) -> None:
        """Add problems already written (after those the report has)."""
        self._add_parts(list(problems))

    def add_row(
        self,
        rule: Rule,
        field: str,
        index: int,
        names: Callable[[int], str | None] | None,
        values: tuple[Any, ...],
    ) -> None:
        """Record one problem of ``rule`` at feature ``index`` (written only when read)."""
        last = self._parts[-1] if self._parts else None
        if not isinstance(last, _Rows):
            last = _Rows()
            self._parts.append(last)
        last.entries.append((rule, field, index, names, values))
        self._counts[rule.severity] += 1
        self._sorted = None

    def record(self, *batches: Batch) -> None:
        """Record the problems of one check, held as arrays until read.

        The batches' problems are listed row by row; within a row by each batch's ``minor``
        key, then in the order of the batches (the order in which the check's rules run).
        """
        block = _Block(batches)
        if len(block):
            self._add_parts([block])

    def extend(self, other: ValidationReport) -> None:
        """Add every problem of ``other`` (after this report's own), without writing any."""
        self._add_parts(
            [p.without(_NOTHING, _NO_ROWS) if isinstance(p, _Rows) else p for p in other._parts]
        )

    def discard(self, rule: Rule, rows: Iterable[int]) -> None:
        """Drop the problems of ``rule`` at the features ``rows``."""
        drop = np.fromiter(rows, np.int64)
        if not len(drop):
            return
        parts = [p if isinstance(p, Problem) else p.without(rule, drop) for p in self._parts]
        self._parts, self._counts = [], {"error": 0, "warning": 0}
        self._add_parts([p for p in parts if isinstance(p, Problem) or len(p)])

    # -- reading --------------------------------------------------------------------------------
    @property
    def problems(self) -> ProblemList:
        """Every problem, in the order found."""
        return ProblemList(self)

    @problems.setter
    def problems(self, problems: Iterable[Problem]) -> None:
        self._parts, self._counts = [], {"error": 0, "warning": 0}
        self._add_parts(list(problems))

    @property
    def errors(self) -> ProblemList:
        """The problems that make the input unusable."""
        return ProblemList(self, "error")

    @property
    def warnings(self) -> ProblemList:
        """The problems worth a look that do not stop the input being used."""
        return ProblemList(self, "warning")

    @property
    def ok(self) -> bool:
        """True when there is no error (warnings allowed)."""
        return self._counts["error"] == 0

    def add(self, severity: Severity, message: str, fix: str = "", **where: Any) -> None:
        """Record a problem."""
        self._add_parts([Problem(severity, message, fix, **where)])

    def _by_feature(self) -> tuple[np.ndarray, np.ndarray]:
        """(part, position) of every problem: file-level ones first, then feature by feature,
        each in the order found."""
        if self._sorted is None:
            index, part, pos = [], [], []
            for k, p in enumerate(self._parts):
                if isinstance(p, Problem):
                    index.append(np.array([-1 if p.index is None else p.index], np.int64))
                    pos.append(np.zeros(1, np.int64))
                else:
                    index.append(p.index)
                    pos.append(np.arange(len(p)))
                part.append(np.full(len(pos[-1]), k, np.int64))
            if not index:
                return np.zeros(0, np.int64), np.zeros(0, np.int64)
            order = np.argsort(np.concatenate(index), kind="stable")
            self._sorted = np.concatenate(part)[order], np.concatenate(pos)[order]
        return self._sorted

    def head(self, n: int) -> list[str]:
        """The first ``n`` lines of :meth:`lines`, writing only those.

        With ``len(report.problems)`` (or ``len(report.errors)``, ``len(report.warnings)``)
        a caller shows a few of a million problems and says how many there are.
        """
        parts, pos = self._by_feature()
        lines = []
        for k, j in zip(parts[:n].tolist(), pos[:n].tolist(), strict=True):
            part = self._parts[k]
            problem = part if isinstance(part, Problem) else part.problem(j)
            lines.append(problem.format(self.source))
        return lines

    def lines(self) -> list[str]:
        """Every problem as one line: file-level ones first, then feature by feature."""
        return self.head(len(self.problems))

    def summary(self) -> str:
        """One line: how many errors and warnings, in which file."""
        src = f"{self.source}: " if self.source else ""
        ne, nw = self._counts["error"], self._counts["warning"]
        return (
            f"{src}{ne} error{'s' if ne != 1 else ''}, {nw} warning{'s' if nw != 1 else ''} "
            f"in {self.count} feature{'s' if self.count != 1 else ''}"
        )
