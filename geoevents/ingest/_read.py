"""Read delimited text in chunks, keeping the physical line number of every record.

pandas' C parser is fast and handles quoting, but it numbers records, not lines: a quoted field
with a newline in it makes every later record's line number wrong, and it skips rows with too
many fields with only a warning. This module puts both back: each chunk comes with the 1-based
line on which each of its records starts (the header is line 1), and the rows pandas had to skip
come back as problems with their line numbers, so a user can open the file at the right place.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import io
import re
import warnings
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from geoevents.errors import InputError

__all__ = ["Chunk", "Opened", "Sniff", "open_input", "read_chunks", "sniff"]

#: How many bytes of the file start are enough to see the header and the first records.
_SNIFF_BYTES = 256 * 1024
_SKIPPING = re.compile(r"Skipping line (\d+): ([^\n]*)")
_DELIMITERS = (",", "\t", ";", "|")


@dataclass(frozen=True)
class Opened:
    """An input file, possibly a member of a ZIP archive (as UCDP and GDELT distribute them)."""

    path: Path
    member: str | None
    size: int

    @property
    def name(self) -> str:
        """The name to put in messages."""
        return f"{self.path}:{self.member}" if self.member else str(self.path)

    def open(self) -> BinaryIO:
        """Open the bytes for reading; the caller closes the handle."""
        try:
            if self.member is None:
                return open(self.path, "rb")
            archive = zipfile.ZipFile(self.path)
            return _ZipMember(archive, archive.open(self.member))
        except OSError as exc:
            raise InputError(f"{self.name}: cannot be read ({exc.strerror or exc})") from exc


class _ZipMember(io.RawIOBase):
    """A ZIP member that also closes its archive, and reports progress in uncompressed bytes."""

    def __init__(self, archive: zipfile.ZipFile, handle: BinaryIO) -> None:
        self._archive = archive
        self._handle = handle

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[override]
        data = self._handle.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def tell(self) -> int:
        return self._handle.tell()

    def close(self) -> None:
        self._handle.close()
        self._archive.close()
        super().close()


def open_input(path: str | Path) -> Opened:
    """Check that ``path`` is a readable file and find the table inside it.

    Parameters
    ----------
    path : str or path-like
        A delimited text file, or a ZIP archive holding one.

    Returns
    -------
    Opened

    Raises
    ------
    InputError
        When the file is missing, is a directory, is empty, or is a ZIP archive without exactly
        one table in it.
    """
    path = Path(path)
    if not path.exists():
        raise InputError(f"{path}: no such file; check the path")
    if path.is_dir():
        raise InputError(f"{path}: is a directory, not a file; give the data file inside it")
    try:
        size = path.stat().st_size
        is_zip = zipfile.is_zipfile(path)
    except OSError as exc:
        raise InputError(f"{path}: cannot be read ({exc.strerror or exc})") from exc
    if size == 0:
        raise InputError(f"{path}: the file is empty; check that the download finished")
    if not is_zip:
        return Opened(path, None, size)
    with zipfile.ZipFile(path) as archive:
        members = [
            i
            for i in archive.infolist()
            if not i.is_dir() and not Path(i.filename).name.startswith((".", "__MACOSX"))
        ]
    tables = [i for i in members if i.filename.lower().endswith((".csv", ".tsv", ".txt"))]
    chosen = tables if tables else members
    if len(chosen) != 1:
        names = ", ".join(i.filename for i in members) or "nothing"
        raise InputError(
            f"{path}: a ZIP archive with {len(chosen)} tables in it ({names}); "
            "unzip it and import one file"
        )
    if chosen[0].file_size == 0:
        raise InputError(f"{path}:{chosen[0].filename}: the file is empty")
    return Opened(path, chosen[0].filename, chosen[0].file_size)


@dataclass(frozen=True)
class Sniff:
    """What the start of a file looks like.

    Attributes
    ----------
    delimiter : str
        The delimiter that splits the first record into the most fields.
    first : list of str
        The fields of the first record (the header, for files that have one).
    second : list of str
        The fields of the second record, if there is one.
    bom : bool
        Whether the file starts with a UTF-8 byte-order mark.
    """

    delimiter: str
    first: list[str]
    second: list[str]
    bom: bool

    @property
    def columns(self) -> list[str]:
        """The first record's fields, stripped, as header names."""
        return [c.strip() for c in self.first]


