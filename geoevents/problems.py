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

import dataclasses
import difflib
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from itertools import islice
from typing import Any, overload

import numpy as np

from geoevents.problem_parts import (
    NO_ROWS,
    NOTHING,
    Batch,
    Block,
    Part,
    Problem,
    RowProblems,
    Rule,
    Severity,
    printable,
)

__all__ = [
    "Batch",
    "Problem",
    "ProblemList",
    "Rule",
    "ValidationReport",
    "first_lines",
    "printable",
    "show_value",
    "suggest",
]


def show_value(value: Any, limit: int = 60) -> str:
    """Return a short, printable rendering of a bad value for a one-line message."""
    text = repr(value) if not isinstance(value, str) else '"' + printable(value) + '"'
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
        self._parts: list[Part] = []
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
    def _add_parts(self, parts: Sequence[Part]) -> None:
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
        """Write the problems (of one severity) in the order found, a growing chunk at a time
        (the first few cost little; a million are written in bulk)."""
        for part in list(self._parts):
            if isinstance(part, Problem):
                if severity is None or part.severity == severity:
                    yield part
                continue
            ks = (
                np.arange(len(part))
                if severity is None
                else np.flatnonzero(part.error == (severity == "error"))
            )
            start, size = 0, 32
            while start < len(ks):
                yield from part.problems(ks[start : start + size])
                start, size = start + size, min(size * 4, 16384)

    def add_problems(self, problems: Iterable[Problem]) -> None:
        """Add problems already written (after those the report has)."""
        self._add_parts(list(problems))

    def add_row(
        self,
        rule: Rule,
        field: str | None,
        index: int,
        names: Callable[[int], str | None] | None,
        values: tuple[Any, ...],
    ) -> None:
        """Record one problem of ``rule`` at feature ``index`` (written only when read)."""
        last = self._parts[-1] if self._parts else None
        if not isinstance(last, RowProblems):
            last = RowProblems()
            self._parts.append(last)
        last.entries.append((rule, field, index, names, values))
        self._counts[rule.severity] += 1
        self._sorted = None

    def record(self, *batches: Batch) -> None:
        """Record the problems of one check, held as arrays until read.

        The batches' problems are listed row by row; within a row by each batch's ``minor``
        key, then in the order of the batches (the order in which the check's rules run).
        """
        block = Block(batches)
        if len(block):
            self._add_parts([block])

    def extend(
        self, other: ValidationReport, *, offset: int = 0, skip: Iterable[Problem] = ()
    ) -> None:
        """Add every problem of ``other`` (after this report's own), without writing any.

        Parameters
        ----------
        other : ValidationReport
            The problems to add.
        offset : int, default 0
            Rows of ``other`` are rows ``offset`` further on here (``other`` checked one
            partition of a store that follows ``offset`` rows of others).
        skip : iterable of Problem
            Problems already written to leave out (file-level ones every partition repeats).
        """
        left_out = set(skip)
        parts: list[Part] = []
        for p in other._parts:
            if isinstance(p, Problem):
                if p in left_out:
                    continue
                if offset and p.index is not None:
                    p = dataclasses.replace(p, index=p.index + offset)
                parts.append(p)
            elif offset:
                parts.append(p.shifted(offset))
            else:
                parts.append(p.without(NOTHING, NO_ROWS) if isinstance(p, RowProblems) else p)
        self._add_parts(parts)

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

    def file_level(self, severity: Severity | None = None) -> list[Problem]:
        """The problems of the whole file (no feature index), found without writing others."""
        return [
            p
            for p in self._parts
            if isinstance(p, Problem)
            and p.index is None
            and (severity is None or p.severity == severity)
        ]

    def rows_with(self, severity: Severity = "error") -> set[int]:
        """The features (indices) that have a problem of ``severity``, found without writing
        any problem (problems of the whole file have no feature and are left out)."""
        found: list[np.ndarray] = []
        written: list[int] = []
        for p in self._parts:
            if isinstance(p, Problem):
                if p.severity == severity and p.index is not None:
                    written.append(p.index)
            else:
                found.append(p.index[p.error == (severity == "error")])
        found.append(np.array(written, np.int64))
        return set(np.concatenate(found).tolist())

    def _by_feature(self) -> tuple[np.ndarray, np.ndarray]:
        """(part, position) of every problem: file-level ones first, then feature by feature,
        each in the order found."""
        if self._sorted is None:
            index, part, pos = [], [], []
            # Problems already written (the structure checks can write one per feature of a
            # million) are gathered as plain lists and turned into arrays once per run of them.
            run_index: list[int] = []
            run_part: list[int] = []

            def flush() -> None:
                if run_index:
                    index.append(np.array(run_index, np.int64))
                    part.append(np.array(run_part, np.int64))
                    pos.append(np.zeros(len(run_index), np.int64))
                    run_index.clear()
                    run_part.clear()

            for k, p in enumerate(self._parts):
                if isinstance(p, Problem):
                    run_index.append(-1 if p.index is None else p.index)
                    run_part.append(k)
                    continue
                flush()
                index.append(p.index)
                pos.append(np.arange(len(p)))
                part.append(np.full(len(p), k, np.int64))
            flush()
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
        return [p.format(self.source) for p in self._written(parts[:n], pos[:n])]

    def _written(self, parts: np.ndarray, pos: np.ndarray) -> list[Problem]:
        """The problems at (part, position) pairs, in that order, each part's in bulk."""
        written: list[Any] = [None] * len(parts)
        order = np.argsort(parts, kind="stable")
        cuts = np.flatnonzero(np.diff(parts[order])) + 1
        for group in np.split(order, cuts) if len(order) else []:
            part = self._parts[int(parts[group[0]])]
            found = [part] if isinstance(part, Problem) else part.problems(pos[group])
            for j, problem in zip(group.tolist(), found, strict=True):
                written[j] = problem
        return written

    def summarised(self, per_rule: int = 5, *, then: str = "") -> list[str]:
        """The lines of :meth:`lines`, with at most ``per_rule`` of each kind of problem.

        A kind is a rule at a field (list positions aside: ``sources[0].url`` and
        ``sources[3].url`` are one field); for problems written without a rule, the same
        severity, kind, fix and field (any field, for problems of the whole file). The lines
        keep their order (file-level first, then feature by feature); right after the last
        line shown of a kind that has more comes one line ``... and N more with the same
        problem`` (with ``then`` appended). Only the lines shown are written.

        Parameters
        ----------
        per_rule : int
            How many lines of each kind to show (at least 1).
        then : str
            Appended to every summary line (``" (--all lists every one)"``).

        Returns
        -------
        list of str
        """
        per_rule = max(1, per_rule)
        parts, pos = self._by_feature()
        kinds, offsets = _kinds(self._parts)
        if not len(parts):
            return []
        kind = kinds[offsets[parts] + pos]
        order = np.argsort(kind, kind="stable")
        first = np.ones(len(order), bool)
        first[1:] = kind[order][1:] != kind[order][:-1]
        starts = np.maximum.accumulate(np.where(first, np.arange(len(order)), 0))
        rank = np.empty(len(order), np.int64)
        rank[order] = np.arange(len(order)) - starts
        counts = np.bincount(kind)
        shown = np.flatnonzero(rank < per_rule)
        lines = [p.format(self.source) for p in self._written(parts[shown], pos[shown])]
        src = f"{self.source}: " if self.source else ""
        out: list[str] = []
        for k, line in zip(shown.tolist(), lines, strict=True):
            out.append(line)
            more = int(counts[kind[k]]) - per_rule
            if rank[k] == per_rule - 1 and more > 0:
                out.append(printable(f"{src}... and {more:,} more with the same problem{then}"))
        return out

    def lines(self) -> list[str]:
        """Every problem as one line: file-level ones first, then feature by feature."""
        return self.head(len(self.problems))

    def summary(self) -> str:
        """One line: how many errors and warnings, in which file."""
        src = printable(f"{self.source}: ") if self.source else ""
        ne, nw = self._counts["error"], self._counts["warning"]
        return (
            f"{src}{ne:,} error{'s' if ne != 1 else ''}, {nw:,} warning{'s' if nw != 1 else ''} "
            f"in {self.count:,} feature{'s' if self.count != 1 else ''}"
        )


