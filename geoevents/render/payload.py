"""The columns of ``columnar.py`` as the page embeds them: gzip-compressed, base64 pieces.

The pieces are compressed in parallel, one per thread, and each lands in its own
``<script type="application/octet-stream">`` block of bounded size, which ``assets/store.js``
decodes with the browser's ``DecompressionStream``. Equal input gives equal text, so the page
stays byte-identical run to run.
"""

from __future__ import annotations

import base64
import os
import threading
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any

import pandas as pd
import pyarrow as pa
from zlib_ng import zlib_ng

from geoevents.render.columnar import ColumnarIncidents, Joined
from geoevents.schema import FIELDS

__all__ = ["Compressor", "EmbeddedColumns", "compress", "expected_bytes", "pieces_of"]

#: Bytes of raw data per embedded piece: keeps every base64 string far below browser limits
#: and lets the pieces compress (and decompress) in parallel.
PIECE_BYTES = 8 * 1024 * 1024

#: gzip levels, by the payload's raw size (zlib-ng, measured on incident buffers): 9 for a small
#: map, where it costs milliseconds; 6 (zlib's default) up to LARGE_DATA_BYTES; 4 beyond, where 6
#: takes 1.6 times as long for a twentieth less.
TINY_LEVEL = 9
TINY_DATA_BYTES = 1024 * 1024
SMALL_LEVEL = 6
LARGE_LEVEL = 4
LARGE_DATA_BYTES = 64 * 1024 * 1024


def compress(piece: bytes | memoryview | list[memoryview], level: int) -> str:
    """Return ``piece`` gzip-compressed and base64-encoded (spans of memory are joined
    first: zlib-ng's output at some levels depends on how its input is fed).

    The gzip header carries no file name and a zero timestamp, so equal input gives equal text.
    zlib-ng rather than zlib: at a million incidents its level 4 is 1.7 times as fast as
    zlib's and 6 % smaller (every browser inflates either).
    """
    if isinstance(piece, list):
        piece = piece[0] if len(piece) == 1 else b"".join(piece)  # at most a piece's bytes
    packer = zlib_ng.compressobj(level, zlib_ng.DEFLATED, 31)  # wbits 31: a gzip member
    data = packer.compress(piece) + packer.flush()
    return base64.b64encode(data).decode("ascii")


def pieces_of(data: bytes | memoryview | Joined) -> list[list[memoryview]]:
    """``data`` cut into the pieces embedded one per block: :data:`PIECE_BYTES` each, the last
    shorter (one empty piece for no data), each as the spans of memory it lies in.

    The cuts fall where they would in one contiguous buffer, whatever its parts (arrow's
    chunks differ from one read to another of the same data): equal data, equal pages.
    """
    parts = data.segments if isinstance(data, Joined) else [memoryview(data)]
    pieces: list[list[memoryview]] = []
    current: list[memoryview] = []
    room = PIECE_BYTES
    for part in parts:
        start = 0
        while start < len(part):
            take = min(room, len(part) - start)
            current.append(part[start : start + take])
            start += take
            room -= take
            if room == 0:
                pieces.append(current)
                current, room = [], PIECE_BYTES
    if current or not pieces:
        pieces.append(current)
    return pieces


def level_for(total: int) -> int:
    """The gzip level for a payload of ``total`` raw bytes."""
    if total > LARGE_DATA_BYTES:
        return LARGE_LEVEL
    return SMALL_LEVEL if total > TINY_DATA_BYTES else TINY_LEVEL


#: Raw bytes per incident of the columns that are not text (coordinates, codes, day numbers):
#: what a million incidents' payload holds besides its text, about.
_FIXED_BYTES = 24
#: Cells of an object column looked at to guess its text's size.
_GUESS_CELLS = 256


