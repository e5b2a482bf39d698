"""Incident validation: schema, geometry and plausibility checks that report every problem.

Readers hand :func:`check_frame` the raw properties of every feature (as parsed from GeoJSON, or
as read from a table) and the geometries. It returns the normalised incident table (defaults
filled, types fixed) and adds every problem it finds to a :class:`~geoevents.problems.
ValidationReport`, one per bad value, each naming the feature, the field, the value and the fix.

How it stays fast on a million rows: each check is written once, for one value of one row (the
methods of :class:`RowRules`, in ``rules.py``). A vectorised screen per column (numpy, pyarrow,
shapely) finds the rows that the per-row rule would pass unchanged, and only the other rows go
through the rule. The rows of one check are visited in order, and the checks run in a fixed
order, so the report lists the problems exactly as a plain loop over every row would (the tests
run that loop as their oracle).

The modules: ``text`` (one column as the checks read it), ``rules`` (the per-row rules and their
messages), ``fields`` (strings, dates, choices, whole numbers, rules between fields), ``lists``
and ``jsontext`` (list fields, and their JSON text in table stores), ``geometry``,
``plausibility`` (future dates, 0,0, points outside their country), ``frame`` (the run over a
table). Validating a file is reading it: see :func:`geoevents.io.validate`.
"""

from geoevents.validation.frame import check_frame, validate_frame
from geoevents.validation.rules import RowRules

__all__ = ["RowRules", "check_frame", "validate_frame"]