_LIST_POSITION = re.compile(r"\[\d+\]")


def _kinds(parts: Sequence[Part]) -> tuple[np.ndarray, np.ndarray]:
    """The kind (a number, see :meth:`ValidationReport.summarised`) of every problem, part by
    part in their stored order, and where each part's kinds start."""
    numbers: dict[Any, int] = {}
    fields: dict[str | None, str | None] = {}

    def number(key: Any) -> int:
        return numbers.setdefault(key, len(numbers))

    def field_of(field: str | None) -> str | None:
        # Memoised: a million written problems share a handful of fields.
        if field not in fields:
            fields[field] = _LIST_POSITION.sub("[]", field) if field else field
        return fields[field]

    out: list[np.ndarray] = []
    sizes: list[int] = []
    run: list[int] = []  # kinds of consecutive written problems, one array per run
    for part in parts:
        sizes.append(1 if isinstance(part, Problem) else len(part))
        if isinstance(part, Problem):
            field = field_of(part.field) if part.index is not None else None
            run.append(number((part.severity, part.kind, part.fix, field)))
            continue
        if run:
            out.append(np.array(run, np.int64))
            run = []
        if isinstance(part, RowProblems):
            keys = [number((e[0], field_of(e[1]))) for e in part.entries]
            out.append(np.array(keys, np.int64))
        else:
            per_batch = []
            for b in part.batches:
                if b.field is None or isinstance(b.field, str):
                    per_batch.append(np.full(len(b), number((b.rule, field_of(b.field)))))
                else:
                    seen: dict[str, int] = {}
                    found = [
                        seen[f] if f in seen else seen.setdefault(f, number((b.rule, field_of(f))))
                        for f in b.field
                    ]
                    per_batch.append(np.array(found, np.int64))
            kinds = np.empty(len(part), np.int64)
            for w, batch_kinds in enumerate(per_batch):
                sel = np.flatnonzero(part.which == w)
                kinds[sel] = batch_kinds[part.pos[sel]]
            out.append(kinds)
    if run:
        out.append(np.array(run, np.int64))
    offsets = np.zeros(len(sizes), np.int64)
    if sizes:
        np.cumsum(sizes[:-1], out=offsets[1:])
    return (np.concatenate(out) if out else np.zeros(0, np.int64)), offsets
