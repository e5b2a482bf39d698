"""The incident overlays: one folium ``FeatureGroup`` per category, filled by our own script.

folium's markers and plugins would write one block of JavaScript per incident and load their
code from CDNs. Instead every map embeds its incidents once, as the compressed columns of
``columnar.py`` (``payload.py``), and the page's store (``assets/store.js``) decodes them; one
of two drawers draws them into the category groups, so folium's ``LayerControl`` lists and
toggles them as usual: the vector drawer (``assets/vector.js``, one Leaflet marker per
incident, optional clusters) or the canvas drawer (``assets/canvas.js``, one canvas).
"""

from __future__ import annotations

from typing import Any

import folium
from folium.map import Layer
from folium.template import Template

from geoevents.render.categories import Category
from geoevents.render.columnar import ColumnarIncidents
from geoevents.render.elements import VerbatimMacroElement
from geoevents.render.embed import escape_html, script_json
from geoevents.render.payload import Compressor, EmbeddedColumns
from geoevents.schema import COLUMNS, GEO_PRECISIONS

__all__ = [
    "DRAWERS",
    "SIZE_FIELDS",
    "HeatLayer",
    "IncidentLayer",
    "Ready",
    "category_groups",
    "check_size_by",
    "group_label",
]

#: How the page draws: ``"vector"`` (Leaflet markers) or ``"canvas"`` (one canvas of stamps).
DRAWERS = ("vector", "canvas")

#: The fields a map can size its points by (``size_by``): assets/sizes.js turns them into radii.
SIZE_FIELDS = ("fatalities",)

#: The page function that opens the store and draws with each drawer.
_ENTRY = {"vector": "drawIncidents", "canvas": "drawLarge"}


def check_size_by(size_by: str | None) -> str | None:
    """Return ``size_by`` if points can be sized by it (or it is ``None``), else raise.

    Raises
    ------
    UsageError
        Naming the fields that can size points.
    """
    if size_by is not None and size_by not in SIZE_FIELDS:
        from geoevents.errors import UsageError

        raise UsageError(
            f"cannot size points by {size_by!r}; choose one of: {', '.join(SIZE_FIELDS)}"
        )
    return size_by


def group_label(category: Category, shown: int) -> str:
    """Return the plain-text name of a category's overlay: ``"Battles (3 / 8)"``.

    Parameters
    ----------
    category : Category
        The category (its ``count`` is the total).
    shown : int
        How many of its incidents are shown (when the page opens: the drawable ones).
    """
    return f"{category.name} ({shown} / {category.count})"


def category_groups(categories: list[Category], shown: list[int]) -> list[folium.FeatureGroup]:
    """Return one empty, visible overlay per category, named by ``group_label``.

    The names are HTML-escaped because Leaflet's layer control inserts them as HTML (the page
    then keeps the count part up to date as text).
    """
    return [
        folium.FeatureGroup(name=escape_html(group_label(c, n)), overlay=True, show=True)
        for c, n in zip(categories, shown, strict=True)
    ]


class IncidentLayer(VerbatimMacroElement):
    """The incidents, embedded once as compressed columns and drawn into the category groups.

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
    drawer : {"vector", "canvas"}
        How the page draws them.
    cluster : bool
        Whether the vector drawer clusters points (per category, so clusters follow toggles).
    source : dict, optional
        Where the incidents came from (input name, SHA-256, the CLI's filters), JSON-ready:
        the page's export records it.
    size_by : {None, "fatalities"}
        The field the page sizes points by (``SIZE_FIELDS``), decoded with the positions.
    compressor : payload.Compressor, optional
        The compressor ``data``'s buffers went to as they were added (``encode_incidents``'
        ``on_add``); without one they are compressed when the page is rendered.
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
            var {{ this.get_name() }} = geoevents.{{ this.entry }}({
                map: {{ this._parent.get_name() }},
                mapName: {{ this._parent.get_name()|tojson }},
                metaId: {{ this.meta_id|tojson }},
                shapesId: {{ this.shapes_id|tojson }},
                groups: [{{ this.group_names|join(", ") }}],
                cluster: {{ this.cluster|tojson }}
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
        drawer: str = "vector",
        cluster: bool = False,
        source: dict[str, Any] | None = None,
        size_by: str | None = None,
        compressor: Compressor | None = None,
    ) -> None:
        super().__init__()
        self.size_by = check_size_by(size_by)
        self._compressor = compressor
        if drawer not in DRAWERS:
            raise ValueError(f"unknown drawer {drawer!r}; choose one of: {', '.join(DRAWERS)}")
        self._name = "IncidentLayer"
        self.data = data
        self.count = data.count
        self.categories = categories
        self.groups = groups
        self.layer_by = layer_by
        self.drawer = drawer
        self.cluster = cluster and drawer == "vector"
        self._embedded: EmbeddedColumns | None = None
        self.source = source or {}

    @property
    def entry(self) -> str:
        """The page function that draws this layer."""
        return _ENTRY[self.drawer]

    @property
    def group_names(self) -> list[str]:
        """The JavaScript variables of the category groups."""
        return [group.get_name() for group in self.groups]

    @property
    def meta_id(self) -> str:
        """The id of the JSON block that describes the columns."""
        return self.get_name() + "_meta"

    @property
    def shapes_id(self) -> str:
        """The id of the JSON block of line and polygon geometries."""
        return self.get_name() + "_shapes"

    @property
    def embedded(self) -> EmbeddedColumns:
        """The compressed buffers (computed once, when first asked for or rendered)."""
        if self._embedded is None:
            self._embedded = EmbeddedColumns(self.data, self.get_name(), self._compressor)
            self._compressor = None
        return self._embedded

    @property
    def pieces(self) -> list[tuple[str, str]]:
        """``(element id, base64 text)`` of every piece, in order."""
        return self.embedded.pieces

    @property
    def meta(self) -> str:
        """The script-safe JSON description of the store: columns, categories, buffers."""
        return script_json(
            {
                "layerBy": self.layer_by,
                "count": self.data.count,
                "drawer": self.drawer,
                "categories": [c.as_json() for c in self.categories],
                "geoPrecision": {str(k): v for k, v in GEO_PRECISIONS.items()},
                "columns": self.data.columns,
                "buffers": self.embedded.buffers(),
                # What the page's export writes: the CLI's columns and where they came from.
                "fields": list(COLUMNS),
                "source": self.source,
                **self.data.extra,
                "sizeBy": self.size_by,
            }
        )

    @property
    def shapes(self) -> str:
        """The script-safe JSON ``[[row, geometry], ...]`` of the lines and polygons."""
        return script_json(self.data.shapes)


class HeatLayer(Layer):
    """A heat map of the shown incidents (our own small canvas layer, no CDN plugin).

    It follows the category toggles and the timeline: it draws what the mask shows.

    Parameters
    ----------
    incidents : IncidentLayer
        Must be added to the map before this layer.
    show : bool
        Whether the heat map is on when the page opens.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            var {{ this.get_name() }} = geoevents.heatLayer({{ this.incidents.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self, incidents: IncidentLayer, *, show: bool = True) -> None:
        super().__init__(name=escape_html("Heatmap"), overlay=True, control=True, show=show)
        self._name = "HeatLayer"
        self.incidents = incidents


class Ready(VerbatimMacroElement):
    """Marks the page ready (``<html data-geoevents-ready="true">``) once all is drawn."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            geoevents.ready({{ this.incidents.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self, incidents: IncidentLayer) -> None:
        super().__init__()
        self._name = "Ready"
        self.incidents = incidents
