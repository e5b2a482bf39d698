"""Importers for the datasets analysts already use: ACLED, UCDP GED, GDELT, and tables of
their own. Each turns a file into an incident table that follows :mod:`geoevents.schema`.

>>> from geoevents.ingest import import_file
>>> result = import_file("acled", "acled_2017.csv")  # doctest: +SKIP
>>> result.incidents, result.rejected  # doctest: +SKIP

See ``docs/import.md`` for how each dataset's columns map onto the schema.
"""

from geoevents.ingest._run import FORMATS, detect_format, import_file
from geoevents.ingest.report import ImportResult, RejectedRow, SuspectRow

__all__ = [
    "FORMATS",
    "ImportResult",
    "RejectedRow",
    "SuspectRow",
    "detect_format",
    "import_file",
]
