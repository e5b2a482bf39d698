"""The incident overlays: one folium ``FeatureGroup`` per category, filled by our own script.

folium's markers and plugins would write one block of JavaScript per incident and load their
code from CDNs. Instead the incidents are embedded once, as JSON, and ``incidents.js`` builds
the Leaflet layers (markers, areas of uncertainty, lines, polygons, optional clusters) into
the category groups, so folium's ``LayerControl`` lists and toggles them as usual.
"""

from __future__ import annotations

from typing import Any

import folium
from folium.map import Layer
from folium.template import Template

from geoevents.render.categories import Category
from geoevents.render.elements import VerbatimMacroElement
from geoevents.render.embed import escape_html, script_json
from geoevents.schema import GEO_PRECISIONS

__all__ = [
    "CategoryLayers",
    "HeatLayer",
    "IncidentLayer",
    "Ready",
    "category_groups",
    "group_label",
]


def group_label(category: Category) -> str:
    """Return the plain-text name of a category's overlay, with its count."""
    return f"{category.name} ({category.count})"


def category_groups(categories: list[Category]) -> list[folium.FeatureGroup]:
    """Return one empty, visible overlay per category.

    The names are HTML-escaped because Leaflet's layer control inserts them as HTML.
    """
    return [
        folium.FeatureGroup(name=escape_html(group_label(c)), overlay=True, show=True)
        for c in categories
    ]


class CategoryLayers(VerbatimMacroElement):
    """An element that draws incidents into one folium group per category (both engines)."""

    groups: list[folium.FeatureGroup]

    @property
    def group_names(self) -> list[str]:
        """The JavaScript variables of the category groups."""
        return [group.get_name() for group in self.groups]


class IncidentLayer(CategoryLayers):
    """The incidents, embedded once as JSON and drawn into the category groups.

    Parameters
    ----------
    records : list of dict
        From ``records.incident_records``.
    categories : list of Category
        The overlays, in the order of ``groups``.
    groups : list of folium.FeatureGroup
        One per category; they must be added to the map before this element.
    layer_by : str
        The field the categories come from.
    cluster : bool
        Whether points are clustered (per category, so clusters follow the toggles).
    """

    _template = Template(
        """
        {% macro html(this, kwargs) %}
        <script type="application/json" id="{{ this.data_id }}">{{ this.payload }}</script>
        {% endmacro %}
        {% macro script(this, kwargs) %}
            var {{ this.get_name() }} = geoevents.drawIncidents({
                map: {{ this._parent.get_name() }},
                mapName: {{ this._parent.get_name()|tojson }},
                dataId: {{ this.data_id|tojson }},
                groups: [{{ this.group_names|join(", ") }}],
                cluster: {{ this.cluster|tojson }}
            });
        {% endmacro %}
        """
    )

    def __init__(
        self,
        records: list[dict[str, Any]],
        categories: list[Category],
        groups: list[folium.FeatureGroup],
        *,
        layer_by: str,
        cluster: bool = False,
    ) -> None:
        super().__init__()
        self._name = "IncidentLayer"
        self.records = records
        self.categories = categories
        self.groups = groups
        self.layer_by = layer_by
        self.cluster = cluster

    @property
    def data_id(self) -> str:
        """The id of the JSON block (derived from the element's deterministic name)."""
        return self.get_name() + "_data"

    @property
    def payload(self) -> str:
        """The script-safe JSON the page reads its incidents from."""
        return script_json(
            {
                "layerBy": self.layer_by,
                "categories": [c.as_json() for c in self.categories],
                "geoPrecision": {str(k): v for k, v in GEO_PRECISIONS.items()},
                "incidents": self.records,
            }
        )


class HeatLayer(Layer):
    """A heat map of the visible incidents (our own small canvas layer, no CDN plugin).

    It follows the category toggles and the timeline: it draws what the markers show.

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