def expected_bytes(gdf: pd.DataFrame) -> int:
    """About how many raw bytes ``columnar.encode_incidents`` will make of ``gdf``.

    A guess, from the size of the text held in arrow memory and a sample of the rest, for what
    depends on the payload's size before it is made (:class:`Compressor`'s level).

    Parameters
    ----------
    gdf : pandas.DataFrame
        The incidents to be encoded.

    Returns
    -------
    int
        The guess, in bytes (0 for no rows).
    """
    n = len(gdf)
    total = _FIXED_BYTES * n
    for spec in FIELDS:
        if spec.name not in gdf.columns or spec.kind in ("date", "int"):
            continue
        column = gdf[spec.name]
        if isinstance(column.dtype, pd.ArrowDtype):
            total += int(pa.array(column.array).nbytes)
        elif isinstance(column.dtype, pd.CategoricalDtype):  # codes and the distinct texts
            total += n + int(pa.array(column.cat.categories.array).nbytes)
        elif n:
            step = max(1, n // _GUESS_CELLS)
            sample = column.iloc[::step]
            size = sum(len(cell) for cell in sample if isinstance(cell, str))
            total += size * n // max(1, len(sample))
    return total


class Compressor:
    """Compresses a payload's buffers in threads as they are added, while the rest is made.

    Pass :meth:`added` as ``on_add`` to ``columnar.encode_incidents`` and the compressor to
    :class:`EmbeddedColumns`: the pieces are then compressed on the cores the main thread
    leaves free while it goes on encoding (zlib-ng releases the GIL), not all at the end. The
    level depends on the payload's total, known only once every buffer is added: pieces are
    compressed at the level of the buffers added so far (:func:`level_for`) and, each time
    their total passes a threshold, every one again at the next level. ``expected`` (the
    payload's likely size, see :func:`expected_bytes`) spares most of that work: pieces
    are compressed from the start at the level it calls for, when that is the lower one. A
    wrong guess costs time, never bytes: :meth:`texts` gives each piece at the level the whole
    payload calls for, so the page is the same bytes as without a compressor.

    Parameters
    ----------
    expected : int, default 0
        The raw bytes the payload is likely to reach.
    """

    def __init__(self, expected: int = 0) -> None:
        self._cores = min(4, os.cpu_count() or 1)
        self._pool: ThreadPoolExecutor | None = None
        # While the payload is being made one core is the main thread's: the threads take
        # turns at the others (at all of them once the page waits for its pieces).
        self._gate = threading.Semaphore(max(1, self._cores - 1))
        self._waiting = False
        self._total = 0
        self._expected = expected
        # Buffer index -> (level, one future per piece).
        self._jobs: dict[int, tuple[int, list[Future[str]]]] = {}
        self._data: dict[int, bytes | memoryview | Joined] = {}

    def _compress(self, piece: list[memoryview], level: int) -> str:
        with self._gate:
            return compress(piece, level)

    def _submit(self, index: int, data: bytes | memoryview | Joined, level: int) -> None:
        if self._pool is None:
            self._pool = ThreadPoolExecutor(max_workers=self._cores)
        old = self._jobs.get(index)
        if old is not None:
            for future in old[1]:
                future.cancel()
        pool = self._pool
        futures = [pool.submit(self._compress, piece, level) for piece in pieces_of(data)]
        self._jobs[index] = (level, futures)

    def added(self, index: int, data: bytes | memoryview | Joined) -> None:
        """Start compressing buffer ``index`` (its raw bytes ``data``)."""
        self._total += len(data)
        self._data[index] = data
        # At a million incidents, the first 64 MB compressed at level 6 before the total
        # passed the threshold were half a second of a core lost (the page waits for them).
        level = level_for(max(self._total, self._expected))
        # Past a threshold the level changes: what was under way starts again.
        for earlier, raw in self._data.items():
            if self._jobs.get(earlier, (None, []))[0] != level:
                self._submit(earlier, raw, level)

    def start(self, index: int, data: bytes | memoryview | Joined, level: int) -> None:
        """Make sure buffer ``index`` is being compressed at ``level``, on every core."""
        if not self._waiting:
            self._waiting = True
            for _ in range(self._cores - max(1, self._cores - 1)):
                self._gate.release()
        job = self._jobs.get(index)
        if job is None or job[0] != level:
            self._submit(index, data, level)

    @property
    def started(self) -> int:
        """How many buffers are being compressed (or are done)."""
        return len(self._jobs)

    def texts(self, index: int) -> list[str]:
        """The base64 pieces of buffer ``index`` (waits for them), at the level it was
        last started at."""
        return [future.result() for future in self._jobs[index][1]]

    def close(self) -> None:
        """Let the threads go, and the raw bytes held for a change of level."""
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
        self._jobs.clear()
        self._data.clear()


class EmbeddedColumns:
    """The buffers of ``data``, compressed once, with the description the page reads.

    Parameters
    ----------
    data : ColumnarIncidents
        From ``columnar.encode_incidents``; its raw buffers are freed once compressed.
    prefix : str
        Start of the element ids of the pieces (unique in the page).
    compressor : Compressor, optional
        The one ``data``'s buffers were given to as they were added (their pieces already
        compressed or under way); without one, every piece is compressed here.
    """

    def __init__(
        self, data: ColumnarIncidents, prefix: str, compressor: Compressor | None = None
    ) -> None:
        self.prefix = prefix
        level = level_for(sum(len(b.data) for b in data.buffers))
        # zlib-ng releases the GIL while it compresses, so threads use every core.
        compressor = compressor or Compressor()
        try:
            for index, buffer in enumerate(data.buffers):
                compressor.start(index, buffer.data, level)
            self.encoded = [compressor.texts(index) for index in range(len(data.buffers))]
        finally:
            compressor.close()
        self.dtypes = [b.dtype for b in data.buffers]
        self.sizes = [len(b.data) for b in data.buffers]
        # The raw buffers are not needed again: free them before the page is rendered.
        for buffer in data.buffers:
            buffer.data = b""
        data.on_add = None

    @contextmanager
    def stand_ins(self, mark: str, first: int = 0) -> Iterator[list[str]]:
        """Within the block the text of piece ``k`` is ``mark``, ``first + k`` and NUL, and the
        block gives the texts in that order: a page rendered meanwhile holds no copy of the
        payload, whose texts are written in where their stand-ins are (``save.save_map``: at
        a million incidents, 200 MB less than rendering the whole page as one string)."""
        real = self.encoded
        texts = [text for piece in real for text in piece]
        numbers = iter(range(first, first + len(texts)))
        self.encoded = [[f"{mark}{next(numbers)}\0" for _ in piece] for piece in real]
        try:
            yield texts
        finally:
            self.encoded = real

    @property
    def pieces(self) -> list[tuple[str, str]]:
        """``(element id, base64 text)`` of every piece, in order."""
        return [
            (f"{self.prefix}_b{index}_{part}", text)
            for index, texts in enumerate(self.encoded)
            for part, text in enumerate(texts)
        ]

    def buffers(self) -> list[dict[str, Any]]:
        """The JSON-ready description of each buffer: type, size and piece ids."""
        return [
            {
                "dtype": dtype,
                "size": size,
                "parts": [f"{self.prefix}_b{index}_{part}" for part in range(len(texts))],
            }
            for index, (dtype, size, texts) in enumerate(
                zip(self.dtypes, self.sizes, self.encoded, strict=True)
            )
        ]