def sniff(source: Opened, encoding: str = "utf-8", delimiter: str | None = None) -> Sniff:
    """Read the first records of ``source`` to find its delimiter and header.

    With ``delimiter`` given, use it instead of guessing.

    Raises
    ------
    InputError
        When the start of the file is not text in ``encoding``.
    """
    with source.open() as handle:
        raw = handle.read(_SNIFF_BYTES)
    bom = raw.startswith(codecs.BOM_UTF8)
    text = _decode_start(raw, source, encoding, complete=len(raw) < _SNIFF_BYTES)
    if "\x00" in text[:4096]:
        raise InputError(
            f"{source.name}: looks like a binary file, not delimited text; "
            "export the table as CSV (UTF-8)"
        )
    first_line = text.split("\n", 1)[0]
    # The delimiter that splits the first line into the most fields; ties go to the comma.
    if delimiter is None:
        delimiter = max(_DELIMITERS, key=lambda d: (len(_split_line(first_line, d)), d == ","))
    records = _first_records(text, delimiter, 2)
    if not records or not any(f.strip() for f in records[0]):
        raise InputError(f"{source.name}: the first line is blank; a header line is expected")
    return Sniff(delimiter, records[0], records[1] if len(records) > 1 else [], bom)


def _decode_start(raw: bytes, source: Opened, encoding: str, *, complete: bool) -> str:
    codec = "utf-8-sig" if encoding.lower().replace("_", "-") in ("utf-8", "utf8") else encoding
    decoder = codecs.getincrementaldecoder(codec)()
    try:
        # final=False lets a multi-byte character cut by the sample's end pass.
        return decoder.decode(raw, final=complete)
    except UnicodeDecodeError as exc:
        raise _not_encoded(source, encoding, raw, exc.start) from exc
    except LookupError as exc:
        raise InputError(f"unknown encoding {encoding!r}; use e.g. 'utf-8' or 'latin-1'") from exc


def _not_encoded(
    source: Opened, encoding: str, raw: bytes, offset: int, first_line: int = 1, start: int = 0
) -> InputError:
    line = first_line + raw[:offset].count(b"\n")
    byte = raw[offset : offset + 1].hex() if offset < len(raw) else "?"
    return InputError(
        f"{source.name}: line {line} (byte {start + offset:,}): byte 0x{byte} is not valid "
        f"{encoding}; save the file as UTF-8, or give its encoding (e.g. encoding='latin-1')"
    )


def _locate_decode_error(source: Opened, codec: str, encoding: str) -> InputError:
    """Find the line of the first byte that is not ``encoding`` (pandas only says it failed)."""
    decoder = codecs.getincrementaldecoder(codec)()
    line, done = 1, 0
    with source.open() as handle:
        while block := handle.read(1 << 20):
            try:
                decoder.decode(block)
            except UnicodeDecodeError as exc:
                # The decoder may hold a few bytes of the previous block; they are valid text.
                at = max(exc.start - (len(exc.object) - len(block)), 0)
                return _not_encoded(source, encoding, block, at, line, done)
            line += block.count(b"\n")
            done += len(block)
    return InputError(f"{source.name}: not {encoding} text; save it as UTF-8")


def _split_line(line: str, delimiter: str) -> list[str]:
    try:
        return next(csv.reader([line], delimiter=delimiter), [])
    except csv.Error:  # a stray carriage return: count the fields naively, to guess only
        return line.split(delimiter)


def _first_records(text: str, delimiter: str, count: int) -> list[list[str]]:
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    out: list[list[str]] = []
    try:
        for record in reader:
            out.append(record)
            if len(out) == count:
                break
    except csv.Error:
        # An unbalanced quote near the sample's end; the first record is what matters.
        pass
    return out


