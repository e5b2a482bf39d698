"""The columns of ``columnar.py`` as the page embeds them: gzip-compressed, base64 pieces.

The pieces are compressed in parallel, one per thread, and each lands in its own
``<script type="application/octet-stream">`` block of bounded size, which ``assets/store.js``
decodes with the browser's ``DecompressionStream``. Equal input gives equal text, so the page
stays byte-identical run to run.
"""

from __future__ import annotations

import base64
import os
import zlib
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from geoevents.render.columnar import ColumnarIncidents

__all__ = ["EmbeddedColumns", "compress"]

#: Bytes of raw data per embedded piece: keeps every base64 string far below browser limits
#: and lets the pieces compress (and decompress) in parallel.
PIECE_BYTES = 8 * 1024 * 1024

#: gzip level: 6 (zlib's default) for most maps; 4 once the data is large, where level 6 takes
#: twice as long for about a fifth less (measured on incident summaries).
SMALL_LEVEL = 6
LARGE_LEVEL = 4
LARGE_DATA_BYTES = 64 * 1024 * 1024


def compress(piece: bytes | memoryview, level: int) -> str:
    """Return ``piece`` gzip-compressed and base64-encoded.

    The gzip header carries no file name and a zero timestamp, so equal input gives equal text.
    """
    packer = zlib.compressobj(level, zlib.DEFLATED, 31)  # wbits 31: a gzip member
    data = packer.compress(piece) + packer.flush()
    return base64.b64encode(data).decode("ascii")


class EmbeddedColumns:
    """The buffers of ``data``, compressed once, with the description the page reads.

    Parameters
    ----------
    data : ColumnarIncidents
        From ``columnar.encode_incidents``; its raw buffers are freed once compressed.
    prefix : str
        Start of the element ids of the pieces (unique in the page).
    """

    def __init__(self, data: ColumnarIncidents, prefix: str) -> None:
        self.prefix = prefix
        total = sum(len(b.data) for b in data.buffers)
        level = LARGE_LEVEL if total > LARGE_DATA_BYTES else SMALL_LEVEL
        jobs: list[tuple[int, memoryview]] = []
        for index, buffer in enumerate(data.buffers):
            view = memoryview(buffer.data)
            starts = range(0, max(len(view), 1), PIECE_BYTES)
            jobs.extend((index, view[s : s + PIECE_BYTES]) for s in starts)
        # zlib releases the GIL while it compresses, so threads use every core.
        with ThreadPoolExecutor(max_workers=min(4, os.cpu_count() or 1)) as pool:
            texts = list(pool.map(lambda job: compress(job[1], level), jobs))
        self.encoded: list[list[str]] = [[] for _ in data.buffers]
        for (index, _), text in zip(jobs, texts, strict=True):
            self.encoded[index].append(text)
        self.dtypes = [b.dtype for b in data.buffers]
        self.sizes = [len(b.data) for b in data.buffers]
        del jobs
        # The raw buffers are not needed again: free them before the page is rendered.
        for buffer in data.buffers:
            buffer.data = b""

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
