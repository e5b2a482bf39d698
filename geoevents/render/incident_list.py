"""The incident list: every shown incident, sortable, one row each (``assets/list.js``).

The page builds the list from its store, so nothing but one call is written here: the rows,
their order and the "N of M shown" count follow the toggles, the timeline and the filters in
the browser. The list's element also starts the page's control layout (``assets/layout.js``),
which keeps every control clear of the others down to a 390-pixel-wide screen.
"""

from __future__ import annotations

from folium.template import Template

from geoevents.render.elements import VerbatimMacroElement
from geoevents.render.layers import IncidentLayer

__all__ = ["IncidentList"]


class IncidentList(VerbatimMacroElement):
    """The list of shown incidents (top right; a bottom sheet on a narrow screen).

    Parameters
    ----------
    incidents : IncidentLayer
        The layer it lists; must be added to the map before this control.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            geoevents.addList({{ this.incidents.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self, incidents: IncidentLayer) -> None:
        super().__init__()
        self._name = "IncidentList"
        self.incidents = incidents