@dataclass
class Chunk:
    """One chunk of data rows.

    Attributes
    ----------
    frame : pandas.DataFrame
        The rows, every column text (``""`` for an empty field), blank lines and an HXL
        hashtag row already removed.
    lines : numpy.ndarray
        The 1-based line of the file on which each row starts (the header is line 1).
    bad : list of (int, str)
        Rows that could not be split into the header's columns: line and reason.
    rows : int
        Data rows consumed by this chunk, bad ones included.
    bytes_done : int
        How far into the file (uncompressed) the reader has got.
    hxl : bool
        Whether this chunk dropped an HXL hashtag row.
    """

    frame: pd.DataFrame
    lines: np.ndarray
    bad: list[tuple[int, str]] = field(default_factory=list)
    rows: int = 0
    bytes_done: int = 0
    hxl: bool = False


def read_chunks(
    source: Opened,
    *,
    delimiter: str,
    names: list[str] | None = None,
    quoting: int = csv.QUOTE_MINIMAL,
    chunksize: int = 50_000,
    encoding: str = "utf-8",
) -> Iterator[Chunk]:
    """Yield the data rows of ``source`` chunk by chunk, each row with its line number.

    Parameters
    ----------
    source : Opened
        The input.
    delimiter : str
        Field delimiter.
    names : list of str, optional
        Column names for a file without a header line; with None, line 1 is the header.
    quoting : int
        A :mod:`csv` quoting constant; ``csv.QUOTE_NONE`` for files that never quote (GDELT).
    chunksize : int
        Rows per chunk; memory use grows with it, not with the file.
    encoding : str
        Text encoding; a UTF-8 byte-order mark is skipped.

    Raises
    ------
    InputError
        When the file cannot be decoded, or its quoting is broken beyond one row.
    """
    codec = "utf-8-sig" if encoding.lower().replace("_", "-") in ("utf-8", "utf8") else encoding
    tracker = _LineTracker(header_lines=0 if names is not None else 1)
    with source.open() as handle, _corrupt_header(source, codec, encoding, tracker):
        # The header is read here already: a broken one raises as a chunk would.
        reader = pd.read_csv(
            handle,
            sep=delimiter,
            header=None if names is not None else 0,
            names=names,
            dtype=str,
            keep_default_na=False,
            na_filter=False,
            skip_blank_lines=False,
            quoting=quoting,
            encoding=codec,
            on_bad_lines="warn",
            chunksize=chunksize,
            engine="c",
        )
        first = True
        with reader:
            while True:
                skipped: list[tuple[int, str]] = []
                try:
                    frame = _next_chunk(reader, skipped)
                except StopIteration:
                    break
                except UnicodeDecodeError as exc:
                    raise _locate_decode_error(source, codec, encoding) from exc
                except pd.errors.ParserError as exc:
                    raise _parser_error(source, exc, tracker) from exc
                frame.columns = [str(c).strip() for c in frame.columns]
                count_newlines = quoting != csv.QUOTE_NONE
                lines, bad = tracker.advance(frame, skipped, count_newlines)
                chunk = Chunk(frame, lines, bad, rows=len(frame) + len(bad))
                chunk.bytes_done = min(handle.tell(), source.size)
                if first:
                    first = False
                    chunk.hxl = _drop_hxl(chunk)
                _drop_blank(chunk)
                yield chunk


@contextlib.contextmanager
def _corrupt_header(
    source: Opened, codec: str, encoding: str, tracker: _LineTracker
) -> Iterator[None]:
    """Word what pandas raises while it reads the header, as for any chunk."""
    try:
        yield
    except UnicodeDecodeError as exc:
        raise _locate_decode_error(source, codec, encoding) from exc
    except pd.errors.ParserError as exc:
        raise _parser_error(source, exc, tracker) from exc


