"""The interface every format importer implements."""

from __future__ import annotations

import csv
from typing import Any, ClassVar

import pandas as pd

from geoevents.ingest._cells import blank_na, whole_numbers
from geoevents.ingest._common import Batch
from geoevents.ingest._read import Opened, Sniff

__all__ = ["Importer"]


class Importer:
    """Turns chunks of one source layout into incidents.

    A subclass checks the header in ``__init__`` (raising :class:`~geoevents.errors.InputError`
    for a file of another layout) and sets how the file is to be read; :meth:`convert` then fills
    a :class:`~geoevents.ingest._common.Batch` per chunk.

    Parameters
    ----------
    source : Opened
        The input file.
    sniff : Sniff
        Its first records.
    options : dict
        Format-specific options, already checked against :attr:`OPTIONS`.
    """

    #: The format name used in :func:`geoevents.ingest.import_file`.
    name: ClassVar[str] = ""
    #: Format-specific options and their defaults.
    OPTIONS: ClassVar[dict[str, Any]] = {}
    #: Match header names in lower case (old ACLED files wrote EVENT_ID_CNTY).
    LOWERCASE_HEADER: ClassVar[bool] = False
    #: Whole cells that mean "no value" unless the caller chooses others (``na_values``):
    #: R writes a blank as ``NA``.
    NA_VALUES: ClassVar[tuple[str, ...]] = ()
    #: Columns of codes, counts and ids, in which ``1.0`` (as pandas saves them) means ``1``.
    INTEGER_COLUMNS: ClassVar[tuple[str, ...]] = ()

    def __init__(self, source: Opened, sniff: Sniff, options: dict[str, Any]) -> None:
        self.source = source
        self.sniff = sniff
        self.options = {**self.OPTIONS, **options}
        self.delimiter = sniff.delimiter
        self.names: list[str] | None = None
        self.quoting = csv.QUOTE_MINIMAL
        self.detected = self.name
        self.skipped = 0
        self.na_values: tuple[str, ...] = self.NA_VALUES
        #: Source column -> the name the importer reads it by (a header in another spelling).
        self.rename: dict[str, str] = {}

    @property
    def header(self) -> list[str]:
        """The header names as the importer matches them."""
        cols = self.sniff.columns
        return [c.lower() for c in cols] if self.LOWERCASE_HEADER else cols

    def prepare(self, frame: pd.DataFrame) -> pd.DataFrame:
        """Name a chunk's columns as :meth:`convert` reads them and undo other tools' marks.

        Lower-cases the header (with :attr:`LOWERCASE_HEADER`), renames columns, blanks the
        cells that are one of :attr:`na_values`, and rewrites whole numbers written as floats
        in :attr:`INTEGER_COLUMNS` (see :mod:`geoevents.ingest._cells`).
        """
        if self.LOWERCASE_HEADER:
            frame.columns = [c.lower() for c in frame.columns]
        if self.rename:
            frame = frame.rename(columns=self.rename)
        frame = blank_na(frame, self.na_values)
        return whole_numbers(frame, self.INTEGER_COLUMNS)

    def saw_hxl(self) -> None:
        """Called when the file had an HXL hashtag row under its header."""
        self.detected = f"{self.detected}-hdx"

    def convert(self, batch: Batch) -> None:  # pragma: no cover - abstract
        """Fill ``batch`` with the schema fields of its rows, rejecting the bad ones."""
        raise NotImplementedError

    def nothing_imported_hint(self) -> str:
        """What to say when every row was skipped (not rejected)."""
        return ""
