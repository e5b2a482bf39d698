"""One problem, the rule that writes it, and the compact parts a report holds problems in.

A :class:`~geoevents.problems.ValidationReport` is a list of parts: a :class:`Problem` already
written, a :class:`Block` (the problems of one check, as arrays per :class:`Rule`) or
:class:`RowProblems` (problems reported one at a time, as their values). A part writes a
problem only when it is read.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

__all__ = [
    "NOTHING",
    "NO_ROWS",
    "Batch",
    "Block",
    "Part",
    "Problem",
    "RowProblems",
    "Rule",
    "Severity",
    "Shifted",
    "printable",
]

Severity = Literal["error", "warning"]

# What must not reach a one-line message as it is: control characters (C0, DEL, C1), the
# Unicode line and paragraph separators, and lone surrogates (not Unicode text: no encoder
# writes them, so printing one would crash).
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")
_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    code = ord(char)
    return _ESCAPES.get(char) or (f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")


def printable(text: str) -> str:
    """``text`` with control characters, line separators and lone surrogates escaped (as
    Python writes them: ``\\n``, ``\\x01``, ``\\ud800``), safe to print on one line."""
    return _UNPRINTABLE.sub(_escape, text) if _UNPRINTABLE.search(text) else text


@dataclass(frozen=True, slots=True)
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
        # Values reach messages through show_value; the file name, id and field need it too.
        return printable(f"{head}: {label}{text}" if head else f"{label}{text}")


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
    rows_in : tuple of int
        The positions of the values that are feature indices (of another row: "also used by
        feature 3"), moved with the rows when a report's rows are (:meth:`Batch.shifted`).
    """

    __slots__ = ("kind", "rows_in", "severity", "text")

    def __init__(
        self,
        severity: Severity,
        text: Callable[..., tuple[str, str]],
        kind: str = "schema",
        rows_in: tuple[int, ...] = (),
    ):
        self.severity: Severity = severity
        self.text = text
        self.kind = kind
        self.rows_in = rows_in

    def shift_values(self, values: tuple[Any, ...], offset: int) -> tuple[Any, ...]:
        """``values`` with the feature indices among them ``offset`` further on."""
        if not self.rows_in:
            return values
        return tuple(v + offset if k in self.rows_in else v for k, v in enumerate(values))

    def __reduce__(self) -> str | tuple[Any, ...]:
        # A rule is pickled by name, like a function (a report sent from a Dask worker, see
        # geoevents.cluster): its identity is what reports group and discard problems by.
        module = importlib.import_module(self.text.__module__)
        for name, value in vars(module).items():
            if value is self:
                return (_rule_named, (self.text.__module__, name))
        raise TypeError(f"a Rule must be a module attribute to be pickled ({self.kind})")

    def problem(
        self, field: str | None, index: int | None, feature_id: str | None, *values: Any
    ) -> Problem:
        """The problem of this rule with these values, at this place."""
        message, fix = self.text(*values)
        return Problem(self.severity, message, fix, index, feature_id, field, self.kind)


def _rule_named(module: str, name: str) -> Rule:
    rule = getattr(importlib.import_module(module), name)
    if not isinstance(rule, Rule):
        raise TypeError(f"{module}.{name} is not a Rule")
    return rule


class Shifted:
    """``names(index - offset)``: the names of a part's rows once they follow ``offset`` rows
    of other parts (a partition of a store, see :meth:`ValidationReport.extend`)."""

    __slots__ = ("names", "offset")

    def __init__(self, names: Callable[[int], str | None], offset: int):
        self.names, self.offset = names, offset

    def __call__(self, i: int) -> str | None:
        return self.names(i - self.offset)


def _shifted_names(
    names: Callable[[int], str | None] | None, offset: int
) -> Callable[[int], str | None] | None:
    return None if names is None or offset == 0 else Shifted(names, offset)