def _parser_error(source: Opened, exc: Exception, tracker: _LineTracker) -> InputError:
    found = re.search(r"EOF inside string starting at row (\d+)", str(exc))
    if found:
        # pandas counts records from 0 with the header; newlines inside quoted fields of the
        # chunk being read are not known yet, so the line is a lower bound.
        line = int(found[1]) + 1 + tracker.extra
        return InputError(
            f"{source.name}: line {line} or a little after: a quoted field opens there and is "
            'never closed, so the rest of the file would be one field; close the quote ("), or '
            'double a quote that is part of the text ("")'
        )
    return InputError(f"{source.name}: the table cannot be split into rows ({exc})")


def _next_chunk(reader, skipped: list[tuple[int, str]]) -> pd.DataFrame:
    """Read one chunk, collecting pandas' "Skipping line N" warnings as (record, reason)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        frame = next(reader)
    for w in caught:
        found = _SKIPPING.findall(str(w.message))
        if issubclass(w.category, pd.errors.ParserWarning) and found:
            skipped.extend((int(rec), reason) for rec, reason in found)
        else:
            # Not ours to swallow: show it as if it had not passed through here.
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno, source=w.source)
    return frame


class _LineTracker:
    """Turns pandas' record numbers into physical line numbers across chunks."""

    def __init__(self, header_lines: int) -> None:
        self.next_record = header_lines + 1  # records are 1-based; the header is record 1
        self.extra = 0  # newlines inside quoted fields of the records before next_record

    def advance(
        self, frame: pd.DataFrame, skipped: list[tuple[int, str]], count_newlines: bool
    ) -> tuple[np.ndarray, list[tuple[int, str]]]:
        n = len(frame)
        records = self.next_record + np.arange(n, dtype=np.int64)
        bad_records = sorted(r for r, _ in skipped)
        for b in bad_records:
            records[records >= b] += 1
        inside = np.zeros(n, dtype=np.int64)
        if count_newlines and n:
            for col in frame.columns:
                counts = pc.count_substring(pa.array(frame[col]), "\n")
                inside += counts.to_numpy(zero_copy_only=False).astype(np.int64)
        before = self.extra + np.concatenate(([0], np.cumsum(inside)[:-1])).astype(np.int64)
        lines = records + before
        bad: list[tuple[int, str]] = []
        for record, reason in skipped:
            # A skipped row's own newlines are unknown; those before it are counted.
            earlier = int(inside[records < record].sum())
            bad.append((record + self.extra + earlier, _bad_reason(reason)))
        last = int(records[-1]) if n else self.next_record - 1
        if bad_records:
            last = max(last, bad_records[-1])
        self.next_record = last + 1
        self.extra += int(inside.sum())
        return lines, bad


def _bad_reason(reason: str) -> str:
    found = re.match(r"expected (\d+) fields, saw (\d+)", reason)
    if found:
        return (
            f"the row has {found[2]} fields where the header has {found[1]}; a field with the "
            "delimiter in it needs double quotes around it"
        )
    return reason


def _drop_hxl(chunk: Chunk) -> bool:
    """Drop an HXL hashtag row (``#geo+lat``, ...) right under the header, as HDX adds."""
    frame = chunk.frame
    if not len(frame):
        return False
    first = [str(v).strip() for v in frame.iloc[0].tolist()]
    if any(v.startswith("#") for v in first) and all(not v or v.startswith("#") for v in first):
        chunk.frame = frame.iloc[1:]
        chunk.lines = chunk.lines[1:]
        chunk.rows -= 1
        return True
    return False


def _drop_blank(chunk: Chunk) -> None:
    """Drop blank lines: they are not rows, so they are neither imported nor rejected."""
    frame = chunk.frame
    if not len(frame):
        return
    blank = np.ones(len(frame), dtype=bool)
    for col in frame.columns:
        blank &= (frame[col].str.len() == 0).to_numpy(dtype=bool)
        if not blank.any():
            return
    keep = ~blank
    chunk.frame = frame.loc[keep]
    chunk.lines = chunk.lines[keep]
    chunk.rows -= int(blank.sum())
