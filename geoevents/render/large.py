"""The large-data incident layer: compressed binary columns drawn on one canvas.

``IncidentLayer`` embeds one JSON record per incident and makes one Leaflet layer of each,
which is right for thousands of incidents and hopeless for a million (one JavaScript string
cannot even hold the JSON). ``LargeIncidentLayer`` embeds the columns of ``columnar.py``,
gzip-compressed (in parallel, one piece per thread) and base64-encoded, in
``<script type="application/octet-stream">`` blocks of bounded size; ``assets/large.js``
decodes them with the browser's ``DecompressionStream`` and draws every incident on a canvas.
Categories still toggle through the same folium ``FeatureGroup`` overlays.
"""

from __future__ import annotations

import base64
import os
import zlib
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import folium
from folium.template import Template

from geoevents.render.categories import Category
from geoevents.render.columnar import ColumnarIncidents
from geoevents.render.embed import script_json
from geoevents.render.layers import CategoryLayers
from geoevents.schema import GEO_PRECISIONS

__all__ = ["LargeIncidentLayer", "compress"]

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


class LargeIncidentLayer(CategoryLayers):
    """Incidents as compressed columns, drawn by ``geoevents.drawLarge`` on one canvas.

    Parameters
    ----------
    data : ColumnarIncidents
        From ``columnar.encode_incidents``.
    categories : list of Category
        The overlays, in the order of ``groups``.
    groups : list of folium.FeatureGroup
        One per category; they must be added to the map before this element.
    layer_by : str
        The field the categories come from.
    """

    _template = Template(
        """
        {% macro html(this, kwargs) %}
        <script type="application/json" id="{{ this.meta_id }}">{{ this.meta }}</script>
        <script type="application/json" id="{{ this.shapes_id }}">{{ this.shapes }}</script>
        {%- for id, text in this.pieces %}
        <script type="application/octet-stream" id="{{ id }}">{{ text }}</script>
        {%- endfor %}
        {% endmacro %}
        {% macro script(this, kwargs) %}
            var {{ this.get_name() }} = geoevents.drawLarge({
                map: {{ this._parent.get_name() }},
                mapName: {{ this._parent.get_name()|tojson }},
                metaId: {{ this.meta_id|tojson }},
                shapesId: {{ this.shapes_id|tojson }},
                groups: [{{ this.group_names|join(", ") }}]
            });
        {% endmacro %}
        """
    )

    def __init__(
        self,
        data: ColumnarIncidents,
        categories: list[Category],
        groups: list[folium.FeatureGroup],
        *,
        layer_by: str,
    ) -> None:
        super().__init__()
        self._name = "LargeIncidentLayer"
        self.data = data
        self.categories = categories
        self.groups = groups
        self.layer_by = layer_by
        self._encoded: list[list[str]] | None = None
        self._sizes: list[int] = []

    @property
    def meta_id(self) -> str:
        """The id of the JSON block that describes the columns."""
        return self.get_name() + "_meta"

    @property
    def shapes_id(self) -> str:
        """The id of the JSON block of line and polygon geometries."""
        return self.get_name() + "_shapes"

    def _pieces(self) -> list[list[str]]:
        """Every buffer as a list of compressed, base64-encoded pieces (computed once)."""
        if self._encoded is None:
            total = sum(len(b.data) for b in self.data.buffers)
            level = LARGE_LEVEL if total > LARGE_DATA_BYTES else SMALL_LEVEL
            jobs: list[tuple[int, memoryview]] = []
            for index, buffer in enumerate(self.data.buffers):
                view = memoryview(buffer.data)
                starts = range(0, max(len(view), 1), PIECE_BYTES)
                jobs.extend((index, view[s : s + PIECE_BYTES]) for s in starts)
            # zlib releases the GIL while it compresses, so threads use every core.
            with ThreadPoolExecutor(max_workers=min(4, os.cpu_count() or 1)) as pool:
                texts = list(pool.map(lambda job: compress(job[1], level), jobs))
            encoded: list[list[str]] = [[] for _ in self.data.buffers]
            for (index, _), text in zip(jobs, texts, strict=True):
                encoded[index].append(text)
            self._encoded = encoded
            # The raw buffers are not needed again: free them before the page is rendered.
            self._sizes = [len(b.data) for b in self.data.buffers]
            del jobs
            for buffer in self.data.buffers:
                buffer.data = b""
        return self._encoded

    @property
    def pieces(self) -> list[tuple[str, str]]:
        """``(element id, base64 text)`` of every piece, in order."""
        name = self.get_name()
        return [
            (f"{name}_b{index}_{part}", text)
            for index, texts in enumerate(self._pieces())
            for part, text in enumerate(texts)
        ]

    @property
    def meta(self) -> str:
        """The script-safe JSON description of the columns, categories and buffers."""
        name = self.get_name()
        pieces = self._pieces()
        buffers: list[dict[str, Any]] = [
            {
                "dtype": buffer.dtype,
                "size": size,
                "parts": [f"{name}_b{index}_{part}" for part in range(len(texts))],
            }
            for index, (buffer, size, texts) in enumerate(
                zip(self.data.buffers, self._sizes, pieces, strict=True)
            )
        ]
        return script_json(
            {
                "layerBy": self.layer_by,
                "count": self.data.count,
                "categories": [c.as_json() for c in self.categories],
                "geoPrecision": {str(k): v for k, v in GEO_PRECISIONS.items()},
                "columns": self.data.columns,
                "buffers": buffers,
            }
        )

    @property
    def shapes(self) -> str:
        """The script-safe JSON ``[[row, geometry], ...]`` of the lines and polygons."""
        return script_json(self.data.shapes)
