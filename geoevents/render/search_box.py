"""The search box: places, titles and ids of the shown incidents (``assets/search.js``)."""

from __future__ import annotations

from folium.template import Template

from geoevents.render.elements import VerbatimMacroElement
from geoevents.render.layers import IncidentLayer

__all__ = ["SearchBox"]


class SearchBox(VerbatimMacroElement):
    """A search box (top left) that zooms to a place or opens an incident.

    Parameters
    ----------
    incidents : IncidentLayer
        The layer it searches; must be added to the map before this control.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            geoevents.addSearch({{ this.incidents.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self, incidents: IncidentLayer) -> None:
        super().__init__()
        self._name = "SearchBox"
        self.incidents = incidents