class Batch:
    """Problems of one rule at many rows, held as arrays until they are read.

    Parameters
    ----------
    rule : Rule
        What the problems are.
    field : str, sequence of str or None
        The field of every problem, or of each (None: the problem is of the whole record).
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
        field: str | Sequence[str] | None,
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
        field = self.field if self.field is None or isinstance(self.field, str) else self.field[k]
        fid = self.names(i) if self.names is not None else None
        return self.rule.problem(field, i, fid, *self.args, *(c[k] for c in self.columns))

    def problems(self, ks: np.ndarray) -> list[Problem]:
        """The problems at positions ``ks``, written now (the values gathered in bulk)."""
        rows = self.rows[ks].tolist()
        shared = self.field is None or isinstance(self.field, str)
        fields = [self.field] * len(rows) if shared else _gather(self.field, ks)  # type: ignore[arg-type]
        names = [self.names(i) for i in rows] if self.names is not None else [None] * len(rows)
        columns = [_gather(c, ks) for c in self.columns]
        problem, args = self.rule.problem, self.args
        return [
            problem(field, i, fid, *args, *values)
            for field, i, fid, *values in zip(fields, rows, names, *columns, strict=True)
        ]

    def without(self, rows: np.ndarray) -> Batch:
        """The batch less the problems at ``rows``."""
        keep = ~np.isin(self.rows, rows)
        field = (
            self.field
            if self.field is None or isinstance(self.field, str)
            else _take(self.field, keep)
        )
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

    def shifted(self, offset: int) -> Batch:
        """The same problems at rows ``offset`` further on."""
        skip = len(self.args)
        columns = [
            np.asarray(c, dtype=np.int64) + offset if k + skip in self.rule.rows_in else c
            for k, c in enumerate(self.columns)
        ]
        return Batch(
            self.rule,
            self.field,
            self.rows + offset,
            *columns,
            args=self.args,
            names=_shifted_names(self.names, offset),
            minor=self.minor,
        )


def _gather(values: Sequence[Any], ks: np.ndarray) -> Sequence[Any]:
    """``values[k]`` for each of ``ks``; a column that computes its values (it has ``gather``)
    computes them in bulk."""
    if isinstance(values, np.ndarray):
        return values[ks]
    gather = getattr(values, "gather", None)
    if gather is not None:
        return gather(ks)
    return [values[k] for k in ks.tolist()]


def _take(values: Sequence[Any], keep: np.ndarray) -> Sequence[Any]:
    if isinstance(values, list | tuple):
        return [v for v, k in zip(values, keep.tolist(), strict=True) if k]
    return values[keep]  # type: ignore[index]  # an array, or a sequence that takes a mask


class Block:
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
            if all(b.minor is None for b in self.batches):
                # The batches come in order, each by row: a stable sort by row alone keeps a
                # row's problems in batch order (a merge of sorted runs: 19 ms against 29 ms
                # for the sort by four keys at 905,000 problems in three batches).
                order = np.argsort(index, kind="stable")
            else:
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

    def problems(self, ks: np.ndarray) -> list[Problem]:
        """The problems at positions ``ks`` (ascending), written batch by batch."""
        which, pos = self.which[ks], self.pos[ks]
        if len(self.batches) == 1:
            return self.batches[0].problems(pos)
        out: list[Any] = [None] * len(ks)
        for b in np.unique(which).tolist():
            sel = np.flatnonzero(which == b)
            for j, p in zip(sel.tolist(), self.batches[b].problems(pos[sel]), strict=True):
                out[j] = p
        return out

    def without(self, rule: Rule, rows: np.ndarray) -> Block:
        return Block([b.without(rows) if b.rule is rule else b for b in self.batches])

    def shifted(self, offset: int) -> Block:
        """The same problems at rows ``offset`` further on."""
        return Block([b.shifted(offset) for b in self.batches])


class RowProblems:
    """Problems reported one at a time (by per-row rules), held as their values in the order
    found until read; consecutive ones share one part of the report."""

    __slots__ = ("_cache", "entries")

    def __init__(self) -> None:
        self.entries: list[
            tuple[Rule, str | None, int, Callable[[int], str | None] | None, tuple]
        ] = []
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

    def problems(self, ks: np.ndarray) -> list[Problem]:
        """The problems at positions ``ks``, written now."""
        return [self.problem(k) for k in ks.tolist()]

    def without(self, rule: Rule, rows: np.ndarray) -> RowProblems:
        drop = set(rows.tolist())
        kept = RowProblems()
        kept.entries = [e for e in self.entries if not (e[0] is rule and e[2] in drop)]
        return kept

    def shifted(self, offset: int) -> RowProblems:
        """The same problems at rows ``offset`` further on."""
        moved = RowProblems()
        moved.entries = [
            (
                rule,
                field,
                i + offset,
                _shifted_names(names, offset),
                rule.shift_values(values, offset),
            )
            for rule, field, i, names, values in self.entries
        ]
        return moved


Part = Problem | Block | RowProblems
#: With :data:`NO_ROWS`, ``part.without(NOTHING, NO_ROWS)`` copies a part.
NOTHING = Rule("error", lambda: ("", ""))
NO_ROWS = np.zeros(0, np.int64)
